/**
 * Where a win-back candidates page's CPU goes, part by part, on the 1M-subscription bench file:
 * `npx tsx bench/winback-parts.ts` (run `npm run bench:winback` once first). Each part runs alone,
 * in batches of 100, the parts interleaved batch by batch (so a busy machine slows them alike);
 * medians and quartiles of µs per call:
 * - the page's statement as the key check runs it (prepared, raw, one value back), beside the
 *   raw-query floor's statement (one subscription by primary key);
 * - turning the statement's text into the body's bytes (`candidatesPageJson` with the text given,
 *   and its UTF-8 encoding): the same page again (a re-read, answered from the remembered body)
 *   and pages 1–100 in turn (each built, as a first read is);
 *   and as the Node server builds a first read (bytes lent until the response is written);
 * - a `Response` of those bytes read back as bytes (what the app hands the adapter).
 * The socket write is not here: see a CPU profile of `npm run bench:winback`. Not a throughput figure.
 */
import Sqlite from "libsql";
import { sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { openDatabase } from "../src/db/node";
import { TenantStore } from "../src/platform/tenancy";
import { resolveSettings } from "../src/settings/schemas";
import { utf8Bytes } from "../src/platform/json-text";
import { CANDIDATES_CURSOR, candidatesDocument, candidatesPageJson } from "../src/winback/candidates";
import { decodeCursor } from "../src/platform/pagination";
import { BIG_TENANT_ID, bigSubscriptionId } from "./big-tenant";

const file = `data/bench-${Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000)}.db`;
const conn = new Sqlite(file);
const dialect = new SQLiteAsyncDialect();
const page = dialect.sqlToQuery(candidatesDocument(sql`${BIG_TENANT_ID}`, "ja", 21, null));
const pageStatement = conn.prepare(page.sql);
pageStatement.raw(true);
const floorStatement = conn.prepare("SELECT id, status, next_delivery_on FROM subscriptions WHERE tenant_id = ? AND id = ?");
floorStatement.raw(true);
const db = await openDatabase(`file:${file}`);
const store = new TenantStore(db, BIG_TENANT_ID);
const first = (row: unknown) => (row as unknown[] | undefined)?.[0];
const settings = resolveSettings(JSON.parse(String(first(conn.prepare("SELECT settings FROM tenants WHERE id = ?").raw(true).get([BIG_TENANT_ID])) ?? "{}")));
const doc = String(first(pageStatement.get(page.params)));
const q = { limit: 20, after: null as [number, string] | null, lang: "ja" as const, settings, now: new Date() };
const asBytes = (out: unknown) => (typeof out === "string" ? utf8Bytes(out) : (out as Uint8Array<ArrayBuffer>));
const body = asBytes(await candidatesPageJson(store, q, doc));
if (!body) throw new Error("the page went the long way: run npm run bench:winback first (it renders the comebacks)");
console.log(`statement text ${doc.length.toLocaleString("en-US")} chars, body ${body.length.toLocaleString("en-US")} bytes`);
// Pages 1–100 with their statements' texts: built in turn, each is a first read (the list remembers 64).
const turns: { q: typeof q; doc: string; params?: unknown[] }[] = [{ q, doc }];
for (let i = 1; i < 100; i++) {
  const prior = turns[i - 1]!;
  const cursor = (JSON.parse(Buffer.from((await candidatesPageJson(store, prior.q, prior.doc))!).toString()) as { nextCursor: string | null }).nextCursor;
  if (!cursor) break;
  const after = decodeCursor(cursor, CANDIDATES_CURSOR)!;
  const query = dialect.sqlToQuery(candidatesDocument(sql`${BIG_TENANT_ID}`, "ja", 21, { value: after[0], id: after[1] }));
  turns.push({ q: { ...q, after }, doc: String(first(conn.prepare(query.sql).raw(true).get(query.params))), params: query.params });
}
// Every page after the first runs one statement (the key check's, with the cursor's values).
const afterStatement = conn.prepare(dialect.sqlToQuery(candidatesDocument(sql`${BIG_TENANT_ID}`, "ja", 21, { value: 0, id: "" })).sql);
afterStatement.raw(true);
let turn = 0;
const written = (done: () => void) => queueMicrotask(done);

let k = 0;
const parts: [string, () => unknown][] = [
  ["floor statement (1 row by id)", () => floorStatement.get([BIG_TENANT_ID, bigSubscriptionId((k++ * 7919) % 1_000_000)])],
  ["page statement, first page again", () => pageStatement.get(page.params)],
  [`page statement, pages 2–${turns.length} in turn`, () => { const t = turns[1 + (turn++ % (turns.length - 1))]!; return afterStatement.get(t.params); }],
  ["text → body bytes (JS), re-read", () => candidatesPageJson(store, q, doc).then(asBytes)],
  [`text → body bytes (JS), pages 1–${turns.length} in turn`, () => { const t = turns[turn++ % turns.length]!; return candidatesPageJson(store, t.q, t.doc).then(asBytes); }],
  // As the Node server reads a first page: into bytes lent until the response is written (here, at once).
  [`text → lent body (JS, Node), pages 1–${turns.length} in turn`, () => { const t = turns[turn++ % turns.length]!; return candidatesPageJson(store, t.q, t.doc, written); }],
  ["Response of the bytes, read back", () => new Response(body, { headers: { "content-type": "application/json" } }).arrayBuffer()],
];
// PARTS_ONLY=statement,lent: the parts whose names contain one of these.
const only = process.env.PARTS_ONLY?.split(",");
const chosen = only ? parts.filter(([name]) => only.some((o) => name.includes(o))) : parts;
// PARTS_PROFILE=out.cpuprofile: a CPU profile of the chosen parts' rounds.
const { Session } = await import("node:inspector/promises");
const session = process.env.PARTS_PROFILE ? new Session() : null;
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 50 });
  await session.post("Profiler.start");
}
const times = new Map<string, number[]>();
for (let round = 0; round < Number(process.env.PARTS_ROUNDS ?? 80); round++) {
  for (const [name, run] of chosen) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 100; i++) await run();
    const c = process.cpuUsage(c0);
    if (round >= 5) times.set(name, [...(times.get(name) ?? []), (c.user + c.system) / 100]);
  }
}
if (session) (await import("node:fs")).writeFileSync(process.env.PARTS_PROFILE!, JSON.stringify((await session.post("Profiler.stop")).profile));
for (const [name, ts] of times) {
  ts.sort((a, b) => a - b);
  const at = (f: number) => ts[Math.floor(ts.length * f)]!.toFixed(0).padStart(5);
  console.log(`${name.padEnd(36)} p25 ${at(0.25)}  median ${at(0.5)}  p75 ${at(0.75)} µs CPU`);
}
conn.close();
db.client.close();
