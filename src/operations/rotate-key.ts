import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { webhooks } from "../db/schema";
import { checkSecretsKey } from "../platform/secrets";
import { openWebhookSecret, sealWebhookSecret } from "../webhooks/secret";
import { StartupRefusal } from "./refusal";

/**
 * Re-encrypts every stored webhook signing secret (and the previous one kept during a rotation's
 * overlap) from `oldKey` to `newKey`, in one write transaction: a secret the old key does not open
 * refuses the whole change (StartupRefusal) and nothing is written. Returns how many endpoints
 * were re-encrypted. What a new key cannot carry over — sessions signed with the old one, erased
 * people's contact fingerprints — is the README's ("Changing SECRETS_KEY"). The service must be
 * stopped: a running one keeps sealing with the key it started with.
 */
export async function rotateSecretsKey(db: Database, oldKey: string, newKey: string): Promise<number> {
  checkSecretsKey(newKey);
  if (newKey === oldKey) throw new StartupRefusal("The new key is the current one: nothing to do.");
  return db.write(async (tx) => {
    const rows = await tx.select({ tenantId: webhooks.tenantId, id: webhooks.id, secret: webhooks.secret, previousSecret: webhooks.previousSecret }).from(webhooks);
    for (const row of rows) {
      const open = (stored: string) =>
        openWebhookSecret(oldKey, row.tenantId, row.id, stored).catch(() => {
          throw new StartupRefusal(`The current key does not open the secret of webhook ${row.id} (tenant ${row.tenantId}): nothing was changed. Start with the key this database was used with first.`);
        });
      const secret = await sealWebhookSecret(newKey, row.tenantId, row.id, await open(row.secret));
      const previousSecret = row.previousSecret ? await sealWebhookSecret(newKey, row.tenantId, row.id, await open(row.previousSecret)) : null;
      await tx.update(webhooks).set({ secret, previousSecret }).where(and(eq(webhooks.tenantId, row.tenantId), eq(webhooks.id, row.id)));
    }
    return rows.length;
  });
}
