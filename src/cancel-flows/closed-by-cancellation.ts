/**
 * A cancellation closes every cancel flow still open on the subscription, as `abandoned`.
 *
 * However the plan was cancelled — another flow's confirmation (the customer started a second
 * flow, say by phone, and confirmed the first on the web), `PUT /v1/subscriptions/{id}` or the
 * bulk `POST /v1/sync` with `status: "canceled"` — a flow left open on it has no answer any more:
 * the customer's decision was made elsewhere. Left open, it would be credited with a save by the
 * first plan change after a reactivation (./saved-by-change), one cancellation counted as both a
 * cancellation and a save in 解約阻止率.
 *
 * Why `abandoned`, not `canceled` or `saved`: the cancellation is the outcome of the flow that
 * confirmed it (or of the cart system, with no flow); counting the others as `canceled` would count
 * one cancellation several times (save rate's denominator, time to cancel), and `saved` is false.
 * `abandoned` is what a flow replaced by a newer one already becomes (`superseded`): closed with no
 * answer of its own, reported apart from the save rate. Confirming such a flow later still cancels
 * (a closed flow confirms, as an expired one does) — once the plan is live again, say after a
 * reactivation; while it is canceled, confirm answers 409 `subscription_canceled`.
 */
import { and, eq, inArray } from "drizzle-orm";
import { cancelFlows } from "../db/schema";
import type { Actor } from "../platform/env";
import { inList, type TenantStore } from "../platform/tenancy";
import { addStep, effectiveStatus } from "./state";

/**
 * Who cancelled the plan: the confirming flow's cancellation (its plan change and receipt number) or a sync (no change recorded).
 * `attempt`: the confirming flow and its attempt's first start, when that flow was itself replaced
 * by a newer one (confirmed after a restart: the web page's confirm after the call began) — the
 * open flow of the same attempt is then part of it (`superseded_by` the confirming flow), not an
 * abandonment of its own.
 */
export type CancellationCause = { channel: string; actor: Actor; changeId: string | null; confirmationNumber: string | null; attempt?: { flowId: string; startedAt: string } };

/** The actor a cancellation synced from the shop's system is recorded under (PUT, bulk sync, `npm run import`). */
export const SYNC_ACTOR: Actor = { type: "system", id: "sync" };

/**
 * Closes the open (or offered) flows of `subscriptionIds`, in the cancellation's transaction, after
 * the subscription is written. Each becomes `abandoned` (closed now) with the evidence step
 * `subscription_canceled` (`previousStatus`, `expiresAt`, `changeId`, `confirmationNumber`); one
 * already past its expiry closes as it would have (`expired`, closed at its expiry). No webhook,
 * no offer outcome: nothing was decided in the flow. Returns how many closed.
 */
export async function closeFlowsOnCancellation(s: TenantStore, subscriptionIds: readonly string[], now: Date, cause: CancellationCause): Promise<number> {
  const at = now.toISOString();
  // A bulk sync's cancellations as one JSON list (platform/tenancy inList): no bound-variable limit.
  const ids = subscriptionIds.length === 1 ? eq(cancelFlows.subscriptionId, subscriptionIds[0]!) : inList(cancelFlows.subscriptionId, subscriptionIds);
  const open = await s.q.select().from(cancelFlows).where(s.owns(cancelFlows, ids, inArray(cancelFlows.status, ["open", "offered"])));
  for (const flow of open) {
    const expired = effectiveStatus(flow, now) === "abandoned";
    const sameAttempt = !expired && cause.attempt !== undefined && flow.attemptStartedAt === cause.attempt.startedAt;
    await s.update(cancelFlows, { status: "abandoned", closedAt: expired ? flow.expiresAt : at, ...(sameAttempt ? { supersededBy: cause.attempt!.flowId } : {}) }, and(eq(cancelFlows.id, flow.id), inArray(cancelFlows.status, ["open", "offered"])));
    const data = { previousStatus: flow.status, expiresAt: flow.expiresAt, ...(expired ? {} : { changeId: cause.changeId, confirmationNumber: cause.confirmationNumber }) };
    await addStep(s, flow.id, expired ? "expired" : "subscription_canceled", cause.channel, at, data, cause.actor);
  }
  return open.length;
}
