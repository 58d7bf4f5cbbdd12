/**
 * `npx tsx bench/write-cost.ts`: where one write's time goes, on a small file (the demo shop on
 * a fresh embedded libSQL file). Sends plan changes and subscription syncs one at a time through
 * the app (in process, no network) and counts, per request, the statements run inside its write
 * transaction by the table they touch, the time spent in them, and the time of COMMIT (in WAL
 * mode with SQLite's default `synchronous = FULL`, the fsync of the log). One at a time: this is
 * the cost of a write, not the throughput (see `npm run bench`, section `writes`).
 *
 * WRITE_COST_DB=data/bench-1000000.db runs them on the bench tenant of that file instead (`npm run
 * bench` seeds it; its rows change as the bench's writes change them).
 *
 * WRITE_COST_REQUESTS (default 200) requests per kind. WRITE_COST_PROFILE=<file.cpuprofile> also
 * writes a V8 CPU profile of the measured requests alone (not the seeding or warm-up), for
 * `node bench/profile-sum.ts <file>` (self time by function and by file). WRITE_COST_KINDS=keyed,quantity
 * measures only these kinds ("keyed": the keyed plan change; another word: the unkeyed kinds naming it), so a profile holds one kind.
 */
import type { Client, InStatement, Transaction } from "@libsql/client";
import { and, eq, gt } from "drizzle-orm";
import { mkdtempSync, rmSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { subscriptions } from "../src/db/schema";
import { DEMO_API_KEY, DEMO_TENANT_ID, seedDemo } from "../src/demo/seed";
import { BIG_API_KEY, BIG_TENANT_ID } from "./big-tenant";
import { addDays, localDate } from "../src/platform/dates";

const N = Number(process.env.WRITE_COST_REQUESTS ?? 200);
const bigFile = process.env.WRITE_COST_DB;
const dir = mkdtempSync(join(tmpdir(), "tsuzuku-write-cost-"));
const db = await openDatabase(`file:${bigFile ?? join(dir, "cost.db")}`);
await migrateDatabase(db);
if (!bigFile) await seedDemo(db, { now: new Date() });
const [TENANT, API_KEY] = bigFile ? [BIG_TENANT_ID, BIG_API_KEY] : [DEMO_TENANT_ID, DEMO_API_KEY];

/** What the statement does, by its verb and first table: "insert plan_changes", "select …". */
const kindOf = (text: string) => {
  // Scalar subqueries in the column list name a table too: the statement's own is outside them.
  let sql = text;
  for (let prev = ""; prev !== sql; ) [prev, sql] = [sql, sql.replace(/\([^()]*\)/g, "")];
  const m = /^\s*(select|insert into|update|delete from|with)\b[\s\S]*?\b(?:from|into|update)?\s*"?([a-z_]+)"?/i.exec(sql);
  const verb = (m?.[1] ?? sql.split(/\s/)[0]!).toLowerCase().split(" ")[0]!;
  const table = verb === "select" || verb === "with" ? (/\bfrom\s+"?([a-z_]+)"?/i.exec(sql)?.[1] ?? "?") : (m?.[2] ?? "?");
  return `${verb} ${table}`;
};
type Tally = { requests: number; wallMs: number; statements: number; sqlMs: number; commitMs: number; commitMaxMs: number; byKind: Map<string, { n: number; ms: number; cpuMs: number }> };
let current: Tally | null = null;
let depth = 0;
const time = async <T>(kind: string, run: () => Promise<T>): Promise<T> => {
  // A statement the write path hands to the client (its first in a transaction) is counted once.
  if (depth > 0) return run();
  const t0 = performance.now();
  // The driver is synchronous: the process's CPU time across the call is the statement's own.
  const c0 = current ? process.cpuUsage() : null;
  try {
    depth++;
    const pending = run();
    depth--;
    return await pending;
  } finally {
    const ms = performance.now() - t0;
    const c = c0 ? process.cpuUsage(c0) : null;
    if (current) {
      if (kind === "commit") {
        current.commitMs += ms;
        current.commitMaxMs = Math.max(current.commitMaxMs, ms);
      }
      else {
        current.statements++;
        current.sqlMs += ms;
      }
      const k = current.byKind.get(kind) ?? { n: 0, ms: 0, cpuMs: 0 };
      k.n++;
      k.ms += ms;
      k.cpuMs += c ? (c.user + c.system) / 1000 : 0;
      current.byKind.set(kind, k);
    }
  }
};
// Every write transaction's statements and its commit, timed (reads outside it are not).
const client = db.client as Client;
const transaction = client.transaction.bind(client);
client.transaction = (async (mode) => {
  const tx = await time("begin", () => transaction(mode));
  const execute = tx.execute.bind(tx);
  const batch = tx.batch.bind(tx);
  const commit = tx.commit.bind(tx);
  tx.execute = ((stmt: InStatement) => time(kindOf(typeof stmt === "string" ? stmt : stmt.sql), () => execute(stmt))) as Transaction["execute"];
  tx.batch = ((stmts: InStatement[]) => time(`batch of ${stmts.length}`, () => batch(stmts))) as Transaction["batch"];
  tx.commit = () => time("commit", commit);
  return tx;
}) as Client["transaction"];

// …and those the tenancy layer runs on the transaction's connection directly (db/node.ts writeStatements).
const inWrite = db.inWrite;
if (inWrite) {
  db.inWrite = {
    all: (tx, sql, args) => time(kindOf(sql), () => inWrite.all(tx, sql, args)),
    run: (tx, sql, args) => time(kindOf(sql), () => inWrite.run(tx, sql, args)),
  };
}

const app = createApp(() => ({ db, now: () => new Date(), secretsKey: "write-cost-secrets-key-0123456789abcdef" }));
const today = localDate(new Date(), "Asia/Tokyo");
const changeable = (
  await db.orm
    .select({ id: subscriptions.id, customerId: subscriptions.customerId })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, TENANT), eq(subscriptions.status, "active"), gt(subscriptions.nextDeliveryOn, addDays(today, 3))))
    .limit(bigFile ? 200_000 : 1_000_000)
);
// On the big file, from a random start: each change lands on a row of its own (a skip limit holds).
let i = bigFile ? Math.floor(Math.random() * changeable.length) : 0;
const pick = () => changeable[i++ % changeable.length]!;
const call = async (method: string, path: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> =>
  app.request(path, { method, headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json", ...extra }, body: JSON.stringify(body) });

const kinds: [string, () => Promise<Response>][] = [
  ["POST …/quantity", () => call("POST", `/v1/subscriptions/${pick().id}/quantity`, { quantity: 1 + (i % 3), channel: "web" })],
  ["POST …/quantity + Idempotency-Key", () => call("POST", `/v1/subscriptions/${pick().id}/quantity`, { quantity: 1 + (i % 3), channel: "web" }, { "idempotency-key": `cost-${i}-${Math.random()}` })],
  ["POST …/skip", () => call("POST", `/v1/subscriptions/${pick().id}/skip`, { count: 1, channel: "web" })],
  [
    "PUT /v1/subscriptions/{id}",
    () => {
      const s = pick();
      return call("PUT", `/v1/subscriptions/${s.id}`, {
        customerId: s.customerId, product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包" }, quantity: 1 + (i % 2), intervalDays: 30,
        nextDeliveryOn: addDays(today, 10 + (i % 20)), unitPrice: { amount: 3980, currency: "JPY" }, status: "active", startedAt: "2025-01-01T01:00:00.000Z", deliveriesCompleted: 5,
      });
    },
  ],
];
const only = process.env.WRITE_COST_KINDS?.toLowerCase().split(",").filter(Boolean);
// "keyed" is the keyed plan change alone; another word, the kinds without a key that name it.
const keyed = (name: string) => name.includes("Idempotency-Key");
const chosen = only ? kinds.filter(([name]) => only.some((w) => (w === "keyed" ? keyed(name) : !keyed(name) && name.toLowerCase().includes(w)))) : kinds;
const report: string[] = [];
const profileTo = process.env.WRITE_COST_PROFILE;
const profiler = profileTo ? new Session() : null;
if (profiler) {
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.setSamplingInterval", { interval: 100 });
}
for (const [name, send] of chosen) {
  for (let w = 0; w < 100; w++) await send(); // warm-up (and the JIT), not counted
  await profiler?.post("Profiler.start");
  const tally: Tally = { requests: 0, wallMs: 0, statements: 0, sqlMs: 0, commitMs: 0, commitMaxMs: 0, byKind: new Map() };
  current = tally;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  // The event loop's own thread (the checkpoints may run on another: db/checkpoints.ts).
  const loopCpu0 = process.threadCpuUsage();
  for (let n = 0; n < N; n++) {
    const t0 = performance.now();
    const res = await send();
    await res.arrayBuffer();
    tally.wallMs += performance.now() - t0;
    tally.requests++;
    if (!res.ok) failed++;
  }
  const cpu = process.cpuUsage(cpu0);
  const loopCpu = process.threadCpuUsage(loopCpu0);
  current = null;
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(profileTo!.replace(/(\.cpuprofile)?$/, `.${report.length}.cpuprofile`), JSON.stringify(profile));
  }
  const per = (x: number) => (x / tally.requests).toFixed(2);
  const kindsText = [...tally.byKind.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => `${k} ${per(v.n)}× ${per(v.ms)} ms (CPU ${per(v.cpuMs)})`).join("; ");
  const line = `| ${name} | ${per(tally.wallMs)} | ${per((cpu.user + cpu.system) / 1000)} | ${per((loopCpu.user + loopCpu.system) / 1000)} | ${per(tally.statements)} | ${per(tally.sqlMs)} | ${per(tally.commitMs)} | ${tally.commitMaxMs.toFixed(1)} | ${failed} | ${kindsText} |`;
  console.log(line);
  report.push(line);
}
console.log(
  [
    "",
    `Per request, mean of ${N}, one at a time, in process:`,
    "| request | ms | CPU ms (process) | CPU ms (event loop's thread) | statements in the write | ms in them | ms in COMMIT | longest COMMIT ms | non-2xx | by statement (count, ms and CPU ms per request) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...report,
  ].join("\n"),
);
db.client.close();
rmSync(dir, { recursive: true, force: true });
