import { and, asc, count, eq, gt, inArray, isNull } from "drizzle-orm";
import { webhookDeliveries, webhooks } from "../db/schema";
import { audited } from "../platform/audit";
import type { Services } from "../platform/env";
import { ApiError } from "../platform/errors";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, PageQuery, sameIdAsPath } from "../platform/openapi";
import { cursorList, decodeCursor, toPage } from "../platform/pagination";

/** The endpoints, in id order: the last one's id (platform/pagination). */
const WEBHOOKS_CURSOR = cursorList("wh", ["id"]);
import type { TenantStore } from "../platform/tenancy";
import { checkWebhookUrl } from "./destination";
import { HELD } from "./outbox";
import { DeletedWebhook, PutWebhookBody, Webhook, WebhookIdParam, WebhookPage, type WebhookEventType } from "./schemas";
import { sealUnderDatabaseKey } from "../platform/key-check";
import { openWebhookSecret } from "./secret";

const tags = ["Webhooks"];

/** A new signing secret: `whsec_` and 24 random bytes in base64 (the Standard Webhooks form). */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return "whsec_" + btoa(String.fromCharCode(...bytes));
}

type WebhookRow = Omit<typeof webhooks.$inferSelect, "previousSecret" | "previousSecretExpiresAt">;
type DeliveryCounts = { pending: number; delivered: number; failed: number };

/** Outbox counts by endpoint for these endpoint ids, in one grouped read; an endpoint without deliveries is absent. */
async function deliveryCounts(store: TenantStore, ids: readonly string[]): Promise<Map<string, DeliveryCounts>> {
  const out = new Map<string, DeliveryCounts>();
  if (ids.length === 0) return out;
  const rows = await store.q
    .select({ webhookId: webhookDeliveries.webhookId, status: webhookDeliveries.status, n: count() })
    .from(webhookDeliveries)
    .where(store.owns(webhookDeliveries, inArray(webhookDeliveries.webhookId, [...ids])))
    .groupBy(webhookDeliveries.webhookId, webhookDeliveries.status);
  for (const r of rows) {
    const counts = out.get(r.webhookId) ?? { pending: 0, delivered: 0, failed: 0 };
    counts[r.status] = r.n;
    out.set(r.webhookId, counts);
  }
  return out;
}

/** An endpoint without its secret: what the list shows (WebhookSummary). */
const summary = (row: Omit<WebhookRow, "secret">, counts: Map<string, DeliveryCounts>) => ({
  id: row.id,
  url: row.url,
  events: row.events as WebhookEventType[],
  paused: row.pausedAt !== null,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  deliveries: counts.get(row.id) ?? { pending: 0, delivered: 0, failed: 0 },
});

/** One endpoint with its signing secret (Webhook): the answer of its PUT and GET only. */
async function present(store: TenantStore, services: Services, row: WebhookRow) {
  const counts = await deliveryCounts(store, [row.id]);
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEventType[],
    secret: await openWebhookSecret(services.secretsKey, row.tenantId, row.id, row.secret),
    paused: row.pausedAt !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deliveries: counts.get(row.id) ?? { pending: 0, delivered: 0, failed: 0 },
  };
}

export const webhooksRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/webhooks",
      operationId: "listWebhooks",
      tags,
      scope: "admin",
      summary: "List webhook endpoints",
      description:
        "The tenant's endpoints in id order, each with its URL, events and outbox counts. Signing secrets are not listed: `GET /v1/webhooks/{webhookId}` shows an endpoint's secret.",
      request: { query: PageQuery },
      responses: { 200: jsonResponse(WebhookPage, "A page of endpoints") },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const after = decodeCursor(cursor, WEBHOOKS_CURSOR);
      const store = c.get("store");
      // The secret columns are not even read: a list is copied into logs and tickets.
      const rows = await store.q
        .select({ tenantId: webhooks.tenantId, id: webhooks.id, url: webhooks.url, events: webhooks.events, pausedAt: webhooks.pausedAt, createdAt: webhooks.createdAt, updatedAt: webhooks.updatedAt })
        .from(webhooks)
        .where(store.owns(webhooks, after ? gt(webhooks.id, after[0]) : undefined))
        .orderBy(asc(webhooks.id))
        .limit(limit + 1);
      const p = toPage(rows, limit, WEBHOOKS_CURSOR, (w) => [w.id]);
      const counts = await deliveryCounts(store, p.data.map((w) => w.id));
      return c.json({ data: p.data.map((w) => summary(w, counts)), nextCursor: p.nextCursor }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/webhooks/{webhookId}",
      operationId: "putWebhook",
      tags,
      scope: "admin",
      summary: "Create or replace a webhook endpoint",
      description:
        "Events are delivered at least once from an outbox, signed per the Standard Webhooks spec (`webhook-id`, `webhook-timestamp`, `webhook-signature` headers; verify with any Standard Webhooks library and the `secret`). Failed deliveries are retried with backoff (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) and then marked failed; a PUT that changes the `url` makes the deliveries waiting for a retry due at once, at the new URL. Answers 201 when new.\n\nThe URL must be `https://` without user-info, to a public host: loopback, private, link-local, unique-local, carrier-grade NAT, multicast, unspecified and cloud-metadata addresses are refused in every spelling (decimal, hex, octal, IPv4-mapped IPv6), as are `localhost`, `*.local` and `*.internal` names — here (422 `validation_failed` on `url`) and again before each delivery, where every address the name resolves to is checked and the connection goes to the checked address. Redirects are never followed: a 3xx answer is a failed attempt. The signing secret is stored encrypted (AES-GCM).",
      request: {
        params: WebhookIdParam,
        headers: IdempotencyHeaders,
        body: jsonBody(PutWebhookBody, { url: "https://shop.example.jp/hooks/tsuzuku", events: ["subscription.changed", "subscription.canceled"] }),
      },
      responses: { 200: jsonResponse(Webhook, "The updated endpoint"), 201: jsonResponse(Webhook, "The new endpoint") },
    }),
    async (c) => {
      const { webhookId } = c.req.valid("param");
      const body = c.req.valid("json");
      sameIdAsPath(body.id, webhookId);
      const services = c.get("services");
      const destination = checkWebhookUrl(body.url, { allowLoopback: services.allowLoopbackWebhooks });
      if (!destination.ok) {
        const why = destination.reason;
        throw new ApiError("validation_failed", { en: `The webhook URL is not allowed: ${why.en}.`, ja: `この Webhook の URL は使えません（${why.ja}）。` }, {
          errors: [{ path: "url", message: { en: `Not allowed: ${why.en}`, ja: `使えません：${why.ja}` } }],
        });
      }
      const at = services.now().toISOString();
      const tenantId = c.get("caller").tenantId;
      // Sealed before the transaction (encryption needs no lock), with a key that opens the database's secrets.
      const fresh = body.secret ?? newSecret();
      const sealed = await sealUnderDatabaseKey(services.db, services.secretsKey, tenantId, webhookId, fresh);
      const { row, created } = await audited(
        c,
        async (s) => {
          const existing = await s.find(webhooks, eq(webhooks.id, webhookId));
          // Without a new secret in the body, an existing endpoint keeps its own.
          const secret = body.secret === undefined && existing ? existing.secret : sealed;
          const held = existing?.pausedAt ?? null;
          const pausedAt = body.paused === undefined ? held : body.paused ? (held ?? at) : null;
          // Stored as the parser reads it: the trivial rewrites urlTextProblem lets through (`HTTPS://`, an
          // upper-case host, `:443`, no path) are written canonical, as every other spelling must be sent.
          const values = { url: destination.url.href, events: [...new Set(body.events)], secret, pausedAt, updatedAt: at };
          if (existing) await s.update(webhooks, values, eq(webhooks.id, webhookId));
          else await s.insert(webhooks, { id: webhookId, createdAt: at, ...values });
          // Resumed: what the dispatcher parked while paused is due now (queued order: ids grow with time).
          if (held && !pausedAt) {
            await s.update(webhookDeliveries, { nextAttemptAt: at }, eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, "pending"), eq(webhookDeliveries.nextAttemptAt, HELD));
          }
          // A new URL (the old one was mistyped, or the receiver moved): what waits for a retry at the old
          // one is due now, not after its back-off (5 min … 10 h). Not one in flight: it settles first.
          if (existing && existing.url !== values.url && !pausedAt) {
            await s.update(
              webhookDeliveries,
              { nextAttemptAt: at },
              eq(webhookDeliveries.webhookId, webhookId),
              eq(webhookDeliveries.status, "pending"),
              gt(webhookDeliveries.nextAttemptAt, at),
              isNull(webhookDeliveries.inFlightSince),
            );
          }
          return { row: { ...(existing ?? { tenantId: s.tenantId, id: webhookId, createdAt: at }), ...values }, created: !existing };
        },
        (r) => ({
          action: "webhook.updated",
          target: { type: "webhook", id: webhookId },
          details: { created: r.created, host: destination.url.host, events: r.row.events, secretChanged: body.secret !== undefined || r.created, paused: r.row.pausedAt !== null },
        }),
      );
      return c.json(await present(c.get("store"), services, row), created ? 201 : 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/webhooks/{webhookId}",
      operationId: "getWebhook",
      tags,
      scope: "admin",
      summary: "Get a webhook endpoint",
      request: { params: WebhookIdParam },
      errors: ["webhook_not_found"],
      responses: { 200: jsonResponse(Webhook, "The endpoint with its delivery counts") },
    }),
    async (c) => {
      const { webhookId } = c.req.valid("param");
      const row = await c.get("store").find(webhooks, eq(webhooks.id, webhookId));
      if (!row) throw new ApiError("webhook_not_found", { en: `No webhook ${webhookId}.`, ja: `Webhook ${webhookId} は見つかりません。` });
      return c.json(await present(c.get("store"), c.get("services"), row), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "delete",
      path: "/v1/webhooks/{webhookId}",
      operationId: "deleteWebhook",
      tags,
      scope: "admin",
      summary: "Delete a webhook endpoint",
      description:
        "Stops deliveries at once. Events not yet delivered to it — pending (held ones included) and failed — are dropped, never sent, and the answer counts them; to have them delivered first, leave the endpoint until `deliveries.pending` is 0 (or resume it if paused). Its delivery log goes too: an endpoint created again under the same id starts with no history.",
      request: { params: WebhookIdParam },
      errors: ["webhook_not_found"],
      responses: { 200: jsonResponse(DeletedWebhook, "Deleted, with the undelivered events dropped") },
    }),
    async (c) => {
      const { webhookId } = c.req.valid("param");
      const dropped = await audited(
        c,
        async (s) => {
          const existing = await s.find(webhooks, eq(webhooks.id, webhookId));
          if (!existing) throw new ApiError("webhook_not_found", { en: `No webhook ${webhookId}.`, ja: `Webhook ${webhookId} は見つかりません。` });
          // Every delivery goes, delivered ones too (an endpoint created again under this id must
          // not inherit them); undelivered ones could never be sent or retried any more (and a
          // failed customer.erased event would keep the merchant's id of an erased person for good).
          const gone = await s.delete(webhookDeliveries, eq(webhookDeliveries.webhookId, webhookId)).returning({ status: webhookDeliveries.status });
          await s.delete(webhooks, eq(webhooks.id, webhookId));
          return { pending: gone.filter((d) => d.status === "pending").length, failed: gone.filter((d) => d.status === "failed").length };
        },
        (d) => ({ action: "webhook.deleted", target: { type: "webhook", id: webhookId }, details: { droppedPending: d.pending, droppedFailed: d.failed } }),
      );
      return c.json({ id: webhookId, deleted: true as const, dropped }, 200);
    },
  );
