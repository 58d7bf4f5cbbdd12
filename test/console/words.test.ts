import { describe, expect, it } from "vitest";
import { closedDaysNote, describe as describeEntry, entryTitle, ReactivationPage, type Sub, type TimelineItem } from "../../src/console/karte";
import { month, offerName } from "../../src/console/format";
import { writeDate } from "../../src/platform/dates";
import { DEFAULT_CATALOGUE } from "../../src/offers/catalogue";
import { localizeReasons } from "../../src/cancel-flows/reasons";
import { consoleError, consoleErrorCode } from "../../src/console/strings";
import { RULE_REFUSALS } from "../../src/portal/client/refusals";
import { keepInTouchState } from "../../src/console/winback";

// What an operator reads on the karte's timeline and the metrics rows: words, never codes or null.
const item = (kind: TimelineItem["kind"], type: string, channel: string | null, data: Record<string, unknown>): TimelineItem => ({ at: "2026-11-30T03:00:00.000Z", kind, id: "x", type, subscriptionId: "S-1", channel, data });
/** The customer's one subscription on the karte: a box of 30 包 of 青汁. */
const aojiru = { id: "S-1", product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food", unitsPerPackage: 30, unitLabel: "包" } };
const words = (lang: "ja" | "en") => ({ lang, today: "2026-12-01", timeZone: "Asia/Tokyo", reasons: localizeReasons(lang), subscriptions: [aojiru] });

describe("the timeline in the operator's words", () => {
  const cancel = item("change", "cancel", "web", {
    before: { status: "active", quantity: 1, intervalDays: 30, nextDeliveryOn: "2026-12-05", pausedUntil: null },
    after: { status: "canceled", quantity: 1, intervalDays: 30, nextDeliveryOn: null, pausedUntil: null },
    source: { cancelFlowId: "cf_1", confirmationNumber: "CN-20261130-ABCDEF" },
  });

  it("names a change with its channel and says what changed", () => {
    expect(entryTitle(cancel, "ja")).toBe("解約（Web）");
    expect(describeEntry(cancel, words("ja"))).toBe("状態 継続中 → 解約済み、次回お届け 12月5日 → なし、受付番号 CN-20261130-ABCDEF");
    expect(entryTitle(cancel, "en")).toBe("Canceled (Web)");
    expect(describeEntry(cancel, words("en"))).toBe("status Active → Canceled, next delivery Dec 5 → none, confirmation CN-20261130-ABCDEF");
    const pause = item("change", "pause", "ivr", { before: { status: "active", nextDeliveryOn: "2026-12-13", pausedUntil: null }, after: { status: "paused", nextDeliveryOn: "2027-03-13", pausedUntil: "2027-03-13" }, source: {} });
    expect(entryTitle(pause, "ja")).toBe("一時停止（電話（IVR））");
    expect(describeEntry(pause, words("ja"))).toBe("状態 継続中 → 休止中、次回お届け 12月13日 → 2027年3月13日、再開日 なし → 2027年3月13日");
  });

  it("writes a quantity in the subscription's package, as the plan panel and the portal do (「2個（30包入り）」, not 「2個」)", () => {
    const quantity = item("change", "quantity", "operator", { before: { status: "active", quantity: 1, product: aojiru.product }, after: { status: "active", quantity: 2, product: aojiru.product }, source: {} });
    expect(describeEntry(quantity, words("ja"))).toBe("数量 1個（30包入り） → 2個（30包入り）");
    expect(describeEntry(quantity, words("en"))).toBe("quantity 1 pack of 30 sachets → 2 packs of 30 sachets");
    const delivered = item("event", "delivery.completed", null, { deliveredOn: "2026-11-30", quantity: 2 });
    expect(describeEntry(delivered, words("ja"))).toBe("2個（30包入り）");
    // A subscription the karte does not list (its product unknown): the count alone, as before.
    expect(describeEntry({ ...delivered, subscriptionId: "S-other" }, words("ja"))).toBe("2個");
  });

  it("writes a change in the product it was made in, not the one the plan has now; one recorded without it names no product", () => {
    // Made while the plan delivered 黒酢 (bottles of 62 粒); the karte's plan is 青汁 now.
    const kurozu = { sku: "KUROZU-62", name: "熟成黒酢にんにく 62粒", category: null, unitsPerPackage: 62, unitLabel: "粒" };
    const earlier = item("change", "quantity", "web", { before: { status: "active", quantity: 1, product: kurozu }, after: { status: "active", quantity: 2, product: kurozu }, source: null });
    expect(describeEntry(earlier, words("ja"))).toBe("商品 熟成黒酢にんにく 62粒、数量 1個（62粒入り） → 2個（62粒入り）");
    expect(describeEntry(earlier, words("en"))).toBe("Product 熟成黒酢にんにく 62粒, quantity 1 pack of 62 tablets → 2 packs of 62 tablets");
    // Recorded before the history kept the product: the count alone, never the current product's box.
    const unknown = item("change", "quantity", "web", { before: { status: "active", quantity: 1 }, after: { status: "active", quantity: 2 }, source: null });
    expect(describeEntry(unknown, words("ja"))).toBe("数量 1個 → 2個");
    // A swap names both products.
    const swap = item("change", "product_swap", "operator", { before: { status: "active", quantity: 1, product: kurozu }, after: { status: "active", quantity: 1, product: aojiru.product }, source: null });
    expect(describeEntry(swap, words("ja"))).toBe("商品 熟成黒酢にんにく 62粒 → 国産大麦若葉の青汁 30包");
  });

  it("says where a skip moved an accepted discount's last discounted delivery", () => {
    const skip = item("change", "skip", "web", {
      before: { status: "active", nextDeliveryOn: "2026-12-22" },
      after: { status: "active", nextDeliveryOn: "2027-01-21" },
      source: { discountMoved: { offerId: "off_discount_20x2", startsOn: { from: "2026-12-22", to: "2027-01-21" }, endsOn: { from: "2027-01-21", to: "2027-02-20" } } },
    });
    expect(describeEntry(skip, words("ja"))).toBe("次回お届け 12月22日 → 2027年1月21日、割引の最終回 2027年1月21日 → 2027年2月20日");
    expect(describeEntry(skip, words("en"))).toBe("next delivery Dec 22 → Jan 21, 2027, last discounted delivery Jan 21, 2027 → Feb 20, 2027");
  });

  it("gives a cancel flow's outcome and reason by their labels", () => {
    const saved = item("cancel_flow", "saved", "web", { reason: "surplus_stock", offerId: "off_skip_next", closedAt: null, confirmationNumber: null });
    expect(entryTitle(saved, "ja")).toBe("解約のご相談 → 継続（Web）");
    expect(describeEntry(saved, words("ja"))).toBe("商品が余っている");
    expect(describeEntry(item("cancel_flow", "canceled", "operator", { reason: null, confirmationNumber: null }), words("en"))).toBe("No reason given");
  });

  it("names events and their channels, never null or a code", () => {
    const winback = item("event", "winback.contacted", "email", { channel: "email", campaign: "spring" });
    expect(entryTitle(winback, "ja")).toBe("再加入のご案内（メール）");
    const failed = item("event", "payment.failed", null, { amount: { amount: 5980, currency: "JPY" }, reason: "card_expired" });
    expect(`${entryTitle(failed, "ja")} ${describeEntry(failed, words("ja"))}`).toBe("決済エラー 5,980円、カードの有効期限切れ");
    // Money as the portal and the API's texts write it: 「5,980円」 / "¥5,980".
    expect(describeEntry(failed, words("en"))).toBe("¥5,980, Card expired");
    const usage = item("event", "usage.reported", null, { remainingUnits: 12 });
    // In the product's unit, as the stock line says it; a count of boxes says 個.
    expect(describeEntry(usage, words("ja"))).toBe("残り 12包");
    expect(describeEntry(usage, words("en"))).toBe("12 sachets left");
    expect(describeEntry(item("event", "usage.reported", null, { remainingPackages: 2 }), words("ja"))).toBe("残り 2個");
    for (const i of [cancel, winback, failed, usage]) {
      for (const lang of ["ja", "en"] as const) expect(`${entryTitle(i, lang)} ${describeEntry(i, words(lang))}`).not.toMatch(/null|undefined|_|\.[a-z]/);
    }
  });
});

describe("dates and offers by name", () => {
  it("writes dates in the page's language, with the year only when it is not this year's", () => {
    expect(writeDate("2026-12-05", "ja", "short", "2026-12-01")).toBe("12月5日");
    expect(writeDate("2027-01-02", "ja", "short", "2026-12-01")).toBe("2027年1月2日");
    expect(writeDate("2026-12-05", "en", "short", "2026-12-01")).toBe("Dec 5");
    expect(month("2026-11", "ja")).toBe("2026年11月");
  });

  it("names an offer by what it does, the same for every subscription", () => {
    const names = DEFAULT_CATALOGUE.map((o) => offerName(o.id, DEFAULT_CATALOGUE, "ja"));
    expect(names).toContain("20%オフ × 2回");
    expect(names).toContain("次回のお届けをスキップ");
    for (const n of names) expect(n).not.toMatch(/off_|\{|undefined/);
    expect(offerName("off_gone", DEFAULT_CATALOGUE, "ja")).toBe("off_gone");
  });
});

describe("win-back in the operator's words", () => {
  it("tells a withdrawal from a plain no by the answers before it", () => {
    const at = "2026-11-30T03:00:00.000Z";
    expect(keepInTouchState({ keepInTouch: true, keepInTouchAt: at, contactable: true }, [{ granted: true }]).state).toBe("yes");
    expect(keepInTouchState({ keepInTouch: false, keepInTouchAt: at, contactable: false }, [{ granted: false }]).state).toBe("no");
    expect(keepInTouchState({ keepInTouch: false, keepInTouchAt: at, contactable: false }, [{ granted: true }, { granted: false }]).state).toBe("withdrawn");
    expect(keepInTouchState({ keepInTouch: null, keepInTouchAt: null, contactable: true }, []).state).toBe("unanswered");
  });

  it("says why an offer cannot be taken on reactivation, never a code", () => {
    for (const code of ["offer_expired", "comeback_not_shown"]) {
      expect(consoleError("ja", code)).toContain("再開はしていません");
      for (const lang of ["ja", "en"] as const) expect(consoleError(lang, code)).not.toMatch(/_|null|undefined/);
    }
  });
});

describe("the reactivation confirmation reads the plan as the portal writes it", () => {
  const page = { lang: "ja" as const, csrf: "x", operatorName: "山田", supervisor: false, timeZone: "Asia/Tokyo", today: "2026-12-02" };
  const sub = (over: Partial<Sub> = {}): Sub => ({
    id: "S-1",
    customerId: "C-1",
    product: { sku: "AOJIRU-30", name: "青汁 30包", category: null, unitLabel: "包" },
    quantity: 1,
    intervalDays: 30,
    intervalMonths: 1,
    nextDeliveryOn: null,
    unitPrice: { amount: 3980, currency: "JPY" },
    status: "canceled",
    commitment: null,
    deliveriesCompleted: 3,
    version: 4,
    canceledAt: "2026-11-01T00:00:00.000Z",
    cancellation: null,
    ...over,
  });
  const render = async (s: Sub, lang: "ja" | "en" = "ja", pricesIncludeTax = true) =>
    String(await ReactivationPage({ page: { ...page, lang }, sub: s, customerId: "C-1", firstDelivery: "2026-12-10", nextDeliveryOn: "2026-12-10", comeback: null, fee: null, pricesIncludeTax }));

  it("labels the price the operator reads out with the shop's tax basis (総額表示; a US shop's \"plus tax\")", async () => {
    expect(await render(sub())).toContain("<dt>1回のお届けの価格（税込）</dt>");
    expect(await render(sub(), "en", false)).toContain("<dt>Price per delivery (plus tax)</dt>");
  });

  it("says the quantity in the product's unit (「1包」) and the cadence in words (「1ヶ月ごと」)", async () => {
    const html = await render(sub());
    expect(html).toContain('<dd class="quantity">1包</dd>');
    expect(html).toContain('<dd class="interval">1ヶ月ごと</dd>');
    expect(await render(sub(), "en")).toContain('<dd class="quantity">1 sachet</dd>');
    // A product without a unit: 「1個」, as before.
    expect(await render(sub({ product: { sku: "X", name: "X", category: null } }))).toContain('<dd class="quantity">1個</dd>');
  });
});

describe("the shop's closed days above the plan's date fields", () => {
  it("names each range as dates are written on the karte, and says they cannot be chosen; none, nothing", () => {
    const ranges = [{ from: "2026-12-29", to: "2027-01-03" }, { from: "2027-02-11", to: "2027-02-11" }];
    expect(closedDaysNote(ranges, "ja", "2026-12-01")).toBe("お届け休業日：12月29日〜2027年1月3日、2027年2月11日（この日付は選べません）");
    expect(closedDaysNote(ranges, "en", "2026-12-01")).toBe("No deliveries: Dec 29 – Jan 3, 2027, Feb 11, 2027 (these dates cannot be chosen)");
    expect(closedDaysNote([], "ja", "2026-12-01")).toBeNull();
  });
});

describe("a plan rule's refusal on the karte", () => {
  it("every rule refusal a plan change can get (as the my-page lists them) is said in the console's words, not as 「操作できませんでした」", () => {
    for (const code of RULE_REFUSALS) {
      expect(consoleErrorCode(code), code).toBe(code);
      for (const lang of ["ja", "en"] as const) expect(consoleError(lang, code), `${code} (${lang})`).not.toMatch(/_|null|undefined/);
    }
    expect(consoleError("ja", "delivery_date_closed")).toBe("その日付はショップのお届け休業日のため選べません。休業日以外の日付を選んでください。");
  });
});
