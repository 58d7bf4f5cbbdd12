import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSqld, type Sqld } from "../support/sqld";

/** The state letter of each of process `pid`'s threads (`T`: stopped), read here, not through the harness. */
function threads(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2]!;
  });
}

describe("the tests' sqld (scripts/sqld.ts)", () => {
  let sqld: Sqld;
  beforeAll(async () => {
    sqld = await startSqld();
  });
  afterAll(() => sqld?.stop());

  // database-down's "hung" tests send their request the moment hang() resolves: a thread not yet
  // stopped then could answer it (a 404 where the test wants 503). kill(SIGSTOP) returned with some
  // thread still running in 62 of 200 tries on a quiet machine, so 30 tries all but never pass without the wait.
  it("hang() resolves only once every thread of sqld is stopped, and wake() once none is; it answers again", async () => {
    const pid = sqld.pid()!;
    expect(readFileSync(`/proc/${pid}/comm`, "utf8").trim()).toBe("sqld");
    for (let i = 0; i < 30; i++) {
      await fetch(`${sqld.url}/health`).then((r) => r.text());
      await sqld.hang();
      expect(threads(pid).join("")).toMatch(/^T+$/);
      await sqld.wake();
      expect(threads(pid).join("")).not.toContain("T");
    }
    expect((await fetch(`${sqld.url}/health`)).status).toBe(200);
  });
});
