/**
 * The maintenance step that deletes idempotent answers past their 24 h (data-rights/retention
 * `forgetExpiredAnswers`) on the 1,000,000-subscription file, at a few slice sizes: for each slice
 * the longest the event loop was held (a 1 ms interval's longest gap: on the embedded file the
 * driver is synchronous), its 99th percentile and longest over the slices, the process's CPU in
 * it (on a busy machine the loop's hold includes waiting for a core), and keys deleted per second
 * of wall time (which also waits, off the loop, for the log's fdatasync).
 *
 * First EXPIRED (default 100,000) answers of random keys (as clients send them: UUIDs) are stored
 * past their 24 h, with a ~1 kB body as a plan change's answer has, then deleted slice by slice,
 * SLICES (default 300) slices per size. Writes the file it is given: run it on a COPY
 * (`cp /work/main/data/bench-1000000.db* data/`). `npx tsx bench/answers-forget.ts [sizes...]`
 */
import { randomUUID } from "node:crypto";
import { forgetExpiredAnswers } from "../src/data-rights/retention";
import { BIG_TENANT_ID, openBigTenant } from "./big-tenant";
import { held } from "./loop-hold";

const EXPIRED = Number(process.env.EXPIRED ?? 100_000);
const SLICES = Number(process.env.SLICES ?? 300);
const sizes = process.argv.slice(2).map(Number);
const big = await openBigTenant("data/bench-1000000.db", 1_000_000);
const db = big.db;
const body = JSON.stringify({ id: "S-0000001", quantity: 2, note: "x".repeat(900) });

async function arm(n: number) {
  const old = Date.now() - 3 * 86_400_000;
  for (let done = 0; done < n; done += 5_000) {
    const stmts = [];
    for (let i = done; i < Math.min(n, done + 5_000); i++) {
      const at = new Date(old + i * 10).toISOString();
      stmts.push({ sql: "INSERT INTO idempotency_keys (tenant_id, key, request_hash, state, response_status, response_body, response_headers, created_at, locked_at) VALUES (?, ?, 'h', 'done', 200, ?, '{}', ?, ?)", args: [BIG_TENANT_ID, randomUUID(), body, at, at] });
    }
    await db.client.batch(stmts, "write");
  }
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
for (const size of sizes.length ? sizes : [50, 25, 10]) {
  await arm(Math.max(EXPIRED, size * SLICES));
  const ms: number[] = [];
  const cpu: number[] = [];
  let keys = 0;
  let wall = 0;
  for (let i = 0; i < SLICES; i++) {
    const c0 = process.cpuUsage();
    const h = await held(async () => (keys += await forgetExpiredAnswers(db, new Date(), size)));
    const c = process.cpuUsage(c0);
    ms.push(h.holdMs);
    wall += h.wallMs;
    // The 40 ms of quiet around the slice is in the CPU window too, at ≈ 0.
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(`slice ${size}: ${SLICES} slices, loop held p50 ${pct(ms, 0.5).toFixed(1)} ms, p99 ${pct(ms, 0.99).toFixed(1)} ms, longest ${Math.max(...ms).toFixed(1)} ms; process CPU p50 ${pct(cpu, 0.5).toFixed(1)} ms, longest ${Math.max(...cpu).toFixed(1)} ms; ${(keys / (wall / 1000)).toFixed(0)} keys/s of wall time`);
  // What is left expired goes, so the next size starts from the same state.
  await db.client.execute({ sql: "DELETE FROM idempotency_keys WHERE tenant_id = ? AND created_at < ?", args: [BIG_TENANT_ID, new Date(Date.now() - 86_400_000).toISOString()] });
}
db.client.close();
