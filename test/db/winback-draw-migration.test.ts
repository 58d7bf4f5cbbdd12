import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";

/**
 * Migration 0053: a win-back record inserted by a build from before migration 0052 — still serving
 * while the database was migrated, as README's deploy lets the running Worker do — keeps its
 * holdout arm: `contactable_at_draw` is the `contactable` it was inserted with, not 0052's DEFAULT
 * false (which took each such cancellation out of both arms of the win-back lift).
 */
describe("migration 0053 (the draw of records an older build inserts)", () => {
  it("a record inserted without contactable_at_draw takes contactable; this build's inserts and later changes are left alone", async () => {
    const db = await databaseAt(52);
    const { run, shop } = db;
    try {
      await shop();
      await db.upgrade();
      await run(
        "INSERT INTO customers (tenant_id, id, name, email, keep_in_touch, marketing_consent, created_at, updated_at) VALUES ('ten_a', 'C1', 'A', 'a@example.jp', 1, 1, '2026-01-01', '2026-01-01'), ('ten_a', 'C2', 'B', 'b@example.jp', 0, 0, '2026-01-01', '2026-01-01')",
      );
      await db.plan("S1", "canceled");
      const insert = (id: string, customer: string, columns: string, values: string) =>
        run(
          `INSERT INTO winbacks (tenant_id, id, subscription_id, customer_id, canceled_at, canceled_on, effective_on, due_on, features, probability, expected_value, annual_value, currency, drivers, model_version, scored_on${columns})
           VALUES ('ten_a', ?, 'S1', ?, '2026-02-01T00:00:00.000Z', '2026-02-01', '2026-02-01', '2026-04-01', '{}', 0.1, 100, 1000, 'JPY', '[]', 'v', '2026-02-01'${values})`,
          [id, customer],
        );
      // The old build's insert: contactable, no contactable_at_draw.
      await insert("wb_old", "C1", ", contactable", ", 1");
      await insert("wb_old_no", "C2", ", contactable", ", 0");
      // This build's: both, the same.
      await insert("wb_new", "C1", ", contactable, contactable_at_draw", ", 1, 1");
      const draws = async () => (await run("SELECT id, contactable, contactable_at_draw FROM winbacks ORDER BY id")).rows.map((r) => [r[0], Number(r[1]), Number(r[2])]);
      expect(await draws()).toEqual([
        ["wb_new", 1, 1],
        ["wb_old", 1, 1],
        ["wb_old_no", 0, 0],
      ]);
      // A later "no" moves contactable (migration 0023's triggers), never the draw.
      await run("UPDATE customers SET keep_in_touch = 0, marketing_consent = 0 WHERE id = 'C1'");
      expect(await draws()).toEqual([
        ["wb_new", 0, 1],
        ["wb_old", 0, 1],
        ["wb_old_no", 0, 0],
      ]);
    } finally {
      db.close();
    }
  });
});
