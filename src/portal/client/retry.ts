import type { Call, Problem } from "./api";
import { retryDelay } from "../../platform/retry";

/**
 * The portal's sending again (the rule: platform/retry): runs `send` and, while the answer says
 * "later", waits its Retry-After and runs it again unchanged (same Idempotency-Key); answers the
 * first success, or throws the last refusal. `onWait(problem, s)` is told before each wait (the
 * portal says what it is doing); `sleep` is for tests.
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
