import { and, eq, ne } from "drizzle-orm";
import { tenants } from "../db/schema";
import { nodeConfig, startupProblem } from "../config";
import { MIGRATIONS, pendingMigrations } from "../db/migrations";
import { migrateDatabase, openDatabase } from "../db/node";
import { printableUrl } from "../db/server-problems";
import { SCOPES, type Scope } from "../platform/env";
import { PLANS } from "../platform/rate-limit";
import { commandArgs, refuseInOneLine, type CommandDatabase } from "../operations/command";
import { createTenant, issueKey } from "./keys";

/**
 * `npm run --silent tenant:create -- --name NAME --scopes read,write,admin [--plan standard|business|enterprise] [--migrate]`
 * Creates a tenant and its first key in the database at DATABASE_URL and prints one JSON line.
 * The embedded file (`file:`, the default) is migrated first, as `npm start` does. A libSQL server
 * (`libsql://`, `http(s)://`: Turso) is migrated only with `--migrate`: otherwise one that lacks any
 * of this build's migrations is refused (exit 2), so a mistyped DATABASE_URL does not get the whole
 * schema created in some other database, and the Worker's database is migrated by
 * `npm run db:migrate -- --worker` (or `npm run deploy`), with the Worker.
 */
const USAGE = `usage: npm run --silent tenant:create -- --name NAME --scopes ${SCOPES.join(",")} [--plan ${Object.keys(PLANS).join("|")}] [--migrate]`;
const { values } = commandArgs("tenant:create", USAGE, { name: { type: "string" }, scopes: { type: "string", default: "read,write,admin" }, plan: { type: "string", default: "standard" }, migrate: { type: "boolean", default: false } });
const plan = values.plan ?? "standard";
const name = values.name?.trim();
const scopes = (values.scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean);
// What is wrong, then the usage (the usage alone left a mistyped scope or plan to be guessed: trial51's kind).
const unknownScope = scopes.find((s) => !SCOPES.includes(s as Scope));
const wrong = !name
  ? "a shop name is required (--name)"
  : scopes.length === 0
    ? "at least one scope is required (--scopes)"
    : unknownScope !== undefined
      ? `unknown scope '${unknownScope}' (${SCOPES.join(", ")})`
      : !(plan in PLANS)
        ? `unknown plan '${plan}' (${Object.keys(PLANS).join(", ")})`
        : null;
if (wrong !== null || !name) {
  console.error(`tenant:create: ${wrong}\n${USAGE}`);
  process.exit(2);
}
let database: CommandDatabase | undefined;
refuseInOneLine("tenant:create", () => database);
const config = nodeConfig();
database = { url: config.databaseUrl, authToken: config.databaseAuthToken };
const where = printableUrl(config.databaseUrl);
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken);
try {
  if (config.databaseUrl.startsWith("file:") || values.migrate) {
    await migrateDatabase(db);
  } else {
    const pending = await pendingMigrations(db);
    if (pending > 0) {
      const what = pending === MIGRATIONS.length ? "has no Tsuzuku schema" : `lacks ${pending} of this build's ${MIGRATIONS.length} migrations`;
      console.error(
        `tenant:create: the database at ${where} ${what}; nothing was written. Check DATABASE_URL, then migrate that database: ` +
          "`npm run db:migrate` with the same DATABASE_URL and DATABASE_AUTH_TOKEN, or pass --migrate to migrate it here " +
          "(`npm run db:migrate -- --worker` and `npm run deploy` migrate the database wrangler.toml names).",
      );
      process.exit(2);
    }
  }
  const at = new Date();
  const result = await db.write(async (tx) => {
    const tenant = await createTenant(tx, { name, at, plan });
    const key = await issueKey(tx, { tenantId: tenant.id, name: "initial key", scopes: [...new Set(scopes)] as Scope[], at });
    return { tenantId: tenant.id, apiKey: key.secret };
  });
  console.log(JSON.stringify(result));
  // Allowed (two shops may share a trading name), but a second run by mistake is the likelier case:
  // `import` without --tenant then lists both under one name (trial51).
  const same = (await db.orm.select({ id: tenants.id }).from(tenants).where(and(eq(tenants.name, name), ne(tenants.id, result.tenantId))).orderBy(tenants.createdAt)).map((t) => t.id);
  if (same.length > 0) console.error(`tenant:create: note: ${same.join(", ")} already had the name ${JSON.stringify(name)}; ${result.tenantId} is another shop. Name the one you mean by its id (--tenant).`);
} catch (e) {
  console.error(`tenant:create: ${startupProblem(e, { url: config.databaseUrl, authToken: config.databaseAuthToken })}`);
  process.exitCode = 1;
} finally {
  db.client.close();
}
