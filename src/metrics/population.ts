import { and, eq, gte, lt, or, sql } from "drizzle-orm";
import { subscriptionRollups, winbacks } from "../db/schema";
import { addDays, zonedInstant } from "../platform/dates";
import type { TenantStore } from "../platform/tenancy";
import type { Population } from "./retention";

type Range = { grain: "d" | "q"; from: string | null; to: string };

/**
 * The rollup buckets that make up the instants [lo, hi), both quarter-hour buckets
 * (`YYYY-MM-DDTHH:MM`, UTC); lo null for "since the beginning". Whole UTC days in the middle are
 * read from day buckets, so a range of two years reads about 730 + 2 × 96 rows, not 70,000.
 */
export function bucketRanges(lo: string | null, hi: string): Range[] {
  const hiDay = hi.slice(0, 10);
  if (lo === null) return [{ grain: "d", from: null, to: hiDay }, { grain: "q", from: hiDay, to: hi }];
  const loDay = lo.slice(0, 10);
  if (loDay === hiDay) return [{ grain: "q", from: lo, to: hi }];
  const next = addDays(loDay, 1);
  return [
    { grain: "q", from: lo, to: next },
    { grain: "d", from: next, to: hiDay },
    { grain: "q", from: hiDay, to: hi },
  ];
}

async function sums(store: TenantStore, lo: string | null, hi: string) {
  const t = subscriptionRollups;
  const [row] = await store.q
    .select({
      started: sql<number>`coalesce(sum(${t.started}), 0)`,
      canceled: sql<number>`coalesce(sum(${t.canceled}), 0)`,
      reactivated: sql<number>`coalesce(sum(${t.reactivated}), 0)`,
      lapsed: sql<number>`coalesce(sum(${t.lapsed}), 0)`,
    })
    .from(t)
    .where(store.owns(t, or(...bucketRanges(lo, hi).map((r) => and(eq(t.grain, r.grain), r.from === null ? undefined : gte(t.bucket, r.from), lt(t.bucket, r.to))))));
  return { started: Number(row?.started ?? 0), canceled: Number(row?.canceled ?? 0), reactivated: Number(row?.reactivated ?? 0), lapsed: Number(row?.lapsed ?? 0) };
}

/**
 * The restarts in the instants [lo, hi) (stored form) that undid their cancellation (win-back
 * records `undone`, by `reactivated_at`: the instant the rollups count the restart at). Index
 * winbacks_undone: one range seek over those few rows.
 */
async function undoneRestarts(store: TenantStore, lo: string, hi: string) {
  const [row] = await store.q
    .select({ n: sql<number>`count(*)` })
    .from(winbacks)
    .where(store.owns(winbacks, eq(winbacks.undone, true), gte(winbacks.reactivatedAt, lo), lt(winbacks.reactivatedAt, hi)));
  return Number(row?.n ?? 0);
}

/**
 * Churn and win-back counts for the shop-local days `from`–`to` (inclusive) from the rollups:
 * subscriptions active or paused at the start of `from` — started before it, and neither canceled
 * before it now nor in a canceled spell then (canceled before it and restarted since: the restart
 * cleared its `canceled_at`, the rollups' `lapsed` remembers the spell) — canceled within the
 * days, and reactivations within them. A cancellation the customer undid is neither: its restart
 * cleared it from `canceled`, and the restart is taken out of the reactivations (a withdrawn
 * decision, not a return).
 */
export async function populationCounts(store: TenantStore, from: string, to: string, timeZone: string): Promise<Population> {
  const lo = zonedInstant(from, "00:00", timeZone);
  const hi = zonedInstant(addDays(to, 1), "00:00", timeZone);
  const [before, within, undone] = await Promise.all([sums(store, null, lo.slice(0, 16)), sums(store, lo.slice(0, 16), hi.slice(0, 16)), undoneRestarts(store, new Date(lo).toISOString(), new Date(hi).toISOString())]);
  return { activeAtStart: before.started - before.canceled - before.lapsed, canceledInRange: within.canceled, reactivationsInRange: within.reactivated - undone };
}
