import type { Client, InValue } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema";

export type Orm = LibSQLDatabase<typeof schema>;
/** What a write transaction sees: the same query builder, bound to the open transaction. */
export type Tx = Parameters<Parameters<Orm["transaction"]>[0]>[0];
export type Queryable = Orm | Tx;

/**
 * The database handle the app works with. Reads go straight to `orm`; every write goes through
 * `write`, which runs it in one transaction so a failure halfway changes nothing.
 *
 * Writes from one process are queued: the embedded libSQL driver is synchronous, so two write
 * transactions interleaving on two connections would make the second fail with SQLITE_BUSY (or
 * block the event loop the first needs to finish). On a libSQL server the queue only orders this
 * request's own writes (the Worker builds one per request); the server serialises writers.
 */
export type Database = {
  orm: Orm;
  client: Client;
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * The rows of a read run often, outside any transaction (the key check on every request, the
   * bulk re-score). Same answer as `client.execute`; on an embedded file it reuses the prepared
   * statement (see db/node.ts).
   */
  readRows(sql: string, args: InValue[]): Promise<Record<string, unknown>[]>;
  /** The first row of such a read as values in column order (no object per row), or undefined. */
  readFirst(sql: string, args: InValue[]): Promise<unknown[] | undefined>;
};

export function createDatabase(client: Client, reads?: Pick<Database, "readRows" | "readFirst">): Database {
  const orm = drizzle(client, { schema });
  let queue: Promise<unknown> = Promise.resolve();
  return {
    orm,
    client,
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const run = queue.then(() => orm.transaction(fn));
      // The queue continues whether this write succeeded or not.
      queue = run.catch(() => undefined);
      return run;
    },
    readRows: reads?.readRows ?? (async (sql, args) => (await client.execute({ sql, args })).rows),
    readFirst:
      reads?.readFirst ??
      (async (sql, args) => {
        const row = (await client.execute({ sql, args })).rows[0];
        return row ? Array.from(row) : undefined;
      }),
  };
}

/** How long one call to a libSQL server may take before the request gives up (Workers). */
export const DEFAULT_DATABASE_TIMEOUT_MS = 10_000;

/**
 * A `fetch` for the libSQL web client that gives up after `ms`: a server that stops answering
 * then fails the request with 503 `database_unavailable` instead of holding it (and an IVR caller)
 * until the platform's own limit.
 */
export function fetchWithTimeout(ms: number, base: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    return base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}

/** Whether `err` (or what it wraps) is a database call that gave up waiting (see fetchWithTimeout). */
export function isDatabaseTimeout(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { name?: unknown }).name === "TimeoutError") return true;
  }
  return false;
}
