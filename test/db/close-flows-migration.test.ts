import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";

/**
 * Migration 0037: flows left open on a plan cancelled since they started (before a cancellation
 * closed them) close as abandoned, with the evidence step `subscription_canceled` — so the first
 * change after a reactivation no longer counts them as saved. Other open flows stay open.
 */
describe("migration 0037 (flows of cancelled plans)", () => {
  it("closes the open flows of a plan cancelled since they started — canceled now, or reactivated since — and leaves the others", async () => {
    const db = await databaseAt(36);
    const { run, shop } = db;
    const sub = db.plan;
    const later = new Date(Date.now() + 86_400_000).toISOString();
    try {
      await shop();
      const flow = async (id: string, subscriptionId: string, status: string, startedAt: string, expiresAt = later) => {
        await run("INSERT INTO cancel_flows (tenant_id, id, subscription_id, customer_id, channel, status, started_at, expires_at) VALUES ('ten_a', ?, ?, 'C1', 'web', ?, ?, ?)", [id, subscriptionId, status, startedAt, expiresAt]);
        await run("INSERT INTO cancel_flow_steps (tenant_id, flow_id, seq, type, channel, at, data) VALUES ('ten_a', ?, 1, 'started', 'web', ?, '{}')", [id, startedAt]);
      };
      const cancel = (id: string, subscriptionId: string, at: string) =>
        run("INSERT INTO plan_changes (tenant_id, id, subscription_id, type, channel, before, after, source, created_at) VALUES ('ten_a', ?, ?, 'cancel', 'web', '{}', '{}', ?, ?)", [id, subscriptionId, JSON.stringify({ cancelFlowId: "cf_other", confirmationNumber: "CN-20260201-ABC123" }), at]);
      // Cancelled by another flow, then reactivated: the newer flow is still open (the fuzzer's case).
      await sub("S-back", "active");
      await flow("cf_ghost", "S-back", "open", "2026-02-01T00:00:00.000Z");
      await cancel("chg_cancel", "S-back", "2026-02-01T00:05:00.000Z");
      // Cancelled by a sync: no change, the plan canceled now.
      await sub("S-synced", "canceled");
      await flow("cf_synced", "S-synced", "offered", "2026-02-01T00:00:00.000Z");
      // Live plans: a flow cancelled before it started (an earlier cancellation), and one never cancelled, stay open.
      await sub("S-live", "active");
      await cancel("chg_old", "S-live", "2025-12-01T00:00:00.000Z");
      await flow("cf_open", "S-live", "open", "2026-02-01T00:00:00.000Z");

      await db.upgrade();
      const state = async (id: string) => (await run("SELECT status, closed_at FROM cancel_flows WHERE id = ?", [id])).rows[0]!;
      const steps = async (id: string) => (await run("SELECT seq, type, channel, data, actor FROM cancel_flow_steps WHERE flow_id = ? ORDER BY seq", [id])).rows;
      expect(await state("cf_ghost")).toMatchObject({ status: "abandoned", closed_at: "2026-02-01T00:05:00.000Z" });
      const ghost = await steps("cf_ghost");
      expect(ghost.map((s) => [s.seq, s.type])).toEqual([[1, "started"], [2, "subscription_canceled"]]);
      expect(JSON.parse(String(ghost[1]!.data))).toEqual({ previousStatus: "open", expiresAt: later, changeId: "chg_cancel", confirmationNumber: "CN-20260201-ABC123" });
      expect(JSON.parse(String(ghost[1]!.actor))).toEqual({ type: "system", id: "maintenance" });
      expect((await state("cf_synced")).status).toBe("abandoned");
      expect(JSON.parse(String((await steps("cf_synced"))[1]!.data))).toEqual({ previousStatus: "offered", expiresAt: later, changeId: null, confirmationNumber: null });
      expect(await state("cf_open")).toMatchObject({ status: "open", closed_at: null });
      expect(await steps("cf_open")).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});
