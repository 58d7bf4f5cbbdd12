/**
 * Who will come back: the probability that a canceled subscription is reactivated within 180 days
 * of the moment it is scored, a logistic regression over the features below.
 *
 *   logit = intercept + Σ coef[i] · (x[i] − mean[i]) / scale[i]        probability = σ(logit)
 *
 * Same shape as the risk model (src/risk/model.ts) and fitted by the same trainer
 * (src/platform/logistic.ts); every transform is 0 for the "nothing known" customer, so a driver's
 * contribution is coef · x / scale against that neutral customer.
 *
 * The default coefficients are hand-set, not fitted. Anchors (our reading of Japanese 定期 D2C
 * practice and published subscription win-back figures, which put 180-day re-subscription at
 * 5–15 % of cancellations): a neutral cancellation ≈ 8 % (intercept −2.45); leaving for a break
 * or an event (travel, a move, a season) and naming a return date are the strongest signs of a
 * return; a friend's referral, a long tenure and a resolved complaint raise it; leaving because it
 * did not work, for a competitor, or over an unresolved complaint lower it; the chance fades as
 * months pass; a seasonal buyer is likelier back in the season they first started.
 */
import type { Language, Localized } from "../platform/localized-text";
import { addDays, daysBetween, writeDate } from "../platform/dates";
import { formatMoney, yenScale } from "../platform/numbers";
import { boundedContribution, sigmoid, type LinearModel } from "../platform/logistic";

export const WINBACK_HORIZON_DAYS = 180;

/** What is known about a cancellation, as of the cancellation (time-dependent parts are computed at scoring). */
export type WinbackFeatures = {
  reason: string | null;
  /** The customer named a date they would be back (`returnOn`). */
  returnOn: string | null;
  acquisitionSource: string | null;
  /** Complaints (contact.logged topic complaint) in the 180 days before cancelling. */
  complaints: number;
  /** Of those, how many were followed by a positive contact (resolved). */
  complaintsResolved: number;
  deliveriesCompleted: number;
  /**
   * Past spend on this subscription in minor units of `currency` (deliveries × unit price ×
   * quantity): yen for a JPY plan, cents for a USD one. The name is what stored records carry.
   */
  pastSpendYen: number;
  /** The plan's currency (`winbacks.currency`); records stored before it was kept take the row's (see {@link storedWinbackFeatures}). */
  currency?: string;
  /** Month (1–12) the subscription originally started. */
  startMonth: number;
  canceledOn: string;
  /** The survey's "what would bring you back" was answered with something other than "nothing". */
  namedComeback: boolean;
};

export const WINBACK_FEATURE_NAMES = [
  "reason_break",
  "reason_surplus",
  "reason_price",
  "reason_no_effect",
  "reason_competitor",
  "reason_service",
  "return_date_named",
  "referral",
  "ad_acquired",
  "complaints_unresolved",
  "complaint_resolved",
  "tenure",
  "past_spend",
  "months_since_cancel",
  "in_season",
  "named_comeback",
] as const;
export type WinbackFeatureName = (typeof WINBACK_FEATURE_NAMES)[number];

/** The win-back model: a logistic model over the win-back features (platform/logistic). */
export type WinbackModel = LinearModel<WinbackFeatureName>;

const BREAK_REASONS = new Set(["temporary_break", "moving", "health_or_life_change"]);
const SERVICE_REASONS = new Set(["dissatisfied_service", "delivery_problem"]);

/** Months between the cancellation and `on` (scoring date), 0 at cancellation. */
export function monthsSince(f: WinbackFeatures, on: string): number {
  return Math.max(0, daysBetween(f.canceledOn, on)) / 30;
}

/** Within a month either side of the start month, at the scoring date + 90 days (the middle of the horizon). */
function inSeason(f: WinbackFeatures, on: string): number {
  const month = Number(addDays(on, 90).slice(5, 7));
  const d = Math.abs(month - f.startMonth) % 12;
  return Math.min(d, 12 - d) <= 1 ? 1 : 0;
}

/** How long after the date a customer named it still counts as a sign of their return. */
export const RETURN_DATE_GRACE_DAYS = 30;

/** Feature → model input, as of the scoring date `on`. */
export const WINBACK_TRANSFORMS: Record<WinbackFeatureName, (f: WinbackFeatures, on: string) => number> = {
  reason_break: (f) => (f.reason !== null && BREAK_REASONS.has(f.reason) ? 1 : 0),
  reason_surplus: (f) => (f.reason === "surplus_stock" ? 1 : 0),
  reason_price: (f) => (f.reason === "too_expensive" ? 1 : 0),
  reason_no_effect: (f) => (f.reason === "no_effect" ? 1 : 0),
  reason_competitor: (f) => (f.reason === "switching_competitor" ? 1 : 0),
  reason_service: (f) => (f.reason !== null && SERVICE_REASONS.has(f.reason) ? 1 : 0),
  /** Until 30 days past the date named: a date long gone by without a return says no more than no date. */
  return_date_named: (f, on) => (f.returnOn != null && daysBetween(f.returnOn, on) <= RETURN_DATE_GRACE_DAYS ? 1 : 0),
  referral: (f) => (f.acquisitionSource === "referral" ? 1 : 0),
  ad_acquired: (f) => (f.acquisitionSource === "ad" ? 1 : 0),
  complaints_unresolved: (f) => Math.min(Math.max(0, f.complaints - f.complaintsResolved), 3),
  complaint_resolved: (f) => (f.complaintsResolved > 0 ? 1 : 0),
  /** log(1 + deliveries). */
  tenure: (f) => Math.log1p(Math.max(0, f.deliveriesCompleted)),
  /**
   * log10(spend / ¥10,000), in [−1, 2]; 0 for ¥10,000. The spend in yen terms (platform/numbers
   * `yenScale`): $300.00 is about ¥45,000, not the ¥30,000 its 30,000 cents read as; 0 (no
   * evidence) in a currency without a yen scale.
   */
  past_spend: (f) => {
    if (f.pastSpendYen <= 0) return -1;
    const yen = yenScale(f.pastSpendYen, f.currency ?? "JPY");
    return yen === null ? 0 : Math.min(2, Math.max(-1, Math.log10(yen / 10_000)));
  },
  months_since_cancel: (f, on) => Math.min(monthsSince(f, on), 24),
  in_season: (f, on) => inSeason(f, on),
  named_comeback: (f) => (f.namedComeback ? 1 : 0),
};

/**
 * A win-back record's stored features as the model reads them: with the record's currency, which
 * records stored before the features kept it take from the row (`winbacks.currency`).
 */
export function storedWinbackFeatures(features: unknown, currency: string): Partial<WinbackFeatures> {
  return { currency, ...(features as Partial<WinbackFeatures> | null) };
}

/**
 * The model's inputs, as the trainer reads them: a value that is not a finite number (a feature
 * missing from a stored record) is 0, no evidence, as scoring counts it (platform/logistic
 * boundedContribution).
 */
export function winbackVector(f: WinbackFeatures, on: string): number[] {
  return WINBACK_FEATURE_NAMES.map((n) => {
    const x = WINBACK_TRANSFORMS[n](f, on);
    return Number.isFinite(x) ? x : 0;
  });
}

const zeros = () => Object.fromEntries(WINBACK_FEATURE_NAMES.map((n) => [n, 0])) as Record<WinbackFeatureName, number>;
const ones = () => Object.fromEntries(WINBACK_FEATURE_NAMES.map((n) => [n, 1])) as Record<WinbackFeatureName, number>;

/** Hand-set (log-odds per unit of the transform); see the file header for the anchors. */
export const DEFAULT_WINBACK_MODEL: WinbackModel = {
  version: "winback-default-2026.1",
  intercept: -2.45,
  coefficients: {
    reason_break: 1.1, // ≈ 8 % → 21 %
    reason_surplus: 0.6, // stock ran out: a reason to come back by itself
    reason_price: -0.1,
    reason_no_effect: -0.9,
    reason_competitor: -0.7,
    reason_service: -0.5,
    return_date_named: 1.0,
    referral: 0.5,
    ad_acquired: -0.2,
    complaints_unresolved: -0.5, // per open complaint
    complaint_resolved: 0.3,
    tenure: 0.2, // 10 deliveries: +0.48
    past_spend: 0.3,
    months_since_cancel: -0.12, // 6 months: −0.72
    in_season: 0.5,
    named_comeback: 0.4,
  },
  means: zeros(),
  scales: ones(),
  trainedAt: null,
};

export type WinbackDriver = { code: WinbackFeatureName; contribution: number; value: number | string | null };
export type WinbackScore = { probability: number; drivers: WinbackDriver[]; modelVersion: string };


const DRIVER_VALUE: Record<WinbackFeatureName, (f: WinbackFeatures, on: string) => number | string | null> = {
  reason_break: (f) => f.reason,
  reason_surplus: (f) => f.reason,
  reason_price: (f) => f.reason,
  reason_no_effect: (f) => f.reason,
  reason_competitor: (f) => f.reason,
  reason_service: (f) => f.reason,
  return_date_named: (f) => f.returnOn,
  referral: (f) => f.acquisitionSource,
  ad_acquired: (f) => f.acquisitionSource,
  complaints_unresolved: (f) => f.complaints - f.complaintsResolved,
  complaint_resolved: (f) => f.complaintsResolved,
  tenure: (f) => f.deliveriesCompleted,
  past_spend: (f) => f.pastSpendYen,
  months_since_cancel: (f, on) => Math.round(monthsSince(f, on)),
  in_season: (f) => f.startMonth,
  named_comeback: () => 1,
};

/** What a feature's mean takes off the log-odds; nothing for a mean of 0 (the hand-set model's), even under a weight that overflowed to ±∞ (∞ × 0 is NaN). */
const centre = (w: number, mean: number | undefined) => (mean ? w * mean : 0);

/** The span a feature is clamped into (a trained model's `ranges`; none: unbounded). */
const span = (model: WinbackModel, name: WinbackFeatureName): readonly [number, number] => model.ranges?.[name] ?? [-Infinity, Infinity];

/**
 * Just the log-odds (training and ranking). Always finite, as the risk model's: each feature's
 * contribution is clamped into the model's span and bounded, and counts 0 when its value is not a
 * finite number (platform/logistic boundedContribution) — a record stored without a feature, or
 * with one no date arithmetic can read, is scored without it instead of as NaN.
 */
export function winbackLogit(model: WinbackModel, f: WinbackFeatures, on: string): number {
  let z = model.intercept;
  for (const name of WINBACK_FEATURE_NAMES) {
    const w = (model.coefficients[name] ?? 0) / (model.scales[name] || 1);
    if (w === 0) continue;
    const [lo, hi] = span(model, name);
    z += boundedContribution(w, WINBACK_TRANSFORMS[name](f, on), lo, hi) - centre(w, model.means[name]);
  }
  return z;
}

/**
 * Probability of reactivating within 180 days of `on`, with up to five drivers (|contribution| ≥
 * 0.1), largest first. Finite whatever the record holds (see {@link winbackLogit}); a driver's
 * value that is not a finite number is null, as the risk model's.
 */
export function scoreWinback(model: WinbackModel, f: WinbackFeatures, on: string): WinbackScore {
  let z = model.intercept;
  const drivers: WinbackDriver[] = [];
  for (const name of WINBACK_FEATURE_NAMES) {
    const scale = model.scales[name] || 1;
    const w = (model.coefficients[name] ?? 0) / scale;
    if (w === 0) continue;
    z -= centre(w, model.means[name]);
    // Within the span the model was trained on (a trained model's `ranges`; see LinearModel), and finite.
    const [lo, hi] = span(model, name);
    const c = boundedContribution(w, WINBACK_TRANSFORMS[name](f, on), lo, hi);
    if (c === 0) continue;
    z += c;
    if (Math.abs(c) >= 0.1) {
      const value = DRIVER_VALUE[name](f, on);
      drivers.push({ code: name, contribution: Math.round(c * 1000) / 1000, value: typeof value === "number" && !Number.isFinite(value) ? null : value });
    }
  }
  drivers.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return { probability: Math.round(sigmoid(z) * 10_000) / 10_000, drivers: drivers.slice(0, 5), modelVersion: model.version };
}

const REASON_WORDS: Record<string, Localized> = {
  temporary_break: { ja: "しばらく不要", en: "a break" },
  moving: { ja: "引っ越し", en: "a move" },
  health_or_life_change: { ja: "生活の変化", en: "a change in life" },
  surplus_stock: { ja: "商品の余り", en: "surplus stock" },
  too_expensive: { ja: "価格", en: "the price" },
  no_effect: { ja: "効果を感じない", en: "not feeling it worked" },
  switching_competitor: { ja: "他社への切り替え", en: "switching brands" },
  dissatisfied_service: { ja: "サービスへの不満", en: "the service" },
  delivery_problem: { ja: "配送の問題", en: "delivery problems" },
};
/** A stored ISO date as the offers write dates (2026年12月5日 / 5 Dec 2026); anything else as it is. */
const shownDate = (v: unknown, lang: Language) => (typeof v === "string" ? writeDate(v, lang, "full") : String(v));
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
/** A stored month (1–12) by name, for the English labels; anything else as it is. */
const monthName = (v: unknown) => MONTHS[Number(v) - 1] ?? String(v);
const reasonWord = (v: unknown, lang: Language) => (typeof v === "string" ? (REASON_WORDS[v]?.[lang] ?? v) : "");

/** Labels in `lang`; `currency`: the record's (`winbacks.currency`), in which a past spend is counted (minor units). */
const DRIVER_LABEL: Record<WinbackFeatureName, (v: number | string | null, lang: Language, currency: string) => string> = {
  reason_break: (v, l) => (l === "ja" ? `一時的な事情での解約（${reasonWord(v, l)}）` : `Left for ${reasonWord(v, l)}, not over the product`),
  reason_surplus: (_, l) => (l === "ja" ? "解約理由が商品の余り（製品への不満ではない）" : "Left over surplus stock, not the product"),
  reason_price: (_, l) => (l === "ja" ? "解約理由が価格" : "Left over the price"),
  reason_no_effect: (_, l) => (l === "ja" ? "解約理由が「効果を感じない」" : "Left because it did not feel worth it"),
  reason_competitor: (_, l) => (l === "ja" ? "他社に切り替え" : "Switched to another brand"),
  reason_service: (v, l) => (l === "ja" ? `解約理由が${reasonWord(v, l)}` : `Left over ${reasonWord(v, l)}`),
  return_date_named: (v, l) => (l === "ja" ? `再開の目安日を伝えている（${shownDate(v, l)}）` : `Named a date to come back (${shownDate(v, l)})`),
  referral: (_, l) => (l === "ja" ? "ご紹介で入会" : "Joined through a friend's referral"),
  ad_acquired: (_, l) => (l === "ja" ? "広告経由で入会" : "Joined through an ad"),
  complaints_unresolved: (v, l) => (l === "ja" ? `未解決のご不満（${v}件）` : `Unresolved complaints (${v})`),
  complaint_resolved: (v, l) => (l === "ja" ? `ご不満が解決済み（${v}件）` : `Complaints resolved (${v})`),
  tenure: (v, l) => (l === "ja" ? `お届け${v}回のご利用歴` : `${v} ${Number(v) === 1 ? "delivery" : "deliveries"} received`),
  // In the record's own currency, as every amount is written (a US shop's $490.00 read "¥49,000").
  past_spend: (v, l, currency) => `${l === "ja" ? "これまでのご購入額" : "Past spend"} ${formatMoney({ amount: Math.round(Number(v)), currency }, l)}`,
  months_since_cancel: (v, l) => (l === "ja" ? `解約から約${v}か月` : `About ${v} ${Number(v) === 1 ? "month" : "months"} since cancelling`),
  // `in_season` holds when the start month is within a month of the scoring date + 90 days (the
  // middle of the horizon): the season comes round some 2–4 months on, never "now" — so not 「近い」.
  in_season: (v, l) => (l === "ja" ? `最初に始めた季節（${v}月）が数か月後に巡ってくる` : `The season they first started (${monthName(v)}) comes round in a few months`),
  named_comeback: (_, l) => (l === "ja" ? "アンケートで再開のきっかけを回答" : "Said in the survey what would bring them back"),
};

/** Drivers with their labels in `lang`; amounts in `currency`, the record's (`winbacks.currency`). */
export function localizeWinbackDrivers(drivers: readonly WinbackDriver[], lang: Language, currency: string) {
  return drivers.map((d) => ({ code: d.code, label: DRIVER_LABEL[d.code](d.value, lang, currency), contribution: d.contribution, value: d.value }));
}

/** A year of a plan's deliveries, in minor units: unit price × quantity × 365 / interval. */
export function annualValue(unitPrice: number, quantity: number, intervalDays: number): number {
  return Math.round((unitPrice * quantity * 365) / Math.max(1, intervalDays));
}

/**
 * A year of a restarted plan's deliveries less the discount it carries over them, minor units: the
 * revenue a reactivation recovers. Discounted deliveries are those from `nextDeliveryOn` every
 * `intervalDays` up to the discount's `endsOn` (inclusive; none: the whole year), at most a year's;
 * each loses `percentOff` % of its price, or `amountOff` (at most the price).
 */
export function recoveredValue(plan: {
  unitPriceAmount: number;
  quantity: number;
  intervalDays: number;
  nextDeliveryOn: string | null;
  activeDiscount: { percentOff?: number; amountOff?: number; endsOn: string | null } | null;
}): number {
  const annual = annualValue(plan.unitPriceAmount, plan.quantity, plan.intervalDays);
  const d = plan.activeDiscount;
  if (!d || plan.nextDeliveryOn === null) return annual;
  const interval = Math.max(1, plan.intervalDays);
  const perYear = 365 / interval;
  const discounted = d.endsOn === null ? perYear : d.endsOn < plan.nextDeliveryOn ? 0 : Math.min(perYear, Math.floor(daysBetween(plan.nextDeliveryOn, d.endsOn) / interval) + 1);
  const price = plan.unitPriceAmount * plan.quantity;
  const off = d.percentOff !== undefined ? (price * d.percentOff) / 100 : Math.min(d.amountOff ?? 0, price);
  return Math.max(0, Math.round(annual - discounted * off));
}
