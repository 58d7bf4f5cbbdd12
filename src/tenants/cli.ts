import { parseArgs } from "node:util";
import { nodeConfig } from "../config";
import { migrateDatabase, openDatabase } from "../db/node";
import { SCOPES, type Scope } from "../platform/env";
import { PLANS } from "../platform/rate-limit";
import { createTenant, issueKey } from "./keys";

/**
 * `npm run --silent tenant:create -- --name NAME --scopes read,write,admin [--plan standard|business|enterprise]`
 * Creates a tenant and its first key in the database at DATABASE_URL and prints one JSON line.
 */
const { values } = parseArgs({ options: { name: { type: "string" }, scopes: { type: "string", default: "read,write,admin" }, plan: { type: "string", default: "standard" } } });
const plan = values.plan ?? "standard";
const name = values.name?.trim();
const scopes = (values.scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean);
if (!name || scopes.length === 0 || scopes.some((s) => !SCOPES.includes(s as Scope)) || !(plan in PLANS)) {
  console.error(`usage: npm run --silent tenant:create -- --name NAME --scopes ${SCOPES.join(",")} [--plan ${Object.keys(PLANS).join("|")}]`);
  process.exit(2);
}
const config = nodeConfig();
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken);
await migrateDatabase(db);
const at = new Date();
const result = await db.write(async (tx) => {
  const tenant = await createTenant(tx, { name, at, plan });
  const key = await issueKey(tx, { tenantId: tenant.id, name: "initial key", scopes: [...new Set(scopes)] as Scope[], at });
  return { tenantId: tenant.id, apiKey: key.secret };
});
db.client.close();
console.log(JSON.stringify(result));
