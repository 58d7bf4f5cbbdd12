/**
 * Node: the entry of the worker thread that runs long reads (platform/off-thread). It opens its
 * own connection to the embedded file it is given and answers one message per job; a refusal
 * (ApiError) goes back as its code, detail and extra members. Wiring only: each job is a
 * capability's own function, scoped by tenant through a TenantStore.
 */
import { parentPort, workerData } from "node:worker_threads";
import { exportCustomer } from "./data-rights/export";
import { reasonInsightsFor } from "./insights/routes";
import { openDatabase } from "./db/node";
import { retentionFor, winbackFor } from "./metrics/routes";
import { ApiError } from "./platform/errors";
import type { OffThreadJob, OffThreadJobs } from "./platform/off-thread";
import { TenantStore } from "./platform/tenancy";
import { fitTenantModel } from "./risk/repository";
import { fitTenantWinbackModel } from "./winback/train";

// Reads only: the checkpoints are the opening thread's (db/checkpoints.ts).
const db = await openDatabase(String(workerData.databaseUrl), undefined, { checkpoints: false });
const jobs: { [K in OffThreadJob]: (input: OffThreadJobs[K]["input"]) => Promise<OffThreadJobs[K]["output"]> } = {
  exportCustomer: (i) => exportCustomer(new TenantStore(db, i.tenantId), i.customerId, new Date(i.now), i.lang),
  retentionMetrics: (i) => retentionFor(new TenantStore(db, i.tenantId), i.settings, new Date(i.now), i.query),
  winbackMetrics: (i) => winbackFor(new TenantStore(db, i.tenantId), i.settings, new Date(i.now), i.query),
  reasonInsights: (i) => reasonInsightsFor(new TenantStore(db, i.tenantId), i.settings, new Date(i.now), i.query),
  fitRiskModel: (i) => fitTenantModel(new TenantStore(db, i.tenantId), new Date(i.now), i.timeZone),
  fitWinbackModel: (i) => fitTenantWinbackModel(new TenantStore(db, i.tenantId), new Date(i.now), i.timeZone),
};

parentPort!.on("message", async (m: { id: number; job: OffThreadJob; input: never } | { close: true }) => {
  if ("close" in m) {
    // Asked to end (db/threads): the connection closes between statements, and the thread ends by itself.
    db.client.close();
    parentPort!.close();
    return;
  }
  try {
    parentPort!.postMessage({ id: m.id, ok: true, value: await jobs[m.job](m.input) });
  } catch (e) {
    const refusal = e instanceof ApiError ? { code: e.code, detail: e.detail, extra: e.extra } : null;
    parentPort!.postMessage({ id: m.id, ok: false, refusal, message: e instanceof Error ? e.message : String(e) });
  }
});
parentPort!.postMessage({ ready: true });
