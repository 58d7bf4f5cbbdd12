import { Worker } from "node:worker_threads";
import { followThread } from "../db/threads";
import { ApiError, type ErrorCode } from "./errors";
import type { OffThread } from "./off-thread";
import type { Localized } from "./language";

/**
 * Node's {@link OffThread}: one worker thread (src/read-worker.ts) with its own connection to the
 * embedded file at `databaseUrl`, started on the first job and kept. Jobs queue in the thread, one
 * at a time (long reads are rare admin requests); the request path only waits for a message.
 * A thread that dies fails the jobs it held (500) and is started afresh for the next.
 * `close()` ends it (tests, shutdown); it never keeps the process alive on its own.
 */
export function startReadWorker(databaseUrl: string): OffThread & { close(): Promise<void> } {
  let worker: Worker | null = null;
  const stopping = new WeakMap<Worker, () => Promise<void>>();
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

  const thread = () => {
    if (worker) return worker;
    // Bundled (scripts/build-server.ts, `npm start`), the worker is read-worker.js beside this file;
    // from source (tests, tsx), it runs TypeScript through tsx, whichever way this process was started.
    const w = import.meta.url.endsWith(".ts")
      ? new Worker(new URL("../read-worker.ts", import.meta.url), { workerData: { databaseUrl }, execArgv: ["--import", "tsx"] })
      : new Worker(new URL("./read-worker.js", import.meta.url), { workerData: { databaseUrl } });
    w.unref();
    const stop = followThread(w, () => w.postMessage({ close: true }));
    stopping.set(w, stop);
    w.on("message", (m: { id?: number; ok?: boolean; value?: unknown; refusal?: { code: ErrorCode; detail?: string | Localized; extra?: Record<string, unknown> } | null; message?: string }) => {
      if (m.id === undefined) return;
      const job = pending.get(m.id);
      if (!job) return;
      pending.delete(m.id);
      if (m.ok) job.resolve(m.value);
      else job.reject(m.refusal ? new ApiError(m.refusal.code, m.refusal.detail, m.refusal.extra) : new Error(`off-thread job failed: ${m.message}`));
    });
    const fail = (e: unknown) => {
      if (worker === w) worker = null;
      for (const job of pending.values()) job.reject(e instanceof Error ? e : new Error(`the read worker stopped (${String(e)})`));
      pending.clear();
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`the read worker exited with ${code}`)));
    worker = w;
    return w;
  };

  const run = ((job, input) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const w = thread();
      // Only a thread with a job to do keeps the process alive (and only until it answers).
      w.ref();
      w.postMessage({ id, job, input });
    }).finally(() => {
      if (pending.size === 0) worker?.unref();
    })) as OffThread;

  return Object.assign(run, {
    // Asked to end between statements (read-worker.ts), not terminated: a thread ended inside a
    // libSQL call aborts the process (db/threads). One still busy after 2 s is terminated.
    close: async () => {
      const w = worker;
      worker = null;
      if (!w) return;
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([stopping.get(w)!().then(() => true), new Promise<false>((r) => (timer = setTimeout(r, 2_000, false)))]);
      clearTimeout(timer);
      if (!ended) await w.terminate();
    },
  });
}
