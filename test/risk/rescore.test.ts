import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { riskFeatures, webhookDeliveries } from "../../src/db/schema";
import { localDate } from "../../src/platform/dates";
import { TenantStore } from "../../src/platform/tenancy";
import { JOINED, refreshRisk, SCORED_COLUMNS, scoreSubscription, toRow } from "../../src/risk/maintain";
import { DEFAULT_MODEL } from "../../src/risk/model";
import { rescoreTenant } from "../../src/risk/rescore";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

describe("rescoreTenant stores what scoring computes", () => {
  let h: NodeHarness;
  let t: TestTenant;
  const ids: string[] = [];
  const DAY = 86_400_000;

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
    const customerId = uid("C");
    await h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody({ phone: "090-5555-0101", email: `${customerId}@example.jp` }) });
    await h.request("PUT", "/v1/webhooks/crm", { key: t.key, body: { url: "https://crm.example.jp/hook", events: ["risk.band_changed"] } });
    const variants = [{}, { quantity: 2 }, { intervalDays: 60, unitPrice: { amount: 9800, currency: "JPY" } }, { deliveriesCompleted: 0 }, { status: "paused" }];
    for (const v of variants) {
      const id = uid("S");
      ids.push(id);
      await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, v) });
    }
    // One subscription at risk now: a cancel request that falls out of the 90-day window later.
    const store = new TenantStore(h.db, t.id);
    await store.write((s) => refreshRisk(s, ids[0]!, new Date().toISOString(), "cancel_flow_started"));
  });
  afterAll(() => h.close());

  const stored = async (id: string) => (await h.db.orm.select().from(riskFeatures).where(eq(riskFeatures.subscriptionId, id)))[0]!;
  const expected = async (id: string, at: Date) => {
    const [raw] = (await h.db.orm.all(sql`SELECT ${SCORED_COLUMNS} FROM ${JOINED} WHERE subscriptions.tenant_id = ${t.id} AND subscriptions.id = ${id}`)) as Record<string, unknown>[];
    const r = toRow(raw!);
    const { features: _, ...row } = scoreSubscription(r.features as never, r.sub, DEFAULT_MODEL, localDate(at, "Asia/Tokyo"), at.toISOString(), r.flags ?? []).row;
    return row;
  };
  const bandEvents = async () =>
    (await h.db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.id))).filter((d) => d.eventType === "risk.band_changed");

  it("every row gets the scores computed for that day, in several chunks per transaction", async () => {
    for (const days of [3, 3, 120]) {
      // The same day twice (scores stay, only the time moves), then a day when the cancel request has aged out.
      const at = new Date(Date.now() + days * DAY);
      const want = await Promise.all(ids.map((id) => expected(id, at)));
      const before = await stored(ids[0]!);
      const done: number[] = [];
      const result = await rescoreTenant(h.db, t.id, at, { chunk: 2, onProgress: (n) => done.push(n) });
      expect(result.rescored).toBe(ids.length);
      expect(done.at(-1)).toBe(ids.length);
      for (const [i, id] of ids.entries()) {
        const { features: _, tenantId: __, ...got } = await stored(id);
        expect(got).toEqual(want[i]);
      }
      if (days === 120) {
        expect(before.band).not.toBe("low");
        expect((await stored(ids[0]!)).band).toBe("low");
        expect(result.bandChanges).toBeGreaterThanOrEqual(1);
        expect((await bandEvents()).map((e) => JSON.parse(e.payload).data)).toContainEqual(
          expect.objectContaining({ subscriptionId: ids[0], previousBand: before.band, band: "low" }),
        );
      }
    }
  });
});
