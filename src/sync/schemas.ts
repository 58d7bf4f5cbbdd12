import { z } from "@hono/zod-openapi";
import { SyncWarning, UpsertCustomerBody } from "../customers/schemas";
import { MerchantId } from "../platform/openapi";
import { itemProblemSchema } from "../platform/errors";
import { ExportedAt, requireCadence, UpsertSubscriptionBody } from "../subscriptions/schemas";

/** Items one `POST /v1/sync` may carry, customers and subscriptions together (the sum of both arrays). */
export const MAX_SYNC_ITEMS = 1_000;
/** The bulk sync's own body limit (other requests: 1 MiB). */
export const MAX_SYNC_BODY_BYTES = 4 * 1024 * 1024;

// Own objects with the same fields (not `.extend`, which the document would write as an allOf of a
// closed object and one more member — a shape no validator accepts).
// A single PUT's read-only `id` (the path names the resource) is the item's own id here.
const { id: _customerId, ...customerFields } = UpsertCustomerBody.shape;
// `exportedAt` is the batch's, once for all its items (`BulkSyncBody`).
const { id: _subscriptionId, exportedAt: _exportedAt, ...subscriptionFields } = UpsertSubscriptionBody.shape;
export const SyncCustomer = z.strictObject({ id: MerchantId.openapi({ example: "C-100245" }), ...customerFields }).openapi("SyncCustomer");
export const SyncSubscription = z
  .strictObject({ id: MerchantId.openapi({ example: "S-2024-000981" }), ...subscriptionFields })
  .superRefine(requireCadence, { when: () => true })
  .openapi("SyncSubscription");

// `maxItems` bounds each array; the bound on their sum, which JSON Schema cannot state, is said in words.
const TOGETHER = `At least one and at most ${MAX_SYNC_ITEMS} items in \`customers\` and \`subscriptions\` together: the two lengths added up (none, or more: 422 \`validation_failed\`).`;

export const BulkSyncBody = z
  .strictObject({
    customers: z
      .array(z.unknown())
      .max(MAX_SYNC_ITEMS)
      .optional()
      .openapi({ description: `Customers to create or replace, each as \`PUT /v1/customers/{id}\` takes it plus its \`id\`. ${TOGETHER}`, items: { $ref: "#/components/schemas/SyncCustomer" } }),
    subscriptions: z
      .array(z.unknown())
      .max(MAX_SYNC_ITEMS)
      .optional()
      .openapi({ description: `Subscriptions to create or replace, each as \`PUT /v1/subscriptions/{id}\` takes it plus its \`id\`. ${TOGETHER}`, items: { $ref: "#/components/schemas/SyncSubscription" } }),
    exportedAt: ExportedAt.optional(),
  })
  .refine((b) => (b.customers?.length ?? 0) + (b.subscriptions?.length ?? 0) >= 1, { message: "Send at least one customer or subscription" })
  .refine((b) => (b.customers?.length ?? 0) + (b.subscriptions?.length ?? 0) <= MAX_SYNC_ITEMS, {
    message: `At most ${MAX_SYNC_ITEMS} customers and subscriptions together per request`,
    params: { ja: `顧客と定期コースは合わせて1回に${MAX_SYNC_ITEMS}件までです` },
  })
  .openapi("BulkSync");

/** The codes a synced customer or subscription can be refused with (sync/service `syncBatch`), and what each means for it. */
export const SYNC_ITEM_CODES = {
  validation_failed: "a field is missing, malformed or unknown, holds a control character, contradicts another (a phone number or postal code that is not one, `intervalDays` against `intervalMonths`, `deliveryDay` against `nextDeliveryOn`), or is dated ahead (an instant more than 5 minutes ahead of the server's clock, a plan date more than three years ahead); `errors` names each.",
  unknown_customer: "a subscription's `customerId` names no synced customer; or (424, `not_processed`) its customer was refused in this request.",
  unknown_reason: "a canceled subscription's `cancellationReason` is none of the shop's reasons (`GET /v1/cancellation-reasons`).",
  customer_erased: "the customer, or the customer a subscription is stored under, was erased: their record takes no writes.",
  subscription_canceled: "the customer cancelled the subscription through a cancel flow: a sync does not make it active or paused again (`POST /v1/subscriptions/{subscriptionId}/reactivate` does).",
  changed_after_export: "with `exportedAt`: the item would overwrite a change made in Tsuzuku after the export (`change` names it); nothing of it is written.",
};
export type SyncItemCode = keyof typeof SYNC_ITEM_CODES;
export const SyncItemProblem = itemProblemSchema("SyncItemProblem", SYNC_ITEM_CODES);

export const SyncItemResult = z
  .object({
    kind: z.enum(["customer", "subscription"]),
    index: z.number().int().openapi({ description: "Position in its array (`customers` or `subscriptions`)." }),
    id: z.string().nullable().openapi({ description: "The item's id, or null when it had none." }),
    result: z.enum(["applied", "refused", "not_processed"]).openapi({
      description:
        "`applied`: created or replaced (or already as sent). `refused`: this item is wrong (see `error`); nothing of it was written. `not_processed`: a subscription whose customer, in the same request, was refused.",
    }),
    status: z.number().int().openapi({ description: "What the single-item `PUT` would have answered: 201 created, 200 replaced or unchanged, 4xx refused; 424 not processed." }),
    changed: z.boolean().optional().openapi({ description: "For `applied`: whether anything stored changed." }),
    warnings: z.array(SyncWarning).optional().openapi({ description: "For an `applied` customer: what the sync did not take of it (the rest was applied), e.g. `keep_in_touch_kept`." }),
    error: SyncItemProblem.optional(),
  })
  .openapi("SyncItemResult");

export const BulkSyncResponse = z
  .object({
    applied: z.number().int(),
    refused: z.number().int(),
    notProcessed: z.number().int(),
    results: z.array(SyncItemResult).openapi({ description: "Customers first, then subscriptions, each in the order sent." }),
  })
  .openapi("BulkSyncResult");
