import { asc, eq, gt } from "drizzle-orm";
import { subscriptions } from "../db/schema";
import { getCustomer } from "../customers/repository";
import { CustomerIdParam } from "../customers/schemas";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, page, PageQuery, sameIdAsPath } from "../platform/openapi";
import { MEMBERS } from "../platform/errors";
import { rememberWithin } from "../platform/idempotency";
import { cursorList, decodeCursor, toPage } from "../platform/pagination";

/** A customer's subscriptions, in id order: the last one's id, for that customer (platform/pagination). */
const SUBSCRIPTIONS_CURSOR = cursorList("sub", ["id"]);
import { etag, IfMatchHeaders } from "../platform/versioning";
import { getSubscription, toSubscription } from "./repository";
import { Subscription, SubscriptionIdParam, SUBSCRIPTION_EXAMPLE, UpsertSubscriptionBody } from "./schemas";
import { syncSubscription } from "./sync";
import { refuseExportAhead } from "../sync/after-export";

const tags = ["Subscriptions"];


export const subscriptionsRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/subscriptions/{subscriptionId}",
      operationId: "upsertSubscription",
      tags,
      scope: "write",
      // The sync records its answer in its own write (below), which claims the key too.
      claimsKeyInWrite: true,
      summary: "Create or replace a subscription",
      description:
        "Syncs a 定期 subscription from the merchant's cart system. The customer must exist and not be erased, nor may an erased customer's subscription be synced (moved to another customer included): 409 `customer_erased`. A plan the customer cancelled through a cancel flow (its `cancellation` carries a `confirmationNumber`) is not made active or paused again by a sync: 409 `subscription_canceled`, naming the date and the receipt number — only the customer restarts it, through `POST /v1/subscriptions/{subscriptionId}/reactivate`; synced with `status: canceled`, its other fields still update. A plan the cart cancelled itself may be synced live again: that is recorded as a `reactivate` change (channel `api`, `source.sync`) and closes its `cancellation` summary. Any other status the sync changes is recorded too, in `GET /v1/subscriptions/{subscriptionId}/changes` and the customer's timeline: `pause` (made paused), `resume` (a paused plan made active), `cancel` (with the `canceledAt` sent as `source.canceledAt`) — channel `api`, actor `system`/`sync`, `source.sync`. A cancellation may carry the cart's reason (`cancellationReason`, one of the shop's codes; another → 422 `unknown_reason`): it is the `cancellation.reason` and the win-back record's. Send `If-Match` with the version you last read to refuse the write if Tsuzuku changed it meanwhile; a cart syncing from an export, which knows no version, sends `exportedAt` (the export's time), as `POST /v1/sync` takes it: a plan changed in Tsuzuku after it (by anything but a sync) is not overwritten — 409 `changed_after_export`, its `change` naming what changed and when — so a stale export cannot undo a pause, a restart or any other change made since. A pause, resume, cancellation or restart the sync makes sends the webhook the same change made in Tsuzuku sends (`subscription.changed`, `subscription.canceled`, `subscription.reactivated`), its `change.source.sync` telling the cart its own echo. Answers 201 when new, 200 otherwise.",
      request: {
        params: SubscriptionIdParam,
        headers: IdempotencyHeaders.merge(IfMatchHeaders),
        body: jsonBody(UpsertSubscriptionBody, SUBSCRIPTION_EXAMPLE),
      },
      errors: ["unknown_customer", "unknown_reason", "customer_erased", "subscription_canceled", "changed_after_export", "version_conflict"],
      members: { subscription_canceled: { confirmationNumber: MEMBERS.confirmationNumber.example } },
      responses: {
        200: jsonResponse(Subscription, "The updated subscription", ["ETag"]),
        201: jsonResponse(Subscription, "The new subscription", ["ETag"]),
      },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const { "if-match": ifMatch } = c.req.valid("header");
      const b = c.req.valid("json");
      sameIdAsPath(b.id, subscriptionId);
      const now = c.get("services").now();
      refuseExportAhead(b.exportedAt, now);
      const ctx = { now, settings: c.get("caller").settings, exportedAt: b.exportedAt };
      const { row, created } = await c.get("store").write(async (s) => {
        const synced = await syncSubscription(s, subscriptionId, b, ctx, ifMatch);
        // An Idempotency-Key's answer is recorded with the sync, in its transaction.
        await rememberWithin(c, s, { status: synced.created ? 201 : 200, json: toSubscription(synced.row), headers: { etag: etag(synced.row.version) } });
        return synced;
      });
      c.header("ETag", etag(row.version));
      return c.json(toSubscription(row), created ? 201 : 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/subscriptions/{subscriptionId}",
      operationId: "getSubscription",
      customer: true,
      tags,
      scope: "read",
      summary: "Get a subscription",
      description: "With its `version` (also sent as `ETag`), pause, discount and cancellation state.",
      request: { params: SubscriptionIdParam },
      errors: ["subscription_not_found"],
      responses: { 200: jsonResponse(Subscription, "The subscription", ["ETag"]) },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const row = await getSubscription(c.get("store"), subscriptionId);
      c.header("ETag", etag(row.version));
      return c.json(toSubscription(row), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/customers/{customerId}/subscriptions",
      operationId: "listCustomerSubscriptions",
      customer: true,
      tags,
      scope: "read",
      summary: "List a customer's subscriptions",
      description: "Ordered by subscription id.",
      request: { params: CustomerIdParam, query: PageQuery },
      errors: ["customer_not_found"],
      responses: { 200: jsonResponse(page(Subscription), "A page of subscriptions") },
    }),
    async (c) => {
      const { customerId } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      const after = decodeCursor(cursor, SUBSCRIPTIONS_CURSOR, [customerId]);
      const store = c.get("store");
      await getCustomer(store, customerId);
      const rows = await store.q
        .select()
        .from(subscriptions)
        .where(store.owns(subscriptions, eq(subscriptions.customerId, customerId), after ? gt(subscriptions.id, String(after[0])) : undefined))
        .orderBy(asc(subscriptions.id))
        .limit(limit + 1);
      const p = toPage(rows, limit, SUBSCRIPTIONS_CURSOR, (r) => [r.id], [customerId]);
      return c.json({ data: p.data.map(toSubscription), nextCursor: p.nextCursor }, 200);
    },
  );
