import { describe, expect, it } from "vitest";
import { addDays } from "../../src/platform/dates";
import { customerBody, RECEIVER_SECRET, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

/** The background job as each runtime runs it unattended (`cron`): one shop's bad row holds back nobody else. */
export function maintenanceSuite(h: () => Harness) {
  describe("maintenance steps run apart", () => {
    /** A subscription whose pause ended two days ago (the API only takes future dates: set in the database). */
    async function pauseEnded(t: TestTenant) {
      const c = uid("C");
      const s = uid("S");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
      const ended = addDays(new Date().toISOString().slice(0, 10), -2);
      await h().sql("UPDATE subscriptions SET status = 'paused', paused_until = ?, next_delivery_on = ? WHERE tenant_id = ? AND id = ?", [ended, ended, t.id, s]);
      return { c, s };
    }

    it("a shop whose row cannot be read fails its own share of a step; other shops are resumed, their webhooks delivered and retention purged in the same pass", async () => {
      const bad = await h().tenant();
      const poisoned = await pauseEnded(bad);
      // A record the job cannot read back (its discount is not JSON): the resume step throws on it.
      await h().sql("UPDATE subscriptions SET active_discount = '{not json' WHERE tenant_id = ? AND id = ?", [bad.id, poisoned.s]);

      const good = await h().tenant();
      const hook = await h().request("PUT", "/v1/webhooks/receiver", { key: good.key, body: { url: `${h().receiverUrl}/hook`, events: ["subscription.changed"], secret: RECEIVER_SECRET } });
      expect(hook.status).toBe(201);
      const { c, s } = await pauseEnded(good);
      expect((await h().request("PATCH", "/v1/settings", { key: good.key, body: { eventRetentionDays: 30 } })).status).toBe(200);
      const old = uid("e");
      const note = { type: "contact.logged", customerId: c, subscriptionId: s, occurredAt: new Date().toISOString(), data: { channel: "phone", topic: "inquiry", note: "古いメモ" } };
      expect((await h().request("POST", "/v1/events", { key: good.key, body: { events: [{ id: old, ...note }] } })).status).toBeLessThan(300);
      await h().sql("UPDATE events SET occurred_at = '2020-01-01T00:00:00.000Z' WHERE tenant_id = ? AND id = ?", [good.id, old]);

      try {
        await h().cron();

        // The other shop: resumed (step 1), its change delivered (webhooks, step 7), its old event deleted (retention, step 8).
        expect((await h().request("GET", `/v1/subscriptions/${s}`, { key: good.key })).body).toMatchObject({ status: "active", pausedUntil: null });
        type Got = { verified: { type: string; data: { subscription?: { id: string }; change?: { type: string } } } | null };
        const got = (await (await fetch(`${h().receiverUrl}/received`)).json()) as Got[];
        expect(got.find((g) => g.verified?.data.subscription?.id === s && g.verified.data.change?.type === "resume")).toBeDefined();
        expect(await h().sql("SELECT id FROM events WHERE tenant_id = ? AND id = ?", [good.id, old])).toEqual([]);
        // The bad shop's share was rolled back: still paused.
        expect(await h().sql("SELECT status FROM subscriptions WHERE tenant_id = ? AND id = ?", [bad.id, poisoned.s])).toEqual([{ status: "paused" }]);
      } finally {
        await h().sql("UPDATE subscriptions SET active_discount = NULL WHERE tenant_id = ? AND id = ?", [bad.id, poisoned.s]);
      }
      // Mended, the next run resumes it (and fails nothing: `maintain` would throw).
      await h().maintain();
      expect(await h().sql("SELECT status FROM subscriptions WHERE tenant_id = ? AND id = ?", [bad.id, poisoned.s])).toEqual([{ status: "active" }]);
    });
  });
}
