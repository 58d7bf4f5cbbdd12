/**
 * The load generator's own process (started by bench/load.ts): runs autocannon for each scenario
 * the bench sends over IPC and answers with its figures. Off the server's process, autocannon's
 * own work (building requests, parsing answers, its GC) no longer lands on the event loop whose
 * delay the bench reports.
 */
import autocannon from "autocannon";
import type { LoadJob, LoadReply } from "./load";

process.on("message", async (job: LoadJob) => {
  const bodiless = Object.fromEntries(Object.entries(job.headers).filter(([name]) => name.toLowerCase() !== "content-type"));
  let sent = 0;
  try {
    const result = await autocannon({
      url: job.url,
      connections: job.connections,
      duration: job.seconds,
      headers: { ...bodiless },
      requests: [
        {
          setupRequest: (req) => {
            const [method, path, body, extra] = job.requests[sent++ % job.requests.length]!;
            // Each request gets its own headers object: autocannon writes `Content-Length` into the
            // one it is handed, so a shared one made every GET after a POST announce a body it never
            // sent (and `wrangler dev` waited for it). Only a body has a type.
            return { ...req, method: method as "GET", path, body, headers: { ...(body === undefined ? bodiless : job.headers), ...extra } };
          },
        },
      ],
    });
    const reply: LoadReply = {
      id: job.id,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors,
      non2xx: result.non2xx,
      // Which answers were not 2xx ("503×4, 409×1"), so a non-zero count says what went wrong.
      statuses: Object.entries(result.statusCodeStats ?? {})
        .filter(([code]) => !code.startsWith("2"))
        .map(([code, s]) => `${code}×${s.count}`)
        .join(", "),
      sent,
    };
    process.send!(reply);
  } catch (error) {
    process.send!({ id: job.id, error: String(error) } satisfies LoadReply);
  }
});
