import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { candidatesQuery } from "../../src/winback/candidates";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * `GET /v1/winback/candidates?due=now` walks `winbacks_listable` best first and keeps the rows
 * whose `due_on` has come. Before, `due_on` was not in the index: the walk read each listed row's
 * table entry (~5 kB) to test it, every row of the list when few were due (bench/winback-due.ts on
 * the 1,000,000-subscription tenant, 42,719 listed, none due: 216–671 ms a page; with it: 16–50 ms).
 * The plan must test the date from the index itself.
 */
describe("win-back candidates due=now: the date is read from the list's index", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("walks winbacks_listable and reads due_on from the index entry, not the table row", async () => {
    const { sql: text, params } = new SQLiteAsyncDialect().sqlToQuery(candidatesQuery("ten_x", 50, null, undefined, "2026-12-04"));
    const plan = await h.sql(`EXPLAIN QUERY PLAN ${text}`, params as string[]);
    expect(plan.map((p) => p.detail)).toContain("SEARCH w USING INDEX winbacks_listable (tenant_id=?)");

    const columns = await h.sql("SELECT seqno, name FROM pragma_index_xinfo('winbacks_listable')");
    const dueAt = columns.find((c) => c.name === "due_on")?.seqno;
    expect(dueAt, "due_on is a column of winbacks_listable").toBeTypeOf("number");
    // The statement's program: the cursor opened on the index, and a read of its due_on column (Column cursor, column).
    const [{ rootpage }] = (await h.sql("SELECT rootpage FROM sqlite_master WHERE name = 'winbacks_listable'")) as [{ rootpage: number }];
    const program = await h.sql(`EXPLAIN ${text}`, params as string[]);
    const cursor = program.find((op) => op.opcode === "OpenRead" && Number(op.p2) === Number(rootpage))?.p1;
    expect(cursor).toBeDefined();
    expect(program.some((op) => op.opcode === "Column" && op.p1 === cursor && Number(op.p2) === Number(dueAt))).toBe(true);
  });
});
