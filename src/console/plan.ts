/**
 * What the console's one click does with an offer when the caller gave no cancel reason (a caller
 * who just wants a skip): the plan-change call that applies its concrete terms for this
 * subscription (as GET /v1/subscriptions/{id}/offers computed them). Pure. With a reason, every
 * offer — a discount, a gift, usage advice too — is accepted through the cancel flow instead, so
 * the save counts; offers that change no plan return null here.
 */
export type PlanCall = { path: "skip" | "next-delivery" | "pause" | "interval" | "quantity"; body: Record<string, unknown> };

export function planCallFor(offer: { type: string; parameters: Record<string, unknown> }): PlanCall | null {
  const p = offer.parameters;
  switch (offer.type) {
    case "skip":
      if (p.mode === "move_next_delivery" && typeof p.suggestedDeliveryOn === "string") return { path: "next-delivery", body: { date: p.suggestedDeliveryOn } };
      if (typeof p.count === "number") return { path: "skip", body: { count: p.count } };
      return null;
    case "pause":
      return typeof p.resumeOn === "string" ? { path: "pause", body: { resumeOn: p.resumeOn } } : null;
    case "change_interval":
      return typeof p.intervalDays === "number" ? { path: "interval", body: { intervalDays: p.intervalDays } } : null;
    case "change_quantity":
      return typeof p.quantity === "number" ? { path: "quantity", body: { quantity: p.quantity } } : null;
    default:
      return null;
  }
}
