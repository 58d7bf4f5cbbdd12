import { beforeAll, describe, expect, it } from "vitest";
import openapi from "../../openapi.json";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";
import { erasedCustomer, syncedPlan } from "../support/synced-plan";

export function eventsSuite(h: () => Harness) {
  describe("events", () => {
    let t: TestTenant;
    let customerId: string;
    let subscriptionId: string;
    beforeAll(async () => {
      t = await h().tenant();
      customerId = uid("C");
      subscriptionId = uid("S");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${subscriptionId}`, { key: t.key, body: subscriptionBody(customerId) });
    });

    const ev = (type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      id: uid("evt"),
      type,
      customerId,
      subscriptionId,
      occurredAt: "2026-11-20T01:00:00Z",
      data,
      ...extra,
    });

    it("instants are stored in UTC and the latest in time wins, not the latest as text (#14.5)", async () => {
      // Yesterday (UTC): 10:30 in Tokyo (01:30Z) with 90 left, then 05:00Z (3.5 hours later) with 2 left.
      const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const earlier = (id: string) => ({ id: uid("evt"), type: "usage.reported", customerId, subscriptionId: id, occurredAt: `${day}T10:30:00+09:00`, data: { remainingUnits: 90 } });
      const later = (id: string) => ({ id: uid("evt"), type: "usage.reported", customerId, subscriptionId: id, occurredAt: `${day}T05:00:00Z`, data: { remainingUnits: 2 } });
      const sub = async () => {
        const id = uid("S");
        const res = await h().request("PUT", `/v1/subscriptions/${id}`, {
          key: t.key,
          body: subscriptionBody(customerId, { startedAt: "2026-05-01T10:00:00+09:00", nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 12) }),
        });
        expect(res.body.startedAt).toBe("2026-05-01T01:00:00.000Z");
        return id;
      };
      const inOneBatch = await sub();
      await h().request("POST", "/v1/events", { key: t.key, body: { events: [earlier(inOneBatch), later(inOneBatch)] } });
      const outOfOrder = await sub(); // the later report arrives first
      await h().request("POST", "/v1/events", { key: t.key, body: { events: [later(outOfOrder)] } });
      await h().request("POST", "/v1/events", { key: t.key, body: { events: [earlier(outOfOrder)] } });
      for (const id of [inOneBatch, outOfOrder]) {
        const offers = await h().request("GET", `/v1/subscriptions/${id}/offers?reason=surplus_stock&limit=10`, { key: t.key });
        const interval = offers.body.data.find((o: { type: string }) => o.type === "change_interval");
        expect(interval?.parameters.stockOnHand, id).toBe(2);
        const risk = await h().request("GET", `/v1/subscriptions/${id}/risk`, { key: t.key });
        const days = risk.body.drivers.find((d: { code: string }) => d.code === "surplus_stock")?.value ?? 0;
        expect(days, id).toBeLessThan(365); // 2 units at the measured rate (≈ 100 days), not 90 units' thousands of days
      }
    });

    it("accepts each known type and reports every item in order", async () => {
      const batch = [
        ev("delivery.completed", { deliveredOn: "2026-11-20" }),
        ev("delivery.skipped", { scheduledOn: "2026-12-20" }),
        ev("payment.failed", { amount: { amount: 3980, currency: "JPY" }, reason: "card_declined" }),
        ev("payment.succeeded", {}),
        ev("contact.logged", { channel: "phone", topic: "cancel_request", sentiment: "negative" }),
        ev("usage.reported", { remainingUnits: 3 }),
        ev("survey.answered", { nps: 4, comment: "量が多くて余ってしまう" }),
      ];
      const res = await h().request("POST", "/v1/events", { key: t.key, body: { events: batch } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 7, duplicates: 0, rejected: 0 });
      expect(res.body.results.map((r: { id: string }) => r.id)).toEqual(batch.map((e) => e.id));
    });

    it("rejects an unknown type, a bad item and an unknown customer without failing the rest", async () => {
      const good = ev("usage.reported", { remainingUnits: 2 });
      const res = await h().request("POST", "/v1/events", {
        key: t.key,
        body: {
          events: [
            good,
            ev("delivery.teleported", {}),
            ev("survey.answered", { nps: 11 }),
            ev("payment.failed", {}, { customerId: "C-ghost", subscriptionId: undefined }),
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 1, rejected: 3 });
      const [a, b, c, d] = res.body.results;
      expect(a).toMatchObject({ result: "accepted", status: 201 });
      expect(b).toMatchObject({ result: "rejected", status: 422, error: { code: "unknown_event_type" } });
      expect(c).toMatchObject({ result: "rejected", error: { code: "validation_failed", errors: [{ path: "events.2.data.nps" }] } });
      expect(d).toMatchObject({ result: "rejected", error: { code: "unknown_customer", errors: [{ path: "events.3.customerId" }] } });
    });

    it("rejects an item with each code openapi.json lists for it (EventItemProblem) and no other, each at its code's status", async () => {
      const erased = await erasedCustomer(h(), t);
      const declined = await syncedPlan(h(), t);
      expect((await h().request("PUT", `/v1/customers/${declined.customerId}/keep-in-touch`, { key: t.key, body: { keepInTouch: false } })).status).toBe(200);
      // The harness holds the answer to openapi.json: a code the enum lacks fails the request itself.
      const res = await h().request("POST", "/v1/events", {
        key: t.key,
        body: {
          events: [
            ev("survey.answered", { nps: 11 }),
            ev("delivery.teleported", {}),
            ev("payment.failed", {}, { customerId: "C-ghost", subscriptionId: undefined }),
            ev("payment.failed", {}, { subscriptionId: "S-ghost" }),
            ev("contact.logged", { channel: "phone", topic: "inquiry" }, { customerId: erased, subscriptionId: undefined }),
            ev("winback.contacted", { channel: "email" }, { ...declined, occurredAt: new Date().toISOString() }),
          ],
        },
      });
      expect(res.status).toBe(200);
      const refused = res.body.results.map((r: { result: string; status: number; error?: { code: string } }) => [r.result, r.status, r.error?.code]);
      expect(refused).toEqual([
        ["rejected", 422, "validation_failed"],
        ["rejected", 422, "unknown_event_type"],
        ["rejected", 422, "unknown_customer"],
        ["rejected", 422, "unknown_subscription"],
        ["rejected", 409, "customer_erased"],
        ["rejected", 409, "customer_declined_contact"],
      ]);
      // Every code the document lists is one the server sends.
      const listed: string[] = openapi.components.schemas.EventItemProblem.properties.code.enum;
      expect([...new Set(refused.map((r: string[]) => r[2]))].sort()).toEqual([...listed].sort());
    });

    it("a rejected item's detail and messages follow Accept-Language as a problem's do: Japanese under ja, the same English otherwise", async () => {
      const batch = [ev("delivery.teleported", {}), ev("survey.answered", { nps: 11 }), ev("payment.failed", {}, { customerId: "C-ghost", subscriptionId: undefined }), ev("payment.failed", {}, { subscriptionId: "S-ghost" })];
      const send = (headers?: Record<string, string>) => h().request("POST", "/v1/events", { key: t.key, headers, body: { events: batch } });
      const [plain, en, ja] = [await send(), await send({ "accept-language": "en-US,en;q=0.9" }), await send({ "accept-language": "ja,en;q=0.8" })];
      expect(en.text).toBe(plain.text);
      const errors = (r: { body: { results: { error: unknown }[] } }) => r.body.results.map((x) => x.error);
      expect(errors(plain)).toEqual([
        { code: "unknown_event_type", detail: expect.stringMatching(/^Unknown event type "delivery.teleported". Known types: delivery.completed, /), errors: [{ path: "events.0.type", message: "Unknown event type" }] },
        { code: "validation_failed", detail: "The event is not valid.", errors: [{ path: "events.1.data.nps", message: "11: must be at most 10" }] },
        { code: "unknown_customer", detail: "No customer C-ghost.", errors: [{ path: "events.2.customerId", message: "Unknown customer" }] },
        { code: "unknown_subscription", detail: `No subscription S-ghost for customer ${customerId}.`, errors: [{ path: "events.3.subscriptionId", message: "Unknown subscription for this customer" }] },
      ]);
      expect(errors(ja)).toEqual([
        expect.objectContaining({ code: "unknown_event_type", detail: expect.stringMatching(/^不明なイベント種別 "delivery.teleported" です。/) }),
        { code: "validation_failed", detail: "イベントの内容が正しくありません。", errors: [{ path: "events.1.data.nps", message: "11: 10以下にしてください" }] },
        expect.objectContaining({ code: "unknown_customer", detail: "顧客 C-ghost は見つかりません。" }),
        expect.objectContaining({ code: "unknown_subscription", detail: `顧客 ${customerId} に定期コース S-ghost はありません。` }),
      ]);
    });

    it("refuses an event dated years ahead (or a delivery reported done tomorrow) per item, in ja and en; minutes of clock skew pass", async () => {
      const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
      const dayAfterTomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      // Four years ahead of whatever today is: the test holds on any date.
      const farYear = new Date().getUTCFullYear() + 4;
      const farAhead = ev("contact.logged", { channel: "phone", topic: "complaint" }, { occurredAt: `${farYear}-01-15T01:00:00Z` });
      const skewed = ev("usage.reported", { remainingUnits: 20 }, { occurredAt: inMinutes(3) });
      const shippedLater = ev("delivery.completed", { deliveredOn: dayAfterTomorrow });
      const justAhead = ev("payment.failed", {}, { occurredAt: inMinutes(10) });
      const send = (lang: string) => h().request("POST", "/v1/events", { key: t.key, headers: { "accept-language": lang }, body: { events: [farAhead, skewed, shippedLater, justAhead] } });
      const en = await send("en");
      expect(en.body).toMatchObject({ accepted: 1, rejected: 3 });
      expect(en.body.results[0]).toMatchObject({
        id: farAhead.id,
        result: "rejected",
        status: 422,
        error: { code: "validation_failed", detail: expect.stringMatching(/future.*clock/), errors: [{ path: "events.0.occurredAt", message: expect.stringMatching(new RegExp(`^"${farYear}-01-15T01:00:00.000Z" is in the future .*5 minutes`)) }] },
      });
      expect(en.body.results[1]).toMatchObject({ id: skewed.id, result: "accepted" });
      expect(en.body.results[2]).toMatchObject({ result: "rejected", error: { errors: [{ path: "events.2.data.deliveredOn", message: expect.stringContaining(dayAfterTomorrow) }] } });
      expect(en.body.results[3]).toMatchObject({ result: "rejected", error: { errors: [{ path: "events.3.occurredAt" }] } });
      const ja = await send("ja");
      expect(ja.body.results[0].error).toMatchObject({ detail: expect.stringContaining("未来"), errors: [{ path: "events.0.occurredAt", message: expect.stringContaining("未来の日時です") }] });
      expect(ja.body.results[1]).toMatchObject({ result: "duplicate" }); // applied once, the first time
      // Nothing of the refused ones is stored: the timeline has the accepted event only.
      const timeline = await h().request("GET", `/v1/customers/${customerId}/timeline?limit=100`, { key: t.key });
      expect(JSON.stringify(timeline.body)).not.toContain(`${farYear}-01-15`);
    });

    it("refuses a date or instant before 1980-01-01 per item and applies the rest; a start in year 0001 is refused by the sync too", async () => {
      // A subscription with no usage report yet: before, the year-0001 report made the whole batch a 500 (a NaN probability).
      const fresh = uid("S");
      await h().request("PUT", `/v1/subscriptions/${fresh}`, { key: t.key, body: subscriptionBody(customerId) });
      const usage = (occurredAt: string) => ev("usage.reported", { remainingUnits: 5 }, { subscriptionId: fresh, occurredAt });
      // Yesterday's report (a fixed date would go stale and stop counting as stock on hand).
      const good = usage(new Date(Date.now() - 86_400_000).toISOString());
      const batch = [good, usage("0001-06-01T00:00:00Z"), usage("1000-06-01T00:00:00Z"), usage("1979-12-31T23:59:59Z"), ev("delivery.completed", { deliveredOn: "1900-01-01" }, { subscriptionId: fresh })];
      const res = await h().request("POST", "/v1/events", { key: t.key, body: { events: batch } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 1, rejected: 4 });
      expect(res.body.results[0]).toMatchObject({ id: good.id, result: "accepted", status: 201 });
      const paths = ["events.1.occurredAt", "events.2.occurredAt", "events.3.occurredAt", "events.4.data.deliveredOn"];
      res.body.results.slice(1).forEach((r: { error: { errors: { path: string; message: string }[] } }, i: number) => {
        expect(r).toMatchObject({ result: "rejected", status: 422, error: { code: "validation_failed" } });
        expect(r.error.errors).toEqual([{ path: paths[i], message: expect.stringMatching(/Not before 1980-01-01/) }]);
      });
      const ja = await h().request("POST", "/v1/events", { key: t.key, headers: { "accept-language": "ja" }, body: { events: [usage("1900-06-01T00:00:00+09:00")] } });
      expect(ja.body.results[0].error.errors[0].message).toMatch(/1980-01-01 より前の日付・日時は指定できません/);
      const risk = await h().request("GET", `/v1/subscriptions/${fresh}/risk`, { key: t.key });
      expect(risk.status).toBe(200);
      expect(risk.body.drivers.find((d: { code: string }) => d.code === "surplus_stock")).toBeDefined(); // the good report counted: 5 boxes on hand

      const ancient = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(customerId, { startedAt: "0001-01-01T00:00:00Z" }) });
      expect(ancient.status).toBe(422);
      expect(ancient.body).toMatchObject({ code: "validation_failed", errors: [{ path: "startedAt", message: expect.stringMatching(/Not before 1980-01-01/) }] });
      const since1980 = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(customerId, { startedAt: "1980-01-01T09:00:00+09:00" }) });
      expect(since1980.status).toBe(201);
      // A customer of the 1990s, still subscribed: accepted.
      expect((await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(customerId, { startedAt: "1996-04-01T10:00:00+09:00" }) })).status).toBe(201);
      // The Unix epoch, a placeholder: refused.
      expect((await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(customerId, { startedAt: "1970-01-01T00:00:00Z" }) })).status).toBe(422);
    });

    it("is idempotent by event id, within a batch and across batches", async () => {
      const e = ev("delivery.completed", {});
      const first = await h().request("POST", "/v1/events", { key: t.key, body: { events: [e, e] } });
      expect(first.body).toMatchObject({ accepted: 1, duplicates: 1 });
      const again = await h().request("POST", "/v1/events", { key: t.key, body: { events: [e] } });
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, results: [{ result: "duplicate", status: 200 }] });
    });

    it("takes 500 events in one batch and refuses 501", async () => {
      const five = Array.from({ length: 500 }, () => ev("delivery.completed", {}));
      const ok = await h().request("POST", "/v1/events", { key: t.key, body: { events: five } });
      expect(ok.body.accepted).toBe(500);
      const tooMany = await h().request("POST", "/v1/events", { key: t.key, body: { events: [...five, ev("delivery.completed", {})] } });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.errors[0].path).toBe("events");
    });
  });
}
