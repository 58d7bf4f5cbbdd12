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

    it("refuses an over-long key", async () => {
      const res = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "x", scopes: ["read"] }, headers: { "idempotency-key": "k".repeat(256) } });
      expect(res.status).toBe(422);
    });
  });
}
