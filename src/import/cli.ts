import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeConfig } from "../config";
import { commandArgs, refuseInOneLine, type CommandDatabase } from "../operations/command";
import { migrateDatabase, openDatabase } from "../db/node";
import { tenants } from "../db/schema";
import { resolveSettings } from "../settings/schemas";
import { localDate } from "../platform/dates";
import { progressOn } from "../platform/progress";
import { TenantStore } from "../platform/tenancy";
import { MAX_SYNC_ITEMS } from "../sync/schemas";
import { readExport } from "./file";
import { importBatches, syncWholeRows, type KeptRow, type RowChange } from "./batches";
import { changeLines, keptLine, readExportedAt } from "./report";
import { repeatedId } from "./warnings";
import { isAheadOfClock, localDateTime } from "../platform/dates";
import { columnOf, Mapping, missingText, problemText, quotingCell, readRow, resolveColumns, type ImportRow, type Problem } from "./mapping";

/**
 * `npm run import -- FILE.csv --mapping NAME|FILE.json [--tenant ID] [--exported-at WHEN] [--dry-run] [--from-line N]`
 *
 * Brings a cart system's customer / 定期 export into a shop, through the same code as
 * `POST /v1/sync` (one transaction per batch of up to 1,000 items). A row is taken whole or not at
 * all: a refused row writes neither its customer nor its subscription (`syncWholeRows`), and every
 * problem it has is listed with its line and column. Rows are upserts by id, so an interrupted
 * import is safe to run again; it says what it committed (nothing, or up to line N) and where to
 * resume. `--dry-run` runs every batch the same way and rolls it back, so it shows exactly what
 * would change and refuses exactly the rows a run would.
 *
 * The export's time (`--exported-at`, else the file's modification time, said on the first line)
 * guards what happened in Tsuzuku after it: a row whose subscription was changed there since (a
 * pause by the IVR, an operator's restart, …: anything but a sync or an import) is kept as Tsuzuku
 * has it and listed (`kept line …`), not written (sync/after-export). Every row that creates or
 * changes something is listed with each field old → new, then the kept and refused rows, then the
 * counts — in a dry run and a real run alike.
 *
 * Exit status: 0 every row taken (or, dry, would be); 3 the file gone through with rows refused;
 * 130 stopped by Ctrl-C; 2 refused before a row was read; 1 stopped by an error.
 */
/** The exit status of a run (or a dry run) that went through the whole file and refused some of its rows. */
const EXIT_REFUSED_ROWS = 3;
const usage = "usage: npm run import -- FILE.csv --mapping generic|FILE.json [--tenant ID] [--exported-at WHEN] [--dry-run] [--from-line N]";
const { values, positionals } = commandArgs(
  "import",
  usage,
  {
    mapping: { type: "string", default: "generic" },
    tenant: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    "from-line": { type: "string" },
    "exported-at": { type: "string" },
  },
  true,
);
const file = positionals[0];
if (!file || !existsSync(file)) fail(file ? `no file ${file}` : usage);

// From the project's root: this file runs from dist/cli/import.js, two levels down as src/import/ is.
const builtIn = join(dirname(fileURLToPath(import.meta.url)), "../../src/import/mappings", `${values.mapping}.json`);
const mappingPath = existsSync(builtIn) ? builtIn : values.mapping!;
if (!existsSync(mappingPath)) fail(`no mapping "${values.mapping}" (built in: generic; or give a JSON file)`);
const mapping = Mapping.safeParse(JSON.parse(readFileSync(mappingPath, "utf8")));
if (!mapping.success) fail(`mapping ${mappingPath}: ${mapping.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
const fromLine = Number(values["from-line"] ?? 0);
// Line 1 is the header: a resume names a record's line, 2 or after.
if (values["from-line"] !== undefined && !(Number.isInteger(fromLine) && fromLine >= 2)) fail(`--from-line ${values["from-line"]}: give the line to start from, 2 or more (line 1 is the header)`);
const dryRun = values["dry-run"]!;

// Installed before anything is opened or read, so that Ctrl-C at any point says what it left.
let lastCommitted = 0;
let writing = false; // from the first batch on
let stopping = false;
let stoppingSince = 0;
/** Stopped by Ctrl-C with batches still to run (a Ctrl-C during the last batch stops nothing: the file was gone through). */
let cutShort = false;
process.on("SIGINT", () => {
  // Nothing is written yet: stop now.
  if (!writing) {
    console.error(`\nstopped. ${whereStopped()}`);
    process.exit(130);
  }
  // One Ctrl-C in a terminal reaches this process twice (from the terminal, and relayed by the
  // npm/tsx wrappers around it): only a second press, a moment later, stops at once.
  if (stopping && Date.now() - stoppingSince > 1_000) {
    console.error(`\nstopped at once. ${whereStopped()}`);
    process.exit(130);
  }
  if (stopping) return;
  stopping = true; // finish the batch under way, then stop
  stoppingSince = Date.now();
  console.error("\nstopping after the batch under way (Ctrl-C again to stop at once)…");
});

let database: CommandDatabase | undefined;
refuseInOneLine("import", () => database);
const config = nodeConfig();
database = { url: config.databaseUrl, authToken: config.databaseAuthToken };
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken);
await migrateDatabase(db);
const shops = await db.orm.select({ id: tenants.id, name: tenants.name, settings: tenants.settings }).from(tenants);
const shop = values.tenant ? shops.find((t) => t.id === values.tenant) : shops.length === 1 ? shops[0] : undefined;
if (!shop) fail(values.tenant ? `no tenant ${values.tenant}` : `name the shop with --tenant (one of: ${shops.map((t) => `${t.id} ${t.name}`).join(", ")})`);
const settings = resolveSettings((shop.settings ?? {}) as Record<string, unknown>);
const timeZone = settings.timeZone;
// When the cart system exported the file: what Tsuzuku changed after it is not overwritten.
const exportedAt = (() => {
  if (values["exported-at"] === undefined) return statSync(file).mtime.toISOString();
  try {
    return readExportedAt(values["exported-at"], timeZone);
  } catch (e) {
    return fail((e as Error).message);
  }
})();
const exportedFrom = values["exported-at"] === undefined ? "its modification time; --exported-at to set it" : "--exported-at";
// An export after now protects nothing: a wrong clock (the file copied from a machine ahead of this one) or year.
if (isAheadOfClock(exportedAt, new Date())) fail(`${file} would be exported at ${localDateTime(new Date(exportedAt), timeZone)} (${exportedFrom}), which is after now: give the export's real time with --exported-at`);
console.error(`reading ${file} as exported at ${localDateTime(new Date(exportedAt), timeZone)} (${exportedFrom})`);

const exported = readExport(await readFile(file));
await turn(); // a Ctrl-C during the (synchronous) parse is handled here
const columns = resolveColumns(mapping.data, exported.headers);
const unused = exported.headers.filter((_, i) => ![...columns.customer, ...columns.subscription].some((c) => c.at === i || c.joined?.includes(i)));
// Every row would be refused for the same reason: said once, before anything is read or written.
if (columns.missing.length) fail(missingText(file, columns.missing, unused));
const records = exported.records.filter((r) => r.line >= fromLine);
const lastLine = exported.records.at(-1)?.line ?? 0;
if (fromLine && !records.length) fail(lastLine ? `--from-line ${fromLine} is past the last row of ${file} (line ${lastLine}): nothing to import` : `${file} has no rows: nothing to import`);
// Optional, but a plan six months old read as never delivered scores as a first-month risk (trial51).
const deliveriesColumn = mapping.data.subscription?.deliveriesCompleted;
const noDeliveries =
  columns.subscription.some((c) => c.field === "id") && !columns.subscription.some((c) => c.field === "deliveriesCompleted") && mapping.data.defaults?.deliveriesCompleted === undefined
    ? [deliveriesColumn?.header ?? "deliveries_completed"].flat().map((n) => [n].flat().join("+")).join(", ")
    : null;
console.error(
  `${dryRun ? "Dry run: " : ""}${file} (${exported.encoding}, ${rowCount(exported.records.length)}) → ${shop.name} (${shop.id}) with mapping ${mapping.data.name}` +
    (unused.length ? `\n  columns not used: ${unused.join(", ")}` : "") +
    (noDeliveries ? `\n  no column for deliveriesCompleted (${noDeliveries}): a new plan is taken as not yet delivered, which the risk model reads as a new customer's; add the column to the export or the mapping` : "") +
    (fromLine ? `\n  from line ${fromLine}` : ""),
);

const store = new TenantStore(db, shop.id);
/** The customer fields this file has columns for: the others stay as Tsuzuku has them (a 定期 file naming the customer by id only). */
const customerFields = new Set(columns.customer.map((c) => c.field));
const totals = { created: 0, changed: 0, unchanged: 0 };
const refusals: { line: number; problems: Problem[] }[] = [];
/** Rows taken with something to look at (mapping `AcceptedRow.warnings`), by line and the id the merchant searches their cart for. */
const warned: { line: number; id: string; warnings: Problem[] }[] = [];
const today = localDate(new Date(), timeZone);
const kept: KeptRow[] = [];
const changes: RowChange[] = [];
const progress = progressOn(process.stderr);
const cellsByLine = new Map(records.map((r) => [r.line, r.cells]));
/**
 * A problem the sync found with a row's field. The sync echoes the value it was sent — a date as
 * the instant it was read into (`2027-01-04T15:00:00.000Z` for 2027/01/05 in Tokyo) — so a message
 * that starts with the quoted value quotes the file's cell instead, as the merchant typed it.
 */
const problemOf = (kind: "customer" | "subscription", field: string | null, message: string, line: number): Problem => {
  const at = field ? columns[kind].find((c) => c.field === field)?.at : undefined;
  return {
    column: field ? columnOf(columns[kind], field) : null,
    field,
    // "(it is 2026-12-04T22:21:28.365Z now)" beside a cell the merchant wrote in shop time: the shop's time too.
    message: quotingCell(message, at === undefined ? undefined : cellsByLine.get(line)?.[at]).replace(/\(it is (\S+) now\)/, (whole, instant: string) =>
      Number.isNaN(Date.parse(instant)) ? whole : `(it is ${localDateTime(new Date(instant), timeZone)} now)`,
    ),
  };
};

try {
  const rows: ImportRow[] = [];
  // The id a row is kept by: the 定期's, or in a customers-only file the customer's (in a file of
  // 定期 rows a customer is on each of their plans' rows).
  const byPlan = columns.subscription.some((c) => c.field === "id");
  const idColumn = columnOf(byPlan ? columns.subscription : columns.customer, "id");
  const seen = new Map<string, { line: number; cells: string[] }>();
  for (const r of records) {
    if (rows.length % 1_000 === 999) await turn(); // Ctrl-C while the rows are read stops at once
    const row = readRow(columns, mapping.data, r.cells, r.line, timeZone, today);
    const id = "refused" in row ? undefined : byPlan ? row.subscription?.id : row.customer.id;
    if (id !== undefined && !("refused" in row)) {
      const earlier = seen.get(id);
      if (earlier) row.warnings.push(repeatedId(idColumn, "id", id, earlier, r.cells));
      seen.set(id, { line: r.line, cells: r.cells });
    }
    if ("warnings" in row && row.warnings.length) warned.push({ line: row.line, id: row.subscription?.id ?? row.customer.id, warnings: row.warnings });
    rows.push(row);
  }
  for (const row of rows) if ("refused" in row) refusals.push({ line: row.line, problems: row.refused });
  writing = true;
  for (const batch of importBatches(rows, MAX_SYNC_ITEMS)) {
    if (stopping) {
      cutShort = true;
      break;
    }
    const done = await syncWholeRows(store, batch, { now: () => new Date(), settings, dryRun, exportedAt, given: customerFields }, problemOf);
    const answer = done.answer;
    refusals.push(...done.refused);
    kept.push(...done.kept);
    changes.push(...done.changes);
    warned.push(...done.warned);
    for (const r of answer?.results ?? []) totals[r.status === 201 ? "created" : r.changed ? "changed" : "unchanged"] += 1;
    lastCommitted = batch.lastLine;
    progress.update(`  line ${lastCommitted} of ${lastLine} · ${totals.created} new · ${totals.changed} changed · ${totals.unchanged} unchanged (customers and subscriptions) · ${rowCount(kept.length)} kept · ${rowCount(refusals.length)} refused`, lastCommitted, lastLine);
  }
} catch (e) {
  console.error(`\nstopped by an error after line ${lastCommitted}: ${(e as Error).message}`);
  console.error(whereStopped());
  db.client.close();
  process.exit(1);
}

progress.end();
// Stopped by Ctrl-C after a batch: said on the terminal too (the summary's `resume` goes to standard output, often a file).
if (cutShort) console.error(`stopped. ${whereStopped()}`);
else if (stopping) console.error(`stopped after the last line: the whole file was ${dryRun ? "checked (a dry run: nothing was written)" : "imported"}.`);
refusals.sort((a, b) => a.line - b.line);
kept.sort((a, b) => a.line - b.line);
// Warned rows are taken (or, in a dry run, would be): a refused row's warnings would only repeat it, and lines past the last batch were not reached.
const refusedLines = new Set(refusals.map((r) => r.line));
const warnings = warned
  .sort((a, b) => a.line - b.line)
  .filter((w) => w.line <= lastCommitted && !refusedLines.has(w.line)).flatMap((w) => w.warnings.map((p) => `warning line ${w.line} (${w.id}): ${problemText(p)}`));
// What changes (or, in a dry run, would), row by row; then the rows kept as Tsuzuku has them; then
// the refused ones, one output line per problem (messages may hold "; " themselves), each naming its
// row; then the warnings of rows taken.
const report = [
  ...changeLines(changes, timeZone),
  ...kept.map((k) => keptLine(k, timeZone)),
  ...refusals.flatMap((r) => r.problems.map((p) => `refused line ${r.line}: ${problemText(p)}`)),
  ...warnings,
  JSON.stringify({
    dryRun,
    lastLine: lastCommitted,
    exportedAt,
    ...totals,
    kept: kept.length,
    refused: refusals.length,
    problems: refusals.reduce((n, r) => n + r.problems.length, 0),
    warnings: warnings.length,
    // A row holds a customer and a subscription: the sync counts each, a refusal refuses the row.
    units: { created: "items", changed: "items", unchanged: "items", kept: "rows", refused: "rows", problems: "problems", warnings: "warnings" },
    ...(cutShort ? { interrupted: true, resume: `--from-line ${resumeAt()}` } : {}),
  }),
];
// Written whole before exiting: a pipe takes output asynchronously, and an exit (Ctrl-C's 130) would cut a long list short.
await new Promise((resolve) => process.stdout.write(report.join("\n") + "\n", resolve));
db.client.close();
// A script (or a scheduler) running the import tells "some rows were refused" from done (0) and from
// stopped (1, 2, 130). Set, not process.exit(): the process ends by itself, after the driver's native
// handles are finalised (an exit forced here aborted once in libSQL's finaliser: a panic, SIGABRT instead of 3).
if (cutShort) process.exitCode = 130;
else if (refusals.length) process.exitCode = EXIT_REFUSED_ROWS;

/** The line to resume from: after the last committed, else where this run began. */
function resumeAt() {
  return lastCommitted ? lastCommitted + 1 : Math.max(fromLine, 2);
}

/** What an interrupted run leaves, and how to go on. */
function whereStopped() {
  if (dryRun) return `Dry run: nothing was written${lastCommitted ? `; checked up to line ${lastCommitted}` : ""}.`;
  if (!lastCommitted) return `Nothing was written; run the same command again${fromLine ? ` (it starts from line ${fromLine})` : ""}.`;
  return `Everything up to line ${lastCommitted} is committed; run again (rows are upserts) or add --from-line ${resumeAt()}.`;
}

/** "1 row", "2 rows". */
function rowCount(n: number) {
  return `${n} row${n === 1 ? "" : "s"}`;
}

/** Lets the event loop run (a pending Ctrl-C is handled here). */
function turn() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A refusal before anything is written: one line named by the command, as the other commands' (the usage alone as it is). */
function fail(message: string): never {
  console.error(message.startsWith("usage:") ? message : `import: ${message}`);
  process.exit(2);
}
