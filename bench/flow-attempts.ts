/**
 * The retention figures' SQL (metrics/flows `flowFigures`) on a shop with restarts: its query
 * plans (EXPLAIN QUERY PLAN: the flows are still found by a search of cancel_flows_started per
 * bucket, the operator's step by the steps' primary key) and its time, for the whole range and
 * every grouping. `npx tsx bench/flow-attempts.ts` seeds a fresh file in /tmp: FLOWS flows
 * (default 200,000) over 30 days, one in ten replaced by the next (a restart), a tenth held out.
 * With BASELINE=<module>, the same figures from that module's `flowFigures` too (before/after).
 * CPU milliseconds of the process, median of BENCH_RUNS (default 9) after one warm-up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { TenantStore } from "../src/platform/tenancy";
import { dayBounds } from "../src/metrics/weekly";
import { flowFigures, type FlowColumn } from "../src/metrics/flows";

const FLOWS = Number(process.env.FLOWS ?? 200_000);
const runs = Number(process.env.BENCH_RUNS ?? 9);
const dir = mkdtempSync(join(tmpdir(), "flow-attempts-"));
const db = await openDatabase(`file:${join(dir, "b.db")}`);
await migrateDatabase(db);
await db.client.execute("INSERT INTO tenants (id, name, created_at) VALUES ('ten_b', 'B', '2026-01-01')");
const tx = await db.client.transaction("write");
// Flow r starts r × (30 days / FLOWS) after 2026-11-01 00:00 JST; every tenth (r % 10 = 1) is replaced by the next.
await tx.execute({
  sql: `WITH RECURSIVE n(r) AS (SELECT 1 UNION ALL SELECT r + 1 FROM n WHERE r < ?)
        INSERT INTO cancel_flows (tenant_id, id, subscription_id, customer_id, channel, status, reason, offer_id, offers_shown, holdout, holdout_percent, calls, started_at, expires_at, closed_at, superseded_by, attempt_started_at, attempt_channel, earlier_calls)
        SELECT 'ten_b', printf('cf_%07d', r), printf('S%07d', r - (r % 10 = 2)), 'C1', CASE r % 3 WHEN 0 THEN 'operator' ELSE 'web' END,
          CASE WHEN r % 10 = 1 THEN 'abandoned' WHEN r % 4 = 0 THEN 'saved' WHEN r % 4 = 1 THEN 'canceled' WHEN r % 4 = 2 THEN 'abandoned' ELSE 'open' END,
          CASE r % 5 WHEN 0 THEN NULL WHEN 1 THEN 'moving' WHEN 2 THEN 'surplus_stock' ELSE 'too_expensive' END,
          CASE WHEN r % 2 = 0 THEN 'off_skip_next' END, CASE WHEN r % 2 = 0 THEN '[{"offerId":"off_skip_next"}]' ELSE '[]' END,
          (r % 10) = 7, 10, 2, at, strftime('%Y-%m-%dT%H:%M:%fZ', at, '+1 day'), CASE WHEN r % 4 <> 3 OR r % 10 = 1 THEN strftime('%Y-%m-%dT%H:%M:%fZ', at, '+90 seconds') END,
          CASE WHEN r % 10 = 1 THEN printf('cf_%07d', r + 1) END,
          CASE WHEN r % 10 = 2 THEN strftime('%Y-%m-%dT%H:%M:%fZ', at, '-60 seconds') END, CASE WHEN r % 10 = 2 THEN 'web' END, CASE WHEN r % 10 = 2 THEN 2 ELSE 0 END
        FROM (SELECT r, strftime('%Y-%m-%dT%H:%M:%fZ', '2026-10-31T15:00:00Z', '+' || (r * 2592 / (? / 1000)) || ' seconds') AS at FROM n)`,
  args: [FLOWS, FLOWS],
});
await tx.execute(`INSERT INTO cancel_flow_steps (tenant_id, flow_id, seq, type, channel, at, data, actor)
  SELECT tenant_id, id, 1, 'started', channel, started_at, '{}', CASE channel WHEN 'operator' THEN '{"type":"operator","id":"op-1","name":"佐々木"}' ELSE '{"type":"customer","id":"C1"}' END FROM cancel_flows`);
await tx.commit();

const store = new TenantStore(db, "ten_b");
const now = "2026-12-03T00:00:00.000Z";
const days = dayBounds("2026-11-01", "2026-11-30", "Asia/Tokyo");
const whole = [{ key: "all", lo: days[0]!.lo, hi: days[days.length - 1]!.hi }];
const cases: { name: string; q: Parameters<typeof flowFigures>[1] }[] = [
  { name: "whole range", q: { buckets: whole, now, durableSaveDays: 30 } },
  { name: "by day", q: { buckets: days, now, durableSaveDays: 30 } },
  ...(["reason", "offer", "channel", "operator"] as FlowColumn[]).map((by) => ({ name: `by ${by}`, q: { buckets: whole, by, now, durableSaveDays: 30 } })),
];
const dialect = new SQLiteAsyncDialect();
type Figures = typeof flowFigures;
const baseline: Figures | null = process.env.BASELINE ? ((await import(process.env.BASELINE)) as { flowFigures: Figures }).flowFigures : null;

// The plans: the statement each case sends, explained.
const explain = async (f: Figures, q: Parameters<Figures>[1]) => {
  let plan = "";
  const spy = Object.create(store) as TenantStore;
  spy.rows = async (query) => {
    const { sql, params } = dialect.sqlToQuery(query);
    const rows = (await db.client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: params as never })).rows;
    plan = rows.map((r) => String(r.detail)).filter((d) => process.env.FULL_PLAN || /cancel_flows|cancel_flow_steps|subscriptions/.test(d)).join("; ");
    return [];
  };
  await f(spy, q);
  return plan;
};
const cpuMs = async (f: () => Promise<unknown>) => {
  await f();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.cpuUsage();
    await f();
    const u = process.cpuUsage(t);
    xs.push((u.user + u.system) / 1000);
  }
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
};
for (const c of cases) {
  console.log(`${c.name}: ${await explain(flowFigures, c.q)}`);
  const after = await cpuMs(() => flowFigures(store, c.q));
  const before = baseline ? await cpuMs(() => baseline(store, c.q)) : null;
  console.log(`  ${FLOWS.toLocaleString("en-US")} flows: ${before === null ? "" : `before ${before.toFixed(0)} ms, `}after ${after.toFixed(0)} ms CPU${before === null ? "" : ` (${(after / before).toFixed(2)}×)`}`);
}
const [all] = await flowFigures(store, cases[0]!.q);
console.log("totals:", JSON.stringify({ started: all!.figures.started, restarted: all!.figures.restarted, abandoned: all!.figures.abandoned }));
db.client.close();
rmSync(dir, { recursive: true, force: true });
