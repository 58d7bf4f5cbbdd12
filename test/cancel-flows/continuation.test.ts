import { describe, expect, it } from "vitest";
import { continuationOf, endingOf, type EvidenceStep, type FlowEvidence } from "../../src/cancel-flows/continuation";
import { endingWords } from "../../src/console/karte";

// A flow read from its evidence as the console continues it, and one that ended as the console says it.
const customer = { type: "customer" };
const tanaka = { type: "operator", id: "op-tanaka", name: "田中 一郎" };
const step = (seq: number, type: string, channel: string, actor: EvidenceStep["actor"], at: string, data: Record<string, unknown> = {}): EvidenceStep => ({ seq, type, channel, actor, at, data });
const offer = { offerId: "off_discount_20", type: "discount", parameters: { percentOff: 20, cycles: 2 }, title: { ja: "20%オフ×2", en: "20% off ×2" }, description: { ja: "次回から2回", en: "Next two" } };
const web = (status: string, more: EvidenceStep[] = []): FlowEvidence => ({
  flowId: "cf_1",
  subscriptionId: "S-1",
  channel: "web",
  status,
  reason: "too_expensive",
  startedAt: "2026-12-03T09:17:00.000Z",
  expiresAt: "2026-12-04T09:17:00.000Z",
  closedAt: null,
  confirmationNumber: status === "canceled" ? "CN-20261203-ABCDEF" : null,
  steps: [
    step(1, "started", "web", customer, "2026-12-03T09:17:00.000Z"),
    step(2, "reason_given", "web", customer, "2026-12-03T09:18:00.000Z", { reason: "too_expensive", comment: "高いので", offersShown: [offer], noOfferBecause: null }),
    ...more,
  ],
});

describe("a flow continued on another channel", () => {
  it("says where it is: started when, where, by whom; the reason and comment; the offer shown and that it can still be taken", () => {
    expect(continuationOf(web("offered"))).toMatchObject({
      flowId: "cf_1",
      channel: "web",
      startedBy: customer,
      reason: "too_expensive",
      comment: "高いので",
      reasonAt: "2026-12-03T09:18:00.000Z",
      offers: [{ offerId: "off_discount_20" }],
      offersHonoured: true,
    });
  });

  it("a flow without a reason yet is continued by giving one; a flow that ended is not continued", () => {
    const bare = { ...web("open"), reason: null, steps: [step(1, "started", "ivr", { type: "key", id: "key_1" }, "2026-12-03T09:17:00.000Z")] };
    expect(continuationOf(bare)).toMatchObject({ reason: null, comment: null, offers: [], offersHonoured: false, noOfferBecause: null });
    expect(continuationOf(web("canceled"))).toBeNull();
    expect(continuationOf(web("abandoned"))).toBeNull();
  });
});

describe("a flow that shows no offer because one was declined lately (fresh-user trial 25)", () => {
  it("carries which offer, on which channel and when, for the operator to say if asked", () => {
    const declinedOffer = { flowId: "cf_0", offerId: "off_discount_20", title: offer.title, channel: "web", shownAt: "2026-12-01T03:00:00.000Z", endedAs: "abandoned", offersAgainFrom: "2026-12-31T02:59:00.000Z" };
    const phoned = { ...web("open"), channel: "operator", steps: [step(1, "started", "operator", tanaka, "2026-12-03T09:17:00.000Z"), step(2, "reason_given", "operator", tanaka, "2026-12-03T09:18:00.000Z", { reason: "too_expensive", offersShown: [], noOfferBecause: "offered_lately", declinedOffer })] };
    expect(continuationOf(phoned)).toMatchObject({ offers: [], noOfferBecause: "offered_lately", declinedOffer: { offerId: "off_discount_20", title: { ja: "20%オフ×2" }, channel: "web", shownAt: "2026-12-01T03:00:00.000Z" } });
    expect(continuationOf(web("offered"))?.declinedOffer).toBeNull();
  });
});

describe("a flow that ended meanwhile, in words for the caller", () => {
  it("confirmed by another operator: who, when (the shop's time) and the receipt number", () => {
    const ended = endingOf(web("canceled", [step(3, "cancel_confirmed", "operator", tanaka, "2026-12-03T10:42:00.000Z", { confirmationNumber: "CN-20261203-ABCDEF" })]))!;
    expect(ended).toMatchObject({ how: "canceled", by: tanaka, confirmationNumber: "CN-20261203-ABCDEF" });
    expect(endingWords(ended, "ja", "Asia/Tokyo")).toBe("この定期コースは、2026/12/03 19:42にオペレーター 田中 一郎が解約を確定しています（受付番号 CN-20261203-ABCDEF）。お客様には「解約のお手続きは完了しています」とお伝えください。");
  });

  it("replaced by a newer flow, saved on the web, closed when the plan was cancelled elsewhere, expired", () => {
    const superseded = endingOf(web("abandoned", [step(3, "superseded", "operator", tanaka, "2026-12-03T10:40:00.000Z")]))!;
    expect(endingWords(superseded, "ja", "Asia/Tokyo")).toContain("2026/12/03 19:40にオペレーター 田中 一郎が新しい解約のご相談を始めたため終了");
    const saved = endingOf(web("saved", [step(3, "offer_accepted", "web", customer, "2026-12-03T10:00:00.000Z", { offerId: "off_discount_20" })]))!;
    expect(saved).toMatchObject({ how: "saved_by_offer", offerId: "off_discount_20" });
    expect(endingWords(saved, "ja", "Asia/Tokyo")).toContain("お客様ご自身（Web）がご提案をお受けして「継続」で終了");
    const closed = endingOf(web("abandoned", [step(3, "subscription_canceled", "operator", tanaka, "2026-12-03T10:42:00.000Z", { confirmationNumber: "CN-X" })]))!;
    expect(closed).toMatchObject({ how: "plan_canceled", confirmationNumber: "CN-X" });
    expect(endingOf(web("abandoned"))).toMatchObject({ how: "expired", at: "2026-12-04T09:17:00.000Z" });
    expect(endingOf(web("offered"))).toBeNull();
  });
});
