import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retentionMetrics, type FlowFact } from "../../src/metrics/retention";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * The trial's flows by hand, on one Tokyo day: by offer, a flow counts under every offer it showed,
 * however it ended — F4 was saved by the customer's own skip after off_match_interval was shown
 * (offer_id null), F5 showed two offers and expired.
 */
const flows = [
  { id: "F1", shown: [], status: "canceled", offerId: null },
  { id: "F2", shown: [], status: "canceled", offerId: null },
  { id: "F3", shown: ["off_match_interval"], status: "saved", offerId: "off_match_interval" },
  { id: "F4", shown: ["off_match_interval"], status: "saved", offerId: null },
  { id: "F5", shown: ["off_match_interval", "off_skip_next"], status: "offered", offerId: "off_match_interval" }, // expired: abandoned
] as const;

const expected = {
  none: { started: 2, saved: 0, canceled: 2, abandoned: 0, accepted: 0 },
  off_match_interval: { started: 3, saved: 2, canceled: 0, abandoned: 1, accepted: 1 },
  off_skip_next: { started: 1, saved: 0, canceled: 0, abandoned: 1, accepted: 0 },
};

describe("retention metrics by offer: the offers shown, not the offer column", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("counts flows under each offer shown (none: none shown), saves after it, and the accepted offer apart", async () => {
    const t = await h.tenant();
    const started = "2026-10-01T01:00:00.000Z";
    for (const f of flows) {
      const open = f.status === "offered";
      await h.db.client.execute({
        sql: `INSERT INTO cancel_flows (tenant_id, id, subscription_id, customer_id, channel, status, reason, offer_id, offers_shown, holdout, calls, started_at, expires_at, closed_at)
              VALUES (?, ?, ?, 'C1', 'web', ?, 'surplus_stock', ?, ?, 0, 2, ?, ?, ?)`,
        args: [t.id, f.id, `S-${f.id}`, f.status, f.offerId, JSON.stringify(f.shown.map((offerId) => ({ offerId, reason: "surplus_stock" }))), started, "2026-10-02T01:00:00.000Z", open ? null : "2026-10-01T01:05:00.000Z"],
      });
    }
    const res = await h.request("GET", "/v1/metrics/retention?from=2026-10-01&to=2026-10-01&groupBy=offer", { key: t.key });
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(res.body.groups.map((g: { key: string }) => [g.key, g]));
    expect(Object.keys(byKey)).toEqual(["none", "off_match_interval", "off_skip_next"]);
    for (const [key, figures] of Object.entries(expected)) expect(byKey[key], key).toMatchObject(figures);
    expect(res.body).toMatchObject({ started: 5, saved: 2, canceled: 2, abandoned: 1 });
    // Other groupings carry no `accepted`.
    const byReason = await h.request("GET", "/v1/metrics/retention?from=2026-10-01&to=2026-10-01&groupBy=reason", { key: t.key });
    expect(byReason.body.groups[0]).not.toHaveProperty("accepted");

    // The in-memory definition (metrics/retention) agrees.
    const facts: FlowFact[] = flows.map((f) => ({
      id: f.id,
      channel: "web",
      reason: "surplus_stock",
      offerId: f.offerId,
      offersShown: f.shown,
      status: f.status === "offered" ? "abandoned" : f.status,
      holdout: false,
      holdoutPercent: 0,
      startedAt: started,
      closedAt: null,
      calls: 2,
      subscriptionCanceledAt: null,
    }));
    const m = retentionMetrics({ flows: facts, population: { activeAtStart: 0, canceledInRange: 0, reactivationsInRange: 0 }, from: "2026-10-01", to: "2026-10-01", timeZone: "Asia/Tokyo", now: "2026-11-20T00:00:00Z", durableSaveDays: 30, groupBy: "offer" });
    for (const [key, figures] of Object.entries(expected)) expect(m.groups!.find((g) => g.key === key), key).toMatchObject(figures);
  });
});
