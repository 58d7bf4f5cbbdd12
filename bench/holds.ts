/**
 * What holds the server's event loop during a bench scenario (bench only): the embedded libSQL
 * driver is synchronous, so a statement's whole run is time the loop is held; so is a garbage
 * collection's pause. Spans of at least `HOLD_MS` are tallied by kind ("commit", "select
 * subscriptions", "gc minor"…) with their count and longest, next to the loop's own delay
 * (`perf_hooks.monitorEventLoopDelay`, in a process that now carries only the server).
 */
import type { Client, InStatement, InValue, Transaction } from "@libsql/client";
import { monitorEventLoopDelay, PerformanceObserver, constants } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import type { Database } from "../src/db/client";

export const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 20);
type Tally = Map<string, { n: number; maxMs: number; cpuMs: number }>;
let tally: Tally = new Map();

/**
 * A statement that held the loop HOLD_MS or more, with its text and arguments, so that it can be
 * run again alone (`explainSlow`): the same statement with the same arguments slow again is the
 * statement (its plan, its rows); fast alone, it was what happened around it (a GC inside the call,
 * faults on first touch of the mapped file, a re-prepare).
 */
type Slow = { kind: string; sql: string; args: InValue[]; at: number; ms: number; cpuMs: number; rerun: ((sql: string, args: InValue[]) => unknown) | null };
let slow: Slow[] = [];
/** GC pauses of the scenario with their start (performance.now() time base): which slow statement held one. */
let gcSpans: { at: number; ms: number; kind: string }[] = [];

/** `cpuMs`: the event-loop thread's own CPU time during the span, when known (a statement's). */
const note = (kind: string, ms: number, cpuMs = NaN) => {
  if (ms < HOLD_MS) return;
  const t = tally.get(kind) ?? { n: 0, maxMs: 0, cpuMs: NaN };
  t.n++;
  if (ms > t.maxMs) Object.assign(t, { maxMs: ms, cpuMs });
  tally.set(kind, t);
};
/** This thread's CPU time in ms (user + system): a span's wall time minus this is time off a core. */
const threadCpuMs = () => {
  // process.threadCpuUsage is Node 23.9+; on older Node a span's CPU is unknown (NaN).
  const u = process.threadCpuUsage?.();
  return u ? (u.user + u.system) / 1000 : NaN;
};

/**
 * The event-loop thread's time on a core and runnable-but-waiting for one, in ms since it
 * started (Linux `/proc/thread-self/schedstat`: the scheduler's own figures); null elsewhere.
 */
function schedstat(): [onCpuMs: number, waitingMs: number] | null {
  try {
    const [run, wait] = readFileSync("/proc/thread-self/schedstat", "utf8").split(" ");
    return [Number(run) / 1e6, Number(wait) / 1e6];
  } catch {
    return null;
  }
}

/** The statement's verb and table: "update subscriptions", "select customers". */
const kindOf = (statement: InStatement | string) => {
  const text = typeof statement === "string" ? statement : statement.sql;
  const verb = (/^\s*(\w+)/.exec(text)?.[1] ?? "?").toLowerCase();
  const table = /\b(?:from|into|update)\s+"?([a-z_]+)"?/i.exec(text)?.[1] ?? "";
  return `${verb} ${table}`.trim();
};

/**
 * Times the synchronous part of every statement `database` runs: inside a write transaction the
 * call itself (the driver does the work before returning its promise), the statement-cache reads
 * likewise; reads through the client until they resolve (a connection wait included).
 */
export function watchStatements(database: Database) {
  const client = database.client as Client;
  const { readRows, readFirst } = database;
  /** A SELECT is run again alone through the reader; anything else is not re-run (it writes). */
  const rerunOf = (sql: string) => (/^\s*select\b/i.test(sql) ? readRows : null);
  const record = (stmt: InStatement | string, args: unknown, t0: number, ms: number, cpuMs: number) => {
    const kind = kindOf(stmt);
    note(kind, ms, cpuMs);
    if (ms < HOLD_MS) return;
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const values = (typeof stmt === "string" ? args : (stmt.args ?? args)) as InValue[] | undefined;
    slow.push({ kind, sql, args: Array.isArray(values) ? values : [], at: t0, ms, cpuMs, rerun: rerunOf(sql) });
  };
  const sync = <A extends unknown[], R>(kind: (...args: A) => string, fn: (...args: A) => R, stmtOf?: (...args: A) => [InStatement | string, unknown]) => (...args: A): R => {
    const c0 = threadCpuMs();
    const t0 = performance.now();
    const out = fn(...args);
    const ms = performance.now() - t0;
    if (stmtOf) record(...stmtOf(...args), t0, ms, threadCpuMs() - c0);
    else note(kind(...args), ms, threadCpuMs() - c0);
    return out;
  };
  const execute = client.execute.bind(client);
  client.execute = (async (stmt: InStatement, args?: unknown) => {
    const c0 = threadCpuMs();
    const t0 = performance.now();
    try {
      return await execute(stmt as never, args as never);
    } finally {
      // Until it resolves: other work that ran meanwhile counts too (an upper bound).
      record(stmt, args, t0, performance.now() - t0, threadCpuMs() - c0);
    }
  }) as Client["execute"];
  const transaction = client.transaction.bind(client);
  client.transaction = (async (mode) => {
    const tx = await transaction(mode);
    tx.execute = sync((stmt: InStatement) => kindOf(stmt), tx.execute.bind(tx), (stmt: InStatement) => [stmt, undefined]) as Transaction["execute"];
    tx.batch = sync((stmts: InStatement[]) => `batch of ${stmts.length}`, tx.batch.bind(tx)) as Transaction["batch"];
    tx.commit = sync(() => "commit", tx.commit.bind(tx));
    return tx;
  }) as Client["transaction"];
  database.readRows = sync((text: string, _args: InValue[]) => kindOf(text), readRows, (text, args) => [text, args]);
  database.readFirst = sync((text: string, _args: InValue[]) => kindOf(text), readFirst, (text, args) => [text, args]);
}

/**
 * The slowest statements of the scenario (at most `max`), each with what else fell in its span —
 * a GC pause, the page faults and context switches of the stall it caused (`watchLoop`'s ticks) —
 * and its time when run again alone, three times, with the same arguments (SELECTs only).
 * Call after `stop`, outside the measured window.
 */
export async function explainSlow(max = 4): Promise<string[]> {
  const worst = [...slow].sort((a, b) => b.ms - a.ms).slice(0, max);
  const lines: string[] = [];
  for (const s of worst) {
    const gcs = gcSpans.filter((g) => g.at < s.at + s.ms && g.at + g.ms > s.at);
    const stall = stallSpans.find((t) => t.from <= s.at + s.ms && t.to >= s.at);
    const alone: string[] = [];
    if (s.rerun) {
      for (let i = 0; i < 3; i++) {
        const c0 = threadCpuMs();
        const t0 = performance.now();
        await s.rerun(s.sql, s.args);
        alone.push(`${(performance.now() - t0).toFixed(2)}/${(threadCpuMs() - c0).toFixed(2)}`);
      }
    }
    const args = JSON.stringify(s.args, (_k, v) => (typeof v === "bigint" ? String(v) : v));
    lines.push(
      `${s.kind} ${s.ms.toFixed(0)} ms (${s.cpuMs.toFixed(1)} on a core)` +
        (gcs.length ? `; GC in it: ${gcs.map((g) => `${g.kind} ${g.ms.toFixed(1)} ms`).join(", ")}` : "; no GC in it") +
        (stall ? `; its stall: ${stall.minorFaults} minor / ${stall.majorFaults} major faults, ${stall.voluntary} voluntary / ${stall.involuntary} involuntary switches, process CPU ${stall.userMs.toFixed(0)} ms user / ${stall.systemMs.toFixed(0)} ms system` : "") +
        `; at ${monotonicS(s.at).toFixed(6)} s monotonic, pid ${process.pid}` +
        (alone.length ? `; alone (ms wall/core): ${alone.join(", ")}` : "") +
        `\n      ${s.sql.replace(/\s+/g, " ").slice(0, 400)}\n      args ${args.slice(0, 300)}`,
    );
  }
  return lines;
}

const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "gc minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "gc major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "gc incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "gc weak callbacks",
};
/**
 * What V8 says started a collection (its GC callback flags, perf_hooks `detail.flags`): an
 * incremental major V8 scheduled itself reports none or "scheduled"; "forced" is a `gc()` call or
 * another embedder request, "external memory" the pressure of ArrayBuffers and other memory held
 * outside the heap — atomic collections, which mark the whole heap in the pause.
 */
const gcFlagNames: [number, string][] = [
  [constants.NODE_PERFORMANCE_GC_FLAGS_FORCED, "forced"],
  [constants.NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY, "external memory"],
  [constants.NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE, "all available garbage"],
  [constants.NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING, "weak callbacks in the pause"],
  [constants.NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED, "retained"],
  [constants.NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE, "scheduled"],
];
const flagText = (flags: number) => gcFlagNames.filter(([bit]) => flags & bit).map(([, name]) => name).join("+") || "none";
/** Every GC pause of the scenario, however short: count and total ms; by kind, also the longest and those ≥ 10 ms (with their flags). */
const gc = { n: 0, ms: 0 };
type GcKind = { n: number; ms: number; maxMs: number; over10: number; flags: Set<string> };
let gcByKind = new Map<string, GcKind>();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.n++;
    gc.ms += e.duration;
    const kind = gcKinds[((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1] ?? "gc";
    const k = gcByKind.get(kind) ?? { n: 0, ms: 0, maxMs: 0, over10: 0, flags: new Set<string>() };
    k.n++;
    k.ms += e.duration;
    k.maxMs = Math.max(k.maxMs, e.duration);
    if (e.duration >= 10) {
      k.over10++;
      k.flags.add(flagText(((e as { detail?: unknown }).detail as { flags?: number } | undefined)?.flags ?? 0));
    }
    gcByKind.set(kind, k);
    if (e.duration >= 5) gcSpans.push({ at: e.startTime, ms: e.duration, kind: gcKinds[((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1] ?? "gc" });
    note(gcKinds[((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1] ?? "gc", e.duration);
  }
}).observe({ entryTypes: ["gc"] });

/** How often the stall sampler looks at the loop (ms). */
const TICK_MS = 5;

/**
 * Starts watching the loop for one scenario; `stop` answers its delay and what held it.
 *
 * Beside `monitorEventLoopDelay`, a timer every TICK_MS reads the loop thread's scheduler figures:
 * when a tick comes HOLD_MS or more late (a stall), the time since the previous tick splits into
 * time on a core (the server's own work: a statement, a GC, JS) and time runnable but waiting for
 * a core (another process had both: this machine, not the server); the rest of it the thread was
 * blocked (a page of the file read from disk, an fsync, the main thread waiting for GC helper
 * threads). `ownMaxMs` is the longest stall less its waiting: what the loop's longest delay would
 * have been on cores of its own.
 * A tick costs a read of /proc (≈ 10–20 µs).
 */
/** The scenario's stalls with the process's page faults and context switches during each (getrusage). */
let stallSpans: { from: number; to: number; minorFaults: number; majorFaults: number; voluntary: number; involuntary: number; userMs: number; systemMs: number }[] = [];
const usage = () => {
  const u = process.resourceUsage();
  return [u.minorPageFault, u.majorPageFault, u.voluntaryContextSwitches, u.involuntaryContextSwitches, u.userCPUTime / 1000, u.systemCPUTime / 1000] as const;
};
/** performance.now() as CLOCK_MONOTONIC seconds (what `perf record -k CLOCK_MONOTONIC` stamps samples with). */
const monoOffsetMs = Number(process.hrtime.bigint() / 1000n) / 1000 - performance.now();
const monotonicS = (at: number) => (monoOffsetMs + at) / 1000;

export function watchLoop() {
  tally = new Map();
  slow = [];
  gcSpans = [];
  stallSpans = [];
  let usageBefore = usage();
  Object.assign(gc, { n: 0, ms: 0 });
  gcByKind = new Map();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const stalls = { n: 0, ms: 0, waitingMs: 0, onCpuMs: 0, maxMs: 0, maxWaitingMs: 0, maxOnCpuMs: 0, ownMaxMs: 0 };
  let last = performance.now();
  let before = schedstat();
  const timer = setInterval(() => {
    const now = performance.now();
    const at = schedstat();
    const late = now - last - TICK_MS;
    const usageAt = usage();
    if (late >= HOLD_MS) {
      stallSpans.push({
        from: last,
        to: now,
        minorFaults: usageAt[0] - usageBefore[0],
        majorFaults: usageAt[1] - usageBefore[1],
        voluntary: usageAt[2] - usageBefore[2],
        involuntary: usageAt[3] - usageBefore[3],
        userMs: usageAt[4] - usageBefore[4],
        systemMs: usageAt[5] - usageBefore[5],
      });
    }
    usageBefore = usageAt;
    if (late >= HOLD_MS && at && before) {
      const onCpu = at[0] - before[0];
      const waiting = at[1] - before[1];
      stalls.n++;
      stalls.ms += late;
      stalls.waitingMs += waiting;
      stalls.onCpuMs += onCpu;
      if (late > stalls.maxMs) Object.assign(stalls, { maxMs: late, maxWaitingMs: waiting, maxOnCpuMs: onCpu });
      stalls.ownMaxMs = Math.max(stalls.ownMaxMs, late - waiting);
    }
    last = now;
    before = at;
  }, TICK_MS);
  return {
    stop: () => {
      clearInterval(timer);
      loop.disable();
      const held = [...tally.entries()]
        .sort((a, b) => b[1].maxMs - a[1].maxMs)
        .map(([kind, t]) => `${kind} ×${t.n} (max ${Math.round(t.maxMs)} ms${Number.isNaN(t.cpuMs) ? "" : `, ${t.cpuMs.toFixed(1)} ms on a core`})`);
      const r = (ms: number) => Math.round(ms);
      const stallText = stalls.n
        ? `${stalls.n} stalls ≥ ${HOLD_MS} ms: ${r(stalls.ms)} ms late in all; in their ticks ${r(stalls.waitingMs)} ms waiting for a core, ${r(stalls.onCpuMs)} ms on one; longest ${r(stalls.maxMs)} ms (${r(stalls.maxWaitingMs)} waiting, ${r(stalls.maxOnCpuMs)} on a core, the rest neither: blocked)`
        : "";
      return {
        loopMaxMs: Math.round(loop.max / 1e6),
        loopP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
        held: held.join(", "),
        stalls: stallText,
        ownMaxMs: r(stalls.ownMaxMs),
        heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
        /** Of it, the young generation's share: up to 64 MB when allocation runs fast, so the total says little about what lives. */
        youngMb: Math.round(getHeapSpaceStatistics().filter((x) => x.space_name.startsWith("new")).reduce((n, x) => n + x.space_used_size, 0) / 2 ** 20),
        gc: `${gc.n} GCs, ${Math.round(gc.ms)} ms`,
        /** The scenario's GC pauses by kind ("gc minor": scavenges), for per-request rates. */
        gcByKind: new Map(gcByKind),
      };
    },
  };
}

/**
 * Where a write request's time goes under load (bench only): for each `database.write`, the wait
 * in the queue (called → its function starts), its own run inside the group's transaction, and
 * the rest until its promise settles (the writes after it in the group, the COMMIT and its fsync);
 * beside it the request's time outside the write (the key check, parsing, reads, the answer).
 */
const phases = { queue: [] as number[], own: [] as number[], rest: [] as number[], outside: [] as number[], total: [] as number[] };
export function watchWrites(database: Database) {
  const write = database.write;
  database.write = (async <T>(fn: Parameters<Database["write"]>[0]) => {
    const called = performance.now();
    let started = 0;
    let ended = 0;
    try {
      return (await write(async (tx) => {
        started = performance.now();
        try {
          return (await fn(tx)) as T;
        } finally {
          ended = performance.now();
        }
      })) as T;
    } finally {
      const settled = performance.now();
      phases.queue.push(started - called);
      phases.own.push(ended - started);
      phases.rest.push(settled - ended);
      const store = inRequest.getStore();
      if (store) store.writeMs += settled - called;
    }
  }) as Database["write"];
}
/** The write time of the request in flight. */
const inRequest = new AsyncLocalStorage<{ writeMs: number }>();

/** Wraps an app's fetch to time each request (see `watchWrites`). */
export function timeRequests<F extends (req: Request, ...rest: never[]) => Response | Promise<Response>>(fetch: F): F {
  return (async (req: Request, ...rest: never[]) => {
    const t0 = performance.now();
    const store = { writeMs: 0 };
    const res = await inRequest.run(store, () => fetch(req, ...rest));
    const ms = performance.now() - t0;
    phases.total.push(ms);
    if (store.writeMs > 0) phases.outside.push(ms - store.writeMs);
    return res;
  }) as F;
}

/** Percentiles of each phase since the last call (ms), then cleared. */
export function writePhases(): string {
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0;
  };
  const text = (Object.keys(phases) as (keyof typeof phases)[])
    .filter((k) => phases[k].length)
    .map((k) => `${k} p50 ${pct(phases[k], 50).toFixed(1)} p99 ${pct(phases[k], 99).toFixed(1)}`)
    .join("; ");
  for (const k of Object.keys(phases) as (keyof typeof phases)[]) phases[k] = [];
  return text;
}
