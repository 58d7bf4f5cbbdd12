import { sql, type SQL } from "drizzle-orm";
import { addDays, zonedInstant } from "../platform/dates";
import type { TenantStore } from "../platform/tenancy";

/** Monday of the ISO week holding the calendar date `date` (YYYY-MM-DD). Pure. */
export function weekStart(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

/**
 * The shop-local weeks (Monday to Sunday) that make up the days `from`–`to`, each as the instants
 * [lo, hi) it covers, clipped to the range (the first and last weeks may be short). The bounds
 * are computed in the shop's time zone (daylight saving included) here, so SQL only compares
 * instants. Keys are the weeks' Mondays. Pure.
 */
export function weekBounds(from: string, to: string, timeZone: string): { key: string; lo: string; hi: string }[] {
  const instant = (day: string) => new Date(zonedInstant(day, "00:00", timeZone)).toISOString(); // stored form: …T15:00:00.000Z
  const weeks: { key: string; lo: string; hi: string }[] = [];
  for (let monday = weekStart(from); monday <= to; monday = addDays(monday, 7)) {
    const first = monday < from ? from : monday;
    const end = addDays(monday, 7) > addDays(to, 1) ? addDays(to, 1) : addDays(monday, 7);
    weeks.push({ key: monday, lo: instant(first), hi: instant(end) });
  }
  return weeks;
}

const n = (v: unknown) => Number(v ?? 0);
const nullable = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

/**
 * 解約阻止率 and the other flow counts per shop-local week of `from`–`to`, computed in SQL: one
 * query over the tenant's cancel flows by their start instant (index cancel_flows_started), no
 * flow row read into JS. Every week of the range is answered, empty ones with zeros. The same
 * definitions as `flowMetrics` in ./retention.ts (open flows past their expiry count as
 * abandoned; medians of the cancellations' calls and seconds).
 */
export async function weeklyFlowMetrics(store: TenantStore, q: { from: string; to: string; timeZone: string; now: string; durableSaveDays: number }) {
  const weeks = weekBounds(q.from, q.to, q.timeZone);
  const values = sql.join(
    weeks.map((w) => sql`(${w.key}, ${w.lo}, ${w.hi})`),
    sql`, `,
  );
  const days = q.durableSaveDays;
  const now = q.now;
  // The effective status, as effectiveStatus() decides it.
  const status: SQL = sql`CASE WHEN f.status IN ('open', 'offered') AND f.expires_at <= ${now} THEN 'abandoned' ELSE f.status END`;
  const rows = await store.rows(sql`
    WITH weeks(key, lo, hi) AS (VALUES ${values}),
    flows AS (
      SELECT w.key, ${status} AS st, f.closed_at, f.started_at, f.calls, s.canceled_at AS sub_canceled_at
        FROM weeks w
        JOIN cancel_flows f ON f.tenant_id = ${store.tenantId} AND f.started_at >= w.lo AND f.started_at < w.hi
        LEFT JOIN subscriptions s ON s.tenant_id = f.tenant_id AND s.id = f.subscription_id
    ),
    cancels AS (
      SELECT key, calls, CAST(round((julianday(closed_at) - julianday(started_at)) * 86400) AS INTEGER) AS secs
        FROM flows WHERE st = 'canceled' AND closed_at IS NOT NULL
    ),
    ranked AS (
      SELECT key, calls, secs,
          row_number() OVER (PARTITION BY key ORDER BY calls) AS rc,
          row_number() OVER (PARTITION BY key ORDER BY secs) AS rs,
          count(*) OVER (PARTITION BY key) AS n
        FROM cancels
    ),
    medians AS (
      SELECT key,
          avg(CASE WHEN rc IN ((n + 1) / 2, (n + 2) / 2) THEN calls END) AS median_calls,
          max(calls) AS max_calls,
          avg(CASE WHEN rs IN ((n + 1) / 2, (n + 2) / 2) THEN secs END) AS median_seconds,
          max(secs) AS max_seconds,
          count(*) AS cancellations
        FROM ranked GROUP BY key
    ),
    counts AS (
      SELECT key,
          count(*) AS started,
          sum(st = 'saved') AS saved,
          sum(st = 'canceled') AS canceled,
          sum(st = 'abandoned') AS abandoned,
          sum(st IN ('open', 'offered')) AS open,
          sum(st = 'saved' AND closed_at IS NOT NULL AND julianday(closed_at) + ${days} <= julianday(${now})) AS judged,
          sum(st = 'saved' AND closed_at IS NOT NULL AND julianday(closed_at) + ${days} <= julianday(${now})
              AND (sub_canceled_at IS NULL OR julianday(sub_canceled_at) > julianday(closed_at) + ${days})) AS durable
        FROM flows GROUP BY key
    )
    SELECT w.key, c.started, c.saved, c.canceled, c.abandoned, c.open, c.judged, c.durable,
        m.cancellations, m.median_calls, m.max_calls, m.median_seconds, m.max_seconds
      FROM weeks w LEFT JOIN counts c ON c.key = w.key LEFT JOIN medians m ON m.key = w.key
      ORDER BY w.key`);
  return rows.map((r) => {
    const saved = n(r.saved);
    const canceled = n(r.canceled);
    const judged = n(r.judged);
    const durable = n(r.durable);
    return {
      key: String(r.key),
      started: n(r.started),
      saved,
      canceled,
      abandoned: n(r.abandoned),
      open: n(r.open),
      saveRate: ratio(saved, saved + canceled),
      durableSaves: { judged, durable },
      durableSaveRate: ratio(durable, judged),
      timeToCancel: {
        cancellations: n(r.cancellations),
        medianCalls: nullable(r.median_calls),
        maxCalls: nullable(r.max_calls),
        medianSeconds: nullable(r.median_seconds),
        maxSeconds: nullable(r.max_seconds),
      },
    };
  });
}
