/**
 * Bytes allocated per request and where (bench only): `npx tsx bench/alloc.ts` runs each scenario
 * ALLOC_REQUESTS times through the app's `fetch` in this process (as bench/dip-cpu.ts does) under
 * V8's sampling heap profiler, counting objects a GC has already collected too, and prints the
 * allocation per request and the call sites that allocate most. Young-generation garbage per
 * request is what sets how often the server scavenges (bench/holds.ts counts the pauses).
 * ALLOC_SCENARIOS=lookup,risk keeps the scenarios whose names contain one of these.
 */
import { Session } from "node:inspector/promises";
import { inProcess, type Scenario } from "./in-process";
import { PHONE_FORMS, bigCustomerId, bigPhone, bigSubscriptionId } from "./big-tenant";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const N = Number(process.env.ALLOC_REQUESTS ?? 2000);
const TOP = Number(process.env.ALLOC_TOP ?? 12);
const { get, json, spread, floor, bare, api, close } = await inProcess(BIG);
const customers = Math.round(BIG * 0.8);
const forms = PHONE_FORMS;
let form = 0;
const page2 = async (query: string) => `/v1/risk/at-risk?${query}&cursor=${encodeURIComponent((await json<{ nextCursor: string | null }>(`/v1/risk/at-risk?${query}`)).nextCursor ?? "")}`;
const scenarios: Scenario[] = [
  bare,
  floor,
  ["chain: GET /v1/settings", () => get(api, "/v1/settings")],
  ["lookup (5 forms)", () => get(api, `/v1/lookup?phone=${encodeURIComponent(forms[form++ % forms.length]!(bigPhone(spread(customers))))}`)],
  ["subscription risk", () => get(api, `/v1/subscriptions/${bigSubscriptionId(spread(BIG))}/risk`)],
  ["customer risk", () => get(api, `/v1/customers/${bigCustomerId(spread(customers))}/risk`)],
  ["at-risk high", () => get(api, "/v1/risk/at-risk?band=high&limit=20")],
];
const high2 = await page2("band=high&limit=20");
scenarios.push(["at-risk high page 2", () => get(api, high2)]);
const all2 = await page2("limit=20");
scenarios.push(["at-risk all", () => get(api, "/v1/risk/at-risk?limit=20")], ["at-risk all page 2", () => get(api, all2)]);
const wanted = process.env.ALLOC_SCENARIOS?.split(",");
const run = wanted ? scenarios.filter(([name]) => wanted.some((w) => name.includes(w))) : scenarios;

type Node = { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[]; id: number };
type Profile = { head: Node; samples: { size: number; nodeId: number }[] };
const session = new Session();
session.connect();
for (const [name, request] of run) {
  for (let i = 0; i < 200; i++) await request(); // warm: JIT, statement caches, memos
  await session.post("HeapProfiler.startSampling", { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let i = 0; i < N; i++) await request();
  const { profile } = (await session.post("HeapProfiler.stopSampling")) as unknown as { profile: Profile };
  const bySite = new Map<string, number>();
  const nodes = new Map<number, Node>();
  const walk = (n: Node) => {
    nodes.set(n.id, n);
    n.children.forEach(walk);
  };
  walk(profile.head);
  let total = 0;
  for (const s of profile.samples) {
    const n = nodes.get(s.nodeId)!;
    const f = n.callFrame;
    const site = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(node_modules|src|bench)\//, "$1/")}:${f.lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + s.size);
    total += s.size;
  }
  console.log(`\n${name}: ${(total / N / 1024).toFixed(1)} kB allocated per request (sampled, ${N} requests)`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${(bytes / N / 1024).toFixed(2).padStart(7)} kB  ${site}`);
}
session.disconnect();
close();
