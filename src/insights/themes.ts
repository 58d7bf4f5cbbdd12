/**
 * Recurring themes in what leaving customers wrote, pure. Words come from the runtime's
 * `Intl.Segmenter` (ICU's dictionary-based Japanese word breaker, on Node and workerd alike, no
 * dictionary to load), but ICU cuts verbs and adjectives mid-word (合|わ|ない, 潰|れ|て), so its
 * segments are first merged into bunsetsu-like units: a content word with the okurigana and
 * auxiliaries that follow it (合わない, 潰れていた), then the particles after it (が, を, の…).
 * Terms are nouns and whole words (在庫, 値段, 高い); phrases are a noun with its particle and the
 * next unit (値段が高い, 時間が合わない, 配達の時間) or two nouns written together (定期便,
 * 肌荒れ), never across a sentence or clause end (。、！？, a line or a space). Counted once per
 * comment. Examples are the comments quoted whole, distinct, personal data masked by the caller
 * (platform/phone maskPersonalData) before the texts come in.
 */

export type Theme = { text: string; count: number; examples: string[] };

const segmenter = new Intl.Segmenter("ja", { granularity: "word" });

/** Words that carry no theme (function words, fillers, formal nouns, adverbs). */
const STOP = new Set([
  "する", "した", "して", "です", "ます", "ない", "なる", "ある", "いる", "こと", "もの", "ため", "よう", "とき", "さん", "特に", "なし", "一度", "一旦", "今", "今回", "方", "気",
  "感じ", "感じる", "思う", "思い", "後で", "間", "時", "前", "後", "中", "上", "下", "他", "次", "月", "日", "年", "回", "分", "込み", "全然", "少し", "もう少し", "自分",
]);
/** Verb stems that say nothing of the reason (思った, 言われた). */
const VERB_STOP = new Set(["思", "思い", "言", "言い", "考え"]);
/** A hiragana unit that opens with one of these is an auxiliary, a formal noun or an adverb, not a theme (します, なくなった, まだ). */
const HIRAGANA_STOP = /^(?:し|す|さ|せ|ま|で|な|あ|い|お|ござ|くだ|こと|もの|ため|よう|とき|ところ|ほう|とても|すごく|ちょっと|もう|やっぱり|ずっと|かなり|しばらく|なかなか|たぶん|けっこう|ぜんぜん)/u;
/** A segment with a kanji, katakana or a Latin word in it. */
const CONTENT = /[\p{Script=Han}\p{Script=Katakana}ー]|[A-Za-z]{2,}/u;
/** All kanji/katakana/Latin: a noun as ICU writes it (在庫, ドラッグストア), not a word carrying its okurigana. */
const NOUN = /^[\p{Script=Han}\p{Script=Katakana}ー々A-Za-z]+$/u;
/** A word ICU writes with its okurigana that is a noun (支払い, 見直し, 問い合わせ, 肌荒れ): a verb's noun form, not an adjective (高い). */
const NOMINAL = /^\p{Script=Han}[\p{Script=Han}\p{Script=Hiragana}]*(?:[しせえみりきちびれけげめね]|\p{Script=Han}い)$/u;
const nounish = (w: string) => NOUN.test(w) || NOMINAL.test(w) || /^[おご]\p{Script=Han}+$|^\p{Script=Han}+(?:ども|たち|さま)$/u.test(w);
const KATAKANA = /^[\p{Script=Katakana}ー]+$/u;
/** One okurigana (a verb's joining form) between kanji, inside a compound word: 飲み忘れ, 使い方, 取り扱い. */
const JOINING = /^[いきしちひみりぎじびえけせめれげべ]$/u;
const HIRAGANA = /^[\p{Script=Hiragana}ー]+$/u;
const DIGITS = /^[0-9０-９]+$/u;
/** Particles after a word (and the formal nouns こと, もの, which end it as well), longest first. か is left out: it is okurigana far more often (遅かった, 続かない). */
const PARTICLES = ["けれど", "なので", "なのに", "こと", "もの", "ので", "のに", "けど", "から", "まで", "より", "だと", "では", "でも", "には", "とは", "など", "が", "を", "は", "も", "に", "で", "と", "の", "へ", "や"];
/** Particles that tie a noun to the next word in a phrase (値段が高い, 配達の時間). */
const LINKS = new Set(["が", "を", "は", "も", "に", "で", "の", "へ"]);
/** Links that lead only to a verb or adjective: 苦手で続かなかった, not 引っ越しで住所. */
const TO_PREDICATE = new Set(["に", "で", "へ"]);
/** A single-kanji noun is a theme on its own only as a subject or object (味が, 量が, 箱を). */
const CASE = new Set(["が", "を", "は", "も"]);
/** How a finished inflection ends, so a particle may follow it (使わない|ので, 続けて|も); not a stem (わ|から). */
const ENDS_WORD = /[いうくすつぬむるただずんて]$/u;

/** A unit: a noun, or a word with its okurigana and auxiliaries; `particle` is what follows it. */
type Unit = { text: string; noun: boolean; term: boolean; particle: string; content: boolean; stem?: string };

/** `tail` (hiragana after a word) cut into the word's own ending, its particles, and what follows (the next hiragana word). */
function splitTail(tail: string): { attached: string; particles: string; rest: string } {
  for (let i = 0; i < tail.length; i++) {
    if (i > 0 && !ENDS_WORD.test(tail.slice(0, i))) continue;
    const p = PARTICLES.find((x) => tail.startsWith(x, i));
    // で of できる, に of にくい, が of 上がる are not particles (実感できない, 飲みにくい, 上がった).
    if (!p || tail.startsWith("でき", i) || tail.startsWith("にく", i) || (p === "が" && /^[っらりるれろ]/u.test(tail.slice(i + 1)))) continue;
    let j = i + p.length;
    for (let q = PARTICLES.find((x) => tail.startsWith(x, j)); q; q = PARTICLES.find((x) => tail.startsWith(x, j))) j += q.length;
    return { attached: tail.slice(0, i), particles: tail.slice(i, j), rest: tail.slice(j) };
  }
  return { attached: tail, particles: "", rest: "" };
}

/** The units of one clause (no sentence or clause end inside), in order; a counter after a number (2袋, 3か月) is dropped. */
function unitsOf(segs: readonly string[]): Unit[] {
  const out: Unit[] = [];
  const hiraganaWords = (tail: string) => {
    while (tail) {
      const { attached, particles, rest } = splitTail(tail);
      if (attached) out.push({ text: attached, noun: false, term: false, particle: particles, content: attached.length >= 3 && !HIRAGANA_STOP.test(attached) && !STOP.has(attached) });
      else if (out.length) out[out.length - 1]!.particle += particles;
      tail = rest;
    }
  };
  let i = 0;
  while (i < segs.length) {
    const s = segs[i]!;
    if (!CONTENT.test(s)) {
      if (HIRAGANA.test(s)) {
        let tail = "";
        while (i < segs.length && HIRAGANA.test(segs[i]!)) tail += segs[i++];
        hiraganaWords(tail);
      } else {
        // A number, a symbol: not a word, and what it joins is not a phrase.
        if (out.length) out[out.length - 1]!.particle += "・";
        i++;
      }
      continue;
    }
    // A run of content segments: nouns written together, the last one possibly carrying okurigana (後で, 支払い) that ends the run.
    const afterNumber = i > 0 && (DIGITS.test(segs[i - 1]!) || (/^[かヶケ]$/u.test(segs[i - 1]!) && i > 1 && DIGITS.test(segs[i - 2]!)));
    const run: string[] = [];
    while (i < segs.length && CONTENT.test(segs[i]!)) {
      const s = segs[i++]!;
      const last = run[run.length - 1];
      // ICU cuts katakana loanwords (カス|タマー); kanji joined by one okurigana are one word (飲|み|忘れ → 飲み忘れ).
      if (last !== undefined && KATAKANA.test(last) && KATAKANA.test(s)) run[run.length - 1] = last + s;
      else run.push(s);
      if (i + 1 < segs.length && NOUN.test(run[run.length - 1]!) && JOINING.test(segs[i]!) && /^\p{Script=Han}/u.test(segs[i + 1]!)) run[run.length - 1] += segs[i++]! + segs[i++]!;
      if (!NOUN.test(run[run.length - 1]!)) break;
    }
    if (afterNumber && run[0]!.length === 1) run.shift();
    let tail = "";
    while (i < segs.length && HIRAGANA.test(segs[i]!)) tail += segs[i++];
    const { attached, particles, rest } = splitTail(tail);
    // Okurigana or an auxiliary after the run: its last segment is a verb or adjective, whole with them (合わない, 実感できなかった).
    const verb = attached ? run.pop() : undefined;
    for (const w of run) {
      out.push({ text: w, noun: nounish(w), term: !STOP.has(w) && (nounish(w) || w.endsWith("い")), particle: "", content: !STOP.has(w) });
    }
    if (verb !== undefined) {
      // A noun made a verb by する/できる (肌荒れ|してしまった, 実感|できない) is still a theme on its own.
      const suru = nounish(verb) && verb.length > 1 && /^(?:し|す|さ|せ|でき)/u.test(attached);
      out.push({ text: verb + attached, noun: false, term: false, particle: particles, content: !VERB_STOP.has(verb), ...(suru && !STOP.has(verb) ? { stem: verb } : {}) });
    } else if (out.length && run.length) out[out.length - 1]!.particle = particles;
    hiraganaWords(rest);
  }
  return out;
}

/** What ends a sentence or clause. */
const BREAK = /[。．.！？!?、，,；;：:\s「」『』（）()【】…～〜]/u;

/** The segments of each sentence and clause: a masked span (〔電話番号〕) is not the customer's words, and ends one too. */
function clauses(text: string): string[][] {
  const out: string[][] = [[]];
  for (const { segment } of segmenter.segment(text.replace(/〔[^〕]*〕/gu, "。"))) {
    if (BREAK.test(segment)) {
      if (out[out.length - 1]!.length) out.push([]);
    } else out[out.length - 1]!.push(segment);
  }
  return out;
}

export type Terms = { words: Set<string>; phrases: Set<string> };

/** Terms (nouns, whole words) and phrases of one comment, each once. */
export function termsOf(text: string): Terms {
  const words = new Set<string>();
  const phrases = new Set<string>();
  for (const clause of clauses(text)) {
    const us = unitsOf(clause);
    for (let k = 0; k < us.length; k++) {
      const u = us[k]!;
      const next = us[k + 1];
      if (u.term && u.content && (u.text.length > 1 || (u.noun && CASE.has(u.particle)))) words.add(u.text);
      if (u.stem) words.add(u.stem);
      if (!u.noun || !u.content || !next?.content) continue;
      // Two nouns written together (定期便, 海外出張), or a noun, its particle and the next word (値段が高い).
      if (u.particle === "" && next.noun) phrases.add(u.text + next.text);
      else if (LINKS.has(u.particle) && (u.particle === "の" ? next.noun : !TO_PREDICATE.has(u.particle) || !next.noun)) phrases.add(u.text + u.particle + next.text);
    }
  }
  return { words, phrases };
}

const quote = (s: string) => {
  const t = s.trim().replace(/\s+/gu, " ");
  return t.length > 80 ? `${t.slice(0, 79)}…` : t;
};

/** Quotes kept per theme while counting, to choose two from that no theme above has used yet. */
const CANDIDATES = 6;

/**
 * The `top` words and phrases by the number of comments they appear in (ties: alphabetical), with
 * up to two example quotes each: distinct, and where the comments allow, not a quote a theme
 * ranked above it (terms, then phrases) already shows. `analysed`: each comment's terms, shared
 * between calls over the same comments (the route's per-reason and overall lists) so a text
 * is segmented once.
 */
export function themes(comments: readonly string[], top = 10, analysed: Map<string, Terms> = new Map()): { terms: Theme[]; phrases: Theme[] } {
  const words = new Map<string, Theme>();
  const phrases = new Map<string, Theme>();
  const add = (m: Map<string, Theme>, key: string, q: string) => {
    const t = m.get(key) ?? m.set(key, { text: key, count: 0, examples: [] }).get(key)!;
    t.count++;
    if (t.examples.length < CANDIDATES && !t.examples.includes(q)) t.examples.push(q);
  };
  for (const c of comments) {
    const { words: w, phrases: p } = analysed.get(c) ?? analysed.set(c, termsOf(c)).get(c)!;
    if (w.size === 0 && p.size === 0) continue;
    const q = quote(c);
    for (const x of w) add(words, x, q);
    for (const x of p) add(phrases, x, q);
  }
  const best = (m: Map<string, Theme>) => [...m.values()].filter((t) => t.count >= 2).sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : 1)).slice(0, top);
  const used = new Set<string>();
  const pick = (ts: Theme[]) =>
    ts.map((t) => {
      const fresh = t.examples.filter((q) => !used.has(q));
      const examples = [...fresh, ...t.examples.filter((q) => used.has(q))].slice(0, 2);
      for (const q of examples) used.add(q);
      return { ...t, examples };
    });
  const terms = pick(best(words));
  return { terms, phrases: pick(best(phrases)) };
}
