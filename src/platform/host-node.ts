import { stat, statfs } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/**
 * What the machine under `npm start` is about to get wrong, said before a write fails (GET /health
 * and the log): the embedded file's disk filling up, and the wall clock stepped while serving.
 * Node only: on Workers the database is Turso's and the clock Cloudflare's.
 */

/** Never "enough room" below this, however small the database (1 GiB). */
export const DISK_FLOOR_BYTES = 1024 ** 3;
/** A move of the wall clock against the monotonic one larger than this is a step (NTP slews far smaller drifts). */
export const CLOCK_STEP_MS = 2_000;
/** How long GET /health shows a step after it was seen (24 h): long enough for a daily check to see it. */
export const CLOCK_STEP_SHOWN_MS = 24 * 3_600_000;

/** Free space where the database file lives. Bytes; `low` by {@link diskState}'s rule. */
export type DiskState = { freeBytes: number; databaseBytes: number; low: boolean };
/** The latest step of the wall clock: seconds it moved (negative: back), and when it was seen (UTC). */
export type ClockStep = { steppedSeconds: number; detectedAt: string };
export type HostState = { disk?: DiskState; clock?: ClockStep };

/**
 * Low when the free space would not hold one more copy of the database and its log (a backup to the
 * same disk, `VACUUM INTO`, SQLite's own rebuild of an index all write that much), with a floor of
 * {@link DISK_FLOOR_BYTES}: past that a full disk is near, and when it comes every write fails.
 */
export function diskState(freeBytes: number, databaseBytes: number): DiskState {
  return { freeBytes, databaseBytes, low: freeBytes < Math.max(DISK_FLOOR_BYTES, databaseBytes) };
}

/**
 * A step of the wall clock, from its offset to the monotonic clock (ms: `Date.now() -
 * performance.now()`) when last seen and now. NTP slews both clocks alike; only a step (NTP's at
 * boot, an operator's `date -s`, a VM resumed) moves the offset. Undefined when it moved less than
 * {@link CLOCK_STEP_MS}. A step back leaves times written after it before times written earlier.
 */
export function clockStep(seenOffsetMs: number, offsetMs: number): number | undefined {
  const moved = offsetMs - seenOffsetMs;
  return Math.abs(moved) > CLOCK_STEP_MS ? moved : undefined;
}

type Probe = {
  /** Free bytes on the file system holding `path` (statfs: blocks available to this user × block size). */
  free(path: string): Promise<number>;
  /** Bytes of the database file and its write-ahead log. */
  size(path: string): Promise<number>;
  wall(): number;
  monotonic(): number;
};

const fileSize = (path: string) => stat(path).then((s) => s.size, () => 0);
const SYSTEM: Probe = {
  free: async (path) => {
    const s = await statfs(dirname(path));
    return s.bavail * s.bsize;
  },
  size: async (path) => (await fileSize(path)) + (await fileSize(`${path}-wal`)),
  wall: () => Date.now(),
  monotonic: () => performance.now(),
};

/**
 * Watches the database file's disk and the clock: `state()` for GET /health (one statfs and two
 * stats), and a look every `everyMs` (60 s, timer unref'd) that logs when the disk becomes low or
 * has room again, and each step of the clock. `path`: the embedded file, or null for a libSQL
 * server (then only the clock).
 */
export function watchHost(path: string | null, options: { log?: (line: string) => void; everyMs?: number; probe?: Partial<Probe> } = {}) {
  const probe = { ...SYSTEM, ...options.probe };
  const file = path === null ? null : resolve(path);
  let seenOffset = probe.wall() - probe.monotonic();
  let latestStep: ClockStep | undefined;
  let wasLow = false;

  const clock = (): ClockStep | undefined => {
    const offset = probe.wall() - probe.monotonic();
    const moved = clockStep(seenOffset, offset);
    if (moved !== undefined) {
      seenOffset = offset;
      latestStep = { steppedSeconds: Math.round(moved / 1000), detectedAt: new Date(probe.wall()).toISOString() };
      options.log?.(
        `The system clock was stepped ${moved < 0 ? "back" : "forward"} by ${Math.abs(latestStep.steppedSeconds)} s (seen ${latestStep.detectedAt})` +
          (moved < 0 ? ": changes, events and cancel flows recorded since are dated before some recorded earlier. Keep the clock synchronised (NTP) and check the times written around then." : "."),
      );
    }
    return latestStep && probe.wall() - Date.parse(latestStep.detectedAt) < CLOCK_STEP_SHOWN_MS ? latestStep : undefined;
  };

  const disk = async (): Promise<DiskState | undefined> => {
    if (file === null) return undefined;
    try {
      const state = diskState(await probe.free(file), await probe.size(file));
      if (state.low !== wasLow) {
        wasLow = state.low;
        options.log?.(
          state.low
            ? `Disk space is low where the database is (${file}): ${mib(state.freeBytes)} free for a database of ${mib(state.databaseBytes)}. A backup to this disk would not fit, and once it is full every write fails: free space or move the database.`
            : `Disk space where the database is has room again: ${mib(state.freeBytes)} free.`,
        );
      }
      return state;
    } catch {
      // No statfs answer (a file system that has none): nothing to say rather than a wrong figure.
      return undefined;
    }
  };

  const state = async (): Promise<HostState> => {
    const [d, c] = [await disk(), clock()];
    return { ...(d ? { disk: d } : {}), ...(c ? { clock: c } : {}) };
  };
  const timer = setInterval(() => void state(), options.everyMs ?? 60_000);
  timer.unref();
  return { state, stop: () => clearInterval(timer) };
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2).toLocaleString("en")} MiB`;
