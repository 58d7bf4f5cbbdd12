import type { Client } from "@libsql/client";
import { sql } from "drizzle-orm";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../src/db/client";
import { openDatabase } from "../../src/db/node";
import { walSync } from "../../src/db/wal-sync";

/**
 * Commits made durable off the event loop (src/db/wal-sync.ts): the COMMIT writes the log, a sync
 * of the log on the thread pool makes it durable, and a writer is answered only after that sync.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsuzuku-wal-sync-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A disk whose syncs finish when the test says so. */
function heldDisk() {
  const calls: { done: () => void; fail: (e: Error) => void }[] = [];
  let running = 0;
  let most = 0;
  const fdatasync = () =>
    new Promise<void>((resolve, reject) => {
      running++;
      most = Math.max(most, running);
      calls.push({
        done: () => (running--, resolve()),
        fail: (e) => (running--, reject(e)),
      });
    });
  /** Turns of the event loop until `n` syncs have begun (the queue starts one after its COMMIT). */
  const started = async (n: number) => {
    for (let i = 0; i < 10 && calls.length < n; i++) await tick();
  };
  return { fdatasync, calls, most: () => most, started };
}
const tick = () => new Promise((r) => setImmediate(r));

describe("walSync", () => {
  it("a commit made while a sync runs waits for the next one, which the commits meanwhile share", async () => {
    const disk = heldDisk();
    const sync = walSync("x-wal", disk.fdatasync);
    const order: string[] = [];
    const first = sync().then(() => order.push("first"));
    // Both after the first sync began: their frames may not be in it.
    const second = sync().then(() => order.push("second"));
    const third = sync().then(() => order.push("third"));
    await tick();
    expect(disk.calls.length).toBe(1);
    disk.calls[0]!.done();
    await first;
    await tick();
    expect(order).toEqual(["first"]);
    expect(disk.calls.length).toBe(2);
    disk.calls[1]!.done();
    await Promise.all([second, third]);
    expect(order).toEqual(["first", "second", "third"]);
    expect(disk.most()).toBe(1);
  });

  it("a failed sync rejects the commits it was to cover; the next sync is tried afresh", async () => {
    const disk = heldDisk();
    const sync = walSync("x-wal", disk.fdatasync);
    const failed = sync();
    disk.calls[0]!.fail(new Error("EIO: i/o error, fdatasync"));
    await expect(failed).rejects.toThrow("EIO");
    const next = sync();
    await tick();
    disk.calls[1]!.done();
    await expect(next).resolves.toBeUndefined();
  });

  it("syncs the file on disk, and says so when there is none", async () => {
    const log = join(dir, "d.db-wal");
    writeFileSync(log, "frames");
    await expect(walSync(log)()).resolves.toBeUndefined();
    await expect(walSync(join(dir, "missing-wal"))()).rejects.toThrow(/ENOENT/);
  });

  it("keeps the log it opened, as SQLite does: a sync goes on when the file can no longer be opened (made read-only: EACCES; here, renamed)", async () => {
    const log = join(dir, "k.db-wal");
    writeFileSync(log, "frames");
    const sync = walSync(log);
    await sync();
    renameSync(log, join(dir, "elsewhere"));
    await expect(sync()).resolves.toBeUndefined();
    sync.close();
  });
});

describe("a write queue whose COMMIT does not wait for the disk", () => {
  let db: Database;
  let base: Database;
  afterEach(() => base.client.close());

  const open = async (durable: () => Promise<void>) => {
    base = await openDatabase(`file:${join(dir, "q.db")}`);
    await base.client.execute("CREATE TABLE ledger (seq INTEGER PRIMARY KEY, note TEXT NOT NULL)");
    db = createDatabase(base.client, undefined, { durable });
  };
  const add = (note: string) => (tx: Parameters<Parameters<Database["write"]>[0]>[0]) => tx.run(sql`INSERT INTO ledger (note) VALUES (${note})`);
  const notes = async () => (await base.client.execute("SELECT note FROM ledger ORDER BY seq")).rows.map((r) => r.note);

  it("answers a writer only once the log is synced; the write is committed meanwhile", async () => {
    const disk = heldDisk();
    await open(walSync("q.db-wal", disk.fdatasync));
    let answered = false;
    const write = db.write(add("skip 12/05")).then(() => (answered = true));
    await disk.started(1);
    expect(disk.calls.length).toBe(1);
    expect(await notes()).toEqual(["skip 12/05"]);
    expect(answered).toBe(false);
    disk.calls[0]!.done();
    await write;
    expect(answered).toBe(true);
  });

  it("goes on to the next group while a sync runs, and answers the groups in order", async () => {
    const disk = heldDisk();
    await open(walSync("q.db-wal", disk.fdatasync));
    const order: string[] = [];
    const a = db.write(add("a")).then(() => order.push("a"));
    await disk.started(1);
    const b = db.write(add("b")).then(() => order.push("b"));
    const c = db.write(add("c")).then(() => order.push("c"));
    for (let i = 0; i < 10 && (await notes()).length < 3; i++) await tick();
    // b and c committed while a's sync was still running; nobody answered yet.
    expect(await notes()).toEqual(["a", "b", "c"]);
    expect(order).toEqual([]);
    disk.calls[0]!.done();
    await a;
    await disk.started(2);
    expect(order).toEqual(["a"]);
    disk.calls[1]!.done();
    await Promise.all([b, c]);
    expect(order).toEqual(["a", "b", "c"]);
    expect(disk.calls.length).toBe(2);
  });

  it("a failed sync fails every write it was to make durable; the queue goes on", async () => {
    const disk = heldDisk();
    await open(walSync("q.db-wal", disk.fdatasync));
    const lost = db.write(add("maybe"));
    await disk.started(1);
    disk.calls[0]!.fail(new Error("EIO: i/o error, fdatasync"));
    await expect(lost).rejects.toThrow(/disk did not confirm/);
    const next = db.write(add("next"));
    await disk.started(2);
    disk.calls[1]!.done();
    await expect(next).resolves.toBeDefined();
  });

  it("a write that fails is answered in its turn, after the groups committed before it", async () => {
    const disk = heldDisk();
    await open(walSync("q.db-wal", disk.fdatasync));
    const order: string[] = [];
    const a = db.write(add("a")).then(() => order.push("a"));
    await disk.started(1);
    const refused = db
      .write(async () => {
        throw new Error("rule refused");
      })
      .catch(() => order.push("refused"));
    for (let i = 0; i < 5; i++) await tick();
    expect(order).toEqual([]);
    disk.calls[0]!.done();
    await Promise.all([a, refused]);
    expect(order).toEqual(["a", "refused"]);
  });
});

describe("the embedded file as the server opens it", () => {
  it("its connections commit without syncing (synchronous = NORMAL); writes still land", async () => {
    const db = await openDatabase(`file:${join(dir, "s.db")}`);
    try {
      await db.client.execute("CREATE TABLE t (x)");
      await db.write((tx) => tx.run(sql`INSERT INTO t VALUES (1)`));
      const [row] = (await (db.client as Client).execute("PRAGMA synchronous")).rows;
      expect(Number(row![0])).toBe(1);
      expect((await db.client.execute("SELECT count(*) AS n FROM t")).rows[0]!.n).toBe(1);
    } finally {
      db.client.close();
    }
  });
});
