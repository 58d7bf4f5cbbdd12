import { describe, expect, it } from "vitest";
import { secondsUntilReset } from "../../src/platform/rate-limit";

describe("Retry-After on a 429: seconds until the window resets, rounded up, on Node and Workers alike", () => {
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
  });

  it("gives the whole window where the count does not say when it resets (a Workers binding)", () => {
    expect(secondsUntilReset(undefined, 60, now)).toBe(60);
    expect(secondsUntilReset(undefined, 10, now)).toBe(10);
  });
});
