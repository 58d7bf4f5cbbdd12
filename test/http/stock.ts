import { beforeAll, describe, expect, it } from "vitest";
import { lintCopy } from "../../src/offers/lint";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

/** Issue #14 point 7: stock in the product's units, consumption measured from the history. */
export function stockSuite(h: () => Harness) {
  describe("stock on hand and the interval that matches real use", () => {
    let t: TestTenant;
    const today = () => localDate(new Date(), "Asia/Tokyo");
    const noonTokyo = (date: string) => `${date}T03:00:00Z`;
    // A minute ago, but never before today's midnight in Tokyo: a report from "yesterday" (the
    // suite running just after 15:00 UTC) is one day further from the last delivery.
    const reportedAt = () => new Date(Math.max(Date.now() - 60_000, Date.parse(`${today()}T00:00:00+09:00`))).toISOString();

    beforeAll(async () => {
      t = await h().tenant();
    });

    /** 6 boxes of 30 sachets delivered every 30 days since 180 days ago; the customer reports `data`. */
    async function aojiruCustomer(data: Record<string, number>) {
      const cid = uid("C");
      const sid = uid("S");
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ phone: null, email: null }) });
      const sync = await h().request("PUT", `/v1/subscriptions/${sid}`, {
        key: t.key,
        body: subscriptionBody(cid, {
          product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food", unitsPerPackage: 30, unitLabel: "包" },
          startedAt: `${addDays(today(), -185)}T01:00:00Z`,
          nextDeliveryOn: addDays(today(), 10),
          deliveriesCompleted: 6,
        }),
      });
      expect(sync.status).toBe(201);
      expect(sync.body.product).toMatchObject({ unitsPerPackage: 30, unitLabel: "包" });
      const deliveries = [180, 150, 120, 90, 60, 30].map((ago, i) => ({
        id: `${sid}-d${i}`,
        type: "delivery.completed",
        customerId: cid,
        subscriptionId: sid,
        occurredAt: noonTokyo(addDays(today(), -ago)),
        data: { deliveredOn: addDays(today(), -ago) },
      }));
      const report = { id: `${sid}-u`, type: "usage.reported", customerId: cid, subscriptionId: sid, occurredAt: reportedAt(), data };
      const res = await h().request("POST", "/v1/events", { key: t.key, body: { events: [...deliveries, report] } });
      expect(res.body.accepted).toBe(7);
      return { cid, sid };
    }

    it("2 boxes left after 6 in 180 days: 4 used → one box per 45 days; offers 45 days and a skip, says it as a person would", async () => {
      const { sid } = await aojiruCustomer({ remainingPackages: 2 });
      const risk = await h().request("GET", `/v1/subscriptions/${sid}/risk`, { key: t.key, headers: { "accept-language": "ja" } });
      expect(risk.status).toBe(200);
      expect(risk.body.drivers).toContainEqual(expect.objectContaining({ code: "surplus_stock", value: 90, label: "商品が余っている（在庫 3か月分ほど）" }));

      const offers = await h().request("GET", `/v1/subscriptions/${sid}/offers?reason=surplus_stock&channel=operator`, { key: t.key, headers: { "accept-language": "ja" } });
      expect(offers.status).toBe(200);
      const interval = offers.body.data.find((o: { offerId: string }) => o.offerId === "off_match_interval");
      expect(interval.parameters).toMatchObject({ intervalDays: 45, basis: "stock_on_hand", consumptionDays: 45, stockOnHand: 60, daysOnHand: 90, surplusDeliveries: 1 });
      expect(offers.body.data.map((o: { offerId: string }) => o.offerId)).toContain("off_skip_next");
      expect(interval.talkTrack.pitch).toContain("あと約60包、3か月分ほど");
      expect(interval.talkTrack.pitch).toContain("スキップ");
      expect(lintCopy(interval.talkTrack.pitch)).toEqual([]);
      const en = await h().request("GET", `/v1/subscriptions/${sid}/offers?reason=surplus_stock&channel=operator`, { key: t.key, headers: { "accept-language": "en" } });
      expect(en.body.data.find((o: { offerId: string }) => o.offerId === "off_match_interval").talkTrack.pitch).toContain("about 60 sachets left, about three months");
    });

    it("takes the count in the product's unit or in packages, exactly one of them", async () => {
      const { sid } = await aojiruCustomer({ remainingUnits: 60 });
      const offers = await h().request("GET", `/v1/subscriptions/${sid}/offers?reason=surplus_stock`, { key: t.key });
      expect(offers.body.data.find((o: { offerId: string }) => o.offerId === "off_match_interval").parameters).toMatchObject({ intervalDays: 45, stockOnHand: 60 });
      const cid = uid("C");
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ phone: null, email: null }) });
      const both = await h().request("POST", "/v1/events", {
        key: t.key,
        body: { events: [{ id: uid("E"), type: "usage.reported", customerId: cid, occurredAt: new Date().toISOString(), data: { remainingUnits: 20, remainingPackages: 1 } }] },
      });
      expect(both.body.results[0]).toMatchObject({ result: "rejected", error: { code: "validation_failed" } });
      const neither = await h().request("POST", "/v1/events", {
        key: t.key,
        body: { events: [{ id: uid("E"), type: "usage.reported", customerId: cid, occurredAt: new Date().toISOString(), data: {} }] },
      });
      expect(neither.body.results[0]).toMatchObject({ result: "rejected", error: { code: "validation_failed" } });
    });

    it("a customer using it as scheduled has no surplus: low risk, no longer interval offered", async () => {
      // 180 sachets delivered, 10 left: 170 used in 180 days ≈ a box per 32 days → 30 stays the nearest
      const { sid } = await aojiruCustomer({ remainingUnits: 10 });
      const risk = await h().request("GET", `/v1/subscriptions/${sid}/risk`, { key: t.key });
      expect(risk.body.band).toBe("low");
      expect(risk.body.drivers.map((d: { code: string }) => d.code)).not.toContain("surplus_stock");
      const offers = await h().request("GET", `/v1/subscriptions/${sid}/offers?reason=surplus_stock`, { key: t.key });
      expect(offers.body.data.map((o: { offerId: string }) => o.offerId)).not.toContain("off_match_interval");
    });
  });
}
