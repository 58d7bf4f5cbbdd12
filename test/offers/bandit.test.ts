import { describe, expect, it } from "vitest";
import { expectedSaveProbability, OutcomeTable, posterior, rank, remainingValue, sampleBeta, seededRng, type RankableOffer } from "../../src/offers/bandit";

const offer = (offerId: string, alpha: number, beta: number, monthlyValueAfter = 4000, forgoneRevenue = 0, cost = 0): RankableOffer => ({
  offerId,
  prior: { alpha, beta },
  economics: { monthlyValueAfter, forgoneRevenue, cost },
});

describe("Beta-Bernoulli posterior", () => {
  it("adds accepts to alpha and declines to beta; the mean is alpha / (alpha + beta)", () => {
    expect(posterior({ alpha: 2, beta: 8 }, { accepted: 3, declined: 7 })).toEqual({ alpha: 5, beta: 15 });
    expect(expectedSaveProbability({ alpha: 2, beta: 8 })).toBeCloseTo(0.2, 12);
    expect(expectedSaveProbability({ alpha: 2, beta: 8 }, { accepted: 3, declined: 7 })).toBeCloseTo(0.25, 12);
    // lots of data overwhelms the prior
    expect(expectedSaveProbability({ alpha: 2, beta: 8 }, { accepted: 700, declined: 300 })).toBeCloseTo(702 / 1010, 12);
  });

  it("keeps outcomes per (reason, offer)", () => {
    const t = new OutcomeTable([{ reason: "surplus_stock", offerId: "off_a", accepted: 1, declined: 2 }]);
    t.record("surplus_stock", "off_a", true);
    t.record("too_expensive", "off_a", false);
    expect(t.get("surplus_stock", "off_a")).toEqual({ accepted: 2, declined: 2 });
    expect(t.get("too_expensive", "off_a")).toEqual({ accepted: 0, declined: 1 });
    expect(t.get("moving", "off_a")).toEqual({ accepted: 0, declined: 0 });
    expect(new OutcomeTable(t.toRecords()).get("surplus_stock", "off_a")).toEqual({ accepted: 2, declined: 2 });
  });

  it("Beta samples have the right mean and variance", () => {
    const rng = seededRng(7);
    const n = 40_000;
    for (const [a, b] of [[2, 8], [0.5, 0.5], [30, 10]] as const) {
      let s = 0;
      let s2 = 0;
      let inRange = true;
      for (let i = 0; i < n; i++) {
        const x = sampleBeta(a, b, rng);
        if (!(x >= 0 && x <= 1)) inRange = false;
        s += x;
        s2 += x * x;
      }
      expect(inRange).toBe(true);
      const mean = s / n;
      const variance = s2 / n - mean * mean;
      expect(mean).toBeCloseTo(a / (a + b), 2);
      expect(variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 2);
    }
  });
});

describe("rank", () => {
  const offers = [offer("off_a", 3, 7), offer("off_b", 5, 5), offer("off_c", 1, 9, 20_000)];

  it("orders by p(save) × (remaining value − cost) using the posterior mean", () => {
    const r = rank(offers, { reason: "other", mode: "mean" });
    // a: .3 × 24,000 = 7,200; b: .5 × 24,000 = 12,000; c: .1 × 120,000 = 12,000 → tie broken by id
    expect(r.map((o) => o.offerId)).toEqual(["off_b", "off_c", "off_a"]);
    expect(r[0]).toMatchObject({ expectedSaveProbability: 0.5, rankingSaveProbability: 0.5, valueIfSaved: 24_000, score: 12_000 });
  });

  it("accounts for forgone revenue and cost", () => {
    expect(remainingValue(offer("x", 1, 1, 4000, 8000), 6)).toBe(16_000);
    const r = rank([offer("off_cheap", 4, 6), offer("off_costly", 4, 6, 4000, 0, 10_000)], { reason: "other", mode: "mean" });
    expect(r.map((o) => [o.offerId, o.score])).toEqual([
      ["off_cheap", 9600],
      ["off_costly", 5600],
    ]);
  });

  it("learns from the tenant's outcomes", () => {
    const stats = new OutcomeTable([{ reason: "other", offerId: "off_a", accepted: 60, declined: 40 }]);
    expect(rank(offers, { reason: "other", mode: "mean", stats })[0]!.offerId).toBe("off_a");
    // outcomes for another reason do not count
    expect(rank(offers, { reason: "moving", mode: "mean", stats })[0]!.offerId).toBe("off_b");
  });

  it("objective 'save' ranks by save probability alone", () => {
    expect(rank(offers, { reason: "other", mode: "mean", objective: "save" }).map((o) => o.offerId)).toEqual(["off_b", "off_a", "off_c"]);
  });

  it("Thompson sampling is deterministic for a seed and explores uncertain offers", () => {
    const a = rank(offers, { reason: "other", mode: "thompson", rng: seededRng(123) });
    const b = rank(offers, { reason: "other", mode: "thompson", rng: seededRng(123) });
    expect(a).toEqual(b);
    expect(a.every((o) => o.expectedSaveProbability === expectedSaveProbability(o.prior))).toBe(true);
    const rng = seededRng(99);
    const firsts = new Set<string>();
    for (let i = 0; i < 200; i++) firsts.add(rank(offers, { reason: "other", mode: "thompson", rng })[0]!.offerId);
    expect(firsts).toEqual(new Set(["off_a", "off_b", "off_c"]));
    // …but with strong evidence it settles
    const stats = new OutcomeTable([
      { reason: "other", offerId: "off_a", accepted: 900, declined: 100 },
      { reason: "other", offerId: "off_b", accepted: 100, declined: 900 },
      { reason: "other", offerId: "off_c", accepted: 10, declined: 990 },
    ]);
    for (let i = 0; i < 50; i++) expect(rank(offers, { reason: "other", mode: "thompson", rng, stats })[0]!.offerId).toBe("off_a");
  });

  it("refuses Thompson without an injected rng", () => {
    expect(() => rank(offers, { reason: "other", mode: "thompson" })).toThrow(/rng/);
  });

  it("seededRng is reproducible and uniform-ish", () => {
    const r1 = seededRng(1);
    const r2 = seededRng(1);
    const xs = Array.from({ length: 10_000 }, () => r1());
    expect(Array.from({ length: 10_000 }, () => r2())).toEqual(xs);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});
