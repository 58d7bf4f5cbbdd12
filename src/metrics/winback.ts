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
 *   — an intent-to-treat comparison, so it counts whether or not a contact was actually made, and
 *   only cancellations drawn while a holdout was in force (`holdout_percent` > 0): one with none
 *   was never drawn, so it is in neither arm.
 * - revenueRecovered, per currency (minor units): for a reactivated plan still active, a year of
 *   its deliveries as it restarted, less its offer's discount (winback/model `recoveredValue`);
 *   once it is canceled again, what it delivered since the restart (winback/service
 *   `endRecoveries`, written by the cancellation): never money that did not come.
 */
import { and, gte, lte, sql, type SQL } from "drizzle-orm";
import { winbacks } from "../db/schema";
import type { TenantStore } from "../platform/tenancy";
import { addDays } from "../platform/dates";
import { ratio, roundRate } from "./retention";


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

type Group = Counts & {
  reason: string | null;
  day: string;
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

export async function winbackMetrics(store: TenantStore, range: { from: string; to: string; today: string }) {
  const matureBy = addDays(range.today, -180);
  const inRange: SQL = store.owns(winbacks, and(gte(winbacks.canceledOn, range.from), lte(winbacks.canceledOn, range.to)));
  const reactivatedAfterContact = sql`${winbacks.reactivatedAt} IS NOT NULL AND ${winbacks.contactedAt} IS NOT NULL AND ${winbacks.contactedAt} <= ${winbacks.reactivatedAt}`;
  // One pass over the range in the order of index winbacks_metrics, which holds every column read
  // (no table row visited, no sort): counts per day × reason × currency. The totals, the reasons,
  // the months and the revenue per currency are sums of those groups, so they add up exactly.
  const groups: Group[] = await store.q
    .select({
      day: winbacks.canceledOn,
      reason: winbacks.reason,
      currency: winbacks.currency,
      ...counts(matureBy),
      afterContact: sql<number>`coalesce(sum(${reactivatedAfterContact}), 0)`,
      contacted: sql<number>`coalesce(sum(${winbacks.contactedAt} IS NOT NULL), 0)`,
      // Treated only when drawn under a holdout: with none in force, a cancellation is in neither arm.
      treated: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 0 AND ${winbacks.holdoutPercent} > 0), 0)`,
      treatedReactivated: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 0 AND ${winbacks.holdoutPercent} > 0 AND ${winbacks.reactivatedAt} IS NOT NULL), 0)`,
      heldOut: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 1), 0)`,
      heldOutReactivated: sql<number>`coalesce(sum(${winbacks.contactable} = 1 AND ${winbacks.holdout} = 1 AND ${winbacks.reactivatedAt} IS NOT NULL), 0)`,
      recovered: sql<number>`coalesce(sum(CASE WHEN ${winbacks.reactivatedAt} IS NOT NULL THEN ${winbacks.recoveredAmount} END), 0)`,
    })
    .from(winbacks)
    .where(inRange)
    .groupBy(winbacks.canceledOn, winbacks.reason, winbacks.currency);
  const t = zero();
  const byReason = new Map<string, Sums>();
  const byMonth = new Map<string, Sums>();
  const revenue = new Map<string, { amount: number; reactivated: number }>();
  for (const g of groups) {
    add(t, g);
    const reason = g.reason ?? "none";
    const month = g.day.slice(0, 7);
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
