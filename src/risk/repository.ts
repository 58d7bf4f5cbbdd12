import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, or } from "drizzle-orm";
import { customers, events, planChanges, riskFeatures, riskModels, subscriptions } from "../db/schema";
import { localDate } from "../platform/dates";
import { newId } from "../platform/crypto";
import { ApiError } from "../platform/errors";
import type { Language } from "../platform/language";
import type { TenantStore } from "../platform/tenancy";
import { emptyFeatures } from "./features";
import { modelFrom, scoreSubscription, type RiskRow } from "./maintain";
import { DEFAULT_MODEL, coefficientsPerUnit, FEATURE_INFO, FEATURE_NAMES, localizeDrivers, type Driver, type RiskModel } from "./model";
import { buildSamples, type HistoryEvent } from "./samples";
import { train } from "./train";

/** A stored risk row as the API shows it, in one language. */
export function toRisk(row: Omit<RiskRow, "tenantId">, lang: Language, currency = "JPY") {
  return {
    subscriptionId: row.subscriptionId,
    customerId: row.customerId,
    score: row.score,
    probability: row.probability,
    band: row.band,
    drivers: localizeDrivers(row.drivers as Driver[], lang),
    flags: row.flags as "first_delivery_canceller"[],
    revenueAtRisk: { amount: row.revenueAtRisk, currency },
    modelVersion: row.modelVersion,
    computedAt: row.computedAt,
  };
}

/** The tenant's active model, or the default one. */
export async function activeModel(store: TenantStore): Promise<RiskModel> {
  const row = await store.find(riskModels, eq(riskModels.active, true));
  return row ? modelFrom(row.model) : DEFAULT_MODEL;
}

/**
 * The subscription's risk row. A subscription synced before risk existed has none yet: it is
 * scored on the spot from what the row knows (not stored: reads do not write).
 */
export async function readSubscriptionRisk(store: TenantStore, subscriptionId: string, at: Date, timeZone: string) {
  const [found] = await store.q
    .select({ sub: subscriptions, risk: riskFeatures })
    .from(subscriptions)
    .leftJoin(riskFeatures, and(eq(riskFeatures.tenantId, subscriptions.tenantId), eq(riskFeatures.subscriptionId, subscriptions.id)))
    .where(store.owns(subscriptions, eq(subscriptions.id, subscriptionId)))
    .limit(1);
  if (!found) throw new ApiError("subscription_not_found", `No subscription ${subscriptionId}.`);
  if (found.risk) return { sub: found.sub, risk: found.risk };
  const { row } = scoreSubscription(emptyFeatures(), found.sub, await activeModel(store), localDate(at, timeZone), at.toISOString(), []);
  return { sub: found.sub, risk: row };
}

export async function readCustomerRisks(store: TenantStore, customerId: string) {
  const rows = await store.q
    .select({ status: subscriptions.status, currency: subscriptions.currency, risk: riskFeatures })
    .from(subscriptions)
    .innerJoin(riskFeatures, and(eq(riskFeatures.tenantId, subscriptions.tenantId), eq(riskFeatures.subscriptionId, subscriptions.id)))
    .where(store.owns(subscriptions, eq(subscriptions.customerId, customerId)))
    .orderBy(asc(subscriptions.id));
  return rows;
}

/** Keyset page of the at-risk list: revenue at risk, highest first, then subscription id. */
export async function readAtRisk(store: TenantStore, band: string | undefined, limit: number, after: (string | number)[] | undefined) {
  const r = riskFeatures;
  const keyset = after
    ? or(lt(r.revenueAtRisk, Number(after[0])), and(eq(r.revenueAtRisk, Number(after[0])), gt(r.subscriptionId, String(after[1]))))
    : undefined;
  return store.q
    .select()
    .from(r)
    .where(store.owns(r, band ? eq(r.band, band as "high") : undefined, gt(r.revenueAtRisk, 0), keyset))
    .orderBy(desc(r.revenueAtRisk), asc(r.subscriptionId))
    .limit(limit + 1);
}

export function modelView(model: RiskModel, lang: Language) {
  const perUnit = coefficientsPerUnit(model);
  // The neutral customer's log-odds: intercept with every transform at 0.
  const base = FEATURE_NAMES.reduce((z, n) => z - (perUnit[n] ?? 0) * (model.means[n] ?? 0), model.intercept);
  return {
    version: model.version,
    source: model.trainedAt ? ("trained" as const) : ("default" as const),
    trainedAt: model.trainedAt,
    auc: model.auc ?? null,
    intercept: Math.round(base * 1e6) / 1e6,
    coefficients: FEATURE_NAMES.map((code) => ({ code, label: FEATURE_INFO[code][lang], coefficient: perUnit[code] })),
  };
}

/** At most this many subscriptions feed one training run (a deterministic, id-ordered sample). */
export const MAX_TRAINING_SUBSCRIPTIONS = 20_000;
const CHUNK = 100;

async function inChunks<T>(ids: string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await query(ids.slice(i, i + CHUNK))));
  return out;
}

export type TrainProgress = (phase: "loading" | "samples" | "fitting" | "saving", detail: string) => void;

/**
 * Trains the tenant's own model on its history (see risk/samples and risk/train) and stores it.
 * It becomes the active model only when it beats the default model on the same hold-out.
 */
export async function trainTenantModel(store: TenantStore, now: Date, timeZone: string, onProgress?: TrainProgress) {
  onProgress?.("loading", "subscriptions");
  const subs = await store.q
    .select({
      id: subscriptions.id,
      customerId: subscriptions.customerId,
      quantity: subscriptions.quantity,
      intervalDays: subscriptions.intervalDays,
      unitPriceAmount: subscriptions.unitPriceAmount,
      startedAt: subscriptions.startedAt,
      canceledAt: subscriptions.canceledAt,
      deliveriesCompleted: subscriptions.deliveriesCompleted,
    })
    .from(subscriptions)
    .where(store.owns(subscriptions))
    .orderBy(asc(subscriptions.id))
    .limit(MAX_TRAINING_SUBSCRIPTIONS);
  const subIds = subs.map((s) => s.id);
  const customerIds = [...new Set(subs.map((s) => s.customerId))];
  onProgress?.("loading", `${subs.length} subscriptions; events and changes`);
  const eventCols = { subscriptionId: events.subscriptionId, customerId: events.customerId, type: events.type, occurredAt: events.occurredAt, data: events.data };
  const [own, customerLevel, changes, people] = await Promise.all([
    inChunks(subIds, (c) => store.q.select(eventCols).from(events).where(store.owns(events, inArray(events.subscriptionId, c)))),
    inChunks(customerIds, (c) => store.q.select(eventCols).from(events).where(store.owns(events, isNull(events.subscriptionId), inArray(events.customerId, c)))),
    inChunks(subIds, (c) =>
      store.q
        .select({ subscriptionId: planChanges.subscriptionId, type: planChanges.type, createdAt: planChanges.createdAt })
        .from(planChanges)
        .where(store.owns(planChanges, inArray(planChanges.subscriptionId, c), inArray(planChanges.type, ["skip", "pause"]))),
    ),
    store.q
      .select({ id: customers.id, phone: customers.phone, emailNormalized: customers.emailNormalized })
      .from(customers)
      .where(store.owns(customers, or(isNotNull(customers.phone), isNotNull(customers.emailNormalized)))),
  ]);
  onProgress?.("samples", `${own.length + customerLevel.length} events, ${changes.length} changes`);
  const asOf = localDate(now, timeZone);
  const samples = buildSamples(
    { subscriptions: subs, events: [...own, ...customerLevel] as unknown as HistoryEvent[], changes, customers: people },
    { asOf, timeZone },
  );
  onProgress?.("fitting", `${samples.length} snapshots`);
  const version = `tenant-${now.toISOString().slice(0, 10)}-${newId("mdl").slice(-6)}`;
  const result = train(samples, { now: now.toISOString(), asOf, version });
  if (!result.ok) {
    throw new ApiError("insufficient_history", result.detail, { reason: result.reason, samples: result.samples, positives: result.positives, required: result.required });
  }
  onProgress?.("saving", version);
  const active = result.betterThanDefault;
  await store.write(async (s) => {
    if (active) await s.update(riskModels, { active: false }, eq(riskModels.active, true));
    await s.insert(riskModels, {
      version,
      model: result.model as unknown as Record<string, unknown>,
      report: { holdout: result.holdout, samples: result.samples, split: result.split, defaultHoldout: result.defaultHoldout } as Record<string, unknown>,
      auc: result.holdout.auc,
      active,
      trainedAt: now.toISOString(),
    });
  });
  return {
    version,
    active,
    auc: result.holdout.auc,
    defaultAuc: result.defaultHoldout.auc,
    logLoss: result.holdout.logLoss,
    brier: result.holdout.brier,
    calibration: result.holdout.calibration.map(({ from, to, predicted, observed, count }) => ({ from, to, predicted, observed, count })),
    samples: { train: result.samples.train, holdout: result.samples.holdout, positives: result.samples.positives, subscriptions: subs.length },
    split: result.split,
    trainedAt: now.toISOString(),
  };
}

