/**
 * `npx tsx bench/winback-due.ts`: `GET /v1/winback/candidates?due=now`'s statement on the big
 * tenant (bench/big-tenant.ts, its win-back records as bench/winback.ts seeds them: bench/winback-seed.ts),
 * its query plan and its time per page (first page and a page deep into the list), as the route
 * sends it (winback/candidates `candidatesQuery`). BENCH_SUBSCRIPTIONS sizes the file's name.
 */
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { InValue } from "@libsql/client";
import { addDays, localDate } from "../src/platform/dates";
import { candidatesQuery } from "../src/winback/candidates";
import { BIG_TENANT_ID, openBigTenant } from "./big-tenant";
import { prepareWinbacks } from "./winback-seed";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
const { db } = await openBigTenant(`data/bench-${BIG}.db`, BIG);
await prepareWinbacks(db);
const dialect = new SQLiteAsyncDialect();
const today = localDate(new Date(), "Asia/Tokyo");
const run = async (text: string, args: InValue[]) => (await db.client.execute({ sql: text, args })).rows;

// The seed cancels every record on the day it was made, so none is due for 60 days: spread the
// dates over 120 days around today (deterministic, kept in the file), about half of them come.
const due = await run("SELECT count(*) AS n FROM winbacks WHERE tenant_id = ? AND due_on <= ?", [BIG_TENANT_ID, today]);
if (Number(due[0]!.n) === 0) {
  await run("UPDATE winbacks SET due_on = date(?, ((rowid * 2654435761) % 121 - 60) || ' days') WHERE tenant_id = ?", [today, BIG_TENANT_ID]);
}

const counts = (await run(`SELECT count(*) AS listed, sum(due_on <= ?) AS due FROM winbacks INDEXED BY winbacks_listable
  WHERE tenant_id = ? AND contactable = 1 AND plan_canceled = 1 AND holdout = 0 AND reactivated_at IS NULL AND (flow_id IS NOT NULL OR due_status <> 'skipped')`, [today, BIG_TENANT_ID]))[0]!;
console.log(`listed ${Number(counts.listed).toLocaleString("en-US")}, due by ${today}: ${Number(counts.due).toLocaleString("en-US")}`);

// A page deep in: the cursor of the 5,000th due row.
const deep = (await run(`SELECT expected_value, id FROM winbacks WHERE tenant_id = ? AND contactable = 1 AND plan_canceled = 1 AND holdout = 0 AND reactivated_at IS NULL
  AND (flow_id IS NOT NULL OR due_status <> 'skipped') AND due_on <= ? ORDER BY expected_value DESC, id LIMIT 1 OFFSET 5000`, [BIG_TENANT_ID, today]))[0];
const cases: [string, [number, string] | null, string | undefined][] = [
  ["due=now, page 1", null, today],
  ["due=now, after 5,000 rows", deep ? [Number(deep.expected_value), String(deep.id)] : null, today],
  ["due=now as 54 days ago (≈ 5 % due)", null, addDays(today, -54)],
  ["due=now, nothing due yet (a date before every record)", null, "2000-01-01"],
  ["no filter, page 1", null, undefined],
];
for (const [name, after, dueBy] of cases) {
  const { sql: text, params } = dialect.sqlToQuery(candidatesQuery(BIG_TENANT_ID, 50, after, undefined, dueBy));
  const plan = await run(`EXPLAIN QUERY PLAN ${text}`, params as InValue[]);
  await run(text, params as InValue[]); // warm
  const t0 = performance.now();
  let rows = 0;
  for (let i = 0; i < REPEAT; i++) rows = (await run(text, params as InValue[])).length;
  const ms = (performance.now() - t0) / REPEAT;
  console.log(`${name}: ${ms.toFixed(2)} ms/page (${rows} rows)\n  ${plan.map((p) => p.detail).join("\n  ")}`);
}
db.client.close();
