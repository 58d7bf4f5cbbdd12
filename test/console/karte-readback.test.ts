import { describe as group, expect, it } from "vitest";
import { describe, discountReadBack, reactivationScript, readOutScript, writtenLine, type Sub, type TimelineItem } from "../../src/console/karte";

// Trial 53: what the operator reads aloud or back says everything the caller must hear, once, and in
// the plan's own words; the timeline's lines end in words and a past year's dates carry their year.

const today = "2026-12-05";
const sub = (over: Partial<Sub> = {}): Sub => ({
  id: "S-1",
  customerId: "C-1",
  product: { sku: "WATER", name: "水素水 500ml×24本", category: null },
  quantity: 1,
  intervalDays: 21,
  intervalMonths: null,
  deliveryDay: null,
  nextDeliveryOn: "2026-12-18",
  unitPrice: { amount: 3950, currency: "JPY" },
  activeDiscount: null,
  status: "active",
  commitment: null,
  deliveriesCompleted: 3,
  version: 1,
  canceledAt: null,
  cancellation: null,
  ...over,
});

group("the cancellation's read-out with a fee (fee-0.png)", () => {
  const fee = { type: "early_cancellation_fee", amount: { amount: 5000, currency: "JPY" }, basis: "…" };
  const info = {
    commitment: { acknowledgeFeeRequired: true, basis: "…", minDeliveries: 4, deliveriesCompleted: 3 },
    chargesIfCanceledNow: [fee],
    cutoff: { rule: "…", nextDeliveryOn: "2026-12-19", nextDeliveryStoppedIfCanceledNow: true },
    effectiveOnIfCanceledNow: today,
    status: "active",
  };

  it("says the fee once when it is the only charge, and how to avoid it, before asking to agree", () => {
    const ja = readOutScript("ja", info, today, true).join("");
    expect(ja).toContain("解約に伴うご請求は、解約手数料の5,000円です。");
    expect(ja).not.toContain("合計5,000円です。このうち解約手数料は5,000円です。");
    expect(ja).toContain("残り1回（次回2026年12月19日）をお受け取りいただくと、解約手数料はかかりません。");
    expect(ja.indexOf("かかりません")).toBeLessThan(ja.indexOf("ご了承いただけますでしょうか"));
    const en = readOutScript("en", info, today, true).join(" ");
    expect(en).toContain("Cancelling brings the early-cancellation fee of ¥5,000.");
    expect(en).toContain("Taking the remaining 1 (next on 19 Dec 2026) avoids the fee.");
  });

  it("a next delivery that still ships: the one after is the next kept, on the plan's cadence", () => {
    const ships = { ...info, cutoff: { ...info.cutoff, nextDeliveryOn: "2026-12-06", nextDeliveryStoppedIfCanceledNow: false }, commitment: { ...info.commitment, minDeliveries: 5 } };
    const ja = readOutScript("ja", { ...ships, chargesIfCanceledNow: [{ type: "final_delivery", amount: { amount: 3950, currency: "JPY" }, basis: "…" }, fee] }, today, true, sub()).join("");
    expect(ja).toContain("合計税込8,950円です。このうち解約手数料は5,000円です。");
    expect(ja).toContain("残り1回（次回2026年12月27日）をお受け取りいただくと");
  });
});

group("the read-back after an accepted discount (accept-1.png)", () => {
  it("gives the discounted deliveries' dates and price, and when the regular price returns", () => {
    const kept = sub({ activeDiscount: { percentOff: 20, amountOff: null, endsOn: "2027-01-08" } });
    expect(discountReadBack(kept, "ja", today, true)).toBe("12月18日から2027年1月8日までの2回のお届けは3,160円（税込）（通常3,950円（税込））、2027年1月29日のお届けから通常の価格に戻ります。");
    expect(discountReadBack(sub(), "ja", today, true)).toBeNull();
  });
});

group("the restart's confirmation page (restart-1.png)", () => {
  it("has a script to read out: the plan, its cadence and quantity, the first delivery and the price", () => {
    const canceled = sub({ status: "canceled", nextDeliveryOn: null });
    expect(reactivationScript({ sub: canceled, lang: "ja", comeback: null, pricesIncludeTax: true, firstDelivery: "2026-12-12", today })).toBe(
      "水素水 500ml×24本の定期コースを、21日ごと・1個のお届けで再開いたします。初回のお届けは2026年12月12日、お届けごとの代金は3,950円（税込）です。よろしければ、再開を確定いたします。",
    );
  });
});

group("the greeting line on screen", () => {
  it("writes the product as the shop does (30ml), not as a voice says it", () => {
    const subs = [{ product: { name: "美容液 30ml" } }, { product: { name: "水素水 500ml×24本" } }];
    expect(writtenLine("田中様、次回の美容液 30ミリリットルのお届けは12月5日の予定です。", subs)).toBe("田中様、次回の美容液 30mlのお届けは12月5日の予定です。");
    expect(writtenLine("田中様、次回の水素水 500ミリリットル、24本入りのお届けは…", subs)).toBe("田中様、次回の水素水 500ml×24本のお届けは…");
  });
});

group("timeline lines (trial 53)", () => {
  const words = {
    lang: "ja" as const,
    today,
    timeZone: "Asia/Tokyo",
    reasons: [],
    subscriptions: [
      { id: "S-1", product: { sku: "G", name: "グルコサミン＆コンドロイチン 180粒", category: null } },
      { id: "S-2", product: { sku: "W", name: "水素水 500ml×24本", category: null } },
    ],
  } as never;
  const item = (over: Partial<TimelineItem>): TimelineItem => ({ at: "2026-11-30T03:00:00.000Z", kind: "event", id: "x", type: "delivery.completed", subscriptionId: "S-1", channel: null, data: {}, ...over });

  it("end in words: a delivery with nothing more to say is its product alone, no bare 「：」", () => {
    expect(describe(item({ data: { deliveredOn: "2026-11-30" } }), words)).toBe("グルコサミン＆コンドロイチン 180粒");
  });

  it("write a date with its year on a row of a past year (「2025/07/23 …なし → 12月15日」 read as 2025's)", () => {
    const restart = item({ at: "2025-07-23T05:20:00.000Z", kind: "change", type: "reactivate", channel: "web", data: { before: { status: "canceled", nextDeliveryOn: null }, after: { status: "active", nextDeliveryOn: "2026-12-15" } } });
    expect(describe(restart, words)).toBe("グルコサミン＆コンドロイチン 180粒：状態 解約済み → 継続中、次回お届け なし → 2026年12月15日");
    // This year's rows as before: this year's dates without it, another year's with it.
    expect(describe({ ...restart, at: "2026-07-23T05:20:00.000Z" }, words)).toContain("なし → 12月15日");
    expect(describe({ ...restart, at: "2026-07-23T05:20:00.000Z", data: { ...restart.data, after: { status: "active", nextDeliveryOn: "2025-08-15" } } }, words)).toContain("なし → 2025年8月15日");
  });
});
