/**
 * A plan's delivery cadence: every N days (「45日ごと」「2週間ごと」) or every N calendar months
 * (「1ヶ月ごと」「隔月」「3ヶ月ごと」「毎月20日お届け」). Pure; dates are local YYYY-MM-DD (platform/dates).
 *
 * The month rule — where it comes from: Japanese 定期 carts schedule 「nヶ月ごと」 and 「毎月○日」 on a
 * day of the month, not a number of days (the customer picks 「毎月20日」; 12/31 is followed by 1/31),
 * and a day the month does not have becomes the month's last day (31日 → 2月末日). Shopify's selling
 * plans say the same with a MONTHDAY anchor (day 1–31 kept across cycles), and it is how calendar
 * arithmetic is defined elsewhere (Java's `LocalDate.plusMonths`, PostgreSQL's `date + interval
 * '1 month'`: the day is kept, clamped to the month's end). So a monthly plan keeps its ANCHOR — the
 * day of the month it was set on — and each delivery is the anchor's day in the month n × N months
 * later, or that month's last day: 1/31 → 2/28 → 3/31 (not 3/28), 2028-02-29 → 3/29 only for an
 * anchor of 29; 12/31 → 1/31 across the year. The anchor survives a clamped month, so it is kept
 * beside the plan (`subscriptions.delivery_day`), not read back from a clamped date.
 *
 * A monthly plan's `intervalDays` is its NOMINAL length, round(30.44 × months) (30.44 = 365.25 / 12:
 * 1 → 30, 2 → 61, 3 → 91): what consumption, risk features and revenue per year read as a length.
 * Dates never come from it.
 */
import { addDays, daysBetween } from "./dates";

/** The fields a cadence is read from (a subscription row, a plan, an API subscription). */
export type CadenceFields = {
  intervalDays: number;
  /** 1–12 for a monthly plan; null or absent: every `intervalDays` days. */
  intervalMonths?: number | null;
  /** A monthly plan's day of month (1–31); null or absent: the day of the date counted from. */
  deliveryDay?: number | null;
};

/** The longest monthly interval (a yearly plan). */
export const MAX_INTERVAL_MONTHS = 12;

/** Average days in a month (365.25 / 12), rounded as the nominal length is. */
const DAYS_PER_MONTH = 30.44;

/** The nominal length in days of an `months`-month interval: round(30.44 × months). */
export function nominalIntervalDays(months: number): number {
  return Math.round(DAYS_PER_MONTH * months);
}

/** Whether the plan is scheduled in calendar months. */
export function isMonthly(plan: Pick<CadenceFields, "intervalMonths">): plan is { intervalMonths: number } {
  return plan.intervalMonths != null && plan.intervalMonths > 0;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Days in month `m` (1–12) of year `y` (proleptic Gregorian). */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** The date of day `day` in the month `monthIndex` (months since year 0: y × 12 + m − 1), clamped to the month's last day. */
function onDay(monthIndex: number, day: number): string {
  const y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  return `${String(y).padStart(4, "0")}-${pad2(m)}-${pad2(Math.min(day, daysInMonth(y, m)))}`;
}

const monthIndexOf = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
const dayOf = (date: string) => Number(date.slice(8, 10));

/**
 * The delivery `n` cycles after `date` (n may be 0 or negative: 0 is `date` itself). Days:
 * `date + n × intervalDays`. Months: the anchor's day (`deliveryDay`, else `date`'s day) in the
 * month n × intervalMonths later, clamped to that month's end.
 *
 * A `date` off the anchor's day (a pause or resume to a date the customer named: 01-31 on a plan
 * on the 1st) is one delivery on its own; the plan returns to its day at the one of its dates
 * nearest to one interval after `date` (the later one on a tie), and goes on from there: 01-31 →
 * 03-01 on the 1st, 02-01 → 02-28 on the 31st, 05-29 → 06-30 on the 31st. Taking the anchor's day in the month n intervals
 * later instead put 01-31 → 02-01 (two deliveries, and charges, a day apart) and 02-01 → 03-31
 * (February's delivery gone).
 */
export function addCycles(date: string, plan: CadenceFields, n: number): string {
  if (!isMonthly(plan)) return addDays(date, n * plan.intervalDays);
  const anchor = plan.deliveryDay;
  if (anchor == null || onDay(monthIndexOf(date), anchor) === date) return onDay(monthIndexOf(date) + n * plan.intervalMonths, anchor ?? dayOf(date));
  if (n === 0) return date;
  // The first delivery back on the plan's day, one interval away; the rest follow it on the day.
  const step = n > 0 ? plan.intervalMonths : -plan.intervalMonths;
  const first = monthIndexOf(date) + step;
  const target = onDay(first, dayOf(date));
  const distance = (d: string) => Math.abs(daysBetween(target, d));
  let best = onDay(first, anchor);
  for (const candidate of [onDay(first - 1, anchor), onDay(first + 1, anchor)]) {
    if (distance(candidate) < distance(best) || (distance(candidate) === distance(best) && candidate > best)) best = candidate;
  }
  return onDay(monthIndexOf(best) + (n - Math.sign(n)) * plan.intervalMonths, anchor);
}

/**
 * The number of whole cycles from `from` that fit up to `to`: the largest n ≥ 0 with
 * addCycles(from, n) ≤ to; −1 when `to` is before `from`.
 */
export function cyclesUpTo(from: string, to: string, plan: CadenceFields): number {
  if (to < from) return -1;
  if (!isMonthly(plan)) return Math.floor(daysBetween(from, to) / Math.max(1, plan.intervalDays));
  let n = Math.floor((monthIndexOf(to) - monthIndexOf(from)) / plan.intervalMonths);
  while (n > 0 && addCycles(from, plan, n) > to) n--;
  // From a date off the plan's day, a cycle can end in the month before (02-01 → 02-28 on the 31st).
  while (addCycles(from, plan, n + 1) <= to) n++;
  return n;
}

/** The fewest cycles from `from` that reach `to` or later: the smallest n ≥ 0 with addCycles(from, n) ≥ to. */
export function cyclesToReach(from: string, to: string, plan: CadenceFields): number {
  if (to <= from) return 0;
  const n = cyclesUpTo(from, to, plan);
  return addCycles(from, plan, n) === to ? n : n + 1;
}

/** Day `day` (1–31) of `date`'s month, clamped to the month's last day: where a plan on that day delivers that month. */
export function dayInMonthOf(date: string, day: number): string {
  return onDay(monthIndexOf(date), day);
}

/**
 * The first delivery on or after `from` on a monthly plan's schedule: the plan's day
 * (`deliveryDay`, else `scheduledOn`'s day, else `from`'s) in a month whole intervals away from
 * `scheduledOn`'s month (any date the plan delivers or would have delivered on; absent: `from`'s
 * month), clamped to the month's end. So a plan on the 31st asked to restart from 12-05 restarts on
 * 12-31, not on a new day 5. `from` itself for a day plan.
 */
export function firstOnSchedule(from: string, plan: CadenceFields, scheduledOn?: string | null): string {
  if (!isMonthly(plan)) return from;
  const ref = scheduledOn ?? from;
  const day = plan.deliveryDay ?? dayOf(ref);
  const n = plan.intervalMonths;
  const k = Math.floor((monthIndexOf(from) - monthIndexOf(ref)) / n);
  const on = onDay(monthIndexOf(ref) + k * n, day);
  return on >= from ? on : onDay(monthIndexOf(ref) + (k + 1) * n, day);
}

/**
 * The anchor a monthly plan keeps when its next delivery becomes `date`: the current anchor when
 * `date` is where that anchor lands in its month (2/28 for an anchor of 31: still a plan on the
 * 31st), else `date`'s own day (the customer moved the delivery to the 20th: 毎月20日 from now on).
 * Null for a day plan.
 */
export function anchorFor(date: string | null, plan: CadenceFields): number | null {
  if (!isMonthly(plan)) return null;
  if (date === null) return plan.deliveryDay ?? null;
  const anchor = plan.deliveryDay;
  if (anchor != null && onDay(monthIndexOf(date), anchor) === date) return anchor;
  return dayOf(date);
}

/** The cadence in words for people: 「1ヶ月ごと」「45日ごと」 / "every month", "every 2 months", "every 45 days". */
export function cadenceText(plan: Pick<CadenceFields, "intervalDays" | "intervalMonths">, lang: "ja" | "en"): string {
  if (isMonthly(plan)) {
    const n = plan.intervalMonths;
    return lang === "ja" ? `${n}ヶ月ごと` : n === 1 ? "every month" : `every ${n} months`;
  }
  return lang === "ja" ? `${plan.intervalDays}日ごと` : `every ${plan.intervalDays} days`;
}
