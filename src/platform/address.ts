/**
 * Japanese postal codes and address lines folded for matching, offline (the npm address
 * normalisers fetch their dictionaries from a CDN at run time, which this service cannot rely
 * on). A folded line is for comparing two spellings of the same place, never for display:
 *
 * - width and compatibility forms: Unicode NFKC (全角 ０-９/Ａ-Ｚ → ASCII, half-width ｶﾅ → カナ);
 * - spaces removed; dash look-alikes (‐ – — − ｰ ー ―) between digits → "-";
 * - kanji numerals → arabic where they number a block (一丁目, 二十三番, 百五号, 一〇二): a
 *   numeral run followed by 丁目/番地/番/号/の/- or the end; place names (八王子, 四日市, 三田,
 *   九段) keep theirs;
 * - 丁目/番地/番/号 and の between numbers → "-", so 1丁目2番3号, 1-2-3 and 一丁目二番地三 agree;
 * - ヶ/ヵ/ケ/が between kanji → ケ (霞ヶ関 = 霞が関);
 * - a leading prefecture (東京都, 北海道, 大阪府, …県) dropped: the postal code already fixes it;
 * - the building and room after the house number (1-2-3) dropped (customers write it, or not).
 *
 * Formulas: the Japan Post address conventions (住所の表記, 丁目・番地・号); the rules are ours.
 */

/** Kanji numerals written digit by digit (〇 and 零 are zero); phone numbers are read with them too (platform/phone). */
export const KANJI_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const NUMERAL = "[〇零一二三四五六七八九十百千]+";
/** What follows a number that is part of the street address. */
const BLOCK_SUFFIX = "(?=丁目|番地|番|号|の|-|$)";

/** A kanji numeral ("二十三", "百五", "一〇二") as a number; null when it is not one. */
export function kanjiNumber(text: string): number | null {
  if (text.length === 0) return null;
  // Positional digits only (一〇二 = 102), as in addresses written vertically.
  if ([...text].every((ch) => ch in KANJI_DIGITS)) return Number([...text].map((ch) => KANJI_DIGITS[ch]).join(""));
  let total = 0;
  let digit: number | null = null;
  for (const ch of text) {
    if (ch in KANJI_DIGITS) {
      if (digit !== null) return null; // two digits in a row inside a 十/百 form: not a numeral
      digit = KANJI_DIGITS[ch]!;
    } else if (ch in UNIT) {
      total += (digit ?? 1) * UNIT[ch]!;
      digit = null;
    } else return null;
  }
  return total + (digit ?? 0);
}

/**
 * A postal code as stored and matched, in the shop's `country` (settings):
 * - JP (the default): 〒 123-4567, １２３４５６７, 123 4567 → "1234567"; null when it is not seven digits;
 * - US: a ZIP code, 90012 or ZIP+4 90012-1234 (90012 1234, 900121234) → "90012" / "90012-1234";
 * - elsewhere: letters and digits as the country writes them, upper-cased with single spaces
 *   (sw1a 1aa → "SW1A 1AA"), 2–10 characters; null otherwise.
 */
export function normalizePostalCode(value: string, country = "JP"): string | null {
  if (country === "JP") {
    const digits = value.normalize("NFKC").replace(/[〒\s-]/g, "");
    return /^\d{7}$/.test(digits) ? digits : null;
  }
  const text = value.normalize("NFKC").trim().toUpperCase().replace(/\s+/g, " ");
  if (country === "US") {
    const zip = /^(\d{5})(?:[ -]?(\d{4}))?$/.exec(text);
    return zip ? (zip[2] ? `${zip[1]}-${zip[2]}` : zip[1]!) : null;
  }
  return /^[A-Z0-9][A-Z0-9 -]{0,8}[A-Z0-9]$/.test(text) ? text : null;
}

/** Why `value` is not a postal code of the shop's `country`, for the field's error (a Japanese shop's words as before). */
export function postalCodeProblem(value: string, country = "JP"): { en: string; ja: string } {
  if (country === "JP") return { en: `Not a Japanese postal code: ${value}`, ja: `日本の郵便番号ではありません: ${value}` };
  if (country === "US") return { en: `Not a US ZIP code (12345 or 12345-6789): ${value}`, ja: `米国の ZIP コード（12345 または 12345-6789）ではありません: ${value}` };
  return { en: `Not a postal code of ${country}: ${value}`, ja: `${country} の郵便番号ではありません: ${value}` };
}

const PREFECTURE = /^(東京都|北海道|京都府|大阪府|.{2,3}県)/u;

/** The 47 prefectures by name, for finding an address inside free text (a line of its own may start with any ..県). */
const PREFECTURE_NAMES = String.raw`(?:東京都|北海道|京都府|大阪府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山|石川|福井|山梨|長野|岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀|長崎|熊本|大分|宮崎|鹿児島|沖縄)県)`;
/** A block number: 一丁目, 2番, 3番地, 4号, or digits joined by a dash (2-3), the way addresses are written. */
const BLOCK = String.raw`(?:[0-9〇一二三四五六七八九十百]+(?:丁目|番地|番|号)|[0-9]+(?:[-‐−ー][0-9]+)+)`;
const PLACE = String.raw`[\p{Script=Han}\p{Script=Katakana}ー々ヶノ]`;
/**
 * A street address inside free text, up to its house number: from a prefecture (東京都渋谷区神南
 * 一丁目2番3号) or from a city, ward, town or village (渋谷区神南1-2-3), and only when block numbers
 * follow — a place named alone (東京都に住んでいます, 市販の薬) identifies no one. The building and
 * room after the number are left (a building name alone rarely identifies a person, and where it
 * ends in free text cannot be told).
 */
const ADDRESS_IN_TEXT = new RegExp(
  String.raw`(?:${PREFECTURE_NAMES}[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}ー々ヶノ]{0,20}?|${PLACE}{1,8}?[市区町村郡]${PLACE}{0,10}?)${BLOCK}(?:[-‐−ーの]?${BLOCK}|[-‐−ーの][0-9]+)*`,
  "gu",
);

/** `text` (NFKC-normalised) with the street addresses it holds replaced by 〔住所〕 (see ADDRESS_IN_TEXT). */
export function maskAddresses(text: string): string {
  return text.replace(ADDRESS_IN_TEXT, "〔住所〕");
}

/**
 * Where an address line is, roughly, for telling two people apart on a call: its prefecture and
 * city (東京都渋谷区神南1-2-3 → 東京都渋谷区; 神奈川県横浜市港北区… → 神奈川県横浜市; 北海道虻田郡倶知安町… →
 * 北海道虻田郡倶知安町), never the street. A line without a prefecture gives its city alone; null when
 * neither can be read.
 */
export function prefectureAndCity(address: string | null): string | null {
  if (!address) return null;
  const line = address.normalize("NFKC").replace(/\s+/g, "");
  const prefecture = PREFECTURE.exec(line)?.[1] ?? "";
  const rest = line.slice(prefecture.length);
  const city = /^(?:[^\d-]{1,6}?郡[^\d-]{1,6}?[町村]|[^\d-]{1,6}?[市区町村])/u.exec(rest)?.[0] ?? "";
  return prefecture + city || null;
}

/** The address line folded for matching (see the module comment); null for an empty line. */
export function foldAddress(value: string): string | null {
  let s = value.normalize("NFKC").replace(/\s+/g, "");
  // Dash look-alikes between digits or kanji numerals, and after a block number.
  s = s.replace(/(?<=[\d〇一二三四五六七八九十百千])[‐‑‒–—―−ｰー-](?=[\d〇一二三四五六七八九十百千])/gu, "-");
  s = s.replace(new RegExp(`${NUMERAL}${BLOCK_SUFFIX}`, "gu"), (m) => {
    const n = kanjiNumber(m);
    return n === null ? m : String(n);
  });
  // Numbers after a hyphen too (1-二-3).
  s = s.replace(new RegExp(`(?<=\\d-)${NUMERAL}`, "gu"), (m) => {
    const n = kanjiNumber(m);
    return n === null ? m : String(n);
  });
  s = s.replace(/(\d+)(丁目|番地|番|号)/gu, "$1-").replace(/(?<=\d)の(?=\d)/gu, "-");
  s = s.replace(/(?<=\p{Script=Han})[ヶヵケが](?=\p{Script=Han})/gu, "ケ");
  s = s.replace(PREFECTURE, "");
  // Keep up to the house number (the first chain of numbers joined by hyphens: 1-2-3); drop the
  // building and room after it. A line without such a chain is compared whole.
  const house = /^(.*?\d+(?:-\d+)+)/u.exec(s);
  if (house) s = house[1]!;
  s = s.replace(/-+$/u, "");
  return s === "" ? null : s;
}
