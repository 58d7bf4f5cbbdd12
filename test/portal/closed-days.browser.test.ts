import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate, writeDate } from "../../src/platform/dates";
import { axeViolations, launchBrowser, serveCheckedApi, serveOnLoopback, type Served } from "../support/browser";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * The shop's closed days (settings `closedDates`: 年末年始) on the my-page: a date field says them
 * beside the days it takes, before anything is sent (a day picker cannot grey them out, and a
 * screen reader would not read it if it did), and a closed day typed in is refused at the field with
 * the first open day. In Chromium, answers held to openapi.json, axe-core on each screen.
 */

let h: NodeHarness;
let api: Served & { broken: string[] };
let shop: Served;
let browser: Browser;
let t: TestTenant;
const tokens = new Map<string, string>();
const today = () => localDate(new Date(), "Asia/Tokyo");
const portalDate = (date: string) => writeDate(date, "ja", "full", undefined, { weekday: true });
const closed = () => ({ from: addDays(today(), 20), to: addDays(today(), 25) });

async function customer(): Promise<{ page: string; id: string }> {
  const customerId = uid("C");
  expect((await h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() })).status).toBe(201);
  const id = uid("S");
  expect((await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 10) }) })).status).toBe(201);
  const res = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId } });
  expect(res.status).toBe(201);
  const page = uid("p");
  tokens.set(page, res.body.token);
  return { page, id };
}

async function open(pageId: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 375, height: 667 } });
  await page.goto(`${shop.url}/?p=${encodeURIComponent(pageId)}`);
  await page.locator("tsuzuku-portal [data-subscription]").waitFor();
  return page;
}

beforeAll(async () => {
  h = await nodeHarness();
  api = await serveCheckedApi(h);
  shop = await serveOnLoopback((request) => {
    const token = tokens.get(new URL(request.url).searchParams.get("p") ?? "")!;
    const body = `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>マイページ</title></head>
<body><main><h1>マイページ</h1><tsuzuku-portal session="${token}" api-base="${api.url}" lang="ja"></tsuzuku-portal></main>
<script src="${api.url}/embed/v1/tsuzuku.js"></script></body></html>`;
    return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
  });
  t = await h.tenant();
  expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { allowedOrigins: [shop.url], closedDates: [closed()] } })).status).toBe(200);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  expect(api?.broken, "answers the portal received, held to openapi.json").toEqual([]);
  await browser?.close();
  await shop?.close();
  await api?.close();
  h?.close();
});

describe("<tsuzuku-portal>: the shop's closed days", () => {
  it("the date field says the closed days beside its range; a closed day typed in is refused at the field with the first open day, nothing changed", async () => {
    const { page: pageId, id } = await customer();
    const opts = (await h.request("GET", `/v1/subscriptions/${id}/plan-options`, { key: t.key })).body;
    const page = await open(pageId);
    await page.getByText("次回お届け日を変更").click();
    const field = page.getByLabel("新しいお届け日");
    const hint = page.locator(`tsuzuku-portal #${await field.getAttribute("aria-describedby")}`);
    const { from, to } = closed();
    expect(await hint.textContent()).toBe(
      `${portalDate(opts.nextDelivery.earliest)}から${portalDate(opts.nextDelivery.latest)}までの日を選べます。${portalDate(from)}から${portalDate(to)}まではお届けをお休みします。`,
    );
    await expect.poll(async () => axeViolations(page, { wcagOnly: true })).toEqual([]);

    await field.fill(addDays(today(), 22));
    await page.getByRole("button", { name: "変更内容を確認する" }).first().click();
    await page.locator("tsuzuku-portal [part~='confirm-change']").click();
    // Refused by the API at the field: the range and the first open day, as the rule says them.
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    const card = page.locator(`tsuzuku-portal [data-subscription="${id}"]`);
    await expect.poll(() => card.innerText()).toContain(`${portalDate(addDays(today(), 26)).replace(/\(.\)$/, "")}以降の日付を指定してください。`);
    expect((await h.request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body).toMatchObject({ nextDeliveryOn: addDays(today(), 10), version: 1 });
    await expect.poll(async () => axeViolations(page, { wcagOnly: true })).toEqual([]);
    await page.close();
  });
});
