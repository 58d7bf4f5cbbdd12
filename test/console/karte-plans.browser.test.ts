import { describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { axeViolations, consoleBrowserFile, openConsolePage } from "../support/browser";
import { customerBody, subscriptionBody, uid } from "../support/harness";
import type { NodeHarness } from "../support/node-harness";

// Trial 53, in real Chromium: the karte of a customer with two plans says which plan each block of
// its left column is about (the lookup speaks of the plan most at risk, the operator may be on the
// other); a flow the operator just opened is not told as one opened earlier; a number no customer
// has says what to do next.

const s = consoleBrowserFile();
const { contexts } = s;

const page = (shop: Awaited<ReturnType<NodeHarness["tenant"]>>) => openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });

describe("the karte's left column with two plans", () => {
  it("names the plan of 解約リスク and 次の一手, and shows the greeting only while it is about the plan on screen", async () => {
    const shop = await s.h.tenant();
    const [customer, water, aojiru] = [uid("C"), uid("S"), uid("S")];
    const today = localDate(new Date(), "Asia/Tokyo");
    await s.h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "中村 美穂", phone: "090-5353-0001", email: null }) });
    await s.h.request("PUT", `/v1/subscriptions/${water}`, { key: shop.key, body: subscriptionBody(customer, { product: { sku: "WATER", name: "水素水 500ml×24本", category: "food" }, nextDeliveryOn: addDays(today, 13), deliveriesCompleted: 8 }) });
    await s.h.request("PUT", `/v1/subscriptions/${aojiru}`, { key: shop.key, body: subscriptionBody(customer, { product: { sku: "AOJIRU", name: "国産大麦若葉の青汁 30包", category: "health_food" }, nextDeliveryOn: addDays(today, 20), deliveriesCompleted: 1 }) });
    // 青汁 at risk: skipped twice lately and a cancel request on the phone.
    const at = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const events = [
      { id: uid("evt"), type: "delivery.skipped", customerId: customer, subscriptionId: aojiru, occurredAt: at(20), data: { scheduledOn: addDays(today, -20) } },
      { id: uid("evt"), type: "delivery.skipped", customerId: customer, subscriptionId: aojiru, occurredAt: at(10), data: { scheduledOn: addDays(today, -10) } },
      { id: uid("evt"), type: "contact.logged", customerId: customer, subscriptionId: aojiru, occurredAt: at(5), data: { channel: "phone", topic: "cancel_request", sentiment: "negative" } },
    ];
    await s.h.request("POST", "/v1/events", { key: shop.key, body: { events } });
    const lookup = (await s.h.request("GET", `/v1/lookup?customerId=${customer}&channel=operator`, { key: shop.key, headers: { "accept-language": "ja" } })).body;
    const about: string = lookup.risk.subscriptionId;
    expect(lookup.nextBestAction?.subscriptionId).toBe(about);
    const other = about === aojiru ? water : aojiru;
    const name = (id: string) => (id === aojiru ? "国産大麦若葉の青汁 30包" : "水素水 500ml×24本");

    const p = await page(shop);
    // The plan the lookup speaks of: every block names it, the greeting is shown.
    await p.goto(`${s.api.url}/console?customer=${customer}&sub=${about}`);
    await expect(p.getByRole("heading", { name: new RegExp(`^解約リスク（${name(about)}）: `) }).count()).resolves.toBe(1);
    await expect(p.locator("p.speech").count()).resolves.toBe(1);
    await expect(p.locator("dt", { hasText: "次の一手" }).textContent()).resolves.toBe(`次の一手（${name(about)}）`);

    // The other plan selected (the caller said which): its risk, named; the lookup's next action named
    // as the other plan's with a link to it; no greeting about a plan the call is not about.
    await p.goto(`${s.api.url}/console?customer=${customer}&sub=${other}`);
    await expect(p.getByRole("heading", { name: new RegExp(`^解約リスク（${name(other)}）: `) }).count()).resolves.toBe(1);
    await expect(p.locator("p.speech").count()).resolves.toBe(0);
    await expect(p.locator("dt", { hasText: "次の一手" }).textContent()).resolves.toBe(`次の一手（${name(about)}）`);
    await expect(p.getByRole("link", { name: "この定期コースを開く" }).getAttribute("href")).resolves.toBe(`/console?customer=${customer}&sub=${about}`);
    expect(await axeViolations(p)).toEqual([]);

    // A laptop's 1366 px: the plans table's next delivery, status, terms and risk in view without
    // scrolling sideways in its box; interval, quantity and price under the product's name.
    await p.setViewportSize({ width: 1366, height: 768 });
    const box = p.locator(".scroll.plans");
    const [scrollWidth, clientWidth] = await box.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    for (const column of ["次回お届け", "状態", "契約条件", "解約リスク"]) await expect(box.getByRole("columnheader", { name: column }).isVisible()).resolves.toBe(true);
    await expect(box.locator("tr.focus .plan-terms").isVisible()).resolves.toBe(true);
    expect(await axeViolations(p)).toEqual([]);
  });
});

describe("a cancel flow the operator just opened", () => {
  it("is not told as an open flow from earlier (「ご案内済み…もう一度お伝えください」); a reload of another call's is", async () => {
    const shop = await s.h.tenant();
    const [customer, sub] = [uid("C"), uid("S")];
    await s.h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "佐藤 清", phone: "090-5353-0002", email: null }) });
    await s.h.request("PUT", `/v1/subscriptions/${sub}`, { key: shop.key, body: subscriptionBody(customer, { quantity: 3, deliveriesCompleted: 3, nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }) });
    const p = await page(shop);
    await p.goto(`${s.api.url}/console?customer=${customer}&sub=${sub}`);
    await p.selectOption("#reason", "surplus_stock");
    await p.getByRole("button", { name: "提案を表示" }).click();
    await p.waitForURL(/flow=cf_/);
    await expect(p.locator("#offers-title").isVisible()).resolves.toBe(true);
    await expect(p.locator(".open-flow[role=region]").count()).resolves.toBe(0);
    expect((await p.locator("main").textContent()) ?? "").not.toContain("もう一度お伝えください");
    expect(await axeViolations(p)).toEqual([]);
    // The next call (a new screen pop): the same flow is one opened earlier, said so.
    await p.goto(`${s.api.url}/console?phone=${encodeURIComponent("090-5353-0002")}`);
    await expect(p.locator(".open-flow[role=region]").count()).resolves.toBe(1);
  });
});

describe("an accepted discount, read back", () => {
  it("says which deliveries are discounted, at what price, and when the regular price returns", async () => {
    const shop = await s.h.tenant();
    const [customer, sub] = [uid("C"), uid("S")];
    await s.h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "高橋 誠", phone: "090-5353-0003", email: null }) });
    await s.h.request("PUT", `/v1/subscriptions/${sub}`, { key: shop.key, body: subscriptionBody(customer, { deliveriesCompleted: 3, nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }) });
    const p = await page(shop);
    await p.goto(`${s.api.url}/console?customer=${customer}&sub=${sub}`);
    await p.selectOption("#reason", "too_expensive");
    await p.getByRole("button", { name: "提案を表示" }).click();
    await p.waitForURL(/flow=cf_/);
    const discount = p.locator("li.offer", { hasText: "オフ" }).first();
    const title = (await discount.locator("h4").textContent())!;
    await discount.getByRole("button", { name: /このご提案で継続する/ }).click();
    const notice = (await p.locator(".notice").textContent())!;
    expect(notice.startsWith(`「${title}」で継続となりました。`)).toBe(true);
    expect(notice).toMatch(/のお届けは[\d,]+円（税込）（通常[\d,]+円（税込））、(\d+年)?\d+月\d+日のお届けから通常の価格に戻ります。$/);
    expect(await axeViolations(p)).toEqual([]);
  });
});

describe("a number no customer has", () => {
  it("says the next step: ask the name and search by it", async () => {
    const shop = await s.h.tenant();
    const p = await page(shop);
    const res = await p.goto(`${s.api.url}/console?phone=${encodeURIComponent("090-5353-9999")}`);
    expect(res?.status()).toBe(404);
    await expect(p.locator("h1").textContent()).resolves.toBe("該当するお客様はいません");
    await expect(p.locator(".next-step").textContent()).resolves.toContain("お名前を伺い、上の検索欄にフリガナか漢字で入力して検索してください");
    expect(await axeViolations(p)).toEqual([]);
  });
});
