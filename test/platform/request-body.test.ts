import { describe, expect, it } from "vitest";
import { nestsDeeperThan } from "../../src/platform/request-body";

describe("nestsDeeperThan", () => {
  it("counts arrays and objects inside one another, not brackets inside text", () => {
    expect(nestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[[1]]}]}', 4)).toBe(true);
    // Siblings do not add up: depth, not count.
    expect(nestsDeeperThan("[[],[],[],[],[]]", 2)).toBe(false);
    expect(nestsDeeperThan('["[[[[[[", "{{{{"]', 1)).toBe(false);
    // An escaped quote does not end the string; an escaped backslash before a quote does.
    expect(nestsDeeperThan('["a\\"[[[[", 1]', 1)).toBe(false);
    expect(nestsDeeperThan('["a\\\\", [[1]]]', 2)).toBe(true);
  });

  it("reads 100,000 levels without recursion, and text that is not JSON without failing", () => {
    expect(nestsDeeperThan("[".repeat(100_000) + "]".repeat(100_000), 64)).toBe(true);
    expect(nestsDeeperThan('["unterminated', 64)).toBe(false);
    expect(nestsDeeperThan("", 64)).toBe(false);
  });
});
