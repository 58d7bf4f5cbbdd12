import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reasonInsightsFor } from "../../src/insights/routes";
import { addDays, localDate } from "../../src/platform/dates";
import { TenantStore } from "../../src/platform/tenancy";
import { DEFAULT_SETTINGS } from "../../src/settings/schemas";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// GET /v1/insights/reasons runs in the read worker every shop shares on Node (exports, metrics):
// comments a customer writes to be slow to analyse (2,000 characters each) must not hold it.
describe("the insights' analysis of comments is bounded", () => {
  let h: NodeHarness;
  let t: TestTenant;

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
    const customerId = uid("C");
    await h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
    const token = (await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId, locale: "ja" } })).body.token;
    // Two comments sharing a word at their start (在庫) and one past their 500th character (値段).
    for (let i = 0; i < 2; i++) {
      const subscriptionId = uid("S");
      await h.request("PUT", `/v1/subscriptions/${subscriptionId}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 12) }) });
      const flowId = (await h.request("POST", `/v1/subscriptions/${subscriptionId}/cancel-flows`, { key: t.key, body: {} })).body.flowId;
      const comment = `在庫が余っています。${"1番".repeat(300)}。値段が高いです`;
      const given = await h.request("POST", `/v1/cancel-flows/${flowId}/reason`, { key: token, body: { reason: "surplus_stock", comment } });
      expect(given.status, given.text).toBe(200);
    }
  });
  afterAll(() => h.close());

  it("reads themes from each comment's first 500 characters", async () => {
    const res = await h.request("GET", "/v1/insights/reasons", { key: t.key });
    expect(res.status, res.text).toBe(200);
    expect(res.body.comments).toBe(2);
    const terms = (res.body.overall.terms as { text: string }[]).map((x) => x.text);
    expect(terms).toContain("在庫");
    expect(terms).not.toContain("値段");
  });

  it("answers with the comments analysed when the request's time for them is spent, counts complete", async () => {
    const answer = await reasonInsightsFor(new TenantStore(h.db, t.id), DEFAULT_SETTINGS, new Date(), {}, 0);
    expect(answer.comments).toBe(0);
    expect(answer.overall.terms).toEqual([]);
    expect(answer.reasons.find((r) => r.reason === "surplus_stock")).toMatchObject({ flows: 2, comments: 0 });
  });
});
