/** The console's own labels, Japanese first. API text (reasons, offers, talk tracks, drivers, receipts) comes from the API in the operator's language. */
import { fillIn, type Language } from "../platform/localized-text";

/** The console speaks the API's languages (platform/localized-text). */
export type Lang = Language;

const T = {
  console: { ja: "オペレーターコンソール", en: "Operator console" },
  skipToMain: { ja: "本文へ移動", en: "Skip to main content" },
  search: { ja: "お客様検索", en: "Find a customer" },
  searchLabel: { ja: "電話番号・メール・顧客ID・お名前", en: "Phone, e-mail, customer id or name" },
  searchButton: { ja: "検索", en: "Search" },
  sessionEndsSoon: { ja: "この画面の接続は{time}に切れます（あと約{n}分）。入力中のメモは保存してください。切れた後は、新しいコンソールのURLから開き直すと、保存していないメモが戻ります。", en: "This console session ends at {time} (in about {n} min). Save the note you are typing; after it ends, open a new console URL and an unsaved note comes back." },
  slashShortcut: { ja: "「/」キーで検索へ", en: "“/” key to search" },
  knowledge: { ja: "ナレッジ", en: "Knowledge" },
  knowledgeSearch: { ja: "ナレッジ検索", en: "Search the knowledge" },
  knowledgeFound: { ja: "ナレッジ検索の結果: {n}件", en: "Knowledge search: {n} found" },
  metrics: { ja: "指標", en: "Metrics" },
  logout: { ja: "ログアウト", en: "Log out" },
  language: { ja: "English", en: "日本語" },
  noCustomer: { ja: "該当するお客様はいません", en: "No customer found" },
  searchHint: { ja: "お名前はフリガナ（カナ・ひらがな）か漢字で、姓だけ・名だけでも検索できます。見つからないときは電話番号・メールアドレス・顧客ID・定期番号でお探しください。", en: "Search a name in kana or kanji, the family or given name alone too. Not found: try the phone, e-mail, customer id or plan id." },
  nameResults: { ja: "お名前「{name}」で該当するお客様", en: "Customers named “{name}”" },
  nameResultsIntro: { ja: "お客様にお電話番号の下4桁やお住まいの地域、ご契約の商品をお尋ねして選んでください。", en: "Ask the caller for the last 4 digits of their phone, where they live or what they receive, and pick them." },
  nameMore: { ja: "さらに該当があります。電話番号などで絞り込んでください。", en: "More customers match: narrow it down by phone number or another detail." },
  noNameMatch: { ja: "お名前「{name}」に該当するお客様はいません。", en: "No customer is named “{name}”." },
  colName: { ja: "お名前（フリガナ）", en: "Name (reading)" },
  colPhone: { ja: "電話番号 下4桁", en: "Phone, last 4" },
  colPlace: { ja: "地域", en: "Area" },
  colPlans: { ja: "ご契約中の定期コース", en: "Plans" },
  noPlans: { ja: "定期コースなし", en: "No plans" },
  unknownValue: { ja: "登録なし", en: "Not on file" },
  sharedPhone: { ja: "この電話番号はほかのお客様（ご家族など）と共有されています。お名前でご本人を確認してください。", en: "This phone number is shared with other customers (a household): confirm the caller by name." },
  normalisedAs: { ja: "お調べした番号", en: "Number looked up" },
  notAPhone: { ja: "電話番号として読めません", en: "Not a phone number we can read" },
  areaCodeHint: { ja: "固定電話は市外局番から入力してください（例: 011-537-4484）。", en: "Give a landline with its area code (e.g. 011-537-4484)." },
  notFoundByName: {
    ja: "別の電話番号・メールアドレスでご登録の場合があります。お名前を伺い、上の検索欄にフリガナか漢字で入力して検索してください。",
    en: "They may be registered with another number or e-mail. Ask their name and type it, in kana or kanji, into the search box above.",
  },
  noCustomerId: { ja: "この顧客IDまたは定期番号のお客様は見つかりません。顧客IDと定期番号は大文字・小文字を区別します。", en: "No customer or plan has this id. Ids are case-sensitive." },
  searchAs: { ja: "「{id}」で検索する", en: "Search for “{id}”" },
  withheldCaller: { ja: "発信者番号が通知されていません（非通知または通知不可能）。お客様に電話番号または顧客番号をお尋ねください。", en: "The caller's number was withheld or unavailable: ask the caller for their phone number or customer number." },
  sharedPhoneIntro: { ja: "この電話番号はご家族などで共有されています。お名前と、ご契約の商品やお届け予定をお尋ねして、お電話の方を選んでください。", en: "This phone number is shared (a household): ask the caller's name and which plan they are calling about, then pick them." },
  changedFrom: { ja: "{now}（これまでの{before}から変更）", en: "{now} (was {before})" },
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
  risk: { ja: "解約リスク", en: "Churn risk" },
  drivers: { ja: "要因", en: "Drivers" },
  flags: { ja: "注意フラグ", en: "Flags" },
  route: { ja: "推奨ルート", en: "Route" },
  nextBestAction: { ja: "次の一手", en: "Next best action" },
  openThatPlan: { ja: "この定期コースを開く", en: "Open this plan" },
  timeline: { ja: "履歴", en: "Timeline" },
  retention: { ja: "解約のご相談", en: "Retention" },
  subscription: { ja: "定期コース", en: "Subscription" },
  reason: { ja: "解約理由", en: "Reason" },
  showOffers: { ja: "提案を表示", en: "Show offers" },
  offers: { ja: "ご提案（おすすめ順）", en: "Offers, best first" },
  noOffersForReason: { ja: "この理由でご案内できるご提案はありません。", en: "No offer for this reason." },
  canceledOn: { ja: "解約日", en: "Ends on" },
  canceledVia: { ja: "受付", en: "Received via" },
  finalDelivery: { ja: "最後のお届け（解約後もお届けします）", en: "Last delivery (still shipping)" },
  talkTrack: { ja: "トーク", en: "Talk track" },
  ask: { ja: "確認すること", en: "Ask" },
  say: { ja: "伝えること", en: "Say" },
  avoid: { ja: "言わないこと・注意", en: "Do not say" },
  observedSaveRate: { ja: "当店の実績阻止率", en: "Observed save rate" },
  noAnswersYet: { ja: "実績なし", en: "no answers yet" },
  apply: { ja: "この内容で変更する", en: "Apply this change" },
  planChanges: { ja: "プランの変更", en: "Change the plan" },
  planChangesNote: { ja: "理由を伺わずにそのまま変更します（解約のご相談には記録されません）。", en: "Applied directly: no reason asked, not recorded as a cancellation request." },
  planChangesSaveNote: {
    ja: "解約理由を伺っています。ここで変更すると、解約のご相談は「継続」（解約阻止）として記録されます。",
    en: "The caller gave a reason to cancel: a change made here ends their cancel flow as saved (counted in the save rate).",
  },
  // The plan's open cancel flow, continued on the karte (cancel-flows/continuation).
  flowOpenTitleOpen: { ja: "開いている解約のご相談（手続き中）", en: "Open cancel flow (in progress)" },
  flowOpenTitleOffered: { ja: "開いている解約のご相談（ご提案中）", en: "Open cancel flow (offer shown)" },
  flowOpenContinue: {
    ja: "このご相談の続きとして対応します。解約理由・ご提案のお受け・解約の確定は、このご相談に記録されます（集計は始まった経路の「{channel}」）。",
    en: "You are continuing this flow: the reason, an accepted offer or the cancellation are recorded in it (counted under {channel}, where it started).",
  },
  flowStartedLabel: { ja: "開始", en: "Started" },
  flowStartedValue: { ja: "{at}・{channel}（{who}）", en: "{at}, {channel} ({who})" },
  flowStartedByOperator: { ja: "{at}・{who}", en: "{at}, {who}" },
  flowReasonLabel: { ja: "解約理由", en: "Reason" },
  flowReasonValue: { ja: "{reason}（{at}・{who}）", en: "{reason} ({at}, {who})" },
  flowNoReasonYet: { ja: "まだ伺っていません。下で選ぶと、このご相談の続きとして記録します。", en: "Not given yet. Picking one below records it in this flow." },
  flowCommentLabel: { ja: "お客様のコメント", en: "Customer's comment" },
  flowOffersLabel: { ja: "ご案内済みのご提案", en: "Offers already shown" },
  flowOffersHonoured: {
    ja: "{at}に{channel}でご案内済みで、まだお受けいただけます。ご案内は1回だけのため、別のご提案はせず、この内容をもう一度お伝えください。",
    en: "Shown on {channel} at {at}, and can still be taken. Offers are shown once per flow: repeat this one rather than offering another.",
  },
  flowNoOffers: { ja: "ご提案はしていません。", en: "No offer was shown." },
  flowDeclinedLately: {
    ja: "ご提案はしていません。{at}に{channel}でご案内した「{title}」をお受けいただかなかったためです（ご案内はどの窓口でも{days}日に1回で、{again}以降は再びご案内できます）。お客様に尋ねられたら、このとおりお伝えください。",
    en: "No offer was shown: “{title}”, shown on {channel} at {at}, was not taken (one offer in {days} days on any channel; offers can be shown again from {again}). If the caller asks, say so as it is.",
  },
  whoOperator: { ja: "オペレーター {name}", en: "operator {name}" },
  whoCustomer: { ja: "お客様ご自身", en: "the customer" },
  whoSystem: { ja: "ショップのシステム", en: "the shop's system" },
  restartReason: { ja: "別の理由で最初からやり直す", en: "Start over with another reason" },
  restart: { ja: "最初からやり直す", en: "Start over" },
  restartNote: {
    ja: "最初からやり直すと、いまのご相談は「やり直し」として閉じ、同じご相談の続きが新しく記録されます（途中でやめたことにはなりません）。お客様が別の理由を話された場合などにだけお使いください。",
    en: "Starting over closes the current flow as restarted and records its continuation as a new one (it does not count as left unfinished). Use it only when the caller gives another reason, for example.",
  },
  // How a flow on screen ended meanwhile: said to the operator in words to pass on to the caller.
  endedCanceled: {
    ja: "この定期コースは、{at}に{who}が解約を確定しています（受付番号 {n}）。お客様には「解約のお手続きは完了しています」とお伝えください。",
    en: "This subscription was cancelled at {at} by {who} (confirmation number {n}). Tell the caller the cancellation is complete.",
  },
  endedSavedByOffer: {
    ja: "この解約のご相談は、{at}に{who}がご提案をお受けして「継続」で終了しています。定期コースは解約されていません。",
    en: "This cancel flow ended at {at}: {who} accepted the offer and the customer stays. The subscription is not canceled.",
  },
  endedSavedByChange: {
    ja: "この解約のご相談は、{at}に{who}がプランを変更して「継続」で終了しています。定期コースは解約されていません。",
    en: "This cancel flow ended at {at}: {who} changed the plan and the customer stays. The subscription is not canceled.",
  },
  endedSuperseded: {
    ja: "この解約のご相談は、{at}に{who}が新しい解約のご相談を始めたため終了しています。いま開いているご相談を表示しました。内容をご確認のうえ、続きから対応してください。",
    en: "This cancel flow ended at {at} when {who} started a new one. The open flow is shown now: check it and continue from there.",
  },
  endedLeft: {
    ja: "この解約のご相談は、{at}に{who}が手続きを中断して終了しています。必要であれば、もう一度始めてください。",
    en: "This cancel flow ended at {at}: {who} left it unfinished. Start again if needed.",
  },
  endedExpired: {
    ja: "この解約のご相談は、有効期限（{at}）が過ぎて終了しています。必要であれば、もう一度始めてください。",
    en: "This cancel flow expired at {at}. Start again if needed.",
  },
  planChangesSavesOpenFlow: {
    ja: "{flow}（{at}開始）が開いています。ここで変更すると、このご相談は「継続」（解約阻止）として記録されます。",
    en: "{flow}, started {at}, is open: a change made here ends it as saved (counted in the save rate).",
  },
  planChangesSupersedesFlow: {
    ja: "開いている{flow}（{at}開始）は、この変更で「やり直し」として閉じ、同じご相談の続きとして記録されます。",
    en: "The open {flow}, started {at}, closes as restarted by this change, which is recorded as its continuation.",
  },
  subHeading: { ja: "{id}・次回お届け {date}", en: "{id}, next delivery {date}" },
  subHeadingNoDelivery: { ja: "{id}・{status}", en: "{id}, {status}" },
  feeRequired: { ja: "解約手数料を読み上げ、お客様の了承を得てからチェックしてください。", en: "Read out the fee and check this box once the customer agrees." },
  skipNext: { ja: "次回のお届けをスキップ", en: "Skip the next delivery" },
  skipsLeft: { ja: "続けてあと{n}回スキップできます", en: "{n} more in a row allowed" },
  moveTo: { ja: "次回お届け日", en: "Next delivery on" },
  moveDelivery: { ja: "お届け日を変更", en: "Move the delivery" },
  changeInterval: { ja: "お届け間隔を変更", en: "Change the interval" },
  changeQuantity: { ja: "数量を変更", en: "Change the quantity" },
  resumeOn: { ja: "お届け再開日", en: "Deliveries resume on" },
  pause: { ja: "一時休止する", en: "Pause" },
  resumeNow: { ja: "お届けを再開する", en: "Resume deliveries" },
  acceptOffer: { ja: "このご提案で継続する", en: "Accept: the customer stays" },
  cancel: { ja: "解約手続き", en: "Cancel the subscription" },
  confirmCancel: { ja: "解約を確定する", en: "Confirm cancellation" },
  cancelInstead: { ja: "ご提案をお断りの場合：解約の手続きへ", en: "If the caller declines: go on to cancel" },
  offersAsk: { ja: "「提案を表示」を押すと、解約のご相談として記録し、ショップの設定どおりのご提案を表示します。ご提案なしで解約の手続きに進むこともできます。", en: "“Show offers” records the cancellation request and shows the offers the shop's settings allow. You can also go straight on to cancel." },
  offersShownDeclined: { ja: "解約を確定すると、表示したご提案（{titles}）はお断りとして記録されます。", en: "Confirming records the offer shown ({titles}) as declined." },
  disclosures: { ja: "解約の内容", en: "What cancelling now means" },
  nextDeliveryStops: { ja: "{date}：停止します", en: "{date}: stopped" },
  nextDeliveryShips: { ja: "{date}：締め切りを過ぎているため、最後のお届けとして発送・請求されます", en: "{date}: inside the cut-off, it ships and is charged as the last one" },
  readOut: { ja: "お客様への読み上げ（{lang}）", en: "Read this to the caller ({lang})" },
  readOutIn: { ja: "{lang}の読み上げ", en: "The same in {lang}" },
  scriptEnd: { ja: "解約日は{date}です。", en: "Your subscription ends on {date}." },
  scriptStops: { ja: "次回{date}のお届けは停止いたします。", en: "The next delivery, on {date}, will not be sent." },
  scriptShips: { ja: "{date}のお届けはすでに準備が済んでいるため、最後のお届けとしてお届けし、ご請求いたします。", en: "The delivery on {date} is already being prepared, so it will be sent and charged as the last one." },
  scriptNoCharges: { ja: "解約に伴うご請求はございません。", en: "There is nothing to pay for cancelling." },
  scriptCharges: { ja: "解約に伴うご請求は、合計{total}です。", en: "Cancelling brings charges of {total} in total." },
  scriptFeeBasis: {
    ja: "お申込み時にご案内したとおり、この定期コースには{min}回のお受け取りのお約束があり、これまでのお受け取りは{counted}回、残りは{remaining}回です。お約束の回数に届く前の解約となるため、解約手数料がかかります。",
    en: "When you signed up, the plan came with a commitment of {min} deliveries; {counted} received so far, {remaining} to go. Cancelling before the commitment is met brings the early-cancellation fee.",
  },
  scriptFee: { ja: "このうち解約手数料は{amount}です。", en: "Of this, the early-cancellation fee is {amount}." },
  scriptFeeOnly: { ja: "解約に伴うご請求は、解約手数料の{amount}です。", en: "Cancelling brings the early-cancellation fee of {amount}." },
  scriptFeeAvoidOn: { ja: "残り{remaining}回（次回{date}）をお受け取りいただくと、解約手数料はかかりません。", en: "Taking the remaining {remaining} (next on {date}) avoids the fee." },
  scriptFeeAvoid: { ja: "残り{remaining}回をお受け取りいただくと、解約手数料はかかりません。", en: "Taking the remaining {remaining} avoids the fee." },
  scriptFeeAgree: { ja: "解約手数料についてご了承いただけますでしょうか。", en: "Do you agree to the fee?" },
  scriptConfirm: { ja: "よろしければ、解約を確定いたします。確定後に受付番号をお伝えします。", en: "If that's all right, I'll confirm the cancellation now and then give you your confirmation number." },
  scriptReceipt: { ja: "解約を承りました。受付番号は{number}です。解約日は{date}です。", en: "Your cancellation is confirmed. Your confirmation number is {number}. Your subscription ends on {date}." },
  scriptReceiptShips: { ja: "{date}のお届けは、最後のお届けとしてお届けします。", en: "The delivery on {date} will still be sent, as the last one." },
  scriptReceiptCharges_fee: { ja: "今後のご請求は、解約手数料の{total}です。", en: "Still to pay: the early-cancellation fee of {total}." },
  scriptReceiptCharges_delivery: { ja: "今後のご請求は、最後のお届けの代金、{total}です。", en: "Still to pay: the last delivery, {total}." },
  scriptReceiptCharges_both: { ja: "今後のご請求は、最後のお届けの代金と解約手数料で、合計{total}です。", en: "Still to pay: the last delivery and the early-cancellation fee, {total} in total." },
  scriptReceiptCharges_other: { ja: "今後のご請求は合計{total}です。", en: "Further charges come to {total} in total." },
  scriptReceiptNoCharges: { ja: "今後のご請求はありません。", en: "There are no further charges." },
  disclosedIn: { ja: "読み上げた言語", en: "Language it was read in" },
  langName_ja: { ja: "日本語", en: "Japanese" },
  langName_en: { ja: "英語", en: "English" },
  callId: { ja: "通話ID（任意）", en: "Call id (optional)" },
  callStartedAt: { ja: "通話開始時刻（任意）", en: "Call started at (optional)" },
  receiptFor: { ja: "お客様にお伝えする受付票（{lang}）", en: "The receipt for the customer ({lang})" },
  receiptOther: { ja: "受付票（{lang}）", en: "The receipt in {lang}" },
  feeReadOut: { ja: "解約手数料を読み上げ、お客様の了承を得ました", en: "I read out the fee and the customer agreed" },
  charges: { ja: "解約時の請求", en: "Charges if canceled now" },
  exitSurvey: { ja: "解約アンケート（任意・答えなくても解約できます）", en: "Exit survey (optional; not needed to cancel)" },
  keepInTouchYes: { ja: "希望する", en: "Yes" },
  keepInTouchNo: { ja: "希望しない", en: "No" },
  returnOn: { ja: "再開のご予定日（伺えた場合）", en: "Date they mean to come back (if they said)" },
  noCharges: { ja: "解約手数料はかかりません", en: "No fee applies" },
  logContact: { ja: "応対記録", en: "Log a contact" },
  topic: { ja: "用件", en: "Topic" },
  sentiment: { ja: "お客様の様子", en: "Sentiment" },
  note: { ja: "メモ", en: "Note" },
  save: { ja: "記録する", en: "Save" },
  knowledgeFor: { ja: "この理由・商品のナレッジ（よく使われる順）", en: "Knowledge for this reason and product, most used first" },
  noKnowledge: { ja: "該当するナレッジはありません。", en: "No knowledge entry matches." },
  markUsed: { ja: "利用を記録", en: "Mark as used" },
  uses: { ja: "これまでの利用 {n}回", en: "Used {n} times so far" },
  newEntry: { ja: "新着", en: "New" },
  done_saved: { ja: "プランを変更しました（継続）。", en: "Plan changed: the customer stays." },
  done_changed: { ja: "プランを変更しました。", en: "Plan changed." },
  quantityRange: { ja: "数量は{min}〜{max}の範囲で入力してください。", en: "Enter a quantity from {min} to {max}." },
  dateRange: { ja: "{from}から{to}までの日付を選んでください。", en: "Choose a date from {from} to {to}." },
  // The shop's closed days still to come (plan-options closedDates), said once above the date fields.
  closedDays: { ja: "お届け休業日：{days}（この日付は選べません）", en: "No deliveries: {days} (these dates cannot be chosen)" },
  fieldFrom: { ja: "{field}は{date}以降の日付を選んでください（それより前のお届けは準備中または選べません）。", en: "{field}: choose {date} or later (earlier deliveries are being prepared or cannot be chosen)." },
  fieldClosed: { ja: "{field}の{date}はショップのお届け休業日です。休業日以外の日付を選んでください（休業明けは{open}です）。", en: "{field}: the shop delivers nothing on {date}; choose a day it delivers (the first after the closure is {open})." },
  fieldUntil: { ja: "{field}は{date}までの日付を選んでください。", en: "{field}: choose {date} or earlier." },
  changedSkip: { ja: "次回のお届けを1回スキップしました。次回のお届けは{date}です。", en: "The next delivery is skipped: the next one is on {date}." },
  changedNextDelivery: { ja: "次回のお届けを{date}に変更しました。", en: "The next delivery is moved to {date}." },
  changedInterval: { ja: "お届け間隔を{cadence}に変更しました。", en: "Deliveries now come {cadence}." },
  changedQuantity: { ja: "数量を{quantity}に変更しました。", en: "The quantity is now {quantity}." },
  nextDeliveryIs: { ja: "次回のお届けは{date}です。", en: " The next delivery is on {date}." },
  changedPause: { ja: "お届けをお休みにしました。{date}のお届けから再開します。", en: "Deliveries are paused: they resume with the delivery on {date}." },
  changedResume: { ja: "お届けを再開しました。次回のお届けは{date}です。", en: "Deliveries are resumed: the next one is on {date}." },
  changedStays: { ja: "お客様は継続されます。", en: " The customer stays." },
  done_unchanged: { ja: "変更はありません（すでにこの内容です）。", en: "Nothing changed: the plan already is so." },
  done_kept: { ja: "ご提案を受けて継続となりました。", en: "Offer accepted: the customer stays." },
  doneKeptWith: { ja: "「{title}」で継続となりました。", en: "Kept with “{title}”: the customer stays." },
  doneSavedWith: { ja: "「{title}」でプランを変更しました（継続）。", en: "Plan changed with “{title}”: the customer stays." },
  done_contact: { ja: "応対を記録しました。", en: "Contact logged." },
  done_used: { ja: "ナレッジの利用を記録しました。", en: "Marked as used." },
  done_reactivated: { ja: "定期コースを再開しました（再加入）。", en: "Subscription reactivated: the customer is back." },
  doneReactivatedOn: { ja: "定期コースを再開しました（再加入）。初回のお届けは{date}です。", en: "Subscription reactivated: the customer is back. The first delivery is on {date}." },
  readOutScript: { ja: "お客様への読み上げ", en: "Read out to the customer" },
  scriptReactivation: {
    ja: "{product}の定期コースを、{interval}・{quantity}のお届けで再開いたします。初回のお届けは{date}、お届けごとの代金は{price}です。よろしければ、再開を確定いたします。",
    en: "We will restart your {product} plan, {interval}, {quantity}. The first delivery is on {date}, and each delivery costs {price}. If that's all right, I'll confirm the restart now.",
  },
  readBackDiscount: { ja: "{first}から{last}までの{n}回のお届けは{price}（通常{regular}）、{back}のお届けから通常の価格に戻ります。", en: "The {n} deliveries from {first} to {last} cost {price} (regular {regular}); from {back} the regular price applies again." },
  readBackDiscountOne: { ja: "{first}のお届けは{price}（通常{regular}）、{back}のお届けから通常の価格に戻ります。", en: "The delivery on {first} costs {price} (regular {regular}); from {back} the regular price applies again." },
  readBackDiscountOpen: { ja: "{first}のお届けから{price}（通常{regular}）です。", en: "From {first}, each delivery costs {price} (regular {regular})." },
  reactivate: { ja: "定期コースの再開（再加入）", en: "Reactivate the subscription" },
  reactivateNote: { ja: "お客様から再開のお申し出があったときに。解約前と同じ内容（商品・数量・お届け間隔）で再開します。", en: "When the customer asks to come back: the plan restarts as it was (product, quantity, interval)." },
  firstDeliveryOn: { ja: "最初のお届け日", en: "First delivery on" },
  continuesFrom: { ja: "最後のお届け（{date}）がまだ届いていないため、そのお届けから解約前のまま続きます。", en: "The last delivery ({date}) has not shipped yet: the plan continues from it as if never canceled." },
  reviewReactivation: { ja: "再開の内容を確認する", en: "Review the reactivation" },
  confirmReactivationTitle: { ja: "定期コースの再開の確認", en: "Confirm the reactivation" },
  confirmReactivationNote: { ja: "お客様に内容を読み上げ、了承を得てから確定してください。再加入として記録されます。", en: "Read this out to the customer and confirm once they agree. It is recorded as a re-subscription." },
  confirmReactivation: { ja: "再開を確定する", en: "Confirm the reactivation" },
  cancellationFee: { ja: "解約手数料", en: "Cancellation fee" },
  noFeeCharged: { ja: "なし", en: "None" },
  downloadCsv: { ja: "{what}をCSVで保存（Excel用）", en: "Download {what} as CSV (for a spreadsheet)" },
  cancellationFeeWaived: { ja: "{amount}：かかりません（解約の取り消し）", en: "{amount}: not charged (the cancellation is undone)" },
  cancellationFeeStands: { ja: "{amount}：お支払いいただきます（解約は成立済み）", en: "{amount}: stands (the cancellation took effect)" },
  back: { ja: "戻る（再開しない）", en: "Back (do not reactivate)" },
  receipt: { ja: "解約受付票", en: "Cancellation receipt" },
  confirmationNumber: { ja: "受付番号", en: "Confirmation number" },
  backToKarte: { ja: "カルテに戻る", en: "Back to the karte" },
  supervisorOnly: { ja: "この画面はスーパーバイザー専用です。", en: "This page is for supervisors." },
  httpsRequiredTitle: { ja: "コンソールは HTTPS で開いてください", en: "Open the console over HTTPS" },
  httpsRequired: {
    ja: "このページは暗号化されていない http で開かれました。コンソールのログイン情報（Cookie）は HTTPS の接続でしか保存されないため、このままではログインできません。コンソールURLはまだ使われていません。https:// で始まるURLで開き直すか、サーバーと同じマシンで http://localhost から開いてください（HTTPS を終端するリバースプロキシの内側なら、サーバーに TRUST_PROXY を設定してください）。",
    en: "This page was opened over plain http. The console's sign-in cookie is only kept over HTTPS, so signing in cannot work this way; the console URL has not been used. Open it again with an https:// URL, or from http://localhost on the server's own machine (behind a reverse proxy that terminates HTTPS, set TRUST_PROXY on the server).",
  },
  // The page's heading, and below it what to do (the heading is not said twice).
  sessionEnded: { ja: "セッションが終了しました", en: "The session has ended" },
  sessionEndedNote: { ja: "続けるには、管理画面から新しいコンソールURLを開いてください。", en: "To go on, open a new console URL from your admin tool." },
  // A console URL of another shop or operator opened in a browser already signed in (pages /console/login).
  switchTitle: { ja: "ログインを切り替えますか？", en: "Switch who is signed in?" },
  switchNow: { ja: "ログイン中", en: "Signed in now" },
  switchLink: { ja: "このURLのログイン先", en: "This URL signs in" },
  switchWho: { ja: "{operator}（{shop}）", en: "{operator} ({shop})" },
  switchNote: { ja: "切り替えると、{operator}さんのセッションはこのブラウザで終了します。", en: "Switching ends {operator}'s session in this browser." },
  switchTo: { ja: "{operator}さんに切り替える", en: "Switch to {operator}" },
  switchStay: { ja: "{operator}さんのまま続ける", en: "Stay signed in as {operator}" },
  // A console URL followed from another site into a browser signed in to no console: said before it signs in (pages /console/login).
  confirmTitle: { ja: "コンソールにログインしますか？", en: "Sign in to the console?" },
  confirmNote: {
    ja: "このURLは別のサイトから開かれました。ご自身の管理ツールやCTIから開いたものでなければ、ログインせずにこのページを閉じてください。ログインすると、このブラウザでの検索やメモはこのショップに記録されます。",
    en: "This URL was opened from another site. If you did not open it from your own admin tool or CTI, close this page without signing in: once signed in, what you look up and note in this browser is recorded in this shop.",
  },
  confirmTo: { ja: "{operator}さんとしてログインする", en: "Sign in as {operator}" },
  loggedOut: { ja: "ログアウトしました。", en: "You are logged out." },
  loggedOutNote: { ja: "このブラウザでのコンソールの利用を終了しました。再び使うときは、管理画面から新しいコンソールURLを開いてください。", en: "The console is closed in this browser. To use it again, open a new console URL from your admin tool." },
  // A console URL opened after too many that could not sign in from the same address (platform/rate-limit limitFailedAuth).
  loginPausedTitle: { ja: "しばらく待ってからログインしてください", en: "Wait a moment before signing in" },
  loginPaused: {
    ja: "ログインできないコンソールURLが、この接続元から続けて開かれたため、ログインを一時的に受け付けていません。{n}秒ほど待ってから、管理画面で新しいコンソールURLを発行して開いてください。",
    en: "Too many console URLs that could not sign in were opened from this address, so sign-ins are paused for a moment. Wait about {n} seconds, then open a new console URL from your admin tool.",
  },
  error: { ja: "エラー", en: "Error" },
  // A part of the karte the API could not read just now (503 / 429): said in its place, not shown as absent.
  partUnavailable: { ja: "{part}を今は読み込めません（データベースに一時的に接続できません）。{n}秒ほど待ってから、画面を開き直してください。", en: "{part}: could not be read just now (the database cannot be reached for a moment). Reload the page in about {n} seconds." },
  partBusy: { ja: "{part}を今は読み込めません（操作が集中しています）。{n}秒ほど待ってから、画面を開き直してください。", en: "{part}: could not be read just now (too many requests). Reload the page in about {n} seconds." },
  notReadShort: { ja: "読み込めません", en: "not read" },
  // The customer asked to be left out of profiling (Customer.profilingOptOut): no score exists, which is not "low risk".
  notScoredTitle: { ja: "解約リスクは分析していません", en: "Churn risk is not analysed" },
  notScoredProfiling: {
    ja: "お客様のお申し出により、この方のデータを使った解約リスクの分析を停止しています（個人情報の利用停止）。リスクが低いという意味ではありません。ご案内は、お客様がおっしゃる解約理由に沿って行ってください。",
    en: "At the customer's request, their data is not used to analyse churn risk (profiling opt-out). This does not mean low risk: help them with the reason they give.",
  },
  notScoredShort: { ja: "分析停止中", en: "not analysed" },
  partReasons: { ja: "解約理由の一覧", en: "The list of reasons" },
  partOffers: { ja: "ご提案", en: "The offers" },
  partCancellation: { ja: "解約時の条件（手数料・締め切り）", en: "The cancellation terms (fee, cut-off)" },
  partExitSurvey: { ja: "解約アンケート", en: "The exit survey" },
  partPlanOptions: { ja: "変更できる内容", en: "What can be changed" },
  partWinback: { ja: "再開のご案内の情報", en: "The win-back facts" },
  // An action the API answered "not now" (platform/retry), sent again by the console with the same keys.
  retryTitle: { ja: "前回の操作を確認しています…", en: "Checking on the last attempt…" },
  retryUnsettled: {
    ja: "この操作の最初の送信が、まだ終わっていません。{n}秒後に同じ操作をもう一度送り、結果を確認します。二重に反映されることはありません。",
    en: "The first send of this action has not finished. In {n} seconds the same action is sent again to get its result; it is never applied twice.",
  },
  retryUnavailable: {
    ja: "データベースに一時的に接続できません。{n}秒後に同じ操作をもう一度送ります。二重に反映されることはありません。",
    en: "The database cannot be reached for a moment. In {n} seconds the same action is sent again; it is never applied twice.",
  },
  retryTooMany: {
    ja: "操作が集中しています。{n}秒後に同じ操作をもう一度送ります。二重に反映されることはありません。",
    en: "Too many requests right now. In {n} seconds the same action is sent again; it is never applied twice.",
  },
  retryNow: { ja: "今すぐ確認する", en: "Check now" },
  unavailableTitle: { ja: "一時的に利用できません", en: "Unavailable for a moment" },
  unavailableNote: { ja: "データベースに一時的に接続できません。{n}秒ほど待ってから、画面を開き直してください。", en: "The database cannot be reached for a moment. Reload the page in about {n} seconds." },
  tooManyNote: { ja: "操作が集中しています。{n}秒ほど待ってから、画面を開き直してください。", en: "Too many requests right now. Reload the page in about {n} seconds." },
  reloadPage: { ja: "画面を開き直す", en: "Reload the page" },
  csrfTitle: { ja: "操作を受け付けられませんでした", en: "The action was not accepted" },
  csrfRejected: {
    ja: "この操作は、このショップのコンソール画面から送信されたものと確認できなかったため、実行していません（お客様の情報や契約は変更されていません）。画面を開いたまま時間が経ったか、別のサイトから送信された可能性があります。下のリンクからページを再読み込みし、内容を確認してからもう一度操作してください。",
    en: "This action was not carried out (nothing was changed): it could not be confirmed as sent from a console page of this shop. The page may be stale, or the request came from another site. Reload the page with the link below, check it, and try again.",
  },
  none: { ja: "なし", en: "none" },
  saveRateByWeek: { ja: "解約阻止率（週別・月曜始まり）", en: "Save rate by week (from Monday)" },
  byReason: { ja: "理由別", en: "By reason" },
  byOffer: { ja: "提案別", en: "By offer" },
  byChannel: { ja: "チャネル別", en: "By channel" },
  byOperator: { ja: "オペレーター別（最後に対応したオペレーター）", en: "By operator (who handled the flow last)" },
  // `none` of groupBy=operator: no step of the flow was taken by an operator in the console — web and
  // IVR flows, and flows on channel `operator` written without an operator (the channel table counts those as the operator's).
  noOperator: { ja: "担当者の記録なし", en: "No operator on record" },
  noOperatorNote: {
    ja: "「担当者の記録なし」は、コンソールで担当者が操作した記録のない対応です。Web・電話（IVR）の対応のほか、チャネル別で「オペレーター」に数えられていても担当者が記録されていない対応を含みます。",
    en: "“No operator on record”: flows no operator took a step of in the console — web and IVR flows, and flows the channel table counts under Operator that were recorded without an operator.",
  },
  operatorColumn: { ja: "オペレーター", en: "Operator" },
  period: { ja: "表示する期間", en: "Period" },
  periodFrom: { ja: "開始日", en: "From" },
  periodTo: { ja: "終了日", en: "To" },
  showPeriod: { ja: "表示", en: "Show" },
  periodToday: { ja: "今日", en: "Today" },
  periodLast7: { ja: "直近7日", en: "Last 7 days" },
  periodLast30: { ja: "直近30日", en: "Last 30 days" },
  periodNotDates: { ja: "日付は 2026-12-01 のような実在する日付で指定してください。", en: "Give real dates, such as 2026-12-01." },
  periodInvalid: { ja: "期間を表示できません: {detail} 直近30日を表示しています。", en: "That period cannot be shown: {detail} Showing the last 30 days." },
  summary: { ja: "全体", en: "Overall" },
  started: { ja: "開始", en: "Started" },
  restartedN: { ja: "やり直し（開始に含めず）", en: "Restarted (not counted as started)" },
  savedN: { ja: "阻止", en: "Saved" },
  canceledN: { ja: "解約", en: "Canceled" },
  // A cancellation the customer withdrew (the API's `undone`): neither 解約 nor 阻止, so it stands apart.
  undoneN: { ja: "取り消し（解約後、効力発生日までに再開）", en: "Undone (canceled, then restarted before it took effect)" },
  // The rest of 開始: attempts with no decision (the API's `abandoned`, `open`), so 開始 = 阻止 + 解約 + 取り消し + 中断 + 未完了.
  abandonedN: { ja: "中断（決めずに離脱・期限切れ）", en: "Abandoned (left or expired undecided)" },
  openN: { ja: "未完了（まだ手続き中）", en: "Still open" },
  summaryAddsUp: {
    ja: "開始{started}件 ＝ 阻止{saved} ＋ 解約{canceled} ＋ 取り消し{undone} ＋ 中断{abandoned} ＋ 未完了{open}（この期間に始まった解約のご相談が、どう終わったか）。取り消しは、解約のあと効力発生日までにお客様が再開し、解約がなかったことになったものです。解約にも再開にも、解約率・阻止率・再加入率にも数えません。",
    en: "Started {started} = saved {saved} + canceled {canceled} + undone {undone} + abandoned {abandoned} + still open {open} (how the cancel flows started in this period ended). Undone: the customer restarted before the cancellation took effect, so it never happened; it counts in no cancellation, churn, save or return figure.",
  },
  // 解約率 counts plans (the API's `churn`), not flows: its count is not the 解約 above.
  churnRateOf: {
    ja: "解約率（期間中に解約され、現在も解約中の定期{canceled}件 ÷ 期間の初めに継続中だった{active}件）",
    en: "Churn rate (plans canceled in the period and still canceled now, {canceled} ÷ {active} live at its start)",
  },
  churnNote: {
    ja: "解約率は定期の件数で数えます。上の「解約」は、この期間に始まった解約のご相談のうち解約で終わった件数です。解約率のほうは、期間中に解約された定期（カート連携での解約も含む）のうち、その後再開していないものだけを数えるため、件数が違うことがあります。",
    en: "The churn rate counts plans. “Canceled” above counts the cancel flows started in this period that ended in a cancellation; the churn rate counts the plans canceled in the period (also those canceled in the cart system) that have not restarted since, so the two counts can differ.",
  },
  acceptedN: { ja: "承諾（この提案で阻止）", en: "Accepted (saved by it)" },
  acceptedSaveRate: { ja: "承諾による阻止率", en: "Save rate by this offer" },
  // By offer, the flows an offer was SHOWN in, saved by any means: not the offer's own result.
  shownSavedN: { ja: "阻止（提示した相談全体・ほかの方法を含む）", en: "Saved (flows it was shown in, by any means)" },
  shownSaveRate: { ja: "提示した相談の阻止率", en: "Save rate of the flows it was shown in" },
  // The console's CSV: the API's field name, then what it counts (the total row has both 解約 counts).
  csvCanceled: { ja: "解約（この期間に始まったご相談のうち解約で終わった件数）", en: "canceled (flows started in the period that ended canceled)" },
  csvUndone: { ja: "取り消し（解約後、効力発生日までに再開。解約・再開のどちらにも数えない）", en: "undone (canceled, then restarted before it took effect: neither a cancellation nor a return)" },
  csvAbandoned: { ja: "中断（決めずに離脱・期限切れ）", en: "abandoned (left or expired undecided)" },
  csvOpen: { ja: "未完了（まだ手続き中）", en: "still open" },
  csvChurnActive: { ja: "解約率の分母（期間の初めに継続中だった定期）", en: "churn rate's base (plans live at the period's start)" },
  csvChurnCanceled: { ja: "解約率の分子（期間中に解約され、現在も解約中の定期）", en: "churn rate's count (plans canceled in the period and still canceled now)" },
  csvChurnRate: { ja: "解約率", en: "churn rate" },
  csvAccepted: { ja: "承諾（この提案で阻止）", en: "accepted (saved by this offer)" },
  csvSaveRate: { ja: "阻止率（提案別では、提示した相談の阻止率）", en: "save rate (by offer: of the flows it was shown in)" },
  offerInactive: { ja: "（停止中）", en: " (inactive)" },
  saveRate: { ja: "阻止率", en: "Save rate" },
  durableSaveRate: { ja: "継続阻止率", en: "Durable save rate" },
  churnRate: { ja: "解約率", en: "Churn rate" },
  reactivationRate: { ja: "再加入率", en: "Re-subscription rate" },
  winback: { ja: "再加入（ウィンバック）", en: "Win-back" },
  reactivatedN: { ja: "再加入", en: "Reactivated" },
  rate180: { ja: "180日以内の再加入率", en: "Re-subscribed within 180 days" },
  rate180Base: { ja: "（解約から180日たった{matured}件のうち。180日たっていない{waiting}件は含めず）", en: " (of the {matured} cancellations at least 180 days old; {waiting} not yet 180 days old are not counted)" },
  rate180None: { ja: "—（解約から180日たった解約がまだありません。{waiting}件は180日たつのを待っています）", en: "— (no cancellation is 180 days old yet; {waiting} are waiting)" },
  maturedN: { ja: "180日経過（率の対象）", en: "180 days passed (counted)" },
  waitingN: { ja: "180日未経過（集計待ち）", en: "Not yet 180 days (waiting)" },
  durableNotYet: { ja: "—（阻止から{days}日たった対応がまだないため判定できません）", en: "— (no save is {days} days old yet: not judged)" },
  durableNotYetShort: { ja: "判定待ち（{days}日未経過）", en: "Not yet ({days} days)" },
  chartFewFlows: { ja: "{n}件未満の項目は率が偶然に左右されるため棒を描いていません（件数と率は下の表にあります）。棒の横の n は件数です。", en: "Rows with fewer than {n} flows are not drawn: their rate is mostly chance (the table below has their counts and rates). n beside each bar is its number of flows." },
  chartHoverHint: { ja: "棒にポインターを合わせると表示", en: "point at a bar to see it" },
  afterContactShare: { ja: "ご案内後の再加入の割合", en: "Share after a win-back contact" },
  winbackLift: { ja: "ホールドアウト比リフト（再加入）", en: "Lift over the win-back holdout" },
  revenueRecovered: { ja: "回復した売上（年額）", en: "Revenue recovered (a year)" },
  reactivationByReason: { ja: "再加入率（解約理由別）", en: "Re-subscription rate by reason" },
  reactivationByMonth: { ja: "再加入率（解約月別）", en: "Re-subscription rate by month of cancellation" },
  holdoutLift: { ja: "ホールドアウト比リフト", en: "Lift over holdout" },
  savesLost: { ja: "（阻止後に再び解約: {n}件）", en: " ({n} saved, then canceled again)" },
  liftPoints: { ja: "{lift}ポイント", en: "{lift} points" },
  liftWithInterval: { ja: "{lift}ポイント（95%信頼区間 {low}〜{high}）", en: "{lift} points (95% interval {low} to {high})" },
  liftNotYet: { ja: "：まだ差があるとは言えません", en: ": not yet distinguishable from no difference" },
  medianSeconds: { ja: "解約にかかった時間（中央値）", en: "Time to cancel (median)" },
  maxCalls: { ja: "解約にかかった操作回数（最大）", en: "Calls to cancel (worst)" },
  key: { ja: "区分", en: "Key" },
  week: { ja: "週", en: "Week" },
  weekOf: { ja: "{date}の週", en: "Week of {date}" },
  month: { ja: "解約月", en: "Month" },
  channel: { ja: "チャネル", en: "Channel" },
  offer: { ja: "提案", en: "Offer" },
  noReasonGiven: { ja: "理由の回答なし", en: "No reason given" },
  noOfferShown: { ja: "提案なし", en: "No offer shown" },
  confirmationNo: { ja: "受付番号 {n}", en: "confirmation {n}" },
  remaining: { ja: "残り {n}{unit}", en: "{n} {unit} left" },
  remainingPackages: { ja: "残り {n}個", en: "{n} packages left" },
  delivered: { ja: "{date}お届け", en: "delivered {date}" },
  scheduledOn: { ja: "{date}のお届け分", en: "the delivery of {date}" },
  byMerchant: { ja: "ショップ都合", en: "by the shop" },
  byCustomer: { ja: "お客様のご希望", en: "at the customer's request" },
  offerNamed: { ja: "提案：{offer}", en: "offer: {offer}" },
  previously: { ja: "前回の解約理由：{reason}", en: "previous reason: {reason}" },
  intervalDays: { ja: "{n}日ごと", en: "every {n} days" },
  quantityN: { ja: "{n}個", en: "{n}" },
  // What one delivery costs (unit price × quantity), and an accepted discount's deliveries still to come.
  pricePerDelivery: { ja: "1回のお届けの価格", en: "Price per delivery" },
  // A price column or row with the shop's tax basis (settings pricesIncludeTax), as the my-page labels it.
  labelTaxIncluded: { ja: "{label}（税込）", en: "{label} (including tax)" },
  labelTaxExcluded: { ja: "{label}（税別）", en: "{label} (plus tax)" },
  // A price here carries its tax basis (「11,968円（税込）」): the Japanese puts no parenthesis around it (none nested).
  regularPrice: { ja: "、通常 {price}", en: ", regular {price}" },
  discountDeliveries: { ja: "{label}：{first}〜{last}のお届け、あと{n}回・各{price}", en: "{label}: the deliveries of {first} to {last} ({n} left, {price} each)" },
  discountLast: { ja: "{label}：{first}のお届けが最終回、{price}", en: "{label}: the delivery of {first} (the last one, {price})" },
  discountOpen: { ja: "{label}：{first}のお届けから", en: "{label} from the delivery of {first}" },
  discountMovedTo: { ja: "割引の最終回 {from} → {to}", en: "last discounted delivery {from} → {to}" },
  lastContact: { ja: "直近の応対", en: "Last contact" },
  keptWithOffer: { ja: "「{title}」で継続", en: "kept with “{title}”" },
  discountTerms: { ja: "{off}（{from}〜{to}のお届け）", en: "{off} (deliveries {from} to {to})" },
  percentOff: { ja: "{n}%オフ", en: "{n}% off" },
  amountOff: { ja: "{amount}引き", en: "{amount} off" },
  comebackPrice: { ja: "再開後{n}回分は{label}の{price}、その後は通常価格の{regular}", en: "{price} ({label}, the first {n} deliveries back), then the regular price of {regular}" },
  winbackList: { ja: "再開のご案内", en: "Win-back candidates" },
  winbackListNote: {
    ja: "解約されたお客様のうち、こちらからご連絡してよい方です。再開の見込み額（1年分のお届け × 再開の見込み）が大きい順に並んでいます。",
    en: "Canceled customers the shop may contact, highest expected recovered value (a year of deliveries × the chance) first.",
  },
  noCandidates: { ja: "いまご案内できるお客様はいません。", en: "No one to contact now." },
  winbackHoldoutNote: {
    ja: "{from}〜{to}に解約されたご連絡できる方{total}件のうち、{held}件は効果を比べるためにあえてご連絡しない方（ホールドアウト）としてこの一覧から外し、{contactable}件をご連絡の対象にしています。",
    en: "Of the {total} cancellations from {from} to {to} the shop may contact, {held} are held out — left off this list and never contacted, to measure what contacting the others achieves — and {contactable} are to be contacted.",
  },
  winbackNoHoldout: { ja: "{from}〜{to}の解約に、効果を比べるためにご連絡しない方（ホールドアウト）はいません。", en: "No cancellation from {from} to {to} is held out from contact to measure the effect." },
  winbackHoldoutLink: { ja: "再開率の比較は指標のページへ", en: "Compare their return rates on the metrics page" },
  noCandidatesDue: { ja: "ご連絡の時期が来ているお客様はいません。", en: "No one is due for contact yet." },
  dueOnShort: { ja: "ご連絡の予定日", en: "Contact due" },
  winbackDueFilter: { ja: "表示するお客様", en: "Show" },
  winbackDueAll: { ja: "すべての方", en: "Everyone" },
  winbackDueNow: { ja: "ご連絡の時期が来た方のみ", en: "Due for contact now" },
  customer: { ja: "お客様", en: "Customer" },
  canceledOnShort: { ja: "解約受付日", en: "Canceled on" },
  returnOnShort: { ja: "再開のご予定日", en: "Means to come back on" },
  returnOnNotNamed: { ja: "伺っていません", en: "Not named" },
  winbackChance: { ja: "再開の見込み（180日以内）", en: "Chance of coming back (180 days)" },
  expectedValue: { ja: "見込み額", en: "Expected value" },
  expectedValueOf: { ja: "見込み額 {amount}", en: "expected {amount}" },
  comebackOffer: { ja: "再開時の特典", en: "Comeback offer" },
  noComeback: { ja: "特典なし", en: "No offer" },
  // A `reminder` (ComebackOffer.kind): the date the customer named, with no perk — not an offer to read out as one.
  reminderOnly: { ja: "特典なし（{date}からの再開をご案内）", en: "No offer (a reminder to restart from {date})" },
  // What became of the list row's `winback.due` (WinbackDueStatus) once its date has come.
  dueSent: { ja: "{date}にご案内済み", en: "sent on {date}" },
  dueOverdue: { ja: "予定日を過ぎています（まだご案内していません）", en: "past due: not sent yet" },
  driverUp: { ja: "{label}（見込みを上げる）", en: "{label} (raises the chance)" },
  driverDown: { ja: "{label}（見込みを下げる）", en: "{label} (lowers the chance)" },
  pages: { ja: "ページ", en: "Pages" },
  firstPage: { ja: "最初のページへ", en: "First page" },
  nextPage: { ja: "次のページへ", en: "Next page" },
  winbackPanel: { ja: "再開のご案内", en: "Win-back" },
  keepInTouch: { ja: "解約後のご連絡", en: "Keep in touch" },
  keepInTouch_yes: { ja: "希望する", en: "Yes" },
  keepInTouch_no: { ja: "希望しない", en: "No" },
  keepInTouch_withdrawn: { ja: "希望を取り消し", en: "Withdrawn" },
  keepInTouch_unanswered: { ja: "未回答（メール配信の同意に従います）", en: "Not answered (their marketing consent decides)" },
  notListedHoldout: {
    ja: "効果測定の対照群（無作為に選ばれたお客様）のため、こちらから再開のご案内はしません。お客様からのお申し出があれば再開できます。",
    en: "Held out at random to measure the win-back's effect: the shop does not reach out. The customer can still come back on their own.",
  },
  notListedContact: {
    ja: "ご連絡の希望がない（または連絡先がない）ため、こちらから再開のご案内はしません。お客様からのお申し出があれば再開できます。",
    en: "The customer may not be contacted (no keep-in-touch, or no way to reach them): the shop does not reach out. They can still come back on their own.",
  },
  notListedNoRecord: { ja: "この解約には再開のご案内の記録がありません。", en: "This cancellation has no win-back record." },
  reactivateWith: { ja: "特典を付けて再開：{title}", en: "With the comeback offer: {title}" },
  reactivateWithout: { ja: "特典なしで再開", en: "Without an offer" },
  comebackSent: { ja: "（{sentOn}にご案内済み、{validUntil}までご利用可）", en: "(sent on {sentOn}; can be taken until {validUntil})" },
  // The supervisor's at-risk list (GET /v1/risk/at-risk).
  atRisk: { ja: "解約リスクの高いお客様", en: "Customers at risk" },
  atRiskNote: {
    ja: "ご利用中の定期コースを、失うおそれのある売上（60日以内の解約の見込み × 1年分のお届け）が大きい順に並べています。分析を希望されなかったお客様（プロファイリング停止）は載りません。",
    en: "Live subscriptions, highest revenue at risk (the chance of cancelling within 60 days × a year of deliveries) first. Customers who asked not to be profiled are not listed.",
  },
  atRiskBandFilter: { ja: "表示するリスク", en: "Show" },
  atRiskAllBands: { ja: "すべて", en: "All bands" },
  atRiskBandOnly: { ja: "リスク{band}のみ", en: "{band} only" },
  noneAtRisk: { ja: "該当する定期コースはありません。", en: "No subscription is at risk in this band." },
  plan: { ja: "定期コース", en: "Plan" },
  riskScore: { ja: "リスク（点数）", en: "Risk (score)" },
  revenueAtRisk: { ja: "失うおそれのある売上", en: "Revenue at risk" },
  riskDriverUp: { ja: "{label}（リスクを上げる）", en: "{label} (raises the risk)" },
  riskDriverDown: { ja: "{label}（リスクを下げる）", en: "{label} (lowers the risk)" },
  noNextDelivery: { ja: "予定なし", en: "None scheduled" },
} satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof T;
export const t = (lang: Lang, key: StringKey) => T[key][lang];
/** {@link t} with `{name}` placeholders filled. */
export const tf = (lang: Lang, key: StringKey, vars: Record<string, string | number>) => fillIn(T[key][lang], vars);

/**
 * Why an action failed, in the console's own words: the only errors the karte shows. The console
 * redirects back with `?error=<code>` — the API problem's `code` when it is one of these, else
 * `failed` — so a link cannot put a sentence of its own on the operator's screen; an unknown code
 * shows nothing.
 */
export const CONSOLE_ERRORS: Record<string, Record<Lang, string>> = {
  failed: { ja: "操作できませんでした。画面を開き直してもう一度お試しください。", en: "That did not go through. Reload the page and try again." },
  version_conflict: { ja: "この定期コースは、画面を開いた後に変更されています。最新の内容を確認してからもう一度お試しください。", en: "The subscription changed after this page was opened. Check what it shows now and try again." },
  change_window_closed: { ja: "次回のお届けが締め切りを過ぎているため、変更できません。", en: "The next delivery is past the change cut-off and cannot be changed." },
  subscription_canceled: { ja: "この定期コースは解約済みのため変更できません。", en: "This subscription is canceled and cannot be changed." },
  subscription_not_active: { ja: "この定期コースは休止中のため、この変更はできません。", en: "This subscription is paused: this change is not possible." },
  subscription_not_paused: { ja: "この定期コースは休止中ではありません。", en: "This subscription is not paused." },
  subscription_not_canceled: { ja: "この定期コースは解約されていないため、再開の必要はありません。", en: "This subscription is not canceled: there is nothing to reactivate." },
  skip_limit_exceeded: { ja: "続けてスキップできる回数を超えています。", en: "No more deliveries can be skipped in a row." },
  pause_too_long: { ja: "休止期間がショップの上限を超えています。再開日を早めてください。", en: "The pause is longer than the shop allows: pick an earlier resume date." },
  quantity_out_of_range: { ja: "ショップが受け付けている数量の範囲外です。", en: "That quantity is outside the shop's range." },
  interval_not_allowed: { ja: "ショップが受け付けていないお届け間隔です。", en: "The shop does not offer that interval." },
  date_out_of_range: { ja: "選べる範囲外の日付です。", en: "That date is outside the range that can be chosen." },
  // The shop's closed days (settings closedDates), listed above the plan panel's date fields.
  delivery_date_closed: { ja: "その日付はショップのお届け休業日のため選べません。休業日以外の日付を選んでください。", en: "The shop delivers nothing on that date: choose a day it delivers." },
  validation_failed: { ja: "入力内容を確認してください。", en: "Check what was entered." },
  fee_acknowledgement_required: { ja: "解約手数料を読み上げ、了承を得たことにチェックしてください。", en: "Tick that the fee was read out and the customer agreed." },
  cancellation_terms_changed: {
    ja: "お手続きの間に解約の条件が変わったため（お届けの締め切りを過ぎた場合など）、解約していません。下の解約欄に表示している新しい条件（ご請求・次回のお届け）をお客様にお伝えし、了承を得てからもう一度確定してください。",
    en: "Not cancelled: the terms of cancelling changed meanwhile (for example, the next delivery passed its cut-off). Read the new terms in the cancellation box below (charges, the next delivery) to the customer and confirm again once they agree.",
  },
  unknown_reason: { ja: "その解約理由は登録されていません。", en: "That reason is not one of the shop's." },
  offer_not_found: { ja: "そのご提案は、いまこの定期コースにはご案内できません。", en: "That offer is not available for this subscription now." },
  offer_not_shown: { ja: "そのご提案は、この解約のご相談では表示されていません。", en: "That offer was not shown in this cancel flow." },
  no_offer_in_flow: { ja: "この解約のご相談ではご提案を表示できません。", en: "This cancel flow shows no offer." },
  cancel_flow_saved: { ja: "この解約のご相談は、すでに継続で終わっています。", en: "This cancel flow already ended: the customer stayed." },
  cancel_flow_canceled: { ja: "この解約のご相談は、すでに解約で終わっています。", en: "This cancel flow already ended in a cancellation." },
  cancel_flow_expired: { ja: "この解約のご相談はすでに終了しています（期限切れ、または別のご相談の開始・解約のため）。必要であれば、もう一度始めてください。", en: "This cancel flow is closed (it expired, another flow started, or the plan was cancelled). Start again if needed." },
  // The console's own: the flow on screen ended, or the plan's flow moved on, since the karte was drawn.
  cancel_flow_ended: { ja: "この解約のご相談は、画面を開いた後に終了しています。最新の状態を表示しました。", en: "This cancel flow ended after the page was opened. The karte now shows where things are." },
  cancel_flow_moved_on: {
    ja: "画面を開いた後に、この定期コースの解約のご相談が始まっているか、別の理由が記録されています。最新の状態を表示しました。内容をご確認のうえ、続きから対応してください。",
    en: "A cancel flow was started on this subscription, or another reason recorded, after the page was opened. The karte now shows it: check it and continue from there.",
  },
  subscription_not_found: { ja: "定期コースが見つかりません。", en: "Subscription not found." },
  customer_not_found: { ja: "お客様が見つかりません。", en: "Customer not found." },
  unknown_customer: { ja: "お客様が見つかりません。", en: "Customer not found." },
  rate_limited: { ja: "操作が集中しているため、操作できませんでした。{wait}待ってからもう一度お試しください。", en: "Too many requests, so that did not go through. Try again {wait}." },
  database_unavailable: { ja: "データベースに一時的に接続できないため、操作できませんでした。{wait}待ってからもう一度お試しください。", en: "The database could not be reached for a moment, so that did not go through. Try again {wait}." },
  offer_expired: {
    ja: "この特典は、ご利用期限が過ぎたか提供が終わったため、お付けできません。再開はしていません。特典なしで再開するか、カルテに表示されている特典をご案内してください。",
    en: "This offer can no longer be taken (its time ran out, or the shop no longer offers it). Nothing was reactivated: reactivate without it, or offer what the karte shows now.",
  },
  comeback_not_shown: {
    ja: "この特典は、この定期コースの再開時の特典としてご案内されていません。再開はしていません。",
    en: "This offer was not suggested for this subscription's comeback. Nothing was reactivated.",
  },
  // A cancellation the console sent again (same keys) without ever reading its outcome.
  cancel_unsettled: {
    ja: "解約の手続きが完了したかどうかを確認できませんでした。解約が確定している場合があります。二重に手続きしないよう、1分ほど待ってからカルテを開き直し、定期コースの状態と履歴を確認してから、必要であればもう一度操作してください。",
    en: "Could not confirm whether the cancellation went through: it may have been confirmed. So it is not done twice, wait about a minute, reload the karte and check the subscription's status and timeline before trying again.",
  },
  // The first send of this very action never settled, even after the console sent it again (platform/retry).
  idempotency_key_in_use: {
    ja: "変更が反映されたかどうかを確認できませんでした。反映されている場合があります。二重に変更しないよう、1分ほど待ってからカルテを開き直し、現在のご契約内容を確認してから、必要であればもう一度操作してください。",
    en: "Could not confirm whether the change went through: it may have been applied. So it is not made twice, wait about a minute, reload the karte and check the plan as it is now before trying again.",
  },
};

/** The `?error=` code for a failure: the API's code when the console has words for it, else `failed`. */
export const consoleErrorCode = (code: unknown): string => (typeof code === "string" && Object.hasOwn(CONSOLE_ERRORS, code) ? code : "failed");

/**
 * The console's words for a `?error=` code; null for any other text (shown as nothing). `wait`:
 * the seconds the API's Retry-After named (`?wait=`), said as 「5秒ほど」 / "in about 5 seconds".
 */
export const consoleError = (lang: Lang, code: string | undefined, wait?: number | null): string | null => {
  if (code === undefined || !Object.hasOwn(CONSOLE_ERRORS, code)) return null;
  const n = wait && Number.isInteger(wait) && wait > 0 ? wait : null;
  const when = lang === "ja" ? (n ? `${n}秒ほど` : "少し") : n ? `in about ${n} seconds` : "in a moment";
  return CONSOLE_ERRORS[code]![lang].replace("{wait}", when);
};

/** Named risk patterns (`flags`), as operators call them. */
export const FLAG_LABELS: Record<string, Record<Lang, string>> = {
  first_delivery_canceller: { ja: "初回だけ解約", en: "Cancels after the first delivery" },
};

/** What a flag asks of the operator on this call (the karte says it under the flag). */
export const FLAG_GUIDANCE: Record<string, Record<Lang, string>> = {
  first_delivery_canceller: {
    ja: "以前の定期コースを初回のお届けのあとに解約されています。割引などの特典は、初回特典の重ね取りにならないか確かめてからご案内してください。解約のお申し出は、ほかのお客様と同じようにお受けしてください。",
    en: "An earlier plan was cancelled after its first delivery. Before offering a discount or other perk, check it does not repeat a first-order benefit. Take a request to cancel as you would from anyone else.",
  },
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

/** Risk bands (`band` of GET /v1/customers/{id}/risk). */
export const BAND_LABELS: Record<string, Record<Lang, string>> = {
  low: { ja: "低", en: "low" },
  medium: { ja: "中", en: "medium" },
  high: { ja: "高", en: "high" },
};

/** A band in the page's language (「高」 / "high"); an unknown one as it is. */
export const bandName = (band: string, lang: Lang) => BAND_LABELS[band]?.[lang] ?? band;

/**
 * Channels by their names: who or what made a write (platform/openapi `Channel`), and the
 * channels of contacts and win-back contacts (events/schemas).
 */
export const CHANNEL_LABELS: Record<string, Record<Lang, string>> = {
  web: { ja: "Web", en: "Web" },
  checkout: { ja: "購入手続き", en: "Checkout" },
  ivr: { ja: "電話（IVR）", en: "Phone (IVR)" },
  operator: { ja: "オペレーター", en: "Operator" },
  api: { ja: "システム連携", en: "Integration (API)" },
  system: { ja: "自動処理", en: "Automatic" },
  phone: { ja: "電話", en: "Phone" },
  email: { ja: "メール", en: "E-mail" },
  chat: { ja: "チャット", en: "Chat" },
  letter: { ja: "郵送", en: "Letter" },
  sms: { ja: "SMS", en: "SMS" },
  line: { ja: "LINE", en: "LINE" },
  other: { ja: "その他", en: "Other" },
};

/** Timeline entries by kind and type: events (events/schemas), plan changes (plan-changes/schemas), cancel flows by outcome. */
export const EVENT_LABELS: Record<string, Record<Lang, string>> = {
  "delivery.completed": { ja: "お届け完了", en: "Delivered" },
  "delivery.skipped": { ja: "お届けスキップ", en: "Delivery skipped" },
  "payment.failed": { ja: "決済エラー", en: "Payment failed" },
  "payment.succeeded": { ja: "決済完了", en: "Payment received" },
  "contact.logged": { ja: "応対記録", en: "Contact" },
  "usage.reported": { ja: "残量のご報告", en: "Stock on hand reported" },
  "winback.contacted": { ja: "再加入のご案内", en: "Win-back contact" },
  "survey.answered": { ja: "アンケート回答", en: "Survey answered" },
};
export const CHANGE_LABELS: Record<string, Record<Lang, string>> = {
  skip: { ja: "スキップ", en: "Skip" },
  pause: { ja: "一時停止", en: "Pause" },
  resume: { ja: "お届け再開", en: "Resume" },
  quantity: { ja: "数量の変更", en: "Quantity changed" },
  interval: { ja: "お届け間隔の変更", en: "Interval changed" },
  next_delivery: { ja: "お届け日の変更", en: "Delivery date moved" },
  discount: { ja: "割引", en: "Discount" },
  product_swap: { ja: "商品の変更", en: "Product changed" },
  free_gift: { ja: "プレゼント同梱", en: "Free gift" },
  cancel: { ja: "解約", en: "Canceled" },
  reactivate: { ja: "再開（再加入）", en: "Re-subscribed" },
};
export const FLOW_LABELS: Record<string, Record<Lang, string>> = {
  open: { ja: "解約のご相談（手続き中）", en: "Cancel flow (open)" },
  offered: { ja: "解約のご相談（ご提案中）", en: "Cancel flow (offer shown)" },
  saved: { ja: "解約のご相談 → 継続", en: "Cancel flow: stayed" },
  canceled: { ja: "解約のご相談 → 解約", en: "Cancel flow: canceled" },
  abandoned: { ja: "解約のご相談 → 中断", en: "Cancel flow: left unfinished" },
  /** Not a status: an abandoned flow a newer one replaced (timeline `data.supersededBy`). */
  restarted: { ja: "解約のご相談 → やり直し", en: "Cancel flow: restarted" },
};

/** The plan fields a change's before/after shows, in the order the timeline reads them. */
export const PLAN_FIELD_LABELS: Record<"status" | "quantity" | "intervalDays" | "nextDeliveryOn" | "pausedUntil", Record<Lang, string>> = {
  status: { ja: "状態", en: "status" },
  quantity: { ja: "数量", en: "quantity" },
  intervalDays: { ja: "お届け間隔", en: "interval" },
  nextDeliveryOn: { ja: "次回お届け", en: "next delivery" },
  pausedUntil: { ja: "再開日", en: "resumes" },
};

/**
 * `payment.failed` reasons a payment provider commonly sends (Stripe's decline codes, the demo's);
 * the reason is the shop's free text, so any other is shown as sent.
 */
export const PAYMENT_FAILURE_LABELS: Record<string, Record<Lang, string>> = {
  card_declined: { ja: "カードが承認されませんでした", en: "Card declined" },
  insufficient_funds: { ja: "残高・利用枠の不足", en: "Insufficient funds" },
  card_expired: { ja: "カードの有効期限切れ", en: "Card expired" },
  expired_card: { ja: "カードの有効期限切れ", en: "Card expired" },
  incorrect_cvc: { ja: "セキュリティコードの誤り", en: "Incorrect security code" },
  processing_error: { ja: "決済処理のエラー", en: "Processing error" },
  convenience_store_payment_overdue: { ja: "コンビニ払いの期限切れ", en: "Convenience-store payment overdue" },
};
