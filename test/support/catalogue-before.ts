import type { CatalogueOffer } from "../../src/offers/catalogue";

/**
 * A built-in offer as the catalogue had it before migration 0055: the discounts said 「継続のお約束」
 * and the pause named its date twice (「{resumeOn}までお休み（一時停止）」), both at templateVersion 2.
 * Tests of earlier migrations build their "before" rows from this, so that the chain of migrations
 * ends at today's catalogue.
 */
export function beforeOneCommitmentWord(current: CatalogueOffer): CatalogueOffer {
  const o = beforePriceBasisWording(current);
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

/** The ja descriptions migration 0058 reworded, as they were: the price in parentheses, at templateVersion 2. */
const BEFORE_PRICE_BASIS: Record<string, string> = {
  off_match_interval: "お届け間隔を{cadence}から{newCadence}に変更し、実際のご使用ペースに合わせます。1回のお届け内容と金額（{price}）は変わりません。次回のお届けは{nextDeliveryOn}、その次は{followingDeliveryOn}です。",
  off_product_swap: "{firstChangedOn}のお届けから、{productName}を{toName}に変更します。1回あたりのお支払いは{newPrice}です（現在は{price}）。お届け間隔は{cadence}のままです。",
  off_apology_gift: "ご不便をおかけし申し訳ありません。{firstChangedOn}のお届けに{giftName}を無料で同梱します。お支払い金額（{price}）とお届け内容は変わりません。",
};

/**
 * A built-in offer as the catalogue had it before migration 0058: three descriptions put the price in
 * parentheses, which its tax basis (「3,980円（税込）」) would have nested. The step before every other
 * (beforeOneCommitmentWord starts from it).
 */
export function beforePriceBasisWording(o: CatalogueOffer): CatalogueOffer {
  const ja = BEFORE_PRICE_BASIS[o.id];
  return ja === undefined ? o : { ...o, templateVersion: 2, copy: { ...o.copy, description: { ...o.copy.description, ja } } };
}
