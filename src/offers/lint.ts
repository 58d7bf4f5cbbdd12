/**
 * Phrase lint for offer copy and talk tracks (ja + en).
 *
 * Rejects lines that are unlawful or manipulative in a cancellation flow:
 * - `health_claim`: claims of health effects or results (薬機法 / 景品表示法 — a supplement or
 *   cosmetic may not promise to cure, slim or "always work").
 * - `harm_if_stopped`: "stopping will harm you / undo your results" — 「今やめると逆効果」 is the
 *   textbook unlawful line under 特定商取引法 §13-2 (misrepresentation to hinder cancellation).
 * - `confirmshaming`: decline labels that shame the customer ("No thanks, I don't care about my
 *   health", 「健康を諦める」).
 * - `false_urgency`: pressure that makes a retention offer look like a now-or-never deal.
 *
 * With the offer's terms (`LintOptions.offer`, offer copy only: an exit survey may well ask about
 * 「定期の縛り」), three rules about what the copy promises against what the offer does:
 * - `added_commitment`: an offer that keeps a customer must not add an obligation (消費者契約法
 *   第10条; 特定商取引法 2022 年改正の最終確認画面の表示事項 — 契約期間・解約条件 — which a retention
 *   offer cannot change in passing): 「※割引適用には今後6回の継続が条件です」, 「縛り」, 「解約できません」,
 *   "minimum commitment". Saying there is none (「縛りなし」「継続のお約束が増えることはありません」) passes.
 * - `discount_forever`: a discount limited to N deliveries written as if it lasted (「ずっと」「永久に」,
 *   "forever"; 「毎回」"every delivery" unless the sentence names the count or the end) — 景品表示法
 *   第5条第2号 (有利誤認); the fine print of its end does not cure it (消費者庁「打消し表示に関する実態調査報告書」2017).
 * - `false_free`: 無料・タダ・0円・free on an offer that gives nothing free (有利誤認): a skip charges
 *   nothing because nothing is delivered, which its copy says as 「お支払いはありません」.
 * - `discount_misstated`: a discount figure (「半額」「50%OFF」「1割引」「500円引き」, "half price") that is
 *   not the offer's own (`percentOff` / `amountOff`) — 有利誤認 in its plainest form. The copy's
 *   `{discountLabel}` states the real one; a figure equal to it passes.
 * - `hidden_terms`: conditions that point elsewhere (「※条件あり。詳しくはサイトをご確認ください」,
 *   「一定の条件を満たした場合」「別途定める規約」, "conditions apply") — an offer renders its own terms,
 *   so there is nothing elsewhere to read (打消し表示: 消費者庁「打消し表示に関する実態調査報告書」2017;
 *   特定商取引法 2022 年改正の最終確認画面 — the terms are shown where the customer decides).
 *
 * Urgency policy (our call):
 * - Countdown/pressure phrases (「今だけ」「本日限り」「今すぐ」「ラストチャンス」, "today only",
 *   "last chance", "act now", …) are ALWAYS rejected. A retention offer is a suggestion the customer
 *   may take or leave; a real deadline is stated as a date ("until 2026-08-31"), never as pressure.
 * - Deadline wording (「期間限定」「締め切り」, "limited time", "offer ends") is allowed only when
 *   the same text states a concrete end date: a date literal, or — for catalogue templates
 *   (`dateSource: "placeholder"`) — a date placeholder such as `{lastDiscountedOn}` that is filled
 *   from the offer's real, computed end. A literal date in a template is not accepted there,
 *   because nothing guarantees it is the offer's real end.
 *
 * Normalisation (so trivial variations do not slip through): NFKC (full/half width, ｶﾞ → ガ,
 * ＮＯ → NO), lower case, katakana → hiragana (リバウンド ≡ りばうんど), and for Japanese rules
 * all spaces and punctuation removed (「今、やめると 逆効果」 ≡ 「今やめると逆効果」). English rules
 * run on a form with apostrophes dropped and punctuation collapsed to single spaces
 * ("don't" → "dont", "No thanks,   I" → "no thanks i"). Findings quote the ORIGINAL text.
 *
 * Readings: Japanese rules compare on a reading-normalised form, so a phrase is caught however it
 * mixes kana and kanji (「今やめると元にもどります」, 「もとに戻ります」 ≡ 「元に戻ります」). The kanji
 * of the lint's own phrase list (lint-phrases.ts) have their readings generated at build time from
 * kuromoji's IPADIC dictionary into lint-readings.generated.ts (`npm run lint:readings`); both the
 * text and the patterns replace those kanji (longest first) with their reading. A kanji with more
 * than one reading there stays as written in the text and becomes "the kanji or any of its
 * readings" in the patterns; one whose reading is one kana (出 で, 止 と) is not read at all. A rule whose kana reading would be an everyday word (効く ≡ 聞く) is
 * matched on the written form only (`surface`).
 */
import type { Localized } from "../platform/localized-text";
import { LINT_READINGS } from "./lint-readings.generated";

export type LintRule = "health_claim" | "harm_if_stopped" | "confirmshaming" | "false_urgency" | "added_commitment" | "discount_forever" | "false_free" | "discount_misstated" | "hidden_terms";

export type LintFinding = {
  rule: LintRule;
  /** The offending phrase as written in the input. */
  phrase: string;
  /** Offset of the phrase in the input (UTF-16 code units). */
  index: number;
  reason: Localized;
};

export type LintOptions = {
  /**
   * What counts as "a real end date is given" for deadline wording: `any` (a date literal or a
   * date placeholder — for rendered copy) or `placeholder` (only a computed date placeholder — for
   * catalogue templates). Default `any`.
   */
  dateSource?: "any" | "placeholder";
  /**
   * The offer the copy belongs to, for the rules about its terms (offer copy only; other copy — an
   * exit survey, a win-back message — is linted without them): `added_commitment` always,
   * `discount_forever` when `discountEnds` (a discount of N deliveries), `false_free` when
   * `givesFree` is false (nothing in the offer is free), `discount_misstated` when the offer is a
   * discount (`discount`: its percent or its amount off in yen).
   */
  offer?: { discountEnds: boolean; givesFree: boolean; discount?: { percentOff: number } | { amountOff: number } };
};

const REASONS: Record<LintRule, Localized> = {
  health_claim: {
    ja: "健康効果・効能や結果を断定・保証する表現です（医薬品医療機器等法・景品表示法）。化粧品は「化粧品の効能の範囲」（56項目）の表現で、健康食品は医薬品的な効能効果を書かずにお伝えください。",
    en: "Claims or guarantees a health effect or result (Japan's PMD Act / Premiums and Representations Act). A cosmetic may say only what the 56 permitted cosmetic efficacy claims say; a food may not claim a medicinal effect.",
  },
  harm_if_stopped: {
    ja: "やめると不利益や悪影響があるかのように告げる表現です（特定商取引法第13条の2：解約を妨げる不実告知）。",
    en: "Says stopping will harm the customer or undo results (misrepresentation to hinder cancellation, Specified Commercial Transactions Act §13-2).",
  },
  confirmshaming: {
    ja: "断る選択肢に罪悪感や恥を感じさせる表現です（コンファームシェイミング）。",
    en: "Shames the customer for declining (confirmshaming).",
  },
  false_urgency: {
    ja: "根拠のない緊急性で決断を急がせる表現です。期限がある場合は具体的な終了日を記載してください。",
    en: "Creates pressure or urgency; if there is a real deadline, state the actual end date instead.",
  },
  added_commitment: {
    ja: "特典にない継続の条件や解約の制限を課す表現です。解約を引き止める特典で、お客様の義務を増やすことはできません（消費者契約法・特定商取引法）。",
    en: "Imposes a commitment or a limit on cancelling that the offer does not have; an offer that keeps a customer cannot add obligations (Consumer Contract Act, Specified Commercial Transactions Act).",
  },
  discount_forever: {
    ja: "回数に限りのある割引を、ずっと続くかのように表す表現です（景品表示法：有利誤認）。{discountedDeliveries}・{cycles}・{lastDiscountedOn} で対象のお届けを示してください。",
    en: "Presents a discount limited to some deliveries as if it lasted (misleading terms, Premiums and Representations Act). Name the deliveries with {discountedDeliveries}, {cycles} or {lastDiscountedOn}.",
  },
  discount_misstated: {
    ja: "特典の割引と異なる割引率・割引額です（景品表示法：有利誤認）。割引は {discountLabel} でお伝えください。",
    en: "States a discount other than the offer's own (misleading terms, Premiums and Representations Act). Say the discount with {discountLabel}.",
  },
  hidden_terms: {
    ja: "条件を特典の外に置く表現です。特典の条件はこの文面にすべて表示されます。「条件あり」「別途規約」とせず、条件そのものを書いてください（景品表示法：打消し表示）。",
    en: "Points to conditions outside the offer; the offer shows all its terms here. State the condition itself instead of \"conditions apply\" (Premiums and Representations Act: disclaimers).",
  },
  false_free: {
    ja: "この特典には無料になるものがありません。「無料」「0円」などと表すと、実際より有利に見せることになります（景品表示法：有利誤認）。",
    en: "Nothing in this offer is free; calling it free makes its terms look better than they are (misleading terms, Premiums and Representations Act).",
  },
};

type Mode = "compact" | "spaced" | "plain";
type Form = "compact" | "spaced" | "reading";
/**
 * `deadline`: deadline wording, allowed with a real end date. `sentence`: the match counts only when
 * the sentence it is in (of the input, placeholders as written) matches `with` and not `without`.
 */
type Pattern = { rule: LintRule; mode: Form; re: RegExp; deadline?: true; sentence?: { with: RegExp; without?: RegExp } };

const ja = (rule: LintRule, source: string, deadline?: true): Pattern => ({ rule, mode: "reading", re: new RegExp(readingPattern(source), "gu"), ...(deadline ? { deadline } : {}) });
/** A Japanese rule matched on the written (compact) form only: its reading would be an everyday word. */
const jaSurface = (rule: LintRule, source: string): Pattern => ({ rule, mode: "compact", re: new RegExp(source, "gu") });
const en = (rule: LintRule, source: string, deadline?: true): Pattern => ({ rule, mode: "spaced", re: new RegExp(`\\b(?:${source})\\b`, "gu"), ...(deadline ? { deadline } : {}) });
const inSentence = (p: Pattern, sentence: Pattern["sentence"] & {}): Pattern => ({ ...p, sentence });

// ── readings ──

const HAN = /[\p{Script=Han}々]/u;
const READING_KEY_MAX = Math.max(1, ...Object.keys(LINT_READINGS).map((k) => k.length));

type Reading = { key: string; readings: readonly string[] };
/** A piece of a kanji run: a word of the table (`readings`), or a kanji in none (null). */
type Piece = { key: string; readings: readonly string[] | null };

/**
 * The run of kanji at `i` split into words of the reading table (longest first). A one-kanji word
 * next to a kanji the table does not know is not read: 努力 stays 努力 although 力 is in 免疫力.
 */
function readRun(text: string, i: number, joined: (k: number) => boolean = () => true): { length: number; pieces: Piece[] } | null {
  if (!HAN.test(text[i]!)) return null;
  let j = i + 1;
  while (j < text.length && HAN.test(text[j]!) && joined(j)) j++;
  const pieces: Piece[] = [];
  for (let k = i; k < j; ) {
    let hit: Reading | null = null;
    for (let len = Math.min(READING_KEY_MAX, j - k); len >= 1 && !hit; len--) {
      const key = text.slice(k, k + len);
      const readings = LINT_READINGS[key];
      if (readings) hit = { key, readings };
    }
    pieces.push(hit ?? { key: text[k]!, readings: null });
    k += hit ? hit.key.length : 1;
  }
  const unknown = (p: Piece | undefined) => p !== undefined && p.readings === null;
  return {
    length: j - i,
    pieces: pieces.map((p, n) => (p.key.length === 1 && (unknown(pieces[n - 1]) || unknown(pieces[n + 1])) ? { key: p.key, readings: null } : p)),
  };
}

/** A pattern source with the table's kanji as their readings (outside character classes). */
function readingPattern(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; ) {
    const c = source[i]!;
    if (c === "\\") {
      out += source.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (inClass) {
      if (HAN.test(c)) throw new Error(`lint pattern: a kanji inside a character class cannot be read: ${source}`);
      if (c === "]") inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === "[") inClass = true;
    const run = readRun(source, i);
    if (run) {
      for (const p of run.pieces) {
        out += p.readings === null ? p.key : p.readings.length === 1 ? `(?:${p.readings[0]})` : `(?:${[p.key, ...p.readings].join("|")})`;
      }
      i += run.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The compact form with the table's unambiguous kanji replaced by their readings; offsets kept. */
function readingForm(n: Normalised, input: string): Normalised {
  let text = "";
  const start: number[] = [];
  const end: number[] = [];
  const keep = (i: number) => {
    text += n.text[i]!;
    start.push(n.start[i]!);
    end.push(n.end[i]!);
  };
  // A run of kanji is one in the input, spaces aside: 「逆効果！次」 are two runs, 「逆　効　果」 one.
  const joined = (k: number) => input.slice(n.end[k - 1], n.start[k]).trim() === "";
  for (let i = 0; i < n.text.length; ) {
    const run = readRun(n.text, i, joined);
    if (!run) {
      keep(i++);
      continue;
    }
    {
      let k = i;
      for (const w of run.pieces) {
        if (w.readings !== null && w.readings.length === 1) {
          const from = n.start[k]!;
          const to = n.end[k + w.key.length - 1]!;
          for (const ch of w.readings[0]!) {
            text += ch;
            start.push(from);
            end.push(to);
          }
        } else {
          for (let m = k; m < k + w.key.length; m++) keep(m);
        }
        k += w.key.length;
      }
    }
    i += run.length;
  }
  return { text, start, end };
}

/**
 * Up to `n` characters between a subject and its claim, not across a sentence's end: the compact
 * form has no punctuation, so 「必ずご確認ください。効果には個人差があります」 would read as one claim.
 */
const gap = (n: number) => `(?:(?!ます|です|ください|下さい).){0,${n}}?`;

/** Japanese patterns are written against the normalised form: hiragana, no spaces/punctuation. */
const PATTERNS: Pattern[] = [
  // ── health claims ──
  ja("health_claim", "(?:効果|こうか)(?:が|は|を)?(?:出|で[るまた]|現|あらわ|あり|ある|抜群|ばつぐん|絶大|ぜつだい|保証|ほしょう|確実|かくじつ|実感|じっかん|てきめん|大)"),
  ja("health_claim", "(?:必ず|かならず|絶対|ぜったい|確実に|かくじつに|きっと)(?:効[くきけい]?|き[くきけ])"),
  jaSurface("health_claim", "効(?:く|きま|きめ|き目|いて|け[るば])"), // きく/ききます are also 聞く
  jaSurface("health_claim", "痩せ"), // bare やせ is in や+せいかつ
  ja("health_claim", "痩せ(?:る|ます|られ|た|よう|ぐすり)|やせ(?:る|ます|られ|た|よう|ぐすり)|ダイエット効果|だいえっと効果|脂肪(?:が|を)?(?:燃|落|減)"),
  ja("health_claim", "治(?:る|り|す|し|療|癒)|なお(?:る|ります|りま)|完治|かんち|全快"),
  ja("health_claim", "(?:病気|がん|癌|生活習慣病|風邪)(?:を|が|の)?(?:予防|防|治|改善|なお)|予防(?:でき|します|効果)"),
  ja("health_claim", "若返|わかがえ|あんちえいじんぐ|でとっくす|免疫(?:力)?(?:が|を)?(?:上|高|あ|強)|血圧(?:が|を)?(?:下|さが)|血糖(?:値)?(?:が|を)?(?:下|さが)|体質改善|即効"),
  ja("health_claim", "(?:飲む|のむ|使う|つかう|塗る|ぬる|食べる|たべる)だけで"),
  // Cosmetics beyond 厚生労働省「化粧品の効能の範囲」(56項目; 平成23年薬食発0728第1号): a cosmetic may
  // 「乾燥を防ぐ」「肌を整える」「キメを整える」「乾燥による小ジワを目立たなくする」, never make a spot, a
  // wrinkle or acne go away, fade or heal (医薬品的な効能効果). A negation 「消えなかった」「治らない」 is
  // not a claim (exit-survey answers say it).
  ja(
    "health_claim",
    `(?:(?<!\\p{Script=Han}|たの|かな|くる|した|にく|お)しみ|(?<!\\p{Script=Han})しわ|小じわ|こじわ|小しわ|ほうれい線|ほうれいせん|たるみ|くすみ|そばかす|にきび|吹き出物|ふきでもの|毛穴|けあな|肝斑|かんぱん|白髪|しらが|薄毛|うすげ|抜け毛|ぬけげ|あとぴー|肌荒れ|はだあれ|湿疹|しっしん)(?:が|を|も|は|や|まで)?${gap(8)}(?:消え(?!な|ず|ませ)|きえ(?!な|ず|ませ)|消(?:す|し|去)|けす|けし(?!ょう)|(?<!た)(?:なく|無く)(?:な(?!らな|りませ)|す|し(?!ませ))|取れ(?!な|ず|ませ)|とれ(?:る|ます|た)|取り除|とりのぞ|除去|解消|改善|薄く(?!塗|ぬ|のば|伸|広|ひろ)|うすく(?!ぬ|のば|ひろ)|なお(?:る|り|す|し)|治(?:る|り|す|し|療|癒)|減(?:る|り|ら|っ|少)|撃退|げきたい|消滅|しょうめつ|再生|修復|生え(?!な|ず|ませ)|はえ(?:る|ます|てく))`,
  ),
  // 「必ず」「確実に」「100%」 with an effect (医薬品等適正広告基準 第4の3「効能効果等又は安全性を保証する表現の禁止」;
  // 景品表示法 優良誤認): 「毎日使えば必ずシワが…」, 「100%実感」.
  ja("health_claim", `(?:必ず|かならず|確実に|かくじつに|絶対に?|ぜったいに?|100(?:ぱーせんと)?|百ぱーせんと)(?:に)?${gap(8)}(?:効果|こうか|実感|じっかん|結果が|けっかが|変化|へんか|消え|きえ|なくな|白くな|しろくな|美白|若く|わかく|治|なお[るりす]|改善|解消)`),
  // A condition that improves, heals or goes (消費者庁「健康食品に関する景品表示法及び健康増進法上の留意事項」:
  // 疾病の治療・予防、身体の組織機能の増強を目的とする表示): 「便秘が解消」, 「肩こりが改善します」.
  ja(
    "health_claim",
    `(?:体質|たいしつ|症状|体調不良|不調|便秘|べんぴ|冷え性|ひえしょう|肩こり|かたこり|腰痛|ようつう|関節痛|不眠|睡眠の質|あれるぎー|花粉症|かふんしょう|肌とらぶる|血行|むくみ|疲れ|つかれ|疲労|ひろう|更年期|こうねんき|生理痛|頭痛|ずつう|視力|しりょく|肝機能|血流|代謝|たいしゃ|痛み|かゆみ)(?:が|を|の|も|は)?${gap(6)}(?:改善|解消|緩和|かんわ|回復|かいふく|軽減|けいげん|(?:よく|良く)な(?!らな|りませ)|(?:楽|らく)にな(?!らな|りませ)|とれ(?:る|ます|た)|取れ(?!な|ず|ませ)|消え(?!な|ず|ませ)|なくな(?!らな|りませ))`,
  ),
  // 医薬品等適正広告基準 第4の10「医薬関係者等の推せん」: 「医師も認めた」「皮膚科医推奨」「ドクターズお墨付き」.
  ja("health_claim", "(?:医師|医者|いしゃ|どくたー|専門医|皮膚科医|皮膚科|薬剤師|やくざいし|病院|歯科医|大学教授|研究機関)(?:も|が|の|に|から|たち|さん)*(?:(?!を|ます|です|ください).){0,6}?(?:認め|みとめ|推奨|すいしょう|推薦|すいせん|すすめ|勧め|薦め|お墨付き|おすみつき|太鼓判|たいこばん|絶賛|ぜっさん|愛用|あいよう|監修|かんしゅう|公認|こうにん|保証|選ば)"),
  en("health_claim", "(?:lose|losing|lost|shed|drop) (?:weight|fat|belly fat|\\d+ ?(?:kg|kilos?|lbs?|pounds))|weight ?loss|slim(?:ming)? down|burns? fat|fat burning"),
  en("health_claim", "cures?|cured|curing|heals?|healed|healing|remed(?:y|ies) for"),
  en("health_claim", "guaranteed (?:results?|to work)|(?:it|this) (?:will|always|definitely|really) works?|works every time|see (?:real |visible )?results|clinically proven|boosts? (?:your )?immun\\w*|strengthens? (?:your )?immun\\w*|anti ?aging|detox\\w*|prevents? (?:disease|illness|cancer|aging|colds?)"),
  en("health_claim", "makes? you (?:healthier|slimmer|thinner|younger)|lowers? (?:your )?(?:blood pressure|blood sugar|cholesterol)"),
  en("health_claim", "(?:erase|erases|erasing|remove|removes|removing|eliminate|eliminates|get rid of|gets rid of|clear up|clears up|reverse|reverses|fade|fades|cure|cures|heal|heals|treat|treats) (?:your |all |the |those )?(?:wrinkles|fine lines|dark spots|age spots|spots|blemishes|acne|pimples|eczema|dark circles|grey hair|gray hair|hair loss)"),
  en("health_claim", "(?:wrinkles|fine lines|dark spots|age spots|spots|blemishes|acne|pimples|eczema|dark circles) (?:will |are |just )?(?:disappear|vanish|fade away|go away|gone|clear up)"),
  en("health_claim", "(?:doctors?|dermatologists?|physicians?|medically|clinically) (?:recommended|approved|endorsed|tested and proven)|(?:recommended|approved|endorsed|trusted) by (?:doctors|dermatologists|physicians)"),
  en("health_claim", "(?:100|one hundred) (?:percent )?(?:effective|guaranteed|results)|guaranteed (?:effects?|effective|to see)|(?:always|definitely|certainly) (?:effective|see (?:a )?(?:difference|results))"),
  en("health_claim", "(?:relieves?|relieving|improves?|improving|eases?|easing) (?:your )?(?:constipation|symptoms|eczema|acne|stiff shoulders|back pain|joint pain|insomnia|blood flow|circulation|fatigue|allergies|hay fever)"),
  // ── stopping will harm you ──
  ja("harm_if_stopped", "逆効果|ぎゃくこうか|りばうんど|水の泡|みずのあわ"),
  ja("harm_if_stopped", "(?:やめ|止め|辞め|中止|解約|休止|停止|すとっぷ|中断|中止す|解約す)(?:る|たら|ては|ちゃ|ると|れば|てしまう|ちゃう)?.{0,12}?(?:元に戻|もとにもど|元通り|もとどおり|無駄|むだ|台無|だいなし|悪化|悪く|危険|きけん|危な|あぶな|体に悪|からだに悪|後悔|もったいな)"),
  ja("harm_if_stopped", "(?:続け|つづけ)(?:ない|なければ|なきゃ)(?:と|ければ)?.{0,8}?(?:意味が|いみが|効果が|戻|もど|悪化|無駄|むだ)"),
  // Fear of a relapse: 「やめると肌荒れが再発するおそれがあります」.
  ja("harm_if_stopped", "(?:やめ|止め|辞め|中止|解約|休止|停止|すとっぷ|中断)(?:る|たら|ては|ちゃ|ると|れば|てしまう|ちゃう)?.{0,16}?(?:再発|さいはつ|ぶり返|ぶりかえ|恐れ|おそれ|りすく)"),
  // Harm or loss as the price of stopping: 「やめると肌がボロボロに戻ってしまいます」, 「やめたら損しますよ」.
  // 戻って/損 only as a consequence (戻ってしまう, 損します): 「元のプランに戻せます」「損はありません」 stay fair.
  ja("harm_if_stopped", "(?:やめ|止め|辞め|中止|解約|休止|停止|すとっぷ|中断)(?:る|たら|ては|ちゃ|ると|れば|てしまう|ちゃう)?.{0,16}?(?:ぼろぼろ|がさがさ|(?:戻|もど)っ(?:てしま|ちゃ)|(?:損|そん)(?:を)?(?:し(?:ます|ちゃ|て)|する|です|だよ|かも))"),
  // Sunk cost: 「せっかく続けてきたのにもったいない」 — what was spent is lost if you leave.
  ja("harm_if_stopped", "(?:せっかく|折角|これまで|今まで|いままで)(?:の)?.{0,16}?(?:のに|けど|けれど|ですが|を)?.{0,8}?(?:もったいな|勿体な|無駄|むだ|水の泡|みずのあわ)"),
  ja("harm_if_stopped", "(?:続け|つづけ)(?:て)?(?:き|こられ|いらっしゃ)(?:た|ました)(?:のに|けど|けれど|ですが).{0,8}?(?:もったいな|勿体な|残念|ざんねん|無駄|むだ)"),
  en("harm_if_stopped", "counter ?productive|rebound(?:s|ing)?|yo ?yo effect"),
  en("harm_if_stopped", "(?:lose|losing|undo|undoing|reverse|reversing|waste|wasting|throw away|throwing away|erase|erasing)(?: all)?(?: of)?(?: your| the)? (?:progress|results|effects?|benefits|gains|hard work)"),
  en("harm_if_stopped", "(?:stop|stopping|quit|quitting|cancel|cancell?ing|pause|pausing)(?: it| this| now| the product)*(?: will| would| could| can| may| might)(?: only)? (?:undo|reverse|harm|hurt|damage|ruin|cost you|make (?:it|things|you|your \\w+) worse|bring back)"),
  en("harm_if_stopped", "(?:dangerous|harmful|risky|unsafe|bad for you) to (?:stop|quit|cancel)|(?:your (?:skin|body|health|hair|symptoms?)|you) (?:will|ll) (?:go back|get worse|suffer|regret)"),
  // ── confirmshaming ──
  ja("confirmshaming", "(?:健康|綺麗|きれい|美しさ|美容|若さ|お肌|肌|自分|家族|体|からだ|夢|目標)(?:を|は|に|なんて|なんか|など|とか)?(?:諦め|あきらめ|捨て|すて|犠牲|見捨|みす|どうでもい|大切にしな|気にしな)"),
  ja("confirmshaming", "(?:損|そん)(?:を)?(?:しても|して)(?:いい|かまわな|構わな|平気)|どうなっても(?:いい|かまわな|構わな)|(?:高い|たかい|定価|通常価格)(?:まま|ほう)?(?:で|を)?(?:払い続けても|払っても|でも)(?:いい|かまわな|構わな)"),
  ja("confirmshaming", "(?:健康|きれい|綺麗|若さ|美容|節約|お得|おとく)(?:に|は|な)?(?:興味|関心)(?:が|は)?(?:な|ありません)|(?:お得|おとく|節約|せつやく)(?:は|を)?(?:いらな|要らな|したくな|不要)"),
  // A decline that belittles what was declined: 「いいえ、健康なんてどうでもいいです」, 「お得なんていらない」.
  ja("confirmshaming", "(?:なんて|なんか)(?:どうでもい|いらな|要らな|気にしな)|いいえ.{0,16}?(?:どうでもい|どうなっても|(?:損|そん)(?:を)?(?:しても|したい|でいい))"),
  // Judging the choice to leave: 「途中でやめるなんて残念です」.
  ja("confirmshaming", "(?:やめ|止め|辞め|諦め|あきらめ|解約|休止|中断|中止)(?:る|た|られる|される|する)?(?:なんて|とは|だなんて).{0,8}?(?:残念|ざんねん|悲し|かなし|がっかり|寂し|さみし|さびし|信じられ|しんじられ)|途中で(?:やめ|止め|辞め|投げ出|なげだ|諦め|あきらめ)"),
  en("confirmshaming", "i (?:dont|do not) care (?:about|for) (?:my |our )?(?:health|body|skin|looks|family|kids|savings|saving|money|wellbeing|well being)"),
  en("confirmshaming", "i (?:dont|do not) (?:want|like|need) (?:to )?(?:save|saving|savings|be healthy|be healthier|look (?:good|better|younger)|feel (?:good|better)|a discount|deals?|a good deal)"),
  en("confirmshaming", "i (?:prefer|like|love|enjoy) (?:paying|to pay) (?:more|full price|extra)|i(?: d| would) rather (?:pay (?:more|full price)|be unhealthy|give up|waste)|(?:im|i am) (?:fine|ok|okay|happy) (?:with )?(?:losing|wasting|paying more|feeling worse|looking older)|give up on (?:my )?(?:health|goals?|skin|body|myself|looking)|i (?:dont|do not) deserve"),
  // ── false urgency: always ──
  ja("false_urgency", "今だけ|いまだけ|本日限り|本日かぎり|今日限り|今日かぎり|きょうかぎり|今日だけ|きょうだけ|本日のみ|今日中|本日中|今すぐ(?!解約)|いますぐ(?!解約)|今なら(?!解約)|いまなら(?!解約)|この場限り|この場かぎり|今回限り|今回かぎり|らすとちゃんす|最後のちゃんす|最後の機会|二度と(?:な|あり|ご案内|ご提案|(?:この|その|同じ)?(?:価格|値段|お値段|条件|特典|割引))|残りわずか|残り\\d+(?:個|名|点|枠)|先着|お急ぎ|お早めに|見逃さ|今しか|この機会を逃|この機会をお見逃"),
  // Asking for the decision today: 「今日決めていただければ」「本日中にご決断を」.
  ja("false_urgency", "(?:今日|本日|きょう|ほんじつ)(?:中に|じゅうに|のうちに)?(?:お|ご)?(?:決め|決断|決定|けつだん|けってい)"),
  en("false_urgency", "today only|only today|now or never|last chance|act (?:now|fast)|(?<!no )hurry|dont miss(?: out)?|limited stock|only \\d+ left|once in a lifetime|(?:this )?offer (?:wont|will not) last|expires (?:today|tonight|in \\d+ (?:minutes?|hours?))|(?:decide|order|sign up|act|accept|choose|buy) right now|before (?:its|it is) too late|(?:this is )?your only chance|never again"),
  // ── false urgency: deadline wording, allowed with a real end date ──
  ja("false_urgency", "期間限定|限定価格|限定特典|今月中|今月末まで|締め切|締切|しめきり|期限付き|期限つき|期限あり", true),
  en("false_urgency", "limited time|for a limited time|ends soon|while (?:it|stocks?|supplies) lasts?|expires soon|offer ends|deadline", true),
];

/**
 * Rules about the offer's own terms (`LintOptions.offer`), run on offer copy only.
 * `added_commitment` runs for every offer; `discount_forever` for a discount (its cycles are its
 * end); `false_free` for an offer that gives nothing free.
 */
const COMMITMENT: Pattern[] = [
  // 「※割引適用には今後6回の継続が条件です」「3回以上のご継続をお約束いただきます」 — but not 「継続のお約束が増えることはありません」.
  ja("added_commitment", `継続(?:が|は|を|して|いただくこと|すること)?${gap(10)}(?:条件(?!では|じゃ)|必須|義務|お約束いただ|約束いただ|必要(?!は?ありません|はない|ない|ございません))`),
  ja("added_commitment", "(?:\\d+|(?:一|二|三|四|五|六|七|八|九|十)+)回以上(?:の)?(?:ご)?(?:継続|購入|お受け取り|受け取り|受取|お届け|お買い上げ)"),
  ja("added_commitment", `(?:\\d+|(?:一|二|三|四|五|六|七|八|九|十)+)回(?:の)?(?:ご)?(?:継続|購入|お受け取り|受け取り|受取|お買い上げ)(?:が|を)?${gap(6)}(?:条件(?!では|じゃ)|必須|お約束いただ|約束いただ|必要(?!は?ありません|はない|ない|ございません))`),
  ja("added_commitment", "最低(?:でも)?(?:\\d+|(?:一|二|三|四|五|六|七|八|九|十)+)(?:回|か月|かげつ|ゖ月|ゕ月|年)|最低(?:継続|利用|購入|受取|お受け取り|契約)(?:回数|期間)"),
  // 「定期縛り」「縛りがあります」 — 「縛りなし」「縛りのない」「縛りはありません」 say there is none.
  ja("added_commitment", "(?:縛り|しばり)(?!(?:は|も|の|が)?(?:なし|無し|ない|無い|ありません|ございません))"),
  // 「解約できません」「途中解約不可」 — not 「解約できなくなることはありません」. A fee is not named here: 「違約金はかかりません」 is the fair thing to say.
  ja("added_commitment", "解約(?:は|が|を|すること(?:は)?|いただくこと(?:は)?)?(?:でき|いただけ|お受けでき|受け付けでき|受付でき|できかね|承れ|うけたまわれ)(?:ません|ない|なく|かね)(?!.{0,6}(?:ことは|ことも|ということは))|解約(?:は)?不可|途中解約(?:は)?(?:でき|不可)"),
  en("added_commitment", "minimum (?:commitment|term|contract|purchase|subscription|period|number of (?:deliveries|orders|months)|of \\d+ (?:deliveries|orders|months|shipments))"),
  en("added_commitment", "(?:must|have to|need to|agree to|required to|commit to|committing to) (?:stay (?:subscribed|with us|on)|remain (?:subscribed|a subscriber|on)|continue (?:your|the|for)|keep (?:your|the) (?:subscription|plan)|subscribe for|receive|take|buy|order)|(?:for )?at least \\d+ (?:more )?(?:deliveries|orders|months|shipments)|\\d+ (?:delivery|order|month|shipment) (?:commitment|minimum)"),
  en("added_commitment", "(?:you )?(?:cannot|can not|cant|are unable to|will not be able to|wont be able to) (?:cancel|quit|stop your subscription)|lock(?:ed)? ?in (?:period|for)|locked in|contract period|commitment period"),
];

/**
 * Words of a discount or its price in a sentence (「ずっとお得な価格で」 is a lasting discount as much
 * as 「ずっと{discountLabel}」); 「割引終了後」"after the discount" and 「通常価格」"the regular price" speak
 * of what comes after it.
 */
const DISCOUNT_WORDS = /\{(?:discountLabel|discountedPrice)\}|割引|値引|オフ|ｵﾌ|\boff\b|discount|[%％]|円引|お得|おトク|価格|値段|料金|安く|\bprices?\b|\bdeal\b|savings?|cheaper/iu;
const AFTER_DISCOUNT = /通常(?:の)?(?:価格|料金|お値段|値段)|定価|(?:regular|full|normal) price|割引(?:の)?(?:終了|期間の?後|後)|値引き?(?:終了|後)|after (?:the|this|your) discount|(?:the|this) discount ends|\{priceAfter\}|\{firstFullPriceOn\}/giu;
/** A sentence that names which deliveries are discounted: 「{discountedDeliveries}は毎回…」 is bounded. */
const BOUNDED = /\{(?:cycles|discountedDeliveries|lastDiscountedOn)\}|\d+\s*(?:回|deliver|order|shipment|month|か月|ヶ月)|まで|until|through/iu;

const DISCOUNT_FOREVER: Pattern[] = [
  // 「ずっと{discountLabel}」: a lasting discount, however the end is footnoted (打消し表示).
  inSentence(ja("discount_forever", "この先も|このさきも|これからも|今後も|こんごも|ずっと(?!ご愛用|ごあいよう|ご利用いただ|ごりよういただ|お使いいただ|おつかいいただ|ご愛顧|ごあいこ)|永久|えいきゅう|永遠|えいえん|いつまでも|一生|生涯|末永く|すえながく|無期限|むきげん|終身"), { with: DISCOUNT_WORDS }),
  inSentence(en("discount_forever", "forever|for ever|for life|lifetime|permanent(?:ly)?|for good|never (?:expires?|ends?)|no end date|indefinitely"), { with: DISCOUNT_WORDS }),
  // 「毎回{discountLabel}」"every delivery": lasting unless the same sentence names the deliveries.
  inSentence(ja("discount_forever", "毎回|まいかい|常に|つねに|今後(?:の|も)?(?:すべて|全て)?(?:の)?お届け|(?:すべて|全て)のお届け|毎月|まいつき|毎度|まいど"), { with: DISCOUNT_WORDS, without: BOUNDED }),
  inSentence(en("discount_forever", "every (?:delivery|order|shipment|time|month|box)|each (?:delivery|order|shipment|month)|all (?:future |your |of your )?(?:deliveries|orders|shipments)|from now on"), { with: DISCOUNT_WORDS, without: BOUNDED }),
];

/** Conditions that point elsewhere: the offer shows its own terms, so they are the terms or nothing. */
const HIDDEN_TERMS: Pattern[] = [
  ja(
    "hidden_terms",
    "(?:条件|じょうけん)(?:あり|有り|付き|つき|がありま|がござ)|(?:一定|所定|特定|別途|べっと)の?(?:条件|じょうけん|規約|きやく|規定|定め)|別途(?:定め|さだめ)|条件を満た|条件をみた|(?:規約|きやく|規定)(?:が|を|に)?(?:適用|準じ|基づ|もとづ|従|したが)|(?:詳しく|くわしく|詳細|しょうさい)(?:は|について(?:は)?)?(?:さいと|ほーむぺーじ|hp|web|うぇぶ|公式|こうしき|こちら|規約|きやく|店舗|てんぽ|別|べつ|よくあるご質問|faq)",
  ),
  en("hidden_terms", "(?:certain |other )?(?:terms|conditions|restrictions|exclusions)(?: and conditions)? (?:may )?apply|subject to (?:our |the )?(?:terms|conditions|eligibility|restrictions)|certain conditions|see (?:our |the )?(?:website|site|terms|faq|store) for (?:details|terms|conditions)|details on (?:our|the) (?:website|site)"),
];

const FALSE_FREE: Pattern[] = [
  // 「通話料無料」「フリーダイヤル」 are the shop's phone line, not the offer.
  ja("false_free", "(?<!通話料?|送料)無料|(?<!つうわりょう|つうわ)むりょう|(?<!\\d|,)0円|ぜろ円|ぜろえん|無償|むしょう|ただで(?!さえ)|ただに|ただ(?=です|$)"),
  en("false_free", "(?<!feel |toll |hands |sugar |fragrance |gluten |cruelty |alcohol |oil |paraben |stress |hassle |worry |risk |tax )free(?! to| of (?!charge))|at no (?:extra )?(?:cost|charge)|no charge|free of charge|complimentary|on the house"),
];

type Normalised = { text: string; start: number[]; end: number[] };

const KATAKANA = /[\u30a1-\u30f6]/u;
const KEEP_COMPACT = /[\p{L}\p{N}]/u;

/** One normalisation pass; `start[i]`/`end[i]` map normalised char i back to the input. */
function normalise(input: string, mode: Mode): Normalised {
  let text = "";
  const start: number[] = [];
  const end: number[] = [];
  let pendingSpace = false;
  let i = 0;
  for (const ch of input) {
    const from = i;
    i += ch.length;
    let out = ch.normalize("NFKC").toLowerCase();
    out = out.replace(/[\u2018\u2019\u02bc\uff07`]/gu, "'");
    for (const c0 of out) {
      let c = c0;
      // Voiced sound marks left alone by NFKC (half-width ﾞ/ﾟ) compose with the previous kana.
      if ((c === "\u3099" || c === "\u309a") && text.length > 0) {
        const composed = (text.slice(-1) + c).normalize("NFC");
        if (composed.length === 1) {
          text = text.slice(0, -1) + composed;
          end[end.length - 1] = i;
          continue;
        }
      }
      if (KATAKANA.test(c)) c = String.fromCodePoint(c.codePointAt(0)! - 0x60);
      if (mode === "compact") {
        if (!KEEP_COMPACT.test(c)) continue;
      } else if (mode === "spaced") {
        if (c === "'") continue;
        if (!KEEP_COMPACT.test(c)) {
          pendingSpace = text.length > 0;
          continue;
        }
        if (pendingSpace) {
          text += " ";
          start.push(from);
          end.push(from);
          pendingSpace = false;
        }
      }
      text += c;
      start.push(from);
      end.push(i);
    }
  }
  return { text, start, end };
}

/** Visible for tests and for callers that want to de-duplicate copy. */
export function normaliseForLint(input: string, mode: Mode = "compact"): string {
  return normalise(input, mode).text;
}

const DATE_LITERAL =
  /\d{4}-\d{1,2}-\d{1,2}|\d{4}\/\d{1,2}\/\d{1,2}|(?:\d{4}年)?\d{1,2}月\d{1,2}日|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b|\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/iu;
/** Placeholders that are filled with a computed date from the offer's real parameters. */
const DATE_PLACEHOLDER = /\{(?:\w*On|\w*Date)\}/u;

function statesEndDate(text: string, source: "any" | "placeholder"): boolean {
  const nfkc = text.normalize("NFKC");
  if (DATE_PLACEHOLDER.test(nfkc)) return true;
  return source === "any" && DATE_LITERAL.test(nfkc);
}

/** Whether `text[i]` ends a sentence: 。！？!? or a line break, or a full stop before a space or the end ("e.g." inside a word does not). */
const endsSentence = (text: string, i: number) => /[。．！？!?\n]/u.test(text[i]!) || (text[i] === "." && (i + 1 === text.length || /\s/u.test(text[i + 1]!)));

/** The sentence of `text` around offset `at` (its end mark included). */
function sentenceAt(text: string, at: number): string {
  let from = at;
  while (from > 0 && !endsSentence(text, from - 1)) from--;
  let to = at;
  while (to < text.length && !endsSentence(text, to)) to++;
  return text.slice(from, to + 1);
}

/**
 * Figures of a discount, on the plain form (NFKC, lower case, hiragana: ％→%, ＯＦＦ→off, パーセント→ぱーせんと):
 * a percentage or 割 (any in a discount's copy states its rate), 半額 / half price, and yen off.
 */
const STATED_DISCOUNT =
  /(?<pct>\d+(?:\.\d+)?)\s*(?:%|ぱーせんと|percent\b)|(?<wari>\d+|[一二三四五六七八九十])\s*割(?!合)|(?<half>半額|はんがく|half (?:price|off))|(?:(?<yen>\d[\d,]*)\s*円|[¥￥]\s*(?<yenSign>\d[\d,]*))\s*(?:引|びき|off|おふ|値引|お得|おとく|安|やす)/gu;
const KANJI_DIGITS = "一二三四五六七八九十";

/** `discount_misstated`: each stated discount figure that is not the offer's own. */
function misstatedDiscounts(text: string, discount: { percentOff: number } | { amountOff: number }): LintFinding[] {
  const plain = normalise(text, "plain");
  const findings: LintFinding[] = [];
  for (const m of plain.text.matchAll(STATED_DISCOUNT)) {
    const g = m.groups!;
    const wari = g.wari === undefined ? undefined : /\d/u.test(g.wari) ? Number(g.wari) : KANJI_DIGITS.indexOf(g.wari) + 1;
    const percent = g.pct !== undefined ? Number(g.pct) : wari !== undefined ? wari * 10 : g.half !== undefined ? 50 : undefined;
    const yen = g.yen ?? g.yenSign;
    const stated = percent !== undefined ? "percentOff" in discount && discount.percentOff === percent : yen !== undefined && "amountOff" in discount && discount.amountOff === Number(yen.replaceAll(",", ""));
    if (stated) continue;
    const from = plain.start[m.index]!;
    findings.push({ rule: "discount_misstated", phrase: text.slice(from, plain.end[m.index + m[0].length - 1]!), index: from, reason: REASONS.discount_misstated });
  }
  return findings;
}

/** The patterns that apply: the always-on ones, and with an offer's terms the rules about them. */
function patternsFor(options: LintOptions): Pattern[] {
  const o = options.offer;
  if (!o) return PATTERNS;
  return [...PATTERNS, ...COMMITMENT, ...HIDDEN_TERMS, ...(o.discountEnds ? DISCOUNT_FOREVER : []), ...(o.givesFree ? [] : FALSE_FREE)];
}

/** Lint one piece of copy. An empty array means the copy is clean. */
export function lintCopy(text: string, options: LintOptions = {}): LintFinding[] {
  const compact = normalise(text, "compact");
  const forms: Record<Form, Normalised> = { compact, reading: readingForm(compact, text), spaced: normalise(text, "spaced") };
  const deadlineOk = statesEndDate(text, options.dateSource ?? "any");
  const findings: LintFinding[] = options.offer?.discount ? misstatedDiscounts(text, options.offer.discount) : [];
  const seen = new Set<string>();
  for (const p of patternsFor(options)) {
    if (p.deadline && deadlineOk) continue;
    const form = forms[p.mode];
    p.re.lastIndex = 0;
    for (const m of form.text.matchAll(p.re)) {
      if (m[0].length === 0) continue;
      const from = form.start[m.index]!;
      const to = form.end[m.index + m[0].length - 1]!;
      if (p.sentence) {
        const sentence = sentenceAt(text, from);
        if (!p.sentence.with.test(sentence.replace(AFTER_DISCOUNT, "")) || p.sentence.without?.test(sentence)) continue;
      }
      const key = `${p.rule}:${from}:${to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({ rule: p.rule, phrase: text.slice(from, to), index: from, reason: REASONS[p.rule] });
    }
  }
  // Overlapping findings of the same rule (e.g. 「効く」 inside 「必ず効く」) → keep the longest.
  const kept = findings.filter(
    (f) => !findings.some((g) => g !== f && g.rule === f.rule && g.index <= f.index && g.index + g.phrase.length >= f.index + f.phrase.length && g.phrase.length > f.phrase.length),
  );
  return kept.sort((a, b) => a.index - b.index || a.rule.localeCompare(b.rule));
}

/** Lint several texts (e.g. every string of a localized template); findings carry the field name. */
export function lintFields(fields: Record<string, string>, options: LintOptions = {}): (LintFinding & { field: string })[] {
  return Object.entries(fields).flatMap(([field, text]) => lintCopy(text, options).map((f) => ({ ...f, field })));
}

export function isCleanCopy(text: string, options: LintOptions = {}): boolean {
  return lintCopy(text, options).length === 0;
}
