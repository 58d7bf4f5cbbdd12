/**
 * One erasure beside a shop's webhook history and stored answers: `npx tsx bench/erasure.ts`
 * (ERASURE_N deliveries of other customers, default 40,000, and as many stored idempotent answers,
 * every ERASURE_EVERY-th older than 24 h, default 2 — half; ERASURE_ROOT another tree to compare).
 * Prints the DELETE's wall time and the event loop's longest delay meanwhile
 * (`perf_hooks.monitorEventLoopDelay`): an erasure is a write, and on the embedded file every
 * statement of it holds the loop the data dip needs.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const root = process.env.ERASURE_ROOT ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const { migrateDatabase, openDatabase } = await import(`${root}/src/db/node.ts`);
const { createTenant, issueKey } = await import(`${root}/src/tenants/keys.ts`);
const { createApp } = await import(`${root}/src/app.ts`);
const dir = mkdtempSync(join(tmpdir(), "erasure-bench-"));
const path = join(dir, "e.db");
const db = await openDatabase(`file:${path}`);
await migrateDatabase(db);
const now = new Date();
const SECRET = "tsz_test_erasecost0123456789abcdefghij";
await db.write(async (tx: any) => {
  await createTenant(tx, { id: "ten_e", name: "e", at: now });
  await issueKey(tx, { tenantId: "ten_e", name: "k", scopes: ["read", "write", "admin"], at: now, secret: SECRET });
});
const app = createApp(() => ({ db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345" }));
const H = { authorization: `Bearer ${SECRET}`, "content-type": "application/json" };
await app.fetch(new Request("http://x/v1/customers/C-target", { method: "PUT", headers: H, body: JSON.stringify({ name: "消去 太郎", email: "t@example.jp", phone: "090-1111-2222" }) }));
const N = Number(process.env.ERASURE_N ?? 40000);
const filler = "x".repeat(1200);
const hasCol = (await db.client.execute("SELECT count(*) AS n FROM pragma_table_info('webhook_deliveries') WHERE name = 'customer_id'")).rows[0].n > 0;
const tx = await db.client.transaction("write");
for (let i = 0; i < N; i++) {
  const c = `C-${i}`;
  const payload = JSON.stringify({ type: "subscription.changed", timestamp: now.toISOString(), data: { subscription: { id: `S-${i}`, customerId: c, note: filler }, change: {} } });
  await tx.execute({ sql: `INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, event_id, event_type, payload, status, next_attempt_at, created_at${hasCol ? ", customer_id" : ""}) VALUES (?, 'ten_e', 'w', ?, 'subscription.changed', ?, 'pending', ?, ?${hasCol ? ", ?" : ""})`, args: [`d${i}`, `e${i}`, payload, now.toISOString(), now.toISOString(), ...(hasCol ? [c] : [])] });
  const old = new Date(now.getTime() - (i % Number(process.env.ERASURE_EVERY ?? 2) ? 2 : 0.5) * 86400000 + i).toISOString();
  await tx.execute({ sql: "INSERT INTO idempotency_keys (tenant_id, key, request_hash, state, response_status, response_body, created_at, locked_at) VALUES ('ten_e', ?, 'h', 'done', 200, ?, ?, ?)", args: [`key:k k${i}`, JSON.stringify({ id: c, note: filler }), old, old] });
}
await tx.commit();
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const t0 = performance.now();
const res = await app.fetch(new Request("http://x/v1/customers/C-target", { method: "DELETE", headers: H }));
const ms = performance.now() - t0;
h.disable();
console.log(`${root}: ${N} deliveries of other customers + ${N} stored answers (1 in ${process.env.ERASURE_EVERY ?? 2} within 24 h): erasure ${res.status} in ${ms.toFixed(0)} ms, loop delay max ${(h.max / 1e6).toFixed(0)} ms`);
db.client.close();
rmSync(dir, { recursive: true, force: true });
