import type { z } from "@hono/zod-openapi";
import { sql, type SQL } from "drizzle-orm";
import { findCustomer } from "../customers/repository";
import { refuseErased } from "../data-rights/erased";
import { planChanges, subscriptions, type CancellationRecord } from "../db/schema";
import { changeRow, toChange } from "../plan-changes/apply";
import { aheadOfTimeError, ApiError, refusalError, type AheadOfTime, type ApiErrorOf } from "../platform/errors";
import { changedKeys, preparedInsert, preparedUpdates, type TenantStore } from "../platform/tenancy";
import { checkIfMatch } from "../platform/versioning";
import { addDays, isAheadOfClock, localDate, MAX_PLAN_DATE_AHEAD_DAYS, writeDate } from "../platform/dates";
import { anchorFor, dayInMonthOf, nominalIntervalDays } from "../platform/cadence";
import { closeFlowsOnCancellation, SYNC_ACTOR } from "../cancel-flows/closed-by-cancellation";
import { tenantReasons, unknownReason } from "../cancel-flows/reasons-repository";
import { recordAutoResume } from "../plan-changes/auto-resume";
import { autoResume, skipRunAfterSync, type ResumeNote } from "../plan-changes/rules";
import type { TenantSettings } from "../settings/schemas";
import { findWithRiskState, refreshPersonRisk, refreshRisk } from "../risk/maintain";
import { recordNewPlanReturns, recordReactivations, recordSyncedCancellations, recordSyncedReasons } from "../winback/service";
import { changedAfterExport, staleSubscriptionRefusal } from "../sync/after-export";
import { enqueueWebhookEvents, type QueuedWebhookEvent } from "../webhooks/outbox";
import { toSubscription, type SubscriptionRow } from "./repository";
import type { UpsertSubscriptionBody } from "./schemas";

/** Fields a sync may change; `version` moves only when one of them really changes. */
const SYNCED = [
  "customerId", "productSku", "productName", "productCategory", "productUnitsPerPackage", "productUnitLabel", "quantity", "intervalDays", "intervalMonths", "deliveryDay", "nextDeliveryOn",
  "unitPriceAmount", "currency", "status", "startedAt", "deliveriesCompleted", "commitmentMinDeliveries",
  "commitmentFeeAmount", "commitmentFeeCurrency", "pausedUntil", "pausedFromOn", "canceledAt",
] as const satisfies (keyof SubscriptionRow)[];

/**
 * The columns a sync writes over a stored subscription: the synced ones, the run of skips, the
 * version, and the cancellation summary (closed when the cart restarts a plan it had cancelled).
 */
export const SUBSCRIPTION_SYNCED = [...SYNCED, "consecutiveSkips", "version", "updatedAt", "cancellation"] as const;

/** A sync's two writes, built once (platform/tenancy prepared): the synced columns that moved, or the whole new row. */
const updateSynced = preparedUpdates(subscriptions, ["id"]);
const INSERT_SUBSCRIPTION = preparedInsert(subscriptions, [
  ...SYNCED, "id", "version", "consecutiveSkips", "createdAt", "updatedAt", "activeDiscount", "cancellation",
]);

export type SyncOutcome<T> = { row: T; created: boolean; changed: boolean };

/** A customer id that names no customer: what a subscription sync answers (422). */
export function unknownCustomer(customerId: string): ApiErrorOf<"unknown_customer"> {
  return new ApiError("unknown_customer", { en: `No customer ${customerId}; sync the customer first.`, ja: `顧客 ${customerId} は登録されていません。先に顧客を同期してください。` }, {
    errors: [{ path: "customerId", message: { en: `Unknown customer ${customerId}`, ja: `登録されていない顧客です: ${customerId}` } }],
  }) as ApiErrorOf<"unknown_customer">;
}

/**
 * The synced fields dated later than they can be: `startedAt` and `canceledAt` more than
 * FUTURE_SKEW_MS (5 minutes) ahead of the clock; `nextDeliveryOn` and `pausedUntil` more than
 * MAX_PLAN_DATE_AHEAD_DAYS (three years) after the shop's `today` (platform/dates says why).
 */
function aheadOfTime(b: z.output<typeof UpsertSubscriptionBody>, now: Date, today: string): AheadOfTime[] {
  const out: AheadOfTime[] = [];
  for (const path of ["startedAt", "canceledAt"] as const) {
    const value = b[path];
    if (value && isAheadOfClock(value, now)) out.push({ path, value, now: now.toISOString() });
  }
  const latest = addDays(today, MAX_PLAN_DATE_AHEAD_DAYS);
  for (const path of ["nextDeliveryOn", "pausedUntil"] as const) {
    const value = b[path];
    if (value && value > latest) out.push({ path, value, latest });
  }
  return out;
}

/**
 * A synced pause read as the API's own pause stores it. Cart systems often keep the pre-pause date
 * as the next delivery (`paused`, `pausedUntil` 2027-02-01, `nextDeliveryOn` 2026-12-20): refusing
 * that would fail every such cart's sync, and storing both showed 「12月20日 休止中」 while the pause
 * sends nothing before February. So a next delivery before the resume date is the delivery the
 * pause stopped (`pausedFromOn`, where `resume {}` restarts), and the next delivery is the resume
 * date; one on or after it is the first delivery after the pause, kept. A sync that says nothing of
 * the stopped delivery keeps the one a pause made through the API remembered.
 */
export function syncedPause(
  b: Pick<z.output<typeof UpsertSubscriptionBody>, "nextDeliveryOn" | "status" | "pausedUntil">,
  existing: Pick<SubscriptionRow, "status" | "pausedFromOn"> | undefined,
): {
  nextDeliveryOn: string | null;
  pausedFromOn: string | null;
  /** The next delivery as the sync sent it — null once canceled: a canceled plan has none — which `syncedCadence` reads a monthly plan's day from. */
  sentOn: string | null;
} {
  // The one place a canceled sync loses its next delivery.
  const next = b.status === "canceled" ? null : (b.nextDeliveryOn ?? null);
  if (b.status !== "paused") return { nextDeliveryOn: next, pausedFromOn: null, sentOn: next };
  const until = b.pausedUntil ?? null;
  if (until !== null && next !== null && next < until) return { nextDeliveryOn: until, pausedFromOn: next, sentOn: next };
  return { nextDeliveryOn: next, pausedFromOn: existing?.status === "paused" ? existing.pausedFromOn : null, sentOn: next };
}

/**
 * 409 `subscription_canceled`: a sync that would make live again a plan the customer cancelled
 * through Tsuzuku (a cancel flow's confirmation, with its receipt number). Only the customer
 * undoes their cancellation: a restart goes through `reactivate`, which records their consent and
 * channel; a stale cart export must not ship and charge a delivery the receipt said was stopped.
 */
export function customerCancellation(subscriptionId: string, existing: Pick<SubscriptionRow, "canceledAt" | "cancellation">, timeZone: string): ApiError {
  const number = existing.cancellation?.confirmationNumber ?? "";
  const on = existing.canceledAt ? localDate(new Date(existing.canceledAt), timeZone) : null;
  const date = (lang: "ja" | "en") => (on ? writeDate(on, lang, "full") : lang === "ja" ? "（日付不明）" : "an unknown date");
  const reactivate = `POST /v1/subscriptions/${subscriptionId}/reactivate`;
  return new ApiError(
    "subscription_canceled",
    {
      en: `Subscription ${subscriptionId} was cancelled by the customer on ${date("en")} (confirmation ${number}), so a sync cannot make it active or paused again; its other fields may still be synced with status canceled. A restart goes through ${reactivate}, which records the customer's consent and channel.`,
      ja: `定期コース ${subscriptionId} は、${date("ja")}にお客様ご自身が解約されています（受付番号 ${number}）。同期で再開（active・paused）することはできません（status を canceled のままにすれば、ほかの項目は同期できます）。再開する場合は、お客様の同意と受付窓口を記録する ${reactivate} で行ってください。`,
    },
    {
      canceledAt: existing.canceledAt,
      confirmationNumber: number,
      errors: [{ path: "status", message: { en: `Cancelled by the customer (confirmation ${number}): restart with ${reactivate}`, ja: `お客様ご自身による解約です（受付番号 ${number}）。再開は ${reactivate} で行ってください` } }],
    },
  );
}

/** A `validation_failed` naming one field, in both languages. */
function invalid(path: string, message: { en: string; ja: string }): ApiError {
  return new ApiError("validation_failed", { en: `${path}: ${message.en}.`, ja: `${path}: ${message.ja}。` }, { errors: [{ path, message }] });
}

/**
 * The cadence a sync stores: `intervalMonths` decides when sent (its nominal `intervalDays`, and
 * its day of the month: `deliveryDay` when sent, else the stored one when `nextDeliveryOn` is where
 * it lands — 2/28 for the 31st: platform/cadence anchorFor — else the day `nextDeliveryOn` falls
 * on), else `intervalDays`. Throws `validation_failed` when neither is sent, `intervalDays` is not
 * the months' nominal length (two fields saying different plans: the API cannot tell which one the
 * cart system meant), `deliveryDay` is sent for a day plan, or `nextDeliveryOn` is not that day of
 * its month (clamped to the month's end).
 */
export function syncedCadence(
  b: Pick<z.output<typeof UpsertSubscriptionBody>, "intervalDays" | "intervalMonths" | "deliveryDay">,
  existing: Pick<SubscriptionRow, "intervalMonths" | "deliveryDay"> | undefined,
  pause: Pick<ReturnType<typeof syncedPause>, "sentOn">,
): Pick<SubscriptionRow, "intervalDays" | "intervalMonths" | "deliveryDay"> {
  const months = b.intervalMonths ?? null;
  if (months === null) {
    if (b.intervalDays === undefined) {
      throw new ApiError("validation_failed", { en: "Send intervalDays (days between deliveries) or intervalMonths (calendar months).", ja: "intervalDays（お届け間隔の日数）または intervalMonths（月数）を指定してください。" }, {
        errors: [{ path: "intervalDays", message: { en: "Required unless intervalMonths is sent", ja: "intervalMonths を指定しない場合は必須です" } }],
      });
    }
    if (b.deliveryDay != null) {
      throw invalid("deliveryDay", { en: "a day of the month is for a monthly plan only: send intervalMonths with it, or leave it out", ja: "お届け日（毎月○日）は月単位のプランにだけ指定できます。intervalMonths と合わせて指定するか、省略してください" });
    }
    return { intervalDays: b.intervalDays, intervalMonths: null, deliveryDay: null };
  }
  const nominal = nominalIntervalDays(months);
  if (b.intervalDays !== undefined && b.intervalDays !== nominal) {
    const message = {
      en: `${b.intervalDays} contradicts intervalMonths ${months}, whose length is ${nominal} days: send one of the two`,
      ja: `${b.intervalDays} は intervalMonths ${months}（${nominal}日相当）と食い違います。どちらか一方を指定してください`,
    };
    throw invalid("intervalDays", message);
  }
  const next = pause.sentOn;
  const day = b.deliveryDay ?? null;
  if (day !== null) {
    if (next !== null && dayInMonthOf(next, day) !== next) {
      const on = dayInMonthOf(next, day);
      throw invalid("deliveryDay", { en: `${day} contradicts nextDeliveryOn ${next}: a plan on day ${day} delivers on ${on} that month`, ja: `${day}日は nextDeliveryOn ${next} と食い違います。毎月${day}日のプランのその月のお届けは ${on} です` });
    }
    return { intervalDays: nominal, intervalMonths: months, deliveryDay: day };
  }
  const kept = existing?.intervalMonths != null ? existing.deliveryDay : null;
  return { intervalDays: nominal, intervalMonths: months, deliveryDay: anchorFor(next, { intervalDays: nominal, intervalMonths: months, deliveryDay: kept }) };
}

/**
 * The `cancellation` summary a sync of a canceled plan stores, or `undefined` to leave the stored
 * one as it is. A reason the cart system gives (`cancellationReason`) is kept as the summary's
 * `reason`, channel `api` — what a cancel flow records, without its flow, receipt or dates, which a
 * sync does not know. Sent absent, a reason given earlier stays (a nightly sync that exports no
 * reason does not erase what an import brought); null removes it. A plan the customer cancelled
 * through a cancel flow keeps its summary whole: their own answer stands over the cart's.
 */
export function syncedCancellation(
  b: Pick<z.output<typeof UpsertSubscriptionBody>, "status" | "cancellationReason">,
  existing: Pick<SubscriptionRow, "status" | "cancellation"> | undefined,
): CancellationRecord | null | undefined {
  if (b.status !== "canceled") return undefined;
  const stillCanceled = existing?.status === "canceled";
  if (stillCanceled && existing.cancellation?.confirmationNumber) return undefined;
  // A summary left on a plan canceled again is not this cancellation's (see planSubscriptionSync).
  const kept = stillCanceled ? existing.cancellation : null;
  const reason = b.cancellationReason === undefined ? (kept?.reason ?? null) : b.cancellationReason;
  if (reason !== null) return { ...kept, reason, channel: kept?.channel ?? "api" };
  const { reason: _old, ...rest } = kept ?? {};
  // What is left of a summary a sync wrote (its channel alone) says nothing: none, as before the reason came.
  const synced = Object.keys(rest).length === 0 || (Object.keys(rest).length === 1 && rest.channel === "api");
  return synced ? null : rest;
}

/**
 * The shop's reason codes a sync checks `cancellationReason` against (`planSubscriptionSync`), read
 * only when some item of `items` is canceled with a reason: most syncs send none and read nothing.
 */
export async function reasonsFor(s: TenantStore, items: readonly Pick<z.output<typeof UpsertSubscriptionBody>, "status" | "cancellationReason">[]): Promise<ReadonlySet<string> | undefined> {
  if (!items.some((b) => b.status === "canceled" && b.cancellationReason)) return undefined;
  return new Set((await tenantReasons(s)).map((r) => r.code));
}

const sortedJson = (x: object | null) => JSON.stringify(x && Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))));

/** What one subscription sync decides (see `planSubscriptionSync`). */
export type SubscriptionSyncPlan = SyncOutcome<SubscriptionRow> & {
  /** The columns to write: the whole new row when created, the changed ones otherwise; null when unchanged. */
  write: Partial<SubscriptionRow> | null;
  /** An automatic resume to record (a synced pause whose date had passed): the row as synced (paused) and why. */
  resume: { before: SubscriptionRow; note: ResumeNote } | null;
  /** The sync cancelled it: the same person's other subscriptions now have an earlier cancellation. */
  canceledNow: boolean;
  /** A cancellation win-back has not heard of: a plan synced `canceled`, new or until now live (winback/service `recordSyncedCancellations`). */
  newCancellation: boolean;
  /** A canceled plan the sync restarts (active or paused): the customer came back (winback/service `recordReactivations`). */
  restarted: boolean;
  /** A plan canceled before and still canceled whose synced reason changed: its open win-back record takes the new one (winback/service `recordSyncedReasons`). */
  reasonChanged: boolean;
};

/**
 * Pure: what syncing `b` onto the stored subscription (`existing`, undefined when new) stores.
 * Throws `validation_failed` (ApiError, 422) for a field dated later than it can be (`aheadOfTime`).
 * `version` moves only when a synced field really changes; a pause whose date has already passed
 * is resumed now, as the maintenance job would (never with a first delivery before today + the
 * cut-off); a sync that reports a delivery shipped ends the run of consecutive skips; a plan synced
 * `canceled`, new or until now live, is a cancellation for win-back (`newCancellation`), and a
 * canceled plan synced live again is its reactivation (`restarted`). One function
 * for `PUT /v1/subscriptions/{id}`, the bulk `POST /v1/sync` and `npm run import`.
 */
export function planSubscriptionSync(
  tenantId: string,
  subscriptionId: string,
  b: z.output<typeof UpsertSubscriptionBody>,
  existing: SubscriptionRow | undefined,
  ctx: { now: Date; settings: TenantSettings; reasons?: ReadonlySet<string> },
): SubscriptionSyncPlan {
  const { now, settings } = ctx;
  const at = now.toISOString();
  const ahead = aheadOfTime(b, now, localDate(now, settings.timeZone));
  if (ahead.length > 0) throw aheadOfTimeError(ahead);
  if (b.status === "canceled" && b.cancellationReason && ctx.reasons && !ctx.reasons.has(b.cancellationReason)) throw unknownReason(b.cancellationReason, "cancellationReason");
  // Cancelled by the customer through a cancel flow (a receipt number): only they restart it.
  if (existing?.status === "canceled" && existing.cancellation?.confirmationNumber && b.status !== "canceled") throw customerCancellation(subscriptionId, existing, settings.timeZone);
  const pause = syncedPause(b, existing);
  const values = {
    customerId: b.customerId,
    productSku: b.product.sku,
    productName: b.product.name,
    productCategory: b.product.category ?? null,
    productUnitsPerPackage: b.product.unitsPerPackage ?? null,
    productUnitLabel: b.product.unitLabel ?? null,
    quantity: b.quantity,
    ...syncedCadence(b, existing, pause),
    nextDeliveryOn: pause.nextDeliveryOn,
    unitPriceAmount: b.unitPrice.amount,
    currency: b.unitPrice.currency,
    status: b.status,
    startedAt: b.startedAt,
    deliveriesCompleted: b.deliveriesCompleted,
    commitmentMinDeliveries: b.commitment?.minDeliveries ?? null,
    commitmentFeeAmount: b.commitment?.earlyCancellationFee?.amount ?? null,
    commitmentFeeCurrency: b.commitment?.earlyCancellationFee?.currency ?? null,
    pausedUntil: b.status === "paused" ? (b.pausedUntil ?? null) : null,
    pausedFromOn: pause.pausedFromOn,
    canceledAt: b.status === "canceled" ? (b.canceledAt ?? existing?.canceledAt ?? at) : null,
  } satisfies Partial<SubscriptionRow>;
  const cancellation = syncedCancellation(b, existing);
  const synced = { ...values };
  const resumed =
    values.status === "paused"
      ? autoResume({ ...values, consecutiveSkips: existing?.consecutiveSkips ?? 0 }, localDate(now, settings.timeZone), settings)
      : null;
  if (resumed) Object.assign(values, { status: "active", pausedUntil: null, pausedFromOn: null, nextDeliveryOn: resumed.plan.nextDeliveryOn });
  if (!existing) {
    const row: SubscriptionRow = { ...values, id: subscriptionId, tenantId, version: 1, consecutiveSkips: 0, createdAt: at, updatedAt: at, activeDiscount: null, cancellation: cancellation ?? null };
    return { row, created: true, changed: true, write: row, resume: resumed ? { before: { ...row, ...synced }, note: resumed.note } : null, canceledNow: false, newCancellation: row.status === "canceled", restarted: false, reasonChanged: false };
  }
  const reasonChanged = cancellation !== undefined && existing.status === "canceled" && (cancellation?.reason ?? null) !== (existing.cancellation?.reason ?? null);
  // Compared key by key: the stored JSON's keys need not come in the order written here.
  const summaryChanged = cancellation !== undefined && sortedJson(cancellation) !== sortedJson(existing.cancellation ?? null);
  const changed = summaryChanged || SYNCED.some((k) => existing[k] !== (values as Record<string, unknown>)[k]);
  if (!changed) return { row: existing, created: false, changed: false, write: null, resume: null, canceledNow: false, newCancellation: false, restarted: false, reasonChanged: false };
  const consecutiveSkips = skipRunAfterSync(existing.consecutiveSkips, existing.deliveriesCompleted, values.deliveriesCompleted);
  const restarted = existing.status === "canceled" && values.status !== "canceled";
  const canceledNow = existing.status !== "canceled" && values.status === "canceled";
  // The cart restarts a plan it cancelled: the cancellation summary closes, as `reactivate` closes
  // it. The cart cancels a live plan: the summary is this cancellation's (`syncedCancellation`: the
  // cart's reason, or none); one left on it (a restart synced before restarts closed it) is not,
  // and would take it for the customer's.
  const next = {
    ...values,
    consecutiveSkips,
    version: existing.version + 1,
    updatedAt: at,
    ...(cancellation !== undefined ? { cancellation } : restarted && existing.cancellation ? { cancellation: null } : {}),
  };
  return {
    row: { ...existing, ...next },
    created: false,
    changed: true,
    write: next,
    resume: resumed ? { before: { ...existing, ...synced }, note: resumed.note } : null,
    canceledNow,
    newCancellation: canceledNow,
    restarted,
    reasonChanged,
  };
}

/**
 * Pure: the history row of a restart by the cart system (a sync set a plan it had cancelled live
 * again: `restarted`), recorded as a `reactivate` change — channel `api`, actor `system`/`sync`,
 * `source.sync` — so the plan's history and the customer's timeline show the comeback the
 * cancellation's `cancel` was followed by. `before` is the canceled row, `after` the restarted one.
 */
export function syncedRestartChange(before: SubscriptionRow, after: SubscriptionRow, at: string) {
  return changeRow(before, after, { type: "reactivate", channel: "api", actor: SYNC_ACTOR, source: { sync: true, previousCancellation: before.cancellation ?? null, canceledAt: before.canceledAt } }, at);
}

/**
 * Pure: the history row of a status a sync changed on a stored plan — live to paused (`pause`),
 * paused to active (`resume`), live to canceled (`cancel`, with the `canceledAt` the cart sent) —
 * channel `api`, actor `system`/`sync`, `source.sync`, as a synced restart is recorded
 * (`recordSyncedRestart`), so the plan's history and the operator's karte say why the plan
 * changed. Null when the status stayed, for a restart (recorded as `reactivate`), and for a synced
 * pause whose date had passed (resumed at once and recorded by plan-changes/auto-resume).
 */
export function syncedStatusChange(existing: SubscriptionRow | undefined, plan: Pick<SubscriptionSyncPlan, "row" | "restarted" | "resume">, at: string) {
  if (!existing || plan.restarted || plan.resume || existing.status === plan.row.status) return null;
  const to = plan.row.status;
  const type = to === "canceled" ? "cancel" : to === "paused" ? "pause" : "resume";
  return changeRow(existing, plan.row, { type, channel: "api", actor: SYNC_ACTOR, source: { sync: true, ...(to === "canceled" ? { canceledAt: plan.row.canceledAt } : {}) } }, at);
}

/** A history row a sync records: `syncedStatusChange`'s or `syncedRestartChange`'s. */
export type SyncedChangeRow = ReturnType<typeof syncedRestartChange>;

/**
 * Pure: the webhook event of a change a sync recorded (`change`, leaving the plan as `after`): the
 * event the same change made in Tsuzuku sends, so a CRM subscribed to the webhooks hears of a
 * pause, resume, cancellation or restart the cart system made — `subscription.changed` for
 * `pause` and `resume`, `subscription.canceled` for `cancel`, `subscription.reactivated` for
 * `reactivate` — with the recorded change (channel `api`, actor `system`/`sync`, `source.sync`),
 * by which the cart that made it recognises its own echo. A cancellation has no cancel flow, receipt
 * or charges (the cart cancelled, under its own terms): its `flowId`, `confirmationNumber` and
 * `receipt` are null (webhooks/events `SyncedCancellation`).
 *
 * A sync sends nothing else: not on creating a plan, nor for the fields it mirrors from the cart
 * (product, price, quantity, interval, dates, deliveries completed). Stripe sends
 * `customer.subscription.updated` for every API-made update because Stripe keeps the subscription;
 * here the cart keeps those fields and Tsuzuku holds a copy, and the events Tsuzuku documents
 * (API.md "Webhooks") each carry a change recorded in the plan's history — a mirrored field is
 * none — so a nightly full sync that moves every plan's `deliveriesCompleted` does not become
 * thousands of events the cart's own systems already know.
 */
export function syncedChangeEvent(tenantId: string, change: SyncedChangeRow, after: SubscriptionRow): QueuedWebhookEvent {
  const data = { subscription: toSubscription(after), change: toChange({ ...change, tenantId }) };
  if (change.type === "cancel") {
    return { type: "subscription.canceled", data: { outcome: "canceled", flowId: null, confirmationNumber: null, receipt: null, canceledAt: after.canceledAt ?? change.createdAt, ...data } };
  }
  return { type: change.type === "reactivate" ? "subscription.reactivated" : "subscription.changed", data };
}

/**
 * Leaves out the rows `syncedStatusChange` writes, for the readers that replay a plan's history as
 * churn signals (risk features, the risk model's samples): a sync's pause was never a pause
 * signal (the sync rescores without one), and its cancellation is known there from the plan's
 * `canceledAt` — the row, dated when the import ran, would count a back-dated cancellation twice.
 * A function: read when a query is built (this module and risk/ import each other).
 */
export function notSyncedStatusChange(): SQL {
  return sql`NOT (${planChanges.type} IN ('pause', 'resume', 'cancel') AND ${planChanges.channel} = 'api' AND json_extract(${planChanges.actor}, '$.type') = ${SYNC_ACTOR.type} AND json_extract(${planChanges.actor}, '$.id') = ${SYNC_ACTOR.id})`;
}

/**
 * Creates or replaces one subscription from the merchant's cart system, inside the caller's
 * transaction (`PUT /v1/subscriptions/{id}`; the bulk `POST /v1/sync` calls the same pure steps
 * for a whole batch). Refuses before writing anything: `unknown_customer` (422), `customer_erased`
 * (409: the customer named, or the one the subscription is stored under, was erased;
 * data-rights/erased), `version_conflict` (412, when `ifMatch` names another version),
 * `changed_after_export` (409, with `exportedAt`: it would overwrite a change made in Tsuzuku after
 * the export; sync/after-export). Keeps the subscription's risk row current;
 * a plan it cancels closes the cancel flows left open on it (cancel-flows/closed-by-cancellation).
 */
export async function syncSubscription(
  s: TenantStore,
  subscriptionId: string,
  b: z.output<typeof UpsertSubscriptionBody>,
  ctx: { now: Date; settings: TenantSettings; exportedAt?: string },
  ifMatch?: string,
): Promise<SyncOutcome<SubscriptionRow>> {
  const { now, settings } = ctx;
  const at = now.toISOString();
  const customer = await findCustomer(s, b.customerId);
  if (!customer) throw unknownCustomer(b.customerId);
  refuseErased(customer);
  // The subscription with its risk state in one read: the risk refresh below reuses both.
  const found = await findWithRiskState(s, subscriptionId);
  const existing = found?.row;
  // An erased person's plan stays theirs: not moved to another customer (say, a new one under their old id).
  if (existing && existing.customerId !== b.customerId) refuseErased(await findCustomer(s, existing.customerId), "path.subscriptionId");
  checkIfMatch(ifMatch, existing?.version);
  const plan = planSubscriptionSync(s.tenantId, subscriptionId, b, existing, { ...ctx, reasons: await reasonsFor(s, [b]) });
  if (!plan.write) return plan;
  // Changed in Tsuzuku after the export the cart read it from: not overwritten (the bulk sync's rule).
  if (ctx.exportedAt && existing) {
    const since = (await changedAfterExport(s, [subscriptionId], ctx.exportedAt)).get(subscriptionId);
    const stale = staleSubscriptionRefusal(subscriptionId, { stored: true, writes: true }, since, ctx.exportedAt, settings.timeZone);
    if (stale) throw refusalError(stale);
  }
  // Only the columns that moved: SQLite rewrites the index entries of every column named (platform/tenancy preparedUpdates).
  // No count is read: on a libSQL server the write travels with the next statement (s.later).
  if (plan.created) await s.later(INSERT_SUBSCRIPTION, plan.row);
  else await s.later(updateSynced(changedKeys(existing!, plan.row, SUBSCRIPTION_SYNCED)), { ...plan.row, "where.id": subscriptionId });
  if (plan.resume) await recordAutoResume(s, plan.resume.before, plan.row, plan.resume.note, now);
  // A status the sync changed, and a restart: in the plan's history, and its webhook in the outbox.
  const recorded = plan.restarted ? syncedRestartChange(existing!, plan.row, at) : syncedStatusChange(existing, plan, at);
  if (recorded) {
    await s.insert(planChanges, recorded);
    await enqueueWebhookEvents(s, [syncedChangeEvent(s.tenantId, recorded, plan.row)], now, found?.endpoints);
  }
  // A restart counts in the plan's history of reactivations (risk/features), as the API's does.
  const signal = plan.restarted ? ("reactivated" as const) : undefined;
  if (plan.created || !found) await refreshRisk(s, subscriptionId, at, signal, { person: true, customer });
  else await refreshRisk(s, subscriptionId, at, signal, { person: true, customer, known: { sub: plan.row, risk: found.risk, timeZone: settings.timeZone, endpoints: found.endpoints } });
  if (plan.canceledNow) {
    await refreshPersonRisk(s, subscriptionId, b.customerId, at);
    await closeFlowsOnCancellation(s, [subscriptionId], now, { channel: "api", actor: SYNC_ACTOR, changeId: null, confirmationNumber: null });
  }
  if (plan.newCancellation) await recordSyncedCancellations(s, [plan.row], now, settings);
  if (plan.reasonChanged) await recordSyncedReasons(s, [plan.row]);
  // The customer came back through the cart system: win-back records it as the API's reactivation does.
  if (plan.restarted) await recordReactivations(s, [plan.row], at, localDate(now, settings.timeZone));
  // Or through a new plan of a product they cancelled.
  if (plan.created) await recordNewPlanReturns(s, [plan.row], at);
  return plan;
}
