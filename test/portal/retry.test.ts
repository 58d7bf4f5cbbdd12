import { describe, expect, it } from "vitest";
import { say } from "../../src/platform/localized-text";
import { ApiProblem, type Problem } from "../../src/portal/client/api";
import { refusalText } from "../../src/portal/client/refusals";
import { MAX_RETRIES, mayHaveApplied, retryDelay } from "../../src/platform/retry";
import { withRetries } from "../../src/portal/client/retry";

const yen = (m: { amount: number; currency: string }) => `￥${m.amount}`;
const inUse: Problem = { code: "idempotency_key_in_use", status: 409, title: "t", retryAfterSeconds: 2 };
const down: Problem = { code: "database_unavailable", status: 503, title: "t", retryAfterSeconds: 5 };
const tooMany: Problem = { code: "rate_limited", status: 429, title: "t", retryAfterSeconds: 42 };
const keyed = { method: "POST" as const, idempotencyKey: "k-1" };

describe("the portal's retries after a 'not now' answer", () => {
  it("sends again only what is safe to send again: a read, or a write with its key; never a keepalive", () => {
    expect(retryDelay(inUse, keyed, 1)).toBe(2);
    expect(retryDelay(down, { method: "GET" }, 1)).toBe(5);
    expect(retryDelay(tooMany, keyed, 1)).toBe(42);
    expect(retryDelay(down, { method: "POST" }, 1)).toBeNull();
    expect(retryDelay(inUse, { ...keyed, keepalive: true }, 1)).toBeNull();
    // Not "later": a refusal stays one.
    expect(retryDelay({ code: "version_conflict", status: 412, title: "t" }, keyed, 1)).toBeNull();
    // Without a wait named, or a wait longer than the portal takes on its own.
    expect(retryDelay({ ...down, retryAfterSeconds: undefined }, keyed, 1)).toBeNull();
    expect(retryDelay({ ...tooMany, retryAfterSeconds: 600 }, keyed, 1)).toBeNull();
  });

  it("a write given up on may have applied when its first send had not finished, or after it was sent again; a first 503 or 429 did nothing", () => {
    expect(mayHaveApplied(inUse, 1)).toBe(true);
    expect(mayHaveApplied(down, 1)).toBe(false);
    expect(mayHaveApplied(tooMany, 1)).toBe(false);
    expect(mayHaveApplied(down, MAX_RETRIES + 1)).toBe(true);
    expect(mayHaveApplied({ code: "version_conflict" }, MAX_RETRIES + 1)).toBe(false);
  });

  it("waits Retry-After and sends the same call again, a bounded number of times, then throws the last answer", async () => {
    const waits: number[] = [];
    const told: string[] = [];
    let sends = 0;
    const send = async () => {
      sends++;
      throw new ApiProblem(inUse);
    };
    await expect(withRetries(keyed, send, (p, s) => told.push(`${p.code} ${s}`), async (ms) => void waits.push(ms))).rejects.toMatchObject({ problem: inUse });
    expect(sends).toBe(MAX_RETRIES + 1);
    expect(waits).toEqual(Array(MAX_RETRIES).fill(2000));
    expect(told).toEqual(Array(MAX_RETRIES).fill("idempotency_key_in_use 2"));
  });

  it("answers the first success after a wait", async () => {
    let sends = 0;
    const send = async () => {
      if (++sends === 1) throw new ApiProblem(down);
      return "ok";
    };
    expect(await withRetries({ method: "GET" }, send, () => {}, async () => {})).toBe("ok");
    expect(sends).toBe(2);
  });
});

describe("the customer's words for a temporary refusal", () => {
  it("503 and 429 say it is temporary and in how many seconds to try again", () => {
    expect(refusalText(down, "ja", yen)).toBe("ただいま一時的にお手続きができません。5秒ほど待ってから、もう一度お試しください。");
    expect(refusalText(down, "en", yen)).toBe("This is unavailable for a moment. Please try again in about 5 seconds.");
    expect(refusalText(tooMany, "ja", yen)).toBe("ただいま混み合っています。42秒ほど待ってから、もう一度お試しください。");
    // No wait named (a proxy's bare 503): the general line, as before.
    expect(refusalText({ ...down, retryAfterSeconds: undefined }, "ja", yen)).toBe(say("failed", "ja"));
  });

  it("a change whose first send never settled says it may have applied, and to reload and look before trying again", () => {
    const text = refusalText(inUse, "ja", yen);
    expect(text).toContain("反映されている場合があります");
    expect(text).toContain("再読み込み");
    expect(text).not.toBe(say("refusedBusy", "ja"));
    expect(refusalText(inUse, "en", yen)).toMatch(/may have been applied.*reload/i);
  });
});
