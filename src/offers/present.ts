import type { Lang } from "../cancel-flows/reasons";
import type { ReasonedOffer } from "./service";

/** A ranked offer as the API shows it, in the caller's language. */
export function presentSuggestion(o: ReasonedOffer, lang: Lang) {
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
  };
}
