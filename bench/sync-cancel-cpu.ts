/**
 * CPU of a bulk sync into an empty tenant (syncBatch in process, 1,000 subscriptions a batch, as
 * `POST /v1/sync` and `npm run import` apply them), with and without cancellations among them: what
 * recording each synced cancellation for win-back costs. Run the same script in two worktrees and
 * alternate. `npx tsx bench/sync-cancel-cpu.ts [subscriptions=20000] [canceledPercent=20] [restart]`:
 * with `restart`, then the CPU of syncing every canceled plan back to active (each restart closes
 * its win-back record: winback/service `recordReactivations`), batches of 1,000.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { addDays, localDate } from "../src/platform/dates";
import { TenantStore } from "../src/platform/tenancy";
import { DEFAULT_SETTINGS } from "../src/settings/schemas";
import { syncBatch } from "../src/sync/service";
import { createTenant } from "../src/tenants/keys";

const count = Number(process.argv[2] ?? 20_000);
const canceledPercent = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(join(tmpdir(), "tsuzuku-sync-cancel-"));
const db = await openDatabase(`file:${join(dir, "sync.db")}`);
await migrateDatabase(db);
const tenant = await db.write((tx) => createTenant(tx, { name: "sync cancel bench", at: new Date() }));
const store = new TenantStore(db, tenant.id);
const now = new Date();
const ctx = { now, settings: DEFAULT_SETTINGS };
const customers = Math.round(count * 0.8);
const cid = (i: number) => `C-${String(i).padStart(7, "0")}`;
for (let i = 0; i < customers; i += 1000) {
  await syncBatch(store, { customers: Array.from({ length: Math.min(1000, customers - i) }, (_, j) => ({ id: cid(i + j), name: `顧客 ${i + j}`, email: `c${i + j}@bench.example.jp`, phone: `090${10_000_000 + i + j}`, locale: "ja", marketingConsent: true })) }, ctx);
}
const today = localDate(now, "Asia/Tokyo");
const canceledEvery = canceledPercent > 0 ? Math.round(100 / canceledPercent) : 0;
const load0 = loadavg()[0]!;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < count; i += 1000) {
  const items = Array.from({ length: Math.min(1000, count - i) }, (_, j) => {
    const k = i + j;
    const canceled = canceledEvery > 0 && k % canceledEvery === 0;
    return {
      id: `S-${String(k).padStart(7, "0")}`, customerId: cid(k % customers), product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" },
      quantity: 1, intervalDays: 30, unitPrice: { amount: 3980, currency: "JPY" }, startedAt: "2025-01-01T01:00:00.000Z", deliveriesCompleted: k % 12,
      ...(canceled ? { status: "canceled", canceledAt: new Date(now.getTime() - (1 + (k % 400)) * 86_400_000).toISOString() } : { status: "active", nextDeliveryOn: addDays(today, 1 + (k % 30)) }),
    };
  });
  const answer = await syncBatch(store, { subscriptions: items }, ctx);
  if (answer.applied !== items.length) throw new Error(JSON.stringify(answer.results.find((r) => r.result !== "applied")));
}
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const winbacks = await db.client.execute("SELECT count(*) AS n FROM winbacks");
console.log(JSON.stringify({ subscriptions: count, canceledPercent, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: Number(wall.toFixed(2)), winbacks: Number(winbacks.rows[0]!.n), load: [load0, loadavg()[0]] }));
if (process.argv[4] === "restart" && canceledEvery > 0) {
  const ids = Array.from({ length: count }, (_, k) => k).filter((k) => k % canceledEvery === 0);
  const restartCpu0 = process.cpuUsage();
  for (let i = 0; i < ids.length; i += 1000) {
    const items = ids.slice(i, i + 1000).map((k) => ({
      id: `S-${String(k).padStart(7, "0")}`, customerId: cid(k % customers), product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" },
      quantity: 1, intervalDays: 30, unitPrice: { amount: 3980, currency: "JPY" }, startedAt: "2025-01-01T01:00:00.000Z", deliveriesCompleted: k % 12, status: "active", nextDeliveryOn: addDays(today, 1 + (k % 30)),
    }));
    const answer = await syncBatch(store, { subscriptions: items }, ctx);
    if (answer.applied !== items.length) throw new Error(JSON.stringify(answer.results.find((r) => r.result !== "applied")));
  }
  const restarted = process.cpuUsage(restartCpu0);
  const closed = await db.client.execute("SELECT count(*) AS n FROM winbacks WHERE reactivated_at IS NOT NULL");
  console.log(JSON.stringify({ restarted: ids.length, restartCpuSeconds: (restarted.user + restarted.system) / 1e6, reactivatedRecords: Number(closed.rows[0]!.n), load: loadavg()[0] }));
}
db.client.close();
rmSync(dir, { recursive: true, force: true });
