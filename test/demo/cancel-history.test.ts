import { createClient } from "@libsql/client";
import { asc } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../src/db/client";
import { cancelFlows, cancelFlowSteps, offerOutcomes, offers, planChanges, subscriptions } from "../../src/db/schema";
import { seedDemo } from "../../src/demo/seed";

const NOW = new Date("2026-11-20T03:00:00Z");
const dirs: string[] = [];

async function seeded(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), "cancel-history-"));
  dirs.push(dir);
  const client = createClient({ url: `file:${join(dir, "seed.db")}` });
  await migrate(drizzle(client), { migrationsFolder: "drizzle" });
  const db = createDatabase(client);
  await seedDemo(db, { now: NOW });
  return db;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("demo cancel-flow history", () => {
  let db: Database;
  // Seeding the whole demo shop takes seconds; on a loaded machine more than the default 10 s hook limit.
  beforeAll(async () => {
    db = await seeded();
  }, 60_000);

  it("has several hundred flows over the last six months with every outcome", async () => {
    const flows = await db.orm.select().from(cancelFlows);
    expect(flows.length).toBeGreaterThan(300);
    const statuses = new Set(flows.map((f) => f.status));
    expect(statuses).toEqual(new Set(["saved", "canceled", "abandoned"]));
    for (const f of flows) {
      expect(Date.parse(f.startedAt)).toBeGreaterThan(NOW.getTime() - 183 * 86_400_000);
      expect(Date.parse(f.closedAt!)).toBeGreaterThanOrEqual(Date.parse(f.startedAt));
      expect(f.holdout).toBe(false);
    }
  });

  it("agrees with the subscriptions: a canceled flow's subscription is canceled or was won back", async () => {
    const subs = new Map((await db.orm.select().from(subscriptions)).map((s) => [s.id, s]));
    const reactivated = new Set((await db.orm.select().from(planChanges)).filter((c) => c.type === "reactivate").map((c) => c.subscriptionId));
    expect(reactivated.size).toBeGreaterThan(5);
    for (const f of await db.orm.select().from(cancelFlows)) {
      const s = subs.get(f.subscriptionId)!;
      if (f.status === "canceled") {
        if (reactivated.has(s.id)) expect(s.status).toBe("active");
        else expect(s.cancellation?.confirmationNumber).toBe(f.confirmationNumber);
      } else if (s.status === "canceled") expect(Date.parse(f.closedAt!)).toBeLessThan(Date.parse(s.canceledAt!)); // saved earlier, left later
    }
  });

  it("offer_outcomes are exactly the accepts and declines of the flows", async () => {
    const counted = new Map<string, { accepted: number; declined: number }>();
    for (const f of await db.orm.select().from(cancelFlows)) {
      if (!f.reason || !f.offerId || f.status === "abandoned") continue;
      const key = `${f.reason}|${f.offerId}`;
      const c = counted.get(key) ?? { accepted: 0, declined: 0 };
      if (f.status === "saved") c.accepted++;
      else c.declined++;
      counted.set(key, c);
    }
    const stored = await db.orm.select().from(offerOutcomes);
    expect(new Map(stored.map((o) => [`${o.reason}|${o.offerId}`, { accepted: o.accepted, declined: o.declined }]))).toEqual(counted);
    expect((await db.orm.select().from(offers)).length).toBeGreaterThanOrEqual(10);
    expect((await db.orm.select().from(cancelFlowSteps)).length).toBeGreaterThan(700);
  });

  it("is deterministic for the same now", async () => {
    const other = await seeded();
    const a = await db.orm.select().from(cancelFlows).orderBy(asc(cancelFlows.id));
    const b = await other.orm.select().from(cancelFlows).orderBy(asc(cancelFlows.id));
    expect(b).toEqual(a);
  });
});
