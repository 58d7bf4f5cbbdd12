import { beforeAll, describe, expect, it } from "vitest";
import openapi from "../../openapi.json";
import { EXIT_SURVEY } from "../fixtures/exit-survey";
import { Canceled, FlowStarted } from "../../src/cancel-flows/schemas";
import { RetentionMetrics, WinbackMetrics } from "../../src/metrics/routes";
import { addDays, localDate } from "../../src/platform/dates";
import { CandidatePage, ExitSurvey } from "../../src/winback/schemas";
import { ReasonInsights } from "../../src/insights/routes";
import { cancellationTookEffectYesterday, cancelledForPrice, customerBody, RECEIVER_SECRET, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

/**
 * Win-back (再加入) as a shop and its customers live it: a cancellation with a survey and a
 * keep-in-touch answer, candidates ranked with drivers and a linted comeback offer, `winback.due`
 * at the date the customer named, a reactivation attributed to that contact, and the KPIs.
 */
export function winbackSuite(h: () => Harness) {
  const tookEffectYesterday = (tenantId: string, subscriptionId: string) => cancellationTookEffectYesterday(h(), tenantId, subscriptionId);
  describe("win-back: leaving well, coming back", () => {
    let t: TestTenant;
    const today = () => localDate(new Date(), "Asia/Tokyo");
    const conforms = (schema: { safeParse(x: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
      const parsed = schema.safeParse(body);
      expect(parsed.success, JSON.stringify(parsed.error)).toBe(true);
    };
    const customer = async (over: Record<string, unknown> = {}) => {
      const id = uid("C");
      const res = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody(over) });
      expect(res.status).toBe(201);
      return id;
    };
    const subscription = async (customerId: string, over: Record<string, unknown> = {}) => {
      const id = uid("S");
      const res = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 12), ...over }) });
      expect(res.status).toBe(201);
      return id;
    };
    /** Start, optionally give a reason, confirm with `confirm` as the body. */
    const cancel = async (subscriptionId: string, reason: string | null, confirm: Record<string, unknown>) => {
      const started = await h().request("POST", `/v1/subscriptions/${subscriptionId}/cancel-flows`, { key: t.key, body: { channel: "web" } });
      expect(started.status).toBe(201);
      if (reason) expect((await h().request("POST", `/v1/cancel-flows/${started.body.flowId}/reason`, { key: t.key, body: { reason } })).status).toBe(200);
      const done = await h().request("POST", `/v1/cancel-flows/${started.body.flowId}/confirm`, { key: t.key, body: confirm });
      expect(done.status).toBe(200);
      return { started: started.body, done: done.body };
    };
    const candidates = async (query = "limit=100", lang = "ja") => {
      const res = await h().request("GET", `/v1/winback/candidates?${query}`, { key: t.key, headers: { "accept-language": lang } });
      expect(res.status).toBe(200);
      conforms(CandidatePage, res.body);
      // The copy as written, in UTF-8: no \uXXXX escapes (≈ 1.7× the bytes of Japanese text), nothing but the JSON.
      expect(res.text).toBe(JSON.stringify(res.body));
      return res.body as { data: { customerId: string; subscriptionId: string; expectedValue: { amount: number }; offer: any; drivers: any[]; probability: number }[]; nextCursor: string | null };
    };

    beforeAll(async () => {
      t = await h().tenant();
    });

    it("the shop's survey passes the same phrase lint as offer copy", async () => {
      const shaming = await h().request("PUT", "/v1/exit-survey", {
        key: t.key,
        body: { questions: [], keepInTouchWording: { ja: "お知らせを受け取らないなんて、健康を諦めるのですか？", en: "No thanks, I don't care about my health" } },
      });
      expect(shaming.status).toBe(422);
      expect(shaming.body.code).toBe("survey_copy_rejected");
      expect(shaming.body.errors.map((e: { path: string }) => e.path)).toContain("keepInTouchWording.en");
      expect((await h().request("GET", "/v1/exit-survey", { key: t.key })).body.custom).toBe(false);

      const survey = EXIT_SURVEY;
      const put = await h().request("PUT", "/v1/exit-survey", { key: t.key, body: survey });
      expect(put.status).toBe(200);
      conforms(ExitSurvey, put.body);
      expect((await h().request("GET", "/v1/exit-survey", { key: t.key })).body).toMatchObject({ ...survey, custom: true });
    });

    it("takes back what GET answers: a partner's GET-modify-PUT of the survey works, default or custom", async () => {
      const own = await h().tenant();
      const first = await h().request("GET", "/v1/exit-survey", { key: own.key });
      expect(first.body.custom).toBe(false);
      const same = await h().request("PUT", "/v1/exit-survey", { key: own.key, body: first.body });
      expect(same.status).toBe(200);
      // `custom` is read-only: what was sent is ignored, a PUT makes the survey the shop's own.
      expect(same.body).toEqual({ ...first.body, custom: true });

      const edited = structuredClone(same.body);
      edited.questions = edited.questions.filter((q: { id: string }) => q.id !== "liked");
      edited.questions[0].prompt.en = "What got you started?";
      const put = await h().request("PUT", "/v1/exit-survey", { key: own.key, body: edited });
      expect(put.status).toBe(200);
      const after = await h().request("GET", "/v1/exit-survey", { key: own.key });
      expect(after.body).toEqual(edited);
      expect((await h().request("PUT", "/v1/exit-survey", { key: own.key, body: after.body })).body).toEqual(edited);

      // Still refused: a field GET never answers, or a read-only one of the wrong type.
      const unknown = await h().request("PUT", "/v1/exit-survey", { key: own.key, body: { ...after.body, version: 3 } });
      expect(unknown.body).toMatchObject({ code: "validation_failed", errors: [{ path: "version" }] });
      const wrongType = await h().request("PUT", "/v1/exit-survey", { key: own.key, body: { ...after.body, custom: "yes" } });
      expect(wrongType.body).toMatchObject({ code: "validation_failed", errors: [{ path: "custom" }] });
    });

    it("a cancellation records the survey and keep-in-touch as evidence, never blocking", async () => {
      const c = await customer({ acquisitionSource: "referral", marketingConsent: false });
      const s = await subscription(c);
      const returnOn = addDays(today(), 200);
      const started = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: { channel: "web" }, headers: { "accept-language": "en" } });
      conforms(FlowStarted, started.body);
      expect(started.body.exitSurvey).toMatchObject({ optional: true, keepInTouch: { wording: "May we write to you about restarting? (optional)", default: null } });
      expect(started.body.exitSurvey.questions.map((q: { id: string }) => q.id)).toEqual(["why_stopped", "bring_back"]);
      const done = await h().request("POST", `/v1/cancel-flows/${started.body.flowId}/confirm`, {
        key: t.key,
        headers: { "accept-language": "en" },
        body: {
          survey: [
            { questionId: "why_stopped", answer: "夏の間だけ使いたかった" },
            { questionId: "bring_back", answer: "season" },
            { questionId: "no_such_question", answer: "x" },
          ],
          keepInTouch: true,
          returnOn,
        },
      });
      expect(done.status).toBe(200);
      conforms(Canceled, done.body);
      expect(done.body).toMatchObject({ outcome: "canceled", exitSurvey: { recorded: 2, keepInTouch: true, returnOn, ignored: [{ path: "survey.2" }] } });
      const evidence = await h().request("GET", `/v1/cancel-flows/${started.body.flowId}`, { key: t.key });
      const confirmed = evidence.body.steps.find((x: { type: string }) => x.type === "cancel_confirmed");
      expect(confirmed.data).toMatchObject({ keepInTouch: { answer: true, wording: "May we write to you about restarting? (optional)", displayedIn: "en" }, returnOn });
      expect(confirmed.data.survey).toHaveLength(2);
      const got = await h().request("GET", `/v1/customers/${c}`, { key: t.key });
      expect(got.body).toMatchObject({ acquisitionSource: "referral", keepInTouch: true, marketingConsent: false });

      // A survey answered badly still cancels: nothing is required.
      const s2 = await subscription(c);
      const { done: done2 } = await cancel(s2, null, { survey: [{ questionId: "bring_back", answer: "a pony" }], returnOn: "2001-01-01" });
      expect(done2.exitSurvey.recorded).toBe(0);
      expect(done2.exitSurvey.ignored.map((x: { path: string }) => x.path)).toEqual(["survey.0", "returnOn"]);

      // Answers of the wrong shape (a date written with slashes, "yes" for keep-in-touch, an answer
      // that is not text) are named and left out too: the cancellation goes through, nothing recorded from them.
      const s3 = await subscription(c);
      const { done: done3 } = await cancel(s3, null, { survey: [{ questionId: "why_stopped", answer: "引っ越し" }, { questionId: "bring_back", answer: 3 }, { questionId: "pony", answer: "yes" }], keepInTouch: "yes", returnOn: "2027/05/01" });
      expect(done3).toMatchObject({ outcome: "canceled", subscription: { status: "canceled" }, exitSurvey: { recorded: 1, keepInTouch: null, returnOn: null } });
      expect(done3.exitSurvey.ignored.map((x: { path: string }) => x.path)).toEqual(["keepInTouch", "returnOn", "survey.1", "survey.2"]);
      // Every answer is named by its place in the list, as validation errors name fields.
      expect(done3.exitSurvey.ignored[3].message).toBe("「pony」はこのアンケートにない質問です");
      const s4 = await subscription(c);
      const { done: done4 } = await cancel(s4, null, { survey: "moving" });
      expect(done4).toMatchObject({ outcome: "canceled", exitSurvey: { recorded: 0, ignored: [{ path: "survey" }] } });
      // Still a customer who answered yes before: a bad answer changed nothing.
      expect((await h().request("GET", `/v1/customers/${c}`, { key: t.key })).body).toMatchObject({ keepInTouch: true });
    });

    it("candidates: only who may be contacted, by expected value, with drivers and a linted comeback offer", async () => {
      // Said yes at cancellation; price reason; a large plan.
      const yes = await customer({ marketingConsent: false });
      const yesSub = await subscription(yes, { unitPrice: { amount: 9800, currency: "JPY" }, quantity: 2 });
      await cancel(yesSub, "too_expensive", { keepInTouch: true });
      // Marketing consent and no answer: contactable.
      const consent = await customer({ marketingConsent: true, acquisitionSource: "referral" });
      const consentSub = await subscription(consent);
      await cancel(consentSub, "surplus_stock", {});
      // Marketing consent, but "no" at cancellation: never listed.
      const no = await customer({ marketingConsent: true });
      const noSub = await subscription(no);
      await cancel(noSub, "too_expensive", { keepInTouch: false });
      // Neither: not listed.
      const silent = await customer({ marketingConsent: false });
      await cancel(await subscription(silent), "other", {});

      const page = await candidates();
      const ids = page.data.map((d) => d.subscriptionId);
      expect(ids).toContain(yesSub);
      expect(ids).toContain(consentSub);
      expect(ids).not.toContain(noSub);
      expect(page.data.map((d) => d.customerId)).not.toContain(silent);
      const values = page.data.map((d) => d.expectedValue.amount);
      expect([...values].sort((a, b) => b - a)).toEqual(values);

      const price = page.data.find((d) => d.subscriptionId === yesSub)!;
      expect(price.probability).toBeGreaterThan(0);
      expect(price.drivers.length).toBeGreaterThan(0);
      expect(price.drivers[0].label).toEqual(expect.any(String));
      // Price: a smaller quantity or a discount, from the shop's own catalogue, with its message.
      expect(price.offer).toMatchObject({ kind: "offer", offerId: expect.stringMatching(/^off_/) });
      expect(["change_quantity", "discount"]).toContain(price.offer.type);
      // A letter to someone with no plan: the remedy's terms, no 「title：description」, its offer saying nothing about cancelling or what they pay now…
      expect(price.offer.message).toContain(price.offer.description);
      expect(price.offer.description).not.toMatch(/：|解約|お支払い/);
      expect(price.offer.message).not.toMatch(/：|お支払い/);
      // …then the terms of the 定期 it restarts (特定商取引法): cadence, price per delivery, until cancelled, and how to cancel it again.
      expect(price.offer.message).toMatch(/再開後は定期コースとして.+ごとにお届けし、(割引の回を除き、)?1回あたり[\d,]+円.*です。お届けは解約のお申し出まで続きます。.*お届け予定日の3日前までに解約をお申し出いただくと、そのお届けから停止します。/);
      // The same row read in English right after: its copy and driver labels in English, not the Japanese the list just answered.
      const en = (await candidates("limit=100", "en")).data.find((d) => d.subscriptionId === yesSub)!;
      expect(en.offer).toMatchObject({ offerId: price.offer.offerId, type: price.offer.type, restartOn: price.offer.restartOn });
      expect(en.offer.message).toMatch(/^A note about restarting your /);
      expect(en.offer.title).not.toEqual(price.offer.title);
      expect(en.drivers[0].label).not.toEqual(price.drivers[0].label);

      // Paging: one at a time walks the same order, no repeats.
      const first = await candidates("limit=1");
      expect(first.data).toHaveLength(1);
      expect(first.nextCursor).not.toBeNull();
      const second = await candidates(`limit=1&cursor=${first.nextCursor}`);
      expect(second.data[0]!.subscriptionId).toBe(page.data[1]!.subscriptionId);
      // A cursor it did not issue, or another list's, gets the one parser's problem, as every list answers it.
      const refused = async (path: string) => {
        const res = await h().request("GET", path, { key: t.key, headers: { "accept-language": "ja" } });
        expect(res.status).toBe(422);
        expect(res.headers.get("content-type")).toContain("application/problem+json");
        const { instance, ...problem } = res.body;
        expect(instance).toBe(path.split("?")[0]);
        return problem;
      };
      const keys = await refused("/v1/keys?cursor=not-a-cursor");
      expect(keys).toMatchObject({ code: "validation_failed", errors: [{ path: "query.cursor" }] });
      const raw = (parts: unknown[]) => btoa(JSON.stringify(parts)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      for (const cursor of ["not-a-cursor", raw(["S-1", "C-1"]), raw([100]), raw(["a", "b", "c"]), raw(["wb", 1e308, "a"]), raw(["wb", 100, "a b"])]) {
        expect(await refused(`/v1/winback/candidates?cursor=${cursor}`), cursor).toEqual(keys);
      }

      // Withdrawing through the customer sync takes them off the list at once.
      const withdrawn = await h().request("PUT", `/v1/customers/${consent}`, { key: t.key, body: customerBody({ marketingConsent: true, keepInTouch: false }) });
      expect(withdrawn.body).toMatchObject({ keepInTouch: false });
      expect((await candidates()).data.map((d) => d.subscriptionId)).not.toContain(consentSub);
    });

    /** A shop of its own with one customer who cancelled for `reason` and said yes to keep-in-touch; `list` reads their candidate row. */
    const keptInTouch = async (reason: string | null, lang?: string) => {
      const own = await h().tenant();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: false }) });
      const s = uid("S");
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), unitPrice: { amount: 9800, currency: "JPY" }, quantity: 2 }) });
      const f = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} });
      if (reason !== null) await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/reason`, { key: own.key, body: { reason: reason } });
      expect((await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/confirm`, { key: own.key, body: { keepInTouch: true } })).status).toBe(200);
      const list = async () =>
        (await h().request("GET", "/v1/winback/candidates", { key: own.key, headers: lang ? { "accept-language": lang } : {} })).body.data.find((d: { subscriptionId: string }) => d.subscriptionId === s);
      return { own, list, c, s, flowId: f.body.flowId as string };
    };

    it("a comeback offer the list suggests is taken on reactivation: its discount on the restarted plan, attributed to the offer; one never suggested is refused", async () => {
      const { own, list, c, s, flowId } = await keptInTouch("too_expensive");
      const row = await list();
      const offer = row.offer;
      expect(offer).toMatchObject({ kind: "offer", type: "discount", offerId: expect.stringMatching(/^off_/), parameters: { cycles: 2 } });
      // One customer's candidates, as a winback.due receiver reads them: the same row, nobody else's.
      const mine = await h().request("GET", `/v1/winback/candidates?customerId=${c}`, { key: own.key });
      expect(mine.status).toBe(200);
      conforms(CandidatePage, mine.body);
      expect(mine.body).toEqual({ data: [row], nextCursor: null });
      expect((await h().request("GET", "/v1/winback/candidates?customerId=C-nobody", { key: own.key })).body).toEqual({ data: [], nextCursor: null });

      // An offer never suggested for this plan: refused, and the plan stays canceled.
      const other = await h().request("POST", `/v1/subscriptions/${s}/reactivate`, { key: own.key, body: { flowId, offerId: "off_skip_next", channel: "web" } });
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({ code: "offer_not_shown", shownOfferIds: [offer.offerId] });
      expect((await h().request("GET", `/v1/subscriptions/${s}`, { key: own.key })).body.status).toBe("canceled");

      // The one shown, sent as the trial sent it (the cancellation's flow and the offer).
      const back = await h().request("POST", `/v1/subscriptions/${s}/reactivate`, { key: own.key, body: { flowId, offerId: offer.offerId, channel: "web" } });
      expect(back.status).toBe(200);
      const first = back.body.subscription.nextDeliveryOn as string;
      expect(first).toBe(offer.restartOn);
      // Two deliveries at 20 % off: the first back and the one after.
      expect(back.body.subscription.activeDiscount).toEqual({ percentOff: 20, amountOff: null, startsOn: first, endsOn: addDays(first, back.body.subscription.intervalDays), offerId: offer.offerId });
      expect(back.body.change).toMatchObject({ type: "reactivate", source: { comeback: { winbackId: expect.any(String), offerId: offer.offerId } } });
      const history = (await h().request("GET", `/v1/subscriptions/${s}/changes`, { key: own.key })).body.data;
      expect(history.find((x: { type: string }) => x.type === "discount")).toMatchObject({ source: { offerId: offer.offerId, comeback: true, cancelFlowId: flowId } });
      const evidence = await h().request("GET", `/v1/cancel-flows/${flowId}`, { key: own.key });
      expect(evidence.body.steps.at(-1)).toMatchObject({ type: "win_back_accepted", data: { offerId: offer.offerId, comeback: "suggested" } });
      // Back: off the list, counted as a reactivation.
      expect(await list()).toBeUndefined();
      expect((await h().request("GET", "/v1/metrics/winback", { key: own.key })).body).toMatchObject({ reactivated: 1 });
    });

    it("a comeback offer meets the offer's own reasons: the 20 % discount (too_expensive only) is neither suggested to nor taken by a customer who gave no reason, nor one who left for surplus stock — even one sent before (409 offer_not_shown, nothing changed)", async () => {
      const discount = "off_discount_20x2";
      const catalogue = (await h().request("GET", `/v1/offers/${discount}`, { key: t.key })).body;
      expect(catalogue.eligibility.reasons).toEqual(["too_expensive"]);
      for (const reason of [null, "surplus_stock"]) {
        const { own, list, s } = await keptInTouch(reason);
        expect((await list()).offer?.offerId ?? null).not.toBe(discount);
        const take = () => h().request("POST", `/v1/subscriptions/${s}/reactivate`, { key: own.key, body: { offerId: discount, channel: "web" } });
        const refused = await take();
        expect(refused.status, refused.text).toBe(409);
        expect(refused.body).toMatchObject({ code: "offer_not_shown" });
        // As if winback.due had carried it today, before the rule held: still refused.
        await h().sql("UPDATE winbacks SET comeback = json_set(coalesce(comeback, '{}'), '$.sent', json(?)) WHERE tenant_id = ? AND subscription_id = ?", [JSON.stringify({ kind: "offer", offerId: discount, type: "discount", sentOn: today() }), own.id, s]);
        const sent = await take();
        expect(sent.status, sent.text).toBe(409);
        expect(sent.body).toMatchObject({ code: "offer_not_shown" });
        expect(sent.body.detail).toMatch(reason === null ? /no reason was given/ : /surplus_stock/);
        const plan = (await h().request("GET", `/v1/subscriptions/${s}`, { key: own.key })).body;
        expect(plan).toMatchObject({ status: "canceled", activeDiscount: null });
      }
    });

    it("a comeback offer of a longer interval is taken with its id alone", async () => {
      const { own, list, s } = await keptInTouch("surplus_stock");
      const offer = (await list()).offer;
      expect(offer).toMatchObject({ kind: "offer", type: "change_interval" });
      const back = await h().request("POST", `/v1/subscriptions/${s}/reactivate`, { key: own.key, body: { offerId: offer.offerId } });
      expect(back.status).toBe(200);
      expect(back.body.subscription).toMatchObject({ status: "active", intervalDays: offer.parameters.intervalDays, nextDeliveryOn: offer.restartOn });
    });

    it("the comeback offer sent to the customer is theirs to take from their my-page (plan-options reactivate.comeback, a customer session): restarted with it, attributed to it and counted; once taken it is gone", async () => {
      const own = await h().tenant();
      const c = await (async () => {
        const id = uid("C");
        await h().request("PUT", `/v1/customers/${id}`, { key: own.key, body: customerBody({ marketingConsent: false }) });
        return id;
      })();
      const s = uid("S");
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), unitPrice: { amount: 9800, currency: "JPY" }, quantity: 2 }) });
      const cancelIt = async (confirm: Record<string, unknown>) => {
        const f = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} });
        await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/reason`, { key: own.key, body: { reason: "too_expensive" } });
        expect((await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/confirm`, { key: own.key, body: confirm })).status).toBe(200);
        return f.body.flowId as string;
      };
      // Sent: to the shop's endpoint that takes winback.due (without one, the record waits for it).
      expect((await h().request("PUT", "/v1/webhooks/wb", { key: own.key, body: { url: "http://127.0.0.1:9/hook", events: ["winback.due"] } })).status).toBe(201);
      const flowId = await cancelIt({ keepInTouch: true, returnOn: today() });
      const token = (await h().request("POST", "/v1/customer-sessions", { key: own.key, body: { customerId: c } })).body.token as string;
      const shown = async () => (await h().request("GET", `/v1/subscriptions/${s}/plan-options`, { key: token, headers: { "accept-language": "ja" } })).body.reactivate.comeback;
      // Suggested but not sent yet: nothing the customer was told of, nothing shown.
      expect(await shown()).toBeNull();
      await h().maintain(() => new Date());
      const comeback = await shown();
      expect(comeback).toMatchObject({ kind: "offer", type: "discount", offerId: expect.stringMatching(/^off_/), title: "再開後2回のお届けが20%オフ", sentOn: today(), validUntil: addDays(today(), 30) });

      // Taken from the my-page: the date its terms were computed for, the offer, channel web.
      const back = await h().request("POST", `/v1/subscriptions/${s}/reactivate`, { key: token, body: { nextDeliveryOn: comeback.restartOn, offerId: comeback.offerId, channel: "web" } });
      expect(back.status, back.text).toBe(200);
      expect(back.body.change).toMatchObject({ type: "reactivate", channel: "web", actor: { type: "customer" }, source: { comeback: { offerId: comeback.offerId } } });
      expect(back.body.subscription).toMatchObject({ nextDeliveryOn: comeback.restartOn, activeDiscount: { percentOff: 20, startsOn: comeback.restartOn, offerId: comeback.offerId } });
      const evidence = await h().request("GET", `/v1/cancel-flows/${flowId}`, { key: own.key });
      expect(evidence.body.steps.at(-1)).toMatchObject({ type: "win_back_accepted", channel: "web", data: { offerId: comeback.offerId } });
      const metrics = await h().request("GET", "/v1/metrics/winback", { key: own.key });
      conforms(WinbackMetrics, metrics.body);
      expect(metrics.body).toMatchObject({ canceled: 1, reactivated: 1, reactivationRate: 1 });
      // A year of the plan as it restarted, less its two discounted deliveries (20 % of ￥19,600 each).
      expect(metrics.body.revenueRecovered).toEqual([{ amount: Math.round((19_600 * 365) / back.body.subscription.intervalDays) - 2 * 3_920, currency: "JPY" }]);

      // Taken: not offered again, running or cancelled anew (a new cancellation is a new record, nothing sent for it yet).
      expect(await shown()).toBeNull();
      await cancelIt({});
      expect(await shown()).toBeNull();
    });

    it("a comeback offer taken restarts on the date the customer named, not the earliest: a day plan, and a monthly plan on its day; a later date given is honoured; beyond the shop's rules 422, nothing changed", async () => {
      const own = await h().tenant();
      /** A plan cancelled for its price by a customer who named `returnOn`; its listed comeback offer. */
      const named = async (returnOn: string, plan: Record<string, unknown> = {}) => {
        const c = uid("C");
        await h().request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: false }) });
        const s = uid("S");
        const put = await h().request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), unitPrice: { amount: 9800, currency: "JPY" }, quantity: 2, ...plan }) });
        expect(put.status, put.text).toBe(201);
        const f = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} });
        await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/reason`, { key: own.key, body: { reason: "too_expensive" } });
        expect((await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/confirm`, { key: own.key, body: { keepInTouch: true, returnOn } })).status).toBe(200);
        const offer = (await h().request("GET", `/v1/winback/candidates?customerId=${c}`, { key: own.key })).body.data[0].offer;
        expect(offer).toMatchObject({ kind: "offer", offerId: expect.stringMatching(/^off_/) });
        return { s, offer };
      };
      const reactivate = (s: string, body: Record<string, unknown>) => h().request("POST", `/v1/subscriptions/${s}/reactivate`, { key: own.key, body: { channel: "operator", ...body } });

      // A day plan: the customer's date, 30 days on (the earliest is 3), with the offer's discount from it.
      const day = await named(addDays(today(), 30));
      expect(day.offer.restartOn).toBe(addDays(today(), 30));
      const back = await reactivate(day.s, { offerId: day.offer.offerId });
      expect(back.status, back.text).toBe(200);
      expect(back.body.subscription).toMatchObject({ status: "active", nextDeliveryOn: addDays(today(), 30), activeDiscount: { startsOn: addDays(today(), 30) } });

      // A monthly plan: the first delivery on its day from the customer's date, its day kept.
      const monthly = await named(addDays(today(), 30), { intervalDays: undefined, intervalMonths: 1 });
      const planDay = Number(addDays(today(), 12).slice(8, 10));
      expect(monthly.offer.restartOn >= addDays(today(), 30)).toBe(true);
      const backMonthly = await reactivate(monthly.s, { offerId: monthly.offer.offerId });
      expect(backMonthly.status, backMonthly.text).toBe(200);
      expect(backMonthly.body.subscription).toMatchObject({ nextDeliveryOn: monthly.offer.restartOn, deliveryDay: planDay });

      // A later date the operator gives with the offer is the one taken.
      const given = await named(addDays(today(), 20));
      const later = await reactivate(given.s, { offerId: given.offer.offerId, nextDeliveryOn: addDays(today(), 45) });
      expect(later.status, later.text).toBe(200);
      expect(later.body.subscription).toMatchObject({ nextDeliveryOn: addDays(today(), 45), activeDiscount: { startsOn: addDays(today(), 45) } });

      // Named further out than a restart may be set today (90 days, the shop's longest pause): refused, saying until when.
      const far = await named(addDays(today(), 150));
      const refused = await reactivate(far.s, { offerId: far.offer.offerId });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: "date_out_of_range", latestDate: addDays(today(), 90) });
      expect(refused.body.detail).toContain(addDays(today(), 150).slice(0, 4));
      expect((await h().request("GET", `/v1/subscriptions/${far.s}`, { key: own.key })).body.status).toBe("canceled");
      // Within the rules the operator may set a nearer date with it.
      const nearer = await reactivate(far.s, { offerId: far.offer.offerId, nextDeliveryOn: addDays(today(), 90) });
      expect(nearer.status, nearer.text).toBe(200);
    });

    it("a customer back today (returnOn = today) is due at once: winback.due at the next maintenance run", async () => {
      const own = await h().tenant();
      expect((await h().request("PUT", "/v1/webhooks/wb", { key: own.key, body: { url: "http://127.0.0.1:9/hook", events: ["winback.due"] } })).status).toBe(201);
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: false }) });
      const s = uid("S");
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) });
      const f = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} });
      const done = await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/confirm`, { key: own.key, body: { keepInTouch: true, returnOn: today() } });
      expect(done.body.exitSurvey).toMatchObject({ returnOn: today(), ignored: [] });
      const listed = (await h().request("GET", `/v1/winback/candidates?customerId=${c}`, { key: own.key })).body.data;
      expect(listed).toMatchObject([{ subscriptionId: s, returnOn: today(), dueOn: today() }]);
      await h().maintain(() => new Date());
      const d = (await h().request("GET", "/v1/webhooks/wb", { key: own.key })).body.deliveries;
      expect(d.pending + d.delivered + d.failed).toBe(1);
    });

    it("a comeback offer the shop deletes from its catalogue after the cancellation is not suggested any more", async () => {
      const { own, list } = await keptInTouch("too_expensive", "en");
      const before = (await list()).offer;
      expect(before).toMatchObject({ kind: "offer", offerId: expect.stringMatching(/^off_/) });
      expect((await h().request("DELETE", `/v1/offers/${before.offerId}`, { key: own.key })).status).toBe(204);
      // Decided at the cancellation, on the catalogue of that moment: the list must not show the deleted offer.
      const after = (await list()).offer;
      expect(after?.offerId ?? null).not.toBe(before.offerId);
    });

    it("a shop's rule change after the cancellation changes the comeback offer too", async () => {
      const { own, list } = await keptInTouch("surplus_stock");
      const before = (await list()).offer;
      expect(before).toMatchObject({ kind: "offer", type: "change_interval" });
      const longer = before.parameters.intervalDays as number;
      expect(longer).toBeGreaterThan(30);
      // The shop stops offering that interval: a comeback on it would be refused when the customer takes it.
      expect((await h().request("PATCH", "/v1/settings", { key: own.key, body: { allowedIntervalDays: [30] } })).status).toBe(200);
      const after = (await list()).offer;
      expect(after?.parameters?.intervalDays ?? null).not.toBe(longer);
    });

    it("a customer withdraws keep-in-touch from their own session (the portal), with evidence, and leaves the list", async () => {
      const c = await customer({ marketingConsent: false });
      const s = await subscription(c);
      await cancel(s, "moving", { keepInTouch: true });
      expect((await candidates()).data.map((d) => d.subscriptionId)).toContain(s);
      const other = await customer();
      const session = await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: c } });
      expect(session.status).toBe(201);
      const token = session.body.token as string;

      const seen = await h().request("GET", `/v1/customers/${c}/keep-in-touch`, { key: token, headers: { "accept-language": "en" } });
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ customerId: c, keepInTouch: true, wording: "May we write to you about restarting? (optional)" });
      // Another customer's answer is not this session's to read or change.
      expect((await h().request("GET", `/v1/customers/${other}/keep-in-touch`, { key: token })).status).toBe(404);
      expect((await h().request("PUT", `/v1/customers/${other}/keep-in-touch`, { key: token, body: { keepInTouch: false } })).status).toBe(404);
      expect((await h().request("GET", `/v1/customers/${other}`, { key: t.key })).body.keepInTouch).toBeNull();

      const withdrawn = await h().request("PUT", `/v1/customers/${c}/keep-in-touch`, { key: token, body: { keepInTouch: false } });
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body).toMatchObject({ keepInTouch: false, keepInTouchAt: expect.any(String) });
      expect((await candidates()).data.map((d) => d.subscriptionId)).not.toContain(s);
      // Saying it again records nothing new: the time of the withdrawal stands.
      const again = await h().request("PUT", `/v1/customers/${c}/keep-in-touch`, { key: token, body: { keepInTouch: false } });
      expect(again.body.keepInTouchAt).toBe(withdrawn.body.keepInTouchAt);
      expect((await h().request("GET", `/v1/customers/${c}`, { key: t.key })).body).toMatchObject({ keepInTouch: false });
    });

    it("the list follows the cart system's sync: a plan restarted there, or a customer left with no e-mail or phone, leaves it; back when canceled and reachable again", async () => {
      const c = await customer({ marketingConsent: true });
      const s = await subscription(c);
      const plan = (over: Record<string, unknown>) => h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), ...over }) });
      // Cancelled by the cart system itself (a cancellation the customer confirmed in a cancel flow
      // is theirs to undo: a sync never restarts it, test/http/sync.ts).
      expect((await plan({ status: "canceled", nextDeliveryOn: null })).status).toBe(200);
      const listed = async () => (await candidates()).data.map((d) => d.subscriptionId).includes(s);
      expect(await listed()).toBe(true);
      // Restarted by the cart system (no reactivation through this API): not a candidate while it runs.
      await tookEffectYesterday(t.id, s);
      expect((await plan({ status: "active" })).status).toBe(200);
      expect(await listed()).toBe(false);
      expect((await plan({ status: "canceled", nextDeliveryOn: null })).status).toBe(200);
      expect(await listed()).toBe(true);
      // Nothing left to reach them by: off the list; an e-mail again: back.
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ email: null, phone: null }) })).status).toBe(200);
      expect(await listed()).toBe(false);
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ phone: null }) })).status).toBe(200);
      expect(await listed()).toBe(true);
    });

    it("a page read again is the same answer until a row of it changes, then the new one at once", async () => {
      const c = await customer({ marketingConsent: true });
      const s = await subscription(c, { unitPrice: { amount: 900_000, currency: "JPY" } });
      await cancel(s, "too_expensive", { keepInTouch: true });
      const page = async (lang: string) => (await h().request("GET", "/v1/winback/candidates?limit=3", { key: t.key, headers: { "accept-language": lang } })).text;
      const first = await page("ja");
      expect(first).toContain(s);
      // Read again (the server may answer from the page it built: the same bytes, every time), and in the other language.
      expect(await page("ja")).toBe(first);
      expect(await page("ja")).toBe(first);
      expect(await page("en")).not.toBe(first);
      expect(await page("ja")).toBe(first);
      // The customer withdraws: the very next read leaves them out.
      expect((await h().request("PUT", `/v1/customers/${c}/keep-in-touch`, { key: t.key, body: { keepInTouch: false } })).status).toBe(200);
      const after = await page("ja");
      expect(after).not.toContain(s);
      expect((await h().request("PUT", `/v1/customers/${c}/keep-in-touch`, { key: t.key, body: { keepInTouch: true } })).status).toBe(200);
      expect(await page("ja")).toBe(first);
    });

    it("the export holds keep-in-touch with its evidence and the survey; erasure takes the person's words and off the list; the survey's change is audited", async () => {
      const c = await customer({ marketingConsent: false, name: "消去 太郎" });
      const s = await subscription(c);
      const { started } = await cancel(s, "moving", { survey: [{ questionId: "why_stopped", answer: "引っ越しで使えなくなった 消去 太郎" }, { questionId: "bring_back", answer: "season" }], keepInTouch: true });
      const exported = await h().request("GET", `/v1/customers/${c}/export`, { key: t.key });
      expect(exported.status).toBe(200);
      expect(exported.body.consents).toMatchObject({ keepInTouch: true, keepInTouchHistory: [{ granted: true, source: "cancel_flow", flowId: started.flowId, wording: expect.any(String) }] });
      expect(exported.body.exitSurveys).toEqual([expect.objectContaining({ subscriptionId: s, answers: [{ questionId: "why_stopped", answer: "引っ越しで使えなくなった 消去 太郎" }, { questionId: "bring_back", answer: "season" }] })]);
      expect((await candidates()).data.map((d) => d.subscriptionId)).toContain(s);

      const erased = await h().request("DELETE", `/v1/customers/${c}`, { key: t.key });
      expect(erased.status).toBe(200);
      expect(erased.body.scrubbed).toMatchObject({ winbacks: 1, keepInTouchAnswers: 1 });
      expect((await candidates()).data.map((d) => d.subscriptionId)).not.toContain(s);
      // The evidence stays, under the pseudonym, without the customer's own words; the option codes stay.
      const evidence = await h().request("GET", `/v1/cancel-flows/${started.flowId}`, { key: t.key });
      const confirmed = evidence.body.steps.find((x: { type: string }) => x.type === "cancel_confirmed");
      expect(confirmed.data.survey).toEqual([{ questionId: "bring_back", answer: "season" }]);
      expect(JSON.stringify(evidence.body)).not.toContain("引っ越しで使えなくなった");

      const survey = (await h().request("GET", "/v1/exit-survey", { key: t.key })).body;
      expect((await h().request("PUT", "/v1/exit-survey", { key: t.key, body: { questions: survey.questions, keepInTouchWording: survey.keepInTouchWording } })).status).toBe(200);
      const log = await h().request("GET", "/v1/audit-log?action=exit_survey.updated", { key: t.key });
      expect(log.body.data.length).toBeGreaterThanOrEqual(2);
      expect(log.body.data[0]).toMatchObject({ action: "exit_survey.updated", actor: { type: "key" } });
    });

    it("a customer on a break is reminded at their date (winback.due, once), and coming back closes the record", async () => {
      const hook = await h().request("PUT", "/v1/webhooks/winback", { key: t.key, body: { url: "http://127.0.0.1:9/hook", events: ["winback.due"] } });
      expect(hook.status).toBe(201);
      const c = await customer({ marketingConsent: false });
      const s = await subscription(c);
      const returnOn = addDays(today(), 40);
      await cancel(s, "temporary_break", { keepInTouch: true, returnOn });
      const listed = (await candidates()).data.find((d) => d.subscriptionId === s)!;
      expect(listed.offer).toMatchObject({ kind: "reminder", restartOn: returnOn });
      expect(listed.drivers.map((d: { code: string }) => d.code)).toContain("return_date_named");

      const sent = async () => {
        const d = (await h().request("GET", "/v1/webhooks/winback", { key: t.key })).body.deliveries;
        return d.pending + d.delivered + d.failed;
      };
      // The day before (Tokyo noon): nothing yet.
      await h().maintain(() => new Date(`${addDays(returnOn, -1)}T03:00:00Z`));
      expect(await sent()).toBe(0);
      // The day itself (00:30 in Tokyo): sent once, and never again.
      await h().maintain(() => new Date(`${addDays(returnOn, -1)}T15:30:00Z`));
      expect(await sent()).toBe(1);
      await h().maintain(() => new Date(`${returnOn}T03:00:00Z`));
      expect(await sent()).toBe(1);

      await tookEffectYesterday(t.id, s);
      const back = await h().request("POST", `/v1/subscriptions/${s}/reactivate`, { key: t.key, body: { channel: "web" } });
      expect(back.status).toBe(200);
      expect((await candidates()).data.map((d) => d.subscriptionId)).not.toContain(s);

      const metrics = await h().request("GET", "/v1/metrics/winback", { key: t.key });
      expect(metrics.status).toBe(200);
      conforms(WinbackMetrics, metrics.body);
      // This one and the plan the cart system restarted above (the list follows the sync), a reactivation too.
      expect(metrics.body.reactivated).toBe(2);
      // The webhook is the contact once delivered; this endpoint refuses every attempt, so there was
      // none (test/node/winback.test.ts has one delivered and credited).
      expect(metrics.body.contacts).toMatchObject({ contacted: 0, reactivatedAfterContact: 0 });
      expect(metrics.body.revenueRecovered).toEqual([{ amount: Math.round((3980 * 365) / 30), currency: "JPY" }]);
      const breakRow = metrics.body.byReason.find((r: { key: string }) => r.key === "temporary_break");
      expect(breakRow).toMatchObject({ canceled: 1, reactivated: 1, reactivationRate: 1 });
      expect(metrics.body.byMonth.map((r: { key: string }) => r.key)).toContain(today().slice(0, 7));
      expect(metrics.body.reactivationRate).toBeCloseTo(2 / metrics.body.canceled, 4);

      const retention = await h().request("GET", "/v1/metrics/retention", { key: t.key });
      conforms(RetentionMetrics, retention.body);
      expect(retention.body.winback).toMatchObject({ reactivated: 2, contacts: { contacted: 0 } });
    });

    it("insights: counts and save rates per reason, recurring themes in the customers' words, personal data masked", async () => {
      const own = await h().tenant();
      const comments = ["在庫がたまってしまう 090-1234-5678", "飲みきれずに在庫がたまる", "在庫が多すぎる hanako@example.jp", "値段が高いと感じる", "送料込みだと値段が高い"];
      for (const [i, comment] of comments.entries()) {
        const c = uid("C");
        await h().request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ name: "山田 花子" }) });
        const s = uid("S");
        await h().request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) });
        const f = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} });
        await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/reason`, { key: own.key, body: { reason: i < 3 ? "surplus_stock" : "too_expensive", comment } });
        await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/confirm`, { key: own.key, body: { survey: [{ questionId: "why_stopped", answer: "山田です。在庫が余るので" }] } });
      }
      const res = await h().request("GET", "/v1/insights/reasons", { key: own.key });
      expect(res.status).toBe(200);
      conforms(ReasonInsights, res.body);
      const surplus = res.body.reasons.find((r: { reason: string }) => r.reason === "surplus_stock");
      expect(surplus).toMatchObject({ flows: 3, canceled: 3, saved: 0, saveRate: 0 });
      expect(surplus.terms[0]).toMatchObject({ text: "在庫", count: 6 });
      const price = res.body.reasons.find((r: { reason: string }) => r.reason === "too_expensive");
      expect(price.phrases.map((p: { text: string }) => p.text)).toContain("値段が高い");
      expect(res.body.months[0].month).toBe(today().slice(0, 7));
      const text = JSON.stringify(res.body);
      for (const personal of ["090-1234-5678", "hanako@example.jp", "山田"]) expect(text).not.toContain(personal);
      expect(text).toContain("〔氏名〕");
      expect(text).not.toContain("氏名です");
      expect((await h().request("GET", "/v1/insights/reasons", { key: await own.keyWith(["read"]) })).status).toBe(403);
    });

    it("a contact the shop made itself (winback.contacted) counts for attribution; the holdout is never listed", async () => {
      const own = await h().tenant();
      const patch = await h().request("PATCH", "/v1/settings", { key: own.key, body: { winbackHoldoutPercent: 50 } });
      expect(patch.status).toBe(200);
      const subs: string[] = [];
      for (let i = 0; i < 6; i++) {
        const c = uid("C");
        await h().request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: false }) });
        const s = uid("S");
        await h().request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) });
        const f = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} });
        await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/confirm`, { key: own.key, body: { keepInTouch: true } });
        subs.push(s);
        if (i === 0) {
          const ev = await h().request("POST", "/v1/events", {
            key: own.key,
            body: { events: [{ id: uid("e"), type: "winback.contacted", customerId: c, subscriptionId: s, occurredAt: new Date().toISOString(), data: { channel: "email" } }] },
          });
          expect(ev.body.accepted).toBe(1);
          await tookEffectYesterday(own.id, s);
          expect((await h().request("POST", `/v1/subscriptions/${s}/reactivate`, { key: own.key, body: {} })).status).toBe(200);
        }
      }
      const m = (await h().request("GET", "/v1/metrics/winback", { key: own.key })).body;
      expect(m).toMatchObject({ canceled: 6, reactivated: 1, contacts: { contacted: 1, reactivatedAfterContact: 1 } });
      const listed = (await h().request("GET", "/v1/winback/candidates", { key: own.key })).body.data.length;
      // Everyone said yes; the holdout drawn at cancellation is left out, whatever the draw.
      expect(listed).toBe(m.holdout ? m.holdout.contactable.canceled - m.holdout.contactable.reactivated : 5);
    });

    /** A shop of its own (settings and figures apart), a customer who consented, and its requests. */
    const ownShop = async () => {
      const own = await h().tenant();
      const c = uid("M");
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: true }) })).status).toBe(201);
      const put = (id: string, over: Record<string, unknown>) => h().request("PUT", `/v1/subscriptions/${id}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), ...over }) });
      const flowCancel = async (id: string, confirm: Record<string, unknown> = {}) => {
        const f = await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: own.key, body: { channel: "web" } });
        expect(f.status).toBe(201);
        expect((await h().request("POST", `/v1/cancel-flows/${f.body.flowId}/confirm`, { key: own.key, body: confirm })).status).toBe(200);
      };
      const reactivate = async (id: string) => {
        const res = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: own.key, body: { channel: "operator" } });
        expect(res.status, res.text).toBe(200);
        return res.body;
      };
      const winbackMetrics = async (from: string) => {
        const res = await h().request("GET", `/v1/metrics/winback?from=${from}&to=${today()}`, { key: own.key });
        expect(res.status).toBe(200);
        conforms(WinbackMetrics, res.body);
        return res.body;
      };
      const listed = async () => (await h().request("GET", `/v1/winback/candidates?customerId=${c}`, { key: own.key })).body.data as { subscriptionId: string; dueOn: string }[];
      return { own, c, put, flowCancel, reactivate, winbackMetrics, listed };
    };

    it("absurd but accepted plans, and a record stored without some features, are scored finite: the daily re-score goes through, the list answers numbers", async () => {
      const own = await h().tenant();
      const c = uid("C");
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: true }) })).status).toBe(201);
      const plans: Record<string, unknown>[] = [
        // The most a sync accepts: ¥10,000,000 × 999 every day, 10,000 deliveries since 1980.
        { unitPrice: { amount: 10_000_000, currency: "JPY" }, quantity: 999, intervalDays: 1, deliveriesCompleted: 10_000, startedAt: "1980-01-01T00:00:00Z" },
        // Free, never delivered, once a year.
        { unitPrice: { amount: 0, currency: "JPY" }, quantity: 1, intervalDays: 365, deliveriesCompleted: 0 },
        { deliveriesCompleted: 3 },
      ];
      const ids: string[] = [];
      for (const plan of plans) {
        const s = uid("S");
        ids.push(s);
        expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { ...plan, status: "canceled", nextDeliveryOn: null }) })).status).toBe(201);
      }
      // A record written without some of its features (by hand, or before they were kept).
      await h().sql("UPDATE winbacks SET features = json_remove(features, '$.complaints', '$.deliveriesCompleted', '$.pastSpendYen') WHERE tenant_id = ? AND subscription_id = ?", [own.id, ids[2]!]);
      // The daily re-score of listed records, two days on (maintain throws if a step failed).
      const later = new Date(Date.now() + 2 * 86_400_000);
      await h().maintain(() => later);
      const res = await h().request("GET", "/v1/winback/candidates?limit=100", { key: own.key });
      expect(res.status).toBe(200);
      const rows = res.body.data as { subscriptionId: string; probability: number; expectedValue: { amount: number }; annualValue: { amount: number }; drivers: { contribution: number; value: unknown }[] }[];
      expect(rows.map((r) => r.subscriptionId).sort()).toEqual([...ids].sort());
      for (const r of rows) {
        expect(r.probability, r.subscriptionId).toBeGreaterThanOrEqual(0);
        expect(r.probability, r.subscriptionId).toBeLessThanOrEqual(1);
        expect(Number.isSafeInteger(r.expectedValue.amount) && Number.isSafeInteger(r.annualValue.amount), r.subscriptionId).toBe(true);
        for (const d of r.drivers) expect(Number.isFinite(d.contribution)).toBe(true);
      }
      // What is stored: a number in every score, re-scored as of that day.
      const stored = await h().sql("SELECT typeof(probability) AS p, typeof(expected_value) AS e, scored_on FROM winbacks WHERE tenant_id = ?", [own.id]);
      expect(stored).toHaveLength(ids.length);
      for (const x of stored) expect([x.p === "real" || x.p === "integer", x.e, x.scored_on]).toEqual([true, "integer", localDate(later, "Asia/Tokyo")]);
    });

    it("a cancellation the cart system syncs or imports enters win-back as a cancel flow's does: listed, counted, and so is its reactivation", async () => {
      const { own, c, put, reactivate, winbackMetrics, listed } = await ownShop();
      // Imported as 解約 twelve days ago (a single PUT; the import takes the same path as the bulk sync).
      const canceledAt = new Date(Date.now() - 12 * 86_400_000).toISOString();
      const canceledOn = localDate(new Date(canceledAt), "Asia/Tokyo");
      const imported = uid("T");
      expect((await put(imported, { status: "canceled", canceledAt, nextDeliveryOn: null })).status).toBe(201);
      expect(await listed()).toEqual([expect.objectContaining({ subscriptionId: imported, dueOn: addDays(canceledOn, 60) })]);
      expect(await winbackMetrics(canceledOn)).toMatchObject({ canceled: 1, reactivated: 0, byReason: [{ key: "none", canceled: 1 }] });

      // Through POST /v1/sync: a live plan the cart system then reports canceled; sent again, still one cancellation.
      const live = uid("T");
      const sync = async (over: Record<string, unknown>) => {
        const res = await h().request("POST", "/v1/sync", { key: own.key, body: { subscriptions: [{ id: live, ...subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), ...over }) }] } });
        expect(res.body.applied, res.text).toBe(1);
      };
      await sync({});
      await sync({ status: "canceled", nextDeliveryOn: null });
      await sync({ status: "canceled", nextDeliveryOn: null });
      expect((await listed()).map((x) => x.subscriptionId).sort()).toEqual([imported, live].sort());
      expect(await winbackMetrics(canceledOn)).toMatchObject({ canceled: 2, reactivated: 0 });

      // Old history (a year ago): counted where it belongs, never made due.
      const oldAt = new Date(Date.now() - 400 * 86_400_000).toISOString();
      const oldOn = localDate(new Date(oldAt), "Asia/Tokyo");
      const old = uid("T");
      expect((await put(old, { status: "canceled", canceledAt: oldAt, startedAt: "2024-01-01T00:00:00Z", nextDeliveryOn: null })).status).toBe(201);
      expect((await h().request("GET", `/v1/metrics/winback?from=${oldOn}&to=${oldOn}`, { key: own.key })).body).toMatchObject({ canceled: 1 });
      // Nor listed: a merchant importing years of history would see it all as candidates (the whole list, and the customer's).
      expect((await listed()).map((x) => x.subscriptionId)).not.toContain(old);
      const all = (await h().request("GET", "/v1/winback/candidates?limit=100", { key: own.key })).body.data as { subscriptionId: string }[];
      expect(all.map((x) => x.subscriptionId).sort()).toEqual([imported, live].sort());

      // The reactivation closes the imported cancellation: the win-back figures and retention's agree.
      await reactivate(imported);
      expect(await winbackMetrics(canceledOn)).toMatchObject({ canceled: 2, reactivated: 1, reactivationRate: 0.5 });
      const retention = (await h().request("GET", `/v1/metrics/retention?from=${today()}&to=${today()}`, { key: own.key })).body;
      expect(retention.reactivations.count).toBe(1);
      expect((await listed()).map((x) => x.subscriptionId)).not.toContain(imported);
      expect((await listed()).map((x) => x.subscriptionId)).toContain(live);
    });

    it("a reason the cart system gives with a cancellation (cancellationReason) is the plan's cancellation.reason and counts under it in the win-back figures, by PUT and POST /v1/sync; given later it moves there; an unknown code changes nothing; the customer's own answer stands", async () => {
      const { own, c, put, flowCancel, winbackMetrics, listed } = await ownShop();
      const canceledAt = new Date(Date.now() - 5 * 86_400_000).toISOString();
      const canceledOn = localDate(new Date(canceledAt), "Asia/Tokyo");
      const get = async (id: string) => (await h().request("GET", `/v1/subscriptions/${id}`, { key: own.key })).body;
      const sync = async (id: string, over: Record<string, unknown>) => {
        const res = await h().request("POST", "/v1/sync", { key: own.key, body: { subscriptions: [{ id, ...subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), ...over }) }] } });
        expect(res.status, res.text).toBe(200);
        return res.body.results[0];
      };
      const canceled = { status: "canceled", canceledAt, nextDeliveryOn: null };

      const single = uid("R");
      expect((await put(single, { ...canceled, cancellationReason: "too_expensive" })).status).toBe(201);
      expect((await get(single)).cancellation).toEqual({ flowId: null, reason: "too_expensive", channel: "api", effectiveOn: null, finalDeliveryOn: null, confirmationNumber: null });
      const bulk = uid("R");
      await sync(bulk, {});
      expect(await sync(bulk, { ...canceled, cancellationReason: "surplus_stock" })).toMatchObject({ result: "applied", changed: true });
      const later = uid("R");
      await sync(later, canceled);
      expect((await winbackMetrics(canceledOn)).byReason).toEqual([
        expect.objectContaining({ key: "none", canceled: 1 }),
        expect.objectContaining({ key: "surplus_stock", canceled: 1 }),
        expect.objectContaining({ key: "too_expensive", canceled: 1 }),
      ]);

      // The import run again with a mapping that reads 解約理由: the reason moves, still one cancellation.
      expect(await sync(later, { ...canceled, cancellationReason: "moving" })).toMatchObject({ result: "applied", changed: true });
      expect((await winbackMetrics(canceledOn)).byReason.map((r: { key: string; canceled: number }) => [r.key, r.canceled])).toEqual([["moving", 1], ["surplus_stock", 1], ["too_expensive", 1]]);
      // A nightly sync that exports no reason keeps it; null removes it.
      expect(await sync(later, canceled)).toMatchObject({ result: "applied", changed: false });
      expect((await get(later)).cancellation).toMatchObject({ reason: "moving" });
      expect((await listed()).map((x) => x.subscriptionId)).toContain(later);

      // A code the shop does not have: refused naming the field, nothing written.
      const unknown = uid("R");
      const refused = await put(unknown, { ...canceled, cancellationReason: "pricey" });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: "unknown_reason", errors: [{ path: "cancellationReason" }] });
      expect((await h().request("GET", `/v1/subscriptions/${unknown}`, { key: own.key })).status).toBe(404);
      expect(await sync(unknown, { ...canceled, cancellationReason: "pricey" })).toMatchObject({ result: "refused", error: { code: "unknown_reason", errors: [{ path: "subscriptions.0.cancellationReason" }] } });
      expect((await h().request("GET", `/v1/subscriptions/${unknown}`, { key: own.key })).status).toBe(404);

      // Cancelled by the customer through a cancel flow: the cart's reason does not replace theirs.
      const own2 = uid("R");
      expect((await put(own2, {})).status).toBe(201);
      await flowCancel(own2);
      const before = await get(own2);
      expect(await sync(own2, { status: "canceled", canceledAt: before.canceledAt, nextDeliveryOn: null, cancellationReason: "other" })).toMatchObject({ result: "applied" });
      expect((await get(own2)).cancellation).toEqual(before.cancellation);
    });

    it("a plan the cart system restarts is a reactivation for win-back, as the API's is: by PUT and by POST /v1/sync, with the year recovered and the contact before it (1,980 × 365 / 30 = 24,090)", async () => {
      const { own, c, put, winbackMetrics, listed } = await ownShop();
      const plan = { unitPrice: { amount: 1980, currency: "JPY" }, intervalDays: 30, quantity: 1 };
      // Cancelled by the cart system, contacted, then restarted by a single PUT from it (a
      // cancellation confirmed in a cancel flow is the customer's: no sync restarts it).
      const single = uid("S");
      await put(single, plan);
      expect((await put(single, { ...plan, status: "canceled", nextDeliveryOn: null })).status).toBe(200);
      const ev = await h().request("POST", "/v1/events", {
        key: own.key,
        body: { events: [{ id: uid("e"), type: "winback.contacted", customerId: c, subscriptionId: single, occurredAt: new Date().toISOString(), data: { channel: "email" } }] },
      });
      expect(ev.body.accepted).toBe(1);
      await tookEffectYesterday(own.id, single);
      expect((await put(single, { ...plan, status: "active" })).status).toBe(200);
      expect(await winbackMetrics(today())).toMatchObject({
        canceled: 1,
        reactivated: 1,
        reactivationRate: 1,
        contacts: { contacted: 1, reactivatedAfterContact: 1, afterContactShare: 1 },
        revenueRecovered: [{ amount: 24_090, currency: "JPY" }],
      });
      // Sent again, nothing more is counted.
      expect((await put(single, { ...plan, status: "active" })).status).toBe(200);
      expect(await winbackMetrics(today())).toMatchObject({ canceled: 1, reactivated: 1 });

      // A cancellation the bulk sync reported, restarted by the bulk sync, never contacted.
      const bulk = uid("S");
      const sync = async (over: Record<string, unknown>) => {
        const res = await h().request("POST", "/v1/sync", { key: own.key, body: { subscriptions: [{ id: bulk, ...subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), ...plan, ...over }) }] } });
        expect(res.body.applied, res.text).toBe(1);
      };
      await sync({});
      await sync({ status: "canceled", nextDeliveryOn: null });
      expect((await listed()).map((x) => x.subscriptionId)).toContain(bulk);
      expect(await winbackMetrics(today())).toMatchObject({ canceled: 2, reactivated: 1 });
      await tookEffectYesterday(own.id, bulk);
      await sync({ status: "active" });
      expect(await winbackMetrics(today())).toMatchObject({
        canceled: 2,
        reactivated: 2,
        contacts: { contacted: 1, reactivatedAfterContact: 1, afterContactShare: 0.5 },
        revenueRecovered: [{ amount: 48_180, currency: "JPY" }],
      });
      // Cancelled again by the cart system: a second cancellation, and the restart recovered nothing since (no delivery).
      await sync({ status: "canceled", nextDeliveryOn: null });
      expect(await winbackMetrics(today())).toMatchObject({ canceled: 3, reactivated: 2, revenueRecovered: [{ amount: 24_090, currency: "JPY" }] });
      expect((await listed()).map((x) => x.subscriptionId)).toEqual([bulk]);
    });

    it("a restart the cart system syncs is a reactivation in retention's figures as in win-back's, and in the plan's risk, by PUT and by POST /v1/sync as by the API", async () => {
      const { own, c, put, flowCancel, reactivate, winbackMetrics } = await ownShop();
      const retention = async () => (await h().request("GET", `/v1/metrics/retention?from=${today()}&to=${today()}`, { key: own.key })).body.reactivations.count as number;
      /** The plan's risk driver for earlier reactivations: how many it counts (0: not a driver). */
      const reactivations = async (id: string) => {
        const res = await h().request("GET", `/v1/subscriptions/${id}/risk`, { key: own.key });
        expect(res.status, res.text).toBe(200);
        return (res.body.drivers as { code: string; value: number }[]).find((d) => d.code === "reactivations")?.value ?? 0;
      };
      // Cancelled and restarted by single PUTs from the cart system.
      const single = uid("S");
      await put(single, {});
      expect((await put(single, { status: "canceled", nextDeliveryOn: null })).status).toBe(200);
      expect(await reactivations(single)).toBe(0);
      await tookEffectYesterday(own.id, single);
      expect((await put(single, { status: "active" })).status).toBe(200);
      expect(await retention()).toBe(1);
      expect((await winbackMetrics(today())).reactivated).toBe(1);
      expect(await reactivations(single)).toBe(1);
      // Sent again: nothing more.
      expect((await put(single, { status: "active" })).status).toBe(200);
      expect(await retention()).toBe(1);
      expect(await reactivations(single)).toBe(1);

      // Cancelled and restarted by the bulk sync (the import's path).
      const bulk = uid("S");
      const sync = async (over: Record<string, unknown>) => {
        const res = await h().request("POST", "/v1/sync", { key: own.key, body: { subscriptions: [{ id: bulk, ...subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), ...over }) }] } });
        expect(res.body.applied, res.text).toBe(1);
      };
      await sync({});
      await sync({ status: "canceled", nextDeliveryOn: null });
      await tookEffectYesterday(own.id, bulk);
      await sync({ status: "active" });
      expect(await retention()).toBe(2);
      expect((await winbackMetrics(today())).reactivated).toBe(2);
      expect(await reactivations(bulk)).toBe(1);

      // And by the API: the same count, once.
      const api = uid("S");
      await put(api, {});
      await flowCancel(api);
      await tookEffectYesterday(own.id, api);
      await reactivate(api);
      expect(await retention()).toBe(3);
      expect((await winbackMetrics(today())).reactivated).toBe(3);
      expect(await reactivations(api)).toBe(1);
    });

    it("a changed winbackDelayDays dates the cancellations after it; records already waiting keep their date, as the setting says", async () => {
      const { own, put, flowCancel, listed } = await ownShop();
      const [before, after] = [uid("S"), uid("S")];
      await put(before, {});
      await put(after, {});
      await flowCancel(before);
      const dueOf = async (id: string) => (await listed()).find((x) => x.subscriptionId === id)!.dueOn;
      const due = await dueOf(before);
      const endOn = addDays(due, -60); // the default delay after the cancellation's end date
      expect((await h().request("PATCH", "/v1/settings", { key: own.key, body: { winbackDelayDays: 7 } })).status).toBe(200);
      expect(await dueOf(before)).toBe(due);
      await flowCancel(after);
      expect(await dueOf(after)).toBe(addDays(endOn, 7));
      const described = (openapi.components.schemas.Settings.properties.winbackDelayDays as { description: string }).description;
      expect(described).toMatch(/records already waiting keep/);
    });

    it("revenue recovered: a year of a reactivated plan while it runs; cancelled again, only what it delivered since (by hand: 1,980 × 365 / 30 = 24,090; 2 deliveries = 3,960)", async () => {
      const { own, put, flowCancel, reactivate, winbackMetrics } = await ownShop();
      const plan = { unitPrice: { amount: 1980, currency: "JPY" }, intervalDays: 30, quantity: 1 };
      const s = uid("S");
      await put(s, plan);
      await flowCancel(s);
      await tookEffectYesterday(own.id, s);
      await reactivate(s);
      expect((await winbackMetrics(today())).revenueRecovered).toEqual([{ amount: 24_090, currency: "JPY" }]);
      // Cancelled again minutes later: nothing came.
      await flowCancel(s);
      expect(await winbackMetrics(today())).toMatchObject({ canceled: 2, reactivated: 1, revenueRecovered: [{ amount: 0, currency: "JPY" }] });

      // Another plan delivers twice after its restart (the cart system's sync says so), then is cancelled: 2 × 1,980.
      const t2 = uid("S");
      await put(t2, plan);
      await flowCancel(t2);
      await tookEffectYesterday(own.id, t2);
      await reactivate(t2);
      const got = (await h().request("GET", `/v1/subscriptions/${t2}`, { key: own.key })).body;
      expect((await put(t2, { ...plan, nextDeliveryOn: got.nextDeliveryOn, deliveriesCompleted: got.deliveriesCompleted + 2 })).status).toBe(200);
      await flowCancel(t2);
      expect((await winbackMetrics(today())).revenueRecovered).toEqual([{ amount: 3_960, currency: "JPY" }]);
    });

    // The owner's decision: a cancellation the customer undid is a withdrawn decision, like a restart —
    // not a cancellation, not a return (it used to stay canceled in the save rate and reactivated in win-back).
    it("a cancellation undone the same day is in `undone`: not canceled, not churn, not a reactivation nor a win-back", async () => {
      const { own, put, flowCancel, reactivate, winbackMetrics } = await ownShop();
      const s = uid("S");
      await put(s, {});
      await flowCancel(s);
      const back = await reactivate(s);
      expect(back.change.source.asIfNeverCanceled).toBe(true);
      const res = await h().request("GET", `/v1/metrics/retention?from=${today()}&to=${today()}`, { key: own.key });
      conforms(RetentionMetrics, res.body);
      expect(res.body).toMatchObject({ started: 1, canceled: 0, undone: 1, saveRate: null, churn: { canceled: 0, churnRate: 0 }, reactivations: { count: 0, reactivationRate: null } });
      expect(await winbackMetrics(today())).toMatchObject({ canceled: 0, reactivated: 0, reactivationRate: null, revenueRecovered: [] });
    });
  });

  describe("win-back: the customer's \"no\" stops what is on its way, and the latest \"no\" wins", () => {
    const today = () => localDate(new Date(), "Asia/Tokyo");
    /** A tenant whose endpoint `name` (to the shared receiver, which verifies it) wants winback.due; `paused` holds it. */
    async function shop(paused = false) {
      const t = await h().tenant();
      const hook = await h().request("PUT", "/v1/webhooks/wb", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["winback.due"], secret: RECEIVER_SECRET, paused } });
      expect(hook.status).toBe(201);
      return t;
    }
    /** A customer who cancelled today saying yes to keep-in-touch and "back today": their winback.due is queued at the next maintenance run. */
    async function dueToday(t: TestTenant, over: Record<string, unknown> = {}) {
      const c = uid("C");
      const s = uid("S");
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ marketingConsent: true, ...over }) })).status).toBe(201);
      expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) })).status).toBe(201);
      const flow = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: {} });
      expect((await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { keepInTouch: true, returnOn: today() } })).status).toBe(200);
      return { c, s };
    }
    const deliveries = async (t: TestTenant) => (await h().request("GET", "/v1/webhooks/wb", { key: t.key })).body.deliveries as { pending: number; delivered: number; failed: number };
    const queued = async (t: TestTenant, c: string) => (await h().sql("SELECT status FROM webhook_deliveries WHERE tenant_id = ? AND event_type = 'winback.due' AND customer_id = ?", [t.id, c])).length;
    const received = async (c: string) =>
      ((await (await fetch(`${h().receiverUrl}/received`)).json()) as { verified: { type: string; data: { customerId: string } } | null }[]).filter((r) => r.verified?.type === "winback.due" && r.verified.data.customerId === c).length;
    const keepInTouch = async (t: TestTenant, c: string) => (await h().request("GET", `/v1/customers/${c}/keep-in-touch`, { key: t.key })).body as { keepInTouch: boolean | null; contactable: boolean };
    const history = async (t: TestTenant, c: string) => (await h().request("GET", `/v1/customers/${c}/export`, { key: t.key })).body.consents.keepInTouchHistory as { granted: boolean; source: string }[];

    /** The customer's win-back records as their export shows them. */
    const exported = async (t: TestTenant, c: string) => (await h().request("GET", `/v1/customers/${c}/export`, { key: t.key })).body.winbacks as { subscriptionId: string; dueOn: string; dueStatus: string; contactable: boolean }[];
    /** Maintenance runs until nothing is left to deliver (the receiver answers at once). */
    const deliverAll = async (t: TestTenant) => {
      await h().maintain(() => new Date());
      for (let pass = 0; pass < 10 && (await deliveries(t)).pending > 0; pass++) await h().maintain(() => new Date());
    };

    it("who never answered keep-in-touch but gave marketing consent is sent winback.due, as the list and the export say: a web cancellation back today, and a plan the cart synced as cancelled 70 days ago; a \"no\" at cancellation is not", async () => {
      const t = await shop();
      const consent = async () => {
        const c = uid("C");
        expect((await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ marketingConsent: true }) })).status).toBe(201);
        return c;
      };
      const webCancel = async (c: string, confirm: Record<string, unknown>) => {
        const s = uid("S");
        expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) })).status).toBe(201);
        const flow = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: { channel: "web" } });
        expect((await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, body: { reason: "temporary_break" } })).status).toBe(200);
        expect((await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: confirm })).status).toBe(200);
      };
      const web = await consent();
      await webCancel(web, { returnOn: today() });
      const synced = await consent();
      const canceledAt = new Date(Date.now() - 70 * 86_400_000).toISOString();
      expect((await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(synced, { status: "canceled", canceledAt, nextDeliveryOn: null }) })).status).toBe(201);
      const declined = await consent();
      await webCancel(declined, { returnOn: today(), keepInTouch: false });

      for (const c of [web, synced]) {
        const listed = (await h().request("GET", `/v1/winback/candidates?customerId=${c}`, { key: t.key })).body.data;
        expect(listed).toMatchObject([{ customerId: c, dueOn: today() }]);
      }
      await deliverAll(t);
      for (const c of [web, synced]) {
        expect(await received(c)).toBe(1);
        expect(await exported(t, c)).toMatchObject([{ dueOn: today(), dueStatus: "sent", contactable: true }]);
      }
      expect(await received(declined)).toBe(0);
      expect(await exported(t, declined)).toMatchObject([{ dueStatus: "skipped", contactable: false }]);
    });

    it("a record due before the shop registers its endpoint waits for it, still listed; registered, it goes out at the next run", async () => {
      const t = await h().tenant();
      const c = uid("C");
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ marketingConsent: true }) })).status).toBe(201);
      const canceledAt = new Date(Date.now() - 70 * 86_400_000).toISOString();
      expect((await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: uid("S"), ...subscriptionBody(c, { status: "canceled", canceledAt, nextDeliveryOn: null }) }] } })).body).toMatchObject({ applied: 1 });
      await h().maintain(() => new Date());
      expect(await exported(t, c)).toMatchObject([{ dueOn: today(), dueStatus: "pending", contactable: true }]);
      expect((await h().request("GET", `/v1/winback/candidates?customerId=${c}`, { key: t.key })).body.data).toHaveLength(1);

      expect((await h().request("PUT", "/v1/webhooks/wb", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["winback.due"], secret: RECEIVER_SECRET } })).status).toBe(201);
      await deliverAll(t);
      expect(await received(c)).toBe(1);
      expect(await exported(t, c)).toMatchObject([{ dueStatus: "sent" }]);
    });

    it("the win-back figures by comeback offer (sent, taken, not taken; none) and by time since cancelling, with the windows not yet passed said as waiting, not as 0", async () => {
      const t = await shop();
      const took = await cancelledForPrice(h(), t, { keepInTouch: true, returnOn: today() });
      const declined = await cancelledForPrice(h(), t, { keepInTouch: true, returnOn: today() });
      const plain = await dueToday(t);
      await deliverAll(t);
      const sent = JSON.parse((await h().sql("SELECT payload FROM webhook_deliveries WHERE tenant_id = ? AND customer_id = ?", [t.id, took.c]))[0]!.payload as string).data.offer;
      expect(sent).toMatchObject({ kind: "offer", offerId: "off_discount_20x2" });
      expect((await h().request("POST", `/v1/subscriptions/${took.s}/reactivate`, { key: t.key, body: { offerId: sent.offerId } })).status).toBe(200);
      await tookEffectYesterday(t.id, plain.s);
      expect((await h().request("POST", `/v1/subscriptions/${plain.s}/reactivate`, { key: t.key, body: {} })).status).toBe(200);
      // A plan the cart cancelled 100 days ago and restarts today: back after 100 days.
      const c = uid("C");
      const old = uid("S");
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() })).status).toBe(201);
      const canceledAt = new Date(Date.now() - 100 * 86_400_000).toISOString();
      expect((await h().request("PUT", `/v1/subscriptions/${old}`, { key: t.key, body: subscriptionBody(c, { status: "canceled", canceledAt, nextDeliveryOn: null }) })).status).toBe(201);
      expect((await h().request("PUT", `/v1/subscriptions/${old}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) })).status).toBe(200);

      const m = await h().request("GET", "/v1/metrics/winback", { key: t.key });
      expect(m.status).toBe(200);
      expect(WinbackMetrics.safeParse(m.body).success).toBe(true);
      expect(m.body).toMatchObject({ canceled: 4, reactivated: 3, matured: 0, reactivatedWithin180: 0, rate180: null });
      expect(m.body.byComebackOffer).toEqual([
        { key: "off_discount_20x2", reactivated: 1, shareOfReactivated: 0.3333, sent: 2, sentTaken: 1, sentNotTaken: 1, takenRate: 0.5 },
        { key: "none", reactivated: 2, shareOfReactivated: 0.6667, sent: null, sentTaken: null, sentNotTaken: null, takenRate: null },
      ]);
      // Three cancelled today: in no window yet (waiting, not 0). The one 100 days old has had 30 and 90
      // days, and came back after neither; its 180 days have not passed.
      expect(m.body.byDaysSinceCancel).toEqual([
        { days: 30, matured: 1, reactivatedWithin: 0, rate: 0, waiting: 3 },
        { days: 90, matured: 1, reactivatedWithin: 0, rate: 0, waiting: 3 },
        { days: 180, matured: 0, reactivatedWithin: 0, rate: null, waiting: 4 },
      ]);
      expect(declined.confirmed.status).toBe(200);
    });

    it("a \"no\" from the customer's session drops their winback.due held on a paused endpoint and one retrying: resumed, nothing is sent", async () => {
      const t = await shop(true);
      const retrying = await h().request("PUT", "/v1/webhooks/down", { key: t.key, body: { url: "http://127.0.0.1:9/hook", events: ["winback.due"] } });
      expect(retrying.status).toBe(201);
      const { c } = await dueToday(t);
      const other = await dueToday(t);
      await h().maintain(() => new Date());
      expect(await queued(t, c)).toBe(2);
      const down = (await h().request("GET", "/v1/webhooks/down", { key: t.key })).body.deliveries;
      expect(down.pending).toBe(2); // retrying: its first attempt was refused

      const session = await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: c } });
      const no = await h().request("PUT", `/v1/customers/${c}/keep-in-touch`, { key: session.body.token, body: { keepInTouch: false } });
      expect(no.status).toBe(200);
      expect(no.body).toMatchObject({ keepInTouch: false, contactable: false });
      expect(await queued(t, c)).toBe(0);

      expect((await h().request("PUT", "/v1/webhooks/wb", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["winback.due"], secret: RECEIVER_SECRET, paused: false } })).status).toBe(200);
      for (let pass = 0; pass < 20 && (await deliveries(t)).pending > 0; pass++) await h().maintain(() => new Date());
      expect(await received(c)).toBe(0);
      // The customer who did not say no still hears.
      expect(await received(other.c)).toBe(1);
    });

    it("the dispatcher asks again before sending: a \"no\" written after queueing by a path that did not drop it still stops the winback.due", async () => {
      const t = await shop(true);
      const { c } = await dueToday(t);
      await h().maintain(() => new Date());
      expect(await queued(t, c)).toBe(1);
      // As a writer that knows nothing of the outbox would leave it (a hand edit, an old import).
      await h().sql("UPDATE customers SET keep_in_touch = 0, keep_in_touch_at = ? WHERE tenant_id = ? AND id = ?", [new Date().toISOString(), t.id, c]);
      expect((await h().request("PUT", "/v1/webhooks/wb", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["winback.due"], secret: RECEIVER_SECRET, paused: false } })).status).toBe(200);
      await h().maintain(() => new Date());
      expect(await received(c)).toBe(0);
      expect(await queued(t, c)).toBe(0);
    });

    it("a win-back contact dated after the customer's \"no\" is refused (customer_declined_contact); one before it is recorded", async () => {
      const t = await shop(true);
      const { c, s } = await dueToday(t);
      const before = new Date(Date.now() - 60_000).toISOString();
      expect((await h().request("PUT", `/v1/customers/${c}/keep-in-touch`, { key: t.key, body: { keepInTouch: false } })).status).toBe(200);
      const contact = (occurredAt: string) => ({ id: uid("e"), type: "winback.contacted", customerId: c, subscriptionId: s, occurredAt, data: { channel: "email" } });
      const res = await h().request("POST", "/v1/events", { key: t.key, body: { events: [contact(before), contact(new Date().toISOString())] } });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { status: number; error?: { code: string } }) => [r.status, r.error?.code])).toEqual([
        [201, undefined],
        [409, "customer_declined_contact"],
      ]);
      expect(res.body.results[1].error.errors).toEqual([{ path: "events.1.occurredAt", message: expect.any(String) }]);
    });

    it("a marketing opt-out synced after a keep-in-touch \"yes\" is the latest answer: not contactable, the queued winback.due dropped (PUT and POST /v1/sync)", async () => {
      const t = await shop(true);
      const one = await dueToday(t);
      const two = await dueToday(t);
      await h().maintain(() => new Date());
      expect(await queued(t, one.c)).toBe(1);
      expect((await keepInTouch(t, one.c)).contactable).toBe(true);

      const put = await h().request("PUT", `/v1/customers/${one.c}`, { key: t.key, body: customerBody({ marketingConsent: false }) });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ marketingConsent: false, keepInTouch: false });
      const sync = await h().request("POST", "/v1/sync", { key: t.key, body: { customers: [{ id: two.c, ...customerBody({ marketingConsent: false }) }] } });
      expect(sync.body).toMatchObject({ applied: 1, refused: 0 });
      for (const c of [one.c, two.c]) {
        expect(await keepInTouch(t, c)).toMatchObject({ keepInTouch: false, contactable: false });
        expect((await history(t, c)).at(-1)).toMatchObject({ granted: false, source: "customer_sync" });
        expect(await queued(t, c)).toBe(0);
      }
      // A later marketing "yes" does not turn the keep-in-touch "no" back.
      expect((await h().request("PUT", `/v1/customers/${one.c}`, { key: t.key, body: customerBody({ marketingConsent: true }) })).body).toMatchObject({ marketingConsent: true, keepInTouch: false });
      expect((await keepInTouch(t, one.c)).contactable).toBe(false);
    });

    it("a cart sync's keepInTouch: true does not overturn the customer's own \"no\": kept, said in warnings, nothing recorded; after the cart's own \"no\" it is taken", async () => {
      const t = await shop(true);
      const own = await dueToday(t);
      const session = await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: own.c } });
      expect((await h().request("PUT", `/v1/customers/${own.c}/keep-in-touch`, { key: session.body.token, body: { keepInTouch: false } })).status).toBe(200);
      const answers = (await history(t, own.c)).length;

      const put = await h().request("PUT", `/v1/customers/${own.c}`, { key: t.key, headers: { "accept-language": "ja" }, body: customerBody({ keepInTouch: true }) });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ keepInTouch: false, warnings: [{ code: "keep_in_touch_kept", path: "keepInTouch", message: expect.stringContaining("上書きしません") }] });
      const sync = await h().request("POST", "/v1/sync", { key: t.key, body: { customers: [{ id: own.c, ...customerBody({ keepInTouch: true }) }] } });
      expect(sync.body.results[0]).toMatchObject({ result: "applied", warnings: [{ code: "keep_in_touch_kept", path: "keepInTouch" }] });
      expect(await keepInTouch(t, own.c)).toMatchObject({ keepInTouch: false, contactable: false });
      expect(await history(t, own.c)).toHaveLength(answers);

      // The cart's own "no", then its "yes": taken (and no warning).
      const cart = await dueToday(t);
      expect((await h().request("PUT", `/v1/customers/${cart.c}`, { key: t.key, body: customerBody({ keepInTouch: false }) })).body.keepInTouch).toBe(false);
      const yes = await h().request("PUT", `/v1/customers/${cart.c}`, { key: t.key, body: customerBody({ keepInTouch: true }) });
      expect(yes.body).toMatchObject({ keepInTouch: true });
      expect(yes.body.warnings).toBeUndefined();
    });
  });
}
