/**
 * The server's main-thread CPU per request over real sockets, for two trees side by side:
 * `SOCKET_ROOTS=/work/wt/x-base,/work/wt/x npx tsx bench/socket-cpu.ts`. Each tree's app (and the
 * raw-query floor route) is served by @hono/node-server in a process of its own, on the same
 * 1M-subscription file; this process sends the requests (SOCKET_CONNECTIONS keep-alive
 * connections, SOCKET_REQUESTS per block) and asks each server for `process.threadCpuUsage()`
 * around every block. Blocks alternate between the trees, scenario by scenario, SOCKET_ROUNDS
 * rounds after a warm-up: unlike the in-process harness this counts what the Node adapter does
 * with a body (no undici `Response` read in the server). Before measuring, each scenario's body
 * and headers are compared between the trees (the date, request id and rate-limit count aside).
 * SOCKET_SCENARIOS=at-risk (or winback, chain) keeps the floor and the scenarios whose names contain one of them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);

if (process.argv[2] === "serve") {
  // A server process: the tree's own app and adapter, started from its root (data/ is relative).
  const root = process.cwd();
  const { Hono } = await import(`${root}/node_modules/hono/dist/index.js`);
  const { createApp } = await import(`${root}/src/app.ts`);
  const { rateLimitConfigFromEnv } = await import(`${root}/src/platform/rate-limit.ts`);
  const { BIG_TENANT_ID, openBigTenant, listen } = await import(`${root}/bench/big-tenant.ts`);
  const tenant = await openBigTenant(`data/bench-${BIG}.db`, BIG);
  const services = { db: tenant.db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345", rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "1000000000" }) };
  const api = createApp(() => services);
  const floors = new Hono();
  floors.get("/floor/query/:id", async (c: any) => {
    const rs = await tenant.db.client.execute({ sql: "SELECT id, status, next_delivery_on FROM subscriptions WHERE tenant_id = ? AND id = ?", args: [BIG_TENANT_ID, c.req.param("id")] });
    return c.json(rs.rows[0] ?? null);
  });
  floors.get("/__cpu", (c: any) => {
    const u = process.threadCpuUsage();
    return c.json({ us: u.user + u.system, sys: u.system, heap: process.memoryUsage().heapUsed });
  });
  const [a, f] = await Promise.all([listen(api.fetch), listen(floors.fetch)]);
  console.log(JSON.stringify({ api: a.url, floors: f.url }));
  // A clean exit, so `SOCKET_PROF=dir` (the servers under --cpu-prof) writes its profile.
  process.on("SIGTERM", () => process.exit(0));
} else {
  const roots = (process.env.SOCKET_ROOTS ?? process.cwd()).split(",");
  const N = Number(process.env.SOCKET_REQUESTS ?? 2000);
  const ROUNDS = Number(process.env.SOCKET_ROUNDS ?? 3);
  const C = Number(process.env.SOCKET_CONNECTIONS ?? 8);
  const headers = { authorization: "Bearer tsz_bench_OneMillionSubscriptions2026" };
  const agent = new Agent({ keepAlive: true, maxSockets: C });
  type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };
  const get = (url: string, retry = true): Promise<Answer> =>
    new Promise<Answer>((resolve, reject) => {
      const req = request(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      // A kept-alive socket the server closed as it was reused (idle past its keep-alive timeout
      // between blocks on a loaded machine): ask again once on a new one.
      req.on("error", (e: NodeJS.ErrnoException) => (retry && req.reusedSocket && e.code === "ECONNRESET" ? get(url, false).then(resolve, reject) : reject(e)));
      req.end();
    });

  const servers: { root: string; api: string; floors: string; proc: ChildProcess }[] = [];
  process.on("exit", () => servers.forEach((s) => s.proc.kill()));
  for (const root of roots) {
    // One after the other: each opens (and migrates, if it must) the shared file alone.
    const proc = spawn(process.execPath, [...process.execArgv, ...(process.env.SOCKET_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.SOCKET_PROF}`] : []), fileURLToPath(import.meta.url), "serve"], { cwd: root, stdio: ["ignore", "pipe", "inherit"], env: process.env });
    const line = await new Promise<string>((resolve) => {
      const rl = createInterface({ input: proc.stdout! });
      rl.on("line", (l) => (l.startsWith("{") ? resolve(l) : console.log(`[${root}] ${l}`)));
    });
    servers.push({ root, proc, ...(JSON.parse(line) as { api: string; floors: string }) });
  }
  const cpuOf = async (s: (typeof servers)[number]) => JSON.parse((await get(`${s.floors}/__cpu`)).body.toString()) as { us: number; sys: number; heap: number };

  let k = 0;
  const spread = (n: number) => Math.floor((((k++ * 2_654_435_761) % 4_294_967_296) / 4_294_967_296) * n);
  const subId = (i: number) => `S-${String(i).padStart(7, "0")}`;
  type Scenario = { name: string; floor?: boolean; path: () => string };
  const scenarios: Scenario[] = [
    { name: "floor: one raw indexed query", floor: true, path: () => `/floor/query/${subId(spread(BIG))}` },
    { name: "chain: GET /v1/settings", path: () => "/v1/settings" },
  ];
  for (const band of ["high", "medium", "low", ""]) {
    const query = `${band ? `band=${band}&` : ""}limit=20`;
    const first = (await get(`${servers[0]!.api}/v1/risk/at-risk?${query}`)).body.toString();
    const cursor = (JSON.parse(first) as { nextCursor: string }).nextCursor;
    scenarios.push({ name: `at-risk ${band || "all"}`, path: () => `/v1/risk/at-risk?${query}` });
    scenarios.push({ name: `at-risk ${band || "all"} page 2`, path: () => `/v1/risk/at-risk?${query}&cursor=${encodeURIComponent(cursor)}` });
  }
  {
    // The win-back candidates list (`npm run bench:winback`'s pages): its first page and page 51
    // read again and again (answered from the remembered page), and pages 1–100 in turn (more than
    // the 64 it remembers: each built, as a first read is).
    const pages = ["/v1/winback/candidates?limit=20"];
    for (let i = 1; i < 100; i++) {
      const next: string | null = (JSON.parse((await get(`${servers[0]!.api}${pages[i - 1]}`)).body.toString()) as { nextCursor: string | null }).nextCursor;
      if (!next) break;
      pages.push(`/v1/winback/candidates?limit=20&cursor=${next}`);
    }
    let turn = 0;
    scenarios.push({ name: "winback limit=1", path: () => "/v1/winback/candidates?limit=1" });
    scenarios.push({ name: "winback first page", path: () => pages[0]! });
    scenarios.push({ name: `winback page ${Math.min(51, pages.length)}`, path: () => pages[Math.min(50, pages.length - 1)]! });
    scenarios.push({ name: `winback pages 1–${pages.length} in turn`, path: () => pages[turn++ % pages.length]! });
  }
  const wanted = process.env.SOCKET_SCENARIOS?.split(",");
  const run = wanted ? scenarios.filter((s) => s.floor || wanted.some((w) => s.name.includes(w))) : scenarios;

  // Same answers from every tree, byte for byte (headers too, the date and request id aside).
  for (const s of run.filter((x) => !x.floor)) {
    const path = s.path();
    const answers = await Promise.all(servers.map((srv) => get(`${srv.api}${path}`)));
    const shown = (a: Answer) => JSON.stringify(Object.entries(a.headers).filter(([h]) => !["date", "x-request-id", "ratelimit"].includes(h)).sort());
    for (const a of answers.slice(1)) {
      if (!a.body.equals(answers[0]!.body)) throw new Error(`${s.name}: bodies differ between trees`);
      if (shown(a) !== shown(answers[0]!)) throw new Error(`${s.name}: headers differ: ${shown(answers[0]!)} vs ${shown(a)}`);
    }
    console.log(`${s.name}: same ${answers[0]!.body.length} bytes and headers from ${servers.length} tree(s)`);
  }

  const block = async (s: (typeof servers)[number], sc: Scenario, n: number) => {
    const base = sc.floor ? s.floors : s.api;
    const paths = Array.from({ length: n }, () => sc.path());
    let next = 0;
    const c0 = await cpuOf(s);
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (next < paths.length) {
          const r = await get(base + paths[next++]!);
          if (r.status !== 200) throw new Error(`${sc.name}: ${r.status}`);
        }
      }),
    );
    const c1 = await cpuOf(s);
    return { us: (c1.us - c0.us) / n, sys: (c1.sys - c0.sys) / n };
  };
  const results = new Map<string, number[]>();
  const system = new Map<string, number[]>();
  for (let round = 0; round <= ROUNDS; round++) {
    for (const sc of run) {
      // Alternate which tree goes first, so neither always follows the other.
      const order = round % 2 ? [...servers].reverse() : servers;
      for (const s of order) {
        const { us, sys } = await block(s, sc, round === 0 ? Math.min(N, 500) : N);
        if (round === 0) continue;
        const key = `${sc.name}\t${s.root}`;
        results.set(key, [...(results.get(key) ?? []), us]);
        system.set(key, [...(system.get(key) ?? []), sys]);
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\nserver main-thread CPU µs per request, ${N} requests × ${ROUNDS} rounds over ${C} connections (median [all]), ratio to the floor's; of it in the kernel (system)`);
  for (const s of servers) {
    const floor = median(results.get(`${run[0]!.name}\t${s.root}`)!);
    console.log(`\n${s.root}`);
    for (const sc of run) {
      const xs = results.get(`${sc.name}\t${s.root}`)!;
      console.log(`${sc.name.padEnd(30)} ${median(xs).toFixed(0).padStart(6)} µs  ×${(median(xs) / floor).toFixed(2)}  (system ${median(system.get(`${sc.name}\t${s.root}`)!).toFixed(0)})  [${xs.map((x) => x.toFixed(0)).join(", ")}]`);
    }
  }
  for (const s of servers) s.proc.kill();
  agent.destroy();
}
