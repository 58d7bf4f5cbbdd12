/**
 * The exit survey (解約アンケート): a few questions a shop asks when a customer leaves, always
 * optional, and the keep-in-touch question (特定電子メール法: contact after cancelling needs an
 * opt-in, so it is asked, unchecked, never pre-ticked). Pure: defaults, localisation, answers.
 */
import type { Language, Localized } from "../platform/localized-text";
import { BIDI_CONTROL } from "../platform/openapi";

export type SurveyOption = { code: string; label: Localized };
export type ExitSurveyQuestion = { id: string; kind: "choice" | "text"; prompt: Localized; options?: SurveyOption[] };
export type ExitSurvey = { questions: ExitSurveyQuestion[]; keepInTouchWording: Localized; custom: boolean };
export type SurveyAnswer = { questionId: string; answer: string };

/** A "what would bring you back" answer that names nothing. */
export const NOTHING = "nothing";
export const COMEBACK_QUESTION = "bring_back";

export const DEFAULT_KEEP_IN_TOUCH: Localized = {
  ja: "今後、ショップから再開のご案内や新商品のお知らせをメール等でお送りしてもよろしいですか？（任意・いつでも停止できます）",
  en: "May the shop write to you now and then about restarting and new products? (Optional; you can stop it at any time.)",
};

export const DEFAULT_EXIT_SURVEY: ExitSurveyQuestion[] = [
  {
    id: "why_started",
    kind: "choice",
    prompt: { ja: "始めたきっかけは何でしたか？", en: "What made you start?" },
    options: [
      { code: "friend", label: { ja: "知人のすすめ", en: "A friend's recommendation" } },
      { code: "ad", label: { ja: "広告", en: "An ad" } },
      { code: "search", label: { ja: "検索", en: "A web search" } },
      { code: "store", label: { ja: "店頭", en: "In a store" } },
      { code: "season", label: { ja: "季節・行事のため", en: "For a season or an event" } },
      { code: "other", label: { ja: "その他", en: "Other" } },
    ],
  },
  { id: "liked", kind: "text", prompt: { ja: "気に入っていた点があれば教えてください。", en: "What did you like?" } },
  { id: "why_stopped", kind: "text", prompt: { ja: "やめようと思った決め手は何でしたか？", en: "What made you stop?" } },
  {
    id: "going_instead",
    kind: "choice",
    prompt: { ja: "今後はどうされますか？", en: "Where are you going instead?" },
    options: [
      { code: "another_brand", label: { ja: "他社の商品", en: "Another brand" } },
      { code: "store_bought", label: { ja: "店頭で都度購入", en: "Buying in stores when needed" } },
      { code: "none", label: { ja: "使わない", en: "Nothing" } },
      { code: "undecided", label: { ja: "未定", en: "Not decided" } },
    ],
  },
  {
    id: COMEBACK_QUESTION,
    kind: "choice",
    prompt: { ja: "どのような条件なら再開を考えますか？", en: "What would bring you back?" },
    options: [
      { code: "lower_price", label: { ja: "価格が下がる", en: "A lower price" } },
      { code: "smaller_size", label: { ja: "少ない量・小さいサイズ", en: "A smaller size" } },
      { code: "longer_interval", label: { ja: "お届け間隔を長くできる", en: "Less frequent deliveries" } },
      { code: "season", label: { ja: "季節が来たら", en: "When the season comes back" } },
      { code: NOTHING, label: { ja: "特になし", en: "Nothing" } },
    ],
  },
];

export function localizeSurvey(survey: ExitSurvey, lang: Language) {
  return {
    optional: true as const,
    questions: survey.questions.map((q) => ({ id: q.id, kind: q.kind, prompt: q.prompt[lang], ...(q.options ? { options: q.options.map((o) => ({ code: o.code, label: o.label[lang] })) } : {}) })),
    keepInTouch: { wording: survey.keepInTouchWording[lang], default: null },
  };
}

export const MAX_TEXT_ANSWER = 1000;

/**
 * Answers the survey can keep, and the ones it cannot (unknown question, an option not offered, a
 * repeated question), each with why. The survey never blocks a cancellation: the caller records
 * the usable answers, reports the rest and confirms anyway.
 */
export function checkAnswers(survey: ExitSurvey, answers: readonly (SurveyAnswer | null)[]): { kept: SurveyAnswer[]; ignored: { index: number; message: Localized }[] } {
  const kept: SurveyAnswer[] = [];
  // `index` is the answer's place in the list sent, as validation errors' paths name it (`survey.3`);
  // entries of the wrong shape (null) are reported by the caller under the same paths.
  const ignored: { index: number; message: Localized }[] = [];
  const seen = new Set<string>();
  for (const [index, a] of answers.entries()) {
    if (a === null) continue;
    const q = survey.questions.find((x) => x.id === a.questionId);
    const answer = a.answer.trim();
    if (!q) ignored.push({ index, message: { en: `"${a.questionId}" is not a question of this survey`, ja: `「${a.questionId}」はこのアンケートにない質問です` } });
    else if (seen.has(q.id)) ignored.push({ index, message: { en: "Answered twice; the first answer is kept", ja: "同じ質問に2回回答されています。最初の回答を記録しました" } });
    else if (answer === "") ignored.push({ index, message: { en: "Empty answer", ja: "回答が空です" } });
    else if (BIDI_CONTROL.test(answer)) ignored.push({ index, message: { en: "Text-direction controls (U+202A–U+202E, U+2066–U+2069) would make the answer read in another order; not kept", ja: "文字の表示方向を変える制御文字（U+202A〜U+202E、U+2066〜U+2069）を含むため、記録しませんでした" } });
    else if (q.kind === "choice" && !q.options?.some((o) => o.code === answer)) ignored.push({ index, message: { en: `Not one of the options: ${q.options?.map((o) => o.code).join(", ")}`, ja: `選択肢にない回答です（選択肢: ${q.options?.map((o) => o.code).join(", ")}）` } });
    else {
      seen.add(q.id);
      kept.push({ questionId: q.id, answer: answer.slice(0, MAX_TEXT_ANSWER) });
    }
  }
  return { kept, ignored };
}

/** Whether the survey named something that would bring the customer back. */
export function namedComeback(answers: readonly SurveyAnswer[] | null | undefined): boolean {
  const a = answers?.find((x) => x.questionId === COMEBACK_QUESTION);
  return a !== undefined && a.answer !== NOTHING;
}

const OPTION_CODE = /^[a-z][a-z0-9_]{1,63}$/;

/**
 * The answers without the customer's own words, for erasure: option codes stay (they are the
 * shop's vocabulary and feed the statistics), every free-text answer goes. An answer is kept only
 * when it has the shape of an option code, so no survey version is needed to tell them apart.
 */
export function withoutFreeText(answers: readonly SurveyAnswer[] | null | undefined): SurveyAnswer[] | null {
  if (!answers) return null;
  return answers.filter((a) => OPTION_CODE.test(a.answer));
}
