import { eq } from "drizzle-orm";
import { planChanges, subscriptions, type DiscountRecord } from "../db/schema";
import type { OfferApplication } from "../offers/personalise";
import { applyPlanChange, changeRow, toChange } from "../plan-changes/apply";
import type { Actor } from "../platform/env";
import { ApiError } from "../platform/errors";
import type { TenantStore } from "../platform/tenancy";
import { refreshRisk } from "../risk/maintain";
import type { TenantSettings } from "../settings/schemas";
import { getSubscription, toSubscription, type SubscriptionRow } from "../subscriptions/repository";
import { enqueueWebhookEvent } from "../webhooks/outbox";

export type AcceptContext = { channel: string; actor: Actor; settings: TenantSettings; now: Date; source: Record<string, unknown> };

/**
 * The rule for an offer the shop changed its mind about after it was shown: an offer shown is
 * honoured for the life of its flow. Made inactive, or the retention policy turned to noOffer,
 * it is still accepted; likewise the shop's own limits on what the offer changes, lowered since —
 * skips in a row, pause length, the day and month intervals and quantity range offered — do not refuse it (the
 * customer was promised that change). What the calendar and the plan decide still refuses: a
 * delivery now inside the cut-off, a canceled subscription. Pure: the settings `applyOffer`
 * decides the offer's plan change with.
 */
export function honouredSettings(settings: TenantSettings, apply: OfferApplication): TenantSettings {
  if (apply.kind !== "plan_change") return settings;
  const r = apply.request;
  switch (r.type) {
    case "skip":
      // Any run of skips: the offer's count was within the limit when shown.
      return { ...settings, maxConsecutiveSkips: Math.max(settings.maxConsecutiveSkips, HONOURED_SKIPS) };
    case "pause":
      return { ...settings, maxPauseDays: Math.max(settings.maxPauseDays, HONOURED_PAUSE_DAYS) };
    case "interval":
      if ("intervalMonths" in r) return settings.allowedIntervalMonths.includes(r.intervalMonths) ? settings : { ...settings, allowedIntervalMonths: [...settings.allowedIntervalMonths, r.intervalMonths] };
      return settings.allowedIntervalDays.includes(r.intervalDays) ? settings : { ...settings, allowedIntervalDays: [...settings.allowedIntervalDays, r.intervalDays] };
    case "quantity":
      return { ...settings, quantityMin: Math.min(settings.quantityMin, r.quantity), quantityMax: Math.max(settings.quantityMax, r.quantity) };
    default:
      return settings;
  }
}
/** Bounds no shown offer reaches (a skip offer skips at most 12, a pause offer is months): large enough to never refuse, small enough for date arithmetic. */
const HONOURED_SKIPS = 1_000;
const HONOURED_PAUSE_DAYS = 3_650;

/**
 * Applies an accepted offer in the caller's transaction: plan changes through the plan-change
 * rules (applyPlanChange), a discount, product swap or gift as a change of its own — each with a
 * history row and `subscription.changed`. Usage advice changes nothing (change: null). The shop's
 * limits changed since the offer was shown do not refuse it ({@link honouredSettings}).
 */
export async function applyOffer(s: TenantStore, subscriptionId: string, apply: OfferApplication, ctx: AcceptContext) {
  if (apply.kind === "plan_change") return applyPlanChange(s, subscriptionId, apply.request, { ...ctx, settings: honouredSettings(ctx.settings, apply) });
  const row = await getSubscription(s, subscriptionId);
  if (row.status === "canceled") throw new ApiError("subscription_canceled", { en: "The subscription is canceled; the offer can no longer be applied.", ja: "この定期コースは解約済みのため、この特典は適用できません。" });
  if (apply.kind === "none") return { subscription: toSubscription(row), change: null };
  const at = ctx.now.toISOString();
  let set: Partial<SubscriptionRow>;
  let type: string;
  if (apply.kind === "discount") {
    const discount: DiscountRecord = { startsOn: apply.startsOn, endsOn: apply.endsOn, ...(apply.percentOff !== null ? { percentOff: apply.percentOff } : {}), ...(apply.amountOff !== null ? { amountOff: apply.amountOff } : {}), ...(typeof ctx.source.offerId === "string" ? { offerId: ctx.source.offerId } : {}) };
    set = { activeDiscount: discount };
    type = "discount";
  } else if (apply.kind === "product_swap") {
    // The new product's package, or none: the old one's 「30包入り」 would misname every quantity
    // (an offer shown before swaps carried a package has none in its application).
    set = { productSku: apply.sku, productName: apply.name, unitPriceAmount: apply.unitPrice.amount, productUnitsPerPackage: apply.unitsPerPackage ?? null, productUnitLabel: apply.unitLabel ?? null };
    type = "product_swap";
  } else {
    set = {};
    type = "free_gift";
  }
  const updated: SubscriptionRow = { ...row, ...set, version: row.version + 1, updatedAt: at };
  await s.update(subscriptions, { ...set, version: updated.version, updatedAt: at }, eq(subscriptions.id, subscriptionId), eq(subscriptions.version, row.version));
  const change = changeRow(row, updated, { type, channel: ctx.channel, actor: ctx.actor, source: { ...ctx.source, application: apply } }, at);
  await s.insert(planChanges, change);
  await refreshRisk(s, subscriptionId, at);
  const result = { subscription: toSubscription(updated), change: toChange({ ...change, tenantId: s.tenantId }) };
  await enqueueWebhookEvent(s, "subscription.changed", result, ctx.now);
  return result;
}
