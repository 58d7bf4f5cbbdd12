import { describe, expect, it } from "vitest";
import { OutcomeTable, seededRng } from "../../src/offers/bandit";
import { DEFAULT_CATALOGUE } from "../../src/offers/catalogue";
import { nextBestOffer, rankOffers, type OfferInputs, type ReasonedOffer } from "../../src/offers/service";
import { suggestOffers, type PersonalisedMemo } from "../../src/offers/suggest";
import { localDate } from "../../src/platform/dates";
import { DEFAULT_SETTINGS } from "../../src/settings/schemas";
import { NOW, sub } from "./fixtures";

/** The ranking as it is defined: a list per reason, then each offer's best reason (the first on a tie), best first. */
function reasonByReason(inputs: OfferInputs, channel: "ivr" | "operator", reason?: string): ReasonedOffer[] {
  const reasons = reason !== undefined ? [reason] : [...new Set(inputs.catalogue.flatMap((o) => o.eligibility.reasons))];
  const ctx = {
    channel, now: NOW, today: localDate(new Date(NOW), inputs.settings.timeZone), settings: inputs.settings, consecutiveSkips: inputs.consecutiveSkips,
    stockOnHand: inputs.stockOnHand, riskBand: inputs.riskBand, acceptedSaves: inputs.acceptedSaves, stats: inputs.stats, mode: "mean" as const,
  };
  const best = new Map<string, ReasonedOffer>();
  const memo: PersonalisedMemo = new Map();
  for (const r of reasons) {
    for (const o of suggestOffers(inputs.catalogue, inputs.sub, { ...ctx, reason: r }, memo)) {
      const seen = best.get(o.offerId);
      if (!seen || o.score > seen.score) best.set(o.offerId, { ...o, reason: r });
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score || (a.offerId < b.offerId ? -1 : 1));
}

describe("rankOffers (mean mode: what the data dip and the offers list use)", () => {
  // Outcomes that make reasons disagree: each offer saves well for some reasons and badly for others.
  const rng = seededRng(18);
  const reasons = [...new Set(DEFAULT_CATALOGUE.flatMap((o) => o.eligibility.reasons))];
  const stats = new OutcomeTable(
    DEFAULT_CATALOGUE.flatMap((o, i) => reasons.filter((_, j) => (i + j) % 3 !== 0).map((reason) => ({ reason, offerId: o.id, accepted: Math.floor(rng() * 40), declined: Math.floor(rng() * 40) }))),
  );
  const cases: [string, OfferInputs][] = [
    ["no outcomes yet", { sub: sub(), consecutiveSkips: 0, catalogue: DEFAULT_CATALOGUE, stats: new OutcomeTable(), riskBand: "high", stockOnHand: null, acceptedSaves: [], settings: DEFAULT_SETTINGS }],
    ["learned outcomes", { sub: sub({ quantity: 2 }), consecutiveSkips: 1, catalogue: DEFAULT_CATALOGUE, stats, riskBand: "medium", stockOnHand: null, acceptedSaves: [], settings: DEFAULT_SETTINGS }],
    ["a recent save and stock on hand", {
      sub: sub({ quantity: 3, intervalDays: 45 }), consecutiveSkips: 0, catalogue: DEFAULT_CATALOGUE, stats, riskBand: "high",
      stockOnHand: { unitsOnHand: 40, perDay: 1, basis: "history", daysOnHand: 40 }, acceptedSaves: [{ at: "2026-05-20T00:00:00Z" }], settings: DEFAULT_SETTINGS,
    }],
  ];

  for (const [name, inputs] of cases) {
    it(`gives the reason-by-reason ranking, offer for offer: ${name}`, () => {
      for (const channel of ["ivr", "operator"] as const) {
        const expected = reasonByReason(inputs, channel);
        expect(expected.length).toBeGreaterThan(1);
        expect(rankOffers(inputs, { channel, now: NOW })).toEqual(expected);
        expect(rankOffers(inputs, { channel, now: NOW, limit: 1 })).toEqual(expected.slice(0, 1));
        expect(rankOffers(inputs, { channel, now: NOW, reason: "too_expensive" })).toEqual(reasonByReason(inputs, channel, "too_expensive"));
      }
    });

    it(`the data dip's next best offer is the first of that ranking, titled in the asked language: ${name}`, () => {
      for (const lang of ["ja", "en"] as const) {
        const [first] = reasonByReason(inputs, "ivr");
        expect(nextBestOffer(inputs, { channel: "ivr", now: NOW }, lang)).toEqual({ offerId: first!.offerId, type: first!.type, parameters: first!.parameters, title: first!.title[lang] });
      }
    });

    it(`an offer whose copy cannot be filled in either language is passed over by both: ${name}`, () => {
      const [first, second] = reasonByReason(inputs, "ivr");
      // The first offer's English description names a placeholder no offer fills.
      const broken = inputs.catalogue.map((o) => (o.id === first!.offerId ? { ...o, copy: { ...o.copy, description: { ...o.copy.description, en: "{noSuchValue}" } } } : o));
      const withBroken = { ...inputs, catalogue: broken };
      expect(rankOffers(withBroken, { channel: "ivr", now: NOW, limit: 1 })[0]!.offerId).toBe(second!.offerId);
      expect(nextBestOffer(withBroken, { channel: "ivr", now: NOW }, "ja")!.offerId).toBe(second!.offerId);
    });
  }
});
