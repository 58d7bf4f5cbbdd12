import { describe, expect, it } from "vitest";
import { retryAfterOf, secondsUntilReset } from "../../src/platform/rate-limit";

describe("Retry-After on a 429: the window's length, on Node and Workers alike", () => {
  it("is the whole window, whatever is left of it, so both runtimes say the same and never less than the wait", () => {
    expect(retryAfterOf(60)).toBe(60);
    expect(retryAfterOf(10)).toBe(10);
  });
});

describe("RateLimit's t on Node: seconds until the window resets, rounded up", () => {
  const now = Date.parse("2026-12-02T14:00:00.000Z");
  const at = (ms: number) => new Date(now + ms);

  it("rounds up what is left of the window (Node knows when its window resets)", () => {
    expect(secondsUntilReset(at(60_000), 60, now)).toBe(60);
    expect(secondsUntilReset(at(59_001), 60, now)).toBe(60);
    expect(secondsUntilReset(at(58_999), 60, now)).toBe(59);
    expect(secondsUntilReset(at(300), 60, now)).toBe(1);
  });

  it("never says 0 or more than the window", () => {
    expect(secondsUntilReset(at(0), 60, now)).toBe(1);
    expect(secondsUntilReset(at(-5_000), 60, now)).toBe(1);
    expect(secondsUntilReset(at(61_000), 60, now)).toBe(60);
    expect(secondsUntilReset(undefined, 60, now)).toBe(60);
  });
});

describe("the Worker's stated limits are the ones its bindings enforce", () => {
  it("wrangler.toml gives each [[ratelimits]] binding the plan table's numbers (a binding cannot tell the Worker its own)", async () => {
    const { readFileSync } = await import("node:fs");
    const { PLANS, FAILED_AUTH_PER_MINUTE } = await import("../../src/platform/rate-limit");
    const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
    const bindings = Object.fromEntries(
      [...toml.matchAll(/\[\[ratelimits\]\]\s*name\s*=\s*"(\w+)"[^[]*?simple\s*=\s*\{\s*limit\s*=\s*(\d+),\s*period\s*=\s*(\d+)\s*\}/g)].map((m) => [m[1], { limit: Number(m[2]), period: Number(m[3]) }]),
    );
    expect(bindings).toEqual({
      RATE_LIMIT_STANDARD: { limit: PLANS.standard, period: 60 },
      RATE_LIMIT_BUSINESS: { limit: PLANS.business, period: 60 },
      RATE_LIMIT_ENTERPRISE: { limit: PLANS.enterprise, period: 60 },
      RATE_LIMIT_FAILED_AUTH: { limit: FAILED_AUTH_PER_MINUTE, period: 60 },
    });
  });
});
