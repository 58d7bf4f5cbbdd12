/**
 * The comeback offer for a canceled subscription: chosen by the same offer engine as the cancel
 * flow (src/offers: eligibility → personalise → rank, for the cancellation's reason), on the plan
 * as it would restart, and kept only when its copy passes the same phrase lint (src/offers/lint).
 *
 * Only offers that make sense on a restart are considered: a longer interval (surplus stock), a
 * smaller quantity or a discount (price), a product swap, a gift, usage advice. Skips and pauses
 * do not apply to a plan that is not running. A customer who named a return date is instead
 * reminded that day (the `reminder` kind), when the engine has nothing better for their reason.
 * Pure.
 */
import type { Lang, Localized } from "../cancel-flows/reasons";
import { lintCopy } from "../offers/lint";
import type { CatalogueOffer } from "../offers/catalogue";
import { formatDate, personalise, type PersonalisedOffer, type SubscriptionSnapshot } from "../offers/personalise";
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
  /** The message to send, built from the title and description; passed the phrase lint. */
  message: Localized;
  /** The first delivery if the customer restarts: the return date they named, else the earliest possible. */
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

function messageFor(productName: string, title: Localized, description: Localized): Localized {
  return {
    ja: `${productName}のお届けは、いつでも再開できます。${title.ja}：${description.ja}`,
    en: `Your ${productName} deliveries can restart whenever you like. ${title.en}: ${description.en}`,
  };
}

/** The plan as it would restart: active, its first delivery on the restart date. */
function restarted(sub: SubscriptionSnapshot, restartOn: string): SubscriptionSnapshot {
  return { ...sub, status: "active", nextDeliveryOn: restartOn, pausedUntil: null, activeDiscount: null };
}

/** An engine offer as a comeback, when it applies to a restart and all its copy passes the lint. */
function asComeback(o: Pick<PersonalisedOffer, "offerId" | "type" | "parameters" | "title" | "description">, productName: string, restartOn: string): ComebackOffer | null {
  if (!RESTART_TYPES.has(o.type)) return null;
  const message = messageFor(productName, o.title, o.description);
  if (!clean([o.title, o.description, message])) return null;
  return { kind: "offer", offerId: o.offerId, type: o.type, parameters: o.parameters as unknown as Record<string, unknown>, title: o.title, description: o.description, message, restartOn };
}

/**
 * The reminder for a customer who named a return date: its copy names the date deliveries can
 * restart — theirs, or, once that is too close or past (it is before `restartOn`), the earliest
 * changeable delivery, saying that their date has come. Null when the copy fails the lint.
 */
function reminderFor(returnOn: string, restartOn: string, productName: string): ComebackOffer | null {
  const title = { ja: `${formatDate(restartOn, "ja")}からの再開のご案内`, en: `Restarting from ${formatDate(restartOn, "en")}` };
  const description =
    returnOn >= restartOn
      ? {
          ja: `お伝えいただいた${formatDate(returnOn, "ja")}から、以前と同じ内容でお届けを再開できます。`,
          en: `From ${formatDate(returnOn, "en")}, the date you gave us, your deliveries can restart as before.`,
        }
      : {
          ja: `お伝えいただいた${formatDate(returnOn, "ja")}を過ぎました。${formatDate(restartOn, "ja")}から、以前と同じ内容でお届けを再開できます。`,
          en: `The date you gave us, ${formatDate(returnOn, "en")}, has passed. From ${formatDate(restartOn, "en")}, your deliveries can restart as before.`,
        };
  const message = messageFor(productName, title, description);
  return clean([title, description, message]) ? { kind: "reminder", offerId: null, type: "reminder", parameters: { restartOn: returnOn }, title, description, message, restartOn } : null;
}

export function comebackOffer(inputs: OfferInputs, c: { reason: string | null; returnOn: string | null; restartOn: string; now: string }): ComebackOffer | null {
  const restart: OfferInputs = { ...inputs, sub: restarted(inputs.sub, c.restartOn), consecutiveSkips: 0 };
  const ranked = rankOffers(restart, { ...(c.reason ? { reason: c.reason } : {}), channel: "web", now: c.now, mode: "mean" });
  for (const o of ranked) {
    const comeback = asComeback(o, inputs.sub.product.name, c.restartOn);
    if (comeback) return comeback;
  }
  if (c.returnOn) {
    const reminder = reminderFor(c.returnOn, c.restartOn, inputs.sub.product.name);
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
  if (decided.kind === "reminder") return reminderFor(String(decided.parameters.restartOn), c.restartOn, sub.product.name);
  if (!offer || offer.id !== decided.offerId) return null;
  const concrete = personalise(offer, restarted(sub, c.restartOn), { today: c.today, settings: c.settings, stockOnHand: null, consecutiveSkips: 0 });
  return concrete ? asComeback(concrete, sub.product.name, c.restartOn) : null;
}

export function presentComeback(o: ComebackOffer, lang: Lang) {
  return { kind: o.kind, offerId: o.offerId, type: o.type, parameters: o.parameters, title: o.title[lang], description: o.description[lang], message: o.message[lang], restartOn: o.restartOn };
}
