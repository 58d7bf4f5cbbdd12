import { subscriptions, type CancellationRecord } from "../db/schema";
import { ApiError } from "../platform/errors";
import { preparedFind, type TenantStore } from "../platform/tenancy";

export type SubscriptionRow = typeof subscriptions.$inferSelect;

/** The subscription's product as answers write it (`Product`): what names it and what its `quantity` counts. */
export const productOf = (row: { productSku: string; productName: string; productCategory?: string | null; productUnitsPerPackage?: number | null; productUnitLabel?: string | null }) => ({
  sku: row.productSku,
  name: row.productName,
  category: row.productCategory ?? null,
  unitsPerPackage: row.productUnitsPerPackage ?? null,
  unitLabel: row.productUnitLabel ?? null,
});

/**
 * A cancellation record as answers write it (`CancellationSummary`): every member the contract
 * requires, null where the record has none (cancellations stored before a member was kept, the
 * demo's history); `stoppedDeliveryOn` and `earlyCancellationFee` only where recorded. The
 * subscription's `cancellation` and a `reactivate` change's `source.previousCancellation` alike.
 */
export function toCancellationSummary(x: CancellationRecord) {
  return {
    flowId: x.flowId ?? null,
    reason: x.reason ?? null,
    channel: x.channel ?? null,
    effectiveOn: x.effectiveOn ?? null,
    finalDeliveryOn: x.finalDeliveryOn ?? null,
    confirmationNumber: x.confirmationNumber ?? null,
    // Recorded since cancellations kept them: absent on older ones, as the schema says.
    ...(x.stoppedDeliveryOn !== undefined ? { stoppedDeliveryOn: x.stoppedDeliveryOn } : {}),
    ...(x.earlyCancellationFee !== undefined ? { earlyCancellationFee: x.earlyCancellationFee } : {}),
  };
}

export function toSubscription(row: SubscriptionRow) {
  const d = row.activeDiscount;
  const x = row.cancellation;
  return {
    id: row.id,
    customerId: row.customerId,
    product: productOf(row),
    quantity: row.quantity,
    intervalDays: row.intervalDays,
    intervalMonths: row.intervalMonths,
    deliveryDay: row.intervalMonths === null ? null : row.deliveryDay,
    nextDeliveryOn: row.nextDeliveryOn,
    unitPrice: { amount: row.unitPriceAmount, currency: row.currency },
    status: row.status,
    startedAt: row.startedAt,
    deliveriesCompleted: row.deliveriesCompleted,
    commitment:
      row.commitmentMinDeliveries === null
        ? null
        : {
            minDeliveries: row.commitmentMinDeliveries,
            earlyCancellationFee:
              row.commitmentFeeAmount === null ? null : { amount: row.commitmentFeeAmount, currency: row.commitmentFeeCurrency ?? row.currency },
          },
    version: row.version,
    pausedUntil: row.pausedUntil,
    activeDiscount: d
      ? { percentOff: d.percentOff ?? null, amountOff: d.amountOff ?? null, endsOn: d.endsOn ?? null, offerId: d.offerId ?? null, ...(d.startsOn ? { startsOn: d.startsOn } : {}) }
      : null,
    canceledAt: row.canceledAt,
    cancellation: x ? toCancellationSummary(x) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const BY_ID = preparedFind(subscriptions, ["id"]);

export function findSubscription(store: TenantStore, id: string) {
  return store.findWith(subscriptions, BY_ID, { id });
}

export async function getSubscription(store: TenantStore, id: string): Promise<SubscriptionRow> {
  const row = await findSubscription(store, id);
  if (!row) throw new ApiError("subscription_not_found", { en: `No subscription ${id}.`, ja: `定期コース ${id} は見つかりません。` });
  return row;
}
