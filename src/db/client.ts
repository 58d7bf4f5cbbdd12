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
