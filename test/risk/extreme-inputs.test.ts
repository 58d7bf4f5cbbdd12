/**
 * Whatever a record holds, risk scoring answers a finite probability in [0, 1] and stock is a
 * number or unknown: a NaN or ±Infinity probability cannot be stored (NOT NULL risk_features.probability)
 * and failed a whole event batch with 500 (the security trial of 2026-12-02: a usage report dated
 * year 0001 on a subscription with no report yet).
 */
import { describe, expect, it } from "vitest";
import { applyEvent, emptyFeatures, eventContext, stockToday, withSubscription, type RiskFeatures } from "../../src/risk/features";
import { DEFAULT_MODEL, featureVector, logit, score } from "../../src/risk/model";
import { consumptionRate, estimateStock } from "../../src/risk/stock";
import { features } from "./synthetic";

const EXTREMES = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, -1, 0];
const NUMERIC = (Object.keys(emptyFeatures()) as (keyof RiskFeatures)[]).filter((k) => k !== "v" && typeof features()[k] !== "object" && typeof features()[k] !== "boolean");
NUMERIC.push("stockOnHandDays", "stockOnHandUnits", "consumptionPerDay", "discountEndingWithinDays", "lastNps", "tenureDays", "unitPriceYen", "intervalDays");

function expectSane(f: RiskFeatures, what: string) {
  const s = score(DEFAULT_MODEL, f);
  expect(Number.isFinite(s.probability), `${what}: probability ${s.probability}`).toBe(true);
  expect(s.probability, what).toBeGreaterThanOrEqual(0);
  expect(s.probability, what).toBeLessThanOrEqual(1);
  expect(Number.isInteger(s.score), `${what}: score ${s.score}`).toBe(true);
  for (const d of s.drivers) {
    expect(Number.isFinite(d.contribution), `${what}: ${d.code}`).toBe(true);
    expect(d.value === null || Number.isFinite(d.value), `${what}: ${d.code} value ${d.value}`).toBe(true);
  }
  expect(Number.isFinite(logit(DEFAULT_MODEL, f)), `${what}: logit`).toBe(true);
}

describe("risk scoring with extreme inputs", () => {
  it("answers a finite probability for any single feature at NaN, ±Infinity or ±MAX_VALUE", () => {
    for (const key of new Set(NUMERIC)) for (const x of EXTREMES) expectSane(features({ deliveriesCompleted: 6, [key]: x }), `${key}=${x}`);
  });

  it("answers a finite probability when every feature is extreme at once, with opposite signs (+∞ − ∞)", () => {
    for (const x of EXTREMES) {
      const all = Object.fromEntries([...new Set(NUMERIC)].map((k) => [k, x]));
      expectSane(features(all), `all=${x}`);
      // Risk-raising features at +x, risk-lowering ones (tenure, deliveries, NPS) at the same: the sum would be ∞ − ∞.
      expectSane(features({ ...all, deliveriesCompleted: Number.MAX_VALUE, lastNps: Number.MAX_VALUE, cancelRequestsLast90d: Number.MAX_VALUE }), `mixed=${x}`);
    }
    expectSane(features({ stockOnHandDays: Infinity, deliveriesCompleted: Infinity, tenureDays: Infinity }), "surplus +∞ against tenure +∞");
  });

  it("a usage report and a start dated year 0001 leave stock unknown or finite, and the score finite", () => {
    const sub = { quantity: 1, intervalDays: 30, productUnitsPerPackage: 30, deliveriesCompleted: 6, nextDeliveryOn: "2026-12-24", startedAt: "0001-01-01T00:00:00.000Z", unitPriceAmount: 3980 };
    let f = withSubscription(emptyFeatures(), sub, "2026-12-02");
    f = applyEvent(f, { type: "usage.reported", occurredAt: "0001-06-01T00:00:00.000Z", data: { remainingUnits: 5 } }, eventContext(sub, "Asia/Tokyo", 0));
    f = withSubscription(f, sub, "2026-12-02");
    for (const v of [f.stockOnHandDays, f.stockOnHandUnits, f.consumptionPerDay, f.tenureDays]) expect(v === null || Number.isFinite(v), String(v)).toBe(true);
    const stock = stockToday(f, 6, "2026-12-02");
    expect(stock === null || (Number.isFinite(stock.unitsOnHand) && Number.isFinite(stock.daysOnHand))).toBe(true);
    expectSane(f, "year 0001");
  });

  it("stock: a date that is not a day or counts past floating point give no rate and no estimate", () => {
    expect(consumptionRate({ unitsDelivered: 180, unitsOnHand: 5, firstDeliveredOn: "1-06-01", countedOn: "2026-12-01" })).toBeNull();
    expect(consumptionRate({ unitsDelivered: Infinity, unitsOnHand: 5, firstDeliveredOn: "2026-01-01", countedOn: "2026-12-01" })).toBeNull();
    expect(consumptionRate({ unitsDelivered: NaN, unitsOnHand: 5, firstDeliveredOn: "2026-01-01", countedOn: "2026-12-01" })).toBeNull();
    expect(estimateStock({ units: 5, countedOn: "1-06-01", deliveredSince: 0, perDay: 1, unitsPerDelivery: 30, intervalDays: 30, today: "2026-12-01" })).toBeNull();
    expect(estimateStock({ units: Infinity, countedOn: "2026-11-01", deliveredSince: 0, perDay: 1, unitsPerDelivery: 30, intervalDays: 30, today: "2026-12-01" })).toBeNull();
  });

  it("the trainer's inputs are finite whatever a record holds: a feature it cannot read is 0, as scoring counts it", () => {
    for (const key of new Set(NUMERIC)) for (const x of EXTREMES) {
      const v = featureVector(features({ deliveriesCompleted: 6, [key]: x }));
      expect(v.filter((n) => !Number.isFinite(n)), `${key}=${x}`).toEqual([]);
    }
  });
});
