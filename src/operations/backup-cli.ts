import { existsSync } from "node:fs";
import { nodeConfig, secretsKeyFile, startupProblem } from "../config";
import { openDatabase } from "../db/node";
import { printableUrl } from "../db/server-problems";
import { keyBoundData } from "../platform/key-check";
import { backupDatabase } from "./backup";
import { commandArgs, refuseInOneLine } from "./command";

/**
 * `npm run --silent backup -- FILE`: a consistent copy of the embedded database (DATABASE_URL,
 * default file:./data/tsuzuku.db) at FILE, taken live (the service may keep running), checked with
 * `PRAGMA integrity_check`, with the `secrets.key` beside the database copied to FILE.secrets.key.
 * Exit 1 with one line when it cannot (FILE exists, a libSQL server, …); 2 for a missing FILE.
 * README: "Upgrading, backups and going back".
 */
const USAGE = "usage: npm run --silent backup -- FILE   (e.g. backups/tsuzuku-$(date +%Y%m%d-%H%M).db)";
const target = commandArgs("backup", USAGE, {}, true).positionals[0];
if (!target) {
  console.error(`backup: no FILE to write the copy to\n${USAGE}`);
  process.exit(2);
}
refuseInOneLine("backup");
const config = nodeConfig();
const database = { url: config.databaseUrl };
try {
  if (!config.databaseUrl.startsWith("file:")) {
    throw new Error(`backup: DATABASE_URL ${printableUrl(config.databaseUrl)} is a libSQL server; use its own backups (Turso: point-in-time restore, \`turso db shell <database> .dump\`).`);
  }
  const file = config.databaseUrl.slice("file:".length).replace(/\?.*$/, "");
  if (!existsSync(file)) throw new Error(`backup: there is no database at ${file} (DATABASE_URL=${config.databaseUrl}).`);
  const keyFile = process.env.SECRETS_KEY ? undefined : secretsKeyFile(config.databaseUrl);
  const db = await openDatabase(config.databaseUrl, undefined, { checkpoints: false });
  const done = await backupDatabase(db, target, keyFile && existsSync(keyFile) ? keyFile : undefined);
  const sealed = (await keyBoundData(db)).any;
  db.client.close();
  console.log(`Backed up ${file} to ${target} (${done.bytes.toLocaleString("en")} bytes; integrity_check: ${done.integrity}).`);
  // Three cases: a key file copied, a key in the environment, or none yet (the server writes
  // secrets.key at its first start; tenant:create and import do not) — trial51 was told "the environment".
  console.log(
    done.keyCopy
      ? `Its key: ${done.keyCopy} (restore it as secrets.key beside the database).`
      : process.env.SECRETS_KEY
        ? "SECRETS_KEY comes from the environment: keep it with this backup; the backup cannot be served without it."
        : sealed
          ? `No key beside the database (${keyFile}), though it holds secrets sealed with one: find that key and keep it with this backup; the backup cannot be served without it.`
          : `No key yet: ${keyFile} is written at the server's first start, and nothing in this database is sealed with one.`,
  );
  if (done.integrity !== "ok") process.exit(1);
} catch (e) {
  console.error(e instanceof Error && e.message.startsWith("backup:") ? e.message : `backup: ${startupProblem(e, database)}`);
  process.exit(1);
}
