import { and, eq, isNull } from "drizzle-orm";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../../src/db/client";
import { migrateDatabase, openDatabase } from "../../src/db/node";
import { planChanges, subscriptions } from "../../src/db/schema";
import { DEMO_TENANT_ID, seedDemo } from "../../src/demo/seed";
import { preparedFind, preparedInsert, TenantStore } from "../../src/platform/tenancy";

/**
 * Statements built once through TenantStore (platform/tenancy `prepared`): the same statement
 * object serves every store, and each run is scoped to the store that runs it — tenant, customer,
 * customer and one subscription — whichever shape compiled it first.
 */
let dir: string;
let db: Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tsuzuku-prepared-"));
  db = await openDatabase(`file:${join(dir, "p.db")}`);
  await migrateDatabase(db);
  await seedDemo(db, { now: new Date("2026-11-30T03:00:00Z") });
}, 60_000);
afterAll(() => {
  db.client.close();
  rmSync(dir, { recursive: true, force: true });
});

it("a prepared read answers each store within its own tenant and customer, whatever shape ran it first", async () => {
  const rows = await db.orm.select({ id: subscriptions.id, customerId: subscriptions.customerId }).from(subscriptions).where(eq(subscriptions.tenantId, DEMO_TENANT_ID)).limit(40);
  const a = rows[0]!;
  const b = rows.find((r) => r.customerId !== a.customerId)!;
  const byId = preparedFind(subscriptions, ["id"]);
  const customerA = new TenantStore(db, DEMO_TENANT_ID, db.orm, { customerId: a.customerId, subscriptionId: null });
  const sessionForA = new TenantStore(db, DEMO_TENANT_ID, db.orm, { customerId: a.customerId, subscriptionId: a.id });
  const shop = new TenantStore(db, DEMO_TENANT_ID);
  const otherShop = new TenantStore(db, "ten_other");
  // The customer-bound shape first: another customer's subscription is not there for it.
  expect((await customerA.findWith(subscriptions, byId, { id: b.id }))?.id).toBeUndefined();
  expect((await customerA.findWith(subscriptions, byId, { id: a.id }))?.id).toBe(a.id);
  expect((await sessionForA.findWith(subscriptions, byId, { id: a.id }))?.id).toBe(a.id);
  // Then the shop's own shape: every customer's; another shop's store: none.
  expect((await shop.findWith(subscriptions, byId, { id: b.id }))?.id).toBe(b.id);
  expect(await otherShop.findWith(subscriptions, byId, { id: b.id })).toBeUndefined();
  expect((await customerA.findWith(subscriptions, byId, { id: b.id }))?.id).toBeUndefined();
  // The row is the ORM's: JSON columns parsed, numbers as numbers.
  const viaOrm = await shop.find(subscriptions, eq(subscriptions.id, a.id));
  expect(await shop.findWith(subscriptions, byId, { id: a.id })).toEqual(viaOrm);
});

it("a prepared insert stamps the store's tenant and writes a null JSON value as NULL, inside the write's transaction", async () => {
  const insert = preparedInsert(planChanges, ["id", "subscriptionId", "type", "channel", "actor", "keyId", "before", "after", "source", "createdAt"]);
  const shop = new TenantStore(db, DEMO_TENANT_ID);
  await expect(
    shop.write(async (s) => {
      await s.run(insert, { id: "chg_rolled_back", subscriptionId: "sub_x", type: "skip", channel: "web", actor: { type: "system", id: "t" }, keyId: null, before: {}, after: {}, source: null, createdAt: "2026-11-30T03:00:00.000Z" });
      throw new Error("fails after the insert");
    }),
  ).rejects.toThrow(/fails after/);
  await shop.write((s) =>
    s.run(insert, { id: "chg_kept", subscriptionId: "sub_x", type: "skip", channel: "web", actor: { type: "system", id: "t" }, keyId: null, before: { quantity: 1 }, after: { quantity: 2 }, source: null, createdAt: "2026-11-30T03:00:00.000Z" }),
  );
  const rows = await db.orm.select().from(planChanges).where(and(eq(planChanges.subscriptionId, "sub_x"), isNull(planChanges.source)));
  expect(rows.map((r) => [r.id, r.tenantId, r.after, r.actor])).toEqual([["chg_kept", DEMO_TENANT_ID, { quantity: 2 }, { type: "system", id: "t" }]]);
});

it("a kept statement sees a column added after it first ran", async () => {
  await db.client.execute("CREATE TABLE kept_columns (a TEXT)");
  await db.client.execute("INSERT INTO kept_columns VALUES ('x')");
  expect(Object.keys((await db.client.execute("SELECT * FROM kept_columns")).rows[0]!)).toEqual(["a"]);
  await db.client.execute("ALTER TABLE kept_columns ADD COLUMN b TEXT DEFAULT 'y'");
  expect({ ...(await db.client.execute("SELECT * FROM kept_columns")).rows[0]! }).toEqual({ a: "x", b: "y" });
});
