/**
 * Product names as a text-to-speech voice should read them, for the IVR's `speech` only (never
 * for the JSON's other fields, which show the name as the shop wrote it). Pure.
 */

/** A unit after a number, as a voice reads it. Longer units first: `ml` before `l`, `kg` before `g`. */
const UNITS: { unit: string; ja: string; en: [one: string, many: string] }[] = [
  { unit: "ml", ja: "ミリリットル", en: ["millilitre", "millilitres"] },
  { unit: "mg", ja: "ミリグラム", en: ["milligram", "milligrams"] },
  { unit: "kg", ja: "キログラム", en: ["kilogram", "kilograms"] },
  { unit: "g", ja: "グラム", en: ["gram", "grams"] },
  { unit: "l", ja: "リットル", en: ["litre", "litres"] },
];

// Compiled once, at load: the lookup says a product on every request (the data dip's hot path).
/** A number and its unit (`500ml`, `1 kg`, `0.5L`), not followed by a letter (`5gel` is not grams). */
const AMOUNT = /(\d+(?:\.\d+)?)\s?(ml|mg|kg|g|l)(?![a-z])/gi;
/** `×` (or `x`/`*` after an amount: `500mlx24`) and the count after it, with its counter: `×10本`, `x24`. */
const TIMES = /(?:\s?×|(?<=\d\s?(?:ml|mg|kg|g|l)?)\s?[x*])\s?(\d+)([^\s\d、,]*)/giu;
const AMPERSAND = /\s*&\s*/g;
/** What needs saying differently: a digit-led unit, a times sign, an ampersand (full-width forms folded first). */
const NEEDS_WORK = /[×＆&*]|\d\s?[a-z]/i;
const FULL_WIDTH = /[\uff01-\uff5e]/;

/**
 * `name` in a spoken form: units after a number in words (`500ml` → 「500ミリリットル」 /
 * "500 millilitres", `1kg` → 「1キログラム」 / "1 kilogram"), `×N本` as a count
 * (「、10本入り」 / ", pack of 10"; no counter: 「個」), `＆`/`&` → 「と」 / "and"; full-width letters and digits folded.
 * A name with none of these is returned as it is (the common case, no allocation).
 */
export function spokenName(name: string, lang: "ja" | "en"): string {
  const memo = lang === "ja" ? memoJa : memoEn;
  let said = memo.get(name);
  if (said === undefined) {
    said = speak(name, lang);
    // A shop has tens of products, said on every lookup: remembered, within a bound.
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(name, said);
  }
  return said;
}

const MEMO_MAX = 512;
const memoJa = new Map<string, string>();
const memoEn = new Map<string, string>();

function speak(name: string, lang: "ja" | "en"): string {
  let s = FULL_WIDTH.test(name) ? name.normalize("NFKC") : name;
  if (!NEEDS_WORK.test(s)) return s;
  const ja = lang === "ja";
  s = s.replace(TIMES, (_m, n: string, counter: string) => (ja ? `、${n}${counter || "個"}入り` : `, pack of ${n}${counter ? ` ${counter}` : ""}`));
  s = s.replace(AMOUNT, (_m, n: string, unit: string) => {
    const u = UNITS.find((x) => x.unit === unit.toLowerCase())!;
    return ja ? `${n}${u.ja}` : `${n} ${u.en[n === "1" ? 0 : 1]}`;
  });
  return s.replace(AMPERSAND, ja ? "と" : " and ");
}

/**
 * The name without its trailing size or count (「国産大麦若葉の青汁 30包」 → 「国産大麦若葉の青汁」,
 * 「水素水 500ml×24本」 → 「水素水」): the last space-separated words that hold a digit are left out,
 * keeping at least the first word. What a short line names the product by.
 */
export function shortName(name: string): string {
  let end = name.length;
  for (;;) {
    const space = name.lastIndexOf(" ", end - 1);
    if (space <= 0) return name.slice(0, end);
    let digit = false;
    for (let i = space + 1; i < end && !digit; i++) {
      const c = name.charCodeAt(i);
      digit = (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19);
    }
    if (!digit) return name.slice(0, end);
    end = space;
  }
}
