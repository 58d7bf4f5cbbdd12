/**
 * CPU per request of the win-back candidates list on the 1M-subscription bench file, beside the
 * raw-query floor: `npx tsx bench/winback-cpu.ts` (BENCH_SUBSCRIPTIONS, WINBACK_CPU_REQUESTS,
 * WINBACK_CPU_ROUNDS, WINBACK_CPU_SCENARIOS=first,51). Requests go one at a time through the app's `fetch` in this process (no
 * sockets, no load generator) and `process.cpuUsage` counts what each costs, so on a shared
 * machine it says where a change helps far better than req/s under load. Rounds alternate the
 * scenarios. Run `npm run bench:winback` once first (it prepares the file's win-back records).
 * For a profile: `node --cpu-prof --import tsx bench/winback-cpu.ts`. Not a throughput figure.
 */
import { Hono } from "hono";
import { createApp } from "../src/app";
import { rateLimitConfigFromEnv } from "../src/platform/rate-limit";
import { BIG_API_KEY, BIG_TENANT_ID, bigSubscriptionId, openBigTenant } from "./big-tenant";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const N = Number(process.env.WINBACK_CPU_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.WINBACK_CPU_ROUNDS ?? 3);
const big = await openBigTenant(`data/bench-${BIG}.db`, BIG);
const services = { db: big.db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345", rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "1000000000" }) };
const api = createApp(() => services);
const floors = new Hono();
floors.get("/floor/query/:id", async (c) => {
  const rs = await big.db.client.execute({ sql: "SELECT id, status, next_delivery_on FROM subscriptions WHERE tenant_id = ? AND id = ?", args: [BIG_TENANT_ID, c.req.param("id")] });
  return c.json(rs.rows[0] ?? null);
});
const headers = { authorization: `Bearer ${BIG_API_KEY}` };
const get = async (app: { fetch: (r: Request) => Response | Promise<Response> }, path: string) => {
  const res = await app.fetch(new Request(`http://bench${path}`, { headers }));
  await res.text();
  return res.status;
};
let cursor: string | null = null;
for (let i = 0; i < 50; i++) {
  const res = await api.fetch(new Request(`http://bench/v1/winback/candidates?limit=20${cursor ? `&cursor=${cursor}` : ""}`, { headers }));
  const next = ((await res.json()) as { nextCursor: string | null }).nextCursor;
  if (!next) break;
  cursor = next;
}
let k = 0;
const spread = (n: number) => Math.floor((((k++ * 2_654_435_761) % 4_294_967_296) / 4_294_967_296) * n);
const scenarios: [string, () => Promise<number>][] = [
  ["floor: one raw indexed query", () => get(floors, `/floor/query/${bigSubscriptionId(spread(BIG))}`)],
  ["candidates first page", () => get(api, "/v1/winback/candidates?limit=20")],
  ["candidates page 51", () => get(api, `/v1/winback/candidates?limit=20${cursor ? `&cursor=${cursor}` : ""}`)],
];
const wanted = process.env.WINBACK_CPU_SCENARIOS?.split(",");
const run = wanted ? scenarios.filter(([name]) => name.startsWith("floor") || wanted.some((w) => name.includes(w))) : scenarios;
const results = new Map<string, { cpu: number[]; wall: number[] }>();
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, request] of run) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const status = await request();
      if (status !== 200) throw new Error(`${name}: ${status}`);
    }
    const wall = ((performance.now() - t0) * 1000) / N;
    const c = process.cpuUsage(cpu0);
    if (round === 0) continue; // warm-up
    const r = results.get(name) ?? { cpu: [], wall: [] };
    r.cpu.push((c.user + c.system) / N);
    r.wall.push(wall);
    results.set(name, r);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floorCpu = median(results.get(scenarios[0]![0])!.cpu);
console.log(`\n${N} requests per scenario and round, ${ROUNDS} rounds (median); CPU µs per request, wall µs per request`);
for (const [name, r] of results) {
  const cpu = median(r.cpu);
  console.log(`${name.padEnd(32)} cpu ${cpu.toFixed(0).padStart(7)} µs  wall ${median(r.wall).toFixed(0).padStart(7)} µs  floor/cpu ${(floorCpu / cpu).toFixed(2)}`);
}
big.db.client.close();
