import { describe, expect, it } from "vitest";
import { OutcomeTable, seededRng } from "../../src/offers/bandit";
import { DEFAULT_CATALOGUE } from "../../src/offers/catalogue";
import { nextBestOffer, nextBestOfferRemembered, rankOffers, type OfferInputs, type ReasonedOffer } from "../../src/offers/service";
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

describe("the data dip's next best offer, remembered", () => {
  const base: OfferInputs = { sub: sub(), consecutiveSkips: 0, catalogue: DEFAULT_CATALOGUE, stats: new OutcomeTable(), riskBand: "high", stockOnHand: null, acceptedSaves: [], settings: DEFAULT_SETTINGS };
  // Each changes one field the ranking reads; the same stats, catalogue and settings objects throughout.
  const variations: [string, OfferInputs, string][] = [
    ["quantity", { ...base, sub: sub({ quantity: 3 }) }, NOW],
    ["interval", { ...base, sub: sub({ intervalDays: 60 }) }, NOW],
    ["next delivery", { ...base, sub: sub({ nextDeliveryOn: "2026-07-20" }) }, NOW],
    ["price", { ...base, sub: sub({ unitPrice: { amount: 12_800, currency: "JPY" } }) }, NOW],
    ["product", { ...base, sub: sub({ product: { sku: "KOSO-60", name: "酵素ドリンク", unitsPerPackage: 60, unitLabel: "粒" } }) }, NOW],
    ["deliveries completed", { ...base, sub: sub({ deliveriesCompleted: 0 }) }, NOW],
    ["paused", { ...base, sub: sub({ status: "paused", pausedUntil: "2026-08-01" }) }, NOW],
    ["discount running", { ...base, sub: sub({ activeDiscount: { endsOn: "2026-09-01" } }) }, NOW],
    ["skips in a row", { ...base, consecutiveSkips: 2 }, NOW],
    ["band", { ...base, riskBand: "medium" }, NOW],
    ["stock on hand", { ...base, stockOnHand: { unitsOnHand: 60, perDay: 1, basis: "history", daysOnHand: 60 } }, NOW],
    ["another day", base, "2026-06-20T03:00:00Z"],
  ];

  it("answers as the ranking does for every field it reads, and a repeat costs nothing new", () => {
    let differs = 0;
    for (const lang of ["ja", "en"] as const) {
      const first = nextBestOfferRemembered(base, { channel: "ivr", now: NOW }, lang);
      expect(first).toEqual(nextBestOffer(base, { channel: "ivr", now: NOW }, lang));
      // The same caller again: the very answer kept from the first call.
      expect(nextBestOfferRemembered({ ...base, sub: sub() }, { channel: "ivr", now: NOW }, lang)).toBe(first);
      for (const [name, inputs, now] of variations) {
        for (const channel of ["ivr", "operator"] as const) {
          const fresh = nextBestOffer(inputs, { channel, now }, lang);
          expect(nextBestOfferRemembered(inputs, { channel, now }, lang), `${name} ${channel} ${lang}`).toEqual(fresh);
          if (JSON.stringify(fresh) !== JSON.stringify(first)) differs++;
        }
      }
    }
    // The variations do move the answer (else this test could not tell a missing key field).
    expect(differs).toBeGreaterThan(10);
  });

  it("follows a changed catalogue or outcome table, and ranks a customer with accepted saves afresh", () => {
    const first = nextBestOfferRemembered(base, { channel: "ivr", now: NOW }, "ja")!;
    const withdrawn = DEFAULT_CATALOGUE.filter((o) => o.id !== first.offerId);
    const afterWithdrawal = nextBestOfferRemembered({ ...base, catalogue: withdrawn }, { channel: "ivr", now: NOW }, "ja");
    expect(afterWithdrawal?.offerId).not.toBe(first.offerId);
    expect(afterWithdrawal).toEqual(nextBestOffer({ ...base, catalogue: withdrawn }, { channel: "ivr", now: NOW }, "ja"));
    const learned = new OutcomeTable([{ reason: "too_expensive", offerId: first.offerId, accepted: 0, declined: 500 }]);
    expect(nextBestOfferRemembered({ ...base, stats: learned }, { channel: "ivr", now: NOW }, "ja")).toEqual(nextBestOffer({ ...base, stats: learned }, { channel: "ivr", now: NOW }, "ja"));
    // A save limit counts back from `now`, not from the day: the same day, two hours later, a save
    // has left the offer's period and the offer is back.
    const limited = DEFAULT_CATALOGUE.find((o) => o.eligibility.maxAcceptedSavesPerCustomer === 1 && nextBestOffer({ ...base, catalogue: [o] }, { channel: "ivr", now: NOW }, "ja") !== null)!;
    const at = new Date(Date.parse(NOW) - limited.eligibility.periodDays * 86_400_000 + 3_600_000).toISOString();
    const saved = { ...base, catalogue: [limited], acceptedSaves: [{ at, offerId: limited.id }] };
    const later = new Date(Date.parse(NOW) + 2 * 3_600_000).toISOString();
    const answers = [NOW, later].map((now) => {
      const answer = nextBestOfferRemembered(saved, { channel: "ivr", now }, "ja");
      expect(answer).toEqual(nextBestOffer(saved, { channel: "ivr", now }, "ja"));
      return answer?.offerId ?? null;
    });
    expect(answers).toEqual([null, limited.id]);
  });
});
