import { beforeAll, describe, expect, it } from "vitest";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

/**
 * A client can PUT what it GOT: every resource's GET answer, sent back whole (read-only fields
 * included), is accepted and changes nothing; an edited copy changes only what was edited; an
 * `id` other than the path's is refused.
 */
export function roundTripSuite(h: () => Harness) {
  describe("GET, edit, PUT: what a read answers can be sent back", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
    });

    /** PUT `path` with what GET answered (edited by `edit`), expecting 200; answers the new read. */
    async function roundTrip(path: string, edit: (read: any) => any = (r) => r) {
      const read = await h().request("GET", path, { key: t.key });
      expect(read.status, path).toBe(200);
      const put = await h().request("PUT", path, { key: t.key, body: edit(structuredClone(read.body)) });
      expect(put.status, `${path}: ${put.text}`).toBe(200);
      return { before: read.body, after: (await h().request("GET", path, { key: t.key })).body };
    }

    /** A read without its `updatedAt`, which a PUT moves even when nothing else changes. */
    const settled = ({ updatedAt: _, ...rest }: any) => rest;

    async function refusesAnotherId(path: string) {
      const read = await h().request("GET", path, { key: t.key });
      const res = await h().request("PUT", path, { key: t.key, body: { ...read.body, id: `${read.body.id}-other` } });
      expect(res.status, path).toBe(422);
      expect(res.body).toMatchObject({ code: "validation_failed", errors: [{ path: "id", message: expect.stringContaining("path") }] });
      const ja = await h().request("PUT", path, { key: t.key, body: { ...read.body, id: "x" }, headers: { "accept-language": "ja" } });
      expect(ja.body.errors[0].message).toMatch(/パスの id/);
    }

    it("an offer: id, templateVersion, outcomes and times are taken back and ignored", async () => {
      const path = "/v1/offers/off_round_trip";
      const created = await h().request("PUT", path, {
        key: t.key,
        body: {
          type: "skip",
          parameters: { mode: "skip", count: 1 },
          copy: { title: { ja: "次回をお休み", en: "Skip the next one" }, description: { ja: "{skippedDeliveryOn}をお休みします", en: "We skip {skippedDeliveryOn}" } },
          eligibility: { reasons: ["other"] },
        },
      });
      expect(created.status).toBe(201);
      const same = await roundTrip(path);
      expect(settled(same.after)).toEqual(settled(same.before)); // nothing moved, templateVersion included
      const edited = await roundTrip(path, (o) => ({ ...o, templateVersion: 99, outcomes: { accepted: 5, declined: 0 }, copy: { ...o.copy, title: { ja: "1回お休み", en: "Skip once" } } }));
      expect(edited.after).toMatchObject({ templateVersion: 2, outcomes: edited.before.outcomes, copy: { title: { ja: "1回お休み" } }, createdAt: edited.before.createdAt });
      await refusesAnotherId(path);
    });

    it("a customer and a subscription", async () => {
      const customerId = uid("C");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody({ phone: "03-5555-6666 内線34" }) });
      const customer = await roundTrip(`/v1/customers/${customerId}`);
      expect(settled(customer.after)).toEqual(settled(customer.before));
      expect(customer.after).toMatchObject({ phoneExtension: "34", keepInTouch: null });
      await refusesAnotherId(`/v1/customers/${customerId}`);

      const subscriptionId = uid("S");
      await h().request("PUT", `/v1/subscriptions/${subscriptionId}`, { key: t.key, body: subscriptionBody(customerId) });
      const same = await roundTrip(`/v1/subscriptions/${subscriptionId}`);
      expect(settled(same.after)).toEqual(settled(same.before)); // version 1 still
      const edited = await roundTrip(`/v1/subscriptions/${subscriptionId}`, (s) => ({ ...s, quantity: 2, version: 42 }));
      expect(edited.after).toMatchObject({ quantity: 2, version: 2 });
      await refusesAnotherId(`/v1/subscriptions/${subscriptionId}`);
    });

    it("a knowledge entry keeps its use count; a webhook its secret and counts", async () => {
      const entry = "/v1/knowledge/kb-round-trip";
      await h().request("PUT", entry, { key: t.key, body: { title: { ja: "青汁の飲み方", en: "How to take aojiru" }, body: { ja: "水に溶かします。", en: "Stir into water." }, topic: "usage_advice" } });
      const kb = await roundTrip(entry, (e) => ({ ...e, uses: 1000, body: { ja: "水や牛乳に溶かします。", en: "Stir into water or milk." } }));
      expect(kb.after).toMatchObject({ uses: kb.before.uses, createdAt: kb.before.createdAt, body: { en: "Stir into water or milk." } });
      await refusesAnotherId(entry);

      const hook = "/v1/webhooks/round-trip";
      await h().request("PUT", hook, { key: t.key, body: { url: "https://shop.example.jp/hooks/round-trip", events: ["subscription.changed"] } });
      const wh = await roundTrip(hook);
      expect(settled(wh.after)).toEqual(settled(wh.before));
      await refusesAnotherId(hook);
    });

    it("the document describes the fields a PUT takes back as read-only and ignored, without marking them readOnly: request validators (Prism, trial50) refuse a readOnly field in a closed body, so the round trip the server takes would fail there", async () => {
      const doc = (await h().request("GET", "/openapi.json")).body;
      type Field = { readOnly?: boolean; description?: string };
      const said = (field: Field | undefined, name: string) => {
        expect(field?.readOnly, name).toBeUndefined();
        expect(field?.description, name).toMatch(/^Read-only, as `GET` answers it/);
      };
      const props = (name: string) => doc.components.schemas[name].properties as Record<string, Field>;
      for (const [schema, fields] of [
        ["UpsertCustomer", ["id", "keepInTouchAt", "updatedAt"]],
        ["UpsertSubscription", ["id", "version", "activeDiscount", "cancellation", "createdAt", "updatedAt"]],
        ["PutKnowledgeEntry", ["id", "uses", "lastUsedAt", "new", "createdAt", "updatedAt"]],
        ["PutWebhook", ["id", "createdAt", "updatedAt", "deliveries"]],
      ] as const) {
        expect(doc.components.schemas[schema].additionalProperties, schema).toBe(false);
        for (const f of fields) said(props(schema)[f], `${schema}.${f}`);
      }
      // The offer is a union by type: each variant takes the read-only fields back.
      const variants = (doc.components.schemas.PutOffer.oneOf ?? doc.components.schemas.PutOffer.anyOf) as { properties: Record<string, Field> }[];
      for (const v of variants) for (const f of ["id", "templateVersion", "outcomes", "createdAt", "updatedAt"]) said(v.properties[f], f);
      expect(JSON.stringify(doc.components.schemas)).not.toContain('"readOnly":true');
    });
  });
}
