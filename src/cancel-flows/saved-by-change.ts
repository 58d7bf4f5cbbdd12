/**
 * A plan change made while the subscription's cancel flow is open ends that flow as saved.
 *
 * The customer asked to cancel and then, instead of confirming, skipped, paused, moved a delivery
 * or changed the interval or quantity: they stay, with a changed plan — what 解約阻止率 counts as a
 * save. One rule for every caller of the plan-change API (the operator console, the my-page
 * portal, a shop's own my-page, an IVR), applied in the change's own transaction by
 * plan-changes/apply, whichever channel the flow began on (started on the web, saved by phone).
 *
 * Not applied to a change the flow itself makes (an accepted offer: acceptOffer closes the flow),
 * nor to the maintenance job's resumption of a pause (nobody decided anything). A flow already past
 * its expiry stays abandoned: the change came too late to be the answer to it.
 */
import { eq, inArray, and } from "drizzle-orm";
import { cancelFlows } from "../db/schema";
import { recordOutcome } from "../offers/repository";
import type { OfferApplication } from "../offers/personalise";
import type { PlanRequest } from "../plan-changes/rules";
import type { Actor } from "../platform/env";
import type { TenantStore } from "../platform/tenancy";
import type { WebhookEventData } from "../webhooks/events";
import { enqueueWebhookEvent, type WebhookEndpoint } from "../webhooks/outbox";
import { addStep, effectiveStatus, type FlowRow } from "./state";

/** What a plan change does to one open flow: the offer it took (or none) and the outcomes the offers' statistics learn. */
export type SaveByChange = { offerId: string | null; outcomes: { reason: string; offerId: string; accepted: boolean }[] };

/**
 * The rule, pure: null when the flow is not open now (saved, canceled, abandoned or past its
 * expiry). Otherwise the flow is saved by `request`. When the change is exactly the plan change an
 * offer shown in the flow proposed (same request, e.g. the skip offer's `{ type: "skip", count: 1 }`
 * made with the plain skip button), that offer is the one taken: accepted, as if its own button
 * had been pressed. Every other offer shown counts as declined, as on a confirmation: it was put
 * to the customer, who chose something else.
 */
export function saveByChange(flow: Pick<FlowRow, "status" | "expiresAt" | "offersShown">, request: PlanRequest, now: Date): SaveByChange | null {
  const status = effectiveStatus(flow, now);
  if (status !== "open" && status !== "offered") return null;
  const shown = (flow.offersShown ?? []) as unknown as { offerId: string; reason: string; apply: OfferApplication }[];
  const taken = shown.find((o) => o.apply.kind === "plan_change" && sameRequest(o.apply.request, request));
  return { offerId: taken?.offerId ?? null, outcomes: shown.map((o) => ({ reason: o.reason, offerId: o.offerId, accepted: o === taken })) };
}

function sameRequest(a: PlanRequest, b: PlanRequest): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].every((k) => x[k] === y[k]);
}

/** The plan change made, as `subscription.changed` carries it. */
type ChangeResult = WebhookEventData<"subscription.changed">;

/**
 * Applies {@link saveByChange} to the subscription's open flows (normally one: a new flow
 * supersedes an open one), in the plan change's transaction, after the change is written: each
 * becomes `saved` (closed now, one call more, `offerId` the offer taken or null), with the evidence
 * step `saved_by_plan_change` (`changeId`, `change`: the change's type, `offerId`), the offers'
 * outcomes, and `cancel_flow.saved` with the change.
 */
export async function saveOpenFlowsByChange(
  s: TenantStore,
  subscriptionId: string,
  request: PlanRequest,
  result: ChangeResult,
  ctx: { channel: string; actor: Actor; now: Date; endpoints?: readonly WebhookEndpoint[] },
): Promise<void> {
  const at = ctx.now.toISOString();
  const open = await s.q.select().from(cancelFlows).where(s.owns(cancelFlows, eq(cancelFlows.subscriptionId, subscriptionId), inArray(cancelFlows.status, ["open", "offered"])));
  for (const flow of open) {
    const save = saveByChange(flow, request, ctx.now);
    if (!save) continue;
    await s.update(cancelFlows, { status: "saved", closedAt: at, offerId: save.offerId, calls: flow.calls + 1 }, and(eq(cancelFlows.id, flow.id), inArray(cancelFlows.status, ["open", "offered"])));
    await addStep(s, flow.id, "saved_by_plan_change", ctx.channel, at, { changeId: result.change.id, change: request.type, offerId: save.offerId }, ctx.actor);
    for (const o of save.outcomes) await recordOutcome(s, o.reason, o.offerId, o.accepted);
    await enqueueWebhookEvent(
      s,
      "cancel_flow.saved",
      { flowId: flow.id, subscriptionId, customerId: flow.customerId, reason: flow.reason, offerId: save.offerId, channel: ctx.channel as WebhookEventData<"cancel_flow.saved">["channel"], subscription: result.subscription, change: result.change },
      ctx.now,
      ctx.endpoints,
    );
  }
}
