import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offerOutcomes, webhookDeliveries } from "../../src/db/schema";
import { seededRng } from "../../src/offers/bandit";
import { suggestOffersFor } from "../../src/offers/service";
import { addDays, localDate } from "../../src/platform/dates";
import { TenantStore } from "../../src/platform/tenancy";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/** Cancel-flow behaviour that needs the clock or the database in hand (Node only). */
describe("cancel flows, with the clock and the database in hand", () => {
  let h: NodeHarness;
  let t: TestTenant;
  const today = () => localDate(new Date(), "Asia/Tokyo");
  const newSubscription = async (tenant: TestTenant = t, over: Record<string, unknown> = {}) => {
    const id = uid("S");
    await h.request("PUT", `/v1/customers/C-1`, { key: tenant.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${id}`, { key: tenant.key, body: subscriptionBody("C-1", { nextDeliveryOn: addDays(today(), 12), ...over }) });
    return id;
  };
  const start = async (id: string, key = t.key) => (await h.request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key, body: { channel: "web" } })).body;

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
  });
  afterAll(() => h.close());

  it("a flow left open expires: abandoned on read at once, marked by maintenance with an evidence step, and can still be confirmed", async () => {
    const id = await newSubscription();
    const flow = await start(id);
    const later = new Date(Date.parse(flow.expiresAt) + 60_000);
    h.setNow(later);
    try {
      const read = await h.request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key });
      expect(read.body).toMatchObject({ status: "abandoned", outcome: "abandoned" });
      const reason = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: t.key, body: { reason: "moving" } });
      expect(reason.status).toBe(409);
      expect(reason.body.code).toBe("cancel_flow_expired");
      const result = await h.maintain(() => later);
      expect(result.abandoned).toBeGreaterThanOrEqual(1);
      const after = await h.request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key });
      expect(after.body.steps.map((s: { type: string }) => s.type)).toEqual(["started", "expired"]);
      expect((await h.request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body.status).toBe("active");
      // Coming back to the tab a day later still cancels: lateness never blocks leaving.
      const confirm = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: {} });
      expect(confirm.status).toBe(200);
      expect(confirm.body.outcome).toBe("canceled");
      const closed = await h.request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key });
      expect(closed.body).toMatchObject({ status: "canceled", outcome: "canceled" });
      expect(closed.body.steps.map((s: { type: string }) => s.type)).toEqual(["started", "expired", "cancel_confirmed"]);
      expect((await h.request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body.status).toBe("canceled");
    } finally {
      h.setNow(null);
    }
  });

  it("an operator flow shows the agent the talk track with the offer", async () => {
    const flow = (await h.request("POST", `/v1/subscriptions/${await newSubscription()}/cancel-flows`, { key: t.key, body: { channel: "operator" } })).body;
    const answer = (await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: t.key, body: { reason: "moving" }, headers: { "accept-language": "en" } })).body;
    expect(answer.offer.talkTrack).toMatchObject({ pitch: expect.any(String), ifDeclined: expect.stringMatching(/cancel/i) });
  });

  it("a new flow replaces one left open, which counts as abandoned", async () => {
    const id = await newSubscription();
    const first = await start(id);
    const second = await start(id);
    expect(second.flowId).not.toBe(first.flowId);
    const old = await h.request("GET", `/v1/cancel-flows/${first.flowId}`, { key: t.key });
    expect(old.body.status).toBe("abandoned");
    expect(old.body.steps.at(-1).type).toBe("superseded");
  });

  it("holdout flows are recorded at creation and never shown an offer", async () => {
    const shop = await h.tenant();
    await h.request("PATCH", "/v1/settings", { key: shop.key, body: { holdoutPercent: 50 } });
    let holdouts = 0;
    for (let i = 0; i < 24; i++) {
      const flow = await start(await newSubscription(shop), shop.key);
      const answer = (await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: shop.key, body: { reason: "moving" } })).body;
      const evidence = (await h.request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: shop.key })).body;
      if (evidence.holdout) {
        holdouts++;
        expect(answer).toMatchObject({ offer: null, noOfferBecause: "holdout" });
      } else expect(answer.offer.offerId).toBe("off_move_delivery");
    }
    expect(holdouts).toBeGreaterThan(0);
    expect(holdouts).toBeLessThan(24);
  });

  it("offersPerFlow: 2 shows two offers at once, never more rounds", async () => {
    const shop = await h.tenant();
    await h.request("PATCH", "/v1/settings", { key: shop.key, body: { offersPerFlow: 2 } });
    const flow = await start(await newSubscription(shop), shop.key);
    const answer = (await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: shop.key, body: { reason: "temporary_break" } })).body;
    expect(answer.offers).toHaveLength(2);
    expect(answer.offer).toEqual(answer.offers[0]);
    const saved = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/accept`, { key: shop.key, body: { offerId: answer.offers[1].offerId } });
    expect(saved.body.outcome).toBe("saved");
    // The offer taken counts as accepted, the other one shown as declined.
    const rows = await h.db.orm.select().from(offerOutcomes).where(eq(offerOutcomes.tenantId, shop.id));
    expect(rows.find((r) => r.offerId === answer.offers[1].offerId)).toMatchObject({ reason: "temporary_break", accepted: 1, declined: 0 });
    expect(rows.find((r) => r.offerId === answer.offers[0].offerId)).toMatchObject({ accepted: 0, declined: 1 });
  });

  it("an accepted offer that can no longer be applied changes nothing; the flow can still be confirmed", async () => {
    const shop = await h.tenant();
    await h.request("PATCH", "/v1/settings", { key: shop.key, body: { cancelFlowTtlHours: 24 * 14 } });
    const id = await newSubscription(shop);
    const flow = await start(id, shop.key);
    const { offer } = (await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: shop.key, body: { reason: "moving" } })).body;
    h.setNow(new Date(Date.now() + 10 * 86_400_000)); // the next delivery is now inside the cut-off
    try {
      const refused = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/accept`, { key: shop.key, body: { offerId: offer.offerId } });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe("change_window_closed");
      expect((await h.request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: shop.key })).body).toMatchObject({ status: "offered", calls: 2 });
      expect((await h.request("GET", `/v1/subscriptions/${id}`, { key: shop.key })).body.version).toBe(1);
      // The terms shown at start (the next delivery stopped) no longer hold: shown again first, then confirmed.
      const shown = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: shop.key, body: {} });
      expect(shown.body).toMatchObject({ code: "cancellation_terms_changed", ifCanceledNow: { nextDelivery: { stopped: false } } });
      const done = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: shop.key, body: {} });
      expect(done.body).toMatchObject({ outcome: "canceled", cutoff: { nextDeliveryStopped: false } });
    } finally {
      h.setNow(null);
    }
  });

  it("a retried confirm with the same Idempotency-Key answers the same confirmation once", async () => {
    const id = await newSubscription();
    const flow = await start(id);
    const headers = { "idempotency-key": uid("idem") };
    const a = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: {}, headers });
    const b = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: {}, headers });
    expect(b.status).toBe(200);
    expect(b.body.confirmationNumber).toBe(a.body.confirmationNumber);
  });

  it("saves and cancellations reach the webhook outbox", async () => {
    const shop = await h.tenant();
    await h.request("PUT", "/v1/webhooks/crm", { key: shop.key, body: { url: "https://crm.example.jp/hook", events: ["cancel_flow.saved", "subscription.canceled", "subscription.reactivated", "subscription.changed"] } });
    const a = await start(await newSubscription(shop), shop.key);
    const { offer } = (await h.request("POST", `/v1/cancel-flows/${a.flowId}/reason`, { key: shop.key, body: { reason: "moving" } })).body;
    await h.request("POST", `/v1/cancel-flows/${a.flowId}/accept`, { key: shop.key, body: { offerId: offer.offerId } });
    const sub = await newSubscription(shop);
    const b = await start(sub, shop.key);
    await h.request("POST", `/v1/cancel-flows/${b.flowId}/confirm`, { key: shop.key, body: {} });
    await h.request("POST", `/v1/subscriptions/${sub}/reactivate`, { key: shop.key, body: {} });
    const types = (await h.db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, shop.id))).map((d) => d.eventType).sort();
    expect(types).toEqual(["cancel_flow.saved", "subscription.canceled", "subscription.changed", "subscription.reactivated"]);
  });

  it("the ranking learns from the shop's own outcomes; Thompson draws are reproducible with a seed", async () => {
    const shop = await h.tenant();
    const id = await newSubscription(shop);
    const store = new TenantStore(h.db, shop.id);
    const now = new Date().toISOString();
    const before = await suggestOffersFor(store, id, { reason: "temporary_break", channel: "web", now });
    expect(before[0]!.offerId).toBe("off_pause"); // the catalogue prior favours a pause
    await h.db.write((tx) =>
      tx.insert(offerOutcomes).values([
        { tenantId: shop.id, reason: "temporary_break", offerId: "off_pause", accepted: 1, declined: 60 },
        { tenantId: shop.id, reason: "temporary_break", offerId: "off_skip_next", accepted: 50, declined: 10 },
      ]),
    );
    const after = await suggestOffersFor(store, id, { reason: "temporary_break", channel: "web", now });
    expect(after[0]!.offerId).toBe("off_skip_next");
    expect(after[0]!.expectedSaveProbability).toBeCloseTo(53 / 70, 3);
    const draw = (seed: number) => suggestOffersFor(store, id, { reason: "temporary_break", channel: "web", now, mode: "thompson", rng: seededRng(seed) });
    expect((await draw(7)).map((o) => o.rankingSaveProbability)).toEqual((await draw(7)).map((o) => o.rankingSaveProbability));
    const any = await suggestOffersFor(store, id, { channel: "operator", now, limit: 3 });
    expect(any).toHaveLength(3);
    expect(any[0]!.talkTrack).not.toBeNull();
  });
});
