/**
 * Offline simulation on synthetic customers (seeded): does learning which offer saves customers
 * (Thompson sampling on the tenant's own outcomes) beat showing offers in a fixed order?
 *
 * Each synthetic flow has a customer (quantity, interval, price, next delivery, deliveries so far,
 * stock on hand) and a reason; one offer is shown (oneOffer policy) and the customer accepts it with
 * a TRUE probability per (reason, offer) that the policies do not know. For every reason with more
 * than one fitting offer, the true best is NOT the one the fixed order shows first.
 *
 * Policies, all fed the same customers and the same outcome draws (common random numbers):
 * - `fixed`: the first applicable eligible offer in catalogue order (a static operator playbook);
 * - `prior`: ranked by the catalogue prior (posterior mean without data) — also static;
 * - `thompson`: ranked by Thompson draws, learning from each outcome as it happens;
 * - `oracle`: the offer with the highest true save probability (an upper bound).
 */
import type { CancellationReasonCode } from "../cancel-flows/reasons";
import { addDays } from "../platform/dates";
import type { StockEstimate } from "../risk/stock";
import { OutcomeTable, seededRng, type Rng } from "./bandit";
import { DEFAULT_CATALOGUE, type CatalogueOffer } from "./catalogue";
import { eligibleOffers } from "./eligibility";
import { personaliseAll, type SubscriptionSnapshot } from "./personalise";
import { suggestOffers } from "./suggest";

export type TruthTable = Partial<Record<string, Record<string, number>>>;

/** True save probabilities for the default catalogue; the best differs from catalogue order. */
export const DEFAULT_TRUTH: TruthTable = {
  surplus_stock: { off_match_interval: 0.25, off_skip_next: 0.45, off_quantity_down: 0.15 },
  too_expensive: { off_quantity_down: 0.15, off_discount_20x2: 0.35 },
  no_effect: { off_usage_advice: 0.12 },
  switching_competitor: { off_discount_15x3: 0.18 },
  temporary_break: { off_skip_next: 0.25, off_pause: 0.5 },
  moving: { off_move_delivery: 0.45 },
  health_or_life_change: { off_skip_next: 0.15, off_pause: 0.35 },
  delivery_problem: { off_move_delivery: 0.2, off_apology_gift: 0.4 },
  dissatisfied_service: { off_apology_gift: 0.15 },
  other: { off_skip_next: 0.12, off_pause: 0.3 },
};

const REASON_WEIGHTS: [CancellationReasonCode, number][] = [
  ["surplus_stock", 0.25],
  ["too_expensive", 0.2],
  ["no_effect", 0.1],
  ["switching_competitor", 0.08],
  ["temporary_break", 0.12],
  ["moving", 0.04],
  ["health_or_life_change", 0.06],
  ["delivery_problem", 0.05],
  ["dissatisfied_service", 0.04],
  ["other", 0.06],
];

export type PolicyName = "fixed" | "prior" | "thompson" | "oracle";

export type PolicyResult = {
  policy: PolicyName;
  flows: number;
  offersShown: number;
  saves: number;
  saveRate: number;
  /** Sum over saves of the offer's value if saved (remaining value − cost), minor units. */
  retainedValue: number;
  perReason: Record<string, { flows: number; saves: number; saveRate: number; shown: Record<string, number> }>;
};

export type SimulationOptions = {
  flows?: number;
  seed?: number;
  catalogue?: readonly CatalogueOffer[];
  truth?: TruthTable;
  today?: string;
};

export type SimulationResult = Record<PolicyName, PolicyResult> & { flows: number; seed: number };

function pick<T>(rng: Rng, items: readonly [T, number][]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rng() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}

type Flow = { sub: SubscriptionSnapshot; reason: CancellationReasonCode; stockOnHand: StockEstimate | null; u: number };

function syntheticFlow(rng: Rng, today: string, i: number): Flow {
  const quantity = pick(rng, [[1, 0.6], [2, 0.3], [3, 0.1]]);
  const intervalDays = pick(rng, [[30, 0.7], [45, 0.15], [60, 0.15]]);
  const unit = pick(rng, [[2980, 0.5], [3980, 0.5]]);
  const reason = pick(rng, REASON_WEIGHTS);
  // Boxes left over; the customer's pace is such that they built up over one interval.
  const boxes = reason === "surplus_stock" && rng() < 0.7 ? 1 + Math.floor(rng() * 3) : null;
  const perDay = boxes === null ? 0 : quantity / (intervalDays * (1 + boxes / quantity));
  const stockOnHand: StockEstimate | null = boxes === null ? null : { unitsOnHand: boxes, perDay, basis: "history", daysOnHand: boxes / perDay };
  const sub: SubscriptionSnapshot = {
    status: "active",
    product: { sku: "SKU-AOJIRU", name: `青汁 #${i}` },
    quantity,
    intervalDays,
    nextDeliveryOn: addDays(today, 1 + Math.floor(rng() * 25)),
    unitPrice: { amount: unit, currency: "JPY" },
    deliveriesCompleted: Math.floor(rng() * 13),
  };
  return { sub, reason, stockOnHand, u: rng() };
}

function emptyResult(policy: PolicyName): PolicyResult {
  return { policy, flows: 0, offersShown: 0, saves: 0, saveRate: 0, retainedValue: 0, perReason: {} };
}

export function simulateOffers(options: SimulationOptions = {}): SimulationResult {
  const flows = options.flows ?? 5000;
  const seed = options.seed ?? 1;
  const catalogue = options.catalogue ?? DEFAULT_CATALOGUE;
  const truth = options.truth ?? DEFAULT_TRUTH;
  const today = options.today ?? "2026-06-01";
  const now = `${today}T03:00:00Z`;
  const customers = seededRng(seed);
  const thompsonRng = seededRng(seed ^ 0x9e3779b9);
  const stats = new OutcomeTable();
  const results: Record<PolicyName, PolicyResult> = {
    fixed: emptyResult("fixed"),
    prior: emptyResult("prior"),
    thompson: emptyResult("thompson"),
    oracle: emptyResult("oracle"),
  };
  const trueP = (reason: string, offerId: string) => truth[reason]?.[offerId] ?? 0;

  for (let i = 0; i < flows; i++) {
    const flow = syntheticFlow(customers, today, i);
    const base = { reason: flow.reason, channel: "web" as const, now, today, stockOnHand: flow.stockOnHand };
    const all = suggestOffers(catalogue, flow.sub, { ...base, mode: "mean" });
    const byCatalogueOrder = personaliseAll(eligibleOffers(catalogue, { ...base, deliveriesCompleted: flow.sub.deliveriesCompleted }), flow.sub, base);
    const shown: Record<PolicyName, { offerId: string; value: number } | undefined> = {
      fixed: (() => {
        const o = byCatalogueOrder[0];
        return o ? { offerId: o.offerId, value: all.find((a) => a.offerId === o.offerId)?.valueIfSaved ?? 0 } : undefined;
      })(),
      prior: all[0] ? { offerId: all[0].offerId, value: all[0].valueIfSaved } : undefined,
      thompson: (() => {
        const o = suggestOffers(catalogue, flow.sub, { ...base, mode: "thompson", rng: thompsonRng, stats, limit: 1 })[0];
        return o ? { offerId: o.offerId, value: o.valueIfSaved } : undefined;
      })(),
      oracle: (() => {
        const best = [...all].sort((a, b) => trueP(flow.reason, b.offerId) - trueP(flow.reason, a.offerId))[0];
        return best ? { offerId: best.offerId, value: best.valueIfSaved } : undefined;
      })(),
    };
    for (const policy of Object.keys(results) as PolicyName[]) {
      const r = results[policy];
      const s = shown[policy];
      const pr = (r.perReason[flow.reason] ??= { flows: 0, saves: 0, saveRate: 0, shown: {} });
      r.flows++;
      pr.flows++;
      if (!s) continue;
      r.offersShown++;
      pr.shown[s.offerId] = (pr.shown[s.offerId] ?? 0) + 1;
      const saved = flow.u < trueP(flow.reason, s.offerId);
      if (saved) {
        r.saves++;
        pr.saves++;
        r.retainedValue += s.value;
      }
      if (policy === "thompson") stats.record(flow.reason, s.offerId, saved);
    }
  }
  for (const r of Object.values(results)) {
    r.saveRate = r.flows ? r.saves / r.flows : 0;
    for (const pr of Object.values(r.perReason)) pr.saveRate = pr.flows ? pr.saves / pr.flows : 0;
  }
  return { ...results, flows, seed };
}
