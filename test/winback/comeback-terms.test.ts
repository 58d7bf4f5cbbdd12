import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * The comeback message the shop sends (GET /v1/winback/candidates `offer.message`, the same text
 * `winback.due` carries) invites the customer back into a 定期: it states the terms it restarts on —
 * cadence, price per delivery, that it runs until cancelled with no minimum — and how to cancel it
 * again, under the shop's own cut-off (特定商取引法). It used to end at 「再開をご希望の際は、いつでも
 * お手続きいただけます。」 with no price, cadence or way out.
 */
describe("the comeback message states the 定期 it restarts", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("in Japanese and English: cadence, price per delivery, until cancelled, and the shop's cut-off to cancel again", async () => {
    const t = await h.tenant();
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { changeCutoffDays: 5, winbackHoldoutPercent: 0 } })).status).toBe(200);
    expect((await h.request("PUT", "/v1/customers/C-TERMS", { key: t.key, body: customerBody({ email: "terms@example.jp", marketingConsent: true }) })).status).toBeLessThan(300);
    const today = localDate(new Date(), "Asia/Tokyo");
    const sub = await h.request("PUT", "/v1/subscriptions/S-TERMS", {
      key: t.key,
      body: subscriptionBody("C-TERMS", { intervalDays: 30, quantity: 1, unitPrice: { amount: 5980, currency: "JPY" }, nextDeliveryOn: addDays(today, 20) }),
    });
    expect(sub.status, sub.text).toBeLessThan(300);
    const flow = await h.request("POST", "/v1/subscriptions/S-TERMS/cancel-flows", { key: t.key, body: { channel: "web" } });
    expect(flow.status, flow.text).toBe(201);
    await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, body: { reason: "surplus_stock" } });
    const done = await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { keepInTouch: true } });
    expect(done.status, done.text).toBe(200);

    const row = async (lang: string) => {
      const res = await h.request("GET", "/v1/winback/candidates?customerId=C-TERMS", { key: t.key, headers: { "Accept-Language": lang } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.data).toHaveLength(1);
      return res.body.data[0];
    };
    const ja = await row("ja");
    expect(ja.offer).toMatchObject({ type: "change_interval", parameters: { intervalDays: 45 } });
    expect(ja.offer.message).toContain(
      "再開後は定期コースとして45日ごとにお届けし、1回あたり5,980円（税込）です。お届けは解約のお申し出まで続きます。回数のお約束はなく、いつでも解約できます。お届け予定日の5日前までに解約をお申し出いただくと、そのお届けから停止します。",
    );
    const en = await row("en");
    expect(en.offer.message).toContain(
      "Once restarted, it is a subscription: a delivery every 45 days at ¥5,980 including tax each, until you cancel. There is no minimum number of deliveries: cancel at least 5 days before a delivery and that delivery is stopped.",
    );
  }, 120_000);
});
