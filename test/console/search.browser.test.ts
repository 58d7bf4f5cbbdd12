import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, serveOnLoopback, type Served } from "../support/browser";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// Finding the caller in the console's search box, in real Chromium, as an operator on a call does:
// by the 定期番号 on her slip, by a number her family shares. Each test has its own shop.
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let h: NodeHarness;
let browser: Browser;
let api: Served;
const contexts: BrowserContext[] = [];

async function as(tenant: TestTenant): Promise<Page> {
  const res = await h.request("POST", "/v1/console-sessions", { key: tenant.key, body: { operatorId: "op-search", operatorName: "鈴木 真由美", role: "operator" } });
  expect(res.status).toBe(201);
  const login = new URL(res.body.url);
  const context = await browser.newContext({ locale: "ja-JP" });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(api.url + login.pathname + login.search);
  return page;
}

async function violations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] })`)) as { violations: { id: string; nodes: unknown[] }[] };
  return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
}

/** Types into the header's search box and presses Enter, as an operator does. */
async function search(page: Page, typed: string) {
  await page.locator("#q").fill(typed);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}

beforeAll(async () => {
  h = await nodeHarness();
  [browser, api] = await Promise.all([launchBrowser(), serveOnLoopback((r) => h.app.fetch(r))]);
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await api?.close();
  h?.close();
}, 60_000);

describe("the console's search box", () => {
  it("finds a caller by the 定期番号 on her receipt or slip: that plan's karte, as typed, in full width or lower case", async () => {
    const shop = await h.tenant();
    const customer = uid("C");
    const other = uid("S");
    const plan = `S-${Date.now().toString(36).toUpperCase()}-02`;
    await h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "渡邊 さくら", nameKana: "ワタナベ サクラ", phone: "090-2727-0002", email: null }) });
    await h.request("PUT", `/v1/subscriptions/${other}`, { key: shop.key, body: subscriptionBody(customer) });
    await h.request("PUT", `/v1/subscriptions/${plan}`, { key: shop.key, body: subscriptionBody(customer, { product: { sku: "KUROZU-62", name: "熟成黒酢にんにく 62粒" } }) });
    const page = await as(shop);
    const wide = plan.toLowerCase().replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    for (const typed of [plan, plan.toLowerCase(), wide]) {
      await search(page, typed);
      await expect(page.locator("h1#who").textContent(), typed).resolves.toContain(customer);
      // That plan is the one the karte acts on, not the customer's other one.
      await expect(page.locator("main").textContent(), typed).resolves.toContain(`プランの変更: 熟成黒酢にんにく 62粒 （${plan}`);
    }
    expect(await violations(page)).toEqual([]);
    // A 定期番号 no plan has says so, and that both kinds of id were tried.
    const res = await page.goto(`${api.url}/console?q=S-NOPE-404`);
    expect(res!.status()).toBe(404);
    await expect(page.locator("main").textContent()).resolves.toContain("この顧客IDまたは定期番号のお客様は見つかりません");
  });
});
