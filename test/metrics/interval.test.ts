import { describe, expect, it } from "vitest";
import { differenceInterval, wilsonInterval } from "../../src/metrics/interval";
import { liftInterval } from "../../src/metrics/retention";

// Newcombe (1998), Table II, method 10 (score interval, no continuity correction): his worked
// examples, to four decimals as printed there.
describe("the holdout lift's 95 % interval (Newcombe's hybrid score method)", () => {
  const four = (i: { low: number; high: number } | null) => i && [Number(i.low.toFixed(4)), Number(i.high.toFixed(4))];
  it.each([
    [56, 70, 48, 80, [0.0524, 0.3339]],
    [9, 10, 3, 10, [0.1705, 0.809]],
    [6, 7, 2, 7, [0.0582, 0.8062]],
    [5, 56, 0, 29, [-0.0381, 0.1926]],
    [0, 10, 0, 20, [-0.1611, 0.2775]],
    [10, 10, 0, 20, [0.6791, 1]],
  ])("%i/%i − %i/%i", (x1, n1, x2, n2, expected) => {
    expect(four(differenceInterval(x1, n1, x2, n2))).toEqual(expected);
  });

  it("Wilson's interval stays within 0 and 1, and is not a point at 0 of n", () => {
    const [low, high] = wilsonInterval(0, 8);
    expect(low).toBe(0);
    expect(high).toBeCloseTo(0.3244, 4);
  });

  it("a lift on 8 held-out flows is wide and may contain 0; on thousands it is narrow; an empty arm has none", () => {
    // The trial's shop: 20 of 31 kept with offers, 1 of 8 kept held out (lift 0.52).
    const small = liftInterval(20, 31, 1, 8)!;
    expect(small.low).toBeGreaterThan(0.1);
    expect(small.high - small.low).toBeGreaterThan(0.4);
    const even = liftInterval(5, 10, 4, 8)!;
    expect(even.low).toBeLessThan(0);
    expect(even.high).toBeGreaterThan(0);
    const big = liftInterval(2_000, 3_100, 100, 800)!;
    expect(big.high - big.low).toBeLessThan(0.07);
    expect(liftInterval(3, 5, 0, 0)).toBeNull();
  });
});
