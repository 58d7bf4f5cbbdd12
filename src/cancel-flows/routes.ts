import { actorsForCaller } from "../platform/auth";
import type { Context } from "hono";
import { audited } from "../platform/audit";
import { cancellationReasons } from "../db/schema";
import type { AppEnv } from "../platform/env";
import { addDays, writeDate } from "../platform/dates";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, optionalJsonBody } from "../platform/openapi";
import { bodyAsSent } from "../platform/request-body";
import { getSubscription } from "../subscriptions/repository";
import { SubscriptionIdParam } from "../subscriptions/schemas";
import { errorLanguage, language } from "../platform/language";
import { ApiError } from "../platform/errors";
import { lintFields } from "../offers/lint";
import { IfMatchHeaders } from "../platform/versioning";
import { replaceReasons, tenantReasons } from "./reasons-repository";
import {
  AcceptBody,
  CancellationInfo,
  Canceled,
  ConfirmBody,
  Evidence,
  FlowClosed,
  FlowIdParam,
  FlowStarted,
  PutReasonsBody,
  ReactivateBody,
  ReactivationResult,
  ReasonAnswer,
  ReasonBody,
  ReasonList,
  Saved,
  StartFlowBody,
} from "./schemas";
import { abandonFlow, acceptOffer, confirmCancellation, flowEvidence, giveReason, reactivate, startFlow, unusableSurveyParts } from "./service";
import { cancellationTerms, commitmentView, cutoffRule, type CancellationTerms } from "./terms";
import { howToCancel } from "./how-to-cancel";
import { formatMoney } from "../platform/numbers";

const tags = ["Cancellation"];
const FLOW_STATE_ERRORS = ["cancel_flow_not_found", "cancel_flow_saved", "cancel_flow_canceled", "cancel_flow_expired"] as const;

/**
 * The call's context. A principal with a fixed channel (a customer session: `web`) records it
 * whatever the body says, and its offers are chosen for that channel, not the flow's.
 */
const ctxOf = (c: Context<AppEnv>, sent?: string) => {
  const fixed = c.get("caller").channel;
  const channel = fixed ?? sent;
  return {
    ...(channel ? { channel } : {}),
    channelFixed: fixed !== undefined,
    actor: c.get("caller").actor,
  settings: c.get("caller").settings,
  now: c.get("services").now(),
  lang: language(c),
  };
};

/** The subscription's version the caller saw, as `If-Match`. */
const ifMatchOf = (c: Context<AppEnv>) => {
  const header = c.req.header("if-match");
  return header !== undefined ? { ifMatch: header } : {};
};

/**
 * Operator text (`talkTrack`) never reaches a customer's browser, whatever channel a flow began on;
 * nor do staff details of who took a step (actors by type only: platform/auth actorsForCaller).
 */
function forCaller<T>(c: Context<AppEnv>, body: T): T {
  if (c.get("caller").principal.kind !== "customer") return body;
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== "talkTrack").map(([k, x]) => [k, strip(x)])) : v;
  return actorsForCaller(c.get("caller"), strip(body) as T);
}

export const cancelFlowsRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/cancellation-reasons",
      operationId: "listCancellationReasons",
      customer: true,
      tags,
      scope: "read",
      summary: "The shop's cancellation reasons",
      description: "Code, label in the caller's language and a follow-up hint (what to ask next; never a barrier). The default list until the shop sets its own.",
      responses: { 200: jsonResponse(ReasonList, "The reasons in display order") },
    }),
    async (c) => {
      const lang = language(c);
      const custom = (await c.get("store").q.select({ code: cancellationReasons.code }).from(cancellationReasons).where(c.get("store").owns(cancellationReasons)).limit(1)).length > 0;
      const reasons = await tenantReasons(c.get("store"));
      return c.json({ data: reasons.map((r) => ({ code: r.code, label: r.label[lang], followUpHint: r.followUpHint[lang] })), nextCursor: null, custom }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/cancellation-reasons",
      operationId: "putCancellationReasons",
      tags,
      scope: "admin",
      summary: "Set the shop's cancellation reasons",
      description:
        "Replaces the whole list (order kept), labels and hints in ja and en. A label is one line (it heads a chooser and names a row of the metrics and their CSV): a line break or tab answers 422 `validation_failed`; a hint may run over several. Keep `other`. Default codes keep their default offers; a new code needs offers whose eligibility lists it. Customers read the labels and operators say the hints, so both pass the phrase lint the offer catalogue uses (no health claims, no \"stopping will harm you\", no shaming, no false urgency): otherwise 422 `reason_copy_rejected`, each refusal in `errors[]` with the field's `path`, its `code` (`copy_<rule>`), the `phrase` and the `rule`, as for an offer; nothing is changed.",
      request: {
        headers: IdempotencyHeaders,
        body: jsonBody(PutReasonsBody, {
          reasons: [
            { code: "surplus_stock", label: { ja: "商品が余っている", en: "I have too much product left" }, followUpHint: { ja: "残りの数を伺います。", en: "Ask how many are left." } },
            { code: "other", label: { ja: "その他", en: "Other" }, followUpHint: { ja: "", en: "" } },
          ],
        }),
      },
      errors: ["reason_copy_rejected"],
      responses: { 200: jsonResponse(ReasonList, "The reasons now in force") },
    }),
    async (c) => {
      const { reasons } = c.req.valid("json");
      const lang = language(c);
      const fields: Record<string, string> = {};
      reasons.forEach((r, i) => {
        for (const l of ["ja", "en"] as const) {
          fields[`reasons.${i}.label.${l}`] = r.label[l];
          fields[`reasons.${i}.followUpHint.${l}`] = r.followUpHint[l];
        }
      });
      const findings = lintFields(fields);
      if (findings.length > 0) {
        const listed = (l: "ja" | "en") => findings.map((f) => `${f.field}: 「${f.phrase}」 — ${f.reason[l]}`).join(" ");
        const errorLang = errorLanguage(c);
        throw new ApiError("reason_copy_rejected", { en: `The wording breaks ${findings.length} rule(s): ${listed("en")}`, ja: `文言が${findings.length}件のルールに反しています: ${listed("ja")}` }, {
          errors: findings.map((f) => ({ path: f.field, message: f.reason[errorLang], code: `copy_${f.rule}`, phrase: f.phrase, rule: f.rule })),
        });
      }
      const saved = await audited(
        c,
        (s) => replaceReasons(s, reasons, c.get("services").now().toISOString()),
        (r) => ({ action: "reasons.updated", target: { type: "cancellation_reasons", id: "cancellation-reasons" }, details: { codes: r.map((x) => x.code) } }),
      );
      return c.json({ data: saved.map((r) => ({ code: r.code, label: r.label[lang], followUpHint: r.followUpHint[lang] })), nextCursor: null, custom: true }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/subscriptions/{subscriptionId}/cancel-flows",
      operationId: "startCancelFlow",
      customer: true,
      tags,
      scope: "write",
      summary: "Start cancelling",
      description:
        "Opens a cancel flow: the reasons to choose from, any commitment and fee (disclosed before confirming) and what cancelling now would mean. From here, `confirm` cancels — two calls at most, whatever the risk score or customer value. A flow left open expires after `cancelFlowTtlHours` and counts as abandoned; a new flow replaces an open one (which closes as abandoned, evidence step `superseded`) and goes on with the same attempt — the metrics count the two as one attempt with the new flow's outcome (the replaced one under `restarted`), risk does not count the replaced one as left unfinished, and the new flow keeps its holdout arm (no second draw) — and a cancellation of the plan — another flow's `confirm`, or a sync setting `status: canceled` — closes the flows open on it as abandoned (evidence step `subscription_canceled`), so no later plan change counts as their save.",
      request: { params: SubscriptionIdParam, headers: IdempotencyHeaders.merge(IfMatchHeaders), body: optionalJsonBody(StartFlowBody, { channel: "web" }) },
      errors: ["subscription_not_found", "subscription_canceled", "version_conflict"],
      responses: { 201: jsonResponse(FlowStarted, "The flow, open") },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const { channel } = c.req.valid("json");
      return c.json(await startFlow(c.get("store"), subscriptionId, { ...ctxOf(c), channel: c.get("caller").channel ?? channel, ...ifMatchOf(c) }), 201);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/cancel-flows/{flowId}/reason",
      operationId: "giveCancelReason",
      customer: true,
      tags,
      scope: "write",
      summary: "Give the reason; get at most one offer",
      description:
        "Records the reason (and comment) and answers the offer chosen for this reason and customer — at most `offersPerFlow` (default 1), none under `retentionPolicy` `noOffer` or `afterCancellation` or in the holdout. Show it beside an equally prominent way to continue cancelling. Optional: `confirm` works without it. On a flow already closed without an answer — expired, replaced by a newer flow, left, or closed when the plan was cancelled — 409 `cancel_flow_expired`: it shows no more offers, while `confirm` on it still cancels.",
      request: { params: FlowIdParam, headers: IdempotencyHeaders, body: jsonBody(ReasonBody, { reason: "surplus_stock", comment: "まだ2袋残っています" }) },
      errors: [...FLOW_STATE_ERRORS, "reason_already_given", "unknown_reason", "validation_failed", "subscription_not_found"],
      responses: { 200: jsonResponse(ReasonAnswer, "The offer to show, or none") },
    }),
    async (c) => {
      const { flowId } = c.req.valid("param");
      const b = c.req.valid("json");
      const input = { reason: b.reason, ...(b.comment !== undefined ? { comment: b.comment } : {}), ...(b.offerId !== undefined ? { offerId: b.offerId } : {}) };
      return c.json(forCaller(c, await giveReason(c.get("store"), flowId, input, ctxOf(c, b.channel))), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/cancel-flows/{flowId}/accept",
      operationId: "acceptCancelOffer",
      customer: true,
      tags,
      scope: "write",
      summary: "Accept the offer (the subscription continues)",
      description: "Applies the offer shown in this flow — a plan change within the shop's rules, a discount, a product swap or a gift — with the flow's outcome, atomically, recorded in the change history and sent as `subscription.changed` and `cancel_flow.saved`. An accepted offer never cancels. An offer shown is honoured for the life of the flow: made inactive, the retention policy turned to `noOffer`, or the shop's limits on what it changes lowered since (skips in a row, pause length, intervals, quantity range), it is still applied as shown; what the calendar decides still refuses (a delivery now inside the cut-off: `change_window_closed`).",
      request: { params: FlowIdParam, headers: IdempotencyHeaders.merge(IfMatchHeaders), body: jsonBody(AcceptBody, { offerId: "off_match_interval" }) },
      errors: [...FLOW_STATE_ERRORS, "no_offer_shown", "offer_not_shown", "version_conflict", "subscription_canceled", "change_window_closed", "skip_limit_exceeded", "pause_too_long", "quantity_out_of_range", "interval_not_allowed", "date_out_of_range", "subscription_not_active", "subscription_not_found"],
      responses: { 200: jsonResponse(Saved, "Saved: the subscription and the change") },
    }),
    async (c) => {
      const { flowId } = c.req.valid("param");
      const b = c.req.valid("json");
      return c.json(forCaller(c, await acceptOffer(c.get("store"), flowId, b.offerId, { ...ctxOf(c, b.channel), ...ifMatchOf(c) })), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/cancel-flows/{flowId}/confirm",
      operationId: "confirmCancellation",
      customer: true,
      tags,
      scope: "write",
      summary: "Confirm the cancellation",
      description:
        "Cancels, from any state but saved or canceled (with or without a reason, with an offer shown or not, even after the flow expired or was replaced by a newer one): leaving is never refused for lateness. A plan already canceled (by another flow or a sync) answers 409 `subscription_canceled`. The other flows open on the plan close as abandoned (evidence step `subscription_canceled`). The moment the request is received decides whether the next delivery is stopped (the change cut-off). A disclosed early-cancellation fee needs `acknowledgeFee: true` (422 `fee_acknowledgement_required` otherwise) — never a refusal. The customer confirms the terms they were shown: when what cancelling now means (charges, the next delivery stopped or not, a final delivery's end date, the fee) differs from what the flow last showed — the clock passed into the cut-off meanwhile, say — 409 `cancellation_terms_changed` carries the new terms, which the flow's evidence records as shown (step `terms_disclosed`); show them, and a confirmation under them goes through. Answers the confirmation number, end date, charges with their basis and a receipt in the caller's language; sends `subscription.canceled`. Optional, never blocking: the exit survey's answers, the keep-in-touch answer (evidence: wording, time) and the date the customer means to come back (`winback.due` fires then).",
      request: {
        params: FlowIdParam,
        headers: IdempotencyHeaders.merge(IfMatchHeaders),
        body: optionalJsonBody(ConfirmBody, { acknowledgeFee: true, survey: [{ questionId: "why_stopped", answer: "夏の間だけ使いたかったため" }, { questionId: "bring_back", answer: "season" }], keepInTouch: true, returnOn: "2027-06-01" }),
      },
      errors: ["cancel_flow_not_found", "cancel_flow_saved", "cancel_flow_canceled", "fee_acknowledgement_required", "cancellation_terms_changed", "subscription_canceled", "subscription_not_found", "version_conflict"],
      responses: { 200: jsonResponse(Canceled, "Canceled: the confirmation") },
    }),
    async (c) => {
      const { flowId } = c.req.valid("param");
      const b = c.req.valid("json");
      const ctx = ctxOf(c, b.channel); // the clock is read first: the receipt time is the arrival time
      const shopName = (await c.get("store").tenant()).name;
      const { channel: _, ...input } = b;
      // The validated body has the survey's unusable parts caught; the body as sent names them.
      const unusable = unusableSurveyParts(await bodyAsSent(c), input);
      return c.json(await confirmCancellation(c.get("store"), flowId, { ...input, unusable }, { ...ctx, ...ifMatchOf(c), shopName }), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/cancel-flows/{flowId}/abandon",
      operationId: "abandonCancelFlow",
      customer: true,
      tags,
      scope: "write",
      summary: "Leave the flow without cancelling",
      description:
        "The customer left the flow (went back to their list, closed the page): an open or offered flow ends now as `abandoned` (evidence step `left`), so a plan change made afterwards is not counted as the flow's save. No body; a page may send it with `fetch(…, { keepalive: true })` on `pagehide`. Idempotent: a flow already closed (saved, canceled, abandoned or expired) is not changed and answers its state.",
      request: { params: FlowIdParam, headers: IdempotencyHeaders },
      errors: ["cancel_flow_not_found"],
      responses: { 200: jsonResponse(FlowClosed, "The flow's state now") },
    }),
    async (c) => {
      const { flowId } = c.req.valid("param");
      return c.json(await abandonFlow(c.get("store"), flowId, ctxOf(c)), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/cancel-flows/{flowId}",
      operationId: "getCancelFlow",
      customer: true,
      tags,
      scope: "read",
      summary: "The evidence record of a cancel flow",
      description: "Every step with its time and channel, each offer exactly as displayed (copy and template version), the answers and the outcome. Append-only; kept when the subscription changes or goes.",
      request: { params: FlowIdParam },
      errors: ["cancel_flow_not_found"],
      responses: { 200: jsonResponse(Evidence, "The flow and its steps") },
    }),
    async (c) => {
      const { flowId } = c.req.valid("param");
      return c.json(forCaller(c, await flowEvidence(c.get("store"), flowId, c.get("services").now())), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/subscriptions/{subscriptionId}/cancellation-info",
      operationId: "getCancellationInfo",
      customer: true,
      tags,
      scope: "read",
      summary: "How to cancel, in plain language",
      description: "How to cancel and through which channels, the cut-off for the next delivery, the commitment and fees — the information 消費者契約法 §3(1)(iv) asks a shop to give.",
      request: { params: SubscriptionIdParam },
      errors: ["subscription_not_found"],
      responses: { 200: jsonResponse(CancellationInfo, "Cancellation information") },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const sub = await getSubscription(c.get("store"), subscriptionId);
      const lang = language(c);
      const settings = c.get("caller").settings;
      const terms = cancellationTerms(sub, settings, c.get("services").now(), lang);
      const ja = lang === "ja";
      const next = terms.nextDelivery;
      const lastDay = next ? addDays(next.on, -settings.changeCutoffDays) : null;
      // Read by customers: the steps as the my-page takes them under the shop's policy, no API paths.
      const canceled = sub.status === "canceled" ? { effectiveOn: sub.cancellation?.effectiveOn ?? null, confirmationNumber: sub.cancellation?.confirmationNumber ?? null } : null;
      const how = howToCancel({ policy: settings.retentionPolicy, cutoffDays: settings.changeCutoffDays, commitment: commitmentLine(terms, lang), feeTick: terms.fee !== null, canceled }, lang);
      return c.json(
        {
          subscriptionId,
          summary: how.summary,
          howToCancel: how.steps,
          channels: [
            { channel: "web" as const, description: ja ? "マイページの「解約する」から（24時間）" : "\"Cancel\" on your my page (24 hours)" },
            { channel: "ivr" as const, description: ja ? "お電話の自動音声で（24時間）" : "Automated phone line (24 hours)" },
            { channel: "operator" as const, description: ja ? "お客様窓口のオペレーター" : "Our customer desk" },
          ],
          cutoff: { changeCutoffDays: settings.changeCutoffDays, rule: cutoffRule(settings.changeCutoffDays, lang), nextDeliveryOn: next?.on ?? null, lastDayToStopNextDelivery: lastDay, nextDeliveryStoppedIfCanceledNow: next?.stopped ?? null },
          effectiveOnIfCanceledNow: sub.status === "canceled" ? null : terms.effectiveOn,
          commitment: commitmentView(terms, sub.deliveriesCompleted),
          chargesIfCanceledNow: sub.status === "canceled" ? [] : terms.charges,
          retentionPolicy: settings.retentionPolicy,
          status: sub.status,
        },
        200,
      );
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/subscriptions/{subscriptionId}/reactivate",
      operationId: "reactivateSubscription",
      customer: true,
      tags,
      scope: "write",
      summary: "Reactivate a canceled subscription (win-back)",
      description: "Restores a canceled subscription with a new next delivery (default: for a plain reactivation, the delivery the cancellation stopped while it can still be changed, else the earliest possible date; reactivated on or before the cancellation's `effectiveOn` — the same day, tenant-local — the cancellation is undone, as if never cancelled), recorded as a `reactivate` change for the re-subscription KPI and sent as `subscription.reactivated`. After a cancellation that charged an early-cancellation fee, `cancellationFee` says what becomes of it: waived when the cancellation is undone (the commitment continues), else it stands and settles the commitment. With `offerId`, also applies that offer in the same transaction: the win-back offer shown on the flow's confirmation (`flowId`, `retentionPolicy: afterCancellation`), or a comeback offer — the one the candidates list suggests for the subscription now, or the one `winback.due` carried, for 30 days after it was sent — its terms computed again for the restart date (a discount counts its deliveries from the first one back), which is the date the customer named (`returnOn`, as the candidates list's `offer.restartOn` shows it) unless `nextDeliveryOn` asks for another and attributed in the change's `source.comeback`. An offer never suggested for the subscription, or not for the cancellation's reason (the offer's own `eligibility.reasons`, as in a cancel flow; no reason given: only an offer open to every reason of the shop's list — whatever was suggested or sent before) → 409 `offer_not_shown`; one past its time, gone from the catalogue or no longer allowed by the shop's rules → 409 `offer_expired`. An erased customer's subscription stays closed: 409 `customer_erased`. The customer restarts their own plan from their my-page with their customer session: only that customer's subscriptions (another's answers 404), recorded on channel `web` with actor `customer`; `plan-options` `reactivate` gives the first delivery to show them before they confirm, and `reactivate.comeback` the comeback offer they were sent and may still take (with `offerId` and its `restartOn` as `nextDeliveryOn`).",
      request: { params: SubscriptionIdParam, headers: IdempotencyHeaders, body: optionalJsonBody(ReactivateBody, { channel: "web" }) },
      errors: ["subscription_not_found", "subscription_not_canceled", "customer_erased", "change_window_closed", "date_out_of_range", "delivery_date_closed", "cancel_flow_not_found", "offer_not_shown", "offer_expired"],
      responses: { 200: jsonResponse(ReactivationResult, "The active subscription, the change and, after a cancellation that charged a fee, what becomes of it") },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const b = c.req.valid("json");
      const { channel, ...input } = b;
      // A customer session records `web` and the customer as actor, whatever the body says (ctxOf).
      return c.json(forCaller(c, await reactivate(c.get("store"), subscriptionId, input, { ...ctxOf(c), channel: c.get("caller").channel ?? channel })), 200);
    },
  );

/**
 * The summary's sentence on commitment and fee. The fee is named only when it applies to a
 * cancellation now — `terms.fee`, the same decision the confirm charges and asks to acknowledge —
 * never from the commitment alone (a commitment met long ago brings no fee).
 */
function commitmentLine(terms: CancellationTerms, lang: "ja" | "en"): string {
  const c = terms.commitment;
  if (!c) return lang === "ja" ? "解約手数料はかかりません。" : "There is no cancellation fee.";
  if (terms.fee) {
    return lang === "ja"
      ? `このご契約には${c.minDeliveries}回のお受け取りのお約束があり、いま解約すると、お申込み時にご案内した解約手数料${formatMoney(terms.fee, lang)}がかかります。`
      : `This plan has a commitment of ${c.minDeliveries} deliveries; cancelling now brings the early-cancellation fee of ${formatMoney(terms.fee, lang)} disclosed at sign-up.`;
  }
  // Met only by counting the final delivery still to ship (inside the cut-off): not met yet, it will be.
  const finalDelivery = terms.nextDelivery !== null && !terms.nextDelivery.stopped ? terms.nextDelivery.on : null;
  if (c.met && finalDelivery !== null && c.deliveriesCounted - 1 < c.minDeliveries) {
    return lang === "ja"
      ? `このご契約の${c.minDeliveries}回のお受け取りのお約束は、${writeDate(finalDelivery, lang, "full")}に発送するお届け（${c.deliveriesCounted}回目、締め切りを過ぎて準備済みのため解約しても届きます）で満たされるため、解約手数料はかかりません。`
      : `This plan's commitment of ${c.minDeliveries} deliveries will be met by the delivery shipping on ${writeDate(finalDelivery, lang, "full")} (delivery ${c.deliveriesCounted}, already inside the cut-off, so it ships even if you cancel): there is no cancellation fee.`;
  }
  if (c.met) {
    return lang === "ja"
      ? `このご契約の${c.minDeliveries}回のお受け取りのお約束はすでに満たされているため、解約手数料はかかりません。`
      : `This plan's commitment of ${c.minDeliveries} deliveries has been met: there is no cancellation fee.`;
  }
  return lang === "ja" ? `このご契約には${c.minDeliveries}回のお受け取りのお約束がありますが、解約手数料はかかりません。` : `This plan has a commitment of ${c.minDeliveries} deliveries, with no fee.`;
}
