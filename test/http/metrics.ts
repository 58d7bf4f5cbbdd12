import { beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate, zonedInstant } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

export function metricsSuite(h: () => Harness) {
  describe("retention metrics: churn from the rollups", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
    });

    const sync = async (customerId: string, id: string, over: Record<string, unknown>) => {
      const res = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, over) });
      expect(res.status, res.text).toBeLessThan(300);
    };
    const churn = async (query: string) => (await h().request("GET", `/v1/metrics/retention?${query}`, { key: t.key })).body;

    it("counts subscriptions active at the start and canceled within the shop's local days, in any time zone, as they are now", async () => {
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      const canceled = (startedAt: string, canceledAt: string) => ({ startedAt, status: "canceled", canceledAt });
      await sync(c, uid("A"), { startedAt: "2026-09-30T14:59:59Z" }); // Tokyo 09-30 23:59
      await sync(c, uid("B"), { startedAt: "2026-09-30T15:00:00Z" }); // Tokyo 10-01 00:00; Kathmandu 09-30 20:45
      await sync(c, uid("C"), canceled("2026-09-01T00:00:00+09:00", "2026-10-01T00:00:00+09:00")); // canceled at Tokyo's first instant
      await sync(c, uid("D"), canceled("2026-08-01T00:00:00Z", "2026-09-30T23:59:00+09:00"));
      await sync(c, uid("E"), canceled("2026-08-01T00:00:00Z", "2026-10-31T14:59:00Z"));
      await sync(c, uid("F"), canceled("2026-08-01T00:00:00Z", "2026-10-31T16:00:00Z")); // Tokyo 11-01; Kathmandu 10-31 21:45
      const g = uid("G");
      await sync(c, g, canceled("2026-08-01T00:00:00Z", "2026-10-10T00:00:00Z"));
      await sync(c, g, { startedAt: "2026-08-01T00:00:00Z" }); // back to active: no longer canceled
      const hh = uid("H");
      await sync(c, hh, { startedAt: "2026-10-05T00:00:00Z" });
      await sync(c, hh, { startedAt: "2026-09-01T00:00:00Z" }); // the cart corrected the start
      await sync(c, uid("I"), { startedAt: "2026-09-30T18:00:00Z" }); // Tokyo 10-01 03:00; Kathmandu 09-30 23:45
      await sync(c, uid("J"), canceled("2026-08-01T00:00:00Z", "2026-09-30T16:00:00Z")); // Tokyo 10-01 01:00; Kathmandu 09-30 21:45

      const tokyo = await churn("from=2026-10-01&to=2026-10-31");
      expect(tokyo.churn).toEqual({ activeAtStart: 7, canceled: 3, churnRate: 0.4286 }); // A C E F G H J; C E J
      const patched = await h().request("PATCH", "/v1/settings", { key: t.key, body: { timeZone: "Asia/Kathmandu" } });
      expect(patched.status).toBe(200);
      const kathmandu = await churn("from=2026-10-01&to=2026-10-31"); // UTC+5:45: no rebuild needed
      expect(kathmandu.churn).toEqual({ activeAtStart: 7, canceled: 2, churnRate: 0.2857 }); // A B E F G H I; E F
      await h().request("PATCH", "/v1/settings", { key: t.key, body: { timeZone: "Asia/Tokyo" } });
      const spanningYears = await churn("from=2025-01-01&to=2026-10-31");
      expect(spanningYears.churn).toMatchObject({ activeAtStart: 0, canceled: 4 }); // C D E J (G is active again; F is November)
    });

    it("does not count as active at the start a plan canceled before the range and restarted since (by the API or a sync): it was canceled then", async () => {
      const shop = await h().tenant();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
      const put = async (id: string, over: Record<string, unknown>) => expect((await h().request("PUT", `/v1/subscriptions/${id}`, { key: shop.key, body: subscriptionBody(c, over) })).status).toBeLessThan(300);
      const canceled = { startedAt: "2026-08-01T00:00:00Z", status: "canceled", canceledAt: "2026-09-20T00:00:00Z" };
      await put(uid("A"), { startedAt: "2026-08-01T00:00:00Z" }); // live throughout
      const synced = uid("K");
      await put(synced, canceled);
      await put(synced, { startedAt: "2026-08-01T00:00:00Z" }); // the cart restarted it today
      const api = uid("R");
      await put(api, canceled);
      const res = await h().request("POST", `/v1/subscriptions/${api}/reactivate`, { key: shop.key, body: { channel: "operator" } });
      expect(res.status, res.text).toBe(200);
      const churnOf = async (q: string) => (await h().request("GET", `/v1/metrics/retention?${q}`, { key: shop.key })).body.churn;
      // On October 1 (Tokyo) only A was live: K and R were canceled on September 20 and came back today.
      expect(await churnOf("from=2026-10-01&to=2026-10-31")).toEqual({ activeAtStart: 1, canceled: 0, churnRate: 0 });
      const today = localDate(new Date(), "Asia/Tokyo");
      expect((await churnOf(`from=${today}&to=${today}`)).activeAtStart).toBe(1); // restarted after today's first instant
      const tomorrow = addDays(today, 1);
      expect((await churnOf(`from=${tomorrow}&to=${tomorrow}`)).activeAtStart).toBe(3); // live again by then
    });

    it("refuses an unknown parameter (a typo of from) with 422 naming it and the accepted ones, on both metrics routes, instead of answering the default range", async () => {
      const retention = await h().request("GET", "/v1/metrics/retention?form=2026-11-01&to=2026-11-30", { key: t.key });
      expect(retention.status, retention.text).toBe(422);
      expect(retention.body).toMatchObject({ code: "validation_failed", errors: [{ path: "query.form", message: 'Unknown parameter "form"; the accepted ones are from, to, groupBy' }] });
      const winback = await h().request("GET", "/v1/metrics/winback?from=2026-01-01&groupBy=reason", { key: t.key, headers: { "accept-language": "ja" } });
      expect(winback.status, winback.text).toBe(422);
      expect(winback.body.errors).toEqual([{ path: "query.groupBy", message: '不明なパラメーター "groupBy" です。指定できるのは from, to です' }]);
      expect((await h().request("GET", "/v1/metrics/retention?from=2026-11-01&to=2026-11-30&groupBy=day", { key: t.key })).status).toBe(200);
    });

    it("answers the same figures as CSV for a spreadsheet on Accept: text/csv (BOM, CRLF, the JSON's fields as columns, a row per group), JSON otherwise", async () => {
      const shop = await h().tenant();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
      for (const reason of ["too_expensive", "surplus_stock"]) {
        const sub = uid("S");
        await h().request("PUT", `/v1/subscriptions/${sub}`, { key: shop.key, body: subscriptionBody(c) });
        const flow = (await h().request("POST", `/v1/subscriptions/${sub}/cancel-flows`, { key: shop.key, body: { channel: "web" } })).body.flowId as string;
        expect((await h().request("POST", `/v1/cancel-flows/${flow}/reason`, { key: shop.key, body: { reason } })).status).toBe(200);
        expect((await h().request("POST", `/v1/cancel-flows/${flow}/confirm`, { key: shop.key, body: {} })).status).toBe(200);
      }
      const json = (await h().request("GET", "/v1/metrics/retention?groupBy=reason", { key: shop.key })).body;
      const res = await h().request("GET", "/v1/metrics/retention?groupBy=reason", { key: shop.key, headers: { accept: "text/csv" } });
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="retention_${json.from}_${json.to}_by-reason.csv"`);
      expect([...res.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the UTF-8 byte-order mark Excel needs
      const lines = res.text.split("\r\n");
      expect(lines.at(-1)).toBe(""); // every record ends in CRLF
      const header = lines[0]!.split(",");
      expect(header.slice(0, 11)).toEqual(["from", "to", "group", "key", "started", "restarted", "saved", "canceled", "undone", "abandoned", "open"]);
      const rows = lines.slice(1, -1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [header[i], v])));
      expect(rows.map((r) => [r.group, r.key, r.started, r.canceled, r.saveRate])).toEqual([
        ["", "total", "2", "2", "0"],
        ["reason", "surplus_stock", "1", "1", "0"],
        ["reason", "too_expensive", "1", "1", "0"],
      ]);
      // Nested fields dotted; totals-only figures empty on group rows; a null is an empty cell.
      expect(rows[0]!["churn.canceled"]).toBe(String(json.churn.canceled));
      expect(rows[1]!["churn.canceled"]).toBe("");
      expect(rows[0]!["durableSaveRate"]).toBe("");
      // JSON stays the default, and wins when the client prefers it.
      for (const accept of [undefined, "text/csv;q=0.5, application/json", "*/*"]) {
        const other = await h().request("GET", "/v1/metrics/retention?groupBy=reason", { key: shop.key, headers: accept ? { accept } : {} });
        expect(other.headers.get("content-type"), accept).toMatch(/^application\/json/);
        expect(other.headers.get("content-disposition")).toBeNull();
      }
      // Win-back: the totals, then a row per entry of each list, named by its section.
      const winback = await h().request("GET", "/v1/metrics/winback", { key: shop.key, headers: { accept: "text/csv" } });
      expect(winback.status, winback.text).toBe(200);
      const wl = winback.text.split("\r\n");
      const wh = wl[0]!.split(",");
      const wrows = wl.slice(1, -1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [wh[i], v])));
      expect(wrows[0]).toMatchObject({ section: "total", key: "total", canceled: "2" });
      expect(wrows.filter((r) => r.section === "byReason").map((r) => [r.key, r.canceled]).sort()).toEqual([["surplus_stock", "1"], ["too_expensive", "1"]]);
      expect(wrows.filter((r) => r.section === "byDaysSinceCancel").map((r) => [r.key, r.waiting])).toEqual([["30", "2"], ["90", "2"], ["180", "2"]]);
    });

    it("the holdout comparisons count only flows and cancellations drawn while a holdout was in force: one from before is in neither arm", async () => {
      const shop = await h().tenant();
      const today = localDate(new Date(), "Asia/Tokyo");
      const cancel = async () => {
        const c = uid("C");
        await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
        const s = uid("S");
        await h().request("PUT", `/v1/subscriptions/${s}`, { key: shop.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today, 20) }) });
        const flow = (await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: shop.key, body: { channel: "web" } })).body.flowId as string;
        expect((await h().request("POST", `/v1/cancel-flows/${flow}/confirm`, { key: shop.key, body: { keepInTouch: true } })).status).toBe(200);
        return { flow, s };
      };
      await cancel(); // no holdout yet: neither treated nor held out
      await cancel();
      expect((await h().request("PATCH", "/v1/settings", { key: shop.key, body: { holdoutPercent: 50, winbackHoldoutPercent: 50 } })).status).toBe(200);
      const held = await cancel();
      const treated = await cancel();
      // The draws are random; these two are fixed to one of each arm.
      for (const [{ flow, s }, arm] of [[held, 1], [treated, 0]] as const) {
        await h().sql("UPDATE cancel_flows SET holdout = ? WHERE tenant_id = ? AND id = ?", [arm, shop.id, flow]);
        await h().sql("UPDATE winbacks SET holdout = ? WHERE tenant_id = ? AND subscription_id = ?", [arm, shop.id, s]);
      }
      const retention = (await h().request("GET", `/v1/metrics/retention?from=${today}&to=${today}`, { key: shop.key })).body;
      expect(retention.canceled).toBe(4);
      expect(retention.holdout).toEqual({ withOffers: { flows: 1, closed: 1, canceled: 1, keptRate: 0 }, holdout: { flows: 1, closed: 1, canceled: 1, keptRate: 0 }, lift: 0, liftInterval: { low: -0.7935, high: 0.7935, confidence: 0.95 } });
      const winback = (await h().request("GET", `/v1/metrics/winback?from=${today}&to=${today}`, { key: shop.key })).body;
      expect(winback.canceled).toBe(4);
      expect(winback.holdout).toMatchObject({ contactable: { canceled: 1, reactivated: 0 }, holdout: { canceled: 1, reactivated: 0 }, liftInterval: { low: -0.7935, high: 0.7935, confidence: 0.95 } });
    });

    it("by week: every shop-local week of the range, keyed by its Monday, with the same figures as the totals; by day, reason and channel they add up too", async () => {
      const shop = await h().tenant();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
      const flow = async (end: "saved" | "canceled" | "open", reason?: string) => {
        const s = uid("S");
        await h().request("PUT", `/v1/subscriptions/${s}`, { key: shop.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }) });
        const started = (await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: shop.key, body: { channel: "operator" } })).body;
        const given = reason ? (await h().request("POST", `/v1/cancel-flows/${started.flowId}/reason`, { key: shop.key, body: { reason } })).body : null;
        if (end === "saved") expect((await h().request("POST", `/v1/cancel-flows/${started.flowId}/accept`, { key: shop.key, body: { offerId: given.offer.offerId } })).status).toBe(200);
        if (end === "canceled") expect((await h().request("POST", `/v1/cancel-flows/${started.flowId}/confirm`, { key: shop.key, body: {} })).status).toBe(200);
      };
      await flow("canceled"); // 2 calls
      await flow("canceled", "moving"); // 3 calls: the median of the cancellations' calls is 2.5
      await flow("saved", "moving");
      await flow("open");
      const today = localDate(new Date(), "Asia/Tokyo");
      const get = async (q: string) => (await h().request("GET", `/v1/metrics/retention?${q}`, { key: shop.key })).body;
      const one = await get(`from=${today}&to=${today}&groupBy=week`);
      const monday = addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
      const { from, to, churn, reactivations, holdout, groupBy, groups, winback: _winback, ...totals } = one;
      expect(groupBy).toBe("week");
      expect(groups).toEqual([{ key: monday, ...totals }]);
      expect(groups[0]).toMatchObject({ started: 4, saved: 1, canceled: 2, open: 1, saveRate: 0.3333, timeToCancel: { cancellations: 2, medianCalls: 2.5, maxCalls: 3 } });

      // The other groupings, counted in SQL too, add up to the same totals.
      const byDay = await get(`from=${addDays(today, -2)}&to=${today}&groupBy=day`);
      expect(byDay.groups).toEqual([{ key: today, ...totals }]); // only days with flows
      expect((await get(`from=${today}&to=${today}&groupBy=channel`)).groups).toEqual([{ key: "operator", ...totals }]);
      const byReason = (await get(`from=${today}&to=${today}&groupBy=reason`)).groups;
      expect(byReason.map((g: { key: string }) => g.key)).toEqual(["moving", "none"]);
      expect(byReason[0]).toMatchObject({ started: 2, saved: 1, canceled: 1, open: 0, saveRate: 0.5, timeToCancel: { cancellations: 1, medianCalls: 3, maxCalls: 3 } });
      expect(byReason[1]).toMatchObject({ started: 2, saved: 0, canceled: 1, open: 1, saveRate: 0, timeToCancel: { cancellations: 1, medianCalls: 2, maxCalls: 2 } });
      expect((await get(`from=${addDays(today, -3)}&to=${addDays(today, -1)}`)).started).toBe(0);

      const month = await get("from=2026-10-01&to=2026-11-04&groupBy=week"); // Thursday to Wednesday
      expect(month.groups.map((g: { key: string }) => g.key)).toEqual(["2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]);
      expect(month.groups.every((g: { started: number; saveRate: number | null }) => g.started === 0 && g.saveRate === null)).toBe(true);
    });

    describe("a restarted cancel flow is one attempt, not an abandonment", () => {
      const today = () => localDate(new Date(), "Asia/Tokyo");
      /** A plan of a new customer on `shop`, and a start of a cancel flow on it. */
      const plan = async (shop: TestTenant) => {
        const c = uid("C");
        await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
        const s = uid("S");
        await h().request("PUT", `/v1/subscriptions/${s}`, { key: shop.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 20) }) });
        return s;
      };
      const start = async (shop: TestTenant, s: string, channel = "web") => {
        const res = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: shop.key, body: { channel } });
        expect(res.status, res.text).toBe(201);
        return res.body.flowId as string;
      };
      const get = async (shop: TestTenant, q = "") => (await h().request("GET", `/v1/metrics/retention?from=${today()}&to=${today()}${q}`, { key: shop.key })).body;

      it("start → reload → cancel saves 0 %; start → restart → save saves 100 %; the restarts are counted apart, not as abandoned", async () => {
        const reloaded = await h().tenant();
        const s = await plan(reloaded);
        await start(reloaded, s);
        const again = await start(reloaded, s); // the customer reloaded the portal
        expect((await h().request("POST", `/v1/cancel-flows/${again}/confirm`, { key: reloaded.key, body: {} })).status).toBe(200);
        expect(await get(reloaded)).toMatchObject({ started: 1, restarted: 1, canceled: 1, abandoned: 0, saved: 0, saveRate: 0, timeToCancel: { cancellations: 1, medianCalls: 3, maxCalls: 3 } });

        const restarted = await h().tenant();
        const p = await plan(restarted);
        await start(restarted, p);
        const second = await start(restarted, p);
        const given = (await h().request("POST", `/v1/cancel-flows/${second}/reason`, { key: restarted.key, body: { reason: "surplus_stock" } })).body;
        expect((await h().request("POST", `/v1/cancel-flows/${second}/accept`, { key: restarted.key, body: { offerId: given.offer.offerId } })).status).toBe(200);
        const m = await get(restarted);
        expect(m).toMatchObject({ started: 1, restarted: 1, saved: 1, canceled: 0, abandoned: 0, saveRate: 1 });
        // Every grouping adds up to the same totals.
        for (const by of ["day", "week", "channel", "operator", "reason"]) {
          const groups = (await get(restarted, `&groupBy=${by}`)).groups as { started: number; restarted: number; saved: number; abandoned: number }[];
          const sum = (k: "started" | "restarted" | "saved" | "abandoned") => groups.reduce((n, g) => n + g[k], 0);
          expect({ started: sum("started"), restarted: sum("restarted"), saved: sum("saved"), abandoned: sum("abandoned") }, by).toEqual({ started: 1, restarted: 1, saved: 1, abandoned: 0 });
        }
      });

      it("a replaced flow confirmed after all (the web page's confirm once the call began) ends the same attempt: the call's flow is not an abandonment", async () => {
        const shop = await h().tenant();
        const s = await plan(shop);
        const web = await start(shop, s, "web");
        await start(shop, s, "operator"); // the customer phoned meanwhile
        expect((await h().request("POST", `/v1/cancel-flows/${web}/confirm`, { key: shop.key, body: {} })).status).toBe(200);
        expect(await get(shop)).toMatchObject({ started: 1, restarted: 1, canceled: 1, abandoned: 0, saveRate: 0 });
      });

      it("a flow the customer left is still an abandoned attempt", async () => {
        const shop = await h().tenant();
        const s = await plan(shop);
        const left = await start(shop, s);
        expect((await h().request("POST", `/v1/cancel-flows/${left}/abandon`, { key: shop.key })).status).toBe(200);
        const later = await start(shop, s);
        expect((await h().request("POST", `/v1/cancel-flows/${later}/confirm`, { key: shop.key, body: {} })).status).toBe(200);
        expect(await get(shop)).toMatchObject({ started: 2, restarted: 0, abandoned: 1, canceled: 1, saveRate: 0 });
      });

      it("a web flow restarted by an operator counts under web, where the attempt came in, and keeps its holdout arm", async () => {
        const shop = await h().tenant();
        expect((await h().request("PATCH", "/v1/settings", { key: shop.key, body: { holdoutPercent: 50 } })).status).toBe(200);
        const s = await plan(shop);
        const web = await start(shop, s, "web");
        await h().sql("UPDATE cancel_flows SET holdout = 1 WHERE tenant_id = ? AND id = ?", [shop.id, web]); // the draw is random: this one held out
        expect((await h().request("PATCH", "/v1/settings", { key: shop.key, body: { holdoutPercent: 0 } })).status).toBe(200);
        const phone = await start(shop, s, "operator"); // taken over by phone, after the holdout ended
        const evidence = (await h().request("GET", `/v1/cancel-flows/${phone}`, { key: shop.key })).body;
        expect(evidence.holdout).toBe(true);
        expect((await h().request("POST", `/v1/cancel-flows/${phone}/confirm`, { key: shop.key, body: {} })).status).toBe(200);
        const byChannel = await get(shop, "&groupBy=channel");
        expect(byChannel.groups).toHaveLength(1);
        expect(byChannel.groups[0]).toMatchObject({ key: "web", started: 1, restarted: 1, canceled: 1 });
        // One attempt, one draw: held out, and cancelled.
        expect(byChannel.holdout).toEqual({ withOffers: { flows: 0, closed: 0, canceled: 0, keptRate: null }, holdout: { flows: 1, closed: 1, canceled: 1, keptRate: 0 }, lift: null, liftInterval: null });
      });
    });

    it("counts a reactivation on the day it happened", async () => {
      const c = uid("C");
      const s = uid("S");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      await sync(c, s, { status: "canceled", canceledAt: "2026-01-10T00:00:00Z", startedAt: "2025-06-01T00:00:00Z" });
      const before = (await churn("")).reactivations.count;
      const res = await h().request("POST", `/v1/subscriptions/${s}/reactivate`, { key: t.key, body: { channel: "operator" } });
      expect(res.status, res.text).toBe(200);
      expect((await churn("")).reactivations.count).toBe(before + 1);
    });
  });

  describe("win-back metrics follow the shop's time zone as it is now (issue #18)", () => {
    it("cancellations near local midnight move between days and months as a ledger kept in the new zone says (Honolulu, Kathmandu +05:45), totals unchanged; back in Tokyo, the same answers as before", async () => {
      const shop = await h().tenant();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
      const tokyoToday = localDate(new Date(), "Asia/Tokyo");
      const canceledAt = [
        "2026-09-29T15:30:00.000Z", // Tokyo 09-30 00:30; Honolulu 09-29 05:30; Kathmandu 09-29 21:15
        "2026-09-30T14:59:59.999Z", // Tokyo 09-30 23:59:59.999: its last instant
        "2026-10-31T14:50:00.000Z", // Tokyo 10-31 23:50
        "2026-10-31T15:00:00.000Z", // Tokyo 11-01 00:00: its first instant; Honolulu 10-31 05:00; Kathmandu 10-31 20:45
        "2026-10-31T18:10:00.000Z", // Kathmandu 10-31 23:55; Tokyo 11-01 03:10
        "2026-10-31T18:15:00.000Z", // Kathmandu 11-01 00:00
        "2026-11-01T09:55:00.000Z", // Honolulu 10-31 23:55; Tokyo 11-01 18:55
        "2026-11-01T10:00:00.000Z", // Honolulu 11-01 00:00
        "2026-11-30T15:00:00.000Z", // Tokyo 12-01 00:00; Honolulu 11-30 05:00; Kathmandu 11-30 20:45
        "2026-12-01T16:00:00.000Z", // Tokyo 12-02 01:00; Honolulu 12-01 06:00; Kathmandu 12-01 21:45
        // Around 180 days ago: matured or not by the shop's today in its zone.
        new Date(zonedInstant(addDays(tokyoToday, -179), "00:30", "Asia/Tokyo")).toISOString(),
        new Date(zonedInstant(addDays(tokyoToday, -180), "23:30", "Asia/Tokyo")).toISOString(),
        new Date(zonedInstant(addDays(tokyoToday, -181), "12:00", "Asia/Tokyo")).toISOString(),
      ];
      for (const at of canceledAt) {
        const res = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(c, { status: "canceled", canceledAt: at, startedAt: "2025-01-01T00:00:00Z", nextDeliveryOn: null }) });
        expect(res.status, res.text).toBe(201);
      }
      const matureAround = { from: addDays(tokyoToday, -185), to: addDays(tokyoToday, -175) };
      const ranges = [
        { from: "2026-09-01", to: "2026-12-31" }, // every one of them, in every zone
        { from: "2026-09-30", to: "2026-12-01" },
        { from: "2026-10-31", to: "2026-10-31" },
        { from: "2026-11-01", to: "2026-11-01" },
        { from: "2026-11-30", to: "2026-11-30" },
        matureAround,
      ];
      const figures = async () => {
        const answers = [];
        for (const r of ranges) {
          const res = await h().request("GET", `/v1/metrics/winback?from=${r.from}&to=${r.to}`, { key: shop.key });
          expect(res.status, res.text).toBe(200);
          answers.push(res.body);
        }
        // The win-back part of the retention figures is the same answer.
        expect((await h().request("GET", `/v1/metrics/retention?from=${ranges[1]!.from}&to=${ranges[1]!.to}`, { key: shop.key })).body.winback).toEqual(answers[1]);
        return answers;
      };
      // The ledger: each cancellation on the day and month its instant falls on in the zone; matured
      // when that day is on or before the shop's today there − 180 days.
      const ledger = (timeZone: string) => {
        const today = localDate(new Date(), timeZone);
        return ranges.map((r) => {
          const days = canceledAt.map((at) => localDate(new Date(at), timeZone)).filter((d) => d >= r.from && d <= r.to);
          const months = [...new Set(days.map((d) => d.slice(0, 7)))].sort();
          const matured = days.filter((d) => d <= addDays(today, -180)).length;
          return {
            canceled: days.length,
            matured,
            byReason: days.length ? [{ key: "none", canceled: days.length, matured }] : [],
            byMonth: months.map((key) => ({ key, canceled: days.filter((d) => d.startsWith(key)).length, matured: days.filter((d) => d.startsWith(key) && d <= addDays(today, -180)).length })),
          };
        });
      };
      const zone = async (timeZone: string) => expect((await h().request("PATCH", "/v1/settings", { key: shop.key, body: { timeZone } })).status).toBe(200);

      const tokyo = await figures();
      expect(tokyo).toMatchObject(ledger("Asia/Tokyo"));
      expect(tokyo[1]!.byMonth.map((m: { key: string; canceled: number }) => [m.key, m.canceled])).toEqual([["2026-09", 2], ["2026-10", 1], ["2026-11", 5], ["2026-12", 1]]); // by hand
      expect(tokyo[3]).toMatchObject({ canceled: 5 }); // 11-01 in Tokyo

      await zone("Pacific/Honolulu");
      const honolulu = await figures();
      expect(honolulu).toMatchObject(ledger("Pacific/Honolulu"));
      expect(honolulu[1]!.byMonth.map((m: { key: string; canceled: number }) => [m.key, m.canceled])).toEqual([["2026-09", 1], ["2026-10", 5], ["2026-11", 2], ["2026-12", 1]]); // by hand
      expect([honolulu[2]!.canceled, honolulu[3]!.canceled]).toEqual([5, 1]); // 10-31 and 11-01 in Honolulu
      expect(honolulu[0]!.canceled).toBe(tokyo[0]!.canceled); // moved, none lost nor counted twice

      await zone("Asia/Kathmandu");
      const kathmandu = await figures();
      expect(kathmandu).toMatchObject(ledger("Asia/Kathmandu"));
      expect(kathmandu[1]!.byMonth.map((m: { key: string; canceled: number }) => [m.key, m.canceled])).toEqual([["2026-09", 1], ["2026-10", 3], ["2026-11", 4], ["2026-12", 1]]); // by hand
      expect(kathmandu[0]!.canceled).toBe(tokyo[0]!.canceled);

      await zone("Asia/Tokyo");
      expect(await figures()).toEqual(tokyo);
    });
  });
}
