import { beforeAll, describe, expect, it } from "vitest";
import { LookupResponse } from "../../src/lookup/schemas";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

export function lookupSuite(h: () => Harness) {
  describe("lookup (IVR / operator data dip)", () => {
    let t: TestTenant;
    let customerId: string;
    let subscriptionId: string;
    const today = () => localDate(new Date(), "Asia/Tokyo");
    const lookup = (query: string, headers: Record<string, string> = {}) => h().request("GET", `/v1/lookup?${query}`, { key: t.key, headers });

    beforeAll(async () => {
      t = await h().tenant();
      customerId = uid("C");
      subscriptionId = uid("S");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody({ name: "佐藤 花子", phone: "090-1234-5678", email: "Hanako.Sato@example.jp" }) });
      await h().request("PUT", `/v1/subscriptions/${subscriptionId}`, {
        key: t.key,
        body: subscriptionBody(customerId, { deliveriesCompleted: 12, nextDeliveryOn: addDays(today(), 1) }),
      });
    });

    it("finds the customer from any form of the phone number a caller-ID or a person gives", async () => {
      for (const form of ["09012345678", "090-1234-5678", "０９０－１２３４－５６７８", "+81 90 1234 5678", "+819012345678", "819012345678", "9012345678"]) {
        const res = await lookup(`phone=${encodeURIComponent(form)}`);
        expect(res.status, form).toBe(200);
        expect(res.body.customer.id, form).toBe(customerId);
      }
    });

    it("answers the customer, subscriptions with next delivery, risk, route and speech in one call", async () => {
      const res = await lookup("phone=09012345678", { "accept-language": "ja" });
      expect(LookupResponse.safeParse(res.body).success).toBe(true);
      expect(res.body.subscriptions).toEqual([expect.objectContaining({ id: subscriptionId, nextDeliveryOn: addDays(today(), 1), status: "active" })]);
      expect(res.body.risk).toMatchObject({ subscriptionId, band: "low" });
      expect(res.body.route).toBe("self_service");
      expect(res.body.nextBestAction).toBeNull();
      expect(res.body.language).toBe("ja");
      expect(res.body.speech).toBe("佐藤 花子様、次回の国産大麦若葉の青汁 30包のお届けは明日の予定です。");
      const en = await lookup("phone=09012345678", { "accept-language": "en-US,en;q=0.9" });
      expect(en.body.language).toBe("en");
      expect(en.body.speech).toMatch(/^Hello 佐藤 花子\. Your next .*delivery is tomorrow\.$/);
      expect(en.body.speech.length).toBeLessThanOrEqual(140);
    });

    it("finds by email, case-insensitively", async () => {
      const res = await lookup(`email=${encodeURIComponent("hanako.sato@EXAMPLE.jp")}`);
      expect(res.status).toBe(200);
      expect(res.body.customer.id).toBe(customerId);
    });

    it("a caller at high risk gets a next best action and goes to a specialist when worth it", async () => {
      const cid = uid("C");
      const sid = uid("S");
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ name: "田中 太郎", phone: "080-2222-3333", email: null }) });
      await h().request("PUT", `/v1/subscriptions/${sid}`, {
        key: t.key,
        body: subscriptionBody(cid, { deliveriesCompleted: 1, unitPrice: { amount: 9800, currency: "JPY" }, nextDeliveryOn: addDays(today(), 12) }),
      });
      await h().request("POST", "/v1/events", {
        key: t.key,
        body: { events: [{ id: uid("e"), type: "usage.reported", customerId: cid, subscriptionId: sid, occurredAt: new Date().toISOString(), data: { remainingUnits: 3 } }] },
      });
      const res = await lookup("phone=8022223333");
      expect(res.status).toBe(200);
      expect(res.body.risk.band).toBe("high");
      expect(res.body.route).toBe("retention_specialist");
      expect(res.body.nextBestAction).toMatchObject({ subscriptionId: sid, type: expect.any(String) });
      expect([...res.body.speech].length).toBeLessThanOrEqual(60);
    });

    it("no match → 404 customer_not_found; a shared number → 409 ambiguous_customer with ids only", async () => {
      const none = await lookup("phone=07099998888");
      expect(none.status).toBe(404);
      expect(none.body.code).toBe("customer_not_found");

      const u = await h().tenant();
      const [a, b] = [uid("C"), uid("C")];
      await h().request("PUT", `/v1/customers/${a}`, { key: u.key, body: customerBody({ name: "山田 一郎", phone: "03-1234-5678" }) });
      await h().request("PUT", `/v1/customers/${b}`, { key: u.key, body: customerBody({ name: "山田 二郎", phone: "0312345678" }) });
      const res = await h().request("GET", "/v1/lookup?phone=0312345678", { key: u.key });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("ambiguous_customer");
      expect([...res.body.candidates].sort()).toEqual([a, b].sort());
      expect(res.text).not.toContain("山田");
    });

    it("exactly one of phone and email, and a readable number → otherwise 422", async () => {
      for (const q of ["", "phone=09012345678&email=a%40b.jp", "phone=abc"]) {
        const res = await lookup(q);
        expect(res.status, q).toBe(422);
        expect(res.body.code, q).toBe("validation_failed");
      }
    });

    it("needs a key; a read key is enough", async () => {
      expect((await h().request("GET", "/v1/lookup?phone=09012345678", { key: null })).status).toBe(401);
      expect((await h().request("GET", "/v1/lookup?phone=09012345678", { key: await t.keyWith(["read"]) })).status).toBe(200);
    });
  });
}
