import { beforeAll, describe, expect, it } from "vitest";
import { LookupResponse } from "../../src/lookup/schemas";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

export function lookupSuite(h: () => Harness) {
  describe("lookup (IVR / operator data dip)", () => {
    let t: TestTenant;
    let customerId: string;
    let subscriptionId: string;
    const today = () => localDate(new Date(), "Asia/Tokyo");
    const lookup = (query: string, headers: Record<string, string> = {}) => h().request("GET", `/v1/lookup?${query}`, { key: t.key, headers });

    beforeAll(async () => {
      t = await h().tenant();
      customerId = uid("C");
      subscriptionId = uid("S");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody({ name: "佐藤 花子", phone: "090-1234-5678", email: "Hanako.Sato@example.jp" }) });
      await h().request("PUT", `/v1/subscriptions/${subscriptionId}`, {
        key: t.key,
        body: subscriptionBody(customerId, { deliveriesCompleted: 12, nextDeliveryOn: addDays(today(), 1) }),
      });
    });

    it("finds the customer from any form of the phone number a caller-ID or a person gives", async () => {
      for (const form of ["09012345678", "090-1234-5678", "０９０－１２３４－５６７８", "+81 90 1234 5678", "+819012345678", "819012345678", "9012345678"]) {
        const res = await lookup(`phone=${encodeURIComponent(form)}`);
        expect(res.status, form).toBe(200);
        expect(res.body.customer.id, form).toBe(customerId);
      }
    });

    it("answers the customer, subscriptions with next delivery, risk, route and speech in one call", async () => {
      const res = await lookup("phone=09012345678", { "accept-language": "ja" });
      expect(LookupResponse.safeParse(res.body).success).toBe(true);
      expect(res.body.subscriptions).toEqual([expect.objectContaining({ id: subscriptionId, nextDeliveryOn: addDays(today(), 1), status: "active" })]);
      expect(res.body.risk).toMatchObject({ subscriptionId, band: "low" });
      expect(res.body.route).toBe("self_service");
      expect(res.body.nextBestAction).toBeNull();
      expect(res.body.language).toBe("ja");
      expect(res.body.speech).toBe("佐藤 花子様、次回の国産大麦若葉の青汁 30包のお届けは明日の予定です。");
      const en = await lookup("phone=09012345678", { "accept-language": "en-US,en;q=0.9" });
      expect(en.body.language).toBe("en");
      // An English voice cannot read the kanji name or the product's Japanese name: left out, and a
      // health food's category is not said before "delivery" (it reads as a takeaway).
      expect(en.body.speech).toBe("Hello. Your next delivery is tomorrow.");
      expect(en.body.speech.length).toBeLessThanOrEqual(140);
    });

    it("finds by email, case-insensitively", async () => {
      const res = await lookup(`email=${encodeURIComponent("hanako.sato@EXAMPLE.jp")}`);
      expect(res.status).toBe(200);
      expect(res.body.customer.id).toBe(customerId);
    });

    /** A new customer on `phone` whose one plan is at high risk (a first delivery of an expensive plan, stock left); answers the plan's id. */
    const highRiskCaller = async (name: string, phone: string) => {
      const cid = uid("C");
      const sid = uid("S");
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ name, phone, email: null }) });
      await h().request("PUT", `/v1/subscriptions/${sid}`, {
        key: t.key,
        body: subscriptionBody(cid, { deliveriesCompleted: 1, unitPrice: { amount: 9800, currency: "JPY" }, nextDeliveryOn: addDays(today(), 12) }),
      });
      await h().request("POST", "/v1/events", {
        key: t.key,
        body: { events: [{ id: uid("e"), type: "usage.reported", customerId: cid, subscriptionId: sid, occurredAt: new Date().toISOString(), data: { remainingUnits: 3 } }] },
      });
      return sid;
    };

    it("a caller at high risk gets a next best action and goes to a specialist when worth it", async () => {
      const sid = await highRiskCaller("田中 太郎", "080-2222-3333");
      const res = await lookup("phone=8022223333");
      expect(res.status).toBe(200);
      expect(res.body.risk.band).toBe("high");
      expect(res.body.route).toBe("retention_specialist");
      expect(res.body.nextBestAction).toMatchObject({ subscriptionId: sid, type: expect.any(String) });
      expect([...res.body.speech].length).toBeLessThanOrEqual(60);
    });

    it("a plan that declined an offer lately is suggested none by the lookup either; the 30 days over, offers return (one offer per cancellation, every channel)", async () => {
      const sid = await highRiskCaller("木村 洋子", "080-7777-1357");
      const before = (await lookup("phone=08077771357")).body;
      expect(before.risk.band).toBe("high");
      expect(before.nextBestAction).toMatchObject({ subscriptionId: sid, source: "offers", offerId: expect.any(String) });
      // On the my-page: a flow shows an offer, and the customer leaves it.
      const flow = (await h().request("POST", `/v1/subscriptions/${sid}/cancel-flows`, { key: t.key, body: { channel: "web" } })).body;
      const shown = await h().request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: t.key, body: { reason: "too_expensive" } });
      expect(shown.body.offer).toMatchObject({ offerId: expect.any(String) });
      expect((await h().request("POST", `/v1/cancel-flows/${flow.flowId}/abandon`, { key: t.key })).status).toBe(200);
      const after = await lookup("phone=08077771357");
      expect(LookupResponse.safeParse(after.body).success).toBe(true);
      expect(after.body.nextBestAction?.offerId ?? null).toBeNull();
      expect(after.body.nextBestAction?.source ?? "risk_drivers").toBe("risk_drivers");
      // 30 days and a minute later the rule is over: an offer may be suggested again.
      await h().sql("UPDATE cancel_flows SET started_at = ?, closed_at = ? WHERE id = ?", [new Date(Date.now() - 30 * 86_400_000 - 60_000).toISOString(), new Date(Date.now() - 30 * 86_400_000).toISOString(), flow.flowId]);
      expect((await lookup("phone=08077771357")).body.nextBestAction).toMatchObject({ source: "offers", offerId: expect.any(String) });
    });

    it("no match → 404 customer_not_found; a shared number → 409 ambiguous_customer with ids only", async () => {
      const none = await lookup("phone=07099998888");
      expect(none.status).toBe(404);
      expect(none.body.code).toBe("customer_not_found");

      const u = await h().tenant();
      const [a, b] = [uid("C"), uid("C")];
      await h().request("PUT", `/v1/customers/${a}`, { key: u.key, body: customerBody({ name: "山田 一郎", phone: "03-1234-5678" }) });
      await h().request("PUT", `/v1/customers/${b}`, { key: u.key, body: customerBody({ name: "山田 二郎", phone: "0312345678" }) });
      const res = await h().request("GET", "/v1/lookup?phone=0312345678", { key: u.key });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("ambiguous_customer");
      expect([...res.body.candidates].sort()).toEqual([a, b].sort());
      expect(res.text).not.toContain("山田");
    });

    it("no match, a shared number and unreadable input each carry a line for the caller, in the lookup's language", async () => {
      const none = await lookup("phone=07099998888", { "accept-language": "ja" });
      expect(none.status).toBe(404);
      expect(none.body).toMatchObject({ code: "customer_not_found", detail: "この電話番号またはメールアドレスの顧客は見つかりません。", speech: "お電話ありがとうございます。お客様情報を確認できませんでした。" });
      expect((await lookup("phone=07099998888", { "accept-language": "en" })).body.speech).toBe("Thank you for calling. We could not find your details.");
      // No Accept-Language: the detail is English (as every problem's), the speech the shop's language (as the answer's speech).
      const plain = await lookup("phone=07099998888");
      expect(plain.body.detail).toBe("No customer with this phone number or email.");
      expect(plain.body.speech).toBe("お電話ありがとうございます。お客様情報を確認できませんでした。");

      const u = await h().tenant();
      for (const id of [uid("C"), uid("C")]) await h().request("PUT", `/v1/customers/${id}`, { key: u.key, body: customerBody({ name: "山田 一郎", phone: "03-2222-4444" }) });
      const shared = await h().request("GET", "/v1/lookup?phone=0322224444", { key: u.key, headers: { "accept-language": "ja" } });
      expect(shared.status).toBe(409);
      // The detail is for the operator; the speech for the caller, with no one's name or number.
      expect(shared.body.detail).toContain("お客様に顧客番号をお尋ねください");
      expect(shared.body.speech).toBe("お電話ありがとうございます。このお電話番号では、どのお客様かを確認できませんでした。");
      expect(shared.body.speech).not.toMatch(/山田|C-|0322224444/);

      const bad = await lookup("phone=abc", { "accept-language": "ja" });
      expect(bad.status).toBe(422);
      expect(bad.body.speech).toBe("お電話ありがとうございます。お電話番号を確認できませんでした。");
      // Refused by the query's schema (a number longer than any), too.
      const long = await lookup(`phone=${"1".repeat(257)}`, { "accept-language": "en" });
      expect(long.status).toBe(422);
      expect(long.body.speech).toBe("Thank you for calling. We could not read your phone number.");
      // Asked by email, the line speaks of the email: refused by the schema (`%`) or not an address.
      const percent = await lookup("email=%25", { "accept-language": "ja" });
      expect(percent.status).toBe(422);
      expect(percent.body.speech).toBe("お電話ありがとうございます。メールアドレスを確認できませんでした。");
      const notAnAddress = await lookup("email=hanako", { "accept-language": "en" });
      expect(notAnAddress.status).toBe(422);
      expect(notAnAddress.body.speech).toBe("Thank you for calling. We could not read your email address.");
      for (const res of [none, shared, bad, long, percent, notAnAddress]) expect(res.body.speech, res.body.code).not.toMatch(/[`"'「」]|customer_|phone=|顧客番号/);
    });

    it("a caller ID with no number (withheld, unavailable, empty) is its own case: 422 saying so, and a line that fits it", async () => {
      for (const id of ["anonymous", "Anonymous", "非通知", "Unavailable", "PRIVATE", "公衆電話", "+", "", "sip:anonymous@anonymous.invalid"]) {
        const res = await lookup(`phone=${encodeURIComponent(id)}`, { "accept-language": "ja" });
        expect(res.status, id).toBe(422);
        expect(res.body.code, id).toBe("validation_failed");
        expect(res.body.detail, id).toBe("発信者番号が通知されていません（非通知または通知不可能）。照会できる番号がありません。");
        expect(res.body.errors, id).toEqual([{ path: "query.phone", message: "発信者番号が通知されていません。お客様に電話番号または顧客番号をお尋ねください" }]);
        expect(res.body.speech, id).toBe("お電話ありがとうございます。番号が通知されていないため、お客様情報を確認できませんでした。");
      }
      const en = await lookup("phone=anonymous", { "accept-language": "en" });
      expect(en.body.detail).toBe("The caller ID has no number (withheld or unavailable): there is nothing to look up.");
      expect(en.body.speech).toBe("Thank you for calling. Your number was not shown to us, so we could not find your details.");
    });

    it("a number given with an extension picks the customer with that extension among those sharing the number", async () => {
      const u = await h().tenant();
      const [p2, p2b, p2c] = [uid("P-2"), uid("P-2b"), uid("P-2c")];
      await h().request("PUT", `/v1/customers/${p2}`, { key: u.key, body: customerBody({ name: "代表 一", phone: "03-5555-6666 内線12" }) });
      await h().request("PUT", `/v1/customers/${p2b}`, { key: u.key, body: customerBody({ name: "代表 二", phone: "03-5555-6666", phoneExtension: "34" }) });
      for (const phone of ["03-5555-6666 内線34", "03-5555-6666 ext. 34", "0355556666 x34", "03-5555-6666#34"]) {
        const res = await h().request("GET", `/v1/lookup?phone=${encodeURIComponent(phone)}`, { key: u.key });
        expect(res.status, phone).toBe(200);
        expect(res.body.customer, phone).toMatchObject({ id: p2b, phoneExtension: "34" });
      }
      expect((await h().request("GET", `/v1/lookup?phone=${encodeURIComponent("03-5555-6666 内線12")}`, { key: u.key })).body.customer.id).toBe(p2);
      // No extension, or one nobody has: as before, several customers are ambiguous.
      for (const phone of ["03-5555-6666", "03-5555-6666 内線99"]) {
        const res = await h().request("GET", `/v1/lookup?phone=${encodeURIComponent(phone)}`, { key: u.key });
        expect(res.status, phone).toBe(409);
        expect([...res.body.candidates].sort(), phone).toEqual([p2, p2b].sort());
      }
      // Two with the same extension stay ambiguous, between those two.
      await h().request("PUT", `/v1/customers/${p2c}`, { key: u.key, body: customerBody({ name: "代表 三", phone: "03-5555-6666 内線34" }) });
      const two = await h().request("GET", `/v1/lookup?phone=${encodeURIComponent("03-5555-6666 内線34")}`, { key: u.key });
      expect(two.status).toBe(409);
      expect([...two.body.candidates].sort()).toEqual([p2b, p2c].sort());
    });

    it("an extension reaches its customer even when more customers share the number than a lookup lists", async () => {
      const u = await h().tenant();
      const ids = Array.from({ length: 12 }, () => uid("C"));
      for (const [n, id] of ids.entries()) {
        await h().request("PUT", `/v1/customers/${id}`, { key: u.key, body: customerBody({ name: null, phone: `03-5555-7777 内線${100 + n}` }) });
      }
      const last = await h().request("GET", `/v1/lookup?phone=${encodeURIComponent("03-5555-7777 内線111")}`, { key: u.key });
      expect(last.status).toBe(200);
      expect(last.body.customer.id).toBe(ids[11]);
    });

    it("a household sharing a number: after the 409, the customer number the caller keys in gets that customer's whole answer", async () => {
      const u = await h().tenant();
      const [mother, father, daughter] = [uid("C"), uid("C"), uid("C")];
      const next = addDays(today(), 3);
      for (const [id, name] of [[mother, "共有 花子"], [father, "共有 太郎"], [daughter, "共有 美咲"]] as const) {
        await h().request("PUT", `/v1/customers/${id}`, { key: u.key, body: customerBody({ name, phone: "03-5555-6666", email: null }) });
      }
      const sub = uid("S");
      await h().request("PUT", `/v1/subscriptions/${sub}`, { key: u.key, body: subscriptionBody(father, { deliveriesCompleted: 12, nextDeliveryOn: next }) });
      const shared = await h().request("GET", "/v1/lookup?phone=0355556666", { key: u.key, headers: { "accept-language": "ja" } });
      expect(shared.status).toBe(409);
      expect([...shared.body.candidates].sort()).toEqual([mother, father, daughter].sort());

      const res = await h().request("GET", `/v1/lookup?customerId=${encodeURIComponent(father)}`, { key: u.key, headers: { "accept-language": "ja" } });
      expect(res.status).toBe(200);
      expect(LookupResponse.safeParse(res.body).success).toBe(true);
      expect(res.body.customer).toMatchObject({ id: father, name: "共有 太郎", phone: "+81355556666" });
      expect(res.body.subscriptions).toEqual([expect.objectContaining({ id: sub, nextDeliveryOn: next })]);
      expect(res.body.route).toBe("self_service");
      expect(res.body.speech).toMatch(/^共有 太郎様、次回の.+のお届けは/);
      // The same answer as a lookup by anything else that finds them (here the first suite's customer, by number).
      const byId = await lookup(`customerId=${encodeURIComponent(customerId)}&channel=operator`, { "accept-language": "en" });
      const byPhone = await lookup("phone=09012345678&channel=operator", { "accept-language": "en" });
      expect(byId.body).toEqual(byPhone.body);
      // Another shop's customer id is not found, as an unknown one: 404 with a line for the caller.
      for (const other of [father, "C-NOBODY"]) {
        const none = await lookup(`customerId=${encodeURIComponent(other)}`, { "accept-language": "ja" });
        expect(none.status, other).toBe(404);
        expect(none.body, other).toMatchObject({ code: "customer_not_found", detail: `顧客 ${other} は見つかりません。`, speech: "お電話ありがとうございます。お客様情報を確認できませんでした。" });
      }
      // A customer number no id can be: 422, and the line speaks of the customer number.
      const bad = await lookup(`customerId=${encodeURIComponent("12 34")}`, { "accept-language": "ja" });
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: "query.customerId" })]);
      expect(bad.body.speech).toBe("お電話ありがとうございます。お客様番号を確認できませんでした。");
    });

    it("none or several of phone, email and customerId: 422 whose line blames nothing the caller gave", async () => {
      for (const q of ["", "channel=ivr", "phone=09012345678&email=a%40b.jp", `phone=09012345678&customerId=${customerId}`, `email=a%40b.jp&customerId=${customerId}`, `phone=${"1".repeat(257)}&customerId=${customerId}`]) {
        const ja = await lookup(q, { "accept-language": "ja" });
        expect(ja.status, q).toBe(422);
        expect(ja.body.speech, q).toBe("お電話ありがとうございます。お客様情報をお調べできませんでした。");
        expect((await lookup(q, { "accept-language": "en" })).body.speech, q).toBe("Thank you for calling. We could not look up your details.");
      }
      expect((await lookup("")).body.detail).toBe("Give exactly one of `phone`, `email` and `customerId`.");
    });

    it("exactly one of phone and email, and a readable number → otherwise 422", async () => {
      for (const q of ["", "phone=09012345678&email=a%40b.jp", "phone=abc"]) {
        const res = await lookup(q);
        expect(res.status, q).toBe(422);
        expect(res.body.code, q).toBe("validation_failed");
      }
      // The problem shows the value as sent.
      const bad = await lookup(`phone=${encodeURIComponent("090-12")}`);
      expect(bad.body.errors).toEqual([{ path: "query.phone", message: '"090-12" is not a phone number; use a Japanese or international number such as 090-1234-5678' }]);
      expect(bad.body.detail).toBe('"090-12" is not a phone number we can read.');
      const mail = await lookup("email=not-an-address");
      expect(mail.body.errors).toEqual([{ path: "query.email", message: '"not-an-address" is not an email; use an email address such as name@example.jp' }]);
    });

    it("a paused plan is said as paused, with the day it restarts, in both languages", async () => {
      const cid = uid("C");
      const sid = uid("S");
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ name: "小野 美穂", phone: "080-4444-5555", email: null }) });
      await h().request("PUT", `/v1/subscriptions/${sid}`, { key: t.key, body: subscriptionBody(cid, { deliveriesCompleted: 12, nextDeliveryOn: addDays(today(), 12) }) });
      const resumeOn = addDays(today(), 40);
      expect((await h().request("POST", `/v1/subscriptions/${sid}/pause`, { key: t.key, body: { resumeOn } })).status).toBe(200);
      const ja = await lookup("phone=08044445555", { "accept-language": "ja" });
      const [, m, d] = resumeOn.split("-").map(Number);
      expect(ja.body.speech).toMatch(new RegExp(`^小野 美穂様、(国産大麦若葉の青汁 30包の)?お届けはお休み中で、${m}月${d}日から再開の予定です。`));
      const en = await lookup("phone=08044445555", { "accept-language": "en" });
      expect(en.body.speech).toMatch(/^Hello\. Your deliveries are paused and restart on [A-Z][a-z]+ \d+\./);
    });

    it("a caller whose plans are all cancelled: no cancel risk, and restarting mentioned only when a comeback offer awaits them", async () => {
      const gone = async (phone: string, keepInTouch: boolean) => {
        const cid = uid("C");
        const sid = uid("S");
        await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ name: "元 顧客", phone, email: null, marketingConsent: false }) });
        await h().request("PUT", `/v1/subscriptions/${sid}`, { key: t.key, body: subscriptionBody(cid, { deliveriesCompleted: 1, nextDeliveryOn: addDays(today(), 12) }) });
        const started = await h().request("POST", `/v1/subscriptions/${sid}/cancel-flows`, { key: t.key, body: { channel: "web" } });
        await h().request("POST", `/v1/cancel-flows/${started.body.flowId}/reason`, { key: t.key, body: { reason: "too_expensive" } });
        expect((await h().request("POST", `/v1/cancel-flows/${started.body.flowId}/confirm`, { key: t.key, body: { keepInTouch } })).status).toBe(200);
        return sid;
      };
      const sid = await gone("080-6666-7777", true);
      const ja = await lookup("phone=08066667777", { "accept-language": "ja" });
      expect(LookupResponse.safeParse(ja.body).success).toBe(true);
      expect(ja.body.subscriptions).toEqual([expect.objectContaining({ id: sid, status: "canceled", risk: null })]);
      expect(ja.body.risk).toBeNull();
      expect(ja.body.nextBestAction).toBeNull();
      expect(ja.body.route).toBe("standard_queue");
      expect(ja.body.speech).toBe("元 顧客様、国産大麦若葉の青汁 30包の定期コースはご解約済みです。再開のご案内もできます。");
      const en = await lookup("phone=08066667777", { "accept-language": "en" });
      expect(en.body.speech).toBe("Hello. Your subscription has been canceled. We can also help you restart it if you like.");

      // Not to be written to (no keep-in-touch, no consent): not a win-back candidate, nothing offered.
      await gone("080-8888-9999", false);
      const quiet = await lookup("phone=08088889999", { "accept-language": "ja" });
      expect(quiet.body.risk).toBeNull();
      expect(quiet.body.speech).toBe("元 顧客様、国産大麦若葉の青汁 30包の定期コースはご解約済みです。");
    });

    it("says the year of a delivery a year away, and a next delivery already past as being confirmed, with nothing to change on it", async () => {
      const far = addDays(today(), 372);
      const cid = uid("C");
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ name: "遠藤 一", phone: "080-1212-3434", email: null }) });
      await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(cid, { deliveriesCompleted: 12, nextDeliveryOn: far }) });
      const [y, m, d] = far.split("-").map(Number);
      expect((await lookup("phone=08012123434", { "accept-language": "ja" })).body.speech).toMatch(new RegExp(`のお届けは${y}年${m}月${d}日の予定です。$`));
      expect((await lookup("phone=08012123434", { "accept-language": "en" })).body.speech).toMatch(new RegExp(` on [A-Z][a-z]+ ${d}, ${y}\\.$`));

      const late = uid("C");
      await h().request("PUT", `/v1/customers/${late}`, { key: t.key, body: customerBody({ name: "遅延 二郎", phone: "080-5656-7878", email: null }) });
      await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(late, { deliveriesCompleted: 12, nextDeliveryOn: addDays(today(), -1) }) });
      const ja = await lookup("phone=08056567878", { "accept-language": "ja" });
      expect(ja.status).toBe(200);
      expect(ja.body.speech).toBe("遅延 二郎様、次回の国産大麦若葉の青汁 30包のお届け日は、ただいま確認中です。");
      expect(ja.body.nextBestAction).toBeNull();
      // The self-service menu would offer to skip or move a date that is gone.
      expect(ja.body.route).toBe("standard_queue");
      expect((await lookup("phone=08056567878", { "accept-language": "en" })).body.speech).toBe("Hello. Your next delivery date is being confirmed.");
    });

    it("a plan cancelled inside the cut-off: its last delivery is in the answer and said while it is still to come", async () => {
      const cid = uid("C");
      const sid = uid("S");
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody({ name: "最終 便子", phone: "080-9090-1212", email: null, marketingConsent: false }) });
      await h().request("PUT", `/v1/subscriptions/${sid}`, { key: t.key, body: subscriptionBody(cid, { deliveriesCompleted: 12, nextDeliveryOn: addDays(today(), 1) }) });
      const started = await h().request("POST", `/v1/subscriptions/${sid}/cancel-flows`, { key: t.key, body: { channel: "web" } });
      const confirmed = await h().request("POST", `/v1/cancel-flows/${started.body.flowId}/confirm`, { key: t.key, body: { keepInTouch: false } });
      expect(confirmed.body).toMatchObject({ outcome: "canceled", cutoff: { nextDeliveryStopped: false } });
      const ja = await lookup("phone=08090901212", { "accept-language": "ja" });
      expect(LookupResponse.safeParse(ja.body).success).toBe(true);
      expect(ja.body.subscriptions).toEqual([expect.objectContaining({ id: sid, status: "canceled", nextDeliveryOn: null, finalDeliveryOn: addDays(today(), 1) })]);
      expect(ja.body.speech).toBe("最終 便子様、国産大麦若葉の青汁 30包の定期コースはご解約済みです。最後のお届けは明日の予定です。");
      expect((await lookup("phone=08090901212", { "accept-language": "en" })).body.speech).toBe("Hello. Your subscription has been canceled. Your last delivery is tomorrow.");
      // A live plan has none.
      expect((await lookup("phone=09012345678")).body.subscriptions[0]).toMatchObject({ finalDeliveryOn: null });
    });

    it("needs a key; a read key is enough", async () => {
      expect((await h().request("GET", "/v1/lookup?phone=09012345678", { key: null })).status).toBe(401);
      expect((await h().request("GET", "/v1/lookup?phone=09012345678", { key: await t.keyWith(["read"]) })).status).toBe(200);
    });

    it("a key refused or without read still answers a line for the caller: an IVR set up wrongly leaves no one in silence (trial52)", async () => {
      const wrong = await h().request("GET", "/v1/lookup?phone=09012345678", { key: "tsz_live_not_a_key_of_any_shop_000000000000" });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: "invalid_api_key", speech: "お電話ありがとうございます。お客様情報をお調べできませんでした。" });
      const none = await h().request("GET", "/v1/lookup?phone=09012345678", { key: null, headers: { "Accept-Language": "en" } });
      expect(none.body).toMatchObject({ code: "missing_api_key", speech: "Thank you for calling. We could not look up your details." });
      const writeOnly = await h().request("GET", "/v1/lookup?phone=09012345678", { key: await t.keyWith(["write"]) });
      expect(writeOnly.status).toBe(403);
      expect(writeOnly.body).toMatchObject({ code: "insufficient_scope", speech: "お電話ありがとうございます。お客様情報をお調べできませんでした。" });
      // Only the lookup's problems speak: another route's 401 is as it was.
      expect((await h().request("GET", "/v1/customers/C-1", { key: null })).body.speech).toBeUndefined();
    });
  });
}
