import { beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate, writeDate } from "../../src/platform/dates";
import { Canceled, Evidence, FlowClosed, FlowStarted, ReactivationResult, ReasonAnswer, Saved } from "../../src/cancel-flows/schemas";
import { RetentionMetrics } from "../../src/metrics/routes";
import { OfferList, SuggestionList } from "../../src/offers/schemas";
import { Subscription } from "../../src/subscriptions/schemas";
import { customerBody, RECEIVER_SECRET, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

/**
 * The cancel flow's fairness rules, as a customer would experience them, through HTTP.
 * `moving` is used where one particular offer is needed: the default catalogue has exactly one
 * offer for it (move the next delivery), so the offer shown does not depend on the bandit's draw.
 */
export function cancelFlowsSuite(h: () => Harness) {
  describe("cancel flow: the customer's rules", () => {
    let t: TestTenant;
    let customerId: string;
    const today = () => localDate(new Date(), "Asia/Tokyo");
    /** Each answer matches the schema its route documents. */
    const conforms = (schema: { safeParse(x: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
      const parsed = schema.safeParse(body);
      expect(parsed.success, JSON.stringify(parsed.error)).toBe(true);
    };
    const newSubscription = async (over: Record<string, unknown> = {}, tenant = t) => {
      const id = uid("S");
      const res = await h().request("PUT", `/v1/subscriptions/${id}`, { key: tenant.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 12), ...over }) });
      expect(res.status).toBe(201);
      return id;
    };
    const start = (id: string, key = t.key) => h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key, body: { channel: "web" } });
    const post = (flowId: string, step: string, body: unknown, key = t.key, headers?: Record<string, string>) =>
      h().request("POST", `/v1/cancel-flows/${flowId}/${step}`, { key, body, headers });

    beforeAll(async () => {
      t = await h().tenant();
      customerId = uid("C");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
    });

    it("cancelling takes two calls: start, then confirm — no reason needed", async () => {
      const id = await newSubscription();
      const started = await start(id);
      expect(started.status).toBe(201);
      conforms(FlowStarted, started.body);
      expect(started.body).toMatchObject({ flowId: expect.stringMatching(/^cf_/), status: "open", commitment: null });
      expect(started.body.reasons.map((r: { code: string }) => r.code)).toContain("surplus_stock");
      const done = await post(started.body.flowId, "confirm", {});
      expect(done.status).toBe(200);
      conforms(Canceled, done.body);
      expect(done.body).toMatchObject({
        outcome: "canceled",
        confirmationNumber: expect.stringMatching(/^CN-\d{8}-[A-Z0-9]{6}$/),
        effectiveOn: today(),
        cutoff: { nextDeliveryOn: addDays(today(), 12), nextDeliveryStopped: true },
        charges: [],
        subscription: { id, status: "canceled", nextDeliveryOn: null },
      });
      expect(done.body.receipt).toContain(done.body.confirmationNumber);
      expect(done.body.receivedAt).toBe(done.body.canceledAt);
      const evidence = await h().request("GET", `/v1/cancel-flows/${started.body.flowId}`, { key: t.key });
      conforms(Evidence, evidence.body);
      expect(evidence.body).toMatchObject({ status: "canceled", outcome: "canceled", calls: 2 });
      expect(evidence.body.steps.map((s: { type: string }) => s.type)).toEqual(["started", "cancel_confirmed"]);
    });

    it("declining is just confirming, and there is no second offer by default", async () => {
      const id = await newSubscription();
      const { body: flow } = await start(id);
      const reason = await post(flow.flowId, "reason", { reason: "moving", comment: "引っ越します" }, t.key, { "accept-language": "en" });
      expect(reason.status).toBe(200);
      conforms(ReasonAnswer, reason.body);
      expect(reason.body.offer).toMatchObject({ offerId: "off_move_delivery", type: "skip", templateVersion: 3 });
      expect(reason.body.offer.title).toMatch(/Move your next delivery/);
      expect(reason.body.offers).toHaveLength(1);
      const again = await post(flow.flowId, "reason", { reason: "too_expensive" });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("reason_already_given");
      const done = await post(flow.flowId, "confirm", {});
      expect(done.body.outcome).toBe("canceled");
      const evidence = (await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body;
      expect(evidence.calls).toBe(3);
      expect(evidence.offersShown[0]).toMatchObject({ offerId: "off_move_delivery", templateVersion: 3, displayedIn: "en" });
      expect(evidence.steps[1]).toMatchObject({ type: "reason_given", data: { reason: "moving", comment: "引っ越します" } });
    });

    it("an accepted offer never cancels, and a confirmed cancel is never turned into a save", async () => {
      const id = await newSubscription();
      const { body: flow } = await start(id);
      const { body: reason } = await post(flow.flowId, "reason", { reason: "moving" });
      const saved = await post(flow.flowId, "accept", { offerId: reason.offer.offerId });
      expect(saved.status).toBe(200);
      conforms(Saved, saved.body);
      expect(saved.body).toMatchObject({ outcome: "saved", subscription: { id, status: "active" }, change: { type: "next_delivery", source: { cancelFlowId: flow.flowId } } });
      expect(saved.body.subscription.nextDeliveryOn).toBe(reason.offer.parameters.suggestedDeliveryOn);
      const confirmAfterSave = await post(flow.flowId, "confirm", {});
      expect(confirmAfterSave.status).toBe(409);
      expect(confirmAfterSave.body.code).toBe("cancel_flow_saved");
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body.status).toBe("active");

      const id2 = await newSubscription();
      const { body: flow2 } = await start(id2);
      const { body: reason2 } = await post(flow2.flowId, "reason", { reason: "moving" });
      expect((await post(flow2.flowId, "confirm", {})).body.outcome).toBe("canceled");
      const acceptAfterCancel = await post(flow2.flowId, "accept", { offerId: reason2.offer.offerId });
      expect(acceptAfterCancel.status).toBe(409);
      expect(acceptAfterCancel.body.code).toBe("cancel_flow_canceled");
      expect((await h().request("GET", `/v1/subscriptions/${id2}`, { key: t.key })).body.status).toBe("canceled");
    });

    it("a plan change made while the flow is open ends it as saved, on whatever channel; the offer it matches is the one taken", async () => {
      const retention = async () => (await h().request("GET", "/v1/metrics/retention", { key: t.key })).body as { started: number; saved: number; canceled: number };
      const before = await retention();
      // On the my-page: the customer starts cancelling, gives a reason, sees the offer, goes back
      // and changes the interval instead — with their own session, as the portal does.
      const id = await newSubscription();
      const token = (await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId } })).body.token as string;
      const { body: flow } = await start(id, token);
      const { body: reason } = await post(flow.flowId, "reason", { reason: "moving" }, token);
      expect(reason.offer.offerId).toBe("off_move_delivery");
      const changed = await h().request("POST", `/v1/subscriptions/${id}/interval`, { key: token, body: { intervalDays: 60 } });
      expect(changed.status).toBe(200);
      conforms(Subscription, changed.body.subscription);
      const evidence = (await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body;
      conforms(Evidence, evidence);
      expect(evidence).toMatchObject({ status: "saved", outcome: "saved", acceptedOfferId: null, calls: 3 });
      expect(evidence.steps.map((x: { type: string }) => x.type)).toEqual(["started", "reason_given", "saved_by_plan_change"]);
      expect(evidence.steps[2]).toMatchObject({ channel: "web", actor: { type: "customer" }, data: { changeId: changed.body.change.id, change: "interval", offerId: null } });
      // It ended: confirming now is refused, saying why; a new flow still cancels.
      const late = await post(flow.flowId, "confirm", {}, token, { "accept-language": "en" });
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ code: "cancel_flow_saved", flowStatus: "saved" });
      expect(late.body.detail).toContain("plan change");
      const after = await retention();
      expect([after.started - before.started, after.saved - before.saved, after.canceled - before.canceled]).toEqual([1, 1, 0]);

      // Through the shop's API, the change the offer shown proposed (its date): that offer taken.
      const id2 = await newSubscription();
      const { body: flow2 } = await start(id2);
      const { body: reason2 } = await post(flow2.flowId, "reason", { reason: "moving" });
      const moved = await h().request("POST", `/v1/subscriptions/${id2}/next-delivery`, { key: t.key, body: { date: reason2.offer.parameters.suggestedDeliveryOn, channel: "api" } });
      expect(moved.status).toBe(200);
      const evidence2 = (await h().request("GET", `/v1/cancel-flows/${flow2.flowId}`, { key: t.key })).body;
      expect(evidence2).toMatchObject({ status: "saved", acceptedOfferId: "off_move_delivery" });
      expect(evidence2.steps.at(-1)).toMatchObject({ type: "saved_by_plan_change", channel: "api", data: { change: "next_delivery", offerId: "off_move_delivery" } });

      // An offer accepted in the flow closes it once, as before: no second step from its own change.
      const id3 = await newSubscription();
      const { body: flow3 } = await start(id3);
      const { body: reason3 } = await post(flow3.flowId, "reason", { reason: "moving" });
      expect((await post(flow3.flowId, "accept", { offerId: reason3.offer.offerId })).status).toBe(200);
      const evidence3 = (await h().request("GET", `/v1/cancel-flows/${flow3.flowId}`, { key: t.key })).body;
      expect(evidence3.steps.map((x: { type: string }) => x.type)).toEqual(["started", "reason_given", "offer_accepted"]);
      // A change with no flow open touches no flow.
      expect((await h().request("POST", `/v1/subscriptions/${id3}/quantity`, { key: t.key, body: { quantity: 2 } })).status).toBe(200);
      expect((await h().request("GET", `/v1/cancel-flows/${flow3.flowId}`, { key: t.key })).body.steps).toHaveLength(3);
    });

    it("leaving a flow (abandon) ends it: a later plan change is not counted as a save; abandoning again, or a closed flow, answers its state", async () => {
      const retention = async () => (await h().request("GET", "/v1/metrics/retention", { key: t.key })).body as { started: number; saved: number; canceled: number; abandoned: number };
      const before = await retention();
      const id = await newSubscription();
      const token = (await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId } })).body.token as string;
      const { body: flow } = await start(id, token);
      // The customer goes back to their list: the portal says so, with their own session and no body.
      const left = await h().request("POST", `/v1/cancel-flows/${flow.flowId}/abandon`, { key: token });
      expect(left.status).toBe(200);
      conforms(FlowClosed, left.body);
      expect(left.body).toMatchObject({ flowId: flow.flowId, subscriptionId: id, status: "abandoned", outcome: "abandoned", closedAt: expect.any(String) });
      // Then raises the quantity: a plain change, not the flow's save.
      expect((await h().request("POST", `/v1/subscriptions/${id}/quantity`, { key: token, body: { quantity: 2 } })).status).toBe(200);
      const evidence = (await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body;
      expect(evidence).toMatchObject({ status: "abandoned", outcome: "abandoned" });
      expect(evidence.steps.map((x: { type: string }) => x.type)).toEqual(["started", "left"]);
      expect(evidence.steps[1]).toMatchObject({ channel: "web", actor: { type: "customer" } });
      const after = await retention();
      expect([after.started - before.started, after.saved - before.saved, after.abandoned - before.abandoned]).toEqual([1, 0, 1]);
      // Again (a pagehide after the back button): nothing changes, the same state.
      const again = await h().request("POST", `/v1/cancel-flows/${flow.flowId}/abandon`, { key: token });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(left.body);
      expect((await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body.steps).toHaveLength(2);
      // A canceled flow stays canceled.
      const { body: flow2 } = await start(id, token);
      expect((await post(flow2.flowId, "confirm", {}, token)).status).toBe(200);
      const closed = await h().request("POST", `/v1/cancel-flows/${flow2.flowId}/abandon`, { key: token });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ status: "canceled", outcome: "canceled" });
      // Another customer's session cannot reach it.
      const otherCustomer = uid("C");
      await h().request("PUT", `/v1/customers/${otherCustomer}`, { key: t.key, body: customerBody() });
      const other = (await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: otherCustomer } })).body.token as string;
      const foreign = await h().request("POST", `/v1/cancel-flows/${flow.flowId}/abandon`, { key: other });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe("cancel_flow_not_found");
    });

    it("one cancellation is one cancellation: confirming a replaced flow closes the newer one as abandoned, never later credited with a save", async () => {
      // A shop of its own, so its save rate is this test's alone.
      const shop = await h().tenant();
      const person = uid("C");
      await h().request("PUT", `/v1/customers/${person}`, { key: shop.key, body: customerBody() });
      const id = uid("S");
      expect((await h().request("PUT", `/v1/subscriptions/${id}`, { key: shop.key, body: subscriptionBody(person, { nextDeliveryOn: addDays(today(), 12) }) })).status).toBe(201);
      const { body: a } = await start(id, shop.key);
      const { body: b } = await start(id, shop.key); // a → abandoned (superseded)
      // The replaced flow shows no more offers, and says why — yet confirming it still cancels.
      const reason = await post(a.flowId, "reason", { reason: "moving" }, shop.key, { "accept-language": "en" });
      expect(reason.status).toBe(409);
      expect(reason.body).toMatchObject({ code: "cancel_flow_expired", flowStatus: "abandoned" });
      expect(reason.body.detail).toMatch(/replaced by a newer cancel flow/);
      const done = await post(a.flowId, "confirm", {}, shop.key);
      expect(done.status).toBe(200);
      expect(done.body.outcome).toBe("canceled");
      // The newer flow closed with the cancellation: abandoned, with the cancellation named.
      const closed = (await h().request("GET", `/v1/cancel-flows/${b.flowId}`, { key: shop.key })).body;
      conforms(Evidence, closed);
      expect(closed).toMatchObject({ status: "abandoned", outcome: "abandoned", closedAt: done.body.canceledAt });
      expect(closed.steps.at(-1)).toMatchObject({ type: "subscription_canceled", data: { previousStatus: "open", confirmationNumber: done.body.confirmationNumber, changeId: expect.stringMatching(/^chg_/) } });
      // Reactivated, then skipped: a plain change, not a save of a flow opened before the cancellation.
      expect((await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: shop.key, body: {} })).status).toBe(200);
      expect((await h().request("POST", `/v1/subscriptions/${id}/skip`, { key: shop.key, body: {} })).status).toBe(200);
      const after = (await h().request("GET", `/v1/cancel-flows/${b.flowId}`, { key: shop.key })).body;
      expect(after).toMatchObject({ status: "abandoned", outcome: "abandoned", acceptedOfferId: null });
      expect(after.steps.map((x: { type: string }) => x.type)).toEqual(["started", "subscription_canceled"]);
      // 解約阻止率: two flows of one attempt (the newer one a restart of it), one cancellation — undone by
      // the same day's reactivation, so `undone`, not `canceled` — no save, nothing abandoned.
      const metrics = await h().request("GET", "/v1/metrics/retention", { key: shop.key });
      conforms(RetentionMetrics, metrics.body);
      expect(metrics.body).toMatchObject({ started: 1, restarted: 1, saved: 0, canceled: 0, undone: 1, abandoned: 0, open: 0, saveRate: null });
    });

    it("a plan cancelled by the shop's sync (PUT or bulk) closes its open flows as abandoned; a later change saves none", async () => {
      const retention = async () => (await h().request("GET", "/v1/metrics/retention", { key: t.key })).body as { saved: number; abandoned: number };
      const before = await retention();
      const byPut = await newSubscription();
      const byBulk = await newSubscription();
      const { body: f1 } = await start(byPut);
      const { body: f2 } = await start(byBulk);
      expect((await post(f2.flowId, "reason", { reason: "moving" })).body.offer).not.toBeNull();
      const canceled = { status: "canceled", nextDeliveryOn: null, canceledAt: new Date().toISOString() };
      expect((await h().request("PUT", `/v1/subscriptions/${byPut}`, { key: t.key, body: subscriptionBody(customerId, canceled) })).status).toBe(200);
      const bulk = await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: byBulk, ...subscriptionBody(customerId, canceled) }] } });
      expect(bulk.body).toMatchObject({ applied: 1, refused: 0 });
      for (const [flow, previousStatus] of [[f1, "open"], [f2, "offered"]] as const) {
        const evidence = (await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body;
        conforms(Evidence, evidence);
        expect(evidence).toMatchObject({ status: "abandoned", outcome: "abandoned" });
        expect(evidence.steps.at(-1)).toMatchObject({ type: "subscription_canceled", channel: "api", actor: { type: "system", id: "sync" }, data: { previousStatus, changeId: null, confirmationNumber: null } });
        // Confirming it now: the plan is already canceled.
        const late = await post(flow.flowId, "confirm", {});
        expect(late.status).toBe(409);
        expect(late.body.code).toBe("subscription_canceled");
      }
      // The cart system restarts the plan; the customer skips: no flow is saved by it.
      expect((await h().request("PUT", `/v1/subscriptions/${byBulk}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 12) }) })).status).toBe(200);
      expect((await h().request("POST", `/v1/subscriptions/${byBulk}/skip`, { key: t.key, body: {} })).status).toBe(200);
      expect((await h().request("GET", `/v1/cancel-flows/${f2.flowId}`, { key: t.key })).body.status).toBe("abandoned");
      const after = await retention();
      expect([after.saved - before.saved, after.abandoned - before.abandoned]).toEqual([0, 2]);
    });

    it("confirming with a stale If-Match (the plan changed since the terms were shown) answers 412 and cancels nothing", async () => {
      const id = await newSubscription();
      const { body: flow } = await start(id);
      const stale = await post(flow.flowId, "confirm", {}, t.key, { "if-match": '"0"' });
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe("version_conflict");
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body.status).toBe("active");
      const version = (await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body.version as number;
      expect((await post(flow.flowId, "confirm", {}, t.key, { "if-match": `"${version}"` })).status).toBe(200);
    });

    it("a fee is disclosed before confirming and needs acknowledging — never a refusal", async () => {
      const id = await newSubscription({ deliveriesCompleted: 1, commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } } });
      const info = await h().request("GET", `/v1/subscriptions/${id}/cancellation-info`, { key: t.key });
      expect(info.body.commitment).toMatchObject({ minDeliveries: 3, feeAppliesIfCanceledNow: true, earlyCancellationFee: { amount: 5000 } });
      expect(info.body.summary).toContain("解約手数料5,000円がかかります");
      const { body: flow } = await start(id);
      expect(flow.commitment).toMatchObject({ minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" }, acknowledgeFeeRequired: true });
      const refused = await post(flow.flowId, "confirm", {});
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: "fee_acknowledgement_required", fee: { amount: 5000 } });
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body.status).toBe("active");
      const done = await post(flow.flowId, "confirm", { acknowledgeFee: true });
      expect(done.status).toBe(200);
      expect(done.body.charges).toEqual([expect.objectContaining({ type: "early_cancellation_fee", amount: { amount: 5000, currency: "JPY" } })]);
    });

    it("the record says who acknowledged the fee and in which words, the language the terms were given in, and the call they were given on", async () => {
      const id = await newSubscription({ deliveriesCompleted: 1, commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } } });
      const { body: flow } = await start(id);
      const startedAt = new Date(Date.now() - 5 * 60_000).toISOString();
      const wording = "The early-cancellation fee was read out and the customer agreed";
      const done = await post(flow.flowId, "confirm", { acknowledgeFee: true, acknowledgementWording: wording, disclosedIn: "en", call: { startedAt, callId: "CALL-0042" } }, t.key, { "accept-language": "ja" });
      expect(done.status).toBe(200);
      const evidence = (await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body;
      conforms(Evidence, evidence);
      const confirmed = evidence.steps.find((x: { type: string }) => x.type === "cancel_confirmed");
      // The shop's key ticked it (its site, its IVR), not the customer in their own session; the screen was Japanese, the terms were given in English.
      expect(confirmed.data).toMatchObject({ acknowledgeFee: true, feeAcknowledgement: { by: "key", wording }, disclosedIn: "en", call: { startedAt, callId: "CALL-0042" } });
      expect(evidence.steps.find((x: { type: string }) => x.type === "started").data.displayedIn).toBe("ja");

      // Without a fee, nothing was acknowledged; without a call, none is named; the language defaults to the request's.
      const plain = await newSubscription();
      const { body: other } = await start(plain);
      expect((await post(other.flowId, "confirm", {}, t.key, { "accept-language": "en" })).status).toBe(200);
      const data = (await h().request("GET", `/v1/cancel-flows/${other.flowId}`, { key: t.key })).body.steps.find((x: { type: string }) => x.type === "cancel_confirmed").data;
      expect(data).toMatchObject({ feeAcknowledgement: null, disclosedIn: "en", call: null });
      // A call id that is not text is refused, and cancels nothing.
      const third = await newSubscription();
      const { body: f3 } = await start(third);
      const bad = await post(f3.flowId, "confirm", { call: { callId: 42 } });
      expect(bad.status).toBe(422);
      expect((await h().request("GET", `/v1/subscriptions/${third}`, { key: t.key })).body.status).toBe("active");
    });

    it("cancellation-info names the end date a cancellation now would have (解約日): today, or a delivery already inside the cut-off", async () => {
      const later = await newSubscription({ nextDeliveryOn: addDays(today(), 12) });
      const soon = await newSubscription({ nextDeliveryOn: addDays(today(), 1) });
      const info = async (id: string) => (await h().request("GET", `/v1/subscriptions/${id}/cancellation-info`, { key: t.key })).body;
      expect(await info(later)).toMatchObject({ effectiveOnIfCanceledNow: today(), cutoff: { nextDeliveryOn: addDays(today(), 12), nextDeliveryStoppedIfCanceledNow: true } });
      expect(await info(soon)).toMatchObject({ effectiveOnIfCanceledNow: addDays(today(), 1), cutoff: { nextDeliveryStoppedIfCanceledNow: false } });
    });

    it("the fee's basis explains the commitment — promised, received, remaining, and that taking the rest avoids it — where it is disclosed and refused; the receipt keeps the basis", async () => {
      const next = addDays(today(), 12);
      const id = await newSubscription({ deliveriesCompleted: 1, nextDeliveryOn: next, commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } } });
      const says = `お申込み時の定期コースのお約束は3回で、これまでのお受け取りは1回、残り2回のため、解約手数料5,000円がかかります。`;
      const avoids = `残り2回（次回 ${writeDate(next, "ja", "full")}）をお受け取りいただくと、手数料はかかりません。`;
      const { body: flow } = await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "web" }, headers: { "accept-language": "ja" } });
      expect(flow.commitment.basis).toContain(says);
      expect(flow.commitment.basis).toContain(avoids);
      expect(flow.ifCanceledNow.charges[0].basis).toContain(avoids);
      const refused = await post(flow.flowId, "confirm", {}, t.key, { "accept-language": "ja" });
      expect(refused.body.basis).toContain(avoids);
      const done = await post(flow.flowId, "confirm", { acknowledgeFee: true }, t.key, { "accept-language": "en" });
      expect(done.body.receipt).toContain(`1 received, 2 to go`);
      // Once cancelled, the receipt keeps the basis without the way to avoid the fee (that was for before).
      expect(done.body.receipt).toContain("so cancelling before it is met brings the early-cancellation fee of ¥5,000.");
      expect(done.body.receipt).not.toContain("avoids the fee");
    });

    it("confirm never charges terms the customer was not shown: past the cut-off meanwhile, 409 with the new terms, recorded as shown; confirming again goes through", async () => {
      const shop = await h().tenant();
      await h().request("PUT", `/v1/customers/${customerId}`, { key: shop.key, body: customerBody() });
      const next = addDays(today(), 12);
      const id = await newSubscription({ nextDeliveryOn: next, quantity: 3, unitPrice: { amount: 4500, currency: "JPY" } }, shop);
      const { body: flow } = await start(id, shop.key);
      expect(flow.ifCanceledNow).toMatchObject({ nextDelivery: { on: next, stopped: true }, charges: [] });
      // The clock passing midnight into the cut-off, as the shop's longer cut-off does now.
      expect((await h().request("PATCH", "/v1/settings", { key: shop.key, body: { changeCutoffDays: 20 } })).status).toBe(200);
      const refused = await post(flow.flowId, "confirm", {}, shop.key, { "accept-language": "ja" });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: "cancellation_terms_changed",
        changed: ["charges", "nextDelivery", "effectiveOn"],
        ifCanceledNow: { effectiveOn: next, nextDelivery: { on: next, stopped: false }, charges: [{ type: "final_delivery", amount: { amount: 13500, currency: "JPY" } }], total: { amount: 13500 } },
      });
      expect(refused.body.detail).toContain("13,500円");
      // Nothing was cancelled; the new terms are in the evidence as shown.
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: shop.key })).body).toMatchObject({ status: "active", nextDeliveryOn: next });
      const evidence = (await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: shop.key })).body;
      conforms(Evidence, evidence);
      expect(evidence.status).toBe("open");
      expect(evidence.steps.map((s: { type: string }) => s.type)).toEqual(["started", "terms_disclosed"]);
      expect(evidence.steps[1].data).toMatchObject({ termsChanged: ["charges", "nextDelivery", "effectiveOn"], termsDisclosed: { nextDelivery: { stopped: false }, total: { amount: 13500 } } });
      // Shown, then confirmed: the cancellation goes through under those terms.
      const done = await post(flow.flowId, "confirm", {}, shop.key, { "accept-language": "ja" });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ outcome: "canceled", totalCharge: { amount: 13500 }, cutoff: { nextDeliveryStopped: false } });
      expect(done.body.receipt).toContain("今後のご請求：合計13,500円");
    });

    it("a final delivery inside the cut-off that an accepted discount covers is charged, and receipted, at the discounted price", async () => {
      const shop = await h().tenant();
      await h().request("PUT", `/v1/customers/${customerId}`, { key: shop.key, body: customerBody() });
      const next = addDays(today(), 12);
      const id = await newSubscription({ nextDeliveryOn: next, quantity: 2 }, shop);
      // The customer took 20% off their next 2 deliveries (2 × 3,980円 → 6,368円 each) by phone.
      const saving = await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: shop.key, body: { channel: "operator" } });
      expect((await post(saving.body.flowId, "reason", { reason: "too_expensive", offerId: "off_discount_20x2" }, shop.key)).status).toBe(200);
      const saved = await post(saving.body.flowId, "accept", { offerId: "off_discount_20x2" }, shop.key);
      expect(saved.body.subscription.activeDiscount).toMatchObject({ percentOff: 20, startsOn: next });
      // Later, inside the cut-off (the shop's longer cut-off stands in for the days passing), they cancel.
      expect((await h().request("PATCH", "/v1/settings", { key: shop.key, body: { changeCutoffDays: 20 } })).status).toBe(200);
      const info = await h().request("GET", `/v1/subscriptions/${id}/cancellation-info`, { key: shop.key, headers: { "accept-language": "ja" } });
      expect(info.body.chargesIfCanceledNow).toEqual([expect.objectContaining({ type: "final_delivery", amount: { amount: 6368, currency: "JPY" } })]);
      const { body: flow } = await start(id, shop.key);
      const done = await post(flow.flowId, "confirm", {}, shop.key, { "accept-language": "ja" });
      expect(done.status).toBe(200);
      conforms(Canceled, done.body);
      expect(done.body).toMatchObject({ effectiveOn: next, charges: [{ type: "final_delivery", amount: { amount: 6368, currency: "JPY" } }], totalCharge: { amount: 6368 } });
      expect(done.body.receipt).toContain("今後のご請求：合計6,368円");
      expect(done.body.receipt).toContain("20%オフの6,368円（税込）が請求されます");
    });

    it("subscription.canceled carries the receipt in both languages, as the confirmation showed it, for the shop to e-mail", async () => {
      const shop = await h().tenant();
      await h().request("PUT", `/v1/customers/${customerId}`, { key: shop.key, body: customerBody() });
      expect((await h().request("PUT", "/v1/webhooks/mail", { key: shop.key, body: { url: `${h().receiverUrl}/hook`, events: ["subscription.canceled"], secret: RECEIVER_SECRET } })).status).toBe(201);
      const id = await newSubscription({}, shop);
      const { body: flow } = await start(id, shop.key);
      const done = await post(flow.flowId, "confirm", {}, shop.key, { "accept-language": "ja" });
      expect(done.status).toBe(200);
      type Got = { verified: { type: string; data: { confirmationNumber?: string; receipt?: { ja: string; en: string } } } | null };
      let mine: Got | undefined;
      for (let i = 0; i < 100 && !mine; i++) {
        if (i === 0) await h().maintain();
        const got = (await (await fetch(`${h().receiverUrl}/received`)).json()) as Got[];
        mine = got.find((g) => g.verified?.type === "subscription.canceled" && g.verified.data.confirmationNumber === done.body.confirmationNumber);
        if (!mine) await new Promise((r) => setTimeout(r, 100));
      }
      expect(mine?.verified?.data.receipt?.ja).toBe(done.body.receipt);
      expect(mine?.verified?.data.receipt?.en).toContain(`Confirmation number: ${done.body.confirmationNumber}`);
    });

    it("reactivated the same day, a cancellation with a fee is undone: the fee is waived, said and recorded; the schedule and commitment continue", async () => {
      const commitment = { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } };
      const id = await newSubscription({ deliveriesCompleted: 2, nextDeliveryOn: addDays(today(), 14), commitment });
      const { body: flow } = await start(id);
      const done = await post(flow.flowId, "confirm", { acknowledgeFee: true }, t.key, { "accept-language": "ja" });
      expect(done.body.receipt).toContain("今後のご請求：合計5,000円");
      expect(done.body.subscription.cancellation).toMatchObject({ stoppedDeliveryOn: addDays(today(), 14), earlyCancellationFee: { amount: 5000, currency: "JPY" } });
      const back = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: { channel: "operator" }, headers: { "accept-language": "ja" } });
      expect(back.status).toBe(200);
      conforms(ReactivationResult, back.body);
      // The customer's own next delivery, not the earliest changeable date; the commitment and its count continue.
      expect(back.body.subscription).toMatchObject({ status: "active", nextDeliveryOn: addDays(today(), 14), deliveriesCompleted: 2, commitment });
      expect(back.body.cancellationFee).toMatchObject({ amount: { amount: 5000 }, waived: true, commitment: "continues", confirmationNumber: done.body.confirmationNumber });
      expect(back.body.cancellationFee.note).toContain("解約手数料5,000円");
      expect(back.body.cancellationFee.note).toContain("かかりません");
      // The merchant's billing reads it from the change (history, subscription.reactivated) and the flow's evidence.
      expect(back.body.change.source.cancellationFee).toMatchObject({ waived: true, amount: { amount: 5000, currency: "JPY" } });
      const changes = await h().request("GET", `/v1/subscriptions/${id}/changes`, { key: t.key });
      expect(changes.body.data.find((c: { type: string }) => c.type === "reactivate").source.cancellationFee).toMatchObject({ waived: true });
      const evidence = await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key });
      expect(evidence.body.steps.at(-1)).toMatchObject({ type: "cancellation_fee_waived", data: { waived: true, changeId: back.body.change.id, amount: { amount: 5000 } } });
      // The fee was not charged, so a later cancellation brings it once — not twice.
      const info = await h().request("GET", `/v1/subscriptions/${id}/cancellation-info`, { key: t.key });
      expect(info.body.commitment).toMatchObject({ deliveriesCompleted: 2, feeAppliesIfCanceledNow: true });
    });

    it("reactivated after the cancellation took effect, its fee stands and settles the commitment: never charged twice", async () => {
      const commitment = { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } };
      const id = await newSubscription({ deliveriesCompleted: 2, nextDeliveryOn: addDays(today(), 14), commitment });
      const { body: flow } = await start(id);
      await post(flow.flowId, "confirm", { acknowledgeFee: true });
      // As if cancelled on an earlier day (the clock cannot go back through HTTP): its effective date has passed.
      await h().sql("UPDATE subscriptions SET cancellation = json_set(cancellation, '$.effectiveOn', ?) WHERE id = ?", [addDays(today(), -1), id]);
      const back = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: {}, headers: { "accept-language": "en" } });
      expect(back.status).toBe(200);
      conforms(ReactivationResult, back.body);
      expect(back.body.cancellationFee).toMatchObject({ waived: false, commitment: "settled" });
      expect(back.body.cancellationFee.note).toContain("stands");
      expect(back.body.subscription).toMatchObject({ commitment: null, nextDeliveryOn: addDays(today(), 14) });
      const info = await h().request("GET", `/v1/subscriptions/${id}/cancellation-info`, { key: t.key });
      expect(info.body.commitment).toBeNull();
      expect(info.body.chargesIfCanceledNow).toEqual([]);
      const evidence = await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key });
      expect(evidence.body.steps.at(-1)).toMatchObject({ type: "cancellation_fee_stands", data: { waived: false } });
    });

    it("a reactivation after a cancellation without a fee says nothing about one", async () => {
      const id = await newSubscription();
      const { body: flow } = await start(id);
      await post(flow.flowId, "confirm", {});
      const back = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: {} });
      expect(back.status).toBe(200);
      expect(back.body).not.toHaveProperty("cancellationFee");
      expect(back.body.change.source).not.toHaveProperty("cancellationFee");
    });

    it("cancellation-info names the fee only when it applies now, and speaks to customers without API paths", async () => {
      const fee = { minDeliveries: 4, earlyCancellationFee: { amount: 5000, currency: "JPY" } };
      const met = await newSubscription({ deliveriesCompleted: 23, commitment: fee });
      const ask = async (id: string, lang: string) => (await h().request("GET", `/v1/subscriptions/${id}/cancellation-info`, { key: t.key, headers: { "accept-language": lang } })).body;
      const [metJa, metEn] = [await ask(met, "ja"), await ask(met, "en")];
      // The same decision as the confirm's: no fee to acknowledge, none in the summary.
      expect(metJa.commitment).toMatchObject({ feeAppliesIfCanceledNow: false, earlyCancellationFee: { amount: 5000 } });
      expect(metJa.summary).toContain("4回のお受け取りのお約束はすでに満たされているため、解約手数料はかかりません。");
      expect(metJa.summary).not.toMatch(/5,000|5000/);
      expect(metEn.summary).not.toMatch(/5,000|5000/);
      const { body: flow } = await start(met);
      expect(flow.commitment.acknowledgeFeeRequired).toBe(false);
      const early = await ask(await newSubscription({ deliveriesCompleted: 1, commitment: fee }), "ja");
      expect(early.summary).toContain("解約手数料5,000円がかかります");
      for (const body of [metJa, metEn, early]) expect(body.howToCancel.join(" ")).not.toMatch(/\/v1\/|POST|\{/);
      // 5 of 6 received, the 6th inside the cut-off: met by that delivery, not already.
      const byLast = await newSubscription({ deliveriesCompleted: 5, commitment: { ...fee, minDeliveries: 6 }, nextDeliveryOn: addDays(today(), 2) });
      const [lastJa, lastEn] = [await ask(byLast, "ja"), await ask(byLast, "en")];
      expect(lastJa.commitment).toMatchObject({ feeAppliesIfCanceledNow: false });
      expect(lastJa.summary).not.toContain("すでに満たされている");
      expect(lastJa.summary).toContain(`6回のお受け取りのお約束は、${writeDate(addDays(today(), 2), "ja", "full")}に発送するお届け（6回目`);
      expect(lastEn.summary).toContain(`will be met by the delivery shipping on ${writeDate(addDays(today(), 2), "en", "full")}`);
    });

    it("inside the cut-off the next delivery still ships and is charged, said plainly", async () => {
      const id = await newSubscription({ nextDeliveryOn: addDays(today(), 1) });
      const { body: flow } = await start(id);
      const done = await post(flow.flowId, "confirm", {}, t.key, { "accept-language": "ja" });
      expect(done.body).toMatchObject({ effectiveOn: addDays(today(), 1), cutoff: { nextDeliveryStopped: false }, totalCharge: { amount: 3980 } });
      expect(done.body.receipt).toMatch(/受付番号/);
    });

    it("no offer under noOffer, and the flow is still two calls", async () => {
      const other = await h().tenant();
      await h().request("PATCH", "/v1/settings", { key: other.key, body: { retentionPolicy: "noOffer" } });
      await h().request("PUT", `/v1/customers/${customerId}`, { key: other.key, body: customerBody() });
      const id = await newSubscription({}, other);
      const { body: flow } = await start(id, other.key);
      const reason = await post(flow.flowId, "reason", { reason: "moving" }, other.key);
      expect(reason.body).toMatchObject({ offer: null, offers: [], noOfferBecause: "retention_policy_noOffer" });
      expect((await post(flow.flowId, "accept", { offerId: "off_move_delivery" }, other.key)).body.code).toBe("no_offer_shown");
      expect((await post(flow.flowId, "confirm", {}, other.key)).body.outcome).toBe("canceled");
    });

    it("an offer is not shown again at the next attempt: after a flow that showed one and was left, the plan's flows show none for 30 days; another plan still gets one", async () => {
      const id = await newSubscription();
      const first = (await start(id)).body;
      expect((await post(first.flowId, "reason", { reason: "moving" })).body.offer).toMatchObject({ offerId: "off_move_delivery" });
      // The customer leaves, then starts again (twice): no offer, said why; cancelling is still one call away.
      expect((await post(first.flowId, "abandon", undefined)).status).toBe(200);
      for (let attempt = 0; attempt < 2; attempt++) {
        const again = (await start(id)).body;
        const reason = await post(again.flowId, "reason", { reason: "moving" });
        conforms(ReasonAnswer, reason.body);
        expect(reason.body).toMatchObject({ offer: null, offers: [], noOfferBecause: "offered_lately" });
        expect(reason.body.next.accept).toBeUndefined();
      }
      // A plan that showed none yet gets its offer.
      const other = await newSubscription();
      expect((await post((await start(other)).body.flowId, "reason", { reason: "moving" })).body.offer).toMatchObject({ offerId: "off_move_delivery" });
    });

    it("an offer declined on the web is not offered again through an operator: the operator's flow, suggestions and a named offer all say which offer was declined and when (fresh-user trial 25)", async () => {
      const id = await newSubscription();
      const web = (await start(id)).body;
      const shown = await post(web.flowId, "reason", { reason: "too_expensive" }, t.key, { "accept-language": "ja" });
      expect(shown.body.offer).toMatchObject({ offerId: "off_discount_20x2" });
      expect(shown.body.declinedOffer).toBeNull();
      expect((await post(web.flowId, "abandon", undefined)).status).toBe(200);
      const declined = { flowId: web.flowId, offerId: "off_discount_20x2", title: shown.body.offer.title, channel: "web", endedAs: "abandoned", shownAt: expect.any(String), offersAgainFrom: expect.any(String) };
      // The web again: none (as before).
      const webAgain = (await start(id)).body;
      const webReason = await post(webAgain.flowId, "reason", { reason: "too_expensive" }, t.key, { "accept-language": "ja" });
      expect(webReason.body).toMatchObject({ offer: null, offers: [], noOfferBecause: "offered_lately", declinedOffer: declined });
      expect((await post(webAgain.flowId, "abandon", undefined)).status).toBe(200);
      // An operator: none either, saying which offer the customer declined, on which channel and when.
      const operator = (await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "operator" } })).body;
      const named = await post(operator.flowId, "reason", { reason: "too_expensive", offerId: "off_discount_20x2" }, t.key, { "accept-language": "ja" });
      expect(named.status).toBe(422);
      expect(named.body.detail).toContain("off_discount_20x2");
      expect(named.body.detail).toContain(`「${shown.body.offer.title}」`);
      expect(named.body.errors).toContainEqual(expect.objectContaining({ path: "offerId" }));
      const reason = await post(operator.flowId, "reason", { reason: "too_expensive" }, t.key, { "accept-language": "ja" });
      expect(reason.status).toBe(200);
      conforms(ReasonAnswer, reason.body);
      expect(reason.body).toMatchObject({ offer: null, offers: [], noOfferBecause: "offered_lately", declinedOffer: declined });
      expect(Date.parse(reason.body.declinedOffer.offersAgainFrom) - Date.parse(web.startedAt)).toBe(30 * 86_400_000);
      const evidence = await h().request("GET", `/v1/cancel-flows/${operator.flowId}`, { key: t.key });
      conforms(Evidence, evidence.body);
      expect(evidence.body.steps.find((x: { type: string }) => x.type === "reason_given").data).toMatchObject({ noOfferBecause: "offered_lately", declinedOffer: { offerId: "off_discount_20x2", channel: "web" } });
      // What an operator's tooling asks for: no offers, and why.
      const suggested = await h().request("GET", `/v1/subscriptions/${id}/offers?reason=too_expensive&channel=operator`, { key: t.key, headers: { "accept-language": "ja" } });
      conforms(SuggestionList, suggested.body);
      expect(suggested.body).toMatchObject({ data: [], declinedOffer: declined });
      // Another plan still gets its offer, on the operator channel too.
      const other = await newSubscription();
      const fresh = await h().request("GET", `/v1/subscriptions/${other}/offers?reason=too_expensive&channel=operator`, { key: t.key });
      expect(fresh.body.declinedOffer).toBeNull();
      expect(fresh.body.data.map((o: { offerId: string }) => o.offerId)).toContain("off_discount_20x2");
    });

    it("the catalogue refuses cosmetics efficacy claims and copy that contradicts the offer's terms, field by field (fresh-user trial 25)", async () => {
      const advice = (await h().request("GET", "/v1/offers/off_usage_advice", { key: t.key })).body;
      const put = (id: string, body: Record<string, unknown>) => h().request("PUT", `/v1/offers/${id}`, { key: t.key, body, headers: { "accept-language": "ja" } });
      const tip = await put("off_trial25_tip", { type: "usage_advice", parameters: { tips: [{ ja: "続ければシミが消えます", en: "Use it daily." }] }, copy: advice.copy, eligibility: advice.eligibility });
      expect(tip.status).toBe(422);
      expect(tip.body).toMatchObject({ code: "offer_copy_rejected" });
      expect(tip.body.errors).toEqual([expect.objectContaining({ path: "parameters.tips.0.ja", code: "copy_health_claim", phrase: "シミが消え" })]);
      const claim = await put("off_trial25_claim", { type: "usage_advice", parameters: advice.parameters, copy: { ...advice.copy, description: { ...advice.copy.description, ja: "毎日使えば必ずシワが消えます。{tips}" } }, eligibility: advice.eligibility });
      expect(claim.status).toBe(422);
      expect(claim.body.errors).toEqual([expect.objectContaining({ path: "copy.description.ja", code: "copy_health_claim" })]);
      const discount = (await h().request("GET", "/v1/offers/off_discount_20x2", { key: t.key })).body;
      const forever = await put("off_trial25_forever", { type: "discount", parameters: discount.parameters, copy: { ...discount.copy, title: { ...discount.copy.title, ja: "ずっと{discountLabel}" } }, eligibility: discount.eligibility });
      expect(forever.status).toBe(422);
      expect(forever.body.errors).toEqual([expect.objectContaining({ path: "copy.title.ja", code: "copy_discount_forever", phrase: "ずっと" })]);
      const bound = await put("off_trial25_bound", { type: "discount", parameters: discount.parameters, copy: { ...discount.copy, description: { ...discount.copy.description, ja: `${discount.copy.description.ja}※割引適用には今後6回の継続が条件です。` } }, eligibility: discount.eligibility });
      expect(bound.status).toBe(422);
      expect(bound.body.errors).toEqual([expect.objectContaining({ path: "copy.description.ja", code: "copy_added_commitment" })]);
      const skip = (await h().request("GET", "/v1/offers/off_skip_next", { key: t.key })).body;
      const free = await put("off_trial25_free", { type: "skip", parameters: skip.parameters, copy: { ...skip.copy, title: { ...skip.copy.title, ja: "次回のお届けを無料でお届け" } }, eligibility: skip.eligibility });
      expect(free.status).toBe(422);
      expect(free.body.errors).toEqual([expect.objectContaining({ path: "copy.title.ja", code: "copy_false_free", phrase: "無料" })]);
      // Nothing was stored; the permitted cosmetic wording is.
      expect((await h().request("GET", "/v1/offers/off_trial25_free", { key: t.key })).status).toBe(404);
      const fine = await put("off_trial25_fine", { type: "usage_advice", parameters: { tips: [{ ja: "洗顔後に使うと乾燥を防ぎ、肌のキメを整えます。", en: "Use after washing to help prevent dryness." }] }, copy: advice.copy, eligibility: advice.eligibility });
      expect(fine.status).toBe(201);
    });

    it("cancellation-info says what the my-page really takes under each policy, and that a cancelled plan is cancelled, with its date", async () => {
      const info = async (key: string, id: string, lang: string) => (await h().request("GET", `/v1/subscriptions/${id}/cancellation-info`, { key, headers: { "accept-language": lang } })).body;
      const one = await newSubscription();
      const [oneJa, oneEn] = [await info(t.key, one, "ja"), await info(t.key, one, "en")];
      // Up to 4 actions (cancel, optional reason, continue past an offer, confirm), never "2 steps".
      expect(oneJa.summary).not.toContain("2ステップ");
      expect(oneJa.summary).toContain("最大4回の操作");
      expect(oneEn.summary).toContain("at most 4 actions");
      expect(oneJa.howToCancel.join("")).toContain("ご提案が表示されても");
      for (const policy of ["noOffer", "afterCancellation"] as const) {
        const shop = await h().tenant();
        await h().request("PATCH", "/v1/settings", { key: shop.key, body: { retentionPolicy: policy } });
        await h().request("PUT", `/v1/customers/${customerId}`, { key: shop.key, body: customerBody() });
        const id = await newSubscription({}, shop);
        const [ja, en] = [await info(shop.key, id, "ja"), await info(shop.key, id, "en")];
        expect(ja.summary, policy).toContain("2回の操作");
        expect(en.summary, policy).toContain("(2 actions)");
        // No offer stands before the confirmation: none is promised to be skippable.
        expect(ja.howToCancel.join(""), policy).not.toContain("ご提案が表示されても");
        expect(en.howToCancel.join(" "), policy).not.toContain("if an offer is shown");
        expect(ja.howToCancel[0], policy).toContain("ご提案は表示されず");
        expect(ja.howToCancel.join("").includes("再開のご案内"), policy).toBe(policy === "afterCancellation");
      }
      const { body: flow } = await start(one);
      const done = await post(flow.flowId, "confirm", {});
      const [gone, goneEn] = [await info(t.key, one, "ja"), await info(t.key, one, "en")];
      expect(gone.status).toBe("canceled");
      expect(gone.summary).not.toContain("いつでも解約できます");
      expect(gone.summary).toContain(`解約済みです（解約日：${writeDate(done.body.effectiveOn, "ja", "full")}）`);
      expect(gone.summary).toContain(done.body.confirmationNumber);
      expect(goneEn.summary).toContain(`already canceled (it ends on ${writeDate(done.body.effectiveOn, "en", "full")})`);
      expect(gone.howToCancel).toEqual([]);
    });

    it("an offer shown is honoured for the flow's life: a skip offer still applies after the shop sets maxConsecutiveSkips 0", async () => {
      const shop = await h().tenant();
      await h().request("PUT", `/v1/customers/${customerId}`, { key: shop.key, body: customerBody() });
      const id = await newSubscription({}, shop);
      const ranked = (await h().request("GET", `/v1/subscriptions/${id}/offers?reason=surplus_stock&channel=operator`, { key: shop.key })).body.data;
      const skip = ranked.find((o: { parameters: { type: string; mode?: string } }) => o.parameters.type === "skip" && o.parameters.mode === "skip");
      expect(skip).toBeDefined();
      const flow = (await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: shop.key, body: { channel: "operator" } })).body;
      expect((await post(flow.flowId, "reason", { reason: "surplus_stock", offerId: skip.offerId }, shop.key)).status).toBe(200);
      expect((await h().request("PATCH", "/v1/settings", { key: shop.key, body: { maxConsecutiveSkips: 0 } })).status).toBe(200);
      const accepted = await post(flow.flowId, "accept", { offerId: skip.offerId }, shop.key);
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.body.subscription.nextDeliveryOn).toBe(skip.parameters.newNextDeliveryOn);
      // The shop's new limit holds for every change not promised in a flow.
      expect((await h().request("POST", `/v1/subscriptions/${id}/skip`, { key: shop.key, body: {} })).body.code).toBe("skip_limit_exceeded");
    });

    it("under afterCancellation the offer only follows a completed cancellation, and taking it reactivates", async () => {
      const shop = await h().tenant();
      await h().request("PATCH", "/v1/settings", { key: shop.key, body: { retentionPolicy: "afterCancellation" } });
      await h().request("PUT", `/v1/customers/${customerId}`, { key: shop.key, body: customerBody() });
      const id = await newSubscription({}, shop);
      const { body: flow } = await start(id, shop.key);
      const reason = await post(flow.flowId, "reason", { reason: "moving" }, shop.key);
      expect(reason.body).toMatchObject({ offer: null, noOfferBecause: "retention_policy_afterCancellation" });
      const done = await post(flow.flowId, "confirm", {}, shop.key);
      conforms(Canceled, done.body);
      expect(done.body).toMatchObject({ outcome: "canceled", subscription: { status: "canceled" }, winBackOffer: { offerId: "off_move_delivery" } });
      const wrong = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: shop.key, body: { flowId: flow.flowId, offerId: "off_pause" } });
      expect(wrong.status).toBe(409);
      expect(wrong.body.code).toBe("offer_not_shown");
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: shop.key })).body.status).toBe("canceled");
      const back = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: shop.key, body: { flowId: flow.flowId, offerId: "off_move_delivery", channel: "web" } });
      expect(back.status).toBe(200);
      expect(back.body.subscription).toMatchObject({ status: "active", nextDeliveryOn: done.body.winBackOffer.parameters.suggestedDeliveryOn });
      const evidence = await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: shop.key });
      expect(evidence.body).toMatchObject({ status: "canceled" });
      expect(evidence.body.steps.map((x: { type: string }) => x.type)).toEqual(["started", "reason_given", "cancel_confirmed", "win_back_accepted"]);
    });

    it("ranks offers for a reason with concrete terms; operators get a talk track", async () => {
      const id = await newSubscription();
      const res = await h().request("GET", `/v1/subscriptions/${id}/offers?reason=surplus_stock&channel=operator`, { key: t.key });
      expect(res.status).toBe(200);
      conforms(SuggestionList, res.body);
      expect(res.body.data.length).toBeGreaterThan(1);
      const values = res.body.data.map((o: { expectedValue: number }) => o.expectedValue);
      expect([...values].sort((a: number, b: number) => b - a)).toEqual(values);
      for (const o of res.body.data) {
        expect(o.talkTrack).toMatchObject({ opening: expect.any(String), ifDeclined: expect.any(String) });
        expect(o.expectedSaveProbability).toBeGreaterThan(0);
      }
      const bad = await h().request("GET", `/v1/subscriptions/${id}/offers?reason=nope`, { key: t.key });
      expect(bad.body.code).toBe("unknown_reason");
    });

    it("an operator's flow shows the offer the operator presented; a stale If-Match refuses the save and changes nothing", async () => {
      const id = await newSubscription({ deliveriesCompleted: 3 });
      const ranked = (await h().request("GET", `/v1/subscriptions/${id}/offers?reason=surplus_stock&channel=operator`, { key: t.key })).body.data;
      const presented = ranked[ranked.length - 1]; // not the top one: the operator's pick, not the bandit's
      const version = (await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body.version;
      const stale = await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "operator" }, headers: { "if-match": `"${version - 1}"` } });
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe("version_conflict");
      const flow = (await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "operator" }, headers: { "if-match": `"${version}"` } })).body;
      const reason = await post(flow.flowId, "reason", { reason: "surplus_stock", offerId: presented.offerId });
      expect(reason.status).toBe(200);
      conforms(ReasonAnswer, reason.body);
      expect(reason.body.offers.map((o: { offerId: string }) => o.offerId)).toEqual([presented.offerId]);
      expect(reason.body.offer.talkTrack).toBeDefined();
      // The shop's system changes the plan meanwhile (a sync: a plan change through the API would
      // itself end the flow as saved): the save on the version the operator saw is refused.
      const synced = await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(today(), 12), deliveriesCompleted: 3, quantity: 2 }) });
      expect(synced.status).toBe(200);
      const refused = await post(flow.flowId, "accept", { offerId: presented.offerId }, t.key, { "if-match": `"${version}"` });
      expect(refused.status).toBe(412);
      expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).body).toMatchObject({ version: version + 1, quantity: 2 });
      expect((await h().request("GET", `/v1/cancel-flows/${flow.flowId}`, { key: t.key })).body.status).toBe("offered");
      const saved = await post(flow.flowId, "accept", { offerId: presented.offerId }, t.key, { "if-match": `"${version + 1}"` });
      expect(saved.status).toBe(200);
      expect(saved.body.offer.offerId).toBe(presented.offerId);

      // A self-service flow cannot name its offer; nor can an operator name one that does not fit.
      const web = (await start(await newSubscription())).body;
      const named = await post(web.flowId, "reason", { reason: "surplus_stock", offerId: presented.offerId });
      expect(named.status).toBe(422);
      expect(named.body.errors[0].path).toBe("offerId");
      const op = (await h().request("POST", `/v1/subscriptions/${await newSubscription()}/cancel-flows`, { key: t.key, body: { channel: "operator" } })).body;
      const unfit = await post(op.flowId, "reason", { reason: "moving", offerId: "off_match_interval" });
      expect(unfit.status).toBe(422);
      expect((await h().request("GET", `/v1/cancel-flows/${op.flowId}`, { key: t.key })).body.reason).toBeNull();
    });

    it("an operator who presented no offer says so: the flow shows none and no offer's save rate counts a refusal", async () => {
      // Read on a subscription that stays active (a canceled one has no offers to list).
      const reference = await newSubscription({ deliveriesCompleted: 3 });
      const observed = async () =>
        Object.fromEntries(
          ((await h().request("GET", `/v1/subscriptions/${reference}/offers?reason=surplus_stock&channel=operator`, { key: t.key })).body.data as { offerId: string; observedSaveRate?: { declined: number } }[]).map((o) => [o.offerId, o.observedSaveRate?.declined ?? 0]),
        );
      const cancelAsOperator = async (offerId: string | null | undefined) => {
        const id = await newSubscription({ deliveriesCompleted: 3 });
        const before = await observed();
        const flow = (await h().request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: t.key, body: { channel: "operator" } })).body;
        const reason = await post(flow.flowId, "reason", { reason: "surplus_stock", ...(offerId === undefined ? {} : { offerId }) });
        expect(reason.status).toBe(200);
        conforms(ReasonAnswer, reason.body);
        expect((await post(flow.flowId, "confirm", {})).status).toBe(200);
        return { reason: reason.body, before, after: await observed() };
      };
      const none = await cancelAsOperator(null);
      expect(none.reason).toMatchObject({ offer: null, offers: [], noOfferBecause: "operator_presented_none" });
      expect(none.after).toEqual(none.before);
      // Left to the flow, an operator flow shows the flow's pick, and confirming counts it declined.
      const picked = await cancelAsOperator(undefined);
      const shown = picked.reason.offer.offerId as string;
      expect(picked.after[shown]).toBe(picked.before[shown]! + 1);
    });

    it("the catalogue refuses unlawful copy, and a deleted default stays deleted", async () => {
      const body = {
        type: "skip",
        parameters: { mode: "skip", count: 1 },
        copy: { title: { ja: "今やめると逆効果です", en: "Skip once" }, description: { ja: "{skippedDeliveryOn}をお休み", en: "We skip {skippedDeliveryOn}" } },
        eligibility: { reasons: ["other"] },
      };
      const rejected = await h().request("PUT", "/v1/offers/off_bad_copy", { key: t.key, body });
      expect(rejected.status).toBe(422);
      expect(rejected.body.code).toBe("offer_copy_rejected");
      expect(rejected.body.errors).toContainEqual(expect.objectContaining({ path: "copy.title.ja", rule: "harm_if_stopped" }));
      const ok = await h().request("PUT", "/v1/offers/off_skip_once", { key: t.key, body: { ...body, copy: { ...body.copy, title: { ja: "1回お休み", en: "Skip once" } } } });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ id: "off_skip_once", templateVersion: 1, active: true });
      expect((await h().request("DELETE", "/v1/offers/off_pause", { key: t.key })).status).toBe(204);
      const list = await h().request("GET", "/v1/offers", { key: t.key });
      conforms(OfferList, list.body);
      const ids = list.body.data.map((o: { id: string }) => o.id);
      expect(ids).toContain("off_skip_once");
      expect(ids).not.toContain("off_pause");
      expect((await h().request("GET", "/v1/offers/off_pause", { key: t.key })).status).toBe(404);
    });

    it("a product swap taken brings the new product's package, or none — never the old product's 「30包入り」", async () => {
      // A shop of its own: the swap is the one offer for `moving` there (its move-delivery offer deleted).
      const shop = await h().tenant();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
      expect((await h().request("DELETE", "/v1/offers/off_move_delivery", { key: shop.key })).status).toBe(204);
      const template = (await h().request("GET", "/v1/offers/off_product_swap", { key: shop.key })).body;
      const swapTo = async (parameters: Record<string, unknown>) => {
        const put = await h().request("PUT", "/v1/offers/off_product_swap", {
          key: shop.key,
          body: { type: "product_swap", parameters, copy: template.copy, eligibility: { ...template.eligibility, reasons: ["moving"] }, active: true },
        });
        expect(put.status, JSON.stringify(put.body)).toBe(200);
        const id = uid("S");
        const boxOf30 = { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", unitsPerPackage: 30, unitLabel: "包" };
        expect((await h().request("PUT", `/v1/subscriptions/${id}`, { key: shop.key, body: subscriptionBody(c, { product: boxOf30, nextDeliveryOn: addDays(today(), 12) }) })).status).toBe(201);
        const flow = (await start(id, shop.key)).body;
        const reason = await post(flow.flowId, "reason", { reason: "moving" }, shop.key);
        expect(reason.body.offer).toMatchObject({ offerId: "off_product_swap" });
        const saved = await post(flow.flowId, "accept", { offerId: "off_product_swap" }, shop.key);
        expect(saved.status).toBe(200);
        return (await h().request("GET", `/v1/subscriptions/${id}`, { key: shop.key })).body.product;
      };
      expect(await swapTo({ toSku: "KUROZU-62", toName: "熟成黒酢にんにく 62粒", toUnitPrice: 2980, toUnitsPerPackage: 62, toUnitLabel: "粒" })).toMatchObject({
        sku: "KUROZU-62",
        name: "熟成黒酢にんにく 62粒",
        unitsPerPackage: 62,
        unitLabel: "粒",
      });
      expect(await swapTo({ toSku: "KUROZU-BOX", toName: "熟成黒酢にんにく", toUnitPrice: null })).toMatchObject({ sku: "KUROZU-BOX", unitsPerPackage: null, unitLabel: null });
    });

    it("win-back reactivates a canceled subscription; an active one answers 409", async () => {
      const id = await newSubscription();
      const active = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: {} });
      expect(active.status).toBe(409);
      expect(active.body.code).toBe("subscription_not_canceled");
      const { body: flow } = await start(id);
      await post(flow.flowId, "confirm", {});
      const back = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: { channel: "web" } });
      expect(back.status).toBe(200);
      // Reactivated the same day: the customer's own next delivery (in 12 days), not the earliest date.
      expect(back.body).toMatchObject({ subscription: { status: "active", nextDeliveryOn: addDays(today(), 12), canceledAt: null }, change: { type: "reactivate", source: { asIfNeverCanceled: true } } });
    });

    it("reactivating before the final delivery ships: as if never cancelled (#14.3)", async () => {
      // Cancelled inside the cut-off: the delivery in 2 days still ships as the final one.
      const id = await newSubscription({ nextDeliveryOn: addDays(today(), 2) });
      const { body: flow } = await start(id);
      const confirmed = await post(flow.flowId, "confirm", {});
      expect(confirmed.body).toMatchObject({ outcome: "canceled", effectiveOn: addDays(today(), 2), cutoff: { nextDeliveryStopped: false } });
      expect(confirmed.body.subscription).toMatchObject({ status: "canceled", nextDeliveryOn: null, cancellation: { finalDeliveryOn: addDays(today(), 2) } });
      const read = await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key });
      conforms(Subscription, read.body);
      expect(read.body).toMatchObject({ nextDeliveryOn: null, cancellation: { finalDeliveryOn: addDays(today(), 2) } });
      // Another date cannot be asked: that delivery is being prepared.
      const other = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: { nextDeliveryOn: addDays(today(), 3) } });
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({ code: "change_window_closed", nextDeliveryOn: addDays(today(), 2) });
      const back = await h().request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: { channel: "web" } });
      expect(back.status).toBe(200);
      expect(back.body.subscription).toMatchObject({ status: "active", nextDeliveryOn: addDays(today(), 2), cancellation: null, canceledAt: null });
      expect(back.body.change).toMatchObject({ type: "reactivate", source: { asIfNeverCanceled: true, finalDeliveryOn: addDays(today(), 2) } });

      // Cancelled in time, nothing more ships: no final delivery. Reactivated the same day, the
      // stopped delivery is the first one back; an earlier date may still be asked for.
      const stopped = await newSubscription();
      const { body: flow2 } = await start(stopped);
      const c2 = await post(flow2.flowId, "confirm", {});
      expect(c2.body.subscription.cancellation).toMatchObject({ finalDeliveryOn: null, stoppedDeliveryOn: addDays(today(), 12) });
      const again = await h().request("POST", `/v1/subscriptions/${stopped}/reactivate`, { key: t.key, body: {} });
      expect(again.body.subscription.nextDeliveryOn).toBe(addDays(today(), 12));
      const earlier = await newSubscription();
      const { body: flow3 } = await start(earlier);
      await post(flow3.flowId, "confirm", {});
      const asked = await h().request("POST", `/v1/subscriptions/${earlier}/reactivate`, { key: t.key, body: { nextDeliveryOn: addDays(today(), 3) } });
      expect(asked.body.subscription.nextDeliveryOn).toBe(addDays(today(), 3));
      expect(asked.body.change.source).not.toHaveProperty("asIfNeverCanceled");
    });

    it("reasons are the shop's own and metrics count the flows", async () => {
      const shop = await h().tenant();
      const put = await h().request("PUT", "/v1/cancellation-reasons", {
        key: shop.key,
        body: { reasons: [{ code: "too_expensive", label: { ja: "高い", en: "Too expensive" } }, { code: "other", label: { ja: "その他", en: "Other" } }] },
      });
      expect(put.status).toBe(200);
      const list = await h().request("GET", "/v1/cancellation-reasons", { key: shop.key, headers: { "accept-language": "en" } });
      expect(list.body).toMatchObject({ custom: true, data: [{ code: "too_expensive", label: "Too expensive" }, { code: "other", label: "Other" }] });
      const metrics = await h().request("GET", `/v1/metrics/retention?groupBy=reason`, { key: t.key });
      expect(metrics.status).toBe(200);
      conforms(RetentionMetrics, metrics.body);
      expect((await h().request("GET", "/v1/metrics/retention?from=2026-10-02&to=2026-10-01", { key: t.key })).body.code).toBe("validation_failed");
      expect(metrics.body.started).toBeGreaterThanOrEqual(7);
      expect(metrics.body.timeToCancel.maxCalls).toBeLessThanOrEqual(3);
      expect(metrics.body.saved).toBeGreaterThanOrEqual(1);
    });

    it("a reason's label is one line: a line break in either language is refused and the list stays as it was", async () => {
      const shop = await h().tenant();
      const reasons = (ja: string, en = "Surplus stock") => ({ reasons: [{ code: "surplus_stock", label: { ja, en } }, { code: "other", label: { ja: "その他", en: "Other" } }] });
      expect((await h().request("PUT", "/v1/cancellation-reasons", { key: shop.key, body: reasons("商品が余っている") })).status).toBe(200);
      // A bare line feed would start a new row in a spreadsheet reading the metrics CSV.
      for (const [ja, en] of [["商品が余っている\n=cmd|' /C calc'!A0", "Surplus stock"], ["商品が余っている", "Surplus\r\nstock"], ["商品が\u2028余っている", "Surplus stock"]] as const) {
        const res = await h().request("PUT", "/v1/cancellation-reasons", { key: shop.key, body: reasons(ja, en) });
        expect(res.status, JSON.stringify([ja, en])).toBe(422);
        expect(res.body.code).toBe("validation_failed");
        expect(res.body.errors.map((e: { path: string }) => e.path).join(" ")).toMatch(/label\.(ja|en)/);
      }
      const list = await h().request("GET", "/v1/cancellation-reasons", { key: shop.key, headers: { "accept-language": "ja" } });
      expect(list.body.data.map((r: { label: string }) => r.label)).toEqual(["商品が余っている", "その他"]);
    });

    it("a reason's label and its operator hint pass the offer copy's lint: a shaming label or a pressure hint is refused field by field and nothing changes (lint56)", async () => {
      const shop = await h().tenant();
      const fair = { reasons: [{ code: "no_effect", label: { ja: "効果が感じられない", en: "I don't feel it works" }, followUpHint: { ja: "使い方を伺い、別の商品への変更をご案内します。", en: "Ask how they use it." } }, { code: "other", label: { ja: "その他", en: "Other" } }] };
      expect((await h().request("PUT", "/v1/cancellation-reasons", { key: shop.key, body: fair })).status).toBe(200);
      const res = await h().request("PUT", "/v1/cancellation-reasons", {
        key: shop.key,
        headers: { "accept-language": "ja" },
        body: {
          reasons: [
            { code: "no_effect", label: { ja: "効果が出る前にやめてしまう（もったいない）", en: "I don't feel it works" }, followUpHint: { ja: "今やめると元に戻りますとお伝えし、今だけの特別価格で引き止めてください。", en: "Ask how they use it." } },
            { code: "other", label: { ja: "その他", en: "Other" } },
          ],
        },
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe("reason_copy_rejected");
      const errors = res.body.errors as { path: string; code: string; rule: string; phrase: string; message: string }[];
      expect(errors.map((e) => `${e.path}:${e.code}`)).toEqual(
        expect.arrayContaining(["reasons.0.label.ja:copy_harm_if_stopped", "reasons.0.followUpHint.ja:copy_harm_if_stopped", "reasons.0.followUpHint.ja:copy_false_urgency"]),
      );
      expect(errors.find((e) => e.rule === "false_urgency")).toMatchObject({ phrase: "今だけ" });
      expect(errors.every((e) => e.path.startsWith("reasons.0.") && e.message.length > 0)).toBe(true);
      const list = await h().request("GET", "/v1/cancellation-reasons", { key: shop.key, headers: { "accept-language": "ja" } });
      expect(list.body.data.map((r: { label: string }) => r.label)).toEqual(["効果が感じられない", "その他"]);
    });
  });
}
