/**
 * The churn-risk model: a logistic regression over a fixed set of transformed features, giving
 * the probability that a subscription is cancelled within 60 days.
 *
 *   logit = intercept + Σ coef[i] · (x[i] − mean[i]) / scale[i]        probability = σ(logit)
 *
 * x[i] are the transforms in {@link FEATURE_TRANSFORMS}. Each transform is 0 when "nothing is
 * going on" (no skips, no stock surplus, no NPS answer, …), so a driver's contribution is measured
 * against that neutral customer: contribution[i] = coef[i] · x[i] / scale[i] (log-odds), and
 * logit = base + Σ contribution[i] with base = intercept − Σ coef[i] · mean[i] / scale[i]. That
 * keeps explanations stable whatever population a tenant's model was trained on.
 *
 * Bands are cut on the 0–100 score (= round(probability × 100)) so score and band never disagree:
 *   low < 15 ≤ medium < 40 ≤ high.
 */
import { spanOfDays } from "./stock";
import { boundedContribution, sigmoid, type LinearModel } from "../platform/logistic";
import { formatMoney, yenScale } from "../platform/numbers";
import type { RiskFeatures } from "./features";

export const FEATURE_NAMES = [
  "early_life",
  "tenure",
  "skips",
  "pauses",
  "payment_failures",
  "payment_failing",
  "complaints",
  "cancel_requests",
  "negative_contacts",
  "abandoned_cancel_flows",
  "surplus_stock",
  "overdue",
  "price_level",
  "discount_ending",
  "low_nps",
  "promoter",
  "past_cancellations",
  "serial_early_canceller",
  "reactivations",
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export type RiskBand = "low" | "medium" | "high";
import type { Localized } from "../platform/localized-text";
export type { Localized };

/** The risk model: a logistic model over the risk features (platform/logistic). */
export type RiskModel = LinearModel<FeatureName>;

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/** Reference price (yen) for `price_level`; log2 of price relative to it, the price in yen terms (platform/numbers `yenScale`). */
export const REFERENCE_PRICE_YEN = 3000;
/** Stock beyond this many delivery cycles counts as surplus. */
export const STOCK_BUFFER_CYCLES = 0.75;

const EARLY_LIFE = [1, 1, 0.6, 0.3] as const;

/** Feature → model input. Every transform is 0 for the neutral customer. */
export const FEATURE_TRANSFORMS: Record<FeatureName, (f: RiskFeatures) => number> = {
  /** 1 before/after the first delivery, fading out by the 4th. */
  early_life: (f) => EARLY_LIFE[f.deliveriesCompleted] ?? (f.deliveriesCompleted < 0 ? 1 : 0),
  /** log(1 + deliveries beyond the second). */
  tenure: (f) => Math.log1p(Math.max(0, f.deliveriesCompleted - 2)),
  skips: (f) => Math.min(f.skipsLast90d, 6),
  pauses: (f) => Math.min(f.pausesLast90d, 4),
  payment_failures: (f) => Math.min(f.paymentFailuresLast90d, 5),
  payment_failing: (f) => (f.paymentFailing ? 1 : 0),
  complaints: (f) => Math.min(f.complaintsLast90d, 5),
  cancel_requests: (f) => Math.min(f.cancelRequestsLast90d, 3),
  negative_contacts: (f) => Math.min(f.negativeContactsLast90d, 5),
  abandoned_cancel_flows: (f) => Math.min(f.abandonedCancelFlows, 3),
  /** Delivery cycles of stock beyond a 0.75-cycle buffer, capped at 4. */
  surplus_stock: (f) =>
    f.stockOnHandDays === null ? 0 : clamp(f.stockOnHandDays / (f.intervalDays && f.intervalDays > 0 ? f.intervalDays : 30) - STOCK_BUFFER_CYCLES, 0, 4),
  /** Months overdue, capped at 2. */
  overdue: (f) => Math.min(Math.max(f.daysOverdue, 0), 60) / 30,
  /**
   * log2(price / ¥3,000), in [−2, 3], the price in yen terms: $49.00 is about ¥7,350, not the
   * ¥4,900 its 4,900 cents read as; 0 (no evidence) in a currency without a yen scale.
   */
  price_level: (f) => {
    const yen = f.unitPriceYen === null || f.unitPriceYen <= 0 ? null : yenScale(f.unitPriceYen, f.currency ?? "JPY");
    return yen === null ? 0 : clamp(Math.log2(yen / REFERENCE_PRICE_YEN), -2, 3);
  },
  /** 0 when no discount ends within 30 days, rising to 1 when it ends today. */
  discount_ending: (f) =>
    f.discountEndingWithinDays === null || f.discountEndingWithinDays < 0 || f.discountEndingWithinDays > 30 ? 0 : (30 - f.discountEndingWithinDays) / 30,
  /** (7 − NPS) / 7 for NPS below 7. */
  low_nps: (f) => (f.lastNps === null ? 0 : Math.max(0, 7 - f.lastNps) / 7),
  promoter: (f) => (f.lastNps !== null && f.lastNps >= 9 ? 1 : 0),
  past_cancellations: (f) => Math.min(f.pastCancellations, 3),
  serial_early_canceller: (f) => (f.pastEarlyCancellations > 0 ? 1 : 0),
  reactivations: (f) => Math.min(f.reactivations, 3),
};

/** The transforms in FEATURE_NAMES order (hot path: no per-call name lookup). */
const TRANSFORM_LIST: readonly ((f: RiskFeatures) => number)[] = FEATURE_NAMES.map((n) => FEATURE_TRANSFORMS[n]);

/** Generic labels, for listing a model's coefficients (GET /v1/risk/model). */
export const FEATURE_INFO: Record<FeatureName, Localized> = {
  early_life: { ja: "ご利用初期（お届け2回目まで）", en: "Early in the subscription (first two deliveries)" },
  tenure: { ja: "ご利用期間の長さ（お届け回数）", en: "Tenure (deliveries received)" },
  skips: { ja: "直近90日のスキップ回数", en: "Skips in the last 90 days" },
  pauses: { ja: "直近90日の休止回数", en: "Pauses in the last 90 days" },
  payment_failures: { ja: "直近90日の決済エラー回数", en: "Failed payments in the last 90 days" },
  payment_failing: { ja: "未解決の決済エラー", en: "Unresolved payment failure" },
  complaints: { ja: "直近90日のご不満のお問い合わせ", en: "Complaints in the last 90 days" },
  cancel_requests: { ja: "直近90日の解約のご相談", en: "Cancellation requests in the last 90 days" },
  negative_contacts: { ja: "直近90日の否定的なお問い合わせ", en: "Negative contacts in the last 90 days" },
  abandoned_cancel_flows: { ja: "途中でやめた解約手続き", en: "Cancellation flows started but not finished" },
  surplus_stock: { ja: "商品の余り（ご使用ペースでの在庫日数）", en: "Stock piling up (days on hand at the customer's own pace)" },
  overdue: { ja: "お届け予定日の超過", en: "Next delivery overdue" },
  price_level: { ja: "単価（1個あたりの価格）", en: "Unit price (per item)" },
  discount_ending: { ja: "割引の終了が近い", en: "Discount ending soon" },
  low_nps: { ja: "満足度が低い（NPS）", en: "Low satisfaction score (NPS)" },
  promoter: { ja: "満足度が高い（NPS 9〜10）", en: "High satisfaction score (NPS 9–10)" },
  past_cancellations: { ja: "過去の解約歴", en: "Earlier cancellations" },
  serial_early_canceller: { ja: "過去に初回お届け後すぐ解約", en: "Earlier cancellation after the first delivery" },
  reactivations: { ja: "再開・再加入の履歴", en: "Earlier reactivations" },
};

/** Deliveries from which the tenure driver says "long-standing": a year of monthly deliveries. */
export const LONG_STANDING_DELIVERIES = 12;

const times = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The value shown next to a driver, in human units. Its label is a function of code and value
 * alone ({@link driverLabel}), so a stored driver keeps no text: rows stay small and the label
 * is written once, in the caller's language, when it is read.
 */
const DRIVER_VALUE: Record<FeatureName, (f: RiskFeatures) => number | null> = {
  early_life: (f) => f.deliveriesCompleted,
  tenure: (f) => f.deliveriesCompleted,
  skips: (f) => f.skipsLast90d,
  pauses: (f) => f.pausesLast90d,
  payment_failures: (f) => f.paymentFailuresLast90d,
  payment_failing: () => 1,
  complaints: (f) => f.complaintsLast90d,
  cancel_requests: (f) => f.cancelRequestsLast90d,
  negative_contacts: (f) => f.negativeContactsLast90d,
  abandoned_cancel_flows: (f) => f.abandonedCancelFlows,
  surplus_stock: (f) => Math.round(f.stockOnHandDays ?? 0),
  overdue: (f) => f.daysOverdue,
  price_level: (f) => f.unitPriceYen ?? 0,
  discount_ending: (f) => f.discountEndingWithinDays ?? 0,
  low_nps: (f) => f.lastNps,
  promoter: (f) => f.lastNps,
  past_cancellations: (f) => f.pastCancellations,
  serial_early_canceller: (f) => f.pastEarlyCancellations,
  reactivations: (f) => f.reactivations,
};

/** A driver's label from its value, per language; `currency`: the subscription's, in which a price is counted (minor units). */
const DRIVER_LABEL: Record<FeatureName, (v: number, lang: "ja" | "en", currency: string) => string> = {
  early_life: (d, lang) =>
    d === 0
      ? lang === "ja" ? "ご利用初期（初回お届け前）" : "Early in the subscription (before the first delivery)"
      : lang === "ja" ? `ご利用初期（お届け${d}回）` : `Early in the subscription (${times(d, "delivery", "deliveries")} so far)`,
  // Tenure counts from the 3rd delivery, while early life fades out through it: "long-standing"
  // only from LONG_STANDING_DELIVERIES, so one plan is never both early and long-standing.
  tenure: (d, lang) =>
    d >= LONG_STANDING_DELIVERIES
      ? lang === "ja" ? `長くご利用中（お届け${d}回）` : `Long-standing customer (${d} deliveries)`
      : lang === "ja" ? `ご利用継続中（お届け${d}回）` : `Still subscribed after ${times(d, "delivery", "deliveries")}`,
  skips: (n, lang) => (lang === "ja" ? `直近90日にスキップ${n}回` : `Skipped ${times(n, "delivery", "deliveries")} in the last 90 days`),
  pauses: (n, lang) => (lang === "ja" ? `直近90日に休止${n}回` : `Paused ${times(n, "time", "times")} in the last 90 days`),
  payment_failures: (n, lang) =>
    lang === "ja" ? `直近90日に決済エラー${n}回` : `${times(n, "failed payment", "failed payments")} in the last 90 days`,
  payment_failing: (_, lang) => (lang === "ja" ? "決済エラーが未解決" : "A failed payment is not yet resolved"),
  complaints: (n, lang) => (lang === "ja" ? `直近90日にご不満のお問い合わせ${n}件` : `${times(n, "complaint", "complaints")} in the last 90 days`),
  cancel_requests: (n, lang) =>
    lang === "ja" ? `直近90日に解約のご相談${n}件` : `Asked about cancelling ${times(n, "time", "times")} in the last 90 days`,
  negative_contacts: (n, lang) =>
    lang === "ja" ? `直近90日に否定的なお問い合わせ${n}件` : `${times(n, "negative contact", "negative contacts")} in the last 90 days`,
  abandoned_cancel_flows: (n, lang) =>
    lang === "ja" ? `解約手続きを途中でやめた（${n}回）` : `Started cancelling without finishing (${times(n, "time", "times")})`,
  // Said as a person would (risk/stock spanOfDays): 「3週間分ほど」, not 「約21日分」.
  surplus_stock: (days, lang) => (lang === "ja" ? `商品が余っている（在庫 ${spanOfDays(days, "ja")}）` : `Stock piling up (${spanOfDays(days, "en")} on hand)`),
  overdue: (n, lang) => (lang === "ja" ? `お届け予定日を${n}日過ぎている` : `Next delivery ${times(n, "day", "days")} overdue`),
  // In the plan's own currency, as every amount is written (a US shop's $49.00 read 「4,900円」);
  // higher or lower in yen terms, as the model weighs it. The unit price (単価), said so: a plan of 2 at
  // 5,980円 is charged 11,960円 per delivery, which the karte shows beside this label.
  price_level: (p, lang, currency) => {
    const price = formatMoney({ amount: Math.round(p), currency }, lang);
    return (yenScale(p, currency) ?? 0) >= REFERENCE_PRICE_YEN
      ? lang === "ja" ? `単価が高め（${price}）` : `Higher unit price (${price})`
      : lang === "ja" ? `単価が手頃（${price}）` : `Lower unit price (${price})`;
  },
  discount_ending: (d, lang) =>
    d === 0 ? (lang === "ja" ? "割引が本日で終了" : "Discount ends today") : lang === "ja" ? `割引があと${d}日で終了` : `Discount ends in ${times(d, "day", "days")}`,
  low_nps: (n, lang) => (lang === "ja" ? `満足度が低い（NPS ${n}）` : `Low satisfaction score (NPS ${n})`),
  promoter: (n, lang) => (lang === "ja" ? `満足度が高い（NPS ${n}）` : `High satisfaction score (NPS ${n})`),
  past_cancellations: (n, lang) => (lang === "ja" ? `過去に解約歴あり（${n}回）` : `Cancelled before (${times(n, "time", "times")})`),
  serial_early_canceller: (n, lang) =>
    lang === "ja" ? `過去に初回お届け後すぐ解約（${n}回）` : `Cancelled right after the first delivery before (${times(n, "time", "times")})`,
  reactivations: (n, lang) => (lang === "ja" ? `再開・再加入の履歴（${n}回）` : `Reactivated before (${times(n, "time", "times")})`),
};

/** A driver's label in one language, from its code and value; amounts in `currency`, the subscription's. */
export function driverLabel(d: Pick<Driver, "code" | "value">, lang: "ja" | "en", currency: string): string {
  return DRIVER_LABEL[d.code](d.value ?? 0, lang, currency);
}

const zeros = (): Record<FeatureName, number> => Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as Record<FeatureName, number>;
const ones = (): Record<FeatureName, number> => Object.fromEntries(FEATURE_NAMES.map((n) => [n, 1])) as Record<FeatureName, number>;

/**
 * Hand-set coefficients (log-odds per unit of the transform; no standardisation), used until a
 * tenant trains its own model. Anchors: a settled customer with no signals ≈ 7 % (intercept
 * −2.6); a brand-new subscriber ≈ 33 % (early life +1.9 — in Japanese 定期 D2C most cancellations
 * come right after the first or second box); a cancel request multiplies the odds by ≈ 5.
 */
export const DEFAULT_MODEL: RiskModel = {
  version: "default-2025.1",
  intercept: -2.6,
  coefficients: {
    early_life: 1.9,
    tenure: -0.35, // 20 deliveries: −1.0
    skips: 0.35, // per skip in 90 days
    pauses: 0.3,
    payment_failures: 0.35,
    payment_failing: 0.8,
    complaints: 0.6,
    cancel_requests: 1.6,
    negative_contacts: 0.3,
    abandoned_cancel_flows: 0.7,
    surplus_stock: 0.9, // per delivery cycle of surplus: 40 days on a 30-day cycle → +0.53
    overdue: 0.4, // per month overdue
    price_level: 0.15, // per doubling of price above ¥3,000
    discount_ending: 0.6,
    low_nps: 1.2, // NPS 0 → +1.2, NPS 5 → +0.34
    promoter: -0.7,
    past_cancellations: 0.3,
    serial_early_canceller: 0.9,
    reactivations: 0.25,
  },
  means: zeros(),
  scales: ones(),
  trainedAt: null,
};

export const BAND_THRESHOLDS = { medium: 15, high: 40 } as const;

/** Band for a 0–100 score: low < 15 ≤ medium < 40 ≤ high. */
export function bandFor(score: number): RiskBand {
  return score >= BAND_THRESHOLDS.high ? "high" : score >= BAND_THRESHOLDS.medium ? "medium" : "low";
}

/** Contributions smaller than this (log-odds) are not reported as drivers. */
export const MIN_DRIVER_CONTRIBUTION = 0.1;
export const MAX_DRIVERS = 5;

/** A driver as scored and stored: no label (see {@link driverLabel}). */
export type Driver = { code: FeatureName; contribution: number; value: number | null };
export type RiskScore = { probability: number; score: number; band: RiskBand; drivers: Driver[]; modelVersion: string };

/** `weights`: coef/scale per feature; `lo`/`hi`: the model's training span per feature (±∞ when it has none). */
type Compiled = { base: number; weights: Float64Array; lo: Float64Array; hi: Float64Array };
const compiledModels = new WeakMap<RiskModel, Compiled>();

/** Per-model constants: the base log-odds and coef/scale per feature. */
function compile(model: RiskModel): Compiled {
  let c = compiledModels.get(model);
  if (c) return c;
  const weights = new Float64Array(FEATURE_NAMES.length);
  const lo = new Float64Array(FEATURE_NAMES.length).fill(-Infinity);
  const hi = new Float64Array(FEATURE_NAMES.length).fill(Infinity);
  let base = model.intercept;
  FEATURE_NAMES.forEach((name, i) => {
    const scale = model.scales[name] || 1;
    const w = (model.coefficients[name] ?? 0) / scale;
    weights[i] = w;
    base -= w * (model.means[name] ?? 0);
    const range = model.ranges?.[name];
    if (range) [lo[i], hi[i]] = range;
  });
  c = { base, weights, lo, hi };
  compiledModels.set(model, c);
  return c;
}

/**
 * The transformed feature values, in FEATURE_NAMES order, as the trainer reads them: a value that
 * is not a finite number is 0, no evidence, as scoring counts it (platform/logistic
 * boundedContribution) — one NaN would make every fitted coefficient NaN.
 */
export function featureVector(features: RiskFeatures): number[] {
  return FEATURE_NAMES.map((n) => {
    const x = FEATURE_TRANSFORMS[n](features);
    return Number.isFinite(x) ? x : 0;
  });
}

export { sigmoid };

/** Just the log-odds — the fast path for ranking and training. Always finite (platform/logistic boundedContribution). */
export function logit(model: RiskModel, features: RiskFeatures): number {
  const { base, weights, lo, hi } = compile(model);
  let z = base;
  for (let i = 0; i < FEATURE_NAMES.length; i++) {
    const w = weights[i] as number;
    if (w !== 0) z += boundedContribution(w, (TRANSFORM_LIST[i] as (f: RiskFeatures) => number)(features), lo[i] as number, hi[i] as number);
  }
  return z;
}

export function probability(model: RiskModel, features: RiskFeatures): number {
  return sigmoid(logit(model, features));
}

/**
 * Scores one subscription: probability of cancelling within 60 days, the 0–100 score, its band
 * and up to five drivers (|contribution| ≥ 0.1 log-odds), largest effect first. Positive
 * contributions raise the risk, negative ones lower it.
 */
export function score(model: RiskModel, features: RiskFeatures): RiskScore {
  const { base, weights, lo, hi } = compile(model);
  let z = base;
  // Meaningful contributions, kept as parallel lists (few per row; cheaper than objects).
  const idx: number[] = [];
  const con: number[] = [];
  for (let i = 0; i < FEATURE_NAMES.length; i++) {
    const w = weights[i] as number;
    if (w === 0) continue;
    // Within the span the model was trained on (a trained model's `ranges`; see LinearModel), and finite.
    const c = boundedContribution(w, (TRANSFORM_LIST[i] as (f: RiskFeatures) => number)(features), lo[i] as number, hi[i] as number);
    if (c === 0) continue;
    z += c;
    if (c >= MIN_DRIVER_CONTRIBUTION || c <= -MIN_DRIVER_CONTRIBUTION) {
      // insertion by |c| desc, ties by feature order (stable)
      let k = con.length;
      while (k > 0 && Math.abs(con[k - 1] as number) < Math.abs(c)) k--;
      idx.splice(k, 0, i);
      con.splice(k, 0, c);
    }
  }
  const drivers: Driver[] = [];
  for (let k = 0; k < con.length && k < MAX_DRIVERS; k++) {
    const i = idx[k] as number;
    const c = con[k] as number;
    const code = FEATURE_NAMES[i] as FeatureName;
    const value = DRIVER_VALUE[code](features);
    drivers.push({ code, contribution: Math.round(c * 1000) / 1000, value: value !== null && Number.isFinite(value) ? value : null });
  }
  // Score from the probability as reported, so the two never disagree by a rounding step.
  const p = Math.round(sigmoid(z) * 10_000) / 10_000;
  const s = Math.min(100, Math.max(0, Math.round(p * 100)));
  return { probability: p, score: s, band: bandFor(s), drivers, modelVersion: model.version };
}

/**
 * Log-odds per unit of each transformed feature (coefficient ÷ scale), comparable between the
 * default model and trained (standardised) ones — what GET /v1/risk/model should show.
 */
export function coefficientsPerUnit(model: RiskModel): Record<FeatureName, number> {
  const { weights } = compile(model);
  return Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, Math.round((weights[i] as number) * 1e6) / 1e6])) as Record<FeatureName, number>;
}

/** A driver's label in one language, for API responses; amounts in `currency`, the subscription's (`risk_features.currency`). */
export function localizeDrivers(drivers: readonly Driver[], locale: "ja" | "en", currency: string) {
  // Rows stored before labels were dropped still carry one; it is ignored: the same code, value and currency give the same text.
  return drivers.map((d) => ({ code: d.code, label: driverLabel(d, locale, currency), contribution: d.contribution, value: d.value }));
}

export { firstDeliveryCanceller, riskFlags } from "./flags";
