import { describe, expect, it } from "vitest";
import { changeCallOf } from "../../src/console/plan";

// The karte's plan-change forms as the API calls they make: what the operator picked, nothing else.
describe("a plan-change form as an API call", () => {
  it("maps each action and its one field", () => {
    expect(changeCallOf({ action: "skip" })).toEqual({ path: "skip", body: { count: 1 } });
    expect(changeCallOf({ action: "interval", intervalDays: "45" })).toEqual({ path: "interval", body: { intervalDays: 45 } });
    expect(changeCallOf({ action: "quantity", quantity: "2" })).toEqual({ path: "quantity", body: { quantity: 2 } });
    expect(changeCallOf({ action: "pause", resumeOn: "2027-01-15" })).toEqual({ path: "pause", body: { resumeOn: "2027-01-15" } });
    expect(changeCallOf({ action: "next-delivery", date: "2026-12-20" })).toEqual({ path: "next-delivery", body: { date: "2026-12-20" } });
    expect(changeCallOf({ action: "resume" })).toEqual({ path: "resume", body: {} });
  });

  it("refuses an unknown action, a missing field or a number that is not whole", () => {
    expect(changeCallOf({ action: "cancel" })).toBeNull();
    expect(changeCallOf({})).toBeNull();
    expect(changeCallOf({ action: "pause" })).toBeNull();
    expect(changeCallOf({ action: "quantity", quantity: "1.5" })).toBeNull();
    expect(changeCallOf({ action: "interval", intervalDays: "" })).toBeNull();
  });
});
