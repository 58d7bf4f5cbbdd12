import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { riskFeatures, webhookDeliveries } from "../../src/db/schema";
import { lookupDocument } from "../../src/lookup/routes";
import { TenantStore } from "../../src/platform/tenancy";
import { refreshRisk } from "../../src/risk/maintain";
import { rescoreStale } from "../../src/risk/rescore";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

describe("refreshRisk keeps one row per subscription current", () => {
  let h: NodeHarness;
  let t: TestTenant;
  let store: TenantStore;
  const customerId = uid("C");

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
    store = new TenantStore(h.db, t.id);
    await h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
    await h.request("PUT", "/v1/webhooks/crm", { key: t.key, body: { url: "https://crm.example.jp/hook", events: ["risk.band_changed"] } });
  });
  afterAll(() => h.close());

  const row = async (id: string) => (await h.db.orm.select().from(riskFeatures).where(eq(riskFeatures.subscriptionId, id)))[0]!;
  const bandEvents = async () =>
    (await h.db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.id))).filter((d) => d.eventType === "risk.band_changed");

  it("signals accumulate in the stored features; a band change queues risk.band_changed in the same write", async () => {
    const id = uid("S");
    await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, { deliveriesCompleted: 12 }) });
    expect((await row(id)).band).toBe("low");
    const at = new Date().toISOString();
    await store.write((s) => refreshRisk(s, id, at, "cancel_flow_started"));
    await store.write((s) => refreshRisk(s, id, at, "cancel_flow_abandoned"));
    const r = await row(id);
    expect(r.features).toMatchObject({ cancelRequestsLast90d: 1, abandonedCancelFlows: 1 });
    expect(r.band).not.toBe("low");
    const events = await bandEvents();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.payload).data).toMatchObject({ subscriptionId: id, previousBand: "low", band: r.band });
  });

  it("a refresh that leaves the band alone queues nothing; an unknown subscription is ignored", async () => {
    const before = (await bandEvents()).length;
    const id = uid("S");
    await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, { deliveriesCompleted: 12 }) });
    await store.write((s) => refreshRisk(s, id, new Date().toISOString()));
    await store.write((s) => refreshRisk(s, "no-such-subscription", new Date().toISOString(), "skip"));
    expect((await bandEvents()).length).toBe(before);
  });

  it("the periodic job re-scores rows older than a day", async () => {
    const id = uid("S");
    await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId) });
    const later = new Date(Date.now() + 2 * 86_400_000);
    expect(await rescoreStale(h.db, later, 10_000)).toBeGreaterThan(0);
    expect((await row(id)).computedAt).toBe(later.toISOString());
    expect(await rescoreStale(h.db, later, 10_000)).toBe(0);
  });

  it("the lookup's document reads the same through a TenantStore as with the key check, and only this tenant's rows", async () => {
    const doc = JSON.parse(String(await store.scalar((tenant) => lookupDocument(tenant, { phone: "+819012345678" }))));
    expect(doc.customers).toHaveLength(1);
    expect(doc.customers[0]).toMatchObject({ id: customerId, phone: "+819012345678" });
    expect(doc.customers[0].subs.length).toBeGreaterThan(0);
    const other = new TenantStore(h.db, (await h.tenant()).id);
    expect(JSON.parse(String(await other.scalar((tenant) => lookupDocument(tenant, { phone: "+819012345678" })))).customers).toEqual([]);
  });
});
