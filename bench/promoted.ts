/**
 * What each read scenario leaves in the old generation (bench only): `node --expose-gc
 * --single-threaded-gc --no-memory-reducer --import tsx bench/promoted.ts` (Node 24: `npx node`).
 * Runs the risk section's 11 API read scenarios (bench/run.ts' spread of ids and phone forms)
 * through the app's `fetch` in this process, PROMOTED_REQUESTS each (default 10,000) after
 * PROMOTED_WARM, a turn of the event loop after each request (V8's tasks run there, as in a
 * server), a full GC before each scenario. V8's GC profiler gives the old generation (every space
 * but the young ones) before and after each GC: its growth across scavenges is what they promoted,
 * its growth between GCs what was allocated old directly (code, big tables); both bring V8's next
 * mark-compact (at ≈ 1.3× the live heap) closer. MB per 10,000 requests. In process the figures
 * move run to run (here the bodies are copied into new ArrayBuffers, external memory that can start
 * incremental marking, which socket writes do not): the server's own are `--trace-gc-nvp` on
 * `npm run bench`'s process, summed by bench/promoted-nvp.sh.
 * PROMOTED_SCENARIOS=lookup,low keeps the scenarios whose names contain one of these.
 * PROMOTED_GROWTH=2000: instead, two heap snapshots around 2,000 requests, and what the second holds
 * that the first did not, by the object holding it (bench/heap-snapshot.ts printHeapGrowth): a
 * cache whose entries outlive a few scavenges shows up as its map.
 * PROMOTED_HASH=1: instead, a hash of each scenario's first 300 answers (the same requests in every
 * run), to check that a change leaves the bodies byte-identical.
 */
import { createHash } from "node:crypto";
import { GCProfiler, getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { printHeapGrowth } from "./heap-snapshot";
import { inProcess } from "./in-process";
import { BIG_API_KEY, PHONE_FORMS, bigCustomerId, bigPhone, bigSubscriptionId } from "./big-tenant";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const N = Number(process.env.PROMOTED_REQUESTS ?? 10_000);
const WARM = Number(process.env.PROMOTED_WARM ?? 1_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

const { get, json, spread, api, close } = await inProcess(BIG);
const customers = Math.round(BIG * 0.8);
let form = 0;
const page2 = async (query: string) => `/v1/risk/at-risk?${query}&cursor=${encodeURIComponent((await json<{ nextCursor: string | null }>(`/v1/risk/at-risk?${query}`)).nextCursor ?? "")}`;
const scenarios: [string, () => string][] = [
  ["lookup (5 forms)", () => `/v1/lookup?phone=${encodeURIComponent(PHONE_FORMS[form++ % PHONE_FORMS.length]!(bigPhone(spread(customers))))}`],
  ["subscription risk", () => `/v1/subscriptions/${bigSubscriptionId(spread(BIG))}/risk`],
  ["customer risk", () => `/v1/customers/${bigCustomerId(spread(customers))}/risk`],
];
for (const band of ["high", "medium", "low", ""]) {
  const query = `${band ? `band=${band}&` : ""}limit=20`;
  const second = await page2(query);
  scenarios.push([`at-risk ${band || "all"}`, () => `/v1/risk/at-risk?${query}`], [`at-risk ${band || "all"} page 2`, () => second]);
}
const wanted = process.env.PROMOTED_SCENARIOS?.split(",");
const run = wanted ? scenarios.filter(([name]) => wanted.some((w) => name.includes(w))) : scenarios;

if (process.env.PROMOTED_HASH) {
  // Fixed requests: the same ids and forms in every run, whatever ran before.
  const headers = { authorization: `Bearer ${BIG_API_KEY}` };
  for (const [name, path] of run) {
    const h = createHash("sha256");
    for (let i = 0; i < 300; i++) {
      form = i;
      const res = await api.fetch(new Request(`http://bench${path()}`, { headers }));
      h.update(`${res.status}\n`).update(new Uint8Array(await res.arrayBuffer()));
    }
    console.log(`hash ${name.padEnd(22)} ${h.digest("hex").slice(0, 16)}`);
  }
  close();
  process.exit(0);
}

type Side = { heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[] };
type GcEvent = { gcType: string; beforeGC: Side; afterGC: Side };
const young = new Set(["new_space", "new_large_object_space"]);
const oldOf = (x: { spaceName: string; spaceUsedSize: number }[]) => x.reduce((s, y) => (young.has(y.spaceName) ? s : s + y.spaceUsedSize), 0);
const oldNow = () => getHeapSpaceStatistics().reduce((s, x) => (young.has(x.space_name) ? s : s + x.space_used_size), 0);
const mb10k = (bytes: number) => ((bytes / N) * 10_000 / 2 ** 20).toFixed(2).padStart(6);
const tick = () => new Promise((r) => setImmediate(r));

console.log(`${N} requests a scenario after ${WARM} of warm-up, a turn of the event loop after each (as a server's); MB per 10,000 requests:`);
console.log("promoted = the old generation's growth across each scavenge; old-allocated = its growth between GCs (allocated old directly)");
for (const [name, path] of run) {
  for (let i = 0; i < WARM; i++) await get(api, path());
  gc();
  gc();
  await tick();
  console.log(`== ${name}`);
  if (process.env.PROMOTED_GROWTH) {
    // What stays held after a stretch of requests, and by what (see printHeapGrowth).
    const before = writeHeapSnapshot("/tmp/promoted-before.heapsnapshot");
    for (let i = 0; i < Number(process.env.PROMOTED_GROWTH); i++) await get(api, path());
    const after = writeHeapSnapshot("/tmp/promoted-after.heapsnapshot");
    console.log(`${name}: after ${process.env.PROMOTED_GROWTH} requests`);
    printHeapGrowth(before, after, Number(process.env.PROMOTED_TOP ?? 12));
    continue;
  }
  const profiler = new GCProfiler();
  const old0 = oldNow();
  const cpu0 = process.threadCpuUsage();
  profiler.start();
  for (let i = 0; i < N; i++) {
    const status = await get(api, path());
    if (status !== 200) throw new Error(`${name}: ${status}`);
    await tick();
  }
  const events = (profiler.stop()?.statistics ?? []) as GcEvent[];
  const old1 = oldNow();
  const c = process.threadCpuUsage(cpu0);
  let promoted = 0;
  let direct = 0;
  let at = old0;
  const kinds = new Map<string, number>();
  for (const e of events) {
    direct += oldOf(e.beforeGC.heapSpaceStatistics) - at;
    if (e.gcType === "Scavenge") promoted += oldOf(e.afterGC.heapSpaceStatistics) - oldOf(e.beforeGC.heapSpaceStatistics);
    at = oldOf(e.afterGC.heapSpaceStatistics);
    kinds.set(e.gcType, (kinds.get(e.gcType) ?? 0) + 1);
  }
  direct += old1 - at;
  console.log(
    `${name.padEnd(22)} promoted ${mb10k(promoted)}  old-allocated ${mb10k(direct)}  (GCs: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ") || "none"}; thread CPU ${((c.user + c.system) / N).toFixed(0)} µs/req)`,
  );
}
close();
process.exit(0);
