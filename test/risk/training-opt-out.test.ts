import { afterAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_ID, seedDemo } from "../../src/demo/seed";
import { TenantStore } from "../../src/platform/tenancy";
import { fitTenantModel } from "../../src/risk/repository";
import { fitTenantWinbackModel } from "../../src/winback/train";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// A customer who objected to profiling is not used to build the models that score others either.
describe("training leaves out customers who objected to profiling", () => {
  let h: NodeHarness;
  afterAll(() => h?.close());

  it("the risk and win-back models are fitted without their subscriptions and cancellations", { timeout: 180_000 }, async () => {
    h = await nodeHarness();
    const now = new Date("2026-11-20T03:00:00Z");
    await seedDemo(h.db, { now });
    const store = new TenantStore(h.db, DEMO_TENANT_ID);
    const risk = await fitTenantModel(store, now, "Asia/Tokyo");
    const winback = await fitTenantWinbackModel(store, now, "Asia/Tokyo");

    // A tenth of the shop's customers object (straight in SQL: the triggers clear their rows as the API would).
    const objecting = await h.sql("SELECT id FROM customers WHERE tenant_id = ? AND rowid % 10 = 0", [DEMO_TENANT_ID]);
    expect(objecting.length).toBeGreaterThan(10);
    await h.sql("UPDATE customers SET profiling_opt_out = 1 WHERE tenant_id = ? AND rowid % 10 = 0", [DEMO_TENANT_ID]);
    const [theirs] = await h.sql("SELECT count(*) AS n FROM subscriptions s JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id WHERE s.tenant_id = ? AND c.profiling_opt_out = 1", [DEMO_TENANT_ID]);
    expect(await h.sql("SELECT count(*) AS n FROM risk_features r JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id WHERE r.tenant_id = ? AND c.profiling_opt_out = 1", [DEMO_TENANT_ID])).toEqual([{ n: 0 }]);

    const riskAfter = await fitTenantModel(store, now, "Asia/Tokyo");
    expect(riskAfter.subscriptions).toBe(risk.subscriptions - Number(theirs!.n));
    const winbackAfter = await fitTenantWinbackModel(store, now, "Asia/Tokyo");
    expect(JSON.stringify(winbackAfter)).not.toBe(JSON.stringify(winback));
  });
});
