import type { ImportRow } from "./mapping";

export type ImportBatch = {
  customers: ({ id: string } & Record<string, unknown>)[];
  subscriptions: ({ id: string } & Record<string, unknown>)[];
  /** The file line each item came from, by kind and index, for reporting refusals. */
  lines: { customer: number[]; subscription: number[] };
  /** The last line this batch covers: when it is committed, every line up to here is done. */
  lastLine: number;
};

/**
 * Cuts the rows of an export into `POST /v1/sync`-sized batches (at most `max` items), keeping a
 * row's customer and subscription in the same batch. A customer on several rows (one row per
 * subscription) is sent once per batch, as its latest row has it. Refused rows carry nothing.
 */
export function* importBatches(rows: ImportRow[], max: number): Generator<ImportBatch> {
  let batch = empty();
  for (const row of rows) {
    if ("refused" in row) continue;
    let at = batch.customers.findIndex((c) => c.id === row.customer.id);
    if (batch.customers.length + batch.subscriptions.length + (at >= 0 ? 0 : 1) + (row.subscription ? 1 : 0) > max) {
      yield batch;
      batch = empty();
      at = -1;
    }
    const customer = { id: row.customer.id, ...row.customer.body };
    if (at >= 0) {
      batch.customers[at] = customer;
      batch.lines.customer[at] = row.line;
    } else {
      batch.customers.push(customer);
      batch.lines.customer.push(row.line);
    }
    if (row.subscription) {
      batch.subscriptions.push({ id: row.subscription.id, ...row.subscription.body });
      batch.lines.subscription.push(row.line);
    }
    batch.lastLine = row.line;
  }
  if (batch.customers.length) yield batch;
}

function empty(): ImportBatch {
  return { customers: [], subscriptions: [], lines: { customer: [], subscription: [] }, lastLine: 0 };
}
