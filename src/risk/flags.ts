/**
 * Named risk patterns reported next to the score (`flags: [code]`).
 */

export type PastSubscription = { status: string; deliveriesCompleted: number };

/**
 * True when the same person (matched by the caller on normalised phone or email) cancelled an
 * earlier subscription after at most one delivery.
 */
export function firstDeliveryCanceller(pastSubscriptionsOfSamePerson: readonly PastSubscription[]): boolean {
  return pastSubscriptionsOfSamePerson.some((s) => s.status === "canceled" && s.deliveriesCompleted <= 1);
}

export type RiskFlag = "first_delivery_canceller";

/** All flags that apply, in a stable order. */
export function riskFlags(input: { pastSubscriptionsOfSamePerson: readonly PastSubscription[] }): RiskFlag[] {
  const flags: RiskFlag[] = [];
  if (firstDeliveryCanceller(input.pastSubscriptionsOfSamePerson)) flags.push("first_delivery_canceller");
  return flags;
}
