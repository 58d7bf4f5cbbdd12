import { beforeAll, describe, expect, it } from "vitest";
import { addCycles } from "../../src/platform/cadence";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

/**
 * Calendar-month plans (定期「1ヶ月ごと」) over HTTP: sync, skip, pause by cycles and the interval
 * change keep the plan's day of the month, clamped to the month's end. Every answer is also held to
 * openapi.json by the harness.
 */
export function monthlySuite(h: () => Harness) {
  describe("monthly plans (intervalMonths)", () => {
    let t: TestTenant;
    let customerId: string;
    const today = () => localDate(new Date(), "Asia/Tokyo");
    /** The first January 31 at least 10 days ahead: its month ends make the clamping visible. */
    const jan31 = () => {
      const t0 = addDays(today(), 10);
      const y = Number(t0.slice(0, 4));
      return `${t0 <= `${y}-01-31` ? y : y + 1}-01-31`;
    };
    const feb = (d: string) => addCycles(d, { intervalDays: 30, intervalMonths: 1, deliveryDay: 31 }, 1); // 02-28 or 02-29
    const mar31 = (d: string) => `${d.slice(0, 4)}-03-31`;
    const monthly = (over: Record<string, unknown> = {}) => subscriptionBody(customerId, { intervalDays: undefined, intervalMonths: 1, nextDeliveryOn: jan31(), ...over });
    const put = (id: string, body: unknown) => h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body });
    const post = (id: string, action: string, body: unknown) => h().request("POST", `/v1/subscriptions/${id}/${action}`, { key: t.key, body });

    beforeAll(async () => {
      t = await h().tenant();
      customerId = uid("C");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
    });

    it("syncs with intervalMonths: answered with its nominal intervalDays; a day plan answers intervalMonths null", async () => {
      const id = uid("S");
      const created = await put(id, monthly());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ intervalMonths: 1, intervalDays: 30, nextDeliveryOn: jan31() });
      // What GET answers, sent back (both fields, agreeing), changes nothing.
      const { id: _id, version: _v, activeDiscount: _d, cancellation: _c, createdAt: _ca, updatedAt: _u, ...again } = created.body;
      const same = await put(id, again);
      expect(same.status).toBe(200);
      expect(same.body.version).toBe(1);
      const day = await put(uid("S"), subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 10) }));
      expect(day.body).toMatchObject({ intervalDays: 30, intervalMonths: null, deliveryDay: null });
      // Members in the order they always had, intervalMonths and deliveryDay right after intervalDays.
      expect(Object.keys(day.body).slice(4, 8)).toEqual(["intervalDays", "intervalMonths", "deliveryDay", "nextDeliveryOn"]);
      expect(created.body.deliveryDay).toBe(31);
    });

    it("refuses intervalDays that contradicts intervalMonths, and a plan with neither", async () => {
      const both = await put(uid("S"), monthly({ intervalDays: 45, intervalMonths: 1 }));
      expect(both.status).toBe(422);
      expect(both.body).toMatchObject({ code: "validation_failed", errors: [{ path: "intervalDays", message: expect.stringContaining("intervalMonths 1") }] });
      const neither = await put(uid("S"), monthly({ intervalMonths: undefined }));
      expect(neither.status).toBe(422);
      expect(neither.body.errors).toEqual([expect.objectContaining({ path: "intervalDays" })]);
      expect((await put(uid("S"), monthly({ intervalMonths: 13 }))).status).toBe(422);
    });

    it("skip keeps the day of the month: 01-31 → 02-28 (02-29) → 03-31, and the change shows the months", async () => {
      const id = uid("S");
      await put(id, monthly());
      const first = await post(id, "skip", { count: 1 });
      expect(first.status).toBe(200);
      expect(first.body.subscription.nextDeliveryOn).toBe(feb(jan31()));
      expect(first.body.change).toMatchObject({ before: { intervalMonths: 1, nextDeliveryOn: jan31() }, after: { intervalMonths: 1, nextDeliveryOn: feb(jan31()) } });
      const second = await post(id, "skip", { count: 1 });
      expect(second.body.subscription.nextDeliveryOn).toBe(mar31(jan31()));
      // A sync of the clamped date the cart shows keeps the plan on the 31st.
      const id2 = uid("S");
      await put(id2, monthly());
      await post(id2, "skip", { count: 1 });
      await put(id2, monthly({ nextDeliveryOn: feb(jan31()) }));
      expect((await post(id2, "skip", { count: 1 })).body.subscription.nextDeliveryOn).toBe(mar31(jan31()));
    });

    it("deliveryDay: a cart syncing a plan on the 31st at its clamped 02-28 keeps the 31st; without it the stored day stays on its clamped date, else the date's day", async () => {
      const id = uid("S");
      const synced = await put(id, monthly({ nextDeliveryOn: feb(jan31()), deliveryDay: 31 }));
      expect(synced.status).toBe(201);
      expect(synced.body).toMatchObject({ intervalMonths: 1, deliveryDay: 31, nextDeliveryOn: feb(jan31()) });
      expect((await post(id, "skip", { count: 1 })).body.subscription).toMatchObject({ nextDeliveryOn: mar31(jan31()), deliveryDay: 31 });
      // Without deliveryDay: the stored 31st on its clamped date stays; another date sets its own day.
      const id2 = uid("S");
      await put(id2, monthly());
      expect((await put(id2, monthly({ nextDeliveryOn: feb(jan31()) }))).body.deliveryDay).toBe(31);
      expect((await put(id2, monthly({ nextDeliveryOn: `${feb(jan31()).slice(0, 8)}20` }))).body.deliveryDay).toBe(20);
      // The bulk sync reads it as the PUT does.
      const id3 = uid("S");
      const bulk = await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: id3, ...monthly({ nextDeliveryOn: feb(jan31()), deliveryDay: 31 }) }] } });
      expect(bulk.body.results[0].result).toBe("applied");
      expect((await h().request("GET", `/v1/subscriptions/${id3}`, { key: t.key })).body).toMatchObject({ deliveryDay: 31, nextDeliveryOn: feb(jan31()) });
    });

    it("the data dip answers each plan's deliveryDay as the subscription does: 31 for a plan on the 31st at its clamped date, null for a day plan", async () => {
      const caller = uid("C");
      const email = `${caller.toLowerCase()}@example.jp`;
      await h().request("PUT", `/v1/customers/${caller}`, { key: t.key, body: customerBody({ email, phone: null }) });
      const onThe31st = uid("S");
      const dayPlan = uid("S");
      await put(onThe31st, subscriptionBody(caller, { intervalDays: undefined, intervalMonths: 1, nextDeliveryOn: feb(jan31()), deliveryDay: 31 }));
      await put(dayPlan, subscriptionBody(caller, { nextDeliveryOn: addDays(today(), 10) }));
      const dip = await h().request("GET", `/v1/lookup?email=${encodeURIComponent(email)}`, { key: t.key });
      expect(dip.status).toBe(200);
      const byId = Object.fromEntries(dip.body.subscriptions.map((s: { id: string }) => [s.id, s]));
      expect(byId[onThe31st]).toMatchObject({ intervalMonths: 1, deliveryDay: 31, nextDeliveryOn: feb(jan31()) });
      expect(byId[dayPlan]).toMatchObject({ intervalMonths: null, deliveryDay: null });
    });

    it("deliveryDay for a day plan, or contradicting nextDeliveryOn, is refused", async () => {
      const dayPlan = await put(uid("S"), subscriptionBody(customerId, { nextDeliveryOn: jan31(), deliveryDay: 31 }));
      expect(dayPlan.status).toBe(422);
      expect(dayPlan.body).toMatchObject({ code: "validation_failed", errors: [{ path: "deliveryDay" }] });
      const contradicts = await put(uid("S"), monthly({ nextDeliveryOn: feb(jan31()), deliveryDay: 20 }));
      expect(contradicts.status).toBe(422);
      expect(contradicts.body).toMatchObject({ code: "validation_failed", errors: [{ path: "deliveryDay", message: expect.stringContaining(`${feb(jan31()).slice(0, 8)}20`) }] });
      expect((await put(uid("S"), monthly({ deliveryDay: 32 }))).status).toBe(422);
    });

    it("a pause to any date and a resume keep the plan's day: plan-options' latest move stays on the 31st", async () => {
      const id = uid("S");
      await put(id, monthly({ nextDeliveryOn: feb(jan31()), deliveryDay: 31 }));
      const paused = await post(id, "pause", { resumeOn: addDays(feb(jan31()), 29) }); // 03-29: day 29 before the fix
      expect(paused.status).toBe(200);
      expect(paused.body.subscription.deliveryDay).toBe(31);
      const resumed = await post(id, "resume", {});
      expect(resumed.body.subscription).toMatchObject({ status: "active", nextDeliveryOn: feb(jan31()), deliveryDay: 31 });
      const options = await h().request("GET", `/v1/subscriptions/${id}/plan-options`, { key: t.key });
      expect(options.body.nextDelivery.latest).toBe(`${jan31().slice(0, 4)}-04-30`);
    });

    it("from a resume date off the plan's day, the next cycle is about a month later: a plan on the 1st paused to 03-31, extended by one cycle, resumes 05-01 (not 04-01, one day on)", async () => {
      const y = jan31().slice(0, 4);
      const id = uid("S");
      await put(id, monthly({ nextDeliveryOn: `${y}-03-01` }));
      const paused = await post(id, "pause", { resumeOn: `${y}-03-31` });
      expect(paused.status).toBe(200);
      expect(paused.body.subscription).toMatchObject({ nextDeliveryOn: `${y}-03-31`, deliveryDay: 1 });
      const extended = await post(id, "pause", { cycles: 1 });
      expect(extended.status).toBe(200);
      expect(extended.body.subscription).toMatchObject({ status: "paused", pausedUntil: `${y}-05-01`, nextDeliveryOn: `${y}-05-01`, deliveryDay: 1 });
    });

    it("pause by cycles counts calendar months", async () => {
      const id = uid("S");
      await put(id, monthly());
      const res = await post(id, "pause", { cycles: 2 });
      expect(res.status).toBe(200);
      expect(res.body.subscription).toMatchObject({ status: "paused", pausedUntil: mar31(jan31()), nextDeliveryOn: mar31(jan31()), intervalMonths: 1 });
    });

    it("the interval change takes intervalMonths from the shop's allowed months; plan-options offers them", async () => {
      const id = uid("S");
      await put(id, subscriptionBody(customerId, { nextDeliveryOn: jan31() }));
      const options = await h().request("GET", `/v1/subscriptions/${id}/plan-options`, { key: t.key });
      expect(options.body.interval).toMatchObject({ available: true, current: 30, currentMonths: null, allowedIntervalMonths: [1, 2, 3] });
      const toMonths = await post(id, "interval", { intervalMonths: 2 });
      expect(toMonths.status).toBe(200);
      expect(toMonths.body.subscription).toMatchObject({ intervalMonths: 2, intervalDays: 61, nextDeliveryOn: jan31() });
      expect(toMonths.body.change).toMatchObject({ type: "interval", before: { intervalDays: 30 }, after: { intervalDays: 61, intervalMonths: 2 } });
      expect(toMonths.body.change.before).not.toHaveProperty("intervalMonths");
      expect((await post(id, "skip", { count: 1 })).body.subscription.nextDeliveryOn).toBe(mar31(jan31()));
      const refused = await post(id, "interval", { intervalMonths: 6 });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: "interval_not_allowed", allowedIntervalMonths: [1, 2, 3] });
      expect((await post(id, "interval", { intervalMonths: 1, intervalDays: 30 })).status).toBe(422);
      // Back to days: the plan is a day plan again.
      const toDays = await post(id, "interval", { intervalDays: 45 });
      expect(toDays.body.subscription).toMatchObject({ intervalDays: 45, intervalMonths: null });
      const patched = await h().request("PATCH", "/v1/settings", { key: t.key, body: { allowedIntervalMonths: [6, 1] } });
      expect(patched.body.allowedIntervalMonths).toEqual([1, 6]);
      expect((await post(id, "interval", { intervalMonths: 6 })).body.subscription).toMatchObject({ intervalMonths: 6, intervalDays: 183 });
    });

    it("offers, their talk tracks and the pause offer name a monthly plan's cadence in months, not its nominal days", async () => {
      // A shop on the default settings (this suite's shop allows 1 and 6 months by now).
      const shop = await h().tenant();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
      const id = uid("S");
      await h().request("PUT", `/v1/subscriptions/${id}`, { key: shop.key, body: subscriptionBody(c, { intervalDays: undefined, intervalMonths: 1, nextDeliveryOn: jan31() }) });
      const res = await h().request("GET", `/v1/subscriptions/${id}/offers?reason=surplus_stock&channel=operator`, { key: shop.key, headers: { "accept-language": "ja" } });
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/\d+日ごと/u);
      const interval = res.body.data.find((o: { type: string }) => o.type === "change_interval");
      expect(interval.title).toBe("お届け間隔を2ヶ月ごとに変更");
      expect(interval.parameters).toMatchObject({ intervalMonths: 2, fromIntervalMonths: 1 });
      expect(interval.talkTrack.pitch).toContain("1ヶ月ごとから2ヶ月ごとに変更");
      const skip = res.body.data.find((o: { offerId: string }) => o.offerId === "off_skip_next");
      expect(skip.description).toContain("その後はこれまで通り1ヶ月ごと・");
      const en = await h().request("GET", `/v1/subscriptions/${id}/offers?reason=temporary_break&channel=operator`, { key: shop.key, headers: { "accept-language": "en" } });
      const pause = en.body.data.find((o: { type: string }) => o.type === "pause");
      expect(pause.description).toMatch(/every month at/u);
      expect(JSON.stringify(en.body)).not.toMatch(/every \d+ days/u);
    });

    it("a monthly-only shop lists no day intervals (either list may be empty, not both)", async () => {
      const shop = await h().tenant();
      const patch = (body: unknown) => h().request("PATCH", "/v1/settings", { key: shop.key, body });
      const noDays = await patch({ allowedIntervalDays: [] });
      expect(noDays.status).toBe(200);
      expect(noDays.body).toMatchObject({ allowedIntervalDays: [], allowedIntervalMonths: [1, 2, 3] });
      const neither = await patch({ allowedIntervalMonths: [] });
      expect(neither.status).toBe(422);
      expect(neither.body).toMatchObject({ code: "invalid_settings", errors: [{ path: "allowedIntervalMonths" }] });
      expect((await h().request("GET", "/v1/settings", { key: shop.key })).body).toMatchObject({ allowedIntervalDays: [], allowedIntervalMonths: [1, 2, 3] });
      // The options a portal or console lists: months only.
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
      const id = uid("S");
      await h().request("PUT", `/v1/subscriptions/${id}`, { key: shop.key, body: subscriptionBody(c, { intervalDays: undefined, intervalMonths: 1, nextDeliveryOn: jan31() }) });
      const options = await h().request("GET", `/v1/subscriptions/${id}/plan-options`, { key: shop.key });
      expect(options.body.interval).toMatchObject({ available: true, allowedIntervalDays: [], allowedIntervalMonths: [1, 2, 3] });
      expect((await h().request("POST", `/v1/subscriptions/${id}/interval`, { key: shop.key, body: { intervalDays: 45 } })).status).toBe(422);
      // And a shop by the day only.
      expect((await patch({ allowedIntervalDays: [30, 60], allowedIntervalMonths: [] })).body).toMatchObject({ allowedIntervalDays: [30, 60], allowedIntervalMonths: [] });
      expect((await patch({ allowedIntervalDays: [] })).status).toBe(422);
    });

    it("the bulk sync takes intervalMonths as the single PUT does", async () => {
      const id = uid("S");
      const res = await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id, ...monthly({ intervalMonths: 3 }) }, { id: uid("S"), ...monthly({ intervalDays: 30, intervalMonths: 3 }) }] } });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { result: string }) => r.result)).toEqual(["applied", "refused"]);
      expect(res.body.results[1].error).toMatchObject({ code: "validation_failed" });
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body).toMatchObject({ intervalMonths: 3, intervalDays: 91 });
    });
  });
}
