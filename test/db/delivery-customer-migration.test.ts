import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";

/**
 * Migration 0036: every stored webhook delivery learns the customer its event is about (an erasure
 * finds the person's deliveries by it), read from the payload as the outbox now writes it.
 */
describe("migration 0036 (the customer of each delivery)", () => {
  it("fills it from data.customerId or data.subscription.customerId, and leaves customer.erased without one", async () => {
    const db = await databaseAt(35);
    const { run, shop } = db;
    try {
      await shop();
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

      await db.upgrade();
      const rows = (await run("SELECT id, customer_id FROM webhook_deliveries ORDER BY id")).rows.map((r) => [r.id, r.customer_id]);
      expect(rows).toEqual([
        ["changed", "C-1"],
        ["due", "C-3"],
        ["erased", null],
        ["saved", "C-2"],
      ]);
    } finally {
      db.close();
    }
  });
});
