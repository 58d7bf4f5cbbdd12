import { eq, inArray, ne, sql, type SQL } from "drizzle-orm";
import { webhookDeliveries, webhooks } from "../db/schema";
import { newId } from "../platform/crypto";
import type { TenantStore } from "../platform/tenancy";
import type { WebhookEventData } from "./events";
import type { WebhookEventType } from "./schemas";

/**
 * `next_attempt_at` of a delivery held by its paused endpoint: past every real time, so the due
 * read never finds it again; resuming the endpoint makes it due at once (webhooks/routes). Held,
 * it is not attempted, so its retries' schedule does not run down.
 */
export const HELD = "9999-12-31T23:59:59.999Z";
/** A shop's webhook endpoint as the outbox needs it: which events it wants. */
export type WebhookEndpoint = { id: string; events: string[] };

/**
 * The tenant's endpoints as one JSON value (`[[id, events], …]`), for a write's first read to
 * carry (`tenant` is that read's tenant column): the outbox then needs no statement of its own
 * to know who wants the event. Read back with `endpointsFrom`. The read is in the write's own
 * transaction, so it sees exactly the endpoints the change commits beside.
 */
export function endpointsOf(tenant: SQL): SQL {
  return sql`(SELECT json_group_array(json_array(w.id, json(w.events))) FROM ${webhooks} w WHERE w.tenant_id = ${tenant})`;
}

/** The endpoints `endpointsOf` selected. */
export function endpointsFrom(json: unknown): WebhookEndpoint[] {
  if (typeof json !== "string") return [];
  return (JSON.parse(json) as [string, string[]][]).map(([id, events]) => ({ id, events }));
}

/** One event as code builds it: its type and `data` typed from that type's documented schema. */
export type QueuedWebhookEvent = { [T in WebhookEventType]: { type: T; data: WebhookEventData<T> } }[WebhookEventType];

/**
 * Records an event for every endpoint that wants it. Call it inside the same `store.write` as the
 * change itself: the event exists exactly when the change does (the transactional outbox).
 * `data` is typed from the event's documented schema (webhooks/events, openapi.json `webhooks`).
 * `known` is the tenant's endpoints when the write read them already in this transaction
 * (`endpointsOf`); without it they are read here.
 */
export async function enqueueWebhookEvent<T extends WebhookEventType>(
  store: TenantStore,
  type: T,
  data: WebhookEventData<T>,
  at: Date,
  known?: readonly WebhookEndpoint[],
): Promise<void> {
  await enqueueWebhookEvents(store, [{ type, data } as QueuedWebhookEvent], at, known);
}

/**
 * `enqueueWebhookEvent` for many events of one write (a bulk sync's 1,000 status changes): the
 * endpoints read once (none when `known` is given), every delivery in one multi-row insert
 * (platform/tenancy `upsertMany`), each event its own `webhook-id`, in the order given (ids grow
 * with time, and the dispatcher sends one endpoint's due events in id order). No endpoint wanting
 * an event's type: no row for it, and with no endpoint at all, no statement besides the read.
 */
export async function enqueueWebhookEvents(store: TenantStore, events: readonly QueuedWebhookEvent[], at: Date, known?: readonly WebhookEndpoint[]): Promise<void> {
  if (events.length === 0) return;
  const endpoints = known ?? (await store.q.select({ id: webhooks.id, events: webhooks.events }).from(webhooks).where(store.owns(webhooks)));
  if (endpoints.length === 0) return;
  const timestamp = at.toISOString();
  const rows: Omit<typeof webhookDeliveries.$inferInsert, "tenantId">[] = [];
  for (const { type, data } of events) {
    const targets = endpoints.filter((w) => w.events.includes(type));
    if (targets.length === 0) continue;
    const eventId = newId("evt");
    const payload = JSON.stringify({ type, timestamp, data });
    const customerId = aboutCustomer(type, data);
    for (const w of targets) {
      rows.push({ id: newId("evt"), webhookId: w.id, eventId, eventType: type, payload, customerId, status: "pending", attempts: 0, nextAttemptAt: timestamp, lastError: null, attemptLog: null, createdAt: timestamp, deliveredAt: null });
    }
  }
  await store.upsertMany(webhookDeliveries, rows, [webhookDeliveries.id], []);
}

/**
 * The customer an event is about, as migration 0036 reads it from stored payloads: `customerId` at
 * the top of `data`, or its subscription's. None for `customer.erased` (its id is dropped once it is
 * delivered: webhooks/dispatcher).
 */
function aboutCustomer(type: WebhookEventType, data: unknown): string | null {
  if (type === "customer.erased") return null;
  const d = data as { customerId?: unknown; subscription?: { customerId?: unknown } };
  const id = d.customerId ?? d.subscription?.customerId;
  return typeof id === "string" ? id : null;
}

/**
 * Drops the events about a customer that have not reached the shop (pending, held by a paused
 * endpoint, retrying, or failed), of `types` when given: they are never sent. Erasure drops them
 * all (data-rights/erase); a customer's "no" to being contacted drops their `winback.due`
 * (winback/service `recordKeepInTouch`, customers/sync). Found by the customer each delivery is
 * about (migration 0036). Call it in the transaction that records the reason. Answers how many.
 */
export async function dropUndelivered(store: TenantStore, customerId: string, types?: readonly WebhookEventType[]): Promise<number> {
  const dropped = await store
    .delete(webhookDeliveries, eq(webhookDeliveries.customerId, customerId), ne(webhookDeliveries.status, "delivered"), types ? inArray(webhookDeliveries.eventType, [...types]) : undefined)
    .returning({ id: webhookDeliveries.id });
  return dropped.length;
}
