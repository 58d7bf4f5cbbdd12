import { and, asc, eq, inArray, lte, notInArray } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { purgeOldPages } from "../data-rights/erase";
import type { Database } from "../db/client";
import { customers, webhookDeliveries, webhooks } from "../db/schema";
import { appendAttempt, type Attempt } from "./deliveries";
import { HELD } from "./outbox";
import { checkWebhookUrl } from "./destination";
import { openWebhookSecret } from "./secret";
import { SecretsKeyMismatch } from "../platform/secrets";
import { TOGETHER, type TenantShares } from "../platform/step-faults";
import { TenantStore } from "../platform/tenancy";
import { contactColumns, isContactable, recordContact } from "../winback/service";

/** Seconds to wait after the n-th failed attempt (Standard Webhooks' suggested schedule, shortened at the end). */
export const RETRY_SCHEDULE_S = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];
/** A claimed delivery is retried after this if the dispatcher died while sending it. */
const LEASE_S = 60;
/** An attempt not answered within this is a failed one. */
export const TIMEOUT_MS = 10_000;

export type DispatchResult = { attempted: number; delivered: number; failed: number };

/**
 * What every attempt sends besides the signature (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), the same from Node and Workers: the payload's type, who sends it (`1`:
 * this delivery format's version, bumped only if the envelope or signing changes) and that any
 * answer will do (its body is never read). A receiver sees nothing else but the transport's
 * `host`, `content-length` and, from Node, `connection: keep-alive` — and, from Workers,
 * `cf-worker` (the sending zone), which Cloudflare adds to every subrequest and a Worker cannot
 * remove.
 */
export const WEBHOOK_REQUEST_HEADERS = { "content-type": "application/json", "user-agent": "Tsuzuku-Webhooks/1", accept: "*/*" } as const;

/**
 * How one attempt goes out: Workers, the global fetch; Node, webhooks/node-fetch (undici's
 * `request`: every resolved address checked, and none of the headers fetch adds for browsers).
 * Always called with `redirect: "manual"`: a 3xx comes back as the answer, never followed.
 */
export type WebhookSend = (url: string, init: { method: "POST"; headers?: Record<string, string>; body?: string; redirect?: "manual"; signal?: AbortSignal }) => Promise<Response>;

/**
 * Fields of `data` that a delivered event's stored copy drops. `customer.erased` names the
 * merchant's id so their systems can follow the erasure; once it has reached them, the database
 * keeps no copy of that id (a delivered event is never sent again). A delivery that finally
 * failed drops them too, 30 days later (data-rights/retention `forgetAbandonedErasures`).
 */
const DROPPED_ONCE_DELIVERED: Readonly<Record<string, readonly string[]>> = { "customer.erased": ["customerId"] };

/** The payload as stored once delivered (or abandoned): DROPPED_ONCE_DELIVERED's fields null; undefined when it keeps everything. */
export function deliveredPayload(eventType: string, payload: string): string | undefined {
  const dropped = DROPPED_ONCE_DELIVERED[eventType];
  if (!dropped) return undefined;
  const event = JSON.parse(payload) as { data?: Record<string, unknown> };
  for (const field of dropped) if (event.data && field in event.data) event.data[field] = null;
  return JSON.stringify(event);
}

export type DispatchOptions = {
  /** The root secret: signing secrets are stored encrypted under a key derived from it. */
  secretsKey: string;
  now?: () => Date;
  /** Node passes webhooks/node-fetch (checks every resolved address); Workers the global fetch. */
  fetch?: WebhookSend;
  /** WEBHOOKS_ALLOW_LOOPBACK=1: local development and tests only. */
  allowLoopback?: boolean;
  limit?: number;
  /**
   * The background job (src/maintenance): each delivery sent and recorded as its tenant's share, so
   * one tenant whose recording fails does not stop the others'; a tenant resting after failures is
   * not claimed (its deliveries wait, rather than go out again each lease without being recorded).
   */
  tenants?: TenantShares;
};

/**
 * Sends due outbox rows, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`). At least once: a row is claimed (leased) before sending, marked delivered
 * on 2xx, otherwise retried on the schedule and marked failed when it runs out.
 *
 * The endpoint's URL is checked again before every attempt (webhooks/destination) and redirects
 * are never followed: a 3xx is a failed attempt, recorded, so signed headers never travel to
 * wherever a redirect points.
 *
 * This is a system job across tenants, so it reads the outbox directly rather than through a
 * tenant's store; it only ever joins a delivery with its own tenant's endpoint.
 */
export async function dispatchDueWebhooks(db: Database, options: DispatchOptions): Promise<DispatchResult> {
  const now = options.now ?? (() => new Date());
  const send: WebhookSend = options.fetch ?? fetch;
  const at = now();
  // Almost every run finds nothing due: ask with a read (index seek) before taking the write lock.
  const [anyDue] = await db.orm
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, at.toISOString())))
    .limit(1);
  if (!anyDue) return { attempted: 0, delivered: 0, failed: 0 };
  const resting = options.tenants?.resting() ?? [];
  const lease = new Date(at.getTime() + LEASE_S * 1000).toISOString();
  const claimed = await db.write(async (tx) => {
    const due = await tx
      .select({
        delivery: webhookDeliveries,
        url: webhooks.url,
        secret: webhooks.secret,
        previousSecret: webhooks.previousSecret,
        previousSecretExpiresAt: webhooks.previousSecretExpiresAt,
        pausedAt: webhooks.pausedAt,
        // The customer a `winback.due` is about, as they are now (see below).
        customer: contactColumns,
      })
      .from(webhookDeliveries)
      .innerJoin(webhooks, and(eq(webhooks.tenantId, webhookDeliveries.tenantId), eq(webhooks.id, webhookDeliveries.webhookId)))
      .leftJoin(customers, and(eq(webhookDeliveries.eventType, "winback.due"), eq(customers.tenantId, webhookDeliveries.tenantId), eq(customers.id, webhookDeliveries.customerId)))
      .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, at.toISOString()), resting.length > 0 ? notInArray(webhookDeliveries.tenantId, resting) : undefined))
      // Ids grow with time (platform/crypto newId): events due together go out in the order they were queued.
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
      .limit(options.limit ?? 50);
    // A `winback.due` whose customer may no longer be contacted (a "no" that landed after it was
    // queued by a path that did not drop it, contact details gone, an erasure) is dropped, never sent,
    // as a "no" drops it (webhooks/outbox `dropUndelivered`).
    const withdrawn = due.filter((d) => d.delivery.eventType === "winback.due" && !(d.customer && isContactable(d.customer)));
    for (const d of withdrawn) await tx.delete(webhookDeliveries).where(eq(webhookDeliveries.id, d.delivery.id));
    const sendable = due.filter((d) => !withdrawn.includes(d));
    // A paused endpoint's deliveries are parked (HELD) instead of sent: they wait without being looked at again.
    // The others are in flight from now (the lease is when they go again if this pass never records them, not a planned attempt).
    for (const d of sendable) {
      await tx.update(webhookDeliveries).set(d.pausedAt ? { nextAttemptAt: HELD } : { nextAttemptAt: lease, inFlightSince: at.toISOString() }).where(eq(webhookDeliveries.id, d.delivery.id));
    }
    return sendable.filter((d) => !d.pausedAt);
  });

  const result: DispatchResult = { attempted: 0, delivered: 0, failed: 0 };
  /** A failed attempt's next one, by delivery id: the endpoint's rest of the pass goes again with it (below). */
  const retryAt = new Map<string, string>();
  let forgotten = 0;
  let keyRefused = false;
  const apart = options.tenants ?? TOGETHER;
  /** One attempt; false when it failed (the endpoint's rest of the pass then waits). */
  const deliver = ({ delivery, url, secret, previousSecret, previousSecretExpiresAt }: (typeof claimed)[number]) =>
    apart.run<boolean | undefined>(delivery.tenantId, undefined, async () => {
      result.attempted++;
      let error: string | null = null;
      let statusCode: number | null = null;
      let sentAt = now();
      try {
        const destination = checkWebhookUrl(url, { allowLoopback: options.allowLoopback });
        // A refused destination is a failed attempt with no status code, kept in the delivery log.
        if (!destination.ok) throw new Error(`refused destination: ${destination.reason.en}`);
        const open = (stored: string) => openWebhookSecret(options.secretsKey, delivery.tenantId, delivery.webhookId, stored);
        sentAt = now();
        // During a rotation's overlap the old secret signs too: receivers accept either.
        const overlap = previousSecret && previousSecretExpiresAt && previousSecretExpiresAt > sentAt.toISOString();
        const signers = [new Webhook(await open(secret)), ...(overlap ? [new Webhook(await open(previousSecret))] : [])];
        const res = await send(url, {
          method: "POST",
          headers: {
            ...WEBHOOK_REQUEST_HEADERS,
            "webhook-id": delivery.eventId,
            "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
            "webhook-signature": signers.map((s) => s.sign(delivery.eventId, sentAt, delivery.payload)).join(" "),
          },
          body: delivery.payload,
          redirect: "manual",
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        statusCode = res.status;
        if (res.status >= 300 && res.status < 400) error = `HTTP ${res.status}: redirect not followed`;
        else if (!res.ok) error = `HTTP ${res.status}`;
        await res.body?.cancel().catch(() => undefined);
      } catch (e) {
        if (e instanceof SecretsKeyMismatch) {
          // The service's key, not the endpoint: nothing was sent, so no attempt is counted and the
          // delivery is due again as it was (platform/key-check says it on /health and in the log).
          result.attempted--;
          if (!keyRefused) console.error(`[webhooks] deliveries wait, not attempted: ${e.message}`);
          keyRefused = true;
          await db.write((tx) => tx.update(webhookDeliveries).set({ nextAttemptAt: delivery.nextAttemptAt, inFlightSince: null }).where(eq(webhookDeliveries.id, delivery.id)));
          return false;
        }
        error = attemptError(e);
      }
      const attempts = delivery.attempts + 1;
      const done = now();
      const attemptLog = appendAttempt({ at: sentAt.toISOString(), statusCode, error });
      if (error === null) {
        result.delivered++;
        // The embedded file zeroes the old text where it is freed (db/node: secure_delete FAST).
        const payload = deliveredPayload(delivery.eventType, delivery.payload);
        await new TenantStore(db, delivery.tenantId).write(async (s) => {
          await s.update(webhookDeliveries, { status: "delivered", attempts, deliveredAt: done.toISOString(), lastError: null, attemptLog: attemptLog as unknown as Attempt[], payload, inFlightSince: null }, eq(webhookDeliveries.id, delivery.id));
          // A `winback.due` that reached the shop's systems is the win-back contact (attribution in
          // metrics/winback); one never delivered (no endpoint, or every attempt failed) is none.
          if (delivery.eventType === "winback.due") {
            const { data } = JSON.parse(delivery.payload) as { data: { customerId: string; subscriptionId: string } };
            await recordContact(s, { customerId: data.customerId, subscriptionId: data.subscriptionId, at: done.toISOString() });
          }
        });
        if (payload !== undefined) forgotten++;
        return true;
      }
      const wait = RETRY_SCHEDULE_S[attempts - 1];
      if (wait === undefined) result.failed++;
      // Failures are logged for the operator too, not only kept for GET …/deliveries.
      console.warn(
        `[webhooks] delivery ${delivery.id} (${delivery.eventType}) to webhook ${delivery.webhookId} of ${delivery.tenantId} failed, attempt ${attempts}: ${error}; ` +
          (wait === undefined ? "no retries left, marked failed" : `next retry in ${wait} s`),
      );
      if (wait !== undefined) retryAt.set(delivery.id, new Date(done.getTime() + wait * 1000).toISOString());
      await db.write((tx) =>
        tx
          .update(webhookDeliveries)
          .set(
            wait === undefined
              ? { status: "failed", attempts, lastError: error, attemptLog, inFlightSince: null }
              : { attempts, lastError: error, attemptLog, nextAttemptAt: new Date(done.getTime() + wait * 1000).toISOString(), inFlightSince: null },
          )
          .where(eq(webhookDeliveries.id, delivery.id)),
      );
      return false;
    });
  // Endpoints are sent to side by side; one endpoint's deliveries one after another, in the order
  // claimed, so a receiver gets the events of one pass in the order they were queued. After a failed
  // attempt the endpoint's rest of the pass is left unattempted (no attempt counted): they go again
  // with the failed one's retry (at most their lease away), so an endpoint that hangs costs a pass one
  // timeout, not one per event.
  const byEndpoint = new Map<string, (typeof claimed)[number][]>();
  for (const c of claimed) {
    const key = `${c.delivery.tenantId}/${c.delivery.webhookId}`;
    const queue = byEndpoint.get(key);
    if (queue) queue.push(c);
    else byEndpoint.set(key, [c]);
  }
  await Promise.all([...byEndpoint.values()].map(async (queue) => {
    for (const [i, c] of queue.entries()) {
      if ((await deliver(c)) !== false) continue;
      // Not in flight any more: they go again with the failed one's retry (its first is 5 s away, so a
      // receiver that failed once gets the rest seconds later, in the order queued: ids grow with time),
      // never later than their lease's end — an endpoint that keeps failing is still tried each minute.
      // That time is then truly their next attempt, as the deliveries list shows.
      const rest = queue.slice(i + 1).map((r) => r.delivery.id);
      const failedRetry = retryAt.get(c.delivery.id);
      const again = failedRetry !== undefined && failedRetry < lease ? { nextAttemptAt: failedRetry } : {};
      if (rest.length > 0) await db.write((tx) => tx.update(webhookDeliveries).set({ inFlightSince: null, ...again }).where(inArray(webhookDeliveries.id, rest))).catch((e: unknown) => {
        // Only what the list shows: they read as in flight until the lease ends, then as due.
        console.warn(`[webhooks] could not mark ${rest.length} deliveries as waiting: ${e instanceof Error ? e.message : e}`);
      });
      break;
    }
  }));
  // A payload that dropped an erased person's id: its old page versions leave the WAL too.
  if (forgotten > 0) {
    await purgeOldPages(db).catch((e: unknown) => console.warn(`[webhooks] after dropping an erased customer's id from ${forgotten} delivered event(s): ${e instanceof Error ? e.message : e}`));
  }
  return result;
}

/**
 * What a failed attempt's log says. undici's fetch reports every network failure as "fetch failed"
 * and puts what happened in `cause` (ENOTFOUND for a name that does not resolve, ECONNREFUSED,
 * a certificate's reason): the merchant needs that part to fix their endpoint. At most 200 characters.
 */
export function attemptError(e: unknown): string {
  if (!(e instanceof Error)) return "request failed";
  if (e.name === "TimeoutError") return `timed out after ${TIMEOUT_MS / 1000} s`;
  const cause = e.cause as { code?: unknown; message?: unknown } | undefined;
  const why = cause && typeof cause === "object" ? [cause.code, cause.message].filter((x): x is string => typeof x === "string" && x !== "") : [];
  const because = why.length > 0 && !e.message.includes(why.at(-1)!) ? `${e.message}: ${[...new Set(why)].join(" ")}` : e.message;
  return because.slice(0, 200);
}
