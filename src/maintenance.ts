import type { Database } from "./db/client";
import { expireDueFlows } from "./cancel-flows/expiry";
import { resumeDuePauses } from "./plan-changes/auto-resume";
import { rescoreStale } from "./risk/rescore";
import { dispatchDueWebhooks } from "./webhooks/dispatcher";
import { sendDueWinbacks } from "./winback/due";

/** Background work both runtimes run: Node on a timer, Workers from cron. */
export async function runMaintenance(db: Database, now: () => Date = () => new Date()) {
  const resumed = await resumeDuePauses(db, now());
  const abandoned = await expireDueFlows(db, now());
  // A chunk per run: risk rows older than a day or than the tenant's newest model.
  const rescored = await rescoreStale(db, now());
  // Before dispatching, so a win-back that fell due goes out in the same run.
  const winbacksDue = await sendDueWinbacks(db, now());
  const webhooks = await dispatchDueWebhooks(db, { now });
  return { resumed, abandoned, rescored, winbacksDue, webhooks };
}
