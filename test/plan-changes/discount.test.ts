import { describe, expect, it } from "vitest";
import { discountedAhead, discountedPrice, discountMoved, followSchedule, upcomingDiscount } from "../../src/plan-changes/discount";

// The brief's case: 20% off 2 deliveries from 12-22, every 30 days (the last on 2027-01-21).
const promised = { percentOff: 20, startsOn: "2026-12-22", endsOn: "2027-01-21", offerId: "off_discount_20x2" };
const every30 = { nextDeliveryOn: "2026-12-22", intervalDays: 30 };

describe("an accepted discount follows the schedule (plan-changes/discount)", () => {
  it("a skip moves both discounted deliveries one interval later", () => {
    const moved = followSchedule(promised, every30, { nextDeliveryOn: "2027-01-21", intervalDays: 30 });
    expect(moved).toEqual({ ...promised, startsOn: "2027-01-21", endsOn: "2027-02-20" });
    expect(discountedAhead(moved!, { nextDeliveryOn: "2027-01-21", intervalDays: 30 })).toEqual({ lead: 0, left: 2 });
  });

  it("a longer interval spaces the discounted deliveries by it: still two, not one", () => {
    expect(followSchedule(promised, every30, { nextDeliveryOn: "2026-12-22", intervalDays: 90 })).toMatchObject({ startsOn: "2026-12-22", endsOn: "2027-03-22" });
  });

  it("a shorter interval never discounts more than promised", () => {
    const moved = followSchedule(promised, every30, { nextDeliveryOn: "2026-12-22", intervalDays: 14 });
    expect(moved).toMatchObject({ startsOn: "2026-12-22", endsOn: "2027-01-05" });
    expect(discountedAhead(moved!, { nextDeliveryOn: "2026-12-22", intervalDays: 14 })!.left).toBe(2);
  });

  it("a pause past the end date keeps both for the deliveries after it", () => {
    expect(followSchedule(promised, every30, { nextDeliveryOn: "2027-03-01", intervalDays: 30 })).toMatchObject({ startsOn: "2027-03-01", endsOn: "2027-03-31" });
  });

  it("a monthly plan paused to a date off its day keeps both: that date and the plan's day about a month later", () => {
    // 毎月31日, 20% off 12-31 and 01-31; paused to 01-15: discounted 01-15 and 02-28 (not 01-31, no delivery, and 02-28).
    const on31 = { intervalDays: 30, intervalMonths: 1, deliveryDay: 31 };
    const d = { percentOff: 20, startsOn: "2026-12-31", endsOn: "2027-01-31", offerId: "off_discount_20x2" };
    const moved = followSchedule(d, { ...on31, nextDeliveryOn: "2026-12-31" }, { ...on31, nextDeliveryOn: "2027-01-15" });
    expect(moved).toMatchObject({ startsOn: "2027-01-15", endsOn: "2027-02-28" });
    expect(upcomingDiscount(moved!, { ...on31, nextDeliveryOn: "2027-01-15" })).toEqual({ first: "2027-01-15", last: "2027-02-28", left: 2, firstFullPriceOn: "2027-03-31" });
  });

  it("after one discounted delivery shipped, only the one left moves", () => {
    const now = { nextDeliveryOn: "2027-01-21", intervalDays: 30 };
    expect(followSchedule(promised, now, { nextDeliveryOn: "2027-02-20", intervalDays: 30 })).toMatchObject({ startsOn: "2027-02-20", endsOn: "2027-02-20" });
  });

  it("a delivery already being prepared when accepted stays undiscounted ahead of the discounted ones", () => {
    const later = { ...promised, startsOn: "2027-01-21", endsOn: "2027-02-20" };
    expect(discountedAhead(later, every30)).toEqual({ lead: 1, left: 2 });
    expect(followSchedule(later, every30, { nextDeliveryOn: "2026-12-22", intervalDays: 60 })).toMatchObject({ startsOn: "2027-02-20", endsOn: "2027-04-21" });
  });

  it("leaves alone a discount used up, without an end, or a schedule that did not move (the same object)", () => {
    const used = { ...promised, startsOn: "2026-10-23", endsOn: "2026-11-22" };
    expect(followSchedule(used, every30, { nextDeliveryOn: "2027-01-21", intervalDays: 30 })).toBe(used);
    const open = { percentOff: 10, endsOn: null };
    expect(followSchedule(open, every30, { nextDeliveryOn: "2027-01-21", intervalDays: 30 })).toBe(open);
    expect(followSchedule(promised, every30, { ...every30 })).toBe(promised);
    expect(followSchedule(null, every30, { nextDeliveryOn: "2027-01-21", intervalDays: 30 })).toBeNull();
  });

  it("a discount from before startsOn was kept counts from the next delivery", () => {
    expect(followSchedule({ percentOff: 20, endsOn: "2027-01-21" }, every30, { nextDeliveryOn: "2027-01-21", intervalDays: 30 })).toMatchObject({ startsOn: "2027-01-21", endsOn: "2027-02-20" });
  });

  it("the history entry names both dates before and after", () => {
    const moved = followSchedule(promised, every30, { nextDeliveryOn: "2027-01-21", intervalDays: 30 });
    expect(discountMoved(promised, moved)).toEqual({ offerId: "off_discount_20x2", startsOn: { from: "2026-12-22", to: "2027-01-21" }, endsOn: { from: "2027-01-21", to: "2027-02-20" } });
    expect(discountMoved(promised, promised)).toBeNull();
  });

  it("prices a delivery as the offer did: percent rounded down, an amount never below zero", () => {
    expect(discountedPrice(3240, { percentOff: 20 })).toBe(2592);
    expect(discountedPrice(999, { percentOff: 15, amountOff: null })).toBe(849);
    expect(discountedPrice(500, { amountOff: 800 })).toBe(0);
  });
});

describe("the discounted deliveries the portal and console show (upcomingDiscount)", () => {
  it("names the first, the last, how many and the first at the regular price", () => {
    expect(upcomingDiscount(promised, every30)).toEqual({ first: "2026-12-22", last: "2027-01-21", left: 2, firstFullPriceOn: "2027-02-20" });
    expect(upcomingDiscount(promised, { nextDeliveryOn: "2027-01-21", intervalDays: 30 })).toEqual({ first: "2027-01-21", last: "2027-01-21", left: 1, firstFullPriceOn: "2027-02-20" });
  });

  it("after the discounted deliveries, or without a next delivery, there is none", () => {
    expect(upcomingDiscount(promised, { nextDeliveryOn: "2027-02-20", intervalDays: 30 })).toBeNull();
    expect(upcomingDiscount(promised, { nextDeliveryOn: null, intervalDays: 30 })).toBeNull();
  });
});
