import { beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

export function idempotencySuite(h: () => Harness) {
  describe("Idempotency-Key", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
    });

    it("replays the first response for the same key and body, applying once", async () => {
      const key = uid("idem");
      const body = { name: "IVR key", scopes: ["read"] };
      const first = await h().request("POST", "/v1/keys", { key: t.key, body, headers: { "idempotency-key": key } });
      expect(first.status).toBe(201);
      const second = await h().request("POST", "/v1/keys", { key: t.key, body: { scopes: ["read"], name: "IVR key" }, headers: { "idempotency-key": key } });
      expect(second.status).toBe(201);
      // The same answer, except the secret: it was shown once and is not kept for replays.
      expect(first.body.secret).toMatch(/^tsz_/);
      expect(second.body).toEqual({ ...first.body, secret: expect.stringMatching(/shown once/) });
      expect(second.text).not.toContain(first.body.secret);
      expect(second.headers.get("idempotent-replayed")).toBe("true");
      const list = await h().request("GET", "/v1/keys?limit=100", { key: t.key });
      expect(list.body.data.filter((k: { name: string }) => k.name === "IVR key")).toHaveLength(1);
    });

    it("a replay carries this request's own X-Request-Id (and so what else middleware set), and a replayed refusal its Content-Language", async () => {
      const key = uid("idem");
      const body = { name: "replayed headers", scopes: ["read"] };
      const first = await h().request("POST", "/v1/keys", { key: t.key, body, headers: { "idempotency-key": key } });
      const second = await h().request("POST", "/v1/keys", { key: t.key, body, headers: { "idempotency-key": key } });
      expect(second.headers.get("idempotent-replayed")).toBe("true");
      expect(second.headers.get("x-request-id")).toMatch(/\S/);
      expect(second.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));

      const refusedKey = uid("idem");
      const path = `/v1/subscriptions/${uid("S-missing")}/skip`;
      const headers = { "idempotency-key": refusedKey, "accept-language": "ja" };
      const refused = await h().request("POST", path, { key: t.key, body: {}, headers });
      const again = await h().request("POST", path, { key: t.key, body: {}, headers });
      expect(refused.status).toBe(404);
      expect(refused.headers.get("content-language")).toBe("ja");
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.headers.get("content-language")).toBe("ja");
      expect(again.body).toEqual(refused.body);
    });

    it("answers 422 idempotency_key_reused for the same key with another body", async () => {
      const key = uid("idem");
      await h().request("POST", "/v1/keys", { key: t.key, body: { name: "a", scopes: ["read"] }, headers: { "idempotency-key": key } });
      const res = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "b", scopes: ["read"] }, headers: { "idempotency-key": key } });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe("idempotency_key_reused");
    });

    it("does not remember a request that failed validation, so a corrected retry runs", async () => {
      const key = uid("idem");
      const bad = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "", scopes: [] }, headers: { "idempotency-key": key } });
      expect(bad.status).toBe(422);
      const fixed = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "fixed", scopes: ["read"] }, headers: { "idempotency-key": key } });
      expect(fixed.status).toBe(201);
    });

    it("20 concurrent identical requests with one key apply once and all get the same answer", async () => {
      const key = uid("idem");
      const body = { name: "racing", scopes: ["write"] };
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => h().request("POST", "/v1/keys", { key: t.key, body, headers: { "idempotency-key": key } })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
      // One answer carries the secret; the replays carry the shown-once note in its place.
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(answers.filter((a) => a.body.secret.startsWith("tsz_"))).toHaveLength(1);
      const list = await h().request("GET", "/v1/keys?limit=100", { key: t.key });
      expect(list.body.data.filter((k: { name: string }) => k.name === "racing")).toHaveLength(1);
    });

    it("replays a PUT, and keys are per tenant", async () => {
      const key = uid("idem");
      const c = uid("C");
      const first = await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody(), headers: { "idempotency-key": key } });
      const other = await h().tenant();
      const theirs = await h().request("PUT", `/v1/customers/${c}`, { key: other.key, body: customerBody(), headers: { "idempotency-key": key } });
      expect(first.status).toBe(201);
      expect(theirs.status).toBe(201);
      expect(theirs.headers.get("idempotent-replayed")).toBeNull();
      const s = uid("S");
      const put = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c), headers: { "idempotency-key": uid("k") } });
      expect(put.headers.get("etag")).toBe('"1"');
    });

    it("does not remember a refused If-Match (412): the refreshed retry with the same key runs", async () => {
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      const s = uid("S");
      const nextDeliveryOn = addDays(localDate(new Date(), "Asia/Tokyo"), 10);
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn }) });
      await h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 2 } }); // now version 2
      const key = uid("idem");
      const stale = await h().request("POST", `/v1/subscriptions/${s}/interval`, { key: t.key, body: { intervalDays: 45 }, headers: { "idempotency-key": key, "if-match": '"1"' } });
      expect(stale.status).toBe(412);
      const retry = await h().request("POST", `/v1/subscriptions/${s}/interval`, { key: t.key, body: { intervalDays: 45 }, headers: { "idempotency-key": key, "if-match": '"2"' } });
      expect(retry.status).toBe(200);
      expect(retry.headers.get("idempotent-replayed")).toBeNull();
      expect(retry.body.subscription).toMatchObject({ intervalDays: 45, version: 3 });
      // The success is remembered as usual.
      const again = await h().request("POST", `/v1/subscriptions/${s}/interval`, { key: t.key, body: { intervalDays: 45 }, headers: { "idempotency-key": key, "if-match": '"2"' } });
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body).toEqual(retry.body);
    });

    it("the subscription sync: a refused If-Match or a customer not yet synced is not remembered", async () => {
      const c = uid("C");
      const s = uid("S");
      const key = uid("idem");
      const early = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c), headers: { "idempotency-key": key } });
      expect(early.status).toBe(422);
      expect(early.body.code).toBe("unknown_customer");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      const created = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c), headers: { "idempotency-key": key } });
      expect(created.status).toBe(201);

      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { quantity: 2 }) }); // version 2
      const key2 = uid("idem");
      const body = subscriptionBody(c, { quantity: 3 });
      const stale = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body, headers: { "idempotency-key": key2, "if-match": '"1"' } });
      expect(stale.status).toBe(412);
      const retry = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body, headers: { "idempotency-key": key2, "if-match": '"2"' } });
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ quantity: 3, version: 3 });
    });

    describe("a plan change, whose key is claimed in its own write", () => {
      const subscription = async () => {
        const c = uid("C");
        await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
        const s = uid("S");
        const nextDeliveryOn = addDays(localDate(new Date(), "Asia/Tokyo"), 20);
        expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn }) })).status).toBe(201);
        return s;
      };

      it("10 concurrent identical skips with one key skip once, and all get the first one's answer", async () => {
        const s = await subscription();
        const key = uid("idem");
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => h().request("POST", `/v1/subscriptions/${s}/skip`, { key: t.key, body: { count: 1 }, headers: { "idempotency-key": key } })),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
        expect(new Set(answers.map((a) => a.text)).size).toBe(1);
        expect(new Set(answers.map((a) => a.headers.get("etag")))).toEqual(new Set(['"2"']));
        const history = await h().request("GET", `/v1/subscriptions/${s}/changes`, { key: t.key });
        expect(history.body.data).toHaveLength(1);
        const now = await h().request("GET", `/v1/subscriptions/${s}`, { key: t.key });
        expect(now.body).toMatchObject({ version: 2, nextDeliveryOn: answers[0]!.body.subscription.nextDeliveryOn });
      });

      it("concurrent retries whose own If-Match the first one made stale get the first one's answer, not 412", async () => {
        const s = await subscription();
        const key = uid("idem");
        const answers = await Promise.all(
          Array.from({ length: 5 }, () =>
            h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 3 }, headers: { "idempotency-key": key, "if-match": '"1"' } }),
          ),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
        expect(new Set(answers.map((a) => a.text)).size).toBe(1);
        expect(answers[0]!.body.subscription).toMatchObject({ quantity: 3, version: 2 });
      });

      it("the same key with another body, sent concurrently: one change applies, the other is refused with 422", async () => {
        const s = await subscription();
        const key = uid("idem");
        const [a, b] = await Promise.all(
          [2, 3].map((quantity) => h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity }, headers: { "idempotency-key": key } })),
        );
        expect([a!.status, b!.status].sort()).toEqual([200, 422]);
        const [won, lost] = a!.status === 200 ? [a!, b!] : [b!, a!];
        expect(lost.body.code).toBe("idempotency_key_reused");
        const now = await h().request("GET", `/v1/subscriptions/${s}`, { key: t.key });
        expect(now.body).toMatchObject({ version: 2, quantity: won.body.subscription.quantity });
        // Later, too: the key answers for the body it was first used with.
        const again = await h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: won.body.subscription.quantity }, headers: { "idempotency-key": key } });
        expect(again.headers.get("idempotent-replayed")).toBe("true");
        expect(again.text).toBe(won.text);
      });

      it("a refusal by the shop's rules is remembered, and a retry replays it", async () => {
        const s = await subscription();
        const key = uid("idem");
        const refused = await h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 50 }, headers: { "idempotency-key": key } });
        expect(refused.status).toBe(422);
        expect(refused.body.code).toBe("quantity_out_of_range");
        const again = await h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 50 }, headers: { "idempotency-key": key } });
        expect(again.headers.get("idempotent-replayed")).toBe("true");
        expect(again.text).toBe(refused.text);
      });
    });

    it("refuses an over-long key", async () => {
      const res = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "x", scopes: ["read"] }, headers: { "idempotency-key": "k".repeat(256) } });
      expect(res.status).toBe(422);
    });
  });
}
