import { writeDate } from "../platform/dates";

type Policy = "oneOffer" | "noOffer" | "afterCancellation";
type Lang = "ja" | "en";

/**
 * What cancellation-info tells a customer about the way to cancel: a summary and the steps as the
 * my-page (`<tsuzuku-portal>`) really takes them under the shop's `retentionPolicy`, so the text
 * never promises fewer steps than the portal shows, nor an offer the policy never shows.
 *
 * - `oneOffer`: 「解約する」, an optional reason (or "continue without one"), an offer if one fits
 *   (beside "continue cancelling"), then the confirmation — up to 4 actions on 4 screens.
 * - `noOffer` / `afterCancellation`: 「解約する」 opens the confirmation; 「解約を確定する」 — 2 actions.
 *   After a cancellation under `afterCancellation`, a comeback offer may follow; the cancellation stands.
 *
 * - With an early-cancellation fee to pay, the confirmation needs its box ticked first: one action more
 *   (5, or 3), named among them — the count never leaves out the tick the portal asks for.
 *
 * A subscription already cancelled is said to be, with its end date and confirmation number when known.
 * `cutoffDays`: the shop's change cut-off; `commitment`: the fee sentence (commitmentLine); `feeTick`:
 * a fee applies if cancelled now, so its acknowledgement is asked for.
 */
export function howToCancel(
  input: { policy: Policy; cutoffDays: number; commitment: string; feeTick?: boolean; canceled: { effectiveOn: string | null; confirmationNumber: string | null } | null },
  lang: Lang,
): { summary: string; steps: string[] } {
  const ja = lang === "ja";
  const c = input.canceled;
  if (c) {
    const on = c.effectiveOn ? writeDate(c.effectiveOn, lang, "full") : null;
    const summary = ja
      ? `この定期コースは解約済みです${on ? `（解約日：${on}）` : ""}。${c.confirmationNumber ? `受付番号は ${c.confirmationNumber} です。` : ""}解約のお手続きは必要ありません。`
      : `This subscription is already canceled${on ? ` (it ends on ${on})` : ""}.${c.confirmationNumber ? ` Confirmation number: ${c.confirmationNumber}.` : ""} There is nothing more to do to cancel.`;
    return { summary, steps: [] };
  }
  const direct = input.policy !== "oneOffer";
  const tick = input.feeTick === true;
  const channels = ja
    ? "マイページ・電話（自動音声）・オペレーターのいずれからでも、いつでも解約できます。"
    : "You can cancel at any time, on the web (my page), by phone (automated) or with an operator.";
  // The fee's tick is one action more, named where it falls: one sentence, the phrase inserted.
  const ticks = tick ? 1 : 0;
  const web = direct
    ? ja
      ? `マイページでは「解約する」を押すと解約内容の確認画面が開き、${tick ? "解約手数料の確認にチェックを入れて" : ""}「解約を確定する」で完了します（${2 + ticks}回の操作）。`
      : `On your my page, "Cancel this subscription" opens the confirmation${tick ? "; tick the box acknowledging the early-cancellation fee and" : " and"} "Confirm the cancellation" completes it (${2 + ticks} actions).`
    : ja
      ? `マイページでは「解約する」から確定まで、最大${4 + ticks}回の操作（解約する・理由の選択〈任意〉・ご提案が表示された場合は「解約の手続きを続ける」・${tick ? "解約手数料の確認のチェック・" : ""}解約を確定する）で完了します。`
      : `On your my page it takes at most ${4 + ticks} actions from "Cancel this subscription" to the end: cancel, a reason (optional), "Continue cancelling" if an offer is shown, ${tick ? "the box acknowledging the early-cancellation fee, " : ""}and confirm.`;
  const cutoff = ja
    ? `お届け予定日の${input.cutoffDays}日前までの受付で、そのお届けから停止します。`
    : `A cancellation received at least ${input.cutoffDays} days before a delivery stops that delivery.`;
  const summary = ja ? `${channels}${web}${cutoff}${input.commitment}` : `${channels} ${web} ${cutoff} ${input.commitment}`;
  const confirm = ja
    ? `解約日とご請求${tick ? "（解約手数料を含む）" : ""}を確認し${tick ? "、解約手数料の確認にチェックを入れ" : ""}て、解約を確定します。受付番号と受付票をお渡しします。`
    : `Check the end date and the charges${tick ? " (the early-cancellation fee among them), tick the box acknowledging the fee," : ","} then confirm: you get a confirmation number and a receipt.`;
  const steps = direct
    ? [
        ja ? "解約を開始します。ご提案は表示されず、そのまま確認に進みます。" : "Start cancelling: no offer is shown, you go straight to the confirmation.",
        confirm,
        ...(input.policy === "afterCancellation"
          ? [ja ? "解約の完了後に、再開のご案内が表示されることがあります。解約はそのまま有効です。" : "Once the cancellation is complete, an offer to come back may be shown; the cancellation stands either way."]
          : []),
      ]
    : [
        ja ? "解約を開始します。" : "Start cancelling.",
        ja ? "理由の入力は任意です。ご提案が表示されても、そのまま解約に進めます。" : "Giving a reason is optional; if an offer is shown, you can still continue cancelling.",
        confirm,
      ];
  return { summary, steps };
}
