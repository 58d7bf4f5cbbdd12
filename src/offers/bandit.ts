import { seededRng as seededPrng } from "../platform/random";
/**
 * Which offer to show: save probability learned from the tenant's own outcomes, per
 * (reason, offer), as a Beta-Bernoulli model with the catalogue's prior.
 *
 * Outcome definition (what the HTTP layer records): an offer SHOWN in a flow with a reason is
 * `accepted` when the customer accepts it (the flow ends saved) and `declined` when the flow is
 * confirmed as a cancellation after the offer was shown. Abandoned flows are not counted (the
 * customer neither cancelled nor accepted — we learn nothing about the offer).
 *
 * posterior = Beta(priorAlpha + accepted, priorBeta + declined);
 * expectedSaveProbability = posterior mean = α / (α + β).
 *
 * Ranking by expected retained value (minor units):
 *   remainingValue = monthlyValueAfter × expectedMonthsRetained − forgoneRevenue
 *   score          = p × (remainingValue − cost)
 * - monthlyValueAfter: 30-day revenue under the offer's plan (e.g. a longer interval or a smaller
 *   quantity lowers it), after any discount has ended;
 * - expectedMonthsRetained: how long a saved customer stays, a tenant-level horizon (default 6);
 * - forgoneRevenue: deliveries skipped or paused within that horizon;
 * - cost: the merchant's cost when accepted (catalogue fixed cost + discount total / gift value).
 * The cost is multiplied by p because it is only incurred when the offer is accepted (a declined
 * discount costs nothing); this differs from "p × value − cost" on purpose.
 * With `objective: "save"` the score is p alone (pure save rate, the 解約阻止率 KPI).
 *
 * `mode: "mean"` ranks by the posterior mean (deterministic); `mode: "thompson"` draws p from the
 * posterior (explores offers that are still uncertain) with an injected RNG — pass a seeded one
 * (`seededRng`) for reproducible results.
 */

export type Rng = () => number;

/** Seeded PRNG for reproducible draws (tests, simulations). */
export const seededRng: (seed: number) => Rng = seededPrng;

export type Prior = { alpha: number; beta: number };
export type OutcomeCounts = { accepted: number; declined: number };
export type OutcomeRecord = { reason: string; offerId: string } & OutcomeCounts;

/** Outcomes per (reason, offer); mutable so a simulation (or a cache) can record as it goes. */
export class OutcomeTable {
  private readonly counts = new Map<string, OutcomeCounts>();
  /**
   * The same counts by reason, then offer: ranking asks for every (reason, offer) pair of the
   * catalogue on every call (≈ 80 a data dip at risk), and a joined key is a new string to build
   * and hash each time, where the catalogue's own strings are hashed once.
   */
  private readonly byReason = new Map<string, Map<string, OutcomeCounts>>();

  constructor(records: Iterable<OutcomeRecord> = []) {
    for (const r of records) {
      const c = this.slot(r.reason, r.offerId);
      c.accepted += r.accepted;
      c.declined += r.declined;
    }
  }

  private slot(reason: string, offerId: string): OutcomeCounts {
    const key = `${reason}\u0000${offerId}`;
    let c = this.counts.get(key);
    if (!c) {
      c = { accepted: 0, declined: 0 };
      this.counts.set(key, c);
      let offers = this.byReason.get(reason);
      if (!offers) this.byReason.set(reason, (offers = new Map()));
      offers.set(offerId, c);
    }
    return c;
  }

  get(reason: string, offerId: string): OutcomeCounts {
    return this.byReason.get(reason)?.get(offerId) ?? { accepted: 0, declined: 0 };
  }

  record(reason: string, offerId: string, accepted: boolean): void {
    const c = this.slot(reason, offerId);
    if (accepted) c.accepted++;
    else c.declined++;
  }

  toRecords(): OutcomeRecord[] {
    return [...this.counts.entries()].map(([key, c]) => {
      const [reason, offerId] = key.split("\u0000") as [string, string];
      return { reason, offerId, ...c };
    });
  }
}

export function posterior(prior: Prior, counts: OutcomeCounts = { accepted: 0, declined: 0 }): Prior {
  return { alpha: prior.alpha + counts.accepted, beta: prior.beta + counts.declined };
}

/** Posterior mean of the save probability. */
export function expectedSaveProbability(prior: Prior, counts?: OutcomeCounts): number {
  const p = posterior(prior, counts);
  return p.alpha / (p.alpha + p.beta);
}

/** Standard normal via Box–Muller. */
function sampleNormal(rng: Rng): number {
  let u = 0;
  while (u <= Number.EPSILON) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted by U^(1/shape)). */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new RangeError("Gamma shape must be positive");
  if (shape < 1) {
    let u = 0;
    while (u <= Number.EPSILON) u = rng();
    return sampleGamma(shape + 1, rng) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(alpha: number, beta: number, rng: Rng): number {
  const x = sampleGamma(alpha, rng);
  const y = sampleGamma(beta, rng);
  return x / (x + y);
}

/** One Thompson draw of the save probability for (prior + counts). */
export function sampleSaveProbability(prior: Prior, counts: OutcomeCounts | undefined, rng: Rng): number {
  const p = posterior(prior, counts);
  return sampleBeta(p.alpha, p.beta, rng);
}

/** What the ranker needs from an offer; PersonalisedOffer satisfies it. */
export type RankableOffer = {
  offerId: string;
  prior: Prior;
  economics: { monthlyValueAfter: number; forgoneRevenue: number; cost: number };
};

export type RankContext = {
  reason: string;
  mode: "thompson" | "mean";
  /** The tenant's outcomes; none = the catalogue prior alone. */
  stats?: Pick<OutcomeTable, "get">;
  /** Required for `thompson`. */
  rng?: Rng;
  /** Default 6. */
  expectedMonthsRetained?: number;
  /** Default `value`. */
  objective?: "value" | "save";
};

export type Ranked<T> = T & {
  /** Posterior mean, always (what the API reports). */
  expectedSaveProbability: number;
  /** The probability used for ordering: a posterior draw (thompson) or the mean. */
  rankingSaveProbability: number;
  /** Value if saved, net of the offer's cost: remainingValue − cost. */
  valueIfSaved: number;
  /** The ordering key. */
  score: number;
};

export const DEFAULT_EXPECTED_MONTHS_RETAINED = 6;

export function remainingValue(offer: RankableOffer, expectedMonthsRetained = DEFAULT_EXPECTED_MONTHS_RETAINED): number {
  return offer.economics.monthlyValueAfter * expectedMonthsRetained - offer.economics.forgoneRevenue;
}

/** Orders offers best first. Ties break on offerId so the order is deterministic. */
export function rank<T extends RankableOffer>(offers: readonly T[], ctx: RankContext): Ranked<T>[] {
  if (ctx.mode === "thompson" && !ctx.rng) throw new Error("rank: mode 'thompson' needs an rng (use seededRng(seed) for reproducible draws)");
  const months = ctx.expectedMonthsRetained ?? DEFAULT_EXPECTED_MONTHS_RETAINED;
  const ranked = offers.map((o): Ranked<T> => {
    const counts = ctx.stats?.get(ctx.reason, o.offerId);
    const mean = expectedSaveProbability(o.prior, counts);
    const p = ctx.mode === "thompson" ? sampleSaveProbability(o.prior, counts, ctx.rng!) : mean;
    const valueIfSaved = remainingValue(o, months) - o.economics.cost;
    const score = ctx.objective === "save" ? p : p * valueIfSaved;
    return { ...o, expectedSaveProbability: mean, rankingSaveProbability: p, valueIfSaved, score };
  });
  return ranked.sort((a, b) => b.score - a.score || (a.offerId < b.offerId ? -1 : a.offerId > b.offerId ? 1 : 0));
}
