import type { Plan } from "../../src/plan-changes/rules";

/** A plan as the plan-change rules read it: active, one unit every 30 days, next on 2026-12-10, no skips yet; `over` changes any field. */
export const plan = (over: Partial<Plan> = {}): Plan => ({
  status: "active",
  quantity: 1,
  intervalDays: 30,
  nextDeliveryOn: "2026-12-10",
  pausedUntil: null,
  consecutiveSkips: 0,
  ...over,
});
