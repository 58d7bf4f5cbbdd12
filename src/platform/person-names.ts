/**
 * Personal names in Japanese free text, found by how people write them rather than by a
 * dictionary: no morphological dictionary loads on Workers (kuromoji reads ~12 MB of files), and
 * Intl.Segmenter, which the insights use, tags no proper nouns. So a name is a run of kanji (1–4,
 * 々 ヶ included) or katakana (2–8), optionally a second such run after a space (family and given
 * name), standing where a name stands:
 * - before an honorific: 様 さま さん くん 君 ちゃん 氏 殿 先生 (山田さん, 担当の鈴木様) — not a role word
 *   (お客様, 皆様, 配達員さん, 奥さん: after お/ご, or 者 員 屋 店 社 客 方 皆 奥 母 父 子… at its end);
 * - in a self-introduction: 〜と申します, 〜と言います, 〜でございます;
 * - as 〜です at the start of a sentence, the sentence ending there (山田です。), unless it is one of
 *   the words that commonly stand so (残念です。不要です。); after 私は always.
 * It masks more than names now and then (a carrier's name before さん): for quotes, that errs the
 * safe way. Hiragana-only names are not found.
 */

const PART = String.raw`(?:[\p{Script=Han}々ヶ]{1,4}|[\p{Script=Katakana}ー]{2,8})`;
const FULL = String.raw`${PART}(?: ${PART})?`;
const MASK = "〔氏名〕";

const HONORIFIC = new RegExp(String.raw`(^|[^\p{Script=Han}\p{Script=Katakana}ー々ヶ])(${FULL})(?=様|さま|さん|くん|君|ちゃん|氏|殿|先生)`, "gu");
const INTRODUCTION = new RegExp(String.raw`(^|[^\p{Script=Han}\p{Script=Katakana}ー々ヶ])(${FULL})(?=と申します|と申す|と言います|といいます|でございます)`, "gu");
const SENTENCE_START = new RegExp(String.raw`(^|[。.!！?？\n]\s*|私は|わたしは|僕は|ぼくは)(${FULL})(?=(?:です|だ)(?:[。、,.!！?？\n ]|$))`, "gu");

/** Words people put before an honorific that are roles, not names. */
const ROLE_END = /[者員屋店社客方皆奥母父子姉兄妹弟娘婦様嫁長]$/u;
const ROLES = new Set(["主人", "旦那", "先生", "医者", "家族", "友人", "友達", "知人", "近所", "隣", "担当", "皆", "相手", "彼", "彼女", "ママ", "パパ", "スタッフ", "ドライバー", "オペレーター", "オペレータ"]);
/** Words that commonly open a sentence as 〜です。 and are no names. */
const PREDICATES = new Set([
  "残念", "不要", "大変", "便利", "不便", "十分", "満足", "不満", "必要", "無理", "心配", "面倒", "微妙", "以上", "以下", "結構", "了解", "大丈夫", "困難",
  "限界", "普通", "最高", "最悪", "高額", "割高", "未定", "不明", "本当", "正直", "問題", "当然", "可能", "不可能", "迷惑", "失礼", "感謝", "同様", "同感",
  "解約", "退会", "休止", "検討", "希望", "予定", "以前", "現在", "今回", "今", "前回", "次回", "無駄", "安心", "不安", "好き", "嫌い", "大好き", "苦手",
  "失望", "遺憾", "確認", "了承", "承知", "大事", "重要", "楽", "嫌", "謎", "疑問", "不思議", "変", "駄目", "ダメ", "ムリ", "ショック",
]);
const PREDICATE_END = /[的中済後前]$/u;

const isRole = (before: string, name: string) => /[おご]$/u.test(before) || ROLES.has(name) || ROLE_END.test(name);

/** `text` (NFKC-normalised: spaces are U+0020) with the personal names it finds replaced by 〔氏名〕. */
export function maskNames(text: string): string {
  return text
    .replace(HONORIFIC, (all, before: string, name: string) => (isRole(before, name) ? all : before + MASK))
    .replace(INTRODUCTION, (_all, before: string) => before + MASK)
    .replace(SENTENCE_START, (all, before: string, name: string) => (/^(?:私|わたし|僕|ぼく)は$/u.test(before) || !(PREDICATES.has(name) || PREDICATE_END.test(name)) ? before + MASK : all));
}
