/**
 * Load from a separate process (bench/load-child.ts), so the server's event loop carries only the
 * server: `perf_hooks.monitorEventLoopDelay` in the bench process then measures the app, not the
 * load generator sharing its thread (in one process, even the bare-route floor showed hundreds of
 * milliseconds of delay).
 *
 * The requests of a scenario are drawn in this process before the run (the scenarios' generators
 * read ids from the database) and cycled by the child; `sent` says how many went out, so a list
 * that wrapped is visible.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";

/** One request: method, path, body, extra headers. */
export type LoadRequest = [method: string, path: string, body?: string, headers?: Record<string, string>];
export type LoadJob = { id: number; url: string; headers: Record<string, string>; connections: number; seconds: number; requests: LoadRequest[] };
export type LoadReply =
  | { id: number; rps: number; p50: number; p99: number; errors: number; non2xx: number; statuses: string; sent: number; error?: undefined }
  | { id: number; error: string };

const LOAD_NICE = Number(process.env.BENCH_LOAD_NICE ?? 19);
let child: ChildProcess | null = null;
let nextId = 1;
const waiting = new Map<number, (reply: LoadReply) => void>();

function loadProcess(): ChildProcess {
  if (child) return child;
  // Beside this file: load-child.ts under tsx, load-child.js in the bundle (scripts/build-server.ts --bench).
  const script = new URL(import.meta.url.endsWith(".ts") ? "./load-child.ts" : "./load-child.js", import.meta.url);
  child = spawn(process.execPath, [...process.execArgv, fileURLToPath(script)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  // The load generator stands for clients on other machines: it yields the cores to the server
  // (niceness 19; BENCH_LOAD_NICE=0 runs it as the server runs). See bench/HISTORY.md, branch atrisk4.
  if (LOAD_NICE) setPriority(child.pid!, LOAD_NICE);
  child.on("message", (reply: LoadReply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  child.on("exit", (code) => {
    for (const [, done] of waiting) done({ id: 0, error: `the load generator exited with ${code}` });
    waiting.clear();
    child = null;
  });
  // The bench's process may end while the child idles: it must not keep it alive.
  child.unref();
  child.channel?.unref();
  return child;
}

/**
 * Runs autocannon in the load process with these requests (cycled) and answers its figures.
 * `requests` may be a function that draws them: the list is then built, sent and dropped before the
 * run, so it is not on the server's heap while the server is measured (a list of 12,000 requests
 * held for the run was copied by the scenario's first scavenge and promoted by its second: 0.8–1.3 MB
 * a scenario, old-generation garbage that brought mark-compacts into the measured window).
 */
export async function runLoad(job: Omit<LoadJob, "id" | "requests"> & { requests: LoadRequest[] | (() => LoadRequest[]) }): Promise<Exclude<LoadReply, { error: string }>> {
  const proc = loadProcess();
  const id = nextId++;
  proc.channel?.ref();
  const send = () => proc.send({ ...job, requests: typeof job.requests === "function" ? job.requests() : job.requests, id });
  try {
    const reply = await new Promise<LoadReply>((done) => {
      waiting.set(id, done);
      send();
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply;
  } finally {
    if (waiting.size === 0) proc.channel?.unref();
  }
}

/** Stops the load process (at the end of a bench). */
export function stopLoad() {
  child?.kill();
  child = null;
}
