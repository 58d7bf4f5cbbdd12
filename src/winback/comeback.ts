/**
 * The comeback offer for a canceled subscription: chosen by the same offer engine as the cancel
 * flow (src/offers: eligibility → personalise → rank, for the cancellation's reason), on the plan
 * as it would restart, and kept only when its copy passes the same phrase lint (src/offers/lint).
 * Its copy is a comeback's own (`restartCopy`), not the catalogue's cancel-flow templates: the
 * customer has no plan, so nothing about cancelling or what they pay now; the message then states
 * the terms of the 定期 it restarts, how to cancel it again included (`restartTerms`).
 *
 * Only offers that make sense on a restart are considered: a longer interval (surplus stock), a
 * smaller quantity or a discount (price), a product swap, a gift, usage advice. Skips and pauses
 * do not apply to a plan that is not running. A customer who named a return date is instead
 * reminded that day (the `reminder` kind), when the engine has nothing better for their reason —
 * or when they gave no reason: then the date is all they said.
 * Pure.
 */
import { CANCELLATION_REASON_CODES } from "../cancel-flows/reasons";
import type { Language, Localized } from "../platform/localized-text";
import { lintCopy } from "../offers/lint";
import type { CatalogueOffer } from "../offers/catalogue";
import { anchorFor, cadenceText } from "../platform/cadence";
import { writeDate } from "../platform/dates";
import { personalise, type ConcreteParameters, type PersonalisedOffer, type SubscriptionSnapshot } from "../offers/personalise";
import { formatMoney, type Money } from "../platform/numbers";
import { productInEnglish, productNameInEnglish } from "../risk/spoken";
import { rankOffers, type OfferInputs } from "../offers/service";
import type { TenantSettings } from "../settings/schemas";

const RESTART_TYPES = new Set(["change_interval", "change_quantity", "discount", "product_swap", "free_gift", "usage_advice"]);

export type ComebackOffer = {
  kind: "offer" | "reminder";
  offerId: string | null;
  type: string;
  parameters: Record<string, unknown>;
  title: Localized;
  description: Localized;
  /** The message to send (an invitation to restart, the description, a closing; the title is its subject); passed the phrase lint. */
  message: Localized;
  /** The first delivery if the customer restarts: the return date they named, else the earliest possible (a monthly plan's: on its schedule). */
  restartOn: string;
};

// The lint is pure and the same copy recurs on every page (one product, one offer), while linting
// a text costs about a millisecond: remember verdicts per text, bounded (cleared when full).
const verdicts = new Map<string, boolean>();
const passes = (text: string): boolean => {
  let ok = verdicts.get(text);
  if (ok === undefined) {
    if (verdicts.size >= 5_000) verdicts.clear();
    ok = lintCopy(text).length === 0;
    verdicts.set(text, ok);
  }
  return ok;
};

function clean(texts: Localized[]): boolean {
  return texts.every((t) => passes(t.ja) && passes(t.en));
}

/**
 * The terms of the 定期 the customer would restart (特定商取引法: an invitation to a subscription
 * states what it costs, how often, and how it ends): the cadence and the price per delivery as the
 * plan restarts with the offer (its interval, quantity or product; a discount's regular price), that
 * it runs until cancelled with no minimum, and the shop's cut-off for cancelling (`changeCutoffDays`). Pure.
 */
/** The shop's rules a comeback's copy states: the cut-off for cancelling, and its prices' tax basis. */
type Rules = Pick<TenantSettings, "changeCutoffDays" | "pricesIncludeTax">;

function restartTerms(p: ConcreteParameters | null, sub: SubscriptionSnapshot, rules: Rules): Localized {
  const cutoffDays = rules.changeCutoffDays;
  const plan = p?.type === "change_interval" ? { intervalDays: p.intervalDays, intervalMonths: p.intervalMonths ?? null } : { intervalDays: sub.intervalDays, intervalMonths: sub.intervalMonths ?? null };
  const each =
    p?.type === "change_quantity" || p?.type === "product_swap"
      ? p.pricePerDelivery
      : p?.type === "discount"
        ? p.priceAfter
        : { amount: sub.unitPrice.amount * sub.quantity, currency: sub.unitPrice.currency };
  const every = cadence(plan);
  const amount = price(each, rules.pricesIncludeTax);
  const discounted = p?.type === "discount";
  const cutoff =
    cutoffDays > 0
      ? both(`お届け予定日の${cutoffDays}日前までに解約をお申し出いただくと`, `cancel at least ${cutoffDays} ${cutoffDays === 1 ? "day" : "days"} before a delivery and`)
      : both("お届け予定日の当日までに解約をお申し出いただくと", "cancel by the day of a delivery and");
  // A discount's copy already says it has no minimum number of deliveries: said once.
  return both(
    `再開後は定期コースとして${every.ja}にお届けし、${discounted ? "割引の回を除き、" : ""}1回あたり${amount.ja}です。お届けは解約のお申し出まで続きます。${discounted ? "" : "回数のお約束はなく、いつでも解約できます。"}${cutoff.ja}、そのお届けから停止します。`,
    `Once restarted, it is a subscription: a delivery ${every.en} at ${amount.en} each${discounted ? " (apart from the discounted deliveries)" : ""}, until you cancel. ${discounted ? capitalised(cutoff.en) : `There is no minimum number of deliveries: ${cutoff.en}`} that delivery is stopped.`,
  );
}

/**
 * The message to send: an invitation to restart, the offer in a comeback's words, the terms of the
 * 定期 it restarts (`restartTerms`), and a closing that leaves the choice to the customer. Title and
 * body stay separate fields; the message reads as one letter (no 「title：description」).
 */
function messageFor(product: SubscriptionSnapshot["product"], description: Localized, terms: Localized): Localized {
  // A description with a list (usage tips, a line each) is set off by line breaks.
  const list = description.ja.includes("\n") || description.en.includes("\n");
  // English names the product only in words an English reader can read (risk/spoken): "your supplement deliveries", else "your deliveries".
  const en = productInEnglish(product.name, product.category);
  return {
    ja: `${product.name}のお届け再開のご案内です。${list ? "\n" : ""}${description.ja}${list ? "\n" : ""}${terms.ja}再開をご希望の際は、いつでもお手続きいただけます。`,
    en: `A note about restarting your ${en ? `${en} ` : ""}deliveries.${list ? "\n" : " "}${description.en}${list ? "\n" : " "}${terms.en} If you would like to restart, you can do so whenever it suits you.`,
  };
}

const both = (ja: string, en: string): Localized => ({ ja, en });
const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const day = (date: string): Localized => both(writeDate(date, "ja", "full"), writeDate(date, "en", "full"));
/** A price the customer would pay, with the shop's tax basis (「3,980円（税込）」, "$49.00 plus tax"). */
const price = (m: Money, taxIncluded: boolean): Localized => both(formatMoney(m, "ja", { taxIncluded }), formatMoney(m, "en", { taxIncluded }));
const cadence = (plan: Parameters<typeof cadenceText>[0]): Localized => both(cadenceText(plan, "ja"), cadenceText(plan, "en"));

/**
 * A comeback's title and description from the offer's computed terms. The catalogue's templates
 * are written for a cancel flow (a running plan: 「このまま解約…」, 「お支払い金額は変わりません」),
 * so a customer with no plan reads copy written for a restart instead: what restarting with this
 * remedy means, its real terms and dates, nothing about cancelling or what they pay now. Only
 * names (product, gift, tips) come from the catalogue. Null for an offer type with no restart copy.
 */
function restartCopy(p: ConcreteParameters, sub: SubscriptionSnapshot, restartOn: string, taxIncluded: boolean): { title: Localized; description: Localized } | null {
  const name = sub.product.name;
  const nameEn = productNameInEnglish(name, sub.product.category);
  const first = day(restartOn);
  switch (p.type) {
    case "change_interval": {
      const longer = p.intervalDays > p.fromIntervalDays;
      const next = day(p.followingDeliveryOn);
      // The cadences in words (「2ヶ月ごと」, not the nominal 「61日ごと」); a day plan's read as before.
      const to = cadence({ intervalDays: p.intervalDays, intervalMonths: p.intervalMonths ?? null });
      const from = cadence({ intervalDays: p.fromIntervalDays, intervalMonths: p.fromIntervalMonths ?? null });
      const fromEn = p.fromIntervalMonths == null && p.intervalMonths == null ? `every ${p.fromIntervalDays}` : from.en;
      return {
        title: both(`${to.ja}のお届けで再開できます`, `Restart with a delivery ${to.en}`),
        description: both(
          `お届け間隔を以前の${from.ja}から${to.ja}に${longer ? "延ばして" : "変えて"}再開できます。${longer ? "お手元に商品が余りにくくなります。" : ""}1回のお届け内容は以前と同じで、初回は${first.ja}、その次は${next.ja}です。`,
          `You can restart with a delivery ${to.en} instead of ${fromEn}${longer ? ", so less builds up at home" : ""}. Each delivery is the same as before: the first on ${first.en}, the next on ${next.en}.`,
        ),
      };
    }
    case "change_quantity": {
      const each = price(p.pricePerDelivery, taxIncluded);
      return {
        title: both(`1回${p.quantity}個のお届けで再開できます`, `Restart with ${p.quantity} per delivery`),
        description: both(
          `1回のお届けを以前の${p.fromQuantity}個から${p.quantity}個に減らして再開できます。1回あたり${each.ja}、${cadence(sub).ja}のお届けで、初回は${first.ja}です。`,
          `You can restart with ${p.quantity} per delivery instead of ${p.fromQuantity}, at ${each.en} per delivery ${cadence(sub).en}. The first delivery would be on ${first.en}.`,
        ),
      };
    }
    case "discount": {
      const label = p.percentOff !== null ? both(`${p.percentOff}%オフ`, `${p.percentOff}% off`) : both(`${formatMoney({ amount: p.amountOff ?? 0, currency: p.regularPrice.currency }, "ja")}引き`, `${formatMoney({ amount: p.amountOff ?? 0, currency: p.regularPrice.currency }, "en")} off`);
      const discounted = price(p.discountedPrice, taxIncluded);
      const after = price(p.priceAfter, taxIncluded);
      const full = day(p.firstFullPriceOn);
      const last = day(p.lastDiscountedOn);
      return p.cycles === 1
        ? {
            title: both(`再開後はじめてのお届けが${label.ja}`, `${label.en} your first delivery back`),
            description: both(
              `再開後はじめてのお届け（${first.ja}）が${label.ja}の${discounted.ja}になります。${full.ja}のお届けからは通常価格の${after.ja}です。この割引に回数のお約束はありません。`,
              `Your first delivery after restarting (${first.en}) costs ${discounted.en} (${label.en}). From the delivery on ${full.en}, the regular price of ${after.en} applies. The discount comes with no minimum number of deliveries.`,
            ),
          }
        : {
            title: both(`再開後${p.cycles}回のお届けが${label.ja}`, `${label.en} your first ${p.cycles} deliveries back`),
            description: both(
              `再開後のお届け${p.cycles}回分（${first.ja}から${last.ja}まで）が${label.ja}の${discounted.ja}になります。${full.ja}のお届けからは通常価格の${after.ja}です。この割引に回数のお約束はありません。`,
              `Your first ${p.cycles} deliveries after restarting (${first.en} to ${last.en}) cost ${discounted.en} each (${label.en}). From the delivery on ${full.en}, the regular price of ${after.en} applies. The discount comes with no minimum number of deliveries.`,
            ),
          };
    }
    case "product_swap": {
      const each = price(p.pricePerDelivery, taxIncluded);
      return {
        title: both(`${p.toName}でお届けを再開できます`, `Restart with ${p.toName}`),
        description: both(
          `${name}の代わりに、${p.toName}でお届けを再開できます。1回あたり${each.ja}、${cadence(sub).ja}のお届けで、初回は${first.ja}です。`,
          `You can restart with ${p.toName} instead of ${nameEn}, at ${each.en} per delivery ${cadence(sub).en}. The first delivery would be on ${first.en}.`,
        ),
      };
    }
    case "free_gift":
      return {
        title: both(`再開後はじめてのお届けに${p.gift.ja}をお付けします`, `${capitalised(p.gift.en)} with your first delivery back, free`),
        description: both(
          `以前はご不便をおかけし、申し訳ありませんでした。再開された場合、はじめてのお届け（${first.ja}）に${p.gift.ja}を無料でお付けします。`,
          `We are sorry for the trouble you had before. If you restart, we will add ${p.gift.en} to your first delivery (${first.en}) free of charge.`,
        ),
      };
    case "usage_advice":
      return {
        title: both(`${name}の使い方のご案内`, `Tips on using ${nameEn}`),
        description: both(
          `よくあるご質問をもとに、${name}の使い方をまとめました。${p.tips.map((t) => `\n・${t.ja}`).join("")}`,
          `Based on common questions, here are some tips on using ${nameEn}.${p.tips.map((t) => `\n• ${t.en}`).join("")}`,
        ),
      };
    default:
      return null;
  }
}

/**
 * The plan as it would restart: active, its first delivery on the restart date — a monthly plan
 * restarting on another day of the month keeping that day, as the reactivation sets it.
 */
function restarted(sub: SubscriptionSnapshot, restartOn: string): SubscriptionSnapshot {
  return { ...sub, status: "active", nextDeliveryOn: restartOn, pausedUntil: null, activeDiscount: null, ...(sub.intervalMonths ? { deliveryDay: anchorFor(restartOn, sub) } : {}) };
}

/** An engine offer as a comeback, when it applies to a restart and all its copy passes the lint. */
function asComeback(o: Pick<PersonalisedOffer, "offerId" | "type" | "parameters">, sub: SubscriptionSnapshot, restartOn: string, rules: Rules): ComebackOffer | null {
  if (!RESTART_TYPES.has(o.type)) return null;
  const copy = restartCopy(o.parameters, sub, restartOn, rules.pricesIncludeTax);
  if (!copy) return null;
  const message = messageFor(sub.product, copy.description, restartTerms(o.parameters, sub, rules));
  if (!clean([copy.title, copy.description, message])) return null;
  return { kind: "offer", offerId: o.offerId, type: o.type, parameters: o.parameters as unknown as Record<string, unknown>, title: copy.title, description: copy.description, message, restartOn };
}

/**
 * The reminder for a customer who named a return date: its copy names the date deliveries can
 * restart — theirs, or, once that is too close or past (it is before `restartOn`), the earliest
 * changeable delivery, recalling their date as what they told us (not as a date they missed: a
 * reminder thanks, it never reproaches). Null when the copy fails the lint.
 */
function reminderFor(returnOn: string, restartOn: string, sub: SubscriptionSnapshot, rules: Rules): ComebackOffer | null {
  const product = sub.product;
  const title = { ja: `${writeDate(restartOn, "ja", "full")}からの再開のご案内`, en: `Restarting from ${writeDate(restartOn, "en", "full")}` };
  const description =
    returnOn >= restartOn
      ? {
          ja: `お伝えいただいた${writeDate(returnOn, "ja", "full")}から、以前と同じ内容でお届けを再開できます。`,
          en: `From ${writeDate(returnOn, "en", "full")}, the date you gave us, your deliveries can restart as before.`,
        }
      : {
          ja: `${writeDate(returnOn, "ja", "full")}ごろの再開をお考えと伺っておりました。${writeDate(restartOn, "ja", "full")}から、以前と同じ内容でお届けを再開できます。`,
          en: `You mentioned you might restart around ${writeDate(returnOn, "en", "full")}. Your deliveries can restart as before from ${writeDate(restartOn, "en", "full")}.`,
        };
  const message = messageFor(product, description, restartTerms(null, sub, rules));
  // `restartOn` the date the copy names (as the offer's own `restartOn`), `returnOn` the customer's.
  return clean([title, description, message]) ? { kind: "reminder", offerId: null, type: "reminder", parameters: { restartOn, returnOn }, title, description, message, restartOn } : null;
}

/**
 * Whether a catalogue offer may come back to a customer who cancelled for `reason`, by the offer's
 * own eligibility as in a cancel flow: the reason among the offer's `reasons`; no reason given
 * (a sync without one, a flow confirmed without one) — only an offer open to every reason of the
 * shop's list (`reasonCodes`: GET /v1/cancellation-reasons), since nothing says which one it serves. Pure.
 */
export function offerFitsReason(offer: Pick<CatalogueOffer, "eligibility">, reason: string | null, reasonCodes: readonly string[]): boolean {
  const fits = offer.eligibility.reasons;
  return reason !== null ? fits.includes(reason) : reasonCodes.every((code) => fits.includes(code));
}

/**
 * The comeback offer for a cancellation (see the module's note). `c.reasonCodes`: the shop's
 * reason list, for a cancellation without a reason (`offerFitsReason`; the default list when not given).
 */
export function comebackOffer(inputs: OfferInputs, c: { reason: string | null; returnOn: string | null; restartOn: string; now: string; reasonCodes?: readonly string[] }): ComebackOffer | null {
  // A date named and no reason given: all the customer said is when they will be back, so that day
  // they are reminded, not sold to (the engine, with no reason, would rank any offer first).
  if (c.returnOn && c.reason === null) {
    const reminder = reminderFor(c.returnOn, c.restartOn, inputs.sub, inputs.settings);
    if (reminder) return reminder;
  }
  // Without a reason the engine ranks over every reason some offer serves: only offers open to all of them may take part.
  const catalogue = c.reason === null ? inputs.catalogue.filter((o) => offerFitsReason(o, null, c.reasonCodes ?? CANCELLATION_REASON_CODES)) : inputs.catalogue;
  const restart: OfferInputs = { ...inputs, catalogue, sub: restarted(inputs.sub, c.restartOn), consecutiveSkips: 0 };
  const ranked = rankOffers(restart, { ...(c.reason ? { reason: c.reason } : {}), channel: "web", now: c.now, mode: "mean" });
  for (const o of ranked) {
    const comeback = asComeback(o, inputs.sub, c.restartOn, inputs.settings);
    if (comeback) return comeback;
  }
  if (c.returnOn) {
    const reminder = reminderFor(c.returnOn, c.restartOn, inputs.sub, inputs.settings);
    if (reminder) return reminder;
  }
  return null;
}

/**
 * A comeback already decided (which offer, for this plan) made concrete for another restart date:
 * the same catalogue offer personalised again, so its dates, terms and copy follow the new date
 * (a reminder's copy is written again for the new restart date). Null when the
 * offer no longer applies or its new copy fails the lint: the caller then decides afresh. Pure.
 */
export function rerenderComeback(
  decided: ComebackOffer,
  offer: CatalogueOffer | undefined,
  sub: SubscriptionSnapshot,
  c: { restartOn: string; today: string; settings: TenantSettings },
): ComebackOffer | null {
  // A reminder's copy names the restart date: written again for the new one.
  // (Reminders decided before `returnOn` was kept carried the customer's date as `restartOn`.)
  if (decided.kind === "reminder") return reminderFor(String(decided.parameters.returnOn ?? decided.parameters.restartOn), c.restartOn, sub, c.settings);
  if (!offer || offer.id !== decided.offerId) return null;
  return comebackOf(offer, sub, c);
}

/**
 * The catalogue offer `offer` as a comeback for `sub` restarting on `c.restartOn`: personalised on
 * the restarted plan, its copy written for the restart. Null when it does not apply or its copy
 * fails the lint. Pure.
 */
export function comebackOf(offer: CatalogueOffer, sub: SubscriptionSnapshot, c: { restartOn: string; today: string; settings: TenantSettings }): ComebackOffer | null {
  const concrete = personalise(offer, restarted(sub, c.restartOn), { today: c.today, settings: c.settings, stockOnHand: null, consecutiveSkips: 0 });
  return concrete ? asComeback(concrete, sub, c.restartOn, c.settings) : null;
}

export function presentComeback(o: ComebackOffer, lang: Language) {
  return { kind: o.kind, offerId: o.offerId, type: o.type, parameters: o.parameters, title: o.title[lang], description: o.description[lang], message: o.message[lang], restartOn: o.restartOn };
}
