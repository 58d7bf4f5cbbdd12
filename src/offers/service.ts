/**
 * The offer engine as the rest of the service uses it: the tenant's catalogue, its learned
 * outcomes and the subscription, in; ranked concrete offers out.
 */
import { and, eq } from "drizzle-orm";
import { cancelFlows, riskFeatures } from "../db/schema";
import { localDate } from "../platform/dates";
import type { TenantStore } from "../platform/tenancy";
import { featuresFrom, storedStock } from "../risk/features";
import type { StockEstimate } from "../risk/stock";
import { resolveSettings, type TenantSettings } from "../settings/schemas";
import { getSubscription, toSubscription } from "../subscriptions/repository";
import type { OutcomeTable, Rng } from "./bandit";
import type { Language } from "../platform/localized-text";
import type { CatalogueOffer, Channel, OfferType, RiskBand } from "./catalogue";
import type { AcceptedSave } from "./eligibility";
import type { SubscriptionSnapshot } from "./personalise";
import { loadCatalogue, loadOutcomes } from "./repository";
import { suggestOffers, type PersonalisedMemo, type SuggestContext, type SuggestedOffer } from "./suggest";
import { expectedSaveProbability, remainingValue } from "./bandit";
import { checkEligibility } from "./eligibility";
import { offerCopy, personaliseTerms, withCopy, type ConcreteParameters, type OfferTerms } from "./personalise";
import { buildTalkTrack, talkTrackStock } from "./talk-track";

export type OfferRequest = {
  /** The cancellation reason when known; without one, the best offer over all reasons. */
  reason?: string;
  channel: Channel;
  now: string;
  limit?: number;
  /**
   * `mean` (default) ranks by the posterior mean — stable, for listings and the next best action.
   * `thompson` draws from the posterior so uncertain offers get shown and learned (the cancel flow).
   */
  mode?: "mean" | "thompson";
  /** For `thompson`; defaults to Math.random. Pass `seededRng(seed)` for reproducible draws. */
  rng?: Rng;
  /** The tenant's settings when the caller has them (saves a read). */
  settings?: TenantSettings;
  /** The subscription's risk band when the caller has just read it (saves a read). */
  riskBand?: RiskBand | null;
};

/** Every reason some offer of the catalogue serves, in catalogue order; worked out once for a frozen catalogue (a held engine's, shared by requests). */
const catalogueReasons = new WeakMap<readonly CatalogueOffer[], readonly string[]>();
function reasonsOf(catalogue: readonly CatalogueOffer[]): readonly string[] {
  let reasons = catalogueReasons.get(catalogue);
  if (!reasons) {
    reasons = [...new Set(catalogue.flatMap((o) => o.eligibility.reasons))];
    if (Object.isFrozen(catalogue)) catalogueReasons.set(catalogue, Object.freeze(reasons));
  }
  return reasons;
}

/** A suggestion says which reason it was ranked for (matters when no reason was given). */
export type ReasonedOffer = SuggestedOffer & { reason: string };

/** Everything the ranking needs about one subscription and its tenant, however it was read. */
export type OfferInputs = {
  sub: SubscriptionSnapshot;
  consecutiveSkips: number;
  catalogue: readonly CatalogueOffer[];
  stats: Pick<OutcomeTable, "get">;
  riskBand: RiskBand | null;
  /** The customer's stock today, as stored with the risk features (risk/stock), if known. */
  stockOnHand: StockEstimate | null;
  /** The customer's accepted saves (save limits count them). */
  acceptedSaves: AcceptedSave[];
  settings: TenantSettings;
};

export async function suggestOffersFor(store: TenantStore, subscriptionId: string, request: OfferRequest): Promise<ReasonedOffer[]> {
  const row = await getSubscription(store, subscriptionId);
  if (row.status === "canceled") return [];
  const settings = request.settings ?? resolveSettings((await store.tenant()).settings);
  const [{ catalogue }, stats, risk, saves] = await Promise.all([
    loadCatalogue(store, request.now),
    loadOutcomes(store),
    store.q
      .select({ band: riskFeatures.band, features: riskFeatures.features })
      .from(riskFeatures)
      .where(store.owns(riskFeatures, eq(riskFeatures.subscriptionId, subscriptionId)))
      .limit(1),
    store.q
      .select({ at: cancelFlows.closedAt, offerId: cancelFlows.offerId })
      .from(cancelFlows)
      .where(store.owns(cancelFlows, and(eq(cancelFlows.customerId, row.customerId), eq(cancelFlows.status, "saved")))),
  ]);
  const features = risk[0]?.features ? featuresFrom(risk[0].features as Record<string, unknown>) : null;
  return rankOffers(
    {
      sub: { ...toSubscription(row), deliveryDay: row.deliveryDay },
      consecutiveSkips: row.consecutiveSkips,
      catalogue,
      stats,
      riskBand: request.riskBand !== undefined ? request.riskBand : ((risk[0]?.band ?? null) as RiskBand | null),
      stockOnHand: features ? storedStock(features) : null,
      acceptedSaves: acceptedSavesFrom(saves, catalogue),
      settings,
    },
    request,
  );
}

/**
 * A customer's saved cancel flows as the save limits count them: a save without a close time is
 * not one yet, and a save by a plan change that took no offer (offerId null:
 * cancel-flows/saved-by-change) accepted none, so it counts toward no offer's limit. Each carries
 * its offer's type from `catalogue` (the `type` save-limit scope), none when the offer is gone.
 */
export function acceptedSavesFrom(flows: readonly { at: string | null; offerId: string | null }[], catalogue: readonly Pick<CatalogueOffer, "id" | "type">[]): AcceptedSave[] {
  return flows.flatMap((f) => {
    if (f.at === null || !f.offerId) return [];
    const type = catalogue.find((o) => o.id === f.offerId)?.type;
    return [type === undefined ? { at: f.at, offerId: f.offerId } : { at: f.at, offerId: f.offerId, type }];
  });
}

/** What suggestOffers and the ranking read besides the offer, from the inputs and the request. */
function contextOf(inputs: OfferInputs, request: OfferRequest): Omit<SuggestContext, "reason"> & { mode: "mean" | "thompson" } {
  return {
    channel: request.channel,
    now: request.now,
    today: localDate(new Date(request.now), inputs.settings.timeZone),
    settings: inputs.settings,
    consecutiveSkips: inputs.consecutiveSkips,
    stockOnHand: inputs.stockOnHand,
    riskBand: inputs.riskBand,
    acceptedSaves: inputs.acceptedSaves,
    stats: inputs.stats,
    mode: request.mode ?? "mean",
    ...(request.mode === "thompson" ? { rng: request.rng ?? Math.random } : {}),
  };
}

/**
 * The decision, pure: the subscription's eligible offers, made concrete and ranked — for the
 * request's reason, or without one the best over all reasons.
 */
export function rankOffers(inputs: OfferInputs, request: OfferRequest): ReasonedOffer[] {
  if (inputs.sub.status === "canceled") return [];
  const ctx = contextOf(inputs, request);
  const { catalogue, sub } = inputs;
  const reasons = request.reason !== undefined ? [request.reason] : reasonsOf(catalogue);
  if (ctx.mode === "mean") return rankByMean(inputs, ctx, reasons, request.limit);
  const best = new Map<string, ReasonedOffer>();
  const memo: PersonalisedMemo = new Map();
  for (const reason of reasons) {
    for (const o of suggestOffers(catalogue, sub, { ...ctx, reason }, memo)) {
      const seen = best.get(o.offerId);
      if (!seen || o.score > seen.score) best.set(o.offerId, { ...o, reason });
    }
  }
  const ranked = [...best.values()].sort((a, b) => b.score - a.score || (a.offerId < b.offerId ? -1 : 1));
  return ranked.slice(0, request.limit ?? ranked.length);
}

type Scored = { offer: CatalogueOffer; terms: OfferTerms; reason: string; mean: number; valueIfSaved: number; score: number };

/**
 * {@link rankOffers} in `mean` mode, in one pass. There an offer's score for a reason is its
 * posterior mean for that reason × its value if saved, independent of the other offers, so the
 * ranking reason by reason (a list per reason, then the best reason per offer: the first reason
 * on a tie) is the same as: check each offer once (only the reason test depends on the reason),
 * work out its terms once, score it for each reason it serves. Only the `limit` returned get
 * their copy rendered (an offer whose copy cannot be filled is dropped, the next one moves up).
 * The data dip ranks every reason for each caller at risk; this is what it costs there.
 */
function rankByMean(inputs: OfferInputs, ctx: Omit<SuggestContext, "reason">, reasons: readonly string[], limit: number | undefined): ReasonedOffer[] {
  const { sub } = inputs;
  const out: ReasonedOffer[] = [];
  const known = ctx.channel === "operator" ? talkTrackStock(sub, ctx) : null;
  for (const s of scoreByMean(inputs, ctx, reasons)) {
    if (out.length === (limit ?? Infinity)) break;
    const offer = withCopy(s.offer, s.terms);
    if (!offer) continue;
    out.push({
      ...offer,
      expectedSaveProbability: s.mean,
      rankingSaveProbability: s.mean,
      valueIfSaved: s.valueIfSaved,
      score: s.score,
      talkTrack: known ? buildTalkTrack(offer, s.reason, known) : null,
      reason: s.reason,
    });
  }
  return out;
}

/** Every eligible offer's terms, scored for its best reason, best first (`mean` mode). */
function scoreByMean(inputs: OfferInputs, ctx: Omit<SuggestContext, "reason">, reasons: readonly string[]): Scored[] {
  const { catalogue, sub } = inputs;
  const scored: Scored[] = [];
  for (const offer of catalogue) {
    let best: { reason: string; mean: number; score: number } | null = null;
    let terms: OfferTerms | null | undefined;
    let valueIfSaved = 0;
    for (const reason of reasons) {
      if (!offer.eligibility.reasons.includes(reason)) continue;
      if (terms === undefined) {
        // The rules other than the reason, once: as eligibleOffers checks them for any reason.
        const eligible = checkEligibility(offer, { reason, channel: ctx.channel, deliveriesCompleted: sub.deliveriesCompleted, riskBand: ctx.riskBand ?? null, acceptedSaves: ctx.acceptedSaves ?? [], now: ctx.now }, true).length === 0;
        terms = eligible ? personaliseTerms(offer, sub, ctx) : null;
        if (terms) valueIfSaved = remainingValue(terms) - terms.economics.cost;
      }
      if (!terms) break;
      const mean = expectedSaveProbability(terms.prior, ctx.stats?.get(reason, terms.offerId));
      const score = mean * valueIfSaved;
      if (!best || score > best.score) best = { reason, mean, score };
    }
    if (terms && best) scored.push({ offer, terms, reason: best.reason, mean: best.mean, valueIfSaved, score: best.score });
  }
  return scored.sort((a, b) => b.score - a.score || (a.terms.offerId < b.terms.offerId ? -1 : 1));
}

/**
 * The data dip's next best action, pure: the offer {@link rankOffers} would rank first without a
 * reason (`mean` mode), with only its title, in `lang` — what the IVR says. The other eligible
 * offers' economics are worked out to rank them; their copy is never rendered. Null when none.
 */
export function nextBestOffer(inputs: OfferInputs, request: Omit<OfferRequest, "reason" | "mode" | "rng" | "limit">, lang: Language): { offerId: string; type: OfferType; parameters: ConcreteParameters; title: string } | null {
  if (inputs.sub.status === "canceled") return null;
  const ctx = contextOf(inputs, { ...request, mode: "mean" });
  for (const s of scoreByMean(inputs, ctx, reasonsOf(inputs.catalogue))) {
    const copy = offerCopy(s.offer, s.terms, lang);
    if (copy) return { offerId: s.terms.offerId, type: s.terms.type, parameters: s.terms.parameters, title: copy.title };
  }
  return null;
}

type NextBestOffer = ReturnType<typeof nextBestOffer>;
/** Answers per stats table, catalogue and settings object (all shared, frozen per offers_version), then by the key below. */
const remembered = new WeakMap<object, WeakMap<object, WeakMap<object, Map<string, NextBestOffer>>>>();
/**
 * Few, on purpose: an answer kept past two scavenges (≈ 1,000–2,000 requests, whatever the traffic)
 * ends in the old generation and dies there. 20,000 answers (≈ 280 bytes a lookup held, most of it
 * the key) hit on 2.4 % of at-risk callers spread over the 1M bench tenant and piled up in the live
 * heap: 1–6 MB more after each serving mark-compact (bench/promoted.ts; bench/HISTORY.md, branch promote).
 */
const MAX_REMEMBERED = 256;

function rememberedFor(inputs: OfferInputs): Map<string, NextBestOffer> {
  const chain = [inputs.stats, inputs.catalogue, inputs.settings] as const;
  let byStats = remembered.get(chain[0]);
  if (!byStats) remembered.set(chain[0], (byStats = new WeakMap()));
  let byCatalogue = byStats.get(chain[1]);
  if (!byCatalogue) byStats.set(chain[1], (byCatalogue = new WeakMap()));
  let answers = byCatalogue.get(chain[2]);
  if (!answers) byCatalogue.set(chain[2], (answers = new Map()));
  return answers;
}

/**
 * {@link nextBestOffer}, remembered: it is a pure function of its inputs, so a caller's dips
 * repeated within one call (the IVR, then the operator's screen) — or any subscription alike in every
 * field the ranking reads — cost a map lookup instead of ranking the catalogue (the last few hundred
 * answers: see MAX_REMEMBERED). Answers are kept per stats table, catalogue and
 * settings object (the data dip shares one of each per tenant and `offers_version`: a changed
 * catalogue or outcome table brings new objects, and the old answers are dropped with them), and
 * keyed by every other field the ranking reads, with the shop-local `today` for `now`: `now` only
 * counts the save limits' periods, so a customer with accepted saves is ranked afresh every time.
 * The answer is frozen (shared between requests).
 */
export function nextBestOfferRemembered(inputs: OfferInputs, request: Omit<OfferRequest, "reason" | "mode" | "rng" | "limit">, lang: Language): NextBestOffer {
  if (inputs.acceptedSaves.length > 0 || inputs.sub.status === "canceled") return nextBestOffer(inputs, request, lang);
  const { sub } = inputs;
  const key = [
    request.channel, lang, localDate(new Date(request.now), inputs.settings.timeZone), inputs.riskBand, inputs.consecutiveSkips,
    sub.status, sub.product.sku, sub.product.name, sub.product.category, sub.product.unitsPerPackage, sub.product.unitLabel, sub.quantity, sub.intervalDays, sub.intervalMonths, sub.deliveryDay,
    sub.nextDeliveryOn, sub.unitPrice.amount, sub.unitPrice.currency, sub.deliveriesCompleted, sub.pausedUntil,
    sub.activeDiscount ? JSON.stringify(sub.activeDiscount) : null, inputs.stockOnHand ? JSON.stringify(inputs.stockOnHand) : null,
  ].join("\u0000");
  const answers = rememberedFor(inputs);
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = Object.freeze(nextBestOffer(inputs, request, lang));
    if (answers.size >= MAX_REMEMBERED) answers.clear();
    answers.set(key, answer);
  }
  return answer;
}
