import { afterAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_ID, seedDemo } from "../../src/demo/seed";
import { TenantStore } from "../../src/platform/tenancy";
import { trainTenantWinbackModel } from "../../src/winback/train";
import { winbackMetrics } from "../../src/metrics/winback";
import { candidatesPage } from "../../src/winback/candidates";
import { resolveSettings } from "../../src/settings/schemas";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

describe("the demo shop's win-back history", () => {
  let h: NodeHarness;
  afterAll(() => h?.close());

  it("shows real numbers, and a model trained on it is adopted only if it beats the default on the hold-out", { timeout: 120_000 }, async () => {
    h = await nodeHarness();
    const now = new Date("2026-11-20T03:00:00Z");
    await seedDemo(h.db, { now });
    const store = new TenantStore(h.db, DEMO_TENANT_ID);
    const m = await winbackMetrics(store, { from: "2024-11-21", to: "2026-11-20", today: "2026-11-20", timeZone: "Asia/Tokyo" });
    expect(m.reactivated).toBeGreaterThan(10);
    expect(m.contacts.reactivatedAfterContact).toBeGreaterThan(0);
    expect(m.holdout).not.toBeNull();
    expect(m.holdout!.lift).toBeGreaterThan(0);
    const page = await candidatesPage(store, { limit: 5, after: null, lang: "ja", settings: resolveSettings({}), now });
    expect(page.data.length).toBe(5);
    const result = await trainTenantWinbackModel(store, now, "Asia/Tokyo");
    // Both rank far better than chance on the hold-out; adoption follows the comparison, whichever wins.
    expect(result.auc).toBeGreaterThan(0.65);
    expect(result.defaultAuc).toBeGreaterThan(0.65);
    expect(result.active).toBe(result.auc > result.defaultAuc);
    const model = await h.request("GET", "/v1/winback/model", { key: (await h.tenant()).key });
    expect(model.status).toBe(200);
  });
});
