import { and, asc, eq, lte } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { Database } from "../db/client";
import { webhookDeliveries, webhooks } from "../db/schema";
import { checkWebhookUrl } from "./destination";
import { openWebhookSecret } from "./secret";

/** Seconds to wait after the n-th failed attempt (Standard Webhooks' suggested schedule, shortened at the end). */
export const RETRY_SCHEDULE_S = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];
/** A claimed delivery is retried after this if the dispatcher died while sending it. */
const LEASE_S = 60;
const TIMEOUT_MS = 10_000;

export type DispatchResult = { attempted: number; delivered: number; failed: number };

export type DispatchOptions = {
  /** The root secret: signing secrets are stored encrypted under a key derived from it. */
  secretsKey: string;
  now?: () => Date;
  /** Node passes webhooks/node-fetch (checks every resolved address); Workers the global fetch. */
  fetch?: typeof fetch;
  /** WEBHOOKS_ALLOW_LOOPBACK=1: local development and tests only. */
  allowLoopback?: boolean;
  limit?: number;
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
  const send = options.fetch ?? fetch;
  const at = now();
  // Almost every run finds nothing due: ask with a read (index seek) before taking the write lock.
  const [anyDue] = await db.orm
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, at.toISOString())))
    .limit(1);
  if (!anyDue) return { attempted: 0, delivered: 0, failed: 0 };
  const claimed = await db.write(async (tx) => {
    const due = await tx
      .select({ delivery: webhookDeliveries, url: webhooks.url, secret: webhooks.secret })
      .from(webhookDeliveries)
      .innerJoin(webhooks, and(eq(webhooks.tenantId, webhookDeliveries.tenantId), eq(webhooks.id, webhookDeliveries.webhookId)))
      .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, at.toISOString())))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(options.limit ?? 50);
    const lease = new Date(at.getTime() + LEASE_S * 1000).toISOString();
    for (const d of due) {
      await tx.update(webhookDeliveries).set({ nextAttemptAt: lease }).where(eq(webhookDeliveries.id, d.delivery.id));
    }
    return due;
  });

  const result: DispatchResult = { attempted: claimed.length, delivered: 0, failed: 0 };
  await Promise.all(
    claimed.map(async ({ delivery, url, secret }) => {
      let error: string | null = null;
      try {
        const destination = checkWebhookUrl(url, { allowLoopback: options.allowLoopback });
        if (!destination.ok) throw new Error(`refused destination: ${destination.reason}`);
        const signer = new Webhook(await openWebhookSecret(options.secretsKey, delivery.tenantId, delivery.webhookId, secret));
        const sentAt = now();
        const res = await send(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "Tsuzuku-Webhooks/1",
            "webhook-id": delivery.eventId,
            "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
            "webhook-signature": signer.sign(delivery.eventId, sentAt, delivery.payload),
          },
          body: delivery.payload,
          redirect: "manual",
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (res.status >= 300 && res.status < 400) error = `HTTP ${res.status}: redirect not followed`;
        else if (!res.ok) error = `HTTP ${res.status}`;
        await res.body?.cancel().catch(() => undefined);
      } catch (e) {
        error = e instanceof Error ? e.message.slice(0, 200) : "request failed";
      }
      const attempts = delivery.attempts + 1;
      const done = now();
      if (error === null) {
        result.delivered++;
        await db.write((tx) =>
          tx.update(webhookDeliveries).set({ status: "delivered", attempts, deliveredAt: done.toISOString(), lastError: null }).where(eq(webhookDeliveries.id, delivery.id)),
        );
        return;
      }
      const wait = RETRY_SCHEDULE_S[attempts - 1];
      if (wait === undefined) result.failed++;
      await db.write((tx) =>
        tx
          .update(webhookDeliveries)
          .set(
            wait === undefined
              ? { status: "failed", attempts, lastError: error }
              : { attempts, lastError: error, nextAttemptAt: new Date(done.getTime() + wait * 1000).toISOString() },
          )
          .where(eq(webhookDeliveries.id, delivery.id)),
      );
    }),
  );
  return result;
}
