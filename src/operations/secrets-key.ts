import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Database } from "../db/client";
import { checkSecretsKey } from "../platform/secrets";
import { keyBoundData, keyOpens } from "../platform/key-check";
import { StartupRefusal } from "./refusal";

/** Where the Node server's SECRETS_KEY comes from (config.ts secretsKeySource). */
export type SecretsKeySource = { env: string } | { file: string };

/**
 * The SECRETS_KEY the server starts with, checked against the database it serves: from the
 * environment, or the key file beside the embedded database, which is created only for a database
 * that holds nothing bound to a key (a new one) — never for one restored without its key, whose
 * webhooks would then fail to sign and sessions to verify. Refuses (StartupRefusal, one line) a key
 * that does not open the stored webhook secrets, and a missing key file for a database that needs one.
 * `where`: the database as printed; `log`: told when a key file is created (the operator backs it up
 * with the database).
 */
export async function startupSecretsKey(db: Database, source: SecretsKeySource, where: string, log: (line: string) => void = () => undefined): Promise<string> {
  const bound = await keyBoundData(db);
  if ("env" in source) {
    if (!(await keyOpens(source.env, bound.sealed))) {
      throw new StartupRefusal(
        `SECRETS_KEY does not open the webhook secrets stored in ${where}: set SECRETS_KEY to the key this database was used with (or restore the backup that matches this key). Nothing was changed.`,
      );
    }
    return source.env;
  }
  if (!existsSync(source.file)) {
    if (bound.any) {
      throw new StartupRefusal(
        `${source.file} is missing, and ${where} holds secrets encrypted or signed with the key it held (webhook secrets, sessions): restore that secrets.key from the backup taken with this database (or set SECRETS_KEY to it). A new key would leave them unreadable, so none was created.`,
      );
    }
    writeFileSync(source.file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    // Said, not silent (trial51): a database restored without this file loses its webhook secrets and sessions.
    log(`Created ${source.file}, the key that encrypts ${where}'s webhook secrets and signs its sessions: back it up with the database (npm run backup does), or set SECRETS_KEY instead.`);
  }
  const key = checkKeyFile(source.file);
  if (!(await keyOpens(key, bound.sealed))) {
    throw new StartupRefusal(
      `${source.file} does not open the webhook secrets stored in ${where}: restore the secrets.key backed up with this database (or set SECRETS_KEY to that key). Nothing was changed.`,
    );
  }
  return key;
}

function checkKeyFile(file: string): string {
  try {
    return checkSecretsKey(readFileSync(file, "utf8").trim());
  } catch (e) {
    throw new StartupRefusal(`${file}: ${(e as Error).message.replace(/^SECRETS_KEY must be set to/, "must hold")}`);
  }
}
