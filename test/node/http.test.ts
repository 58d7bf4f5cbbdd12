import { afterAll, beforeAll, describe, expect, it } from "vitest";
import openapi from "../../openapi.json";
import { addDays, localDate } from "../../src/platform/dates";
import { TenantStore } from "../../src/platform/tenancy";
import { refreshRisk } from "../../src/risk/maintain";
import { WEBHOOK_EVENT_TYPES } from "../../src/webhooks/schemas";
import { httpSuite } from "../http";
import { ajvCheck } from "../support/ajv";
import { resolved, undeclaredMembers } from "../support/contract";
import { customerBody, RECEIVER_SECRET, subscriptionBody, uid } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

let h: NodeHarness;
beforeAll(async () => {
  h = await nodeHarness();
});

httpSuite(() => h);

describe("the OpenAPI document covers every answer the suite saw", () => {
  it("documents each status and error code per operation", async () => {
    const doc = (await (await h.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp("^" + path.replace(/\{\w+\}/g, "[^/]+") + "$"),
        path,
        op,
      })),
    );
    const missing: string[] = [];
    for (const s of h.seen) {
      const route = routes.find((r) => r.method === s.method && r.pattern.test(s.path.split("?")[0]!));
      if (!route) continue; // unknown routes and methods: answered by the router, not an operation
      const response = resolved<{ description: string } | undefined>(route.op.responses[String(s.status)], doc);
      if (!response) missing.push(`${s.method} ${route.path}: status ${s.status}`);
      else if (s.code && !response.description.includes(`\`${s.code}\``)) missing.push(`${s.method} ${route.path}: ${s.status} ${s.code}`);
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe("openapi.json's webhooks describe every event the suite sent", () => {
  const webhooks = (openapi as { webhooks?: Record<string, { post?: unknown }> }).webhooks ?? {};

  it("has an entry per event type an endpoint can subscribe to", () => {
    expect(Object.keys(webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const type of WEBHOOK_EVENT_TYPES) expect(webhooks[type]?.post, type).toBeDefined();
  });

  it("every payload the receiver verified, and every one still in the outbox, validates against its event's schema", async () => {
    // The suite sends some event types only to endpoints that want others: one endpoint here wants
    // them all, and a customer goes through a save, a cancellation, a reactivation and a band change.
    const t = await h.tenant();
    await h.request("PUT", "/v1/webhooks/everything", { key: t.key, body: { url: `${h.receiverUrl}/hook`, events: [...WEBHOOK_EVENT_TYPES], secret: RECEIVER_SECRET } });
    const customerId = uid("C");
    await h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
    const subscription = async () => {
      const id = uid("S");
      const body = subscriptionBody(customerId, { deliveriesCompleted: 12, nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 12) });
      expect((await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body })).status).toBe(201);
      return id;
    };
    const flow = async (id: string) => (await h.request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "web" } })).body.flowId as string;
    const saving = await flow(await subscription());
    const { body: reason } = await h.request("POST", `/v1/cancel-flows/${saving}/reason`, { key: t.key, body: { reason: "moving" } });
    expect((await h.request("POST", `/v1/cancel-flows/${saving}/accept`, { key: t.key, body: { offerId: reason.offer.offerId } })).status).toBe(200);
    const leaving = await subscription();
    expect((await h.request("POST", `/v1/cancel-flows/${await flow(leaving)}/confirm`, { key: t.key, body: {} })).status).toBe(200);
    expect((await h.request("POST", `/v1/subscriptions/${leaving}/reactivate`, { key: t.key, body: {} })).status).toBe(200);
    // As test/risk/maintain.test.ts moves a band: two signals of a wish to leave.
    const store = new TenantStore(h.db, t.id);
    const at = new Date().toISOString();
    const wavering = await subscription();
    await store.write((s) => refreshRisk(s, wavering, at, "cancel_flow_started"));
    await store.write((s) => refreshRisk(s, wavering, at, "cancel_flow_abandoned"));

    const check = ajvCheck();
    const schemaOf = (type: string) => `#/webhooks/${type.replace(/~/g, "~0").replace(/\//g, "~1")}/post/requestBody/content/application~1json/schema`;
    // The receiver is shared by every file of the run: keep what this suite's own outbox sent.
    const ours = new Set((await h.sql("SELECT event_id FROM webhook_deliveries")).map((r) => String(r.event_id)));
    const received = ((await (await fetch(`${h.receiverUrl}/received`)).json()) as { webhookId?: string; verified: { type: string } | null }[]).filter((r) => ours.has(r.webhookId ?? ""));
    // Delivered rows are checked as they were sent (above); their stored copy may drop fields (dispatcher DROPPED_ONCE_DELIVERED).
    const queued = (await h.sql("SELECT payload FROM webhook_deliveries WHERE status <> 'delivered'")).map((r) => JSON.parse(String(r.payload)) as { type: string });
    const payloads = [...received.flatMap((r) => (r.verified ? [r.verified] : [])), ...queued];
    const wrong = payloads.flatMap((p) =>
      p.type in webhooks
        ? [...check(schemaOf(p.type), p).map((e) => `${p.type}: ${e}`), ...undeclaredMembers([{ $ref: schemaOf(p.type) }], p).map((m) => `${p.type}: member ${m} is not documented`)]
        : [`${p.type}: no webhooks entry`],
    );
    expect([...new Set(wrong)]).toEqual([]);
    const seen = new Set(payloads.map((p) => p.type));
    expect(WEBHOOK_EVENT_TYPES.filter((t) => !seen.has(t))).toEqual([]);
  });
});

afterAll(() => h.close());
