import { sql } from "drizzle-orm";
import journal from "../../drizzle/meta/_journal.json";
import { isMissingTable, type Database } from "./client";

/**
 * The migrations this build expects (drizzle/meta/_journal.json, bundled): each entry's `when` is
 * what drizzle's migrator stores as `created_at` in `__drizzle_migrations` once it is applied.
 */
export const MIGRATIONS = journal.entries.map((e) => e.when);

/**
 * How many of this build's migrations the database lacks: all of them (MIGRATIONS.length) when it
 * was never migrated (no `__drizzle_migrations`). Throws the driver's error when the database gives
 * no answer. Read by GET /health and by `tenant:create` before it writes to a libSQL server.
 */
export async function pendingMigrations(db: Database): Promise<number> {
  try {
    const row = await db.orm.get<{ latest: number | null }>(sql`SELECT max(created_at) AS latest FROM __drizzle_migrations`);
    const latest = Number(row?.latest ?? 0);
    return MIGRATIONS.filter((when) => when > latest).length;
  } catch (e) {
    // A database that answers but was never migrated has no migrations table.
    if (isMissingTable(e)) return MIGRATIONS.length;
    throw e;
  }
}
