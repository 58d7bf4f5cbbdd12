import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, launchBrowser, serveCheckedApi, serveOnLoopback, type Served } from "../support/browser";
import { type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";
import { syncedPlan } from "../support/synced-plan";

/**
 * `<tsuzuku-portal>` on a single-page my-page (trial43): the shop's router unmounts the element when
 * the customer goes to another page and mounts it again on the way back. The host page is what such
 * a shop serves: a strict CSP (nonce'd scripts, `style-src 'self'`), an aggressive reset and a 62.5 %
 * root font size, on another origin than the API. Every answer the portal receives is held to openapi.json.
 */

let h: NodeHarness;
let api: Served & { broken: string[] };
let shop: Served;
let browser: Browser;
let t: TestTenant;
const PHONE = { width: 375, height: 667 };
const NONCE = "spa-nonce-43";

const RESET = `* { box-sizing: border-box; margin: 0 } html { font-size: 62.5% } button { all: unset } [hidden] { display: none !important }`;

function host(url: URL): Response {
  if (url.pathname === "/reset.css") return new Response(RESET, { headers: { "content-type": "text/css" } });
  const session = url.searchParams.get("session") ?? "";
  const body = `<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>マイページ</title>
<link rel="stylesheet" href="/reset.css"></head>
<body><main><h1>マイページ</h1><div id="outlet"></div></main>
<script nonce="${NONCE}">
  // The shop's router: the my-page route mounts the portal, another route unmounts it.
  window.portalEvents = [];
  for (const type of ["tsuzuku:changed", "tsuzuku:error", "tsuzuku:canceled"]) document.addEventListener(type, (e) => window.portalEvents.push({ type, detail: e.detail }));
  window.mount = () => {
    const portal = document.createElement("tsuzuku-portal");
    portal.setAttribute("session", ${JSON.stringify(session)});
    portal.setAttribute("api-base", ${JSON.stringify(api.url)});
    document.getElementById("outlet").replaceChildren(portal);
    return portal;
  };
  window.leave = () => { document.getElementById("outlet").replaceChildren(); history.pushState({ route: "orders" }, "", "/orders"); };
  window.back = (portal) => { history.pushState({ route: "my-page" }, "", "/my-page"); document.getElementById("outlet").replaceChildren(portal ?? window.mount()); };
  window.kept = window.mount();
</script>
<script nonce="${NONCE}" src="${api.url}/embed/v1/tsuzuku.js"></script></body></html>`;
  return new Response(body, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; script-src 'nonce-${NONCE}' ${api.url}; style-src 'self'; connect-src ${api.url}; img-src 'self'`,
    },
  });
}

function customer(): Promise<{ customerId: string; subscriptionId: string }> {
  return syncedPlan(h, t, { nextIn: 12 });
}

async function open(customerId: string, viewport = PHONE): Promise<{ page: Page; problems: string[] }> {
  const res = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId } });
  expect(res.status).toBe(201);
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  const url = new URL("/my-page", shop.url);
  url.searchParams.set("session", res.body.token);
  await page.goto(url.href);
  await part(page, "cancel-button").waitFor();
  return { page, problems };
}

const part = (page: Page, name: string) => page.locator(`tsuzuku-portal [part~="${name}"]`);
const flowStatus = async (flowId: string) => (await h.request("GET", `/v1/cancel-flows/${flowId}`, { key: t.key })).body.status as string;
const startedFlow = (page: Page) => page.waitForResponse((r) => r.url().endsWith("/cancel-flows") && r.request().method() === "POST");

beforeAll(async () => {
  h = await nodeHarness();
  api = await serveCheckedApi(h);
  shop = await serveOnLoopback((request) => host(new URL(request.url)));
  t = await h.tenant();
  expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { allowedOrigins: [shop.url] } })).status).toBe(200);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  expect(api?.broken, "answers the portal received, held to openapi.json").toEqual([]);
  await browser?.close();
  await shop?.close();
  await api?.close();
  h?.close();
});

describe("<tsuzuku-portal> on a single-page my-page: unmounted by the shop's router and mounted again", () => {
  it("navigating away in the middle of cancelling ends the flow; coming back shows the plan list, and the host's Back is the host's", async () => {
    const { customerId } = await customer();
    const { page, problems } = await open(customerId);
    const started = startedFlow(page);
    await part(page, "cancel-button").click();
    const flowId = (await (await started).json()).flowId as string;
    await part(page, "skip-reason").waitFor();

    // The customer taps 「注文履歴」 in the shop's menu: the router unmounts the portal.
    await page.evaluate(() => (window as unknown as { leave(): void }).leave());
    await expect.poll(() => flowStatus(flowId), { timeout: 10_000 }).toBe("abandoned");

    // Back to the my-page with the same element (a router that keeps it): the plan list, read again, not the left flow.
    await page.evaluate(() => {
      const w = window as unknown as { back(p: Element): void; kept: Element };
      w.back(w.kept);
    });
    await part(page, "cancel-button").waitFor();
    expect(await part(page, "skip-reason").count()).toBe(0);
    // 「解約する」 again starts a new flow (the old one is not picked up).
    const again = startedFlow(page);
    await part(page, "cancel-button").click();
    const flowId2 = (await (await again).json()).flowId as string;
    expect(flowId2).not.toBe(flowId);
    await part(page, "skip-reason").waitFor();
    expect(await axeViolations(page, { wcagOnly: true, seriousOnly: true })).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("an answer that arrives after the unmount pushes no history entry on the host's next page, and the flow it opened is ended", async () => {
    const { customerId } = await customer();
    const { page } = await open(customerId);
    // The API answers 「解約する」 slowly (a phone on a train).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/cancel-flows$/, async (route) => {
      await held;
      await route.continue();
    });
    const started = startedFlow(page);
    await part(page, "cancel-button").click();
    await page.evaluate(() => (window as unknown as { leave(): void }).leave());
    const before = await page.evaluate(() => history.length);
    release();
    const flowId = (await (await started).json()).flowId as string;
    await expect.poll(() => flowStatus(flowId), { timeout: 10_000 }).toBe("abandoned");
    expect(await page.evaluate(() => history.length)).toBe(before);
    // The host's Back goes to the my-page the customer came from, in one press.
    await page.goBack();
    expect(new URL(page.url()).pathname).toBe("/my-page");
    await page.close();
  }, 60_000);

  it("navigating away while the plans are still being read ends those reads at once, with no error said or sent; coming back reads them afresh", async () => {
    const { customerId } = await customer();
    const res = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId } });
    const page = await browser.newPage({ viewport: PHONE });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().includes("ERR_ABORTED")) problems.push(m.text());
    });
    // The plan's options are slow to come (a phone on a train): held until the test lets them go.
    const held: Route[] = [];
    await page.route(/\/plan-options$/, (route) => void held.push(route));
    const ended: string[] = [];
    page.on("requestfailed", (r) => ended.push(`${new URL(r.url()).pathname.split("/").pop()} ${r.failure()?.errorText}`));
    const url = new URL("/my-page", shop.url);
    url.searchParams.set("session", res.body.token);
    await page.goto(url.href);
    await expect.poll(() => held.length).toBe(1);
    await page.evaluate(() => (window as unknown as { leave(): void }).leave());
    // Every read still under way ends, not only the held one (on a loaded machine the opt-out read may still be out too).
    await expect.poll(() => ended).toContain("plan-options net::ERR_ABORTED");
    expect(ended.filter((e) => !e.endsWith(" net::ERR_ABORTED"))).toEqual([]);
    // Back with a freshly mounted element, the options answered at once this time: the plans, read again.
    await page.unroute(/\/plan-options$/);
    await page.evaluate(() => (window as unknown as { back(): void }).back());
    await part(page, "cancel-button").waitFor();
    expect(await page.locator("tsuzuku-portal .message:not(:empty)").allTextContents()).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { portalEvents: { type: string }[] }).portalEvents.map((e) => e.type))).not.toContain("tsuzuku:error");
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("under the host's 62.5 % root font size and reset, on a desktop, the portal is as wide and its text as large as on any page: 768 px at most, text 16 px, buttons 44 px", async () => {
    const { customerId } = await customer();
    const { page, problems } = await open(customerId, { width: 1280, height: 800 });
    const sizes = await page.evaluate(() => {
      const root = document.querySelector("tsuzuku-portal")!.shadowRoot!;
      const container = root.querySelector<HTMLElement>('[part~="container"]')!;
      const button = root.querySelector<HTMLElement>('[part~="cancel-button"]')!;
      return { width: container.getBoundingClientRect().width, font: getComputedStyle(container).fontSize, button: button.getBoundingClientRect().height };
    });
    // Before: max-width 48rem read the host's 10 px root, so the my-page's plans were squeezed into 480 px.
    expect(sizes).toEqual({ width: 768, font: "16px", button: expect.any(Number) });
    expect(sizes.button).toBeGreaterThanOrEqual(44);
    expect(await axeViolations(page, { wcagOnly: true, seriousOnly: true })).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
