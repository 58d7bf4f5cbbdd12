import { beforeAll, describe, expect, it } from "vitest";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

export function syncSuite(h: () => Harness) {
  describe("bulk sync", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
    });

    it("applies customers before subscriptions in one request, and reports every item", async () => {
      const [c1, c2, s1, s2] = [uid("C"), uid("C"), uid("S"), uid("S")];
      const res = await h().request("POST", "/v1/sync", {
        key: t.key,
        body: {
          // Subscriptions listed first and naming customers of the same batch: customers still go first.
          subscriptions: [{ id: s1, ...subscriptionBody(c1) }, { id: s2, ...subscriptionBody(c2, { quantity: 2 }) }],
          customers: [{ id: c1, ...customerBody() }, { id: c2, ...customerBody({ phone: "03-1234-5678" }) }],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ applied: 4, refused: 0, notProcessed: 0 });
      expect(res.body.results.map((r: { kind: string; id: string; status: number }) => [r.kind, r.id, r.status])).toEqual([
        ["customer", c1, 201],
        ["customer", c2, 201],
        ["subscription", s1, 201],
        ["subscription", s2, 201],
      ]);
      const read = await h().request("GET", `/v1/subscriptions/${s2}`, { key: t.key });
      expect(read.body).toMatchObject({ customerId: c2, quantity: 2, version: 1 });
      const again = await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: s2, ...subscriptionBody(c2, { quantity: 2 }) }] } });
      expect(again.body.results[0]).toMatchObject({ result: "applied", status: 200, changed: false });
    });

    it("refuses a bad item alone, with its path; its subscriptions are not processed; the rest is applied", async () => {
      const [good, bad, sGood, sOrphan, sBad] = [uid("C"), uid("C"), uid("S"), uid("S"), uid("S")];
      const res = await h().request("POST", "/v1/sync", {
        key: t.key,
        body: {
          customers: [{ id: good, ...customerBody() }, { id: bad, ...customerBody({ phone: "12" }) }, { name: "no id" }],
          subscriptions: [
            { id: sGood, ...subscriptionBody(good) },
            { id: sOrphan, ...subscriptionBody(bad) },
            { id: sBad, ...subscriptionBody(good, { intervalDays: 0 }) },
            { id: uid("S"), ...subscriptionBody(uid("C-unknown")) },
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ applied: 2, refused: 4, notProcessed: 1 });
      const [, badCustomer, noId, , orphan, badSub, unknown] = res.body.results;
      expect(badCustomer).toMatchObject({ kind: "customer", id: bad, result: "refused", status: 422, error: { code: "validation_failed" } });
      expect(noId).toMatchObject({ id: null, result: "refused", error: { errors: [{ path: "customers.2.id" }] } });
      expect(orphan).toMatchObject({ id: sOrphan, result: "not_processed", status: 424 });
      expect(badSub.error.errors[0].path).toBe("subscriptions.2.intervalDays");
      expect(unknown).toMatchObject({ result: "refused", status: 422, error: { code: "unknown_customer" } });
      expect((await h().request("GET", `/v1/customers/${bad}`, { key: t.key })).status).toBe(404);
      expect((await h().request("GET", `/v1/subscriptions/${sOrphan}`, { key: t.key })).status).toBe(404);
      expect((await h().request("GET", `/v1/subscriptions/${sGood}`, { key: t.key })).status).toBe(200);
    });

    it("takes up to 1,000 items and up to 4 MiB, and refuses more", async () => {
      const customers = Array.from({ length: 1000 }, (_, i) => ({ id: `${uid("C")}-${i}`, ...customerBody({ name: "佐".repeat(200) }) }));
      // ≈ 2 MB with white space between members: over the 1 MiB of other requests, under 4 MiB.
      const rawBody = JSON.stringify({ customers }).replace(/,"/g, `,${" ".repeat(150)}"`);
      expect(rawBody.length).toBeGreaterThan(1024 * 1024);
      const big = await h().request("POST", "/v1/sync", { key: t.key, rawBody, headers: { "content-type": "application/json" } });
      expect(big.status).toBe(200);
      expect(big.body.applied).toBe(1000);
      const over = await h().request("POST", "/v1/sync", { key: t.key, body: { customers, subscriptions: [{ id: uid("S"), ...subscriptionBody(customers[0]!.id) }] } });
      expect(over.status).toBe(422);
      expect(over.body.code).toBe("validation_failed");
      const huge = await h().request("POST", "/v1/sync", { key: t.key, headers: { "content-type": "application/json" }, rawBody: JSON.stringify({ customers: [{ id: "C-x", name: "x".repeat(5 * 1024 * 1024) }] }) });
      expect(huge.status).toBe(413);
      const empty = await h().request("POST", "/v1/sync", { key: t.key, body: {} });
      expect(empty.status).toBe(422);
    });

    it("needs the write scope", async () => {
      const res = await h().request("POST", "/v1/sync", { key: await t.keyWith(["read"]), body: { customers: [{ id: uid("C") }] } });
      expect(res.status).toBe(403);
    });
  });
}
