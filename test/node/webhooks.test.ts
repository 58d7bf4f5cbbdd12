import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, like } from "drizzle-orm";
import { idempotencyKeys, webhooks } from "../../src/db/schema";
import { runMaintenance } from "../../src/maintenance";
import { nextStep } from "../../src/webhooks/deliveries";
import { SHOWN_ONCE } from "../../src/platform/idempotency";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, TEST_SECRETS_KEY, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

type Received = { headers: IncomingHttpHeaders; body: string; verified: unknown };

/** The waits between attempts (webhooks/dispatcher RETRY_SCHEDULE_S). */
const RETRY_WAITS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];

describe("webhooks delivered to a real receiver", () => {
  let h: NodeHarness;
  let t: TestTenant;
  let server: Server;
  let url: string;
  let secret: string;
  let answerWith = 200;
  /** While set, the receiver answers only once it settles (an attempt kept in flight); `arrived` is told of each request. */
  let hold: Promise<void> | null = null;
  let arrived: (() => void) | null = null;
  const received: Received[] = [];
  const today = localDate(new Date(), "Asia/Tokyo");

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        let verified: unknown = null;
        try {
          verified = new Webhook(secret).verify(body, req.headers as Record<string, string>);
        } catch (e) {
          verified = e;
        }
        received.push({ headers: req.headers, body, verified });
        arrived?.();
        void (hold ?? Promise.resolve()).then(() => res.writeHead(answerWith).end());
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const hook = await h.request("PUT", "/v1/webhooks/receiver", { key: t.key, body: { url, events: ["subscription.changed"] } });
    secret = hook.body.secret;
    await h.request("PUT", "/v1/customers/C-1", { key: t.key, body: customerBody() });
  });
  afterAll(() => {
    server.close();
    h.close();
  });

  const newSubscription = async () => {
    const id = uid("S");
    await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody("C-1", { nextDeliveryOn: addDays(today, 10) }) });
    return id;
  };

  it("a plan change is delivered once, signed per Standard Webhooks", async () => {
    received.length = 0;
    const id = await newSubscription();
    const change = await h.request("POST", `/v1/subscriptions/${id}/skip`, { key: t.key, body: { count: 1 } });
    expect((await h.request("GET", "/v1/webhooks/receiver", { key: t.key })).body.deliveries.pending).toBe(1);
    const result = await h.maintain();
    expect(result.webhooks).toMatchObject({ attempted: 1, delivered: 1 });
    expect(received).toHaveLength(1);
    const [msg] = received;
    expect(msg!.verified).toMatchObject({ type: "subscription.changed", data: { change: { id: change.body.change.id, type: "skip" } } });
    expect(msg!.headers["webhook-id"]).toMatch(/^evt_/);
    expect(await h.maintain()).toMatchObject({ webhooks: { attempted: 0 } });
    expect((await h.request("GET", "/v1/webhooks/receiver", { key: t.key })).body.deliveries).toMatchObject({ pending: 0, delivered: 1 });
  });

  it("a refused change sends nothing", async () => {
    const id = await newSubscription();
    await h.request("POST", `/v1/subscriptions/${id}/interval`, { key: t.key, body: { intervalDays: 33 } });
    expect((await h.maintain()).webhooks.attempted).toBe(0);
  });

  it("retries a failing receiver with backoff, then marks the delivery failed", async () => {
    received.length = 0;
    answerWith = 503;
    const id = await newSubscription();
    await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity: 2 } });
    let clock = Date.now();
    const at = () => new Date(clock);
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
    expect((await h.maintain(at)).webhooks.attempted).toBe(0); // not due yet
    clock += 6_000;
    expect((await h.maintain(at)).webhooks.attempted).toBe(1); // 5 s later
    for (const wait of RETRY_WAITS.slice(1)) {
      clock += wait * 1000 + 1000;
      await h.maintain(at);
    }
    expect(received).toHaveLength(8); // every attempt carries the same webhook-id
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const hook = await h.request("GET", "/v1/webhooks/receiver", { key: t.key });
    expect(hook.body.deliveries).toMatchObject({ pending: 0, failed: 1 });

    // The log shows each attempt with its time and answer; a failed delivery can be sent again.
    const log = await h.request("GET", "/v1/webhooks/receiver/deliveries?status=failed", { key: t.key });
    expect(log.status).toBe(200);
    const [failed] = log.body.data;
    expect(failed).toMatchObject({ eventType: "subscription.changed", status: "failed", nextAttemptAt: null });
    expect(failed.attempts).toHaveLength(8);
    expect(failed.attempts[0]).toMatchObject({ statusCode: 503, error: "HTTP 503" });
    expect(failed.attempts[1].at > failed.attempts[0].at).toBe(true);
    answerWith = 200;
    const retried = await h.request("POST", `/v1/webhooks/receiver/deliveries/${failed.id}/retry`, { key: t.key });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ status: "pending", nextAttemptAt: expect.any(String) });
    // Pressed again: still the one pending delivery, due now (never a second one).
    const again = await h.request("POST", `/v1/webhooks/receiver/deliveries/${failed.id}/retry`, { key: t.key });
    expect(again).toMatchObject({ status: 202, body: { id: failed.id, status: "pending" } });
    expect((await h.request("POST", "/v1/webhooks/receiver/deliveries/evt_nope/retry", { key: t.key })).body.code).toBe("delivery_not_found");
    clock += 1000;
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 1 });
    const done = (await h.request("GET", "/v1/webhooks/receiver/deliveries?limit=1", { key: t.key })).body.data[0];
    expect(done).toMatchObject({ id: failed.id, status: "delivered" });
    expect(done.attempts.at(-1)).toMatchObject({ statusCode: 200, error: null });
    const delivered = await h.request("POST", `/v1/webhooks/receiver/deliveries/${failed.id}/retry`, { key: t.key });
    expect(delivered).toMatchObject({ status: 409, body: { code: "delivery_not_failed", deliveryStatus: "delivered" } });
  });

  it("a delivery waiting for its next retry is sent now on retry, once its receiver is fixed, its attempts kept (trial57: it waited out the schedule)", async () => {
    received.length = 0;
    answerWith = 503;
    const id = await newSubscription();
    await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity: 3 } });
    const clock = Date.now();
    const at = () => new Date(clock);
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
    const [waiting] = (await h.request("GET", "/v1/webhooks/receiver/deliveries?status=pending", { key: t.key })).body.data;
    expect(waiting.attempts).toHaveLength(1);
    expect(Date.parse(waiting.nextAttemptAt)).toBeGreaterThan(clock);
    expect((await h.maintain(at)).webhooks.attempted).toBe(0); // its next attempt is not due yet
    answerWith = 200;
    const now = await h.request("POST", `/v1/webhooks/receiver/deliveries/${waiting.id}/retry`, { key: t.key });
    expect(now).toMatchObject({ status: 202, body: { id: waiting.id, status: "pending" } });
    // Due now (the request's time), well before the 5 s the schedule gave it.
    expect(Date.parse(now.body.nextAttemptAt)).toBeLessThan(Date.parse(waiting.nextAttemptAt));
    expect((await h.maintain(() => new Date(Date.parse(now.body.nextAttemptAt)))).webhooks).toMatchObject({ attempted: 1, delivered: 1 });
    const done = (await h.request("GET", `/v1/webhooks/receiver/deliveries?eventId=${waiting.eventId}`, { key: t.key })).body.data[0];
    expect(done).toMatchObject({ id: waiting.id, status: "delivered" });
    expect(done.attempts).toHaveLength(2);
  });

  it("a paused endpoint holds its events without using up their retries; resuming sends them in the order queued", async () => {
    received.length = 0;
    answerWith = 200;
    const put = (paused?: boolean) => h.request("PUT", "/v1/webhooks/receiver", { key: t.key, body: { url, events: ["subscription.changed"], ...(paused === undefined ? {} : { paused }) } });
    expect((await put(true)).body).toMatchObject({ paused: true, secret });
    const id = await newSubscription();
    for (const quantity of [2, 3, 4]) await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity } });
    let clock = Date.now();
    const at = () => new Date(clock);
    // Days go by: nothing is sent, nothing is attempted.
    for (let day = 0; day < 3; day++) {
      expect((await h.maintain(at)).webhooks.attempted).toBe(0);
      clock += 86_400_000;
    }
    expect(received).toHaveLength(0);
    const held = (await h.request("GET", "/v1/webhooks/receiver/deliveries?status=pending", { key: t.key })).body.data;
    expect(held).toHaveLength(3);
    for (const d of held) expect(d).toMatchObject({ attempts: [], nextAttemptAt: null });
    // A PUT without `paused` keeps it paused.
    expect((await put()).body).toMatchObject({ paused: true, deliveries: { pending: 3 } });
    expect((await h.maintain(at)).webhooks.attempted).toBe(0);
    expect((await put(false)).body.paused).toBe(false);
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 3, delivered: 3 });
    const quantities = received.map((r) => (JSON.parse(r.body) as { data: { subscription: { quantity: number } } }).data.subscription.quantity);
    expect(quantities).toEqual([2, 3, 4]);
  });

  it("correcting a mistyped URL sends what waits for a retry at once, not after its back-off", async () => {
    received.length = 0;
    answerWith = 200;
    const put = (to: string) => h.request("PUT", "/v1/webhooks/receiver", { key: t.key, body: { url: to, events: ["subscription.changed"] } });
    // The owner typed a port nobody listens on: two attempts fail, the next is 5 minutes away.
    expect((await put("http://127.0.0.1:1/hook")).status).toBe(200);
    const id = await newSubscription();
    await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity: 2 } });
    let clock = Date.now();
    const at = () => new Date(clock);
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
    clock += 6_000;
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
    const waiting = (await h.request("GET", "/v1/webhooks/receiver/deliveries?status=pending", { key: t.key })).body.data[0];
    expect(Date.parse(waiting.nextAttemptAt) - clock).toBeGreaterThan(290_000);
    // The URL corrected: the delivery is due now and reaches the receiver on the next pass.
    expect((await put(url)).status).toBe(200);
    const due = (await h.request("GET", "/v1/webhooks/receiver/deliveries?status=pending", { key: t.key })).body.data[0];
    expect(Date.parse(due.nextAttemptAt)).toBeLessThanOrEqual(clock);
    clock += 1_000;
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 1 });
    expect(received).toHaveLength(1);
    // The same URL sent again changes no schedule.
    expect((await put(url)).status).toBe(200);
  });

  it("a delivery is found and retried by the webhook-id the receiver logged", async () => {
    received.length = 0;
    answerWith = 500;
    const id = await newSubscription();
    await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity: 5 } });
    let clock = Date.now();
    const at = () => new Date(clock);
    await h.maintain(at);
    for (const wait of RETRY_WAITS) {
      clock += wait * 1000 + 1000;
      await h.maintain(at);
    }
    const logged = String(received[0]!.headers["webhook-id"]);
    const found = await h.request("GET", `/v1/webhooks/receiver/deliveries?eventId=${logged}`, { key: t.key });
    expect(found.body.data).toHaveLength(1);
    expect(found.body.data[0]).toMatchObject({ eventId: logged, status: "failed" });
    expect(found.body.data[0].id).not.toBe(logged);
    answerWith = 200;
    const retried = await h.request("POST", `/v1/webhooks/receiver/deliveries/${logged}/retry`, { key: t.key });
    expect(retried).toMatchObject({ status: 202, body: { id: found.body.data[0].id, eventId: logged, status: "pending" } });
    clock += 1000;
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 1 });
    expect(String(received.at(-1)!.headers["webhook-id"])).toBe(logged);
  });

  it("after a failed attempt, the endpoint's other events of the pass are not attempted: they go with its retry, never later than their lease", async () => {
    received.length = 0;
    answerWith = 500;
    const id = await newSubscription();
    for (const quantity of [2, 3, 4]) await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity } });
    let clock = Date.now();
    const at = () => new Date(clock);
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
    expect(received).toHaveLength(1);
    type Listed = { attempts: unknown[]; nextAttemptAt: string };
    const pending = async () => (await h.request("GET", `/v1/webhooks/receiver/deliveries?status=pending`, { key: t.key })).body.data as Listed[];
    const first = await pending();
    expect(first.map((d) => d.attempts.length).sort()).toEqual([0, 0, 1]);
    // The failed one is retried in 5 s; the two behind it are due with it, not a minute later.
    const retry = new Date(clock + RETRY_WAITS[0]! * 1000).toISOString();
    expect(first.map((d) => d.nextAttemptAt)).toEqual([retry, retry, retry]);
    expect((await h.maintain(at)).webhooks.attempted).toBe(0);
    // Failing again (next retry in 5 min), the two behind wait no longer than their lease: a minute.
    clock += RETRY_WAITS[0]! * 1000;
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
    const second = await pending();
    expect(second.filter((d) => d.attempts.length === 0).map((d) => d.nextAttemptAt)).toEqual([new Date(clock + 60_000).toISOString(), new Date(clock + 60_000).toISOString()]);
    // Once the receiver answers again, the two behind go out at the lease's end, in the order queued,
    // and the first with its own retry.
    answerWith = 200;
    clock += 61_000;
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 2, delivered: 2 });
    clock += RETRY_WAITS[1]! * 1000;
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 1 });
    const quantities = received.slice(2).map((r) => (JSON.parse(r.body) as { data: { subscription: { quantity: number } } }).data.subscription.quantity);
    expect(quantities).toEqual([3, 4, 2]);
  });

  it("a receiver that failed once gets the rest of the pass with the 5 s retry, in the order queued", async () => {
    received.length = 0;
    answerWith = 503;
    const id = await newSubscription();
    for (const quantity of [2, 3, 4, 5]) await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity } });
    let clock = Date.now();
    const at = () => new Date(clock);
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
    answerWith = 200;
    clock += RETRY_WAITS[0]! * 1000;
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 4, delivered: 4 });
    const quantities = received.map((r) => (JSON.parse(r.body) as { data: { subscription: { quantity: number } } }).data.subscription.quantity);
    expect(quantities).toEqual([2, 2, 3, 4, 5]);
  });

  it("while an attempt is in flight, the delivery says so (inFlightSince) and shows no next attempt, not the dispatcher's lease", async () => {
    received.length = 0;
    answerWith = 200;
    const id = await newSubscription();
    await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity: 2 } });
    const queued = (await h.request("GET", "/v1/webhooks/receiver/deliveries?limit=1", { key: t.key })).body.data[0];
    expect(queued).toMatchObject({ status: "pending", inFlightSince: null, nextAttemptAt: queued.createdAt });
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    const reached = new Promise<void>((r) => (arrived = r));
    const pass = h.maintain();
    await reached;
    // The receiver has the request and has not answered: in flight, since the dispatcher took it.
    const during = (await h.request("GET", "/v1/webhooks/receiver/deliveries?limit=1", { key: t.key })).body.data[0];
    expect(during).toMatchObject({ id: queued.id, status: "pending", attempts: [], nextAttemptAt: null, inFlightSince: expect.any(String) });
    expect(during.inFlightSince >= queued.createdAt).toBe(true);
    release();
    hold = null;
    arrived = null;
    expect((await pass).webhooks).toMatchObject({ attempted: 1, delivered: 1 });
    const after = (await h.request("GET", "/v1/webhooks/receiver/deliveries?limit=1", { key: t.key })).body.data[0];
    expect(after).toMatchObject({ id: queued.id, status: "delivered", nextAttemptAt: null, inFlightSince: null });
    // An attempt whose lease ran out unrecorded (its server stopped) is no longer in flight: due again at the lease's end.
    const lease = "2026-12-03T10:01:00.000Z";
    expect(nextStep({ status: "pending", nextAttemptAt: lease, inFlightSince: "2026-12-03T10:00:00.000Z" }, "2026-12-03T10:00:30.000Z")).toEqual({ nextAttemptAt: null, inFlightSince: "2026-12-03T10:00:00.000Z" });
    expect(nextStep({ status: "pending", nextAttemptAt: lease, inFlightSince: "2026-12-03T10:00:00.000Z" }, "2026-12-03T10:01:30.000Z")).toEqual({ nextAttemptAt: lease, inFlightSince: null });
  });

  it("a rotated secret signs at once; the old one still verifies during the overlap, not after", async () => {
    received.length = 0;
    const old = secret;
    const rotated = await h.request("POST", "/v1/webhooks/receiver/rotate-secret", { key: t.key, body: { overlapHours: 24 } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(old);
    secret = rotated.body.secret;
    let clock = Date.now();
    const at = () => new Date(clock);
    const id = await newSubscription();
    await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity: 2 } });
    clock = Date.now() + 1000;
    await h.maintain(at);
    const during = received.at(-1)!;
    expect(during.verified).toMatchObject({ type: "subscription.changed" });
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(new Webhook(old).verify(during.body, during.headers as Record<string, string>)).toMatchObject({ type: "subscription.changed" });

    clock += 25 * 3_600_000;
    await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity: 3 } });
    await h.maintain(at);
    const after = received.at(-1)!;
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(() => new Webhook(old).verify(after.body, { ...(after.headers as Record<string, string>), "webhook-timestamp": String(Math.floor(clock / 1000)) })).toThrow();
  });

  it("rotation stores the new and the old secret sealed; its idempotent replay neither rotates again nor keeps the secret", async () => {
    const first = await h.request("POST", "/v1/webhooks/receiver/rotate-secret", { key: t.key, body: { overlapHours: 1 }, headers: { "idempotency-key": "rotate-1" } });
    expect(first.status).toBe(200);
    const old = secret;
    secret = first.body.secret;
    const [row] = await h.db.orm.select().from(webhooks).where(and(eq(webhooks.tenantId, t.id), eq(webhooks.id, "receiver")));
    for (const stored of [row!.secret, row!.previousSecret!]) {
      expect(stored).toMatch(/^enc:v1:/);
      expect(stored).not.toContain(secret.slice(6));
      expect(stored).not.toContain(old.slice(6));
    }
    const replay = await h.request("POST", "/v1/webhooks/receiver/rotate-secret", { key: t.key, body: { overlapHours: 1 }, headers: { "idempotency-key": "rotate-1" } });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: "receiver", secret: SHOWN_ONCE, previousSecretExpiresAt: first.body.previousSecretExpiresAt });
    const [after] = await h.db.orm.select().from(webhooks).where(and(eq(webhooks.tenantId, t.id), eq(webhooks.id, "receiver")));
    expect(after!.secret).toBe(row!.secret);
    const stored = await h.db.orm.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.tenantId, t.id), like(idempotencyKeys.key, "% rotate-1")));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.responseBody).not.toContain(secret);
    expect((await h.request("GET", "/v1/webhooks/receiver", { key: t.key })).body.secret).toBe(secret);
  });

  it("the delivery log records a 3xx and a refused destination as failed attempts", async () => {
    answerWith = 302;
    const id = await newSubscription();
    await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity: 2 } });
    let clock = Date.now() + 1000;
    const at = () => new Date(clock);
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
    // The endpoint now points at the cloud metadata address (as if its DNS or row had changed).
    await h.db.write((tx) => tx.update(webhooks).set({ url: "https://169.254.169.254/latest/meta-data" }).where(and(eq(webhooks.tenantId, t.id), eq(webhooks.id, "receiver"))));
    clock += 6_000;
    expect((await h.maintain(at)).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
    await h.db.write((tx) => tx.update(webhooks).set({ url }).where(and(eq(webhooks.tenantId, t.id), eq(webhooks.id, "receiver"))));
    answerWith = 200;
    const [pending] = (await h.request("GET", "/v1/webhooks/receiver/deliveries?status=pending&limit=1", { key: t.key })).body.data;
    expect(pending.attempts).toEqual([
      { at: expect.any(String), statusCode: 302, error: "HTTP 302: redirect not followed" },
      { at: expect.any(String), statusCode: null, error: expect.stringMatching(/^refused destination: /) },
    ]);
    expect(pending.nextAttemptAt).toEqual(expect.any(String));
  });

  it("a pause ends by itself on its resume date, recorded as a system change", async () => {
    const id = await newSubscription();
    const resumeOn = addDays(today, 20);
    await h.request("POST", `/v1/subscriptions/${id}/pause`, { key: t.key, body: { resumeOn } });
    await h.maintain(() => new Date(`${addDays(resumeOn, -1)}T03:00:00Z`));
    expect((await h.request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body.status).toBe("paused");
    await h.maintain(() => new Date(`${resumeOn}T03:00:00Z`));
    const sub = await h.request("GET", `/v1/subscriptions/${id}`, { key: t.key });
    expect(sub.body).toMatchObject({ status: "active", pausedUntil: null, nextDeliveryOn: resumeOn });
    const history = await h.request("GET", `/v1/subscriptions/${id}/changes`, { key: t.key });
    expect(history.body.data[0]).toMatchObject({ type: "resume", channel: "system", actor: { type: "system", id: "maintenance" } });
  });

  it("the delivery log pages newest first: following nextCursor gives every delivery once, in the order of one long page", async () => {
    const id = await newSubscription();
    for (const quantity of [2, 3, 4]) await h.request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity } });
    const whole = (await h.request("GET", "/v1/webhooks/receiver/deliveries?limit=100", { key: t.key })).body.data as { id: string; createdAt: string }[];
    expect(whole.length).toBeGreaterThanOrEqual(3);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.request("GET", `/v1/webhooks/receiver/deliveries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key: t.key });
      expect(res.status).toBe(200);
      paged.push(...(res.body.data as { id: string }[]).map((d) => d.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole.map((d) => d.id));
    expect(whole.map((d) => d.createdAt)).toEqual([...whole.map((d) => d.createdAt)].sort().reverse());
  });
});

describe("background maintenance with nothing due", () => {
  it("takes no write transaction, however many shops have pauses, flows and deliveries on record", async () => {
    const h = await nodeHarness();
    const today = localDate(new Date(), "Asia/Tokyo");
    for (let i = 0; i < 3; i++) {
      const t = await h.tenant();
      const cid = uid("C");
      const sid = uid("S");
      await h.request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody() });
      await h.request("PUT", `/v1/subscriptions/${sid}`, { key: t.key, body: subscriptionBody(cid, { nextDeliveryOn: addDays(today, 10) }) });
      await h.request("POST", `/v1/subscriptions/${sid}/pause`, { key: t.key, body: { resumeOn: addDays(today, 40) } });
    }
    await h.maintain(); // whatever the writes above left to do
    let writes = 0;
    const counting = { ...h.db, write: <T>(fn: Parameters<typeof h.db.write<T>>[0]) => (writes++, h.db.write(fn)) };
    const result = await runMaintenance({ db: counting, secretsKey: TEST_SECRETS_KEY });
    expect(result).toMatchObject({ resumed: 0, abandoned: 0, rescored: 0, webhooks: { attempted: 0 } });
    // A write transaction takes the database's one write lock: on a libSQL server every idle
    // maintenance run would otherwise queue behind (and ahead of) the API's own writes.
    expect(writes).toBe(0);
    h.close();
  });
});

describe("a customer.erased delivery that never gets through", () => {
  it("carries the merchant's id and nothing else personal; the id stays 30 days after the last attempt (to retry), then the retention sweep drops it", async () => {
    const h = await nodeHarness();
    const t = await h.tenant();
    const server = createServer((req, res) => req.resume().on("end", () => res.writeHead(503).end()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await h.request("PUT", "/v1/webhooks/erasures", { key: t.key, body: { url, events: ["customer.erased"] } });
    const c = uid("C");
    const person = customerBody({ name: "消去 太郎", email: "taro.shoukyo@example.jp", phone: "090-5555-0123", address: "東京都千代田区1-1" });
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: person });
    expect((await h.request("DELETE", `/v1/customers/${c}`, { key: t.key })).status).toBe(200);
    const row = async () => (await h.db.client.execute("SELECT * FROM webhook_deliveries WHERE event_type = 'customer.erased'")).rows[0]!;
    const pseudonym = String((await h.db.client.execute("SELECT id FROM customers WHERE erased_at IS NOT NULL")).rows[0]!.id);
    const { data } = JSON.parse(String((await row()).payload));
    expect(Object.keys(data).sort()).toEqual(["customerId", "erasedAt"]);
    expect(data.customerId).toBe(c);
    const personal = ["消去 太郎", "taro.shoukyo@example.jp", "+819055550123", "09055550123", "東京都千代田区", pseudonym];
    const stored = JSON.stringify(await row());
    expect(personal.filter((p) => stored.includes(p))).toEqual([]);

    // Every retry fails: the delivery is failed for good after about 28 hours.
    let clock = Date.now();
    const at = () => new Date(clock);
    await h.maintain(at);
    for (const wait of [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]) {
      clock += wait * 1000 + 61_000;
      await h.maintain(at);
    }
    expect(await row()).toMatchObject({ status: "failed", attempts: 8 });
    // 29 days on it still names the id: the merchant can fix the endpoint and send it again.
    clock += 29 * 86_400_000;
    expect((await h.maintain(at)).retention.erasedIds).toBe(0);
    expect(JSON.parse(String((await row()).payload)).data.customerId).toBe(c);
    const failed = (await h.request("GET", "/v1/webhooks/erasures/deliveries?status=failed", { key: t.key })).body.data[0];
    expect(failed).toMatchObject({ eventType: "customer.erased", status: "failed" });
    // A day later it is abandoned: the sweep drops the id, once.
    clock += 2 * 86_400_000;
    expect((await h.maintain(at)).retention.erasedIds).toBe(1);
    expect((await h.maintain(at)).retention.erasedIds).toBe(0);
    expect(JSON.parse(String((await row()).payload)).data).toEqual({ customerId: null, erasedAt: data.erasedAt });
    const dump = JSON.stringify((await h.db.client.execute("SELECT * FROM webhook_deliveries")).rows);
    expect([c, ...personal].filter((p) => dump.includes(p))).toEqual([]);
    server.close();
    h.close();
  });
});
