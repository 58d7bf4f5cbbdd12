import { describe, expect, it } from "vitest";
import { comebackChoices, proposedFirstDelivery } from "../../src/console/karte";
import type { KarteWinback } from "../../src/console/winback";

// The reactivation form's offers, in the order the operator reads them out: today's suggestion,
// then what winback.due carried while it can still be taken, never the same offer twice.
const sent = { offerId: "of_discount", title: "再開後2回のお届けが20%オフ", description: "…", sentOn: "2026-11-20", validUntil: "2026-12-20" };
const winback = (offer: { kind: "offer" | "reminder"; offerId: string | null; title: string } | null, s: KarteWinback["sent"]): KarteWinback =>
  ({ keepInTouch: { state: "yes", at: null, contactable: true }, returnOn: null, candidate: offer ? ({ offer } as KarteWinback["candidate"]) : null, notListed: null, sent: s }) as KarteWinback;

describe("comeback offers on reactivation", () => {
  it("today's suggestion alone when nothing was sent", () => {
    expect(comebackChoices(winback({ kind: "offer", offerId: "of_interval", title: "60日ごとで再開" }, null))).toEqual([{ offerId: "of_interval", title: "60日ごとで再開" }]);
  });

  it("the suggestion, then the offer sent when the suggestion has moved on", () => {
    expect(comebackChoices(winback({ kind: "offer", offerId: "of_interval", title: "60日ごとで再開" }, sent))).toEqual([
      { offerId: "of_interval", title: "60日ごとで再開" },
      { offerId: "of_discount", title: sent.title, sent },
    ]);
  });

  it("one offer, marked as sent, when the suggestion is what was sent", () => {
    expect(comebackChoices(winback({ kind: "offer", offerId: "of_discount", title: "再開後2回のお届けが20%オフ" }, sent))).toEqual([{ offerId: "of_discount", title: "再開後2回のお届けが20%オフ", sent }]);
  });

  it("the offer sent, for a plan no longer listed or whose suggestion is now a reminder; nothing when neither", () => {
    expect(comebackChoices(winback(null, sent))).toEqual([{ offerId: "of_discount", title: sent.title, sent }]);
    expect(comebackChoices(winback({ kind: "reminder", offerId: null, title: "12月5日からの再開のご案内" }, sent))).toEqual([{ offerId: "of_discount", title: sent.title, sent }]);
    expect(comebackChoices(winback({ kind: "reminder", offerId: null, title: "12月5日からの再開のご案内" }, null))).toEqual([]);
    expect(comebackChoices(null)).toEqual([]);
  });
});

// The reactivation form's first delivery: the date the customer named, as the API starts a comeback taken without one.
describe("the first delivery the reactivation form proposes", () => {
  const w = { earliest: "2026-12-05", latest: "2027-03-01", suggested: "2026-12-05" };
  const day = { intervalDays: 30, intervalMonths: null, deliveryDay: null, cancellation: null } as Parameters<typeof proposedFirstDelivery>[1];
  const named = (returnOn: string | null, restartOn?: string) => ({ returnOn, candidate: restartOn ? ({ offer: { restartOn } } as KarteWinback["candidate"]) : null });

  it("the customer's date as the comeback offer shows it, not the earliest", () => {
    expect(proposedFirstDelivery(w, day, named("2027-01-10", "2027-01-10"))).toBe("2027-01-10");
  });

  it("without a listed offer, their date; a monthly plan's first delivery on its day from it", () => {
    expect(proposedFirstDelivery(w, day, named("2027-01-10"))).toBe("2027-01-10");
    const monthly = { intervalDays: 30, intervalMonths: 1, deliveryDay: 25, cancellation: null } as Parameters<typeof proposedFirstDelivery>[1];
    expect(proposedFirstDelivery(w, monthly, named("2027-01-10"))).toBe("2027-01-25");
  });

  it("the window's suggestion when no date was named, it has come, or it is beyond what a restart may be set to today", () => {
    expect(proposedFirstDelivery(w, day, named(null))).toBe("2026-12-05");
    expect(proposedFirstDelivery(w, day, null)).toBe("2026-12-05");
    expect(proposedFirstDelivery(w, day, named("2026-11-20", "2026-12-05"))).toBe("2026-12-05");
    expect(proposedFirstDelivery(w, day, named("2027-05-01", "2027-05-01"))).toBe("2026-12-05");
  });
});

// closed2: the customer's date (or the offer's) on one of the shop's closed days proposes the first open day after it.
describe("the first delivery the reactivation form proposes, on the shop's closed days", () => {
  const w = { earliest: "2026-12-05", latest: "2027-03-01", suggested: "2026-12-05" };
  const day = { intervalDays: 30, intervalMonths: null, deliveryDay: null, cancellation: null } as Parameters<typeof proposedFirstDelivery>[1];
  const named = (returnOn: string | null, restartOn?: string) => ({ returnOn, candidate: restartOn ? ({ offer: { restartOn } } as KarteWinback["candidate"]) : null });
  const NEW_YEAR = [{ from: "2026-12-29", to: "2027-01-03" }];

  it("a restart on 12/31 while the shop is closed proposes 1/4", () => {
    expect(proposedFirstDelivery(w, day, named("2026-12-31"), NEW_YEAR)).toBe("2027-01-04");
    expect(proposedFirstDelivery(w, day, named("2026-12-31", "2026-12-31"), NEW_YEAR)).toBe("2027-01-04");
    expect(proposedFirstDelivery(w, day, named("2026-12-20"), NEW_YEAR)).toBe("2026-12-20");
  });
});
