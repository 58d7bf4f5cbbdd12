import { addCycles, cyclesToReach, cyclesUpTo, type CadenceFields } from "../platform/cadence";

/**
 * How an accepted discount follows the delivery schedule. A discount is a promise of N discounted
 * deliveries (「2回分が20%オフ」), stored as the dates of its first and last discounted delivery on
 * the schedule it was accepted on. A plan change that moves the schedule (a skip, another
 * interval, a pause, a resume, a new next-delivery date) moves those dates with it, so the same
 * number of deliveries stays discounted: never fewer, never more. Pure: no I/O.
 */

/** The stored discount's dates (db/schema DiscountRecord): `startsOn` absent on records from before it was kept. */
export type DiscountDates = { startsOn?: string; endsOn: string | null };

/** A schedule: the next delivery, then one per cycle of the plan's cadence (days or calendar months: platform/cadence). */
export type Schedule = { nextDeliveryOn: string | null } & CadenceFields;

/**
 * The discount's deliveries still to come on `schedule` (those dated `nextDeliveryOn` + i cycles): `lead` deliveries before the first discounted one (a delivery already being
 * prepared when the discount was accepted), then `left` discounted ones up to `endsOn` inclusive.
 * Null when the discount has no end or the schedule no next delivery.
 */
export function discountedAhead(d: DiscountDates, schedule: Schedule): { lead: number; left: number } | null {
  const next = schedule.nextDeliveryOn;
  if (d.endsOn === null || next === null || schedule.intervalDays < 1) return null;
  const lead = d.startsOn !== undefined && d.startsOn > next ? cyclesToReach(next, d.startsOn, schedule) : 0;
  const upToEnd = cyclesUpTo(next, d.endsOn, schedule) + 1;
  return { lead, left: Math.max(0, upToEnd - lead) };
}

/**
 * The discount after the schedule moved from `before` to `after`: the deliveries it still had to
 * discount on `before`, placed on `after` (the first after the same number of undiscounted ones).
 * Unchanged (the same object) when the schedule did not move, the discount has no end or is used
 * up, or either schedule has no next delivery.
 */
export function followSchedule<D extends DiscountDates>(d: D | null, before: Schedule, after: Schedule): D | null {
  if (d === null || (before.nextDeliveryOn === after.nextDeliveryOn && before.intervalDays === after.intervalDays && (before.intervalMonths ?? null) === (after.intervalMonths ?? null))) return d;
  const ahead = discountedAhead(d, before);
  if (ahead === null || ahead.left === 0 || after.nextDeliveryOn === null) return d;
  const startsOn = addCycles(after.nextDeliveryOn, after, ahead.lead);
  const endsOn = addCycles(after.nextDeliveryOn, after, ahead.lead + ahead.left - 1);
  return startsOn === d.startsOn && endsOn === d.endsOn ? d : { ...d, startsOn, endsOn };
}

/**
 * What a history entry says about a discount a change moved (its `source.discountMoved`); null
 * when it did not move.
 */
export function discountMoved(before: (DiscountDates & { offerId?: string }) | null, after: DiscountDates | null) {
  if (before === null || after === null || before === after) return null;
  return {
    offerId: before.offerId ?? null,
    startsOn: { from: before.startsOn ?? null, to: after.startsOn ?? null },
    endsOn: { from: before.endsOn, to: after.endsOn },
  };
}

/**
 * One delivery's price under a discount, minor units: a percentage rounds the discounted price
 * DOWN (as the offer's own figures do, offers/personalise); an amount off never goes below zero.
 */
export function discountedPrice(perDelivery: number, d: { percentOff?: number | null; amountOff?: number | null }): number {
  if (d.percentOff !== null && d.percentOff !== undefined) return Math.floor((perDelivery * (100 - d.percentOff)) / 100);
  return Math.max(0, perDelivery - (d.amountOff ?? 0));
}

/**
 * The discounted deliveries still to come on `schedule`, as the portal and the console show them:
 * the first and last (dates), how many, and the first delivery back at the regular price. Null
 * when none is left (used up, or no next delivery); `last` and `firstFullPriceOn` null for a
 * discount without an end.
 */
export function upcomingDiscount(d: DiscountDates, schedule: Schedule): { first: string; last: string | null; left: number | null; firstFullPriceOn: string | null } | null {
  if (schedule.nextDeliveryOn === null) return null;
  if (d.endsOn === null) return { first: d.startsOn !== undefined && d.startsOn > schedule.nextDeliveryOn ? d.startsOn : schedule.nextDeliveryOn, last: null, left: null, firstFullPriceOn: null };
  const ahead = discountedAhead(d, schedule);
  if (ahead === null || ahead.left === 0) return null;
  const first = addCycles(schedule.nextDeliveryOn, schedule, ahead.lead);
  const last = addCycles(schedule.nextDeliveryOn, schedule, ahead.lead + ahead.left - 1);
  return { first, last, left: ahead.left, firstFullPriceOn: addCycles(schedule.nextDeliveryOn, schedule, ahead.lead + ahead.left) };
}
