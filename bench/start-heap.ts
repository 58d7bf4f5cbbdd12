/**
 * The live heap of the server as `npm start` runs it, and what a major GC of it costs (bench only):
 * `npx tsx bench/start-heap.ts`. Starts the server (`START_HEAP_CMD`, default `npm start`'s command
 * without the build, in `START_HEAP_CWD`) on a copy of a seeded demo file with `--inspect` and `--trace-gc`, warms up
 * every route (each operation of openapi.json with the demo's ids, writes with an empty body, the
 * docs, the embed, the demo my-page and the console pages, `START_HEAP_WARM` times), then through
 * the inspector: full GCs, V8's heap statistics, `START_HEAP_GCS` timed full GCs (wall and the main
 * thread's CPU), and with `START_HEAP_SNAPSHOT=1` a heap snapshot's largest kinds by self size.
 * Then `START_HEAP_LOAD` seconds of the lookup (autocannon, 8 connections, in this process) with a
 * full GC forced every `START_HEAP_FORCE_MS` (2000; 0 forces none, so only the collections V8 starts
 * itself are counted), reporting every GC pause ≥ 1 ms (`--trace-gc`: the forced ones and any
 * V8 started itself) and the loop's max delay (monitorEventLoopDelay in the server).
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import autocannon from "autocannon";
import { printHeapSnapshot } from "./heap-snapshot";

const PORT = Number(process.env.START_HEAP_PORT ?? 8899);
const BASE = `http://127.0.0.1:${PORT}`;
const SEEDED = resolve("data/start-heap/seeded.db");
const DB = resolve("data/start-heap/run.db");
/** Where the server runs (tsx reads that directory's tsconfig.json: JSX, for one). */
const CWD = process.env.START_HEAP_CWD ?? process.cwd();
const CMD = (process.env.START_HEAP_CMD ?? "node_modules/.bin/tsx --single-threaded-gc --no-memory-reducer --expose-gc src/node.ts").split(/\s+/);
const WARM = Number(process.env.START_HEAP_WARM ?? 3);
const GCS = Number(process.env.START_HEAP_GCS ?? 5);
const LOAD = Number(process.env.START_HEAP_LOAD ?? 20);
const FORCE_MS = Number(process.env.START_HEAP_FORCE_MS ?? 2000);
const KEY = "tsz_demo_KeepCustomersFairly2026";
const mb = (n: number) => (n / 2 ** 20).toFixed(1);

/** Starts the server on `db` with the inspector; answers its process, inspector URL and output lines. */
async function start(db: string, extraEnv: Record<string, string> = {}) {
  const [cmd, ...args] = CMD;
  // Node flags go right after the runner (tsx passes them on to node).
  const child = spawn(cmd!, [...args.filter((a) => a.startsWith("--")), "--inspect=127.0.0.1:0", "--trace-gc", ...args.filter((a) => !a.startsWith("--"))], {
    env: { ...process.env, PORT: String(PORT), DATABASE_URL: `file:${db}`, RATE_LIMITS: "off", SECRETS_KEY: "start-heap-secrets-key-0123456789abcdef-0123", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    cwd: CWD,
  });
  const lines: string[] = [];
  let inspector = "";
  let ready = false;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      lines.push(line);
      const m = /ws:\/\/[^\s]+/.exec(line);
      if (m && !inspector) inspector = m[0];
      if (line.includes("Tsuzuku API on")) ready = true;
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const t0 = Date.now();
  while (!ready || !inspector) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${lines.join("\n")}`);
    if (Date.now() - t0 > 300_000) throw new Error("the server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, inspector, lines, startMs: Date.now() - t0 };
}

/** A minimal inspector client: evaluate an expression in the server's main context. */
async function connect(url: string) {
  const ws = new WebSocket(url);
  await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
  let id = 0;
  const waiting = new Map<number, (v: { result?: { result?: { value?: unknown } }; error?: unknown }) => void>();
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data));
    if (m.id) waiting.get(m.id)?.(m), waiting.delete(m.id);
  };
  const send = (method: string, params: object = {}) =>
    new Promise<{ result?: { result?: { value?: unknown; description?: string }; exceptionDetails?: unknown }; error?: unknown }>((r) => {
      const n = ++id;
      waiting.set(n, r as never);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  const evaluate = async <T>(expression: string): Promise<T> => {
    const m = await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
    if (m.error || m.result?.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(m)}`);
    return m.result!.result!.value as T;
  };
  return { evaluate, close: () => ws.close() };
}

async function warmUp() {
  const auth = { authorization: `Bearer ${KEY}` };
  const doc = JSON.parse(readFileSync("openapi.json", "utf8")) as { paths: Record<string, Record<string, unknown>> };
  const ids: Record<string, string> = { customerId: "C-100001", subscriptionId: "S-DEMO-SAVE" };
  const calls: [string, string][] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      // Real ids for reads; a made-up one for anything that deletes, so the demo stays whole.
      const filled = path.replace(/\{(\w+)\}/g, (_, p: string) => (method === "delete" ? `warm-${p}` : (ids[p] ?? `warm-${p}`)));
      calls.push([method.toUpperCase(), filled + (path === "/v1/lookup" ? "?phone=09012345678" : "")]);
    }
  }
  let statuses = new Map<number, number>();
  const failed = new Set<string>();
  const hit = async (method: string, path: string, headers: Record<string, string> = auth, body?: string) => {
    const res = await fetch(BASE + path, { method, headers: body === undefined ? headers : { ...headers, "content-type": "application/json" }, body, redirect: "manual" });
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) failed.add(`${res.status} ${method} ${path}`);
    return res;
  };
  for (let round = 0; round < WARM; round++) {
    statuses = new Map();
    for (const [method, path] of calls) await hit(method, path, auth, method === "GET" || method === "DELETE" ? undefined : "{}");
    for (const path of ["/health", "/docs", "/docs/init.js", "/docs/viewer.js", "/openapi.json", "/embed/v1/tsuzuku.js", "/demo/my-page", "/demo/my-page?lang=en"]) await hit("GET", path, {});
    await hit("POST", "/demo/my-page/session?customer=C-100001", {});
    const login = (await hit("GET", "/demo/console", {})).headers.get("location") ?? "";
    const cookie = ((await hit("GET", login, {})).headers.get("set-cookie") ?? "").split(";")[0]!;
    for (const path of ["/console", "/console?customer=C-100001", "/console?customer=C-100001&sub=S-DEMO-SAVE", "/console/knowledge", "/console/metrics", "/console/receipt"]) await hit("GET", path, { cookie });
  }
  return [...statuses].sort().map(([s, n]) => `${s}×${n}`).join(" ") + (failed.size ? `; failed: ${[...failed].join(", ")}` : "");
}

/** Mark-compact pauses from `--trace-gc` lines: [ms, line]. */
function majors(lines: string[]) {
  return lines.filter((l) => /Mark-Compact|Mark-sweep/i.test(l)).map((l) => Number(/,\s*([\d.]+)\s*\/\s*[\d.]+\s*ms/.exec(l)?.[1] ?? NaN));
}

mkdirSync("data/start-heap", { recursive: true });
if (!existsSync(SEEDED)) {
  const seeding = await start(SEEDED);
  seeding.child.kill("SIGTERM");
  await new Promise((r) => seeding.child.once("exit", r));
}
for (const suffix of ["", "-wal", "-shm"]) rmSync(DB + suffix, { force: true });
copyFileSync(SEEDED, DB);
if (existsSync(SEEDED + "-wal")) copyFileSync(SEEDED + "-wal", DB + "-wal");

console.log(`${new Date().toISOString()} load ${loadavg().map((l) => l.toFixed(1)).join(" ")}; server: ${CMD.join(" ")}`);
const server = await start(DB);
// A failure below must not leave the server holding the port.
process.on("exit", () => server.child.kill("SIGTERM"));
const { evaluate, close } = await connect(server.inspector);
console.log(`started in ${server.startMs} ms (to "Tsuzuku API on"), Node ${await evaluate<string>("process.version")}`);
const heap = `(() => { const v8 = process.getBuiltinModule("node:v8"); const h = v8.getHeapStatistics(); return { used: h.used_heap_size, total: h.total_heap_size, external: h.external_memory, spaces: v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]) }; })()`;
type Heap = { used: number; total: number; external: number; spaces: [string, number][] };
const show = (label: string, h: Heap) => console.log(`${label}: used ${mb(h.used)} MB of ${mb(h.total)} MB; external ${mb(h.external)} MB; ${h.spaces.filter(([, n]) => n > 2 ** 19).map(([s, n]) => `${s} ${mb(n)}`).join(", ")}`);
await evaluate("gc(), gc(), 0");
show("after start", await evaluate<Heap>(heap));
const statuses = await warmUp();
console.log(`warm-up: ${WARM} rounds, statuses of the last ${statuses}`);
await evaluate("gc(), gc(), 0");
show("after warm-up", await evaluate<Heap>(heap));
const timed = await evaluate<string[]>(`(() => { const out = []; const cpu = () => { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; }; for (let i = 0; i < ${GCS}; i++) { const t0 = performance.now(), c0 = cpu(); gc(); out.push((performance.now() - t0).toFixed(1) + "/" + (cpu() - c0).toFixed(1)); } return out; })()`);
console.log(`full GC pauses (ms wall/CPU): ${timed.join(", ")}`);
if (process.env.START_HEAP_SNAPSHOT) {
  const file = resolve(CWD, await evaluate<string>(`process.getBuiltinModule("node:v8").writeHeapSnapshot()`));
  printHeapSnapshot(file, Number(process.env.START_HEAP_TOP ?? 25));
  rmSync(file);
}
if (LOAD > 0) {
  await evaluate(`(() => { const ph = process.getBuiltinModule("node:perf_hooks"); globalThis.__loop = ph.monitorEventLoopDelay({ resolution: 1 }); globalThis.__loop.enable(); return 0; })()`);
  const before = server.lines.length;
  // Forced full GCs under the load: timed in the server (wall and its main thread's CPU).
  const forced: string[] = [];
  const forcing = FORCE_MS > 0 ? setInterval(() => void evaluate<string>(`(() => { const u0 = process.threadCpuUsage(), t0 = performance.now(); gc(); const u = process.threadCpuUsage(u0); return (performance.now() - t0).toFixed(1) + "/" + ((u.user + u.system) / 1000).toFixed(1); })()`).then((p) => forced.push(p)), FORCE_MS) : undefined;
  const { createClient } = await import("@libsql/client");
  const sqlite = createClient({ url: `file:${SEEDED}` });
  const phones = (await sqlite.execute("select phone from customers where tenant_id = 'ten_demo' and phone is not null limit 200")).rows.map((r) => String(r.phone));
  sqlite.close();
  let k = 0;
  const result = await autocannon({ url: BASE, connections: 8, duration: LOAD, headers: { authorization: `Bearer ${KEY}` }, requests: [{ setupRequest: (r) => ({ ...r, path: `/v1/lookup?phone=${encodeURIComponent(phones[k++ % phones.length]!)}` }) }] });
  clearInterval(forcing);
  const loopMax = await evaluate<number>("globalThis.__loop.max / 1e6");
  const gcLines = server.lines.slice(before);
  const pauses = majors(gcLines).sort((a, b) => a - b);
  const scav = gcLines.filter((l) => l.includes("Scavenge")).map((l) => Number(/,\s*([\d.]+)\s*\/\s*[\d.]+\s*ms/.exec(l)?.[1] ?? NaN));
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] ?? NaN;
  console.log(`lookup ${LOAD} s: ${result.requests.average} req/s, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}; loop max ${loopMax.toFixed(1)} ms`);
  console.log(`  forced full GCs (ms wall/CPU): ${forced.join(", ")}`);
  console.log(`  mark-compacts: ${pauses.length}, median ${median(pauses).toFixed(1)} ms, max ${Math.max(...pauses).toFixed(1)} ms (${pauses.map((p) => p.toFixed(1)).join(" ")})`);
  console.log(`  scavenges: ${scav.length}, longest ${Math.max(...scav).toFixed(1)} ms`);
  console.log(`load after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
}
close();
server.child.kill("SIGTERM");
await new Promise((r) => server.child.once("exit", r));
process.exit(0);
