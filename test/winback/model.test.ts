import { describe, expect, it } from "vitest";
import { DEFAULT_WINBACK_MODEL, scoreWinback, type WinbackFeatures } from "../../src/winback/model";

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
