import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";

/**
 * Migration 0047: flows closed with the step `superseded` before it are linked to the flow that
 * replaced them (the one started at the step's instant on the same plan), and that flow carries the
 * attempt's first start, channel and earlier calls — through a chain of restarts too. Stored risk
 * features take back the abandonments the restarts counted; a flow the customer left keeps its.
 */
describe("migration 0047 (restarted flows)", () => {
  it("links superseded flows to their replacement, gives the last of a chain the attempt's start, channel and calls, and takes the restarts out of the stored abandonment count", async () => {
    const db = await databaseAt(46);
    const { run, shop } = db;
    try {
      await shop();
      await db.plan("S1", "canceled");
      await db.plan("S2", "active");
      const flow = async (id: string, sub: string, channel: string, status: string, startedAt: string, closedAt: string | null, calls: number, ending?: string) => {
        await run("INSERT INTO cancel_flows (tenant_id, id, subscription_id, customer_id, channel, status, calls, started_at, expires_at, closed_at) VALUES ('ten_a', ?, ?, 'C1', ?, ?, ?, ?, '2026-02-02T00:00:00.000Z', ?)", [id, sub, channel, status, calls, startedAt, closedAt]);
        await run("INSERT INTO cancel_flow_steps (tenant_id, flow_id, seq, type, channel, at, data) VALUES ('ten_a', ?, 1, 'started', ?, ?, '{}')", [id, channel, startedAt]);
        if (ending) await run("INSERT INTO cancel_flow_steps (tenant_id, flow_id, seq, type, channel, at, data) VALUES ('ten_a', ?, 2, ?, 'web', ?, '{}')", [id, ending, closedAt]);
      };
      // S1: started on the web, reloaded, then taken over by phone and cancelled there.
      await flow("cf_a", "S1", "web", "abandoned", "2026-02-01T00:00:00.000Z", "2026-02-01T00:01:00.000Z", 2, "superseded");
      await flow("cf_b", "S1", "web", "abandoned", "2026-02-01T00:01:00.000Z", "2026-02-01T00:05:00.000Z", 1, "superseded");
      await flow("cf_c", "S1", "operator", "canceled", "2026-02-01T00:05:00.000Z", "2026-02-01T00:07:00.000Z", 2, "cancel_confirmed");
      // S2: left once (a true abandonment), later started again.
      await flow("cf_d", "S2", "web", "abandoned", "2026-01-20T00:00:00.000Z", "2026-01-20T00:02:00.000Z", 1, "left");
      await flow("cf_e", "S2", "web", "saved", "2026-01-25T00:00:00.000Z", "2026-01-25T00:02:00.000Z", 2, "offer_accepted");
      const risk = (sub: string, features: Record<string, unknown>) =>
        run("INSERT INTO risk_features (tenant_id, subscription_id, customer_id, features, probability, score, band, drivers, flags, revenue_at_risk, currency, model_version, computed_at) VALUES ('ten_a', ?, 'C1', ?, 0.5, 50, 'medium', '[]', '[]', 0, 'JPY', 'default', '2026-02-01T00:10:00.000Z')", [sub, JSON.stringify(features)]);
      await risk("S1", { v: 1, abandonedCancelFlows: 2 });
      await risk("S2", { v: 1, abandonedCancelFlows: 1 });

      await db.upgrade();
      const rows = Object.fromEntries(
        (await run("SELECT id, status, superseded_by, attempt_started_at, attempt_channel, earlier_calls FROM cancel_flows ORDER BY id")).rows.map((r) => [r.id, { ...r }]),
      );
      expect(rows.cf_a).toMatchObject({ status: "abandoned", superseded_by: "cf_b", attempt_started_at: null, attempt_channel: null, earlier_calls: 0 });
      expect(rows.cf_b).toMatchObject({ status: "abandoned", superseded_by: "cf_c", attempt_started_at: "2026-02-01T00:00:00.000Z", attempt_channel: "web", earlier_calls: 2 });
      expect(rows.cf_c).toMatchObject({ status: "canceled", superseded_by: null, attempt_started_at: "2026-02-01T00:00:00.000Z", attempt_channel: "web", earlier_calls: 3 });
      for (const id of ["cf_d", "cf_e"]) expect(rows[id], id).toMatchObject({ superseded_by: null, attempt_started_at: null, attempt_channel: null, earlier_calls: 0 });
      const features = async (sub: string) => JSON.parse(String((await run("SELECT features FROM risk_features WHERE subscription_id = ?", [sub])).rows[0]!.features));
      expect(await features("S1")).toEqual({ v: 1, abandonedCancelFlows: 0 });
      expect(await features("S2")).toEqual({ v: 1, abandonedCancelFlows: 1 });
    } finally {
      db.close();
    }
  });
});
