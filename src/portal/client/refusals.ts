import { say, type Language, type PortalTextKey } from "../../platform/localized-text";
import type { Problem } from "./api";
import { retryAfterSeconds } from "../../platform/retry";

/**
 * The API's refusals whose `detail` is the shop's rule in the customer's words (plan-changes/rules:
 * the same words the card's note shows from plan-options), so the portal shows the detail as sent.
 */
export const RULE_REFUSALS: ReadonlySet<string> = new Set([
  "change_window_closed",
  "skip_limit_exceeded",
  "pause_too_long",
  "quantity_out_of_range",
  "interval_not_allowed",
  "date_out_of_range",
  "delivery_date_closed",
  "subscription_not_active",
  "subscription_not_paused",
]);

/**
 * Every other code a portal call can receive (the `errors` of the operations it calls, plus the
 * auth layer's), in the customer's words: the API's detail for these is written for the shop's
 * developers (field names, paths, headers). `fee_acknowledgement_required` is worded apart (it
 * names the amount); `session_expired` is handled by the portal (it resumes the action).
 */
export const REFUSAL_TEXT: Readonly<Record<string, PortalTextKey>> = {
  subscription_not_found: "refusedNotFound",
  customer_not_found: "refusedNotFound",
  cancel_flow_not_found: "refusedNotFound",
  not_found: "refusedNotFound",
  subscription_canceled: "refusedAlreadyCanceled",
  version_conflict: "refusedChangedMeanwhile",
  // The portal shows the new terms (the problem's ifCanceledNow) above this line and asks again.
  cancellation_terms_changed: "refusedTermsChanged",
  idempotency_key_reused: "refusedChangedMeanwhile",
  cancel_flow_saved: "refusedFlowEnded",
  cancel_flow_canceled: "refusedFlowEnded",
  reason_already_given: "refusedFlowEnded",
  cancel_flow_expired: "refusedFlowExpired",
  no_offer_shown: "refusedOfferUnavailable",
  offer_not_shown: "refusedOfferUnavailable",
  offer_expired: "refusedOfferUnavailable",
  idempotency_key_in_use: "refusedUnsettled",
  rate_limited: "refusedTooMany",
  invalid_session: "refusedSignIn",
  missing_api_key: "refusedSignIn",
  invalid_api_key: "refusedSignIn",
  session_not_allowed: "refusedSignIn",
  insufficient_scope: "refusedSignIn",
  csrf_rejected: "refusedSignIn",
  customer_session_not_found: "refusedSignIn",
  validation_failed: "refusedInput",
  unknown_reason: "refusedInput",
  invalid_json: "refusedInput",
  customer_erased: "refusedAccount",
  api_key_in_browser: "refusedSignIn",
  unknown_customer: "refusedNotFound",
  // The embed set up wrongly by the shop (portal.ts #setupProblem): nothing the customer can retry.
  session_missing: "refusedSetup",
  session_invalid: "refusedSetup",
  origin_not_allowed: "refusedSetup",
  // The service runs with a SECRETS_KEY its database's secrets were not sealed with: its operator's to fix, not the customer's.
  secrets_key_mismatch: "refusedSetup",
  // A request the portal itself got wrong: nothing the customer can fix but trying again.
  payload_too_large: "refused",
  unsupported_media_type: "refused",
};

/**
 * What the customer reads for a refused or failed call, in `lang`: a rule's refusal as the API
 * words it; any other code in the portal's own words; an unknown code a generic line that never
 * shows the API's detail. `money` writes the fee the way the portal writes every amount.
 */
export function refusalText(problem: Problem, lang: Language, money: (m: { amount: number; currency: string }) => string): string {
  // Temporary, and the API says for how long (Retry-After): say so, with the seconds.
  const wait = retryAfterSeconds(problem);
  if (wait !== null && problem.code === "database_unavailable") return say("refusedUnavailable", lang, { n: wait });
  if (wait !== null && problem.code === "rate_limited") return say("refusedTooManyFor", lang, { n: wait });
  // The portal's own setup codes have no answer behind them (status 0) yet are not a network failure.
  if (REFUSAL_TEXT[problem.code] === "refusedSetup") return say("refusedSetup", lang);
  if (problem.status === 0 || problem.status >= 500) return say("failed", lang);
  if (RULE_REFUSALS.has(problem.code) && typeof problem.detail === "string" && problem.detail) return problem.detail;
  if (problem.code === "fee_acknowledgement_required") {
    const fee = problem.fee as { amount?: unknown; currency?: unknown } | undefined;
    return typeof fee?.amount === "number" && typeof fee.currency === "string"
      ? say("feeNotAcknowledged", lang, { amount: money({ amount: fee.amount, currency: fee.currency }) })
      : say("feeNotAcknowledgedNoAmount", lang);
  }
  return say(REFUSAL_TEXT[problem.code] ?? "refused", lang);
}
