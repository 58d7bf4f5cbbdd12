import { describe, expect, it } from "vitest";
import { minorUnitDigits, yenScale } from "../../src/platform/numbers";
import { DEFAULT_WINBACK_MODEL, scoreWinback, storedWinbackFeatures, WINBACK_TRANSFORMS, type WinbackFeatures } from "../../src/winback/model";

/**
 * The win-back model's `past_spend` reads the spend in yen terms, whatever the plan's currency.
 * Before, it read the minor units as yen: $300.00 (30,000 cents) as ¥30,000 rather than the
 * ≈ ¥45,000 it is, and ₩300,000 (≈ ¥33,000) as ¥300,000, ten times the spender it is.
 */
const base: WinbackFeatures = {
  reason: "too_expensive",
  returnOn: null,
  acquisitionSource: null,
  complaints: 0,
  complaintsResolved: 0,
  deliveriesCompleted: 10,
  pastSpendYen: 30_000,
  startMonth: 4,
  canceledOn: "2026-12-01",
  namedComeback: false,
};
const spend = (pastSpendYen: number, currency?: string) => WINBACK_TRANSFORMS.past_spend({ ...base, pastSpendYen, ...(currency ? { currency } : {}) }, "2026-12-01");
const contribution = (f: WinbackFeatures) => scoreWinback(DEFAULT_WINBACK_MODEL, f, "2026-12-01").drivers.find((d) => d.code === "past_spend")?.contribution;

describe("win-back past spend, in yen terms", () => {
  it("the minor unit and the yen scale come from the currency", () => {
    expect([minorUnitDigits("JPY"), minorUnitDigits("USD"), minorUnitDigits("KWD")]).toEqual([0, 2, 3]);
    expect(yenScale(30_000, "JPY")).toBe(30_000);
    expect(yenScale(30_000, "USD")).toBe(45_000); // $300.00 at ¥150
    expect(yenScale(300_000, "KRW")).toBeCloseTo(33_000, 6);
    expect(yenScale(30_000, "XAU")).toBeNull();
  });

  it("¥30,000 reads as ¥30,000; $300.00 as ¥45,000 (not ¥30,000); ₩300,000 as ¥33,000 (not ¥300,000)", () => {
    expect(spend(30_000, "JPY")).toBeCloseTo(Math.log10(3), 9);
    expect(spend(30_000)).toBeCloseTo(Math.log10(3), 9); // a record stored without its currency: a JPY shop's
    expect(spend(30_000, "USD")).toBeCloseTo(Math.log10(4.5), 9);
    expect(spend(300_000, "KRW")).toBeCloseTo(Math.log10(3.3), 9);
  });

  it("the same spend in yen terms weighs the same: $300.00 as ¥45,000", () => {
    const usd = scoreWinback(DEFAULT_WINBACK_MODEL, { ...base, pastSpendYen: 30_000, currency: "USD" }, "2026-12-01");
    const jpy = scoreWinback(DEFAULT_WINBACK_MODEL, { ...base, pastSpendYen: 45_000, currency: "JPY" }, "2026-12-01");
    expect(usd.probability).toBe(jpy.probability);
    expect(contribution({ ...base, pastSpendYen: 30_000, currency: "USD" })).toBe(0.196); // 0.3 × log10(4.5)
    // The driver's value stays the amount as stored (minor units of the record's currency): its label writes $300.00.
    expect(usd.drivers.find((d) => d.code === "past_spend")?.value).toBe(30_000);
  });

  it("nothing spent is still −1; a currency without a yen scale is no evidence (0), not a guess", () => {
    expect(spend(0, "USD")).toBe(-1);
    expect(spend(30_000, "XAU")).toBe(0);
    expect(spend(10 ** 12, "USD")).toBe(2);
  });

  it("a stored record without its currency takes the row's", () => {
    const { currency: _, ...stored } = { ...base, currency: "USD" };
    expect(storedWinbackFeatures(stored, "USD").currency).toBe("USD");
    expect(storedWinbackFeatures({ ...stored, currency: "JPY" }, "USD").currency).toBe("JPY");
    expect(storedWinbackFeatures(null, "USD")).toEqual({ currency: "USD" });
  });
});
