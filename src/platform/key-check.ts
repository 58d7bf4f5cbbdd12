import type { Database } from "../db/client";
import { openWebhookSecret, sealWebhookSecret } from "../webhooks/secret";
import { secretsKeyMismatch } from "./errors";

/**
 * Whether the SECRETS_KEY in use is the one the database's secrets were sealed with. Node checks
 * it once at start-up and refuses to start otherwise (operations/secrets-key); the Worker cannot
 * refuse to start, so it checks once per isolate (`KeyCheck`) and says it where it matters:
 * GET /health (503 `secrets_key_mismatch`), sessions, webhook deliveries. Runtime-neutral (WebCrypto).
 */

/** One stored sealed webhook secret, with the row it belongs to (its context). */
export type SealedSample = { tenantId: string; id: string; secret: string };

/**
 * What the database holds that only its SECRETS_KEY reads or matches: encrypted webhook signing
 * secrets (one of them, to try the key on), and whether any session (signed with a key derived
 * from it) is stored. A few rows read at most. (Erased people's contact fingerprints are keyed
 * with it too, but finding one would read the whole customers table.)
 */
export async function keyBoundData(db: Database): Promise<{ sealed: SealedSample | null; any: boolean }> {
  const [row] = (await db.client.execute("SELECT tenant_id, id, secret FROM webhooks WHERE secret LIKE 'enc:v1:%' LIMIT 1")).rows;
  if (row) return { sealed: { tenantId: String(row[0]), id: String(row[1]), secret: String(row[2]) }, any: true };
  const [other] = (await db.client.execute("SELECT EXISTS (SELECT 1 FROM customer_sessions) OR EXISTS (SELECT 1 FROM console_sessions)")).rows;
  return { sealed: null, any: Boolean(Number(other?.[0])) };
}

/**
 * Whether `key` opens the webhook secret the database holds (the one stored secret tried: a wrong
 * key fails AES-GCM's tag check). True when there is none to try.
 */
export async function keyOpens(key: string, sealed: SealedSample | null): Promise<boolean> {
  if (!sealed) return true;
  return openWebhookSecret(key, sealed.tenantId, sealed.id, sealed.secret).then(
    () => true,
    () => false,
  );
}

/**
 * Seals a webhook signing secret about to be stored, once `key` is seen to open the secrets the
 * database already holds, read now (not a verdict kept from earlier: `KeyCheck` keeps one for a
 * minute). A service still running with the key the database was rotated away from (`npm run
 * secrets:rotate` beside a running server; a Worker not yet given the new key) would otherwise
 * store a secret that no key in use opens, and lose it (trial51). 503 `secrets_key_mismatch`,
 * nothing stored.
 */
export async function sealUnderDatabaseKey(db: Database, key: string, tenantId: string, webhookId: string, secret: string): Promise<string> {
  if (!(await keyOpens(key, (await keyBoundData(db)).sealed))) throw secretsKeyMismatch();
  return sealWebhookSecret(key, tenantId, webhookId, secret);
}

/** A verdict is looked at again after this long (a key rotated in the database, a first webhook stored). */
export const KEY_RECHECK_MS = 60_000;

/**
 * The Worker's check: one read and one decryption when it is asked (GET /health, a session that
 * fails to verify, webhook deliveries), then a stored boolean for KEY_RECHECK_MS. Every verdict is
 * looked at again after that, "opens" included: the isolate's key never changes, but the
 * database's can (`npm run secrets:rotate` while the Worker still has the old key: trial57 saw
 * /health answer 200 for good while deliveries waited), and putting it right is seen without a
 * redeploy either way. At most one read and one decryption a minute per isolate. Plain values
 * only, never a promise: workerd forbids settling one request's I/O in another. The data dip's
 * path never asks. A database failure is thrown, not kept.
 */
export class KeyCheck {
  private verdicts = new Map<string, { opens: boolean; at: number }>();

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  /** Whether `key` opens the secrets stored in `db` (`where`: which database, to keep verdicts apart). */
  async opens(db: Database, key: string, where: string): Promise<boolean> {
    const id = `${where}\n${key}`;
    const known = this.verdicts.get(id);
    if (known && this.clock() - known.at < KEY_RECHECK_MS) return known.opens;
    const { sealed } = await keyBoundData(db);
    const opens = await keyOpens(key, sealed);
    if (!opens && known?.opens !== false) {
      this.log(
        `SECRETS_KEY does not open the webhook secrets stored in the database (webhook ${sealed!.id} of ${sealed!.tenantId}): put back the key this database was used with (\`npx wrangler secret put SECRETS_KEY\`), or rotate from it (\`npm run secrets:rotate\`). Until then GET /health answers 503, webhook deliveries wait untried, and sessions are refused.`,
      );
    }
    if (this.verdicts.size > 100) this.verdicts.clear();
    this.verdicts.set(id, { opens, at: this.clock() });
    return opens;
  }
}
