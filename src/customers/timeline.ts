import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { toChangeSource } from "../plan-changes/apply";
import { ChangeSource, PlanSnapshot } from "../plan-changes/schemas";
import { ActorSchema, apiRoute, domainRouter, Instant, jsonResponse, openObject, page, PageQuery } from "../platform/openapi";
import { cursorList, decodeCursor, toPage } from "../platform/pagination";
import type { TenantStore } from "../platform/tenancy";
import { getCustomer } from "./repository";
import { CustomerIdParam } from "./schemas";

const itemFields = {
  at: Instant.openapi({ description: "When it happened: an event's `occurredAt`, a change's time, a cancel flow's start." }),
  id: z.string(),
  type: z.string().openapi({ description: "Event type (`delivery.completed`, `contact.logged`, `survey.answered`, …), change type (`skip`, `interval`, `cancel`, …) or the cancel flow's status.", example: "contact.logged" }),
  subscriptionId: z.string().nullable(),
  channel: z.string().nullable(),
  actor: ActorSchema.nullable().openapi({
    description:
      "Who did it: a change's actor; a cancel flow's, who took its latest step (the operator who confirmed a flow the customer started on the web, say); a contact the console logged, its operator (`data.operator`). null for the other events (the shop's systems sent them) and for records from before actors were kept.",
  }),
};
/** The item as the code builds it; the document gives each kind's `data` its own shape (below). */
const Item = z.object({ ...itemFields, kind: z.enum(["event", "change", "cancel_flow"]), data: z.record(z.string(), z.unknown()) });

export const TimelineItem = z
  .union([
    z.object({ ...itemFields, kind: z.literal("event"), data: openObject("The event's `data` as it was sent (`POST /v1/events`), kept as is.") }),
    z.object({
      ...itemFields,
      kind: z.literal("change"),
      data: z.object({ before: PlanSnapshot, after: PlanSnapshot, source: ChangeSource.nullable() }).openapi({ description: "The plan before and after, and what led to the change (as the change's history entry)." }),
    }),
    z.object({
      ...itemFields,
      kind: z.literal("cancel_flow"),
      data: z
        .object({
          reason: z.string().nullable().openapi({ description: "The reason code given (null: none yet)." }),
          offerId: z.string().nullable().openapi({ description: "The first offer shown (null: none)." }),
          closedAt: Instant.nullable(),
          confirmationNumber: z.string().nullable().openapi({ description: "The cancellation's receipt number, when it was confirmed." }),
          supersededBy: z
            .string()
            .nullable()
            .openapi({ description: "The flow that replaced this one while it was open (a reload, a restart in the console, taken over by phone): the customer's attempt went on there, so an `abandoned` flow with it set was restarted, not left. null otherwise." }),
          acceptedOffer: z
            .object({ offerId: z.string(), title: z.object({ ja: z.string(), en: z.string() }) })
            .nullable()
            .openapi({ description: "A flow saved by taking an offer: that offer, with its title as it was shown. null otherwise (a save by the customer's own plan change included)." }),
        })
        .openapi({ description: "The flow's reason, offer and outcome." }),
    }),
  ])
  .openapi("TimelineItem", { description: "One thing that happened; `kind` decides the shape of `data`." }) as unknown as typeof Item;

type Item = z.infer<typeof Item>;
type Actor = z.infer<typeof ActorSchema>;

/** An actor as the API answers it: no null members (a contact's operator sent without an id has none). */
function actorOf(a: Actor & { id?: string | null; name?: string | null }): Actor {
  return { type: a.type, ...(typeof a.id === "string" ? { id: a.id } : {}), ...(typeof a.name === "string" ? { name: a.name } : {}) };
}

/** An item's `data`; a change's `source` as its history entry writes it (plan-changes/apply toChangeSource). */
function dataOf(kind: string, data: Record<string, unknown>): Record<string, unknown> {
  if (kind !== "change" || !data.source || typeof data.source !== "object") return data;
  return { ...data, source: toChangeSource(data.source as Record<string, unknown>) };
}

/** The timeline's cursor: `(at, kind, id)` of the last item, for one customer (platform/pagination). */
const TIMELINE_CURSOR = cursorList("tl", ["instant", ["event", "change", "cancel_flow"], "text"]);

/**
 * Everything that happened to a customer, newest first: events (deliveries, payments, contacts,
 * surveys), plan changes of their subscriptions and cancel flows, one keyset page of
 * (at, kind, id) — each part is read from its own customer-ordered index.
 */
export async function customerTimeline(store: TenantStore, customerId: string, limit: number, cursor?: string) {
  const after = decodeCursor(cursor, TIMELINE_CURSOR, [customerId]);
  const tenant = store.tenantId;
  const before = after ? sql`WHERE (at, kind, id) < (${after[0]}, ${after[1]}, ${after[2]})` : sql``;
  const rows = await store.rows(sql`SELECT at, kind, id, type, subscription_id, channel, data, actor FROM (
      SELECT e.occurred_at AS at, 'event' AS kind, e.id, e.type, e.subscription_id, e.data ->> '$.channel' AS channel, e.data,
          CASE WHEN e.type = 'contact.logged' AND e.data ->> '$.operator.name' IS NOT NULL
            THEN json_object('type', 'operator', 'id', e.data ->> '$.operator.id', 'name', e.data ->> '$.operator.name') END AS actor
        FROM events e WHERE e.tenant_id = ${tenant} AND e.customer_id = ${customerId}
      UNION ALL
      SELECT p.created_at, 'change', p.id, p.type, p.subscription_id, p.channel,
          json_object('before', json(p.before), 'after', json(p.after), 'source', json(p.source)), p.actor
        FROM plan_changes p JOIN subscriptions s ON s.tenant_id = p.tenant_id AND s.id = p.subscription_id
        WHERE p.tenant_id = ${tenant} AND s.customer_id = ${customerId}
      UNION ALL
      SELECT f.started_at, 'cancel_flow', f.id, f.status, f.subscription_id, f.channel,
          json_object('reason', f.reason, 'offerId', f.offer_id, 'closedAt', f.closed_at, 'confirmationNumber', f.confirmation_number, 'supersededBy', f.superseded_by,
            'acceptedOffer', (SELECT json_object('offerId', j.value ->> '$.offerId', 'title', json(j.value -> '$.title'))
              FROM json_each(f.offers_shown) j WHERE f.status = 'saved' AND j.value ->> '$.offerId' = f.offer_id LIMIT 1)),
          (SELECT st.actor FROM cancel_flow_steps st WHERE st.tenant_id = f.tenant_id AND st.flow_id = f.id ORDER BY st.seq DESC LIMIT 1)
        FROM cancel_flows f WHERE f.tenant_id = ${tenant} AND f.customer_id = ${customerId}
    ) ${before} ORDER BY at DESC, kind DESC, id DESC LIMIT ${limit + 1}`);
  const items: Item[] = rows.map((r) => ({
    at: String(r.at),
    kind: r.kind as Item["kind"],
    id: String(r.id),
    type: String(r.type),
    subscriptionId: r.subscription_id === null ? null : String(r.subscription_id),
    channel: r.channel === null || r.channel === undefined ? null : String(r.channel),
    data: typeof r.data === "string" ? dataOf(String(r.kind), JSON.parse(r.data) as Record<string, unknown>) : {},
    actor: typeof r.actor === "string" ? actorOf(JSON.parse(r.actor) as Actor) : null,
  }));
  return toPage(items, limit, TIMELINE_CURSOR, (i) => [i.at, i.kind, i.id], [customerId]);
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
