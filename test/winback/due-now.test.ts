import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * `GET /v1/winback/candidates?due=now`: whom to contact now. Before, the list mixed a cancellation
 * of an hour ago (its contact date weeks ahead) with due ones, with no way to leave it out.
 */
describe("win-back candidates: due=now", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());
  const today = () => localDate(new Date(), "Asia/Tokyo");

  async function lapsed(t: TestTenant, price: number, confirm: Record<string, unknown>) {
    const [c, s] = [uid("C"), uid("S")];
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ email: `${c.toLowerCase()}@example.jp` }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), unitPrice: { amount: price, currency: "JPY" } }) });
    const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: {} })).body;
    expect((await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: confirm })).status).toBe(200);
    return s;
  }
  const list = async (key: string, query: string) => {
    const res = await h.request("GET", `/v1/winback/candidates?${query}`, { key });
    expect(res.status, res.text).toBe(200);
    return res.body as { data: { subscriptionId: string; dueOn: string }[]; nextCursor: string | null };
  };

  it("leaves out the records whose dueOn is ahead, page by page through its own cursor", async () => {
    const t = await h.tenant();
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 0 } })).status).toBe(200);
    const dueA = await lapsed(t, 9_000, { keepInTouch: true, returnOn: today() });
    const dueB = await lapsed(t, 5_000, { keepInTouch: true, returnOn: today() });
    const later = await lapsed(t, 20_000, { keepInTouch: true }); // cancelled just now: due in winbackDelayDays
    const all = await list(t.key, "");
    expect(all.data.map((r) => r.subscriptionId)).toEqual([later, dueA, dueB]);
    expect(all.data[0]!.dueOn > today()).toBe(true);

    const first = await list(t.key, "due=now&limit=1");
    expect(first.data.map((r) => r.subscriptionId)).toEqual([dueA]);
    const next = await list(t.key, `due=now&limit=1&cursor=${first.nextCursor}`);
    expect(next.data.map((r) => r.subscriptionId)).toEqual([dueB]);
    expect(next.data.every((r) => r.dueOn <= today())).toBe(true);
    expect(next.nextCursor).toBeNull();

    // A cursor is good only with the same filter (the one pagination parser refuses it).
    const unfiltered = await list(t.key, "limit=1");
    const crossed = await h.request("GET", `/v1/winback/candidates?due=now&limit=1&cursor=${unfiltered.nextCursor}`, { key: t.key });
    expect(crossed.status).toBe(422);
    expect(crossed.body).toMatchObject({ code: "validation_failed" });
    const bad = await h.request("GET", "/v1/winback/candidates?due=tomorrow", { key: t.key });
    expect(bad.status).toBe(422);
  }, 120_000);
});
