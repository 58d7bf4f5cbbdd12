/**
 * The console's name search on the 1,000,000-subscription bench tenant (800,000 customers named
 * 顧客 0 … 顧客 799999, one family name for all: the worst case of a family-name range), on a copy
 * of the big bench file: `BENCH_DB=/tmp/copy.db npx tsx bench/name-search.ts` (never the file in
 * data/: the migrations run on it, migration 0047 keying every stored name). Prints the
 * migrations' time, EXPLAIN QUERY PLAN of each query's id statement, and for each query the
 * milliseconds of `searchByName` (ids, then the matches' rows and plans), median and least of
 * BENCH_RUNS (default 25) after one warm-up, beside a LIKE over the names (what a search without
 * keys would have to do) for the ratio.
 */
import { sql } from "drizzle-orm";
import { openDatabase, migrateDatabase } from "../src/db/node";
import { TenantStore } from "../src/platform/tenancy";
import { nameMatchIds, searchByName } from "../src/customers/search";
import { nameQuery } from "../src/platform/name-keys";
import { BIG_TENANT_ID } from "./big-tenant";

const file = process.env.BENCH_DB;
if (!file || file.includes("data/bench-")) throw new Error("BENCH_DB=<a copy of data/bench-1000000.db> (the migrations run on it)");
const runs = Number(process.env.BENCH_RUNS ?? 25);
const db = await openDatabase(`file:${file}`);
const t0 = performance.now();
await migrateDatabase(db, { log: (line) => console.log(line) });
console.log(`migrations: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const keys = await db.client.execute({ sql: "SELECT count(*) AS n FROM customer_name_keys WHERE tenant_id = ?", args: [BIG_TENANT_ID] });
console.log(`keys of the bench tenant: ${keys.rows[0]!.n}`);
const store = new TenantStore(db, BIG_TENANT_ID);

async function time(fn: () => Promise<unknown>) {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, least: ms[0]! };
}

const fmt = (r: { median: number; least: number }) => `median ${r.median.toFixed(2)} ms, least ${r.least.toFixed(2)} ms`;
for (const typed of ["顧客", "顧客 12345", "顧客 7999", "12345", "やまだ はなこ"]) {
  const q = nameQuery(typed)!;
  const plan = await db.orm.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${nameMatchIds(BIG_TENANT_ID, q, 21)}`);
  const found = await searchByName(store, typed);
  console.log(`\n「${typed}」: ${found!.matches.length} listed, more: ${found!.more}`);
  for (const p of plan) console.log(`  ${p.detail}`);
  console.log(`  searchByName: ${fmt(await time(() => searchByName(store, typed)))}`);
}
// What finding a name without keys costs: every name of the shop read (no index can serve a LIKE '%…%').
const like = await time(() => db.orm.all(sql`SELECT id FROM customers WHERE tenant_id = ${BIG_TENANT_ID} AND name LIKE ${"%やまだ%"} LIMIT 21`));
const plan = await db.orm.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN SELECT id FROM customers WHERE tenant_id = ${BIG_TENANT_ID} AND name LIKE ${"%やまだ%"} LIMIT 21`);
console.log(`\nLIKE '%やまだ%' over the names (no match: every row read): ${fmt(like)}; ${plan.map((p) => p.detail).join("; ")}`);
db.client.close();
