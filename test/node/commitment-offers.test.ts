import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate, writeDate } from "../../src/platform/dates";
import { type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";
import { syncedPlan } from "../support/synced-plan";

// A customer inside a commitment (4 deliveries promised at sign-up, 1 received, ¥8,000 fee) who
// wants to cancel is offered a skip, a pause, a longer interval… Each offer must say that the
// commitment and its fee still stand, and when the last committed delivery falls after the change:
// a skip or a pause moves it later (消費者契約法 §4(2), 不利益事実の不告知). The words are the
// offer's description, so the my-page, the IVR, the operator's pitch and the evidence carry them.
// Every answer here is checked against openapi.json by the harness.
describe("save offers on a plan with a commitment", () => {
  let h: NodeHarness;
  let t: TestTenant;
  const today = () => localDate(new Date(), "Asia/Tokyo");
  const next = () => addDays(today(), 20);
  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
  });
  afterAll(() => h?.close());

  const plan = async (overrides: Record<string, unknown>) =>
    (await syncedPlan(h, t, { customer: { phone: null, email: null }, nextIn: 20, subscription: { quantity: 2, startedAt: `${addDays(today(), -10)}T01:00:00Z`, ...overrides } })).subscriptionId;
  const committed = { deliveriesCompleted: 1, commitment: { minDeliveries: 4, earlyCancellationFee: { amount: 8000, currency: "JPY" } } };
  const offers = async (subscriptionId: string, reason: string, lang: "ja" | "en" = "ja") => {
    const r = await h.request("GET", `/v1/subscriptions/${subscriptionId}/offers?reason=${reason}&channel=operator`, { key: t.key, headers: { "Accept-Language": lang } });
    expect(r.status).toBe(200);
    return r.body.data as { offerId: string; type: string; description: string; talkTrack: { pitch: string } }[];
  };
  const day = (d: string) => writeDate(d, "ja", "full");

  it("a skip and a pause say the fee still applies and that the last committed delivery moves later", async () => {
    const sub = await plan(committed);
    const list = await offers(sub, "temporary_break");
    const skip = list.find((o) => o.type === "skip")!;
    const pause = list.find((o) => o.type === "pause")!;
    expect(skip && pause).toBeTruthy();
    const stated = "この定期コースには、お申込み時にご案内した4回のお受け取りのお約束があります（これまで1回、残り3回）。このご提案をお受けいただいてもお約束は変わらず、残り3回をお受け取りになる前に解約すると、解約手数料8,000円がかかります。";
    // Without the change: the 3 remaining on next, +30, +60. A skip: +30, +60, +90.
    expect(skip.description).toContain(`\n${stated}お届けが先になるため、お約束の最後のお届けは${day(addDays(next(), 60))}から${day(addDays(next(), 90))}に変わります。`);
    expect(skip.talkTrack.pitch).toContain(stated);
    // A pause resuming on R: R, R+30, R+60.
    const resumeOn = (await h.request("GET", `/v1/subscriptions/${sub}/offers?reason=temporary_break`, { key: t.key })).body.data.find((o: { type: string }) => o.type === "pause").parameters.resumeOn as string;
    expect(pause.description).toContain(`${stated}お届けが先になるため、お約束の最後のお届けは${day(addDays(next(), 60))}から${day(addDays(resumeOn, 60))}に変わります。`);
    const en = (await offers(sub, "temporary_break", "en")).find((o) => o.type === "skip")!;
    expect(en.description).toContain("This plan has a commitment of 4 deliveries, disclosed at sign-up (1 received, 3 to go). Taking this offer does not change it: cancelling before the remaining 3 deliveries arrive brings the early-cancellation fee of ¥8,000.");
  });

  it("a discount or a smaller quantity changes no date: the fee and the last committed delivery, unchanged", async () => {
    const sub = await plan(committed);
    const list = await offers(sub, "too_expensive");
    expect(list.length).toBeGreaterThan(0);
    for (const o of list) expect(o.description, o.offerId).toContain(`解約手数料8,000円がかかります。お約束の最後のお届けは${day(addDays(next(), 60))}の予定です。`);
  });

  it("the flow shows it, and the evidence keeps the offer with it", async () => {
    const sub = await plan(committed);
    const flow = await h.request("POST", `/v1/subscriptions/${sub}/cancel-flows`, { key: t.key, body: { channel: "web" } });
    expect(flow.status).toBe(201);
    const reason = await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, headers: { "Accept-Language": "ja" }, body: { reason: "temporary_break" } });
    expect(reason.status).toBe(200);
    expect(reason.body.offer.description).toContain("解約手数料8,000円がかかります。");
    const accepted = await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/accept`, { key: t.key, body: { offerId: reason.body.offer.offerId } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.outcome).toBe("saved");
    // The commitment is not started over by the save.
    expect(accepted.body.subscription).toMatchObject({ deliveriesCompleted: 1, commitment: { minDeliveries: 4 } });
    const evidence = await h.request("GET", `/v1/cancel-flows/${flow.body.flowId}`, { key: t.key });
    expect(evidence.body.offersShown[0].description.ja).toContain("解約手数料8,000円がかかります。");
    expect(evidence.body.offersShown[0].description.en).toContain("early-cancellation fee of ¥8,000");
  });

  it("cancellation-info counts the fee's tick among the my-page's actions (5 at most, 3 without an offer step), and not where no fee applies", async () => {
    const info = async (key: string, id: string, lang: "ja" | "en") => {
      const r = await h.request("GET", `/v1/subscriptions/${id}/cancellation-info`, { key, headers: { "Accept-Language": lang } });
      expect(r.status).toBe(200);
      return r.body as { summary: string; howToCancel: string[] };
    };
    const withFee = await plan(committed);
    const [ja, en] = [await info(t.key, withFee, "ja"), await info(t.key, withFee, "en")];
    // It said 「最大4回の操作」 while the confirmation asks for the fee's box to be ticked first.
    expect(ja.summary).toContain("最大5回の操作（解約する・理由の選択〈任意〉・ご提案が表示された場合は「解約の手続きを続ける」・解約手数料の確認のチェック・解約を確定する）");
    expect(en.summary).toContain("at most 5 actions");
    expect(ja.howToCancel.join("")).toContain("解約手数料の確認にチェックを入れて、解約を確定します。");
    const none = await plan({});
    expect((await info(t.key, none, "ja")).summary).toContain("最大4回の操作（解約する・理由の選択〈任意〉・ご提案が表示された場合は「解約の手続きを続ける」・解約を確定する）");
    // Under noOffer: cancel, tick, confirm.
    const shop = await h.tenant();
    expect((await h.request("PATCH", "/v1/settings", { key: shop.key, body: { retentionPolicy: "noOffer" } })).status).toBe(200);
    const { subscriptionId: direct } = await syncedPlan(h, shop, { customer: { phone: null, email: null }, nextIn: 20, subscription: committed });
    expect((await info(shop.key, direct, "ja")).summary).toContain("解約手数料の確認にチェックを入れて「解約を確定する」で完了します（3回の操作）。");
  });

  it("no sentence where no fee can apply: no commitment, or one already met", async () => {
    for (const overrides of [{}, { deliveriesCompleted: 4, commitment: committed.commitment }]) {
      const sub = await plan(overrides);
      for (const reason of ["temporary_break", "too_expensive"]) {
        for (const o of await offers(sub, reason)) expect(o.description, `${reason} ${o.offerId}`).not.toContain("解約手数料");
      }
    }
  });
});
