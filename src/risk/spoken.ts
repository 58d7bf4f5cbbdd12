/**
 * Product names as a text-to-speech voice should read them, for the IVR's `speech` only (never
 * for the JSON's other fields, which show the name as the shop wrote it); and what English calls a
 * product whose name is not in Latin letters, for speech and English copy alike. Pure.
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
/**
 * Emoji and pictographs (🍋, ☀, ✨, ™) with what joins or styles them (variation selectors, the
 * zero-width joiner, skin tones, flags' regional letters, a keycap's box): a voice reads them as
 * their long names or stumbles.
 */
const PICTOGRAPHS = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\uFE0E\uFE0F\u200D\u20E3]+/gu;
/** A promotional decoration: words between two waves (「〜お徳用〜」, `~New~`; full-width ～ is folded to ~ first). */
const WAVES = /[〜~]\s*([^〜~]+?)\s*[〜~]/g;
/** A wave left alone: between numbers a range (「1〜2粒」: から is right), else a pause. */
const WAVE = /(\d?)\s*[〜~]\s*(\d?)/g;
/** A slash: between digits a fraction (`1/2`), left as it is; between words a break (「生酵素 / 60粒」). */
const SLASH = /(\d?)(\s*)\/(\s*)(\d?)/g;
const PERCENT = /\s?%/g;
/** `#` before a number (`#1`): the number's rank; any other `#` is dropped. */
const NUMBER_SIGN = /#\s?(\d+)|#/g;
/** Brackets (full-width ones folded first): the words inside are kept, set apart. */
const BRACKETS = /[()[\]{}]/g;
/** What needs saying differently: a digit-led unit, a times sign, an ampersand, a sign a voice reads wrong or not at all (full-width forms folded first). */
const NEEDS_WORK = /[×＆&*%#/~〜※()[\]{}]|\d\s?[a-z]|\p{Extended_Pictographic}/iu;
const FULL_WIDTH = /[\uff01-\uff5e]/;

/**
 * `name` in a spoken form: units after a number in words (`500ml` → 「500ミリリットル」 /
 * "500 millilitres", `1kg` → 「1キログラム」 / "1 kilogram"), `×N本` as a count
 * (「、10本入り」 / ", pack of 10"; no counter: 「個」), `＆`/`&` → 「と」 / "and"; full-width letters and digits folded.
 * Signs a voice reads wrong or stumbles on: emoji and pictographs dropped; a note after ※ dropped
 * (「黒酢 ※送料無料」 → 「黒酢」); a promotional 〜…〜 / ~…~ decoration kept as plain words
 * (「黒酢 〜お徳用〜 2本セット」 → 「黒酢 お徳用 2本セット」), a lone wave a pause (「、」) except
 * between numbers; `%` → 「パーセント」 / "percent"; `#1` → 「1番」 / "number 1"; a slash between
 * words a pause (「生酵素、60粒」 / ", "); brackets' words set apart by a space (「プロテイン チョコ味 …」).
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
  s = signs(s, ja);
  s = s.replace(TIMES, (_m, n: string, counter: string) => (ja ? `、${n}${counter || "個"}入り` : `, pack of ${n}${counter ? ` ${counter}` : ""}`));
  s = s.replace(AMOUNT, (_m, n: string, unit: string) => {
    const u = UNITS.find((x) => x.unit === unit.toLowerCase())!;
    return ja ? `${n}${u.ja}` : `${n} ${u.en[n === "1" ? 0 : 1]}`;
  });
  return s.replace(AMPERSAND, ja ? "と" : " and ");
}

/** `s` without the signs a voice reads wrong (see spokenName), its parts set apart by spaces and pauses. */
function signs(s: string, ja: boolean): string {
  const pause = ja ? "、" : ", ";
  s = s.replace(PICTOGRAPHS, " ");
  // A note after ※ is the shop's aside (free shipping, a limit), not the product's name; a leading ※ is only the mark.
  const note = s.indexOf("※");
  if (note > 0 && s.slice(0, note).trim()) s = s.slice(0, note);
  s = s.replace(/※/g, " ");
  s = s.replace(WAVES, " $1 ").replace(WAVE, (_m, a: string, b: string) => (a && b ? `${a}${ja ? "〜" : " to "}${b}` : `${a}${pause}${b}`));
  s = s.replace(SLASH, (_m, a: string, before: string, after: string, b: string) => (a && b && !before && !after ? `${a}/${b}` : `${a}${pause}${b}`));
  s = s.replace(PERCENT, ja ? "パーセント" : " percent");
  s = s.replace(NUMBER_SIGN, (_m, n: string | undefined) => (n ? (ja ? `${n}番` : `number ${n}`) : " "));
  s = s.replace(BRACKETS, " ");
  // Tidy what the signs left: one space, no space or pause doubled or beside a pause, none at the ends.
  s = s.replace(/\s+/g, " ");
  s = ja ? s.replace(/\s*、[\s、]*/g, "、") : s.replace(/\s*,[\s,]*/g, ", ");
  return s.replace(/^[\s、,]+|[\s、,]+$/g, "");
}

/**
 * English words for the product categories shops use, for a product whose name English cannot
 * read: said before "delivery", so only those that read well there ("your next supplement
 * delivery"); food and drink categories say nothing ("your next food delivery" sounds like a
 * takeaway), and the line says "your next delivery".
 */
const CATEGORY_EN: Record<string, string> = {
  supplement: "supplement",
  supplements: "supplement",
  cosmetics: "skincare",
  skincare: "skincare",
  health_food: "",
  beauty_food: "",
  food: "",
  beverage: "",
  drink: "",
};

/**
 * `s` as an English voice can read it — Latin letters (full-width ones folded), digits and plain
 * punctuation only — or "" when it cannot (kanji, kana…). Scanned by character first: names and
 * products are mostly Japanese, and a Unicode-property pattern on every call tripled the speech's cost.
 */
export function inEnglish(s: string): string {
  let letters = false;
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x3000 && c < 0xff00) return ""; // CJK punctuation, kana, kanji
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters = true;
    else if (c >= 0x80) plain = false;
  }
  if (plain) return letters && /^[A-Za-z0-9\s.,'&()+\/%-]+$/.test(s) ? s : "";
  const folded = s.normalize("NFKC");
  return /\p{Script=Latin}/u.test(folded) && /^[\p{Script=Latin}\p{Nd}\s.,'’&()+\/%-]+$/u.test(folded) ? folded : "";
}

/**
 * What English calls the product: its name when English can read it, else its category's word
 * ("supplement"), else nothing. The IVR's English speech (risk/routing, with the spoken name) and
 * English copy ({@link productNameInEnglish}) name a product by this one rule.
 */
export function productInEnglish(name: string, category: string | null | undefined): string {
  const readable = inEnglish(name);
  if (readable) return readable;
  const c = (category ?? "").replace(/\s+/g, " ").trim().toLowerCase();
  return inEnglish(CATEGORY_EN[c] ?? c.replace(/[_-]+/g, " "));
}

/**
 * The product as English text for an English reader names it (offer titles and descriptions, the
 * operator's next step, a comeback offer): its name when English can read it ("Green Juice 1kg", as
 * written), else "your" and its category's word ("your supplement"), else "your product" — never a
 * name in kanji or kana an English reader cannot read (「熟成黒酢にんにく 62粒」).
 */
export function productNameInEnglish(name: string, category: string | null | undefined): string {
  const readable = inEnglish(name.trim());
  if (readable) return readable;
  const word = productInEnglish("", category);
  return `your ${word || "product"}`;
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
