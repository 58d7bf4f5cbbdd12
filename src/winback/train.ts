/**
 * A shop's own win-back model, fitted by the shared trainer (src/platform/logistic.ts) on its
 * cancellations and reactivations.
 *
 * Samples: each cancellation at the day it happened (label: reactivated within 180 days) and, if
 * it had not come back by then, again 90 days later (label: reactivated in the 180 days after
 * that) — so the fit sees how the chance fades with time since cancelling. Only snapshots whose
 * 180 days have fully passed are used. Time-based hold-out (the latest quarter of snapshot dates);
 * the model becomes active only when its hold-out AUC beats the default model's on the same
 * snapshots, and the tenant's open win-back records are then re-scored with it.
 */
import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { tenants, winbackModels, winbacks } from "../db/schema";
import { addDays, daysBetween, localDate } from "../platform/dates";
import { ApiError } from "../platform/errors";
import { trainLogistic } from "../platform/logistic";
import { TOGETHER, type TenantShares } from "../platform/step-faults";
import { preparedUpdate, TenantStore } from "../platform/tenancy";
import { resolveSettings } from "../settings/schemas";
import { DEFAULT_WINBACK_MODEL, scoreWinback, WINBACK_FEATURE_NAMES, WINBACK_HORIZON_DAYS, storedWinbackFeatures, winbackLogit, winbackVector, type WinbackFeatures, type WinbackModel } from "./model";
import { listedIdsThrough } from "./decide";
import { activeWinbackModel } from "./service";

/** Fewer samples than the risk model sees; a penalty of 10 keeps a small shop's fit from chasing noise. */
export const WINBACK_L2 = 10;

export type WinbackSample = { features: WinbackFeatures; at: string; label: 0 | 1 };

export function winbackSamples(rows: readonly { features: WinbackFeatures; canceledOn: string; reactivatedOn: string | null }[], today: string): WinbackSample[] {
  const out: WinbackSample[] = [];
  for (const r of rows) {
    for (const offset of [0, 90]) {
      const at = addDays(r.canceledOn, offset);
      if (addDays(at, WINBACK_HORIZON_DAYS) > today) break; // label not known yet
      if (r.reactivatedOn !== null && r.reactivatedOn < at) break; // already back
      const label = r.reactivatedOn !== null && daysBetween(at, r.reactivatedOn) <= WINBACK_HORIZON_DAYS ? 1 : 0;
      out.push({ features: r.features, at, label });
    }
  }
  return out;
}

export function trainWinback(samples: readonly WinbackSample[], now: string) {
  const logit = (m: WinbackModel, s: WinbackSample) => winbackLogit(m, s.features, s.at);
  return trainLogistic(samples, {
    names: WINBACK_FEATURE_NAMES,
    vector: (s) => winbackVector(s.features, s.at),
    logit,
    baseline: DEFAULT_WINBACK_MODEL,
    now,
    version: `winback-trained-${now}`,
    l2: WINBACK_L2,
  });
}

/** Open records re-scored between turns of the event loop (TenantStore.turn). */
const RESCORE_SLICE = 100;
/** One record's scores, by id, as a kept statement (no query building per record). */
const RESCORED = preparedUpdate(winbacks, ["probability", "expectedValue", "drivers", "modelVersion", "scoredOn"], ["id"]);

/**
 * Re-scores the tenant's open win-back records (not back yet) with `model` as of `today`, in the
 * caller's transaction, with a turn of the event loop every 100 records (≈ 10–20 ms of work): a
 * big shop has tens of thousands open (80,235 on the bench tenant), which held the loop in one
 * stretch (the demo's 542: 100–284 ms as one drizzle UPDATE each; now 49–98 ms in all).
 */
export async function rescoreWinbacks(s: TenantStore, model: WinbackModel, today: string): Promise<number> {
  const open = await s.q
    .select({ id: winbacks.id, features: winbacks.features, currency: winbacks.currency, annualValue: winbacks.annualValue })
    .from(winbacks)
    .where(s.owns(winbacks, isNull(winbacks.reactivatedAt), notOptedOut));
  return storeScores(s, model, open, today);
}

/** The record's customer has not objected to profiling (customers.profiling_opt_out): their records stay unscored. */
const notOptedOut = sql`NOT EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = ${winbacks.tenantId} AND c.id = ${winbacks.customerId} AND c.profiling_opt_out = 1)`;

/**
 * Re-scores one customer's open win-back records as of `today`, in the caller's transaction: when
 * they withdraw their objection to profiling (customers/profiling), the records it left unscored.
 */
export async function rescoreCustomerWinbacks(s: TenantStore, customerId: string, model: WinbackModel, today: string): Promise<number> {
  const open = await s.q
    .select({ id: winbacks.id, features: winbacks.features, currency: winbacks.currency, annualValue: winbacks.annualValue })
    .from(winbacks)
    .where(s.owns(winbacks, eq(winbacks.customerId, customerId), isNull(winbacks.reactivatedAt), notOptedOut));
  return storeScores(s, model, open, today);
}

/** `rows` scored with `model` as of `today` and stored, a turn of the event loop every RESCORE_SLICE. */
async function storeScores(s: TenantStore, model: WinbackModel, open: readonly { id: string; features: unknown; currency: string; annualValue: number }[], today: string): Promise<number> {
  for (const [i, r] of open.entries()) {
    if (i > 0 && i % RESCORE_SLICE === 0) await s.turn();
    const features = storedWinbackFeatures(r.features, r.currency);
    if (typeof features?.canceledOn !== "string") {
      // Written without its features (imported, or by a hand): kept as it was scored, marked as
      // seen today so a daily pass moves on to the others rather than stopping on it every run.
      await s.update(winbacks, { scoredOn: today }, eq(winbacks.id, r.id));
      continue;
    }
    const scored = scoreWinback(model, features as WinbackFeatures, today);
    await s.run(RESCORED, {
      probability: scored.probability,
      expectedValue: Math.round(scored.probability * r.annualValue),
      drivers: scored.drivers,
      modelVersion: scored.modelVersion,
      scoredOn: today,
      "where.id": r.id,
    });
  }
  return open.length;
}

/**
 * Maintenance: a probability is "within 180 days of the moment it is scored", and time since
 * cancelling and the season both move, so the records the candidates list shows (contactable, not
 * held out, not back) are scored again each day as of the shop's today — up to `batch` per shop per
 * run, in no particular order (every stale one is reached in time). Per shop with
 * nothing stale: one seek on `winbacks_scored` and no write transaction. Records not listed keep
 * their score until listed or re-scored by a new model (attribution and metrics never read it).
 * `tenants`: each shop's share run apart (src/maintenance).
 */
export async function rescoreListedWinbacks(db: Database, now: Date, batch = 500, shares: TenantShares = TOGETHER): Promise<number> {
  let n = 0;
  for (const shop of await db.orm.select({ id: tenants.id, settings: tenants.settings }).from(tenants)) n += await shares.run(shop.id, 0, () => rescoreListedOf(db, shop, now, batch));
  return n;
}

/** One shop's share of `rescoreListedWinbacks`. */
async function rescoreListedOf(db: Database, shop: { id: string; settings: unknown }, now: Date, batch: number): Promise<number> {
  const today = localDate(now, resolveSettings(shop.settings).timeZone);
  const store = new TenantStore(db, shop.id);
  const stale = (s: TenantStore) => s.owns(winbacks, sql`${winbacks.contactable} = 1 AND ${winbacks.holdout} = 0 AND ${winbacks.reactivatedAt} IS NULL`, lt(winbacks.scoredOn, today));
  if ((await listedIdsThrough(store, "winbacks_scored", stale(store), 1)).length === 0) return 0;
  return store.write(async (s) => {
    const ids = await listedIdsThrough(s, "winbacks_scored", stale(s), batch);
    if (ids.length === 0) return 0;
    const rows = await s.q.select({ id: winbacks.id, features: winbacks.features, currency: winbacks.currency, annualValue: winbacks.annualValue }).from(winbacks).where(s.owns(winbacks, inArray(winbacks.id, ids)));
    return storeScores(s, await activeWinbackModel(s), rows, today);
  });
}

/** A win-back model fitted on a tenant's history, not stored yet: plain data, so it can cross threads. */
export type FittedWinbackModel = Extract<ReturnType<typeof trainWinback>, { ok: true }>;

/** Fits (`fitTenantWinbackModel`) and stores (`saveTenantWinbackModel`) the shop's own win-back model. */
export async function trainTenantWinbackModel(store: TenantStore, now: Date, timeZone: string) {
  return saveTenantWinbackModel(store, await fitTenantWinbackModel(store, now, timeZone), now, timeZone);
}

/**
 * Reads every cancellation of the tenant and fits the model; stores nothing. On Node the route runs
 * it in the read worker (platform/off-thread): the read alone held the event loop 0.8 s on the
 * 1,000,000-subscription bench tenant (80,235 cancellations). Too little history → ApiError
 * `insufficient_history`.
 */
export async function fitTenantWinbackModel(store: TenantStore, now: Date, timeZone: string): Promise<FittedWinbackModel> {
  const today = localDate(now, timeZone);
  // Cancellations of customers who objected to profiling do not train the model either.
  const rows = await store.q.select({ features: winbacks.features, currency: winbacks.currency, canceledOn: winbacks.canceledOn, reactivatedAt: winbacks.reactivatedAt }).from(winbacks).where(store.owns(winbacks, notOptedOut));
  const samples = winbackSamples(
    rows.map((r) => ({ features: storedWinbackFeatures(r.features, r.currency) as WinbackFeatures, canceledOn: r.canceledOn, reactivatedOn: r.reactivatedAt ? localDate(new Date(r.reactivatedAt), timeZone) : null })),
    today,
  );
  const result = trainWinback(samples, now.toISOString());
  if (!result.ok) throw new ApiError("insufficient_history", result.detail, { reason: result.reason, samples: result.samples, positives: result.positives, required: result.required });
  return result;
}

/** Stores a fitted model; when it beat the default it becomes active and the open records are re-scored with it, in the same transaction. Answers the hold-out report. */
export async function saveTenantWinbackModel(store: TenantStore, result: FittedWinbackModel, now: Date, timeZone: string) {
  const today = localDate(now, timeZone);
  const active = result.betterThanDefault;
  const rescored = await store.write(async (s) => {
    if (active) await s.update(winbackModels, { active: false }, and(eq(winbackModels.active, true)));
    const { model, ...report } = result;
    await s.insert(winbackModels, { version: model.version, model: model as unknown as Record<string, unknown>, report: report as unknown as Record<string, unknown>, auc: result.holdout.auc, active, trainedAt: now.toISOString() });
    return active ? rescoreWinbacks(s, model, today) : 0;
  });
  return {
    version: result.model.version,
    active,
    auc: result.holdout.auc,
    defaultAuc: result.defaultHoldout.auc,
    logLoss: result.holdout.logLoss,
    defaultLogLoss: result.defaultHoldout.logLoss,
    calibration: result.holdout.calibration,
    samples: result.samples,
    split: result.split,
    rescored,
  };
}

export async function winbackModelView(store: TenantStore) {
  const model = await activeWinbackModel(store);
  const perUnit = Object.fromEntries(WINBACK_FEATURE_NAMES.map((n) => [n, Math.round(((model.coefficients[n] ?? 0) / (model.scales[n] || 1)) * 1e6) / 1e6])) as Record<(typeof WINBACK_FEATURE_NAMES)[number], number>;
  return { version: model.version, trainedAt: model.trainedAt, auc: model.auc ?? null, coefficients: perUnit };
}
