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
  // One name for it, as the receipt the customer keeps writes it (cancel-flows/terms): 定期番号.
  subscriptionNumber: { ja: "定期番号 {id}", en: "Subscription {id}" },
  statusActive: { ja: "お届け中", en: "Active" },
  statusPaused: { ja: "お休み中", en: "Paused" },
  statusCanceled: { ja: "解約済み", en: "Canceled" },
  nextDelivery: { ja: "次回お届け日", en: "Next delivery" },
  pausedUntil: { ja: "再開日", en: "Resumes on" },
  interval: { ja: "お届け間隔", en: "Delivery interval" },
  quantity: { ja: "数量", en: "Quantity" },
  // What one delivery costs (unit price × quantity), with the sum written out when there are several.
  pricePerDelivery: { ja: "1回のお届けの価格", en: "Price per delivery" },
  // A price label with the shop's tax basis (plan-options pricesIncludeTax; 総額表示): the values stay as written.
  labelTaxIncluded: { ja: "{label}（税込）", en: "{label} (including tax)" },
  labelTaxExcluded: { ja: "{label}（税別）", en: "{label} (plus tax)" },
  priceTimesQuantity: { ja: "{total}（{unit} × {quantity}）", en: "{total} ({unit} × {quantity})" },
  // An accepted discount, in the words its offer promised it (offers/catalogue DISCOUNT_COPY).
  discountedPrice: { ja: "{price}（{label}・通常価格 {regular}）", en: "{price} ({label}; regular price {regular})" },
  percentOff: { ja: "{n}%オフ", en: "{n}% off" },
  amountOff: { ja: "{amount}引き", en: "{amount} off" },
  discount: { ja: "割引", en: "Discount" },
  // The commitment disclosed at sign-up, on the card: the customer need not start cancelling to learn it.
  commitment: { ja: "回数のお約束", en: "Commitment" },
  commitmentOpen: {
    ja: "{min}回のお受け取り（これまで{done}回、残り{remaining}回）。残り{remaining}回をお受け取りになる前に解約すると、解約手数料{fee}がかかります。",
    en: "{min} deliveries ({done} received, {remaining} to go). Cancelling before the remaining {remaining} brings an early-cancellation fee of {fee}.",
  },
  commitmentMet: { ja: "{min}回のお受け取りが済んでいます。解約手数料はかかりません。", en: "{min} deliveries, all received: no early-cancellation fee." },
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
  // The cut-off said as what it means: from which day a delivery can still be changed, and (when the
  // next delivery is before it) that one named as already being prepared.
  firstChangeable: { ja: "お届け日は{date}以降の日付に変更できます。", en: "You can move a delivery to any day from {date}." },
  firstChangeablePrepared: {
    ja: "{next}のお届けは、すでに発送の準備に入っているため変更できません。{date}以降のお届けは、日付・間隔・数量などを変更できます。",
    en: "The delivery on {next} is already being prepared and can no longer be changed. Deliveries from {date} can be changed (date, interval, quantity and more).",
  },
  moveDelivery: { ja: "次回お届け日を変更", en: "Change the next delivery date" },
  newDate: { ja: "新しいお届け日", en: "New delivery date" },
  changeInterval: { ja: "お届け間隔を変更", en: "Change the delivery interval" },
  changeQuantity: { ja: "数量を変更", en: "Change the quantity" },
  newQuantity: { ja: "新しい数量（{min}〜{max}）", en: "New quantity ({min}–{max})" },
  // A field the browser would refuse in its own (often English) bubble, said beside the field in the page's language.
  fieldMissing: { ja: "入力してください。", en: "Please fill this in." },
  numberRange: { ja: "{min}から{max}までの数字で入力してください。", en: "Enter a whole number from {min} to {max}." },
  dateFrom: { ja: "{min}以降の日付を選んでください。", en: "Choose a date on or after {min}." },
  dateUntil: { ja: "{max}までの日付を選んでください。", en: "Choose a date on or before {max}." },
  dateRange: { ja: "{min}から{max}までの日付を選んでください。", en: "Choose a date from {min} to {max}." },
  dateOutside: { ja: "選べる期間の外の日付です。", en: "That date is outside the dates you can choose." },
  pause: { ja: "お届けをお休み", en: "Pause deliveries" },
  resumeOn: { ja: "再開する日", en: "Resume on" },
  // A date field's range, said beside it before it is sent (its error says it again if a day outside is chosen).
  choosableRange: { ja: "{min}から{max}までの日を選べます。", en: "You can choose a date from {min} to {max}." },
  choosableFrom: { ja: "{min}以降の日を選べます。", en: "You can choose a date from {min}." },
  choosableUntil: { ja: "{max}までの日を選べます。", en: "You can choose a date up to {max}." },
  // The shop's closed days in that range (plan-options closedDates: 年末年始), said before a date is sent.
  closedDays: { ja: "{days}はショップのお届け休業日です。", en: "The shop delivers nothing {days}." },
  closedRun: { ja: "{from}から{to}まで", en: "from {from} to {to}" },
  closedDay: { ja: "{from}", en: "on {from}" },
  dateClosed: { ja: "{date}はショップのお届け休業日です。休業日以外の日付を選んでください。", en: "The shop delivers nothing on {date}: choose a day it delivers." },
  resume: { ja: "お届けを再開", en: "Resume deliveries" },
  // Resuming says when the first delivery ships and what it costs before it is confirmed.
  resumeFirst: { ja: "最初のお届け日", en: "First delivery on" },
  resumeTerms: { ja: "最初のお届けは{date}、1回のお届けの価格は{price}です。", en: "The first delivery ships on {date}, at {price}." },
  resumeApply: { ja: "この日で再開する", en: "Resume with this date" },
  working: { ja: "処理中…", en: "Working…" },
  versionConflict: {
    ja: "他の画面で変更されたため、最新の内容を表示しました。もう一度お選びください。",
    en: "This subscription was changed in another window, so it now shows the latest. Please choose again.",
  },
  // A label and its value, with the language's own colon (full-width in Japanese).
  labelled: { ja: "{label}：{value}", en: "{label}: {value}" },
  // A my-page for one subscription names it, so two embeds on a page read apart.
  titleFor: { ja: "定期コースの管理：{product}", en: "Your subscription: {product}" },
  // A plan change is never applied from its form: the form leads to the review (特定商取引法 §12-6
  // final confirmation), whose button says that it commits.
  apply: { ja: "変更内容を確認する", en: "Review this change" },
  reviewTitle: { ja: "変更内容のご確認", en: "Check your change" },
  reviewIntro: {
    ja: "まだ変更されていません。以下の内容でよろしければ「この内容で変更する」を押してください。",
    en: "Nothing has changed yet. If this is right, press \"Confirm this change\".",
  },
  fromTo: { ja: "{from} → {to}", en: "{from} → {to}" },
  skippedDelivery: { ja: "スキップするお届け", en: "Delivery skipped" },
  // The next delivery's charge: what one delivery costs at the new plan (a discount it carries included).
  nextCharge: { ja: "次回のお届けのご請求額", en: "Charged for the next delivery" },
  nextChargeValue: { ja: "{price}（{date}のお届け分）", en: "{price} (the delivery on {date})" },
  confirmChange: { ja: "この内容で変更する", en: "Confirm this change" },
  cancelChange: { ja: "変更せずに戻る", en: "Go back without changing" },
  changed: { ja: "変更しました。", en: "Your change is saved." },
  // After a change: which plan (product and number: two plans of one product read apart), what
  // changed and what happens next, dates as the API's own texts write them (platform/dates writeDate).
  changedOn: { ja: "{product}（定期番号 {id}）：{what}", en: "{product} (subscription {id}): {what}" },
  changedSkip: { ja: "次回のお届けを1回スキップしました。次回のお届けは{date}です。", en: "The next delivery is skipped. Your next delivery is on {date}." },
  changedNextDelivery: { ja: "次回のお届け日を{date}に変更しました。", en: "Your next delivery is moved to {date}." },
  changedInterval: { ja: "お届け間隔を{n}日ごとに変更しました。次回のお届けは{date}で、その後は{n}日ごとにお届けします。", en: "Deliveries now come every {n} days: the next on {date}, then every {n} days." },
  changedIntervalMonth: { ja: "お届け間隔を1ヶ月ごとに変更しました。次回のお届けは{date}で、その後は毎月{day}日（その日がない月は末日）にお届けします。", en: "Deliveries now come every month: the next on {date}, then on day {day} of each month (the last day in shorter months)." },
  changedIntervalMonths: { ja: "お届け間隔を{n}ヶ月ごとに変更しました。次回のお届けは{date}で、その後は{n}ヶ月ごとの{day}日（その日がない月は末日）にお届けします。", en: "Deliveries now come every {n} months: the next on {date}, then on day {day} every {n} months (the last day in shorter months)." },
  changedQuantity: { ja: "数量を{n}に変更しました。{date}のお届けから、1回のお届けの価格は{price}です。", en: "The quantity is now {n}. From the delivery on {date}, each delivery costs {price}." },
  changedPause: { ja: "お届けをお休みにしました。{date}のお届けから再開します。", en: "Deliveries are paused. They resume with the delivery on {date}." },
  // A request that moved nothing (the API answers `change: null`): said as such, not as a change.
  unchanged: { ja: "変更はありません。ご契約の内容はそのままです。", en: "Nothing changed: your subscription stays as it was." },
  changedResume: { ja: "お届けを再開しました。次回のお届けは{date}です。", en: "Deliveries are resumed. Your next delivery is on {date}." },
  // The current choice among the intervals offered: picked already, and said so.
  currentChoice: { ja: "{label}（現在のお届け間隔）", en: "{label} (current)" },
  // The interval choices in two groups when the shop offers both (portal #monthGroup): what each keeps.
  intervalMonthsGroup: { ja: "月ごと（お届け日は毎回{day}日）", en: "By the month (delivered on day {day} each time)" },
  intervalMonthsGroupEnd: { ja: "月ごと（お届け日は毎回{day}日、その日がない月は末日）", en: "By the month (delivered on day {day} each time, the last day in shorter months)" },
  intervalMonthsGroupNoDay: { ja: "月ごと（お届け日は毎回同じ日）", en: "By the month (delivered on the same day each time)" },
  intervalDaysGroup: { ja: "日数ごと（前回のお届けから数えるため、お届け日の日付は毎回変わります）", en: "By the number of days (counted from the last delivery, so the date changes each time)" },
  // Restarting a cancelled plan (reactivate): its own final confirmation of what restarts, with a
  // button that says it commits; the plan is 「定期コース」, as everywhere else in the portal.
  restart: { ja: "定期コースを再開する", en: "Restart this subscription" },
  restartTitle: { ja: "再開内容のご確認", en: "Check your restart" },
  restartIntro: {
    ja: "まだ再開されていません。以下の内容でよろしければ「この内容で定期コースを再開する」を押してください。",
    en: "Nothing has restarted yet. If this is right, press \"Restart with these terms\".",
  },
  product: { ja: "商品", en: "Product" },
  restartFirst: { ja: "再開後最初のお届け日", en: "First delivery after the restart" },
  restartContinues: { ja: "{date}の最後のお届けがそのまま次回のお届けとなり、解約はなかったものとして続きます。", en: "The last delivery on {date} becomes your next delivery, and the subscription goes on as if never canceled." },
  restartFeeWaived: { ja: "解約と同じ日のお手続きのため、解約は取り消しとなり、解約手数料{amount}はかかりません。", en: "Restarted today, the cancellation is undone and the early-cancellation fee of {amount} is not charged." },
  restartFeeStands: { ja: "解約手数料{amount}は、再開後もそのままご請求となります。", en: "The early-cancellation fee of {amount} is still charged after the restart." },
  restartNoOffer: { ja: "再開にあたって適用される割引・特典はありません。", en: "No discount or offer applies to this restart." },
  confirmRestart: { ja: "この内容で定期コースを再開する", en: "Restart with these terms" },
  cancelRestart: { ja: "再開せずに戻る", en: "Go back without restarting" },
  restarted: { ja: "定期コースを再開しました。次回のお届けは{date}です。", en: "Your subscription is restarted. Your next delivery is on {date}." },
  // After a restart: the cancellation's receipt no longer describes the plan.
  restartedCancellation: { ja: "以前の解約（受付番号 {number}）は、今回の再開により無効となりました。", en: "The earlier cancellation ({number}) no longer applies." },
  // …and, restarted in time, its fee is not charged: the number once, with the fee (trial55).
  restartedFeeWaived: { ja: "解約（受付番号 {number}）は取り消しとなり、解約手数料{amount}はかかりません。", en: "The cancellation ({number}) is undone, and its fee of {amount} is not charged." },
  // The comeback offer the shop sent (winback.due, by mail or LINE) on the cancelled plan's card:
  // what it gives (the shop's own copy) and until when, then two equal ways: with it, or without.
  comebackTitle: { ja: "お送りした再開特典", en: "The offer we sent you for restarting" },
  comebackUntil: { ja: "{date}までに再開のお手続きをされた場合にご利用いただけます。", en: "It applies if you restart by {date}." },
  restartWithOffer: { ja: "特典を使って再開する", en: "Restart with this offer" },
  restartWithoutOffer: { ja: "特典を使わずに再開する", en: "Restart without the offer" },
  restartOffer: { ja: "適用される特典", en: "Offer applied" },
  // The offer could not be taken after all (its time ran out, the shop withdrew it): nothing restarted.
  comebackGone: {
    ja: "お送りした再開特典は、ご利用期限が過ぎたか、ショップが提供を終了したため、ご利用いただけなくなりました。定期コースは再開されていません。特典なしで再開する場合は、もう一度「定期コースを再開する」からお手続きください。",
    en: "The offer we sent can no longer be used: its time ran out, or the shop no longer offers it. Your subscription has not restarted. To restart without it, start again with \"Restart this subscription\".",
  },
  comebackExpired: {
    ja: "お送りした再開特典のご利用期限は{date}まででした。定期コースは再開されていません。特典なしで再開する場合は、もう一度「定期コースを再開する」からお手続きください。",
    en: "The offer we sent could be used until {date}. Your subscription has not restarted. To restart without it, start again with \"Restart this subscription\".",
  },
  cancel: { ja: "解約する", en: "Cancel this subscription" },
  cancelTitle: { ja: "解約の手続き", en: "Cancel your subscription" },
  // The offers step names itself: from the reasons it moves on under a heading that says offers came.
  offersTitle: { ja: "解約の前に：ご提案（{n}件）", en: "Before you cancel: offers for you ({n})" },
  reasonQuestion: {
    ja: "よろしければ、解約の理由をお選びください（任意です）。",
    en: "If you like, tell us why you are cancelling (optional).",
  },
  noReason: { ja: "理由を選ばずに進む", en: "Continue without a reason" },
  offerIntro: {
    ja: "解約のほかに、次の方法もお選びいただけます。もちろん、このまま解約の手続きを続けることもできます。",
    en: "Instead of cancelling, you can also choose one of these. You can also simply continue cancelling.",
  },
  // Says what it does: the subscription goes on, with the offer (never a bare "choose this").
  acceptOffer: { ja: "このご提案で継続する", en: "Keep my plan with this" },
  continueCancel: { ja: "解約の手続きを続ける", en: "Continue cancelling" },
  continueCancelNote: { ja: "解約内容のご確認に進みます。まだ解約はされません。", en: "Goes to the confirmation step. Nothing is canceled yet." },
  confirmTitle: { ja: "解約内容のご確認", en: "Check and confirm the cancellation" },
  // The day the cancellation takes effect, named as the receipt names it (cancel-flows/terms):
  // received inside the cut-off, that is the day of the last delivery, which is named apart.
  effectiveOn: { ja: "解約日", en: "Ends on" },
  lastDelivery: { ja: "最後のお届け", en: "Last delivery" },
  // A cancelled plan's card: what is still coming and charged, said first (nothing, the last delivery
  // the cut-off ships, the early-cancellation fee); what the plan was comes after, under its heading.
  afterCancelNothing: { ja: "今後のお届け・ご請求はありません。", en: "Nothing more will be delivered or charged." },
  afterCancelLast: { ja: "{date}の最後のお届けのほかに、今後のお届け・ご請求はありません。", en: "Apart from the last delivery on {date}, nothing more will be delivered or charged." },
  afterCancelLastAndFee: {
    ja: "{date}の最後のお届けと解約手数料のほかに、今後のお届け・ご請求はありません。",
    en: "Apart from the last delivery on {date} and the early-cancellation fee, nothing more will be delivered or charged.",
  },
  afterCancelFee: { ja: "解約手数料のほかに、今後のお届け・ご請求はありません。", en: "Apart from the early-cancellation fee, nothing more will be delivered or charged." },
  cancellationFee: { ja: "解約手数料", en: "Early-cancellation fee" },
  planBeforeCancel: { ja: "解約前のご契約内容", en: "Your plan before cancelling" },
  lastDeliveryCharge: { ja: "最後のお届けのご請求", en: "Charged for the last delivery" },
  nextStopped: { ja: "次回のお届け（{date}）は停止します。", en: "The next delivery ({date}) is stopped." },
  nextShips: { ja: "次回のお届け（{date}）は最後のお届けとして発送されます。", en: "The next delivery ({date}) ships as the last one." },
  charges: { ja: "解約に伴うご請求", en: "Charges on cancelling" },
  noCharges: { ja: "解約に伴うご請求はありません。", en: "Cancelling costs nothing extra." },
  total: { ja: "合計", en: "Total" },
  acknowledgeFee: { ja: "解約手数料{amount}がかかることを確認しました", en: "I acknowledge the early cancellation fee of {amount}" },
  confirmCancel: { ja: "解約を確定する", en: "Confirm the cancellation" },
  back: { ja: "一覧に戻る", en: "Back to your subscriptions" },
  receiptTitle: { ja: "解約を受け付けました", en: "Your cancellation is received" },
  confirmationNumber: { ja: "受付番号", en: "Confirmation number" },
  // How to keep the receipt's number: nothing the product does not do (no e-mail is promised).
  keepNumber: {
    ja: "お問い合わせの際は、この受付番号をお伝えください。控えとして、この画面を印刷するか、番号を書き留めておいてください。",
    en: "Quote this number if you contact the shop. To keep it, print this page or write the number down.",
  },
  printReceipt: { ja: "この画面を印刷する", en: "Print this page" },
  // After an accepted offer: plainly that the subscription goes on and was not cancelled, and when
  // the next delivery and charge are.
  savedTitle: { ja: "定期コースは解約されず、続きます", en: "Your subscription continues: it was not canceled" },
  savedContinues: { ja: "{product}の定期コースは解約されていません。このまま続きます。", en: "Your {product} subscription was not canceled and goes on." },
  savedNext: { ja: "次回のお届けは{date}、ご請求額は{price}です。", en: "Your next delivery is on {date}, charged {price}." },
  savedResumes: { ja: "お届けはお休み中で、{date}のお届けから再開します。そのお届けのご請求額は{price}です。", en: "Deliveries are paused and resume with the delivery on {date}, charged {price}." },
  savedNoChange: { ja: "ご契約の内容は変わっていません。", en: "Nothing about your plan has changed." },
  savedStillCancel: {
    ja: "ご案内をご覧になったうえで解約される場合は、「解約の手続きを続ける」から解約内容の確認に進めます。",
    en: "If you still want to cancel after reading this, \"Continue cancelling\" takes you to the confirmation.",
  },
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
  // The survey stays folded behind this one control: confirming never needs it.
  surveyToggle: { ja: "アンケートに答える（任意）", en: "Answer a short survey (optional)" },
  returnOn: { ja: "再開のご予定があれば、その日付（任意）", en: "If you plan to come back, the date (optional)" },
  keepInTouchTitle: { ja: "ショップからのお知らせ", en: "Messages from the shop" },
  // What is in force, then the one thing the card's button does: the shop's question is not asked again.
  keepInTouchOn: { ja: "解約後もショップからのお知らせを受け取る設定になっています。いつでも停止できます。", en: "You have asked to hear from the shop after cancelling. You can stop these messages at any time." },
  keepInTouchByConsent: {
    ja: "メールマガジン等の受け取りにご同意いただいているため、解約後もショップからご案内をお送りすることがあります。いつでも停止できます。",
    en: "You agreed to receive the shop's news, so the shop may write to you after you cancel. You can stop it at any time.",
  },
  keepInTouchStop: { ja: "お知らせの受け取りを停止する", en: "Stop these messages" },
  keepInTouchStopped: { ja: "お知らせの受け取りを停止しました。", en: "You will no longer receive these messages." },
  // The customer's objection to profiling (個人情報保護法 §35 利用停止, CCPA/CPRA opt-out, GDPR Art. 21):
  // what it is now in plain words, what stopping it changes and what it does not, then a checkbox and
  // 「設定を保存する」. Its confirmation says the state saved, so a second press that sends nothing reads the same.
  dataUseTitle: { ja: "お客様情報の取り扱い", en: "How your information is used" },
  dataUseOn: {
    ja: "現在、ご購入・ご利用の履歴を、解約の可能性の予測や、お客様に合わせたご提案の選定に利用しています。",
    en: "Your purchase and usage history is currently used to estimate how likely you are to cancel and to choose offers for you.",
  },
  dataUseOff: {
    ja: "お客様のご希望により、ご購入・ご利用の履歴を使った分析を停止しています。",
    en: "At your request, your purchase and usage history is not used for this analysis.",
  },
  dataUseChanges: { ja: "停止している間は、次のようになります。", en: "While it is stopped:" },
  dataUseNoRisk: {
    ja: "解約の可能性を予測する分析を行いません。分析の仕組みの改善（学習）にも、お客様の履歴は使いません。",
    en: "We do not estimate how likely you are to cancel, and your history is not used to improve (train) that analysis.",
  },
  dataUseNoPersonal: {
    ja: "解約のお手続きでのご提案を、お客様の履歴にもとづいて選ぶことはありません。",
    en: "Offers shown when you cancel are not chosen from your history.",
  },
  dataUseNoComeback: {
    ja: "解約後に、再開のご案内をお送りすることはありません。",
    en: "You will not receive messages inviting you back after you cancel.",
  },
  dataUseKept: {
    ja: "定期コースのお届けや、ご注文・お届けに関するメールはこれまでどおりです。解約のお手続きの際も、どなたにもご案内しているショップの通常のご提案は表示されます。この設定はいつでも変更できます。",
    en: "Your deliveries and e-mails about your orders carry on as before, and when you cancel you still see the shop's usual offers open to everyone. You can change this at any time.",
  },
  dataUseStop: { ja: "履歴を使った分析を停止する", en: "Stop using my history for this analysis" },
  dataUseSave: { ja: "設定を保存する", en: "Save this setting" },
  dataUseSavedOff: {
    ja: "設定を保存しました。ご購入・ご利用の履歴を分析に利用しない設定です。",
    en: "Saved: your purchase and usage history is not used for this analysis.",
  },
  dataUseSavedOn: {
    ja: "設定を保存しました。ご購入・ご利用の履歴を分析に利用する設定です。",
    en: "Saved: your purchase and usage history is used for this analysis.",
  },
  dataUseUnread: {
    ja: "現在の設定を読み込めませんでした。通信の状態をご確認のうえ、読み込み直してください。",
    en: "We could not load your current setting. Check your connection and load it again.",
  },
  // The customer session ran out (or was ended) and the shop's page gave no new one: in the
  // customer's words, what is NOT done (nothing was), then what to do. Reloading starts the step again.
  sessionExpired: {
    ja: "時間が経ったため、この画面の表示を続けられなくなりました。お手数ですが、下の「画面を読み込み直す」を押してください。",
    en: "Time has run out on this page. Please press \"Reload this page\" below.",
  },
  sessionExpiredCancel: {
    ja: "解約はまだ完了していません。時間が経ったため、この画面でお手続きを続けられなくなりました。お手数ですが、下の「画面を読み込み直す」を押して、もう一度「解約する」からお進みください。",
    en: "Your subscription is NOT canceled yet: time ran out on this page, so the cancellation could not go on. Please press \"Reload this page\" below and start again with \"Cancel this subscription\".",
  },
  sessionExpiredChange: {
    ja: "変更はまだ反映されていません。時間が経ったため、この画面でお手続きを続けられなくなりました。お手数ですが、下の「画面を読み込み直す」を押して、もう一度お手続きください。",
    en: "Your change has NOT been made yet: time ran out on this page. Please press \"Reload this page\" below and make the change again.",
  },
  sessionExpiredRestart: {
    ja: "定期コースはまだ再開されていません。時間が経ったため、この画面でお手続きを続けられなくなりました。お手数ですが、下の「画面を読み込み直す」を押して、もう一度「定期コースを再開する」からお進みください。",
    en: "Your subscription has NOT restarted yet: time ran out on this page. Please press \"Reload this page\" below and start again with \"Restart this subscription\".",
  },
  // The button under a sessionExpired* message: the page loads again, and the shop's page hands it a new session.
  reloadPage: { ja: "画面を読み込み直す", en: "Reload this page" },
  failed: { ja: "通信に失敗しました。もう一度お試しください。", en: "Something went wrong. Please try again." },
  // A change sent whose answer was lost (the connection dropped): the portal read the plan again.
  failedNotApplied: {
    ja: "通信が途切れたため、お手続きは完了していません。内容は変わっていません。もう一度お試しください。",
    en: "The connection dropped and nothing was changed. Please try again.",
  },
  // …or could not read it either: it may have gone through. The same press again is safe (same Idempotency-Key).
  failedUnknown: {
    ja: "通信が途切れたため、お手続きが完了したか確認できませんでした。通信が戻ってから、もう一度同じボタンを押してください。すでに完了していた場合も、二重のお手続きにはなりません。",
    en: "The connection dropped, so we could not confirm whether this went through. When you are back online, press the same button again: if it already went through, it will not be done twice.",
  },
  // Confirm found the flow ended by a plan change or an accepted offer (another window): not cancelled.
  flowSavedMeanwhile: {
    ja: "解約はされていません。お手続きの間にプランが変更された（または特典が選ばれた）ため、この解約のお手続きは終了しました。現在のご契約内容を表示しています。解約する場合は、もう一度「解約する」からお進みください。",
    en: "Your subscription was not canceled: it was changed (or an offer was accepted) while you were here, which ended this cancellation. It now shows as it is. To cancel, start again with \"Cancel this subscription\".",
  },
  // Refusals in the customer's words (portal/client/refusals.ts maps the API's codes to these); the
  // API's own detail is written for the shop's developers and is never shown, but a rule's refusal is.
  feeNotAcknowledged: {
    ja: "解約を確定するには、解約手数料{amount}のお支払いについて確認のチェックを入れてください。",
    en: "To confirm, tick the box to acknowledge the early cancellation fee of {amount}.",
  },
  feeNotAcknowledgedNoAmount: {
    ja: "解約を確定するには、解約手数料のお支払いについて確認のチェックを入れてください。",
    en: "To confirm, tick the box to acknowledge the early cancellation fee.",
  },
  refusedNotFound: { ja: "この定期コースが見つかりません。ページを再読み込みしてください。", en: "We could not find this subscription. Please reload the page." },
  refusedAlreadyCanceled: { ja: "この定期コースはすでに解約されています。ページを再読み込みすると最新の状態を表示します。", en: "This subscription has already been canceled. Reload the page to see it as it is now." },
  refusedChangedMeanwhile: { ja: "お手続きの間に内容が変わりました。ページを再読み込みして、最新の内容でもう一度お試しください。", en: "Something changed while you were here. Reload the page and try again with what it shows now." },
  refusedTermsChanged: {
    ja: "お手続きの間に、解約の条件が変わりました（次回のお届けの準備が始まった場合など）。上に表示した新しい条件をご確認のうえ、よろしければもう一度「解約を確定する」を押してください。",
    en: "The terms of cancelling changed while you were here (for example, the next delivery is now being prepared). Check the new terms shown above and, if you agree, press \"Confirm the cancellation\" again.",
  },
  refusedFlowEnded: { ja: "この解約のお手続きはすでに終了しています。一覧に戻って、最新の状態をご確認ください。", en: "This cancellation has already been completed or closed. Go back to your subscriptions to see where things stand." },
  refusedFlowExpired: {
    ja: "このお手続きは終了しました（時間が経ったか、別の画面でお手続きが進んだため）。現在のご契約内容を表示しています。解約する場合は、もう一度「解約する」からお進みください。",
    en: "This step has ended (time passed, or it went on in another window). Your subscription now shows as it is. To cancel, start again with \"Cancel this subscription\".",
  },
  refusedOfferUnavailable: { ja: "このご提案は現在お選びいただけません。解約の手続きを続けるか、一覧に戻ってください。", en: "This offer is no longer available. You can continue cancelling or go back to your subscriptions." },
  refusedBusy: { ja: "前のお手続きを処理しています。少し待ってから、もう一度お試しください。", en: "Your previous request is still being processed. Please wait a moment and try again." },
  refusedTooMany: { ja: "ただいま混み合っています。少し時間をおいて、もう一度お試しください。", en: "We are receiving too many requests. Please wait a little and try again." },
  refusedTooManyFor: { ja: "ただいま混み合っています。{n}秒ほど待ってから、もう一度お試しください。", en: "We are receiving too many requests. Please try again in about {n} seconds." },
  refusedUnavailable: { ja: "ただいま一時的にお手続きができません。{n}秒ほど待ってから、もう一度お試しください。", en: "This is unavailable for a moment. Please try again in about {n} seconds." },
  // The first send of this very change has not finished (or was cut off): it may yet apply, or not.
  refusedUnsettled: {
    ja: "お手続きが完了したかどうかを確認できませんでした。変更が反映されている場合があります。二重のお手続きにならないよう、ページを再読み込みして、現在のご契約内容をご確認ください。",
    en: "We could not confirm whether your change went through: it may have been applied. So it is not made twice, reload the page and check your subscription as it is now.",
  },
  // While the portal waits out a Retry-After and sends the same request again (retry.ts).
  retryUnsettled: { ja: "前回のお手続きの結果を確認しています…", en: "Checking on your previous request…" },
  slowAnswer: { ja: "応答に時間がかかっています。画面を閉じずに、このままお待ちください…", en: "This is taking longer than usual. Please keep this page open…" },
  retryBusy: { ja: "ただいま混み合っています。{n}秒後に自動でやり直します…", en: "We are busy right now. Trying again in {n} seconds…" },
  // A card's plan-options unread (offline): no change is offered on guessed limits until they are.
  optionsUnavailable: {
    ja: "変更できる内容（お届け日・間隔・数量・お休みの上限など）を読み込めませんでした。通信の状態をご確認のうえ、読み込み直してください。",
    en: "We could not load what you can change (delivery dates, intervals, quantities, pause limits). Check your connection and load them again.",
  },
  optionsReload: { ja: "読み込み直す", en: "Load again" },
  // The embed cannot work as the shop set it up (no session, a mangled one, this page's origin not allowed).
  refusedSetup: { ja: "マイページを表示できませんでした。お手数ですが、ショップにお問い合わせください。", en: "We could not show your subscriptions here. Please contact the shop." },
  refusedSignIn: { ja: "ログインの状態を確認できませんでした。ページを再読み込みしてください。", en: "We could not confirm that you are signed in. Please reload the page." },
  refusedInput: { ja: "入力内容を確認して、もう一度お試しください。", en: "Please check what you entered and try again." },
  refusedAccount: { ja: "このアカウントではお手続きできません。ショップにお問い合わせください。", en: "This can't be done for your account. Please contact the shop." },
  refused: {
    ja: "お手続きを完了できませんでした。ページを再読み込みして、もう一度お試しください。解決しない場合はショップにお問い合わせください。",
    en: "We could not complete this. Please reload the page and try again; if it still does not work, contact the shop.",
  },
  demoTitle: { ja: "マイページ（デモ）", en: "My page (demo)" },
  demoIntro: {
    ja: "デモショップの顧客 {customer} としてログインしている想定のマイページです。下の枠が <tsuzuku-portal> です。",
    en: "A my-page as the demo shop's customer {customer} would see it. The box below is <tsuzuku-portal>.",
  },
} as const satisfies Record<string, Localized>;

export type PortalTextKey = keyof typeof PORTAL_TEXT;

/** `template` with its `{name}` placeholders filled from `vars`; a placeholder `vars` does not name stays as written. */
export function fillIn(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all));
}

/** The text in `lang` with `{name}` placeholders filled. */
export function say(key: PortalTextKey, lang: Language, vars: Record<string, string | number> = {}): string {
  return fillIn(PORTAL_TEXT[key][lang], vars);
}
