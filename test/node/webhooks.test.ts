import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMaintenance } from "../../src/maintenance";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, TEST_SECRETS_KEY, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

type Received = { headers: IncomingHttpHeaders; body: string; verified: unknown };

describe("webhooks delivered to a real receiver", () => {
  let h: NodeHarness;
  let t: TestTenant;
  let server: Server;
  let url: string;
  let secret: string;
  let answerWith = 200;
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
        res.writeHead(answerWith).end();
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
    for (const wait of [5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]) {
      clock += wait * 1000 + 1000;
      await h.maintain(at);
    }
    expect(received).toHaveLength(8); // every attempt carries the same webhook-id
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const hook = await h.request("GET", "/v1/webhooks/receiver", { key: t.key });
    expect(hook.body.deliveries).toMatchObject({ pending: 0, failed: 1 });
    answerWith = 200;
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
