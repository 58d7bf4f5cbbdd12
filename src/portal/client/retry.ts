import type { Call, Problem } from "./api";

/**
 * The portal's one retry rule, for answers that say "not now" with `Retry-After`: the API's 409
 * `idempotency_key_in_use` (the first send of this very request has not finished, or was
 * interrupted), 503 `database_unavailable` and 429 `rate_limited` (nothing was done). No DOM here.
 *
 * A call is sent again only as it was: the same method, body and Idempotency-Key, so a change is
 * applied once however often it is sent (the API answers a finished first send with its stored
 * answer). A read (GET) is safe to send again; a write only with its key; a keepalive call (the
 * page is going) never.
 */

/** Sends after the first, at most: with the API's 1–60 s Retry-After, the customer waits a few minutes at worst. */
export const MAX_RETRIES = 3;
/** The longest Retry-After the portal waits out by itself (s); a longer one is the customer's to decide. */
export const MAX_WAIT_S = 60;

/** Codes whose answer means "the same request, later": the API documents `retryAfterSeconds` on each. */
const LATER: ReadonlySet<string> = new Set(["idempotency_key_in_use", "database_unavailable", "rate_limited"]);

/** Seconds to wait before sending `call` again after `problem`, or null to stop and say so. `sent`: sends so far (≥ 1). */
export function retryDelay(problem: Problem, call: Pick<Call, "method" | "idempotencyKey" | "keepalive">, sent: number): number | null {
  if (!LATER.has(problem.code) || call.keepalive || sent > MAX_RETRIES) return null;
  const s = retryAfterSeconds(problem);
  if (s === null || s > MAX_WAIT_S) return null;
  // A write without a key could be applied twice; the 409 only ever answers a keyed one.
  if (call.method !== "GET" && !call.idempotencyKey) return null;
  return s;
}

/** The problem's wait in whole seconds (its `retryAfterSeconds`, which is also its `Retry-After`), or null. */
export function retryAfterSeconds(problem: Problem): number | null {
  const s = problem.retryAfterSeconds;
  return typeof s === "number" && Number.isFinite(s) && s > 0 ? Math.ceil(s) : null;
}

/**
 * Runs `send` and, while the answer says "later" (retryDelay), waits and runs it again; answers
 * the first success, or throws the last refusal. `onWait(problem, s)` is told before each wait
 * (the portal says what it is doing); `sleep` is for tests.
 */
export async function withRetries<T>(
  call: Pick<Call, "method" | "idempotencyKey" | "keepalive">,
  send: () => Promise<T>,
  onWait: (problem: Problem, seconds: number) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
): Promise<T> {
  for (let sent = 1; ; sent++) {
    try {
      return await send();
    } catch (e) {
      const problem = (e as { problem?: Problem }).problem;
      const s = problem ? retryDelay(problem, call, sent) : null;
      if (s === null || !problem) throw e;
      onWait(problem, s);
      await sleep(s * 1000);
    }
  }
}
