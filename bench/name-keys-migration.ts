/**
 * How long migration 0047 (the name search's keys) takes on a shop of N customers stored before
 * it, by how their names are written: `kanji` (山田 花子12: the one-expression fold of plain names),
 * `katakana` (ヤマダ ハナコ12: every step, in its layers) — on a fresh file migrated to 0046 first.
 * `npx tsx bench/name-keys-migration.ts [customers=100000] [kanji|katakana]`.
 */
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const count = Number(process.argv[2] ?? 100_000);
const script = process.argv[3] === "katakana" ? "katakana" : "kanji";
const dir = mkdtempSync(join(tmpdir(), "name-keys-migration-"));
const folder = join(dir, "drizzle");
cpSync("drizzle", folder, { recursive: true });
const journalPath = join(folder, "meta/_journal.json");
const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { idx: number }[] };
journal.entries = journal.entries.filter((e) => e.idx <= 46);
writeFileSync(journalPath, JSON.stringify(journal));
const client = createClient({ url: `file:${join(dir, "t.db")}` });
await migrate(drizzle(client), { migrationsFolder: folder });
await client.execute("INSERT INTO tenants (id, name, created_at) VALUES ('ten_a', 'A', '2026-01-01')");
const KANA = "アイウエオカキクケコ";
const nameOf = (i: number) => (script === "kanji" ? `山田 花子${i}` : `ヤマダ ハナコ${[...String(i)].map((d) => KANA[Number(d)]).join("")}`);
for (let i = 0; i < count; i += 500) {
  const n = Math.min(500, count - i);
  await client.execute({
    sql: `INSERT INTO customers (tenant_id, id, name, created_at, updated_at) VALUES ${Array(n).fill("('ten_a', ?, ?, '2026-01-01', '2026-01-01')").join(",")}`,
    args: Array.from({ length: n }, (_, j) => [`C${i + j}`, nameOf(i + j)]).flat(),
  });
}
const t0 = performance.now();
await migrate(drizzle(client), { migrationsFolder: "drizzle" });
const ms = performance.now() - t0;
const keys = Number((await client.execute("SELECT count(*) AS n FROM customer_name_keys")).rows[0]!.n);
console.log(JSON.stringify({ count, script, load: loadavg()[0]!.toFixed(1), migrationMs: Math.round(ms), usPerCustomer: Number(((ms * 1000) / count).toFixed(1)), keys }));
client.close();
rmSync(dir, { recursive: true, force: true });
