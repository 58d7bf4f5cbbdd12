import type { Database } from "./db/client";
import { expireDueFlows } from "./cancel-flows/expiry";
import { applyRetention } from "./data-rights/retention";
import { resumeDuePauses } from "./plan-changes/auto-resume";
import { rescoreStale } from "./risk/rescore";
import { dispatchDueWebhooks } from "./webhooks/dispatcher";
import { decideStaleComebacks } from "./winback/decide";
import { sendDueWinbacks } from "./winback/due";

/** What the background job needs: the database, the root secret (webhook signing), and the runtime's webhook fetch. */
export type MaintenanceServices = {
  db: Database;
  secretsKey: string;
  now?: () => Date;
  /** Node: webhooks/node-fetch; Workers: the global fetch. */
  fetch?: typeof fetch;
  /** WEBHOOKS_ALLOW_LOOPBACK=1 (local development and tests). */
  allowLoopbackWebhooks?: boolean;
};

/** Background work both runtimes run: Node on a timer, Workers from cron. */
export async function runMaintenance(services: MaintenanceServices) {
  const { db } = services;
  const now = services.now ?? (() => new Date());
  const resumed = await resumeDuePauses(db, now());
  const abandoned = await expireDueFlows(db, now());
  // A chunk per run: risk rows older than a day or than the tenant's newest model.
  const rescored = await rescoreStale(db, now());
  // Before dispatching, so a win-back that fell due goes out in the same run.
  const winbacksDue = await sendDueWinbacks(db, now());
  // Win-back comebacks decided on an older offer catalogue (or never), a chunk per tenant per run.
  const comebacks = await decideStaleComebacks(db, now());
  const webhooks = await dispatchDueWebhooks(db, { now, secretsKey: services.secretsKey, fetch: services.fetch, allowLoopback: services.allowLoopbackWebhooks });
  // The shops' retention settings, a bounded chunk per run.
  const retention = await applyRetention(db, now());
  return { resumed, abandoned, rescored, winbacksDue, comebacks, webhooks, retention };
}
