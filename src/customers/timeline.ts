import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { apiRoute, domainRouter, Instant, jsonResponse, page, PageQuery } from "../platform/openapi";
import { decodeCursor, toPage } from "../platform/pagination";
import type { TenantStore } from "../platform/tenancy";
import { getCustomer } from "./repository";
import { CustomerIdParam } from "./schemas";

export const TimelineItem = z
  .object({
    at: Instant.openapi({ description: "When it happened: an event's `occurredAt`, a change's time, a cancel flow's start." }),
    kind: z.enum(["event", "change", "cancel_flow"]),
    id: z.string(),
    type: z.string().openapi({ description: "Event type (`delivery.completed`, `contact.logged`, `survey.answered`, …), change type (`skip`, `interval`, `cancel`, …) or the cancel flow's status.", example: "contact.logged" }),
    subscriptionId: z.string().nullable(),
    channel: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).openapi({ description: "An event's data; a change's before/after/source; a flow's reason, offer, confirmation number." }),
  })
  .openapi("TimelineItem");

type Item = z.infer<typeof TimelineItem>;

/**
 * Everything that happened to a customer, newest first: events (deliveries, payments, contacts,
 * surveys), plan changes of their subscriptions and cancel flows, one keyset page of
 * (at, kind, id) — each part is read from its own customer-ordered index.
 */
export async function customerTimeline(store: TenantStore, customerId: string, limit: number, cursor?: string) {
  const after = decodeCursor(cursor, ["string", "string", "string"]);
  const tenant = store.tenantId;
  const before = after ? sql`WHERE (at, kind, id) < (${after[0]}, ${after[1]}, ${after[2]})` : sql``;
  const rows = await store.rows(sql`SELECT at, kind, id, type, subscription_id, channel, data FROM (
      SELECT e.occurred_at AS at, 'event' AS kind, e.id, e.type, e.subscription_id, e.data ->> '$.channel' AS channel, e.data
        FROM events e WHERE e.tenant_id = ${tenant} AND e.customer_id = ${customerId}
      UNION ALL
      SELECT p.created_at, 'change', p.id, p.type, p.subscription_id, p.channel,
          json_object('before', json(p.before), 'after', json(p.after), 'source', json(p.source))
        FROM plan_changes p JOIN subscriptions s ON s.tenant_id = p.tenant_id AND s.id = p.subscription_id
        WHERE p.tenant_id = ${tenant} AND s.customer_id = ${customerId}
      UNION ALL
      SELECT f.started_at, 'cancel_flow', f.id, f.status, f.subscription_id, f.channel,
          json_object('reason', f.reason, 'offerId', f.offer_id, 'closedAt', f.closed_at, 'confirmationNumber', f.confirmation_number)
        FROM cancel_flows f WHERE f.tenant_id = ${tenant} AND f.customer_id = ${customerId}
    ) ${before} ORDER BY at DESC, kind DESC, id DESC LIMIT ${limit + 1}`);
  const items: Item[] = rows.map((r) => ({
    at: String(r.at),
    kind: r.kind as Item["kind"],
    id: String(r.id),
    type: String(r.type),
    subscriptionId: r.subscription_id === null ? null : String(r.subscription_id),
    channel: r.channel === null || r.channel === undefined ? null : String(r.channel),
    data: typeof r.data === "string" ? (JSON.parse(r.data) as Record<string, unknown>) : {},
  }));
  return toPage(items, limit, (i) => [i.at, i.kind, i.id]);
}

export const timelineRouter = domainRouter().openapi(
  apiRoute({
    method: "get",
    path: "/v1/customers/{customerId}/timeline",
    operationId: "getCustomerTimeline",
    tags: ["Customers"],
    scope: "read",
    summary: "What happened to a customer, newest first",
    description: "Deliveries, payments, contacts and surveys (events), plan changes of every subscription and cancel flows, in one list, newest first — the operator's karte reads it.",
    request: { params: CustomerIdParam, query: PageQuery },
    errors: ["customer_not_found"],
    responses: { 200: jsonResponse(page(TimelineItem).openapi("Timeline"), "One page of the timeline") },
  }),
  async (c) => {
    const { customerId } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    await getCustomer(c.get("store"), customerId);
    return c.json(await customerTimeline(c.get("store"), customerId, limit, cursor), 200);
  },
);
