import { describe, expect, it } from "vitest";
import { profilingChange } from "../../src/customers/profiling";
import { routeFor } from "../../src/lookup/logic";
import type { LookupSubscription } from "../../src/lookup/logic";
import { winbackScoreFor } from "../../src/winback/service";

// The decisions a profiling objection changes, without HTTP.
describe("profiling opt-out: decisions", () => {
  it("a write records the setting only when it changes it (omitted or null keeps it)", () => {
    expect(profilingChange(false, true)).toBe(true);
    expect(profilingChange(true, false)).toBe(false);
    expect(profilingChange(undefined, true)).toBe(true);
    expect(profilingChange(undefined, false)).toBeNull();
    expect(profilingChange(true, true)).toBeNull();
    expect(profilingChange(true, undefined)).toBeNull();
    expect(profilingChange(true, null)).toBeNull();
  });

  it("a caller who is not scored goes to a person, never to self-service or a specialist by value", () => {
    const plan = { id: "S1", status: "active", nextDeliveryOn: "2026-12-20", unitPriceAmount: 30_000, quantity: 1, intervalDays: 30, currency: "JPY" } as unknown as LookupSubscription;
    expect(routeFor("low", [plan], "2026-12-03")).toBe("self_service");
    expect(routeFor("high", [plan], "2026-12-03")).toBe("retention_specialist");
    expect(routeFor(null, [plan], "2026-12-03")).toBe("standard_queue");
  });

  it("a cancellation of a customer left out of profiling is recorded unscored: the model is not even run", () => {
    let ran = 0;
    const score = () => (ran++, { probability: 0.3, drivers: [{ code: "reason" }], modelVersion: "winback-default" });
    expect(winbackScoreFor({ profilingOptOut: false }, score)).toMatchObject({ probability: 0.3 });
    expect(winbackScoreFor({ profilingOptOut: true }, score)).toEqual({ probability: 0, drivers: [], modelVersion: "not_scored" });
    expect(ran).toBe(1);
  });
});
