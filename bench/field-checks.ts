/**
 * Branch fieldfix: what its checks cost, in-process (`process.cpuUsage`, median of alternating rounds).
 * 1. The idle retention read of `customer.erased` deliveries that still name an id, on an outbox with
 *    FAILED failed deliveries of other events: through the partial index (as shipped) and as the
 *    planner chooses without the name on a file without statistics (`webhook_deliveries_due`,
 *    status = 'failed': every failed delivery is read).
 * 2. A 500-event batch's validation: `EventInput.safeParse` per item, without and with the
 *    future-date check (occurredAt against `latestAcceptedInstant` as text, a delivery's `deliveredOn`).
 * Run: npx tsx bench/field-checks.ts (a temporary file under the OS's temp dir).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { EventInput } from "../src/events/schemas";
import { addDays, latestAcceptedInstant } from "../src/platform/dates";
import { createTenant } from "../src/tenants/keys";

const FAILED = Number(process.env.FAILED ?? 50_000);
const ROUNDS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuUs = async (n: number, f: () => unknown) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
};

const dir = mkdtempSync(join(tmpdir(), "fieldfix-bench-"));
const db = await openDatabase(`file:${join(dir, "b.db")}`, undefined, { checkpoints: false });
await migrateDatabase(db);
const tenantId = (await db.write((tx) => createTenant(tx, { name: "bench", at: new Date() }))).id;
const old = "2026-01-01T00:00:00.000Z";
for (let i = 0; i < FAILED; i += 1000) {
  await db.client.execute({
    sql: `INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
          SELECT 'd' || value, ?, 'w', 'e' || value, CASE WHEN value % 1000 = 0 THEN 'customer.erased' ELSE 'subscription.changed' END,
                 CASE WHEN value % 1000 = 0 THEN '{"type":"customer.erased","data":{"customerId":null}}' ELSE '{"type":"subscription.changed","data":{"subscriptionId":"S-1"}}' END,
                 'failed', 8, ?, ? FROM generate_series(?, ?)`,
    args: [tenantId, old, old, i, Math.min(i + 999, FAILED - 1)],
  });
}
// No ANALYZE: the app never runs it, so a shop's file has no statistics (as here).
const cutoff = "2026-11-01T00:00:00.000Z";
const where = sql`event_type = 'customer.erased' AND status = 'failed' AND json_extract(payload, '$.data.customerId') IS NOT NULL AND next_attempt_at < ${cutoff} LIMIT 500`;
const named = () => db.orm.all(sql`SELECT id, payload FROM webhook_deliveries INDEXED BY webhook_deliveries_erased_failed WHERE ${where}`);
const chosen = () => db.orm.all(sql`SELECT id, payload FROM webhook_deliveries INDEXED BY webhook_deliveries_due WHERE ${where}`);
console.log("planner's own choice:", (await db.client.execute("EXPLAIN QUERY PLAN SELECT id FROM webhook_deliveries WHERE event_type = 'customer.erased' AND status = 'failed' AND json_extract(payload, '$.data.customerId') IS NOT NULL AND next_attempt_at < '2026-11-01' LIMIT 500")).rows.map((r) => r.detail).join("; "));
const sweep = { named: [] as number[], chosen: [] as number[] };
for (let r = 0; r <= ROUNDS; r++) {
  const a = await cpuUs(20, chosen);
  const b = await cpuUs(200, named);
  if (r > 0) (sweep.chosen.push(a), sweep.named.push(b));
}
console.log(`idle erased-id sweep read, ${FAILED} failed deliveries: planner's index ${median(sweep.chosen).toFixed(0)} µs CPU, partial index ${median(sweep.named).toFixed(1)} µs CPU`);

const now = new Date();
const today = now.toISOString().slice(0, 10);
const batch = Array.from({ length: 500 }, (_, i) => ({
  id: `evt-${i}`,
  type: i % 2 ? "delivery.completed" : "contact.logged",
  customerId: "C-1",
  subscriptionId: "S-1",
  occurredAt: new Date(now.getTime() - i * 60_000).toISOString(),
  data: i % 2 ? { deliveredOn: today } : { channel: "phone", topic: "inquiry" },
}));
const parseOnly = () => batch.map((e) => EventInput.safeParse(e));
const parseAndCheck = () => {
  // Once a batch, as events/routes does.
  const latest = { instant: latestAcceptedInstant(now), deliveredOn: addDays(now.toISOString().slice(0, 10), 1) };
  return batch.map((e) => {
    const p = EventInput.safeParse(e);
    if (!p.success) return p;
    return [p.data.occurredAt > latest.instant, p.data.type === "delivery.completed" && p.data.data.deliveredOn !== undefined && p.data.data.deliveredOn > latest.deliveredOn];
  });
};
const events = { before: [] as number[], after: [] as number[] };
for (let r = 0; r <= ROUNDS; r++) {
  const a = await cpuUs(40, parseOnly);
  const b = await cpuUs(40, parseAndCheck);
  if (r > 0) (events.before.push(a), events.after.push(b));
}
console.log(`500-event validation: safeParse ${median(events.before).toFixed(0)} µs CPU, with the future-date check ${median(events.after).toFixed(0)} µs CPU`);
db.client.close();
rmSync(dir, { recursive: true, force: true });
