import type { z } from "@hono/zod-openapi";
import { SUBSCRIPTION_EXAMPLE } from "../subscriptions/schemas";
import { apiRoute, checksItemsApart, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse } from "../platform/openapi";
import { BulkSyncBody, BulkSyncResponse, MAX_SYNC_BODY_BYTES, MAX_SYNC_ITEMS, SyncCustomer, SyncSubscription } from "./schemas";
import { rememberWithin } from "../platform/idempotency";
import { errorLanguage } from "../platform/language";
import type { TenantStore } from "../platform/tenancy";
import { syncBatch } from "./service";
import { refuseExportAhead } from "./after-export";

const router = domainRouter();
// The items are validated one by one (a bad item is refused alone), so the body schema holds them
// as unknown and names their schemas for the document.
router.openAPIRegistry.register("SyncCustomer", SyncCustomer);
router.openAPIRegistry.register("SyncSubscription", SyncSubscription);

// Each item is checked on its own, control characters included: one bad item is refused alone.
checksItemsApart("POST /v1/sync", ["customers", "subscriptions"]);

export const syncRouter = router.openapi(
  apiRoute({
    method: "post",
    path: "/v1/sync",
    operationId: "bulkSync",
    tags: ["Customers"],
    scope: "write",
    maxBodyBytes: MAX_SYNC_BODY_BYTES,
    summary: "Sync many customers and subscriptions at once",
    description: `One to ${MAX_SYNC_ITEMS} customers and subscriptions together — the two arrays' lengths added up; more, or none at all (a job with nothing to send sends no request), is a 422 \`validation_failed\` — in a body of up to ${MAX_SYNC_BODY_BYTES / 1024 / 1024} MiB (more is a 413 \`payload_too_large\`), applied as the single-item \`PUT\`s would apply them: customers first, then subscriptions, so a batch may bring a customer and their subscriptions together. Every item gets its own result, in order (a refused item's \`error.detail\` and validation messages in the language of \`Accept-Language\`, ja or en, default en, as in a problem); a refused item changes nothing and does not fail the others (a plan the customer cancelled through a cancel flow synced active or paused is refused with 409 \`subscription_canceled\`, as the \`PUT\` refuses it). With \`exportedAt\`, the time the cart system exported what it sends, an item that would overwrite a subscription changed in Tsuzuku after it (by anything but a sync) is refused with 409 \`changed_after_export\`, so a stale or repeated export cannot undo a pause, a restart or any other change made since; without it, nothing is refused for that. A status a sync changes (paused, resumed, cancelled, restarted) is recorded in the plan's changes (channel \`api\`, actor \`system\`/\`sync\`, \`source.sync\`) and sends the webhook the same change made in Tsuzuku sends — \`subscription.changed\` (pause, resume), \`subscription.canceled\`, \`subscription.reactivated\` — from the batch's own transaction; the cart recognises its own echo by \`change.source.sync\`. Creating a plan or updating its other fields sends none. The applied items of one request are committed together. Retrying with the same \`Idempotency-Key\` replays the answer — unless an item was refused because its customer was not synced yet (\`unknown_customer\`): that answer is not remembered, so the same batch sent again once the customer is synced runs; resending the items is safe too (they are upserts by id).`,
    request: {
      headers: IdempotencyHeaders,
      body: jsonBody(BulkSyncBody, {
        customers: [{ id: "C-100245", name: "佐藤 花子", email: "hanako.sato@example.jp", phone: "090-1234-5678" }],
        subscriptions: [
          { id: "S-2024-000981", ...SUBSCRIPTION_EXAMPLE },
        ],
      }),
    },
    responses: { 200: jsonResponse(BulkSyncResponse, "Per-item results") },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const now = c.get("services").now();
    refuseExportAhead(body.exportedAt, now);
    // The answer is recorded for an Idempotency-Key in the batch's own transaction: a crash cannot
    // fall between the upserts and their record.
    const last = (s: TenantStore, answer: z.infer<typeof BulkSyncResponse>) =>
      rememberWithin(c, s, { status: 200, json: answer, refusals: answer.results.flatMap((r) => (r.result === "refused" && r.error ? [r.error.code] : [])) });
    return c.json(await syncBatch(c.get("store"), body, { now, settings: c.get("caller").settings, exportedAt: body.exportedAt, lang: errorLanguage(c), last }), 200);
  },
);
