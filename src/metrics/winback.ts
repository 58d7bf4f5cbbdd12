/**
 * 再加入率 (re-subscription rate) and what win-back contact adds, as SQL aggregates over
 * `winbacks` (one row per cancellation). A cancellation belongs to the tenant-local day it was
 * confirmed (`canceled_on`); its outcome is counted whenever it came.
 *
 * - reactivationRate = reactivated / canceled. Young cancellations have had less time to come
 *   back, so `rate180` is reported apart: of the cancellations at least 180 days old (`matured`),
 *   the share reactivated within 180 days — comparable between months.
 * - afterContactShare = reactivations that followed a win-back contact (the `winback.due` webhook
 *   or a `winback.contacted` event, before the reactivation) / reactivations.
 * - holdout lift: among cancellations the customer may be contacted about, the reactivation rate
 *   of those not held out minus that of the holdout drawn at cancellation (`winbackHoldoutPercent`)
 *   — an intent-to-treat comparison, so it counts whether or not a contact was actually made.
 * - revenueRecovered: a year of deliveries of each reactivated plan, per currency.
 */
import { and, gte, lte, sql, type SQL } from "drizzle-orm";
import { winbacks } from "../db/schema";
import type { TenantStore } from "../platform/tenancy";
import { addDays } from "../platform/dates";

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

const counts = (matureBy: string) => ({
  canceled: sql<number>`count(*)`,
  reactivated: sql<number>`coalesce(sum(${winbacks.reactivatedAt} IS NOT NULL), 0)`,
  matured: sql<number>`coalesce(sum(${winbacks.canceledOn} <= ${matureBy}), 0)`,
  reactivatedWithin180: sql<number>`coalesce(sum(${winbacks.canceledOn} <= ${matureBy} AND ${winbacks.reactivatedAt} IS NOT NULL AND julianday(${winbacks.reactivatedAt}) - julianday(${winbacks.canceledAt}) <= 180), 0)`,
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

export async function winbackMetrics(store: TenantStore, range: { from: string; to: string; today: string }) {
  const matureBy = addDays(range.today, -180);
  const inRange: SQL = store.owns(winbacks, and(gte(winbacks.canceledOn, range.from), lte(winbacks.canceledOn, range.to)));
  const reason = sql<string>`coalesce(${winbacks.reason}, 'none')`;
  const month = sql<string>`substr(${winbacks.canceledOn}, 1, 7)`;
  const reactivatedAfterContact = sql`${winbacks.reactivatedAt} IS NOT NULL AND ${winbacks.contactedAt} IS NOT NULL AND ${winbacks.contactedAt} <= ${winbacks.reactivatedAt}`;
  const [byReason, byMonth, [totals], revenue] = await Promise.all([
    store.q.select({ key: reason, ...counts(matureBy) }).from(winbacks).where(inRange).groupBy(reason).orderBy(reason),
    store.q.select({ key: month, ...counts(matureBy) }).from(winbacks).where(inRange).groupBy(month).orderBy(month),
    store.q
      .select({
        ...counts(matureBy),
        afterContact: sql<number>`coalesce(sum(${reactivatedAfterContact}), 0)`,
        contacted: sql<number>`coalesce(sum(${winbacks.contactedAt} IS NOT NULL), 0)`,
        treated: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 0), 0)`,
        treatedReactivated: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 0 AND ${winbacks.reactivatedAt} IS NOT NULL), 0)`,
        heldOut: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 1), 0)`,
        heldOutReactivated: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 1 AND ${winbacks.reactivatedAt} IS NOT NULL), 0)`,
      })
      .from(winbacks)
      .where(inRange),
    store.q
      .select({ currency: winbacks.currency, amount: sql<number>`coalesce(sum(${winbacks.recoveredAmount}), 0)` })
      .from(winbacks)
      .where(and(inRange, sql`${winbacks.reactivatedAt} IS NOT NULL`))
      .groupBy(winbacks.currency)
      .orderBy(winbacks.currency),
  ]);
  const t = totals!;
  const treatedRate = ratio(Number(t.treatedReactivated), Number(t.treated));
  const holdoutRate = ratio(Number(t.heldOutReactivated), Number(t.heldOut));
  return {
    from: range.from,
    to: range.to,
    ...rates(t),
    contacts: {
      contacted: Number(t.contacted),
      reactivatedAfterContact: Number(t.afterContact),
      afterContactShare: ratio(Number(t.afterContact), Number(t.reactivated)),
    },
    holdout:
      Number(t.heldOut) === 0
        ? null
        : {
            contactable: { canceled: Number(t.treated), reactivated: Number(t.treatedReactivated), reactivationRate: treatedRate },
            holdout: { canceled: Number(t.heldOut), reactivated: Number(t.heldOutReactivated), reactivationRate: holdoutRate },
            lift: treatedRate !== null && holdoutRate !== null ? Math.round((treatedRate - holdoutRate) * 10_000) / 10_000 : null,
          },
    revenueRecovered: revenue.map((r) => ({ amount: Number(r.amount), currency: r.currency })),
    byReason: byReason.map((r) => ({ key: r.key, ...rates(r) })),
    byMonth: byMonth.map((r) => ({ key: r.key, ...rates(r) })),
  };
}
