import type { Language } from "../platform/localized-text";
import type { OutcomeCounts } from "./bandit";
import type { ReasonedOffer } from "./service";

/**
 * What the shop has seen for an offer and reason: accepts over accepts + declines, the plain
 * observed rate (not the model's posterior), null before the offer was ever answered.
 */
export function observedSaveRate(counts: OutcomeCounts) {
  const answered = counts.accepted + counts.declined;
  return { accepted: counts.accepted, declined: counts.declined, rate: answered === 0 ? null : Math.round((counts.accepted / answered) * 1000) / 1000 };
}

/** A ranked offer as the API shows it, in the caller's language; `observed` for operators only. */
export function presentSuggestion(o: ReasonedOffer, lang: Language, observed?: OutcomeCounts) {
  return {
    offerId: o.offerId,
    type: o.type,
    reason: o.reason,
    parameters: o.parameters as unknown as Record<string, unknown>,
    title: o.title[lang],
    description: o.description[lang],
    templateVersion: o.templateVersion,
    expectedSaveProbability: Math.round(o.expectedSaveProbability * 1000) / 1000,
    valueIfSaved: Math.round(o.valueIfSaved),
    expectedValue: Math.round(o.expectedSaveProbability * o.valueIfSaved),
    cost: o.economics.cost,
    talkTrack: o.talkTrack ? o.talkTrack[lang] : null,
    ...(observed ? { observedSaveRate: observedSaveRate(observed) } : {}),
  };
}
