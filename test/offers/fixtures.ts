import type { SubscriptionSnapshot } from "../../src/offers/personalise";

export const TODAY = "2026-06-01";
export const NOW = "2026-06-01T03:00:00Z";

/** A typical 定期便: 1 bag of 青汁 every 30 days at 3,980円, next delivery in 10 days. */
export function sub(over: Partial<SubscriptionSnapshot> = {}): SubscriptionSnapshot {
  return {
    status: "active",
    product: { sku: "AOJIRU-30", name: "すっきり青汁" },
    quantity: 1,
    intervalDays: 30,
    nextDeliveryOn: "2026-06-11",
    unitPrice: { amount: 3980, currency: "JPY" },
    deliveriesCompleted: 4,
    pausedUntil: null,
    activeDiscount: null,
    ...over,
  };
}
