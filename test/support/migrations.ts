import { createClient, type InValue } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A fresh database file migrated up to and including migration `idx` (the repo's drizzle folder,
 * its journal cut at that entry), for tests of what a later migration does to rows written before
 * it: `run` writes them (`shop()` the tenant `ten_a`, `plan(id, status)` one of its subscriptions,
 * customer C1, cancelled on 2026-02-01 when `status` is canceled), `upgrade()` applies the rest of
 * the migrations, `close()` removes the file.
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
  const run = (sql: string, args: InValue[] = []) => client.execute({ sql, args });
  return {
    client,
    run,
    shop: () => run("INSERT INTO tenants (id, name, created_at) VALUES ('ten_a', 'A', '2026-01-01')"),
    plan: (id: string, status: string) =>
      run(
        `INSERT INTO subscriptions (tenant_id, id, customer_id, product_sku, product_name, quantity, interval_days, unit_price_amount, currency, status, started_at, created_at, updated_at, canceled_at)
         VALUES ('ten_a', ?, 'C1', 'SKU', 'P', 1, 30, 1000, 'JPY', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?)`,
        [id, status, status === "canceled" ? "2026-02-01T00:00:00Z" : null],
      ),
    upgrade: () => migrate(drizzle(client), { migrationsFolder: "drizzle" }),
    close: () => {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
