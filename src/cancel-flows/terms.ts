/**
 * What a confirmed cancellation means for one subscription, as pure functions: whether the next
 * delivery is stopped (the change cut-off, decided by the moment the request was RECEIVED), the
 * date the subscription ends, any final charge or disclosed early-cancellation fee with its basis,
 * and the receipt text the customer keeps. No I/O, so every rule is tested without HTTP.
 */
import { addCycles } from "../platform/cadence";
import { addDays, localDate, localTime, writeDate, zoneLabel } from "../platform/dates";
import { settle, undoesCancellation } from "../plan-changes/rules";
import { discountedPrice, upcomingDiscount, type DiscountDates } from "../plan-changes/discount";
import { formatMoney, type Money } from "../platform/numbers";
import { say } from "../platform/localized-text";
import type { Lang, Localized } from "./reasons";
import type { TenantSettings } from "../settings/schemas";

export type TermsSubscription = {
  id: string;
  productName: string;
  status: "active" | "paused" | "canceled";
  quantity: number;
  unitPriceAmount: number;
  currency: string;
  nextDeliveryOn: string | null;
  /** For a paused subscription: the date deliveries resume. */
  pausedUntil?: string | null;
  deliveriesCompleted: number;
  commitmentMinDeliveries: number | null;
  commitmentFeeAmount: number | null;
  commitmentFeeCurrency: string | null;
  /** The cadence, to name the delivery after a final one that still ships (the fee's basis); absent: not named. */
  intervalDays?: number;
  intervalMonths?: number | null;
  deliveryDay?: number | null;
  /** An accepted discount (plan-changes/discount): a final delivery it covers is charged at its discounted price. */
  activeDiscount?: (DiscountDates & DiscountAmount) | null;
};

type DiscountAmount = { percentOff?: number | null; amountOff?: number | null };

/**
 * The discount on the delivery of `on`, the plan's next: the one the customer accepted, when that
 * delivery is one of its discounted ones (as the portal and the console price it); else null.
 */
function discountOn(sub: TermsSubscription, on: string): DiscountAmount | null {
  const d = sub.activeDiscount;
  if (!d || !sub.intervalDays) return null;
  const ahead = upcomingDiscount(d, { nextDeliveryOn: on, intervalDays: sub.intervalDays, intervalMonths: sub.intervalMonths ?? null, deliveryDay: sub.deliveryDay ?? null });
  return ahead !== null && ahead.first === on ? d : null;
}

export type Charge = { type: "final_delivery" | "early_cancellation_fee"; amount: Money; basis: string };

export type CancellationTerms = {
  receivedAt: string;
  /** The tenant-local date of receipt. */
  receivedOn: string;
  cutoff: {
    changeCutoffDays: number;
    /** Deliveries on or after this date are stopped by a cancellation received today. */
    firstStoppableDate: string;
    rule: string;
  };
  nextDelivery: { on: string; stopped: boolean } | null;
  /** The last day of the subscription: today, or the date of a delivery already being prepared. */
  effectiveOn: string;
  commitment: { minDeliveries: number; deliveriesCounted: number; met: boolean; earlyCancellationFee: Money | null } | null;
  /** Final charges with their basis (empty: nothing more to pay). */
  charges: Charge[];
  total: Money;
  /** The early-cancellation fee that must be acknowledged, if one applies. */
  fee: Money | null;
};

const CUTOFF_RULE: Localized = {
  ja: "お届け予定日の{days}日前までに受け付けた解約は、そのお届けから停止します。それ以降の受付の場合、準備済みのお届けが最後の1回となります。",
  en: "A cancellation received at least {days} days before a delivery stops that delivery; received later, the delivery already being prepared is the last one.",
};

/**
 * The commitment as cancellation-info answers it and a flow's start discloses it (`commitmentDisclosed`):
 * what was agreed, the deliveries so far and whether cancelling now charges the fee. null: no commitment.
 */
export function commitmentView(terms: CancellationTerms, deliveriesCompleted: number) {
  if (!terms.commitment) return null;
  return {
    minDeliveries: terms.commitment.minDeliveries,
    deliveriesCompleted,
    earlyCancellationFee: terms.commitment.earlyCancellationFee,
    feeAppliesIfCanceledNow: terms.fee !== null,
    acknowledgeFeeRequired: terms.fee !== null,
    basis: terms.charges.find((c) => c.type === "early_cancellation_fee")?.basis ?? null,
  };
}

export function cutoffRule(days: number, lang: Lang): string {
  return CUTOFF_RULE[lang].replace("{days}", String(days));
}

export function cancellationTerms(sub: TermsSubscription, settings: Pick<TenantSettings, "changeCutoffDays" | "closedDates" | "timeZone" | "pricesIncludeTax">, receivedAt: Date, lang: Lang): CancellationTerms {
  const receivedOn = localDate(receivedAt, settings.timeZone);
  const firstStoppableDate = addDays(receivedOn, settings.changeCutoffDays);
  // A pause whose date has come counts as resumed, even before the maintenance job ran: its first
  // delivery is where the resume puts it (never a date gone by, which would look "prepared").
  const next = sub.status === "canceled" ? null : settle({ ...sub, intervalDays: 0, pausedUntil: sub.pausedUntil ?? null, consecutiveSkips: 0 }, receivedOn, settings).nextDeliveryOn;
  const stopped = next === null || next >= firstStoppableDate;
  const money = (amount: number): Money => ({ amount, currency: sub.currency });
  const charges: Charge[] = [];
  if (next !== null && !stopped) {
    // Charged as the customer was told: an accepted discount covering this delivery still applies.
    const regular = sub.unitPriceAmount * sub.quantity;
    const discount = discountOn(sub, next);
    const amount = discount ? discountedPrice(regular, discount) : regular;
    // The discount in the shared words the portal prices it with (「20%オフ」, "¥500 off").
    const off = !discount ? null : discount.percentOff != null ? say("percentOff", lang, { n: discount.percentOff }) : say("amountOff", lang, { amount: formatMoney(money(discount.amountOff ?? 0), lang) });
    const label = off === null ? "" : lang === "ja" ? `${off}の` : `${off}, `;
    const price = `${label}${formatMoney(money(amount), lang, { taxIncluded: settings.pricesIncludeTax })}`;
    charges.push({
      type: "final_delivery",
      amount: money(amount),
      basis:
        lang === "ja"
          ? `${writeDate(next, lang, "full")}のお届けは受付時点で締め切り（${settings.changeCutoffDays}日前）を過ぎており準備済みのため、最後のお届けとして発送され、${price}が請求されます。`
          : `The delivery on ${writeDate(next, lang, "full")} was already inside the ${settings.changeCutoffDays}-day cut-off when the request was received, so it ships and is charged as the last one (${price}).`,
    });
  }
  let commitment: CancellationTerms["commitment"] = null;
  let fee: Money | null = null;
  if (sub.commitmentMinDeliveries !== null) {
    const counted = sub.deliveriesCompleted + (next !== null && !stopped ? 1 : 0);
    const feeMoney = sub.commitmentFeeAmount ? { amount: sub.commitmentFeeAmount, currency: sub.commitmentFeeCurrency ?? sub.currency } : null;
    const met = counted >= sub.commitmentMinDeliveries;
    commitment = { minDeliveries: sub.commitmentMinDeliveries, deliveriesCounted: counted, met, earlyCancellationFee: feeMoney };
    if (!met && feeMoney) {
      fee = feeMoney;
      // The delivery the customer would take next by keeping the plan: the stopped one, or the one
      // after a final delivery that still ships (unnamed when the cadence is not known).
      const nextKept = next === null ? null : stopped ? next : sub.intervalDays ? addCycles(next, { intervalDays: sub.intervalDays, intervalMonths: sub.intervalMonths ?? null, deliveryDay: sub.deliveryDay ?? null }, 1) : null;
      charges.push({
        type: "early_cancellation_fee",
        amount: feeMoney,
        basis: feeBasis({ minDeliveries: sub.commitmentMinDeliveries, counted, finalShipping: next !== null && !stopped, nextKept, fee: feeMoney }, lang),
      });
    }
  }
  const total = money(charges.filter((c) => c.amount.currency === sub.currency).reduce((s, c) => s + c.amount.amount, 0));
  return {
    receivedAt: receivedAt.toISOString(),
    receivedOn,
    cutoff: { changeCutoffDays: settings.changeCutoffDays, firstStoppableDate, rule: cutoffRule(settings.changeCutoffDays, lang) },
    nextDelivery: next === null ? null : { on: next, stopped },
    effectiveOn: next !== null && !stopped ? next : receivedOn,
    commitment,
    charges,
    total,
    fee,
  };
}

/**
 * The early-cancellation fee's basis (消費者契約法 §9(2), 2023: the business explains what a
 * cancellation fee rests on): the commitment promised (`minDeliveries`), the deliveries counted
 * (received, plus a final one that still ships), those remaining, and that taking the remaining
 * deliveries — the next one on `nextKept` — avoids the fee. It states the basis; the amount is
 * the shop's, disclosed at sign-up. `confirmed`: the basis as the receipt keeps it, once the
 * customer has cancelled — without the way to avoid the fee, which no longer applies.
 */
export function feeBasis(
  input: { minDeliveries: number; counted: number; finalShipping: boolean; nextKept: string | null; fee: Money; confirmed?: boolean },
  lang: Lang,
): string {
  const remaining = Math.max(0, input.minDeliveries - input.counted);
  const amount = formatMoney(input.fee, lang);
  // Short, as a phone's first screen needs it (the final confirmation, the receipt): the same facts
  // in two sentences — promised, received, remaining, the fee — then the way to avoid it.
  if (lang === "ja") {
    const done = `これまでのお受け取りは${input.counted}回${input.finalShipping ? "（最後に発送されるお届けを含む）" : ""}、残り${remaining}回`;
    const next = input.nextKept ? `（次回 ${writeDate(input.nextKept, lang, "full")}）` : "";
    const basis = `お申込み時の定期コースのお約束は${input.minDeliveries}回で、${done}のため、解約手数料${amount}がかかります。`;
    return input.confirmed ? basis : `${basis}残り${remaining}回${next}をお受け取りいただくと、手数料はかかりません。`;
  }
  const done = `${input.counted} received${input.finalShipping ? " (counting the last one, which still ships)" : ""}, ${remaining} to go`;
  const next = input.nextKept ? ` (next on ${writeDate(input.nextKept, lang, "full")})` : "";
  const basis = `The plan's commitment, disclosed at sign-up, is ${input.minDeliveries} deliveries: ${done}, so cancelling before it is met brings the early-cancellation fee of ${amount}.`;
  return input.confirmed ? basis : `${basis} Taking the remaining ${remaining}${next} avoids the fee.`;
}

/**
 * What a confirmation would charge differently from the terms last disclosed in its flow: the
 * charges (type and amount), the next delivery (its date, stopped or not), the end date when it is
 * a delivery's (a final delivery that ships), and the fee. Language-neutral: the wording of a
 * basis is not compared. A cancellation that stops the next delivery ends the day it is received,
 * so that end date moving to the next day, with nothing charged differently, is not a change: the
 * receipt says the day received, and leaving is never refused for lateness alone.
 * Empty: the same terms. Each entry names what changed (`charges`, `nextDelivery`, `effectiveOn`, `fee`).
 */
export function termsChanged(
  disclosed: Pick<CancellationTerms, "charges" | "nextDelivery" | "effectiveOn" | "fee" | "receivedOn">,
  now: Pick<CancellationTerms, "charges" | "nextDelivery" | "effectiveOn" | "fee" | "receivedOn">,
): ("charges" | "nextDelivery" | "effectiveOn" | "fee")[] {
  const out: ("charges" | "nextDelivery" | "effectiveOn" | "fee")[] = [];
  const charges = (t: typeof now) => JSON.stringify(t.charges.map((c) => [c.type, c.amount.amount, c.amount.currency]));
  if (charges(disclosed) !== charges(now)) out.push("charges");
  const next = (t: typeof now) => (t.nextDelivery ? `${t.nextDelivery.on}:${t.nextDelivery.stopped}` : "none");
  if (next(disclosed) !== next(now)) out.push("nextDelivery");
  // The end date as the day of receipt (nothing ships) moves with the calendar; a delivery's does not.
  const end = (t: typeof now) => (t.effectiveOn === t.receivedOn ? "received" : t.effectiveOn);
  if (end(disclosed) !== end(now)) out.push("effectiveOn");
  const fee = (t: typeof now) => (t.fee ? `${t.fee.amount} ${t.fee.currency}` : "none");
  if (fee(disclosed) !== fee(now)) out.push("fee");
  return out;
}

/** Local date and time of an instant, e.g. 2026年11月23日 16:40 (JST) / 23 Nov 2026 16:40 (Asia/Tokyo). */
export function formatInstant(instant: string, timeZone: string, lang: Lang): string {
  const d = new Date(instant);
  const date = localDate(d, timeZone);
  const time = localTime(d, timeZone);
  const zone = zoneLabel(timeZone, lang);
  return `${writeDate(date, lang, "full")} ${time}（${zone}）`.replace("（", lang === "ja" ? "（" : " (").replace("）", lang === "ja" ? "）" : ")");
}

/**
 * What is still to pay, as a customer reads it: with the shop's tax basis when a delivery is among
 * the charges (「合計3,980円（税込）」, "$49.00 plus tax"); a fee alone as disclosed, its tax
 * treatment being the shop's (settings `pricesIncludeTax`).
 */
export function writeTotal(terms: CancellationTerms, lang: Lang, pricesIncludeTax: boolean): string {
  const delivery = terms.charges.some((c) => c.type === "final_delivery");
  return formatMoney(terms.total, lang, delivery ? { taxIncluded: pricesIncludeTax } : undefined);
}

/** The receipt the customer keeps: receipt number, date and time received, end date, charges. */
export function receiptText(
  input: { confirmationNumber: string; subscriptionId: string; productName: string; terms: CancellationTerms; shopName: string; timeZone: string; pricesIncludeTax: boolean },
  lang: Lang,
): string {
  const t = input.terms;
  const total = writeTotal(t, lang, input.pricesIncludeTax);
  const received = formatInstant(t.receivedAt, input.timeZone, lang);
  // The fee's basis as a record of what was agreed: the way to avoid it was for before cancelling.
  const basisOf = (c: Charge) =>
    c.type === "early_cancellation_fee" && t.commitment
      ? feeBasis({ minDeliveries: t.commitment.minDeliveries, counted: t.commitment.deliveriesCounted, finalShipping: t.nextDelivery !== null && !t.nextDelivery.stopped, nextKept: null, fee: c.amount, confirmed: true }, lang)
      : c.basis;
  // Dates with the day of the week, as the portal writes them on the screen around the receipt (trial41).
  const day = (date: string) => writeDate(date, lang, "full", undefined, { weekday: true });
  const lines: string[] = [];
  if (lang === "ja") {
    lines.push(`【解約受付票】${input.shopName}`);
    lines.push(`受付番号：${input.confirmationNumber}`);
    lines.push(`受付日時：${received}`);
    lines.push(`ご契約：${input.productName}（定期番号 ${input.subscriptionId}）`);
    lines.push(`解約日：${day(t.effectiveOn)}`);
    if (t.nextDelivery) lines.push(t.nextDelivery.stopped ? `次回お届け（${day(t.nextDelivery.on)}）：停止しました` : `次回お届け（${day(t.nextDelivery.on)}）：締め切り後の受付のため、最後のお届けとして発送されます`);
    lines.push(t.charges.length === 0 ? "今後のご請求：ありません" : `今後のご請求：合計${total}`);
    for (const c of t.charges) lines.push(`・${basisOf(c)}`);
    lines.push("この受付票は解約手続きの控えとして保存してください。");
  } else {
    lines.push(`Cancellation receipt — ${input.shopName}`);
    lines.push(`Confirmation number: ${input.confirmationNumber}`);
    lines.push(`Received: ${received}`);
    lines.push(`Subscription: ${input.productName} (${input.subscriptionId})`);
    lines.push(`Ends on: ${day(t.effectiveOn)}`);
    if (t.nextDelivery) lines.push(t.nextDelivery.stopped ? `Next delivery (${day(t.nextDelivery.on)}): stopped` : `Next delivery (${day(t.nextDelivery.on)}): inside the cut-off, ships as the last one`);
    lines.push(t.charges.length === 0 ? "Further charges: none" : `Further charges: a total of ${total}`);
    for (const c of t.charges) lines.push(`- ${basisOf(c)}`);
    lines.push("Keep this receipt as your record of the cancellation.");
  }
  return lines.join("\n");
}

/** e.g. CN-20261123-7KQ4ZP: the local date of receipt and six unambiguous characters. */
export function confirmationNumber(receivedOn: string, random: () => number): string {
  const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  let s = "";
  for (let i = 0; i < 6; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return `CN-${receivedOn.replaceAll("-", "")}-${s}`;
}

/**
 * What a reactivation does to the early-cancellation fee the cancellation it reverses charged.
 * - Undone (today, tenant-local, on or before the cancellation's effective date —
 *   plan-changes/rules `undoesCancellation`): the fee is waived; the commitment continues, its
 *   deliveries counted as before, so a later cancellation brings the fee once, not twice.
 * - Later: the cancellation took effect and its fee stands (the merchant may have charged it); the
 *   fee paid settles the commitment, so the plan restarts without one and no fee can come again.
 * `note` says it in the customer's words, for a confirmation read before they agree.
 */
export type FeeOnReactivation = {
  /** The early-cancellation fee the cancellation charged. */
  fee: Money;
  waived: boolean;
  /** The receipt number of the cancellation that charged it. */
  confirmationNumber: string | null;
  /** `continues`: the same commitment runs on (fee waived); `settled`: the fee paid ends it. */
  commitment: "continues" | "settled";
  note: Localized;
};

export function feeOnReactivation(
  cancellation: { effectiveOn?: string | null; earlyCancellationFee?: Money | null; confirmationNumber?: string | null } | null,
  sub: { commitmentMinDeliveries: number | null; deliveriesCompleted: number },
  today: string,
): FeeOnReactivation | null {
  const fee = cancellation?.earlyCancellationFee ?? null;
  if (!cancellation || !fee) return null;
  const waived = undoesCancellation(cancellation, today);
  const number = cancellation.confirmationNumber ?? null;
  const on = cancellation.effectiveOn ?? today;
  const ja = formatMoney(fee, "ja");
  const en = formatMoney(fee, "en");
  const receipt = { ja: number ? `（受付番号 ${number}）` : "", en: number ? ` (${number})` : "" };
  const min = sub.commitmentMinDeliveries;
  const note: Localized = waived
    ? {
        ja: `${writeDate(on, "ja", "full")}までの再開のため解約は取り消しとなり、解約時にご案内した解約手数料${ja}${receipt.ja}はかかりません。${min !== null ? `定期コースのお約束（${min}回のお受け取り）は、これまでの${sub.deliveriesCompleted}回に続けて数えます。お約束の回数に届く前に改めて解約される場合の解約手数料は、その1回分だけです。` : ""}`,
        en: `Reactivating by ${writeDate(on, "en", "full")} undoes the cancellation: the early-cancellation fee of ${en}${receipt.en} is not charged.${min !== null ? ` The commitment of ${min} deliveries continues, counting the ${sub.deliveriesCompleted} received so far; cancelling again before it is met brings the fee once, not twice.` : ""}`,
      }
    : {
        ja: `解約は${writeDate(on, "ja", "full")}に成立しているため、解約手数料${ja}${receipt.ja}はそのままお支払いいただきます。この手数料で定期コースのお約束は精算済みとなり、再開後のご契約に回数のお約束と解約手数料はありません。`,
        en: `The cancellation took effect on ${writeDate(on, "en", "full")}, so its early-cancellation fee of ${en}${receipt.en} stands. That fee settles the commitment: the restarted plan has no minimum number of deliveries and no cancellation fee.`,
      };
  return { fee, waived, confirmationNumber: number, commitment: waived ? "continues" : "settled", note };
}
