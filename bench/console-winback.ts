/**
 * The console's win-back view on the demo shop, in-process (no socket): `npx tsx bench/console-winback.ts`
 * (after `npm run --silent build`). An operator's session; the karte of 20 canceled subscriptions
 * (`/console?customer=…&sub=…`) and the list 再開のご案内 (`/console/winback`, 20 rows), in
 * alternating rounds. Prints the median wall time and CPU (user + system) per page. On a tree
 * without `/console/winback` it measures the karte only (the before of a change).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { createApp } from "../src/app";
import { createConsoleSession } from "../src/console/sessions";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { DEMO_TENANT_ID, seedDemo } from "../src/demo/seed";
import { TenantStore } from "../src/platform/tenancy";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const dir = mkdtempSync(join(tmpdir(), "tsuzuku-bench-console-winback-"));
const db = await openDatabase(`file:${join(dir, "bench.db")}`);
await migrateDatabase(db);
await seedDemo(db, { now: new Date() });
const app = createApp(() => ({ db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345" }));

const canceled = (await db.orm.all(
  sql`SELECT customer_id AS c, id AS s FROM subscriptions WHERE tenant_id = ${DEMO_TENANT_ID} AND status = 'canceled' ORDER BY id LIMIT 20`,
)) as { c: string; s: string }[];
const { loginToken } = await createConsoleSession(new TenantStore(db, DEMO_TENANT_ID), { operatorId: "bench", operatorName: "ベンチ", role: "operator", expiresInSeconds: 3600 }, new Date(), null);
const login = await app.request(`/console/login?token=${loginToken}`);
const cookie = login.headers.get("set-cookie")!.split(";")[0]!;

const get = async (path: string) => {
  const r = await app.request(path, { headers: { cookie } });
  const html = await r.text();
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
  return html;
};
const hasList = (await app.request("/console/winback", { headers: { cookie } })).status === 200;
const scenarios: [string, () => Promise<unknown>][] = [
  ["karte, canceled plan", async () => { for (const x of canceled) await get(`/console?customer=${x.c}&sub=${x.s}`); }],
  ...(hasList ? ([["再開のご案内 (20 rows)", async () => { for (let i = 0; i < canceled.length; i++) await get("/console/winback"); }]] as [string, () => Promise<unknown>][]) : []),
];
for (const [, run] of scenarios) await run(); // warm-up
const wall = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of round % 2 ? [...scenarios].reverse() : scenarios) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const ms = (performance.now() - t0) / canceled.length;
    const c = process.cpuUsage(c0);
    wall.set(name, [...(wall.get(name) ?? []), ms]);
    cpu.set(name, [...(cpu.get(name) ?? []), (c.user + c.system) / 1000 / canceled.length]);
  }
}
console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(" ")}; ${canceled.length} pages a round, ${ROUNDS} rounds (median of rounds, per page)`);
for (const [name] of scenarios) console.log(`${name}: wall ${median(wall.get(name)!).toFixed(1)} ms, cpu ${median(cpu.get(name)!).toFixed(1)} ms`);
db.client.close();
rmSync(dir, { recursive: true, force: true });
