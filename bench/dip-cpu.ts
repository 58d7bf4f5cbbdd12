/**
 * CPU per request of the data dip and the at-risk pages on the 1M-subscription bench file, beside
 * the raw-query floor: `npx tsx bench/dip-cpu.ts` (BENCH_SUBSCRIPTIONS, DIP_CPU_REQUESTS,
 * DIP_CPU_ROUNDS, DIP_CPU_SCENARIOS=lookup,all). Requests go one at a time through the app's
 * `fetch` in this process (no sockets, no load generator), and `process.cpuUsage` counts the
 * microseconds each costs: on a machine shared with other work this moves far less than req/s
 * under load does, so it says where a change helps. Rounds alternate the scenarios. For a
 * profile: `node --cpu-prof --import tsx bench/dip-cpu.ts`. Not a throughput figure: those are
 * `npm run bench`'s.
 */
import { Hono } from "hono";
import { createApp } from "../src/app";
import { rateLimitConfigFromEnv } from "../src/platform/rate-limit";
import { BIG_API_KEY, BIG_TENANT_ID, bigCustomerId, bigPhone, bigSubscriptionId, openBigTenant } from "./big-tenant";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const N = Number(process.env.DIP_CPU_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.DIP_CPU_ROUNDS ?? 3);
const big = await openBigTenant(`data/bench-${BIG}.db`, BIG);
const services = { db: big.db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345", rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "1000000000" }) };
const api = createApp(() => services);
const floors = new Hono();
floors.get("/floor/query/:id", async (c) => {
  const rs = await big.db.client.execute({ sql: "SELECT id, status, next_delivery_on FROM subscriptions WHERE tenant_id = ? AND id = ?", args: [BIG_TENANT_ID, c.req.param("id")] });
  return c.json(rs.rows[0] ?? null);
});

let k = 0;
const spread = (n: number) => Math.floor((((k++ * 2_654_435_761) % 4_294_967_296) / 4_294_967_296) * n);
const customers = Math.round(BIG * 0.8);
const forms = [
  (p: string) => p,
  (p: string) => `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`,
  (p: string) => `+81 ${p.slice(1, 3)} ${p.slice(3, 7)} ${p.slice(7)}`,
  (p: string) => p.slice(1),
  (p: string) => p.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))),
];
const headers = { authorization: `Bearer ${BIG_API_KEY}` };
const get = async (app: { fetch: (r: Request) => Response | Promise<Response> }, path: string) => {
  const res = await app.fetch(new Request(`http://bench${path}`, { headers }));
  await res.text();
  return res.status;
};
async function secondPage(query: string) {
  const res = await api.fetch(new Request(`http://bench/v1/risk/at-risk?${query}`, { headers }));
  const body = (await res.json()) as { nextCursor: string | null };
  return `/v1/risk/at-risk?${query}&cursor=${encodeURIComponent(body.nextCursor ?? "")}`;
}
const scenarios: [string, () => Promise<number>][] = [
  ["floor: one raw indexed query", () => get(floors, `/floor/query/${bigSubscriptionId(spread(BIG))}`)],
  ["lookup (5 forms)", () => get(api, `/v1/lookup?phone=${encodeURIComponent(forms[k % forms.length]!(bigPhone(spread(customers))))}`)],
  ["customer risk", () => get(api, `/v1/customers/${bigCustomerId(spread(customers))}/risk`)],
];
for (const band of ["high", "medium", "low", ""]) {
  const query = `${band ? `band=${band}&` : ""}limit=20`;
  const page2 = await secondPage(query);
  scenarios.push([`at-risk ${band || "all"}`, () => get(api, `/v1/risk/at-risk?${query}`)]);
  scenarios.push([`at-risk ${band || "all"} page 2`, () => get(api, page2)]);
}
scenarios.push(["metrics retention (30 days)", () => get(api, "/v1/metrics/retention")]);
const wanted = process.env.DIP_CPU_SCENARIOS?.split(",");
const run = wanted ? scenarios.filter(([name]) => name.startsWith("floor") || wanted.some((w) => name.includes(w))) : scenarios;

const results = new Map<string, { cpu: number[]; wall: number[] }>();
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, request] of run) {
    const n = name.startsWith("metrics") ? Math.max(3, Math.round(N / 200)) : N;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const status = await request();
      if (status !== 200) throw new Error(`${name}: ${status}`);
    }
    const wall = ((performance.now() - t0) * 1000) / n;
    const c = process.cpuUsage(cpu0);
    if (round === 0) continue; // warm-up
    const r = results.get(name) ?? { cpu: [], wall: [] };
    r.cpu.push((c.user + c.system) / n);
    r.wall.push(wall);
    results.set(name, r);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floorCpu = median(results.get(run[0]![0])!.cpu);
console.log(`\n${N} requests per scenario and round, ${ROUNDS} rounds (median); CPU µs per request, wall µs per request`);
for (const [name, r] of results) {
  const cpu = median(r.cpu);
  console.log(`${name.padEnd(32)} cpu ${cpu.toFixed(0).padStart(7)} µs  wall ${median(r.wall).toFixed(0).padStart(7)} µs  floor/cpu ${(floorCpu / cpu).toFixed(2)}`);
}
