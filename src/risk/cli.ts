import { nodeConfig } from "../config";
import { printableUrl } from "../db/server-problems";
import { migrateDatabase, openDatabase } from "../db/node";
import { progressOn } from "../platform/progress";
import { ApiError, detailIn } from "../platform/errors";
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
const wrong = command === undefined ? "which work to do (train, rescore or rebuild)" : !["train", "rescore", "rebuild"].includes(command) ? `unknown work '${command}' (train, rescore or rebuild)` : !values.tenant ? "which shop, with --tenant" : null;
if (wrong || !values.tenant) {
  console.error(`risk: ${wrong}\n${USAGE}`);
  process.exit(2);
}
const tenantId = values.tenant;
let database: CommandDatabase | undefined;
refuseInOneLine("risk", () => database);
const config = nodeConfig();
database = { url: config.databaseUrl, authToken: config.databaseAuthToken };
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken);
await migrateDatabase(db);
const store = new TenantStore(db, tenantId);
// A mistyped id would re-score nothing and say so as success.
if (!(await store.tenant())) {
  console.error(`risk: no tenant ${tenantId} in ${printableUrl(config.databaseUrl)}`);
  db.client.close();
  process.exit(2);
}
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
      const s = await rescoreTenant(db, tenantId, new Date(), { onProgress: progress("re-scoring") });
      progressLine.end();
      console.log(`re-scored ${s.rescored} subscriptions, ${s.bandChanges} band changes`);
    }
  } else if (command === "rescore") {
    const s = await rescoreTenant(db, tenantId, new Date(), { onProgress: progress("re-scoring") });
    progressLine.end();
    console.log(`re-scored ${s.rescored} subscriptions in ${((Date.now() - started) / 1000).toFixed(1)} s, ${s.bandChanges} band changes`);
  } else {
    const s = await rebuildTenantRisk(db, tenantId, new Date(), { onProgress: progress("rebuilding") });
    progressLine.end();
    console.log(`rebuilt ${s.rebuilt} risk rows from history in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (e) {
  if (e instanceof ApiError) {
    // The command speaks English, as its other lines (the API's detail is in both languages).
    console.error(`risk: ${e.code}: ${detailIn(e, "en")}`);
    process.exitCode = 1;
  } else throw e;
} finally {
  db.client.close();
}
