import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { axeViolations, consoleBrowserFile, openConsolePage } from "../support/browser";
import { cancelledForPrice, customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";

// The console by keyboard, screen reader and zoom, in real Chromium: an operator on a call hears at
// once what a page changed (focus starts there, the next Tab goes on from there); a supervisor with
// low vision reads the figures at 200 % and 400 % without the page scrolling sideways.

const s = consoleBrowserFile();
const { contexts } = s;

/** A caller of `shop` with one live plan: the customer's and plan's ids. */
async function caller(shop: TestTenant, phone: string): Promise<{ customer: string; sub: string }> {
  const [customer, sub] = [uid("C"), uid("S")];
  await s.h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "鍵盤 操子", phone }) });
  await s.h.request("PUT", `/v1/subscriptions/${sub}`, { key: shop.key, body: subscriptionBody(customer, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }) });
  return { customer, sub };
}

const focused = (page: Page) => page.evaluate(() => ({ id: document.activeElement?.id ?? "", tag: document.activeElement?.tagName ?? "", text: document.activeElement?.textContent?.trim() ?? "", inMain: !!document.activeElement?.closest("main") }));

/** Picks `reason` on the karte and sends its form by keyboard (Enter on its button): back on the karte with the reason step's answer. */
async function giveReasonByKeyboard(page: Page, reason: string): Promise<void> {
  await page.selectOption("#reason", reason);
  await page.focus("#reason");
  await page.keyboard.press("Tab");
  const before = page.url();
  await Promise.all([page.waitForURL((url) => url.href !== before && url.searchParams.has("flow")), page.keyboard.press("Enter")]);
}

describe("where focus lands on the karte", () => {
  it("a screen pop starts on the caller's name: it is read first, and the next Tab is in the karte, not back in the header", async () => {
    const shop = await s.h.tenant();
    await caller(shop, "090-7070-1100");
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });
    await page.goto(`${s.api.url}/console?phone=9070701100`);
    expect(await focused(page)).toMatchObject({ id: "who", tag: "H1" });
    expect((await focused(page)).text).toContain("鍵盤 操子");
    await page.keyboard.press("Tab");
    expect((await focused(page)).inMain).toBe(true);
    expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);
  });

  it("「提案を表示」 with no offer to make: focus on why — an offer declined on this call lately — not left at the top of the page", async () => {
    const shop = await s.h.tenant();
    const { customer, sub } = await caller(shop, "090-7070-2200");
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });
    await page.goto(`${s.api.url}/console?customer=${customer}&sub=${sub}`);
    await giveReasonByKeyboard(page, "surplus_stock");
    expect((await focused(page)).id).toBe("offers-title");
    // The caller gives the same reason again; starting over, the offer they just declined is not made again (cancel-flows/declined-lately).
    await giveReasonByKeyboard(page, "surplus_stock");
    expect(await page.locator("li.offer").count()).toBe(0);
    const now = await focused(page);
    expect(now.tag).toBe("P");
    expect(now.text).toContain("ご提案はしていません");
    expect(now.inMain).toBe(true);
    expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);
  });

  it("「提案を表示」 for a reason the shop has no offer for: focus on 「この理由でご案内できるご提案はありません」", async () => {
    const shop = await s.h.tenant();
    const offers = (await s.h.request("GET", "/v1/offers", { key: shop.key })).body.data as { id: string }[];
    for (const o of offers) expect((await s.h.request("DELETE", `/v1/offers/${o.id}`, { key: shop.key })).status).toBeLessThan(300);
    const { customer, sub } = await caller(shop, "090-7070-3300");
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });
    await page.goto(`${s.api.url}/console?customer=${customer}&sub=${sub}`);
    await giveReasonByKeyboard(page, "too_expensive");
    expect((await focused(page)).text).toBe("この理由でご案内できるご提案はありません。");
    // The next Tab goes on into the cancellation, after the answer.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => !!document.activeElement?.closest("form.cancel"))).toBe(true);
  });
});

describe("the metrics page zoomed", () => {
  it("at 200 % on a 1366 × 768 laptop and at 320 px, the page never scrolls sideways: charts are drawn again at the new width, a wide table scrolls in its own box, which the keyboard can reach", async () => {
    const shop = await s.h.tenant();
    for (let i = 0; i < 3; i++) expect((await cancelledForPrice(s.h, shop, {})).confirmed.status).toBe(200);
    const page = await openConsolePage(s, contexts, shop, { operatorId: "sv-1", operatorName: "主任 田中", role: "supervisor" });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${s.api.url}/console/metrics`);
    await page.waitForSelector("#chart-reason canvas");
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await sideways()).toBe(0);
    // Zoomed to 200 % after the page was drawn (1366 × 768 CSS px become 683 × 384).
    await page.setViewportSize({ width: 683, height: 384 });
    await expect.poll(sideways).toBe(0);
    expect(await page.locator("#chart-reason .uplot").evaluate((u) => u.getBoundingClientRect().width)).toBeLessThanOrEqual(683);
    await page.setViewportSize({ width: 320, height: 640 });
    await page.reload();
    await page.waitForSelector("#chart-reason canvas");
    expect(await sideways()).toBe(0);
    // Each figures table (not a chart's legend) scrolls in its box, a Tab stop of its own named by its caption.
    const boxes = await page.locator("main table:not(.u-legend)").evaluateAll((tables) =>
      tables.map((table) => {
        const box = table.closest<HTMLElement>(".scroll");
        return { id: table.id, boxed: !!box, stop: box?.tabIndex === 0, name: box ? document.getElementById(box.getAttribute("aria-labelledby") ?? "")?.textContent : null };
      }),
    );
    expect(boxes.length).toBeGreaterThan(0);
    for (const b of boxes) expect(b, b.id).toMatchObject({ boxed: true, stop: true, name: expect.any(String) });
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("the karte in forced colours (Windows high contrast)", () => {
  it("the open plan's row is still told apart from the others, and focus still shows a ring", async () => {
    const shop = await s.h.tenant();
    const { customer, sub } = await caller(shop, "090-7070-4400");
    await s.h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(customer, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 10) }) });
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });
    await page.emulateMedia({ forcedColors: "active", reducedMotion: "reduce" });
    await page.goto(`${s.api.url}/console?customer=${customer}&sub=${sub}`);
    // Forced colours drop every background: what marks the open row must be a border, which they keep (in the system's colour).
    const rows = await page.locator("table tbody tr:has(a[href*='sub='])").evaluateAll((trs) =>
      trs.map((tr) => {
        const th = getComputedStyle(tr.querySelector("th")!);
        return { open: !!tr.querySelector("a[aria-current]"), mark: `${th.borderLeftStyle} ${th.borderLeftWidth}` };
      }),
    );
    expect(rows.map((r) => r.open).sort()).toEqual([false, true]);
    const [open, other] = [rows.find((r) => r.open)!, rows.find((r) => !r.open)!];
    expect(open.mark).not.toBe(other.mark);
    expect(open.mark).toMatch(/^solid [1-9]/);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe("solid");
  });
});

describe("the knowledge page", () => {
  it("a search by keyboard puts focus on how many it found, and its button is not a second 「検索」 beside the customer search's", async () => {
    const shop = await s.h.tenant();
    await s.h.request("PUT", "/v1/knowledge/kb-skip", { key: shop.key, body: { title: { ja: "お休みとスキップの違い", en: "Pause or skip?" }, body: { ja: "スキップは次回の1回分だけ見送ります。", en: "A skip leaves out the next delivery only." }, category: null, topic: "plan_options", reasons: ["surplus_stock"] } });
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });
    await page.goto(`${s.api.url}/console/knowledge`);
    await page.focus("#kq");
    await page.keyboard.type("スキップ");
    await Promise.all([page.waitForURL(/q=/), page.keyboard.press("Enter")]);
    expect(await focused(page)).toMatchObject({ id: "knowledge-found", text: "ナレッジ検索の結果: 1件" });
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => !!document.activeElement?.closest("li.entry"))).toBe(true);
    const buttons = await page.getByRole("button").evaluateAll((bs) => bs.map((b) => b.getAttribute("aria-label") ?? b.textContent?.trim()));
    expect(buttons.filter((name) => name === "検索")).toHaveLength(1);
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("the karte's links", () => {
  it("two plans of one product are two links of two names (a screen reader's list of links shows them apart)", async () => {
    const shop = await s.h.tenant();
    const { customer } = await caller(shop, "090-7070-5500");
    await s.h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(customer, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 10) }) });
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });
    await page.goto(`${s.api.url}/console?customer=${customer}`);
    const plans = await page.locator("main table a[href*='sub=']").evaluateAll((as) => as.map((a) => a.textContent?.replace(/\s+/g, " ").trim()));
    expect(plans).toHaveLength(2);
    expect(new Set(plans).size).toBe(2);
  });
});
