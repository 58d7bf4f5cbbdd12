import { open } from "node:fs/promises";

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
 * The log is opened for each sync, so a log deleted and created again (the last connection closed)
 * is never the wrong file. `fdatasync` failing rejects: the commit's fate on disk is then unknown.
 */
export function walSync(walPath: string, fdatasync: (path: string) => Promise<void> = syncFile): () => Promise<void> {
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
  return () => {
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
}

async function syncFile(path: string): Promise<void> {
  const file = await open(path, "r+");
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
}
