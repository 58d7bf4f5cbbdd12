/**
 * `GET /v1/metrics/winback`'s figures timed in process on a copy of the big bench file:
 * `BENCH_DB=/tmp/copy.db npx tsx bench/winback-metrics.ts` (never the file in data/: the
 * migrations run on it). The bench tenant's canceled plans all cancel at one instant, so a copy
 * without win-back records is given one per canceled plan first (kept in the copy), its instant
 * spread deterministically over the 400 days before 2026-12-02, 7 reasons, a quarter reactivated,
 * a third contacted, a tenth held out. Times `winbackMetrics` (the statements and the placing of their groups
 * on the shop's months, as the read worker runs them) for a year and for a month, in Asia/Tokyo
 * and Asia/Kathmandu; milliseconds of wall clock and of the process's CPU time (steadier
 * on a busy machine), median and least of BENCH_RUNS (default 15) after one warm-up.
 */
import { openDatabase, migrateDatabase } from "../src/db/node";
import { TenantStore } from "../src/platform/tenancy";
import { winbackMetrics } from "../src/metrics/winback";
import { BIG_TENANT_ID } from "./big-tenant";

const file = process.env.BENCH_DB;
if (!file || file.includes("data/bench-")) throw new Error("BENCH_DB=<a copy of data/bench-1000000.db> (the migrations run on it)");
const runs = Number(process.env.BENCH_RUNS ?? 15);
const db = await openDatabase(`file:${file}`);
const t0 = performance.now();
await migrateDatabase(db, { log: (line) => console.log(line) });
console.log(`migrations: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const store = new TenantStore(db, BIG_TENANT_ID);
const have = await db.client.execute({ sql: "SELECT count(*) AS n FROM winbacks WHERE tenant_id = ?", args: [BIG_TENANT_ID] });
if (Number(have.rows[0]!.n) === 0) {
  const tx = await db.client.transaction("write");
  await tx.execute({
    sql: `INSERT INTO winbacks (tenant_id, id, subscription_id, customer_id, reason, canceled_at, canceled_on, effective_on, due_on, due_status,
            holdout, contactable, features, probability, expected_value, annual_value, currency, drivers, model_version, scored_on,
            contacted_at, reactivated_at, recovered_amount)
          SELECT tenant_id, 'wb_' || id, id, customer_id,
            CASE r % 7 WHEN 0 THEN NULL WHEN 1 THEN 'too_expensive' WHEN 2 THEN 'too_much_product' WHEN 3 THEN 'moving' WHEN 4 THEN 'not_satisfied' WHEN 5 THEN 'break' ELSE 'other' END,
            at, date(at, '+9 hours'), date(at, '+9 hours'), date(at, '+69 hours'), 'pending', (r % 10) = 9, (r % 5) <> 0, '{}',
            ((r * 2654435761) % 3000) / 10000.0, CAST(((r * 2654435761) % 3000) / 10000.0 * unit_price_amount * quantity * 365 / interval_days AS INTEGER),
            CAST(unit_price_amount * quantity * 365 / interval_days AS INTEGER), currency, '[]', 'bench', date(at, '+9 hours'),
            CASE WHEN r % 3 = 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', at, '+60 days') END,
            CASE WHEN r % 8 IN (0, 3) THEN strftime('%Y-%m-%dT%H:%M:%fZ', at, '+' || (r % 300) || ' days') END,
            CASE WHEN r % 8 IN (0, 3) THEN CAST(unit_price_amount * quantity * 365 / interval_days AS INTEGER) END
          FROM (SELECT rowid AS r, *, strftime('%Y-%m-%dT%H:%M:%fZ', '2026-12-02T12:00:00Z', '-' || ((rowid * 2654435761) % 34560000) || ' seconds') AS at
                FROM subscriptions WHERE tenant_id = ? AND status = 'canceled')`,
    args: [BIG_TENANT_ID],
  });
  await tx.commit();
  await db.client.execute("ANALYZE winbacks");
  console.log(`win-back records given to the copy: ${(await db.client.execute({ sql: "SELECT count(*) AS n FROM winbacks WHERE tenant_id = ?", args: [BIG_TENANT_ID] })).rows[0]!.n}`);
}
// The statements' query plans, once (BENCH_PLAN=1).
if (process.env.BENCH_PLAN) {
  const execute = db.client.execute.bind(db.client);
  const seen = new Set<string>();
  (db.client as { execute: typeof execute }).execute = (async (stmt: { sql: string; args: never[] }) => {
    if (typeof stmt === "object" && stmt.sql.startsWith("select") && !seen.has(stmt.sql)) {
      seen.add(stmt.sql);
      const plan = await execute({ sql: `EXPLAIN QUERY PLAN ${stmt.sql}`, args: stmt.args });
      console.log(`${stmt.sql.replace(/select .* from "winbacks"/, 'select … from "winbacks"')}\n${plan.rows.map((r) => `  ${String(r.detail)}`).join("\n")}`);
    }
    return execute(stmt);
  }) as typeof execute;
}
const today = "2026-12-02";
const cases = [
  { name: "a year", from: "2025-12-03", to: today },
  { name: "a month", from: "2026-11-01", to: "2026-11-30" },
];
for (const timeZone of ["Asia/Tokyo", "Asia/Kathmandu"]) {
  for (const c of cases) {
    const range = { from: c.from, to: c.to, today, timeZone };
    const first = await winbackMetrics(store, range);
    const ms: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      await winbackMetrics(store, range);
      const used = process.cpuUsage(c);
      ms.push(performance.now() - t);
      cpu.push((used.user + used.system) / 1000);
    }
    ms.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const months = first.byMonth.map((m) => `${m.key}:${m.canceled}`).join(" ");
    console.log(`${timeZone} ${c.name} (${c.from}–${c.to}): canceled ${first.canceled}, wall median ${ms[Math.floor(runs / 2)]!.toFixed(1)} ms (min ${ms[0]!.toFixed(1)}, max ${ms[runs - 1]!.toFixed(1)}), CPU median ${cpu[Math.floor(runs / 2)]!.toFixed(1)} ms (min ${cpu[0]!.toFixed(1)}); ${months}`);
  }
}
// The database keeps a checkpoint timer: end here.
process.exit(0);
