/**
 * Localized text shared by the server and the browser: the one table of the few strings the API's
 * own surfaces (the `<tsuzuku-portal>` embed, the demo my-page) say themselves. Everything the
 * shop decides — reason labels, offer copy, rule refusals, receipts — comes from API answers in
 * the caller's language and is never repeated here.
 *
 * No imports and no runtime dependencies: this file is bundled into the browser embed
 * (src/portal/client) and type-checked there with DOM types, and imported on the server.
 */

/** The languages the API speaks. */
export type Language = "ja" | "en";

/** A text in both languages the API speaks. */
export type Localized = Record<Language, string>;

/** `lang` from any tag (`ja-JP`, `en-US`, …); anything else is Japanese, the shops' default. */
export function langOf(tag: string | null | undefined): Language {
  return tag?.trim().toLowerCase().startsWith("en") ? "en" : "ja";
}

/**
 * Copy of the my-page portal. Plain and neutral by rule: no urgency, no guilt, no "are you sure";
 * continuing to cancel reads exactly as plainly as keeping the subscription.
 * `{name}` placeholders are filled by `say`.
 */
export const PORTAL_TEXT = {
  title: { ja: "定期コースの管理", en: "Your subscriptions" },
  loading: { ja: "読み込み中です…", en: "Loading…" },
  none: { ja: "ご利用中の定期コースはありません。", en: "You have no subscriptions." },
  // Beside the product name, it tells apart two subscriptions of one product (and is what the shop's desk asks for).
  subscriptionNumber: { ja: "ご契約番号 {id}", en: "Subscription {id}" },
  statusActive: { ja: "お届け中", en: "Active" },
  statusPaused: { ja: "お休み中", en: "Paused" },
  statusCanceled: { ja: "解約済み", en: "Canceled" },
  nextDelivery: { ja: "次回お届け日", en: "Next delivery" },
  pausedUntil: { ja: "再開日", en: "Resumes on" },
  interval: { ja: "お届け間隔", en: "Delivery interval" },
  everyDays: { ja: "{n}日ごと", en: "Every {n} days" },
  quantity: { ja: "数量", en: "Quantity" },
  // What one delivery costs (unit price × quantity), with the sum written out when there are several.
  pricePerDelivery: { ja: "1回のお届けの価格", en: "Price per delivery" },
  priceTimesQuantity: { ja: "{total}（{unit} × {quantity}）", en: "{total} ({unit} × {quantity})" },
  // An accepted discount, in the words its offer promised it (offers/catalogue DISCOUNT_COPY).
  discountedPrice: { ja: "{price}（{label}・通常価格 {regular}）", en: "{price} ({label}; regular price {regular})" },
  percentOff: { ja: "{n}%オフ", en: "{n}% off" },
  amountOff: { ja: "{amount}引き", en: "{amount} off" },
  discount: { ja: "割引", en: "Discount" },
  discountDeliveries: {
    ja: "{first}のお届けから{n}回分（最終回は{last}のお届け）が{label}の{price}です。{fullOn}のお届けからは通常価格の{regular}に戻ります。",
    en: "Your {n} deliveries from {first} (the last one on {last}) cost {price} each ({label}). From the delivery on {fullOn}, the regular price of {regular} applies again.",
  },
  discountLast: {
    ja: "{first}のお届けが割引の最終回で、{label}の{price}です。{fullOn}のお届けからは通常価格の{regular}に戻ります。",
    en: "The delivery on {first} is the last discounted one, at {price} ({label}). From the delivery on {fullOn}, the regular price of {regular} applies again.",
  },
  skip: { ja: "次回のお届けをスキップ", en: "Skip the next delivery" },
  remainingSkips: { ja: "続けてあと{n}回スキップできます。", en: "You can skip {n} more in a row." },
  firstChangeable: { ja: "{date}以降のお届けを変更できます。", en: "Deliveries from {date} can be changed." },
  moveDelivery: { ja: "次回お届け日を変更", en: "Change the next delivery date" },
  newDate: { ja: "新しいお届け日", en: "New delivery date" },
  changeInterval: { ja: "お届け間隔を変更", en: "Change the delivery interval" },
  changeQuantity: { ja: "数量を変更", en: "Change the quantity" },
  newQuantity: { ja: "新しい数量（{min}〜{max}）", en: "New quantity ({min}–{max})" },
  pause: { ja: "お届けをお休み", en: "Pause deliveries" },
  resumeOn: { ja: "再開する日", en: "Resume on" },
  latestResumeOn: { ja: "{date}までの日を選べます。", en: "You can choose a date up to {date}." },
  resume: { ja: "お届けを再開", en: "Resume deliveries" },
  apply: { ja: "この内容で変更", en: "Apply" },
  changed: { ja: "変更しました。", en: "Your change is saved." },
  cancel: { ja: "解約する", en: "Cancel this subscription" },
  cancelTitle: { ja: "解約の手続き", en: "Cancel your subscription" },
  reasonQuestion: {
    ja: "よろしければ、解約の理由をお選びください（任意です）。",
    en: "If you like, tell us why you are cancelling (optional).",
  },
  noReason: { ja: "理由を選ばずに進む", en: "Continue without a reason" },
  offerIntro: {
    ja: "解約の代わりに、こちらもお選びいただけます。どちらでも構いません。",
    en: "Instead of cancelling, you can also choose this. Either is fine.",
  },
  acceptOffer: { ja: "こちらにする", en: "Choose this" },
  continueCancel: { ja: "解約の手続きを続ける", en: "Continue cancelling" },
  confirmTitle: { ja: "解約内容のご確認", en: "Check and confirm the cancellation" },
  // The day the cancellation takes effect, named as the receipt names it (cancel-flows/terms):
  // received inside the cut-off, that is the day of the last delivery, which is named apart.
  effectiveOn: { ja: "解約日", en: "Ends on" },
  lastDelivery: { ja: "最後のお届け", en: "Last delivery" },
  lastDeliveryCharge: { ja: "最後のお届けのご請求", en: "Charged for the last delivery" },
  nextStopped: { ja: "次回のお届け（{date}）は停止します。", en: "The next delivery ({date}) is stopped." },
  nextShips: { ja: "次回のお届け（{date}）は最後のお届けとして発送されます。", en: "The next delivery ({date}) ships as the last one." },
  charges: { ja: "解約に伴うご請求", en: "Charges on cancelling" },
  noCharges: { ja: "解約に伴うご請求はありません。", en: "Cancelling costs nothing extra." },
  total: { ja: "合計", en: "Total" },
  acknowledgeFee: { ja: "解約手数料 {amount} のお支払いを確認しました", en: "I acknowledge the early cancellation fee of {amount}" },
  confirmCancel: { ja: "解約を確定する", en: "Confirm the cancellation" },
  back: { ja: "一覧に戻る", en: "Back to your subscriptions" },
  receiptTitle: { ja: "解約を受け付けました", en: "Your cancellation is received" },
  confirmationNumber: { ja: "受付番号", en: "Confirmation number" },
  savedTitle: { ja: "お手続きが完了しました", en: "Done" },
  // The keep-in-touch question (the shop's wording) is answered by one of two equal choices, neither
  // chosen: a real yes and a real no. Choosing neither sends no answer.
  keepInTouchYes: { ja: "はい、ご案内を受け取る", en: "Yes, send me messages" },
  keepInTouchNo: { ja: "いいえ、受け取らない", en: "No, don't send me messages" },
  // Shown to a customer the shop may already write to (marketing consent, or an earlier yes): with no
  // answer that consent stays in force, so the page says so, and where to stop it.
  keepInTouchNeither: {
    ja: "どちらも選ばない場合は、これまでのご同意にもとづきショップからご案内をお送りすることがあります。マイページでいつでも停止できます。",
    en: "If you choose neither, the shop may write to you under the consent you gave before. You can stop it on this page at any time.",
  },
  // An optional radio question, once answered, can be taken back to "not answered".
  clearChoice: { ja: "選択を取り消す", en: "Clear this answer" },
  survey: { ja: "アンケート（任意）", en: "Survey (optional)" },
  returnOn: { ja: "再開のご予定があれば、その日付（任意）", en: "If you plan to come back, the date (optional)" },
  keepInTouchTitle: { ja: "ショップからのお知らせ", en: "Messages from the shop" },
  keepInTouchOn: { ja: "解約後のお知らせを受け取る設定です。いつでも停止できます。", en: "You have asked to hear from the shop after cancelling. You can stop it at any time." },
  keepInTouchByConsent: {
    ja: "メールマガジン等の受け取りにご同意いただいているため、解約後もショップからご案内をお送りすることがあります。いつでも停止できます。",
    en: "You agreed to receive the shop's news, so the shop may write to you after you cancel. You can stop it at any time.",
  },
  keepInTouchStop: { ja: "お知らせの受け取りを停止する", en: "Stop these messages" },
  keepInTouchStopped: { ja: "お知らせの受け取りを停止しました。", en: "You will no longer receive these messages." },
  sessionExpired: {
    ja: "接続の有効期限が切れました。ページを再読み込みすると続けられます。入力内容はそのままです。",
    en: "The connection has expired. Reload the page to continue; nothing you entered is lost.",
  },
  failed: { ja: "通信に失敗しました。もう一度お試しください。", en: "Something went wrong. Please try again." },
  demoTitle: { ja: "マイページ（デモ）", en: "My page (demo)" },
  demoIntro: {
    ja: "デモショップの顧客 {customer} としてログインしている想定のマイページです。下の枠が <tsuzuku-portal> です。",
    en: "A my-page as the demo shop's customer {customer} would see it. The box below is <tsuzuku-portal>.",
  },
} as const satisfies Record<string, Localized>;

export type PortalTextKey = keyof typeof PORTAL_TEXT;

/** The text in `lang` with `{name}` placeholders filled. */
export function say(key: PortalTextKey, lang: Language, vars: Record<string, string | number> = {}): string {
  return PORTAL_TEXT[key][lang].replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all));
}
