import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerBody, subscriptionBody } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * The win-back holdout is intent to treat: its arms are the cancellations as they were drawn. Two
 * customers who may be contacted cancel in November 2026 under a 50 % holdout; A's record is held
 * out, B's is not (the draw fixed here). In December B withdraws keep-in-touch and A is erased:
 * November's arms stay 1 and 1. Read from the records' current `contactable`, both left the
 * comparison and November's holdout became null.
 */
describe("win-back holdout arms: a later no or erasure does not move a past month", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("keeps each cancellation in the arm it was drawn in, contactable as it was then", async () => {
    const t = await h.tenant();
    h.setNow(new Date("2026-11-10T01:00:00.000Z"));
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 50 } })).status).toBe(200);
    for (const [c, phone] of [
      ["C-ARM-A", "090-1111-2222"],
      ["C-ARM-B", "090-3333-4444"],
    ] as const) {
      expect((await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ email: `${c.toLowerCase()}@example.jp`, phone, marketingConsent: true }) })).status).toBeLessThan(300);
      const sub = c.replace("C-", "S-");
      const res = await h.request("PUT", `/v1/subscriptions/${sub}`, { key: t.key, body: subscriptionBody(c, { status: "canceled", canceledAt: "2026-11-10T01:00:00.000Z", nextDeliveryOn: null, cancellationReason: "too_expensive" }) });
      expect(res.status, res.text).toBeLessThan(300);
    }
    // The draw, fixed: A held out, B not.
    await h.db.client.execute({ sql: "UPDATE winbacks SET holdout = (subscription_id = 'S-ARM-A') WHERE tenant_id = ?", args: [t.id] });

    const november = async () => {
      const res = await h.request("GET", "/v1/metrics/winback?from=2026-11-01&to=2026-11-30", { key: t.key });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const arms = { contactable: { canceled: 1, reactivated: 0, reactivationRate: 0 }, holdout: { canceled: 1, reactivated: 0, reactivationRate: 0 }, lift: 0 };
    expect((await november()).holdout).toMatchObject(arms);

    h.setNow(new Date("2026-12-02T01:00:00.000Z"));
    const no = await h.request("PUT", "/v1/customers/C-ARM-B/keep-in-touch", { key: t.key, body: { keepInTouch: false } });
    expect(no.status, no.text).toBe(200);
    const erased = await h.request("DELETE", "/v1/customers/C-ARM-A", { key: t.key });
    expect(erased.status, erased.text).toBe(200);

    const after = await november();
    expect(after.holdout).toMatchObject(arms);
    expect(after).toMatchObject({ canceled: 2, reactivated: 0 });
    h.setNow(null);
  });
});
