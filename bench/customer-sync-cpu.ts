/**
 * CPU of customer syncs (syncBatch in process, 1,000 customers a request, as `POST /v1/sync` and
 * `npm run import` apply them) on a fresh file: what keying names for the operators' name search
 * costs a sync (the fold of name and reading in JS, migration 0047's trigger writing up to six
 * `customer_name_keys` rows per customer). Phases over N customers named 山田 i (family and given
 * name): `create`; `rename` — every name changed (the trigger drops and rewrites each one's keys);
 * `resend` — the same items again (unchanged: nothing written). `kana` as the second argument
 * sends a reading too (a tree without the field refuses it: run that on the branch only).
 * Run the same script in two trees and alternate: `npx tsx bench/customer-sync-cpu.ts [customers=20000] [kana]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { TenantStore } from "../src/platform/tenancy";
import { DEFAULT_SETTINGS } from "../src/settings/schemas";
import { syncBatch } from "../src/sync/service";
import { createTenant } from "../src/tenants/keys";

const count = Number(process.argv[2] ?? 20_000);
const kana = process.argv[3] === "kana";
const dir = mkdtempSync(join(tmpdir(), "tsuzuku-customer-sync-"));
const db = await openDatabase(`file:${join(dir, "sync.db")}`);
await migrateDatabase(db);
const tenant = await db.write((tx) => createTenant(tx, { name: "customer sync bench", at: new Date() }));
const store = new TenantStore(db, tenant.id);
const now = new Date();
const cid = (i: number) => `C-${String(i).padStart(7, "0")}`;
const KANA = "アイウエオカキクケコ";
const item = (i: number, given: string) => ({
  id: cid(i),
  name: `山田 ${given}${i}`,
  ...(kana ? { nameKana: `ヤマダ ${[...String(i)].map((d) => KANA[Number(d)]).join("")}` } : {}),
  email: `c${i}@bench.example.jp`,
  phone: `090${10_000_000 + i}`,
  locale: "ja",
  marketingConsent: true,
});
const out: Record<string, { cpuMsPerRequest: number; wallSeconds: number }> = {};
for (const [phase, given] of [["create", "花子"], ["rename", "太郎"], ["resend", "太郎"]] as const) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let requests = 0;
  for (let i = 0; i < count; i += 1000, requests++) {
    const r = await syncBatch(store, { customers: Array.from({ length: Math.min(1000, count - i) }, (_, j) => item(i + j, given)) }, { now, settings: DEFAULT_SETTINGS });
    if ((r as { refused?: number }).refused) throw new Error(`refused: ${JSON.stringify(r).slice(0, 300)}`);
  }
  const cpu = process.cpuUsage(cpu0);
  out[phase] = { cpuMsPerRequest: Math.round((cpu.user + cpu.system) / 1e3 / requests), wallSeconds: Number(((performance.now() - t0) / 1000).toFixed(2)) };
}
console.log(JSON.stringify({ count, kana, load: loadavg()[0]!.toFixed(1), ...out }));
db.client.close();
rmSync(dir, { recursive: true, force: true });
