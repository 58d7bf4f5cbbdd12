import { expect, it } from "vitest";
import { progressOn } from "../../src/platform/progress";

/** A stand-in for stdout/stderr that keeps what was written. */
const stream = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, s: { isTTY, write: (t: string) => out.push(t) > 0 } as unknown as NodeJS.WriteStream };
};

it("in a log (not a terminal), 1,000 updates make a line at the start and at each tenth, never a carriage return", () => {
  const { out, s } = stream(false);
  const p = progressOn(s);
  for (let done = 1; done <= 1000; done++) p.update(`seeding ${done}/1000`, done, 1000);
  p.end("seeded 1000");
  expect(out.join("")).not.toContain("\r");
  expect(out).toHaveLength(12);
  expect(out[0]).toBe("seeding 1/1000\n");
  expect(out.at(-2)).toBe("seeding 1000/1000\n");
  expect(out.at(-1)).toBe("seeded 1000\n");
});

it("in a log, the last update is not written twice when the work ends on it", () => {
  const { out, s } = stream(false);
  const p = progressOn(s);
  p.update("line 50 of 50", 50, 50);
  p.end();
  expect(out).toEqual(["line 50 of 50\n"]);
});

it("on a terminal, one line is rewritten in place and cleared to its end, then finished", () => {
  const { out, s } = stream(true);
  const p = progressOn(s);
  p.update("re-scoring: 10,000 subscriptions", 10_000);
  p.update("re-scoring: 9 subscriptions", 9);
  p.end();
  expect(out).toEqual(["\rre-scoring: 10,000 subscriptions\x1b[K", "\rre-scoring: 9 subscriptions\x1b[K", "\rre-scoring: 9 subscriptions\x1b[K\n"]);
});

it("work that never reported ends without an empty line", () => {
  const { out, s } = stream(true);
  progressOn(s).end();
  expect(out).toEqual([]);
});
