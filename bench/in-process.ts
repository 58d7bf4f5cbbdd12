/**
 * The in-process CPU harness shared by bench/dip-cpu.ts and bench/winback-cpu.ts: the app and the
 * raw-query floor route on the big tenant's file, requests sent one at a time through `fetch` (no
 * sockets, no load generator), and `process.cpuUsage` per request, median of the rounds. On a
 * machine shared with other work this moves far less than req/s under load, so it says where a
 * change helps. Not a throughput figure: those are `npm run bench`'s.
 */
import { createApp } from "../src/app";
import { rateLimitConfigFromEnv } from "../src/platform/rate-limit";
import { BIG_API_KEY, benchFloors, BIG_TENANT_ID, bigSubscriptionId, openBigTenant, spreader } from "./big-tenant";

type Fetcher = { fetch: (r: Request, env?: unknown) => Response | Promise<Response> };
/** What the Node adapter hands the app as `env`: the client's address, so the failed-auth limiter runs as it does behind a socket. */
const peer = { incoming: { socket: { remoteAddress: "127.0.0.1" } } };
export type Scenario = [name: string, request: () => Promise<number>];

/** The app (rate limits out of the way) and the floor route on the `big`-subscription file. */
export async function inProcess(big: number) {
  const tenant = await openBigTenant(`data/bench-${big}.db`, big);
  const services = { db: tenant.db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345", rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "1000000000" }) };
  const api = createApp(() => services);
  const floors = benchFloors(tenant.db, BIG_TENANT_ID);
  const headers = { authorization: `Bearer ${BIG_API_KEY}` };
  /** A GET through `app`'s fetch with the bench key, its body read; answers the status. */
  const get = async (app: Fetcher, path: string) => {
    const res = await app.fetch(new Request(`http://bench${path}`, { headers }), process.env.NO_ADDR ? undefined : peer);
    // The body as bytes, as a socket takes it (text() would add the client's UTF-8 decoding to the server's CPU).
    await res.arrayBuffer();
    return res.status;
  };
  /** A GET's JSON answer. */
  const json = async <T>(path: string) => (await (await api.fetch(new Request(`http://bench${path}`, { headers }))).json()) as T;
  const spread = spreader();
  const floor: Scenario = ["floor: one raw indexed query", () => get(floors, `/floor/query/${bigSubscriptionId(spread(big))}`)];
  /** A bare Hono route answering a constant JSON: what any request through `fetch` costs at least. */
  const bare: Scenario = ["floor: bare Hono JSON route", () => get(floors, "/floor/json")];
  return { big: tenant, api, get, json, spread, floor, bare, close: () => tenant.db.client.close() };
}

/**
 * Runs `scenarios` (the floor first) in alternating rounds, `n` requests each (`perScenario` may
 * lower it for a slow one), after a warm-up round, and prints CPU and wall µs per request and the
 * floor's CPU ÷ each. `wanted` keeps the floor and the scenarios whose names contain one of them.
 */
export async function measureCpu(scenarios: Scenario[], o: { n: number; rounds: number; wanted?: string[]; perScenario?: (name: string, n: number) => number }) {
  const run = o.wanted ? scenarios.filter(([name]) => name.startsWith("floor") || o.wanted!.some((w) => name.includes(w))) : scenarios;
  const results = new Map<string, { cpu: number[]; wall: number[] }>();
  for (let round = 0; round <= o.rounds; round++) {
    for (const [name, request] of run) {
      const n = o.perScenario?.(name, o.n) ?? o.n;
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
  console.log(`\n${o.n} requests per scenario and round, ${o.rounds} rounds (median); CPU µs per request, wall µs per request`);
  for (const [name, r] of results) {
    const cpu = median(r.cpu);
    console.log(`${name.padEnd(32)} cpu ${cpu.toFixed(0).padStart(7)} µs  wall ${median(r.wall).toFixed(0).padStart(7)} µs  floor/cpu ${(floorCpu / cpu).toFixed(2)}`);
  }
}
