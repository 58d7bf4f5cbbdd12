import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerBody, subscriptionBody } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * The win-back holdout is the customer's, not the plan's. A customer held out on one cancelled plan
 * who cancels a second plan stays held out: that plan is not listed and gets no `winback.due`, so the
 * campaign never reaches the baseline through their other plan, and both cancellations count in the
 * holdout arm. (Drawn per plan, the second was listed — the control group mailed — and the customer
 * sat in both arms: 29 of the demo shop's 43 held-out records.)
 */
describe("win-back holdout: one arm per customer", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("keeps a held-out customer's later cancellation out of the list and in the holdout arm", async () => {
    const t = await h.tenant();
    h.setNow(new Date("2026-11-10T01:00:00.000Z"));
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 50 } })).status).toBe(200);
    const put = await h.request("PUT", "/v1/customers/C-ARM", { key: t.key, body: customerBody({ email: "c-arm@example.jp", marketingConsent: true }) });
    expect(put.status, put.text).toBeLessThan(300);
    const cancel = async (sub: string, at: string) => {
      const res = await h.request("PUT", `/v1/subscriptions/${sub}`, { key: t.key, body: subscriptionBody("C-ARM", { status: "canceled", canceledAt: at, nextDeliveryOn: null, cancellationReason: "too_expensive" }) });
      expect(res.status, res.text).toBeLessThan(300);
    };
    await cancel("S-ARM-1", "2026-11-10T01:00:00.000Z");
    // The first draw, fixed: held out.
    await h.db.client.execute({ sql: "UPDATE winbacks SET holdout = 1 WHERE tenant_id = ?", args: [t.id] });

    // A week later the shop keeps a holdout that would almost never draw this one, and the customer cancels another plan.
    h.setNow(new Date("2026-11-17T01:00:00.000Z"));
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 0.001 } })).status).toBe(200);
    await cancel("S-ARM-2", "2026-11-17T01:00:00.000Z");

    const listed = await h.request("GET", "/v1/winback/candidates?customerId=C-ARM", { key: t.key });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.data).toEqual([]);

    const metrics = await h.request("GET", "/v1/metrics/winback?from=2026-11-01&to=2026-11-30", { key: t.key });
    expect(metrics.status, metrics.text).toBe(200);
    expect(metrics.body.holdout).toMatchObject({ holdout: { canceled: 2 }, contactable: { canceled: 0 } });
    h.setNow(null);
  }, 120_000);

  it("does the same when the second plan is cancelled through a cancel flow", async () => {
    const t = await h.tenant();
    h.setNow(new Date("2026-11-10T01:00:00.000Z"));
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 50 } })).status).toBe(200);
    expect((await h.request("PUT", "/v1/customers/C-ARM", { key: t.key, body: customerBody({ email: "c-arm@example.jp", marketingConsent: true }) })).status).toBeLessThan(300);
    const first = await h.request("PUT", "/v1/subscriptions/S-ARM-1", { key: t.key, body: subscriptionBody("C-ARM", { status: "canceled", canceledAt: "2026-11-10T01:00:00.000Z", nextDeliveryOn: null, cancellationReason: "too_expensive" }) });
    expect(first.status, first.text).toBeLessThan(300);
    await h.db.client.execute({ sql: "UPDATE winbacks SET holdout = 1 WHERE tenant_id = ?", args: [t.id] });

    h.setNow(new Date("2026-11-17T01:00:00.000Z"));
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 0.001 } })).status).toBe(200);
    const live = await h.request("PUT", "/v1/subscriptions/S-ARM-2", { key: t.key, body: subscriptionBody("C-ARM", { nextDeliveryOn: "2026-11-30" }) });
    expect(live.status, live.text).toBeLessThan(300);
    const flow = await h.request("POST", "/v1/subscriptions/S-ARM-2/cancel-flows", { key: t.key, body: { channel: "web" } });
    expect(flow.status, flow.text).toBeLessThan(300);
    await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, body: { reason: "too_expensive" } });
    const confirmed = await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { keepInTouch: true } });
    expect(confirmed.status, confirmed.text).toBe(200);

    const listed = await h.request("GET", "/v1/winback/candidates?customerId=C-ARM", { key: t.key });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.data).toEqual([]);
    const metrics = await h.request("GET", "/v1/metrics/winback?from=2026-11-01&to=2026-11-30", { key: t.key });
    expect(metrics.body.holdout).toMatchObject({ holdout: { canceled: 2 }, contactable: { canceled: 0 } });
    h.setNow(null);
  }, 120_000);
});
