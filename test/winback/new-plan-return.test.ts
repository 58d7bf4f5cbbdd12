import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * A customer who cancelled and then ordered the same product again through the shop's cart (a new
 * subscription id, synced live) has come back: they leave the win-back list — no invitation to
 * restart what they already receive, no `winback.due` — and 再加入率 counts the return. Before, the
 * old plan stayed listed with 「…で再開できます」 and the metrics counted no return. A new plan of
 * another product is no return of this one: that cancellation stays listed.
 */
describe("win-back: a return through a new plan of the same product", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  const today = () => localDate(new Date(), "Asia/Tokyo");

  async function lapsed(key: string, customer: string, sub: string, sku: string) {
    expect((await h.request("PUT", `/v1/customers/${customer}`, { key, body: customerBody({ email: `${customer.toLowerCase()}@example.jp`, marketingConsent: true }) })).status).toBeLessThan(300);
    const put = await h.request("PUT", `/v1/subscriptions/${sub}`, { key, body: subscriptionBody(customer, { product: { sku, name: `商品 ${sku}`, category: "cosmetics" }, nextDeliveryOn: addDays(today(), 20) }) });
    expect(put.status, put.text).toBeLessThan(300);
    const flow = await h.request("POST", `/v1/subscriptions/${sub}/cancel-flows`, { key, body: { channel: "web" } });
    await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key, body: { reason: "surplus_stock" } });
    const done = await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key, body: { keepInTouch: true } });
    expect(done.status, done.text).toBe(200);
  }
  const listed = async (key: string, customer: string) => {
    const res = await h.request("GET", `/v1/winback/candidates?customerId=${customer}`, { key });
    expect(res.status, res.text).toBe(200);
    return res.body.data.map((d: { subscriptionId: string }) => d.subscriptionId);
  };
  const newPlan = (customer: string, sku: string) =>
    subscriptionBody(customer, { product: { sku, name: `商品 ${sku}`, category: "cosmetics" }, startedAt: new Date().toISOString(), deliveriesCompleted: 0, nextDeliveryOn: addDays(today(), 10) });

  it("through PUT /v1/subscriptions/{id}: the cancellation leaves the list and counts as reactivated; another product's does not", async () => {
    const t = await h.tenant();
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 0 } })).status).toBe(200);
    await lapsed(t.key, "C-NEW-1", "S-OLD-1", "SERUM-30");
    await lapsed(t.key, "C-NEW-2", "S-OLD-2", "SERUM-30");
    expect(await listed(t.key, "C-NEW-1")).toEqual(["S-OLD-1"]);

    // C-NEW-1 orders the serum again; C-NEW-2 orders a cream, not the serum.
    const again = await h.request("PUT", "/v1/subscriptions/S-NEW-1", { key: t.key, body: newPlan("C-NEW-1", "SERUM-30") });
    expect(again.status, again.text).toBe(201);
    const other = await h.request("PUT", "/v1/subscriptions/S-NEW-2", { key: t.key, body: newPlan("C-NEW-2", "CREAM-50") });
    expect(other.status, other.text).toBe(201);

    expect(await listed(t.key, "C-NEW-1")).toEqual([]);
    expect(await listed(t.key, "C-NEW-2")).toEqual(["S-OLD-2"]);
    const m = await h.request("GET", "/v1/metrics/winback", { key: t.key });
    expect(m.status, m.text).toBe(200);
    expect(m.body).toMatchObject({ canceled: 2, reactivated: 1 });
  }, 120_000);

  it("through POST /v1/sync", async () => {
    const t = await h.tenant();
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 0 } })).status).toBe(200);
    await lapsed(t.key, "C-NEW-3", "S-OLD-3", "SERUM-30");
    const sync = await h.request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: "S-NEW-3", ...newPlan("C-NEW-3", "SERUM-30") }] } });
    expect(sync.status, sync.text).toBeLessThan(300);
    expect(await listed(t.key, "C-NEW-3")).toEqual([]);
    expect((await h.request("GET", "/v1/metrics/winback", { key: t.key })).body).toMatchObject({ canceled: 1, reactivated: 1 });
  }, 120_000);
});
