import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerExport } from "../../src/data-rights/schemas";
import { customerBody, RECEIVER_SECRET, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// A disclosure request (個人情報保護法 §33, CCPA right to know) answers everything held about the
// person: also what was sent about them to whom (第三者提供記録), who read their data, and why they
// were profiled in words they can read. Every answer here is held to openapi.json by the harness.
describe("the customer export: what was given to whom, who read it, and the reasons in words", () => {
  let h: NodeHarness;
  let t: TestTenant;
  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
    await h.request("PUT", "/v1/webhooks/crm", { key: t.key, body: { url: `${h.receiverUrl}/hook`, secret: RECEIVER_SECRET, events: ["subscription.changed", "cancel_flow.saved"] } });
  });
  afterAll(() => h.close());

  it("lists each webhook delivery about the person (endpoint host, event, time, status, body) and the audit entries naming them", async () => {
    const c = uid("C");
    const s = uid("S");
    const other = uid("C");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ name: "開示 花子" }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
    await h.request("PUT", `/v1/customers/${other}`, { key: t.key, body: customerBody({ name: "他人 次郎" }) });
    await h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(other) });
    expect((await h.request("POST", `/v1/subscriptions/${s}/skip`, { key: t.key, body: { count: 1 } })).status).toBe(200);
    const session = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: c } });
    expect(session.status).toBe(201);
    await h.maintain(); // the dispatcher sends the skip's subscription.changed
    expect((await h.request("GET", `/v1/customers/${other}/export`, { key: t.key })).status).toBe(200);
    expect((await h.request("GET", `/v1/customers/${c}/export`, { key: t.key })).status).toBe(200);

    const res = await h.request("GET", `/v1/customers/${c}/export`, { key: t.key });
    expect(res.status).toBe(200);
    expect(CustomerExport.safeParse(res.body).success).toBe(true);
    // Instants are UTC; the document says in which zone its dates (and the customer's day) are.
    expect(res.body.timeZone).toBe((await h.request("GET", "/v1/settings", { key: t.key })).body.timeZone);
    const host = new URL(h.receiverUrl).host;
    expect(res.body.webhookDeliveries).toEqual([
      expect.objectContaining({ webhookId: "crm", host, eventType: "subscription.changed", status: "delivered", deliveredAt: expect.any(String), payload: expect.objectContaining({ type: "subscription.changed" }) }),
    ]);
    expect(res.body.webhookDeliveries[0].payload.data.subscription.id).toBe(s);
    // Who read the person's data: the first export (not the other customer's entries); the session is listed as such.
    const actions = res.body.auditEntries.map((e: { action: string; target: { id: string } }) => [e.action, e.target.id]);
    expect(actions).toEqual([["customer.exported", c]]);
    expect(res.body.customerSessions.map((x: { id: string }) => x.id)).toEqual([session.body.id]);
    expect(JSON.stringify(res.body.auditEntries)).not.toContain(other);
  }, 60_000); // a maintenance pass with a real delivery: slow on a loaded machine

  it("the risk and win-back estimates carry their drivers' labels in the caller's language, as the risk endpoint shows them, and the inputs they were computed from", async () => {
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ name: "理由 読子" }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
    await h.request("POST", "/v1/events", {
      key: t.key,
      body: { events: [{ id: uid("e"), type: "survey.answered", customerId: c, occurredAt: new Date().toISOString(), data: { nps: 2 } }] },
    });
    const flow = await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: { channel: "web" } });
    expect((await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { acknowledgeFee: true } })).body.outcome).toBe("canceled");

    const risk = await h.request("GET", `/v1/subscriptions/${s}/risk`, { key: t.key, headers: { "accept-language": "ja" } });
    const res = await h.request("GET", `/v1/customers/${c}/export`, { key: t.key, headers: { "accept-language": "ja" } });
    expect(res.status).toBe(200);
    const drivers = res.body.risk[0].drivers as { code: string; label: string }[];
    expect(drivers.length).toBeGreaterThan(0);
    expect(drivers).toEqual(risk.body.drivers);
    expect(drivers.find((d) => d.code === "low_nps")?.label).toBe("満足度が低い（NPS 2）");
    // The inputs the estimates were computed from: the profile held about the person.
    expect(res.body.risk[0].features).toMatchObject({ lastNps: 2, deliveriesCompleted: expect.any(Number) });
    expect(Object.keys(res.body.winbacks[0].features).length).toBeGreaterThan(0);
    const winback = res.body.winbacks[0].drivers as { code: string; label: string }[];
    expect(winback.length).toBeGreaterThan(0);
    for (const d of winback) expect(d.label).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    const en = await h.request("GET", `/v1/customers/${c}/export`, { key: t.key, headers: { "accept-language": "en" } });
    expect(en.body.risk[0].drivers.find((d: { code: string }) => d.code === "low_nps").label).toMatch(/NPS 2/);
    expect(en.body.risk[0].drivers.find((d: { code: string }) => d.code === "low_nps").label).not.toMatch(/満足度/);
  });
});
