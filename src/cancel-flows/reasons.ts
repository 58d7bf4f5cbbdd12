/**
 * The default cancellation reasons (解約理由). Pure data: the HTTP layer serves them from
 * `GET /v1/cancellation-reasons` in the caller's language and a tenant may later override the list.
 *
 * `followUpHint` is what the storefront / IVR / operator should ask next and which remedy usually
 * fits — it drives the talk tracks and is shown to operators; it is never a barrier to cancelling.
 */

// The shared vocabulary lives low (platform/localized-text); re-exported under the names this module's callers use.
import type { Language, Localized } from "../platform/localized-text";
export type Lang = Language;
export type { Localized };

export const CANCELLATION_REASON_CODES = [
  "surplus_stock",
  "too_expensive",
  "no_effect",
  "switching_competitor",
  "temporary_break",
  "moving",
  "health_or_life_change",
  "delivery_problem",
  "dissatisfied_service",
  "other",
] as const;

export type CancellationReasonCode = (typeof CANCELLATION_REASON_CODES)[number];

export type CancellationReason = {
  code: CancellationReasonCode;
  label: Localized;
  followUpHint: Localized;
};

export const DEFAULT_CANCELLATION_REASONS: readonly CancellationReason[] = [
  {
    code: "surplus_stock",
    label: { ja: "商品が余っている", en: "I have too much product left" },
    followUpHint: {
      ja: "お手元にあといくつ残っているかを伺い、実際の使用ペースに合わせたお届け間隔への変更か、次回のスキップをご案内します。",
      en: "Ask how many units are left; suggest a delivery interval that matches how fast they actually use it, or skipping the next delivery.",
    },
  },
  {
    code: "too_expensive",
    label: { ja: "料金が高い", en: "It is too expensive" },
    followUpHint: {
      ja: "1回あたりの金額とお届け間隔のどちらが負担かを伺い、数量を減らすプランか、期間と終了後の価格を明示した割引をご案内します。",
      en: "Ask whether the price per delivery or the frequency is the burden; suggest a smaller quantity or a time-limited discount, stating when it ends and the price afterwards.",
    },
  },
  {
    code: "no_effect",
    label: { ja: "効果が感じられない", en: "I don't feel it works for me" },
    followUpHint: {
      ja: "いつ頃から、どのように使っているかを伺い、使い方のご案内か、別の商品への変更をご案内します。効果・効能をお約束する表現は使いません。",
      en: "Ask since when and how they use it; offer usage guidance or switching to another product. Never promise results or health effects.",
    },
  },
  {
    code: "switching_competitor",
    label: { ja: "他社に切り替える", en: "I'm switching to another brand" },
    followUpHint: {
      ja: "差し支えなければ切り替え先の決め手（価格・内容・量）を伺い、価格が理由なら終了日が決まった割引（終了日と終了後の価格を明示）をご案内します。",
      en: "If they are willing, ask what made them choose the other brand (price, contents, size); if it is price, offer a time-limited discount with its end date and the price afterwards.",
    },
  },
  {
    code: "temporary_break",
    label: { ja: "しばらく不要（旅行・入院など）", en: "I don't need it for a while (travel, hospital stay)" },
    followUpHint: {
      ja: "いつ頃まで不要かを伺い、その日までのお休み（一時停止）か、次回のスキップをご案内します。お約束の日に自動でお届けが再開します。",
      en: "Ask until when they won't need it; offer a pause until that date or skipping the next delivery. Deliveries resume automatically on the date agreed.",
    },
  },
  {
    code: "moving",
    label: { ja: "引っ越しする", en: "I'm moving" },
    followUpHint: {
      ja: "引っ越しの時期を伺い、次回のお届け日を引っ越し後に変更し、新しいお届け先の登録をご案内します。",
      en: "Ask when they move; offer to move the next delivery to after the move and to register the new address.",
    },
  },
  {
    code: "health_or_life_change",
    label: { ja: "体調や生活の変化", en: "A change in my health or lifestyle" },
    followUpHint: {
      ja: "事情には深く立ち入らず、お休み（一時停止）やスキップも選べることだけをお伝えします。健康に関する助言や効果の説明はしません。",
      en: "Don't probe; only mention that a pause or skip is also possible. Give no health advice and make no claims about effects.",
    },
  },
  {
    code: "delivery_problem",
    label: { ja: "配送に関する問題", en: "A problem with delivery" },
    followUpHint: {
      ja: "どのような問題（受け取れない日時・破損・遅延など）かを伺い、お届け日の変更をご案内し、必要ならお詫びとともに担当部署へ連携します。",
      en: "Ask what went wrong (missed deliveries, damage, delays); offer to change the delivery date and, if needed, apologise and escalate to the team responsible.",
    },
  },
  {
    code: "dissatisfied_service",
    label: { ja: "サービスへの不満", en: "I'm unhappy with the service" },
    followUpHint: {
      ja: "ご不満の内容を伺って記録し、お詫びします。引き止めよりもご意見の記録を優先し、解約のご希望があればそのまま手続きを進めます。",
      en: "Listen, record the complaint and apologise. Recording the feedback comes before any offer; if they still want to cancel, proceed.",
    },
  },
  {
    code: "other",
    label: { ja: "その他", en: "Other" },
    followUpHint: {
      ja: "差し支えなければ理由を伺います。お答えいただかなくても解約はできます。",
      en: "Ask for the reason if they are willing to share; they can cancel without giving one.",
    },
  },
];

export function isCancellationReasonCode(value: string): value is CancellationReasonCode {
  return (CANCELLATION_REASON_CODES as readonly string[]).includes(value);
}

export function findReason(code: string, reasons: readonly CancellationReason[] = DEFAULT_CANCELLATION_REASONS): CancellationReason | undefined {
  return reasons.find((r) => r.code === code);
}

/** The reason list in one language, as `GET /v1/cancellation-reasons` answers it. */
export function localizeReasons(lang: Lang, reasons: readonly CancellationReason[] = DEFAULT_CANCELLATION_REASONS) {
  return reasons.map((r) => ({ code: r.code, label: r.label[lang], followUpHint: r.followUpHint[lang] }));
}
