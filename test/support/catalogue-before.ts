import type { CatalogueOffer } from "../../src/offers/catalogue";

/**
 * A built-in offer as the catalogue had it before migration 0055: the discounts said 「継続のお約束」
 * and the pause named its date twice (「{resumeOn}までお休み（一時停止）」), both at templateVersion 2.
 * Tests of earlier migrations build their "before" rows from this, so that the chain of migrations
 * ends at today's catalogue.
 */
export function beforeOneCommitmentWord(o: CatalogueOffer): CatalogueOffer {
  if (o.id === "off_discount_20x2" || o.id === "off_discount_15x3") {
    return { ...o, templateVersion: 2, copy: { ...o.copy, description: { ...o.copy.description, ja: o.copy.description.ja.replace("回数のお約束", "継続のお約束") } } };
  }
  if (o.id === "off_pause") {
    return {
      ...o,
      templateVersion: 2,
      copy: {
        title: { ...o.copy.title, ja: "{resumeOn}までお休み（一時停止）" },
        description: { ...o.copy.description, ja: o.copy.description.ja.replace("以降のお届けをお休みし、{resumeOn}のお届けから", "以降のお届けを{resumeOn}までお休みし、{resumeOn}から") },
      },
    };
  }
  return o;
}
