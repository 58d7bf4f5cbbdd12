import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, type Database } from "./client";

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
  const client = createClient({ url, authToken });
  if (isFile) {
    // WAL lets readers run while a write transaction is open on another pooled connection.
    await client.execute("PRAGMA journal_mode = WAL");
  }
  return createDatabase(client);
}

export async function migrateDatabase(db: Database): Promise<void> {
  await migrate(drizzle(db.client), { migrationsFolder: MIGRATIONS_FOLDER });
}
