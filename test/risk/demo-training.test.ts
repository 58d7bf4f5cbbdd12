import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { riskFeatures, subscriptions } from "../../src/db/schema";
import { DEMO_TENANT_ID, seedDemo } from "../../src/demo/seed";
import { TenantStore } from "../../src/platform/tenancy";
import { fitTenantModel, trainTenantModel } from "../../src/risk/repository";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

describe("the demo shop's own history", () => {
  let h: NodeHarness;
  afterAll(() => h?.close());

  // Seeding the whole demo shop (win-back history included) takes longer than the default timeout on a shared machine.
  it("seeding scores every subscription, and a model trained on it beats the default on the hold-out", { timeout: 120_000 }, async () => {
    h = await nodeHarness();
    const now = new Date("2026-11-20T03:00:00Z");
    const seeded = await seedDemo(h.db, { now });
    const rows = await h.db.orm.select({ band: riskFeatures.band, flags: riskFeatures.flags }).from(riskFeatures);
    expect(rows).toHaveLength(seeded.subscriptions);
    expect(new Set(rows.map((r) => r.band))).toEqual(new Set(["low", "medium", "high"]));
    expect(rows.some((r) => r.flags.includes("first_delivery_canceller"))).toBe(true);

    const result = await trainTenantModel(new TenantStore(h.db, DEMO_TENANT_ID), now, "Asia/Tokyo");
    expect(result.auc).toBeGreaterThan(result.defaultAuc);
    expect(result.active).toBe(true);

    // A big shop is sampled across its whole history, not by id: 1,500 subscriptions imported
    // today under ids that sort first (`BT-…`, no history yet) must not crowd out its cancellations.
    const [one] = await h.db.orm.select().from(subscriptions).where(eq(subscriptions.tenantId, DEMO_TENANT_ID)).limit(1);
    const imported = Array.from({ length: 1_500 }, (_, i) => ({ ...one!, id: `BT-${String(i).padStart(5, "0")}`, status: "active" as const, canceledAt: null, startedAt: now.toISOString(), deliveriesCompleted: 0, version: 1 }));
    await h.db.write(async (tx) => {
      for (let i = 0; i < imported.length; i += 100) await tx.insert(subscriptions).values(imported.slice(i, i + 100));
    });
    const sampled = await fitTenantModel(new TenantStore(h.db, DEMO_TENANT_ID), now, "Asia/Tokyo", undefined, 1_000);
    expect(sampled.subscriptions).toBeGreaterThan(800);
    expect(sampled.subscriptions).toBeLessThanOrEqual(1_000);
    expect(sampled.result.samples.positives).toBeGreaterThan(20);
  });
});
