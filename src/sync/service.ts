import type { z } from "@hono/zod-openapi";
import { syncCustomer } from "../customers/sync";
import { ApiError, ERROR_STATUS, fieldErrors, type ErrorCode, type FieldError } from "../platform/errors";
import type { TenantStore } from "../platform/tenancy";
import type { TenantSettings } from "../settings/schemas";
import { syncSubscription } from "../subscriptions/sync";
import { SyncCustomer, SyncSubscription, type BulkSyncResponse, type SyncItemResult } from "./schemas";

type Result = z.infer<typeof SyncItemResult>;
const DRY_RUN = Symbol("dry run");

/**
 * Applies a batch of customers, then subscriptions, in ONE transaction: every accepted item is
 * committed together or, if the database fails halfway, none is. Each item is validated and
 * applied exactly as its single-item `PUT` would (the same functions), and an item that `PUT`
 * would refuse is refused alone, before anything of it is written, without failing the others.
 * A subscription whose customer is refused in the same batch is `not_processed`.
 */
export async function syncBatch(
  store: TenantStore,
  batch: { customers?: unknown[]; subscriptions?: unknown[] },
  ctx: { now: Date; settings: TenantSettings; dryRun?: boolean },
): Promise<z.infer<typeof BulkSyncResponse>> {
  const at = ctx.now.toISOString();
  const results: Result[] = [];
  const refusedCustomers = new Set<string>();
  const idOf = (item: unknown) => (typeof (item as { id?: unknown })?.id === "string" ? (item as { id: string }).id : null);
  const refuse = (kind: Result["kind"], index: number, id: string | null, code: ErrorCode, detail: string, errors?: FieldError[]): Result => ({
    kind,
    index,
    id,
    result: "refused",
    status: ERROR_STATUS[code],
    error: { code, detail, ...(errors ? { errors } : {}) },
  });
  const refused = (kind: Result["kind"], index: number, id: string, e: unknown) => {
    if (!(e instanceof ApiError)) throw e; // the database failed: the whole batch rolls back
    return refuse(kind, index, id, e.code, e.message, e.extra.errors);
  };

  const apply = store.write(async (s) => {
    for (const [index, item] of (batch.customers ?? []).entries()) {
      const parsed = SyncCustomer.safeParse(item);
      if (!parsed.success) {
        const id = idOf(item);
        if (id) refusedCustomers.add(id);
        results.push(refuse("customer", index, id, "validation_failed", "The customer is not valid.", fieldErrors(parsed.error.issues, `customers.${index}`)));
        continue;
      }
      const { id, ...body } = parsed.data;
      try {
        const { created } = await syncCustomer(s, id, body, at);
        results.push({ kind: "customer", index, id, result: "applied", status: created ? 201 : 200, changed: true });
      } catch (e) {
        results.push(refused("customer", index, id, e));
        refusedCustomers.add(id);
      }
    }
    for (const [index, item] of (batch.subscriptions ?? []).entries()) {
      const parsed = SyncSubscription.safeParse(item);
      if (!parsed.success) {
        results.push(refuse("subscription", index, idOf(item), "validation_failed", "The subscription is not valid.", fieldErrors(parsed.error.issues, `subscriptions.${index}`)));
        continue;
      }
      const { id, ...body } = parsed.data;
      if (refusedCustomers.has(body.customerId)) {
        results.push({
          kind: "subscription",
          index,
          id,
          result: "not_processed",
          status: 424,
          error: { code: "unknown_customer", detail: `Its customer ${body.customerId} was refused in this request; send both again once the customer is fixed.` },
        });
        continue;
      }
      try {
        const { created, changed } = await syncSubscription(s, id, body, ctx);
        results.push({ kind: "subscription", index, id, result: "applied", status: created ? 201 : 200, changed });
      } catch (e) {
        results.push(refused("subscription", index, id, e));
      }
    }
    // A dry run does all of it, then rolls back: what it reports is exactly what a run would do.
    if (ctx.dryRun) throw DRY_RUN;
  });
  await apply.catch((e) => {
    if (e !== DRY_RUN) throw e;
  });
  const count = (r: Result["result"]) => results.filter((x) => x.result === r).length;
  return { applied: count("applied"), refused: count("refused"), notProcessed: count("not_processed"), results };
}
