import { createClient, type InValue } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A fresh database file migrated up to and including migration `idx` (the repo's drizzle folder,
 * its journal cut at that entry), for tests of what a later migration does to rows written before
 * it: `run` writes them, `upgrade()` applies the rest of the migrations, `close()` removes the file.
 */
export async function databaseAt(idx: number) {
  const dir = mkdtempSync(join(tmpdir(), `migration-${idx}-`));
  const folder = join(dir, "drizzle");
  cpSync("drizzle", folder, { recursive: true });
  const journalPath = join(folder, "meta/_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= idx);
  writeFileSync(journalPath, JSON.stringify(journal));
  const client = createClient({ url: `file:${join(dir, "t.db")}` });
  await migrate(drizzle(client), { migrationsFolder: folder });
  return {
    client,
    run: (sql: string, args: InValue[] = []) => client.execute({ sql, args }),
    upgrade: () => migrate(drizzle(client), { migrationsFolder: "drizzle" }),
    close: () => {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
