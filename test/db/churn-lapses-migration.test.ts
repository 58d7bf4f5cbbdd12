import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";

/**
 * Migration 0043: the rollups keep each canceled spell a restart ends (`lapsed`: +1 at the
 * cancellation, −1 at the restart), for the spells before it (the API's restarts, whose change keeps
 * the cancellation undone; the synced ones win-back closed a record for) and every restart after it.
 * Migration 0044: each flow and win-back record keeps the holdout percent in force at its draw, the
 * older ones from the settings audit (else the shop's setting when the audit never changed it).
 */
describe("migrations 0043 (canceled spells) and 0044 (holdout in force)", () => {
  it("counts a restarted plan as canceled between its cancellation and its restart, before and after the migration", async () => {
    const db = await databaseAt(42);
    const { run, shop } = db;
    const lapsedBefore = async (bucket: string) => Number((await run("SELECT coalesce(sum(lapsed), 0) FROM subscription_rollups WHERE tenant_id = 'ten_a' AND grain = 'd' AND bucket < ?", [bucket])).rows[0]![0]);
    try {
      await shop();
      await db.plan("S-api", "active");
      await db.plan("S-sync", "active");
      await run(
        `INSERT INTO plan_changes (tenant_id, id, subscription_id, type, channel, before, after, source, created_at) VALUES ('ten_a', 'chg_1', 'S-api', 'reactivate', 'web', '{}', '{}', '{"canceledAt":"2026-02-01T00:00:00.000Z"}', '2026-03-10T09:20:00.000Z')`,
      );
      for (const [id, sub, at] of [["wb_api", "S-api", "2026-03-10T09:20:00.000Z"], ["wb_sync", "S-sync", "2026-03-11T01:05:00.000Z"]] as const) {
        await run(
          `INSERT INTO winbacks (tenant_id, id, subscription_id, customer_id, canceled_at, canceled_on, effective_on, due_on, features, probability, expected_value, annual_value, currency, drivers, model_version, scored_on, reactivated_at)
           VALUES ('ten_a', ?, ?, 'C1', '2026-02-01T00:00:00.000Z', '2026-02-01', '2026-02-01', '2026-04-01', '{}', 0.1, 100, 1000, 'JPY', '[]', 'v', '2026-02-01', ?)`,
          [id, sub, at],
        );
      }
      // Holdouts: 20 % from 03-01 (audited); the win-back holdout set without an audit entry (seeded).
      await run(`INSERT INTO audit_log (tenant_id, id, at, actor_type, actor_id, action, details) VALUES ('ten_a', 'aud_1', '2026-03-01T00:00:00.000Z', 'key', 'k', 'settings.updated', '{"fields":["holdoutPercent"],"values":{"holdoutPercent":20}}')`);
      await run(`UPDATE tenants SET settings = '{"holdoutPercent":20,"winbackHoldoutPercent":10}' WHERE id = 'ten_a'`);
      for (const [id, at] of [["cf_before", "2026-02-15T00:00:00.000Z"], ["cf_after", "2026-03-05T00:00:00.000Z"]] as const) {
        await run("INSERT INTO cancel_flows (tenant_id, id, subscription_id, customer_id, channel, status, started_at, expires_at) VALUES ('ten_a', ?, 'S-api', 'C1', 'web', 'canceled', ?, ?)", [id, at, at]);
      }

      await db.upgrade();
      expect(await lapsedBefore("2026-02-01")).toBe(0); // both canceled on 02-01: not before it
      expect(await lapsedBefore("2026-03-01")).toBe(2); // both canceled then
      expect(await lapsedBefore("2026-03-11")).toBe(1); // S-api back on 03-10
      expect(await lapsedBefore("2026-03-12")).toBe(0);
      const percent = async (table: string) => (await run(`SELECT id, holdout_percent FROM ${table} WHERE tenant_id = 'ten_a' ORDER BY id`)).rows.map((r) => [r[0], Number(r[1])]);
      expect(await percent("cancel_flows")).toEqual([["cf_after", 20], ["cf_before", 0]]);
      expect(await percent("winbacks")).toEqual([["wb_api", 10], ["wb_sync", 10]]);

      // After it: a canceled plan written live again, its cancellation cleared, on 04-02.
      await db.plan("S-new", "canceled");
      await run("UPDATE subscriptions SET status = 'active', canceled_at = NULL, updated_at = '2026-04-02T10:44:00.000Z' WHERE id = 'S-new'");
      expect(await lapsedBefore("2026-03-12")).toBe(1);
      expect(await lapsedBefore("2026-04-03")).toBe(0);
      // Written live keeping its cancellation instant: still counted in `canceled`, so no spell.
      await db.plan("S-kept", "canceled");
      await run("UPDATE subscriptions SET status = 'active', updated_at = '2026-04-05T00:00:00.000Z' WHERE id = 'S-kept'");
      expect(await lapsedBefore("2026-03-12")).toBe(1);
    } finally {
      db.close();
    }
  });
});
