/**
 * The first read after a write, on the big tenant's file (issue #18 point 1): `npx tsx bench/reader-remap.ts`
 * (BENCH_SUBSCRIPTIONS, REMAP_READS per cycle, REMAP_CYCLES).
 *
 * Each cycle: lookups spread over the tenant (through the app, in this process) fill the reader's
 * view of the file; then one committed write on the write connection; then one more lookup, timed.
 * In WAL mode a read transaction that finds the database changed resets its page cache and, with
 * memory-mapped I/O, unmaps the whole file mapping (SQLite pager.c, `pagerBeginReadTransaction` →
 * `sqlite3OsUnfetch(fd, 0, 0)` → `unixUnmapfile`), on the event loop's thread: the kernel's time
 * to tear down the mapping grows with the pages the reader has touched since the last change.
 * Printed per cycle: the lookups' usual time, the timed one's wall and CPU ms (user / system), and
 * how much of the file this process had mapped (`RssFile`, /proc/self/status) before the write.
 */
import { sql } from "drizzle-orm";
import { readFileSync } from "node:fs";
import { BIG_TENANT_ID, bigPhone, bigSubscriptionId } from "./big-tenant";
import { inProcess } from "./in-process";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const READS = Number(process.env.REMAP_READS ?? 5000);
const CYCLES = Number(process.env.REMAP_CYCLES ?? 5);
const { big, api, get, spread, close } = await inProcess(BIG);
const customers = Math.round(BIG * 0.8);
const lookup = () => get(api, `/v1/lookup?phone=${bigPhone(spread(customers))}`);
const rssFileMb = () => Number(/RssFile:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) / 1024;
const usage = () => {
  const u = process.resourceUsage();
  return [u.userCPUTime / 1000, u.systemCPUTime / 1000, u.minorPageFault] as const;
};

console.log(`${READS} lookups, then one write, then one lookup timed; ${CYCLES} cycles`);
for (let cycle = 1; cycle <= CYCLES; cycle++) {
  const t0 = performance.now();
  for (let i = 0; i < READS; i++) await lookup();
  const usualMs = (performance.now() - t0) / READS;
  const mapped = rssFileMb();
  await big.db.write((tx) => tx.run(sql`UPDATE subscriptions SET updated_at = ${new Date().toISOString()} WHERE tenant_id = ${BIG_TENANT_ID} AND id = ${bigSubscriptionId(spread(BIG))}`));
  const u0 = usage();
  const t1 = performance.now();
  await lookup();
  const ms = performance.now() - t1;
  const u1 = usage();
  console.log(
    `cycle ${cycle}: lookups ${usualMs.toFixed(2)} ms each; RssFile before the write ${mapped.toFixed(0)} MB; ` +
      `first lookup after it ${ms.toFixed(1)} ms (${(u1[0] - u0[0]).toFixed(1)} user, ${(u1[1] - u0[1]).toFixed(1)} system, ${u1[2] - u0[2]} minor faults); RssFile after ${rssFileMb().toFixed(0)} MB`,
  );
}
close();
