/**
 * Requests that hold the thread long, in process (bench only): `npx tsx --single-threaded-gc
 * --no-memory-reducer bench/long-requests.ts` sends LONG_REQUESTS requests of each scenario one at a
 * time through the app's `fetch` (bench/in-process.ts) and lists those whose own CPU time (this
 * thread's, so a busy machine does not count) reached LONG_MS, with the statements' share of it and
 * the GC pauses that fell inside them (a statement that took LONG_MS is run again alone at once).
 * V8 reports an incremental marking's start ("incremental", < 1 ms) but not its marking steps: a
 * long request holding only that start is the marking's own work on this thread. LONG_SCENARIOS=risk
 * keeps the scenarios whose names contain one of these.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { inProcess, type Scenario } from "./in-process";
import { bigCustomerId, bigSubscriptionId } from "./big-tenant";

const cpuMs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const N = Number(process.env.LONG_REQUESTS ?? 20_000);
const LONG_MS = Number(process.env.LONG_MS ?? 10);
const { get, spread, api, close, big } = await inProcess(BIG);
// The statements' own CPU time within each request (the key check's read carries the route's).
let statementCpu = 0;
for (const k of ["readFirst", "readRows"] as const) {
  const read = big.db[k] as (sql: string, args: never[]) => Promise<unknown>;
  (big.db as unknown as Record<string, unknown>)[k] = async (sql: string, args: never[]) => {
    const c0 = cpuMs();
    try {
      return await read(sql, args);
    } finally {
      const spent = cpuMs() - c0;
      statementCpu += spent;
      if (spent >= LONG_MS) {
        // The same statement again at once, alone: slow again is the statement; fast, what surrounded it.
        const again: string[] = [];
        for (let i = 0; i < 3; i++) {
          const c1 = cpuMs();
          await read(sql, args);
          again.push((cpuMs() - c1).toFixed(2));
        }
        console.log(`  statement ${spent.toFixed(1)} ms CPU, again ${again.join(", ")}: ${sql.replace(/\s+/g, " ").slice(0, 120)}…`);
      }
    }
  };
}
const customers = Math.round(BIG * 0.8);
const scenarios: Scenario[] = [
  ["subscription risk", () => get(api, `/v1/subscriptions/${bigSubscriptionId(spread(BIG))}/risk`)],
  ["customer risk", () => get(api, `/v1/customers/${bigCustomerId(spread(customers))}/risk`)],
  ["at-risk low", () => get(api, "/v1/risk/at-risk?band=low&limit=20")],
];
const wanted = process.env.LONG_SCENARIOS?.split(",");
const KINDS: Record<number, string> = { 1: "minor", 4: "major", 8: "incremental", 16: "weak callbacks" };
const gcs: { at: number; ms: number; kind: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ at: e.startTime, ms: e.duration, kind: (e as unknown as { detail: { kind: number } }).detail.kind });
}).observe({ entryTypes: ["gc"] });
for (const [name, request] of scenarios.filter(([n]) => !wanted || wanted.some((w) => n.includes(w)))) {
  const long: { i: number; t0: number; wall: number; cpu: number; statements: number }[] = [];
  let cpuTotal = 0;
  for (let i = 0; i < N; i++) {
    statementCpu = 0;
    const [t0, c0] = [performance.now(), cpuMs()];
    await request();
    const [wall, cpu] = [performance.now() - t0, cpuMs() - c0];
    cpuTotal += cpu;
    if (cpu >= LONG_MS) long.push({ i, t0, wall, cpu, statements: statementCpu });
  }
  // GC entries arrive a turn later: matched once the scenario is over.
  await new Promise((r) => setTimeout(r, 50));
  console.log(`${name}: ${N} requests, ${((cpuTotal * 1000) / N).toFixed(0)} µs CPU each; ${long.length} at ${LONG_MS} ms CPU or more`);
  for (const { i, t0, wall, cpu, statements } of long.slice(0, 30)) {
    const inside = gcs.filter((g) => g.at < t0 + wall && g.at + g.ms > t0);
    console.log(`  #${i} ${cpu.toFixed(1)} ms CPU (${wall.toFixed(1)} wall; statements ${statements.toFixed(1)} CPU)${inside.length ? `; GC ${inside.map((g) => `${KINDS[g.kind] ?? g.kind} ${g.ms.toFixed(1)} ms`).join(", ")}` : "; no GC pause"}`);
  }
}
close();
process.exit(0);
