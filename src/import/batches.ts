import type { z } from "@hono/zod-openapi";
import { customers } from "../db/schema";
import type { CustomerRow } from "../customers/repository";
import { inList, type TenantStore } from "../platform/tenancy";
import type { TenantSettings } from "../settings/schemas";
import type { SyncItemResult } from "../sync/schemas";
import { syncBatch, type ItemChange } from "../sync/service";
import type { TsuzukuChange } from "../platform/errors";
import type { AcceptedRow, ImportRow, Problem } from "./mapping";

export type ImportBatch = {
  customers: ({ id: string } & Record<string, unknown>)[];
  subscriptions: ({ id: string } & Record<string, unknown>)[];
  /** The file line each item came from, by kind and index, for reporting refusals. */
  lines: { customer: number[]; subscription: number[] };
  /** The last line this batch covers: when it is committed, every line up to here is done. */
  lastLine: number;
  /** The rows it was made of. */
  rows: AcceptedRow[];
};

/**
 * Cuts the rows of an export into `POST /v1/sync`-sized batches (at most `max` items), keeping a
 * row's customer and subscription in the same batch. A customer on several rows (one row per
 * subscription) is sent once per batch, as its latest row has it. Refused rows carry nothing.
 */
export function* importBatches(rows: ImportRow[], max: number): Generator<ImportBatch> {
  let chunk: AcceptedRow[] = [];
  let ids = new Set<string>();
  let items = 0;
  for (const row of rows) {
    if ("refused" in row) continue;
    let added = (ids.has(row.customer.id) ? 0 : 1) + (row.subscription ? 1 : 0);
    if (items + added > max && chunk.length) {
      yield batchOf(chunk);
      [chunk, ids, items] = [[], new Set(), 0];
      added = 1 + (row.subscription ? 1 : 0);
    }
    chunk.push(row);
    ids.add(row.customer.id);
    items += added;
  }
  if (chunk.length) yield batchOf(chunk);
}

/** The sync batch of these rows, in file order (a customer on several rows as its latest row has it). */
export function batchOf(rows: AcceptedRow[]): ImportBatch {
  const batch: ImportBatch = { customers: [], subscriptions: [], lines: { customer: [], subscription: [] }, lastLine: 0, rows };
  const at = new Map<string, number>();
  for (const row of rows) {
    const customer = { id: row.customer.id, ...row.customer.body };
    const i = at.get(row.customer.id);
    if (i !== undefined) {
      batch.customers[i] = customer;
      batch.lines.customer[i] = row.line;
    } else {
      at.set(row.customer.id, batch.customers.length);
      batch.customers.push(customer);
      batch.lines.customer.push(row.line);
    }
    if (row.subscription) {
      batch.subscriptions.push({ id: row.subscription.id, ...row.subscription.body });
      batch.lines.subscription.push(row.line);
    }
    batch.lastLine = row.line;
  }
  return batch;
}

/**
 * The customer fields a sync clears when it is not sent (`PUT /v1/customers/{id}` replaces the
 * customer), each as the stored row holds it. A field the file has no column for is sent as
 * Tsuzuku has it (`keepStored`), so a file that does not speak of it — the 定期 export beside the
 * 会員 one, which names the customer by 会員ID only — leaves it alone. (`acquisitionSource` and
 * `createdAt` the sync itself keeps when they are not sent.)
 */
const CLEARED_WHEN_UNSENT = {
  name: (r: CustomerRow) => r.name,
  nameKana: (r: CustomerRow) => r.nameKana,
  email: (r: CustomerRow) => r.email,
  phone: (r: CustomerRow) => r.phone,
  phoneExtension: (r: CustomerRow) => r.phoneExtension,
  locale: (r: CustomerRow) => r.locale,
  marketingConsent: (r: CustomerRow) => r.marketingConsent,
  postalCode: (r: CustomerRow) => r.postalCode,
  address: (r: CustomerRow) => r.address,
} as const;

/**
 * Pure: the customer a row sends, with every field the file has no column for (`given`: the
 * customer fields its columns read) taken from the customer as stored. The file's phone decides
 * the extension too (an extension written in the phone cell, or none).
 */
export function keepStored(body: Record<string, unknown>, stored: CustomerRow, given: ReadonlySet<string>): Record<string, unknown> {
  const out = { ...body };
  for (const [field, read] of Object.entries(CLEARED_WHEN_UNSENT)) {
    if (given.has(field) || (field === "phoneExtension" && given.has("phone"))) continue;
    out[field] = read(stored);
  }
  return out;
}

/**
 * Prepares a batch's customers for the sync when the file does not give every customer field
 * (`given`): a stored customer keeps what the file has no column for (`keepStored`). A file that
 * gives nothing of the customer but the id (a 定期 export) cannot create one: a row whose customer
 * Tsuzuku does not have is refused, saying to import the customers first.
 */
export async function withStoredCustomers(
  store: TenantStore,
  batch: ImportBatch,
  given: ReadonlySet<string>,
  problemOf: (kind: "customer" | "subscription", field: string | null, message: string, line: number) => Problem,
): Promise<{ batch: ImportBatch | null; refused: { line: number; problems: Problem[] }[] }> {
  if (Object.keys(CLEARED_WHEN_UNSENT).every((f) => given.has(f))) return { batch, refused: [] };
  const ids = [...new Set(batch.rows.map((r) => r.customer.id))];
  const stored = new Map<string, CustomerRow>();
  for (const row of await store.q.select().from(customers).where(store.owns(customers, inList(customers.id, ids)))) stored.set(row.id, row);
  const idOnly = [...given].every((f) => f === "id");
  const refused: { line: number; problems: Problem[] }[] = [];
  const rows: AcceptedRow[] = [];
  for (const row of batch.rows) {
    const known = stored.get(row.customer.id);
    if (!known && idOnly) {
      const message = `"${row.customer.id}" is not a customer in Tsuzuku, and this file gives nothing else of them (no name, e-mail or phone column): import the customers' file (会員) first, then this one`;
      refused.push({ line: row.line, problems: [problemOf("customer", "id", message, row.line)] });
      continue;
    }
    rows.push(known ? { ...row, customer: { ...row.customer, body: keepStored(row.customer.body, known, given) as AcceptedRow["customer"]["body"] } } : row);
  }
  return { batch: rows.length ? batchOf(rows) : null, refused };
}

type Answer = Awaited<ReturnType<typeof syncBatch>>;
/** A row not written because Tsuzuku changed its subscription (or customer) after the export (409 `changed_after_export`). */
export type KeptRow = { line: number; id: string; change: TsuzukuChange };
/** What a row's customer or subscription changed (`before` null: created), with the row's line. */
export type RowChange = ItemChange & { line: number };
/** What the sync took a row's item with but did not apply all of (`SyncItemResult.warnings`, e.g. `keep_in_touch_kept`), by line. */
export type SyncWarned = { line: number; id: string; warnings: Problem[] };
/** Thrown from inside the batch's transaction to roll it back when some row of it was refused. */
class PartlyRefused {
  constructor(readonly answer: Answer) {}
}

/**
 * Syncs a batch row by row whole: a row whose customer or subscription the sync refuses writes
 * neither. With `given` (the customer fields the file has columns for), a customer field the file
 * does not give keeps what Tsuzuku has (withStoredCustomers). The batch runs in its one transaction; when the sync refuses an item, the transaction
 * is rolled back and the batch runs again without the rows refused, until one run refuses nothing
 * and commits (a dry run rolls that one back too). A batch with no refusal runs once, as before.
 * A subscription left unprocessed because its customer was refused on another row (a customer is
 * sent as its latest row has it) is not refused: the next run tries its row with its own customer.
 *
 * Returns the sync's answer of the run that was kept (null when every row was refused) and each
 * refused row's problems; `problemOf` turns an item's field error into a problem (with its column).
 */
export async function syncWholeRows(
  store: TenantStore,
  batch: ImportBatch,
  ctx: { now: () => Date; settings: TenantSettings; dryRun: boolean; exportedAt?: string; given?: ReadonlySet<string> },
  problemOf: (kind: "customer" | "subscription", field: string | null, message: string, line: number) => Problem,
): Promise<{ answer: Answer | null; refused: { line: number; problems: Problem[] }[]; kept: KeptRow[]; changes: RowChange[]; warned: SyncWarned[] }> {
  const refused: { line: number; problems: Problem[] }[] = [];
  const kept: KeptRow[] = [];
  // The customer fields the file has no column for stay as stored (withStoredCustomers).
  if (ctx.given) {
    const prepared = await withStoredCustomers(store, batch, ctx.given, problemOf);
    refused.push(...prepared.refused);
    if (!prepared.batch) return { answer: null, refused, kept, changes: [], warned: [] };
    batch = prepared.batch;
  }
  for (;;) {
    // What the run that is kept changed (a run rolled back for a refusal starts the list again).
    const changes: ItemChange[] = [];
    const answer = await syncBatch(store, batch, {
      now: ctx.now(),
      settings: ctx.settings,
      dryRun: ctx.dryRun,
      exportedAt: ctx.exportedAt,
      onChange: (c) => changes.push(c),
      last: async (_s, a) => {
        if (a.refused || a.notProcessed) throw new PartlyRefused(a);
      },
    }).catch((e) => {
      if (e instanceof PartlyRefused) return e.answer;
      throw e;
    });
    const bad = refusedLines(answer.results, batch, problemOf);
    // A run that was rolled back always names a refused line (not_processed comes only with a refused customer).
    if (bad.size === 0 && (answer.refused || answer.notProcessed)) throw new Error("the sync left items unprocessed without refusing any: nothing of this batch was written");
    if (bad.size === 0) {
      const lines = batch.lines;
      return { answer, refused, kept, changes: changes.map((c) => ({ ...c, line: lines[c.kind][c.index]! })), warned: syncWarnings(answer.results, batch, problemOf) };
    }
    // A row whose only refusal is a change made in Tsuzuku after the export is kept as Tsuzuku has it, not refused.
    const keptNow = keptLines(answer.results, batch);
    for (const [line, problems] of bad) {
      const k = keptNow.get(line);
      if (k && k.only) kept.push({ line, id: k.id, change: k.change });
      else refused.push({ line, problems });
    }
    const rest = batch.rows.filter((r) => !bad.has(r.line));
    if (rest.length === 0) return { answer: null, refused, kept, changes: [], warned: [] };
    batch = batchOf(rest);
  }
}

/** The sync's warnings on the items it applied, by the line each item came from (its column named as for a refusal). */
function syncWarnings(
  results: z.infer<typeof SyncItemResult>[],
  batch: ImportBatch,
  problemOf: (kind: "customer" | "subscription", field: string | null, message: string, line: number) => Problem,
): SyncWarned[] {
  return results
    .filter((r) => r.result === "applied" && r.warnings?.length)
    .map((r) => {
      const line = batch.lines[r.kind][r.index]!;
      return { line, id: r.id ?? "", warnings: r.warnings!.map((w) => problemOf(r.kind, w.path, w.message, line)) };
    });
}

/** The lines with an item refused as changed in Tsuzuku after the export; `only`: nothing else of the line was refused. */
function keptLines(results: z.infer<typeof SyncItemResult>[], batch: ImportBatch): Map<number, { id: string; change: TsuzukuChange; only: boolean }> {
  const out = new Map<number, { id: string; change: TsuzukuChange; only: boolean }>();
  for (const r of results) {
    if (r.result !== "refused" || r.error?.code !== "changed_after_export" || !r.error.change) continue;
    const line = batch.lines[r.kind][r.index]!;
    // The subscription's id names the row when both are kept.
    if (!out.has(line) || r.kind === "subscription") out.set(line, { id: r.id ?? "", change: r.error.change, only: true });
  }
  for (const r of results) {
    if (r.result !== "refused" || r.error?.code === "changed_after_export") continue;
    const k = out.get(batch.lines[r.kind][r.index]!);
    if (k) k.only = false;
  }
  return out;
}

/** The lines the sync refused an item of, with what it said (field by field when it names fields). */
function refusedLines(
  results: z.infer<typeof SyncItemResult>[],
  batch: ImportBatch,
  problemOf: (kind: "customer" | "subscription", field: string | null, message: string, line: number) => Problem,
): Map<number, Problem[]> {
  const bad = new Map<number, Problem[]>();
  for (const r of results) {
    if (r.result !== "refused") continue;
    const line = batch.lines[r.kind][r.index]!;
    const prefix = `${r.kind}s.${r.index}.`;
    const problems = r.error?.errors?.length
      ? r.error.errors.map((e) => problemOf(r.kind, e.path.startsWith(prefix) ? e.path.slice(prefix.length) : e.path, e.message, line))
      : [problemOf(r.kind, null, `${r.kind} ${r.id ?? ""}: ${r.error?.detail ?? "refused"}`, line)];
    bad.set(line, [...(bad.get(line) ?? []), ...problems]);
  }
  return bad;
}
