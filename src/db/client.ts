import type { Client, InValue } from "@libsql/client";
import { sql } from "drizzle-orm";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { deferringWrites } from "./deferred-writes";
import * as schema from "./schema";

export type Orm = LibSQLDatabase<typeof schema>;
/** What a write transaction sees: the same query builder, bound to the open transaction. */
export type Tx = Parameters<Parameters<Orm["transaction"]>[0]>[0];
export type Queryable = Orm | Tx;

/**
 * The database handle the app works with. Reads go straight to `orm`; every write goes through
 * `write`, which runs it in a transaction so a failure halfway changes nothing.
 *
 * Writes from one process are queued: the embedded libSQL driver is synchronous, so two write
 * transactions interleaving on two connections would make the second fail with SQLITE_BUSY (or
 * block the event loop the first needs to finish). On a libSQL server the queue only orders this
 * request's own writes (the Worker builds one per request); the server serialises writers.
 */
export type Database = {
  orm: Orm;
  client: Client;
  /**
   * Runs `fn` in a write transaction, after the writes queued before it; resolves with its result
   * once the transaction is durably committed. If `fn` throws, nothing it wrote stays and the
   * promise rejects with its error. With group commit (see `GroupCommit`) several queued writes
   * share one transaction and one COMMIT, each inside its own SAVEPOINT.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * The rows of a read run often, outside any transaction (the key check on every request, the
   * bulk re-score). Same answer as `client.execute`; on an embedded file it reuses the prepared
   * statement (see db/node.ts).
   */
  readRows(sql: string, args: InValue[]): Promise<Record<string, unknown>[]>;
  /** The first row of such a read as values in column order (no object per row), or undefined. */
  readFirst(sql: string, args: InValue[]): Promise<unknown[] | undefined>;
  /**
   * Statements of a write run on its transaction's connection (`tx`: the client's transaction)
   * without the client's per-statement work, where the driver allows it (the embedded file on
   * Node, db/node.ts); otherwise through `tx.execute`. Same rows and counts.
   */
  inWrite?: WriteStatements;
  /**
   * Where every statement holds the event loop (the embedded file on Node: a synchronous
   * driver), a turn of the loop, so requests are answered between the slices of a long piece of
   * work (a bulk sync's 1,000 rows; maintenance). Absent where statements are network I/O.
   */
  turn?: () => Promise<void>;
  /**
   * While writes fail for the disk's sake (`disk`, `unconfirmed`: see DatabaseFailure), the last
   * such failure: its kind, when they began failing (`since`) and the latest (`at`), UTC ISO;
   * null again once a write is committed and confirmed. GET /health answers 503 meanwhile.
   */
  writesFailing(): WriteFailure | null;
};

/** See `Database.writesFailing`. */
export type WriteFailure = { kind: "disk" | "unconfirmed"; since: string; at: string };

/**
 * A COMMIT that went through (the transaction is in the database: this process's readers see it)
 * but whose sync of the write-ahead log failed: whether the disk keeps it is unknown, and a power
 * cut may lose it. Its writers are failed with this (db/wal-sync.ts); `cause` is the sync's error.
 */
export class UnconfirmedCommit extends Error {
  constructor(cause: unknown) {
    super("The transaction was committed, but the disk did not confirm it (fdatasync of the write-ahead log failed): it is in the database and may be lost if the machine stops before the disk writes it.", { cause });
    this.name = "UnconfirmedCommit";
  }
}

/** Follows whether writes are failing for the disk's sake (Database.writesFailing). */
function writeHealth(now: () => Date = () => new Date()) {
  let failing: WriteFailure | null = null;
  return {
    failing: () => failing,
    /** A write failed with `error`: kept when it is the disk's failure. */
    failed(error: unknown) {
      const kind = databaseFailure(error);
      if (kind !== "disk" && kind !== "unconfirmed") return;
      const at = now().toISOString();
      failing = { kind, since: failing?.since ?? at, at };
    },
    /** A write was committed and, where that is this process's job, synced. */
    ok() {
      failing = null;
    },
  };
}

/** How `TenantStore` runs a built statement inside a write (see `Database.inWrite`). */
export type WriteStatements = {
  all(tx: Pick<Client, "execute">, sql: string, args: InValue[]): Promise<Record<string, unknown>[]>;
  run(tx: Pick<Client, "execute">, sql: string, args: InValue[]): Promise<number>;
};

/**
 * Group commit (the embedded file on Node): writes that queued while the previous transaction ran
 * and committed run together in one transaction, each inside its own SAVEPOINT, so one COMMIT —
 * one sync of the WAL (db/wal-sync.ts) — serves them all. A write that throws rolls back
 * to its savepoint only; if the transaction itself is lost or its COMMIT fails, every write of the
 * group fails (none of them happened). Callers' promises settle only after the COMMIT, in order.
 * `maxWrites` bounds a group (default 32); writes that arrive while it runs join it only within
 * `maxMs` of its start (default 4 ms), so the first never waits long behind later ones. The technique is the classic one of
 * database logs (Gray & Reuter, *Transaction Processing*, §9.4.7, "group commit").
 */
export type GroupCommit = {
  maxWrites?: number;
  maxMs?: number;
  /** Null, or a wait before the next transaction begins (the log's checkpoint thread: db/checkpoints.ts). */
  pause?: () => Promise<void> | null;
  /**
   * Where the COMMIT itself does not wait for the disk (db/wal-sync.ts): resolves once what was
   * committed before the call is durable. The group's writers are answered only then, while the
   * next group already runs; rejecting fails every write of the group.
   */
  durable?: () => Promise<void>;
};

type Queued = { fn: (tx: Tx) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The Database over `client`. Without `group` (a libSQL server: the Worker, or Node given a server's
 * URL) each write is a transaction of its own, whose writes can be held back to travel with its
 * next statement (db/deferred-writes, TenantStore.later).
 */
export function createDatabase(client: Client, reads?: Pick<Database, "readRows" | "readFirst">, group?: GroupCommit, inWrite?: WriteStatements): Database {
  const orm = drizzle(group ? client : deferringWrites(client), { schema });
  const health = writeHealth();
  return {
    orm,
    client,
    inWrite,
    write: group ? groupedWrites(orm, group, health) : serialWrites(orm, health),
    writesFailing: health.failing,
    readRows: reads?.readRows ?? (async (sql, args) => (await client.execute({ sql, args })).rows),
    readFirst:
      reads?.readFirst ??
      (async (sql, args) => {
        const row = (await client.execute({ sql, args })).rows[0];
        return row ? Array.from(row) : undefined;
      }),
  };
}

/** One transaction per write, one after the other (a libSQL server; the Worker). */
function serialWrites(orm: Orm, health: ReturnType<typeof writeHealth>): Database["write"] {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const run = queue.then(() => orm.transaction(fn));
    run.then(health.ok, health.failed);
    // The queue continues whether this write succeeded or not.
    queue = run.catch(() => undefined);
    return run;
  };
}

/** Writes queued while a transaction runs share the next one (see `GroupCommit`). */
function groupedWrites(orm: Orm, { maxWrites = 32, maxMs = 4, pause, durable }: GroupCommit, health: ReturnType<typeof writeHealth>): Database["write"] {
  const pending: Queued[] = [];
  let draining = false;
  // Groups are answered in the order they committed, each once its sync is done (see `durable`).
  let answered: Promise<void> = Promise.resolve();

  /** Runs one queued write inside the open transaction, behind a savepoint; false if the transaction is lost. */
  const runBehindSavepoint = async (tx: Tx, item: Queued, outcomes: Outcome[]): Promise<boolean> => {
    await tx.run(sql.raw("SAVEPOINT tsuzuku_write"));
    try {
      outcomes.push({ ok: true, value: await item.fn(tx) });
    } catch (error) {
      outcomes.push({ ok: false, error });
      // ROLLBACK TO fails when SQLite already rolled the whole transaction back (an I/O error,
      // a full disk): then the writes before this one are gone too.
      try {
        await tx.run(sql.raw("ROLLBACK TO tsuzuku_write"));
      } catch {
        return false;
      }
    }
    try {
      await tx.run(sql.raw("RELEASE tsuzuku_write"));
      return true;
    } catch {
      return false;
    }
  };

  const runGroup = async (): Promise<void> => {
    const group: Queued[] = [];
    const outcomes: Outcome[] = [];
    const lost = new Error("The write transaction was rolled back by the database; this write did not happen.");
    let committed: unknown = null;
    try {
      await orm.transaction(async (tx) => {
        if (pending.length === 1) {
          // Alone: the write is the transaction (no savepoint), as without group commit.
          const item = pending.shift()!;
          group.push(item);
          try {
            outcomes.push({ ok: true, value: await item.fn(tx) });
          } catch (error) {
            outcomes.push({ ok: false, error });
            throw error;
          }
          return;
        }
        // Every write queued when the group starts is in it (up to maxWrites); those that arrive
        // while it runs join within maxMs of its start.
        const queued = Math.min(pending.length, maxWrites);
        const started = performance.now();
        while (pending.length > 0 && group.length < maxWrites && (group.length < queued || performance.now() - started < maxMs)) {
          const item = pending.shift()!;
          group.push(item);
          if (!(await runBehindSavepoint(tx, item, outcomes))) throw lost;
        }
      });
    } catch (error) {
      committed = error;
      // The transaction did not even begin (a locked file, a closed client): the first write
      // fails with that error, as it would have alone, and the queue goes on.
      if (group.length === 0) group.push(pending.shift()!);
    }
    // Settle in queue order, only now that the COMMIT (or its failure) is known — and, where the
    // COMMIT did not wait for the disk, once the disk has what it wrote.
    const settle = (failed: unknown) =>
      group.forEach((item, i) => {
        const outcome = outcomes[i];
        if (outcome && !outcome.ok) item.reject(outcome.error);
        else if (failed !== null) item.reject(failed);
        else item.resolve(outcome!.value);
      });
    if (committed !== null) health.failed(committed);
    else if (!durable) health.ok();
    if (!durable) return settle(committed);
    if (committed !== null) {
      answered = answered.then(() => settle(committed));
      return;
    }
    const synced = durable().then(
      () => (health.ok(), null),
      (error: unknown) => {
        const unconfirmed = new UnconfirmedCommit(error);
        health.failed(unconfirmed);
        return unconfirmed;
      },
    );
    answered = answered.then(() => synced).then(settle);
  };

  const drain = async () => {
    try {
      while (pending.length > 0) {
        const wait = pause?.();
        if (wait) await wait;
        await runGroup();
        // The driver is synchronous: nothing can queue while a group runs and commits. One turn
        // of the event loop after it lets requests already under way queue their writes, which
        // then share the next COMMIT. A write to an idle queue starts at once.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      draining = false;
    }
  };

  return <T>(fn: (tx: Tx) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!draining) {
        draining = true;
        void drain();
      }
    });
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

/**
 * How a libSQL server (sqld, Turso) failed a call, when it is the server and not the statement:
 * `timeout`, it did not answer within the call's time (see fetchWithTimeout); `unreachable`, the
 * connection was refused, reset or lost, or the server answered with a 5xx; `credentials`, it
 * answered 401 or 403 (DATABASE_AUTH_TOKEN missing, wrong or expired). Null for everything else:
 * For the embedded file: `disk`, the file refused the write (SQLITE_IOERR, SQLITE_READONLY,
 * SQLITE_CANTOPEN, SQLITE_FULL: a failing, read-only or full disk; the transaction rolled back and
 * nothing was written); `unconfirmed`, the COMMIT went through but its sync failed
 * (UnconfirmedCommit: written, maybe not kept). `busy`: the write could not have the database's
 * write lock — SQLITE_BUSY ("database is locked": sqld's wait for it ran out, or another process
 * writes the embedded file, `npm run import` beside `npm start`) or TRANSACTION_TIMEOUT (sqld and
 * Turso took it back from a transaction that held it about 5 s while others waited). Both happen
 * to the Worker under concurrent writes: each request has its own client (worker.ts). The
 * transaction is rolled back, nothing was written, and the same write can be sent again shortly.
 * Null for everything else: a failed statement, a constraint, a bug.
 * The one place that decides what a database failure is: app.ts answers these 503
 * `database_unavailable`, /health says which.
 */
export type DatabaseFailure = "timeout" | "unreachable" | "credentials" | "disk" | "unconfirmed" | "busy";

/** SQLite's result codes (and their extended codes) for a disk that cannot take a write. */
const DISK_CODES = /^SQLITE_(IOERR|READONLY|CANTOPEN|FULL)/;

/** Error codes of Node's sockets (and undici's) that mean the server could not be reached. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
  // The libSQL client's own, over WebSockets (libsql:// URLs on Node).
  "HRANA_WEBSOCKET_ERROR",
]);

/** What `err` (or what it wraps: drizzle and the clients wrap the driver's error) says of the database server; see DatabaseFailure. */
export function databaseFailure(err: unknown): DatabaseFailure | null {
  let found: DatabaseFailure | null = null;
  someCause(err, (e) => {
    const { name, code, status, message } = e as { name?: unknown; code?: unknown; status?: unknown; message?: unknown };
    if (e instanceof UnconfirmedCommit) found = "unconfirmed";
    else if (typeof code === "string" && DISK_CODES.test(code)) found = "disk";
    else if (code === "TRANSACTION_TIMEOUT" || (typeof code === "string" && code.startsWith("SQLITE_BUSY"))) found = "busy";
    else if (name === "TimeoutError") found = "timeout";
    // The libSQL client's HttpServerError: the server (or a proxy before it) answered this status.
    else if (name === "HttpServerError" && typeof status === "number") found = status === 401 || status === 403 ? "credentials" : status >= 500 ? "unreachable" : null;
    else if (typeof code === "string" && UNREACHABLE_CODES.has(code)) found = "unreachable";
    // fetch's own failure: undici's TypeError "fetch failed" (its cause says why), workerd's "Network connection lost." and the like.
    else if (typeof message === "string" && /^(fetch failed|network connection lost|.*\bconnect(ion)? (refused|reset))/i.test(message)) found = "unreachable";
    return found !== null;
  });
  return found;
}

/**
 * A database failure for the log, one line: each error in the chain as `name (code): message`,
 * without drizzle's "Failed query" wrapper (its parameters are customers' data) and with any
 * `authToken=` value (a token in a libsql:// URL) cut out.
 */
export function describeCauses(err: unknown): string {
  const parts: string[] = [];
  someCause(err, (e) => {
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    const text = String(message ?? e);
    if (!text.startsWith("Failed query:")) parts.push(`${String(name ?? "Error")}${typeof code === "string" ? ` (${code})` : ""}: ${text}`);
    return false;
  });
  return parts.join(" ← ").replace(/(authToken=)[^&\s]+/gi, "$1…");
}

/** The database answered that a table does not exist (a database never migrated for this build). */
export function isMissingTable(err: unknown): boolean {
  return someCause(err, (e) => /no such table/i.test(String((e as { message?: unknown }).message ?? e)));
}

/** `err` or one of its causes (drizzle and the clients wrap the driver's error) passes `test`. */
function someCause(err: unknown, test: (e: unknown) => boolean): boolean {
  for (let e = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e)) return true;
  }
  return false;
}
