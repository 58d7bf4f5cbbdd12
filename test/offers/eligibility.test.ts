import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOGUE, findCatalogueOffer, type CatalogueOffer } from "../../src/offers/catalogue";
import { acceptedSavesInPeriod, checkEligibility, eligibleOffers, explainEligibility, type EligibilityContext } from "../../src/offers/eligibility";
import { acceptedSavesFrom } from "../../src/offers/service";
import { NOW } from "./fixtures";

const offer = (id: string): CatalogueOffer => findCatalogueOffer(DEFAULT_CATALOGUE, id)!;
const ctx = (over: Partial<EligibilityContext> = {}): EligibilityContext => ({ reason: "too_expensive", channel: "web", deliveriesCompleted: 3, riskBand: "high", now: NOW, ...over });
const ids = (c: EligibilityContext) => eligibleOffers(DEFAULT_CATALOGUE, c).map((o) => o.id);

describe("eligibility", () => {
  it("filters by reason", () => {
    expect(ids(ctx())).toEqual(["off_quantity_down", "off_discount_20x2"]);
    expect(ids(ctx({ reason: "moving" }))).toEqual(["off_move_delivery"]);
    expect(ids(ctx({ reason: "unknown_reason" }))).toEqual([]);
  });

  it("filters by channel", () => {
    expect(ids(ctx({ reason: "dissatisfied_service", channel: "operator" }))).toEqual(["off_apology_gift"]);
    expect(ids(ctx({ reason: "dissatisfied_service", channel: "ivr" }))).toEqual([]);
  });

  it("filters by minimum deliveries", () => {
    expect(checkEligibility(offer("off_discount_20x2"), ctx({ deliveriesCompleted: 0 }))).toEqual(["min_deliveries"]);
    expect(ids(ctx({ deliveriesCompleted: 0 }))).toEqual(["off_quantity_down"]);
  });

  it("filters by risk band; an unscored subscription only gets unrestricted offers", () => {
    const highOnly: CatalogueOffer = { ...offer("off_discount_20x2"), eligibility: { ...offer("off_discount_20x2").eligibility, riskBands: ["high"] } };
    expect(checkEligibility(highOnly, ctx({ riskBand: "high" }))).toEqual([]);
    expect(checkEligibility(highOnly, ctx({ riskBand: "low" }))).toEqual(["risk_band"]);
    expect(checkEligibility(highOnly, ctx({ riskBand: null }))).toEqual(["risk_band"]);
    expect(checkEligibility(offer("off_discount_20x2"), ctx({ riskBand: null }))).toEqual([]);
  });

  it("ends an offer at its availableUntil: before it, suggested; from that moment, not", () => {
    const until = new Date(new Date(NOW).getTime() + 60_000).toISOString();
    const ending: CatalogueOffer = { ...offer("off_discount_20x2"), eligibility: { ...offer("off_discount_20x2").eligibility, availableUntil: until } };
    expect(checkEligibility(ending, ctx())).toEqual([]);
    expect(checkEligibility(ending, ctx({ now: until }))).toEqual(["ended"]);
    expect(eligibleOffers([ending], ctx({ now: new Date(Date.parse(until) + 1) }))).toEqual([]);
    expect(checkEligibility({ ...ending, eligibility: { ...ending.eligibility, availableUntil: null } }, ctx({ now: until }))).toEqual([]);
  });

  it("skips inactive offers", () => {
    expect(checkEligibility(offer("off_product_swap"), ctx({ reason: "no_effect" }))).toEqual(["inactive"]);
  });

  it("limits accepted saves per customer per period (per offer)", () => {
    const discount = offer("off_discount_20x2"); // at most 1 per 365 days, counting this offer only
    const lastYear = { at: "2025-05-01T00:00:00Z", offerId: "off_discount_20x2" };
    const recent = { at: "2026-03-01T00:00:00Z", offerId: "off_discount_20x2" };
    const otherOffer = { at: "2026-03-01T00:00:00Z", offerId: "off_skip_next" };
    expect(checkEligibility(discount, ctx({ acceptedSaves: [lastYear, otherOffer] }))).toEqual([]);
    expect(checkEligibility(discount, ctx({ acceptedSaves: [recent] }))).toEqual(["save_limit"]);
    // a bare timestamp might have been this offer: it counts
    expect(checkEligibility(discount, ctx({ acceptedSaves: ["2026-05-30T10:00:00Z"] }))).toEqual(["save_limit"]);
    expect(acceptedSavesInPeriod(discount, [lastYear, recent, otherOffer, "2027-01-01T00:00:00Z"], NOW)).toBe(1);
  });

  it("limits accepted saves across offers when the scope is 'any'", () => {
    const skip: CatalogueOffer = { ...offer("off_skip_next"), eligibility: { ...offer("off_skip_next").eligibility, maxAcceptedSavesPerCustomer: 2, periodDays: 90 } };
    const saves = [
      { at: "2026-04-10T00:00:00Z", offerId: "off_pause" },
      { at: "2026-05-10T00:00:00Z", offerId: "off_match_interval" },
    ];
    expect(checkEligibility(skip, ctx({ reason: "surplus_stock", acceptedSaves: saves }))).toEqual(["save_limit"]);
    expect(checkEligibility(skip, ctx({ reason: "surplus_stock", acceptedSaves: saves.slice(1) }))).toEqual([]);
    expect(checkEligibility(skip, ctx({ reason: "surplus_stock", acceptedSaves: [{ at: "2026-01-01T00:00:00Z" }, ...saves.slice(1)] }))).toEqual([]);
  });

  it("limits accepted saves across offers of the same type when the scope is 'type': no second discount of any kind in 182 days", () => {
    const base = offer("off_discount_20x2");
    const discount: CatalogueOffer = { ...base, eligibility: { ...base.eligibility, maxAcceptedSavesPerCustomer: 1, periodDays: 182, saveLimitScope: "type" } };
    const otherDiscount = { at: "2026-04-01T00:00:00Z", offerId: "off_discount_10x3", type: "discount" };
    const skip = { at: "2026-04-01T00:00:00Z", offerId: "off_skip_next", type: "skip" };
    const gone = { at: "2026-04-01T00:00:00Z", offerId: "off_deleted" }; // no longer in the catalogue: its type unknown
    expect(checkEligibility(discount, ctx({ acceptedSaves: [otherDiscount] }))).toEqual(["save_limit"]);
    expect(checkEligibility(discount, ctx({ acceptedSaves: [skip] }))).toEqual([]);
    expect(checkEligibility(discount, ctx({ acceptedSaves: [gone] }))).toEqual(["save_limit"]);
    // Under 'offer' the other discount would not have counted.
    expect(checkEligibility({ ...discount, eligibility: { ...discount.eligibility, saveLimitScope: "offer" } }, ctx({ acceptedSaves: [otherDiscount] }))).toEqual([]);
    // The saves as the service builds them carry their offer's type from the catalogue.
    expect(acceptedSavesFrom([{ at: "2026-04-01T00:00:00Z", offerId: "off_skip_next" }, { at: "2026-04-02T00:00:00Z", offerId: "off_deleted" }, { at: null, offerId: "off_pause" }], DEFAULT_CATALOGUE)).toEqual([
      { at: "2026-04-01T00:00:00Z", offerId: "off_skip_next", type: "skip" },
      { at: "2026-04-02T00:00:00Z", offerId: "off_deleted" },
    ]);
  });

  it("explains every exclusion", () => {
    const row = explainEligibility(DEFAULT_CATALOGUE, ctx({ channel: "ivr", deliveriesCompleted: 0, reason: "delivery_problem" })).find((r) => r.offerId === "off_apology_gift");
    expect(row).toEqual({ offerId: "off_apology_gift", eligible: false, excludedBy: ["channel", "min_deliveries"] });
  });
});
