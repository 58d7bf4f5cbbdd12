import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retentionMetrics, type FlowFact } from "../../src/metrics/retention";
import { annualValue } from "../../src/winback/model";
import { customerBody, subscriptionBody } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * A cancellation the customer undid — reactivated on or before its `effectiveOn` (Tokyo), so it
 * never took effect and its fee is waived — is a withdrawn decision: not a cancellation and not a
 * return, in any figure. Before, a flow cancelled and reactivated the same day counted in
 * `canceled` (save rate 0), as a reactivation and as a win-back with revenue recovered.
 * On Tokyo's 2026-10-01 (deliveries on 10-20, so a cancellation takes effect the day it is received):
 * - U: cancelled in a flow at 10:00, reactivated at 15:00 the same day: undone.
 * - L: cancelled in a flow at 10:05, reactivated on 10-03: canceled and reactivated, as always.
 * - P: cancelled in a flow at 10:10, still canceled.
 * - S: cancelled by the cart (a sync) at 11:00, synced live again at 14:00: undone.
 * - K: cancelled by the cart at 12:00, synced live again on 10-04: canceled and reactivated.
 * U and S cost 100,000 yen a delivery, the others 3,000: their revenue would show.
 */
describe("an undone cancellation is in no loss or return figure", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => {
    h.setNow(null);
    return h.close();
  });

  it("counts in `undone`, not in canceled, churn, the reactivations or win-back; one undone later stays canceled and reactivated", async () => {
    const t = await h.tenant();
    const at = (iso: string) => h.setNow(new Date(iso));
    at("2026-10-01T00:00:00.000Z");
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { holdoutPercent: 0, winbackHoldoutPercent: 0 } })).status).toBe(200);
    expect((await h.request("PUT", "/v1/customers/C-UNDO", { key: t.key, body: customerBody({ email: "undo@example.jp", marketingConsent: true }) })).status).toBeLessThan(300);
    const put = async (id: string, over: Record<string, unknown> = {}) => {
      const res = await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody("C-UNDO", { nextDeliveryOn: "2026-10-20", unitPrice: { amount: id === "S-U" || id === "S-S" ? 100_000 : 3_000, currency: "JPY" }, ...over }) });
      expect(res.status, res.text).toBeLessThan(300);
    };
    const cancelInFlow = async (id: string, when: string) => {
      at(when);
      const flow = await h.request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "web" } });
      expect(flow.status, flow.text).toBe(201);
      await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, body: { reason: "surplus_stock" } });
      const done = await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { keepInTouch: true } });
      expect(done.status, done.text).toBe(200);
    };
    const reactivate = async (id: string, when: string) => {
      at(when);
      const res = await h.request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: { channel: "operator" } });
      expect(res.status, res.text).toBe(200);
    };
    for (const id of ["S-U", "S-L", "S-P", "S-S", "S-K"]) await put(id);
    await cancelInFlow("S-U", "2026-10-01T01:00:00.000Z");
    await cancelInFlow("S-L", "2026-10-01T01:05:00.000Z");
    await cancelInFlow("S-P", "2026-10-01T01:10:00.000Z");
    at("2026-10-01T02:00:00.000Z");
    await put("S-S", { status: "canceled", canceledAt: "2026-10-01T02:00:00.000Z", nextDeliveryOn: null });
    at("2026-10-01T03:00:00.000Z");
    await put("S-K", { status: "canceled", canceledAt: "2026-10-01T03:00:00.000Z", nextDeliveryOn: null });
    await reactivate("S-U", "2026-10-01T06:00:00.000Z"); // 15:00 Tokyo, the day it was received
    at("2026-10-01T05:00:00.000Z");
    await put("S-S", { nextDeliveryOn: "2026-10-20" }); // 14:00 Tokyo: the cart restarted it the same day
    await reactivate("S-L", "2026-10-03T01:00:00.000Z");
    at("2026-10-04T01:00:00.000Z");
    await put("S-K", { nextDeliveryOn: "2026-10-20" });

    at("2026-10-05T01:00:00.000Z");
    const res = await h.request("GET", "/v1/metrics/retention?from=2026-10-01&to=2026-10-05&groupBy=channel", { key: t.key });
    expect(res.status, res.text).toBe(200);
    const r = res.body;
    // Flows U, L, P: U undone; L and P canceled (L's restart came after its cancellation took effect).
    expect(r).toMatchObject({ started: 3, saved: 0, canceled: 2, undone: 1, abandoned: 0, open: 0, saveRate: 0 });
    expect(r.timeToCancel.cancellations).toBe(3); // U went through cancelling all the same
    for (const g of [r, ...r.groups]) expect(g.started, g.key).toBe(g.saved + g.canceled + g.undone + g.abandoned + g.open);
    expect(r.groups).toMatchObject([{ key: "web", started: 3, canceled: 2, undone: 1 }]);
    // Churn: only P is canceled now. Reactivations: L and K, not the undone U and S.
    expect(r.churn).toMatchObject({ canceled: 1 });
    expect(r.reactivations).toEqual({ count: 2, reactivationRate: 2 });
    // Win-back: the cancellations L, P, K; L and K came back, each a year of a 3,000-yen plan.
    const year = annualValue(3_000, 1, 30);
    for (const w of [r.winback, (await h.request("GET", "/v1/metrics/winback?from=2026-10-01&to=2026-10-05", { key: t.key })).body]) {
      expect(w).toMatchObject({ canceled: 3, reactivated: 2, reactivationRate: 0.6667, revenueRecovered: [{ amount: 2 * year, currency: "JPY" }] });
      expect(w.byReason.map((g: { key: string; canceled: number; reactivated: number }) => [g.key, g.canceled, g.reactivated])).toEqual([
        ["none", 1, 1],
        ["surplus_stock", 2, 1],
      ]);
    }

    // Held out (drawn under a 10 % holdout), the undone attempt is closed and kept; the SQL and the
    // in-memory reference (metrics/retention) agree on the totals, the arms and every grouping.
    await h.db.client.execute({ sql: "UPDATE cancel_flows SET holdout_percent = 10, holdout = (subscription_id = 'S-U') WHERE tenant_id = ?", args: [t.id] });
    const stored = await h.db.client.execute({ sql: "SELECT id, subscription_id, channel, reason, status, calls, started_at, closed_at FROM cancel_flows WHERE tenant_id = ?", args: [t.id] });
    const facts: FlowFact[] = stored.rows.map((f) => ({
      id: String(f.id),
      channel: String(f.channel),
      reason: f.reason === null ? null : String(f.reason),
      offerId: null,
      status: f.status as FlowFact["status"],
      undone: f.subscription_id === "S-U",
      holdout: f.subscription_id === "S-U",
      holdoutPercent: 10,
      startedAt: String(f.started_at),
      closedAt: String(f.closed_at),
      calls: Number(f.calls),
      subscriptionCanceledAt: null,
    }));
    const reference = (groupBy?: "reason" | "channel" | "day") =>
      retentionMetrics({ flows: facts, population: { activeAtStart: 0, canceledInRange: 0, reactivationsInRange: 0 }, from: "2026-10-01", to: "2026-10-05", timeZone: "Asia/Tokyo", now: "2026-10-05T01:00:00.000Z", durableSaveDays: 30, ...(groupBy ? { groupBy } : {}) });
    const api = async (q: string) => (await h.request("GET", `/v1/metrics/retention?from=2026-10-01&to=2026-10-05${q}`, { key: t.key })).body;
    const { churn: _c, reactivations: _r, winback: _w, ...totals } = await api("");
    const { churn: _c2, reactivations: _r2, ...expected } = reference();
    expect(totals).toEqual(expected);
    expect(totals.holdout).toMatchObject({ withOffers: { flows: 2, closed: 2, canceled: 2, keptRate: 0 }, holdout: { flows: 1, closed: 1, canceled: 0, keptRate: 1 } });
    for (const by of ["reason", "channel", "day"] as const) expect((await api(`&groupBy=${by}`)).groups, by).toEqual(reference(by).groups);
  }, 120_000);
});
