/**
 * Recurring themes in what leaving customers wrote, pure: word segmentation with the runtime's
 * `Intl.Segmenter` (ICU's dictionary-based Japanese word breaker, on Node and workerd alike),
 * content words kept, counted once per comment; two-word phrases are two content words next to
 * each other or joined by one particle (「値段が高い」, 「在庫がたまる」 come out as 値段が高い…).
 * Examples are quoted with personal data masked (platform/phone maskPersonalData) — the caller
 * masks before passing texts in.
 */

export type Theme = { text: string; count: number; examples: string[] };

const segmenter = new Intl.Segmenter("ja", { granularity: "word" });

/** Function words and fillers that carry no theme. */
const STOP = new Set(["する", "した", "して", "です", "ます", "ない", "なる", "ある", "いる", "こと", "もの", "ため", "よう", "とき", "さん", "特に", "なし", "一度", "今", "方", "気", "感じ", "感じる", "思う", "思い"]);
const CONTENT = /[\p{Script=Han}\p{Script=Katakana}]|[A-Za-z]{2,}/u;

type Token = { text: string; content: boolean };

export function tokens(text: string): Token[] {
  // A masked span (〔電話番号〕) is not a word of the customer's.
  return [...segmenter.segment(text.replace(/〔[^〕]*〕/gu, " "))]
    .filter((s) => s.isWordLike)
    .map((s) => ({ text: s.segment, content: CONTENT.test(s.segment) && !STOP.has(s.segment) }));
}

/** Content words and two-word phrases of one comment, each once. */
export function termsOf(text: string): { words: Set<string>; phrases: Set<string> } {
  const ts = tokens(text);
  // A lone kanji is usually a verb stem cut from its ending (合|わない): a theme only inside a phrase.
  const words = new Set(ts.filter((t) => t.content && t.text.length > 1).map((t) => t.text));
  const phrases = new Set<string>();
  for (let i = 0; i < ts.length; i++) {
    if (!ts[i]!.content) continue;
    if (ts[i + 1]?.content) phrases.add(ts[i]!.text + ts[i + 1]!.text);
    else if (ts[i + 1] && ts[i + 1]!.text.length <= 2 && ts[i + 2]?.content) phrases.add(ts[i]!.text + ts[i + 1]!.text + ts[i + 2]!.text);
  }
  return { words, phrases };
}

const quote = (s: string) => (s.length > 80 ? `${s.slice(0, 79)}…` : s);

/** The `top` words and phrases by the number of comments they appear in (ties: alphabetical), with up to two example quotes each. */
export function themes(comments: readonly string[], top = 10): { terms: Theme[]; phrases: Theme[] } {
  const words = new Map<string, Theme>();
  const phrases = new Map<string, Theme>();
  const add = (m: Map<string, Theme>, key: string, comment: string) => {
    const t = m.get(key) ?? { text: key, count: 0, examples: [] };
    t.count++;
    if (t.examples.length < 2 && !t.examples.includes(quote(comment))) t.examples.push(quote(comment));
    m.set(key, t);
  };
  for (const c of comments) {
    const { words: w, phrases: p } = termsOf(c);
    for (const x of w) add(words, x, c);
    for (const x of p) add(phrases, x, c);
  }
  const best = (m: Map<string, Theme>) => [...m.values()].filter((t) => t.count >= 2).sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : 1)).slice(0, top);
  return { terms: best(words), phrases: best(phrases) };
}
