import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";

/**
 * Migration 0033: the rollups count a restart however it came. Restarts the cart system synced
 * before it (win-back records closed with no `reactivate` change at that instant) are added; the
 * API's (a `reactivate` change) are not counted twice; from then on a canceled plan written live
 * again counts once, with or without a change written after it.
 */
describe("migration 0033 (restarts in the rollups)", () => {
  it("adds the synced restarts of the past, keeps the API's once, and counts every restart after it once", async () => {
    const db = await databaseAt(32);
    const { run, shop } = db;
    const sub = db.plan;
    const reactivated = async (grain: string, bucket: string) =>
      Number((await run("SELECT coalesce(sum(reactivated), 0) FROM subscription_rollups WHERE tenant_id = 'ten_a' AND grain = ? AND bucket = ?", [grain, bucket])).rows[0]![0]);
    try {
      await shop();
      const record = (id: string, subscriptionId: string, reactivatedAt: string) =>
        run(
          `INSERT INTO winbacks (tenant_id, id, subscription_id, customer_id, canceled_at, canceled_on, effective_on, due_on, features, probability, expected_value, annual_value, currency, drivers, model_version, scored_on, reactivated_at)
           VALUES ('ten_a', ?, ?, 'C1', '2026-02-01T00:00:00Z', '2026-02-01', '2026-02-01', '2026-04-01', '{}', 0.1, 100, 1000, 'JPY', '[]', 'v', '2026-02-01', ?)`,
          [id, subscriptionId, reactivatedAt],
        );
      // Restarted by the API on 03-10 (a change and the record it closed), and by a sync on 03-11 (the record only).
      await sub("S-api", "active");
      await sub("S-sync", "active");
      await run(
        "INSERT INTO plan_changes (tenant_id, id, subscription_id, type, channel, before, after, created_at) VALUES ('ten_a', 'chg_1', 'S-api', 'reactivate', 'web', '{}', '{}', '2026-03-10T09:20:00.000Z')",
      );
      await record("wb_api", "S-api", "2026-03-10T09:20:00.000Z");
      await record("wb_sync", "S-sync", "2026-03-11T01:05:00.000Z");
      expect(await reactivated("d", "2026-03-10")).toBe(1);
      expect(await reactivated("d", "2026-03-11")).toBe(0);

      await db.upgrade();
      expect(await reactivated("d", "2026-03-10")).toBe(1);
      expect(await reactivated("q", "2026-03-10T09:15")).toBe(1);
      expect(await reactivated("d", "2026-03-11")).toBe(1);
      expect(await reactivated("q", "2026-03-11T01:00")).toBe(1);

      // After it: a canceled plan written live (as a sync does, or the API before its change), once.
      await sub("S-new", "canceled");
      await run("UPDATE subscriptions SET status = 'active', canceled_at = NULL, updated_at = '2026-04-02T10:44:00.000Z' WHERE id = 'S-new'");
      await run(
        "INSERT INTO plan_changes (tenant_id, id, subscription_id, type, channel, before, after, created_at) VALUES ('ten_a', 'chg_2', 'S-new', 'reactivate', 'web', '{}', '{}', '2026-04-02T10:44:00.000Z')",
      );
      expect(await reactivated("d", "2026-04-02")).toBe(1);
      expect(await reactivated("q", "2026-04-02T10:30")).toBe(1);
      // Written again live, or paused: no restart.
      await run("UPDATE subscriptions SET status = 'paused', updated_at = '2026-04-03T00:00:00.000Z' WHERE id = 'S-new'");
      expect(await reactivated("d", "2026-04-03")).toBe(0);
    } finally {
      db.close();
    }
  });
});
