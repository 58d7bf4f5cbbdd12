import { createClient, type InValue } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Sqlite, { type Statement } from "libsql";
import { createDatabase, type Database, type GroupCommit } from "./client";

export const DEFAULT_DATABASE_URL = "file:./data/tsuzuku.db";
export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/**
 * Opens the database at `url` from Node: an embedded libSQL file (`file:`) or a libSQL server
 * (`libsql://`, `http(s)://`, e.g. Turso) with `authToken`.
 */
export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const isFile = url.startsWith("file:");
  if (isFile) {
    const path = url.slice("file:".length);
    if (path && path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  if (isFile) cacheClientStatements();
  const client = createClient({ url, authToken });
  if (!isFile) return createDatabase(client);
  // WAL lets readers run while a write transaction is open on another pooled connection.
  await client.execute("PRAGMA journal_mode = WAL");
  // One writer in this process (the driver is synchronous): writes that queue up behind a COMMIT
  // share the next one (see GroupCommit). synchronous stays FULL: an answer still waits for its fsync.
  const group: GroupCommit = {};
  const path = url.slice("file:".length);
  if (!path || path === ":memory:" || path.includes("?")) return createDatabase(client, undefined, group);
  const reader = statementCache(path);
  const close = client.close.bind(client);
  client.close = () => {
    reader.close();
    close();
  };
  return createDatabase(client, reader, group);
}

/**
 * Reads through one more connection to the file that keeps its prepared statements. The client
 * prepares every statement afresh (≈ 0.2 ms for the key check with a route's read riding along,
 * more than running it) and builds each row property by property; the key check runs on every
 * request with a handful of distinct texts.
 * A cached statement still starts a new read on each run, so it sees every committed write (a
 * revoked key fails on its next request, as through the client).
 */
function statementCache(path: string) {
  let conn: Sqlite.Database | null = null;
  // Keyed by the text itself, one map per row mode: a key built per call (`raw ${sql}`) is a new
  // string each time, hashed and compared in full (the lookup's text is ≈ 3 kB: ≈ 2 % of its CPU).
  const statements = new Map<string, Statement>();
  const rawStatements = new Map<string, Statement>();
  const prepared = (sql: string, raw: boolean) => {
    if (!conn) {
      conn = new Sqlite(path);
      preparedAfresh.add(conn);
      // The hot reads walk several indexes of a file that may be gigabytes: map it (SQLite caps
      // the size) and keep the indexes' upper levels in a 64 MB cache. Lookup statement on the
      // 1M-subscription bench file: ≈ 100 → 83 µs.
      conn.exec("PRAGMA mmap_size = 8589934592; PRAGMA cache_size = -65536");
    }
    const kept = raw ? rawStatements : statements;
    let stmt = kept.get(sql);
    if (!stmt) {
      if (kept.size >= 100) kept.clear();
      stmt = conn.prepare(sql);
      if (raw) stmt.raw(true);
      kept.set(sql, stmt);
    }
    return stmt;
  };
  return {
    readRows: async (sql: string, args: InValue[]) => prepared(sql, false).all(args) as Record<string, unknown>[],
    readFirst: async (sql: string, args: InValue[]) => (prepared(sql, true).get(args) as unknown[] | undefined) ?? undefined,
    close: () => {
      statements.clear();
      rawStatements.clear();
      conn?.close();
      conn = null;
    },
  };
}

export async function migrateDatabase(db: Database): Promise<void> {
  await migrate(drizzle(db.client), { migrationsFolder: MIGRATIONS_FOLDER });
}

/** Connections whose statements are prepared afresh (the reader keeps its own cache: statementCache). */
const preparedAfresh = new WeakSet<Sqlite.Database>();
let cachingStatements = false;

/**
 * The embedded client prepares every statement afresh, on every call (its `execute` runs
 * `prepare` then `all`/`run`): ≈ 9 % of a plan change's CPU. Each connection of its pool keeps
 * its prepared statements by text instead (bounded); a statement that has run is reset, so a
 * kept one holds no lock and sees every committed write, and SQLite re-prepares it itself after
 * a schema change.
 */
function cacheClientStatements() {
  if (cachingStatements) return;
  cachingStatements = true;
  const prepare = Sqlite.prototype.prepare;
  const kept = new WeakMap<Sqlite.Database, Map<string, Statement>>();
  Sqlite.prototype.prepare = function (this: Sqlite.Database, sql: string) {
    if (preparedAfresh.has(this)) return prepare.call(this, sql);
    let statements = kept.get(this);
    if (!statements) kept.set(this, (statements = new Map()));
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size >= 256) statements.clear();
      stmt = prepare.call(this, sql);
      statements.set(sql, stmt);
    }
    return stmt;
  } as typeof prepare;
}
