/**
 * The one rule for sending a request again after an answer that says "not now" with
 * `Retry-After`, for the portal (portal/client/retry.ts sends again from the browser) and the
 * console (console/pages posts the operator's form again): the API's 409 `idempotency_key_in_use`
 * (the first send of this very request has not finished, or was interrupted), 503
 * `database_unavailable` and 429 `rate_limited` (nothing was done). No DOM and no Node here.
 *
 * A request is sent again only as it was: the same method, body and Idempotency-Key, so a change
 * is applied once however often it is sent (the API answers a finished first send with its stored
 * answer). A read (GET) is safe to send again; a write only with its key; a keepalive call (the
 * page is going) never.
 */

/** Sends after the first, at most: with the API's 1–60 s Retry-After, a few minutes' wait at worst. */
export const MAX_RETRIES = 3;
/** The longest Retry-After waited out without the person deciding (s). */
export const MAX_WAIT_S = 60;

/** Codes whose answer means "the same request, later": the API documents `retryAfterSeconds` on each. */
const LATER: ReadonlySet<string> = new Set(["idempotency_key_in_use", "database_unavailable", "rate_limited"]);

/** A request as far as the rule cares: its method, whether it carries an Idempotency-Key, whether it is a keepalive. */
export type Resend = { method: string; idempotencyKey?: string | undefined; keepalive?: boolean | undefined };

/** Seconds to wait before sending `request` again after `problem`, or null to stop and say so. `sent`: sends so far (≥ 1). */
export function retryDelay(problem: { code: string } & Record<string, unknown>, request: Resend, sent: number): number | null {
  if (!LATER.has(problem.code) || request.keepalive || sent > MAX_RETRIES) return null;
  const s = retryAfterSeconds(problem);
  if (s === null || s > MAX_WAIT_S) return null;
  // A write without a key could be applied twice; the 409 only ever answers a keyed one.
  if (request.method !== "GET" && !request.idempotencyKey) return null;
  return s;
}

/**
 * Whether a write given up on after `problem` (retryDelay answered null) may still have been
 * applied, so the person is told to reload and check rather than to try again: the API said its
 * first send had not finished (409 `idempotency_key_in_use`), or it was sent more than once and
 * the last answer was another "not now" (what the earlier sends did is not known). `sent`: sends
 * so far (≥ 1). A first send refused with 503 or 429 did nothing.
 */
export function mayHaveApplied(problem: { code: string }, sent: number): boolean {
  return problem.code === "idempotency_key_in_use" || (sent > 1 && LATER.has(problem.code));
}

/** The problem's wait in whole seconds (its `retryAfterSeconds`, which is also its `Retry-After`), or null. */
export function retryAfterSeconds(problem: Record<string, unknown>): number | null {
  const s = problem.retryAfterSeconds;
  return typeof s === "number" && Number.isFinite(s) && s > 0 ? Math.ceil(s) : null;
}
