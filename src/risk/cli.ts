import { nodeConfig } from "../config";
import { migrateDatabase, openDatabase } from "../db/node";
import { progressOn } from "../platform/progress";
import { ApiError } from "../platform/errors";
import { TenantStore } from "../platform/tenancy";
import { resolveSettings } from "../settings/schemas";
import { trainTenantModel } from "./repository";
import { commandArgs, refuseInOneLine, type CommandDatabase } from "../operations/command";
import { rebuildTenantRisk, rescoreTenant } from "./rescore";

/**
 * `npm run risk -- train|rescore|rebuild --tenant TENANT_ID` against the database at DATABASE_URL:
 * long work with progress on the terminal and a one-line summary at the end.
 */
const USAGE = "usage: npm run risk -- train|rescore|rebuild --tenant TENANT_ID";
const { values, positionals } = commandArgs("risk", USAGE, { tenant: { type: "string" } }, true);
const command = positionals[0];
if (!values.tenant || !["train", "rescore", "rebuild"].includes(command ?? "")) {
  console.error(USAGE);
  process.exit(2);
}
let database: CommandDatabase | undefined;
refuseInOneLine("risk", () => database);
const config = nodeConfig();
database = { url: config.databaseUrl, authToken: config.databaseAuthToken };
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken);
await migrateDatabase(db);
const store = new TenantStore(db, values.tenant);
const started = Date.now();
const progressLine = progressOn(process.stderr);
const progress = (label: string) => (done: number, total?: number | null) =>
  progressLine.update(`${label}: ${done.toLocaleString("en-US")} subscriptions, ${((Date.now() - started) / 1000).toFixed(1)} s`, done, total ?? undefined);
try {
  if (command === "train") {
    const settings = resolveSettings((await store.tenant())?.settings);
    const r = await trainTenantModel(store, new Date(), settings.timeZone, (phase, detail) => console.error(`${phase}: ${detail}`));
    console.log(`trained ${r.version}: hold-out AUC ${r.auc} (default ${r.defaultAuc}), ${r.samples.train}+${r.samples.holdout} snapshots, ${r.active ? "now active" : "not better than the default: not activated"}`);
    if (r.active) {
      const s = await rescoreTenant(db, values.tenant, new Date(), { onProgress: progress("re-scoring") });
      progressLine.end();
      console.log(`re-scored ${s.rescored} subscriptions, ${s.bandChanges} band changes`);
    }
  } else if (command === "rescore") {
    const s = await rescoreTenant(db, values.tenant, new Date(), { onProgress: progress("re-scoring") });
    progressLine.end();
    console.log(`re-scored ${s.rescored} subscriptions in ${((Date.now() - started) / 1000).toFixed(1)} s, ${s.bandChanges} band changes`);
  } else {
    const s = await rebuildTenantRisk(db, values.tenant, new Date(), { onProgress: progress("rebuilding") });
    progressLine.end();
    console.log(`rebuilt ${s.rebuilt} risk rows from history in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (e) {
  if (e instanceof ApiError) {
    console.error(`${e.code}: ${e.detail}`);
    process.exitCode = 1;
  } else throw e;
} finally {
  db.client.close();
}
