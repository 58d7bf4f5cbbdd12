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
import { formatDate } from "../offers/personalise";
import { rankOffers, type OfferInputs } from "../offers/service";

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

export function comebackOffer(inputs: OfferInputs, c: { reason: string | null; returnOn: string | null; restartOn: string; now: string }): ComebackOffer | null {
  // The plan as it would restart: active, its first delivery on the restart date.
  const restart: OfferInputs = { ...inputs, sub: { ...inputs.sub, status: "active", nextDeliveryOn: c.restartOn, pausedUntil: null, activeDiscount: null }, consecutiveSkips: 0 };
  const ranked = rankOffers(restart, { ...(c.reason ? { reason: c.reason } : {}), channel: "web", now: c.now, mode: "mean" });
  for (const o of ranked) {
    if (!RESTART_TYPES.has(o.type)) continue;
    const message = messageFor(inputs.sub.product.name, o.title, o.description);
    if (!clean([o.title, o.description, message])) continue;
    return { kind: "offer", offerId: o.offerId, type: o.type, parameters: o.parameters as unknown as Record<string, unknown>, title: o.title, description: o.description, message, restartOn: c.restartOn };
  }
  if (c.returnOn) {
    const title = { ja: `${formatDate(c.returnOn, "ja")}からの再開のご案内`, en: `Restarting from ${formatDate(c.returnOn, "en")}` };
    const description = {
      ja: `お伝えいただいた${formatDate(c.returnOn, "ja")}から、以前と同じ内容でお届けを再開できます。`,
      en: `From ${formatDate(c.returnOn, "en")}, the date you gave us, your deliveries can restart as before.`,
    };
    const message = messageFor(inputs.sub.product.name, title, description);
    if (clean([title, description, message])) return { kind: "reminder", offerId: null, type: "reminder", parameters: { restartOn: c.returnOn }, title, description, message, restartOn: c.restartOn };
  }
  return null;
}

export function presentComeback(o: ComebackOffer, lang: Lang) {
  return { kind: o.kind, offerId: o.offerId, type: o.type, parameters: o.parameters, title: o.title[lang], description: o.description[lang], message: o.message[lang], restartOn: o.restartOn };
}
