/**
 * Taking a comeback offer on reactivation (`POST /v1/subscriptions/{id}/reactivate { offerId }`):
 * which offers a customer may take, and how long.
 *
 * Validity: an offer may be taken while the subscription's win-back record is open (canceled, not
 * reactivated since) and either
 * - it is the comeback the engine suggests for the record today — what the candidates list shows
 *   now (its terms follow the restart date, so it never goes stale by itself); or
 * - it is the one `winback.due` carried, for `SENT_OFFER_VALID_DAYS` tenant-local days after it was
 *   sent (its `validUntil`), even if the suggestion has moved since (learned outcomes, a catalogue
 *   edit elsewhere) — a customer answering the message is never told it changed under them.
 * Either way the offer must still be in the shop's catalogue and apply to the restarted plan under
 * the shop's rules now: it is personalised again on that plan (its discount counted from the first
 * delivery back, its interval or size checked by the plan-change rules), and applied by the same
 * `applyOffer` as an offer accepted in a cancel flow. A reminder is not an offer: a plain
 * reactivation takes it.
 *
 * The offer must also meet its own eligibility for the cancellation's reason, as in a cancel flow
 * (winback/comeback `offerFitsReason`: the reason given among the offer's reasons; none given, only
 * an offer open to every reason) — whatever was suggested or sent before that rule held.
 *
 * Refused: 409 `offer_not_shown` for an offer never suggested for this subscription (or no open
 * record), or not for the cancellation's reason; 409 `offer_expired` for one sent more than `SENT_OFFER_VALID_DAYS` ago and not
 * suggested now, or no longer in the catalogue or applicable to the plan.
 */
import { desc, eq, isNull } from "drizzle-orm";
import { winbacks } from "../db/schema";
import type { CatalogueOffer } from "../offers/catalogue";
import { loadCatalogue } from "../offers/repository";
import { addDays, localDate, writeDate } from "../platform/dates";
import type { ReactivationWindow } from "../plan-changes/rules";
import { ApiError } from "../platform/errors";
import type { TenantStore } from "../platform/tenancy";
import type { TenantSettings } from "../settings/schemas";
import { tenantReasons } from "../cancel-flows/reasons-repository";
import { comebackOf, offerFitsReason, type ComebackOffer } from "./comeback";
import { comebacksForToday, restartOnFor, storeStamp, type StoredComeback, type StoredPlan } from "./decide";

/** Days after `winback.due` was sent during which the offer it carried can be taken, whatever is suggested since. */
export const SENT_OFFER_VALID_DAYS = 30;

/** The last tenant-local day the offer sent on `sentOn` can be taken (at least: longer while it is still suggested). */
export const sentOfferValidUntil = (sentOn: string) => addDays(sentOn, SENT_OFFER_VALID_DAYS);

export type ComebackToRedeem = {
  winbackId: string;
  flowId: string | null;
  offer: CatalogueOffer;
  via: "suggested" | "sent";
  /**
   * When the customer named a return date (the exit survey's `returnOn`): the restart the offer was
   * shown for — their date, or the earliest changeable one once it is nearer, a monthly plan's on
   * its day (`restartOnFor`) — where the reactivation taking it starts unless another is asked for.
   * Null when they named none (the reactivation's own rule then: the earliest changeable date).
   */
  restartOn: string | null;
  /** The plan the comeback was decided for (what the offer is personalised on when it restarts). */
  plan: StoredPlan;
};

function notShown(subscriptionId: string, offerId: string, shown: (string | null)[]): never {
  throw new ApiError(
    "offer_not_shown",
    {
      en: `Offer ${offerId} was not suggested as a comeback offer for subscription ${subscriptionId}; see GET /v1/winback/candidates?customerId=….`,
      ja: `特典 ${offerId} は、定期コース ${subscriptionId} の再開のご案内として提示されていません。GET /v1/winback/candidates?customerId=… をご確認ください。`,
    },
    { shownOfferIds: [...new Set(shown.filter((x): x is string => x !== null))] },
  );
}

/** 409 `offer_not_shown`: `offerId` does not serve the reason the customer cancelled for (none given: it is not open to every reason); `shown`: what the list suggests instead. */
function notForReason(subscriptionId: string, offerId: string, reason: string | null, shown: (string | null)[]): never {
  const why =
    reason === null
      ? { en: "no reason was given for cancelling, and it is not open to every reason", ja: "解約理由のご回答がなく、この特典はすべての解約理由を対象としていません" }
      : { en: `it is not for the reason given for cancelling (${reason})`, ja: `解約理由（${reason}）がこの特典の対象ではありません` };
  throw new ApiError(
    "offer_not_shown",
    { en: `Offer ${offerId} is not a comeback offer for subscription ${subscriptionId}: ${why.en}; see GET /v1/winback/candidates?customerId=….`, ja: `特典 ${offerId} は定期コース ${subscriptionId} の再開特典としてご利用いただけません（${why.ja}）。GET /v1/winback/candidates?customerId=… をご確認ください。` },
    { shownOfferIds: [...new Set(shown.filter((x): x is string => x !== null && x !== offerId))] },
  );
}

function expired(offerId: string, why: { en: string; ja: string }, validUntil: string | null): never {
  throw new ApiError("offer_expired", { en: `Offer ${offerId} can no longer be taken: ${why.en}`, ja: `特典 ${offerId} は現在ご利用いただけません。${why.ja}` }, { validUntil });
}

/**
 * The comeback offer `offerId` the customer may take on reactivating `subscriptionId` now (see the
 * module's note), or an `ApiError`. Read-only; call inside the reactivation's write, before it.
 */
export async function comebackToRedeem(s: TenantStore, subscriptionId: string, offerId: string, now: Date, settings: TenantSettings): Promise<ComebackToRedeem> {
  const row = await openRecordOf(s, subscriptionId);
  if (!row) notShown(subscriptionId, offerId, []);
  const stored = row.comeback as unknown as StoredComeback | null;
  const today = localDate(now, settings.timeZone);
  const decided = (await comebacksForToday(s, [{ ...row, comeback: stored }], await storeStamp(s), now, settings)).get(row.id) ?? null;
  const current = decided?.offer ?? null;
  const sent = stored?.sent ?? null;
  const suggested = current?.kind === "offer" && current.offerId === offerId;
  const wasSent = sent?.kind === "offer" && sent.offerId === offerId;
  if (!suggested && !wasSent) notShown(subscriptionId, offerId, [current?.offerId ?? null, sent?.offerId ?? null]);
  const validUntil = wasSent ? sentOfferValidUntil(sent!.sentOn) : null;
  if (!suggested && today > validUntil!) {
    // Dates as people write them: the operator reads this to the caller.
    const day = (d: string, lang: "ja" | "en") => writeDate(d, lang, "full");
    expired(offerId, { en: `it was sent on ${day(sent!.sentOn, "en")} and could be taken until ${day(validUntil!, "en")}.`, ja: `${day(sent!.sentOn, "ja")}にお送りした特典で、ご利用期限は${day(validUntil!, "ja")}でした。` }, validUntil);
  }
  const offer = (await loadCatalogue(s, now.toISOString())).catalogue.find((o) => o.id === offerId && o.active);
  // Not run out: `validUntil` is null (errors.ts), so a caller does not read it as a date that passed.
  if (!offer) expired(offerId, { en: "the shop no longer offers it.", ja: "ショップがこの特典の提供を終了しました。" }, null);
  // The offer's own eligibility, as in a cancel flow: the reason given for cancelling, or with none only an offer open to every reason.
  // (A suggestion made now meets it; this refuses one sent or stored before the rule held.)
  if (!offerFitsReason(offer, row.reason, (await tenantReasons(s)).map((r) => r.code))) notForReason(subscriptionId, offerId, row.reason, [current?.offerId ?? null]);
  // The date the list shows with the offer (suggested), or the one `takeableSentComeback` shows with what was sent.
  const restartOn = row.returnOn === null ? null : suggested ? current!.restartOn : restartOnFor(row.returnOn, now, settings, stored!.sub);
  return { winbackId: row.id, flowId: row.flowId, offer, via: suggested ? "suggested" : "sent", restartOn, plan: suggested ? decided!.sub : stored!.sub };
}

/**
 * The comeback offer `offerId` as a reactivation of `subscriptionId` starting on `restartOn`
 * (YYYY-MM-DD, tenant-local: the first delivery chosen) would apply it: the offer
 * `comebackToRedeem` lets the customer take, personalised on the plan restarting that day — its
 * discount's deliveries, prices and copy counted from that first delivery, as the reactivation's
 * `personaliseTerms` counts them. Null when it does not apply to that restart; an `ApiError` as
 * `comebackToRedeem` (409 `offer_not_shown`, `offer_expired`). Read-only. For the console, whose
 * operator reads the terms out before confirming a date that may not be the list's `restartOn`.
 */
export async function comebackOnRestart(s: TenantStore, subscriptionId: string, offerId: string, restartOn: string, now: Date, settings: TenantSettings): Promise<ComebackOffer | null> {
  const taken = await comebackToRedeem(s, subscriptionId, offerId, now, settings);
  return comebackOf(taken.offer, taken.plan, { restartOn, today: localDate(now, settings.timeZone), settings });
}

/** `offerId` no longer applies to the restarted plan under the shop's rules (personalise found no terms). */
export function notApplicable(offerId: string): never {
  expired(offerId, { en: "it does not apply to the restarted plan under the shop's current rules.", ja: "現在のショップの条件では、再開後の定期コースに適用できません。" }, null);
}

/** The open win-back record of `subscriptionId` (canceled, not reactivated since), its latest. */
async function openRecordOf(s: TenantStore, subscriptionId: string) {
  const [row] = await s.q
    .select({ id: winbacks.id, subscriptionId: winbacks.subscriptionId, customerId: winbacks.customerId, flowId: winbacks.flowId, reason: winbacks.reason, returnOn: winbacks.returnOn, comeback: winbacks.comeback, comebackStamp: winbacks.comebackStamp })
    .from(winbacks)
    .where(s.owns(winbacks, eq(winbacks.subscriptionId, subscriptionId), isNull(winbacks.reactivatedAt)))
    .orderBy(desc(winbacks.canceledAt))
    .limit(1);
  return row;
}

/**
 * The offer `winback.due` carried for the open record of `subscriptionId`, while the customer may
 * still take it by its date (today ≤ `validUntil`, tenant-local), made concrete for a restart today
 * as `comebackToRedeem` would apply it; null when none was sent, it ran out, it left the catalogue
 * or no longer applies to the plan. Read-only. For an operator whose caller answers the message
 * after the suggestion moved on (the console's reactivation).
 */
export async function takeableSentComeback(s: TenantStore, subscriptionId: string, now: Date, settings: TenantSettings): Promise<{ offer: ComebackOffer; sentOn: string; validUntil: string } | null> {
  const row = await openRecordOf(s, subscriptionId);
  const stored = (row?.comeback ?? null) as unknown as StoredComeback | null;
  const sent = stored?.sent;
  if (!row || !stored || sent?.kind !== "offer" || !sent.offerId) return null;
  const validUntil = sentOfferValidUntil(sent.sentOn);
  const today = localDate(now, settings.timeZone);
  if (today > validUntil) return null;
  const entry = (await loadCatalogue(s, now.toISOString())).catalogue.find((o) => o.id === sent.offerId && o.active);
  const offer = entry ? comebackOf(entry, stored.sub, { restartOn: restartOnFor(row.returnOn, now, settings, stored.sub), today, settings }) : null;
  return offer ? { offer, sentOn: sent.sentOn, validUntil } : null;
}

/**
 * The comeback offer a customer restarting their own plan may take now (plan-options
 * `reactivate.comeback`, what the my-page shows on the canceled plan's card): the one `winback.due`
 * carried, while it can be taken (`takeableSentComeback`: by its `validUntil`, still in the
 * catalogue, still applicable), its terms for the first delivery a restart with it gives today —
 * the date it was shown for (`restartOn`), or the final delivery when that is still coming (the
 * plan continues from it), or the latest first delivery `window` allows when the customer's date is
 * further — exactly as `POST …/reactivate { offerId, nextDeliveryOn }` on that date applies it.
 * Null when there is none to take: never sent, run out, taken (the record is closed by the
 * reactivation), or gone from the catalogue. Only what was sent: a suggestion the customer was never
 * told of is the shop's to send. Read-only.
 */
export async function comebackForRestart(s: TenantStore, subscriptionId: string, window: ReactivationWindow, now: Date, settings: TenantSettings): Promise<{ offer: ComebackOffer; sentOn: string; validUntil: string } | null> {
  const sent = await takeableSentComeback(s, subscriptionId, now, settings);
  if (!sent?.offer.offerId) return null;
  const first = "continuesOn" in window ? window.continuesOn : sent.offer.restartOn <= window.latest ? sent.offer.restartOn : window.latest;
  if (first === sent.offer.restartOn) return sent;
  try {
    const offer = await comebackOnRestart(s, subscriptionId, sent.offer.offerId, first, now, settings);
    return offer ? { ...sent, offer } : null;
  } catch (e) {
    // Not takeable on that date after all (offer_not_shown, offer_expired): nothing to show.
    if (e instanceof ApiError) return null;
    throw e;
  }
}
