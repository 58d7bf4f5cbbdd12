/**
 * Which catalogue offers may be shown in this flow: active and not past their end, fit the reason, the channel, the
 * customer's delivery count and risk band, and the customer has not hit the offer's limit of
 * accepted saves in its period (so discounts cannot be farmed by cancelling every month).
 */
import type { CatalogueOffer, Channel, RiskBand } from "./catalogue";

/** An accepted save: when, and — when known — which offer and its type (for `saveLimitScope` `offer` and `type`). */
export type AcceptedSave = string | { at: string; offerId?: string; type?: string };

export type EligibilityContext = {
  reason: string;
  channel: Channel;
  deliveriesCompleted: number;
  /** The subscription's current risk band; null/undefined when it has no score. */
  riskBand?: RiskBand | null;
  /**
   * The customer's accepted saves (RFC 3339 instants; with the offer id when known). A bare
   * timestamp counts toward every offer's limit (we cannot tell which offer it was).
   */
  acceptedSaves?: readonly AcceptedSave[];
  now: Date | string;
};

export type ExclusionCode = "inactive" | "ended" | "reason" | "channel" | "min_deliveries" | "risk_band" | "save_limit";

const DAY_MS = 86_400_000;

export function acceptedSavesInPeriod(offer: CatalogueOffer, saves: readonly AcceptedSave[], now: Date | string): number {
  const nowMs = (typeof now === "string" ? new Date(now) : now).getTime();
  const fromMs = nowMs - offer.eligibility.periodDays * DAY_MS;
  let n = 0;
  for (const s of saves) {
    const at = typeof s === "string" ? s : s.at;
    const offerId = typeof s === "string" ? undefined : s.offerId;
    const type = typeof s === "string" ? undefined : s.type;
    const t = Date.parse(at);
    if (!Number.isFinite(t) || t <= fromMs || t > nowMs) continue;
    // What is not known (a bare timestamp; an offer since deleted from the catalogue) counts toward the limit.
    if (offer.eligibility.saveLimitScope === "offer" && offerId !== undefined && offerId !== offer.id) continue;
    if (offer.eligibility.saveLimitScope === "type" && type !== undefined && type !== offer.type) continue;
    n++;
  }
  return n;
}

/** Every rule the offer fails; empty = eligible. */
export function checkEligibility(offer: CatalogueOffer, ctx: EligibilityContext, firstOnly = false): ExclusionCode[] {
  // With `firstOnly`, the first rule that fails is the answer: ranking only asks yes or no, many
  // times per request, and the save-limit count (last) is the dear one.
  const e = offer.eligibility;
  const out: ExclusionCode[] = [];
  if (!offer.active && out.push("inactive") && firstOnly) return out;
  // A campaign's end (eligibility.availableUntil): past it, as good as inactive, with no one having to switch it off on the day.
  if (e.availableUntil && Date.parse(e.availableUntil) <= (typeof ctx.now === "string" ? Date.parse(ctx.now) : ctx.now.getTime()) && out.push("ended") && firstOnly) return out;
  if (!e.reasons.includes(ctx.reason) && out.push("reason") && firstOnly) return out;
  if (!e.channels.includes(ctx.channel) && out.push("channel") && firstOnly) return out;
  if (ctx.deliveriesCompleted < e.minDeliveries && out.push("min_deliveries") && firstOnly) return out;
  const bandFits = ctx.riskBand ? e.riskBands.includes(ctx.riskBand) : e.riskBands.includes("low") && e.riskBands.includes("medium") && e.riskBands.includes("high");
  if (!bandFits && out.push("risk_band") && firstOnly) return out;
  if (e.maxAcceptedSavesPerCustomer !== null && acceptedSavesInPeriod(offer, ctx.acceptedSaves ?? [], ctx.now) >= e.maxAcceptedSavesPerCustomer) {
    out.push("save_limit");
  }
  return out;
}

export function eligibleOffers(catalogue: readonly CatalogueOffer[], ctx: EligibilityContext): CatalogueOffer[] {
  return catalogue.filter((o) => checkEligibility(o, ctx, true).length === 0);
}

/** For operators and debugging: every offer with why it was or was not eligible. */
export function explainEligibility(catalogue: readonly CatalogueOffer[], ctx: EligibilityContext): { offerId: string; eligible: boolean; excludedBy: ExclusionCode[] }[] {
  return catalogue.map((o) => {
    const excludedBy = checkEligibility(o, ctx);
    return { offerId: o.id, eligible: excludedBy.length === 0, excludedBy };
  });
}
