import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerBody, subscriptionBody } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * Durable saves are judged on the plan's cancellations after the save, not on its cancellation
 * now: three saves on Tokyo's 2026-10-01, `durableSaveDays` 30, read on 2026-12-01.
 * - A: cancelled 7 days after the save, restarted the next day: lost (a restart does not undo it).
 * - B: cancelled 5 days after, restarted, cancelled again 50 days after: lost (the first counts).
 * - C: cancelled 45 days after the save: durable.
 * So 3 judged, 1 durable, 2 lost. Read from the plan's current `canceled_at`, A looked never
 * cancelled and B cancelled after the window: 3 judged, 3 durable, 0 lost.
 */
describe("durable saves: a save cancelled within durableSaveDays stays lost when the plan is restarted", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("counts the first cancellation after the save, restarted since or not", async () => {
    const t = await h.tenant();
    const c = "C-DUR";
    h.setNow(new Date("2026-09-30T00:00:00.000Z"));
    expect((await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() })).status).toBeLessThan(300);
    const put = async (id: string, over: Record<string, unknown>) => {
      const res = await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(c, { startedAt: "2026-05-01T01:00:00Z", nextDeliveryOn: "2026-10-20", ...over }) });
      expect(res.status, res.text).toBeLessThan(300);
    };
    const cancel = async (id: string, at: string) => {
      h.setNow(new Date(at));
      await put(id, { status: "canceled", canceledAt: at, nextDeliveryOn: null });
    };
    const reactivate = async (id: string, at: string) => {
      h.setNow(new Date(at));
      const res = await h.request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: { channel: "operator" } });
      expect(res.status, res.text).toBe(200);
    };
    for (const id of ["S-DUR-A", "S-DUR-B", "S-DUR-C"]) {
      await put(id, {});
      // A save on 2026-10-01 10:00 Tokyo (the flow's row as the cancel flow writes it).
      await h.db.client.execute({
        sql: `INSERT INTO cancel_flows (tenant_id, id, subscription_id, customer_id, channel, status, reason, offer_id, offers_shown, holdout, holdout_percent, calls, started_at, expires_at, closed_at)
              VALUES (?, ?, ?, ?, 'web', 'saved', 'surplus_stock', 'off_skip_next', '[{"offerId":"off_skip_next"}]', 0, 0, 2, '2026-10-01T01:00:00.000Z', '2026-10-02T01:00:00.000Z', '2026-10-01T01:02:00.000Z')`,
        args: [t.id, `cf_${id}`, id, c],
      });
    }
    await cancel("S-DUR-A", "2026-10-08T01:00:00.000Z");
    await reactivate("S-DUR-A", "2026-10-09T01:00:00.000Z");
    await cancel("S-DUR-B", "2026-10-06T01:00:00.000Z");
    await reactivate("S-DUR-B", "2026-10-07T01:00:00.000Z");
    await cancel("S-DUR-B", "2026-11-20T01:00:00.000Z");
    await cancel("S-DUR-C", "2026-11-15T01:00:00.000Z");

    h.setNow(new Date("2026-12-01T03:00:00.000Z"));
    const res = await h.request("GET", "/v1/metrics/retention?from=2026-10-01&to=2026-10-01&groupBy=reason", { key: t.key });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ started: 3, saved: 3, saveRate: 1, durableSaves: { judged: 3, durable: 1, lost: 2 }, durableSaveRate: 0.3333 });
    expect(res.body.groups).toMatchObject([{ key: "surplus_stock", durableSaves: { judged: 3, durable: 1, lost: 2 }, durableSaveRate: 0.3333 }]);
    h.setNow(null);
  });
});
