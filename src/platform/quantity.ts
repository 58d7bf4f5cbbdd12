/**
 * Quantities in words: how many of the product's unit (`unitLabel`: 包, 粒, 本…) and how many
 * packages a delivery holds (`quantity` counts packages; `unitsPerPackage` units in one). The one
 * writer for the portal, the console and the API's texts; pure, and small enough for the portal's
 * bundle.
 */

/** English names for the counters Japanese shops use as unit labels. */
const COUNTER_EN: Record<string, [string, string]> = {
  包: ["sachet", "sachets"],
  袋: ["bag", "bags"],
  粒: ["tablet", "tablets"],
  錠: ["tablet", "tablets"],
  カプセル: ["capsule", "capsules"],
  本: ["bottle", "bottles"],
  缶: ["can", "cans"],
  箱: ["box", "boxes"],
  個: ["piece", "pieces"],
  枚: ["sheet", "sheets"],
  杯: ["serving", "servings"],
  食: ["meal", "meals"],
  回: ["serving", "servings"],
};

/**
 * What `n` of the product's unit is called, written once: in Japanese the counter after the number
 * (`unitLabel`: 包, 粒, 本, 袋…; without one, 個 — the package counted as a piece); in English
 * the counter's word in the number's form (包 → "sachet"/"sachets"), a label in ASCII as the shop
 * wrote it — a word in the singular made plural for any number but 1 ("bag" → "2 bags", "softgel"
 * → "60 softgels", "pouch" → "pouches"; abbreviations and words already ending in s left alone:
 * "oz", "ml", "pcs") — else `fallback` ("unit"/"units").
 */
export function unitWord(unitLabel: string | null, n: number, lang: "ja" | "en", fallback: [string, string] = ["unit", "units"]): string {
  if (lang === "ja") return unitLabel ?? "個";
  const counter = unitLabel ? COUNTER_EN[unitLabel] : undefined;
  if (counter) return counter[n === 1 ? 0 : 1];
  if (unitLabel && /^[\x20-\x7e]+$/u.test(unitLabel)) return n === 1 ? unitLabel : plural(unitLabel);
  return fallback[n === 1 ? 0 : 1];
}

/**
 * An English word a shop wrote in the singular, in the plural: the last word of a lower-case label
 * of three letters or more that does not already end in s ("tea bag" → "tea bags", "box" → "boxes",
 * "berry" → "berries"); anything else (an abbreviation, a plural, a code) as written.
 */
function plural(label: string): string {
  if (!/^(?:[a-z]+ )*[a-z]{3,}$/u.test(label) || label.endsWith("s")) return label;
  if (/(?:x|z|ch|sh)$/u.test(label)) return `${label}es`;
  if (/[^aeiou]y$/u.test(label)) return `${label.slice(0, -1)}ies`;
  return `${label}s`;
}

/**
 * A plan's quantity (`n` packages per delivery) as a shop writes it on an order:
 * - a package of several units (`unitsPerPackage` > 1): the packages counted as 個 with what one
 *   holds, as product names say it — 「1個（30包入り）」「2個（30包入り）」 / "1 pack of 30 sachets";
 * - else the package is the unit: 「1包」, 「2本」, 「1個」 without a label / "1 sachet", "2 units".
 * The product's own counter is never put on a package: a box of 30 包 is not 「1包」.
 */
export function writeQuantity(n: number, product: { unitsPerPackage?: number | null; unitLabel?: string | null }, lang: "ja" | "en"): string {
  const label = product.unitLabel ?? null;
  const per = product.unitsPerPackage ?? 1;
  if (per <= 1) return lang === "ja" ? `${n}${unitWord(label, n, "ja")}` : `${n} ${unitWord(label, n, "en")}`;
  if (lang === "ja") return `${n}個（${per}${unitWord(label, per, "ja")}入り）`;
  return `${n} ${n === 1 ? "pack" : "packs"} of ${per} ${unitWord(label, per, "en")}`;
}
