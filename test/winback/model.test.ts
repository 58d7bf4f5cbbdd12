import { describe, expect, it } from "vitest";
import { DEFAULT_WINBACK_MODEL, localizeWinbackDrivers, scoreWinback, winbackLogit, winbackVector, type WinbackFeatures, type WinbackModel } from "../../src/winback/model";

const features: WinbackFeatures = {
  reason: "temporary_break",
  returnOn: "2026-12-20",
  acquisitionSource: null,
  complaints: 0,
  complaintsResolved: 0,
  deliveriesCompleted: 6,
  pastSpendYen: 24_000,
  startMonth: 4,
  canceledOn: "2026-12-01",
  namedComeback: false,
};
const codes = (on: string, f: WinbackFeatures = features) => scoreWinback(DEFAULT_WINBACK_MODEL, f, on).drivers.map((d) => d.code);

describe("the win-back model over time", () => {
  it("counts a named return date until 30 days after it, and the chance fades with the months since cancelling", () => {
    expect(codes("2026-12-01")).toContain("return_date_named");
    expect(codes("2027-01-19")).toContain("return_date_named");
    expect(codes("2027-01-20")).not.toContain("return_date_named");
    const p = (on: string) => scoreWinback(DEFAULT_WINBACK_MODEL, features, on).probability;
    expect(p("2027-03-01")).toBeLessThan(p("2026-12-01"));
  });
  it("scores a record stored before `returnOn` was kept (the key absent) as one without a date", () => {
    const { returnOn: _, ...older } = features;
    const score = scoreWinback(DEFAULT_WINBACK_MODEL, older as WinbackFeatures, "2026-12-01");
    expect(score).toEqual(scoreWinback(DEFAULT_WINBACK_MODEL, { ...features, returnOn: null }, "2026-12-01"));
  });
});

describe("the win-back model stays finite, as the risk model does", () => {
  const finite = (m: WinbackModel, f: WinbackFeatures, on: string) => {
    const s = scoreWinback(m, f, on);
    expect(s.probability).toBeGreaterThanOrEqual(0);
    expect(s.probability).toBeLessThanOrEqual(1);
    expect(Number.isFinite(winbackLogit(m, f, on))).toBe(true);
    for (const d of s.drivers) {
      expect(Number.isFinite(d.contribution)).toBe(true);
      if (typeof d.value === "number") expect(Number.isFinite(d.value)).toBe(true);
    }
    expect(winbackVector(f, on).every(Number.isFinite)).toBe(true);
    return s;
  };

  it("at the accepted bounds: the earliest and latest dates, no deliveries, zero and the largest price and counts", () => {
    for (const [over, on] of [
      [{ canceledOn: "1980-01-01", returnOn: "1980-01-01", startMonth: 1 }, "2026-12-01"],
      [{ returnOn: "9999-12-31" }, "2026-12-01"],
      [{ canceledOn: "9999-12-31" }, "9999-12-31"],
      [{ deliveriesCompleted: 0, pastSpendYen: 0 }, "2026-12-01"],
      [{ deliveriesCompleted: 10_000, pastSpendYen: 10_000 * 10_000_000 * 999, complaints: 10_000 }, "2026-12-01"],
    ] as [Partial<WinbackFeatures>, string][]) {
      finite(DEFAULT_WINBACK_MODEL, { ...features, ...over }, on);
    }
  });

  it("a record stored without a feature, or with a date nothing can read, is scored without it: a probability, never NaN", () => {
    const missing = { ...features, complaints: undefined, deliveriesCompleted: undefined, pastSpendYen: undefined } as unknown as WinbackFeatures;
    const s = finite(DEFAULT_WINBACK_MODEL, missing, "2026-12-01");
    // Those features count as no evidence: no tenure driver from a count that is not there.
    expect(s.drivers.map((d) => d.code)).not.toContain("tenure");
    finite(DEFAULT_WINBACK_MODEL, { ...features, canceledOn: "not a date", returnOn: "?" }, "2026-12-01");
  });

  it("a model with an absurd weight saturates instead of overflowing (+∞ − ∞ would be NaN)", () => {
    // Weights that overflow to +∞ and −∞ (coefficient ÷ a vanishing scale), on two features the record has.
    const absurd: WinbackModel = { ...DEFAULT_WINBACK_MODEL, coefficients: { ...DEFAULT_WINBACK_MODEL.coefficients, tenure: 1e308, past_spend: -1e308 }, scales: { ...DEFAULT_WINBACK_MODEL.scales, tenure: 1e-300, past_spend: 1e-300 } };
    const s = finite(absurd, features, "2026-12-01");
    expect(s.drivers.find((d) => d.code === "tenure")?.contribution).toBe(50);
    expect(s.drivers.find((d) => d.code === "past_spend")?.contribution).toBe(-50);
  });
});

describe("the seasonal driver says what the model computed", () => {
  // Scored on 3 December, a plan first started in March: December + 90 days is March, so
  // `in_season` holds — the season comes round in some three months, it is not near.
  const march = { ...features, reason: null, returnOn: null, startMonth: 3 };
  it("in December, a March starter's season is a few months off, not 「近い」", () => {
    const s = scoreWinback(DEFAULT_WINBACK_MODEL, march, "2026-12-03");
    const [ja] = localizeWinbackDrivers(s.drivers.filter((d) => d.code === "in_season"), "ja", "JPY");
    const [en] = localizeWinbackDrivers(s.drivers.filter((d) => d.code === "in_season"), "en", "JPY");
    expect(ja?.label).toBe("最初に始めた季節（3月）が数か月後に巡ってくる");
    expect(ja?.label).not.toContain("近い");
    expect(en?.label).toBe("The season they first started (March) comes round in a few months");
  });
  it("in March itself the driver does not hold (the model looks at the middle of the 180 days)", () => {
    expect(codes("2026-03-10", march)).not.toContain("in_season");
  });
});
