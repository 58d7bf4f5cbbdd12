import { existsSync } from "node:fs";
import { nodeConfig, secretsKeyFile, startupProblem } from "../config";
import { openDatabase } from "../db/node";
import { printableUrl } from "../db/server-problems";
import { backupDatabase } from "./backup";
import { refuseInOneLine } from "./command";

/**
 * `npm run --silent backup -- FILE`: a consistent copy of the embedded database (DATABASE_URL,
 * default file:./data/tsuzuku.db) at FILE, taken live (the service may keep running), checked with
 * `PRAGMA integrity_check`, with the `secrets.key` beside the database copied to FILE.secrets.key.
 * Exit 1 with one line when it cannot (FILE exists, a libSQL server, …); 2 for a missing FILE.
 * README: "Upgrading, backups and going back".
 */
const target = process.argv[2];
if (!target || target.startsWith("-")) {
  console.error("usage: npm run --silent backup -- FILE   (e.g. backups/tsuzuku-$(date +%Y%m%d-%H%M).db)");
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
  db.client.close();
  console.log(`Backed up ${file} to ${target} (${done.bytes.toLocaleString("en")} bytes; integrity_check: ${done.integrity}).`);
  console.log(done.keyCopy ? `Its key: ${done.keyCopy} (restore it as secrets.key beside the database).` : "SECRETS_KEY comes from the environment: keep it with this backup; the backup cannot be served without it.");
  if (done.integrity !== "ok") process.exit(1);
} catch (e) {
  console.error(e instanceof Error && e.message.startsWith("backup:") ? e.message : `backup: ${startupProblem(e, database)}`);
  process.exit(1);
}
