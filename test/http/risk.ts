import { beforeAll, describe, expect, it } from "vitest";
import { page } from "../../src/platform/openapi";
import { addDays, localDate } from "../../src/platform/dates";
import { CustomerRisk, Risk, RiskModelView, TrainResponse } from "../../src/risk/schemas";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

export function riskSuite(h: () => Harness) {
  describe("churn risk", () => {
    let t: TestTenant;
    let customerId: string;
    const today = () => localDate(new Date(), "Asia/Tokyo");
    const iso = (date: string) => `${date}T03:00:00Z`;

    const newSubscription = async (cid: string, over: Record<string, unknown> = {}) => {
      const id = uid("S");
      const res = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(cid, { nextDeliveryOn: addDays(today(), 10), ...over }) });
      expect(res.status).toBe(201);
      return id;
    };
    const send = (events: unknown[]) => h().request("POST", "/v1/events", { key: t.key, body: { events } });
    const risk = (id: string, lang = "ja") => h().request("GET", `/v1/subscriptions/${id}/risk`, { key: t.key, headers: { "accept-language": lang } });

    beforeAll(async () => {
      t = await h().tenant();
      customerId = uid("C");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
    });

    it("a settled subscription is low risk; signals raise it and are named as drivers, largest first", async () => {
      const id = await newSubscription(customerId, { deliveriesCompleted: 12 });
      const before = await risk(id);
      expect(before.status).toBe(200);
      expect(Risk.safeParse(before.body).success).toBe(true);
      expect(before.body).toMatchObject({ subscriptionId: id, customerId, band: "low", modelVersion: "default-2025.1", flags: [] });

      const res = await send([
        { id: uid("e"), type: "contact.logged", customerId, subscriptionId: id, occurredAt: iso(addDays(today(), -2)), data: { channel: "phone", topic: "cancel_request", sentiment: "negative" } },
        { id: uid("e"), type: "survey.answered", customerId, subscriptionId: id, occurredAt: iso(addDays(today(), -5)), data: { nps: 2 } },
        { id: uid("e"), type: "usage.reported", customerId, subscriptionId: id, occurredAt: iso(addDays(today(), -1)), data: { remainingUnits: 1 } },
      ]);
      expect(res.body.accepted).toBe(3);
      const after = await risk(id);
      expect(after.body.probability).toBeGreaterThan(before.body.probability);
      expect(after.body.band).not.toBe("low");
      expect(after.body.score).toBe(Math.round(after.body.probability * 100));
      const codes = after.body.drivers.map((d: { code: string }) => d.code);
      expect(codes[0]).toBe("cancel_requests");
      expect(codes).toContain("low_nps");
      const sizes = after.body.drivers.map((d: { contribution: number }) => Math.abs(d.contribution));
      expect(sizes).toEqual([...sizes].sort((a: number, b: number) => b - a));
      expect(after.body.drivers[0].label).toBe("直近90日に解約のご相談1件");
      expect((await risk(id, "en")).body.drivers[0].label).toBe("Asked about cancelling 1 time in the last 90 days");
    });

    it("a customer-level contact counts for each of the customer's live subscriptions", async () => {
      const cid = uid("C");
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ phone: null, email: null }) });
      const a = await newSubscription(cid);
      const b = await newSubscription(cid);
      await send([{ id: uid("e"), type: "contact.logged", customerId: cid, occurredAt: new Date(Date.now() - 60_000).toISOString(), data: { channel: "phone", topic: "complaint", sentiment: "negative" } }]);
      for (const id of [a, b]) expect((await risk(id)).body.drivers.map((d: { code: string }) => d.code)).toContain("complaints");
    });

    it("skips and pauses made through Tsuzuku count as signals", async () => {
      const id = await newSubscription(customerId, { deliveriesCompleted: 12 });
      const before = (await risk(id)).body.probability;
      expect((await h().request("POST", `/v1/subscriptions/${id}/skip`, { key: t.key, body: { count: 1 } })).status).toBe(200);
      const after = await risk(id);
      expect(after.body.probability).toBeGreaterThan(before);
      expect(after.body.drivers.map((d: { code: string }) => d.code)).toContain("skips");
    });

    it("a customer who restarted a cancel flow and then cancelled or stayed shows no 「途中でやめた」 driver; one who left a flow does, and a restart is not a second request to cancel", async () => {
      const flow = async (id: string, channel = "web") => (await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel } })).body.flowId as string;
      const abandonedDriver = async (id: string) => {
        const body = (await risk(id)).body as { drivers: { code: string; label: string }[] };
        return body.drivers.filter((d) => d.code === "abandoned_cancel_flows" || d.label.includes("途中でやめた"));
      };
      // Reloaded, then cancelled.
      const canceled = await newSubscription(customerId, { deliveriesCompleted: 12 });
      await flow(canceled);
      expect((await h().request("POST", `/v1/cancel-flows/${await flow(canceled)}/confirm`, { key: t.key, body: {} })).status).toBe(200);
      expect(await abandonedDriver(canceled)).toEqual([]);
      // Restarted by an operator, then stayed.
      const saved = await newSubscription(customerId, { deliveriesCompleted: 12 });
      await flow(saved);
      const phone = await flow(saved, "operator");
      const given = (await h().request("POST", `/v1/cancel-flows/${phone}/reason`, { key: t.key, body: { reason: "surplus_stock" } })).body;
      expect((await h().request("POST", `/v1/cancel-flows/${phone}/accept`, { key: t.key, body: { offerId: given.offer.offerId } })).status).toBe(200);
      expect(await abandonedDriver(saved)).toEqual([]);
      const requests = (await risk(saved)).body.drivers.find((d: { code: string }) => d.code === "cancel_requests");
      expect(requests.label).toBe("直近90日に解約のご相談1件");
      // Left the flow: that is giving up half-way.
      const left = await newSubscription(customerId, { deliveriesCompleted: 12 });
      expect((await h().request("POST", `/v1/cancel-flows/${await flow(left)}/abandon`, { key: t.key })).status).toBe(200);
      expect((await abandonedDriver(left)).map((d) => d.label)).toEqual(["解約手続きを途中でやめた（1回）"]);
    });

    it("an unknown subscription or customer is 404", async () => {
      expect((await risk("nope")).body.code).toBe("subscription_not_found");
      expect((await h().request("GET", "/v1/customers/nope/risk", { key: t.key })).body.code).toBe("customer_not_found");
    });

    it("customer risk: the riskiest live subscription plus all scores", async () => {
      const cid = uid("C");
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ phone: null, email: null }) });
      const calm = await newSubscription(cid, { deliveriesCompleted: 20 });
      const early = await newSubscription(cid, { deliveriesCompleted: 0 });
      const gone = await newSubscription(cid, { deliveriesCompleted: 0, status: "canceled" });
      const res = await h().request("GET", `/v1/customers/${cid}/risk`, { key: t.key });
      expect(res.status).toBe(200);
      expect(CustomerRisk.safeParse(res.body).success).toBe(true);
      expect(res.body.highest.subscriptionId).toBe(early);
      expect(res.body.subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId).sort()).toEqual([calm, early, gone].sort());
    });

    it("first_delivery_canceller: the same person (another record, same email) left after one delivery before", async () => {
      const email = `${uid("x")}@example.jp`;
      const first = uid("C");
      const second = uid("C");
      await h().request("PUT", `/v1/customers/${first}`, { key: t.key, body: customerBody({ phone: null, email }) });
      await h().request("PUT", `/v1/customers/${second}`, { key: t.key, body: customerBody({ phone: null, email: email.toUpperCase() }) });
      await newSubscription(first, { status: "canceled", deliveriesCompleted: 1 });
      const again = await newSubscription(second, { deliveriesCompleted: 0 });
      const res = await risk(again);
      expect(res.body.flags).toEqual(["first_delivery_canceller"]);
      expect(res.body.drivers.map((d: { code: string }) => d.code)).toContain("serial_early_canceller");
      // When a subscription is cancelled after one delivery, the person's other live ones learn it too.
      const third = uid("C");
      await h().request("PUT", `/v1/customers/${third}`, { key: t.key, body: customerBody({ phone: null, email: `${uid("y")}@example.jp` }) });
      const keeps = await newSubscription(third, { deliveriesCompleted: 5 });
      const goes = await newSubscription(third, { deliveriesCompleted: 1 });
      expect((await risk(keeps)).body.flags).toEqual([]);
      await h().request("PUT", `/v1/subscriptions/${goes}`, { key: t.key, body: subscriptionBody(third, { deliveriesCompleted: 1, status: "canceled" }) });
      expect((await risk(keeps)).body.flags).toEqual(["first_delivery_canceller"]);
      // Someone else with no such history carries no flag.
      expect((await risk(await newSubscription(customerId, { deliveriesCompleted: 0 }))).body.flags).toEqual([]);
    });

    it("a change rewrites the risk it moved: a sync that leaves the score as it was keeps it (and its computedAt); a quantity change moves revenue at risk, in the list too", async () => {
      const id = await newSubscription(customerId, { deliveriesCompleted: 0 });
      const before = (await risk(id)).body;
      expect(before.revenueAtRisk.amount).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 5));
      // A new product name: nothing risk reads.
      const renamed = subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 10), deliveriesCompleted: 0, product: { sku: "AOJIRU-30", name: "青汁 30包（新パッケージ）", category: "health_food" } });
      expect((await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: renamed })).status).toBe(200);
      expect((await risk(id)).body).toEqual(before);
      expect((await h().request("POST", `/v1/subscriptions/${id}/quantity`, { key: t.key, body: { quantity: 3, channel: "web" } })).status).toBe(200);
      const after = (await risk(id)).body;
      expect(after.revenueAtRisk.amount).toBeGreaterThan(2 * before.revenueAtRisk.amount);
      expect(after.computedAt > before.computedAt).toBe(true);
      const listed = (await h().request("GET", "/v1/risk/at-risk?limit=100", { key: t.key })).body.data.find((r: { subscriptionId: string }) => r.subscriptionId === id);
      // The list holds scored rows only: the single answer's `notScoredReason` is null for them.
      expect({ ...listed, notScoredReason: null }).toEqual(after);
    });

    it("at-risk list: ordered by revenue at risk, paged with cursors, filtered by band", async () => {
      const u = await h().tenant();
      const cid = uid("C");
      await h().request("PUT", `/v1/customers/${cid}`, { key: u.key, body: customerBody() });
      // Three alike: equal revenue at risk, so ties straddle the pages of two.
      for (const [price, deliveries] of [[980, 0], [3980, 0], [12800, 1], [5980, 30], [2980, 2], [3980, 0], [3980, 0]] as const) {
        await h().request("PUT", `/v1/subscriptions/${uid("S")}`, {
          key: u.key,
          body: subscriptionBody(cid, { unitPrice: { amount: price, currency: "JPY" }, deliveriesCompleted: deliveries, nextDeliveryOn: addDays(today(), 10) }),
        });
      }
      // Revenue at risk is in the subscription's own currency.
      const dollars = uid("S");
      await h().request("PUT", `/v1/subscriptions/${dollars}`, {
        key: u.key,
        body: subscriptionBody(cid, { unitPrice: { amount: 4900, currency: "USD" }, deliveriesCompleted: 0, nextDeliveryOn: addDays(today(), 10) }),
      });
      const seen: { subscriptionId: string; revenueAtRisk: { amount: number; currency: string }; band: string }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await h().request("GET", `/v1/risk/at-risk?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key: u.key });
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toHaveLength(8);
      expect(new Set(seen.map((s) => s.subscriptionId)).size).toBe(8);
      expect(seen.map((s) => s.revenueAtRisk.currency).sort()).toEqual([...Array(7).fill("JPY"), "USD"]);
      expect(seen.find((s) => s.subscriptionId === dollars)?.revenueAtRisk.currency).toBe("USD");
      const amounts = seen.map((s) => s.revenueAtRisk.amount);
      expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
      // Equal revenue: by subscription id, last first (the three alike straddle pages without a repeat or a gap).
      for (let i = 1; i < seen.length; i++) {
        if (amounts[i] === amounts[i - 1]) expect(seen[i]!.subscriptionId < seen[i - 1]!.subscriptionId).toBe(true);
      }
      // A row of the list is the subscription's risk as its own endpoint shows it, in either language.
      for (const lang of ["ja", "en"]) {
        const list = await h().request("GET", "/v1/risk/at-risk?limit=8", { key: u.key, headers: { "accept-language": lang } });
        expect(list.headers.get("content-type")).toMatch(/^application\/json/);
        expect(page(Risk).strict().safeParse(list.body).success).toBe(true);
        for (const row of list.body.data) {
          const one = await h().request("GET", `/v1/subscriptions/${row.subscriptionId}/risk`, { key: u.key, headers: { "accept-language": lang } });
          expect({ ...row, notScoredReason: null }).toEqual(one.body);
        }
      }
      const high = await h().request("GET", "/v1/risk/at-risk?band=high", { key: u.key });
      expect(high.body.data.length).toBeGreaterThan(0);
      expect(high.body.data.every((r: { band: string }) => r.band === "high")).toBe(true);
      expect(high.body.data.length).toBeLessThan(8);
      expect((await h().request("GET", "/v1/risk/at-risk?band=extreme", { key: u.key })).status).toBe(422);
    });

    it("the default model is documented with labelled coefficients", async () => {
      const res = await h().request("GET", "/v1/risk/model", { key: t.key, headers: { "accept-language": "en" } });
      expect(res.status).toBe(200);
      expect(RiskModelView.safeParse(res.body).success).toBe(true);
      expect(res.body).toMatchObject({ version: "default-2025.1", source: "default", trainedAt: null, auc: null });
      expect(res.body.coefficients.find((c: { code: string }) => c.code === "cancel_requests")).toMatchObject({ label: "Cancellation requests in the last 90 days", coefficient: 1.6 });
    });

    it("training needs history: a new shop gets 422 insufficient_history, and it needs admin", async () => {
      const u = await h().tenant();
      const res = await h().request("POST", "/v1/risk/model/train", { key: u.key });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe("insufficient_history");
      // Says of how many subscriptions, and every shortfall.
      expect(res.body).toMatchObject({ subscriptions: 0, samples: 0, positives: 0 });
      expect(res.body.detail).toMatch(/^0 subscriptions, 0 snapshots .*0 usable samples of the 200 needed; 0 positive outcomes of the 20 needed; 0 negative outcomes of the 20 needed\.$/);
      const read = await u.keyWith(["read"]);
      expect((await h().request("POST", "/v1/risk/model/train", { key: read })).status).toBe(403);
    });

    it("training on a shop with history reports hold-out numbers; a better model becomes the active one", async () => {
      const u = await h().tenant();
      const cid = uid("C");
      await h().request("PUT", `/v1/customers/${cid}`, { key: u.key, body: customerBody({ phone: null, email: null }) });
      const events: unknown[] = [];
      const start = addDays(today(), -3 * 365);
      // 36 stay for three years; 36 leave, spread over the years, after asking to cancel and a poor survey.
      for (let i = 0; i < 72; i++) {
        const id = uid("S");
        const leaves = i % 2 === 1;
        const canceledOn = addDays(today(), -80 - Math.floor(i / 2) * 27);
        const startedOn = leaves ? addDays(canceledOn, -300) : start;
        await h().request("PUT", `/v1/subscriptions/${id}`, {
          key: u.key,
          body: subscriptionBody(cid, {
            startedAt: iso(startedOn),
            deliveriesCompleted: leaves ? 9 : 36,
            status: leaves ? "canceled" : "active",
            canceledAt: leaves ? iso(canceledOn) : undefined,
            nextDeliveryOn: leaves ? undefined : addDays(today(), 10),
          }),
        });
        const signalOn = leaves ? addDays(canceledOn, -25) : addDays(start, 100 + i * 13);
        events.push(
          { id: uid("e"), type: "contact.logged", customerId: cid, subscriptionId: id, occurredAt: iso(signalOn), data: { channel: "phone", topic: leaves ? "cancel_request" : "inquiry", sentiment: leaves ? "negative" : "positive" } },
          { id: uid("e"), type: "survey.answered", customerId: cid, subscriptionId: id, occurredAt: iso(addDays(signalOn, -20)), data: { nps: leaves ? 2 : 9 } },
        );
      }
      expect((await h().request("POST", "/v1/events", { key: u.key, body: { events } })).body.accepted).toBe(events.length);
      const res = await h().request("POST", "/v1/risk/model/train", { key: u.key });
      expect(res.status, res.text).toBe(200);
      expect(TrainResponse.safeParse(res.body).success).toBe(true);
      expect(res.body.samples.holdout).toBeGreaterThan(0);
      expect(res.body.split.holdoutFrom > res.body.split.trainTo).toBe(true);
      expect(res.body.auc).toBeGreaterThan(0.5);
      const model = await h().request("GET", "/v1/risk/model", { key: u.key });
      if (res.body.active) expect(model.body).toMatchObject({ version: res.body.version, source: "trained", auc: res.body.auc });
      else expect(model.body.version).toBe("default-2025.1");
    });
  });
}
