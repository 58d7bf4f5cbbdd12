/**
 * The server's own main-thread CPU per request over a socket, for the win-back candidates list on
 * the 1M-subscription bench file: `npx tsx bench/winback-socket.ts` (WINBACK_SOCKET_SECONDS,
 * WINBACK_SOCKET_ROUNDS, WINBACK_SOCKET_CONNECTIONS). The app and the raw-query floor listen as in
 * `npm run bench:winback`; autocannon drives them from its own process (bench/load.ts), and
 * `process.threadCpuUsage` of this process's main thread over each run ÷ the requests answered
 * is what a request costs the server (the in-process harness also counts undici's Request and
 * Response, which a socket does not build). Scenarios alternate round by round; medians.
 * Not a throughput figure: `npm run bench:winback` is. Run it once first (it prepares the file).
 */
import { constants, PerformanceObserver } from "node:perf_hooks";
import { createApp } from "../src/app";
import { candidatesPageReads } from "../src/winback/candidates";
import { BIG_API_KEY, candidatePages, benchFloors, BIG_TENANT_ID, bigSubscriptionId, listen, openBigTenant, spreader } from "./big-tenant";
import { runLoad, stopLoad, type LoadRequest } from "./load";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const SECONDS = Number(process.env.WINBACK_SOCKET_SECONDS ?? 3);
const ROUNDS = Number(process.env.WINBACK_SOCKET_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.WINBACK_SOCKET_CONNECTIONS ?? 8);

const big = await openBigTenant(`data/bench-${BIG}.db`, BIG);
const api = createApp(() => ({ db: big.db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345" }));
const floors = benchFloors(big.db, BIG_TENANT_ID);
const [apiServer, floorServer] = await Promise.all([listen(api.fetch), listen(floors.fetch)]);
const headers = { authorization: `Bearer ${BIG_API_KEY}` };

// Pages 1–100: the first and page 51 read again and again (answered from the remembered page), and
// all in turn (more than the 64 the list remembers: each built, as a first read is).
const pages = await candidatePages(apiServer.url, headers);
const spread = spreader();
const scenarios: [string, string, LoadRequest[]][] = [
  ["floor: one raw indexed query", floorServer.url, Array.from({ length: 5_000 }, () => ["GET", `/floor/query/${bigSubscriptionId(spread(BIG))}`] as LoadRequest)],
  ["candidates limit=1", apiServer.url, [["GET", "/v1/winback/candidates?limit=1"]]],
  ["candidates first page", apiServer.url, [["GET", pages[0]!]]],
  [`candidates page ${Math.min(51, pages.length)}`, apiServer.url, [["GET", pages[Math.min(50, pages.length - 1)]!]]],
  [`candidates pages 1–${pages.length} in turn`, apiServer.url, pages.map((p): LoadRequest => ["GET", p])],
];
const wanted = process.env.WINBACK_SOCKET_SCENARIOS?.split(",");
// WINBACK_SOCKET_SCENARIOS=first,51,turn (the floor always runs unless WINBACK_SOCKET_NO_FLOOR, e.g. for a --cpu-prof of the list alone)
const run = wanted ? scenarios.filter(([name]) => (name.startsWith("floor") && !process.env.WINBACK_SOCKET_NO_FLOOR) || wanted.some((w) => name.includes(w))) : scenarios;
// The server's garbage collections (this process), to say what a scenario's CPU includes.
const gcs: { at: number; major: boolean; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ at: e.startTime, major: (e as PerformanceEntry & { detail: { kind: number } }).detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR, ms: e.duration });
}).observe({ entryTypes: ["gc"] });
const results = new Map<string, { cpu: number[]; rps: number[]; remembered: number; built: number; sent: number; majors: number; gcMs: number }>();
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, url, requests] of run) {
    const g = globalThis as unknown as { __rf?: { n: number; cpu: number; wall: number } };
    g.__rf = { n: 0, cpu: 0, wall: 0 };
    const reads = { ...candidatesPageReads };
    const t0 = performance.now();
    const c0 = process.threadCpuUsage();
    const r = await runLoad({ url, headers, connections: CONNECTIONS, seconds: round === 0 ? 1 : SECONDS, requests });
    const c = process.threadCpuUsage(c0);
    const during = gcs.filter((g) => g.at >= t0);
    gcs.length = 0;
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    if (round === 0) continue; // warm-up
    if (g.__rf.n) console.log(name, "readFirst", g.__rf.n, "cpu/call", (g.__rf.cpu / g.__rf.n).toFixed(1), "wall/call", (g.__rf.wall / g.__rf.n).toFixed(1));
    const answered = r.sent; // requests handed to the connections (a few still in flight at the end)
    const x = results.get(name) ?? { cpu: [], rps: [], remembered: 0, built: 0, sent: 0, majors: 0, gcMs: 0 };
    x.sent += answered;
    x.majors += during.filter((g) => g.major).length;
    x.gcMs += during.reduce((sum, g) => sum + g.ms, 0);
    x.cpu.push((c.user + c.system) / answered);
    x.rps.push(r.rps);
    x.remembered += candidatesPageReads.remembered - reads.remembered;
    x.built += candidatesPageReads.built - reads.built;
    results.set(name, x);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floorCpu = median(results.get(scenarios[0]![0])?.cpu ?? [NaN]);
console.log(`\n${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s (medians); server main-thread CPU µs per request`);
for (const [name, r] of results) {
  const cpu = median(r.cpu);
  const memo = r.remembered + r.built > 0 ? `  pages remembered ${r.remembered}, built ${r.built}` : "";
  const gc = `  GC ${((1000 * r.gcMs) / r.sent).toFixed(0)} µs/req, ${((1000 * r.majors) / r.sent).toFixed(2)} major per 1,000`;
  console.log(`${name.padEnd(30)} cpu ${cpu.toFixed(0).padStart(6)} µs  ${median(r.rps).toFixed(0).padStart(6)} req/s  floor/cpu ${(floorCpu / cpu).toFixed(2)}${gc}${memo}`);
}
await Promise.all([apiServer.server, floorServer.server].map((s) => new Promise((r) => s.close(r))));
stopLoad();
big.db.client.close();
