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
export function firstChangeableDate(today: string, settings: Pick<TenantSettings, "changeCutoffDays">): string {
  return addDays(today, settings.changeCutoffDays);
}

/**
 * The skip limit counts deliveries skipped in a row; a delivery that ships ends the run. A sync
 * that reports more deliveries completed than before says one shipped.
 */
export function skipRunAfterSync(consecutiveSkips: number, deliveriesBefore: number, deliveriesAfter: number): number {
  return deliveriesAfter > deliveriesBefore ? 0 : consecutiveSkips;
}

/**
 * The same for a `delivery.completed` event: it ends the run unless it shipped before the run's
 * latest skip was made (a late-arriving report of an earlier delivery). Instants are RFC 3339,
 * compared as times, not text.
 */
export function skipRunAfterDelivery(consecutiveSkips: number, lastSkipAt: string | null, shippedAt: string): number {
  if (consecutiveSkips === 0) return 0;
  return lastSkipAt === null || Date.parse(shippedAt) > Date.parse(lastSkipAt) ? 0 : consecutiveSkips;
}

/**
 * Where a pause's length is measured from: the delivery it holds back (the current next delivery)
 * for an active subscription; for one already paused, the earliest date deliveries could resume
 * today (today + the cut-off), so extending a pause counts from there.
 */
export function pauseStartsOn(plan: Plan, today: string, settings: TenantSettings): string {
  return plan.status === "active" && plan.nextDeliveryOn !== null ? plan.nextDeliveryOn : firstChangeableDate(today, settings);
}

/**
 * The pause rule. A pause's length is the time deliveries are held back beyond the normal
 * schedule: `resumeOn − the current nextDeliveryOn`, in days (whether asked as `cycles` or as a
 * date), and may not exceed `maxPauseDays`. Measuring from today instead would count the wait for
 * the next delivery — which comes anyway — as pause, so a customer every 60 or 90 days could
 * never pause one delivery. Answers the latest resume date the rule allows.
 */
export function latestResumeOn(plan: Plan, today: string, settings: TenantSettings): string {
  return addDays(pauseStartsOn(plan, today, settings), settings.maxPauseDays);
}

/** Why an automatic resume put the first delivery where it did: kept in the `resume` change's `source`. */
export type ResumeNote = {
  reason: "pause_ended";
  resumeOn: string;
  /** Present when the first delivery moved from the planned date. */
  moved?: { from: string; to: string; because: "resumed_late"; resumedOn: string; firstChangeableDate: string };
};

/**
 * A paused subscription whose resume date has come is active again (a pause resumes by itself).
 * On its resume date, the first delivery is the one planned (the resume date, or a later synced
 * next delivery): the shop has shown that date since the pause began. Resumed later — the
 * maintenance job was down or late, or a sync brought a pause whose date had passed — the first
 * delivery is never before today + the cut-off: a date gone by, or one too close to prepare, would
 * leave a delivery that cannot ship and refuse every change. Null when nothing is due.
 */
export function autoResume(plan: Plan, today: string, settings: Pick<TenantSettings, "changeCutoffDays">): { plan: Plan; note: ResumeNote } | null {
  if (plan.status !== "paused" || plan.pausedUntil === null || plan.pausedUntil > today) return null;
  const planned = maxDate(plan.nextDeliveryOn ?? plan.pausedUntil, plan.pausedUntil);
  const earliest = firstChangeableDate(today, settings);
  const next = today > plan.pausedUntil ? maxDate(planned, earliest) : planned;
  const note: ResumeNote = { reason: "pause_ended", resumeOn: plan.pausedUntil };
  if (next !== planned) note.moved = { from: planned, to: next, because: "resumed_late", resumedOn: today, firstChangeableDate: earliest };
  return { plan: { ...plan, status: "active", pausedUntil: null, nextDeliveryOn: next }, note };
}

/** The plan as it stands today: a due pause resumed (see {@link autoResume}). */
export function settle(plan: Plan, today: string, settings: Pick<TenantSettings, "changeCutoffDays">): Plan {
  return autoResume(plan, today, settings)?.plan ?? plan;
}

/**
 * Where a reactivated subscription's deliveries start. Cancelled inside the cut-off, its next
 * delivery still ships and is charged as the final one (`cancellation.finalDeliveryOn`).
 * Reactivated on or before that date, the subscription continues as if never cancelled: that
 * delivery stays the next one, and the one after follows one interval later as usual; a different
 * requested date is refused (that delivery is already being prepared). Otherwise it is a new
 * start: the requested date or the earliest changeable one, at most
 * max(maxPauseDays, 2 × interval) days away.
 */
export function reactivationStart(
  canceled: { intervalDays: number; finalDeliveryOn: string | null },
  today: string,
  settings: Pick<TenantSettings, "changeCutoffDays" | "maxPauseDays">,
  requested?: string,
): { ok: true; nextDeliveryOn: string; asIfNeverCanceled: boolean } | { ok: false; violation: Violation } {
  const earliest = firstChangeableDate(today, settings);
  const final = canceled.finalDeliveryOn;
  if (final !== null && final >= today) {
    if (requested !== undefined && requested !== final) {
      return {
        ok: false,
        violation: {
          code: "change_window_closed",
          detail: `The final delivery on ${final} is already being prepared and stays the next one; reactivate without nextDeliveryOn, then move the one after it.`,
          extra: { firstChangeableDate: earliest, nextDeliveryOn: final },
        },
      };
    }
    return { ok: true, nextDeliveryOn: final, asIfNeverCanceled: true };
  }
  const next = requested ?? earliest;
  if (next < earliest) {
    return { ok: false, violation: { code: "change_window_closed", detail: `The first delivery can be on ${earliest} at the earliest.`, extra: { firstChangeableDate: earliest } } };
  }
  const reach = Math.max(settings.maxPauseDays, canceled.intervalDays * 2);
  if (daysBetween(today, next) > reach) {
    return { ok: false, violation: { code: "date_out_of_range", detail: "The first delivery is too far away.", extra: { latestDate: addDays(today, reach) } } };
  }
  return { ok: true, nextDeliveryOn: next, asIfNeverCanceled: false };
}

export function decide(current: Plan, request: PlanRequest, settings: TenantSettings, today: string): Decision {
  const plan = settle(current, today, settings);
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
      const pausedFromOn = pauseStartsOn(plan, today, settings);
      const pauseDays = daysBetween(pausedFromOn, resumeOn);
      if (pauseDays > settings.maxPauseDays) {
        const latest = latestResumeOn(plan, today, settings);
        return fail(
          "pause_too_long",
          `A pause may hold deliveries back at most ${settings.maxPauseDays} days beyond the normal schedule, counted from the next delivery (${pausedFromOn}) to the resume date; this one is ${pauseDays} days. Resume on ${latest} at the latest.`,
          { maxPauseDays: settings.maxPauseDays, pauseDays, pausedFromOn, latestResumeOn: latest },
        );
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
