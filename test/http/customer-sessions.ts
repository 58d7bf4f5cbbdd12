import { beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { signSessionToken } from "../../src/platform/session-tokens";
import { customerBody, subscriptionBody, TEST_SECRETS_KEY, uid, type Harness, type TestTenant } from "../support/harness";

const MARKER = "顧客Aだけの情報";

/** Valid bodies for the operations a session may call, so each reaches its id check. */
const BODIES: Record<string, unknown> = {
  skipDeliveries: { count: 1 },
  pauseSubscription: { cycles: 1 },
  resumeSubscription: {},
  changeQuantity: { quantity: 2 },
  changeInterval: { intervalDays: 45 },
  moveNextDelivery: { date: "2099-01-01" },
  startCancelFlow: { channel: "web" },
  giveCancelReason: { reason: "other" },
  acceptCancelOffer: { offerId: "off_skip_next" },
  confirmCancellation: { acknowledgeFee: true },
  putKeepInTouch: { keepInTouch: false },
  putProfilingOptOut: { profilingOptOut: true },
  reactivateSubscription: {},
};

/**
 * A customer session as a storefront's browser uses it: exactly what that customer may do on
 * their own subscriptions, and nothing else — every other operation of the document and every id
 * of another customer is refused.
 */
export function customerSessionsSuite(h: () => Harness) {
  describe("customer sessions", () => {
    let t: TestTenant;
    const today = () => localDate(new Date(), "Asia/Tokyo");
    // Customer A (the session's) with two subscriptions; customer B of the same shop.
    const a = { customerId: "", sub: "", other: "" };
    const b = { customerId: "", sub: "", flowId: "" };
    let token = "";
    let sessionId = "";

    const newCustomer = async (name: string) => {
      const id = uid("C");
      expect((await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name }) })).status).toBe(201);
      return id;
    };
    const newSubscription = async (customerId: string, over: Record<string, unknown> = {}) => {
      const id = uid("S");
      const res = await h().request("PUT", `/v1/subscriptions/${id}`, {
        key: t.key,
        body: subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 20), product: { sku: "AOJIRU-30", name: MARKER, category: "health_food" }, ...over }),
      });
      expect(res.status).toBe(201);
      return id;
    };
    const mint = async (body: Record<string, unknown>, headers?: Record<string, string>) =>
      h().request("POST", "/v1/customer-sessions", { key: t.key, body, headers });

    beforeAll(async () => {
      t = await h().tenant();
      a.customerId = await newCustomer("顧客A");
      a.sub = await newSubscription(a.customerId);
      a.other = await newSubscription(a.customerId);
      b.customerId = await newCustomer("顧客B");
      b.sub = await newSubscription(b.customerId);
      b.flowId = (await h().request("POST", `/v1/subscriptions/${b.sub}/cancel-flows`, { key: t.key, body: { channel: "operator" } })).body.flowId;
      const res = await mint({ customerId: a.customerId, locale: "en" });
      token = res.body.token;
      sessionId = res.body.id;
    });

    it("is minted by the merchant's server with a write key: 201 with a signed token, 30 minutes by default", async () => {
      const res = await mint({ customerId: a.customerId });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: expect.stringMatching(/^cs_/), customerId: a.customerId, subscriptionId: null });
      expect(res.body.token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      const minutes = (Date.parse(res.body.expiresAt) - Date.now()) / 60_000;
      expect(minutes).toBeGreaterThan(29);
      expect(minutes).toBeLessThanOrEqual(30);
    });

    it("refuses bad mints with 422 and needs the write scope", async () => {
      expect((await mint({ customerId: a.customerId, expiresInSeconds: 30 })).body.errors[0].path).toBe("expiresInSeconds");
      expect((await mint({ customerId: a.customerId, expiresInSeconds: 3601 })).status).toBe(422);
      expect((await mint({ customerId: uid("C") })).body.code).toBe("unknown_customer");
      const foreign = await mint({ customerId: a.customerId, subscriptionId: b.sub });
      expect(foreign.status).toBe(422);
      expect(foreign.body.code).toBe("unknown_subscription");
      const readOnly = await t.keyWith(["read"]);
      expect((await h().request("POST", "/v1/customer-sessions", { key: readOnly, body: { customerId: a.customerId } })).status).toBe(403);
    });

    it("reads the customer's own subscriptions, history, cancellation info, reasons and offers (in the session's language)", async () => {
      const sub = await h().request("GET", `/v1/subscriptions/${a.sub}`, { key: token });
      expect(sub.status).toBe(200);
      expect(sub.body.customerId).toBe(a.customerId);
      const list = await h().request("GET", `/v1/customers/${a.customerId}/subscriptions`, { key: token });
      expect(list.status).toBe(200);
      expect(list.body.data.map((s: { id: string }) => s.id).sort()).toEqual([a.sub, a.other].sort());
      expect((await h().request("GET", `/v1/subscriptions/${a.sub}/changes`, { key: token })).status).toBe(200);
      expect((await h().request("GET", `/v1/subscriptions/${a.sub}/cancellation-info`, { key: token })).status).toBe(200);
      const reasons = await h().request("GET", "/v1/cancellation-reasons", { key: token });
      expect(reasons.body.data.find((r: { code: string }) => r.code === "surplus_stock").label).toBe("I have too much product left");
      // Asking for the operator's channel does not reveal the operator's talk track.
      const offers = await h().request("GET", `/v1/subscriptions/${a.sub}/offers?reason=surplus_stock&channel=operator`, { key: token });
      expect(offers.status).toBe(200);
      expect(offers.body.channel).toBe("web");
      expect(offers.body.data.length).toBeGreaterThan(0);
      expect(offers.text).not.toContain("talkTrack\":{");
      for (const o of offers.body.data) expect(o.talkTrack ?? null).toBeNull();
    });

    it("changes the plan on channel web as the customer, whatever the body says", async () => {
      const res = await h().request("POST", `/v1/subscriptions/${a.sub}/skip`, { key: token, body: { count: 1, channel: "operator" } });
      expect(res.status).toBe(200);
      expect(res.body.change).toMatchObject({ type: "skip", channel: "web", actor: { type: "customer", id: a.customerId } });
      const history = await h().request("GET", `/v1/subscriptions/${a.sub}/changes`, { key: t.key });
      expect(history.body.data[0]).toMatchObject({ channel: "web", actor: { type: "customer", id: a.customerId } });
      // The shop's rules apply to the customer as to anyone: the rule's code comes back.
      const tooMany = await h().request("POST", `/v1/subscriptions/${a.sub}/quantity`, { key: token, body: { quantity: 99 } });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.code).toBe("quantity_out_of_range");
    });

    it("runs the customer's own cancel flow on channel web and reads its evidence", async () => {
      const started = await h().request("POST", `/v1/subscriptions/${a.other}/cancel-flows`, { key: token, body: { channel: "ivr" } });
      expect(started.status).toBe(201);
      const flowId = started.body.flowId;
      const reason = await h().request("POST", `/v1/cancel-flows/${flowId}/reason`, { key: token, body: { reason: "surplus_stock" } });
      expect(reason.status).toBe(200);
      expect(reason.text).not.toContain("talkTrack");
      const confirmed = await h().request("POST", `/v1/cancel-flows/${flowId}/confirm`, { key: token, body: { acknowledgeFee: true } });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.outcome).toBe("canceled");
      const evidence = await h().request("GET", `/v1/cancel-flows/${flowId}`, { key: token });
      expect(evidence.status).toBe(200);
      expect(evidence.body.channel).toBe("web");
      // The browser reads who acted by type only; the shop reads the customer's id.
      for (const step of evidence.body.steps) expect(step).toMatchObject({ channel: "web", actor: { type: "customer" } });
      for (const step of evidence.body.steps) expect(step.actor.id).toBeUndefined();
      const shop = await h().request("GET", `/v1/cancel-flows/${flowId}`, { key: t.key });
      for (const step of shop.body.steps) expect(step).toMatchObject({ channel: "web", actor: { type: "customer", id: a.customerId } });
    });

    it("cannot call any other operation, nor reach another customer's ids (403 or 404, nothing changes)", async () => {
      const doc = (await h().request("GET", "/openapi.json")).body;
      const ids: Record<string, string> = {
        customerId: b.customerId,
        subscriptionId: b.sub,
        flowId: b.flowId,
        keyId: "key_x",
        webhookId: "crm",
        offerId: "off_skip_next",
        sessionId,
      };
      const before = (await h().request("GET", `/v1/subscriptions/${b.sub}`, { key: t.key })).text;
      let allowed = 0;
      for (const [path, item] of Object.entries<Record<string, { operationId: string; security?: Record<string, unknown>[] }>>(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          if (!op.security?.length) continue;
          const forSessions = op.security.some((s) => "customerSession" in s);
          const url = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? "x") + (path.endsWith("/lookup") ? `?phone=09012345678` : "");
          const body = method === "get" || method === "delete" ? undefined : (BODIES[op.operationId] ?? { customerId: b.customerId });
          const res = await h().request(method.toUpperCase(), url, { key: token, body });
          const label = `${method.toUpperCase()} ${path} → ${res.status} ${res.text.slice(0, 160)}`;
          expect(res.text, label).not.toContain(MARKER);
          if (!forSessions) {
            expect(res.status, label).toBe(403);
            expect(res.body.code, label).toBe("session_not_allowed");
          } else {
            allowed += 1;
            if (/\{\w+\}/.test(path)) expect(res.status, label).toBe(404);
          }
        }
      }
      expect(allowed).toBeGreaterThanOrEqual(16);
      expect((await h().request("GET", `/v1/subscriptions/${b.sub}`, { key: t.key })).text).toBe(before);
    });

    it("reads what the shop's rules allow (plan-options), and the answers to real requests agree", async () => {
      const soon = await newSubscription(a.customerId, { nextDeliveryOn: addDays(today(), 1) });
      const session = (await mint({ customerId: a.customerId, subscriptionId: soon })).body.token;
      const res = await h().request("GET", `/v1/subscriptions/${soon}/plan-options`, { key: session });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        subscriptionId: soon,
        version: 1,
        firstChangeableDate: addDays(today(), 3),
        nextDeliveryChangeable: false,
        interval: { available: true, allowedIntervalDays: [14, 21, 30, 45, 60, 90] },
        quantity: { min: 1, max: 10 },
        skip: { available: false, remainingSkips: 2, refusal: { code: "change_window_closed" } },
      });
      const skip = await h().request("POST", `/v1/subscriptions/${soon}/skip`, { key: session, body: { count: 1 } });
      expect(skip.body.code).toBe(res.body.skip.refusal.code);
      const open = await h().request("GET", `/v1/subscriptions/${a.sub}/plan-options`, { key: token });
      expect(open.body.skip.available).toBe(true);
      expect((await h().request("GET", `/v1/subscriptions/${b.sub}/plan-options`, { key: token })).status).toBe(404);
    });

    it("restarts the customer's own cancelled plan (reactivate): on the date plan-options gave, channel web, once per Idempotency-Key; another's is 404", async () => {
      const canceled = { status: "canceled", canceledAt: new Date().toISOString() };
      const mine = await newSubscription(a.customerId, canceled);
      const theirs = await newSubscription(b.customerId, canceled);
      const options = await h().request("GET", `/v1/subscriptions/${mine}/plan-options`, { key: token });
      expect(options.status).toBe(200);
      // Cancelled by the cart (no effective date kept): a new start, no fee to waive.
      expect(options.body.reactivate).toMatchObject({ available: true, refusal: null, continues: false, asIfNeverCanceled: false, undoesCancellation: false });
      const first = options.body.reactivate.nextDeliveryOn as string;
      expect(first >= options.body.reactivate.earliest && first <= options.body.reactivate.latest).toBe(true);
      const headers = { "idempotency-key": uid("k") };
      const res = await h().request("POST", `/v1/subscriptions/${mine}/reactivate`, { key: token, body: { channel: "ivr" }, headers });
      expect(res.status, res.text).toBe(200);
      expect(res.body.subscription).toMatchObject({ id: mine, status: "active", nextDeliveryOn: first });
      // The customer acted, on their my-page, whatever the body said; the browser sees the actor's type only.
      expect(res.body.change).toMatchObject({ type: "reactivate", channel: "web", actor: { type: "customer" } });
      expect(res.body.change.actor.id).toBeUndefined();
      const again = await h().request("POST", `/v1/subscriptions/${mine}/reactivate`, { key: token, body: { channel: "ivr" }, headers });
      expect(again.status).toBe(200);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body.change.id).toBe(res.body.change.id);
      const history = await h().request("GET", `/v1/subscriptions/${mine}/changes`, { key: t.key });
      expect(history.body.data.filter((c: { type: string }) => c.type === "reactivate")).toHaveLength(1);
      expect(history.body.data[0]).toMatchObject({ type: "reactivate", channel: "web", actor: { type: "customer", id: a.customerId } });
      // Restarted, it is no longer restartable; the refusals are today's.
      expect((await h().request("GET", `/v1/subscriptions/${mine}/plan-options`, { key: token })).body.reactivate).toMatchObject({ available: false, refusal: { code: "subscription_not_canceled" } });
      expect((await h().request("POST", `/v1/subscriptions/${mine}/reactivate`, { key: token, body: {} })).body.code).toBe("subscription_not_canceled");
      const before = (await h().request("GET", `/v1/subscriptions/${theirs}`, { key: t.key })).text;
      expect((await h().request("POST", `/v1/subscriptions/${theirs}/reactivate`, { key: token, body: {} })).status).toBe(404);
      expect((await h().request("GET", `/v1/subscriptions/${theirs}`, { key: t.key })).text).toBe(before);
    });

    it("a session for one subscription reaches only that one", async () => {
      const one = (await mint({ customerId: a.customerId, subscriptionId: a.sub })).body.token;
      expect((await h().request("GET", `/v1/subscriptions/${a.sub}`, { key: one })).status).toBe(200);
      expect((await h().request("GET", `/v1/subscriptions/${a.other}`, { key: one })).status).toBe(404);
      const list = await h().request("GET", `/v1/customers/${a.customerId}/subscriptions`, { key: one });
      expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([a.sub]);
      expect((await h().request("POST", `/v1/subscriptions/${a.other}/skip`, { key: one, body: { count: 1 } })).status).toBe(404);
    });

    it("is refused once revoked (401 session_expired); revoking again answers it unchanged", async () => {
      const minted = await mint({ customerId: a.customerId });
      expect((await h().request("GET", `/v1/subscriptions/${a.sub}`, { key: minted.body.token })).status).toBe(200);
      const revoked = await h().request("DELETE", `/v1/customer-sessions/${minted.body.id}`, { key: t.key });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      const after = await h().request("GET", `/v1/subscriptions/${a.sub}`, { key: minted.body.token });
      expect(after.status).toBe(401);
      expect(after.body.code).toBe("session_expired");
      expect((await h().request("DELETE", `/v1/customer-sessions/${minted.body.id}`, { key: t.key })).body.revokedAt).toBe(revoked.body.revokedAt);
      expect((await h().request("DELETE", "/v1/customer-sessions/cs_nope", { key: t.key })).body.code).toBe("customer_session_not_found");
      // A session cannot revoke sessions (nor mint them): that is the merchant's server's call.
      expect((await h().request("DELETE", `/v1/customer-sessions/${sessionId}`, { key: token })).status).toBe(403);
    });

    it("an expired token answers 401 session_expired; a forged one 401 invalid_session", async () => {
      const past = new Date(Date.now() - 3_600_000);
      const expired = await signSessionToken(TEST_SECRETS_KEY, "customer", { sessionId, tenantId: t.id, expiresAt: new Date(past.getTime() + 60_000) }, past);
      const res = await h().request("GET", `/v1/subscriptions/${a.sub}`, { key: expired });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("session_expired");
      const forged = await signSessionToken("another-secret-key-0123456789-0123456789", "customer", { sessionId, tenantId: t.id, expiresAt: new Date(Date.now() + 600_000) }, new Date());
      expect((await h().request("GET", `/v1/subscriptions/${a.sub}`, { key: forged })).body.code).toBe("invalid_session");
      // The right key but a console token's audience is not a customer session either.
      const console = await signSessionToken(TEST_SECRETS_KEY, "console", { sessionId, tenantId: t.id, expiresAt: new Date(Date.now() + 600_000) }, new Date());
      expect((await h().request("GET", `/v1/subscriptions/${a.sub}`, { key: console })).body.code).toBe("invalid_session");
    });

    it("scopes Idempotency-Key per principal: a session never receives the key's stored answer, and its own retry replays", async () => {
      const idem = uid("idem");
      const byKey = await h().request("POST", `/v1/subscriptions/${a.sub}/next-delivery`, { key: t.key, body: { date: addDays(today(), 60) }, headers: { "idempotency-key": idem } });
      expect(byKey.status).toBe(200);
      const bySession = await h().request("POST", `/v1/subscriptions/${a.sub}/next-delivery`, { key: token, body: { date: addDays(today(), 60) }, headers: { "idempotency-key": idem } });
      expect(bySession.headers.get("idempotent-replayed")).toBeNull();
      expect(bySession.body.change?.id ?? null).not.toBe(byKey.body.change.id);
      const again = await h().request("POST", `/v1/subscriptions/${a.sub}/next-delivery`, { key: token, body: { date: addDays(today(), 60) }, headers: { "idempotency-key": idem } });
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.text).toBe(bySession.text);
    });

    it("a replayed mint does not carry the token again (it is not stored)", async () => {
      const idem = uid("idem");
      const first = await mint({ customerId: a.customerId }, { "idempotency-key": idem });
      const replay = await mint({ customerId: a.customerId }, { "idempotency-key": idem });
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.body.id).toBe(first.body.id);
      expect(replay.body.token).not.toBe(first.body.token);
      expect(replay.text).not.toContain(first.body.token);
    });
  });
}
