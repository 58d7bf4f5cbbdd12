import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries } from "../../src/db/schema";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/** Win-back over time (Node only: the clock in hand). */
describe("win-back over time", () => {
  let h: NodeHarness;
  let t: TestTenant;
  const today = () => localDate(new Date(), "Asia/Tokyo");

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
  });
  afterAll(() => h.close());

  it("winback.due at the named date is the contact a later reactivation is credited to", async () => {
    await h.request("PUT", "/v1/webhooks/wb", { key: t.key, body: { url: "http://127.0.0.1:9/hook", events: ["winback.due"] } });
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ marketingConsent: false }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) });
    const returnOn = addDays(today(), 30);
    const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: {} })).body;
    await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: { keepInTouch: true, returnOn } });

    const due = new Date(`${returnOn}T01:00:00Z`);
    await h.maintain(() => due);
    const [delivery] = await h.db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.id));
    expect(delivery).toMatchObject({ eventType: "winback.due" });
    expect(JSON.parse(delivery!.payload).data).toMatchObject({ customerId: c, subscriptionId: s, returnOn, reason: null });

    h.setNow(new Date(due.getTime() + 2 * 86_400_000));
    try {
      expect((await h.request("POST", `/v1/subscriptions/${s}/reactivate`, { key: t.key, body: {} })).status).toBe(200);
      const m = (await h.request("GET", "/v1/metrics/winback", { key: t.key })).body;
      expect(m).toMatchObject({ canceled: 1, reactivated: 1, reactivationRate: 1, contacts: { contacted: 1, reactivatedAfterContact: 1, afterContactShare: 1 } });
    } finally {
      h.setNow(null);
    }
  });
});
