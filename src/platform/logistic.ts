/**
 * The one logistic-regression trainer: the churn-risk model (src/risk/train.ts) and the win-back
 * model (src/winback/train.ts) both fit with it; each supplies its samples' feature vectors and
 * how a model scores one.
 *
 * - Time-based hold-out: samples are ordered by `at`; the latest ~25 % form the hold-out. All
 *   samples sharing the cut-off date go to the hold-out, so no date is split across both sides.
 *   The returned model is the one fitted on the earlier part — the model whose hold-out numbers
 *   are reported, compared with the caller's baseline on the same hold-out.
 * - Logistic regression on standardised features (mean 0, sd 1 on the training part), L2 penalty
 *   on the standardised coefficients (the intercept is not penalised), fitted by Newton–Raphson /
 *   IRLS: exact and fast for a few dozen features, deterministic. With `l2: 0` it is the maximum
 *   likelihood fit, checked against R's `glm(family = binomial)` on IBM's wa_churn data
 *   (test/platform/logistic-reference.test.ts; reference values from scripts/reference/).
 * - Too little history → `{ ok: false, code: "insufficient_history" }` when there are fewer than
 *   200 samples, fewer than 20 positives or 20 negatives, or either side of the split lacks 5 of
 *   either class (its AUC would be meaningless).
 */
import type { Localized } from "./localized-text";

/** σ(z), computed without overflow on either side. */
export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** A logistic model over named features: logit = intercept + Σ coef · (x − mean) / scale. */
export type LinearModel<N extends string> = {
  version: string;
  intercept: number;
  /** Per standardised unit of each feature. */
  coefficients: Record<N, number>;
  means: Record<N, number>;
  scales: Record<N, number>;
  trainedAt: string | null;
  /** Hold-out AUC when the model was trained on data. */
  auc?: number;
  /**
   * Each feature's span in the training part, [lowest, highest] as the model reads it (before
   * standardising), widened to include 0 (the neutral value, which must keep contributing
   * nothing). Scoring clamps a feature into its span ({@link boundedContribution}): a shop's model says
   * nothing past what its history showed. Without it, the demo shop's model (5.7 log-odds per
   * cycle of surplus stock, fitted where surplus was rare and small) met four cycles and put 26
   * subscriptions at probability 1.0. Absent from hand-set models and from models trained before.
   */
  ranges?: Record<N, readonly [number, number]>;
};

/**
 * The most one feature moves the log-odds either way. A real driver stays far inside it (the
 * default model's largest is ≈ 6); past ±50 the probability is 0 or 1 to 20 decimals anyway. It
 * keeps the sum finite whatever a record holds: an absurd value (a price of 9e15 yen, a tenure
 * of centuries) saturates its driver instead of overflowing to ±Infinity, where +∞ − ∞ is NaN
 * and a NaN probability cannot be stored.
 */
export const MAX_CONTRIBUTION = 50;

/**
 * One feature's contribution (log-odds): its value clamped into the model's span [lo, hi], times
 * the weight, bounded by ±{@link MAX_CONTRIBUTION}; 0 — no evidence — when the value is not a
 * finite number (NaN from date arithmetic on a corrupt record, ±Infinity from a division by 0, a
 * feature missing from a stored record). The risk and the win-back model both score with it.
 */
export function boundedContribution(w: number, value: number, lo: number, hi: number): number {
  if (!Number.isFinite(value)) return 0;
  const c = w * (value < lo ? lo : value > hi ? hi : value);
  return c > MAX_CONTRIBUTION ? MAX_CONTRIBUTION : c < -MAX_CONTRIBUTION ? -MAX_CONTRIBUTION : c === c ? c : 0;
}

export const MIN_SAMPLES = 200;
export const MIN_POSITIVES = 20;
export const MIN_NEGATIVES = 20;
export const MIN_HOLDOUT_PER_CLASS = 5;

export type CalibrationBin = { bin: number; from: number; to: number; predicted: number; observed: number; count: number };

export type TrainSuccess<M> = {
  ok: true;
  model: M;
  holdout: { auc: number; calibration: CalibrationBin[]; logLoss: number; brier: number };
  samples: { train: number; holdout: number; positives: number; excludedCensored: number };
  split: { holdoutFrom: string; trainFrom: string; trainTo: string; holdoutTo: string };
  /** The baseline (default) model on the same hold-out. */
  defaultHoldout: { auc: number; logLoss: number; brier: number };
  /** Hold-out AUC strictly above the default's. The caller decides whether to activate. */
  betterThanDefault: boolean;
  iterations: number;
};

export type InsufficientHistory = {
  ok: false;
  code: "insufficient_history";
  reason: "too_few_samples" | "too_few_positives" | "too_few_negatives" | "holdout_too_small";
  /** The problem's detail, in both languages. */
  detail: Localized;
  samples: number;
  positives: number;
  required: { samples: number; positives: number; negatives: number };
};

// ---------------------------------------------------------------------------------------------
// Metrics

/**
 * Area under the ROC curve by ranks (Mann–Whitney U): the chance a random positive is scored
 * above a random negative, ties counting one half. NaN when either class is absent.
 */
export function auc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  if (scores.length !== labels.length) throw new RangeError("scores and labels differ in length");
  const order = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSumPositives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    const s = scores[order[i] as number] as number;
    while (j + 1 < order.length && scores[order[j + 1] as number] === s) j++;
    const averageRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++) {
      if (labels[order[k] as number] === 1) {
        positives++;
        rankSumPositives += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Equal-width probability bins (default 10); only non-empty bins are returned. */
export function calibrationBins(probabilities: readonly number[], labels: readonly (0 | 1)[], bins = 10): CalibrationBin[] {
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const count = new Float64Array(bins);
  probabilities.forEach((p, i) => {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    sumP[b] = (sumP[b] as number) + p;
    sumY[b] = (sumY[b] as number) + (labels[i] as number);
    count[b] = (count[b] as number) + 1;
  });
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = count[b] as number;
    if (n === 0) continue;
    out.push({ bin: b, from: b / bins, to: (b + 1) / bins, predicted: round4((sumP[b] as number) / n), observed: round4((sumY[b] as number) / n), count: n });
  }
  return out;
}

export function logLoss(probabilities: readonly number[], labels: readonly (0 | 1)[]): number {
  const eps = 1e-15;
  let s = 0;
  probabilities.forEach((p, i) => {
    const q = Math.min(1 - eps, Math.max(eps, p));
    s -= labels[i] === 1 ? Math.log(q) : Math.log(1 - q);
  });
  return s / Math.max(1, probabilities.length);
}

export function brier(probabilities: readonly number[], labels: readonly (0 | 1)[]): number {
  let s = 0;
  probabilities.forEach((p, i) => {
    s += (p - (labels[i] as number)) ** 2;
  });
  return s / Math.max(1, probabilities.length);
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

// ---------------------------------------------------------------------------------------------
// Split

/**
 * Splits by snapshot date: the latest ~`fraction` of samples (whole dates) are the hold-out.
 * Input order does not matter; ties in `at` never straddle the cut.
 */
export function splitByTime<T extends { at: string }>(samples: readonly T[], fraction = 0.25): { train: T[]; holdout: T[]; holdoutFrom: string | null } {
  const sorted = [...samples].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (sorted.length === 0) return { train: [], holdout: [], holdoutFrom: null };
  const cutIndex = Math.min(sorted.length - 1, Math.max(0, Math.floor(sorted.length * (1 - fraction))));
  const holdoutFrom = (sorted[cutIndex] as T).at;
  return { train: sorted.filter((s) => s.at < holdoutFrom), holdout: sorted.filter((s) => s.at >= holdoutFrom), holdoutFrom };
}

// ---------------------------------------------------------------------------------------------
// Fit

/** Solves A x = b for symmetric positive-definite A (Cholesky). A is k×k row-major. */
function solveSpd(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j] as number;
      for (let m = 0; m < j; m++) s -= (l[i * k + m] as number) * (l[j * k + m] as number);
      if (i === j) l[i * k + i] = Math.sqrt(Math.max(s, 1e-12));
      else l[i * k + j] = s / (l[j * k + j] as number);
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i] as number;
    for (let m = 0; m < i; m++) s -= (l[i * k + m] as number) * (y[m] as number);
    y[i] = s / (l[i * k + i] as number);
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let m = i + 1; m < k; m++) s -= (l[m * k + i] as number) * (x[m] as number);
    x[i] = s / (l[i * k + i] as number);
  }
  return x;
}

/**
 * L2 logistic regression by Newton–Raphson. `rows` are standardised feature vectors (length d);
 * returns [intercept, w1..wd].
 */
export function fitLogistic(rows: readonly Float64Array[], labels: readonly (0 | 1)[], l2: number, maxIterations = 100): { beta: Float64Array; iterations: number } {
  const d = rows[0]?.length ?? 0;
  const k = d + 1;
  const beta = new Float64Array(k);
  const positives = labels.reduce<number>((s, y) => s + y, 0);
  const prior = Math.min(0.999, Math.max(0.001, positives / Math.max(1, labels.length)));
  beta[0] = Math.log(prior / (1 - prior));
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const grad = new Float64Array(k);
    const hess = new Float64Array(k * k);
    for (let r = 0; r < rows.length; r++) {
      const x = rows[r] as Float64Array;
      let z = beta[0] as number;
      for (let j = 0; j < d; j++) z += (beta[j + 1] as number) * (x[j] as number);
      const p = sigmoid(z);
      const e = p - (labels[r] as number);
      const w = Math.max(p * (1 - p), 1e-10);
      // feature 0 is the intercept (x = 1)
      grad[0] = (grad[0] as number) + e;
      hess[0] = (hess[0] as number) + w;
      for (let i = 0; i < d; i++) {
        const xi = x[i] as number;
        if (xi === 0) continue;
        grad[i + 1] = (grad[i + 1] as number) + e * xi;
        hess[(i + 1) * k] = (hess[(i + 1) * k] as number) + w * xi;
        for (let j = 0; j <= i; j++) hess[(i + 1) * k + j + 1] = (hess[(i + 1) * k + j + 1] as number) + w * xi * (x[j] as number);
      }
    }
    for (let i = 1; i < k; i++) {
      grad[i] = (grad[i] as number) + l2 * (beta[i] as number);
      hess[i * k + i] = (hess[i * k + i] as number) + l2;
    }
    hess[0] = (hess[0] as number) + 1e-9;
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) hess[j * k + i] = hess[i * k + j] as number; // symmetric fill
    const step = solveSpd(hess, grad, k);
    let maxStep = 0;
    for (let i = 0; i < k; i++) {
      beta[i] = (beta[i] as number) - (step[i] as number);
      maxStep = Math.max(maxStep, Math.abs(step[i] as number));
    }
    if (maxStep < 1e-8) {
      iterations++;
      break;
    }
  }
  return { beta, iterations };
}

function insufficient(reason: InsufficientHistory["reason"], detail: Localized, samples: number, positives: number): InsufficientHistory {
  return {
    ok: false,
    code: "insufficient_history",
    reason,
    detail,
    samples,
    positives,
    required: { samples: MIN_SAMPLES, positives: MIN_POSITIVES, negatives: MIN_NEGATIVES },
  };
}

/** Mean and population sd per column (sd 1 for a constant column), and the standardised rows. */
export function standardise(raw: readonly (readonly number[])[], d: number) {
  const means = new Float64Array(d);
  const scales = new Float64Array(d);
  for (const v of raw) for (let j = 0; j < d; j++) means[j] = (means[j] as number) + (v[j] as number) / raw.length;
  for (const v of raw) for (let j = 0; j < d; j++) scales[j] = (scales[j] as number) + ((v[j] as number) - (means[j] as number)) ** 2 / raw.length;
  for (let j = 0; j < d; j++) scales[j] = Math.sqrt(scales[j] as number) > 1e-9 ? Math.sqrt(scales[j] as number) : 1;
  const rows = raw.map((v) => Float64Array.from(v, (x, j) => (x - (means[j] as number)) / (scales[j] as number)));
  return { means, scales, rows };
}

/**
 * Fits on raw feature vectors (standardised inside); coefficients are rounded to 1e-6 unless
 * `exact`. The model's features are `names`, in vector order.
 */
export function fitModel<N extends string>(
  names: readonly N[],
  raw: readonly (readonly number[])[],
  labels: readonly (0 | 1)[],
  opts: { l2: number; version: string; trainedAt: string | null; exact?: boolean; maxIterations?: number },
): { model: LinearModel<N>; iterations: number } {
  const { means, scales, rows } = standardise(raw, names.length);
  const { beta, iterations } = fitLogistic(rows, labels, opts.l2, opts.maxIterations);
  const r = (x: number) => (opts.exact ? x : Math.round(x * 1e6) / 1e6);
  const record = (arr: Float64Array, offset = 0) => Object.fromEntries(names.map((n, j) => [n, r(arr[j + offset] as number)])) as Record<N, number>;
  const ranges = Object.fromEntries(
    names.map((n, j) => {
      let lo = 0;
      let hi = 0;
      for (const v of raw) {
        const x = v[j] as number;
        if (x < lo) lo = x;
        else if (x > hi) hi = x;
      }
      return [n, [lo, hi] as const];
    }),
  ) as Record<N, readonly [number, number]>;
  return {
    model: { version: opts.version, intercept: r(beta[0] as number), coefficients: record(beta, 1), means: record(means), scales: record(scales), trainedAt: opts.trainedAt, ranges },
    iterations,
  };
}

/** The same model per raw unit of each feature: what a textbook (or R) reports. */
export function rawScale<N extends string>(model: LinearModel<N>): { intercept: number; coefficients: Record<N, number> } {
  let intercept = model.intercept;
  const coefficients = {} as Record<N, number>;
  for (const n of Object.keys(model.coefficients) as N[]) {
    const w = model.coefficients[n] / (model.scales[n] || 1);
    coefficients[n] = w;
    intercept -= w * (model.means[n] ?? 0);
  }
  return { intercept, coefficients };
}

export type TrainSpec<S extends { label: 0 | 1; at: string }, N extends string, M extends LinearModel<N>> = {
  names: readonly N[];
  /** The sample's feature vector, in `names` order. */
  vector: (s: S) => readonly number[];
  /** A model's log-odds for a sample: the trained model and the baseline are both scored with it. */
  logit: (model: M, s: S) => number;
  baseline: M;
  now: string;
  version: string;
  l2: number;
  holdoutFraction?: number;
  /** Samples dropped before this call because their label was not known yet (reported only). */
  excludedCensored?: number;
};

/** Checks the history, splits it by time, fits on the earlier part and reports on the later one. */
export function trainLogistic<S extends { label: 0 | 1; at: string }, N extends string, M extends LinearModel<N>>(usable: readonly S[], spec: TrainSpec<S, N, M>): TrainSuccess<M> | InsufficientHistory {
  const positives = usable.filter((s) => s.label === 1).length;
  const negatives = usable.length - positives;
  // Every shortfall at once, each as "have of the needed", so the shop sees what more history must bring.
  const short = [
    usable.length < MIN_SAMPLES && { reason: "too_few_samples" as const, en: `${usable.length} usable samples of the ${MIN_SAMPLES} needed`, ja: `学習に使える事例 ${usable.length}件（必要 ${MIN_SAMPLES}件）` },
    positives < MIN_POSITIVES && { reason: "too_few_positives" as const, en: `${positives} positive outcomes of the ${MIN_POSITIVES} needed`, ja: `陽性の事例 ${positives}件（必要 ${MIN_POSITIVES}件）` },
    negatives < MIN_NEGATIVES && { reason: "too_few_negatives" as const, en: `${negatives} negative outcomes of the ${MIN_NEGATIVES} needed`, ja: `陰性の事例 ${negatives}件（必要 ${MIN_NEGATIVES}件）` },
  ].filter((x) => x !== false);
  if (short.length > 0) {
    return insufficient(short[0]!.reason, { en: `Too little history: ${short.map((x) => x.en).join("; ")}.`, ja: `学習に使える履歴が足りません：${short.map((x) => x.ja).join("、")}。` }, usable.length, positives);
  }

  const { train: trainSet, holdout, holdoutFrom } = splitByTime(usable, spec.holdoutFraction ?? 0.25);
  const holdoutPositives = holdout.filter((s) => s.label === 1).length;
  const trainPositives = trainSet.filter((s) => s.label === 1).length;
  if (
    holdoutPositives < MIN_HOLDOUT_PER_CLASS ||
    holdout.length - holdoutPositives < MIN_HOLDOUT_PER_CLASS ||
    trainPositives < MIN_HOLDOUT_PER_CLASS ||
    trainSet.length - trainPositives < MIN_HOLDOUT_PER_CLASS
  )
    return insufficient(
      "holdout_too_small",
      {
        en: `The time split leaves too few positives or negatives on one side (train ${trainPositives}/${trainSet.length}, hold-out ${holdoutPositives}/${holdout.length}).`,
        ja: `期間で学習用と検証用に分けると、どちらかで陽性または陰性の事例が少なすぎます（学習用 ${trainPositives}/${trainSet.length}、検証用 ${holdoutPositives}/${holdout.length}）。`,
      },
      usable.length,
      positives,
    );

  const fitted = fitModel(
    spec.names,
    trainSet.map(spec.vector),
    trainSet.map((s) => s.label),
    { l2: spec.l2, version: spec.version, trainedAt: spec.now },
  );
  const model = { ...spec.baseline, ...fitted.model } as M;

  const labels = holdout.map((s) => s.label);
  const evaluate = (m: M) => {
    const z = holdout.map((s) => spec.logit(m, s));
    const p = z.map(sigmoid);
    return { p, auc: round4(auc(z, labels)), logLoss: round4(logLoss(p, labels)), brier: round4(brier(p, labels)) };
  };
  const mine = evaluate(model);
  const baseline = evaluate(spec.baseline);
  model.auc = mine.auc;

  const sortedAt = usable.map((s) => s.at).sort();
  return {
    ok: true,
    model,
    holdout: { auc: mine.auc, calibration: calibrationBins(mine.p, labels), logLoss: mine.logLoss, brier: mine.brier },
    samples: { train: trainSet.length, holdout: holdout.length, positives, excludedCensored: spec.excludedCensored ?? 0 },
    split: {
      trainFrom: sortedAt[0] as string,
      trainTo: trainSet.reduce((m, s) => (s.at > m ? s.at : m), ""),
      holdoutFrom: holdoutFrom as string,
      holdoutTo: sortedAt[sortedAt.length - 1] as string,
    },
    defaultHoldout: { auc: baseline.auc, logLoss: baseline.logLoss, brier: baseline.brier },
    betterThanDefault: mine.auc > baseline.auc,
    iterations: fitted.iterations,
  };
}
