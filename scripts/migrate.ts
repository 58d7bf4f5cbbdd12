import { nodeConfig, startupProblem } from "../src/config";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { printableUrl } from "../src/db/server-problems";
import { commandArgs, refuseInOneLine, type CommandDatabase } from "../src/operations/command";

/**
 * `npm run db:migrate`: apply drizzle/ to DATABASE_URL (default: the embedded file).
 * `npm run db:migrate -- --worker` (what `npm run deploy` runs): the database the Worker is deployed
 * against — wrangler.toml's `[vars] DATABASE_URL`, read with wrangler's own config reader. A
 * DATABASE_URL in the environment must then name the same database, so a deploy never migrates
 * one database and serves from another; an embedded `file:` URL is refused.
 * A server that refuses DATABASE_AUTH_TOKEN (or gets none) or cannot be reached is said in one line
 * (exit 1), without the driver's error chain; the token is never printed.
 */
const USAGE = "usage: npm run db:migrate [-- --worker]   (--worker: the libSQL server wrangler.toml deploys against, with DATABASE_AUTH_TOKEN)";
// Strict: a mistyped --worker must not migrate the embedded file instead (trial51), nor --help create one.
const worker = commandArgs("db:migrate", USAGE, { worker: { type: "boolean", default: false } }).values.worker === true;
let database: CommandDatabase | undefined;
refuseInOneLine("db:migrate", () => database);
const fromToml = worker ? String((await import("wrangler")).unstable_readConfig({ config: "wrangler.toml" }).vars?.DATABASE_URL ?? "") : "";
if (worker) {
  const fromEnv = process.env.DATABASE_URL;
  if (!fromToml || fromToml.startsWith("file:")) fail(`wrangler.toml has no libSQL server in [vars] DATABASE_URL (found ${JSON.stringify(fromToml)}): put your Turso database's URL there.`);
  if (fromEnv && fromEnv !== fromToml) fail(`DATABASE_URL (${fromEnv}) is not the database wrangler.toml deploys against (${fromToml}); unset it or make them the same.`);
  if (!process.env.DATABASE_AUTH_TOKEN && fromToml.startsWith("libsql:")) fail("DATABASE_AUTH_TOKEN is not set: export the token the Worker uses (`turso db tokens create …`) for the migration.");
}
const config = nodeConfig(worker ? { ...process.env, DATABASE_URL: fromToml, SEED_DEMO: "0" } : process.env);
database = { url: config.databaseUrl, authToken: config.databaseAuthToken };
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken);
const outcome = await migrateDatabase(db, { log: console.log, url: config.databaseUrl }).then(
  (applied) => ({ applied }),
  (e: unknown) => ({ failed: e ?? "failed" }),
);
db.client.close();
if ("failed" in outcome) {
  console.error(`db:migrate: ${startupProblem(outcome.failed, { url: config.databaseUrl, authToken: config.databaseAuthToken })}`);
  process.exit(1);
}
// "migrated" after nothing was applied read as if something had been (trial51).
console.log(outcome.applied ? `migrated ${printableUrl(config.databaseUrl)}` : `${printableUrl(config.databaseUrl)} is up to date: no migration to apply`);

/** A setting that names no database to migrate, or another one than the Worker's: exit 1, as every command's bad setting (2 is for the command line itself). */
function fail(message: string): never {
  console.error(`db:migrate --worker: ${message}`);
  process.exit(1);
}
