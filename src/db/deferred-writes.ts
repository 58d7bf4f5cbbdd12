import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";

/**
 * A transaction on a libSQL server that can hold writes back (`later`) until its next statement:
 * they travel with it, or with the COMMIT, in one request. Each statement sent on its own is one
 * HTTP round trip to the server (sqld, Turso), and a plan change's writes — the plan, its history
 * row — need nothing back, so waiting for each was a round trip spent on nothing.
 */
export interface DeferringTransaction extends Transaction {
  /**
   * Queues `stmt`, a write whose result no one reads, to be sent before anything else this
   * transaction runs — in the same request as the next statement, or as the COMMIT. Order is kept.
   * If it fails, that statement (or the commit) rejects with its error, and the transaction is
   * rolled back whole as any failed write is (its caller throws).
   */
  later(stmt: InStatement): void;
}

/** Whether `tx` is a transaction of `deferringWrites` (so `later` may be used on it). */
export function defersWrites(tx: unknown): tx is DeferringTransaction {
  return typeof (tx as Partial<DeferringTransaction>).later === "function";
}

/**
 * `client` whose transactions are DeferringTransactions; every other call goes to `client` as it
 * is. For a libSQL server only: on the embedded file a statement costs no round trip.
 */
export function deferringWrites(client: Client): Client {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "transaction") return async (mode?: TransactionMode) => deferring(await target.transaction(mode));
      // Getters read with the client as `this` (its `closed` reads a private field, which the proxy has not).
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function deferring(tx: Transaction): DeferringTransaction {
  let held: InStatement[] = [];
  /** Runs `stmts` after what is held, in one request (the transaction's `batch`): their results. */
  const withHeld = async (stmts: InStatement[]): Promise<ResultSet[]> => {
    if (held.length === 0) return tx.batch(stmts);
    const sent = [...held, ...stmts];
    held = [];
    // A step that fails stops the steps after it (the client conditions each on the one before),
    // and rejects: the caller's write throws and is rolled back, held statements included.
    return (await tx.batch(sent)).slice(sent.length - stmts.length);
  };
  return {
    later(stmt) {
      held.push(stmt);
    },
    async execute(stmt) {
      if (held.length === 0) return tx.execute(stmt);
      return (await withHeld([stmt]))[0]!;
    },
    batch: withHeld,
    async executeMultiple(sql) {
      if (held.length > 0) await withHeld([]);
      return tx.executeMultiple(sql);
    },
    async commit() {
      // The held writes first, then COMMIT (with the stream's close) in the client's own request:
      // a COMMIT sent in the writes' batch would leave the client's transaction believing it is
      // still open, and a COMMIT pipelined behind the batch would run even if the batch failed.
      if (held.length > 0) await withHeld([]);
      return tx.commit();
    },
    rollback() {
      held = [];
      return tx.rollback();
    },
    close() {
      held = [];
      tx.close();
    },
    get closed() {
      return tx.closed;
    },
  };
}
