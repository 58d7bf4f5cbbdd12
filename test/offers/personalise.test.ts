import { describe, expect, it } from "vitest";
import { assumesNextDelivery, DEFAULT_CATALOGUE, findCatalogueOffer, type CatalogueOffer } from "../../src/offers/catalogue";
import { matchConsumptionInterval, personalise } from "../../src/offers/personalise";
import { buildTalkTrack } from "../../src/offers/talk-track";
import { consumptionRate, type StockEstimate } from "../../src/risk/stock";
import { sub, TODAY } from "./fixtures";

const offer = (id: string): CatalogueOffer => findCatalogueOffer(DEFAULT_CATALOGUE, id)!;
const ALLOWED = [14, 21, 30, 45, 60, 90];

describe("interval matched to real consumption", () => {
  /** Stock as risk/stock estimates it: `units` on hand, used at `perDay`. */
  const stock = (units: number, perDay: number): StockEstimate => ({ unitsOnHand: units, perDay, basis: "history", daysOnHand: units / perDay });

  it("issue #14: 6 boxes in 180 days, 2 left → 4 used in 180 days → every 45 days, and a skip works off the surplus", () => {
    const measured = consumptionRate({ unitsDelivered: 6, unitsOnHand: 2, firstDeliveredOn: "2026-01-01", countedOn: "2026-06-30" })!;
    expect(measured).toBeCloseTo(4 / 180);
    expect(matchConsumptionInterval({ intervalDays: 30, quantity: 1 }, stock(2, measured), ALLOWED)).toEqual({ intervalDays: 45, basis: "stock_on_hand", consumptionDays: 45 });
    const o = personalise(offer("off_match_interval"), sub(), { today: TODAY, stockOnHand: stock(2, measured) })!;
    expect(o.parameters).toMatchObject({ type: "change_interval", fromIntervalDays: 30, intervalDays: 45, basis: "stock_on_hand", consumptionDays: 45, stockOnHand: 2, daysOnHand: 90 });
    // The next delivery is 11 days away; the 2 boxes still cover a whole delivery then: skip one.
    expect(o.parameters).toMatchObject({ surplusDeliveries: 1 });
    expect(o.apply).toEqual({ kind: "plan_change", request: { type: "interval", intervalDays: 45 } });
    expect(o.title.ja).toBe("お届け間隔を45日ごとに変更");
    expect(o.description.ja).toContain("30日ごとから45日ごと");
    expect(o.description.ja).toContain("次回のお届けは2026年6月11日、その次は2026年7月26日");
    expect(o.description.en).toContain("every 30 days to every 45 days");
  });

  it("counts in the product's units: 30 sachets a box, 0.5 a day → a box lasts 60 days", () => {
    const s = { intervalDays: 30, quantity: 1, product: { unitsPerPackage: 30 } };
    expect(matchConsumptionInterval(s, stock(40, 0.5), ALLOWED)?.intervalDays).toBe(60);
    // 2 boxes a delivery last twice as long
    expect(matchConsumptionInterval({ ...s, quantity: 2 }, stock(40, 1), ALLOWED)?.intervalDays).toBe(60);
  });

  it("snaps to the closest allowed interval; nothing when the schedule already fits", () => {
    // one box per 120 days → the longest allowed
    expect(matchConsumptionInterval({ intervalDays: 30, quantity: 1 }, stock(3, 1 / 120), ALLOWED)?.intervalDays).toBe(90);
    // tie between 45 and 60 (52.5 days) → the shorter
    expect(matchConsumptionInterval({ intervalDays: 30, quantity: 1 }, stock(1, 1 / 52.5), ALLOWED)?.intervalDays).toBe(45);
    // the tenant's own intervals
    expect(matchConsumptionInterval({ intervalDays: 30, quantity: 1 }, stock(1, 1 / 52), [30, 50, 70])?.intervalDays).toBe(50);
    // a box lasts 33 days: 30 is the closest, today's → no longer interval fits, the offer is not shown
    expect(matchConsumptionInterval({ intervalDays: 30, quantity: 1 }, stock(1, 1 / 33), ALLOWED)).toBeNull();
    expect(personalise(offer("off_match_interval"), sub(), { today: TODAY, stockOnHand: stock(1, 1 / 33) })).toBeNull();
  });

  it("without a stock figure suggests the next longer interval; nothing when none is longer", () => {
    expect(matchConsumptionInterval({ intervalDays: 30, quantity: 1 }, null, ALLOWED)).toEqual({ intervalDays: 45, basis: "next_longer", consumptionDays: null });
    expect(matchConsumptionInterval({ intervalDays: 90, quantity: 1 }, stock(2, 1 / 200), ALLOWED)).toBeNull();
    expect(personalise(offer("off_match_interval"), sub({ intervalDays: 90 }), { today: TODAY, stockOnHand: stock(2, 1 / 200) })).toBeNull();
  });
});

describe("discount copy is truthful", () => {
  it("states the discounted price, the price after it ends, and the real end", () => {
    const o = personalise(offer("off_discount_20x2"), sub({ quantity: 2 }), { today: TODAY })!;
    // 2 × 3,980 = 7,960; 20% off = 6,368; deliveries on 6/11 and 7/11; full price again from 8/10
    expect(o.parameters).toMatchObject({
      type: "discount",
      percentOff: 20,
      cycles: 2,
      discountedPrice: { amount: 6368, currency: "JPY" },
      priceAfter: { amount: 7960, currency: "JPY" },
      firstDiscountedOn: "2026-06-11",
      lastDiscountedOn: "2026-07-11",
      firstFullPriceOn: "2026-08-10",
    });
    expect(o.apply).toEqual({ kind: "discount", percentOff: 20, amountOff: null, cycles: 2, startsOn: "2026-06-11", endsOn: "2026-07-11" });
    expect(o.title.ja).toBe("次の2回のお届けが20%オフ");
    expect(o.description.ja).toContain("6,368円");
    expect(o.description.ja).toContain("2026年8月10日のお届けからは通常価格の7,960円（税込）に戻ります");
    expect(o.description.ja).toContain("最終回は2026年7月11日");
    expect(o.description.en).toContain("From the delivery on 10 Aug 2026, the regular price of ¥7,960 including tax applies again");
    expect(o.economics.cost).toBe((7960 - 6368) * 2);
  });

  it("says the prices' tax basis: 税込 in a JP shop (総額表示), \"plus tax\" in a shop whose prices exclude it", () => {
    const jp = personalise(offer("off_discount_20x2"), sub({ quantity: 2 }), { today: TODAY })!;
    expect(jp.description.ja).toContain("20%オフの6,368円（税込）になります");
    expect(jp.description.en).toContain("cost ¥6,368 including tax each");
    const us = personalise(offer("off_discount_20x2"), sub({ quantity: 2 }), { today: TODAY, settings: { pricesIncludeTax: false } })!;
    expect(us.description.en).toContain("cost ¥6,368 plus tax each");
    expect(us.description.en).toContain("the regular price of ¥7,960 plus tax applies again");
    expect(us.description.ja).toContain("通常価格の7,960円（税別）に戻ります");
    // Read aloud by an agent or a voice: the basis before the number, as a listener expects it.
    const pitch = buildTalkTrack(jp, "too_expensive");
    expect(pitch.ja.pitch).toContain("20%オフの税込6,368円になります");
    expect(pitch.ja.pitch).toContain("通常価格の税込7,960円に戻ります");
    expect(pitch.ja.pitch).not.toContain("（税込）");
    expect(buildTalkTrack(us, "too_expensive").en.pitch).toContain("cost ¥6,368 plus tax each");
  });

  it("starts after the cut-off when the next delivery can no longer be changed", () => {
    const o = personalise(offer("off_discount_20x2"), sub({ nextDeliveryOn: "2026-06-03" }), { today: TODAY })!;
    expect(o.parameters).toMatchObject({ firstDiscountedOn: "2026-07-03", lastDiscountedOn: "2026-08-02", firstFullPriceOn: "2026-09-01" });
  });

  // An IVR trial (C-100255, next delivery 12/5 inside the 3-day cut-off): the title read
  // 「次の2回のお届けが20%オフ」 while the terms discounted 1/5 and 2/4 — 12/5 is charged in full.
  it("names the deliveries it covers as applied: from the first discounted one when the next is inside the cut-off", () => {
    const later = personalise(offer("off_discount_20x2"), sub({ nextDeliveryOn: "2026-06-03" }), { today: TODAY })!;
    expect(later.title).toEqual({ ja: "2026年7月3日のお届けから2回分が20%オフ", en: "20% off 2 deliveries from 3 Jul 2026" });
    expect(later.title.ja).not.toContain("次");
    expect(later.title.en).not.toContain("next");
    // The talk track's confirmation quotes the title.
    expect(buildTalkTrack(later, "too_expensive").ja.ifAccepted).toContain("「2026年7月3日のお届けから2回分が20%オフ」");
    // One delivery, and an amount off.
    const once = { ...offer("off_discount_20x2"), parameters: { amountOff: 500, cycles: 1 } } as CatalogueOffer;
    expect(personalise(once, sub({ nextDeliveryOn: "2026-06-03" }), { today: TODAY })!.title).toEqual({ ja: "2026年7月3日のお届けが500円引き", en: "¥500 off your delivery on 3 Jul 2026" });
    expect(personalise(once, sub(), { today: TODAY })!.title).toEqual({ ja: "次回のお届けが500円引き", en: "¥500 off your next delivery" });
    // When the next delivery is the first discounted, the title reads as it always did.
    expect(personalise(offer("off_discount_15x3"), sub(), { today: TODAY })!.title).toEqual({ ja: "次の3回のお届けが15%オフ", en: "15% off your next 3 deliveries" });
  });

  it("a shop's own copy that says 「次の…回」 is not shown on a day the discount starts after the next delivery", () => {
    const own = { ...offer("off_discount_20x2"), copy: { ...offer("off_discount_20x2").copy, title: { ja: "次の{cycles}回のお届けが{discountLabel}", en: "{discountLabel} your next {cycles} deliveries" } } } as CatalogueOffer;
    expect(personalise(own, sub(), { today: TODAY })!.title.ja).toBe("次の2回のお届けが20%オフ");
    expect(personalise(own, sub({ nextDeliveryOn: "2026-06-03" }), { today: TODAY })).toBeNull();
    expect(assumesNextDelivery("{discountLabel} your next {cycles} deliveries")).toBe(true);
    expect(assumesNextDelivery("{discountedDeliveries}が{discountLabel}")).toBe(false);
    expect(assumesNextDelivery("次回のお届けは{nextDeliveryOn}です")).toBe(true);
  });

  it("rounds in the customer's favour and does not stack on a running discount", () => {
    const o = personalise(offer("off_discount_15x3"), sub({ unitPrice: { amount: 2999, currency: "JPY" } }), { today: TODAY })!;
    expect(o.parameters).toMatchObject({ discountedPrice: { amount: 2549 } }); // 2999 × 0.85 = 2549.15
    expect(personalise(offer("off_discount_20x2"), sub({ activeDiscount: { endsOn: "2026-07-01" } }), { today: TODAY })).toBeNull();
  });
});

describe("other offers get concrete terms", () => {
  it("quantity down states the new price and is not offered at the minimum", () => {
    const o = personalise(offer("off_quantity_down"), sub({ quantity: 3 }), { today: TODAY })!;
    expect(o.parameters).toEqual({ type: "change_quantity", fromQuantity: 3, quantity: 2, pricePerDelivery: { amount: 7960, currency: "JPY" } });
    expect(o.description.ja).toContain("1回あたりのお支払いは11,940円（税込）から7,960円（税込）になります");
    expect(personalise(offer("off_quantity_down"), sub({ quantity: 1 }), { today: TODAY })).toBeNull();
  });

  it("pause resumes on a real date within the tenant's maximum pause", () => {
    const o = personalise(offer("off_pause"), sub(), { today: TODAY })!;
    // 3 cycles from the next delivery (6/11) hold deliveries back 90 days: exactly maxPauseDays (90), counted from 6/11 (#14.4)
    expect(o.parameters).toEqual({ type: "pause", pausedFromOn: "2026-06-11", resumeOn: "2026-09-09", latestResumeOn: "2026-09-09" });
    expect(o.apply).toEqual({ kind: "plan_change", request: { type: "pause", resumeOn: "2026-09-09" } });
    expect(o.title.ja).toBe("お届けをお休みし、2026年9月9日のお届けから再開");
    // A shop allowing 60 days caps it at 6/11 + 60 = 8/10.
    const capped = personalise(offer("off_pause"), sub(), { today: TODAY, settings: { maxPauseDays: 60 } })!;
    expect(capped.parameters).toMatchObject({ resumeOn: "2026-08-10", latestResumeOn: "2026-08-10" });
    const asked = personalise(offer("off_pause"), sub(), { today: TODAY, requestedResumeOn: "2026-07-20" })!;
    expect(asked.parameters).toMatchObject({ resumeOn: "2026-07-20" });
    expect(asked.economics.forgoneRevenue).toBe(3980 * 2); // 6/11 and 7/11
  });

  it("a monthly plan's pause resumes on one of its own deliveries, so it keeps its day (S-M1-31: 04-30, not 02-28 + 90 = 05-29)", () => {
    const m31 = sub({ intervalDays: 61, intervalMonths: 2, deliveryDay: 31, nextDeliveryOn: "2027-02-28" });
    const o = personalise(offer("off_pause"), m31, { today: "2026-12-02" })!;
    expect(o.parameters).toEqual({ type: "pause", pausedFromOn: "2027-02-28", resumeOn: "2027-04-30", latestResumeOn: "2027-04-30" });
    expect(o.apply).toEqual({ kind: "plan_change", request: { type: "pause", resumeOn: "2027-04-30" } });
  });

  it("skip and move are not offered when the next delivery is inside the cut-off", () => {
    const locked = sub({ nextDeliveryOn: "2026-06-02" });
    expect(personalise(offer("off_skip_next"), locked, { today: TODAY })).toBeNull();
    expect(personalise(offer("off_move_delivery"), locked, { today: TODAY })).toBeNull();
    const skip = personalise(offer("off_skip_next"), sub(), { today: TODAY })!;
    expect(skip.parameters).toEqual({ type: "skip", mode: "skip", count: 1, skippedDeliveryOn: "2026-06-11", newNextDeliveryOn: "2026-07-11" });
    expect(personalise(offer("off_skip_next"), sub(), { today: TODAY, consecutiveSkips: 2 })).toBeNull();
  });

  it("moving: the next delivery can move within the plan rules", () => {
    const o = personalise(offer("off_move_delivery"), sub(), { today: TODAY })!;
    // latest = min(6/11 + 60, the move rule: max(today + 2 × 30, 6/11 + 2 skips left × 30)) = 8/10
    expect(o.parameters).toEqual({
      type: "skip",
      mode: "move_next_delivery",
      currentDeliveryOn: "2026-06-11",
      earliestDeliveryOn: "2026-06-04",
      latestDeliveryOn: "2026-08-10",
      suggestedDeliveryOn: "2026-07-11",
    });
    expect(o.apply).toEqual({ kind: "plan_change", request: { type: "next_delivery", date: "2026-07-11" } });
    const asked = personalise(offer("off_move_delivery"), sub(), { today: TODAY, requestedDeliveryOn: "2026-07-25" })!;
    expect(asked.apply).toEqual({ kind: "plan_change", request: { type: "next_delivery", date: "2026-07-25" } });
  });

  it("product swap needs a configured product and states the new price", () => {
    const template = offer("off_product_swap");
    expect(personalise(template, sub(), { today: TODAY })).toBeNull(); // inactive sample
    const configured = { ...template, active: true, parameters: { toSku: "AOJIRU-MATCHA", toName: "抹茶青汁", toUnitPrice: 3480 } } as CatalogueOffer;
    const o = personalise(configured, sub(), { today: TODAY })!;
    expect(o.apply).toEqual({ kind: "product_swap", sku: "AOJIRU-MATCHA", name: "抹茶青汁", unitPrice: { amount: 3480, currency: "JPY" }, unitsPerPackage: null, unitLabel: null, fromDeliveryOn: "2026-06-11" });
    // The new product's package goes with the swap, when the shop names it.
    const boxed = { ...configured, parameters: { ...configured.parameters, toUnitsPerPackage: 60, toUnitLabel: "粒" } } as CatalogueOffer;
    expect(personalise(boxed, sub(), { today: TODAY })!.apply).toMatchObject({ kind: "product_swap", unitsPerPackage: 60, unitLabel: "粒" });
    expect(o.description.ja).toContain("1回あたりのお支払いは現在の3,980円（税込）から3,480円（税込）になります");
    expect(personalise(configured, sub({ product: { sku: "AOJIRU-MATCHA", name: "抹茶青汁" } }), { today: TODAY })).toBeNull();
  });

  it("inside the cut-off: a gift names the delivery it comes with, a pause is not offered, an interval counts from the delivery already being prepared", () => {
    const locked = sub({ nextDeliveryOn: "2026-06-03", deliveriesCompleted: 4 });
    const gift = personalise(offer("off_apology_gift"), locked, { today: TODAY })!;
    expect(gift.parameters).toMatchObject({ withDeliveryOn: "2026-07-03" });
    expect(gift.title).toEqual({ ja: "2026年7月3日のお届けにお試しサイズのサンプル1点をお付けします", en: "a trial-size sample with your delivery on 3 Jul 2026, free" });
    expect(personalise(offer("off_apology_gift"), sub(), { today: TODAY })!.title).toEqual({ ja: "次回のお届けにお試しサイズのサンプル1点をお付けします", en: "a trial-size sample with your next delivery, free" });
    // A pause would hold back a delivery already being prepared: refused by the plan rules, never offered.
    expect(personalise(offer("off_pause"), locked, { today: TODAY })).toBeNull();
    // The 6/3 delivery ships as planned; the new interval counts from it, as the description says.
    const interval = personalise(offer("off_match_interval"), locked, { today: TODAY })!;
    expect(interval.description.ja).toContain("次回のお届けは2026年6月3日、その次は2026年7月18日です");
    expect(interval.description.en).toContain("Your next delivery is on 3 Jun 2026, the one after on 18 Jul 2026");
  });

  it("nothing is offered on a canceled subscription", () => {
    for (const o of DEFAULT_CATALOGUE) expect(personalise(o, sub({ status: "canceled" }), { today: TODAY })).toBeNull();
  });

});

describe("a monthly plan's copy names its cadence in months (templates' {cadence}, {newCadence})", () => {
  const monthly = (months: number) => sub({ intervalDays: [0, 30, 61, 91][months]!, intervalMonths: months, deliveryDay: 11 });
  const all = (o: { title: { ja: string; en: string }; description: { ja: string; en: string } }) => [o.title.ja, o.title.en, o.description.ja, o.description.en].join("\n");

  it("a longer interval proposes months, in months, and accepting it sets intervalMonths", () => {
    const o = personalise(offer("off_match_interval"), monthly(1), { today: TODAY })!;
    expect(o.parameters).toMatchObject({ type: "change_interval", fromIntervalMonths: 1, intervalMonths: 2, basis: "next_longer" });
    expect(o.apply).toEqual({ kind: "plan_change", request: { type: "interval", intervalMonths: 2 } });
    expect(o.title).toEqual({ ja: "お届け間隔を2ヶ月ごとに変更", en: "Deliver every 2 months instead" });
    expect(o.description.ja).toContain("お届け間隔を1ヶ月ごとから2ヶ月ごとに変更し");
    expect(o.description.en).toContain("from every month to every 2 months");
    // The day after: the same day two months on.
    expect(o.description.ja).toContain("次回のお届けは2026年6月11日、その次は2026年8月11日");
    expect(all(o)).not.toMatch(/\d+日ごと|\d+ days/u);
  });

  it("skip, pause, quantity, move and product swap say 「1ヶ月ごと」 / \"every month\", a 3-monthly plan 「3ヶ月ごと」", () => {
    const swap: CatalogueOffer = { ...offer("off_product_swap"), active: true, parameters: { toSku: "X", toName: "お試し", toUnitPrice: null } } as CatalogueOffer;
    for (const o of [offer("off_skip_next"), offer("off_pause"), offer("off_quantity_down"), offer("off_move_delivery"), swap]) {
      const p = personalise(o, monthly(1), { today: TODAY, settings: { quantityMin: 1 } });
      const q = o.id === "off_quantity_down" ? personalise(o, { ...monthly(1), quantity: 2 }, { today: TODAY }) : p;
      expect(q, o.id).not.toBeNull();
      expect(all(q!), o.id).toMatch(/1ヶ月ごと/u);
      expect(all(q!), o.id).toMatch(/every month/u);
      expect(all(q!), o.id).not.toMatch(/\d+日ごと|every \d+ days/u);
    }
    expect(personalise(offer("off_skip_next"), monthly(3), { today: TODAY })!.description.ja).toContain("その後はこれまで通り3ヶ月ごと・3,980円（税込）です。");
    expect(personalise(offer("off_pause"), monthly(1), { today: TODAY })!.description.ja).toContain("1ヶ月ごと・3,980円（税込）で自動的に再開します");
  });

  it("a 3-monthly plan's pause offer holds back one whole cycle (longer than maxPauseDays 90)", () => {
    const o = personalise(offer("off_pause"), sub({ intervalDays: 91, intervalMonths: 3, deliveryDay: 11 }), { today: TODAY })!;
    expect(o.parameters).toMatchObject({ type: "pause", pausedFromOn: "2026-06-11", resumeOn: "2026-09-11", latestResumeOn: "2026-09-11" });
    expect(o.description.ja).toContain("2026年9月11日のお届けから3ヶ月ごと・3,980円（税込）で自動的に再開します");
  });

  it("a day plan's copy is what it was", () => {
    expect(personalise(offer("off_skip_next"), sub(), { today: TODAY })!.description.en).toContain("After that, deliveries continue every 30 days at ¥3,980 including tax.");
    expect(personalise(offer("off_pause"), sub(), { today: TODAY })!.description.ja).toContain("のお届けから30日ごと・3,980円（税込）で自動的に再開します");
  });
});

describe("English copy for an English reader", () => {
  it("names a product whose name is in kanji or kana by its category, as the IVR's English speech does; a name English can read, as written", () => {
    const tips = (product: { sku: string; name: string; category?: string | null }) => personalise(offer("off_usage_advice"), sub({ product }), { today: TODAY })!;
    const garlic = tips({ sku: "KUROZU-62", name: "熟成黒酢にんにく 62粒", category: "supplement" });
    expect(garlic.title).toEqual({ ja: "熟成黒酢にんにく 62粒の使い方のご案内", en: "Tips on using your supplement" });
    expect(garlic.description.en).toContain("here is how to use your supplement.");
    expect(garlic.description.en).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/u);
    expect(tips({ sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" }).title.en).toBe("Tips on using your product");
    expect(tips({ sku: "GT-80", name: "Green Tea 80g", category: "beverage" }).title.en).toBe("Tips on using Green Tea 80g");
  });
});
