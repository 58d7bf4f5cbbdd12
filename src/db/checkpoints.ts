import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * WAL pages a connection of this process lets the log reach before its own COMMIT checkpoints
 * (SQLite's automatic checkpoint; its default is 1,000). The checkpoints run in a thread of their
 * own (startCheckpoints), so this is only the bound if that thread stops: the writer then copies
 * the log into the file itself, on the event loop, as SQLite does by default. 32,000 pages of
 * 4 kB: a 128 MB log.
 */
export const WAL_BOUND_PAGES = 32_000;
/**
 * Under writes that never pause, the log is started again (see Checkpoints.pause) past this many
 * pages: the write queue then waits once for a checkpoint (tens of ms on a busy disk), so the
 * fewer the better; a log of 96 MB costs only disk space (a read looks only at pages the
 * checkpoints have not copied yet). Writes with a pause of `busyMs` between them start it again themselves.
 */
const RESTART_FRAMES = 24_000;

/**
 * The thread's own code, plain CommonJS (no TypeScript loader to start): one connection to the
 * file and a PASSIVE checkpoint now and then. PASSIVE copies what no reader still needs and never
 * waits for, nor blocks, a writer or a reader. While the log moves it checkpoints every `busyMs`
 * (a page written by many commits meanwhile is copied once), an idle file every `idleMs`; "now"
 * asks for one at once, answered with `asked`. synchronous stays FULL on this connection: the file
 * is synced before the log is marked copied, so a log started again never held the only copy of a commit.
 */
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.libsql);
const db = new Database(workerData.path);
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").raw(true);
let timer = null;
let last = "";
const tick = (asked) => {
  if (timer) clearTimeout(timer);
  timer = null;
  let moved = false;
  try {
    // [busy, frames in the log, frames copied]
    const [, log, done] = checkpoint.get();
    moved = last !== log + "/" + done;
    last = log + "/" + done;
    if (moved || asked) parentPort.postMessage({ log, done, asked });
  } catch (e) {
    // SQLITE_BUSY (another checkpoint running): the next look.
    if (asked) parentPort.postMessage({ log: 0, done: 0, asked });
  }
  timer = setTimeout(tick, moved ? workerData.busyMs : workerData.idleMs, false);
};
parentPort.on("message", (m) => {
  if (m === "now") return tick(true);
  if (m !== "close") return;
  if (timer) clearTimeout(timer);
  db.close();
  parentPort.close();
});
tick(false);
`;

export type Checkpoints = {
  /**
   * Null, or a short wait before the next write transaction when the log is due to start again.
   * SQLite starts the log again from the top only in a write that begins with the whole log
   * copied (wal.c walRestartLog); under steady writes the thread's checkpoint always ends behind
   * the latest commit, so the log would only grow. Past `restartFrames` the write queue waits for
   * one checkpoint of the thread (writes queue meanwhile; the event loop stays free), and the
   * next transaction starts the log again. A thread that does not answer within `askMs` is not waited for.
   */
  pause(): Promise<void> | null;
  close(): void;
};

/**
 * Checkpoints the WAL of the embedded file at `path` from a worker thread with its own connection
 * (SQLite "Application-Initiated Checkpoints", https://www.sqlite.org/wal.html), so that copying
 * the log into the database file and syncing it — tens of milliseconds on a large file — no longer
 * happens inside a request's COMMIT on the event loop. The app's connections raise their automatic
 * checkpoint to WAL_BOUND_PAGES (db/node.ts), which takes over if the thread dies (it is not
 * restarted). The thread never keeps the process alive; `close()` ends it (the database's close).
 * `report` receives each checkpoint's frame counts (tests, benches).
 */
export function startCheckpoints(
  path: string,
  options: { busyMs?: number; idleMs?: number; restartFrames?: number; askMs?: number; retryMs?: number; report?: (r: { log: number; done: number }) => void } = {},
): Checkpoints {
  const { busyMs = 50, idleMs = 250, restartFrames = RESTART_FRAMES, askMs = 200, retryMs = 1_000, report } = options;
  const libsql = createRequire(import.meta.url).resolve("libsql");
  const worker = new Worker(THREAD, { eval: true, workerData: { path, libsql, busyMs, idleMs } });
  worker.unref();
  let log = 0;
  let alive = true;
  // "catching up": a checkpoint asked for while writes go on; "ready": it answered, the next pause asks for the last one.
  let restart: "no" | "catching up" | "ready" = "no";
  let asked: (() => void) | null = null;
  let lastPause = 0;
  worker.on("message", (m: { log: number; done: number; asked: boolean }) => {
    report?.(m);
    log = m.log;
    if (!m.asked) return;
    if (restart === "catching up") restart = "ready";
    asked?.();
  });
  // A thread that fails leaves the bound in charge; nothing to tell a request.
  worker.on("error", () => undefined);
  worker.on("exit", () => {
    alive = false;
    asked?.();
  });
  return {
    pause() {
      if (!alive || asked) return null;
      if (restart === "no") {
        // A log that did not start again (a long read in another thread still needs its pages) is
        // tried again after `retryMs`, not before every transaction.
        if (log >= restartFrames && Date.now() - lastPause >= retryMs) {
          restart = "catching up";
          worker.postMessage("now");
        }
        return null;
      }
      if (restart !== "ready") return null;
      restart = "no";
      lastPause = Date.now();
      // The log starts again with the next write; its length is news only after that.
      log = 0;
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          asked = null;
          resolve();
        };
        const timer = setTimeout(done, askMs);
        asked = done;
        worker.postMessage("now");
      });
    },
    close() {
      alive = false;
      worker.postMessage("close");
    },
  };
}
