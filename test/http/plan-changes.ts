import { beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate, writeDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

export function planChangesSuite(h: () => Harness) {
  describe("plan changes", () => {
    let t: TestTenant;
    let customerId: string;
    const today = () => localDate(new Date(), "Asia/Tokyo");

    /** A fresh active subscription whose next delivery is `inDays` from today. */
    const newSubscription = async (inDays = 10, over: Record<string, unknown> = {}) => {
      const id = uid("S");
      const res = await h().request("PUT", `/v1/subscriptions/${id}`, {
        key: t.key,
        body: subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), inDays), ...over }),
      });
      expect(res.status).toBe(201);
      return id;
    };
    const post = (id: string, action: string, body: unknown, headers?: Record<string, string>) =>
      h().request("POST", `/v1/subscriptions/${id}/${action}`, { key: t.key, body, headers });

    beforeAll(async () => {
      t = await h().tenant();
      customerId = uid("C");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
    });

    it("skip moves the next delivery one interval and answers { subscription, change }", async () => {
      const id = await newSubscription(10);
      const res = await post(id, "skip", { count: 1, channel: "web" });
      expect(res.status).toBe(200);
      expect(res.body.subscription).toMatchObject({ id, nextDeliveryOn: addDays(today(), 40), version: 2 });
      expect(res.body.change).toMatchObject({
        type: "skip",
        channel: "web",
        subscriptionId: id,
        before: { nextDeliveryOn: addDays(today(), 10) },
        after: { nextDeliveryOn: addDays(today(), 40) },
        actor: { type: "key", id: expect.stringMatching(/^key_/) },
      });
      expect(res.headers.get("etag")).toBe('"2"');
    });

    it("pause by cycles or until a date, then resume", async () => {
      const id = await newSubscription(10);
      const byCycles = await post(id, "pause", { cycles: 1, channel: "ivr" });
      expect(byCycles.body.subscription).toMatchObject({ status: "paused", pausedUntil: addDays(today(), 40), nextDeliveryOn: addDays(today(), 40) });
      const until = await post(id, "pause", { resumeOn: addDays(today(), 60) });
      expect(until.body.subscription.pausedUntil).toBe(addDays(today(), 60));
      const resumed = await post(id, "resume", {});
      // On the delivery the pause stopped (still changeable), not the earliest date.
      expect(resumed.body.subscription).toMatchObject({ status: "active", pausedUntil: null, nextDeliveryOn: addDays(today(), 10) });
      const both = await post(id, "pause", { cycles: 1, resumeOn: addDays(today(), 30) });
      expect(both.status).toBe(422);
    });

    it("a pause that would end on or before the delivery it holds back → 422 date_out_of_range with earliestDate, as documented; nothing changes", async () => {
      const id = await newSubscription(20);
      for (const resumeOn of [addDays(today(), 20), addDays(today(), 15)]) {
        const res = await post(id, "pause", { resumeOn });
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: "date_out_of_range", earliestDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      }
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body).toMatchObject({ status: "active", version: 1, nextDeliveryOn: addDays(today(), 20) });
    });

    it("the shop's closed days (closedDates): a delivery moved onto one → 422 delivery_date_closed with the first open day, nothing changes; plan-options lists them and offers the first open day", async () => {
      const shop = await h().tenant();
      const closed = { from: addDays(today(), 20), to: addDays(today(), 25) };
      const set = await h().request("PATCH", "/v1/settings", { key: shop.key, body: { closedDates: [closed] } });
      expect(set.status).toBe(200);
      expect(set.body.closedDates).toEqual([closed]);
      // A range ending before it starts changes nothing.
      const bad = await h().request("PATCH", "/v1/settings", { key: shop.key, body: { closedDates: [{ from: closed.to, to: closed.from }] } });
      expect(bad.status).toBe(422);
      expect(bad.body.code).toBe("validation_failed");
      expect((await h().request("GET", "/v1/settings", { key: shop.key })).body.closedDates).toEqual([closed]);

      const owner = uid("C");
      expect((await h().request("PUT", `/v1/customers/${owner}`, { key: shop.key, body: customerBody() })).status).toBe(201);
      const id = uid("S");
      expect((await h().request("PUT", `/v1/subscriptions/${id}`, { key: shop.key, body: subscriptionBody(owner, { nextDeliveryOn: addDays(today(), 10) }) })).status).toBe(201);
      const refused = await h().request("POST", `/v1/subscriptions/${id}/next-delivery`, { key: shop.key, body: { date: addDays(today(), 22) } });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: "delivery_date_closed", closedFrom: closed.from, closedTo: closed.to, nextOpenDate: addDays(today(), 26) });
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: shop.key })).body).toMatchObject({ nextDeliveryOn: addDays(today(), 10), version: 1 });
      expect((await h().request("POST", `/v1/subscriptions/${id}/pause`, { key: shop.key, body: { resumeOn: closed.to } })).body.code).toBe("delivery_date_closed");
      expect((await h().request("POST", `/v1/subscriptions/${id}/next-delivery`, { key: shop.key, body: { date: addDays(today(), 26) } })).status).toBe(200);

      const options = await h().request("GET", `/v1/subscriptions/${id}/plan-options`, { key: shop.key });
      expect(options.body.closedDates).toEqual([closed]);
    });

    it("resume {} restarts on the skipped-to delivery the pause stopped, as plan-options said; a skip run survives the pause", async () => {
      const id = await newSubscription(18);
      expect((await post(id, "skip", { count: 1 })).body.subscription.nextDeliveryOn).toBe(addDays(today(), 48));
      expect((await post(id, "pause", { resumeOn: addDays(today(), 85) })).status).toBe(200);
      const options = await h().request("GET", `/v1/subscriptions/${id}/plan-options`, { key: t.key });
      expect(options.body.resume).toEqual({ available: true, refusal: null, nextDeliveryOn: addDays(today(), 48) });
      const resumed = await post(id, "resume", {});
      expect(resumed.body.subscription).toMatchObject({ status: "active", nextDeliveryOn: addDays(today(), 48) });
      expect((await post(id, "skip", { count: 1 })).status).toBe(200);
      expect((await post(id, "skip", { count: 1 })).body).toMatchObject({ code: "skip_limit_exceeded", remainingSkips: 0 });
    });

    it("a synced pause whose next delivery is the pre-pause date shows the resume date as next, and resumes on the synced date", async () => {
      const id = await newSubscription(18, { status: "paused", pausedUntil: addDays(today(), 61) });
      const sub = await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key });
      expect(sub.body).toMatchObject({ status: "paused", pausedUntil: addDays(today(), 61), nextDeliveryOn: addDays(today(), 61) });
      // The same sync again changes nothing.
      const again = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 18), status: "paused", pausedUntil: addDays(today(), 61) }) });
      expect(again.body.version).toBe(1);
      expect((await post(id, "resume", {})).body.subscription).toMatchObject({ status: "active", nextDeliveryOn: addDays(today(), 18) });
    });

    it("moving the next delivery reaches the date two skips reach (one rule), and the refusal says why", async () => {
      const id = await newSubscription(18);
      const options = await h().request("GET", `/v1/subscriptions/${id}/plan-options`, { key: t.key });
      expect(options.body.nextDelivery.latest).toBe(addDays(today(), 78));
      const far = await post(id, "next-delivery", { date: addDays(today(), 79) });
      expect(far.status).toBe(422);
      expect(far.body).toMatchObject({ code: "date_out_of_range", latestDate: addDays(today(), 78) });
      expect(far.body.detail).toMatch(/2 skips still allowed/);
      expect((await post(id, "next-delivery", { date: addDays(today(), 78) })).status).toBe(200);
    });

    it("a pause of one delivery every 60 days, next in 51 days, is allowed: it holds deliveries back 60 days (#14.4)", async () => {
      const id = await newSubscription(51, { intervalDays: 60 });
      const res = await post(id, "pause", { cycles: 1 });
      expect(res.status).toBe(200);
      expect(res.body.subscription).toMatchObject({ status: "paused", pausedUntil: addDays(today(), 111) });
      const longer = await post(id, "pause", { resumeOn: addDays(today(), 200) });
      expect(longer.status).toBe(422);
      // Extending counts from the delivery the pause held back (today + 51), not from today.
      expect(longer.body).toMatchObject({ code: "pause_too_long", maxPauseDays: 90, pausedFromOn: addDays(today(), 51), latestResumeOn: addDays(today(), 141) });
      expect(longer.body.detail).toContain("beyond the normal schedule");
    });

    it("plan-options' latestResumeOn is the date the pause rule accepts, the day after refused: a 90-day plan 95 days off can pause", async () => {
      const id = await newSubscription(95, { intervalDays: 90 });
      const options = await h().request("GET", `/v1/subscriptions/${id}/plan-options`, { key: t.key });
      expect(options.status).toBe(200);
      expect(options.body.pause).toMatchObject({ available: true, earliestResumeOn: addDays(today(), 96), latestResumeOn: addDays(today(), 185) });
      const tooLong = await post(id, "pause", { resumeOn: addDays(today(), 186) });
      expect(tooLong.status).toBe(422);
      expect(tooLong.body).toMatchObject({ code: "pause_too_long", latestResumeOn: options.body.pause.latestResumeOn });
      const atLatest = await post(id, "pause", { resumeOn: options.body.pause.latestResumeOn });
      expect(atLatest.status).toBe(200);
      expect(atLatest.body.subscription).toMatchObject({ status: "paused", pausedUntil: addDays(today(), 185) });
    });

    it("a sync of a pause whose date has passed resumes it with the first delivery at today + the cut-off, and says why (#14.2)", async () => {
      const resumeOn = addDays(today(), -5);
      const id = await newSubscription(-5, { status: "paused", pausedUntil: resumeOn });
      const sub = await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key });
      expect(sub.body).toMatchObject({ status: "active", pausedUntil: null, nextDeliveryOn: addDays(today(), 3) });
      const history = await h().request("GET", `/v1/subscriptions/${id}/changes`, { key: t.key });
      expect(history.body.data).toHaveLength(1);
      expect(history.body.data[0]).toMatchObject({
        type: "resume",
        channel: "system",
        before: { status: "paused", pausedUntil: resumeOn, nextDeliveryOn: resumeOn },
        after: { status: "active", nextDeliveryOn: addDays(today(), 3) },
        source: { reason: "pause_ended", resumeOn, moved: { from: resumeOn, to: addDays(today(), 3), because: "resumed_late", resumedOn: today() } },
      });
      // Changes are possible again: the next delivery is outside the cut-off.
      expect((await post(id, "skip", { count: 1 })).status).toBe(200);
    });

    it("the change record keeps the price agreed: unit price and the amount per delivery before and after, in the history and the answer", async () => {
      const id = await newSubscription(10, { quantity: 1, unitPrice: { amount: 3240, currency: "JPY" } });
      const res = await post(id, "quantity", { quantity: 10, channel: "web" });
      expect(res.status).toBe(200);
      const price = (amount: number) => ({ amount, currency: "JPY" });
      const agreed = {
        before: { quantity: 1, unitPrice: price(3240), amountPerDelivery: price(3240) },
        after: { quantity: 10, unitPrice: price(3240), amountPerDelivery: price(32400) },
      };
      expect(res.body.change).toMatchObject(agreed);
      const history = await h().request("GET", `/v1/subscriptions/${id}/changes`, { key: t.key });
      expect(history.status).toBe(200);
      expect(history.body.data[0]).toMatchObject({ type: "quantity", ...agreed });
    });

    it("quantity, interval and next delivery change within the rules", async () => {
      const id = await newSubscription(10);
      expect((await post(id, "quantity", { quantity: 2 })).body.subscription.quantity).toBe(2);
      expect((await post(id, "interval", { intervalDays: 45 })).body.subscription.intervalDays).toBe(45);
      expect((await post(id, "next-delivery", { date: addDays(today(), 20) })).body.subscription.nextDeliveryOn).toBe(addDays(today(), 20));
      const q = await post(id, "quantity", { quantity: 50 });
      expect(q.status).toBe(422);
      expect(q.body).toMatchObject({ code: "quantity_out_of_range", quantityMax: 10 });
      const i = await post(id, "interval", { intervalDays: 33 });
      expect(i.body).toMatchObject({ code: "interval_not_allowed", allowedIntervalDays: [14, 21, 30, 45, 60, 90] });
    });

    it("a change that moves nothing is no change: 200 with the subscription as it is, nothing recorded, the open cancel flow stays open", async () => {
      const id = await newSubscription(10, { quantity: 1, intervalDays: 30 });
      const flow = (await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "ivr" } })).body;
      const next = addDays(today(), 10);
      const pausedId = await newSubscription(10);
      const paused = (await post(pausedId, "pause", { resumeOn: addDays(today(), 50) })).body.subscription;
      for (const [sub, action, body, version] of [
        [id, "quantity", { quantity: 1, channel: "operator" }, 1],
        [id, "interval", { intervalDays: 30 }, 1],
        [id, "next-delivery", { date: next }, 1],
        [pausedId, "pause", { resumeOn: paused.pausedUntil }, paused.version],
      ] as const) {
        const res = await post(sub, action, body, { "if-match": `"${version}"` });
        expect(res.status, action).toBe(200);
        expect(res.body.change, action).toBeNull();
        expect(res.body.subscription, action).toMatchObject({ id: sub, version });
        expect(res.headers.get("etag")).toBe(`"${version}"`);
      }
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body).toMatchObject({ version: 1, quantity: 1, intervalDays: 30, nextDeliveryOn: next });
      expect((await h().request("GET", `/v1/subscriptions/${id}/changes`, { key: t.key })).body.data).toEqual([]);
      expect((await h().request("GET", `/v1/subscriptions/${pausedId}/changes`, { key: t.key })).body.data.map((c: { type: string }) => c.type)).toEqual(["pause"]);
      // The open flow stays open: nothing the customer chose, so no save in 解約阻止率.
      const evidence = (await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body;
      expect(evidence.status).toBe("open");
      expect(evidence.steps.map((x: { type: string }) => x.type)).toEqual(["started"]);

      // An Idempotency-Key replays the answer as usual; a real change then saves the flow.
      const key = uid("idem");
      const first = await post(id, "quantity", { quantity: 1 }, { "idempotency-key": key });
      const again = await post(id, "quantity", { quantity: 1 }, { "idempotency-key": key });
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      const moved = await post(id, "quantity", { quantity: 2 });
      expect(moved.body.change).toMatchObject({ type: "quantity", before: { quantity: 1 }, after: { quantity: 2 } });
      expect((await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body.status).toBe("saved");
    });

    it("refuses a change inside the cut-off with 409 and the first changeable date, changing nothing", async () => {
      const id = await newSubscription(2);
      const res = await post(id, "skip", { count: 1 });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: "change_window_closed", firstChangeableDate: addDays(today(), 3) });
      const after = await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key });
      expect(after.body).toMatchObject({ version: 1, nextDeliveryOn: addDays(today(), 2) });
    });

    it("limits consecutive skips and refuses changes to a canceled subscription", async () => {
      const id = await newSubscription(10);
      expect((await post(id, "skip", { count: 2 })).status).toBe(200);
      const third = await post(id, "skip", { count: 1 });
      expect(third.status).toBe(422);
      expect(third.body).toMatchObject({ code: "skip_limit_exceeded", maxConsecutiveSkips: 2 });
      const canceled = await newSubscription(10, { status: "canceled" });
      const res = await post(canceled, "quantity", { quantity: 2 });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("subscription_canceled");
    });

    it("error details are Japanese under Accept-Language: ja, and the same English otherwise", async () => {
      const ja = { "accept-language": "ja" };
      const en = { "accept-language": "en" };
      /** Asks twice, in Japanese and with no language, and checks both details. */
      const both = async (ask: (headers?: Record<string, string>) => Promise<{ body: any }>, code: string, english: string, japanese: string) => {
        const [j, plain] = [await ask(ja), await ask()];
        expect(j.body).toMatchObject({ code, detail: japanese });
        expect(plain.body).toMatchObject({ code, detail: english });
      };
      const limit = await newSubscription(10);
      expect((await post(limit, "skip", { count: 2 })).status).toBe(200);
      await both((hd) => post(limit, "skip", { count: 1 }, hd), "skip_limit_exceeded",
        "At most 2 deliveries in a row can be skipped, so no more can be skipped until the next delivery has shipped. For a longer break, pause deliveries instead.",
        "続けてスキップできるのは2回までのため、次回のお届けが発送されるまで、これ以上スキップできません。しばらくお届けが不要な場合は、お休みをご利用ください。");
      // What the my-page shows before the customer tries: the plan options' refusal, in the same words.
      const options = (hd?: Record<string, string>) => h().request("GET", `/v1/subscriptions/${limit}/plan-options`, { key: t.key, headers: hd });
      expect((await options(ja)).body.skip.refusal.detail).toBe("続けてスキップできるのは2回までのため、次回のお届けが発送されるまで、これ以上スキップできません。しばらくお届けが不要な場合は、お休みをご利用ください。");
      expect((await options()).body.skip.refusal.detail).toBe("At most 2 deliveries in a row can be skipped, so no more can be skipped until the next delivery has shipped. For a longer break, pause deliveries instead.");
      const id = await newSubscription(10);
      await both((hd) => post(id, "quantity", { quantity: 50 }, hd), "quantity_out_of_range", "Quantity must be between 1 and 10.", "数量は1〜10の範囲で指定してください。");
      await both((hd) => post("S-none", "skip", { count: 1 }, hd), "subscription_not_found", "No subscription S-none.", "定期コース S-none は見つかりません。");
      const close = await newSubscription(2);
      const next = addDays(today(), 2);
      await both((hd) => post(close, "skip", { count: 1 }, hd), "change_window_closed",
        `The next delivery on ${writeDate(next, "en", "full", undefined, { weekday: true })} is within 3 days and can no longer be changed; the delivery after it can be skipped once it has shipped.`,
        `${writeDate(next, "ja", "full", undefined, { weekday: true })}の次回お届けは3日以内のため、変更できません。発送後に、その次のお届けをスキップできます。`);
      await both((hd) => post(id, "skip", { count: "two" }, hd), "validation_failed", "One or more fields are invalid.", "正しくない項目があります。");
      await both((hd) => h().request("GET", `/v1/subscriptions/${id}`, { key: "tsk_not_a_key", headers: hd }), "invalid_api_key",
        "The API key is unknown or has been revoked.", "API キーが存在しないか、無効化されています。");
      // Explicit English is the English as before.
      expect((await post(id, "quantity", { quantity: 50 }, en)).body.detail).toBe("Quantity must be between 1 and 10.");
    });

    it("a delivery that ships ends the run of skips: a sync with one more delivery, or delivery.completed (#14.1)", async () => {
      const viaSync = await newSubscription(10);
      expect((await post(viaSync, "skip", { count: 2 })).status).toBe(200);
      expect((await post(viaSync, "skip", { count: 1 })).body).toMatchObject({ code: "skip_limit_exceeded", remainingSkips: 0 });
      // The cart ships the delivery after the skipped ones and syncs: next date one interval later, one more delivery.
      const sync = await h().request("PUT", `/v1/subscriptions/${viaSync}`, {
        key: t.key,
        body: subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 100), deliveriesCompleted: 7 }),
      });
      expect(sync.status).toBe(200);
      const again = await post(viaSync, "skip", { count: 1 });
      expect(again.status).toBe(200);
      expect(again.body.subscription.nextDeliveryOn).toBe(addDays(today(), 130));

      const viaEvent = await newSubscription(10);
      expect((await post(viaEvent, "skip", { count: 2 })).status).toBe(200);
      const shippedAt = new Date(Date.now() + 2000).toISOString();
      const ev = await h().request("POST", "/v1/events", {
        key: t.key,
        body: { events: [{ id: uid("evt"), type: "delivery.completed", customerId, subscriptionId: viaEvent, occurredAt: shippedAt, data: {} }] },
      });
      expect(ev.body.accepted).toBe(1);
      expect((await post(viaEvent, "skip", { count: 1 })).status).toBe(200);

      // A report of a delivery from before the skips leaves the run alone.
      const late = await newSubscription(10);
      expect((await post(late, "skip", { count: 2 })).status).toBe(200);
      await h().request("POST", "/v1/events", {
        key: t.key,
        body: { events: [{ id: uid("evt"), type: "delivery.completed", customerId, subscriptionId: late, occurredAt: "2026-01-05T10:00:00+09:00", data: {} }] },
      });
      expect((await post(late, "skip", { count: 1 })).body.code).toBe("skip_limit_exceeded");
    });

    it("refuses a stale If-Match with 412 and applies a current one", async () => {
      const id = await newSubscription(10);
      expect((await post(id, "quantity", { quantity: 2 }, { "if-match": '"1"' })).status).toBe(200);
      const stale = await post(id, "quantity", { quantity: 3 }, { "if-match": '"1"' });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ code: "version_conflict", currentVersion: 2 });
    });

    /** A subscription whose customer accepted 20% off 2 deliveries in a cancel flow (too_expensive). */
    const withDiscount = async (inDays: number) => {
      // A customer of their own: the shop allows one such discount per customer a year.
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      const id = uid("S");
      expect((await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), inDays) }) })).status).toBe(201);
      const flow = (await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "web" } })).body;
      const reason = (await h().request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: t.key, body: { reason: "too_expensive" } })).body;
      const offer = reason.offers.find((o: { offerId: string }) => o.offerId === "off_discount_20x2");
      expect(offer.parameters).toMatchObject({ cycles: 2, firstDiscountedOn: addDays(today(), inDays), lastDiscountedOn: addDays(today(), inDays + 30) });
      const saved = await h().request("POST", `/v1/cancel-flows/${flow.flowId}/accept`, { key: t.key, body: { offerId: offer.offerId } });
      expect(saved.status).toBe(200);
      expect(saved.body.subscription.activeDiscount).toEqual({ percentOff: 20, amountOff: null, startsOn: addDays(today(), inDays), endsOn: addDays(today(), inDays + 30), offerId: "off_discount_20x2" });
      return id;
    };

    // An IVR trial: next delivery inside the 3-day cut-off, the title said 「次の2回のお届けが20%オフ」
    // while the terms started with the delivery after it (有利誤認).
    it("a discount offered inside the cut-off names the delivery it starts from, as its terms and the accepted discount do", async () => {
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      const id = uid("S");
      expect((await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 1) }) })).status).toBe(201);
      const first = addDays(today(), 31);
      const flow = (await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "ivr" } })).body;
      const reason = await h().request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: t.key, body: { reason: "too_expensive" }, headers: { "accept-language": "ja" } });
      expect(reason.status).toBe(200);
      const offer = reason.body.offers.find((o: { offerId: string }) => o.offerId === "off_discount_20x2");
      expect(offer.parameters).toMatchObject({ firstDiscountedOn: first, lastDiscountedOn: addDays(today(), 61) });
      expect(offer.title).toBe(`${writeDate(first, "ja", "full")}のお届けから2回分が20%オフ`);
      const evidence = (await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body;
      const shown = evidence.offersShown.find((o: { offerId: string }) => o.offerId === "off_discount_20x2");
      expect(shown.title).toEqual({ ja: `${writeDate(first, "ja", "full")}のお届けから2回分が20%オフ`, en: `20% off 2 deliveries from ${writeDate(first, "en", "full")}` });
      const saved = await h().request("POST", `/v1/cancel-flows/${flow.flowId}/accept`, { key: t.key, body: { offerId: offer.offerId } });
      expect(saved.body.subscription.activeDiscount).toMatchObject({ startsOn: first });
    });

    it("an accepted discount keeps its two deliveries through a skip, a longer interval and a pause; the change shows the moved dates", async () => {
      const skipped = await withDiscount(20);
      const skip = await post(skipped, "skip", { count: 1 });
      expect(skip.status).toBe(200);
      expect(skip.body.subscription.activeDiscount).toMatchObject({ startsOn: addDays(today(), 50), endsOn: addDays(today(), 80) });
      expect(skip.body.change.source.discountMoved).toEqual({
        offerId: "off_discount_20x2",
        startsOn: { from: addDays(today(), 20), to: addDays(today(), 50) },
        endsOn: { from: addDays(today(), 50), to: addDays(today(), 80) },
      });
      const history = await h().request("GET", `/v1/subscriptions/${skipped}/changes?limit=1`, { key: t.key });
      expect(history.body.data[0]).toMatchObject({ type: "skip", source: { discountMoved: { endsOn: { to: addDays(today(), 80) } } } });

      const longer = await withDiscount(20);
      const interval = await post(longer, "interval", { intervalDays: 60 });
      expect(interval.status).toBe(200);
      expect(interval.body.subscription.activeDiscount).toMatchObject({ startsOn: addDays(today(), 20), endsOn: addDays(today(), 80) });

      // Paused past the old end date: both discounted deliveries come after the pause, and a resume moves them again.
      const paused = await withDiscount(20);
      const pause = await post(paused, "pause", { resumeOn: addDays(today(), 75) });
      expect(pause.status).toBe(200);
      expect(pause.body.subscription.activeDiscount).toMatchObject({ startsOn: addDays(today(), 75), endsOn: addDays(today(), 105) });
      const resume = await post(paused, "resume", { nextDeliveryOn: addDays(today(), 40) });
      expect(resume.status).toBe(200);
      expect(resume.body.subscription.activeDiscount).toMatchObject({ startsOn: addDays(today(), 40), endsOn: addDays(today(), 70) });

      // A quantity change leaves the schedule, so the discount, alone.
      const quantity = await post(paused, "quantity", { quantity: 2 });
      expect(quantity.body.subscription.activeDiscount).toMatchObject({ startsOn: addDays(today(), 40), endsOn: addDays(today(), 70) });
      expect(quantity.body.change.source).toBeNull();
    });

    it("keeps a history, newest first, paged", async () => {
      const id = await newSubscription(10);
      await post(id, "quantity", { quantity: 2, channel: "operator" });
      await post(id, "interval", { intervalDays: 60, channel: "web" });
      await post(id, "skip", { count: 1, channel: "ivr" });
      const first = await h().request("GET", `/v1/subscriptions/${id}/changes?limit=2`, { key: t.key });
      expect(first.status).toBe(200);
      expect(first.body.data.map((c: { type: string }) => c.type)).toEqual(["skip", "interval"]);
      const rest = await h().request("GET", `/v1/subscriptions/${id}/changes?limit=2&cursor=${first.body.nextCursor}`, { key: t.key });
      expect(rest.body.data).toHaveLength(1);
      expect(rest.body.data[0]).toMatchObject({ type: "quantity", channel: "operator", before: { quantity: 1 }, after: { quantity: 2 } });
      expect(rest.body.nextCursor).toBeNull();
    });

    it("20 concurrent identical requests with one Idempotency-Key skip once", async () => {
      const id = await newSubscription(10);
      const key = uid("idem");
      const answers = await Promise.all(Array.from({ length: 20 }, () => post(id, "skip", { count: 1 }, { "idempotency-key": key })));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(new Set(answers.map((a) => a.body.change.id)).size).toBe(1);
      const sub = await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key });
      expect(sub.body).toMatchObject({ version: 2, nextDeliveryOn: addDays(today(), 40) });
      const history = await h().request("GET", `/v1/subscriptions/${id}/changes`, { key: t.key });
      expect(history.body.data).toHaveLength(1);
    });

    it("concurrent changes to several subscriptions: a refused one changes nothing, the others all apply", async () => {
      // Sent together, these share a COMMIT on Node's embedded file (group commit, src/db/client.ts).
      const ids = await Promise.all([10, 10, 2, 10, 10].map((inDays) => newSubscription(inDays)));
      const answers = await Promise.all(ids.map((id, i) => post(id, "quantity", { quantity: 2 + i, channel: "web" })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 409, 200, 200]);
      expect(answers[2]!.body.code).toBe("change_window_closed");
      for (const [i, id] of ids.entries()) {
        const sub = await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key });
        const history = await h().request("GET", `/v1/subscriptions/${id}/changes`, { key: t.key });
        if (i === 2) {
          expect(sub.body).toMatchObject({ version: 1, quantity: 1 });
          expect(history.body.data).toHaveLength(0);
        } else {
          expect(sub.body).toMatchObject({ version: 2, quantity: 2 + i });
          expect(history.body.data).toHaveLength(1);
        }
      }
    });

    it("concurrent writes carrying the same If-Match leave exactly one winner", async () => {
      const id = await newSubscription(10);
      const answers = await Promise.all([2, 3, 4, 5, 6, 7].map((quantity) => post(id, "quantity", { quantity }, { "if-match": '"1"' })));
      const winners = answers.filter((a) => a.status === 200);
      expect(winners).toHaveLength(1);
      expect(answers.filter((a) => a.status === 412)).toHaveLength(5);
      const sub = await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key });
      expect(sub.body).toMatchObject({ version: 2, quantity: winners[0]!.body.subscription.quantity });
    });

    it("the shop's settings are readable, editable, validated, and decide the rules", async () => {
      const own = await h().tenant();
      const get = await h().request("GET", "/v1/settings", { key: own.key });
      expect(get.body).toMatchObject({ timeZone: "Asia/Tokyo", changeCutoffDays: 3, allowedIntervalDays: [14, 21, 30, 45, 60, 90], retentionPolicy: "oneOffer" });
      const patched = await h().request("PATCH", "/v1/settings", { key: own.key, body: { allowedIntervalDays: [60, 30], changeCutoffDays: 5 } });
      expect(patched.body).toMatchObject({ allowedIntervalDays: [30, 60], changeCutoffDays: 5, timeZone: "Asia/Tokyo" });
      expect((await h().request("PATCH", "/v1/settings", { key: own.key, body: { quantityMin: 5, quantityMax: 2 } })).body.code).toBe("invalid_settings");
      expect((await h().request("PATCH", "/v1/settings", { key: own.key, body: { timeZone: "Mars/Olympus" } })).status).toBe(422);
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody() });
      const s = uid("S");
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 4) }) });
      const skip = await h().request("POST", `/v1/subscriptions/${s}/skip`, { key: own.key, body: { count: 1 } });
      expect(skip.body).toMatchObject({ code: "change_window_closed", firstChangeableDate: addDays(today(), 5) });
      const interval = await h().request("POST", `/v1/subscriptions/${s}/interval`, { key: own.key, body: { intervalDays: 45 } });
      expect(interval.body.code).toBe("interval_not_allowed");
    });

    it("webhook endpoints: create with a generated secret, read, delete", async () => {
      const put = await h().request("PUT", "/v1/webhooks/crm", { key: t.key, body: { url: "https://shop.example.jp/hooks", events: ["subscription.changed"] } });
      expect(put.status).toBe(201);
      expect(put.body).toMatchObject({ id: "crm", secret: expect.stringMatching(/^whsec_/), deliveries: { pending: 0 } });
      const again = await h().request("PUT", "/v1/webhooks/crm", { key: t.key, body: { url: "https://shop.example.jp/hooks2", events: ["subscription.changed"] } });
      expect(again.status).toBe(200);
      expect(again.body.secret).toBe(put.body.secret);
      expect((await h().request("PUT", "/v1/webhooks/bad", { key: t.key, body: { url: "ftp://x", events: ["nope"] } })).status).toBe(422);
      expect((await h().request("DELETE", "/v1/webhooks/crm", { key: t.key })).status).toBe(200);
      expect((await h().request("GET", "/v1/webhooks/crm", { key: t.key })).body.code).toBe("webhook_not_found");
    });
  });
}
