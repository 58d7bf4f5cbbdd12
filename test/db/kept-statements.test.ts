import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Database } from "../../src/db/client";
import { openDatabase } from "../../src/db/node";

/**
 * The embedded client keeps each connection's prepared statements (src/db/node.ts): a kept
 * statement must behave as a fresh one — after it failed, across transactions, and reading
 * what another connection committed meanwhile.
 */
let dir: string;
let db: Database;
let other: Database;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "tsuzuku-kept-statements-"));
  db = await openDatabase(`file:${join(dir, "k.db")}`);
  other = await openDatabase(`file:${join(dir, "k.db")}`);
  await db.client.execute("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)");
});
afterEach(() => {
  db.client.close();
  other.client.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = "INSERT INTO notes (id, body) VALUES (?, ?)";
const read = "SELECT id, body FROM notes ORDER BY id";

it("a statement that failed runs again, and a rolled-back transaction leaves nothing", async () => {
  await db.client.execute({ sql: insert, args: ["a", "first"] });
  await expect(db.client.execute({ sql: insert, args: ["a", "again"] })).rejects.toThrow(/UNIQUE|PRIMARY KEY|constraint/i);
  await db.client.execute({ sql: insert, args: ["b", "second"] });
  const tx = await db.client.transaction("write");
  await tx.execute({ sql: insert, args: ["c", "rolled back"] });
  await tx.rollback();
  expect((await db.client.execute(read)).rows.map((r) => [r.id, r.body])).toEqual([["a", "first"], ["b", "second"]]);
});

it("a kept read sees what another connection committed after it last ran", async () => {
  expect((await db.client.execute(read)).rows).toHaveLength(0);
  await other.client.execute({ sql: insert, args: ["x", "from elsewhere"] });
  expect((await db.client.execute(read)).rows.map((r) => r.id)).toEqual(["x"]);
  await other.client.execute({ sql: "UPDATE notes SET body = ? WHERE id = ?", args: ["changed", "x"] });
  expect((await db.client.execute(read)).rows.map((r) => r.body)).toEqual(["changed"]);
});
