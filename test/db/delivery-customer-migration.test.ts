import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Migration 0036: every stored webhook delivery learns the customer its event is about (an erasure
 * finds the person's deliveries by it), read from the payload as the outbox now writes it.
 */
const dir = mkdtempSync(join(tmpdir(), "delivery-customer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("migration 0036 (the customer of each delivery)", () => {
  it("fills it from data.customerId or data.subscription.customerId, and leaves customer.erased without one", async () => {
    const upTo35 = join(dir, "drizzle");
    cpSync("drizzle", upTo35, { recursive: true });
    const journal = JSON.parse(readFileSync(join(upTo35, "meta/_journal.json"), "utf8"));
    journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= 35);
    writeFileSync(join(upTo35, "meta/_journal.json"), JSON.stringify(journal));
    const client = createClient({ url: `file:${join(dir, "t.db")}` });
    const run = (sql: string, args: (string | number | null)[] = []) => client.execute({ sql, args });
    try {
      await migrate(drizzle(client), { migrationsFolder: upTo35 });
      await run("INSERT INTO tenants (id, name, created_at) VALUES ('ten_a', 'A', '2026-01-01')");
      const delivery = (id: string, type: string, data: unknown) =>
        run(
          `INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, event_id, event_type, payload, status, next_attempt_at, created_at)
           VALUES (?, 'ten_a', 'w', ?, ?, ?, 'delivered', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z')`,
          [id, `evt_${id}`, type, JSON.stringify({ type, timestamp: "2026-01-02T00:00:00Z", data })],
        );
      await delivery("changed", "subscription.changed", { subscription: { id: "S-1", customerId: "C-1" }, change: {} });
      await delivery("saved", "cancel_flow.saved", { flowId: "f", subscriptionId: "S-2", customerId: "C-2", subscription: { id: "S-2", customerId: "C-2" } });
      await delivery("due", "winback.due", { customerId: "C-3", subscriptionId: "S-3" });
      await delivery("erased", "customer.erased", { customerId: "C-4", erasedAt: "2026-01-02T00:00:00Z" });

      await migrate(drizzle(client), { migrationsFolder: "drizzle" });
      const rows = (await run("SELECT id, customer_id FROM webhook_deliveries ORDER BY id")).rows.map((r) => [r.id, r.customer_id]);
      expect(rows).toEqual([
        ["changed", "C-1"],
        ["due", "C-3"],
        ["erased", null],
        ["saved", "C-2"],
      ]);
    } finally {
      client.close();
    }
  });
});
