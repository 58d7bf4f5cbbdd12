import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries, winbacks } from "../../src/db/schema";
import { addDays, localDate } from "../../src/platform/dates";
import { DUE_SPACING_DAYS, spaceDues } from "../../src/winback/due";
import { customerBody, RECEIVER_SECRET, subscriptionBody, uid } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * One customer with three cancelled plans heard from the shop three times (a `winback.due` per
 * plan, on nearby days). Now one at a time: the plan with the best expected value goes out, the
 * others wait 30 days (still listed, their `dueOn` moved), then the next best — if nothing else of
 * theirs went out meanwhile.
 */
describe("winback.due: one per customer at a time", () => {
  it("the rule, pure: the best expected value first; a customer sent one lately waits out the window", () => {
    const r = (id: string, customerId: string, expectedValue: number, dueOn = "2026-12-03") => ({ id, customerId, expectedValue, dueOn });
    const { send, wait } = spaceDues([r("a", "C1", 100), r("b", "C1", 300), r("c", "C1", 200), r("d", "C2", 50)], new Map(), "2026-12-03");
    expect(send.map((w) => w.id).sort()).toEqual(["b", "d"]);
    expect(Object.fromEntries(wait)).toEqual({ a: addDays("2026-12-03", DUE_SPACING_DAYS), c: addDays("2026-12-03", DUE_SPACING_DAYS) });
    const later = spaceDues([r("e", "C1", 900)], new Map([["C1", "2026-11-20"]]), "2026-12-03");
    expect(later.send).toEqual([]);
    expect(Object.fromEntries(later.wait)).toEqual({ e: addDays("2026-11-20", DUE_SPACING_DAYS) });
    expect(spaceDues([r("e", "C1", 900)], new Map([["C1", addDays("2026-12-03", -DUE_SPACING_DAYS)]]), "2026-12-03").send.map((w) => w.id)).toEqual(["e"]);
  });

  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());
  const today = () => localDate(new Date(), "Asia/Tokyo");

  it("three plans due the same day: one webhook (the best), the other two listed and due 30 days on; then the next best, one again", async () => {
    const t = await h.tenant();
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 0 } })).status).toBe(200);
    await h.request("PUT", "/v1/webhooks/wb", { key: t.key, body: { url: `${h.receiverUrl}/hook`, events: ["winback.due"], secret: RECEIVER_SECRET } });
    const c = uid("C");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ email: `${c.toLowerCase()}@example.jp` }) });
    const plans: string[] = [];
    for (const [i, price] of [3_000, 9_000, 5_000].entries()) {
      const s = uid("S");
      plans.push(s);
      const body = subscriptionBody(c, { product: { sku: `SKU-${i}`, name: `商品 ${i}`, category: "health_food" }, unitPrice: { amount: price, currency: "JPY" }, nextDeliveryOn: addDays(today(), 12) });
      expect((await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body })).status).toBeLessThan(300);
      const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: {} })).body;
      expect((await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: { keepInTouch: true, returnOn: today() } })).status).toBe(200);
    }
    const [low, best, middle] = plans as [string, string, string];

    await h.maintain(() => new Date());
    const delivered = await h.db.orm.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.tenantId, t.id), eq(webhookDeliveries.eventType, "winback.due")));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ status: "delivered" });
    expect(JSON.parse(delivered[0]!.payload).data).toMatchObject({ customerId: c, subscriptionId: best });
    // The others: still on the list (the receiver reads them through `candidates`), due in 30 days.
    const listed = (await h.request("GET", `/v1/winback/candidates?customerId=${c}`, { key: t.key })).body.data as { subscriptionId: string; dueOn: string }[];
    expect(Object.fromEntries(listed.map((r) => [r.subscriptionId, r.dueOn]))).toEqual({ [best]: today(), [middle]: addDays(today(), DUE_SPACING_DAYS), [low]: addDays(today(), DUE_SPACING_DAYS) });
    expect((await h.request("GET", "/v1/winback/candidates?due=now", { key: t.key })).body.data.map((r: { subscriptionId: string }) => r.subscriptionId)).toEqual([best]);
    // A run later the same day sends nothing more.
    await h.maintain(() => new Date());
    expect(await h.db.orm.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.tenantId, t.id), eq(webhookDeliveries.eventType, "winback.due")))).toHaveLength(1);

    // 30 days on: the next best goes out, alone; the last waits another 30 days.
    const later = new Date(Date.now() + DUE_SPACING_DAYS * 86_400_000);
    await h.maintain(() => later);
    const rows = await h.db.orm.select({ sub: winbacks.subscriptionId, status: winbacks.dueStatus, dueOn: winbacks.dueOn }).from(winbacks).where(eq(winbacks.tenantId, t.id));
    const status = Object.fromEntries(rows.map((r) => [r.sub, [r.status, r.dueOn]]));
    expect(status[middle]).toEqual(["sent", addDays(today(), DUE_SPACING_DAYS)]);
    expect(status[low]).toEqual(["pending", addDays(today(), 2 * DUE_SPACING_DAYS)]);
    const queued = await h.db.orm.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.tenantId, t.id), eq(webhookDeliveries.eventType, "winback.due")));
    expect(queued).toHaveLength(2);
  }, 120_000);
});
