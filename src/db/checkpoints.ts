import { closeSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { endianness } from "node:os";
import { Worker } from "node:worker_threads";
import { followThread } from "./threads";

/**
 * WAL pages a connection of this process lets the log reach before its own COMMIT checkpoints
 * (SQLite's automatic checkpoint; its default is 1,000). The checkpoints run in a thread of their
 * own (startCheckpoints), so this is only the bound if that thread stops: the writer then copies
 * the log into the file itself, on the event loop, as SQLite does by default. 32,000 pages of
 * 4 kB: a 128 MB log. The write queue holds its writes before a COMMIT could reach it with pages
 * the thread has not copied yet (HOLD_FRAMES), since that COMMIT would copy them on the loop.
 */
export const WAL_BOUND_PAGES = 32_000;
/**
 * Past this many frames in the log with some not copied yet, the write queue waits (off the event
 * loop, up to `holdMs`) for the thread's checkpoint before its next transaction (see
 * Checkpoints.pause). Without it, a thread slower than the writes (a busy machine: its checkpoints
 * wait for a core and for the disk) let the log reach WAL_BOUND_PAGES with thousands of pages not
 * copied, and the COMMIT that reached it copied and synced them on the event loop: 80–270 ms on
 * the 1M-subscription bench file (bench/write-tail.ts; BENCHMARKS.md). 4,000 frames below the
 * bound: a group of 32 plan changes writes a few hundred.
 */
const HOLD_FRAMES = WAL_BOUND_PAGES - 4_000;
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
   * Past HOLD_FRAMES with pages not copied yet, the queue waits for the thread's checkpoint (up to
   * `holdMs`) whatever the restart's state, so that no COMMIT reaches the bound with them.
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
  options: {
    busyMs?: number;
    idleMs?: number;
    restartFrames?: number;
    holdFrames?: number;
    askMs?: number;
    holdMs?: number;
    retryMs?: number;
    report?: (r: { log: number; done: number }) => void;
  } = {},
): Checkpoints {
  const { busyMs = 50, idleMs = 250, restartFrames = RESTART_FRAMES, holdFrames = HOLD_FRAMES, askMs = 200, holdMs = 1_000, retryMs = 1_000, report } = options;
  const walIndex = walIndexReader(`${path}-shm`);
  const libsql = createRequire(import.meta.url).resolve("libsql");
  const worker = new Worker(THREAD, { eval: true, workerData: { path, libsql, busyMs, idleMs } });
  worker.unref();
  // "close" is handled between checkpoints: the thread closes its connection and ends (db/threads).
  const stop = followThread(worker, () => worker.postMessage("close"));
  let log = 0;
  let alive = true;
  // "catching up": a checkpoint asked for while writes go on; "ready": it answered, the next pause asks for the last one.
  let restart: "no" | "catching up" | "ready" = "no";
  let asked: (() => void) | null = null;
  let lastPause = 0;
  let lastHold = 0;
  // Waits (at most `ms`) for the answer to a checkpoint asked for now or earlier ("now" once).
  const answer = (ms: number, ask: boolean) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        asked = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      asked = done;
      if (ask) worker.postMessage("now");
    });
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
      // The log as it is now (the thread's reports lag behind by a checkpoint or more).
      const now = walIndex.read();
      if (now) log = now.frames;
      if (now && now.frames >= holdFrames && now.copied < now.frames && Date.now() - lastHold >= retryMs) {
        // A hold that ends with pages still not copied (a reader in another thread needs them)
        // is not repeated before `retryMs`: the bound's checkpoint copies no more than the thread could.
        lastHold = Date.now();
        const catchingUp = restart === "catching up";
        restart = "catching up";
        return answer(holdMs, !catchingUp);
      }
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
      return answer(askMs, true);
    },
    close() {
      alive = false;
      walIndex.close();
      void stop();
    },
  };
}

/**
 * The log's length and how much of it is copied, read from the WAL index (the `-shm` file every
 * connection maps; SQLite "WAL-mode File Format", https://www.sqlite.org/walformat.html): the
 * first header's `mxFrame` (bytes 16–19) and the checkpoint information's `nBackfill` (bytes
 * 96–99), both in the machine's byte order. One read of 100 bytes before each write transaction
 * (≈ 1 µs). Null while the file does not exist or cannot be read: the thread's reports decide then.
 */
function walIndexReader(path: string) {
  let fd: number | null = null;
  const buffer = Buffer.alloc(100);
  const little = endianness() === "LE";
  return {
    read(): { frames: number; copied: number } | null {
      try {
        fd ??= openSync(path, "r");
        if (readSync(fd, buffer, 0, 100, 0) < 100) return null;
      } catch {
        return null;
      }
      return little
        ? { frames: buffer.readUInt32LE(16), copied: buffer.readUInt32LE(96) }
        : { frames: buffer.readUInt32BE(16), copied: buffer.readUInt32BE(96) };
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
