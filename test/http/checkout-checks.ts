import { beforeAll, describe, expect, it } from "vitest";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

/** 初回だけ解約 at checkout: the shop's server asks before the order exists. */
export function checkoutChecksSuite(h: () => Harness) {
  describe("checkout checks", () => {
    let t: TestTenant;
    const check = (body: unknown, key = t.key, headers?: Record<string, string>) => h().request("POST", "/v1/checkout-checks", { key, body, headers });

    beforeAll(async () => {
      t = await h().tenant();
      // Someone who took the discounted first delivery and cancelled, twice, under two customer ids.
      const first = uid("C");
      await h().request("PUT", `/v1/customers/${first}`, {
        key: t.key,
        body: customerBody({ name: "初回 太郎", phone: "080-5555-0101", email: "Quick.Quit@Example.jp", postalCode: "〒150-0041", address: "東京都渋谷区神南一丁目2番3号 サンハイツ101号室" }),
      });
      const second = uid("C");
      await h().request("PUT", `/v1/customers/${second}`, { key: t.key, body: customerBody({ name: "初回 次郎", phone: null, email: "other@example.jp", postalCode: "150-0041", address: "渋谷区神南1-2-3" }) });
      const loyal = uid("C");
      await h().request("PUT", `/v1/customers/${loyal}`, { key: t.key, body: customerBody({ phone: "080-5555-0202", email: "loyal@example.jp" }) });
      await h().request("PUT", `/v1/subscriptions/${uid("S")}`, {
        key: t.key,
        body: subscriptionBody(first, { status: "canceled", deliveriesCompleted: 1, startedAt: "2026-03-01T00:00:00Z" }),
      });
      await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(second, { status: "canceled", deliveriesCompleted: 0 }) });
      await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(loyal, { deliveriesCompleted: 12 }) });
    });

    it("flags a returning first-delivery canceller by phone in any form, with counts and dates only", async () => {
      const res = await check({ phone: "０８０５５５５０１０１" });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        flags: ["first_delivery_canceller"],
        evidence: { matchedOn: ["phone"], earlierSubscriptions: 1, canceledAfterAtMostOneDelivery: 1 },
        suggestedAction: { code: "no_first_order_discount" },
      });
      expect(res.text).not.toMatch(/C-|S-|初回 太郎/);
    });

    it("matches on the normalised e-mail, and on postal code plus the folded address line", async () => {
      expect((await check({ email: " quick.quit@example.JP " })).body.flags).toEqual(["first_delivery_canceller"]);
      const byAddress = await check({ postalCode: "150-0041", address: "東京都渋谷区神南１－２－３" });
      expect(byAddress.body.evidence).toMatchObject({ matchedOn: ["address"], earlierSubscriptions: 2, canceledAfterAtMostOneDelivery: 2 });
      // Another house on the same street, or the same line in another postal code, is someone else.
      expect((await check({ postalCode: "150-0041", address: "渋谷区神南1-2-4" })).body.flags).toEqual([]);
      expect((await check({ postalCode: "150-0042", address: "渋谷区神南1-2-3" })).body.flags).toEqual([]);
    });

    it("does not flag a loyal customer or a new shopper, and answers in the caller's language", async () => {
      const loyal = await check({ phone: "080-5555-0202" }, t.key, { "accept-language": "en" });
      expect(loyal.body).toMatchObject({ flags: [], evidence: { earlierSubscriptions: 1, canceledAfterAtMostOneDelivery: 0 }, suggestedAction: { code: "none", text: "No special handling needed." } });
      expect((await check({ email: "new@example.jp" })).body).toMatchObject({ flags: [], evidence: { matchedOn: [], earlierSubscriptions: 0 } });
    });

    it("refuses bad input with 422 naming the field, needs a read key, and is for servers only", async () => {
      expect((await check({})).status).toBe(422);
      expect((await check({ phone: "12" })).body.errors[0].path).toBe("phone");
      expect((await check({ postalCode: "15-41" })).body.errors[0].path).toBe("postalCode");
      expect((await check({ address: "渋谷区神南1-2-3" })).body.errors[0].path).toBe("postalCode");
      expect((await check({ phone: "080-5555-0101" }, await t.keyWith(["read"]))).status).toBe(200);
      expect((await check({ phone: "080-5555-0101" }, await t.keyWith(["write"]))).status).toBe(403);
    });

    it("writes nothing, even with an Idempotency-Key: a repeat is answered afresh", async () => {
      const idem = uid("idem");
      const first = await check({ phone: "080-5555-0101" }, t.key, { "idempotency-key": idem });
      const second = await check({ email: "loyal@example.jp" }, t.key, { "idempotency-key": idem });
      expect(first.status).toBe(200);
      expect(second.status).toBe(200); // not 422 idempotency_key_reused: nothing was stored
      expect(second.headers.get("idempotent-replayed")).toBeNull();
    });
  });
}
