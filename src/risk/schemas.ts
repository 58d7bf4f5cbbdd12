import { z } from "@hono/zod-openapi";
import { PageQuery } from "../platform/openapi";
import { FEATURE_NAMES } from "./model";

export const RiskBand = z.enum(["low", "medium", "high"]).openapi("RiskBand", {
  description: "low: score < 15; medium: 15–39; high: ≥ 40.",
});

export const RiskDriver = z
  .object({
    code: z.enum(FEATURE_NAMES).openapi({ example: "surplus_stock" }),
    label: z.string().openapi({ description: "In the caller's language.", example: "商品が余っている（在庫 1か月半ほど）" }),
    contribution: z.number().openapi({ description: "Log-odds this driver adds (positive raises the risk).", example: 0.84 }),
    value: z.number().nullable().openapi({ description: "The underlying value in human units (days, a count; a price in minor units of the plan's currency).", example: 52 }),
  })
  .openapi("RiskDriver");

export const RiskFlag = z.enum(["first_delivery_canceller"]).openapi("RiskFlag", {
  description: "`first_delivery_canceller`: the same person (same normalised phone or email) cancelled an earlier subscription after at most one delivery.",
});

/** The risk fields, unnamed: `Risk` and `SubscriptionRisk` are each a whole schema (an allOf of Risk could not make its fields nullable). */
const COMPUTED_AT =
  "When this score was computed (UTC). A refresh after a change that leaves score, band, drivers, flags and revenue at risk as they were keeps the earlier time; the maintenance run re-scores rows older than a day.";

const RiskFields = z
  .object({
    subscriptionId: z.string(),
    customerId: z.string(),
    score: z.number().int().min(0).max(100).openapi({ example: 46 }),
    probability: z.number().min(0).max(1).openapi({ description: "Probability of cancelling within 60 days.", example: 0.4612 }),
    band: RiskBand,
    drivers: z.array(RiskDriver).openapi({ description: "Largest effect first (at most five)." }),
    flags: z.array(RiskFlag),
    revenueAtRisk: z
      .object({ amount: z.number().int(), currency: z.string() })
      .openapi({ description: "probability × the value of the next year of deliveries (0 once cancelled)." }),
    modelVersion: z.string().openapi({ example: "default-2025.1" }),
    computedAt: z.string().openapi({ description: COMPUTED_AT, example: "2026-11-23T04:15:00Z" }),
  });

export const Risk = RiskFields.openapi("Risk");

export const NotScoredReason = z.enum(["profiling_opt_out"]).openapi("NotScoredReason", {
  description: "Why no risk score is given: `profiling_opt_out` — the customer asked to be left out of profiling (`Customer.profilingOptOut`): none is computed or stored for them. Not \"low risk\": no estimate at all.",
});

/** The risk of one subscription as the risk endpoint and the data dip answer it: a score, or none and why. */
export const SubscriptionRisk = RiskFields.extend({
  score: RiskFields.shape.score.nullable().openapi({ description: "null: not scored (`notScoredReason`).", example: 46 }),
  probability: RiskFields.shape.probability.nullable().openapi({ description: "Probability of cancelling within 60 days; null: not scored.", example: 0.4612 }),
  // Inline, not a nullable `$ref` to RiskBand: `anyOf: [RiskBand, null]` has no `type`, which Scalar's
  // viewer at /docs reports as a document error, and a `type` beside it would lose the literals in
  // generated clients (see typeCompositions in platform/openapi).
  band: z.enum(RiskBand.options).nullable().openapi({ description: "low: score < 15; medium: 15–39; high: ≥ 40. null: not scored — not the same as low." }),
  revenueAtRisk: RiskFields.shape.revenueAtRisk.nullable(),
  modelVersion: z.string().nullable().openapi({ example: "default-2025.1" }),
  computedAt: z.string().nullable().openapi({ description: `${COMPUTED_AT} null: not scored.`, example: "2026-11-23T04:15:00Z" }),
  notScoredReason: NotScoredReason.nullable().openapi({ description: "null when scored; else why there is no score (then `score`, `probability`, `band` and the rest are null or empty)." }),
}).openapi("SubscriptionRisk");

export const CustomerRisk = z
  .object({
    customerId: z.string(),
    notScoredReason: NotScoredReason.nullable().openapi({ description: "null when scored; `profiling_opt_out`: the customer asked to be left out of profiling — `highest` is null and `subscriptions` empty for that reason, not for want of a live plan." }),
    highest: Risk.nullable().openapi({ description: "The live (not cancelled) subscription most likely to be cancelled; null when none is live." }),
    subscriptions: z.array(Risk.extend({ status: z.enum(["active", "paused", "canceled"]) })),
  })
  .openapi("CustomerRisk");

export const AtRiskQuery = z.object({
  band: RiskBand.optional().openapi({ description: "Only this band; all bands when left out." }),
  ...PageQuery.shape,
});

export const ModelCoefficient = z.object({
  code: z.enum(FEATURE_NAMES),
  label: z.string(),
  coefficient: z.number().openapi({ description: "Log-odds per unit of the feature's transform (comparable across models)." }),
});

export const RiskModelView = z
  .object({
    version: z.string().openapi({ example: "default-2025.1" }),
    source: z.enum(["default", "trained"]),
    trainedAt: z.string().nullable(),
    auc: z.number().nullable().openapi({ description: "Hold-out AUC when trained; null for the default model." }),
    intercept: z.number().openapi({ description: "Log-odds of the neutral customer (no signals)." }),
    coefficients: z.array(ModelCoefficient),
  })
  .openapi("RiskModel");

export const TrainResponse = z
  .object({
    version: z.string(),
    active: z.boolean().openapi({ description: "True when it beat the default model on the same hold-out and now scores every subscription." }),
    auc: z.number().openapi({ example: 0.81 }),
    defaultAuc: z.number().openapi({ description: "The default model's AUC on the same hold-out.", example: 0.74 }),
    logLoss: z.number(),
    brier: z.number(),
    calibration: z.array(z.object({ from: z.number(), to: z.number(), predicted: z.number(), observed: z.number(), count: z.number().int() })),
    samples: z.object({ train: z.number().int(), holdout: z.number().int(), positives: z.number().int(), subscriptions: z.number().int() }),
    split: z.object({ trainFrom: z.string(), trainTo: z.string(), holdoutFrom: z.string(), holdoutTo: z.string() }),
    trainedAt: z.string(),
  })
  .openapi("TrainResult");
