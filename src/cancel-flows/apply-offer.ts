import { eq } from "drizzle-orm";
import { planChanges, subscriptions, type DiscountRecord } from "../db/schema";
import type { OfferApplication } from "../offers/personalise";
import { actorColumns, applyPlanChange, planOf, snapshot, toChange } from "../plan-changes/apply";
import type { Actor } from "../platform/env";
import { newId } from "../platform/crypto";
import { ApiError } from "../platform/errors";
import type { TenantStore } from "../platform/tenancy";
import { refreshRisk } from "../risk/maintain";
import type { TenantSettings } from "../settings/schemas";
import { getSubscription, toSubscription, type SubscriptionRow } from "../subscriptions/repository";
import { enqueueWebhookEvent } from "../webhooks/outbox";

export type AcceptContext = { channel: string; actor: Actor; settings: TenantSettings; now: Date; source: Record<string, unknown> };

/**
 * Applies an accepted offer in the caller's transaction: plan changes through the plan-change
 * rules (applyPlanChange), a discount, product swap or gift as a change of its own — each with a
 * history row and `subscription.changed`. Usage advice changes nothing (change: null).
 */
export async function applyOffer(s: TenantStore, subscriptionId: string, apply: OfferApplication, ctx: AcceptContext) {
  if (apply.kind === "plan_change") return applyPlanChange(s, subscriptionId, apply.request, ctx);
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
    set = { productSku: apply.sku, productName: apply.name, unitPriceAmount: apply.unitPrice.amount };
    type = "product_swap";
  } else {
    set = {};
    type = "free_gift";
  }
  const updated: SubscriptionRow = { ...row, ...set, version: row.version + 1, updatedAt: at };
  await s.update(subscriptions, { ...set, version: updated.version, updatedAt: at }, eq(subscriptions.id, subscriptionId), eq(subscriptions.version, row.version));
  const change = {
    id: newId("chg"),
    subscriptionId,
    type,
    channel: ctx.channel,
    ...actorColumns(ctx.actor),
    before: snapshot(planOf(row)),
    after: snapshot(planOf(updated)),
    source: { ...ctx.source, application: apply },
    createdAt: at,
  };
  await s.insert(planChanges, change);
  await refreshRisk(s, subscriptionId, at);
  const result = { subscription: toSubscription(updated), change: toChange({ ...change, tenantId: s.tenantId }) };
  await enqueueWebhookEvent(s, "subscription.changed", result, ctx.now);
  return result;
}
