import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";

/**
 * Migration 0059: win-back records closed before it are marked `undone` where SQL can tell without
 * the shop's time zone — a restart on a UTC day before the cancellation's `effective_on`, or one
 * whose change recorded the fee waived — never one that took an offer; a restart after
 * `effective_on` stays a return, and one on its UTC day without a fee stays as it was counted.
 */
describe("migration 0059 (undone cancellations)", () => {
  it("marks the restarts that undid their cancellation, and only those", async () => {
    const db = await databaseAt(58);
    const { run, shop } = db;
    try {
      await shop();
      const record = (id: string, effectiveOn: string, reactivatedAt: string | null) =>
        run(
          `INSERT INTO winbacks (tenant_id, id, subscription_id, customer_id, canceled_at, canceled_on, effective_on, due_on, features, probability, expected_value, annual_value, currency, drivers, model_version, scored_on, reactivated_at)
           VALUES ('ten_a', ?, ?, 'C1', '2026-02-01T01:00:00.000Z', '2026-02-01', ?, '2026-04-01', '{}', 0.1, 100, 1000, 'JPY', '[]', 'v', '2026-02-01', ?)`,
          [id, `S-${id}`, effectiveOn, reactivatedAt],
        );
      const change = (id: string, at: string, source: string) =>
        run(`INSERT INTO plan_changes (tenant_id, id, subscription_id, type, channel, before, after, source, created_at) VALUES ('ten_a', ?, ?, 'reactivate', 'web', '{}', '{}', ?, ?)`, [`chg_${id}`, `S-${id}`, source, at]);
      await record("before", "2026-02-10", "2026-02-05T03:00:00.000Z"); // a UTC day before effective_on: undone
      await record("waived", "2026-02-01", "2026-02-01T08:00:00.000Z"); // its UTC day, the fee waived: undone
      await change("waived", "2026-02-01T08:00:00.000Z", '{"cancellationFee":{"amount":{"amount":3000,"currency":"JPY"},"waived":true}}');
      await record("same", "2026-02-01", "2026-02-01T08:00:00.000Z"); // its UTC day, no fee: as counted before
      await record("after", "2026-02-01", "2026-02-03T01:00:00.000Z"); // after it: a return
      await record("offer", "2026-02-10", "2026-02-05T03:00:00.000Z"); // took a comeback offer: a win-back
      await run(`INSERT INTO plan_changes (tenant_id, id, subscription_id, type, channel, before, after, source, created_at) VALUES ('ten_a', 'chg_offer_discount', 'S-offer', 'discount', 'web', '{}', '{}', '{"offerId":"off_discount_20x2","comeback":true}', '2026-02-05T03:00:00.000Z')`);
      await record("open", "2026-02-10", null); // not restarted

      await db.upgrade();
      const undone = (await run("SELECT id FROM winbacks WHERE tenant_id = 'ten_a' AND undone = 1 ORDER BY id")).rows.map((r) => r[0]);
      expect(undone).toEqual(["before", "waived"]);
    } finally {
      db.close();
    }
  });
});
