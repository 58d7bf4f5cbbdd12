import { serve, type ServerType } from "@hono/node-server";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { ajvCheck } from "./ajv";
import { contractViolations } from "./contract";
import { toRes, type TestTenant } from "./harness";
import { nodeHarness, type NodeHarness } from "./node-harness";

/** axe-core's browser script, to evaluate in a page. */
export const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core run over the page (evaluated over the DevTools protocol: the console's CSP allows no
 * inline script), each violation as `id (nodes)`. `seriousOnly`: serious and critical ones only;
 * otherwise every one, whatever its impact (heading order, unlabelled landmarks are "moderate").
 */
export async function axeViolations(page: Page, { seriousOnly = false, wcagOnly = false }: { seriousOnly?: boolean; wcagOnly?: boolean } = {}): Promise<string[]> {
  // Once per document: parsing axe's 650 KB again for every scan of the same page cost each scan time.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const options = JSON.stringify({ resultTypes: ["violations"], ...(wcagOnly ? { runOnly: { type: "tag", values: WCAG_TAGS } } : {}) });
  const result = (await page.evaluate(`axe.run(document, ${options})`)) as { violations: { id: string; impact: string; nodes: unknown[] }[] };
  return result.violations.filter((v) => !seriousOnly || v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length})`);
}

/** `wcagOnly`: the rules of WCAG 2.0–2.2 A and AA (no best practices), as the portal's suites hold it to. */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** What the console's browser suites run on: the app on the embedded file, served on loopback, and Chromium. */
export type ConsoleBrowser = { h: NodeHarness; browser: Browser; api: Served };

export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  const h = await nodeHarness();
  const [browser, api] = await Promise.all([launchBrowser(), serveOnLoopback((r) => h.app.fetch(r))]);
  return { h, browser, api };
}

/**
 * A test file's console in Chromium, opened before its tests and closed after them (beforeAll /
 * afterAll registered here): `h`, `browser` and `api` are set once it is open; `contexts` holds the
 * cookie jars openConsolePage opens, closed with it.
 */
export function consoleBrowserFile(): ConsoleBrowser & { contexts: BrowserContext[] } {
  const file = { contexts: [] as BrowserContext[] } as ConsoleBrowser & { contexts: BrowserContext[] };
  beforeAll(async () => {
    Object.assign(file, await openConsoleBrowser());
  }, 60_000);
  afterAll(() => closeConsoleBrowser(file, file.contexts), 60_000);
  return file;
}

/** A console session (POST /v1/console-sessions) of `tenant` opened in a fresh cookie jar (kept in `contexts`, to close), on /console. */
export async function openConsolePage(s: ConsoleBrowser, contexts: BrowserContext[], tenant: TestTenant, session: { operatorId: string; operatorName: string; role?: "operator" | "supervisor" }): Promise<Page> {
  const res = await s.h.request("POST", "/v1/console-sessions", { key: tenant.key, body: session });
  expect(res.status).toBe(201);
  const login = new URL(res.body.url);
  const context = await s.browser.newContext({ locale: "ja-JP" });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(s.api.url + login.pathname + login.search);
  expect(new URL(page.url()).pathname).toBe("/console");
  return page;
}

/** Closes a suite's browser contexts (one per operator: twenty-odd took over 10 s at load 19), Chromium, the server and the app. */
export async function closeConsoleBrowser(s: Partial<ConsoleBrowser>, contexts: readonly BrowserContext[]): Promise<void> {
  for (const c of contexts) await c.close();
  await s.browser?.close();
  await s.api?.close();
  s.h?.close();
}

/**
 * Debian's Chromium (apt `chromium`; `.ci/run` installs it when missing). Nothing here downloads a
 * browser. CHROMIUM_PATH overrides the location.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Headless Chromium for the browser suites. `--no-sandbox` because CI runs as root; the
 * background-networking flags keep it from dialling Google on a machine with no network.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type Served = { url: string; close(): Promise<void> };

/**
 * The app of `h` served on loopback for a browser, every `/v1` answer it gives held to openapi.json:
 * what broke the contract gathers in `broken` (assert it empty after the suite).
 */
export async function serveCheckedApi(h: NodeHarness): Promise<Served & { broken: string[] }> {
  const check = ajvCheck();
  const broken: string[] = [];
  const served = await serveOnLoopback(async (request) => {
    const response = await h.app.fetch(request);
    const url = new URL(request.url);
    if (url.pathname.startsWith("/v1/")) broken.push(...contractViolations(check, request.method, url.pathname, await toRes(response.clone())));
    return response;
  });
  return { ...served, broken };
}

/**
 * Serves a fetch handler (the app, or a page standing in for a merchant's site) on a free loopback
 * port. Two of these give two origins (different ports), as a real my-page and API would be.
 */
export function serveOnLoopback(fetch: (request: Request) => Response | Promise<Response>): Promise<Served> {
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** What a portal browser suite runs on (`portalTestbed`), filled in by its beforeAll. */
export type PortalTestbed = {
  h: NodeHarness;
  /** The app on loopback, every `/v1` answer held to openapi.json (asserted in afterAll). */
  api: Served & { broken: string[] };
  /** The shop's my-page, on another origin. */
  shop: Served;
  browser: Browser;
  /** A tenant whose settings allow the shop's origin. */
  t: TestTenant;
  /** A customer session's token (POST /v1/customer-sessions), minted with `key` (default: the tenant's) as a shop's server does. */
  session(customerId: string, key?: string): Promise<string>;
};

/**
 * The prologue of a `<tsuzuku-portal>` suite in Chromium: the app on the embedded file served on
 * loopback (answers held to openapi.json), the shop's my-page (`myPage`, given each request's URL)
 * on a second origin, a tenant allowing that origin, Chromium; afterAll asserts no answer broke the
 * contract and closes them all. Call it at the top of the file: the suite sets its own page, viewport
 * and customers.
 */
export function portalTestbed(myPage: (url: URL) => Response | Promise<Response>): PortalTestbed {
  const tb = {
    async session(customerId: string, key?: string): Promise<string> {
      const res = await tb.h.request("POST", "/v1/customer-sessions", { key: key ?? tb.t.key, body: { customerId } });
      expect(res.status).toBe(201);
      return res.body.token;
    },
  } as PortalTestbed;
  beforeAll(async () => {
    tb.h = await nodeHarness();
    tb.api = await serveCheckedApi(tb.h);
    tb.shop = await serveOnLoopback((request) => myPage(new URL(request.url)));
    tb.t = await tb.h.tenant();
    expect((await tb.h.request("PATCH", "/v1/settings", { key: tb.t.key, body: { allowedOrigins: [tb.shop.url] } })).status).toBe(200);
    tb.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    expect(tb.api?.broken, "answers the portal received, held to openapi.json").toEqual([]);
    await tb.browser?.close();
    await tb.shop?.close();
    await tb.api?.close();
    tb.h?.close();
  });
  return tb;
}

/** A shop's plain my-page (`lang`): one `<tsuzuku-portal>` with the customer session `token`, the embed loaded from the testbed's API. */
export function plainMyPage(tb: Pick<PortalTestbed, "api">, token: string, lang: "ja" | "en"): Response {
  const title = lang === "ja" ? "マイページ" : "My page";
  const body = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1><tsuzuku-portal session="${token}" api-base="${tb.api.url}" lang="${lang}"></tsuzuku-portal></main>
<script src="${tb.api.url}/embed/v1/tsuzuku.js"></script></body></html>`;
  return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
}

/**
 * A shop's my-page (`lang`) sized for a phone: the `<tsuzuku-portal>` elements in `embeds`, the embed
 * loaded from the testbed's API, and the portal's `events` kept in `window.portalEvents` for the test
 * to read; `headers` are added to the page's.
 */
export function recordingMyPage(
  tb: Pick<PortalTestbed, "api">,
  embeds: readonly string[],
  { lang = "ja", events = ["tsuzuku:changed", "tsuzuku:error"], headers = {} }: { lang?: string; events?: readonly string[]; headers?: Record<string, string> } = {},
): Response {
  const body = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>マイページ</title></head>
<body><main><h1>マイページ</h1>
${embeds.join("\n")}
</main>
<script>
  window.portalEvents = [];
  for (const type of ${JSON.stringify(events)}) document.addEventListener(type, (e) => window.portalEvents.push({ type, detail: e.detail }));
</script>
<script src="${tb.api.url}/embed/v1/tsuzuku.js"></script></body></html>`;
  return new Response(body, { headers: { "content-type": "text/html; charset=utf-8", ...headers } });
}

/** The shop's page `?p=pageId` on a 375 × 667 phone, once the portal shows the customer's plans. */
export async function openOnPhone(tb: Pick<PortalTestbed, "browser" | "shop">, pageId: string): Promise<Page> {
  const page = await tb.browser.newPage({ viewport: { width: 375, height: 667 } });
  await page.goto(`${tb.shop.url}/?p=${encodeURIComponent(pageId)}`);
  await page.locator("tsuzuku-portal [data-subscription]").waitFor();
  return page;
}
