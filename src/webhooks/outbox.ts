import { webhookDeliveries, webhooks } from "../db/schema";
import { newId } from "../platform/crypto";
import type { TenantStore } from "../platform/tenancy";
import type { WebhookEventType } from "./schemas";

/**
 * Records an event for every endpoint that wants it. Call it inside the same `store.write` as the
 * change itself: the event exists exactly when the change does (the transactional outbox).
 */
export async function enqueueWebhookEvent(store: TenantStore, type: WebhookEventType, data: unknown, at: Date): Promise<void> {
  const endpoints = await store.q.select({ id: webhooks.id, events: webhooks.events }).from(webhooks).where(store.owns(webhooks));
  const targets = endpoints.filter((w) => w.events.includes(type));
  if (targets.length === 0) return;
  const eventId = newId("evt");
  const timestamp = at.toISOString();
  const payload = JSON.stringify({ type, timestamp, data });
  await store.q.insert(webhookDeliveries).values(
    targets.map((w) => ({
      id: newId("evt"),
      tenantId: store.tenantId,
      webhookId: w.id,
      eventId,
      eventType: type,
      payload,
      status: "pending" as const,
      nextAttemptAt: timestamp,
      createdAt: timestamp,
    })),
  );
}
