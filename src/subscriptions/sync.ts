import type { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { findCustomer } from "../customers/repository";
import { subscriptions } from "../db/schema";
import { ApiError } from "../platform/errors";
import type { TenantStore } from "../platform/tenancy";
import { checkIfMatch } from "../platform/versioning";
import { localDate } from "../platform/dates";
import { recordAutoResume } from "../plan-changes/auto-resume";
import { autoResume, skipRunAfterSync } from "../plan-changes/rules";
import type { TenantSettings } from "../settings/schemas";
import { findWithRiskState, refreshPersonRisk, refreshRisk } from "../risk/maintain";
import type { SubscriptionRow } from "./repository";
import type { UpsertSubscriptionBody } from "./schemas";

/** Fields a sync may change; `version` moves only when one of them really changes. */
const SYNCED: (keyof SubscriptionRow)[] = [
  "customerId", "productSku", "productName", "productCategory", "productUnitsPerPackage", "productUnitLabel", "quantity", "intervalDays", "nextDeliveryOn",
  "unitPriceAmount", "currency", "status", "startedAt", "deliveriesCompleted", "commitmentMinDeliveries",
  "commitmentFeeAmount", "commitmentFeeCurrency", "pausedUntil", "canceledAt",
];

export type SyncOutcome<T> = { row: T; created: boolean; changed: boolean };

/**
 * Creates or replaces one subscription from the merchant's cart system, inside the caller's
 * transaction (`PUT /v1/subscriptions/{id}`, the bulk `POST /v1/sync` and `npm run import` all
 * come here). Refuses before writing anything: `unknown_customer` (404), `version_conflict` (412,
 * when `ifMatch` names another version). Keeps the subscription's risk row current.
 */
export async function syncSubscription(
  s: TenantStore,
  subscriptionId: string,
  b: z.output<typeof UpsertSubscriptionBody>,
  ctx: { now: Date; settings: TenantSettings },
  ifMatch?: string,
): Promise<SyncOutcome<SubscriptionRow>> {
  const { now, settings } = ctx;
  const at = now.toISOString();
  const customer = await findCustomer(s, b.customerId);
  if (!customer) {
    throw new ApiError("unknown_customer", `No customer ${b.customerId}; sync the customer first.`, {
      errors: [{ path: "customerId", message: `Unknown customer ${b.customerId}` }],
    });
  }
  // The subscription with its risk state in one read: the risk refresh below reuses both.
  const found = await findWithRiskState(s, subscriptionId);
  const existing = found?.row;
  checkIfMatch(ifMatch, existing?.version);
  const values = {
    customerId: b.customerId,
    productSku: b.product.sku,
    productName: b.product.name,
    productCategory: b.product.category ?? null,
    productUnitsPerPackage: b.product.unitsPerPackage ?? null,
    productUnitLabel: b.product.unitLabel ?? null,
    quantity: b.quantity,
    intervalDays: b.intervalDays,
    nextDeliveryOn: b.status === "canceled" ? null : (b.nextDeliveryOn ?? null),
    unitPriceAmount: b.unitPrice.amount,
    currency: b.unitPrice.currency,
    status: b.status,
    startedAt: b.startedAt,
    deliveriesCompleted: b.deliveriesCompleted,
    commitmentMinDeliveries: b.commitment?.minDeliveries ?? null,
    commitmentFeeAmount: b.commitment?.earlyCancellationFee?.amount ?? null,
    commitmentFeeCurrency: b.commitment?.earlyCancellationFee?.currency ?? null,
    pausedUntil: b.status === "paused" ? (b.pausedUntil ?? null) : null,
    canceledAt: b.status === "canceled" ? (b.canceledAt ?? existing?.canceledAt ?? at) : null,
  } satisfies Partial<SubscriptionRow>;
  // A pause whose date has already passed is resumed now, as the maintenance job would
  // (never with a first delivery before today + the cut-off), and recorded as such.
  const synced = { ...values };
  const resumed =
    values.status === "paused"
      ? autoResume({ ...values, consecutiveSkips: existing?.consecutiveSkips ?? 0 }, localDate(now, settings.timeZone), settings)
      : null;
  if (resumed) Object.assign(values, { status: "active", pausedUntil: null, nextDeliveryOn: resumed.plan.nextDeliveryOn });
  const recordResume = (before: SubscriptionRow, after: SubscriptionRow) =>
    resumed ? recordAutoResume(s, { ...before, ...synced }, after, resumed.note, now) : undefined;
  if (!existing) {
    const row = { ...values, id: subscriptionId, version: 1, consecutiveSkips: 0, createdAt: at, updatedAt: at, activeDiscount: null, cancellation: null };
    await s.insert(subscriptions, row);
    await recordResume({ ...row, tenantId: s.tenantId }, { ...row, tenantId: s.tenantId });
    await refreshRisk(s, subscriptionId, at, undefined, { person: true, customer });
    return { row: { ...row, tenantId: s.tenantId }, created: true, changed: true };
  }
  const changed = SYNCED.some((k) => existing[k] !== (values as Record<string, unknown>)[k]);
  if (!changed) return { row: existing, created: false, changed: false };
  // A sync that reports a delivery shipped ends the run of consecutive skips.
  const consecutiveSkips = skipRunAfterSync(existing.consecutiveSkips, existing.deliveriesCompleted, values.deliveriesCompleted);
  const next = { ...values, consecutiveSkips, version: existing.version + 1, updatedAt: at };
  await s.update(subscriptions, next, eq(subscriptions.id, subscriptionId));
  await recordResume(existing, { ...existing, ...next });
  await refreshRisk(s, subscriptionId, at, undefined, { person: true, customer, known: { sub: { ...existing, ...next }, risk: found.risk, timeZone: settings.timeZone } });
  if (existing.status !== "canceled" && values.status === "canceled") await refreshPersonRisk(s, subscriptionId, b.customerId, at);
  return { row: { ...existing, ...next }, created: false, changed: true };
}
