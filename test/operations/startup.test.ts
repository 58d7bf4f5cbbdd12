import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, MIGRATIONS_FOLDER } from "../../src/db/node";
import { nodeConfig, startupProblem } from "../../src/config";
import { databaseDirectory, databaseFileProblem } from "../../src/operations/database-file";
import { applyMigrations, migrationPlan } from "../../src/operations/migrations";
import { StartupRefusal } from "../../src/operations/refusal";
import { backupDatabase } from "../../src/operations/backup";
import { startupSecretsKey } from "../../src/operations/secrets-key";
import { openWebhookSecret, sealWebhookSecret } from "../../src/webhooks/secret";
import { rotateSecretsKey } from "../../src/operations/rotate-key";
import { KEY_RECHECK_MS, KeyCheck } from "../../src/platform/key-check";

/**
 * What start-up decides about the database and its key before serving (src/operations): the
 * decisions as pure functions, then against real files. The Node entry's own lines are in
 * test/node/operations.test.ts.
 */
let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tsuzuku-startup-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = "startup-test-secrets-key-0123456789abcdef";
const OTHER_KEY = "another-secrets-key-0123456789abcdef-xyz";
const known = [
  { tag: "0000_init", when: 100 },
  { tag: "0001_more", when: 200 },
  { tag: "0002_most", when: 300 },
];

describe("migrationPlan", () => {
  it("applies what follows the latest recorded migration; everything to a new database", () => {
    expect(migrationPlan(known, [])).toEqual({ newer: null, pending: known, fresh: true });
    expect(migrationPlan(known, [100])).toEqual({ newer: null, pending: known.slice(1), fresh: false });
    expect(migrationPlan(known, [100, 200, 300])).toEqual({ newer: null, pending: [], fresh: false });
  });

  it("names the newest recorded migration this build does not have, and applies nothing", () => {
    expect(migrationPlan(known.slice(0, 2), [100, 200, 300])).toEqual({ newer: 300, pending: [], fresh: false });
    expect(migrationPlan(known, [100, 200, 300, 400, 500])).toMatchObject({ newer: 500, pending: [] });
  });
});

describe("databaseDirectory", () => {
  const cwd = "/srv/tsuzuku";
  const only = (...dirs: string[]) => (d: string) => dirs.includes(d);
  it("creates only the default ./data on its own", () => {
    expect(databaseDirectory("./data/tsuzuku.db", cwd, only())).toBe("create");
    expect(databaseDirectory("/srv/tsuzuku/data/shop.db", cwd, only())).toBe("create");
    expect(databaseDirectory("/var/lib/tsuzuku/shop.db", cwd, only("/var/lib/tsuzuku"))).toBe("exists");
  });
  it("refuses any other missing directory, naming the setting and the directory", () => {
    const typo = databaseDirectory("/tmp/x/typo/shop.db", cwd, only("/tmp/x"));
    expect(typo).toBeInstanceOf(StartupRefusal);
    expect((typo as Error).message).toBe(
      "DATABASE_URL=file:/tmp/x/typo/shop.db: the directory /tmp/x/typo does not exist, so no database is there. Check the path for a typo; for a new database there, create the directory first (mkdir -p /tmp/x/typo).",
    );
    expect(databaseDirectory("dat/shop.db", cwd, only())).toBeInstanceOf(StartupRefusal);
  });
});

describe("opening and migrating a file", () => {
  it("a mistyped directory is refused and nothing is created; a new file in an existing one is said in one line", async () => {
    await expect(openDatabase(`file:${join(dir, "typo", "deeper", "shop.db")}`, undefined, { checkpoints: false })).rejects.toThrow(/the directory .*typo\/deeper does not exist/);
    expect(existsSync(join(dir, "typo"))).toBe(false);
    const lines: string[] = [];
    const db = await openDatabase(`file:${join(dir, "new.db")}`, undefined, { checkpoints: false, log: (l) => lines.push(l) });
    db.client.close();
    expect(lines).toEqual([`Created a new, empty database file ${join(dir, "new.db")}`]);
    const again = await openDatabase(`file:${join(dir, "new.db")}`, undefined, { checkpoints: false, log: (l) => lines.push(l) });
    again.client.close();
    expect(lines).toHaveLength(1);
  });

  it("says each migration applied, with its milliseconds, and a summary; nothing when up to date", async () => {
    // A database of the previous release: the journal cut before the last two migrations.
    const folder = join(dir, "old-drizzle");
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
    const tags = journal.entries.map((e) => e.tag);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, -2) }));
    const db = await openDatabase(`file:${join(dir, "upgrade.db")}`, undefined, { checkpoints: false });
    const created: string[] = [];
    await applyMigrations(db.client, folder, { where: "old.db", log: (l) => created.push(l) });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatch(new RegExp(`^Created the schema of old\\.db in \\d+ ms \\(${tags.length - 2} migrations, now at ${tags.at(-3)}\\)$`));

    const lines: string[] = [];
    await migrateDatabase(db, { log: (l) => lines.push(l), url: "file:upgrade.db" });
    expect(lines[0]).toBe(`Migrating file:upgrade.db: 2 migrations to apply (${tags.at(-2)} … ${tags.at(-1)}), in one transaction…`);
    expect(lines[1]).toMatch(new RegExp(`^  applied ${tags.at(-2)} in \\d+ ms$`));
    expect(lines[2]).toMatch(new RegExp(`^  applied ${tags.at(-1)} in \\d+ ms$`));
    expect(lines[3]).toMatch(new RegExp(`^Migrated file:upgrade.db in \\d+ ms: 2 migrations applied, now at ${tags.at(-1)}$`));
    expect(lines).toHaveLength(4);
    await migrateDatabase(db, { log: (l) => lines.push(l) });
    expect(lines).toHaveLength(4);

    // Going back: the build before these two migrations refuses this file, naming the newer migration.
    await expect(applyMigrations(db.client, folder, { where: "file:upgrade.db" })).rejects.toThrow(
      `The database file:upgrade.db was migrated by a newer Tsuzuku (migration ${tags.at(-1)}): start that version, or restore the backup taken before upgrading (README, "Upgrading, backups and going back").`,
    );
    db.client.close();
  });

  it("a failing migration is named, and leaves the database as it was", async () => {
    const folder = join(dir, "bad-drizzle");
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { idx: number; when: number; tag: string; version: string; breakpoints: boolean }[] };
    const last = journal.entries.at(-1)!;
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag: "9999_broken" });
    writeFileSync(journalPath, JSON.stringify(journal));
    writeFileSync(join(folder, "9999_broken.sql"), "CREATE TABLE broken_first (x);\n--> statement-breakpoint\nALTER TABLE no_such_table ADD y text;");
    const db = await openDatabase(`file:${join(dir, "broken.db")}`, undefined, { checkpoints: false });
    await migrateDatabase(db);
    const failed = await applyMigrations(db.client, folder, { where: "file:broken.db" }).then(() => null, (e: unknown) => e);
    expect(failed).toBeInstanceOf(StartupRefusal);
    expect(startupProblem(failed)).toMatch(/^Migration 9999_broken failed on file:broken\.db \(.*no such table: no_such_table.*\); nothing was migrated, the database is as it was\./);
    const tables = await db.client.execute("SELECT name FROM sqlite_master WHERE name = 'broken_first'");
    expect(tables.rows).toHaveLength(0);
    db.client.close();
  });

  it("a file that is not a database is one line naming it", async () => {
    const path = join(dir, "notes.txt");
    writeFileSync(path, "not a database, just some notes that are long enough to have a header ".repeat(20));
    const failed = await openDatabase(`file:${path}`, undefined, { checkpoints: false }).then(async (db) => migrateDatabase(db)).then(() => null, (e: unknown) => e);
    expect(databaseFileProblem(failed, `file:${path}`)).toMatch(new RegExp(`^DATABASE_URL=file:${path}: ${path} is not a database \\(SQLITE_NOTADB\\)`));
    expect(startupProblem(failed, { url: `file:${path}` }).split("\n")).toHaveLength(1);
  });
});

describe("DATABASE_URL", () => {
  it("that is no URL names DATABASE_URL, not SECRETS_KEY", () => {
    expect(() => nodeConfig({ DATABASE_URL: "foo" })).toThrow(/^DATABASE_URL must be file:<path> for the embedded database .* got "foo"$/);
    expect(() => nodeConfig({ DATABASE_URL: "foo", SECRETS_KEY: KEY })).toThrow(/^DATABASE_URL must be/);
    expect(() => nodeConfig({ DATABASE_URL: "libsql://shop.turso.io" })).not.toThrow();
  });
});

/** A migrated shop file in `dir` with one tenant and one webhook whose secret is sealed with `key`. */
async function shopWithWebhook(name: string, key: string) {
  mkdirSync(join(dir, name));
  const url = `file:${join(dir, name, "shop.db")}`;
  const db = await openDatabase(url, undefined, { checkpoints: false });
  await migrateDatabase(db);
  await db.client.execute("INSERT INTO tenants (id, name, created_at) VALUES ('ten_a', 'A', '2026-01-01')");
  await db.client.execute({
    sql: "INSERT INTO webhooks (tenant_id, id, url, events, secret, created_at, updated_at) VALUES ('ten_a', 'wh_1', 'https://example.com/h', '[]', ?, '2026-01-01', '2026-01-01')",
    args: [await sealWebhookSecret(key, "ten_a", "wh_1", "whsec_abc")],
  });
  return { db, url, keyFile: join(dir, name, "secrets.key") };
}

describe("the secrets key at start", () => {
  it("a restore without secrets.key is refused, and no new key is created", async () => {
    const { db, url, keyFile } = await shopWithWebhook("restored", KEY);
    const source = nodeConfig({ DATABASE_URL: url }).secretsKeySource();
    expect(source).toEqual({ file: keyFile });
    const refused = await startupSecretsKey(db, source, url).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(StartupRefusal);
    expect((refused as Error).message).toBe(
      `${keyFile} is missing, and ${url} holds secrets encrypted or signed with the key it held (webhook secrets, sessions): restore that secrets.key from the backup taken with this database (or set SECRETS_KEY to it). A new key would leave them unreadable, so none was created.`,
    );
    expect(existsSync(keyFile)).toBe(false);

    // The right key restored: starts. Another key in its place, or in SECRETS_KEY: refused.
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    expect(await startupSecretsKey(db, source, url)).toBe(KEY);
    writeFileSync(keyFile, OTHER_KEY, { mode: 0o600 });
    await expect(startupSecretsKey(db, source, url)).rejects.toThrow(`${keyFile} does not open the webhook secrets stored in ${url}: restore the secrets.key backed up with this database`);
    await expect(startupSecretsKey(db, { env: OTHER_KEY }, url)).rejects.toThrow(/^SECRETS_KEY does not open the webhook secrets stored in/);
    expect(await startupSecretsKey(db, { env: KEY }, url)).toBe(KEY);
    db.client.close();
  });

  it("a new database gets its key file, and the start-up says so and to back it up; a second start says nothing", async () => {
    mkdirSync(join(dir, "fresh"));
    const url = `file:${join(dir, "fresh", "shop.db")}`;
    const db = await openDatabase(url, undefined, { checkpoints: false });
    await migrateDatabase(db);
    const said: string[] = [];
    const key = await startupSecretsKey(db, nodeConfig({ DATABASE_URL: url }).secretsKeySource(), url, (line) => said.push(line));
    expect(readFileSync(join(dir, "fresh", "secrets.key"), "utf8")).toBe(key);
    expect(said).toEqual([
      `Created ${join(dir, "fresh", "secrets.key")}, the key that encrypts ${url}'s webhook secrets and signs its sessions: back it up with the database (npm run backup does), or set SECRETS_KEY instead.`,
    ]);
    expect(await startupSecretsKey(db, nodeConfig({ DATABASE_URL: url }).secretsKeySource(), url, (line) => said.push(line))).toBe(key);
    expect(said).toHaveLength(1);
    db.client.close();
  });
});

describe("backupDatabase (npm run backup)", () => {
  it("copies the live database and its key, checks the copy, and never overwrites a file", async () => {
    mkdirSync(join(dir, "live"));
    const url = `file:${join(dir, "live", "shop.db")}`;
    const db = await openDatabase(url, undefined, { checkpoints: false });
    await migrateDatabase(db);
    await db.client.execute("INSERT INTO tenants (id, name, created_at) VALUES ('ten_a', '続くショップ', '2026-01-01')");
    const keyFile = join(dir, "live", "secrets.key");
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    const target = join(dir, "shop-backup.db");
    const done = await backupDatabase(db, target, keyFile);
    expect(done.integrity).toBe("ok");
    expect(readFileSync(`${target}.secrets.key`, "utf8")).toBe(KEY);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const copy = await openDatabase(`file:${target}`, undefined, { checkpoints: false });
    expect((await copy.client.execute("SELECT name FROM tenants")).rows.map((r) => r[0])).toEqual(["続くショップ"]);
    copy.client.close();
    await expect(backupDatabase(db, target, keyFile)).rejects.toThrow(`${target} already exists: a backup never overwrites a file`);
    db.client.close();
  });
});

describe("the Worker's key check (KeyCheck)", () => {
  it("a database rotated away from the key in use is seen within KEY_RECHECK_MS, then the key put back the same way", async () => {
    const { db } = await shopWithWebhook("keycheck", KEY);
    let now = 0;
    const logged: string[] = [];
    const check = new KeyCheck(() => now, (line) => logged.push(line));
    expect(await check.opens(db, KEY, "db")).toBe(true);
    // `npm run secrets:rotate` while this isolate still has the old key.
    await rotateSecretsKey(db, KEY, OTHER_KEY);
    now += KEY_RECHECK_MS - 1;
    expect(await check.opens(db, KEY, "db")).toBe(true); // the stored verdict, for at most a minute
    now += 1;
    expect(await check.opens(db, KEY, "db")).toBe(false);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("SECRETS_KEY does not open");
    // The new key put to the Worker opens at once; the old one is seen again after the wait if the database is rotated back.
    expect(await check.opens(db, OTHER_KEY, "db")).toBe(true);
    await rotateSecretsKey(db, OTHER_KEY, KEY);
    now += KEY_RECHECK_MS;
    expect(await check.opens(db, KEY, "db")).toBe(true);
    db.client.close();
  });
});

describe("rotateSecretsKey (npm run secrets:rotate)", () => {
  it("re-encrypts every webhook secret under the new key in one go; a key that does not open them changes nothing", async () => {
    mkdirSync(join(dir, "rotate"));
    const db = await openDatabase(`file:${join(dir, "rotate", "shop.db")}`, undefined, { checkpoints: false });
    await migrateDatabase(db);
    await db.client.execute("INSERT INTO tenants (id, name, created_at) VALUES ('ten_a', 'A', '2026-01-01')");
    for (const id of ["wh_1", "wh_2"]) {
      await db.client.execute({
        sql: "INSERT INTO webhooks (tenant_id, id, url, events, secret, previous_secret, created_at, updated_at) VALUES ('ten_a', ?, 'https://example.com/h', '[]', ?, ?, '2026-01-01', '2026-01-01')",
        args: [id, await sealWebhookSecret(KEY, "ten_a", id, `whsec_${id}`), id === "wh_2" ? await sealWebhookSecret(KEY, "ten_a", id, "whsec_old") : null],
      });
    }
    const stored = async () => (await db.client.execute("SELECT id, secret, previous_secret FROM webhooks ORDER BY id")).rows.map((r) => [r[0], r[1], r[2]]);
    const before = await stored();
    await expect(rotateSecretsKey(db, OTHER_KEY, `${KEY}-new`)).rejects.toThrow("The current key does not open the secret of webhook wh_1 (tenant ten_a): nothing was changed.");
    expect(await stored()).toEqual(before);

    expect(await rotateSecretsKey(db, KEY, OTHER_KEY)).toBe(2);
    const after = await stored();
    expect(await openWebhookSecret(OTHER_KEY, "ten_a", "wh_1", String(after[0]![1]))).toBe("whsec_wh_1");
    expect(await openWebhookSecret(OTHER_KEY, "ten_a", "wh_2", String(after[1]![2]))).toBe("whsec_old");
    await expect(startupSecretsKey(db, { env: KEY }, "shop.db")).rejects.toThrow(/^SECRETS_KEY does not open/);
    expect(await startupSecretsKey(db, { env: OTHER_KEY }, "shop.db")).toBe(OTHER_KEY);
    db.client.close();
  });
});
