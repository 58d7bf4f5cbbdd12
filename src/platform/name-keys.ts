/**
 * A person's name (kanji as the shop synced it, or its reading in kana) folded into the key an
 * operator's search matches, so that the ways a caller's name gets typed agree:
 *
 * - width: full-width ＡＢＣ１２３ → abc123, half-width ｶﾅ (ﾀﾞ, ﾊﾟ) → かな, U+3000 → a space;
 * - ASCII letters lower-cased; katakana → hiragana (ヤマダ = やまだ);
 * - small kana as the large ones (キャ = きや, ハットリ's っ = つ), ヴ = ぶ, ぢ/づ = じ/ず, ゐ ゑ を = い え お;
 * - long vowels however written: ー, or the vowel spelt out after a kana of its row, including
 *   う after the お row and い after the え row (オータ = おおた = おうた, ユーキ = ゆうき, ケーコ = けいこ)
 *   — all fold to the kana alone (おた, ゆき, けこ);
 * - spaces (half or full width, several) and 中黒 (・ ･) between parts as one space, none at either end;
 * - the kanji variants (異体字) of names that a register and an IME write differently as the common form
 *   (`KANJI_VARIANTS`: 渡邊 = 渡邉 = 渡辺, 齋藤 = 齊藤 = 斉藤 = 斎藤, 髙橋 = 高橋, 山﨑 = 山崎, 澤 = 沢 …), so a
 *   name stored as the customer writes it is found as the operator's IME first converts it.
 *
 * The folded name keeps one space between its parts (family and given name, as the shop wrote
 * them); its keys (customers/search) are the whole name without spaces, and the parts on either
 * side of the first space. Collisions this makes (ゆうき = ゆき) are the price of finding a name
 * however it was spelt: the chooser shows each match's reading and phone to tell them apart.
 *
 * Every step is a plain substitution (`FOLD_STEPS`, applied in order as String.replaceAll and
 * SQLite's replace() both do: left to right, non-overlapping), so the same fold runs in SQL
 * (`foldSql`): the migration that filled the keys of customers stored before them used it.
 */

type Step = readonly [from: string, to: string] | "lower";

const chr = (code: number) => String.fromCodePoint(code);

function widthSteps(): Step[] {
  const steps: Step[] = [
    ["\u3000", " "],
    ["\t", " "],
  ];
  // Full-width ASCII (！ to ～) → ASCII.
  for (let c = 0xff01; c <= 0xff5e; c++) steps.push([chr(c), chr(c - 0xfee0)]);
  // Half-width katakana with a (semi-)voiced mark first (ｶﾞ → ガ), then alone; a lone mark goes.
  const halfKana = Array.from({ length: 0xff9d - 0xff61 + 1 }, (_, i) => chr(0xff61 + i));
  for (const mark of ["\uff9e", "\uff9f"]) {
    for (const k of halfKana) {
      const composed = (k + mark).normalize("NFKC");
      if ([...composed].length === 1) steps.push([k + mark, composed]);
    }
  }
  for (const k of halfKana) steps.push([k, k.normalize("NFKC")]);
  steps.push(["\uff9e", ""], ["\uff9f", ""]);
  // 中黒 between the parts of a name (ジョン・スミス) is a space.
  steps.push(["・", " "]);
  // Runs of spaces as one (trimmed after).
  for (let i = 0; i < 4; i++) steps.push(["  ", " "]);
  return steps;
}

function kanaSteps(): Step[] {
  const steps: Step[] = [];
  // Katakana ァ (U+30A1) … ヶ (U+30F6) → hiragana ぁ … ゖ.
  for (let c = 0x30a1; c <= 0x30f6; c++) steps.push([chr(c), chr(c - 0x60)]);
  const variants: Record<string, string> = { ぁ: "あ", ぃ: "い", ぅ: "う", ぇ: "え", ぉ: "お", っ: "つ", ゃ: "や", ゅ: "ゆ", ょ: "よ", ゎ: "わ", ゕ: "か", ゖ: "け", ゔ: "ぶ", ぢ: "じ", づ: "ず", ゐ: "い", ゑ: "え", を: "お" };
  for (const [from, to] of Object.entries(variants)) steps.push([from, to]);
  return steps;
}

/** Each kana's vowel row (after kanaSteps: no small kana, ぢ づ ゐ ゑ を ゔ left). */
const ROWS: Record<"a" | "i" | "u" | "e" | "o", string> = {
  a: "あかがさざただなはばぱまやらわ",
  i: "いきぎしじちにひびぴみり",
  u: "うくぐすずつぬふぶぷむゆる",
  e: "えけげせぜてでねへべぺめれ",
  o: "おこごそぞとどのほぼぽもよろ",
};
/** What lengthens a vowel of each row when spelt out. */
const LENGTHENERS: Record<keyof typeof ROWS, string[]> = { a: ["あ"], i: ["い"], u: ["う"], e: ["え", "い"], o: ["お", "う"] };

function longVowelSteps(): Step[] {
  const steps: Step[] = [];
  for (const [row, kana] of Object.entries(ROWS) as [keyof typeof ROWS, string][]) {
    for (const k of kana) for (const l of ["ー", ...LENGTHENERS[row]]) steps.push([k + l, k]);
  }
  // A 長音 after anything else (a kanji, a letter) says nothing.
  steps.push(["ー", ""]);
  return steps;
}

/**
 * Kanji variants in names (異体字): each first character is searched as the second, the form an IME
 * gives first. Only variants of one name (a register's 邊, 髙, 﨑 beside the 辺, 高, 崎 typed), never two
 * different names (渡部 is not 渡辺). Each variant is one character and no variant is another's
 * common form, so the order of these steps does not matter; they come last, after nothing else
 * writes a kanji (migration 0051 folded the keys stored before them with these steps alone).
 */
export const KANJI_VARIANTS: readonly (readonly [variant: string, common: string])[] = [
  ["邊", "辺"], ["邉", "辺"], ["齋", "斎"], ["齊", "斎"], ["斉", "斎"], ["髙", "高"], ["﨑", "崎"], ["嵜", "崎"],
  ["澤", "沢"], ["濱", "浜"], ["濵", "浜"], ["嶋", "島"], ["嶌", "島"], ["櫻", "桜"], ["廣", "広"], ["國", "国"],
  ["冨", "富"], ["惠", "恵"], ["眞", "真"], ["德", "徳"], ["龍", "竜"], ["曾", "曽"], ["栁", "柳"], ["槇", "槙"],
  ["峯", "峰"], ["舘", "館"], ["邨", "村"], ["淵", "渕"], ["條", "条"], ["實", "実"], ["壽", "寿"], ["萬", "万"],
  ["藏", "蔵"], ["瀨", "瀬"], ["黑", "黒"], ["增", "増"], ["薗", "園"], ["檜", "桧"], ["榮", "栄"], ["瀧", "滝"],
  ["亞", "亜"], ["淺", "浅"], ["兒", "児"], ["蘆", "芦"], ["彌", "弥"], ["禮", "礼"], ["會", "会"], ["學", "学"],
];

/** The fold, in order: `"lower"` is ASCII lower-casing (SQLite's lower() without ICU does just that). */
export const FOLD_STEPS: readonly Step[] = [...widthSteps(), "lower", ...kanaSteps(), ...longVowelSteps(), ...KANJI_VARIANTS];

const trimSpaces = (s: string) => s.replace(/^ +| +$/g, "");

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const applyStep = (s: string, step: Step) => (step === "lower" ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s.replaceAll(step[0], step[1]));

/**
 * The steps in groups, each with a test of whether any of its steps finds what it replaces: when
 * none does, the group changes nothing (no step fires, so none makes text for a later one) and is
 * skipped — the fold then costs a few tests, not 459 replacements (a sync of 1,000 customers spent
 * ≈ 30 ms in them). The same argument skips layers in SQL (foldSqlLayers).
 */
const GROUPS = (() => {
  const groups: { steps: Step[]; test: RegExp }[] = [];
  for (let i = 0; i < FOLD_STEPS.length; i += 24) {
    const steps = FOLD_STEPS.slice(i, i + 24);
    const alternatives = steps.map((step) => (step === "lower" ? "[A-Z]" : escapeRegExp(step[0])));
    groups.push({ steps, test: new RegExp(alternatives.join("|"), "u") });
  }
  return groups;
})();
/** Steps that can change plain text (printable ASCII and CJK ideographs; see NOT_PLAIN_GLOB), the kanji variants apart. */
const PLAIN_STEPS = FOLD_STEPS.slice(0, FOLD_STEPS.length - KANJI_VARIANTS.length).filter((step) => step === "lower" || /^[ -~\u4e00-\u9fff]+$/u.test(step[0]));
/** The kanji variants, last and in any order (see KANJI_VARIANTS): one pass of one regex, not 48 replacements of a name. */
const COMMON_FORM = new Map(KANJI_VARIANTS);
const VARIANT = new RegExp(`[${KANJI_VARIANTS.map(([v]) => v).join("")}]`, "gu");

/**
 * A name or its reading folded for matching (see the module comment): the parts separated by one
 * space. null for null, or when nothing is left.
 */
export function foldName(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  let s = value;
  if (/^[ -~\u4e00-\u9fff]*$/u.test(s)) {
    // Plain text (most names): only the steps that replace such characters can change it.
    for (const step of PLAIN_STEPS) s = applyStep(s, step);
    s = s.replace(VARIANT, (ch) => COMMON_FORM.get(ch)!);
  } else {
    for (const group of GROUPS) if (group.test.test(s)) for (const step of group.steps) s = applyStep(s, step);
  }
  s = trimSpaces(s);
  return s === "" ? null : s;
}

/** The fold as the steps define it, every one applied in order: what foldName must equal (its tests). */
export function foldNameStepByStep(value: string): string | null {
  let s = value;
  for (const step of FOLD_STEPS) s = applyStep(s, step);
  s = trimSpaces(s);
  return s === "" ? null : s;
}

/**
 * Zero-width characters that a person's name never needs: U+200B (zero-width space), U+2060 (word
 * joiner) and U+FEFF (a byte-order mark pasted mid-text) anywhere; U+200D (zero-width joiner)
 * except inside an emoji sequence (👩‍💻: between a pictograph, its skin tone or VS16, and the next
 * pictograph); U+200C (zero-width non-joiner) beside kanji, kana, Latin letters, a space or at
 * either end — where it joins nothing (Persian and Indic names, which need it between their own
 * letters, keep it). A cart or a spreadsheet leaves them in (山田\u200B太郎), where they look like
 * nothing and make two names that read alike differ, and a search for 山田太郎 miss.
 */
const ZERO_WIDTH_ANYWHERE = /[\u200B\u2060\uFEFF]/gu;
const ZWJ_OUTSIDE_EMOJI = /(?<![\p{Extended_Pictographic}\uFE0F\u{1F3FB}-\u{1F3FF}])\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
const JOINS_NOTHING = String.raw`\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Latin}ー々ヶ`;
const ZWNJ_BESIDE_NOTHING = new RegExp(String.raw`(?<=^|[${JOINS_NOTHING}])\u200C|\u200C(?=$|[${JOINS_NOTHING}])`, "gu");
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/u;

/**
 * A person's name (or its reading) as stored and searched: without the zero-width characters it
 * never needs (see above). The customer sync stores names so, and an operator's search is read so
 * ({@link nameQuery}), before either is folded. Text without any is returned as it is.
 */
export function withoutZeroWidth<T extends string | null | undefined>(name: T): T {
  if (typeof name !== "string" || !ZERO_WIDTH.test(name)) return name;
  return name.replace(ZERO_WIDTH_ANYWHERE, "").replace(ZWJ_OUTSIDE_EMOJI, "").replace(ZWNJ_BESIDE_NOTHING, "") as T;
}

/**
 * What an operator typed, as the keys it is looked up by: the whole of it without spaces, and its
 * parts (family and given name, or either). Empty when nothing is left to search by.
 */
export function nameQuery(typed: string): { whole: string; parts: string[] } | null {
  // 「渡邊 さくら様」 as an operator writes a caller's name out of habit: 様 is no part of a name.
  const folded = foldName(withoutZeroWidth(typed).replace(/[\s\u3000]*様[\s\u3000]*$/u, ""));
  if (!folded) return null;
  return { whole: folded.replaceAll(" ", ""), parts: folded.split(" ") };
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The fold as SQL, as a list of expressions each applying the next steps to `{v}` — the previous
 * one's result (SQLite's parser takes about 30 nested calls, so the steps come in layers; chain
 * them through CTEs). A layer none of whose steps finds what it replaces in `{v}` leaves it as it
 * is, so it is skipped by a test of `instr` first: a name in kanji and ASCII runs the width layers'
 * tests only (on the 800,000 bench names, the whole fold took 90 s without the tests). The last
 * layer trims and turns '' into NULL.
 */
export function foldSqlLayers(perLayer = 24): string[] {
  const layers: string[] = [];
  let current = "{v}";
  let tests: string[] = [];
  const close = () => {
    layers.push(`CASE WHEN ${tests.join(" OR ")} THEN ${current} ELSE {v} END`);
    current = "{v}";
    tests = [];
  };
  for (const step of FOLD_STEPS) {
    if (step === "lower") {
      current = `lower(${current})`;
      tests.push("{v} GLOB '*[A-Z]*'");
    } else {
      current = `replace(${current}, ${sqlString(step[0])}, ${sqlString(step[1])})`;
      tests.push(`instr({v}, ${sqlString(step[0])}) > 0`);
    }
    if (tests.length === perLayer) close();
  }
  if (tests.length) close();
  layers.push("nullif(trim({v}, ' '), '')");
  return layers;
}

/**
 * Text of printable ASCII and CJK ideographs only (U+4E00–U+9FFF) — most stored names: 山田 花子,
 * Smith — as a GLOB that matches anything else. For such text the fold is only its steps that
 * replace such characters (spaces, lower case): `foldSqlPlain`. Any other step replaces a character
 * outside the class, which neither the text nor those steps hold, so it could change nothing.
 */
export const NOT_PLAIN_GLOB = "*[^ -~一-鿿]*";
const PLAIN = /^[ -~\u4e00-\u9fff]+$/u;

/** The fold of plain text (see NOT_PLAIN_GLOB) as one SQL expression over `{v}`, trimmed, '' as NULL. */
export function foldSqlPlain(): string {
  let current = "{v}";
  for (const step of FOLD_STEPS) {
    if (step === "lower") current = `lower(${current})`;
    else if (PLAIN.test(step[0])) current = `replace(${current}, ${sqlString(step[0])}, ${sqlString(step[1])})`;
  }
  return `nullif(trim(${current}, ' '), '')`;
}
