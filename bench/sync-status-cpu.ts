/**
 * CPU and wall time of bulk syncs that change plans' statuses (syncBatch in process, 1,000
 * subscriptions a batch, as `POST /v1/sync` and `npm run import` apply them): what recording each
 * status a sync changes (pause, resume, cancel: subscriptions/sync `syncedStatusChange`) and reading
 * what Tsuzuku changed after the export (`exportedAt`: sync/after-export) cost. Phases:
 * `create` — N active plans into an empty tenant; `status` — the same N with every fifth cancelled
 * and every fifth paused; `resend` — the `status` items again, unchanged, with `exportedAt` (a tree
 * without it ignores the field); `resume` — every paused plan active again.
 * `webhook` as the second argument registers one endpoint wanting every event first (the outbox
 * then writes a delivery per event the batch sends); without it the shop has none.
 * Each phase also says its CPU milliseconds per 1,000-item request (`cpuMsPerRequest`).
 * Run the same script in two trees and alternate: `npx tsx bench/sync-status-cpu.ts [subscriptions=100000] [webhook]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { webhooks } from "../src/db/schema";
import { addDays, localDate } from "../src/platform/dates";
import { TenantStore } from "../src/platform/tenancy";
import { DEFAULT_SETTINGS } from "../src/settings/schemas";
import { syncBatch } from "../src/sync/service";
import { createTenant } from "../src/tenants/keys";

const count = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "tsuzuku-sync-status-"));
const db = await openDatabase(`file:${join(dir, "sync.db")}`);
await migrateDatabase(db);
const tenant = await db.write((tx) => createTenant(tx, { name: "sync status bench", at: new Date() }));
const store = new TenantStore(db, tenant.id);
const withWebhook = process.argv[3] === "webhook";
if (withWebhook) {
  const at = new Date().toISOString();
  const events = ["subscription.changed", "subscription.canceled", "subscription.reactivated", "cancel_flow.saved", "risk.band_changed", "winback.due", "customer.erased"];
  await store.write((s) => s.insert(webhooks, { id: "crm", url: "https://crm.example.jp/hooks", events, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", createdAt: at, updatedAt: at }));
}
const now = new Date();
const settings = DEFAULT_SETTINGS;
const customers = Math.round(count * 0.8);
const cid = (i: number) => `C-${String(i).padStart(7, "0")}`;
for (let i = 0; i < customers; i += 1000) {
  await syncBatch(store, { customers: Array.from({ length: Math.min(1000, customers - i) }, (_, j) => ({ id: cid(i + j), name: `顧客 ${i + j}`, email: `c${i + j}@bench.example.jp`, phone: `090${10_000_000 + i + j}`, locale: "ja", marketingConsent: true })) }, { now, settings });
}
const today = localDate(now, "Asia/Tokyo");
type Shape = "active" | "status" | "resumed";
const item = (k: number, shape: Shape) => {
  const base = {
    id: `S-${String(k).padStart(7, "0")}`, customerId: cid(k % customers), product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" },
    quantity: 1, intervalDays: 30, unitPrice: { amount: 3980, currency: "JPY" }, startedAt: "2025-01-01T01:00:00.000Z", deliveriesCompleted: k % 12,
    status: "active", nextDeliveryOn: addDays(today, 10 + (k % 20)),
  };
  if (shape === "active") return base;
  if (k % 5 === 0) return { ...base, status: "canceled", canceledAt: new Date(now.getTime() - (1 + (k % 400)) * 86_400_000).toISOString() };
  if (k % 5 === 1 && shape === "status") return { ...base, status: "paused", pausedUntil: addDays(today, 45) };
  return base;
};
const phases: { name: string; shape: Shape; exportedAt?: string }[] = [
  { name: "create", shape: "active" },
  { name: "status", shape: "status" },
  { name: "resend", shape: "status", exportedAt: new Date(now.getTime() - 60_000).toISOString() },
  { name: "resume", shape: "resumed" },
];
const out: Record<string, unknown> = { subscriptions: count, webhook: withWebhook, loadBefore: loadavg().map((x) => Number(x.toFixed(2))) };
for (const phase of phases) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let changed = 0;
  for (let i = 0; i < count; i += 1000) {
    const items = Array.from({ length: Math.min(1000, count - i) }, (_, j) => item(i + j, phase.shape));
    const answer = await syncBatch(store, { subscriptions: items }, { now: new Date(), settings, ...(phase.exportedAt ? { exportedAt: phase.exportedAt } : {}) });
    if (answer.applied !== items.length) throw new Error(JSON.stringify(answer.results.find((r) => r.result !== "applied")));
    changed += answer.results.filter((r) => r.changed).length;
  }
  const cpu = process.cpuUsage(cpu0);
  const requests = Math.ceil(count / 1000);
  out[phase.name] = { cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)), cpuMsPerRequest: Math.round((cpu.user + cpu.system) / 1e3 / requests), wallSeconds: Number(((performance.now() - t0) / 1000).toFixed(2)), changed };
}
const changes = await db.client.execute("SELECT type, count(*) AS n FROM plan_changes GROUP BY type ORDER BY type");
out.planChanges = Object.fromEntries(changes.rows.map((r) => [String(r.type), Number(r.n)]));
const queued = await db.client.execute("SELECT event_type, count(*) AS n FROM webhook_deliveries GROUP BY event_type ORDER BY event_type");
out.webhookDeliveries = Object.fromEntries(queued.rows.map((r) => [String(r.event_type), Number(r.n)]));
out.loadAfter = loadavg().map((x) => Number(x.toFixed(2)));
console.log(JSON.stringify(out));
db.client.close();
rmSync(dir, { recursive: true, force: true });
