/**
 * The checkout check's decision, pure: given the shop's earlier customers who match the
 * shopper's contact details, is this the 初回だけ解約 pattern (someone who cancels after the
 * first, discounted delivery), and what should the shop do at checkout? The same rule as the
 * risk flag `first_delivery_canceller` (risk/flags), applied before the order exists.
 */
import { localDate } from "../platform/dates";
import { firstDeliveryCanceller } from "../risk/flags";

export type MatchKey = "phone" | "email" | "address";

/** One earlier subscription of a matching customer, and what matched that customer. */
export type EarlierSubscription = {
  matchedOn: readonly MatchKey[];
  status: string;
  deliveriesCompleted: number;
  startedAt: string;
  canceledAt: string | null;
};

export type CheckoutFlag = "first_delivery_canceller";
export type SuggestedAction = "no_first_order_discount" | "none";

const ACTION_TEXT: Record<SuggestedAction, { ja: string; en: string }> = {
  no_first_order_discount: {
    ja: "初回割引の対象外とし、通常価格と解約条件をはっきりご案内することをおすすめします。",
    en: "Do not apply the first-order discount; show the regular price and the cancellation terms clearly.",
  },
  none: { ja: "特別な対応は不要です。", en: "No special handling needed." },
};

/**
 * Flags, evidence (counts and dates only — never the matching customers' ids or details) and a
 * suggested action. `timeZone` gives the shop-local dates of cancellations.
 */
export function checkoutDecision(earlier: readonly EarlierSubscription[], timeZone: string, lang: "ja" | "en") {
  const quick = earlier.filter((s) => s.status === "canceled" && s.deliveriesCompleted <= 1);
  const flagged = firstDeliveryCanceller(earlier);
  const flags: CheckoutFlag[] = flagged ? ["first_delivery_canceller"] : [];
  const action: SuggestedAction = flagged ? "no_first_order_discount" : "none";
  const canceledOn = quick
    .map((s) => (s.canceledAt ? localDate(new Date(s.canceledAt), timeZone) : null))
    .filter((d): d is string => d !== null)
    .sort()
    .reverse();
  const matchedOn = (["phone", "email", "address"] as const).filter((k) => earlier.some((s) => s.matchedOn.includes(k)));
  return {
    flags,
    evidence: {
      matchedOn,
      earlierSubscriptions: earlier.length,
      canceledAfterAtMostOneDelivery: quick.length,
      /** Shop-local dates those subscriptions ended, newest first. */
      canceledOn,
      lastCanceledOn: canceledOn[0] ?? null,
    },
    suggestedAction: { code: action, text: ACTION_TEXT[action][lang] },
  };
}
