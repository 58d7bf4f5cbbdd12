/**
 * 再加入率 (re-subscription rate) and what win-back contact adds, as SQL aggregates over
 * `winbacks` (one row per cancellation). A cancellation belongs to the shop-local day its instant
 * (`canceled_at`) falls on in the shop's time zone as it is NOW: a change of `timeZone` moves the
 * figures at once, as retention's do, with no rebuild. (`canceled_on`, the local day stored when it
 * was recorded, stays what due dates and the model's features were decided on.) Its outcome is
 * counted whenever it came. A cancellation the customer undid is in none of them (`standing`).
 *
 * - reactivationRate = reactivated / canceled. Young cancellations have had less time to come
 *   back, so `rate180` is reported apart: of the cancellations at least 180 days old (`matured`:
 *   on or before the shop's today − 180 days), the share reactivated within 180 days — comparable between months.
 * - afterContactShare = reactivations that followed a win-back contact (the `winback.due` webhook
 *   or a `winback.contacted` event, before the reactivation) / reactivations.
 * - holdout lift: among cancellations the customer could be contacted about when they were recorded
 *   (`contactable_at_draw`: a later "no", opt-out or erasure does not move a past month's arms), the reactivation rate
 *   of those not held out minus that of the holdout drawn at cancellation (`winbackHoldoutPercent`)
 *   — an intent-to-treat comparison, so it counts whether or not a contact was actually made, and
 *   only cancellations drawn while a holdout was in force (`holdout_percent` > 0): one with none
 *   was never drawn, so it is in neither arm.
 * - revenueRecovered, per currency (minor units): for a reactivated plan still active, a year of
 *   its deliveries as it restarted, less its offer's discount (winback/model `recoveredValue`);
 *   once it is canceled again, what it delivered since the restart (winback/service
 *   `endRecoveries`, written by the cancellation): never money that did not come.
 */
import { and, eq, gte, inArray, lt, lte, notInArray, sql } from "drizzle-orm";
import { winbacks } from "../db/schema";
import type { TenantStore } from "../platform/tenancy";
import { addDays, zonedInstant } from "../platform/dates";
import { liftInterval, ratio, roundRate } from "./retention";

/**
 * The UTC day of a cancellation's instant (`YYYY-MM-DD`): the expression index `winbacks_metrics`
 * (migration 0045) is ordered by, written exactly so (literal 1 and 10, not parameters), or SQLite
 * would not match it to the index.
 */
const utcDay = sql<string>`substr(${winbacks.canceledAt}, 1, 10)`;

/**
 * A cancellation the customer undid (reactivated on or before its `effectiveOn`: `undone`) is a
 * withdrawn decision, like a restarted flow: neither a cancellation nor a return, so in no figure
 * here — not `canceled`, `reactivated`, the windows, the arms, nor `revenueRecovered`. In index
 * winbacks_metrics, so the walk stays covering.
 */
const standing = eq(winbacks.undone, false);

/** An instant in the stored form (`….000Z`), so it compares as text with `canceled_at`. */
const stored = (date: string, timeZone: string) => new Date(zonedInstant(date, "00:00", timeZone)).toISOString();

export type WinbackSlices = ReturnType<typeof winbackSlices>;

/**
 * How the shop-local days `from`–`to` are read from the cancellations' instants, in `timeZone` as
 * it is now (daylight saving included). Pure.
 * - `lo`–`hi`: the instants [lo, hi) the days cover (stored form, compared as text).
 * - `monthStarts`: the first instants of the local months that start within the range, in order;
 *   `months[n]` is the local month (`YYYY-MM`) of an instant with `n` of them at or before it.
 * - Whole UTC days `firstDay`–`lastDay` lie in [lo, hi) and each in one local month (counted by
 *   UTC day, placed by {@link monthAt} of their first instant), except `splitDays`: the UTC days
 *   `lo`, `hi` or a month start falls within (not at 00:00 UTC), counted apart on each side of it.
 *   So the groups are bounded by the range's days (≤ 732 days + 2 parts per month, per reason and
 *   currency), never by the number of cancellations.
 * - `matureBefore`: a cancellation before this instant is on or before the shop's today − 180
 *   days (`matured`).
 */
export function winbackSlices(range: { from: string; to: string; today: string; timeZone: string }) {
  const { from, to, timeZone } = range;
  const lo = stored(from, timeZone);
  const hi = stored(addDays(to, 1), timeZone);
  const months = [from.slice(0, 7)];
  const monthStarts: string[] = [];
  for (let first = addDays(`${from.slice(0, 7)}-01`, 32).slice(0, 7) + "-01"; first <= to; first = addDays(first, 32).slice(0, 7) + "-01") {
    months.push(first.slice(0, 7));
    monthStarts.push(stored(first, timeZone));
  }
  const midnight = (instant: string) => instant.endsWith("T00:00:00.000Z");
  const splitDays = [...new Set([lo, ...monthStarts, hi].filter((c) => !midnight(c)).map((c) => c.slice(0, 10)))];
  return {
    lo,
    hi,
    monthStarts,
    months,
    firstDay: lo.slice(0, 10),
    // A range ending at 00:00 UTC has none of that day.
    lastDay: midnight(hi) ? addDays(hi.slice(0, 10), -1) : hi.slice(0, 10),
    splitDays,
    matureBefore: stored(addDays(range.today, -179), timeZone),
    // The same for the shorter windows (`byDaysSinceCancel`): on or before today − 30 / − 90 days.
    matureBefore30: stored(addDays(range.today, -29), timeZone),
    matureBefore90: stored(addDays(range.today, -89), timeZone),
  };
}

/** The windows `byDaysSinceCancel` reports, in days since the cancellation (180: `matured`, `rate180`). */
export const RETURN_WINDOWS = [30, 90, 180] as const;

/** The shop-local month of `instant` (stored form, within the range's [lo, hi)): `months[n]`, `n` the month starts at or before it. Pure. */
export function monthAt(s: Pick<WinbackSlices, "monthStarts" | "months">, instant: string): string {
  let n = 0;
  while (n < s.monthStarts.length && s.monthStarts[n]! <= instant) n++;
  return s.months[n]!;
}

/** Of the cancellations before `before` (their `days` have passed), those reactivated within `days` of cancelling. */
const backWithin = (before: string, days: number) =>
  sql<number>`coalesce(sum(${winbacks.canceledAt} < ${before} AND ${winbacks.reactivatedAt} IS NOT NULL AND julianday(${winbacks.reactivatedAt}) - julianday(${winbacks.canceledAt}) <= ${sql.raw(String(days))}), 0)`;

const counts = (s: Pick<WinbackSlices, "matureBefore" | "matureBefore30" | "matureBefore90">) => ({
  canceled: sql<number>`count(*)`,
  reactivated: sql<number>`coalesce(sum(${winbacks.reactivatedAt} IS NOT NULL), 0)`,
  matured: sql<number>`coalesce(sum(${winbacks.canceledAt} < ${s.matureBefore}), 0)`,
  reactivatedWithin180: backWithin(s.matureBefore, 180),
  matured30: sql<number>`coalesce(sum(${winbacks.canceledAt} < ${s.matureBefore30}), 0)`,
  reactivatedWithin30: backWithin(s.matureBefore30, 30),
  matured90: sql<number>`coalesce(sum(${winbacks.canceledAt} < ${s.matureBefore90}), 0)`,
  reactivatedWithin90: backWithin(s.matureBefore90, 90),
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
  matured30: number;
  reactivatedWithin30: number;
  matured90: number;
  reactivatedWithin90: number;
  reason: string | null;
  /** The shop-local month (`YYYY-MM`). */
  month: string;
  currency: string;
  afterContact: number;
  contacted: number;
  treated: number;
  treatedReactivated: number;
  heldOut: number;
  heldOutReactivated: number;
  recovered: number;
};
const ADDED = ["canceled", "reactivated", "matured", "reactivatedWithin180", "matured30", "reactivatedWithin30", "matured90", "reactivatedWithin90", "afterContact", "contacted", "treated", "treatedReactivated", "heldOut", "heldOutReactivated"] as const;
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
    ...counts(s),
    afterContact: sql<number>`coalesce(sum(${reactivatedAfterContact}), 0)`,
    contacted: sql<number>`coalesce(sum(${winbacks.contactedAt} IS NOT NULL), 0)`,
    // Treated only when drawn under a holdout: with none in force, a cancellation is in neither arm.
    treated: sql<number>`coalesce(sum(${winbacks.contactableAtDraw} = 1 AND ${winbacks.holdout} = 0 AND ${winbacks.holdoutPercent} > 0), 0)`,
    treatedReactivated: sql<number>`coalesce(sum(${winbacks.contactableAtDraw} = 1 AND ${winbacks.holdout} = 0 AND ${winbacks.holdoutPercent} > 0 AND ${winbacks.reactivatedAt} IS NOT NULL), 0)`,
    heldOut: sql<number>`coalesce(sum(${winbacks.contactableAtDraw} = 1 AND ${winbacks.holdout} = 1), 0)`,
    heldOutReactivated: sql<number>`coalesce(sum(${winbacks.contactableAtDraw} = 1 AND ${winbacks.holdout} = 1 AND ${winbacks.reactivatedAt} IS NOT NULL), 0)`,
    recovered: sql<number>`coalesce(sum(CASE WHEN ${winbacks.reactivatedAt} IS NOT NULL THEN ${winbacks.recoveredAmount} END), 0)`,
  };
  // Whole UTC days: one pass over the range in the order of index winbacks_metrics, which holds
  // every column read (no table row visited, no sort), counts per UTC day × reason × currency.
  const days = store.q
    .select({ day: utcDay, ...figures })
    .from(winbacks)
    .where(store.owns(winbacks, and(gte(utcDay, s.firstDay), lte(utcDay, s.lastDay), s.splitDays.length ? notInArray(utcDay, s.splitDays) : undefined), standing))
    .groupBy(utcDay, winbacks.reason, winbacks.currency);
  // The few UTC days the range or a local month starts within (at most 26 in two years): their
  // cancellations in the range, by the number of month starts at or before each (its month's
  // index), sorted in a temporary b-tree — those days' rows only.
  const part = s.monthStarts.length ? sql<number>`${sql.join(s.monthStarts.map((m) => sql`(${winbacks.canceledAt} >= ${m})`), sql` + `)}` : sql<number>`0`;
  const parts = s.splitDays.length
    ? store.q
        .select({ part, ...figures })
        .from(winbacks)
        .where(store.owns(winbacks, and(inArray(utcDay, s.splitDays), gte(winbacks.canceledAt, s.lo), lt(winbacks.canceledAt, s.hi)), standing))
        .groupBy(...(s.monthStarts.length ? [part] : []), winbacks.reason, winbacks.currency) // a constant would read as a column number
    : [];
  const [byDay, byPart, offers] = await Promise.all([days, parts, comebackOffers(store, s)]);
  const groups: Group[] = [
    ...byDay.map(({ day, ...g }) => ({ ...g, month: monthAt(s, `${day}T00:00:00.000Z`) })),
    ...byPart.map(({ part: n, ...g }) => ({ ...g, month: s.months[Number(n)]! })),
  ];
  // The totals, the reasons, the months and the revenue per currency are sums of those groups, so they add up exactly.
  const t = zero();
  const byReason = new Map<string, Sums>();
  const byMonth = new Map<string, Sums>();
  const revenue = new Map<string, { amount: number; reactivated: number }>();
  for (const g of groups) {
    add(t, g);
    const reason = g.reason ?? "none";
    const month = g.month;
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
            liftInterval: liftInterval(t.treatedReactivated, t.treated, t.heldOutReactivated, t.heldOut),
          },
    // Currencies with a reactivation; reasons, months and currencies in code order.
    revenueRecovered: sorted(revenue)
      .filter(([, r]) => r.reactivated > 0)
      .map(([currency, r]) => ({ amount: r.amount, currency })),
    byReason: sorted(byReason).map(([key, r]) => ({ key, ...rates(r) })),
    byMonth: sorted(byMonth).map(([key, r]) => ({ key, ...rates(r) })),
    byDaysSinceCancel: RETURN_WINDOWS.map((days) => {
      const matured = days === 30 ? t.matured30 : days === 90 ? t.matured90 : t.matured;
      const within = days === 30 ? t.reactivatedWithin30 : days === 90 ? t.reactivatedWithin90 : t.reactivatedWithin180;
      return { days, matured, reactivatedWithin: within, rate: ratio(within, matured), waiting: t.canceled - matured };
    }),
    byComebackOffer: byOffer(offers, t.reactivated),
  };
}

type OfferRow = { sentOffer: string | null; takenOffer: string | null; back: number; n: number };

/**
 * The range's cancellations that came back or were contacted, by the comeback offer `winback.due`
 * carried (`sentOffer`, kept with the record: winback/decide `SentComeback`) and the offer taken
 * with the restart (`takenOffer`: the offer change the reactivation made in the same instant — a
 * comeback offer, or the win-back offer of the flow's confirmation), counted. The other rows
 * (neither) are left in the index: only those rows are read from the table.
 */
function comebackOffers(store: TenantStore, s: WinbackSlices): Promise<OfferRow[]> {
  const taken = sql`(SELECT json_extract(pc.source, '$.offerId') FROM plan_changes pc WHERE pc.tenant_id = ${winbacks.tenantId} AND pc.subscription_id = ${winbacks.subscriptionId} AND pc.created_at = ${winbacks.reactivatedAt} AND json_extract(pc.source, '$.offerId') IS NOT NULL LIMIT 1)`;
  const sent = sql`CASE WHEN ${winbacks.contactedAt} IS NOT NULL THEN json_extract(${winbacks.comeback}, '$.sent.offerId') END`;
  return store.q
    .select({ sentOffer: sql<string | null>`${sent}`, takenOffer: sql<string | null>`CASE WHEN ${winbacks.reactivatedAt} IS NOT NULL THEN ${taken} END`, back: sql<number>`${winbacks.reactivatedAt} IS NOT NULL`, n: sql<number>`count(*)` })
    .from(winbacks)
    .where(
      store.owns(
        winbacks,
        and(gte(utcDay, s.firstDay), lte(utcDay, s.lastDay), gte(winbacks.canceledAt, s.lo), lt(winbacks.canceledAt, s.hi)),
        sql`(${winbacks.reactivatedAt} IS NOT NULL OR ${winbacks.contactedAt} IS NOT NULL)`,
        standing,
      ),
    )
    .groupBy(sql`1`, sql`2`, sql`3`);
}

/**
 * Re-subscription by comeback offer, from `comebackOffers`' rows. Pure. Per offer taken (`none`:
 * restarts without one): `reactivated` and its share of all reactivations; per offer sent: `sent`
 * (contacted cancellations whose `winback.due` carried it), `sentTaken` (of those, restarted with
 * it), `sentNotTaken` and `takenRate` = sentTaken / sent. Offers in code order, `none` last.
 */
export function byOffer(rows: readonly OfferRow[], reactivatedTotal: number) {
  const keys = new Map<string, { reactivated: number; sent: number; sentTaken: number }>();
  const at = (k: string) => keys.get(k) ?? (keys.set(k, { reactivated: 0, sent: 0, sentTaken: 0 }), keys.get(k)!);
  for (const r of rows) {
    const n = Number(r.n);
    if (Number(r.back)) at(r.takenOffer ?? "none").reactivated += n;
    if (r.sentOffer !== null) {
      const k = at(r.sentOffer);
      k.sent += n;
      if (Number(r.back) && r.takenOffer === r.sentOffer) k.sentTaken += n;
    }
  }
  return [...keys.entries()]
    .sort(([a], [b]) => (a === "none" ? 1 : b === "none" ? -1 : a < b ? -1 : 1))
    .map(([key, k]) => ({
      key,
      reactivated: k.reactivated,
      shareOfReactivated: ratio(k.reactivated, reactivatedTotal),
      sent: key === "none" ? null : k.sent,
      sentTaken: key === "none" ? null : k.sentTaken,
      sentNotTaken: key === "none" ? null : k.sent - k.sentTaken,
      takenRate: key === "none" ? null : ratio(k.sentTaken, k.sent),
    }));
}
