import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, FEATURE_NAMES, probability, score } from "../../src/risk/model";
import { auc, calibrationBins, logLoss, brier, MIN_POSITIVES, MIN_SAMPLES, splitByTime, train, type TrainingSample } from "../../src/risk/train";
import { features, rng, tenantHistory } from "./synthetic";

const NOW = "2026-01-15T00:00:00Z";

describe("auc", () => {
  const labels = [0, 0, 1, 0, 1, 1, 0, 1] as const;
  it("is 1 for a perfect ranking, 0 for an inverted one", () => {
    const perfect = labels.map((y, i) => y * 10 + i);
    expect(auc(perfect, [...labels])).toBe(1);
    expect(auc(perfect.map((s) => -s), [...labels])).toBe(0);
  });

  it("counts ties as one half", () => {
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // one positive tied with one negative, above the other negative: (1 + 0.5) / 2
    expect(auc([0.9, 0.9, 0.1], [1, 0, 0])).toBe(0.75);
  });

  it("is about 0.5 for a random ranking", () => {
    const r = rng(42);
    const ys = Array.from({ length: 5000 }, () => (r.chance(0.3) ? 1 : 0) as 0 | 1);
    const a = auc(
      ys.map(() => r.next()),
      ys,
    );
    expect(a).toBeGreaterThan(0.46);
    expect(a).toBeLessThan(0.54);
  });

  it("is NaN without both classes", () => {
    expect(auc([1, 2], [1, 1])).toBeNaN();
    expect(auc([], [])).toBeNaN();
  });
});

describe("calibration and scoring rules", () => {
  it("bins predictions and compares them with what happened", () => {
    const bins = calibrationBins([0.05, 0.05, 0.15, 0.95], [0, 1, 0, 1]);
    expect(bins).toEqual([
      { bin: 0, from: 0, to: 0.1, predicted: 0.05, observed: 0.5, count: 2 },
      { bin: 1, from: 0.1, to: 0.2, predicted: 0.15, observed: 0, count: 1 },
      { bin: 9, from: 0.9, to: 1, predicted: 0.95, observed: 1, count: 1 },
    ]);
    expect(calibrationBins([1], [1])[0]?.bin).toBe(9);
  });

  it("compute log loss and Brier score", () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2));
    expect(brier([1, 0, 0.5], [1, 0, 1])).toBeCloseTo(0.25 / 3);
  });
});

describe("time-based split", () => {
  it("holds out the latest snapshots whatever the input order, never splitting a date", () => {
    const dates = ["2025-01-05", "2025-03-01", "2025-02-01", "2025-04-01", "2025-04-01", "2025-01-20", "2025-03-15", "2025-02-10"];
    const { train: tr, holdout, holdoutFrom } = splitByTime(dates.map((at) => ({ at })));
    expect(holdoutFrom).toBe("2025-04-01");
    expect(holdout.map((s) => s.at)).toEqual(["2025-04-01", "2025-04-01"]);
    expect(tr.map((s) => s.at)).toEqual(["2025-01-05", "2025-01-20", "2025-02-01", "2025-02-10", "2025-03-01", "2025-03-15"]);
  });
});

describe("training a tenant's model", () => {
  const history = tenantHistory(1234, 3000);

  it("recovers a known signal and beats the default model on the hold-out", () => {
    const result = train(history, { now: NOW });
    if (!result.ok) throw new Error(result.detail.en);
    const { model, holdout, defaultHoldout } = result;
    expect(holdout.auc).toBeGreaterThan(defaultHoldout.auc);
    expect(holdout.auc).toBeGreaterThan(0.7);
    expect(result.betterThanDefault).toBe(true);
    // the signals the history was generated with
    expect(model.coefficients.price_level).toBeGreaterThan(0.3);
    expect(model.coefficients.cancel_requests).toBeGreaterThan(0.2);
    expect(model.coefficients.discount_ending).toBeGreaterThan(0.2);
    expect(model.coefficients.tenure).toBeLessThan(-0.1);
    // skips carried no signal: small next to the real ones
    expect(Math.abs(model.coefficients.skips)).toBeLessThan(model.coefficients.price_level / 3);
    expect(model).toMatchObject({ trainedAt: NOW, auc: holdout.auc });
    expect(Object.keys(model.coefficients)).toEqual([...FEATURE_NAMES]);
    expect(result.samples).toMatchObject({ train: expect.any(Number), holdout: expect.any(Number), positives: history.filter((s) => s.label === 1).length });
    expect(result.samples.train + result.samples.holdout).toBe(3000);
    expect(result.samples.holdout / 3000).toBeGreaterThan(0.2);
    expect(result.samples.holdout / 3000).toBeLessThan(0.3);
  });

  it("is calibrated on the hold-out: predicted and observed rates agree where there is data", () => {
    const result = train(history, { now: NOW });
    if (!result.ok) throw new Error(result.detail.en);
    const total = result.holdout.calibration.reduce((s, b) => s + b.count, 0);
    expect(total).toBe(result.samples.holdout);
    for (const b of result.holdout.calibration.filter((b) => b.count >= 60)) expect(Math.abs(b.predicted - b.observed)).toBeLessThan(0.1);
    expect(result.holdout.logLoss).toBeLessThan(result.defaultHoldout.logLoss);
    expect(result.holdout.brier).toBeGreaterThan(0);
  });

  it("produces a model the scorer uses like the default one", () => {
    const result = train(history, { now: NOW, version: "tenant-a-1" });
    if (!result.ok) throw new Error(result.detail.en);
    const cheap = score(result.model, features({ deliveriesCompleted: 10, unitPriceYen: 980 }));
    const dear = score(result.model, features({ deliveriesCompleted: 10, unitPriceYen: 15800, discountEndingWithinDays: 3 }));
    expect(dear.probability).toBeGreaterThan(cheap.probability);
    expect(dear.drivers.map((d) => d.code)).toContain("price_level");
    expect(dear.modelVersion).toBe("tenant-a-1");
  });

  it("is deterministic", () => {
    const a = train(history, { now: NOW });
    const b = train([...history].reverse(), { now: NOW });
    expect(a).toEqual(b);
  });

  it("really evaluates on the latest snapshots", () => {
    // Early history: cancel requests predict churn. Latest quarter: the opposite.
    const r = rng(99);
    const samples: TrainingSample[] = [];
    for (let i = 0; i < 800; i++) {
      const late = i >= 600;
      const asked = r.chance(0.3);
      const churn = late ? (asked ? r.chance(0.05) : r.chance(0.5)) : asked ? r.chance(0.7) : r.chance(0.05);
      const month = late ? 10 + (i % 3) : 1 + (i % 9);
      samples.push({ features: features({ cancelRequestsLast90d: asked ? 1 : 0, deliveriesCompleted: 8 }), label: churn ? 1 : 0, at: `2025-${String(month).padStart(2, "0")}-15` });
    }
    const result = train(samples.reverse(), { now: NOW });
    if (!result.ok) throw new Error(result.detail.en);
    expect(result.model.coefficients.cancel_requests).toBeGreaterThan(0); // learned from the early part
    expect(result.holdout.auc).toBeLessThan(0.5); // judged on the late part, where it is wrong
    expect(result.split.holdoutFrom >= "2025-10-01").toBe(true);
    expect(result.split.trainTo < result.split.holdoutFrom).toBe(true);
    expect(result.samples.holdout).toBe(200);
  });

  it("leaves out snapshots whose 60-day outcome is not known yet", () => {
    const result = train(history, { now: NOW, asOf: "2025-12-31" });
    if (!result.ok) throw new Error(result.detail.en);
    expect(result.samples.excludedCensored).toBe(history.filter((s) => s.at > "2025-11-01").length);
    expect(result.samples.excludedCensored).toBeGreaterThan(0);
    expect(result.split.holdoutTo <= "2025-11-01").toBe(true);
  });

  it("reports insufficient history with too few samples or too few cancellations", () => {
    const few = train(history.slice(0, MIN_SAMPLES - 1), { now: NOW });
    expect(few).toMatchObject({ ok: false, code: "insufficient_history", reason: "too_few_samples", samples: MIN_SAMPLES - 1, required: { samples: 200, positives: 20 } });

    const negatives = history.filter((s) => s.label === 0);
    const positives = history.filter((s) => s.label === 1);
    const rare = train([...negatives.slice(0, 500), ...positives.slice(0, MIN_POSITIVES - 1)], { now: NOW });
    expect(rare).toMatchObject({ ok: false, code: "insufficient_history", reason: "too_few_positives", positives: MIN_POSITIVES - 1 });
    // Every shortfall, each as have of the needed.
    const both = train([...negatives.slice(0, 66), ...positives.slice(0, 4)], { now: NOW });
    expect(both).toMatchObject({ ok: false, reason: "too_few_samples", detail: { en: "Too little history: 70 usable samples of the 200 needed; 4 positive outcomes of the 20 needed." } });

    const allPositive = train(positives.slice(0, 300), { now: NOW });
    expect(allPositive).toMatchObject({ ok: false, reason: "too_few_negatives" });

    // enough positives overall, but none in the latest quarter
    const early = [...negatives.slice(0, 400), ...positives.slice(0, 60).map((s) => ({ ...s, at: "2024-06-01" }))];
    const late = negatives.slice(400, 600).map((s) => ({ ...s, at: "2026-06-01" }));
    expect(train([...early, ...late], { now: NOW })).toMatchObject({ ok: false, reason: "holdout_too_small" });
  });

  it("keeps the default model's probabilities sensible on this population", () => {
    const mean = history.reduce((s, x) => s + probability(DEFAULT_MODEL, x.features), 0) / history.length;
    expect(mean).toBeGreaterThan(0.05);
    expect(mean).toBeLessThan(0.5);
  });
});

describe("a trained model within what it was trained on", () => {
  it("scores stock far beyond any in the shop's history as the most it saw, not as certainty", () => {
    // History where surplus stock is rare, never above 45 days on a 30-day cycle, and a strong sign.
    const r = rng(7);
    const samples: TrainingSample[] = Array.from({ length: 1200 }, (_, i) => {
      const piling = r.chance(0.15);
      const days = piling ? 30 + r.int(0, 15) : 0;
      return {
        features: features({ stockOnHandDays: piling ? days : null, deliveriesCompleted: r.int(0, 20) }),
        label: (r.chance(piling ? 0.7 : 0.1) ? 1 : 0) as 0 | 1,
        at: `2025-${String(1 + (i % 12)).padStart(2, "0")}-01`,
      };
    });
    const result = train(samples, { now: NOW });
    if (!result.ok) throw new Error(result.detail.en);
    const model = result.model;
    expect(model.ranges?.surplus_stock?.[0]).toBe(0);
    const mostSeen = model.ranges!.surplus_stock[1];
    expect(mostSeen).toBeGreaterThan(0.5);
    expect(mostSeen).toBeLessThan(0.76);
    // 120 days of stock on a 30-day cycle: 3.25 cycles of surplus, four times the most in the history.
    const far = score(model, features({ stockOnHandDays: 120, deliveriesCompleted: 5 }));
    const edge = score(model, features({ stockOnHandDays: 30 * (mostSeen + 0.75), deliveriesCompleted: 5 }));
    expect(far.probability).toBe(edge.probability);
    expect(far.drivers.find((d) => d.code === "surplus_stock")).toMatchObject({ contribution: edge.drivers.find((d) => d.code === "surplus_stock")!.contribution, value: 120 });
    expect(far.probability).toBeLessThan(0.95);
    // The hand-set default has no span: it still reads the transform's own cap.
    expect(score(DEFAULT_MODEL, features({ stockOnHandDays: 120 })).probability).toBeGreaterThan(score(DEFAULT_MODEL, features({ stockOnHandDays: 45 })).probability);
  });
});

describe("a trained win-back model within what it was trained on", () => {
  it("scores a spend beyond the history's as the most it saw", async () => {
    const { DEFAULT_WINBACK_MODEL, scoreWinback, winbackLogit } = await import("../../src/winback/model");
    // As the trainer leaves it: past spend (log10 of ¥ / 10,000) seen up to 0.5 (≈ ¥31,600).
    const model = { ...DEFAULT_WINBACK_MODEL, ranges: { ...Object.fromEntries(Object.keys(DEFAULT_WINBACK_MODEL.coefficients).map((n) => [n, [-1, 2] as const])), past_spend: [-1, 0.5] as const } } as typeof DEFAULT_WINBACK_MODEL;
    const lapsed = (pastSpendYen: number) => ({ reason: "too_expensive", returnOn: null, acquisitionSource: null, complaints: 0, complaintsResolved: 0, deliveriesCompleted: 6, pastSpendYen, startMonth: 4, canceledOn: "2026-09-01", namedComeback: false });
    const on = "2026-11-01";
    const far = scoreWinback(model, lapsed(900_000), on);
    const edge = scoreWinback(model, lapsed(31_623), on);
    expect(far.probability).toBe(edge.probability);
    expect(far.drivers.map((d) => [d.code, d.contribution])).toEqual(edge.drivers.map((d) => [d.code, d.contribution]));
    expect(winbackLogit(model, lapsed(900_000), on)).toBeCloseTo(winbackLogit(model, lapsed(31_623), on), 4);
    // Without a span (the documented default), the larger spend still counts for more.
    expect(scoreWinback(DEFAULT_WINBACK_MODEL, lapsed(900_000), on).probability).toBeGreaterThan(scoreWinback(DEFAULT_WINBACK_MODEL, lapsed(31_623), on).probability);
  });
});
