import { asc, eq, gt } from "drizzle-orm";
import { subscriptions } from "../db/schema";
import { findCustomer, getCustomer } from "../customers/repository";
import { CustomerIdParam } from "../customers/schemas";
import { ApiError } from "../platform/errors";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, page, PageQuery } from "../platform/openapi";
import { decodeCursor, toPage } from "../platform/pagination";
import { refreshPersonRisk, refreshRisk } from "../risk/maintain";
import { checkIfMatch, etag, IfMatchHeaders } from "../platform/versioning";
import { findSubscription, getSubscription, toSubscription, type SubscriptionRow } from "./repository";
import { Subscription, SubscriptionIdParam, UpsertSubscriptionBody } from "./schemas";

const tags = ["Subscriptions"];

/** Fields a sync may change; `version` moves only when one of them really changes. */
const SYNCED: (keyof SubscriptionRow)[] = [
  "customerId", "productSku", "productName", "productCategory", "quantity", "intervalDays", "nextDeliveryOn",
  "unitPriceAmount", "currency", "status", "startedAt", "deliveriesCompleted", "commitmentMinDeliveries",
  "commitmentFeeAmount", "commitmentFeeCurrency", "pausedUntil", "canceledAt",
];

export const subscriptionsRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/subscriptions/{subscriptionId}",
      operationId: "upsertSubscription",
      tags,
      scope: "write",
      summary: "Create or replace a subscription",
      description:
        "Syncs a 定期 subscription from the merchant's cart system. The customer must exist. Send `If-Match` with the version you last read to refuse the write if Tsuzuku changed it meanwhile. Answers 201 when new, 200 otherwise.",
      request: {
        params: SubscriptionIdParam,
        headers: IdempotencyHeaders.merge(IfMatchHeaders),
        body: jsonBody(UpsertSubscriptionBody, {
          customerId: "C-100245",
          product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" },
          quantity: 1,
          intervalDays: 30,
          nextDeliveryOn: "2026-12-05",
          unitPrice: { amount: 3980, currency: "JPY" },
          status: "active",
          startedAt: "2026-05-01T01:00:00Z",
          deliveriesCompleted: 6,
          commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } },
        }),
      },
      errors: ["unknown_customer", "version_conflict"],
      responses: {
        200: jsonResponse(Subscription, "The updated subscription"),
        201: jsonResponse(Subscription, "The new subscription"),
      },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const { "if-match": ifMatch } = c.req.valid("header");
      const b = c.req.valid("json");
      const at = c.get("services").now().toISOString();
      const { row, created } = await c.get("store").write(async (s) => {
        if (!(await findCustomer(s, b.customerId))) {
          throw new ApiError("unknown_customer", `No customer ${b.customerId}; sync the customer first.`, {
            errors: [{ path: "customerId", message: `Unknown customer ${b.customerId}` }],
          });
        }
        const existing = await findSubscription(s, subscriptionId);
        checkIfMatch(ifMatch, existing?.version);
        const values = {
          customerId: b.customerId,
          productSku: b.product.sku,
          productName: b.product.name,
          productCategory: b.product.category ?? null,
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
        if (!existing) {
          const row = { ...values, id: subscriptionId, version: 1, consecutiveSkips: 0, createdAt: at, updatedAt: at, activeDiscount: null, cancellation: null };
          await s.insert(subscriptions, row);
          await refreshRisk(s, subscriptionId, at, undefined, { person: true });
          return { row: { ...row, tenantId: s.tenantId }, created: true };
        }
        const changed = SYNCED.some((k) => existing[k] !== (values as Record<string, unknown>)[k]);
        if (!changed) return { row: existing, created: false };
        const next = { ...values, version: existing.version + 1, updatedAt: at };
        await s.update(subscriptions, next, eq(subscriptions.id, subscriptionId));
        await refreshRisk(s, subscriptionId, at, undefined, { person: true });
        if (existing.status !== "canceled" && values.status === "canceled") await refreshPersonRisk(s, subscriptionId, b.customerId, at);
        return { row: { ...existing, ...next }, created: false };
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
      responses: { 200: jsonResponse(Subscription, "The subscription") },
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
      const after = decodeCursor(cursor);
      const store = c.get("store");
      await getCustomer(store, customerId);
      const rows = await store.q
        .select()
        .from(subscriptions)
        .where(store.owns(subscriptions, eq(subscriptions.customerId, customerId), after ? gt(subscriptions.id, String(after[0])) : undefined))
        .orderBy(asc(subscriptions.id))
        .limit(limit + 1);
      const p = toPage(rows, limit, (r) => [r.id]);
      return c.json({ data: p.data.map(toSubscription), nextCursor: p.nextCursor }, 200);
    },
  );
