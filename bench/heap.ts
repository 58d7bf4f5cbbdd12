/**
 * What the server's live heap holds after the bench's read scenarios (bench only), and what a full
 * mark-compact of it costs: `node --expose-gc --single-threaded-gc --no-memory-reducer --import tsx
 * bench/heap.ts`. Runs each read scenario HEAP_REQUESTS times through the app's `fetch` in this
 * process (bench/in-process.ts), then collects fully HEAP_GCS times (timed, the main thread's own
 * pause: with --single-threaded-gc all of it), prints V8's heap spaces and, with HEAP_SNAPSHOT=1,
 * writes a heap snapshot and prints its largest kinds of object by self size (HEAP_MARK=1 prints
 * each scenario's name as it starts, to place `--trace-gc` lines). A major GC's pause grows with the
 * live heap it marks and moves: this says what that heap is.
 */
import { writeHeapSnapshot, getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { printHeapSnapshot } from "./heap-snapshot";
import { inProcess, type Scenario } from "./in-process";
import { PHONE_FORMS, bigCustomerId, bigPhone, bigSubscriptionId } from "./big-tenant";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const N = Number(process.env.HEAP_REQUESTS ?? 3000);
const GCS = Number(process.env.HEAP_GCS ?? 5);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

const mb = (n: number) => (n / 2 ** 20).toFixed(1);
const spaces = (label: string) => {
  const h = getHeapStatistics();
  console.log(`${label}: used ${mb(h.used_heap_size)} MB of ${mb(h.total_heap_size)} MB; external ${mb(h.external_memory)} MB; ` + getHeapSpaceStatistics().filter((s) => s.space_used_size > 2 ** 19).map((s) => `${s.space_name} ${mb(s.space_used_size)}`).join(", "));
};
spaces("before the app");
const { get, json, spread, floor, bare, api, close } = await inProcess(BIG);
spaces("app opened");
const customers = Math.round(BIG * 0.8);
let form = 0;
const page2 = async (query: string) => `/v1/risk/at-risk?${query}&cursor=${encodeURIComponent((await json<{ nextCursor: string | null }>(`/v1/risk/at-risk?${query}`)).nextCursor ?? "")}`;
const scenarios: Scenario[] = [
  bare,
  floor,
  ["lookup (5 forms)", () => get(api, `/v1/lookup?phone=${encodeURIComponent(PHONE_FORMS[form++ % PHONE_FORMS.length]!(bigPhone(spread(customers))))}`)],
  ["subscription risk", () => get(api, `/v1/subscriptions/${bigSubscriptionId(spread(BIG))}/risk`)],
  ["customer risk", () => get(api, `/v1/customers/${bigCustomerId(spread(customers))}/risk`)],
];
for (const band of ["high", "medium", "low", ""]) {
  const query = `${band ? `band=${band}&` : ""}limit=20`;
  const second = await page2(query);
  scenarios.push([`at-risk ${band || "all"}`, () => get(api, `/v1/risk/at-risk?${query}`)], [`at-risk ${band || "all"} page 2`, () => get(api, second)]);
}
for (const [name, request] of scenarios) {
  if (process.env.HEAP_MARK) console.log(`-- ${name}`);
  for (let i = 0; i < N; i++) await request();
}
spaces(`after ${N} requests of each of ${scenarios.length} scenarios`);
// Wall and this thread's CPU time of each (a busy machine stretches the first, not the second).
const cpuMs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};
const pauses: string[] = [];
for (let i = 0; i < GCS; i++) {
  const [t0, c0] = [performance.now(), cpuMs()];
  gc();
  pauses.push(`${(performance.now() - t0).toFixed(1)}/${(cpuMs() - c0).toFixed(1)}`);
}
spaces("after full GCs");
if (GCS) console.log(`full GC pauses (ms wall/CPU): ${pauses.join(", ")}`);

if (process.env.HEAP_SNAPSHOT) {
  const file = writeHeapSnapshot();
  printHeapSnapshot(file, Number(process.env.HEAP_TOP ?? 40));
}
close();
process.exit(0);
