import { describe, expect, it } from "vitest";
import { churnAndHoldout, ratio, roundRate } from "../../src/metrics/retention";
import { syncedDue } from "../../src/winback/service";

describe("rates: a count that is not 0 never reads 0", () => {
  it("1 cancellation in 30,035 subscriptions reads 0.00003329, as the owner would compute it; rates of 0.1 and more keep 4 decimals", () => {
    const kept = { flows: 0, closed: 0, canceled: 0, keptRate: null };
    expect(churnAndHoldout({ activeAtStart: 30_035, canceledInRange: 1, reactivationsInRange: 0 }, kept, kept).churn.churnRate).toBe(0.00003329);
    expect(ratio(1, 3)).toBe(0.3333);
    expect(ratio(7, 13)).toBe(0.5385);
    expect(ratio(5, 4)).toBe(1.25);
    expect(ratio(1, 12)).toBe(0.08333);
    expect(ratio(0, 5)).toBe(0);
    expect(ratio(1, 0)).toBeNull();
    expect(roundRate(-0.0000123456)).toBe(-0.00001235);
    expect(roundRate(0.5 - 0.4)).toBe(0.1);
  });
});

describe("win-back of a synced cancellation: when it is due", () => {
  const settings = { winbackDelayDays: 60 };
  it("the delay after the day it was cancelled, never before today; older than the horizon (180 days, or a longer delay), recorded but never due", () => {
    expect(syncedDue("2026-11-20", "2026-12-02", settings)).toEqual({ dueOn: "2027-01-19", dueStatus: "pending" });
    expect(syncedDue("2026-08-01", "2026-12-02", settings)).toEqual({ dueOn: "2026-12-02", dueStatus: "pending" });
    expect(syncedDue("2026-06-05", "2026-12-02", settings)).toEqual({ dueOn: "2026-12-02", dueStatus: "pending" }); // 180 days back: still contacted
    expect(syncedDue("2026-06-04", "2026-12-02", settings)).toEqual({ dueOn: "2026-08-03", dueStatus: "skipped" });
    expect(syncedDue("2026-01-10", "2026-12-02", { winbackDelayDays: 365 })).toEqual({ dueOn: "2027-01-10", dueStatus: "pending" });
  });
});
