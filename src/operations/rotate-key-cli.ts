import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { nodeConfig, startupProblem } from "../config";
import { openDatabase } from "../db/node";
import { printableUrl } from "../db/server-problems";
import { commandArgs, refuseInOneLine } from "./command";
import { rotateSecretsKey } from "./rotate-key";
import { startupSecretsKey } from "./secrets-key";
import { servingProcesses } from "./serving";

/**
 * `NEW_SECRETS_KEY=… npm run --silent secrets:rotate` (the service stopped): re-encrypts the stored
 * webhook secrets from the current key (SECRETS_KEY, or `secrets.key` beside the embedded database)
 * to NEW_SECRETS_KEY in one transaction (operations/rotate-key). With a key file, the new key is
 * written to `secrets.key.new` before the database changes and renamed over `secrets.key` after.
 * One line and exit 1 when it cannot; nothing changed.
 */
const USAGE = 'usage: NEW_SECRETS_KEY=$(openssl rand -base64 32) npm run --silent secrets:rotate   (with the service stopped; README, "Changing SECRETS_KEY")';
commandArgs("secrets:rotate", USAGE, {});
refuseInOneLine("secrets:rotate");
const config = nodeConfig();
const database = { url: config.databaseUrl, authToken: config.databaseAuthToken };
const newKey = process.env.NEW_SECRETS_KEY;
if (!newKey) {
  console.error(`secrets:rotate: NEW_SECRETS_KEY is not set\n${USAGE}`);
  process.exit(2);
}
try {
  // A server on the old key stores no secret until restarted with the new one: stopped first (trial51).
  const servers = servingProcesses(config.databaseUrl);
  if (servers.length) {
    const which = servers.map((s) => `pid ${s.pid} on ${s.address}, started ${s.startedAt}`).join("; ");
    throw new Error(`secrets:rotate: ${printableUrl(config.databaseUrl)} is being served (${which}): stop the service (Ctrl-C or SIGTERM), rotate, then start it again. Nothing was changed.`);
  }
  const source = config.secretsKeySource();
  if ("file" in source && !existsSync(source.file)) throw new Error(`secrets:rotate: ${source.file} is missing: there is no current key to rotate from.`);
  const db = await openDatabase(config.databaseUrl, config.databaseAuthToken, { checkpoints: false });
  const oldKey = await startupSecretsKey(db, source, printableUrl(config.databaseUrl));
  const staged = "file" in source ? `${source.file}.new` : undefined;
  if (staged) writeFileSync(staged, newKey, { mode: 0o600 });
  const count = await rotateSecretsKey(db, oldKey, newKey).catch((e: unknown) => {
    if (staged) rmSync(staged, { force: true });
    throw e;
  });
  db.client.close();
  if ("file" in source && staged) renameSync(staged, source.file);
  console.log(`Re-encrypted ${count} webhook secret${count === 1 ? "" : "s"} under the new key.`);
  console.log("file" in source ? `${source.file} now holds the new key.` : "Now set SECRETS_KEY to the new key (the old one no longer opens the webhook secrets), then start.");
  console.log("Every customer and console session has ended; erased people's contact fingerprints no longer match (README, \"Changing SECRETS_KEY\").");
} catch (e) {
  console.error(e instanceof Error && e.message.startsWith("secrets:rotate:") ? e.message : `secrets:rotate: ${startupProblem(e, database)}`);
  process.exit(1);
}
