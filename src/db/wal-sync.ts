import { open, type FileHandle } from "node:fs/promises";

/**
 * Makes the embedded file's commits durable off the event loop (Node).
 *
 * With `synchronous = FULL` SQLite fsyncs the write-ahead log inside every COMMIT, and the driver
 * being synchronous, the event loop waits for the disk: ≈ 0.5 ms a commit on this machine's disk,
 * 20–360 ms in its tail (bench/HISTORY.md, the run of 2026-12-01 22:56: "commit ×3 (max 359 ms)" at load 6), with
 * every request in the server held meanwhile. The app's connections run `synchronous = NORMAL`
 * instead, where a COMMIT only writes the log's frames (SQLite, "PRAGMA synchronous": in WAL mode
 * NORMAL syncs the log before each checkpoint and when it starts again, not at each commit), and
 * `sync()` — called after a COMMIT, before its writers are answered — runs `fdatasync` of the log
 * on libuv's thread pool, the same call FULL makes at commit (os_unix.c, unixSync). So no write is
 * answered before its frames are on the disk, as with FULL, and the loop serves other requests
 * while the disk works.
 *
 * Commits share syncs ("flush pipelining": Johnson et al., "Aether: a scalable approach to
 * logging", VLDB 2010, §4): a sync already under way may have begun before a commit's frames were
 * written, so that commit waits for the next one, which every commit until it starts shares. At
 * most one sync runs and one waits. Promises resolve in the order `sync()` was called.
 *
 * What it changes: a reader in this process may see a write up to one sync before its writer is
 * answered; if the machine loses power in that window, the write is lost and was never confirmed.
 * A process that stops (crash, kill) loses nothing: the frames are in the OS's page cache.
 *
 * The log is opened once and kept open, as SQLite keeps its own descriptor: opening it for each
 * sync made a sync fail (EACCES) when the file or its directory became read-only while the server
 * ran, although SQLite's COMMIT, through the descriptor it already held, had written the frames —
 * every write then failed after committing. The log is not deleted while this process holds its
 * connections (SQLite deletes it when the last one closes; a reset after a checkpoint reuses the
 * same file), so the descriptor stays the right file; after a failed sync it is closed and the
 * next sync opens the log afresh. `fdatasync` failing rejects: the commit's fate on disk is then
 * unknown (db/client: UnconfirmedCommit).
 */
export function walSync(walPath: string, fdatasync: ((path: string) => Promise<void>) & { close?: () => void } = syncFile()): (() => Promise<void>) & { close(): void } {
  let running: Promise<void> | null = null;
  let waiting: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const run = fdatasync(walPath);
    running = run;
    const done = () => {
      if (running === run) running = null;
    };
    run.then(done, done);
    return run;
  };
  const sync = () => {
    if (waiting) return waiting;
    if (!running) return start();
    waiting = running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      waiting = null;
      return start();
    });
    return waiting;
  };
  /** Closes the kept descriptor (the database's close): a sync after it opens the log again. */
  return Object.assign(sync, { close: () => fdatasync.close?.() });
}

/** `fdatasync` of the log through one descriptor kept open (see walSync); a failure closes it so the next sync opens the file again. */
function syncFile(): ((path: string) => Promise<void>) & { close(): void } {
  let file: Promise<FileHandle> | null = null;
  const close = () => {
    const held = file;
    file = null;
    void held?.then((f) => f.close()).catch(() => {});
  };
  return Object.assign(async (path: string) => {
    file ??= open(path, "r+");
    const opened = file;
    try {
      await (await opened).datasync();
    } catch (e) {
      if (file === opened) file = null;
      void opened.then((f) => f.close()).catch(() => {});
      throw e;
    }
  }, { close });
}
