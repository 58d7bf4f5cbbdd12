import type { Worker } from "node:worker_threads";

/**
 * Worker threads that hold a libSQL connection (the checkpoint thread, the read worker). Node ends
 * every thread when the process exits — `process.exit`, or the main thread's loop running out — and
 * a thread ended inside a libSQL call aborts the whole process: the binding (neon, built with
 * panic=abort) asserts that no exception is pending ("panicked at …/neon-1.0.0/src/sys/external.rs:80"),
 * SIGABRT, the exit status lost. CI saw it on a second SIGTERM during a checkpoint (1 in 60 locally).
 * So a thread is asked to stop (it finishes its call, closes its connection and ends by itself),
 * and exitProcess waits for that before exiting.
 */
const stops = new Set<() => Promise<void>>();

/**
 * Follows `worker`: `ask` tells it to close its connection and end (a message it handles between
 * calls). Returns the cooperative stop, which resolves once the thread has ended (at once if it has).
 */
export function followThread(worker: Worker, ask: () => void): () => Promise<void> {
  let ended = false;
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", () => {
      ended = true;
      stops.delete(stop);
      resolve();
    }),
  );
  const stop = () => {
    if (!ended) {
      // While it finishes, the thread keeps the process alive: a loop that runs out meanwhile does not end it mid-call.
      worker.ref();
      ask();
    }
    return exited;
  };
  stops.add(stop);
  return stop;
}

/** Asks every followed thread to stop and waits for them, at most `withinMs`. */
export async function stopThreads(withinMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled([...stops].map((stop) => stop())), new Promise((r) => (timer = setTimeout(r, withinMs)))]);
  clearTimeout(timer);
}

/**
 * `process.exit(code)` once the threads holding a connection have ended (at most `withinMs`: a
 * thread still inside a long call then is ended as before). Use it for every exit the process
 * decides itself: a second signal, a refusal at start, the end of a shutdown.
 */
export function exitProcess(code: number, withinMs = 1_000): void {
  void stopThreads(withinMs).finally(() => process.exit(code));
}
