import type { InValue } from "@libsql/client";
import { createClient as createFileClient } from "@libsql/client/sqlite3";
import { closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Sqlite, { type Statement } from "libsql";
import { startCheckpoints, WAL_BOUND_PAGES } from "./checkpoints";
import { walSync } from "./wal-sync";
import { createDatabase, fetchWithTimeout, type Database, type GroupCommit, type WriteStatements } from "./client";
import { createdDatabaseLine, databaseDirectory } from "../operations/database-file";
import { applyMigrations } from "../operations/migrations";
import { printableUrl } from "./server-problems";

export const DEFAULT_DATABASE_URL = "file:./data/tsuzuku.db";
/** How long a statement on the embedded file waits for another process's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;
// From src/db/ or from the bundles in dist/server/ and dist/bench/ (scripts/build-server.ts): two levels down either way.
export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/**
 * Opens the database at `url` from Node: an embedded libSQL file (`file:`) or a libSQL server
 * (`libsql://`, `http(s)://`, `ws(s)://`, e.g. Turso) with `authToken`, always over HTTP
 * (serverUrlOverHttp).
 * A file's directory is created only when it is the default one (./data); any other missing
 * directory is refused (StartupRefusal: operations/database-file). `log`: where the line saying a
 * new database file was created goes (none by default; `npm start` passes its log).
 */
/** The path of the database file a `file:` URL names, or null: a libSQL server, `:memory:`, or a URL with options (not a plain file). */
export function embeddedFile(url: string): string | null {
  const path = url.startsWith("file:") ? url.slice("file:".length) : "";
  return path !== "" && path !== ":memory:" && !path.includes("?") ? path : null;
}

export async function openDatabase(url: string, authToken?: string, options: { checkpoints?: boolean; timeoutMs?: number; log?: (line: string) => void } = {}): Promise<Database> {
  const isFile = url.startsWith("file:");
  const path = url.slice("file:".length);
  if (isFile && path && path !== ":memory:") {
    const directory = databaseDirectory(path.replace(/\?.*$/, ""), process.cwd(), existsSync);
    if (directory instanceof Error) throw directory;
    if (directory === "create") mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  const onDisk = embeddedFile(url) !== null;
  if (onDisk && ownerOnlyDatabaseFile(path, { warn: options.checkpoints !== false })) options.log?.(createdDatabaseLine(path));
  // Checkpoints in a thread of their own (db/checkpoints.ts); the client's connections opened
  // from now on leave them to it (cacheClientStatements). A reading thread passes checkpoints: false.
  if (onDisk && options.checkpoints !== false) checkpointsOffTheLoop = true;
  // Commits made durable off the loop (db/wal-sync.ts): the client's connections opened from now
  // on run synchronous = NORMAL, and this database's write queue syncs the log after each COMMIT.
  if (onDisk) syncsOffTheLoop = true;
  if (isFile) cacheClientStatements();
  // Another process writing the same file (a CLI import, a second `npm start`) holds its lock for a
  // transaction's milliseconds: wait for it, as SQLite applications usually do, rather than fail
  // at once with SQLITE_BUSY (the driver's default). Within this process writes are queued
  // (db/client), so only another process makes a statement wait — and, the driver being
  // synchronous, hold the event loop while it does.
  // The client for a libSQL server is loaded only for one: everything a module loads stays on the
  // heap every major GC marks. Always its HTTP client, as on Workers (see serverUrlOverHttp).
  // `timeoutMs` (the server: DATABASE_TIMEOUT_MS) bounds each call, as on Workers, so a server that
  // hangs is a 503 rather than a request held open; the commands pass none (a migration's
  // statement may run long).
  const client = isFile
    ? createFileClient({ url, timeout: BUSY_TIMEOUT_MS })
    : (await import("@libsql/client/http")).createClient({ url: serverUrlOverHttp(url), authToken, ...(options.timeoutMs ? { fetch: fetchWithTimeout(options.timeoutMs) } : {}) });
  if (!isFile) return createDatabase(client);
  // WAL lets readers run while a write transaction is open on another pooled connection.
  await client.execute("PRAGMA journal_mode = WAL");
  // One writer in this process (the driver is synchronous): writes that queue up behind a COMMIT
  // share the next one (see GroupCommit). An answer still waits for its fsync, now off the loop.
  if (!onDisk) return createDatabase(client, undefined, {});
  const reader = statementCache(path);
  const inWrite = writeStatements();
  const checkpoints = options.checkpoints !== false ? startCheckpoints(path) : null;
  const durable = walSync(`${resolve(path)}-wal`);
  const group: GroupCommit = { pause: checkpoints ? checkpoints.pause : undefined, durable };
  const close = client.close.bind(client);
  client.close = () => {
    reader.close();
    durable.close();
    close();
    checkpoints?.close();
  };
  return { ...createDatabase(client, reader, group, inWrite), turn: () => new Promise<void>((resolve) => setImmediate(resolve)) };
}

/**
 * The URL of a libSQL server as Node talks to it: over HTTP, whatever the scheme, as the Worker's
 * client does. `libsql://` stays (the HTTP client reads it as `https://`, `?tls=0` as `http://`);
 * `wss://` becomes `https://` and `ws://` `http://` (sqld and Turso answer both on the same
 * address). Not over WebSockets, because @libsql/client's WebSocket client (0.18) can do neither
 * thing the service needs of a server call:
 * - bound it: it takes no `fetch` and no signal, so DATABASE_TIMEOUT_MS cannot apply and a hung
 *   server holds every request open;
 * - tell a refused token: sqld answers the hello with `hello_error` (AUTH_JWT_INVALID) and closes,
 *   but against sqld the client reported `HRANA_WEBSOCKET_ERROR: WebSocket was closed with code
 *   1006` for a wrong, a missing and a malformed token alike — a lost connection's error, so
 *   `databaseFailure` said "could not be reached" where HTTP's 401 says "credentials".
 */
export function serverUrlOverHttp(url: string): string {
  return url.replace(/^ws(s?):\/\//i, (_, s: string) => `http${s.toLowerCase()}://`);
}

/**
 * The embedded file holds every customer's personal data: a new one is created readable and
 * writable by its owner only (0600), as `secrets.key` beside it is, before SQLite opens it (an
 * empty file is an empty database). SQLite creates the `-wal` and `-shm` files with the database
 * file's permissions (os_unix.c findCreateFileMode), so they follow. An existing file is never
 * chmod-ed behind the operator's back (they may share it with a backup user on purpose): when it
 * is readable by group or others, one line says so (`warn`: false in a second thread of the same
 * process, which would only repeat it). Returns whether the file was created.
 */
export function ownerOnlyDatabaseFile(path: string, options: { warn: boolean; log?: (line: string) => void }): boolean {
  const file = resolve(path);
  try {
    closeSync(openSync(file, "wx", 0o600));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const mode = statSync(file).mode & 0o777;
  if (options.warn && (mode & 0o077) !== 0) {
    (options.log ?? console.warn)(
      `Warning: ${file} is readable by other users (mode ${mode.toString(8).padStart(4, "0")}) and holds customers' personal data; run \`chmod 600 ${file}*\` unless that is meant.`,
    );
  }
  return false;
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
      // Not memory-mapped, and a page cache of 8 MB, not more: in WAL mode a read that finds the
      // file changed (any commit since this connection's last read) drops both, on this, the event
      // loop's, thread (SQLite pager.c pagerBeginReadTransaction: pager_reset, then
      // sqlite3OsUnfetch(fd, 0, 0) unmaps the whole file), at a cost that grows with what was
      // read since. On the 1M-subscription bench file, the first lookup after a write took
      // 56–192 ms mapped (1.1 GB of the file mapped after 5,000 lookups; 31–47 ms of it the
      // kernel's unmapping), ≈ 10 ms CPU with a 64 MB cache alone, 1–4 ms with the default 2 MB
      // (bench/reader-remap.ts; bench/HISTORY.md, branch loop5). 8 MB holds the inner pages of the
      // indexes a lookup walks there, which 2 MB did not (13 → 7 page reads from the OS a lookup,
      // ≈ 20 µs of system time, between writes; a reset costs ≈ 1 ms more: bench/HISTORY.md, branch dipcpu).
      // The OS page cache keeps the file.
      conn.exec("PRAGMA cache_size = -8192");
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

/**
 * Applies this build's migrations (drizzle/) that the database lacks, in one transaction; refuses a
 * database migrated by a newer build (operations/migrations). `log` (none by default; `npm start`
 * and `db:migrate` pass theirs): each migration applied, with its milliseconds, and a summary;
 * `url` names the database in those lines and in a refusal. Resolves to how many migrations it
 * applied (0: the database was up to date).
 */
export async function migrateDatabase(db: Database, options: { log?: (line: string) => void; url?: string } = {}): Promise<number> {
  return (await applyMigrations(db.client, MIGRATIONS_FOLDER, { where: options.url ? printableUrl(options.url) : "the database", log: options.log })).length;
}

/**
 * A write's statements on its transaction's own connection, through the kept statements
 * (cacheClientStatements), without the client's work around each one — argument conversion,
 * `raw()` probing, a row object built property by property, a result set — ≈ 10–20 µs a statement,
 * five a plan change. The client keeps the connection private; its `execute` runs synchronously on
 * it, so the first statement of each transaction goes through the client, and the kept prepare
 * names the connection that ran it (`lastClientConnection`). A connection no longer in its
 * transaction (a statement after COMMIT) goes back through the client, which refuses it.
 * Integers come back as numbers, as the client's default `intMode` gives them.
 */
function writeStatements(): WriteStatements {
  const connections = new WeakMap<object, Sqlite.Database>();
  // Values the native driver does not take as the client does (booleans, undefined, Dates) go through the client.
  const plain = (args: InValue[]) => args.every((v) => v === null || typeof v === "string" || typeof v === "number" || typeof v === "bigint");
  const connectionOf = (tx: object, args: InValue[]) => {
    const conn = connections.get(tx);
    return conn?.open && conn.inTransaction && plain(args) ? conn : undefined;
  };
  const viaClient = (tx: Parameters<WriteStatements["run"]>[0], sql: string, args: InValue[]) => {
    lastClientConnection = null;
    const result = tx.execute({ sql, args });
    if (lastClientConnection) connections.set(tx, lastClientConnection);
    lastClientConnection = null;
    return result;
  };
  const kept = (conn: Sqlite.Database, sql: string) => (conn.prepare(sql) as unknown as KeptStatement).safeIntegers(false);
  return {
    async all(tx, sql, args) {
      const conn = connectionOf(tx, args);
      if (!conn) return (await viaClient(tx, sql, args)).rows as unknown as Record<string, unknown>[];
      return kept(conn, sql).raw(false).all(args) as Record<string, unknown>[];
    },
    async run(tx, sql, args) {
      const conn = connectionOf(tx, args);
      if (!conn) return (await viaClient(tx, sql, args)).rowsAffected;
      return (kept(conn, sql).run(args) as { changes: number }).changes;
    },
  };
}
/** The connection of the client's latest prepare (see writeStatements). */
let lastClientConnection: Sqlite.Database | null = null;

/**
 * Whether this process checkpoints its files from a thread (openDatabase): then each connection of
 * the client lets the log grow to WAL_BOUND_PAGES before its COMMIT checkpoints on the event loop.
 * Set per connection, on its first statement (the pool opens connections as it needs them). The
 * reader (statementCache) never writes, so never checkpoints automatically.
 */
let checkpointsOffTheLoop = false;
/** Whether this process syncs its files' logs itself after each COMMIT (openDatabase, db/wal-sync.ts). */
let syncsOffTheLoop = false;

/** Connections whose statements are prepared afresh (the reader keeps its own cache: statementCache). */
const preparedAfresh = new WeakSet<Sqlite.Database>();
let cachingStatements = false;

/**
 * What the client asks of a statement on every call, answered from the kept statement: its
 * `execute` calls `safeIntegers(true)`, then `raw(true)` — which throws (≈ 9 µs, more than
 * running a one-row INSERT) for a statement that returns no data, the client's way of asking —
 * then `columns()` twice (≈ 4 µs each). The answers cannot change while the schema does not: once
 * a statement that may change it (a migration) is prepared, every kept statement is dropped.
 */
class KeptStatement {
  private safe: boolean | undefined;
  private rawMode: boolean | undefined;
  private cols: ReturnType<Statement["columns"]> | undefined;
  private readonly reader: boolean;

  constructor(private readonly stmt: Statement) {
    this.reader = stmt.reader;
  }
  safeIntegers(toggle = true) {
    if (this.safe !== toggle) this.stmt.safeIntegers((this.safe = toggle));
    return this;
  }
  raw(toggle = true) {
    if (!this.reader) throw NO_DATA;
    if (this.rawMode !== toggle) this.stmt.raw((this.rawMode = toggle));
    return this;
  }
  columns() {
    return (this.cols ??= this.stmt.columns());
  }
  run(...args: unknown[]) {
    return this.stmt.run(...args);
  }
  get(...args: unknown[]) {
    return this.stmt.get(...args);
  }
  all(...args: unknown[]) {
    return this.stmt.all(...args);
  }
  iterate(...args: unknown[]) {
    return this.stmt.iterate(...args);
  }
}
const NO_DATA = new TypeError("The raw() method is only for statements that return data");
/** Moves whenever a statement that may change the schema is prepared: every connection drops its kept statements. */
let schemaEpoch = 0;
const DDL = /^\s*(create|alter|drop)\b/i;

/**
 * The embedded client prepares every statement afresh, on every call (its `execute` runs
 * `prepare` then `all`/`run`): ≈ 9 % of a plan change's CPU. Each connection of its pool keeps
 * its prepared statements by text instead (bounded); a statement that has run is reset, so a
 * kept one holds no lock and sees every committed write, and SQLite re-prepares it itself after
 * a schema change. What the client asks of it on each call is answered from memory (KeptStatement).
 */
function cacheClientStatements() {
  if (cachingStatements) return;
  cachingStatements = true;
  const prepare = Sqlite.prototype.prepare;
  const kept = new WeakMap<Sqlite.Database, { epoch: number; statements: Map<string, KeptStatement> }>();
  Sqlite.prototype.prepare = function (this: Sqlite.Database, sql: string) {
    if (preparedAfresh.has(this)) return prepare.call(this, sql);
    lastClientConnection = this;
    let own = kept.get(this);
    if (!own && checkpointsOffTheLoop) this.exec(`PRAGMA wal_autocheckpoint = ${WAL_BOUND_PAGES}`);
    // What a write frees inside a page (an old index entry, a row's previous text) is zeroed, at
    // no extra I/O (FAST): otherwise a person's data freed before their erasure stays in the file.
    if (!own) this.exec("PRAGMA secure_delete = FAST");
    // The COMMIT writes the log without waiting for the disk; the write queue's sync does (db/wal-sync.ts).
    if (!own && syncsOffTheLoop) this.exec("PRAGMA synchronous = NORMAL");
    if (!own || own.epoch !== schemaEpoch) kept.set(this, (own = { epoch: schemaEpoch, statements: new Map() }));
    const statements = own.statements;
    let stmt = statements.get(sql);
    if (!stmt) {
      if (DDL.test(sql)) {
        schemaEpoch++;
        return prepare.call(this, sql);
      }
      if (statements.size >= 256) statements.clear();
      stmt = new KeptStatement(prepare.call(this, sql));
      statements.set(sql, stmt);
    }
    return stmt as unknown as Statement;
  } as typeof prepare;
}
