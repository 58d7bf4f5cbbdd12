import { afterAll, describe, expect, it } from "vitest";
import { NEXT_ACTIONS } from "../../src/risk/routing";
import { DEMO_API_KEY, DEMO_TENANT_ID, seedDemo } from "../../src/demo/seed";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

describe("the data dip's next best action", () => {
  let h: NodeHarness;
  afterAll(() => h?.close());

  it("is the offer engine's first choice for the subscription the call is about, for every caller at risk in the demo shop", async () => {
    h = await nodeHarness();
    await seedDemo(h.db, { now: new Date() });
    // Callers with a live subscription at some risk and a number nobody else has.
    const callers = (
      await h.db.client.execute({
        sql: `SELECT c.phone FROM customers c WHERE c.tenant_id = ? AND c.phone IS NOT NULL
                AND (SELECT count(*) FROM customers d WHERE d.tenant_id = c.tenant_id AND d.phone = c.phone) = 1
                AND EXISTS (SELECT 1 FROM subscriptions s JOIN risk_features r ON r.tenant_id = s.tenant_id AND r.subscription_id = s.id
                  WHERE s.tenant_id = c.tenant_id AND s.customer_id = c.id AND s.status <> 'canceled' AND r.band <> 'low')`,
        args: [DEMO_TENANT_ID],
      })
    ).rows.map((r) => String(r.phone));
    expect(callers.length).toBeGreaterThan(50);

    const key = { key: DEMO_API_KEY };
    let fromOffers = 0;
    for (const phone of callers) {
      for (const channel of ["ivr", "operator"] as const) {
        const dip = await h.request("GET", `/v1/lookup?phone=${encodeURIComponent(phone)}&channel=${channel}`, key);
        expect(dip.status, phone).toBe(200);
        const action = dip.body.nextBestAction;
        expect(action, phone).not.toBeNull();
        const offers = await h.request("GET", `/v1/subscriptions/${action.subscriptionId}/offers?channel=${channel}&limit=1`, key);
        const first = offers.body.data[0];
        if (action.source === "offers") {
          fromOffers++;
          expect(action.offerId, `${phone} ${channel}`).toBe(first.offerId);
          if (first.parameters.mode === "move_next_delivery") {
            // A moved delivery is said as one, not as a skip.
            expect(action.type).toBe("move_delivery");
            expect(dip.body.speech).not.toContain("スキップ");
          }
        } else {
          // The drivers speak only when the engine has nothing that fits.
          expect(first === undefined || !(NEXT_ACTIONS as readonly string[]).includes(first.type), phone).toBe(true);
        }
      }
    }
    expect(fromOffers).toBeGreaterThan(callers.length);
  }, 120_000); // seeds the whole demo shop first

  it("follows the shop's catalogue on the very next call after an offer is withdrawn", async () => {
    const key = { key: DEMO_API_KEY };
    const phones = (
      await h.db.client.execute({
        sql: `SELECT c.phone FROM customers c WHERE c.tenant_id = ? AND c.phone IS NOT NULL
                AND (SELECT count(*) FROM customers d WHERE d.tenant_id = c.tenant_id AND d.phone = c.phone) = 1`,
        args: [DEMO_TENANT_ID],
      })
    ).rows.map((r) => String(r.phone));
    let phone: string | undefined;
    let offerId: string | undefined;
    for (const p of phones) {
      const dip = await h.request("GET", `/v1/lookup?phone=${encodeURIComponent(p)}`, key);
      if (dip.body.nextBestAction?.source === "offers") {
        phone = p;
        offerId = dip.body.nextBestAction.offerId;
        break;
      }
    }
    expect(offerId).toBeDefined();
    // The same answer twice (the second from the engine this process already holds)…
    const again = await h.request("GET", `/v1/lookup?phone=${encodeURIComponent(phone!)}`, key);
    expect(again.body.nextBestAction.offerId).toBe(offerId);
    // …until the shop withdraws that offer: the next call no longer suggests it.
    expect((await h.request("DELETE", `/v1/offers/${offerId}`, key)).status).toBe(204);
    const after = await h.request("GET", `/v1/lookup?phone=${encodeURIComponent(phone!)}`, key);
    expect(after.status).toBe(200);
    expect(after.body.nextBestAction?.offerId ?? null).not.toBe(offerId);
    const first = (await h.request("GET", `/v1/subscriptions/${after.body.nextBestAction.subscriptionId}/offers?limit=1`, key)).body.data[0];
    if (after.body.nextBestAction.source === "offers") expect(after.body.nextBestAction.offerId).toBe(first.offerId);
  });

  it("gets a new catalogue version from every write to offers and learned outcomes, whoever writes", async () => {
    const version = async () =>
      Number((await h.db.client.execute({ sql: "SELECT offers_version FROM tenants WHERE id = ?", args: [DEMO_TENANT_ID] })).rows[0]!.offers_version);
    const seen = new Set([await version()]);
    const writes = [
      "UPDATE offers SET updated_at = updated_at WHERE tenant_id = 'ten_demo' AND id = (SELECT min(id) FROM offers WHERE tenant_id = 'ten_demo')",
      "INSERT INTO offer_outcomes (tenant_id, reason, offer_id, accepted, declined) VALUES ('ten_demo', 'test_reason', 'off_test', 0, 1)",
      "INSERT INTO offer_outcomes (tenant_id, reason, offer_id, accepted, declined) VALUES ('ten_demo', 'test_reason', 'off_test', 1, 0) ON CONFLICT DO UPDATE SET accepted = accepted + 1",
      "DELETE FROM offer_outcomes WHERE tenant_id = 'ten_demo' AND reason = 'test_reason'",
    ];
    for (const sql of writes) {
      await h.db.client.execute(sql);
      const v = await version();
      expect(seen.has(v), sql).toBe(false);
      seen.add(v);
    }
  });
});
