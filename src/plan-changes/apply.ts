import { and, desc, eq, gt } from "drizzle-orm";
import { planChanges, subscriptions, type CancellationRecord } from "../db/schema";
import { newId } from "../platform/crypto";
import { localDate } from "../platform/dates";
import { ApiError } from "../platform/errors";
import { changedKeys, preparedInsert, preparedUpdates, type TenantStore } from "../platform/tenancy";
import { checkIfMatch } from "../platform/versioning";
import type { TenantSettings } from "../settings/schemas";
import { productOf, toCancellationSummary, toSubscription, type SubscriptionRow } from "../subscriptions/repository";
import { findWithRiskState, refreshRisk } from "../risk/maintain";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import type { Actor } from "../platform/env";
import { autoResume, decide, movesNothing, skipRunAfterDelivery, type CanceledPlan, type Plan, type PlanRequest } from "./rules";
import { saveOpenFlowsByChange } from "../cancel-flows/saved-by-change";
import { discountMoved, followSchedule } from "./discount";

/** The history row's columns for `actor`; `key_id` stays filled for readers of the old column. */
export const actorColumns = (actor: Actor) => ({ actor, keyId: actor.type === "key" ? actor.id : null });

/** Changes the maintenance job makes on its own (a pause that ended). */
export const SYSTEM_ACTOR: Actor = { type: "system", id: "maintenance" };

export type ChangeContext = {
  channel: string;
  /** Who makes the change (history and evidence show it). */
  actor: Actor;
  settings: TenantSettings;
  now: Date;
  ifMatch?: string;
  source?: Record<string, unknown>;
  /** Runs last in the change's transaction, with its result (the route records its answer there: platform/idempotency rememberWithin). */
  last?: (s: TenantStore, result: PlanChangeOutcome) => Promise<void>;
};

export const planOf = (row: SubscriptionRow): Plan => ({
  status: row.status,
  quantity: row.quantity,
  intervalDays: row.intervalDays,
  intervalMonths: row.intervalMonths,
  deliveryDay: row.deliveryDay,
  nextDeliveryOn: row.nextDeliveryOn,
  pausedUntil: row.pausedUntil,
  consecutiveSkips: row.consecutiveSkips,
  pausedFromOn: row.pausedFromOn,
});

/**
 * A canceled subscription as a reactivation reads it (rules `CanceledPlan`): its interval and what its
 * cancellation recorded. A row, or the API's subscription (the console decides its form by the same rule).
 */
export const canceledPlanOf = (row: Pick<CanceledPlan, "intervalDays" | "intervalMonths" | "deliveryDay"> & { cancellation?: { finalDeliveryOn?: string | null; stoppedDeliveryOn?: string | null; effectiveOn?: string | null } | null }): CanceledPlan => ({
  intervalDays: row.intervalDays,
  intervalMonths: row.intervalMonths,
  deliveryDay: row.deliveryDay,
  finalDeliveryOn: row.cancellation?.finalDeliveryOn ?? null,
  stoppedDeliveryOn: row.cancellation?.stoppedDeliveryOn ?? null,
  effectiveOn: row.cancellation?.effectiveOn ?? null,
  scheduledOn: row.cancellation?.stoppedDeliveryOn ?? null,
});

/**
 * The plan as history keeps it; `intervalMonths` only for a monthly plan, so a day plan's history
 * reads as it always did. With `product` (the subscription row of that moment): the product the
 * plan delivered then, so an entry reads in it after a sync or a swap changed the plan's product
 * (its quantity counts that product's packages), and the price the customer agreed to — the unit
 * price and what one delivery costs at this quantity (unit price × quantity, minor units, before
 * any discount) — so the shop can show what a change committed the customer to pay. Every plan
 * change records them.
 */
export const snapshot = ({ status, quantity, intervalDays, intervalMonths, nextDeliveryOn, pausedUntil }: Plan, product?: Parameters<typeof productOf>[0] & { unitPriceAmount: number; currency: string }) => ({
  status,
  quantity,
  intervalDays,
  ...(intervalMonths ? { intervalMonths } : {}),
  nextDeliveryOn,
  pausedUntil,
  ...(product
    ? {
        product: productOf(product),
        unitPrice: { amount: product.unitPriceAmount, currency: product.currency },
        amountPerDelivery: { amount: product.unitPriceAmount * quantity, currency: product.currency },
      }
    : {}),
});

/**
 * A plan_changes row for a change from the subscription row `before` to `after` (both snapshotted
 * with their product and price): one id, the actor's columns, `at` as its time. The caller inserts
 * it in the change's own transaction.
 */
export function changeRow(before: SubscriptionRow, after: SubscriptionRow, what: { type: string; channel: string; actor: Actor; source: Record<string, unknown> }, at: string) {
  return {
    id: newId("chg"),
    subscriptionId: before.id,
    type: what.type,
    channel: what.channel,
    ...actorColumns(what.actor),
    before: snapshot(planOf(before), before),
    after: snapshot(planOf(after), after),
    source: what.source,
    createdAt: at,
  };
}

/**
 * A change's `source` as answers write it (`ChangeSource`): a `reactivate`'s `previousCancellation`
 * is the cancellation record it reversed, stored as it was then — written out like the subscription's
 * `cancellation` (toCancellationSummary: null for the members an older record lacks), `reason`
 * absent when the flow had none. The history, the timeline and the export read it through here.
 */
export function toChangeSource<T extends Record<string, unknown> | null>(source: T): T {
  const previous = source?.previousCancellation;
  if (!source || !previous || typeof previous !== "object") return source;
  const { reason, ...summary } = toCancellationSummary(previous as CancellationRecord);
  return { ...source, previousCancellation: { ...summary, ...(reason !== null ? { reason } : {}) } };
}

export function toChange(row: typeof planChanges.$inferSelect) {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    type: row.type as "skip",
    channel: row.channel as "api",
    // Rows older than the actor column were backfilled by its migration; this covers a row
    // written by a process that had not yet been updated.
    actor: row.actor ?? (row.keyId ? { type: "key" as const, id: row.keyId } : SYSTEM_ACTOR),
    before: row.before as ReturnType<typeof snapshot>,
    after: row.after as ReturnType<typeof snapshot>,
    source: toChangeSource(row.source ?? null),
    createdAt: row.createdAt,
  };
}

/** A plan change's answer: `change` is null when the request moved nothing (rules movesNothing). */
export type PlanChangeOutcome = { subscription: ReturnType<typeof toSubscription>; change: ReturnType<typeof toChange> | null };

/** The plan's columns a change may move; each change writes those it moved, its version and time (platform/tenancy preparedUpdates). */
const PLAN_COLUMNS = ["status", "quantity", "intervalDays", "intervalMonths", "deliveryDay", "nextDeliveryOn", "pausedUntil", "consecutiveSkips", "pausedFromOn"] as const;
/** The statements of every plan change, built once (platform/tenancy prepared). */
const updatePlan = preparedUpdates(subscriptions, ["id", "version"]);
const INSERT_CHANGE = preparedInsert(planChanges, ["id", "subscriptionId", "type", "channel", "actor", "keyId", "before", "after", "source", "createdAt"]);

/**
 * Applies one plan change in the caller's transaction: checks the version and the merchant's
 * rules, writes the subscription, the history row and the webhook event — all or nothing. A cancel
 * flow of the subscription left open ends as saved by the change (cancel-flows/saved-by-change).
 * A request that moves nothing (rules movesNothing) writes nothing: the subscription as it is, with
 * `change: null` (an Idempotency-Key still records that answer).
 */
export async function applyPlanChange(store: TenantStore, subscriptionId: string, request: PlanRequest, ctx: ChangeContext): Promise<PlanChangeOutcome> {
  return store.write(async (s) => {
    // The subscription with its risk state, read once: the risk refresh below reuses it.
    const found = await findWithRiskState(s, subscriptionId);
    if (!found) throw new ApiError("subscription_not_found", { en: `No subscription ${subscriptionId}.`, ja: `定期コース ${subscriptionId} は見つかりません。` });
    const row = found.row;
    checkIfMatch(ctx.ifMatch, row.version);
    const today = localDate(ctx.now, ctx.settings.timeZone);
    const decision = decide(planOf(row), request, ctx.settings, today);
    // A pause whose date had come but that the maintenance job has not resumed yet is resumed by
    // this change (decide settles it first); the history says so, and where the delivery went.
    const resumed = autoResume(planOf(row), today, ctx.settings);
    if (!decision.ok) throw new ApiError(decision.violation.code, decision.violation.detail, decision.violation.extra);
    const after = decision.plan;
    if (movesNothing(planOf(row), after, ctx.settings, today)) {
      const same: PlanChangeOutcome = { subscription: toSubscription(row), change: null };
      await ctx.last?.(s, same);
      return same;
    }
    const at = ctx.now.toISOString();
    // An accepted discount keeps its number of deliveries: its dates move with the schedule.
    const activeDiscount = followSchedule(row.activeDiscount, row, after);
    const moved = discountMoved(row.activeDiscount, activeDiscount);
    const updated: SubscriptionRow = { ...row, ...after, activeDiscount, version: row.version + 1, updatedAt: at };
    // Only the columns that moved (a quantity change leaves the pause index's entry alone).
    // Neither write's count is read: on a libSQL server they travel with the next statement (s.later).
    await s.later(updatePlan([...changedKeys(row, after, PLAN_COLUMNS), ...(moved ? (["activeDiscount"] as const) : []), "version", "updatedAt"]), {
      ...updated,
      "where.id": subscriptionId,
      "where.version": row.version, // belt and braces: never overwrite a newer version
    });
    const change = {
      id: newId("chg"),
      subscriptionId,
      type: request.type,
      channel: ctx.channel,
      ...actorColumns(ctx.actor),
      before: snapshot(planOf(row), row),
      after: snapshot(after, row),
      source: resumed || moved ? { ...ctx.source, ...(resumed ? { pauseEnded: resumed.note } : {}), ...(moved ? { discountMoved: moved } : {}) } : (ctx.source ?? null),
      createdAt: at,
    };
    await s.later(INSERT_CHANGE, change);
    const result = { subscription: toSubscription(updated), change: toChange({ ...change, tenantId: s.tenantId }) };
    await enqueueWebhookEvent(s, "subscription.changed", result, ctx.now, found.endpoints);
    // Skips and pauses are churn signals; any change moves the dates risk reads.
    await refreshRisk(s, subscriptionId, at, request.type === "skip" || request.type === "pause" ? request.type : undefined, {
      known: { sub: updated, risk: found.risk, timeZone: ctx.settings.timeZone, endpoints: found.endpoints },
    });
    // A change the customer chose while their cancel flow is open saves it; a change the flow
    // makes itself (an accepted offer, `source.cancelFlowId`) is closed by the flow.
    if (found.openCancelFlow && ctx.source?.cancelFlowId === undefined) {
      await saveOpenFlowsByChange(s, subscriptionId, request, result, { channel: ctx.channel, actor: ctx.actor, now: ctx.now, endpoints: found.endpoints });
    }
    await ctx.last?.(s, result);
    return result;
  });
}

/**
 * A delivery of the subscription shipped at `shippedAt` (a `delivery.completed` event): ends its
 * run of consecutive skips unless the report is of a delivery from before the latest skip. The run
 * is an internal counter, not part of the plan, so the version does not move.
 */
export async function noteDeliveryShipped(s: TenantStore, subscriptionId: string, shippedAt: string): Promise<void> {
  const row = await s.find(subscriptions, eq(subscriptions.id, subscriptionId));
  if (!row || row.consecutiveSkips === 0) return;
  const [last] = await s.q
    .select({ at: planChanges.createdAt })
    .from(planChanges)
    .where(s.owns(planChanges, eq(planChanges.subscriptionId, subscriptionId), eq(planChanges.type, "skip")))
    .orderBy(desc(planChanges.createdAt))
    .limit(1);
  const skips = skipRunAfterDelivery(row.consecutiveSkips, last?.at ?? null, shippedAt);
  if (skips !== row.consecutiveSkips) {
    await s.update(subscriptions, { consecutiveSkips: skips }, and(eq(subscriptions.id, subscriptionId), gt(subscriptions.consecutiveSkips, 0)));
  }
}
