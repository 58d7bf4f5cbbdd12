import { sql, type SQL } from "drizzle-orm";
import type { TenantStore } from "../platform/tenancy";
import { ratio } from "./retention";

/** A span of instants [lo, hi) (stored form, `…T15:00:00.000Z`) whose flows are counted under `key`. */
export type FlowBucket = { key: string; lo: string; hi: string };

/**
 * What flows are grouped by within their bucket: nothing (the bucket's key), or a column (null →
 * `none`). By offer, a flow is counted under every offer it SHOWED (`offers_shown`, `none` when it
 * showed none) — not under `offer_id`, which a save by the customer's own plan change leaves null
 * and which names only the first of several offers shown — and `accepted` counts the flows saved
 * by accepting that offer.
 */
export type FlowColumn = "reason" | "offer" | "channel" | "operator";

/**
 * The flow's operator: the actor of its latest step taken by an operator (the console's steps carry
 * the operator, cancel_flow_steps.actor), `none` when no operator took one. One seek of the steps'
 * primary key per flow, read backwards.
 */
const LAST_OPERATOR = (field: "id" | "name") =>
  sql.raw(`(SELECT json_extract(st.actor, '$.${field}') FROM cancel_flow_steps st WHERE st.tenant_id = f.tenant_id AND st.flow_id = f.id AND json_extract(st.actor, '$.type') = 'operator' ORDER BY st.seq DESC LIMIT 1)`);

/**
 * A save's first cancellation after it: the earliest of the plan's cancellations (one win-back
 * record each, kept when the plan is restarted: index winbacks_subscription, one seek) after the
 * flow closed, or the plan's own `canceled_at` when that is later than the save and has no record.
 * Not the plan's current `canceled_at` alone: a restart clears it and a later cancellation
 * replaces it, which turned a save cancelled within `durableSaveDays` into a durable one.
 */
const LOST_AT = sql.raw(`CASE WHEN f.status = 'saved' AND f.closed_at IS NOT NULL THEN (
  SELECT min(coalesce(x.c, y.c), coalesce(y.c, x.c)) FROM
    (SELECT min(w.canceled_at) AS c FROM winbacks w WHERE w.tenant_id = f.tenant_id AND w.subscription_id = f.subscription_id AND w.canceled_at > f.closed_at) x,
    (SELECT iif(s.canceled_at > f.closed_at, s.canceled_at, NULL) AS c) y
) END`);

/**
 * A flow's confirmed cancellation the customer undid: its win-back record (one per cancellation,
 * `flow_id` the flow) marked `undone` — reactivated on or before its `effectiveOn`, so it never took
 * effect (winback/service `recordReactivations`). A seek of index winbacks_subscription, the plan's
 * few records read. Asked of canceled flows only: every use follows `st = 'canceled' AND`, which
 * SQLite evaluates first (the column is substituted where it is used, not computed once per row).
 */
const UNDONE = sql.raw(`EXISTS (SELECT 1 FROM winbacks w WHERE w.tenant_id = f.tenant_id AND w.subscription_id = f.subscription_id AND w.flow_id = f.id AND w.undone = 1)`);

const COLUMNS: Record<FlowColumn, SQL> = {
  reason: sql.raw("coalesce(f.reason, 'none')"),
  offer: sql.raw("coalesce(json_extract(j.value, '$.offerId'), 'none')"),
  // The channel the attempt came in through: a flow that replaced others counts under the first's.
  channel: sql.raw("coalesce(f.attempt_channel, f.channel)"),
  operator: sql`coalesce(${LAST_OPERATOR("id")}, 'none')`,
};

const n = (v: unknown) => Number(v ?? 0);
const nullable = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Whole milliseconds from instant `a` to `b`: julianday's error (< 0.05 ms today) is rounded away, so comparisons and rounding match Date.parse. */
const ms = (a: SQL, b: SQL) => sql`CAST(round((julianday(${b}) - julianday(${a})) * 86400000) AS INTEGER)`;

/**
 * The flow figures of `flowMetrics` (./retention.ts) computed in SQL over the tenant's cancel flows
 * by their start instant (index cancel_flows_started): one statement, no flow row read into JS.
 * Flows are counted per bucket (`buckets`: shop-local days, weeks or the whole range, bounds
 * already in the shop's time zone), or per `by` column over all the buckets. The same
 * definitions: a canceled flow whose cancellation the customer undid is `undone`, not `canceled`
 * (in the kept arms as closed, in time to cancel as a cancellation); a flow replaced by a newer one (`superseded_by`) is a restart, not an attempt: the
 * flow that replaced it carries the attempt (under the attempt's first channel, time to cancel from
 * its first start with the calls of all its flows); open flows past their expiry count as abandoned; a save is judged once
 * `durableSaveDays` old and durable if its subscription was not canceled within them (its first
 * cancellation after the save, restarted since or not: LOST_AT); medians of
 * the cancellations' calls and seconds (the mean of the two middle values for an even count),
 * seconds rounded as Math.round does. Each row also carries the holdout's kept-rate counts: flows
 * with offers only when started under a holdout (`holdout_percent` > 0), as held-out ones are.
 * Rows only for keys with flows, unordered; {@link NO_FLOWS} stands for a key without.
 */
export async function flowFigures(store: TenantStore, q: { buckets: readonly FlowBucket[]; by?: FlowColumn; now: string; durableSaveDays: number }) {
  if (q.buckets.length === 0) return [];
  const values = sql.join(
    q.buckets.map((w) => sql`(${w.key}, ${w.lo}, ${w.hi})`),
    sql`, `,
  );
  const window = q.durableSaveDays * 86_400_000;
  const now = q.now;
  // The effective status, as effectiveStatus() decides it; `restarted`: abandoned because a newer
  // flow replaced it (superseded), which carries the attempt (cancel-flows/state `isRestart`).
  // Only an abandoned row reads superseded_by (a column at the end of the record).
  const status: SQL = sql`CASE f.status WHEN 'abandoned' THEN iif(f.superseded_by IS NULL, 'abandoned', 'restarted') WHEN 'open' THEN iif(f.expires_at <= ${now}, 'abandoned', 'open') WHEN 'offered' THEN iif(f.expires_at <= ${now}, 'abandoned', 'offered') ELSE f.status END`;
  const key = q.by ? COLUMNS[q.by] : sql.raw("w.key");
  const shown = q.by === "offer" ? sql.raw("LEFT JOIN json_each(f.offers_shown) j") : sql.raw("");
  const rows = await store.rows(sql`
    WITH buckets(key, lo, hi) AS (VALUES ${values}),
    flows AS (
      SELECT ${key} AS key, ${q.by === "operator" ? sql`${LAST_OPERATOR("name")} AS label,` : sql``} ${status} AS st, ${UNDONE} AS undone, f.offer_id, f.holdout, f.holdout_percent, f.closed_at, coalesce(f.attempt_started_at, f.started_at) AS attempt_started_at, f.calls + f.earlier_calls AS calls, ${LOST_AT} AS sub_canceled_at
        FROM buckets w
        JOIN cancel_flows f ON f.tenant_id = ${store.tenantId} AND f.started_at >= w.lo AND f.started_at < w.hi
        ${shown}
        LEFT JOIN subscriptions s ON s.tenant_id = f.tenant_id AND s.id = f.subscription_id
    ),
    cancels AS (
      SELECT key, calls, (${ms(sql`attempt_started_at`, sql`closed_at`)} + 500) / 1000 AS secs
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
          count(*) AS flows,
          sum(st = 'restarted') AS restarted,
          sum(st = 'saved') AS saved,
          sum(st = 'canceled' AND NOT undone) AS canceled,
          sum(st = 'canceled' AND undone) AS undone,
          sum(st = 'abandoned') AS abandoned,
          sum(st IN ('open', 'offered')) AS open,
          sum(st = 'saved' AND offer_id = key) AS accepted,
          sum(st = 'saved' AND closed_at IS NOT NULL AND ${ms(sql`closed_at`, sql`${now}`)} >= ${window}) AS judged,
          sum(st = 'saved' AND closed_at IS NOT NULL AND ${ms(sql`closed_at`, sql`${now}`)} >= ${window}
              AND (sub_canceled_at IS NULL OR ${ms(sql`closed_at`, sql`sub_canceled_at`)} > ${window})) AS durable,
          sum(st = 'saved' AND closed_at IS NOT NULL AND sub_canceled_at IS NOT NULL AND ${ms(sql`closed_at`, sql`sub_canceled_at`)} <= ${window}) AS lost,
          sum(holdout = 0 AND holdout_percent > 0 AND st <> 'restarted') AS offered_flows,
          sum(holdout = 0 AND holdout_percent > 0 AND st IN ('saved', 'canceled', 'abandoned')) AS offered_closed,
          sum(holdout = 0 AND holdout_percent > 0 AND st = 'canceled' AND NOT undone) AS offered_canceled,
          sum(holdout = 1 AND st <> 'restarted') AS holdout_flows,
          sum(holdout = 1 AND st IN ('saved', 'canceled', 'abandoned')) AS holdout_closed,
          sum(holdout = 1 AND st = 'canceled' AND NOT undone) AS holdout_canceled${q.by === "operator" ? sql`, max(label) AS label` : sql``}
        FROM flows GROUP BY key
    )
    SELECT c.*, m.cancellations, m.median_calls, m.max_calls, m.median_seconds, m.max_seconds
      FROM counts c LEFT JOIN medians m ON m.key = c.key`);
  return rows.map((r) => ({
    key: String(r.key),
    figures: q.by === "offer" ? { ...figures(r), accepted: n(r.accepted) } : q.by === "operator" ? { label: r.label === null || r.label === undefined ? null : String(r.label), ...figures(r) } : figures(r),
    ...keptCounts(r),
  }));
}

type FlowRow = Record<string, unknown>;

/** The figures `flowMetrics` answers, from a row of {@link flowFigures}' statement (zeros and nulls when the row is absent). */
function figures(r: FlowRow | undefined) {
  const row = r ?? {};
  const saved = n(row.saved);
  const canceled = n(row.canceled);
  const judged = n(row.judged);
  const durable = n(row.durable);
  return {
    started: n(row.flows) - n(row.restarted),
    restarted: n(row.restarted),
    saved,
    canceled,
    undone: n(row.undone),
    abandoned: n(row.abandoned),
    open: n(row.open),
    saveRate: ratio(saved, saved + canceled),
    durableSaves: { judged, durable, lost: n(row.lost) },
    durableSaveRate: ratio(durable, judged),
    timeToCancel: {
      cancellations: n(row.cancellations),
      medianCalls: nullable(row.median_calls),
      maxCalls: nullable(row.max_calls),
      medianSeconds: nullable(row.median_seconds),
      maxSeconds: nullable(row.max_seconds),
    },
  };
}

function keptCounts(r: FlowRow) {
  const kept = (flows: unknown, closed: unknown, canceled: unknown) => ({ flows: n(flows), closed: n(closed), canceled: n(canceled) });
  return { offers: kept(r.offered_flows, r.offered_closed, r.offered_canceled), held: kept(r.holdout_flows, r.holdout_closed, r.holdout_canceled) };
}

/** `keptRate` of ./retention.ts from counts: 1 − canceled / closed. */
export function keptFrom(k: { flows: number; closed: number; canceled: number }) {
  return { ...k, keptRate: k.closed ? ratio(k.closed - k.canceled, k.closed) : null };
}

/** The figures of a bucket or group without flows. */
export const NO_FLOWS = figures(undefined);
