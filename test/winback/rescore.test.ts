import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { winbacks } from "../../src/db/schema";
import { DEMO_TENANT_ID, seedDemo } from "../../src/demo/seed";
import { TenantStore } from "../../src/platform/tenancy";
import { DEFAULT_WINBACK_MODEL, scoreWinback, type WinbackFeatures } from "../../src/winback/model";
import { rescoreWinbacks } from "../../src/winback/train";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// An adopted win-back model re-scores every open record, a turn of the event loop every 100
// records: what is stored must be what scoring each record gives.
describe("rescoreWinbacks", () => {
  let h: NodeHarness;
  afterAll(() => h?.close());

  it("stores each open record's score under the new model and leaves reactivated ones as they were", { timeout: 120_000 }, async () => {
    h = await nodeHarness();
    const now = new Date("2026-11-20T03:00:00Z");
    await seedDemo(h.db, { now });
    const store = new TenantStore(h.db, DEMO_TENANT_ID);
    const before = await h.db.orm.select().from(winbacks).where(eq(winbacks.tenantId, DEMO_TENANT_ID));
    const open = before.filter((w) => w.reactivatedAt === null);
    expect(open.length).toBeGreaterThan(100); // more than one slice
    // Another model: every reason weighs more, so every score moves.
    const model = { ...DEFAULT_WINBACK_MODEL, version: "winback-test-2", intercept: DEFAULT_WINBACK_MODEL.intercept + 0.7 };
    const today = "2026-11-20";
    const n = await store.write((s) => rescoreWinbacks(s, model, today));
    expect(n).toBe(open.length);

    const after = new Map((await h.db.orm.select().from(winbacks).where(eq(winbacks.tenantId, DEMO_TENANT_ID))).map((w) => [w.id, w]));
    for (const w of open) {
      const want = scoreWinback(model, w.features as unknown as WinbackFeatures, today);
      const got = after.get(w.id)!;
      expect({ probability: got.probability, expectedValue: got.expectedValue, drivers: got.drivers, modelVersion: got.modelVersion, scoredOn: got.scoredOn }).toEqual({
        probability: want.probability,
        expectedValue: Math.round(want.probability * w.annualValue),
        drivers: want.drivers,
        modelVersion: "winback-test-2",
        scoredOn: today,
      });
    }
    for (const w of before.filter((x) => x.reactivatedAt !== null)) expect(after.get(w.id)).toEqual(w);
  });
});
