/**
 * Reads (and fits) too long for the request path. The embedded libSQL driver is synchronous: a read that
 * takes a second on a big shop holds the event loop for that second, and every other request
 * (the IVR's data dip first) waits behind it. On Node such a read runs in a worker thread with its
 * own connection to the file (src/platform/off-thread-node.ts, the thread's entry
 * src/read-worker.ts); where none is wired — the Worker, whose reads are network I/O that does
 * not block, and tests that do not wire one — the route runs it in the request as before.
 */
import type { FittedRiskModel } from "../risk/repository";
import type { TenantSettings } from "../settings/schemas";
import type { FittedWinbackModel } from "../winback/train";

/** Each job: what it is given (structured-clonable) and what it answers. */
export type OffThreadJobs = {
  /** GET /v1/customers/{id}/export: `now` as ISO-8601, `lang` the drivers' labels'. Answers the export document (data-rights/export). */
  exportCustomer: { input: { tenantId: string; customerId: string; now: string; lang: "ja" | "en" }; output: unknown };
  /** GET /v1/metrics/retention (metrics/routes retentionFor): aggregates over a whole shop's flows and cancellations. */
  retentionMetrics: { input: { tenantId: string; settings: TenantSettings; now: string; query: MetricsRange & { groupBy?: "reason" | "offer" | "channel" | "operator" | "day" | "week" } }; output: unknown };
  /** GET /v1/metrics/winback (metrics/routes winbackFor). */
  winbackMetrics: { input: { tenantId: string; settings: TenantSettings; now: string; query: MetricsRange }; output: unknown };
  /** GET /v1/insights/reasons (insights/routes reasonInsightsFor): aggregates and the themes of up to 5,000 comments. */
  reasonInsights: { input: { tenantId: string; settings: TenantSettings; now: string; query: MetricsRange }; output: unknown };
  /** POST /v1/risk/model/train: the fit (risk/repository fitTenantModel); the route stores it. */
  fitRiskModel: { input: { tenantId: string; now: string; timeZone: string }; output: FittedRiskModel };
  /** POST /v1/winback/model/train: the fit (winback/train fitTenantWinbackModel); the route stores it. */
  fitWinbackModel: { input: { tenantId: string; now: string; timeZone: string }; output: FittedWinbackModel };
};
/** Tenant-local days, as the metrics routes take them. */
type MetricsRange = { from?: string | undefined; to?: string | undefined };
export type OffThreadJob = keyof OffThreadJobs;

/**
 * Runs a job off the request path. Rejects with the job's own ApiError (rebuilt from its code,
 * detail and extra members) when the job refuses, so the route answers exactly as in-process.
 */
export type OffThread = <K extends OffThreadJob>(job: K, input: OffThreadJobs[K]["input"]) => Promise<OffThreadJobs[K]["output"]>;

/**
 * `job` in the read worker where the runtime has one (`offThread`, Node's embedded file), else
 * `here()` in the request (the Worker, whose reads do not block; tests that wire no thread). The
 * one way a route takes a long read off the request path.
 */
export function offTheRequestPath<K extends OffThreadJob, T>(offThread: OffThread | undefined, job: K, input: OffThreadJobs[K]["input"], here: () => Promise<T>): Promise<T> {
  return offThread ? (offThread(job, input) as Promise<T>) : here();
}
