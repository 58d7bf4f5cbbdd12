import { describe, expect, it } from "vitest";
import { checkoutDecision, type EarlierSubscription } from "../../src/checkout-checks/logic";

const sub = (over: Partial<EarlierSubscription> = {}): EarlierSubscription => ({
  matchedOn: ["phone"],
  status: "active",
  deliveriesCompleted: 5,
  startedAt: "2026-01-01T00:00:00Z",
  canceledAt: null,
  ...over,
});

describe("the checkout check's decision", () => {
  it("flags 初回だけ解約 when an earlier subscription ended after at most one delivery, with counts and local dates", () => {
    const d = checkoutDecision(
      [
        sub({ status: "canceled", deliveriesCompleted: 1, canceledAt: "2026-03-31T16:00:00Z" }), // 1 April in Tokyo
        sub({ status: "canceled", deliveriesCompleted: 0, canceledAt: "2026-06-10T01:00:00Z", matchedOn: ["address"] }),
        sub({ status: "canceled", deliveriesCompleted: 4, canceledAt: "2026-08-01T01:00:00Z" }),
      ],
      "Asia/Tokyo",
      "ja",
    );
    expect(d.flags).toEqual(["first_delivery_canceller"]);
    expect(d.evidence).toEqual({
      matchedOn: ["phone", "address"],
      earlierSubscriptions: 3,
      canceledAfterAtMostOneDelivery: 2,
      canceledOn: ["2026-06-10", "2026-04-01"],
      lastCanceledOn: "2026-06-10",
    });
    expect(d.suggestedAction.code).toBe("no_first_order_discount");
    expect(d.suggestedAction.text).toContain("初回割引");
  });

  it("does not flag customers who stayed, or left after several deliveries, nor a new shopper", () => {
    expect(checkoutDecision([sub(), sub({ status: "canceled", deliveriesCompleted: 2, canceledAt: "2026-05-01T00:00:00Z" })], "Asia/Tokyo", "en")).toMatchObject({
      flags: [],
      evidence: { earlierSubscriptions: 2, canceledAfterAtMostOneDelivery: 0, canceledOn: [], lastCanceledOn: null },
      suggestedAction: { code: "none" },
    });
    expect(checkoutDecision([], "Asia/Tokyo", "en")).toMatchObject({ flags: [], evidence: { matchedOn: [], earlierSubscriptions: 0 } });
  });
});
