import { afterAll, describe, expect, it } from "vitest";
import { riskFeatures } from "../../src/db/schema";
import { DEMO_TENANT_ID, seedDemo } from "../../src/demo/seed";
import { TenantStore } from "../../src/platform/tenancy";
import { trainTenantModel } from "../../src/risk/repository";
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
  });
});
