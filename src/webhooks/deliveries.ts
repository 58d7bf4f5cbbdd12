import { z } from "@hono/zod-openapi";
import { desc, eq, or, sql } from "drizzle-orm";
import { webhookDeliveries, webhooks } from "../db/schema";
import { audited } from "../platform/audit";
import { ApiError } from "../platform/errors";
import { isSealed } from "../platform/secrets";
import { apiRoute, domainRouter, IdempotencyHeaders, Instant, optionalJsonBody, jsonResponse, page, PageQuery } from "../platform/openapi";
import { cursorList, decodeCursor, olderThan, toPage } from "../platform/pagination";

/** An endpoint's deliveries: `(createdAt, id)` of the last one, for that endpoint under the query's filters (platform/pagination). */
const DELIVERIES_CURSOR = cursorList("dlv", ["instant", "id"]);
import { HELD } from "./outbox";
import { newSecret } from "./routes";
import { WEBHOOK_EVENT_TYPES, WebhookIdParam } from "./schemas";
import { sealUnderDatabaseKey } from "../platform/key-check";
import { sealWebhookSecret } from "./secret";

/**
 * What a merchant needs to debug a webhook endpoint: each delivery with every attempt (time,
 * HTTP status or the error), the next retry; a failed delivery can be sent again; and the signing
 * secret can be rotated with the old one still signing during an overlap.
 */
const tags = ["Webhooks"];

/** One try at delivering, as the delivery log keeps it (`attempt_log` JSON). */
export type Attempt = { at: string; statusCode: number | null; error: string | null };

const AttemptSchema = z
  .object({
    at: Instant.openapi({ description: "When the request was sent (RFC 3339)." }),
    statusCode: z.number().int().nullable().openapi({ description: "The endpoint's HTTP status; null when no answer came (timeout, connection refused, refused destination).", example: 500 }),
    error: z.string().nullable().openapi({ description: "Why the attempt failed; null when the endpoint answered 2xx.", example: "HTTP 500" }),
  })
  .openapi("WebhookAttempt");

export const Delivery = z
  .object({
    id: z.string().openapi({
      description: "The delivery's id: one event to one endpoint, with its attempts. Receivers never see it; `deliveryId` in the paths.",
      example: "evt_0d2xk3vq8h1s2WEDY8wxOF",
    }),
    eventId: z.string().openapi({
      description:
        "The event's id, sent as `webhook-id` (what a receiver logs and de-duplicates on): the same for every endpoint and every retry. The retry path and `?eventId=` take it too.",
      example: "evt_0d2xk3vq8h0p9MfKQ9r8GK",
    }),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    status: z.enum(["pending", "delivered", "failed"]).openapi({ description: "`failed`: every retry of the schedule failed; `POST …/retry` sends it again." }),
    createdAt: Instant,
    attempts: z.array(AttemptSchema).openapi({ description: "Every attempt, oldest first." }),
    nextAttemptAt: Instant.nullable().openapi({
      description:
        "When the next attempt is due (a time already past: due now, sent at the dispatcher's next run). Null unless pending; while the endpoint is paused (held: sent when it is resumed); and while an attempt is in flight (`inFlightSince`), whose answer decides what comes next — delivered, or retried on the schedule.",
    }),
    inFlightSince: Instant.nullable().openapi({
      description:
        "Set while an attempt is in flight: when the dispatcher took the delivery to send it (events of one endpoint go one after another, so it may wait for that endpoint's earlier events of the same run); null otherwise. An attempt is given up to 60 s: one not recorded by then (its server stopped) is due again, shown by `nextAttemptAt`, and sent again (at least once).",
      example: null,
    }),
    deliveredAt: Instant.nullable(),
  })
  .openapi("WebhookDelivery");

const DeliveryParams = WebhookIdParam.extend({
  deliveryId: z
    .string()
    .min(1)
    .max(64)
    .openapi({
      param: { name: "deliveryId", in: "path", description: "The delivery's `id`, or the `eventId` a receiver logged as `webhook-id` (one delivery per event and endpoint)." },
      example: "evt_0d2xk3vq8h0p9MfKQ9r8GK",
    }),
});

const DeliveriesQuery = PageQuery.extend({
  status: z.enum(["pending", "delivered", "failed"]).optional().openapi({ description: "Only deliveries in this state." }),
  eventId: z.string().min(1).max(64).optional().openapi({ description: "Only the delivery of this event (the `webhook-id` a receiver logged).", example: "evt_0d2xk3vq8h0p9MfKQ9r8GK" }),
});

const RotateBody = z
  .strictObject({
    overlapHours: z.number().int().min(0).max(168).optional().openapi({ description: "How long the old secret keeps signing beside the new one (hours, 0–168). Default 24." }),
  })
  .openapi("RotateWebhookSecret");

const Rotated = z
  .object({
    id: z.string(),
    secret: z.string().openapi({ description: "The new signing secret (`whsec_…`). Deliveries carry a signature with it from now on." }),
    previousSecretExpiresAt: Instant.nullable().openapi({ description: "Until then each delivery also carries a signature with the old secret (several `v1,…` in `webhook-signature`, space-separated, per Standard Webhooks); null when `overlapHours` is 0." }),
  })
  .openapi("RotatedWebhookSecret");

type Row = typeof webhookDeliveries.$inferSelect;

/**
 * Pure: what a delivery's list entry says of its next step at `now`. A claimed delivery's stored
 * `next_attempt_at` is the dispatcher's lease (webhooks/dispatcher LEASE_S), not a planned
 * attempt: while it runs, the attempt is in flight (`inFlightSince`) and there is no next attempt
 * to show; once it has run out unrecorded, the delivery is due again at that time. Held (paused
 * endpoint): neither.
 */
export function nextStep(r: Pick<Row, "status" | "nextAttemptAt" | "inFlightSince">, now: string): { nextAttemptAt: string | null; inFlightSince: string | null } {
  if (r.status !== "pending" || r.nextAttemptAt === HELD) return { nextAttemptAt: null, inFlightSince: null };
  if (r.inFlightSince !== null && r.nextAttemptAt > now) return { nextAttemptAt: null, inFlightSince: r.inFlightSince };
  return { nextAttemptAt: r.nextAttemptAt, inFlightSince: null };
}

const present = (r: Row, now: string): z.infer<typeof Delivery> => ({
  id: r.id,
  eventId: r.eventId,
  eventType: r.eventType as z.infer<typeof Delivery>["eventType"],
  status: r.status,
  createdAt: r.createdAt,
  attempts: (r.attemptLog ?? []) as Attempt[],
  ...nextStep(r, now),
  deliveredAt: r.deliveredAt,
});

export const webhookDeliveriesRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/webhooks/{webhookId}/deliveries",
      operationId: "listWebhookDeliveries",
      tags,
      scope: "admin",
      summary: "List an endpoint's deliveries with every attempt",
      description:
        "Newest first. Each delivery lists its attempts (time, HTTP status or error) and, while pending, when the next attempt is due — or, while an attempt is in flight, since when (`inFlightSince`; `nextAttemptAt` is then null: the answer decides what comes next). `id` is the delivery (one event to this endpoint); `eventId` is what receivers see as `webhook-id`: `?eventId=` finds the delivery of an event a receiver logged. Failures are also logged on the server.",
      request: { params: WebhookIdParam, query: DeliveriesQuery },
      errors: ["webhook_not_found"],
      responses: { 200: jsonResponse(page(Delivery), "A page of deliveries") },
    }),
    async (c) => {
      const { webhookId } = c.req.valid("param");
      const { limit, cursor, status, eventId } = c.req.valid("query");
      const store = c.get("store");
      if (!(await store.find(webhooks, eq(webhooks.id, webhookId)))) throw new ApiError("webhook_not_found", { en: `No webhook ${webhookId}.`, ja: `Webhook ${webhookId} は見つかりません。` });
      const filter = [webhookId, status, eventId];
      const after = decodeCursor(cursor, DELIVERIES_CURSOR, filter);
      const rows = await store.q
        .select()
        .from(webhookDeliveries)
        .where(
          store.owns(
            webhookDeliveries,
            eq(webhookDeliveries.webhookId, webhookId),
            status ? eq(webhookDeliveries.status, status) : undefined,
            eventId ? eq(webhookDeliveries.eventId, eventId) : undefined,
            olderThan(webhookDeliveries.createdAt, webhookDeliveries.id, after),
          ),
        )
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(limit + 1);
      const p = toPage(rows, limit, DELIVERIES_CURSOR, (r) => [r.createdAt, r.id], filter);
      const now = c.get("services").now().toISOString();
      return c.json({ data: p.data.map((r) => present(r, now)), nextCursor: p.nextCursor }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
      operationId: "retryWebhookDelivery",
      tags,
      scope: "admin",
      summary: "Send a failed or waiting delivery now",
      description:
        "A `failed` delivery (its retries ran out) becomes pending again; one more failure marks it failed again. A pending one waiting for its next retry on the schedule (a receiver fixed since) is made due now, its attempts so far kept, and the schedule goes on from there if it fails again. Either is sent at the dispatcher's next run (Node: within a second; Workers: after this request); while the endpoint is paused it stays held until resumed. 409 `delivery_not_failed` for a delivered one, and for one whose attempt is in flight now (`inFlightSince`: its answer decides what comes next). `deliveryId` is the delivery's `id` or its `eventId` (the `webhook-id` your receiver logged).",
      request: { params: DeliveryParams, headers: IdempotencyHeaders },
      errors: ["webhook_not_found", "delivery_not_found", "delivery_not_failed"],
      responses: { 202: jsonResponse(Delivery, "Queued again") },
    }),
    async (c) => {
      const { webhookId, deliveryId } = c.req.valid("param");
      const at = c.get("services").now().toISOString();
      const row = await audited(
        c,
        async (s) => {
          if (!(await s.find(webhooks, eq(webhooks.id, webhookId)))) throw new ApiError("webhook_not_found", { en: `No webhook ${webhookId}.`, ja: `Webhook ${webhookId} は見つかりません。` });
          // By the delivery's id or by the event's (one delivery per event and endpoint).
          const d = await s.find(webhookDeliveries, eq(webhookDeliveries.webhookId, webhookId), or(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.eventId, deliveryId)));
          if (!d) throw new ApiError("delivery_not_found", { en: `No delivery ${deliveryId} for webhook ${webhookId}.`, ja: `Webhook ${webhookId} に配信 ${deliveryId} はありません。` });
          if (d.status === "delivered") throw new ApiError("delivery_not_failed", { en: `Delivery ${deliveryId} was delivered; only a failed or waiting delivery can be sent again.`, ja: `配信 ${deliveryId} は配信済みです。再送できるのは、失敗した配信と再試行を待っている配信だけです。` }, { deliveryStatus: d.status });
          if (d.status === "pending" && nextStep(d, at).inFlightSince !== null) {
            throw new ApiError("delivery_not_failed", { en: `Delivery ${deliveryId} is being sent now; its answer decides what comes next.`, ja: `配信 ${deliveryId} はいま送信中です。その応答で次が決まります。` }, { deliveryStatus: d.status });
          }
          // Held by a paused endpoint: it stays held (sent when resumed); otherwise due now.
          const nextAttemptAt = d.status === "pending" && d.nextAttemptAt === HELD ? HELD : at;
          await s.update(webhookDeliveries, { status: "pending", nextAttemptAt, inFlightSince: null }, eq(webhookDeliveries.id, d.id));
          return { ...d, status: "pending" as const, nextAttemptAt, inFlightSince: null };
        },
        (d) => ({ action: "webhook.delivery_retried", target: { type: "webhook", id: webhookId }, details: { deliveryId: d.id, eventType: d.eventType } }),
      );
      return c.json(present(row, at), 202);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/webhooks/{webhookId}/rotate-secret",
      operationId: "rotateWebhookSecret",
      tags,
      scope: "admin",
      summary: "Rotate the signing secret, keeping the old one valid for an overlap",
      description:
        "Generates a new secret. For `overlapHours` (default 24) every delivery is signed with both, so receivers can switch at their own pace: Standard Webhooks verifiers accept a `webhook-signature` with several space-separated signatures when one matches. Both secrets are stored encrypted; a replay with the same `Idempotency-Key` does not rotate again and answers with `secret` replaced by a shown-once note (keep the first answer's).",
      request: { params: WebhookIdParam, headers: IdempotencyHeaders, body: optionalJsonBody(RotateBody, { overlapHours: 24 }) },
      errors: ["webhook_not_found"],
      responses: { 200: jsonResponse(Rotated, "The new secret and until when the old one still signs") },
    }),
    async (c) => {
      const { webhookId } = c.req.valid("param");
      const overlapHours = c.req.valid("json").overlapHours ?? 24;
      const services = c.get("services");
      const tenantId = c.get("caller").tenantId;
      const now = services.now();
      const secret = newSecret();
      // Both secrets are stored sealed (webhooks/secret), never in plain text; sealing needs no lock,
      // and a key that opens the database's secrets (platform/key-check).
      const sealed = await sealUnderDatabaseKey(services.db, services.secretsKey, tenantId, webhookId, secret);
      const previousSecretExpiresAt = overlapHours > 0 ? new Date(now.getTime() + overlapHours * 3_600_000).toISOString() : null;
      await audited(
        c,
        async (s) => {
          const existing = await s.find(webhooks, eq(webhooks.id, webhookId));
          if (!existing) throw new ApiError("webhook_not_found", { en: `No webhook ${webhookId}.`, ja: `Webhook ${webhookId} は見つかりません。` });
          // The current secret is already sealed, unless the row predates encryption (then seal it now).
          const previous = !previousSecretExpiresAt
            ? null
            : isSealed(existing.secret)
              ? existing.secret
              : await sealWebhookSecret(services.secretsKey, tenantId, webhookId, existing.secret);
          await s.update(webhooks, { secret: sealed, previousSecret: previous, previousSecretExpiresAt, updatedAt: now.toISOString() }, eq(webhooks.id, webhookId));
        },
        () => ({ action: "webhook.secret_rotated", target: { type: "webhook", id: webhookId }, details: { overlapHours } }),
      );
      // The idempotency layer stores this answer with `secret` replaced (platform/idempotency SECRET_FIELDS).
      return c.json({ id: webhookId, secret, previousSecretExpiresAt }, 200);
    },
  );

/** Appends one attempt to a delivery's log (SQL: no read-modify-write race with a retry). */
export const appendAttempt = (attempt: Attempt) =>
  sql`json_insert(coalesce(${webhookDeliveries.attemptLog}, '[]'), '$[#]', json(${JSON.stringify(attempt)}))`;
