/**
 * `npx tsx --single-threaded-gc --no-memory-reducer bench/write-tail.ts`: what the slowest writes
 * waited on (issue #18 point 2: p99 ≤ 20 ms at 8 connections). The bench's plan change (or its
 * write floor) on the 1M-subscription file, from WRITE_TAIL_CONNECTIONS (8) closed loops in
 * process (`app.request`: no sockets, no load process, so less of the shared machine's noise), for
 * WRITE_TAIL_SECONDS (6). Every request's latency; every write group's BEGIN, COMMIT and its
 * wall and on-core time; GC pauses; the gaps where writes were queued but no transaction ran (the
 * write queue waiting for the log's checkpoint thread: db/checkpoints.ts `pause`, or the loop held).
 * Each request of 20 ms or more is put down to the longest of those that overlapped it. Also: the
 * log's restarts (its header's salt read every 10 ms) and the write queue's pauses for them, each
 * thread's CPU (the checkpoint thread's included), the log file's size before and after.
 * Run it under `strace -f -T -e trace=fsync,ftruncate` for each fsync's duration and file.
 *
 * WRITE_TAIL_KIND: quantity (default) | skip | floor (one-row UPDATE, own COMMIT) | grouped (the
 * same through the write queue). WRITE_TAIL_DB: the file (data/bench-1000000.db).
 */
import type { Client } from "@libsql/client";
import { sql } from "drizzle-orm";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { createApp } from "../src/app";
import { createDatabase, type Tx } from "../src/db/client";
import { startReadWorker } from "../src/platform/off-thread-node";
import { rateLimitConfigFromEnv } from "../src/platform/rate-limit";
import { addDays, localDate } from "../src/platform/dates";
import { BIG_API_KEY, BIG_TENANT_ID, openBigTenant } from "./big-tenant";

const path = process.env.WRITE_TAIL_DB ?? "data/bench-1000000.db";
const CONNECTIONS = Number(process.env.WRITE_TAIL_CONNECTIONS ?? 8);
const SECONDS = Number(process.env.WRITE_TAIL_SECONDS ?? 6);
const KIND = process.env.WRITE_TAIL_KIND ?? "quantity";
const SLOW_MS = 20;

// The write queue's pauses for the log's restart (db/checkpoints.ts): each "now" asked of the checkpoint thread.
const asks: number[] = [];
const postMessage = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
  if (message === "now") asks.push(performance.now());
  return postMessage.call(this, message, ...(rest as []));
};
const walAtStart = existsSync(`${path}-wal`) ? `${(statSync(`${path}-wal`).size / 2 ** 20).toFixed(1)} MB` : "none";
const big = await openBigTenant(path, 1_000_000);
const db = big.db;
const offThread = startReadWorker(`file:${path}`);
const app = createApp(() => ({ db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345", rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "1000000000" }), offThread }));

/** This (the event loop's) thread's time on a core and waiting for one, ms (Linux schedstat). */
const sched = (): [number, number] => {
  const [run, wait] = readFileSync("/proc/thread-self/schedstat", "utf8").split(" ");
  return [Number(run) / 1e6, Number(wait) / 1e6];
};
type Span = { from: number; to: number };
const commits: (Span & { cpuMs: number; waitCoreMs: number })[] = [];
const begins: number[] = [];
const gcs: (Span & { kind: string })[] = [];
let measuring = false;
const client = db.client as Client;
const transaction = client.transaction.bind(client);
client.transaction = (async (mode) => {
  if (measuring) begins.push(performance.now());
  const tx = await transaction(mode);
  const commit = tx.commit.bind(tx);
  tx.commit = async () => {
    const c0 = process.threadCpuUsage();
    const s0 = sched();
    const from = performance.now();
    try {
      return await commit();
    } finally {
      const c = process.threadCpuUsage(c0);
      if (measuring) commits.push({ from, to: performance.now(), cpuMs: (c.user + c.system) / 1000, waitCoreMs: sched()[1] - s0[1] });
    }
  };
  return tx;
}) as Client["transaction"];
const gcKind: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MINOR]: "minor", [constants.NODE_PERFORMANCE_GC_MAJOR]: "major", [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental" };
new PerformanceObserver((list) => {
  if (!measuring) return;
  for (const e of list.getEntries()) gcs.push({ from: e.startTime, to: e.startTime + e.duration, kind: gcKind[(e as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? "gc" });
}).observe({ entryTypes: ["gc"] });
// Writes queued: the spans where at least one write waited and none ran are the queue's gaps.
let queued = 0;
let inTx = 0;
let gapFrom = 0;
const gaps: Span[] = [];
const write = db.write;
db.write = (<T>(fn: (tx: Tx) => Promise<T>) => {
  queued++;
  if (queued === 1 && inTx === 0) gapFrom = performance.now();
  return write(async (tx) => {
    if (inTx++ === 0 && gapFrom && measuring && performance.now() - gapFrom >= 1) gaps.push({ from: gapFrom, to: performance.now() });
    gapFrom = 0;
    queued--;
    try {
      return await fn(tx);
    } finally {
      inTx--;
    }
  }).finally(() => {
    // The group's COMMIT is done; writes still queued now wait for the next group to begin.
    if (queued > 0 && inTx === 0 && !gapFrom) gapFrom = performance.now();
  });
}) as typeof db.write;

const today = localDate(new Date(), "Asia/Tokyo");
const changeable = (
  await client.execute({ sql: "SELECT id FROM subscriptions WHERE tenant_id = ? AND status = 'active' AND next_delivery_on > ? LIMIT 200000", args: [BIG_TENANT_ID, addDays(today, 3)] })
).rows.map((r) => String(r.id));
let w = Math.floor(Math.random() * changeable.length);
const next = () => changeable[w++ % changeable.length]!;
const headers = { authorization: `Bearer ${BIG_API_KEY}`, "content-type": "application/json" };
const ownCommit = createDatabase(db.client);
const touch = (id: string) => (tx: Tx) => tx.run(sql`UPDATE subscriptions SET updated_at = ${new Date().toISOString()} WHERE tenant_id = ${BIG_TENANT_ID} AND id = ${id}`);
const send: Record<string, () => Promise<unknown>> = {
  quantity: async () => (await app.request(`/v1/subscriptions/${next()}/quantity`, { method: "POST", headers, body: JSON.stringify({ quantity: 1 + (w % 3), channel: "web" }) })).arrayBuffer(),
  skip: async () => (await app.request(`/v1/subscriptions/${next()}/skip`, { method: "POST", headers, body: JSON.stringify({ count: 1, channel: "web" }) })).arrayBuffer(),
  floor: () => ownCommit.write(touch(next())),
  grouped: () => db.write(touch(next())),
};
const one = send[KIND]!;

const run = async (seconds: number) => {
  const requests: Span[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const from = performance.now();
        await one();
        requests.push({ from, to: performance.now() });
      }
    }),
  );
  return requests;
};
/** CPU ms of each of this process's threads by name (Linux: utime + stime of each task in /proc/self/task, clock ticks of 10 ms). */
const threads = () => {
  const byName = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const key = `${name}#${tid}`;
      byName.set(key, (Number(f[11]) + Number(f[12])) * 10);
    } catch {}
  }
  return byName;
};
// The log's restarts: its header's salt changes with each (SQLite wal.c walRestartHdr).
let restarts = 0;
let salt = "";
const saltOf = () => {
  try {
    const fd = openSync(`${path}-wal`, "r");
    const b = Buffer.alloc(8);
    readSync(fd, b, 0, 8, 16);
    closeSync(fd);
    return b.toString("hex");
  } catch {
    return "";
  }
};
await run(1); // warm-up: the JIT, the statement caches
const threads0 = threads();
measuring = true;
salt = saltOf();
const saltTimer = setInterval(() => {
  const now = saltOf();
  if (now && now !== salt) restarts++;
  salt = now;
}, 10);
const load0 = loadavg();
const s0 = sched();
const t0 = performance.now();
const requests = await run(SECONDS);
const wallS = (performance.now() - t0) / 1000;
const s1 = sched();
measuring = false;
clearInterval(saltTimer);
const threads1 = threads();
const threadText = [...threads1.entries()]
  .map(([k, v]) => [k, v - (threads0.get(k) ?? 0)] as const)
  .filter(([, v]) => v > 0)
  .sort((a, b) => b[1] - a[1])
  .map(([k, v]) => `${k} ${v} ms`)
  .join(", ");

const ms = requests.map((r) => r.to - r.from).sort((a, b) => a - b);
const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))]!;
const overlap = (a: Span, b: Span) => Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));
const longest = <S extends Span>(r: Span, spans: S[]) => spans.reduce<{ s: S | null; ms: number }>((best, s) => (overlap(r, s) > best.ms ? { s, ms: overlap(r, s) } : best), { s: null, ms: 0 });
const cms = commits.map((c) => c.to - c.from).sort((a, b) => a - b);
const cp = (p: number) => cms[Math.min(cms.length - 1, Math.floor((p / 100) * cms.length))] ?? 0;
console.log(
  `${KIND}, ${CONNECTIONS} loops, ${SECONDS} s, load ${load0.map((x) => x.toFixed(1)).join(" ")}: ${(requests.length / wallS).toFixed(0)} req/s, p50 ${pct(50).toFixed(1)} p90 ${pct(90).toFixed(1)} p99 ${pct(99).toFixed(1)} max ${ms.at(-1)!.toFixed(1)} ms; ` +
    `≥ ${SLOW_MS} ms: ${ms.filter((x) => x >= SLOW_MS).length} of ${ms.length}; loop thread waited ${(s1[1] - s0[1]).toFixed(0)} ms for a core`,
);
console.log(
  `  commits ${commits.length} (${(requests.length / Math.max(1, commits.length)).toFixed(1)} writes each): p50 ${cp(50).toFixed(1)} p99 ${cp(99).toFixed(1)} max ${cp(100).toFixed(1)} ms, ≥ 10 ms ×${cms.filter((x) => x >= 10).length}, ≥ ${SLOW_MS} ms ×${cms.filter((x) => x >= SLOW_MS).length}; ` +
    `queue gaps ≥ 5 ms ×${gaps.filter((g) => g.to - g.from >= 5).length} (max ${Math.max(0, ...gaps.map((g) => g.to - g.from)).toFixed(0)} ms); GC ≥ 5 ms ×${gcs.filter((g) => g.to - g.from >= 5).length}`,
);
console.log(`  CPU by thread during the ${SECONDS} s: ${threadText}`);
// A pause: the second of a pair of asks (the first lets the thread catch up while writes go on); it lasts until the next BEGIN.
const measuredAsks = asks.filter((a) => a >= t0);
const pauses = measuredAsks.filter((_, i) => i % 2 === 1).map((a) => (begins.find((b) => b > a) ?? a) - a);
console.log(`  log restarts ${restarts} (${((restarts * 10_000) / requests.length).toFixed(1)} per 10k writes); checkpoint asks ${measuredAsks.length}; restart pauses ${pauses.length} (${((pauses.length * 10_000) / requests.length).toFixed(1)} per 10k writes): ${pauses.map((x) => x.toFixed(0)).join(", ")} ms`);
// Each slow request, put down to the longest single thing in its span.
const causes = new Map<string, { n: number; ms: number[] }>();
for (const r of requests) {
  const total = r.to - r.from;
  if (total < SLOW_MS) continue;
  const c = longest(r, commits);
  const g = longest(r, gcs);
  const q = longest(r, gaps);
  const candidates: [string, number][] = [
    [c.s && c.s.waitCoreMs > (c.s.to - c.s.from) / 2 ? "a COMMIT waiting for a core" : "a COMMIT (its fsync)", c.ms],
    [`GC (${g.s?.kind})`, g.ms],
    ["the queue waiting, no transaction (checkpoint pause or the loop held)", q.ms],
  ];
  const [cause, span] = candidates.sort((a, b) => b[1] - a[1])[0]!;
  const key = span >= total / 3 ? cause : "nothing long: many short waits (other groups, the loop)";
  const e = causes.get(key) ?? { n: 0, ms: [] };
  e.n++;
  e.ms.push(span);
  causes.set(key, e);
}
for (const [k, e] of [...causes.entries()].sort((a, b) => b[1].n - a[1].n)) {
  e.ms.sort((a, b) => a - b);
  console.log(`  slow requests put down to ${k}: ${e.n} (that wait ${e.ms[0]!.toFixed(0)}–${e.ms.at(-1)!.toFixed(0)} ms)`);
}
const buckets = [5, 10, 20, 30, 50, 100, Infinity];
const hist = buckets.map((b, i) => `${i ? buckets[i - 1] : 0}–${b === Infinity ? "" : b}: ${cms.filter((x) => x >= (i ? buckets[i - 1]! : 0) && x < b).length}`);
console.log(`  COMMIT ms histogram: ${hist.join(", ")}`);
if (process.env.WRITE_TAIL_DUMP) {
  const origin = performance.timeOrigin;
  writeFileSync(process.env.WRITE_TAIL_DUMP, JSON.stringify({ origin, requests, commits, gaps, gcs, begins }));
}
console.log(`  log file: ${walAtStart} at the start, ${existsSync(`${path}-wal`) ? (statSync(`${path}-wal`).size / 2 ** 20).toFixed(1) + " MB" : "none"} at the end`);
// WRITE_TAIL_KEEP_LOG=1: exit without closing, so the log file stays at its size for the next run (as after a crash).
if (process.env.WRITE_TAIL_KEEP_LOG) process.exit(0);
await offThread.close();
db.client.close();
