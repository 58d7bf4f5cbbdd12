import { describe, expect, it } from "vitest";
import { cancellationTerms, confirmationNumber, feeOnReactivation, receiptText, termsChanged, type TermsSubscription } from "../../src/cancel-flows/terms";
import { lintCopy } from "../../src/offers/lint";
import { seededRng } from "../../src/platform/random";

const settings = { changeCutoffDays: 3, closedDates: [], timeZone: "Asia/Tokyo", pricesIncludeTax: true };
const sub = (over: Partial<TermsSubscription> = {}): TermsSubscription => ({
  id: "S-1",
  productName: "国産大麦若葉の青汁 30包",
  status: "active",
  quantity: 1,
  unitPriceAmount: 3980,
  currency: "JPY",
  nextDeliveryOn: "2026-12-05",
  deliveriesCompleted: 4,
  commitmentMinDeliveries: null,
  commitmentFeeAmount: null,
  commitmentFeeCurrency: null,
  ...over,
});
// 2026-12-02 23:59 JST and 2026-12-03 00:01 JST: the receipt time, in the shop's zone, decides.
const lastMinute = new Date("2026-12-02T14:59:00Z");
const nextMinute = new Date("2026-12-02T15:01:00Z");

describe("cancellation terms", () => {
  it("received before the cut-off day ends: the next delivery is stopped, nothing more to pay", () => {
    const t = cancellationTerms(sub(), settings, lastMinute, "ja");
    expect(t).toMatchObject({ receivedOn: "2026-12-02", nextDelivery: { on: "2026-12-05", stopped: true }, effectiveOn: "2026-12-02", charges: [], total: { amount: 0 } });
    expect(t.cutoff.firstStoppableDate).toBe("2026-12-05");
  });

  it("received two minutes later (next local day): that delivery ships and is charged as the last", () => {
    const t = cancellationTerms(sub(), settings, nextMinute, "en");
    expect(t).toMatchObject({ receivedOn: "2026-12-03", nextDelivery: { stopped: false }, effectiveOn: "2026-12-05", total: { amount: 3980 } });
    expect(t.charges[0]).toMatchObject({ type: "final_delivery", basis: expect.stringContaining("3-day cut-off") });
  });

  it("a final delivery an accepted discount covers is charged at the discounted price, as the portal and console showed it", () => {
    // 20% off the deliveries of 12-05 and 2027-01-04 (every 30 days), 2 × 3,980円: floor(7,960 × 0.8) = 6,368円.
    const discounted = sub({ quantity: 2, intervalDays: 30, activeDiscount: { percentOff: 20, amountOff: null, startsOn: "2026-12-05", endsOn: "2027-01-04" } });
    const t = cancellationTerms(discounted, settings, nextMinute, "ja");
    expect(t.charges).toEqual([expect.objectContaining({ type: "final_delivery", amount: { amount: 6368, currency: "JPY" }, basis: expect.stringContaining("最後のお届けとして発送され、20%オフの6,368円（税込）が請求されます。") })]);
    expect(t.total.amount).toBe(6368);
    const receipt = receiptText({ confirmationNumber: "CN-20261203-7KQ4ZP", subscriptionId: "S-1", productName: "青汁", terms: t, shopName: "続くショップ", timeZone: "Asia/Tokyo", pricesIncludeTax: true }, "ja");
    expect(receipt).toContain("今後のご請求：合計6,368円（税込）");
    expect(lintCopy(receipt)).toEqual([]);
    expect(cancellationTerms(discounted, settings, nextMinute, "en").charges[0]!.basis).toContain("(20% off, ¥6,368 including tax)");
    // An amount off; and a discount that starts with the delivery after: the final one at the regular price.
    expect(cancellationTerms(sub({ intervalDays: 30, activeDiscount: { percentOff: null, amountOff: 500, startsOn: "2026-12-05", endsOn: "2026-12-05" } }), settings, nextMinute, "ja").total.amount).toBe(3480);
    expect(cancellationTerms(sub({ intervalDays: 30, activeDiscount: { percentOff: 20, amountOff: null, startsOn: "2027-01-04", endsOn: "2027-02-03" } }), settings, nextMinute, "ja").total.amount).toBe(3980);
  });

  it("総額表示: a JP shop's final-delivery charge and receipt say 税込; a US shop's say \"plus tax\" (prices before sales tax)", () => {
    const ja = cancellationTerms(sub(), settings, nextMinute, "ja");
    expect(ja.charges[0]!.basis).toContain("3,980円（税込）が請求されます");
    const input = { confirmationNumber: "CN-20261203-7KQ4ZP", subscriptionId: "S-1", productName: "青汁", shopName: "続くショップ", timeZone: "Asia/Tokyo" };
    expect(receiptText({ ...input, pricesIncludeTax: true, terms: ja }, "ja")).toContain("今後のご請求：合計3,980円（税込）");
    const us = { changeCutoffDays: 3, closedDates: [], timeZone: "America/New_York", pricesIncludeTax: false };
    const dollars = sub({ unitPriceAmount: 4900, currency: "USD" });
    const en = cancellationTerms(dollars, us, new Date("2026-12-03T15:00:00Z"), "en");
    expect(en.charges[0]!.basis).toContain("($49.00 plus tax)");
    const receipt = receiptText({ ...input, shopName: "Tsuzuku Shop", timeZone: "America/New_York", pricesIncludeTax: false, terms: en }, "en");
    expect(receipt).toContain("Further charges: a total of $49.00 plus tax");
    expect(receipt).not.toContain("including tax");
    expect(lintCopy(receipt)).toEqual([]);
    // A fee alone is written as disclosed: its tax treatment is the shop's, not a price's basis.
    const feeOnly = cancellationTerms(sub({ commitmentMinDeliveries: 6, commitmentFeeAmount: 5000, commitmentFeeCurrency: "JPY" }), settings, lastMinute, "ja");
    expect(receiptText({ ...input, pricesIncludeTax: true, terms: feeOnly }, "ja")).toContain("今後のご請求：合計5,000円\n");
  });

  it("a pause whose date passed before the job resumed it: no delivery on a date gone by is charged as the last (#14.2)", () => {
    const due = sub({ status: "paused", pausedUntil: "2026-11-28", nextDeliveryOn: "2026-11-28" });
    const t = cancellationTerms(due, settings, lastMinute, "ja");
    expect(t).toMatchObject({ nextDelivery: { on: "2026-12-05", stopped: true }, charges: [], effectiveOn: "2026-12-02" });
    // Still paused (its date to come but inside the cut-off): that delivery is being prepared.
    const soon = cancellationTerms(sub({ status: "paused", pausedUntil: "2026-12-04", nextDeliveryOn: "2026-12-04" }), settings, lastMinute, "ja");
    expect(soon.nextDelivery).toEqual({ on: "2026-12-04", stopped: false });
  });

  it("a commitment with a disclosed fee applies only before it is met, and the shipping last box counts", () => {
    const committed = { commitmentMinDeliveries: 3, commitmentFeeAmount: 5000, commitmentFeeCurrency: "JPY" };
    expect(cancellationTerms(sub({ ...committed, deliveriesCompleted: 1 }), settings, lastMinute, "ja").fee).toEqual({ amount: 5000, currency: "JPY" });
    expect(cancellationTerms(sub({ ...committed, deliveriesCompleted: 2 }), settings, lastMinute, "ja").fee).toEqual({ amount: 5000, currency: "JPY" });
    const shipping = cancellationTerms(sub({ ...committed, deliveriesCompleted: 2 }), settings, nextMinute, "ja");
    expect(shipping.fee).toBeNull();
    expect(shipping.commitment).toMatchObject({ deliveriesCounted: 3, met: true });
    const noFee = cancellationTerms(sub({ commitmentMinDeliveries: 6, deliveriesCompleted: 1 }), settings, lastMinute, "ja");
    expect(noFee).toMatchObject({ fee: null, charges: [], commitment: { met: false, earlyCancellationFee: null } });
  });

  it("the receipt states number, time received in the shop's zone, end date and charges, in both languages, lint-clean", () => {
    const input = { confirmationNumber: "CN-20261202-ABCDEF", subscriptionId: "S-1", productName: "青汁", shopName: "続くショップ", timeZone: "Asia/Tokyo", pricesIncludeTax: true };
    const ja = receiptText({ ...input, terms: cancellationTerms(sub(), settings, nextMinute, "ja") }, "ja");
    expect(ja).toContain("受付番号：CN-20261202-ABCDEF");
    expect(ja).toContain("受付日時：2026年12月3日 00:01（日本時間）");
    expect(ja).toContain("解約日：2026年12月5日(土)");
    expect(ja).toContain("今後のご請求：合計3,980円（税込）");
    const en = receiptText({ ...input, terms: cancellationTerms(sub(), settings, lastMinute, "en") }, "en");
    expect(en).toContain("Received: 2 Dec 2026 23:59 (JST)");
    expect(en).toContain("Further charges: none");
    expect(lintCopy(ja)).toEqual([]);
    expect(lintCopy(en)).toEqual([]);
  });

  it("the fee's basis says the commitment: promised, received, remaining, and that taking the rest (the next on its date) avoids the fee — ja and en; the receipt keeps the basis without the way out", () => {
    const committed = { commitmentMinDeliveries: 6, commitmentFeeAmount: 5000, commitmentFeeCurrency: "JPY", deliveriesCompleted: 2, intervalDays: 30 };
    const ja = cancellationTerms(sub(committed), settings, lastMinute, "ja");
    const basis = ja.charges.find((c) => c.type === "early_cancellation_fee")!.basis;
    expect(basis).toContain("お申込み時の定期コースのお約束は6回で、");
    expect(basis).toContain("これまでのお受け取りは2回、残り4回のため、解約手数料5,000円がかかります。");
    expect(basis).toContain("残り4回（次回 2026年12月5日）をお受け取りいただくと、手数料はかかりません。");
    const en = cancellationTerms(sub(committed), settings, lastMinute, "en").charges.find((c) => c.type === "early_cancellation_fee")!.basis;
    expect(en).toContain("The plan's commitment, disclosed at sign-up, is 6 deliveries");
    expect(en).toContain("2 received, 4 to go, so cancelling before it is met brings the early-cancellation fee of ¥5,000.");
    expect(en).toContain("Taking the remaining 4 (next on 5 Dec 2026) avoids the fee.");
    // Inside the cut-off the shipping box counts, and the next one to take is the one after it.
    const shipping = cancellationTerms(sub(committed), settings, nextMinute, "ja").charges.find((c) => c.type === "early_cancellation_fee")!.basis;
    expect(shipping).toContain("これまでのお受け取りは3回（最後に発送されるお届けを含む）、残り3回");
    expect(shipping).toContain("（次回 2027年1月4日）");
    const receipt = receiptText({ confirmationNumber: "CN-20261202-ABCDEF", subscriptionId: "S-1", productName: "青汁", shopName: "続くショップ", timeZone: "Asia/Tokyo", pricesIncludeTax: true, terms: ja }, "ja");
    // The receipt keeps the basis as a record; the way to avoid the fee was for before cancelling.
    expect(receipt).toContain("お申込み時の定期コースのお約束は6回で、これまでのお受け取りは2回、残り4回のため、解約手数料5,000円がかかります。");
    expect(receipt).not.toContain("手数料はかかりません");
    expect(receipt).not.toContain("をお受け取りいただくと");
    expect(lintCopy(basis)).toEqual([]);
    expect(lintCopy(en)).toEqual([]);
  });

  it("terms changed: charges, the next delivery stopped or not, a final delivery's end date, the fee — not the day of receipt moving on", () => {
    const shown = cancellationTerms(sub(), settings, lastMinute, "ja");
    // Two minutes later, past midnight into the cut-off: the delivery ships and is charged.
    expect(termsChanged(shown, cancellationTerms(sub(), settings, nextMinute, "en"))).toEqual(["charges", "nextDelivery", "effectiveOn"]);
    // The same terms in another language are the same terms.
    expect(termsChanged(shown, cancellationTerms(sub(), settings, lastMinute, "en"))).toEqual([]);
    // A day later with the delivery further off: still stopped, nothing charged — the end date is the day received.
    const later = cancellationTerms(sub({ nextDeliveryOn: "2026-12-20" }), settings, lastMinute, "ja");
    expect(termsChanged(later, cancellationTerms(sub({ nextDeliveryOn: "2026-12-20" }), settings, new Date("2026-12-03T15:01:00Z"), "ja"))).toEqual([]);
    const committed = { commitmentMinDeliveries: 3, commitmentFeeAmount: 5000, commitmentFeeCurrency: "JPY", deliveriesCompleted: 1 };
    expect(termsChanged(shown, cancellationTerms(sub(committed), settings, lastMinute, "ja"))).toEqual(["charges", "fee"]);
  });

  it("confirmation numbers carry the local date of receipt", () => {
    expect(confirmationNumber("2026-12-02", seededRng(1))).toMatch(/^CN-20261202-[2-9A-HJ-NP-Z]{6}$/);
  });
});

describe("the fee on reactivation", () => {
  const fee = { amount: 5000, currency: "JPY" };
  const record = { effectiveOn: "2026-12-02", earlyCancellationFee: fee, confirmationNumber: "CN-20261202-7KQ4ZP" };
  const plan = { commitmentMinDeliveries: 3, deliveriesCompleted: 2 };
  it("reactivated the day of the cancellation: the fee is waived and the commitment continues, said plainly", () => {
    const d = feeOnReactivation(record, plan, "2026-12-02")!;
    expect(d).toMatchObject({ fee, waived: true, commitment: "continues", confirmationNumber: "CN-20261202-7KQ4ZP" });
    expect(d.note.ja).toContain("解約手数料5,000円");
    expect(d.note.ja).toContain("かかりません");
    expect(d.note.ja).toContain("これまでの2回に続けて");
    expect(d.note.en).toContain("is not charged");
  });
  it("after the effective date: the fee stands and settles the commitment", () => {
    const d = feeOnReactivation(record, plan, "2026-12-03")!;
    expect(d).toMatchObject({ waived: false, commitment: "settled" });
    expect(d.note.ja).toContain("そのままお支払いいただきます");
    expect(d.note.en).toContain("no cancellation fee");
  });
  it("a cancellation inside the cut-off is undone up to its final delivery", () => {
    expect(feeOnReactivation({ ...record, effectiveOn: "2026-12-04" }, plan, "2026-12-04")?.waived).toBe(true);
  });
  it("no fee charged (or not recorded): nothing to say", () => {
    expect(feeOnReactivation({ ...record, earlyCancellationFee: null }, plan, "2026-12-02")).toBeNull();
    expect(feeOnReactivation({ effectiveOn: "2026-12-02" }, plan, "2026-12-02")).toBeNull();
    expect(feeOnReactivation(null, plan, "2026-12-02")).toBeNull();
  });
});
