import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, openDatabase } from "../../src/db/node";
import { applyMigrations } from "../../src/operations/migrations";
import { startSqld, type Sqld } from "../support/sqld";

/**
 * Two `npm start` on one libSQL server, started together by a deploy, both migrate before serving.
 * The one whose transaction commits second used to fail on what the first had just created and
 * stop with "Migration 0000_init failed … Keep this database and its backup, and report the line
 * above" (exit 1) on a database that was, in fact, fully migrated.
 */
describe("two processes migrating one libSQL server at once", () => {
  let sqld: Sqld;
  let dir = "";
  beforeAll(async () => {
    sqld = await startSqld();
    dir = mkdtempSync(join(tmpdir(), "tsuzuku-concurrent-migrations-"));
  });
  afterAll(async () => {
    await sqld?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const both = async (folder: string) => {
    const [a, b] = [await openDatabase(sqld.url), await openDatabase(sqld.url)];
    const lines: string[][] = [[], []];
    try {
      const results = await Promise.allSettled([a, b].map((db, i) => applyMigrations(db.client, folder, { where: sqld.url, log: (l) => lines[i]!.push(l) })));
      return { results, lines };
    } finally {
      a.client.close();
      b.client.close();
    }
  };

  it("a new database: both start; one creates the schema, the other says it was migrated meanwhile", async () => {
    // The previous release's journal (its last two migrations cut), so the upgrade below has work to do.
    const old = join(dir, "old-drizzle");
    cpSync(MIGRATIONS_FOLDER, old, { recursive: true });
    const journalPath = join(old, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
    const tags = journal.entries.map((e) => e.tag);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, -2) }));

    const fresh = await both(old);
    expect(fresh.results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const said = fresh.lines.flat();
    expect(said.filter((l) => l.startsWith("Created the schema"))).toHaveLength(1);
    expect(said).toContain(`${sqld.url} was migrated meanwhile by another process (${tags.length - 2} migrations, now at ${tags.at(-3)})`);

    // The release after it, rolled out to both at once: both serve, the two migrations applied once.
    const upgrade = await both(MIGRATIONS_FOLDER);
    expect(upgrade.results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(upgrade.lines.flat()).toContain(`${sqld.url} was migrated meanwhile by another process (2 migrations, now at ${tags.at(-1)})`);
    const db = await openDatabase(sqld.url);
    try {
      const recorded = await db.client.execute("SELECT count(*) FROM __drizzle_migrations");
      expect(Number(recorded.rows[0]![0])).toBe(tags.length);
    } finally {
      db.client.close();
    }
  });
});
