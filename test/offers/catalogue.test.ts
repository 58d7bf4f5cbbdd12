import { describe, expect, it } from "vitest";
import { CANCELLATION_REASON_CODES, DEFAULT_CANCELLATION_REASONS, localizeReasons } from "../../src/cancel-flows/reasons";
import { DEFAULT_CATALOGUE, OFFER_TYPES, findCatalogueOffer, validateCatalogueOffer, type CatalogueOffer, type CatalogueOfferOf } from "../../src/offers/catalogue";
import { lintCopy } from "../../src/offers/lint";
import { personalise } from "../../src/offers/personalise";
import openapi from "../../openapi.json";
import { sub, TODAY } from "./fixtures";

const discount = findCatalogueOffer(DEFAULT_CATALOGUE, "off_discount_20x2") as CatalogueOfferOf<"discount">;
const withCopy = (o: CatalogueOffer, field: "title" | "description", lang: "ja" | "en", text: string): CatalogueOffer => ({
  ...o,
  copy: { ...o.copy, [field]: { ...o.copy[field], [lang]: text } },
});
const codes = (o: CatalogueOffer) => validateCatalogueOffer(o).map((p) => `${p.path}:${p.code}`);

describe("cancellation reasons", () => {
  it("has exactly the contract's default codes, each with ja/en label and follow-up hint", () => {
    expect(DEFAULT_CANCELLATION_REASONS.map((r) => r.code)).toEqual([
      "surplus_stock",
      "too_expensive",
      "no_effect",
      "switching_competitor",
      "temporary_break",
      "moving",
      "health_or_life_change",
      "delivery_problem",
      "dissatisfied_service",
      "other",
    ]);
    expect(DEFAULT_CANCELLATION_REASONS.map((r) => r.code)).toEqual([...CANCELLATION_REASON_CODES]);
    const ja = Object.fromEntries(localizeReasons("ja").map((r) => [r.code, r.label]));
    expect(ja).toMatchObject({ surplus_stock: "商品が余っている", too_expensive: "料金が高い", no_effect: "効果が感じられない", switching_competitor: "他社に切り替える" });
    expect(ja.temporary_break).toContain("しばらく不要");
    for (const r of DEFAULT_CANCELLATION_REASONS) {
      for (const text of [r.label.ja, r.label.en, r.followUpHint.ja, r.followUpHint.en]) {
        expect(text.length).toBeGreaterThan(1);
        expect(lintCopy(text), text).toEqual([]);
      }
    }
  });
});

describe("default catalogue", () => {
  it("is valid: every template passes the lint and discloses the real terms", () => {
    for (const o of DEFAULT_CATALOGUE) expect(validateCatalogueOffer(o), o.id).toEqual([]);
    expect(new Set(DEFAULT_CATALOGUE.map((o) => o.id)).size).toBe(DEFAULT_CATALOGUE.length);
    expect(new Set(DEFAULT_CATALOGUE.map((o) => o.type))).toEqual(new Set(OFFER_TYPES));
  });

  it("covers every default reason with at least one active offer", () => {
    for (const code of CANCELLATION_REASON_CODES) {
      expect(DEFAULT_CATALOGUE.some((o) => o.active && o.eligibility.reasons.includes(code)), code).toBe(true);
    }
  });

  it("refuses a discount figure other than the offer's own in its title or description, and passes its own (lint56)", () => {
    const tenOff = { ...discount, parameters: { percentOff: 10, cycles: 2 } };
    expect(codes(withCopy(tenOff, "title", "ja", "{discountedDeliveries}が半額でお届け"))).toContain("copy.title.ja:copy_discount_misstated");
    expect(codes(withCopy(tenOff, "title", "ja", "{discountedDeliveries}が50%OFFでお届け"))).toContain("copy.title.ja:copy_discount_misstated");
    expect(codes(withCopy(tenOff, "title", "en", "Half price {discountedDeliveries}"))).toContain("copy.title.en:copy_discount_misstated");
    expect(codes(withCopy(tenOff, "title", "ja", "{discountedDeliveries}が10%OFF"))).toEqual([]);
    expect(codes(tenOff)).toEqual([]);
  });

  it("rejects templates with unlawful or manipulative phrases", () => {
    expect(codes(withCopy(discount, "title", "ja", "今やめると逆効果！次の{cycles}回が{discountLabel}"))).toContain("copy.title.ja:copy_harm_if_stopped");
    expect(codes(withCopy(discount, "title", "ja", "今だけ{discountLabel}"))).toContain("copy.title.ja:copy_false_urgency");
    expect(codes(withCopy(discount, "title", "en", "Limited time: {discountLabel}"))).toContain("copy.title.en:copy_false_urgency");
    expect(codes(withCopy(discount, "title", "en", "Limited time: {discountLabel} until {lastDiscountedOn}"))).toEqual([]);
    expect(codes(withCopy(discount, "title", "en", "Keep losing weight: {discountLabel}"))).toContain("copy.title.en:copy_health_claim");
  });

  it("rejects a discount's, a gift's or a swap's copy that promises the next delivery (inside the cut-off it starts with the one after)", () => {
    expect(codes(withCopy(discount, "title", "ja", "次の{cycles}回のお届けが{discountLabel}"))).toEqual(["copy.title.ja:copy_assumes_next_delivery"]);
    expect(codes(withCopy(discount, "title", "en", "{discountLabel} your next {cycles} deliveries"))).toEqual(["copy.title.en:copy_assumes_next_delivery"]);
    expect(codes(withCopy(discount, "title", "en", "{discountLabel} {discountedDeliveries}"))).toEqual([]);
    const gift = findCatalogueOffer(DEFAULT_CATALOGUE, "off_apology_gift")!;
    expect(codes(withCopy(gift, "title", "ja", "次回のお届けに{giftName}をお付けします"))).toEqual(["copy.title.ja:copy_assumes_next_delivery"]);
    // A skip names the next delivery truthfully: it is never offered inside the cut-off.
    expect(codes(findCatalogueOffer(DEFAULT_CATALOGUE, "off_skip_next")!)).toEqual([]);
  });

  it("rejects copy that contradicts the offer's terms, field by field, in every language (fresh-user trial 25)", () => {
    const skip = findCatalogueOffer(DEFAULT_CATALOGUE, "off_skip_next")!;
    expect(codes(withCopy(skip, "title", "ja", "次回のお届けを無料でお届け"))).toEqual(["copy.title.ja:copy_false_free"]);
    expect(codes(withCopy(skip, "title", "en", "Your next delivery, free"))).toEqual(["copy.title.en:copy_false_free"]);
    expect(codes(withCopy(discount, "title", "ja", "ずっと{discountLabel}"))).toEqual(["copy.title.ja:copy_discount_forever"]);
    expect(codes(withCopy(discount, "title", "en", "{discountLabel} forever"))).toEqual(["copy.title.en:copy_discount_forever"]);
    const bound = withCopy(discount, "description", "ja", `${discount.copy.description.ja}※割引適用には今後6回の継続が条件です。`);
    expect(codes(bound)).toEqual(["copy.description.ja:copy_added_commitment"]);
    expect(validateCatalogueOffer(bound)[0]).toMatchObject({ finding: { phrase: "6回の継続が条件" } });
    // A gift is free: its copy may say so.
    expect(codes(findCatalogueOffer(DEFAULT_CATALOGUE, "off_apology_gift")!)).toEqual([]);
  });

  it("rejects a cosmetics efficacy claim in a usage tip or the copy (fresh-user trial 25)", () => {
    const advice = findCatalogueOffer(DEFAULT_CATALOGUE, "off_usage_advice") as CatalogueOfferOf<"usage_advice">;
    const tips = [...advice.parameters.tips, { ja: "続ければシミが消えます", en: "Keep using it and your dark spots will disappear" }];
    expect(codes({ ...advice, parameters: { tips } })).toEqual(["parameters.tips.3.ja:copy_health_claim", "parameters.tips.3.en:copy_health_claim"]);
    expect(codes(withCopy(advice, "description", "ja", "毎日使えば必ずシワが消えます。{tips}"))).toEqual(["copy.description.ja:copy_health_claim"]);
    expect(codes(withCopy(advice, "description", "ja", "乾燥を防ぎ、肌のキメを整えます。{tips}"))).toEqual([]);
  });

  it("rejects a discount description that hides the price after it or its end", () => {
    const hidden = withCopy(discount, "description", "ja", "{discountedDeliveries}が{discountLabel}の{discountedPrice}になります。");
    expect(codes(hidden)).toEqual(["copy.description.ja:missing_disclosure", "copy.description.ja:missing_disclosure"]);
    const problems = validateCatalogueOffer(hidden);
    expect(problems.map((p) => p.message.en).join(" ")).toMatch(/\{priceAfter\}.*\{firstFullPriceOn\} or \{lastDiscountedOn\}/su);
  });

  it("rejects unknown placeholders and unbounded discounts", () => {
    expect(codes(withCopy(discount, "title", "en", "{percentage} off"))).toContain("copy.title.en:unknown_placeholder");
    expect(codes({ ...discount, parameters: { percentOff: 20, cycles: 0 } })).toContain("parameters.cycles:invalid_parameter");
    expect(codes({ ...discount, parameters: { percentOff: 95, cycles: 2 } })).toContain("parameters.percentOff:invalid_parameter");
    expect(codes({ ...discount, id: "discount" })).toContain("id:invalid_offer_id");
  });

  it("rejects an active product swap without a product", () => {
    const swap = findCatalogueOffer(DEFAULT_CATALOGUE, "off_product_swap")!;
    expect(codes(swap)).toEqual([]);
    expect(codes({ ...swap, active: true })).toEqual(["parameters.toSku:invalid_parameter", "parameters.toName:invalid_parameter"]);
  });
});

describe("templateVersion: the version of the stored templates", () => {
  /** A built-in template as it was before the copy named the cadence: every {cadence} written in days. */
  const daysCopy = (o: CatalogueOffer): CatalogueOffer => {
    const ja = (t: string) => t.replaceAll("{newCadence}", "{newIntervalDays}日ごと").replaceAll("{cadence}", "{intervalDays}日ごと");
    const en = (t: string) => t.replaceAll("{newCadence}", "every {newIntervalDays} days").replaceAll("{cadence}", "every {intervalDays} days");
    return { ...o, copy: { title: { ja: ja(o.copy.title.ja), en: en(o.copy.title.en) }, description: { ja: ja(o.copy.description.ja), en: en(o.copy.description.en) } } };
  };
  const changed = DEFAULT_CATALOGUE.filter((o) => JSON.stringify(daysCopy(o).copy) !== JSON.stringify(o.copy));

  it("2 for exactly the built-in offers whose templates changed, 1 for the others; a day plan reads the same words under both, as the contract says", () => {
    expect(changed.map((o) => o.id).sort()).toEqual(["off_match_interval", "off_move_delivery", "off_pause", "off_product_swap", "off_quantity_down", "off_skip_next"]);
    // …and, when the titles began naming the deliveries as applied (migration 0038), the discounts and the gift.
    const named = ["off_apology_gift", "off_discount_15x3", "off_discount_20x2"];
    // …and 3 for the move, when its copy stopped promising an address change (migration 0041), and
    // for the skip, when it stopped saying the pause's 「お休み」 (migration 0048); for the discounts,
    // when they named the commitment 「回数のお約束」 as the cancellation screen does, and for the pause,
    // when it named its resume date once (migration 0055).
    // …and for the interval change, the product swap and the gift, when a price began carrying its tax
    // basis and their copy stopped putting it in parentheses (migration 0058).
    const third = ["off_move_delivery", "off_skip_next", "off_discount_15x3", "off_discount_20x2", "off_pause", "off_match_interval", "off_product_swap", "off_apology_gift"];
    for (const o of DEFAULT_CATALOGUE) expect(o.templateVersion, o.id).toBe(third.includes(o.id) ? 3 : changed.includes(o) || named.includes(o.id) ? 2 : 1);
    // A plan every 30 days, two per delivery, with stock piling up: every changed offer applies to it.
    const ctx = { today: TODAY, stockOnHand: { unitsOnHand: 3, perDay: 1 / 40, basis: "history" as const, daysOnHand: 120 } };
    // The product swap names the shop's alternative product first (the built-in one is inactive until then).
    const withProduct = (o: CatalogueOffer): CatalogueOffer => (o.type === "product_swap" ? ({ ...o, active: true, parameters: { toSku: "AOJIRU-LIGHT", toName: "すっきり青汁ライト", toUnitPrice: 2980 } } as CatalogueOffer) : o);
    for (const o of changed.map(withProduct)) {
      const now = personalise(o, sub({ quantity: 2 }), ctx);
      expect(now, o.id).not.toBeNull();
      const was = personalise(daysCopy(o), sub({ quantity: 2 }), ctx)!;
      expect({ title: now!.title, description: now!.description }, o.id).toEqual({ title: was.title, description: was.description });
    }
    // What a partner reads in the contract: the version counts the templates, not the words one plan reads.
    const described = (openapi as any).components.schemas.Offer.properties.templateVersion.description as string;
    expect(described).toContain("placeholders included");
    expect(described).toContain("a plan every N days reads the same words under 1 and 2");
  });
});
