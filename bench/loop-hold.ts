/**
 * How long one piece of work holds the event loop: `fn` run with a 1 ms interval beside it, the
 * interval's longest gap (on the embedded file the driver is synchronous, so a statement's time is
 * the loop's). 20 ms of quiet before and after, so the gap is the work's. Answers fn's wall ms and
 * the longest gap (ms); on a busy machine the gap includes waiting for a core.
 */
export async function held(fn: () => Promise<unknown>): Promise<{ wallMs: number; holdMs: number }> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
  }, 1);
  await new Promise((r) => setTimeout(r, 20));
  last = performance.now();
  longest = 0;
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(timer);
  return { wallMs, holdMs: Math.max(longest, performance.now() - last) };
}
