import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reactivate } from "../../src/cancel-flows/service";
import type { Database } from "../../src/db/client";
import { migrateDatabase, openDatabase } from "../../src/db/node";
import { planChanges, subscriptions } from "../../src/db/schema";
import { readExportedAt } from "../../src/import/report";
import { applyPlanChange } from "../../src/plan-changes/apply";
import { addDays, localDate } from "../../src/platform/dates";
import { TenantStore } from "../../src/platform/tenancy";
import { DEFAULT_SETTINGS } from "../../src/settings/schemas";
import { createTenant } from "../../src/tenants/keys";
import { commandBundle, withStatus } from "../support/commands";

const run = promisify(execFile);
const HEADER = "顧客ID,氏名,定期ID,商品コード,商品名,数量,お届け間隔（日）,次回お届け予定日,単価（税込）,定期ステータス,定期申込日,解約受付日";
const slash = (d: string) => d.replaceAll("-", "/");

/**
 * The tester's case (#18 point 4): a cart export made before changes in Tsuzuku, imported again,
 * must not undo them — an operator's restart, the IVR's pause — and what an import changes is
 * listed, and recorded in the plan's history.
 */
describe("a stale export does not undo what happened in Tsuzuku after it", { timeout: 90_000 }, () => {
  let dir: string;
  let url: string;
  let tenantId: string;
  const today = localDate(new Date(), "Asia/Tokyo");
  const next = addDays(today, 21);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tsuzuku-stale-"));
    url = `file:${join(dir, "shop.db")}`;
    const db = await openDatabase(url);
    await migrateDatabase(db);
    tenantId = (await db.write((tx) => createTenant(tx, { name: "古い出力テスト店", at: new Date() }))).id;
    db.client.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (path: string, ...args: string[]) =>
    withStatus(run(process.execPath, [commandBundle("import"), path, "--mapping", "generic", "--tenant", tenantId, ...args], { env: { ...process.env, DATABASE_URL: url, SEED_DEMO: "0" } }), 3);
  const summary = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1)!);
  const withDb = async <T>(f: (db: Database, store: TenantStore) => Promise<T>) => {
    const db = await openDatabase(url);
    try {
      return await f(db, new TenantStore(db, tenantId));
    } finally {
      db.client.close();
    }
  };
  const plan = (id: string) => withDb(async (db) => (await db.orm.select().from(subscriptions)).find((p) => p.id === id)!);
  const history = (id: string) => withDb(async (db) => (await db.orm.select().from(planChanges)).filter((c) => c.subscriptionId === id).sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
  const ctx = () => ({ settings: DEFAULT_SETTINGS, now: new Date() });

  it("an operator's restart and the IVR's pause are kept, each listed with its line, what changed and when; a fresh export applies, and its status changes are recorded as the sync's", async () => {
    const path = join(dir, "teiki.csv");
    const canceledOn = slash(addDays(today, -10));
    writeFileSync(path, [
      HEADER,
      `C-1,解約 花子,S-1001,AOJIRU-30,青汁,1,30,${slash(next)},3980,解約,2025/05/01,${canceledOn}`,
      `C-2,継続 太郎,S-1002,AOJIRU-30,青汁,1,30,${slash(next)},3980,継続,2025/05/01,`,
    ].join("\n"));
    const first = await cli(path);
    expect(summary(first.stdout)).toMatchObject({ created: 4, kept: 0, refused: 0 });
    // Exported a minute ago: the file's modification time is the export's time.
    const exported = new Date(Date.now() - 60_000);
    utimesSync(path, exported, exported);

    // In Tsuzuku, after the export: an operator restarts S-1001, the IVR pauses S-1002.
    await withDb((_db, store) => reactivate(store, "S-1001", {}, { ...ctx(), channel: "operator", actor: { type: "operator", id: "op_suzuki" }, lang: "ja" }));
    await withDb((_db, store) => applyPlanChange(store, "S-1002", { type: "pause", resumeOn: addDays(next, 30) }, { ...ctx(), channel: "ivr", actor: { type: "key", id: "key_ivr" } }));
    const before = { restarted: await history("S-1001"), paused: await history("S-1002") };

    // The same stale file again: neither is overwritten, and the dry run says so as the run does.
    const dry = await cli(path, "--dry-run");
    const again = await cli(path);
    const at = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d";
    for (const out of [dry, again]) {
      expect(out.stderr.split("\n")[0]).toMatch(new RegExp(`^reading ${path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} as exported at ${at} JST \\(its modification time; --exported-at to set it\\)$`));
      expect(out.stdout).toMatch(new RegExp(`^kept line 2 \\(S-1001\\): restarted in Tsuzuku ${at} JST \\(operator\\), after the export; not overwritten$`, "m"));
      expect(out.stdout).toMatch(new RegExp(`^kept line 3 \\(S-1002\\): paused in Tsuzuku ${at} JST \\(ivr\\), after the export; not overwritten$`, "m"));
      expect(summary(out.stdout)).toMatchObject({ created: 0, changed: 0, kept: 2, refused: 0, units: { kept: "rows" } });
    }
    expect(await plan("S-1001")).toMatchObject({ status: "active", canceledAt: null });
    expect(await plan("S-1002")).toMatchObject({ status: "paused" });
    // Nothing written for them: their history is as Tsuzuku left it.
    expect(await history("S-1001")).toEqual(before.restarted);
    expect(await history("S-1002")).toEqual(before.paused);

    // A fresh export (after both changes) that still says cancelled and active: applied, listed, and recorded.
    writeFileSync(path, [
      HEADER,
      `C-1,解約 花子,S-1001,AOJIRU-30,青汁,1,30,,3980,解約,2025/05/01,${canceledOn}`,
      `C-2,継続 太郎,S-1002,AOJIRU-30,青汁,1,30,${slash(next)},3980,継続,2025/05/01,`,
    ].join("\n"));
    const fresh = await cli(path);
    expect(fresh.stdout).toMatch(/^changed line 2 \(S-1001\): status active → canceled; next delivery \d{4}-\d\d-\d\d → —;.* cancelled — → /m);
    expect(fresh.stdout).toMatch(/^changed line 3 \(S-1002\): status paused → active; next delivery \S+ → \S+; paused until \d{4}-\d\d-\d\d → —$/m);
    expect(summary(fresh.stdout)).toMatchObject({ changed: 2, kept: 0 });
    expect((await history("S-1001")).at(-1)).toMatchObject({ type: "cancel", channel: "api", actor: { type: "system", id: "sync" }, source: { sync: true } });
    expect((await history("S-1002")).at(-1)).toMatchObject({ type: "resume", channel: "api", actor: { type: "system", id: "sync" }, before: { status: "paused" }, after: { status: "active" } });
  });

  it("--exported-at sets the export's time: after the change, the row applies; a time still to come is refused before anything is read", async () => {
    const path = join(dir, "ivr.csv");
    writeFileSync(path, [HEADER, `C-3,休止 次郎,S-1003,AOJIRU-30,青汁,1,30,${slash(next)},3980,継続,2025/05/01,`].join("\n"));
    await cli(path);
    const pausedAt = new Date();
    await withDb((_db, store) => applyPlanChange(store, "S-1003", { type: "pause", resumeOn: addDays(next, 30) }, { ...ctx(), channel: "ivr", actor: { type: "key", id: "key_ivr" } }));
    const older = await cli(path, "--exported-at", new Date(pausedAt.getTime() - 60_000).toISOString());
    expect(older.stderr.split("\n")[0]).toMatch(/ \(--exported-at\)$/);
    expect(summary(older.stdout)).toMatchObject({ kept: 1 });
    expect((await plan("S-1003")).status).toBe("paused");
    const later = await cli(path, "--exported-at", new Date(Date.now() + 1_000).toISOString());
    expect(summary(later.stdout)).toMatchObject({ kept: 0, changed: 1 });
    expect((await plan("S-1003")).status).toBe("active");
    const ahead = await cli(path, "--exported-at", slash(addDays(today, 2))).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(ahead?.code).toBe(2);
    expect(ahead?.stderr).toContain("which is after now: give the export's real time with --exported-at");
  });

  it("reads --exported-at as RFC 3339, or a local date-time or date in the shop's time zone (a date from its first minute)", () => {
    expect(readExportedAt("2026-12-02T09:00:00+09:00", "Asia/Tokyo")).toBe("2026-12-02T00:00:00.000Z");
    expect(readExportedAt("2026-12-02 09:00", "Asia/Tokyo")).toBe("2026-12-02T00:00:00.000Z");
    expect(readExportedAt("2026/12/02", "Asia/Tokyo")).toBe("2026-12-01T15:00:00.000Z");
    expect(() => readExportedAt("yesterday", "Asia/Tokyo")).toThrow('--exported-at "yesterday" is not a date and time');
  });

  it("the dry run lists every row it would create or change, field by field, then the refused rows, then the counts", async () => {
    const path = join(dir, "changes.csv");
    writeFileSync(path, [HEADER, `C-4,一覧 三郎,S-1004,AOJIRU-30,青汁,1,30,${slash(next)},3980,継続,2025/05/01,`].join("\n"));
    await cli(path);
    writeFileSync(path, [
      HEADER,
      `C-4,一覧 三郎,S-1004,AOJIRU-30,青汁,2,60,${slash(addDays(next, 7))},3780,継続,2025/05/01,`,
      `C-5,新規 四郎,S-1005,KOSO-60,酵素,1,1ヶ月ごと,${slash(next)},"4,500",継続,2025/06/01,`,
      `C-6,誤り 五郎,S-1006,KOSO-60,酵素,-1,30,${slash(next)},4500,継続,2025/06/01,`,
    ].join("\n"));
    const { stdout } = await cli(path, "--dry-run");
    const lines = stdout.trim().split("\n");
    expect(lines.slice(0, -1)).toEqual([
      `changed line 2 (S-1004): next delivery ${next} → ${addDays(next, 7)}; quantity 1 → 2; interval every 30 days → every 60 days; price ¥3,980 → ¥3,780`,
      "new line 3 (C-5): customer; name 新規 四郎; marketing consent no",
      `new line 3 (S-1005): subscription; status active; next delivery ${next}; quantity 1; interval every month (day ${Number(next.slice(8))}); price ¥4,500; product KOSO-60 酵素; customer C-5; deliveries 0; started 2025-06-01 00:00 JST`,
      "refused line 4: 数量 (quantity): -1: must be at least 1",
    ]);
    expect(summary(stdout)).toMatchObject({ dryRun: true, created: 2, changed: 1, kept: 0, refused: 1 });
    expect((await plan("S-1004")).quantity).toBe(1);
  });
});
