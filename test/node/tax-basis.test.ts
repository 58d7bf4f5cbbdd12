import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * 総額表示 (消費税法 §63) and "plus tax": the shop's `pricesIncludeTax` setting, its default by
 * country, its validation, and the basis the texts a customer reads write beside a price. Every
 * answer is held to openapi.json by the harness.
 */
describe("prices with their tax basis (settings pricesIncludeTax)", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  const patch = (t: TestTenant, body: unknown) => h.request("PATCH", "/v1/settings", { key: t.key, body });
  const settings = async (t: TestTenant) => (await h.request("GET", "/v1/settings", { key: t.key })).body;

  it("follows the country until set: a JP shop's prices include tax, a US shop's do not; a US shop may say its prices include it", async () => {
    const t = await h.tenant();
    expect(await settings(t)).toMatchObject({ country: "JP", pricesIncludeTax: true });
    expect((await patch(t, { country: "US" })).body).toMatchObject({ country: "US", pricesIncludeTax: false });
    expect((await patch(t, { pricesIncludeTax: true })).body).toMatchObject({ country: "US", pricesIncludeTax: true });
    expect(await settings(t)).toMatchObject({ country: "US", pricesIncludeTax: true });
  });

  it("a JP shop cannot say its prices exclude tax (422 invalid_settings, saying why), in either order; a bad value is refused; nothing changes", async () => {
    const t = await h.tenant();
    const before = await settings(t);
    const refused = await h.request("PATCH", "/v1/settings", { key: t.key, headers: { "accept-language": "ja" }, body: { pricesIncludeTax: false } });
    expect(refused.status).toBe(422);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({ code: "invalid_settings", errors: [{ path: "pricesIncludeTax" }] });
    expect(JSON.stringify(refused.body)).toMatch(/税込/u);
    const both = await patch(t, { country: "JP", pricesIncludeTax: false, changeCutoffDays: 5 });
    expect(both.status).toBe(422);
    const bad = await patch(t, { pricesIncludeTax: "yes" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ path: "pricesIncludeTax" });
    expect(await settings(t)).toEqual(before);
    // A US shop selling before tax cannot become a JP one without changing its prices' basis first.
    const us = await h.tenant();
    await patch(us, { country: "US", pricesIncludeTax: false });
    const moved = await patch(us, { country: "JP" });
    expect(moved.status).toBe(422);
    expect(moved.body).toMatchObject({ code: "invalid_settings", errors: [{ path: "country" }] });
    expect(await settings(us)).toMatchObject({ country: "US", pricesIncludeTax: false });
  });

  /** A cancellation inside the cut-off: the next delivery ships and is charged as the last one. */
  const cancelInsideCutoff = async (t: TestTenant, lang: "ja" | "en", over: Record<string, unknown>, timeZone: string, customer: Record<string, unknown> = {}) => {
    const customerId = uid("C");
    expect((await h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody(customer) })).status).toBe(201);
    const id = uid("S");
    const sync = await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(localDate(new Date(), timeZone), 1), ...over }) });
    expect(sync.status, JSON.stringify(sync.body)).toBe(201);
    const headers = { "accept-language": lang };
    const flow = (await h.request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, headers, body: { channel: "web" } })).body;
    const confirm = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, headers, body: {} });
    expect(confirm.status).toBe(200);
    return confirm.body;
  };

  it("a JP shop's final confirmation and receipt say 税込 beside the price", async () => {
    const t = await h.tenant();
    const done = await cancelInsideCutoff(t, "ja", {}, "Asia/Tokyo");
    expect(done.receipt).toContain("今後のご請求：合計3,980円（税込）");
    expect(JSON.stringify(done)).toContain("3,980円（税込）が請求されます");
  });

  it("a US shop's say \"plus tax\"", async () => {
    const t = await h.tenant();
    await patch(t, { country: "US", timeZone: "America/New_York", locale: "en" });
    const done = await cancelInsideCutoff(t, "en", { unitPrice: { amount: 4900, currency: "USD" } }, "America/New_York", { name: "Jane Doe", phone: "(415) 555-0132", email: "jane@example.com", locale: "en" });
    expect(done.receipt).toContain("Further charges: a total of $49.00 plus tax");
    expect(JSON.stringify(done)).toContain("($49.00 plus tax)");
  });
});
