import type { Client, InStatement } from "@libsql/client";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { StartupRefusal } from "./refusal";

/** A migration of this build: its journal tag (`0041_move_offer_no_address_promise`) and `when`, the `created_at` it is recorded with. */
export type Migration = { tag: string; when: number };

/**
 * What migrating a database recording `applied` (its __drizzle_migrations `created_at` values)
 * means for a build that knows `known` (its journal, oldest first):
 * - `newer`: the newest recorded migration this build does not have — the database was migrated
 *   by a newer build, whose schema this one does not know (refuse; null when there is none);
 * - `pending`: the migrations to apply, drizzle's rule: those after the latest recorded one;
 * - `fresh`: nothing was ever applied (a new database).
 */
export function migrationPlan(known: readonly Migration[], applied: readonly number[]): { newer: number | null; pending: Migration[]; fresh: boolean } {
  const ours = new Set(known.map((m) => m.when));
  const unknown = applied.filter((when) => !ours.has(when));
  const latest = applied.length ? Math.max(...applied) : 0;
  return {
    newer: unknown.length ? Math.max(...unknown) : null,
    pending: unknown.length ? [] : known.filter((m) => m.when > latest),
    fresh: applied.length === 0,
  };
}

/** The refusal for a database a newer build migrated (`name`: that migration's tag, when the database records it). */
export function newerDatabaseRefusal(where: string, when: number, name: string | null): StartupRefusal {
  const which = name ? `migration ${name}` : `a migration of ${new Date(when).toISOString().slice(0, 10)} this build does not have`;
  return new StartupRefusal(
    `The database ${where} was migrated by a newer Tsuzuku (${which}): start that version, or restore the backup taken before upgrading (README, "Upgrading, backups and going back").`,
  );
}

const MIGRATIONS_TABLE = `"__drizzle_migrations"`;
/** The migration that creates migration_names. */
const NAMES_MIGRATION = "0042_migration_names";

/**
 * Applies `folder`'s migrations that the database lacks, as drizzle's libSQL migrator does (same
 * table, hash and `created_at`, one transaction with foreign keys off: a failing migration leaves
 * the database as it was), and says what it did through `log`: before, how many are applied; after,
 * each migration's tag and milliseconds (timed inside the transaction) and a summary. A new database
 * gets one line. Nothing is said when nothing is pending.
 * Refuses (StartupRefusal, nothing changed) a database that records a migration this build does
 * not have, and names a migration that fails. `where`: the database as printed in those lines.
 * Returns the migrations applied, with their milliseconds.
 * Several processes may migrate one database at once (two `npm start` on one libSQL server, started
 * together by a deploy): the plan is read before the transaction, so the one that commits second
 * fails on what the first created. Its failure is then read against the database again: migrations
 * another process applied meanwhile are said as such (and the rest, if any, applied), never reported
 * as a failed migration.
 */
export async function applyMigrations(client: Client, folder: string, options: { where: string; log?: (line: string) => void }): Promise<{ tag: string; ms: number }[]> {
  const log = options.log ?? (() => {});
  const known: Migration[] = (JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as { entries: Migration[] }).entries.map(({ tag, when }) => ({ tag, when }));
  const files = new Map(readMigrationFiles({ migrationsFolder: folder }).map((m) => [m.folderMillis, m]));
  await client.execute(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  // One record per migration: the process whose transaction commits second then fails on recording
  // what the first recorded, and rolls back whole, even when every statement of its migrations could
  // run again (an index dropped and made again, an UPDATE): they are never applied, nor recorded, twice.
  // A database that already records one twice (before this) keeps working without the index.
  await client.execute(`CREATE UNIQUE INDEX IF NOT EXISTS "__drizzle_migrations_created_at" ON ${MIGRATIONS_TABLE} (created_at)`).catch(() => undefined);
  const appliedNow = async () => (await client.execute(`SELECT created_at FROM ${MIGRATIONS_TABLE}`)).rows.map((r) => Number(r[0]));
  const plan = migrationPlan(known, await appliedNow());
  if (plan.newer !== null) throw newerDatabaseRefusal(options.where, plan.newer, await recordedName(client, plan.newer));
  if (plan.pending.length === 0) return [];

  // A timestamp read before each migration and after the last, in the transaction: each one's milliseconds.
  const mark: InStatement = "SELECT julianday('now') * 86400000.0";
  const statements: InStatement[] = [];
  const firstOf: number[] = [];
  const marks: number[] = [];
  for (const m of plan.pending) {
    const file = files.get(m.when)!;
    marks.push(statements.push(mark) - 1);
    firstOf.push(statements.length);
    statements.push(...file.sql, { sql: `INSERT INTO ${MIGRATIONS_TABLE} ("hash", "created_at") VALUES (?, ?)`, args: [file.hash, file.folderMillis] });
  }
  marks.push(statements.push(mark) - 1);
  const namesFrom = statements.length;
  // The names table exists from its own migration on: a build before it (a test's cut journal) records none.
  if (known.some((m) => m.tag === NAMES_MIGRATION)) for (const m of known) statements.push({ sql: "INSERT OR IGNORE INTO migration_names (created_at, name) VALUES (?, ?)", args: [m.when, m.tag] });

  const last = plan.pending.at(-1)!.tag;
  if (!plan.fresh) log(`Migrating ${options.where}: ${plan.pending.length} migration${plan.pending.length === 1 ? "" : "s"} to apply (${plan.pending[0]!.tag} … ${last}), in one transaction…`);
  const started = Date.now();
  let results;
  try {
    results = await client.migrate(statements);
  } catch (e) {
    const index = (e as { statementIndex?: unknown }).statementIndex;
    if (typeof index !== "number") throw e;
    // Another process may have migrated the database meanwhile: what it applied is not a failure.
    const meanwhile = await appliedNow().catch(() => null);
    const now = meanwhile && migrationPlan(known, meanwhile);
    if (now && now.newer === null && now.pending.length < plan.pending.length) {
      const byOther = plan.pending.length - now.pending.length;
      log(`${options.where} was migrated meanwhile by another process (${byOther} migration${byOther === 1 ? "" : "s"}${now.pending.length === 0 ? `, now at ${last}` : ""})`);
      return now.pending.length === 0 ? [] : applyMigrations(client, folder, options);
    }
    const failed = index >= namesFrom ? "(recording the migrations' names)" : plan.pending[firstOf.findLastIndex((first) => first <= index)]!.tag;
    throw new StartupRefusal(
      `Migration ${failed} failed on ${options.where} (${(e as Error).message}); nothing was migrated, the database is as it was. Keep this database and its backup, and report the line above.`,
    );
  }
  const at = (i: number) => Number(results[marks[i]!]!.rows[0]![0]);
  const done = plan.pending.map((m, i) => ({ tag: m.tag, ms: Math.round(at(i + 1) - at(i)) }));
  if (plan.fresh) {
    log(`Created the schema of ${options.where} in ${Date.now() - started} ms (${done.length} migrations, now at ${last})`);
  } else {
    for (const m of done) log(`  applied ${m.tag} in ${m.ms} ms`);
    log(`Migrated ${options.where} in ${Date.now() - started} ms: ${done.length} migration${done.length === 1 ? "" : "s"} applied, now at ${last}`);
  }
  return done;
}

/** The tag a newer build recorded for the migration of `when` (migration_names, from 0042 on); null when the database does not say. */
async function recordedName(client: Client, when: number): Promise<string | null> {
  try {
    const row = (await client.execute({ sql: "SELECT name FROM migration_names WHERE created_at = ?", args: [when] })).rows[0];
    return row ? String(row[0]) : null;
  } catch {
    return null;
  }
}
