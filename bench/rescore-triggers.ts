/**
 * `npx tsx bench/rescore-triggers.ts`: what migration 0056's profiling triggers on `risk_features`
 * (a customer seek on every risk row inserted or updated) cost the whole-tenant re-score. Re-scores
 * RESCORE_TRIGGERS_SUBSCRIPTIONS (100,000) subscriptions of the bench tenant (data/bench-N.db,
 * seeded once) with the triggers and without them, in turns, RESCORE_TRIGGERS_ROUNDS (2) each;
 * the triggers are put back at the end. Prints seconds and µs per row for each turn.
 */
import { sql } from "drizzle-orm";
import { readFileSync, readdirSync } from "node:fs";
import { loadavg } from "node:os";
import { rescoreTenant } from "../src/risk/rescore";
import { BIG_TENANT_ID, openBigTenant } from "./big-tenant";

const N = Number(process.env.RESCORE_TRIGGERS_SUBSCRIPTIONS ?? 100_000);
const ROUNDS = Number(process.env.RESCORE_TRIGGERS_ROUNDS ?? 2);
const big = await openBigTenant(`data/bench-${N}.db`, N);
const migration = readdirSync("drizzle").find((f) => f.startsWith("0056_"))!;
const statements = readFileSync(`drizzle/${migration}`, "utf8").split("--> statement-breakpoint");
const triggers = statements.filter((s) => /CREATE TRIGGER `risk_features_profiling_(insert|update)`/.test(s));
if (triggers.length !== 2) throw new Error(`expected the two risk_features triggers in ${migration}`);
const exec = (text: string) => big.db.orm.run(sql.raw(text));
const drop = async () => {
  await exec("DROP TRIGGER IF EXISTS risk_features_profiling_insert");
  await exec("DROP TRIGGER IF EXISTS risk_features_profiling_update");
};
const create = async () => {
  await drop();
  for (const t of triggers) await exec(t.replace(/^\s*--.*$/gm, "").trim());
};
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(" / ")}`);
try {
  for (let round = 1; round <= ROUNDS; round++)
    for (const withTriggers of [true, false]) {
      await (withTriggers ? create() : drop());
      const t0 = performance.now();
      const { rescored } = await rescoreTenant(big.db, BIG_TENANT_ID, new Date(), { total: N });
      const s = (performance.now() - t0) / 1000;
      console.log(`round ${round} ${withTriggers ? "with triggers   " : "without triggers"} ${rescored} rows ${s.toFixed(1)} s  ${((s * 1e6) / rescored).toFixed(1)} µs/row`);
    }
} finally {
  await create();
}
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(" / ")}`);
