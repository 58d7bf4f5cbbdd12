import { beforeAll, describe, expect, it } from "vitest";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

export function subscriptionsSuite(h: () => Harness) {
  describe("subscriptions", () => {
    let t: TestTenant;
    let customerId: string;
    beforeAll(async () => {
      t = await h().tenant();
      customerId = uid("C");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
    });

    it("creates a subscription and reads it back with version, ETag and empty state", async () => {
      const id = uid("S");
      const body = subscriptionBody(customerId, { commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } } });
      const created = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body });
      expect(created.status).toBe(201);
      expect(created.headers.get("etag")).toBe('"1"');
      const read = await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        id,
        customerId,
        product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" },
        quantity: 1,
        intervalDays: 30,
        nextDeliveryOn: body.nextDeliveryOn,
        unitPrice: { amount: 3980, currency: "JPY" },
        status: "active",
        deliveriesCompleted: 6,
        commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } },
        version: 1,
        pausedUntil: null,
        activeDiscount: null,
        canceledAt: null,
        cancellation: null,
      });
    });

    it("refuses a currency ISO 4217 does not list (XYZ: the shape of a code, no currency), naming the field in the caller's language; a real one other than the shop's (USD) is taken", async () => {
      const t = await h().tenant();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      const fake = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(c, { unitPrice: { amount: 3980, currency: "XYZ" } }), headers: { "Accept-Language": "ja" } });
      expect(fake.status).toBe(422);
      expect(fake.body).toMatchObject({ code: "validation_failed", errors: [{ path: "unitPrice.currency", message: "\"XYZ\": ISO 4217 にない通貨コードです（JPY・USD・EUR など）" }] });
      const usd = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(c, { unitPrice: { amount: 4900, currency: "USD" } }) });
      expect(usd.status).toBe(201);
    });

    it("refuses absurd figures (a price past ¥10,000,000, 1,000 boxes, 10,001 deliveries) naming each field, and at the largest accepted ones the risk and the at-risk list answer the same revenue at risk", async () => {
      const own = await h().tenant(); // its at-risk list holds only this test's subscription
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody() });
      const absurd = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, {
        key: own.key,
        body: subscriptionBody(c, { quantity: 1000, unitPrice: { amount: 9007199254740991, currency: "JPY" }, deliveriesCompleted: 100000000, commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 10_000_001, currency: "JPY" } } }),
      });
      expect(absurd.status).toBe(422);
      expect(absurd.body.code).toBe("validation_failed");
      expect(absurd.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["commitment.earlyCancellationFee.amount", "deliveriesCompleted", "quantity", "unitPrice.amount"]);
      expect(absurd.body.errors.find((e: { path: string }) => e.path === "unitPrice.amount").message).toBe("9007199254740991: must be at most 10000000");

      const id = uid("S");
      // Every 1 day, 999 boxes at ¥10,000,000, stock piling up: the largest year there is (≈ 3.6 × 10^12).
      const put = await h().request("PUT", `/v1/subscriptions/${id}`, {
        key: own.key,
        body: subscriptionBody(c, { quantity: 999, intervalDays: 1, unitPrice: { amount: 10_000_000, currency: "JPY" }, deliveriesCompleted: 10_000 }),
      });
      expect(put.status).toBe(201);
      await h().request("POST", "/v1/events", { key: own.key, body: { events: [{ id: uid("evt"), type: "usage.reported", customerId: c, subscriptionId: id, occurredAt: new Date(Date.now() - 3_600_000).toISOString(), data: { remainingUnits: 900_000 } }] } });
      const risk = await h().request("GET", `/v1/subscriptions/${id}/risk`, { key: own.key });
      const list = await h().request("GET", "/v1/risk/at-risk?limit=100", { key: own.key });
      const listed = list.body.data.find((r: { subscriptionId: string }) => r.subscriptionId === id);
      expect(Number.isSafeInteger(risk.body.revenueAtRisk.amount)).toBe(true);
      expect(risk.body.revenueAtRisk.amount).toBeGreaterThan(0);
      expect(listed.revenueAtRisk).toEqual(risk.body.revenueAtRisk);
    });

    it("answers 422 naming customerId when the customer does not exist, and writes nothing", async () => {
      const id = uid("S");
      const res = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody("C-missing") });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: "unknown_customer", errors: [{ path: "customerId" }] });
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).status).toBe(404);
    });

    it("moves version only on a real change and refuses a stale If-Match with 412", async () => {
      const id = uid("S");
      await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId) });
      const same = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId) });
      expect(same.body.version).toBe(1);
      const changed = await h().request("PUT", `/v1/subscriptions/${id}`, {
        key: t.key,
        body: subscriptionBody(customerId, { quantity: 2 }),
        headers: { "if-match": '"1"' },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.version).toBe(2);
      const stale = await h().request("PUT", `/v1/subscriptions/${id}`, {
        key: t.key,
        body: subscriptionBody(customerId, { quantity: 3 }),
        headers: { "if-match": '"1"' },
      });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ code: "version_conflict", currentVersion: 2 });
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body.quantity).toBe(2);
    });

    it("refuses a weak If-Match tag even when it names the current version (strong comparison, RFC 9110 §13.1.1)", async () => {
      const id = uid("S");
      await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId) });
      const weak = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, { quantity: 2 }), headers: { "if-match": 'W/"1"' } });
      expect(weak.status).toBe(412);
      expect(weak.body).toMatchObject({ code: "version_conflict", currentVersion: 1 });
      const strong = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, { quantity: 2 }), headers: { "if-match": 'W/"1", "1"' } });
      expect(strong.status).toBe(200);
      expect(strong.body.version).toBe(2);
    });

    it("records a cancellation time for a canceled sync and clears the next delivery", async () => {
      const id = uid("S");
      const res = await h().request("PUT", `/v1/subscriptions/${id}`, {
        key: t.key,
        body: subscriptionBody(customerId, { status: "canceled", canceledAt: "2026-10-01T03:00:00Z" }),
      });
      expect(res.body).toMatchObject({ status: "canceled", canceledAt: "2026-10-01T03:00:00.000Z", nextDeliveryOn: null });
    });

    it("lists a customer's subscriptions page by page", async () => {
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      const ids = [uid("S"), uid("S"), uid("S")];
      for (const id of ids) await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(c) });
      const first = await h().request("GET", `/v1/customers/${c}/subscriptions?limit=2`, { key: t.key });
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(2);
      const second = await h().request("GET", `/v1/customers/${c}/subscriptions?limit=2&cursor=${first.body.nextCursor}`, { key: t.key });
      expect(second.body.nextCursor).toBeNull();
      expect([...first.body.data, ...second.body.data].map((s: { id: string }) => s.id)).toEqual([...ids].sort());
      expect((await h().request("GET", "/v1/customers/C-nobody/subscriptions", { key: t.key })).body.code).toBe("customer_not_found");
    });

    it("rejects impossible values with every field named", async () => {
      const res = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, {
        key: t.key,
        body: subscriptionBody(customerId, { quantity: 0, intervalDays: "30", unitPrice: { amount: 39.8, currency: "yen" }, nextDeliveryOn: "2026-02-30" }),
      });
      expect(res.status).toBe(422);
      const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
      expect(paths).toEqual(["intervalDays", "nextDeliveryOn", "quantity", "unitPrice.amount", "unitPrice.currency"]);
    });
  });
}
