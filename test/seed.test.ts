import { createClient } from "@libsql/client";
import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../src/db/client";
import { apiKeys, cancellationReasons, customers, events, offers, riskFeatures, subscriptions, tenants } from "../src/db/schema";
import { DEFAULT_CANCELLATION_REASONS } from "../src/cancel-flows/reasons";
import { validateCatalogueOffer } from "../src/offers/catalogue";
import { lintFields } from "../src/offers/lint";
import { definitionOf } from "../src/offers/repository";
import { driverLabel, type Driver } from "../src/risk/model";
import { DEMO_API_KEY, DEMO_TENANT_ID, seedDemo } from "../src/demo/seed";
import { EventInput } from "../src/events/schemas";
import { sha256Hex } from "../src/platform/crypto";

const NOW = new Date("2026-11-20T03:00:00Z");
const CUSTOMERS = 120;

const dirs: string[] = [];
const clients: { close(): void }[] = [];

async function freshDatabase(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), "seed-"));
  dirs.push(dir);
  const client = createClient({ url: `file:${join(dir, "seed.db")}` });
  clients.push(client);
  await migrate(drizzle(client), { migrationsFolder: "drizzle" });
  return createDatabase(client);
}

afterAll(() => {
  for (const c of clients) c.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("seedDemo", () => {
  let db: Database;
  let result: Awaited<ReturnType<typeof seedDemo>>;
  let progress: [number, number][] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    progress = [];
    result = await seedDemo(db, { now: NOW, customers: CUSTOMERS, onProgress: (d, t) => progress.push([d, t]) });
  });

  it("creates the demo tenant and a key that authenticates with the published secret", async () => {
    expect(result.tenantId).toBe(DEMO_TENANT_ID);
    expect(result.apiKey).toBe(DEMO_API_KEY);
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.id, DEMO_TENANT_ID));
    expect(tenant?.name).toBe("続くショップ（デモ）");
    const [key] = await db.orm.select().from(apiKeys).where(eq(apiKeys.secretHash, sha256Hex(DEMO_API_KEY)));
    expect(key?.tenantId).toBe(DEMO_TENANT_ID);
    expect([...(key?.scopes ?? [])].sort()).toEqual(["admin", "read", "write"]);
  });

  it("stores the requested number of customers, with Japanese names and E.164 phones", async () => {
    const rows = await db.orm.select().from(customers);
    expect(rows).toHaveLength(CUSTOMERS);
    expect(result.customers).toBe(CUSTOMERS);
    for (const c of rows) {
      expect(c.id).toMatch(/^C-1\d{5}$/);
      expect(c.name).toMatch(/^\p{Script=Han}+ [\p{Script=Han}\p{Script=Hiragana}]+$/u);
      if (c.phone !== null) expect(c.phone).toMatch(/^\+81\d{9,10}$/);
      if (c.email !== null) {
        expect(c.email).toMatch(/@example\.(jp|com|ne\.jp)$/);
        expect(c.emailNormalized).toBe(c.email.toLowerCase());
      }
      expect(Date.parse(c.createdAt)).toBeLessThanOrEqual(NOW.getTime());
    }
    const phones = rows.map((c) => c.phone).filter((p): p is string => p !== null);
    expect(new Set(phones).size).toBeLessThan(phones.length); // a household shares a line
    expect(rows.some((c) => c.email === null)).toBe(true);
  });

  // A monthly plan delivers on its day of the month (the month's last day when shorter): the next
  // delivery the demo stores, reactivated plans' included, is on that day, so a skip keeps the date.
  it("has monthly plans, each with its next delivery on the plan's day of the month", async () => {
    const rows = (await db.orm.select().from(subscriptions)).filter((s) => s.intervalMonths !== null);
    expect(rows.length).toBeGreaterThan(0);
    const off = rows.filter((s) => s.nextDeliveryOn !== null && s.nextDeliveryOn !== onDay(s.nextDeliveryOn, s.deliveryDay!)).map((s) => `${s.id} ${s.nextDeliveryOn} day ${s.deliveryDay}`);
    expect(off).toEqual([]);
  });

  it("builds the README's fixtures from the start date: S-DEMO-FEE always has its fee", async () => {
    const rows = await db.orm.select().from(subscriptions);
    const fee = rows.find((s) => s.id === "S-DEMO-FEE");
    expect(fee).toMatchObject({ customerId: "C-100001", status: "active", commitmentMinDeliveries: 3, deliveriesCompleted: 2, commitmentFeeAmount: 5000 });
    const today = new Date(NOW.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
    expect(fee!.nextDeliveryOn! > today).toBe(true);
    expect(rows.find((s) => s.id === "S-DEMO-SAVE")).toMatchObject({ status: "active", commitmentMinDeliveries: null });
  });

  it("has active, paused and canceled subscriptions, including 初回だけ解約", async () => {
    const rows = await db.orm.select().from(subscriptions);
    expect(rows).toHaveLength(result.subscriptions);
    expect(new Set(rows.map((s) => s.status))).toEqual(new Set(["active", "paused", "canceled"]));
    const canceled = rows.filter((s) => s.status === "canceled");
    expect(canceled.some((s) => s.deliveriesCompleted <= 1)).toBe(true);
    const today = new Date(NOW.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
    for (const s of rows) {
      expect(s.id).toMatch(/^S-(20\d\d-\d{6}|DEMO-[A-Z]+)$/);
      expect(s.currency).toBe("JPY");
      if (s.status === "active") {
        expect(s.nextDeliveryOn! > today).toBe(true);
        expect(s.canceledAt).toBeNull();
      }
      if (s.status === "paused") {
        expect(s.pausedUntil! > today).toBe(true);
        expect(s.nextDeliveryOn).toBe(s.pausedUntil);
      }
      if (s.status === "canceled") {
        expect(s.nextDeliveryOn).toBeNull();
        expect(s.canceledAt).not.toBeNull();
        expect(s.cancellation?.reason).toBeTruthy();
      }
    }
  });

  it("writes offers and reasons whose copy the API would accept: every offer passes the catalogue's checks, every reason label and hint the lint", async () => {
    const rows = await db.orm.select().from(offers);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(validateCatalogueOffer(definitionOf(row)), row.id).toEqual([]);
    // No reasons of its own means the default list, which customers and operators then read.
    const own = await db.orm.select().from(cancellationReasons);
    const reasons = own.length > 0 ? own : DEFAULT_CANCELLATION_REASONS;
    for (const r of reasons) expect(lintFields({ "label.ja": r.label.ja, "label.en": r.label.en, "followUpHint.ja": r.followUpHint.ja, "followUpHint.en": r.followUpHint.en }), r.code).toEqual([]);
  });

  it("stores only events that the public event schema accepts", async () => {
    const rows = await db.orm.select().from(events);
    expect(rows).toHaveLength(result.events);
    expect(rows.length).toBeGreaterThan(0);
    for (const e of rows) {
      const input = { id: e.id, type: e.type, customerId: e.customerId, subscriptionId: e.subscriptionId ?? undefined, occurredAt: e.occurredAt, data: e.data };
      const parsed = EventInput.safeParse(input);
      expect(parsed.success, `${e.id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(Date.parse(e.occurredAt)).toBeLessThanOrEqual(NOW.getTime());
    }
    expect(new Set(rows.map((e) => e.type)).size).toBe(7);
    expect(progress.at(-1)).toEqual([CUSTOMERS + result.subscriptions + result.events, CUSTOMERS + result.subscriptions + result.events]);
  });

  it("gives plausible stock: measured from each customer's history, never 「在庫 約6522日分」 (issue #14)", async () => {
    const rows = await db.orm.select({ features: riskFeatures.features, drivers: riskFeatures.drivers }).from(riskFeatures);
    const stock = rows.map((r) => r.features as { stock?: { perDay: number | null }; stockOnHandDays?: number }).filter((f) => f.stock);
    expect(stock.length).toBeGreaterThan(5);
    expect(stock.filter((f) => f.stock!.perDay !== null).length).toBeGreaterThan(stock.length / 2);
    for (const f of stock) expect(f.stockOnHandDays ?? 0).toBeLessThanOrEqual(365);
    const surplus = rows.flatMap((r) => (r.drivers as Driver[]).filter((d) => d.code === "surplus_stock"));
    for (const d of surplus) expect(driverLabel(d, "ja", "JPY")).not.toMatch(/\d{3,}日分/u);
  });

  it("is deterministic for the same now", async () => {
    const other = await freshDatabase();
    await seedDemo(other, { now: NOW, customers: CUSTOMERS });
    const a = await db.orm.select().from(customers).orderBy(asc(customers.id));
    const b = await other.orm.select().from(customers).orderBy(asc(customers.id));
    expect(b).toEqual(a);
    const sa = await db.orm.select().from(subscriptions).orderBy(asc(subscriptions.id));
    const sb = await other.orm.select().from(subscriptions).orderBy(asc(subscriptions.id));
    expect(sb).toEqual(sa);
  });
});

/** `date`'s month on `day`, or its last day when the month is shorter. */
function onDay(date: string, day: number): string {
  const [y, m] = date.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${date.slice(0, 8)}${String(Math.min(day, last)).padStart(2, "0")}`;
}
