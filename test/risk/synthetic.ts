/** Seeded synthetic populations for the risk tests. Deterministic: mulberry32. */
import { emptyFeatures, type RiskFeatures } from "../../src/risk/features";
import { addDays } from "../../src/platform/dates";
import { sigmoid } from "../../src/risk/model";
import type { TrainingSample } from "../../src/risk/train";

export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] as T,
  };
}
export type Rng = ReturnType<typeof rng>;

export function features(partial: Partial<RiskFeatures> = {}): RiskFeatures {
  return { ...emptyFeatures(), intervalDays: 30, quantity: 1, unitPriceYen: 3980, ...partial };
}

/** A plausible subscription: every field drawn independently with realistic ranges. */
export function randomFeatures(r: Rng): RiskFeatures {
  const deliveries = r.chance(0.3) ? r.int(0, 2) : r.int(3, 36);
  return features({
    deliveriesCompleted: deliveries,
    skipsLast90d: r.chance(0.25) ? r.int(1, 3) : 0,
    pausesLast90d: r.chance(0.1) ? 1 : 0,
    paymentFailuresLast90d: r.chance(0.1) ? r.int(1, 3) : 0,
    paymentFailing: r.chance(0.05),
    complaintsLast90d: r.chance(0.1) ? r.int(1, 2) : 0,
    cancelRequestsLast90d: r.chance(0.08) ? 1 : 0,
    negativeContactsLast90d: r.chance(0.1) ? 1 : 0,
    stockOnHandDays: r.chance(0.4) ? r.int(0, 90) : null,
    unitPriceYen: r.pick([980, 1980, 2980, 3980, 5980, 9800, 15800]),
    discountEndingWithinDays: r.chance(0.15) ? r.int(0, 40) : null,
    lastNps: r.chance(0.4) ? r.int(0, 10) : null,
    pastCancellations: r.chance(0.1) ? r.int(1, 2) : 0,
  });
}

/** Clearly risky (early, wants to cancel, stock piling up, unhappy) — with noise. */
export function riskyFeatures(r: Rng): RiskFeatures {
  return features({
    deliveriesCompleted: r.int(0, 4),
    skipsLast90d: r.chance(0.5) ? r.int(1, 3) : 0,
    cancelRequestsLast90d: r.chance(0.4) ? 1 : 0,
    complaintsLast90d: r.chance(0.3) ? 1 : 0,
    paymentFailuresLast90d: r.chance(0.2) ? 1 : 0,
    stockOnHandDays: r.chance(0.5) ? r.int(20, 90) : null,
    lastNps: r.chance(0.5) ? r.int(0, 8) : null,
  });
}

/** Clearly settled (long tenure, content) — with noise. */
export function safeFeatures(r: Rng): RiskFeatures {
  return features({
    deliveriesCompleted: r.int(2, 40),
    skipsLast90d: r.chance(0.15) ? 1 : 0,
    complaintsLast90d: r.chance(0.05) ? 1 : 0,
    stockOnHandDays: r.chance(0.3) ? r.int(0, 40) : null,
    lastNps: r.chance(0.5) ? r.int(6, 10) : null,
  });
}

/**
 * Snapshots labelled by a "true" process unlike the default model: price matters a lot, skips do
 * not matter at all, an ending discount matters a lot; cancel requests and tenure as usual.
 */
export function tenantHistory(seed: number, n: number, start = "2025-01-01"): TrainingSample[] {
  const r = rng(seed);
  const out: TrainingSample[] = [];
  for (let i = 0; i < n; i++) {
    const f = randomFeatures(r);
    const price = Math.log2((f.unitPriceYen ?? 3000) / 3000);
    const discount = f.discountEndingWithinDays !== null && f.discountEndingWithinDays <= 30 ? 1 : 0;
    const z =
      -2.2 + 1.3 * price + 1.5 * f.cancelRequestsLast90d + 2.0 * discount - 0.5 * Math.log1p(Math.max(0, f.deliveriesCompleted - 2)) + 0 * f.skipsLast90d;
    out.push({ features: f, label: r.chance(sigmoid(z)) ? 1 : 0, at: addDays(start, r.int(0, 364)) });
  }
  return out;
}
