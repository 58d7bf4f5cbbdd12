/**
 * The at-risk list's statement alone on the 1M-subscription bench file, beside the raw-query
 * floor's statement: `npx tsx bench/at-risk-sql.ts` (AT_RISK_SQL_N statements per case and round,
 * default 2,000; 5 rounds alternating the cases, median CPU µs per statement). Pages 1 and 2 of
 * each band and of all bands, and a later page whose cursor sits in the tenant's largest group of
 * equal revenue (the case a walk from the cursor's revenue by revenue alone would pay for: the
 * row-value seek of atRiskDocument goes straight to the cursor's id). Statements are
 * prepared once on a connection set up as the app's reader (src/db/node.ts): no HTTP, no JS around.
 */
import Sqlite from "libsql";
import { sql } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { atRiskDocument } from "../src/risk/repository";
import { BIG_TENANT_ID, bigSubscriptionId, openBigTenant, spreader } from "./big-tenant";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const N = Number(process.env.AT_RISK_SQL_N ?? 2000);
const path = `data/bench-${BIG}.db`;
(await openBigTenant(path, BIG)).db.client.close(); // seeded and migrated
const conn = new Sqlite(path);
conn.exec("PRAGMA mmap_size = 8589934592; PRAGMA cache_size = -65536");
const dialect = new SQLiteSyncDialect();
const tenant = sql`${BIG_TENANT_ID}`;
const statement = (band: "high" | "medium" | "low" | undefined, after?: { revenue: number; id: string }) => {
  const { sql: text, params } = dialect.sqlToQuery(atRiskDocument(tenant, band, 21, after));
  const st = conn.prepare(text);
  st.raw(true);
  return () => (st.get(params) as [string])[0];
};
const floor = conn.prepare("SELECT id, status, next_delivery_on FROM subscriptions WHERE tenant_id = ? AND id = ?");
const spread = spreader();
const cases: [string, () => unknown][] = [["floor: one raw indexed query", () => floor.get([BIG_TENANT_ID, bigSubscriptionId(spread(BIG))])]];
// The largest group of equal revenue in a band, and the id in its middle.
const tie = conn
  .prepare("SELECT band, revenue_at_risk, count(*) AS n FROM risk_features WHERE tenant_id = ? AND revenue_at_risk > 0 GROUP BY band, revenue_at_risk ORDER BY n DESC LIMIT 1")
  .get([BIG_TENANT_ID]) as { band: "high" | "medium" | "low"; revenue_at_risk: number; n: number };
const middle = conn
  .prepare("SELECT subscription_id FROM risk_features WHERE tenant_id = ? AND band = ? AND revenue_at_risk = ? ORDER BY subscription_id LIMIT 1 OFFSET ?")
  .get([BIG_TENANT_ID, tie.band, tie.revenue_at_risk, Math.floor(tie.n / 2)]) as { subscription_id: string };
for (const band of ["high", "medium", "low", undefined] as const) {
  const first = statement(band);
  const keys = first()
    .split("\x1e")
    .map((r) => r.split("\x1f"))
    .map(([revenue, id]) => ({ revenue: Number(revenue), id: id! }))
    .sort((x, y) => y.revenue - x.revenue || (x.id > y.id ? -1 : 1));
  cases.push([`${band ?? "all bands"}, page 1`, first]);
  cases.push([`${band ?? "all bands"}, page 2`, statement(band, keys[19])]);
  if (band === tie.band || band === undefined) cases.push([`${band ?? "all bands"}, in ${tie.n} equal revenues`, statement(band, { revenue: tie.revenue_at_risk, id: middle.subscription_id })]);
}
const cpu = new Map<string, number[]>();
for (let round = 0; round <= 5; round++) {
  for (const [name, run] of cases) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) run();
    const c = process.cpuUsage(c0);
    if (round > 0) cpu.set(name, [...(cpu.get(name) ?? []), (c.user + c.system) / N]); // round 0 warms up
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${N} statements per case and round, 5 rounds; median CPU µs per statement (range)`);
for (const [name, xs] of cpu) console.log(`${name.padEnd(36)} ${median(xs).toFixed(0).padStart(5)} µs  (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`);
