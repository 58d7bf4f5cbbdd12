import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";
import { syncedPlan } from "../support/synced-plan";

// A customer asks to be left out of profiling (個人情報保護法 §35, CCPA/CPRA ADMT opt-out, GDPR Art. 21):
// the shop records it through the customer sync; from then on no risk is computed or stored for
// them and every risk answer says so (not "low"); switching it off computes it again. Every answer
// here is checked against openapi.json by the harness.
describe("profiling opt-out", () => {
  let h: NodeHarness;
  let t: TestTenant;
  const today = () => localDate(new Date(), "Asia/Tokyo");
  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
  });
  afterAll(() => h?.close());

  /** A customer at high risk: a cancel request, a low NPS, stock left over. */
  const atRisk = async () => {
    // 090-1000-0000 to 090-9999-9999: Japan assigns no 090-0xxx, which the sync would refuse.
    const phone = `090${1e7 + Math.floor(Math.random() * 9e7)}`;
    const { customerId, subscriptionId } = await syncedPlan(h, t, { customer: { phone, email: null, marketingConsent: true }, nextIn: 10, subscription: { unitPrice: { amount: 9800, currency: "JPY" } } });
    const at = (d: number) => `${addDays(today(), d)}T03:00:00Z`;
    const sent = await h.request("POST", "/v1/events", {
      key: t.key,
      body: {
        events: [
          { id: uid("e"), type: "contact.logged", customerId, subscriptionId, occurredAt: at(-2), data: { channel: "phone", topic: "cancel_request", sentiment: "negative" } },
          { id: uid("e"), type: "contact.logged", customerId, subscriptionId, occurredAt: at(-3), data: { channel: "phone", topic: "complaint", sentiment: "negative" } },
          { id: uid("e"), type: "survey.answered", customerId, subscriptionId, occurredAt: at(-5), data: { nps: 1 } },
        ],
      },
    });
    expect(sent.body.accepted, JSON.stringify(sent.body).slice(0, 800)).toBe(3);
    return { customerId, subscriptionId, phone };
  };
  const optOut = (customerId: string, on: boolean, phone: string) =>
    h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody({ phone, email: null, marketingConsent: true, profilingOptOut: on }) });

  it("switched on: no stored risk, the risk endpoints say 'not scored' (band null), the at-risk list leaves them out", async () => {
    const { customerId, subscriptionId, phone } = await atRisk();
    const before = await h.request("GET", `/v1/subscriptions/${subscriptionId}/risk`, { key: t.key });
    expect(before.body.band).not.toBe("low");
    expect(before.body.notScoredReason).toBeNull();
    expect(await h.sql("SELECT count(*) AS n FROM risk_features WHERE tenant_id = ? AND customer_id = ?", [t.id, customerId])).toEqual([{ n: 1 }]);

    const put = await optOut(customerId, true, phone);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ profilingOptOut: true });
    expect(typeof put.body.profilingOptOutAt).toBe("string");
    expect((await h.request("GET", `/v1/customers/${customerId}`, { key: t.key })).body.profilingOptOut).toBe(true);

    // Stored rows are gone, and a later signal does not bring one back.
    expect(await h.sql("SELECT count(*) AS n FROM risk_features WHERE tenant_id = ? AND customer_id = ?", [t.id, customerId])).toEqual([{ n: 0 }]);
    await h.request("POST", "/v1/events", { key: t.key, body: { events: [{ id: uid("e"), type: "payment.failed", customerId, subscriptionId, occurredAt: new Date(Date.now() - 60_000).toISOString(), data: {} }] } });
    expect(await h.sql("SELECT count(*) AS n FROM risk_features WHERE tenant_id = ? AND customer_id = ?", [t.id, customerId])).toEqual([{ n: 0 }]);

    const risk = await h.request("GET", `/v1/subscriptions/${subscriptionId}/risk`, { key: t.key });
    expect(risk.status).toBe(200);
    expect(risk.body).toMatchObject({ subscriptionId, customerId, score: null, probability: null, band: null, drivers: [], notScoredReason: "profiling_opt_out" });

    const customerRisk = await h.request("GET", `/v1/customers/${customerId}/risk`, { key: t.key });
    expect(customerRisk.body).toEqual({ customerId, notScoredReason: "profiling_opt_out", highest: null, subscriptions: [] });

    const list = await h.request("GET", "/v1/risk/at-risk?limit=100", { key: t.key });
    expect(list.body.data.map((r: { customerId: string }) => r.customerId)).not.toContain(customerId);
  });

  it("the data dip says 'not scored', suggests nothing from risk and sends the caller to a person, in one statement", async () => {
    const { customerId, subscriptionId, phone } = await atRisk();
    const scored = await h.request("GET", `/v1/lookup?phone=${phone}`, { key: t.key });
    expect(scored.body.risk.band).not.toBe("low");
    await optOut(customerId, true, phone);
    const dip = await h.request("GET", `/v1/lookup?phone=${phone}`, { key: t.key });
    expect(dip.status).toBe(200);
    expect(dip.body.risk).toMatchObject({ subscriptionId, band: null, score: null, notScoredReason: "profiling_opt_out" });
    expect(dip.body.subscriptions[0].risk).toBeNull();
    expect(dip.body.nextBestAction).toBeNull();
    expect(dip.body.route).toBe("standard_queue");
  });

  it("switched off: risk is computed again from history; the evidence is in the export and the audit log", async () => {
    const { customerId, subscriptionId, phone } = await atRisk();
    const before = (await h.request("GET", `/v1/subscriptions/${subscriptionId}/risk`, { key: t.key })).body;
    await optOut(customerId, true, phone);
    // The same again records nothing new.
    await optOut(customerId, true, phone);
    const off = await optOut(customerId, false, phone);
    expect(off.body.profilingOptOut).toBe(false);
    const after = (await h.request("GET", `/v1/subscriptions/${subscriptionId}/risk`, { key: t.key })).body;
    expect(after).toMatchObject({ band: before.band, score: before.score, notScoredReason: null });
    expect(after.drivers.map((d: { code: string }) => d.code)).toEqual(before.drivers.map((d: { code: string }) => d.code));

    const exported = await h.request("GET", `/v1/customers/${customerId}/export`, { key: t.key });
    expect(exported.status).toBe(200);
    expect(exported.body.consents.profilingOptOut).toBe(false);
    expect(exported.body.consents.profilingOptOutHistory.map((x: { optOut: boolean; source: string }) => [x.optOut, x.source])).toEqual([
      [true, "customer_sync"],
      [false, "customer_sync"],
    ]);
    expect(exported.body.consents.keepInTouchHistory).toEqual([]);
    const audit = await h.request("GET", "/v1/audit-log?limit=100", { key: t.key });
    const mine = audit.body.data.filter((e: { action: string; target: { id: string } | null }) => e.action === "customer.profiling_changed" && e.target?.id === customerId);
    expect(mine.map((e: { details: { profilingOptOut: boolean } }) => e.details.profilingOptOut).sort()).toEqual([false, true]);
  });

  it("the cancel flow still answers the reason given with the shop's remedy, and stores no risk for it", async () => {
    const { customerId, subscriptionId, phone } = await atRisk();
    await optOut(customerId, true, phone);
    const flow = await h.request("POST", `/v1/subscriptions/${subscriptionId}/cancel-flows`, { key: t.key, body: { channel: "web" } });
    expect(flow.status).toBe(201);
    const answered = await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, body: { reason: "temporary_break" } });
    expect(answered.status).toBe(200);
    expect(answered.body.offer).not.toBeNull();
    expect(["skip", "pause"]).toContain(answered.body.offer.type);
    expect(await h.sql("SELECT count(*) AS n FROM risk_features WHERE tenant_id = ? AND customer_id = ?", [t.id, customerId])).toEqual([{ n: 0 }]);

    // Cancelled with a yes to keep-in-touch: the win-back record is kept unscored and they are not listed or contacted.
    const confirmed = await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { keepInTouch: true } });
    expect(confirmed.status).toBe(200);
    expect(await h.sql("SELECT probability, expected_value AS value, contactable FROM winbacks WHERE tenant_id = ? AND customer_id = ?", [t.id, customerId])).toEqual([{ probability: 0, value: 0, contactable: 0 }]);
    const candidates = await h.request("GET", "/v1/winback/candidates?limit=100", { key: t.key });
    expect(candidates.body.data.map((c: { customerId: string }) => c.customerId)).not.toContain(customerId);

    // Withdrawn: scored again and contactable (they said yes).
    await optOut(customerId, false, phone);
    const [row] = await h.sql("SELECT probability, contactable FROM winbacks WHERE tenant_id = ? AND customer_id = ?", [t.id, customerId]);
    expect(row!.probability).toBeGreaterThan(0);
    expect(row!.contactable).toBe(1);
  });

  it("the customer can set it themselves from their my-page session, recorded as portal", async () => {
    const { customerId, subscriptionId } = await atRisk();
    const session = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId, subscriptionId } });
    expect(session.status).toBe(201);
    const token = session.body.token as string;
    expect((await h.request("GET", `/v1/customers/${customerId}/profiling-opt-out`, { key: token })).body).toEqual({ customerId, profilingOptOut: false, profilingOptOutAt: null });
    const put = await h.request("PUT", `/v1/customers/${customerId}/profiling-opt-out`, { key: token, body: { profilingOptOut: true } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ customerId, profilingOptOut: true });
    expect(await h.sql("SELECT count(*) AS n FROM risk_features WHERE tenant_id = ? AND customer_id = ?", [t.id, customerId])).toEqual([{ n: 0 }]);
    // Not another customer's.
    expect((await h.request("PUT", `/v1/customers/${uid("C")}/profiling-opt-out`, { key: token, body: { profilingOptOut: true } })).status).toBe(404);
    // Bad input changes nothing.
    expect((await h.request("PUT", `/v1/customers/${customerId}/profiling-opt-out`, { key: token, body: { profilingOptOut: "yes" } })).status).toBe(422);
    const back = await h.request("PUT", `/v1/customers/${customerId}/profiling-opt-out`, { key: token, body: { profilingOptOut: false } });
    expect(back.body.profilingOptOut).toBe(false);
    expect((await h.request("GET", `/v1/subscriptions/${subscriptionId}/risk`, { key: t.key })).body.notScoredReason).toBeNull();
    const exported = await h.request("GET", `/v1/customers/${customerId}/export`, { key: t.key });
    expect(exported.body.consents.profilingOptOutHistory.map((x: { optOut: boolean; source: string }) => [x.optOut, x.source])).toEqual([
      [true, "portal"],
      [false, "portal"],
    ]);
  });

  it("the bulk sync records it too", async () => {
    const { customerId, subscriptionId, phone } = await atRisk();
    const res = await h.request("POST", "/v1/sync", { key: t.key, body: { customers: [{ id: customerId, ...customerBody({ phone, email: null, marketingConsent: true, profilingOptOut: true }) }] } });
    expect(res.status).toBe(200);
    expect((await h.request("GET", `/v1/subscriptions/${subscriptionId}/risk`, { key: t.key })).body.notScoredReason).toBe("profiling_opt_out");
    expect(await h.sql("SELECT count(*) AS n FROM risk_features WHERE tenant_id = ? AND customer_id = ?", [t.id, customerId])).toEqual([{ n: 0 }]);
  });
});
