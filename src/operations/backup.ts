import { copyFileSync, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Sqlite from "libsql";
import type { Database } from "../db/client";
import { ownerOnlyDatabaseFile } from "../db/node";
import { StartupRefusal } from "./refusal";

/**
 * A consistent copy of the embedded database at `target`, taken while the service runs (SQLite's
 * `VACUUM INTO`: one read transaction, so writes go on and the copy is the state at one commit,
 * compacted), created owner-only (0600) as the database is; then `PRAGMA integrity_check` on the
 * copy. With `keyFile` (the `secrets.key` the database's secrets are under), that file is copied
 * beside it as `<target>.secrets.key` (0600): a backup without its key cannot be served.
 * Refuses (StartupRefusal, nothing written) a target that exists or whose directory does not.
 * Returns the copy's size in bytes, the integrity check's answer ("ok") and the key copy's path.
 */
export async function backupDatabase(db: Database, target: string, keyFile?: string): Promise<{ bytes: number; integrity: string; keyCopy?: string }> {
  const file = resolve(target);
  if (existsSync(file)) throw new StartupRefusal(`${file} already exists: a backup never overwrites a file; name a new one.`);
  if (!existsSync(dirname(file))) throw new StartupRefusal(`The directory ${dirname(file)} does not exist: create it first, or name a backup file in another one.`);
  const keyCopy = keyFile ? `${file}.secrets.key` : undefined;
  if (keyCopy && existsSync(keyCopy)) throw new StartupRefusal(`${keyCopy} already exists: a backup never overwrites a file; name a new one.`);
  // An empty file is what VACUUM INTO may write into: created owner-only first, so the copy never is readable by others.
  ownerOnlyDatabaseFile(file, { warn: false });
  await db.client.execute({ sql: "VACUUM INTO ?", args: [file] });
  const copy = new Sqlite(file, { readonly: true });
  let integrity: string;
  try {
    integrity = (copy.prepare("PRAGMA integrity_check").raw(true).all() as unknown[][]).map((r) => String(r[0])).join("; ");
  } finally {
    copy.close();
  }
  if (keyFile && keyCopy) copyFileSync(keyFile, keyCopy);
  return { bytes: statSync(file).size, integrity, keyCopy };
}
