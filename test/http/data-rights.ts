import { beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { CustomerExport, Erasure, AuditEntry } from "../../src/data-rights/schemas";
import { Evidence } from "../../src/cancel-flows/schemas";
import { subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

/** The person as the merchant synced them; unique per test so a scan cannot find another test's data. */
export function person() {
  const n = Math.floor(Math.random() * 9_000_000) + 1_000_000;
  return {
    name: `消去 太郎${n}`,
    // The reading, unique as the name is: the digits as kana.
    nameKana: `ショウキョ ${[...String(n)].map((d) => "アイウエオカキクケコ"[Number(d)]).join("")}`,
    email: `erase.me.${n}@example.jp`,
    phone: `090-${String(n).slice(0, 4)}-${String(n).slice(3, 7)}`,
    e164: `+8190${String(n).slice(0, 4)}${String(n).slice(3, 7)}`,
    comment: `まだ${n}袋残っています`,
    note: `電話で${n}番の件`,
    address: `東京都渋谷区神宮前${n}丁目`,
    postalCode: "150-0001",
  };
}

/**
 * Gives the person an address, a subscription, events with free text (an operator's contact note),
 * a customer session that skips a delivery (a plan change with the customer as actor), a cancel
 * flow with a comment, cancels it, and stores idempotent answers: everything erasure has to
 * reach. Returns the ids and the session's token.
 */
export async function personWithHistory(h: Harness, t: TestTenant, p: ReturnType<typeof person>) {
  const today = localDate(new Date(), "Asia/Tokyo");
  const c = uid("C");
  const s = uid("S");
  await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: { name: p.name, email: p.email, phone: p.phone, postalCode: p.postalCode, address: p.address, marketingConsent: true }, headers: { "idempotency-key": uid("k") } });
  await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today, 12) }) });
  await h.request("POST", "/v1/events", {
    key: t.key,
    body: {
      events: [
        { id: uid("e"), type: "contact.logged", customerId: c, subscriptionId: s, occurredAt: new Date().toISOString(), data: { channel: "phone", topic: "inquiry", note: p.note } },
        { id: uid("e"), type: "usage.reported", customerId: c, subscriptionId: s, occurredAt: new Date().toISOString(), data: { remainingUnits: 12 } },
      ],
    },
  });
  const session = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: c }, headers: { "idempotency-key": uid("k") } });
  expect(session.status).toBe(201);
  const token = session.body.token as string;
  expect((await h.request("POST", `/v1/subscriptions/${s}/skip`, { key: token, body: { count: 1 } })).status).toBe(200);
  const flow = await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: { channel: "web" } });
  const flowId = flow.body.flowId as string;
  await h.request("POST", `/v1/cancel-flows/${flowId}/reason`, { key: t.key, body: { reason: "other", comment: p.comment } });
  const done = await h.request("POST", `/v1/cancel-flows/${flowId}/confirm`, { key: t.key, body: { acknowledgeFee: true } });
  expect(done.body.outcome).toBe("canceled");
  return { customerId: c, subscriptionId: s, flowId, confirmationNumber: done.body.confirmationNumber as string, token };
}

export function dataRightsSuite(h: () => Harness) {
  describe("data rights: erasure, export, audit log", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
      await h().request("PUT", "/v1/webhooks/erasures", { key: t.key, body: { url: "https://shop.example.jp/hooks/erased", events: ["customer.erased"] } });
    });

    it("export holds everything the shop holds about the person, and is audited", async () => {
      const p = person();
      const ids = await personWithHistory(h(), t, p);
      const res = await h().request("GET", `/v1/customers/${ids.customerId}/export`, { key: t.key });
      expect(res.status).toBe(200);
      expect(CustomerExport.safeParse(res.body).success).toBe(true);
      expect(res.body.customer).toMatchObject({ id: ids.customerId, name: p.name, email: p.email, phone: p.e164, address: p.address, postalCode: "1500001" });
      expect(res.body.customerSessions).toHaveLength(1);
      expect(JSON.stringify(res.body.customerSessions)).not.toContain(ids.token);
      expect(res.body.consents).toEqual({ marketingConsent: true, keepInTouch: null, keepInTouchHistory: [], profilingOptOut: false, profilingOptOutHistory: [] });
      expect(res.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([ids.subscriptionId]);
      expect(res.body.events.map((e: { type: string }) => e.type).sort()).toEqual(["contact.logged", "usage.reported"]);
      expect(res.body.cancelFlows[0]).toMatchObject({ flowId: ids.flowId, outcome: "canceled" });
      expect(JSON.stringify(res.body.cancelFlows)).toContain(p.comment);
      expect(res.body.changes.length).toBeGreaterThan(0);
      expect(Array.isArray(res.body.risk)).toBe(true);
      const log = await h().request("GET", "/v1/audit-log?action=customer.exported", { key: t.key });
      expect(log.body.data[0]).toMatchObject({ action: "customer.exported", target: { type: "customer", id: ids.customerId }, actor: { type: "key" } });
      expect((await h().request("GET", "/v1/customers/nobody/export", { key: t.key })).status).toBe(404);
      expect((await h().request("GET", `/v1/customers/${ids.customerId}/export`, { key: await t.keyWith(["read", "write"]) })).status).toBe(403);
    });

    it("answers with personal data are never stored by a cache and never sniffed: every /v1 answer, problems included", async () => {
      const p = person();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: { name: p.name, email: p.email, phone: p.phone } });
      const s = uid("S");
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
      const answers = [
        await h().request("GET", `/v1/customers/${c}/export`, { key: t.key }),
        await h().request("GET", `/v1/customers/${c}`, { key: t.key }),
        await h().request("GET", `/v1/lookup?phone=${encodeURIComponent(p.phone)}`, { key: t.key }),
        await h().request("GET", `/v1/subscriptions/${s}`, { key: t.key }),
        await h().request("GET", `/v1/customers/${uid("C")}`, { key: t.key }), // 404
        await h().request("GET", `/v1/customers/${c}`), // 401
        await h().request("GET", "/v1/no-such-route", { key: t.key }), // route_not_found
        await h().request("POST", `/v1/subscriptions/${s}/skip`, { key: t.key, headers: { "content-type": "text/plain" }, body: "count=1" }), // 415
        await h().request("OPTIONS", `/v1/subscriptions/${s}`, { headers: { origin: "https://shop.example.jp", "access-control-request-method": "GET" } }), // preflight
      ];
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 404, 401, 404, 415, 204]);
      for (const r of answers) {
        expect(r.headers.get("cache-control"), String(r.status)).toBe("no-store");
        expect(r.headers.get("x-content-type-options"), String(r.status)).toBe("nosniff");
      }
      // The subscription's ETag still serves If-Match: a write with the version just read goes through.
      const etag = answers[3]!.headers.get("etag")!;
      const skip = await h().request("POST", `/v1/subscriptions/${s}/skip`, { key: t.key, headers: { "if-match": etag }, body: { count: 1 } });
      expect(skip.status).toBe(200);
      expect(skip.headers.get("cache-control")).toBe("no-store");
    });

    it("refuses to erase a person with a live subscription (409), changing nothing", async () => {
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: { name: "生きている 契約", phone: "090-7777-0001" } });
      const s = uid("S");
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
      const res = await h().request("DELETE", `/v1/customers/${c}`, { key: t.key });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: "customer_has_live_subscriptions", subscriptionIds: [s] });
      expect((await h().request("GET", `/v1/customers/${c}`, { key: t.key })).body.name).toBe("生きている 契約");
    });

    it("erasure removes the person everywhere; the evidence still reads under a pseudonym; lookups find nothing", async () => {
      const p = person();
      const ids = await personWithHistory(h(), t, p);
      const res = await h().request("DELETE", `/v1/customers/${ids.customerId}`, { key: t.key });
      expect(res.status).toBe(200);
      expect(Erasure.safeParse(res.body).success).toBe(true);
      expect(res.body).toMatchObject({ customerId: ids.customerId, fingerprintsKept: true, scrubbed: { events: 2, cancelFlows: 1, customerSessions: 1 } });
      expect(res.body.scrubbed.planChanges).toBeGreaterThan(0);
      // The person's session stops working at once.
      expect((await h().request("GET", "/v1/customer-sessions/current", { key: ids.token })).status).toBe(401);
      // Nothing under the old id or address; the 初回だけ解約 match still knows the phone and
      // e-mail by their kept fingerprints (the canceled subscription counts), not the address.
      expect((await h().request("GET", `/v1/customers/${ids.customerId}/timeline`, { key: t.key })).status).toBe(404);
      const byAddress = await h().request("POST", "/v1/checkout-checks", { key: t.key, body: { postalCode: p.postalCode, address: p.address } });
      expect(byAddress.body.evidence).toMatchObject({ matchedOn: [], earlierSubscriptions: 0 });
      const byContact = await h().request("POST", "/v1/checkout-checks", { key: t.key, body: { phone: p.phone, email: p.email } });
      expect(byContact.body.evidence).toMatchObject({ matchedOn: ["phone", "email"], earlierSubscriptions: 1 });
      // The customer who skipped is the pseudonym in the change history.
      const changes = await h().request("GET", `/v1/subscriptions/${ids.subscriptionId}/changes`, { key: t.key });
      const actors = changes.body.data.map((ch: { actor: { type: string; id: string } }) => ch.actor).filter((a: { type: string }) => a.type === "customer");
      expect(actors.length).toBeGreaterThan(0);
      for (const a of actors) expect(a.id).toMatch(/^erased_/);

      expect((await h().request("GET", `/v1/customers/${ids.customerId}`, { key: t.key })).status).toBe(404);
      for (const q of [`phone=${encodeURIComponent(p.phone)}`, `email=${encodeURIComponent(p.email)}`]) {
        const found = await h().request("GET", `/v1/lookup?${q}`, { key: t.key });
        expect(found.status, q).toBe(404);
      }
      // The evidence: steps, times, offer, outcome, confirmation number — without the person.
      const evidence = await h().request("GET", `/v1/cancel-flows/${ids.flowId}`, { key: t.key });
      expect(evidence.status).toBe(200);
      expect(Evidence.safeParse(evidence.body).success).toBe(true);
      expect(evidence.body).toMatchObject({ outcome: "canceled", confirmationNumber: ids.confirmationNumber, reason: "other", customerId: expect.stringMatching(/^erased_/) });
      expect(evidence.body.steps.map((s: { type: string }) => s.type)).toContain("reason_given");
      const text = JSON.stringify(evidence.body);
      for (const v of [p.name, p.email, p.e164, p.comment, p.address, ids.customerId]) expect(text).not.toContain(v);
      // The subscription is still the shop's record of a sale, now under the pseudonym.
      const sub = await h().request("GET", `/v1/subscriptions/${ids.subscriptionId}`, { key: t.key });
      expect(sub.body.customerId).toBe(evidence.body.customerId);

      const log = await h().request("GET", "/v1/audit-log?action=customer.erased", { key: t.key });
      expect(AuditEntry.safeParse(log.body.data[0]).success).toBe(true);
      // The erasure's own entry names the pseudonym: the log keeps that it happened, not whose.
      expect(log.body.data[0]).toMatchObject({ action: "customer.erased", target: { type: "customer", id: evidence.body.customerId } });
      expect(JSON.stringify(log.body)).not.toContain(p.email);
      expect(JSON.stringify(log.body)).not.toContain(ids.customerId);
      const hook = await h().request("GET", "/v1/webhooks/erasures", { key: t.key });
      expect(hook.body.deliveries.pending + hook.body.deliveries.failed + hook.body.deliveries.delivered).toBeGreaterThan(0);
      // Twice: the person is gone.
      expect((await h().request("DELETE", `/v1/customers/${ids.customerId}`, { key: t.key })).status).toBe(404);
    });

    it("the audit log records admin actions, newest first, paged, admin only", async () => {
      const u = await h().tenant();
      await h().request("POST", "/v1/keys", { key: u.key, body: { name: "IVR", scopes: ["read"] } });
      await h().request("PATCH", "/v1/settings", { key: u.key, body: { changeCutoffDays: 4 } });
      await h().request("PUT", "/v1/webhooks/w", { key: u.key, body: { url: "https://shop.example.jp/h", events: ["subscription.changed"] } });
      await h().request("DELETE", "/v1/webhooks/w", { key: u.key });
      const first = await h().request("GET", "/v1/audit-log?limit=2", { key: u.key });
      expect(first.status).toBe(200);
      expect(first.body.data.map((e: { action: string }) => e.action)).toEqual(["webhook.deleted", "webhook.updated"]);
      const second = await h().request("GET", `/v1/audit-log?limit=2&cursor=${first.body.nextCursor}`, { key: u.key });
      expect(second.body.data.map((e: { action: string }) => e.action)).toEqual(["settings.updated", "key.created"]);
      expect(second.body.data[0].details).toMatchObject({ fields: ["changeCutoffDays"] });
      expect(JSON.stringify(second.body)).not.toMatch(/tsz_/);
      expect((await h().request("GET", "/v1/audit-log", { key: await u.keyWith(["read", "write"]) })).status).toBe(403);
      // Another shop's log is its own.
      expect((await h().request("GET", "/v1/audit-log?action=key.created", { key: t.key })).body.data).toEqual([]);
    });
  });
}
