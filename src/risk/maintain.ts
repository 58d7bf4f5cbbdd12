/**
 * The seam through which every write that changes what risk reads keeps `risk_features` current.
 * Call it inside the write's own transaction (with the transaction's store), after the write.
 *
 * Cost on the write path: one read (the subscription joined with its features row, the tenant's
 * settings and active model) and one upsert; plus, only when the band moves, the webhook outbox.
 * Person-level history (earlier cancellations of the same person) is looked up only when asked
 * (`person: true`, on subscription sync), because it needs the other customer records.
 */
import { and, eq, ne, or, sql } from "drizzle-orm";
import { customers, riskFeatures, riskModels, subscriptions, tenants } from "../db/schema";
import { localDate } from "../platform/dates";
import type { TenantStore } from "../platform/tenancy";
import { resolveSettings } from "../settings/schemas";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import { applyEvent, applySignal, emptyFeatures, withPersonHistory, withSubscription, type RiskEvent, type RiskFeatures, type RiskSignal } from "./features";
import { riskFlags, type PastSubscription } from "./flags";
import { DEFAULT_MODEL, score, type RiskBand, type RiskModel, type RiskScore } from "./model";

export type RiskRow = typeof riskFeatures.$inferSelect;

/** What a subscription row must offer to be scored. */
export type ScoredSubscription = {
  id: string;
  customerId: string;
  status: string;
  quantity: number;
  intervalDays: number;
  nextDeliveryOn: string | null;
  unitPriceAmount: number;
  startedAt: string;
  deliveriesCompleted: number;
  activeDiscount: { endsOn: string | null } | null;
};

/** Deliveries a year ahead are "remaining value": what the merchant loses if this one leaves. */
export const REMAINING_VALUE_DAYS = 365;

/** Value (minor units) of the deliveries in the next year; nothing for a cancelled subscription. */
export function remainingValue(sub: Pick<ScoredSubscription, "status" | "unitPriceAmount" | "quantity" | "intervalDays">): number {
  if (sub.status === "canceled" || sub.intervalDays <= 0) return 0;
  return Math.round((sub.unitPriceAmount * sub.quantity * REMAINING_VALUE_DAYS) / sub.intervalDays);
}

/** A stored model JSON back to a RiskModel; anything unreadable falls back to the default model. */
export function modelFrom(json: unknown): RiskModel {
  if (json && typeof json === "object" && "coefficients" in json && "version" in json) return json as RiskModel;
  return DEFAULT_MODEL;
}

/**
 * Pure: refreshes the derived features for `today`, scores them and builds the row to store.
 * `flags` are carried over from the last person-history lookup unless given.
 */
export function scoreSubscription(
  features: RiskFeatures,
  sub: ScoredSubscription,
  model: RiskModel,
  today: string,
  computedAt: string,
  flags: string[],
): { features: RiskFeatures; score: RiskScore; row: Omit<RiskRow, "tenantId"> } {
  const f = withSubscription(features, { ...sub, activeDiscount: sub.activeDiscount }, today);
  const s = score(model, f);
  return {
    features: f,
    score: s,
    row: {
      subscriptionId: sub.id,
      customerId: sub.customerId,
      features: f as unknown as Record<string, unknown>,
      probability: s.probability,
      score: s.score,
      band: s.band,
      drivers: s.drivers,
      flags,
      revenueAtRisk: Math.round(s.probability * remainingValue(sub)),
      modelVersion: s.modelVersion,
      computedAt,
    },
  };
}

/** The payload of `risk.band_changed`. */
export function bandChange(row: Omit<RiskRow, "tenantId">, previousBand: RiskBand) {
  return {
    subscriptionId: row.subscriptionId,
    customerId: row.customerId,
    previousBand,
    band: row.band,
    score: row.score,
    probability: row.probability,
    modelVersion: row.modelVersion,
    computedAt: row.computedAt,
  };
}

/** Upsert of whole risk rows (one statement for many rows). */
export function upsertRiskRows(store: TenantStore, rows: Omit<RiskRow, "tenantId">[]) {
  const excluded = (col: string) => sql.raw(`excluded.${col}`);
  return store.insert(riskFeatures, rows).onConflictDoUpdate({
    target: [riskFeatures.tenantId, riskFeatures.subscriptionId],
    set: {
      customerId: excluded("customer_id"),
      features: excluded("features"),
      probability: excluded("probability"),
      score: excluded("score"),
      band: excluded("band"),
      drivers: excluded("drivers"),
      flags: excluded("flags"),
      revenueAtRisk: excluded("revenue_at_risk"),
      modelVersion: excluded("model_version"),
      computedAt: excluded("computed_at"),
    },
  });
}

/** Every other subscription of the same person: customer records sharing the phone or the email. */
export async function personHistory(store: TenantStore, subscriptionId: string, customerId: string): Promise<PastSubscription[]> {
  const me = await store.find(customers, eq(customers.id, customerId));
  if (!me) return [];
  const same = [eq(customers.id, customerId)];
  if (me.phone) same.push(eq(customers.phone, me.phone));
  if (me.emailNormalized) same.push(eq(customers.emailNormalized, me.emailNormalized));
  return store.q
    .select({ status: subscriptions.status, deliveriesCompleted: subscriptions.deliveriesCompleted })
    .from(subscriptions)
    .innerJoin(customers, and(eq(customers.tenantId, subscriptions.tenantId), eq(customers.id, subscriptions.customerId)))
    .where(store.owns(subscriptions, ne(subscriptions.id, subscriptionId), or(...same)));
}

export type RefreshOptions = {
  /** Merchant events to apply (from POST /v1/events), in any order. */
  events?: readonly RiskEvent[];
  /** Re-read the person's other subscriptions (earlier cancellations, flags). */
  person?: boolean;
};

/**
 * Brings one subscription's risk row up to date after a write, inside that write's transaction:
 * applies the signal and events, re-derives the features for today, scores with the tenant's
 * active model and upserts the row. A band that moved queues `risk.band_changed`. A subscription
 * that does not exist is ignored.
 */
export async function refreshRisk(store: TenantStore, subscriptionId: string, at: string, signal?: RiskSignal, opts: RefreshOptions = {}): Promise<void> {
  const [found] = await store.q
    .select({
      sub: subscriptions,
      features: riskFeatures.features,
      band: riskFeatures.band,
      flags: riskFeatures.flags,
      settings: tenants.settings,
      model: riskModels.model,
    })
    .from(subscriptions)
    .innerJoin(tenants, eq(tenants.id, subscriptions.tenantId))
    .leftJoin(riskFeatures, and(eq(riskFeatures.tenantId, subscriptions.tenantId), eq(riskFeatures.subscriptionId, subscriptions.id)))
    .leftJoin(riskModels, and(eq(riskModels.tenantId, subscriptions.tenantId), eq(riskModels.active, true)))
    .where(store.owns(subscriptions, eq(subscriptions.id, subscriptionId)))
    .limit(1);
  if (!found) return;
  const { timeZone } = resolveSettings(found.settings);
  const instant = new Date(at);
  const today = localDate(instant, timeZone);
  const sub = found.sub;

  let features = (found.features as RiskFeatures | null) ?? emptyFeatures();
  if (opts.events?.length) {
    const ordered = [...opts.events].sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
    const ctx = { timeZone, quantity: sub.quantity, intervalDays: sub.intervalDays };
    for (const e of ordered) features = applyEvent(features, e, ctx);
  }
  if (signal) features = applySignal(features, signal, today);

  let flags = found.flags ?? [];
  if (opts.person || !found.features) {
    const past = await personHistory(store, sub.id, sub.customerId);
    features = withPersonHistory(features, past);
    flags = riskFlags({ pastSubscriptionsOfSamePerson: past });
  }

  const { row } = scoreSubscription(features, sub, modelFrom(found.model), today, instant.toISOString(), flags);
  await upsertRiskRows(store, [row]);
  if (found.band && found.band !== row.band) await enqueueWebhookEvent(store, "risk.band_changed", bandChange(row, found.band), instant);
}
