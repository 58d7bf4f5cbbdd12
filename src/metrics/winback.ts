/**
 * 再加入率 (re-subscription rate) and what win-back contact adds, as SQL aggregates over
 * `winbacks` (one row per cancellation). A cancellation belongs to the shop-local day its instant
 * (`canceled_at`) falls on in the shop's time zone as it is NOW: a change of `timeZone` moves the
 * figures at once, as retention's do, with no rebuild. (`canceled_on`, the local day stored when it
 * was recorded, stays what due dates and the model's features were decided on.) Its outcome is
 * counted whenever it came.
 *
 * - reactivationRate = reactivated / canceled. Young cancellations have had less time to come
 *   back, so `rate180` is reported apart: of the cancellations at least 180 days old (`matured`:
 *   on or before the shop's today − 180 days), the share reactivated within 180 days — comparable between months.
 * - afterContactShare = reactivations that followed a win-back contact (the `winback.due` webhook
 *   or a `winback.contacted` event, before the reactivation) / reactivations.
 * - holdout lift: among cancellations the customer may be contacted about, the reactivation rate
 *   of those not held out minus that of the holdout drawn at cancellation (`winbackHoldoutPercent`)
 *   — an intent-to-treat comparison, so it counts whether or not a contact was actually made.
 * - revenueRecovered, per currency (minor units): for a reactivated plan still active, a year of
 *   its deliveries as it restarted, less its offer's discount (winback/model `recoveredValue`);
 *   once it is canceled again, what it delivered since the restart (winback/service
 *   `endRecoveries`, written by the cancellation): never money that did not come.
 */
import { and, gte, inArray, lt, lte, notInArray, sql, type SQL } from "drizzle-orm";
import { winbacks } from "../db/schema";
import type { TenantStore } from "../platform/tenancy";
import { addDays, localDate, zonedInstant } from "../platform/dates";
import { ratio, roundRate } from "./retention";

/**
 * The UTC day of a cancellation's instant (`YYYY-MM-DD`): the expression index `winbacks_metrics`
 * (migration 0043) is ordered by, written exactly so (literal 1 and 10, not parameters), or SQLite
 * would not match it to the index.
 */
const utcDay = sql<string>`substr(${winbacks.canceledAt}, 1, 10)`;
/** The UTC quarter hour of a cancellation's instant (`YYYY-MM-DDTHH:MM`, minutes 00/15/30/45), as the subscription rollups key theirs. */
const utcQuarter = sql<string>`substr(${winbacks.canceledAt}, 1, 14) || printf('%02d', CAST(substr(${winbacks.canceledAt}, 15, 2) AS INTEGER) / 15 * 15)`;

/** An instant in the stored form (`….000Z`), so it compares as text with `canceled_at`. */
const stored = (date: string, timeZone: string) => new Date(zonedInstant(date, "00:00", timeZone)).toISOString();

/**
 * How the shop-local days `from`–`to` are read from the instants, in `timeZone` as it is now. Pure.
 * - `lo`–`hi`: the instants [lo, hi) the days cover (stored form).
 * - Whole UTC days from `firstDay` to `lastDay` are counted by UTC day, except `quarterDays`: the
 *   UTC days a local month (or the range) starts or ends within, counted by quarter hour. A local
 *   day starts on a quarter hour in every zone (+05:45, +09:30, −03:30 …), so each slice — a whole
 *   UTC day or a quarter hour — lies in one local month: {@link sliceMonth} places it. The groups
 *   are bounded by the range's days (≤ 732 days + 96 quarter hours per local month, per reason
 *   and currency), never by the number of cancellations.
 * - `matureBefore`: a cancellation before this instant is on or before the shop's today − 180
 *   days (`matured`).
 */
export function winbackSlices(range: { from: string; to: string; today: string; timeZone: string }) {
  const { from, to, timeZone } = range;
  const lo = stored(from, timeZone);
  const hi = stored(addDays(to, 1), timeZone);
  const cuts = [lo, hi];
  for (let month = addDays(`${from.slice(0, 7)}-01`, 32).slice(0, 7); `${month}-01` <= to; month = addDays(`${month}-01`, 32).slice(0, 7)) cuts.push(stored(`${month}-01`, timeZone));
  // A cut at 00:00 UTC splits no UTC day.
  const quarterDays = [...new Set(cuts.filter((c) => !c.endsWith("T00:00:00.000Z")).map((c) => c.slice(0, 10)))].sort();
  return { lo, hi, firstDay: lo.slice(0, 10), lastDay: hi.slice(0, 10), quarterDays, matureBefore: stored(addDays(range.today, -179), timeZone) };
}

/** The shop-local month (`YYYY-MM`) of a slice of {@link winbackSlices}: a UTC day `YYYY-MM-DD` or a quarter hour `YYYY-MM-DDTHH:MM`, by its first instant. Pure. */
export function sliceMonth(slice: string, timeZone: string): string {
  return localDate(new Date(slice.length === 10 ? `${slice}T00:00:00Z` : `${slice}:00Z`), timeZone).slice(0, 7);
}

const counts = (matureBefore: string) => ({
  canceled: sql<number>`count(*)`,
  reactivated: sql<number>`coalesce(sum(${winbacks.reactivatedAt} IS NOT NULL), 0)`,
  matured: sql<number>`coalesce(sum(${winbacks.canceledAt} < ${matureBefore}), 0)`,
  reactivatedWithin180: sql<number>`coalesce(sum(${winbacks.canceledAt} < ${matureBefore} AND ${winbacks.reactivatedAt} IS NOT NULL AND julianday(${winbacks.reactivatedAt}) - julianday(${winbacks.canceledAt}) <= 180), 0)`,
});

type Counts = { canceled: number; reactivated: number; matured: number; reactivatedWithin180: number };
const rates = (c: Counts) => ({
  canceled: Number(c.canceled),
  reactivated: Number(c.reactivated),
  reactivationRate: ratio(Number(c.reactivated), Number(c.canceled)),
  matured: Number(c.matured),
  reactivatedWithin180: Number(c.reactivatedWithin180),
  rate180: ratio(Number(c.reactivatedWithin180), Number(c.matured)),
});

type Group = Counts & {
  reason: string | null;
  /** A slice of {@link winbackSlices}: a UTC day or a UTC quarter hour. */
  slice: string;
  currency: string;
  afterContact: number;
  contacted: number;
  treated: number;
  treatedReactivated: number;
  heldOut: number;
  heldOutReactivated: number;
  recovered: number;
};
const ADDED = ["canceled", "reactivated", "matured", "reactivatedWithin180", "afterContact", "contacted", "treated", "treatedReactivated", "heldOut", "heldOutReactivated"] as const;
type Sums = Record<(typeof ADDED)[number], number>;
const zero = (): Sums => Object.fromEntries(ADDED.map((k) => [k, 0])) as Sums;
function add(into: Sums, g: Group) {
  for (const k of ADDED) into[k] += Number(g[k]);
  return into;
}

const sorted = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

/**
 * The win-back figures of the shop-local days `from`–`to` in `timeZone` (the shop's, as it is
 * now), `today` the shop's today (for `matured`). What `GET /v1/metrics/winback` answers, and the
 * `winback` part of `GET /v1/metrics/retention`.
 */
export async function winbackMetrics(store: TenantStore, range: { from: string; to: string; today: string; timeZone: string }) {
  const s = winbackSlices(range);
  const reactivatedAfterContact = sql`${winbacks.reactivatedAt} IS NOT NULL AND ${winbacks.contactedAt} IS NOT NULL AND ${winbacks.contactedAt} <= ${winbacks.reactivatedAt}`;
  const figures = {
    reason: winbacks.reason,
    currency: winbacks.currency,
    ...counts(s.matureBefore),
    afterContact: sql<number>`coalesce(sum(${reactivatedAfterContact}), 0)`,
    contacted: sql<number>`coalesce(sum(${winbacks.contactedAt} IS NOT NULL), 0)`,
    treated: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 0), 0)`,
    treatedReactivated: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 0 AND ${winbacks.reactivatedAt} IS NOT NULL), 0)`,
    heldOut: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 1), 0)`,
    heldOutReactivated: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 1 AND ${winbacks.reactivatedAt} IS NOT NULL), 0)`,
    recovered: sql<number>`coalesce(sum(CASE WHEN ${winbacks.reactivatedAt} IS NOT NULL THEN ${winbacks.recoveredAmount} END), 0)`,
  };
  const inRange = and(gte(winbacks.canceledAt, s.lo), lt(winbacks.canceledAt, s.hi));
  // Whole UTC days: one pass over the range in the order of index winbacks_metrics, which holds
  // every column read (no table row visited, no sort), counts per UTC day × reason × currency.
  const days = store.q
    .select({ slice: utcDay, ...figures })
    .from(winbacks)
    .where(store.owns(winbacks, and(gte(utcDay, s.firstDay), lte(utcDay, s.lastDay), inRange, s.quarterDays.length ? notInArray(utcDay, s.quarterDays) : undefined)))
    .groupBy(utcDay, winbacks.reason, winbacks.currency);
  // The few UTC days a local month or the range starts within, by quarter hour: sorted in a
  // temporary b-tree, but only those days' cancellations.
  const quarters = s.quarterDays.length
    ? store.q
        .select({ slice: utcQuarter, ...figures })
        .from(winbacks)
        .where(store.owns(winbacks, and(inArray(utcDay, s.quarterDays), inRange)))
        .groupBy(utcQuarter, winbacks.reason, winbacks.currency)
    : [];
  const groups: Group[] = (await Promise.all([days, quarters])).flat();
  // The totals, the reasons, the months and the revenue per currency are sums of those groups, so they add up exactly.
  const t = zero();
  const byReason = new Map<string, Sums>();
  const byMonth = new Map<string, Sums>();
  const revenue = new Map<string, { amount: number; reactivated: number }>();
  const months = new Map<string, string>();
  const monthOf = (slice: string) => months.get(slice) ?? months.set(slice, sliceMonth(slice, range.timeZone)).get(slice)!;
  for (const g of groups) {
    add(t, g);
    const reason = g.reason ?? "none";
    const month = monthOf(g.slice);
    byReason.set(reason, add(byReason.get(reason) ?? zero(), g));
    byMonth.set(month, add(byMonth.get(month) ?? zero(), g));
    const r = revenue.get(g.currency) ?? { amount: 0, reactivated: 0 };
    revenue.set(g.currency, { amount: r.amount + Number(g.recovered), reactivated: r.reactivated + Number(g.reactivated) });
  }
  const treatedRate = ratio(t.treatedReactivated, t.treated);
  const holdoutRate = ratio(t.heldOutReactivated, t.heldOut);
  return {
    from: range.from,
    to: range.to,
    ...rates(t),
    contacts: {
      contacted: t.contacted,
      reactivatedAfterContact: t.afterContact,
      afterContactShare: ratio(t.afterContact, t.reactivated),
    },
    holdout:
      t.heldOut === 0
        ? null
        : {
            contactable: { canceled: t.treated, reactivated: t.treatedReactivated, reactivationRate: treatedRate },
            holdout: { canceled: t.heldOut, reactivated: t.heldOutReactivated, reactivationRate: holdoutRate },
            lift: treatedRate !== null && holdoutRate !== null ? roundRate(treatedRate - holdoutRate) : null,
          },
    // Currencies with a reactivation; reasons, months and currencies in code order.
    revenueRecovered: sorted(revenue)
      .filter(([, r]) => r.reactivated > 0)
      .map(([currency, r]) => ({ amount: r.amount, currency })),
    byReason: sorted(byReason).map(([key, r]) => ({ key, ...rates(r) })),
    byMonth: sorted(byMonth).map(([key, r]) => ({ key, ...rates(r) })),
  };
}
