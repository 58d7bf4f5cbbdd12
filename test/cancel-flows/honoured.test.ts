import { describe, expect, it } from "vitest";
import { honouredSettings } from "../../src/cancel-flows/apply-offer";
import { decide } from "../../src/plan-changes/rules";
import { DEFAULT_SETTINGS } from "../../src/settings/schemas";
import { plan } from "../support/plan";

describe("an offer shown is honoured for the life of the flow", () => {
  const skipped = plan({ nextDeliveryOn: "2026-12-20", consecutiveSkips: 1 });
  const lowered = { ...DEFAULT_SETTINGS, maxConsecutiveSkips: 0, maxPauseDays: 10, allowedIntervalDays: [30], quantityMax: 1 };
  it("limits lowered after it was shown do not refuse it; the calendar still does", () => {
    const offers = [
      { type: "skip", count: 1 },
      { type: "pause", resumeOn: "2027-02-20" },
      { type: "interval", intervalDays: 60 },
      { type: "quantity", quantity: 2 },
    ] as const;
    for (const request of offers) {
      expect(decide(skipped, request, lowered, "2026-12-02").ok, request.type).toBe(false);
      expect(decide(skipped, request, honouredSettings(lowered, { kind: "plan_change", request }), "2026-12-02").ok, request.type).toBe(true);
    }
    const skip = { type: "skip", count: 1 } as const;
    expect(decide(skipped, skip, honouredSettings(lowered, { kind: "plan_change", request: skip }), "2026-12-18")).toMatchObject({ ok: false, violation: { code: "change_window_closed" } });
  });
});
