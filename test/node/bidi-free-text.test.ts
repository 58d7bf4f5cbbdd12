import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// Free text a customer or a shop's system writes is shown to operators on the console's karte as
// written. A text-direction override (U+202E) would make it display in another order than stored:
// 「解約したい\u202e00001 号番付受 :みす済約解」 reads on screen as 「解約したい」解約済みです: 受付番号 10000,
// the caller's words passing for a cancellation already done. Such text is refused (or, for an
// exit-survey answer, which never blocks a cancellation, left out and said so); every answer is held
// to openapi.json by the harness.
const RLO = "\u202e";

describe("text-direction controls in free text operators read", () => {
  let h: NodeHarness;
  let t: TestTenant;
  const customerId = uid("C");
  const subscriptionId = uid("S");
  let token: string;

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
    await h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${subscriptionId}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 12) }) });
    const minted = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId, locale: "ja" } });
    expect(minted.status).toBe(201);
    token = minted.body.token;
  });
  afterAll(() => h.close());

  it("refuses a cancel reason's comment with a bidi override, and records no reason", async () => {
    const started = await h.request("POST", `/v1/subscriptions/${subscriptionId}/cancel-flows`, { key: token, body: {} });
    expect(started.status).toBe(201);
    const flowId = started.body.flowId;
    const refused = await h.request("POST", `/v1/cancel-flows/${flowId}/reason`, { key: token, body: { reason: "other", comment: `解約したい${RLO}00001 号番付受 :みす済約解` } });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("validation_failed");
    expect(refused.body.errors[0].path).toBe("comment");
    const flow = await h.request("GET", `/v1/cancel-flows/${flowId}`, { key: t.key });
    expect(flow.body.reason ?? null).toBeNull();
    expect(flow.body.steps.some((s: { type: string }) => s.type === "reason_given")).toBe(false);
    // The same words without the control go through as written.
    const given = await h.request("POST", `/v1/cancel-flows/${flowId}/reason`, { key: token, body: { reason: "other", comment: "解約したい" } });
    expect(given.status).toBe(200);
  });

  it("leaves out an exit-survey answer with a bidi override, says so, and still cancels", async () => {
    const open = await h.request("POST", `/v1/subscriptions/${subscriptionId}/cancel-flows`, { key: token, body: {} });
    const confirmed = await h.request("POST", `/v1/cancel-flows/${open.body.flowId}/confirm`, {
      key: token,
      body: { survey: [{ questionId: "why_stopped", answer: `量が多い${RLO}みす済約解` }, { questionId: "liked", answer: "味" }] },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.exitSurvey.recorded).toBe(1);
    expect(confirmed.body.exitSurvey.ignored).toEqual([{ path: "survey.0", message: expect.stringContaining("文字の表示方向を変える制御文字") }]);
    const evidence = await h.request("GET", `/v1/cancel-flows/${open.body.flowId}`, { key: t.key });
    const step = evidence.body.steps.find((s: { type: string }) => s.type === "cancel_confirmed");
    expect(step.data.survey).toEqual([{ questionId: "liked", answer: "味" }]);
  });

  it("rejects a logged contact whose note or agent name carries a bidi override (the karte's timeline shows both)", async () => {
    const at = new Date().toISOString();
    const res = await h.request("POST", "/v1/events", {
      key: t.key,
      body: {
        events: [
          { id: uid("evt"), type: "contact.logged", customerId, occurredAt: at, data: { channel: "phone", topic: "inquiry", note: `メモ${RLO}みす済約解` } },
          { id: uid("evt"), type: "contact.logged", customerId, occurredAt: at, data: { channel: "phone", topic: "inquiry", operator: { name: `田中${RLO}者理管` } } },
          { id: uid("evt"), type: "contact.logged", customerId, occurredAt: at, data: { channel: "phone", topic: "inquiry", note: "メモ", operator: { name: "田中" } } },
        ],
      },
    });
    expect(res.body.results.map((r: { result: string }) => r.result)).toEqual(["rejected", "rejected", "accepted"]);
    const timeline = await h.request("GET", `/v1/customers/${customerId}/timeline?limit=50`, { key: t.key });
    expect(timeline.text).not.toContain(RLO);
  });

  it("the karte shows text stored before the refusal without its controls: a comment, a contact note, an agent's name", async () => {
    const other = uid("S");
    await h.request("PUT", `/v1/subscriptions/${other}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 12) }) });
    const started = await h.request("POST", `/v1/subscriptions/${other}/cancel-flows`, { key: token, body: {} });
    const flowId = started.body.flowId;
    expect((await h.request("POST", `/v1/cancel-flows/${flowId}/reason`, { key: token, body: { reason: "other", comment: "解約したい00001 号番付受 :みす済約解" } })).status).toBe(200);
    const eventId = uid("evt");
    const logged = await h.request("POST", "/v1/events", { key: t.key, body: { events: [{ id: eventId, type: "contact.logged", customerId, occurredAt: new Date().toISOString(), data: { channel: "phone", topic: "inquiry", note: "メモみす済約解", operator: { name: "田中者理管" } } }] } });
    expect(logged.body.results[0].result).toBe("accepted");
    // As stored before the API refused them (straight in the database).
    await h.sql(`UPDATE cancel_flow_steps SET data = json_set(data, '$.comment', ?) WHERE flow_id = ? AND type = 'reason_given'`, [`解約したい${RLO}00001 号番付受 :みす済約解`, flowId]);
    await h.sql(`UPDATE events SET data = json_set(data, '$.note', ?, '$.operator.name', ?) WHERE id = ?`, [`メモ${RLO}みす済約解`, `田中${RLO}者理管`, eventId]);
    expect((await h.request("GET", `/v1/cancel-flows/${flowId}`, { key: t.key })).text).toContain(RLO);

    const res = await h.request("POST", "/v1/console-sessions", { key: t.key, body: { operatorId: "OP-1", operatorName: "応対者一号" } });
    const url = new URL(res.body.url);
    const cookie = ((await h.request("GET", url.pathname + url.search)).headers.get("set-cookie") ?? "").split(";")[0]!;
    const karte = await h.request("GET", `/console?customer=${encodeURIComponent(customerId)}&sub=${encodeURIComponent(other)}`, { headers: { cookie } });
    expect(karte.status).toBe(200);
    expect(karte.text).not.toContain(RLO);
    expect(karte.text).toContain("「解約したい00001 号番付受 :みす済約解」");
    expect(karte.text).toContain("メモみす済約解");
    expect(karte.text).toContain("田中者理管");
  });

  it("the insights' quotes of a comment stored with one read as written, as the karte shows it (the control dropped)", async () => {
    // Two flows whose comments share words (a theme needs two), stored before the API refused overrides.
    for (let i = 0; i < 2; i++) {
      const other = uid("S");
      await h.request("PUT", `/v1/subscriptions/${other}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 12) }) });
      const flowId = (await h.request("POST", `/v1/subscriptions/${other}/cancel-flows`, { key: token, body: {} })).body.flowId;
      expect((await h.request("POST", `/v1/cancel-flows/${flowId}/reason`, { key: token, body: { reason: "surplus_stock", comment: "青汁が余っています" } })).status).toBe(200);
      await h.sql(`UPDATE cancel_flow_steps SET data = json_set(data, '$.comment', ?) WHERE flow_id = ? AND type = 'reason_given'`, [`青汁が余っています ${RLO}みす済約解`, flowId]);
    }
    const res = await h.request("GET", "/v1/insights/reasons", { key: t.key });
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    const surplus = (res.body.reasons as { reason: string; terms: { examples: string[] }[] }[]).find((r) => r.reason === "surplus_stock")!;
    expect(surplus.terms.flatMap((x) => x.examples)).toContain("青汁が余っています みす済約解");
  });
});
