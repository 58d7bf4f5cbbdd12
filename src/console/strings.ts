/** The console's own labels, Japanese first. API text (reasons, offers, talk tracks, drivers, receipts) comes from the API in the operator's language. */
export type Lang = "ja" | "en";

const T = {
  console: { ja: "オペレーターコンソール", en: "Operator console" },
  skipToMain: { ja: "本文へ移動", en: "Skip to main content" },
  search: { ja: "お客様検索", en: "Find a customer" },
  searchLabel: { ja: "電話番号・メールアドレス・顧客ID", en: "Phone, e-mail or customer id" },
  searchButton: { ja: "検索", en: "Search" },
  knowledge: { ja: "ナレッジ", en: "Knowledge" },
  metrics: { ja: "指標", en: "Metrics" },
  logout: { ja: "ログアウト", en: "Log out" },
  language: { ja: "English", en: "日本語" },
  noCustomer: { ja: "該当するお客様はいません", en: "No customer found" },
  normalisedAs: { ja: "正規化した番号", en: "Number as normalised" },
  notAPhone: { ja: "電話番号として読めません", en: "Not a phone number we can read" },
  severalMatches: { ja: "複数のお客様が該当します。お客様を選んでください。", en: "Several customers match. Pick one." },
  karte: { ja: "カルテ", en: "Karte" },
  contact: { ja: "連絡先", en: "Contact" },
  subscriptions: { ja: "定期コース", en: "Subscriptions" },
  product: { ja: "商品", en: "Product" },
  interval: { ja: "お届け間隔", en: "Interval" },
  quantity: { ja: "数量", en: "Quantity" },
  nextDelivery: { ja: "次回お届け", en: "Next delivery" },
  status: { ja: "状態", en: "Status" },
  commitment: { ja: "契約条件", en: "Commitment" },
  days: { ja: "日ごと", en: "days" },
  risk: { ja: "解約リスク", en: "Churn risk" },
  drivers: { ja: "要因", en: "Drivers" },
  flags: { ja: "注意フラグ", en: "Flags" },
  route: { ja: "推奨ルート", en: "Route" },
  nextBestAction: { ja: "次の一手", en: "Next best action" },
  timeline: { ja: "履歴", en: "Timeline" },
  retention: { ja: "解約のご相談", en: "Retention" },
  subscription: { ja: "定期コース", en: "Subscription" },
  reason: { ja: "解約理由", en: "Reason" },
  showOffers: { ja: "提案を表示", en: "Show offers" },
  offers: { ja: "ご提案（おすすめ順）", en: "Offers, best first" },
  talkTrack: { ja: "トーク", en: "Talk track" },
  ask: { ja: "確認すること", en: "Ask" },
  say: { ja: "伝えること", en: "Say" },
  avoid: { ja: "言わないこと・注意", en: "Do not say" },
  observedSaveRate: { ja: "当店の実績阻止率", en: "Observed save rate" },
  noAnswersYet: { ja: "実績なし", en: "no answers yet" },
  apply: { ja: "この内容で変更する", en: "Apply this change" },
  cancel: { ja: "解約手続き", en: "Cancel the subscription" },
  confirmCancel: { ja: "解約を確定する", en: "Confirm cancellation" },
  feeReadOut: { ja: "解約手数料を読み上げ、お客様の了承を得ました", en: "I read out the fee and the customer agreed" },
  charges: { ja: "解約時の請求", en: "Charges if canceled now" },
  noCharges: { ja: "解約手数料はかかりません", en: "No fee applies" },
  logContact: { ja: "応対記録", en: "Log a contact" },
  topic: { ja: "用件", en: "Topic" },
  sentiment: { ja: "お客様の様子", en: "Sentiment" },
  note: { ja: "メモ", en: "Note" },
  save: { ja: "記録する", en: "Save" },
  knowledgeFor: { ja: "この理由・商品のナレッジ（よく使われる順）", en: "Knowledge for this reason and product, most used first" },
  markUsed: { ja: "使った", en: "Used it" },
  uses: { ja: "利用", en: "uses" },
  newEntry: { ja: "新着", en: "New" },
  done_saved: { ja: "プランを変更しました（継続）。", en: "Plan changed: the customer stays." },
  done_contact: { ja: "応対を記録しました。", en: "Contact logged." },
  done_used: { ja: "ナレッジの利用を記録しました。", en: "Marked as used." },
  receipt: { ja: "解約受付票", en: "Cancellation receipt" },
  confirmationNumber: { ja: "受付番号", en: "Confirmation number" },
  backToKarte: { ja: "カルテに戻る", en: "Back to the karte" },
  supervisorOnly: { ja: "この画面はスーパーバイザー専用です。", en: "This page is for supervisors." },
  sessionEnded: { ja: "セッションが終了しました。管理画面から新しいコンソールURLを開いてください。", en: "The session has ended. Open a new console URL from your admin tool." },
  loggedOut: { ja: "ログアウトしました。", en: "You are logged out." },
  error: { ja: "エラー", en: "Error" },
  none: { ja: "なし", en: "none" },
  saveRateByDay: { ja: "解約阻止率（日別）", en: "Save rate by day" },
  byReason: { ja: "理由別", en: "By reason" },
  byOffer: { ja: "提案別", en: "By offer" },
  byChannel: { ja: "チャネル別", en: "By channel" },
  summary: { ja: "全体", en: "Overall" },
  started: { ja: "開始", en: "Started" },
  savedN: { ja: "阻止", en: "Saved" },
  canceledN: { ja: "解約", en: "Canceled" },
  saveRate: { ja: "阻止率", en: "Save rate" },
  durableSaveRate: { ja: "継続阻止率", en: "Durable save rate" },
  churnRate: { ja: "解約率", en: "Churn rate" },
  reactivationRate: { ja: "再加入率", en: "Re-subscription rate" },
  holdoutLift: { ja: "ホールドアウト比リフト", en: "Lift over holdout" },
  medianSeconds: { ja: "解約にかかった時間（中央値・秒）", en: "Time to cancel (median, s)" },
  maxCalls: { ja: "解約にかかった操作回数（最大）", en: "Calls to cancel (worst)" },
  key: { ja: "区分", en: "Key" },
} satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof T;
export const t = (lang: Lang, key: StringKey) => T[key][lang];

/** Named risk patterns (`flags`), as operators call them. */
export const FLAG_LABELS: Record<string, Record<Lang, string>> = {
  first_delivery_canceller: { ja: "初回だけ解約", en: "Cancels after the first delivery" },
};

/** The `contact.logged` topics (events/schemas). */
export const CONTACT_TOPICS = ["inquiry", "cancel_request", "change_request", "complaint", "praise", "other"] as const;
export const TOPIC_LABELS: Record<string, Record<Lang, string>> = {
  inquiry: { ja: "お問い合わせ", en: "Inquiry" },
  cancel_request: { ja: "解約のご相談", en: "Cancel request" },
  change_request: { ja: "変更のご依頼", en: "Change request" },
  complaint: { ja: "苦情", en: "Complaint" },
  praise: { ja: "お褒め", en: "Praise" },
  other: { ja: "その他", en: "Other" },
};
export const SENTIMENTS = ["positive", "neutral", "negative"] as const;
export const SENTIMENT_LABELS: Record<string, Record<Lang, string>> = {
  positive: { ja: "前向き", en: "Positive" },
  neutral: { ja: "普通", en: "Neutral" },
  negative: { ja: "不満", en: "Negative" },
};
export const STATUS_LABELS: Record<string, Record<Lang, string>> = {
  active: { ja: "継続中", en: "Active" },
  paused: { ja: "休止中", en: "Paused" },
  canceled: { ja: "解約済み", en: "Canceled" },
};
export const ROUTE_LABELS: Record<string, Record<Lang, string>> = {
  self_service: { ja: "セルフサービス", en: "Self-service" },
  retention_specialist: { ja: "解約防止担当", en: "Retention specialist" },
  standard_queue: { ja: "通常窓口", en: "Standard queue" },
};
