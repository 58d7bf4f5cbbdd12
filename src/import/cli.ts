import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { nodeConfig } from "../config";
import { migrateDatabase, openDatabase } from "../db/node";
import { tenants } from "../db/schema";
import { resolveSettings } from "../settings/schemas";
import { progressOn } from "../platform/progress";
import { TenantStore } from "../platform/tenancy";
import { MAX_SYNC_ITEMS } from "../sync/schemas";
import { syncBatch } from "../sync/service";
import { readExport } from "./file";
import { importBatches } from "./batches";
import { Mapping, readRow, resolveColumns } from "./mapping";

/**
 * `npm run import -- FILE.csv --mapping NAME|FILE.json [--tenant ID] [--dry-run] [--from-line N]`
 *
 * Brings a cart system's customer / 定期 export into a shop, through the same code as
 * `POST /v1/sync` (one transaction per batch of up to 1,000 items). Rows are upserts by id, so an
 * interrupted import is safe to run again; it says the last line it committed. `--dry-run`
 * applies every batch and rolls it back, so it shows exactly what would change and every refused
 * row with its line number.
 */
const usage = "usage: npm run import -- FILE.csv --mapping generic|FILE.json [--tenant ID] [--dry-run] [--from-line N]";
const args = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        mapping: { type: "string", default: "generic" },
        tenant: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        "from-line": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    return fail(`${(e as Error).message}\n${usage}`);
  }
})();
const { values, positionals } = args;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const file = positionals[0];
if (!file || !existsSync(file)) fail(file ? `no file ${file}` : usage);

const builtIn = join(dirname(fileURLToPath(import.meta.url)), "mappings", `${values.mapping}.json`);
const mappingPath = existsSync(builtIn) ? builtIn : values.mapping!;
if (!existsSync(mappingPath)) fail(`no mapping "${values.mapping}" (built in: generic; or give a JSON file)`);
const mapping = Mapping.safeParse(JSON.parse(readFileSync(mappingPath, "utf8")));
if (!mapping.success) fail(`mapping ${mappingPath}: ${mapping.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
const fromLine = Number(values["from-line"] ?? 0);

const config = nodeConfig();
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken);
await migrateDatabase(db);
const shops = await db.orm.select({ id: tenants.id, name: tenants.name, settings: tenants.settings }).from(tenants);
const shop = values.tenant ? shops.find((t) => t.id === values.tenant) : shops.length === 1 ? shops[0] : undefined;
if (!shop) fail(values.tenant ? `no tenant ${values.tenant}` : `name the shop with --tenant (one of: ${shops.map((t) => `${t.id} ${t.name}`).join(", ")})`);
const settings = resolveSettings((shop.settings ?? {}) as Record<string, unknown>);
const timeZone = settings.timeZone;

const exported = readExport(readFileSync(file));
const columns = resolveColumns(mapping.data, exported.headers);
if (columns.missing.length) fail(`${file} has no column for ${columns.missing.join(", ")}; its headers: ${exported.headers.join(", ")}`);
const unused = exported.headers.filter((_, i) => ![...columns.customer, ...columns.subscription].some((c) => c.at === i));
const records = exported.records.filter((r) => r.line >= fromLine);
console.error(
  `${values["dry-run"] ? "Dry run: " : ""}${file} (${exported.encoding}, ${exported.records.length} rows) → ${shop.name} (${shop.id}) with mapping ${mapping.data.name}` +
    (unused.length ? `\n  columns not used: ${unused.join(", ")}` : "") +
    (fromLine ? `\n  from line ${fromLine}` : ""),
);

const store = new TenantStore(db, shop.id);
const totals = { created: 0, changed: 0, unchanged: 0, refused: 0 };
const refusals: string[] = [];
let lastCommitted = 0;
const progress = progressOn(process.stderr);
let stopping = false;
let stoppingSince = 0;
process.on("SIGINT", () => {
  // One Ctrl-C in a terminal reaches this process twice (from the terminal, and relayed by the
  // npm/tsx wrappers around it): only a second press, a moment later, stops at once.
  if (stopping && Date.now() - stoppingSince > 1_000) {
    console.error(`\nstopped at once. Everything up to line ${lastCommitted} is ${values["dry-run"] ? "checked" : "committed"}; run again (rows are upserts) or add --from-line ${lastCommitted + 1}.`);
    process.exit(130);
  }
  if (stopping) return;
  stopping = true; // finish the batch under way, then stop
  stoppingSince = Date.now();
  console.error("\nstopping after the batch under way (Ctrl-C again to stop at once)…");
});

try {
  const rows = records.map((r) => readRow(columns, mapping.data, r.cells, r.line, timeZone));
  for (const row of rows) if ("refused" in row) refusals.push(`line ${row.line}: ${row.refused}`);
  for (const batch of importBatches(rows, MAX_SYNC_ITEMS)) {
    if (stopping) break;
    const result = await syncBatch(store, batch, { now: new Date(), settings, dryRun: values["dry-run"] });
    for (const r of result.results) {
      if (r.result === "applied") totals[r.status === 201 ? "created" : r.changed ? "changed" : "unchanged"] += 1;
      else refusals.push(`line ${batch.lines[r.kind][r.index]}: ${r.kind} ${r.id ?? ""} ${r.error?.detail ?? ""} ${(r.error?.errors ?? []).map((e) => `${e.path}: ${e.message}`).join("; ")}`.trim());
    }
    lastCommitted = batch.lastLine;
    const lastLine = exported.records.at(-1)?.line ?? 0;
    progress.update(`  line ${lastCommitted} of ${lastLine} · ${totals.created} new · ${totals.changed} changed · ${totals.unchanged} unchanged · ${refusals.length} refused`, lastCommitted, lastLine);
  }
} catch (e) {
  console.error(`\nstopped by an error after line ${lastCommitted}: ${(e as Error).message}`);
  console.error(`Everything up to line ${lastCommitted} is ${values["dry-run"] ? "checked" : "committed"}; run again (rows are upserts) or add --from-line ${lastCommitted + 1}.`);
  db.client.close();
  process.exit(1);
}

const refusedRows = new Set(refusals.map((r) => r.split(":")[0]));
progress.end();
for (const r of refusals) console.log(`refused ${r}`);
console.log(
  JSON.stringify({
    dryRun: values["dry-run"],
    lastLine: lastCommitted,
    ...totals,
    refused: refusals.length,
    refusedRows: refusedRows.size,
    ...(stopping ? { interrupted: true, resume: `--from-line ${lastCommitted + 1}` } : {}),
  }),
);
db.client.close();
if (stopping) process.exit(130);

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
