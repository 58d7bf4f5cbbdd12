import { describe, expect, it } from "vitest";
import { saveByChange } from "../../src/cancel-flows/saved-by-change";

// The rule alone: what a plan change made while a cancel flow is open does to that flow.
const now = new Date("2026-12-01T03:00:00.000Z");
const open = { status: "open" as const, expiresAt: "2026-12-02T03:00:00.000Z", offersShown: [] };
const skipOffer = { offerId: "off_skip", reason: "surplus_stock", apply: { kind: "plan_change", request: { type: "skip", count: 1 } } };
const intervalOffer = { offerId: "off_interval", reason: "surplus_stock", apply: { kind: "plan_change", request: { type: "interval", intervalDays: 60 } } };
const discount = { offerId: "off_discount", reason: "surplus_stock", apply: { kind: "discount", percentOff: 20, amountOff: null, cycles: 2, startsOn: "2026-12-05", endsOn: "2027-02-05" } };
const offered = (...shown: unknown[]) => ({ ...open, status: "offered" as const, offersShown: shown as Record<string, unknown>[] });

describe("a plan change while the cancel flow is open", () => {
  it("saves a flow with no offer shown (no reason given, or the operator presented none): no offer taken, nothing learnt", () => {
    for (const request of [{ type: "skip", count: 1 }, { type: "pause", resumeOn: "2027-01-15" }, { type: "interval", intervalDays: 45 }, { type: "quantity", quantity: 1 }, { type: "next_delivery", date: "2026-12-20" }] as const) {
      expect(saveByChange(open, request, now)).toEqual({ offerId: null, outcomes: [] });
    }
  });

  it("the change an offer shown proposed is that offer taken; the other offers shown were declined", () => {
    expect(saveByChange(offered(discount, skipOffer), { type: "skip", count: 1 }, now)).toEqual({
      offerId: "off_skip",
      outcomes: [
        { reason: "surplus_stock", offerId: "off_discount", accepted: false },
        { reason: "surplus_stock", offerId: "off_skip", accepted: true },
      ],
    });
  });

  it("a change of its own (another interval, two skips) takes no offer: every offer shown was declined", () => {
    expect(saveByChange(offered(skipOffer, intervalOffer), { type: "interval", intervalDays: 45 }, now)).toEqual({
      offerId: null,
      outcomes: [
        { reason: "surplus_stock", offerId: "off_skip", accepted: false },
        { reason: "surplus_stock", offerId: "off_interval", accepted: false },
      ],
    });
    expect(saveByChange(offered(skipOffer), { type: "skip", count: 2 }, now)?.offerId).toBeNull();
  });

  it("leaves a flow that already ended, or expired before the change, as it is", () => {
    for (const status of ["saved", "canceled", "abandoned"] as const) expect(saveByChange({ ...open, status }, { type: "skip", count: 1 }, now)).toBeNull();
    expect(saveByChange({ ...open, expiresAt: now.toISOString() }, { type: "skip", count: 1 }, now)).toBeNull();
    expect(saveByChange(offered(skipOffer), { type: "skip", count: 1 }, new Date("2026-12-03T00:00:00.000Z"))).toBeNull();
  });
});
