import { beforeAll, describe, expect, it } from "vitest";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

const MARKER = "テナントAだけの秘密";
const URL_MARKER = "tenant-a-secret";

const offerBody = (title: string) => ({
  type: "skip",
  parameters: { mode: "skip", count: 1 },
  copy: { title: { ja: title, en: "Skip once" }, description: { ja: "{skippedDeliveryOn}をお休み", en: "We skip {skippedDeliveryOn}" } },
  eligibility: { reasons: ["other"] },
});

/**
 * Tries every operation in the OpenAPI document with tenant B's all-scope key against tenant A's
 * ids. New routes are covered automatically; a new path parameter must be added to `ids` below.
 */
export function crossTenantSuite(h: () => Harness) {
  describe("tenant isolation, route by route", () => {
    let a: TestTenant;
    let b: TestTenant;
    const ids: Record<string, string> = {};
    let operations: { method: string; path: string; operationId: string }[] = [];

    const snapshot = async () => {
      const parts = await Promise.all([
        h().request("GET", `/v1/customers/${ids.customerId}`, { key: a.key }),
        h().request("GET", `/v1/subscriptions/${ids.subscriptionId}`, { key: a.key }),
        h().request("GET", `/v1/customers/${ids.customerId}/subscriptions`, { key: a.key }),
        h().request("GET", `/v1/keys?limit=100`, { key: a.key }),
        h().request("GET", `/v1/subscriptions/${ids.subscriptionId}/changes`, { key: a.key }),
        h().request("GET", `/v1/webhooks/${ids.webhookId}`, { key: a.key }),
        h().request("GET", `/v1/settings`, { key: a.key }),
        h().request("GET", `/v1/offers`, { key: a.key }),
        h().request("GET", `/v1/cancel-flows/${ids.flowId}`, { key: a.key }),
        h().request("GET", `/v1/cancellation-reasons`, { key: a.key }),
        h().request("GET", `/v1/knowledge/${ids.entryId}`, { key: a.key }),
      ]);
      return parts.map((p) => p.text.replace(/"lastUsedAt":"[^"]*"/g, "")).join("\n");
    };

    beforeAll(async () => {
      a = await h().tenant();
      b = await h().tenant();
      ids.customerId = uid("C");
      ids.subscriptionId = uid("S");
      await h().request("PUT", `/v1/customers/${ids.customerId}`, { key: a.key, body: customerBody({ name: MARKER }) });
      await h().request("PUT", `/v1/subscriptions/${ids.subscriptionId}`, {
        key: a.key,
        body: subscriptionBody(ids.customerId, { product: { sku: "SECRET", name: MARKER } }),
      });
      const key = await h().request("POST", "/v1/keys", { key: a.key, body: { name: MARKER, scopes: ["read"] } });
      ids.keyId = key.body.id;
      ids.webhookId = "crm";
      await h().request("PUT", `/v1/webhooks/${ids.webhookId}`, {
        key: a.key,
        body: { url: `https://${URL_MARKER}.example.jp/hook`, events: ["subscription.changed"] },
      });
      await h().request("PATCH", "/v1/settings", { key: a.key, body: { changeCutoffDays: 5 } });
      ids.offerId = "off_tenant_a_only";
      await h().request("PUT", `/v1/offers/${ids.offerId}`, { key: a.key, body: offerBody(MARKER) });
      // A change queues a delivery to A's webhook: its id stands for {deliveryId}.
      await h().request("POST", `/v1/subscriptions/${ids.subscriptionId}/quantity`, { key: a.key, body: { quantity: 2 } });
      const deliveries = await h().request("GET", `/v1/webhooks/${ids.webhookId}/deliveries`, { key: a.key });
      ids.deliveryId = deliveries.body.data[0]?.id ?? "evt_none";
      const flow = await h().request("POST", `/v1/subscriptions/${ids.subscriptionId}/cancel-flows`, { key: a.key, body: { channel: "web" } });
      ids.flowId = flow.body.flowId;
      ids.entryId = "kb-tenant-a-only";
      await h().request("PUT", `/v1/knowledge/${ids.entryId}`, { key: a.key, body: knowledgeBody(MARKER) });
      const session = await h().request("POST", "/v1/customer-sessions", { key: a.key, body: { customerId: ids.customerId } });
      ids.sessionId = session.body.id;
      const doc = (await h().request("GET", "/openapi.json")).body;
      for (const [path, item] of Object.entries<Record<string, { operationId: string; security?: unknown[] }>>(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          if (op.security?.length) operations.push({ method: method.toUpperCase(), path, operationId: op.operationId });
        }
      }
    });

    const knowledgeBody = (title: string) => ({ title: { ja: title, en: title }, body: { ja: title, en: title }, category: null, topic: "policy", reasons: ["other"] });

    const bodies: Record<string, (ids: Record<string, string>) => unknown> = {
      upsertCustomer: () => customerBody({ name: "Bの顧客" }),
      upsertSubscription: (i) => subscriptionBody(i.customerId!),
      bulkSync: (i) => ({ subscriptions: [{ id: i.subscriptionId, ...subscriptionBody(i.customerId!, { product: { sku: "B", name: "Bの商品" } }) }] }),
      createKey: () => ({ name: "b", scopes: ["read"] }),
      putWebhook: () => ({ url: "https://b.example.jp/hook", events: ["subscription.canceled"] }),
      updateSettings: () => ({ changeCutoffDays: 1 }),
      skipDeliveries: () => ({ count: 1 }),
      putOffer: () => offerBody("Bのお休み"),
      putKnowledgeEntry: () => knowledgeBody("Bのナレッジ"),
      createConsoleSession: () => ({ operatorId: "op-b", operatorName: "Bの担当" }),
      putCancellationReasons: () => ({ reasons: [{ code: "other", label: { ja: "その他", en: "Other" } }] }),
      startCancelFlow: () => ({ channel: "web" }),
      giveCancelReason: () => ({ reason: "other" }),
      acceptCancelOffer: () => ({ offerId: "off_skip_next" }),
      confirmCancellation: () => ({ acknowledgeFee: true }),
      reactivateSubscription: () => ({}),
      createCustomerSession: (i) => ({ customerId: i.customerId }),
      pauseSubscription: () => ({ cycles: 1 }),
      resumeSubscription: () => ({}),
      changeQuantity: () => ({ quantity: 2 }),
      changeInterval: () => ({ intervalDays: 45 }),
      moveNextDelivery: () => ({ date: "2099-01-01" }),
      putProfilingOptOut: () => ({ profilingOptOut: true }),
      ingestEvents: (i) => ({
        events: [{ id: uid("e"), type: "usage.reported", customerId: i.customerId, subscriptionId: i.subscriptionId, occurredAt: "2026-11-20T00:00:00Z", data: { remainingUnits: 1 } }],
      }),
    };

    it("the document has operations to try", () => {
      expect(operations.length).toBeGreaterThanOrEqual(7);
    });

    it("tenant A's customer cannot be referenced by tenant B's writes", async () => {
      const sub = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: b.key, body: subscriptionBody(ids.customerId!) });
      expect(sub.body.code).toBe("unknown_customer");
      const events = await h().request("POST", "/v1/events", { key: b.key, body: bodies.ingestEvents!(ids) });
      expect(events.body.results[0].error.code).toBe("unknown_customer");
    });

    it("no operation lets tenant B read or change tenant A's data", async () => {
      const before = await snapshot();
      // Upserts last: a PUT by B legitimately creates B's own record under the same id.
      const order = (m: string) => ["GET", "DELETE", "POST", "PATCH", "PUT"].indexOf(m);
      for (const op of [...operations].sort((x, y) => order(x.method) - order(y.method))) {
        const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
          if (!ids[name]) throw new Error(`cross-tenant suite: give path parameter {${name}} of ${op.operationId} an id of tenant A`);
          return ids[name]!;
        });
        const body = op.method === "GET" || op.method === "DELETE" ? undefined : (bodies[op.operationId]?.(ids) ?? {});
        const res = await h().request(op.method, path, { key: b.key, body });
        const label = `${op.method} ${op.path} (${op.operationId}) → ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.text, label).not.toContain(MARKER);
        expect(res.text, label).not.toContain(URL_MARKER);
        expect(res.status, label).not.toBe(500);
        if (op.method === "GET" && /\{\w+\}/.test(op.path)) expect(res.status, label).toBe(404);
        if (op.method === "DELETE") expect(res.status, label).toBe(404);
        if (op.method === "POST" && op.path.startsWith("/v1/subscriptions/{subscriptionId}/")) expect(res.status, label).toBe(404);
      }
      expect(await snapshot()).toBe(before);
    });
  });
}
