import { addDays, daysBetween, maxDate } from "../platform/dates";
import type { ErrorCode } from "../platform/errors";
import type { TenantSettings } from "../settings/schemas";

/**
 * The merchant's plan rules as pure functions: given a subscription's plan, the tenant's settings,
 * today's local date and a request, either the new plan or the rule it breaks. No I/O here, so
 * every rule is tested without HTTP.
 */

export type Plan = {
  status: "active" | "paused" | "canceled";
  quantity: number;
  intervalDays: number;
  nextDeliveryOn: string | null;
  pausedUntil: string | null;
  consecutiveSkips: number;
};

export type PlanRequest =
  | { type: "skip"; count: number }
  | { type: "pause"; cycles: number }
  | { type: "pause"; resumeOn: string }
  | { type: "resume"; nextDeliveryOn?: string }
  | { type: "quantity"; quantity: number }
  | { type: "interval"; intervalDays: number }
  | { type: "next_delivery"; date: string };

export type ChangeType = PlanRequest["type"];

export type Violation = { code: ErrorCode; detail: string; extra?: Record<string, unknown> };
export type Decision = { ok: true; plan: Plan } | { ok: false; violation: Violation };

const fail = (code: ErrorCode, detail: string, extra?: Record<string, unknown>): Decision => ({ ok: false, violation: { code, detail, extra } });

/** The earliest delivery date that can still be changed today. */
export function firstChangeableDate(today: string, settings: TenantSettings): string {
  return addDays(today, settings.changeCutoffDays);
}

/** A paused subscription whose resume date has come is active again (pause resumes by itself). */
export function settle(plan: Plan, today: string): Plan {
  if (plan.status === "paused" && plan.pausedUntil !== null && plan.pausedUntil <= today) {
    return { ...plan, status: "active", pausedUntil: null, nextDeliveryOn: maxDate(plan.nextDeliveryOn ?? plan.pausedUntil, plan.pausedUntil) };
  }
  return plan;
}

export function decide(current: Plan, request: PlanRequest, settings: TenantSettings, today: string): Decision {
  const plan = settle(current, today);
  if (plan.status === "canceled") {
    return fail("subscription_canceled", "The subscription is canceled; reactivate it before changing the plan.");
  }
  const firstChangeable = firstChangeableDate(today, settings);
  /** The next delivery is already being prepared: changing it is refused. */
  const nextIsLocked = plan.nextDeliveryOn !== null && plan.nextDeliveryOn < firstChangeable;
  const windowClosed = (what: string) =>
    fail(
      "change_window_closed",
      `The next delivery on ${plan.nextDeliveryOn} is within ${settings.changeCutoffDays} days and can no longer be changed; ${what}`,
      { firstChangeableDate: firstChangeable, nextDeliveryOn: plan.nextDeliveryOn },
    );

  switch (request.type) {
    case "skip": {
      if (plan.status !== "active" || plan.nextDeliveryOn === null) {
        return fail("subscription_not_active", "Only an active subscription with a next delivery can skip.");
      }
      if (nextIsLocked) return windowClosed("the delivery after it can be skipped once it has shipped.");
      const allowed = settings.maxConsecutiveSkips - plan.consecutiveSkips;
      if (request.count > allowed) {
        return fail(
          "skip_limit_exceeded",
          `At most ${settings.maxConsecutiveSkips} deliveries in a row can be skipped; ${Math.max(allowed, 0)} more can be skipped now.`,
          { maxConsecutiveSkips: settings.maxConsecutiveSkips, remainingSkips: Math.max(allowed, 0) },
        );
      }
      return {
        ok: true,
        plan: {
          ...plan,
          nextDeliveryOn: addDays(plan.nextDeliveryOn, request.count * plan.intervalDays),
          consecutiveSkips: plan.consecutiveSkips + request.count,
        },
      };
    }
    case "pause": {
      if (nextIsLocked && plan.status === "active") return windowClosed("the pause can start after it.");
      const from = plan.nextDeliveryOn ?? firstChangeable;
      const resumeOn = "cycles" in request ? addDays(from, request.cycles * plan.intervalDays) : request.resumeOn;
      if (resumeOn < firstChangeable) {
        return fail("change_window_closed", `Deliveries can resume on ${firstChangeable} at the earliest.`, { firstChangeableDate: firstChangeable });
      }
      const length = daysBetween(today, resumeOn);
      if (length > settings.maxPauseDays) {
        return fail("pause_too_long", `A pause can last at most ${settings.maxPauseDays} days (until ${addDays(today, settings.maxPauseDays)}).`, {
          maxPauseDays: settings.maxPauseDays,
          latestResumeOn: addDays(today, settings.maxPauseDays),
        });
      }
      return { ok: true, plan: { ...plan, status: "paused", pausedUntil: resumeOn, nextDeliveryOn: resumeOn, consecutiveSkips: 0 } };
    }
    case "resume": {
      if (plan.status !== "paused") return fail("subscription_not_paused", "The subscription is not paused.");
      const next = request.nextDeliveryOn ?? maxDate(firstChangeable, today);
      if (next < firstChangeable) {
        return fail("change_window_closed", `The first delivery can be on ${firstChangeable} at the earliest.`, { firstChangeableDate: firstChangeable });
      }
      if (daysBetween(today, next) > Math.max(settings.maxPauseDays, plan.intervalDays * 2)) {
        return fail("date_out_of_range", "The first delivery after resuming is too far away; pause instead.");
      }
      return { ok: true, plan: { ...plan, status: "active", pausedUntil: null, nextDeliveryOn: next } };
    }
    case "quantity": {
      if (request.quantity < settings.quantityMin || request.quantity > settings.quantityMax) {
        return fail("quantity_out_of_range", `Quantity must be between ${settings.quantityMin} and ${settings.quantityMax}.`, {
          quantityMin: settings.quantityMin,
          quantityMax: settings.quantityMax,
        });
      }
      if (nextIsLocked && request.quantity !== plan.quantity) return windowClosed("change the quantity after it has shipped.");
      return { ok: true, plan: { ...plan, quantity: request.quantity } };
    }
    case "interval": {
      if (!settings.allowedIntervalDays.includes(request.intervalDays)) {
        return fail("interval_not_allowed", `Delivery intervals offered are ${settings.allowedIntervalDays.join(", ")} days.`, {
          allowedIntervalDays: settings.allowedIntervalDays,
        });
      }
      // The next delivery keeps its date; the new interval counts from it.
      return { ok: true, plan: { ...plan, intervalDays: request.intervalDays } };
    }
    case "next_delivery": {
      if (plan.status !== "active" || plan.nextDeliveryOn === null) {
        return fail("subscription_not_active", "Only an active subscription's next delivery can be moved; resume a paused one instead.");
      }
      if (nextIsLocked) return windowClosed("move the one after it once it has shipped.");
      if (request.date < firstChangeable) {
        return fail("change_window_closed", `The next delivery can be moved to ${firstChangeable} at the earliest.`, { firstChangeableDate: firstChangeable });
      }
      const latest = addDays(today, Math.max(plan.intervalDays * 2, settings.changeCutoffDays + 1));
      if (request.date > latest) {
        return fail("date_out_of_range", `The next delivery can be moved to ${latest} at the latest; for a longer break, pause.`, { latestDate: latest });
      }
      return { ok: true, plan: { ...plan, nextDeliveryOn: request.date } };
    }
  }
}

/** Whether an action is open now, and if not the rule that closes it (the same code a request would get). */
export type ActionOption = { available: boolean; refusal: { code: ErrorCode; detail: string } | null };

/**
 * What the shop's rules allow for this plan today — so a my-page offers only what will be
 * accepted. Each action's `available` is `decide` run on the simplest such request (skip one,
 * pause one day past the next delivery, …), so the options and the answers to real requests
 * cannot disagree.
 */
export function planOptions(current: Plan, settings: TenantSettings, today: string) {
  const plan = settle(current, today);
  const firstChangeable = firstChangeableDate(today, settings);
  const probe = (request: PlanRequest | null): ActionOption => {
    if (request === null) return { available: false, refusal: null };
    const d = decide(current, request, settings, today);
    return d.ok ? { available: true, refusal: null } : { available: false, refusal: { code: d.violation.code, detail: d.violation.detail } };
  };
  const latestNextDelivery = addDays(today, Math.max(plan.intervalDays * 2, settings.changeCutoffDays + 1));
  const latestResumeOn = addDays(today, settings.maxPauseDays);
  const earliestResumeOn = addDays(maxDate(firstChangeable, plan.nextDeliveryOn ?? firstChangeable), 1);
  const otherQuantity = [plan.quantity + 1, plan.quantity - 1].find((q) => q >= settings.quantityMin && q <= settings.quantityMax);
  const otherInterval = settings.allowedIntervalDays.find((d) => d !== plan.intervalDays);
  return {
    status: plan.status,
    firstChangeableDate: firstChangeable,
    nextDeliveryOn: plan.nextDeliveryOn,
    /** False when the next delivery is inside the cut-off (already being prepared). */
    nextDeliveryChangeable: plan.nextDeliveryOn !== null && plan.nextDeliveryOn >= firstChangeable,
    skip: { ...probe({ type: "skip", count: 1 }), remainingSkips: Math.max(settings.maxConsecutiveSkips - plan.consecutiveSkips, 0), maxConsecutiveSkips: settings.maxConsecutiveSkips },
    nextDelivery: { ...probe({ type: "next_delivery", date: firstChangeable }), earliest: firstChangeable, latest: latestNextDelivery },
    interval: { ...probe(otherInterval === undefined ? null : { type: "interval", intervalDays: otherInterval }), current: plan.intervalDays, allowedIntervalDays: settings.allowedIntervalDays },
    quantity: { ...probe(otherQuantity === undefined ? null : { type: "quantity", quantity: otherQuantity }), current: plan.quantity, min: settings.quantityMin, max: settings.quantityMax },
    pause: { ...probe({ type: "pause", resumeOn: earliestResumeOn }), maxPauseDays: settings.maxPauseDays, earliestResumeOn, latestResumeOn },
    resume: probe({ type: "resume" }),
  };
}
