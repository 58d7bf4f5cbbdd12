import type { Client } from "@libsql/client";
import { sql } from "drizzle-orm";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client";
import { openDatabase } from "../../src/db/node";

/**
 * Group commit in the one write queue (src/db/client.ts), on an embedded file as the Node server
 * opens it: writes queued together share one transaction and one COMMIT, each behind a savepoint.
 */
let dir: string;
let db: Database;
/** COMMITs the driver ran, and whether the next one should fail. */
let commits: number;
let failNextCommit: boolean;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "tsuzuku-group-commit-"));
  db = await openDatabase(`file:${join(dir, "g.db")}`);
  await db.client.execute("CREATE TABLE ledger (seq INTEGER PRIMARY KEY, note TEXT NOT NULL UNIQUE)");
  commits = 0;
  failNextCommit = false;
  // Counts each transaction's COMMIT; can make one fail the way a full disk would.
  const client = db.client as Client;
  const open = client.transaction.bind(client);
  client.transaction = (async (mode) => {
    const tx = await open(mode);
    const commit = tx.commit.bind(tx);
    tx.commit = async () => {
      commits++;
      if (failNextCommit) {
        failNextCommit = false;
        await tx.rollback();
        throw new Error("SQLITE_FULL: database or disk is full");
      }
      return commit();
    };
    return tx;
  }) as Client["transaction"];
});

afterEach(() => {
  db.client.close();
  rmSync(dir, { recursive: true, force: true });
});

const add = (note: string) => (tx: Parameters<Parameters<Database["write"]>[0]>[0]) => tx.run(sql`INSERT INTO ledger (note) VALUES (${note})`);
const notes = async () => (await db.client.execute("SELECT note FROM ledger ORDER BY seq")).rows.map((r) => r.note);

describe("group commit", () => {
  it("writes queued together share one COMMIT, in the order they were queued", async () => {
    const results = await Promise.all(["a", "b", "c", "d"].map((n) => db.write(async (tx) => (await add(n)(tx), n))));
    expect(results).toEqual(["a", "b", "c", "d"]);
    expect(await notes()).toEqual(["a", "b", "c", "d"]);
    expect(commits).toBe(1);
  });

  it("a write sees the effects of the writes queued before it in the same group", async () => {
    const seen: unknown[] = [];
    await Promise.all([
      db.write(add("first")),
      db.write(async (tx) => seen.push(...((await tx.all(sql`SELECT note FROM ledger`)) as { note: string }[]).map((r) => r.note))),
    ]);
    expect(seen).toEqual(["first"]);
    expect(commits).toBe(1);
  });

  it("a write that throws changes nothing; the others of its group commit", async () => {
    const outcomes = await Promise.allSettled([
      db.write(add("kept-1")),
      db.write(async (tx) => {
        await add("thrower")(tx);
        throw new Error("rule refused");
      }),
      db.write(add("kept-2")),
      // A constraint failure in the middle of a write: its earlier statement goes too.
      db.write(async (tx) => {
        await add("half")(tx);
        await add("kept-1")(tx);
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe("rule refused");
    expect(await notes()).toEqual(["kept-1", "kept-2"]);
    expect(commits).toBe(1);
  });

  it("when the COMMIT fails, every write of the group fails and none of them happened", async () => {
    failNextCommit = true;
    const outcomes = await Promise.allSettled([db.write(add("x")), db.write(add("y")), db.write(add("z"))]);
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
    expect((outcomes[0] as PromiseRejectedResult).reason.message).toContain("SQLITE_FULL");
    expect(await notes()).toEqual([]);
    // The queue goes on: the next write commits on its own.
    await db.write(add("after"));
    expect(await notes()).toEqual(["after"]);
  });

  it("when a transaction cannot begin, that write fails and the queue goes on", async () => {
    const client = db.client as Client;
    const open = client.transaction.bind(client);
    let refuse = true;
    client.transaction = (async (mode) => {
      if (refuse) {
        refuse = false;
        throw new Error("SQLITE_BUSY: database is locked");
      }
      return open(mode);
    }) as Client["transaction"];
    const first = db.write(add("refused"));
    await expect(first).rejects.toThrow("SQLITE_BUSY");
    await db.write(add("next"));
    expect(await notes()).toEqual(["next"]);
  });

  it("a caller hears of its write only after the COMMIT", async () => {
    const commitsSeen: number[] = [];
    await Promise.all(["p", "q", "r"].map((n) => db.write(add(n)).then(() => commitsSeen.push(commits))));
    expect(commitsSeen).toEqual([1, 1, 1]);
  });

  it("a write queued from inside a running write waits its turn", async () => {
    let later: Promise<unknown> | undefined;
    await Promise.all([
      db.write(async (tx) => {
        await add("one")(tx);
        // Queued from inside a running write (not awaited: that would wait on itself).
        later = db.write(add("three"));
        await new Promise((r) => setTimeout(r, 20));
      }),
      db.write(add("two")),
    ]);
    await later;
    expect(await notes()).toEqual(["one", "two", "three"]);
  });

  it("a group is bounded: more queued writes than the bound take more than one COMMIT", async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => db.write(add(`n${i}`))));
    expect((await notes()).length).toBe(40);
    expect(commits).toBeGreaterThanOrEqual(2);
  });
});
