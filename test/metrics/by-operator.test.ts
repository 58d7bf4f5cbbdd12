import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retentionMetrics, type FlowFact } from "../../src/metrics/retention";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * A supervisor's question, "who saved what": flows by the operator who last took a step of them in
 * the console. F1 was started on the web and confirmed by 佐々木 on the phone; F2 was started by
 * 佐々木 and saved by 田中 after a handover; F3 no operator touched; F4 was 田中's alone.
 */
const SASAKI = { type: "operator", id: "op-sasaki", name: "佐々木 美咲" };
const TANAKA = { type: "operator", id: "op-tanaka", name: "田中 健太" };
const CUSTOMER = { type: "customer", id: "C1" };
const flows = [
  { id: "F1", channel: "web", status: "canceled", steps: [CUSTOMER, SASAKI] },
  { id: "F2", channel: "operator", status: "saved", steps: [SASAKI, SASAKI, TANAKA] },
  { id: "F3", channel: "web", status: "saved", steps: [CUSTOMER, CUSTOMER] },
  { id: "F4", channel: "operator", status: "canceled", steps: [TANAKA, TANAKA] },
] as const;

const expected = {
  none: { label: null, started: 1, saved: 1, canceled: 0, saveRate: 1 },
  "op-sasaki": { label: "佐々木 美咲", started: 1, saved: 0, canceled: 1, saveRate: 0 },
  "op-tanaka": { label: "田中 健太", started: 2, saved: 1, canceled: 1, saveRate: 0.5 },
};

describe("retention metrics by operator", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("counts each flow under the operator who took its latest step (none: no operator did), with their name, adding up to the totals", async () => {
    const t = await h.tenant();
    const started = "2026-10-01T01:00:00.000Z";
    for (const f of flows) {
      await h.db.client.execute({
        sql: `INSERT INTO cancel_flows (tenant_id, id, subscription_id, customer_id, channel, status, reason, holdout, calls, started_at, expires_at, closed_at)
              VALUES (?, ?, ?, 'C1', ?, ?, 'surplus_stock', 0, 1, ?, '2026-10-02T01:00:00.000Z', '2026-10-01T01:05:00.000Z')`,
        args: [t.id, f.id, `S-${f.id}`, f.channel, f.status, started],
      });
      for (const [seq, actor] of f.steps.entries()) {
        await h.db.client.execute({
          sql: "INSERT INTO cancel_flow_steps (tenant_id, flow_id, seq, type, channel, at, data, actor) VALUES (?, ?, ?, 'step', ?, ?, '{}', ?)",
          args: [t.id, f.id, seq + 1, actor.type === "operator" ? "operator" : "web", started, JSON.stringify(actor)],
        });
      }
    }
    const res = await h.request("GET", "/v1/metrics/retention?from=2026-10-01&to=2026-10-01&groupBy=operator", { key: t.key });
    expect(res.status).toBe(200);
    expect(res.body.groupBy).toBe("operator");
    const byKey = Object.fromEntries(res.body.groups.map((g: { key: string }) => [g.key, g]));
    expect(Object.keys(byKey)).toEqual(["none", "op-sasaki", "op-tanaka"]);
    for (const [key, figures] of Object.entries(expected)) expect(byKey[key], key).toMatchObject(figures);
    expect(res.body).toMatchObject({ started: 4, saved: 2, canceled: 2 });
    // Other groupings carry no `label`.
    const byChannel = await h.request("GET", "/v1/metrics/retention?from=2026-10-01&to=2026-10-01&groupBy=channel", { key: t.key });
    expect(byChannel.body.groups[0]).not.toHaveProperty("label");

    // The in-memory definition (metrics/retention) agrees.
    const facts: FlowFact[] = flows.map((f) => {
      const last = [...f.steps].reverse().find((a) => a.type === "operator");
      return {
        id: f.id,
        channel: f.channel,
        reason: "surplus_stock",
        offerId: null,
        operator: last ? { id: last.id, name: "name" in last ? last.name : null } : null,
        status: f.status,
        holdout: false,
        holdoutPercent: 0,
        startedAt: started,
        closedAt: "2026-10-01T01:05:00.000Z",
        calls: 1,
        subscriptionCanceledAt: null,
      };
    });
    const m = retentionMetrics({ flows: facts, population: { activeAtStart: 0, canceledInRange: 0, reactivationsInRange: 0 }, from: "2026-10-01", to: "2026-10-01", timeZone: "Asia/Tokyo", now: "2026-11-20T00:00:00Z", durableSaveDays: 30, groupBy: "operator" });
    for (const [key, figures] of Object.entries(expected)) expect(m.groups!.find((g) => g.key === key), key).toMatchObject(figures);
  });
});
