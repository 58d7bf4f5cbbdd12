import { describe, expect, it } from "vitest";
import {
  BAND_THRESHOLDS,
  bandFor,
  coefficientsPerUnit,
  DEFAULT_MODEL,
  driverLabel,
  FEATURE_INFO,
  FEATURE_NAMES,
  firstDeliveryCanceller,
  localizeDrivers,
  MAX_DRIVERS,
  probability,
  riskFlags,
  score,
  type FeatureName,
  type RiskModel,
  type RiskScore,
} from "../../src/risk/model";
import { auc } from "../../src/risk/train";
import { features, riskyFeatures, rng, safeFeatures } from "./synthetic";

/** A score with each driver's label in both languages, as an API response would show them. */
const labelled = (s: RiskScore) => ({ ...s, drivers: s.drivers.map((d) => ({ ...d, label: { ja: driverLabel(d, "ja", "JPY"), en: driverLabel(d, "en", "JPY") } })) });

describe("risk score with the default model", () => {
  it("calls a brand-new subscriber with a cancel request and 40 days of stock high risk, led by the cancel request", () => {
    const s = labelled(score(DEFAULT_MODEL, features({ deliveriesCompleted: 1, cancelRequestsLast90d: 1, stockOnHandDays: 40 })));
    expect(s.band).toBe("high");
    expect(s.score).toBeGreaterThanOrEqual(60);
    expect(s.drivers.map((d) => d.code)).toEqual(["early_life", "cancel_requests", "surplus_stock"]);
    const stock = s.drivers.find((d) => d.code === "surplus_stock");
    expect(stock).toMatchObject({ value: 40, label: { ja: "商品が余っている（在庫 6週間分ほど）", en: "Stock piling up (about six weeks on hand)" } });
    expect(s.drivers[1]?.label).toEqual({ ja: "直近90日に解約のご相談1件", en: "Asked about cancelling 1 time in the last 90 days" });
    expect(s.drivers[0]?.label).toEqual({ ja: "ご利用初期（お届け1回）", en: "Early in the subscription (1 delivery so far)" });
    expect(s.modelVersion).toBe(DEFAULT_MODEL.version);
  });

  it("calls a 20-delivery customer with NPS 9 low risk, explained by tenure and satisfaction", () => {
    const s = labelled(score(DEFAULT_MODEL, features({ deliveriesCompleted: 20, lastNps: 9 })));
    expect(s.band).toBe("low");
    expect(s.score).toBeLessThan(5);
    expect(s.drivers.map((d) => d.code)).toEqual(["tenure", "promoter"]);
    expect(s.drivers.every((d) => d.contribution < 0)).toBe(true);
    expect(s.drivers[0]?.label).toEqual({ ja: "長くご利用中（お届け20回）", en: "Long-standing customer (20 deliveries)" });
    expect(s.drivers[1]?.label).toEqual({ ja: "満足度が高い（NPS 9）", en: "High satisfaction score (NPS 9)" });
  });

  it("never calls one plan both early and long-standing: the deliveries count reads the same in every driver it explains", () => {
    for (let n = 0; n <= 30; n++) {
      const s = labelled(score(DEFAULT_MODEL, features({ deliveriesCompleted: n })));
      const labels = s.drivers.filter((d) => d.code === "early_life" || d.code === "tenure").map((d) => d.label);
      const early = labels.some((l) => l.ja.startsWith("ご利用初期"));
      const long = labels.some((l) => l.ja.startsWith("長く") || l.en.startsWith("Long-standing"));
      expect(early && long, `${n} deliveries: ${JSON.stringify(labels)}`).toBe(false);
    }
    const three = labelled(score(DEFAULT_MODEL, features({ deliveriesCompleted: 3 })));
    expect(three.drivers.filter((d) => d.code === "early_life" || d.code === "tenure").map((d) => d.label)).toEqual([
      { ja: "ご利用初期（お届け3回）", en: "Early in the subscription (3 deliveries so far)" },
      { ja: "ご利用継続中（お届け3回）", en: "Still subscribed after 3 deliveries" },
    ]);
  });

  it("puts a new subscriber with no signals in the medium band", () => {
    expect(score(DEFAULT_MODEL, features({ deliveriesCompleted: 0 })).band).toBe("medium");
  });

  it("orders drivers by absolute contribution, largest first, and reports at most five meaningful ones", () => {
    const s = labelled(score(
      DEFAULT_MODEL,
      features({
        deliveriesCompleted: 1,
        skipsLast90d: 3,
        paymentFailing: true,
        complaintsLast90d: 2,
        cancelRequestsLast90d: 1,
        lastNps: 2,
        pastCancellations: 1,
        unitPriceYen: 3100, // a negligible price effect: not a driver
      }),
    ));
    expect(s.drivers.length).toBe(MAX_DRIVERS);
    const abs = s.drivers.map((d) => Math.abs(d.contribution));
    expect(abs).toEqual([...abs].sort((a, b) => b - a));
    expect(s.drivers.some((d) => d.code === "price_level")).toBe(false);
    for (const d of s.drivers) {
      expect(d.label.ja).toMatch(/[぀-ヿ一-鿿]/);
      expect(d.label.en).toMatch(/^[\x20-\x7e¥–]+$/);
    }
  });

  it("labels every driver in natural Japanese and English", () => {
    const s = labelled(score(
      DEFAULT_MODEL,
      features({ deliveriesCompleted: 0, daysOverdue: 12, discountEndingWithinDays: 0, abandonedCancelFlows: 2, pastEarlyCancellations: 1, pastCancellations: 0 }),
    ));
    const byCode = Object.fromEntries(s.drivers.map((d) => [d.code, d.label]));
    expect(byCode.early_life).toEqual({ ja: "ご利用初期（初回お届け前）", en: "Early in the subscription (before the first delivery)" });
    expect(byCode.abandoned_cancel_flows).toEqual({ ja: "解約手続きを途中でやめた（2回）", en: "Started cancelling without finishing (2 times)" });
    expect(byCode.serial_early_canceller?.ja).toBe("過去に初回お届け後すぐ解約（1回）");
    expect(byCode.discount_ending).toEqual({ ja: "割引が本日で終了", en: "Discount ends today" });
    expect(byCode.overdue).toEqual({ ja: "お届け予定日を12日過ぎている", en: "Next delivery 12 days overdue" });
    expect(localizeDrivers(s.drivers, "en", "JPY")[0]).toEqual({ code: s.drivers[0]?.code, label: s.drivers[0]?.label.en, contribution: s.drivers[0]?.contribution, value: s.drivers[0]?.value });
  });

  it("labels a driver stored with its old bilingual label the same way as a new one", () => {
    // Rows scored before labels stopped being stored still hold { label: { ja, en } }.
    const old = { code: "skips" as const, label: { ja: "直近90日にスキップ2回", en: "Skipped 2 deliveries in the last 90 days" }, contribution: 0.7, value: 2 };
    const fresh = score(DEFAULT_MODEL, features({ deliveriesCompleted: 6, skipsLast90d: 2 })).drivers.find((d) => d.code === "skips")!;
    expect(fresh).not.toHaveProperty("label");
    for (const lang of ["ja", "en"] as const) expect(localizeDrivers([old], lang, "JPY")).toEqual(localizeDrivers([fresh], lang, "JPY"));
    expect(localizeDrivers([old], "ja", "JPY")[0]?.label).toBe(old.label.ja);
  });

  it("labels price level both ways", () => {
    const high = labelled(score(DEFAULT_MODEL, features({ deliveriesCompleted: 6, unitPriceYen: 12800 }))).drivers.find((d) => d.code === "price_level");
    expect(high).toMatchObject({ value: 12800, label: { ja: "単価が高め（12,800円）", en: "Higher unit price (¥12,800)" } });
    expect(high?.contribution).toBeGreaterThan(0);
    const low = labelled(score(DEFAULT_MODEL, features({ deliveriesCompleted: 6, unitPriceYen: 980 }))).drivers.find((d) => d.code === "price_level");
    expect(low).toMatchObject({ label: { ja: "単価が手頃（980円）", en: "Lower unit price (¥980)" } });
    expect(low?.contribution).toBeLessThan(0);
  });

  it("has a generic label in both languages for every feature", () => {
    for (const n of FEATURE_NAMES) {
      expect(FEATURE_INFO[n].ja.length).toBeGreaterThan(0);
      expect(FEATURE_INFO[n].en.length).toBeGreaterThan(0);
    }
  });

  it("is monotonic in the obvious directions", () => {
    const p = (partial: Parameters<typeof features>[0]) => probability(DEFAULT_MODEL, features({ deliveriesCompleted: 6, ...partial }));
    const increasing: [keyof ReturnType<typeof features>, number[]][] = [
      ["skipsLast90d", [0, 1, 2, 4]],
      ["paymentFailuresLast90d", [0, 1, 3]],
      ["complaintsLast90d", [0, 1, 2]],
      ["cancelRequestsLast90d", [0, 1, 2]],
      ["stockOnHandDays", [0, 30, 45, 90]],
      ["daysOverdue", [0, 10, 40]],
      ["pastCancellations", [0, 1, 2]],
    ];
    for (const [field, values] of increasing) {
      const ps = values.map((v) => p({ [field]: v }));
      for (let i = 1; i < ps.length; i++) expect(ps[i], `${field}=${values[i]}`).toBeGreaterThan(ps[i - 1] as number);
    }
    const byTenure = [0, 1, 2, 3, 5, 10, 20, 40].map((d) => probability(DEFAULT_MODEL, features({ deliveriesCompleted: d })));
    for (let i = 1; i < byTenure.length; i++) expect(byTenure[i]).toBeLessThanOrEqual(byTenure[i - 1] as number);
    expect(byTenure[7]).toBeLessThan(byTenure[2] as number);
    const byNps = [0, 3, 6, 7, 9].map((n) => p({ lastNps: n }));
    for (let i = 1; i < byNps.length; i++) expect(byNps[i]).toBeLessThanOrEqual(byNps[i - 1] as number);
    expect(byNps[4]).toBeLessThan(byNps[3] as number);
    expect(p({ discountEndingWithinDays: 3 })).toBeGreaterThan(p({ discountEndingWithinDays: 25 }));
    expect(p({ discountEndingWithinDays: 25 })).toBeGreaterThan(p({ discountEndingWithinDays: null }));
  });

  it("ranks a synthetic risky population above a safe one (AUC > 0.75)", () => {
    const r = rng(20251205);
    const rows = [
      ...Array.from({ length: 500 }, () => ({ f: riskyFeatures(r), y: 1 as const })),
      ...Array.from({ length: 500 }, () => ({ f: safeFeatures(r), y: 0 as const })),
    ];
    const a = auc(
      rows.map((x) => probability(DEFAULT_MODEL, x.f)),
      rows.map((x) => x.y),
    );
    expect(a).toBeGreaterThan(0.75);
  });

  it("gives probabilities in (0, 1) and a 0–100 integer score that agrees with the band", () => {
    const r = rng(7);
    for (let i = 0; i < 200; i++) {
      const s = score(DEFAULT_MODEL, i % 2 ? riskyFeatures(r) : safeFeatures(r));
      expect(s.probability).toBeGreaterThan(0);
      expect(s.probability).toBeLessThan(1);
      expect(Number.isInteger(s.score)).toBe(true);
      expect(s.score).toBe(Math.round(s.probability * 100));
      expect(s.band).toBe(bandFor(s.score));
    }
  });
});

describe("bands", () => {
  it("cut at 15 and 40 on the score", () => {
    expect(BAND_THRESHOLDS).toEqual({ medium: 15, high: 40 });
    expect([0, 14, 15, 39, 40, 100].map(bandFor)).toEqual(["low", "low", "medium", "medium", "high", "high"]);
  });

  it("follow the score exactly at the thresholds", () => {
    const only = (intercept: number): RiskModel => ({ ...DEFAULT_MODEL, intercept, coefficients: Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as Record<FeatureName, number> });
    const logit = (p: number) => Math.log(p / (1 - p));
    expect(score(only(logit(0.4)), features()).band).toBe("high");
    expect(score(only(logit(0.394)), features()).band).toBe("medium");
    expect(score(only(logit(0.15)), features()).band).toBe("medium");
    expect(score(only(logit(0.144)), features()).band).toBe("low");
  });
});

describe("standardised (trained) models", () => {
  it("explain against the neutral customer, not the training mean", () => {
    const zero = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as Record<FeatureName, number>;
    const one = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 1])) as Record<FeatureName, number>;
    const m: RiskModel = {
      version: "t1",
      intercept: -1,
      coefficients: { ...zero, skips: 0.8 },
      means: { ...zero, skips: 0.5 },
      scales: { ...one, skips: 2 },
      trainedAt: "2025-06-01T00:00:00Z",
    };
    const none = score(m, features());
    expect(none.drivers).toEqual([]);
    expect(none.probability).toBeCloseTo(1 / (1 + Math.exp(-(-1 - 0.8 * 0.25))), 4);
    expect(coefficientsPerUnit(m).skips).toBe(0.4);
    expect(coefficientsPerUnit(DEFAULT_MODEL)).toEqual(DEFAULT_MODEL.coefficients);
    const two = score(m, features({ skipsLast90d: 2 }));
    expect(two.drivers).toEqual([{ code: "skips", contribution: 0.8, value: 2 }]);
  });
});

describe("first_delivery_canceller flag", () => {
  it("is set when the same person cancelled after at most one delivery", () => {
    expect(firstDeliveryCanceller([{ status: "canceled", deliveriesCompleted: 1 }])).toBe(true);
    expect(firstDeliveryCanceller([{ status: "canceled", deliveriesCompleted: 0 }])).toBe(true);
    expect(firstDeliveryCanceller([{ status: "canceled", deliveriesCompleted: 2 }])).toBe(false);
    expect(firstDeliveryCanceller([{ status: "active", deliveriesCompleted: 1 }])).toBe(false);
    expect(firstDeliveryCanceller([])).toBe(false);
    expect(riskFlags({ pastSubscriptionsOfSamePerson: [{ status: "canceled", deliveriesCompleted: 1 }] })).toEqual(["first_delivery_canceller"]);
    expect(riskFlags({ pastSubscriptionsOfSamePerson: [] })).toEqual([]);
  });
});
