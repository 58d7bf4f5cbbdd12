import { and, eq, not, like } from "drizzle-orm";
import type { Database } from "../db/client";
import { webhooks } from "../db/schema";
import { isSealed, openSecret, sealSecret } from "../platform/secrets";

/**
 * Webhook signing secrets are the one secret the service must use again (to sign each delivery),
 * so they are stored encrypted (platform/secrets sealSecret under "webhook-secret-encryption"),
 * bound to their tenant and endpoint, never hashed and never in plain text.
 */
const context = (tenantId: string, webhookId: string) => `webhook:${tenantId}:${webhookId}`;

export function sealWebhookSecret(root: string, tenantId: string, webhookId: string, secret: string): Promise<string> {
  return sealSecret(root, "webhook-secret-encryption", secret, context(tenantId, webhookId));
}

/** The signing secret of a stored endpoint row. A row from before encryption is read as it is (see encryptStoredWebhookSecrets). */
export function openWebhookSecret(root: string, tenantId: string, webhookId: string, stored: string): Promise<string> {
  return isSealed(stored) ? openSecret(root, "webhook-secret-encryption", stored, context(tenantId, webhookId)) : Promise.resolve(stored);
}

/**
 * Encrypts every signing secret still stored in plain text (rows written before migration 0012).
 * SQL cannot (it needs SECRETS_KEY), so Node runs this at start-up after migrating and the Worker's
 * cron runs it; idempotent, and a no-op read once done.
 */
export async function encryptStoredWebhookSecrets(db: Database, root: string): Promise<number> {
  const plain = await db.orm
    .select({ tenantId: webhooks.tenantId, id: webhooks.id, secret: webhooks.secret })
    .from(webhooks)
    .where(not(like(webhooks.secret, "enc:v1:%")));
  if (plain.length === 0) return 0;
  await db.write(async (tx) => {
    for (const row of plain) {
      const sealed = await sealWebhookSecret(root, row.tenantId, row.id, row.secret);
      // Only if still the same plain value: a concurrent PUT has already sealed its own.
      await tx.update(webhooks).set({ secret: sealed }).where(and(eq(webhooks.tenantId, row.tenantId), eq(webhooks.id, row.id), eq(webhooks.secret, row.secret)));
    }
  });
  return plain.length;
}
