import { nodeConfig } from "../src/config";
import { migrateDatabase, openDatabase } from "../src/db/node";

// `npm run db:migrate`: apply drizzle/ to DATABASE_URL (e.g. your Turso database before a deploy).
const config = nodeConfig();
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken);
await migrateDatabase(db);
db.client.close();
console.log(`migrated ${config.databaseUrl.replace(/\?.*$/, "")}`);
