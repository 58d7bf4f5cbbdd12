import { actorsForCaller } from "../platform/auth";
import { desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { planChanges } from "../db/schema";
import type { AppEnv } from "../platform/env";
import type { ErrorCode } from "../platform/errors";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, optionalJsonBody, page, PageQuery } from "../platform/openapi";
import { cursorList, decodeCursor, olderThan, toPage } from "../platform/pagination";

/** A subscription's changes: `(createdAt, id)` of the last one, for that subscription (platform/pagination). */
const CHANGES_CURSOR = cursorList("chg", ["instant", "id"]);
import { etag, IfMatchHeaders } from "../platform/versioning";
import { getSubscription } from "../subscriptions/repository";
import { SubscriptionIdParam } from "../subscriptions/schemas";
import { applyPlanChange, canceledPlanOf, planOf, toChange } from "./apply";
import { planOptions, reactivateOption, reactivationWindow, type PlanRequest } from "./rules";
import { comebackForRestart } from "../winback/redeem";
import { presentComeback } from "../winback/comeback";
import { Change, PlanChangeResult, IntervalBody, NextDeliveryBody, PauseBody, PlanOptions, QuantityBody, ResumeBody, SkipBody } from "./schemas";
import { localDate } from "../platform/dates";
import { rememberWithin } from "../platform/idempotency";
import { errorLanguage, language } from "../platform/language";

const tags = ["Plan changes"];
const COMMON_ERRORS: ErrorCode[] = ["subscription_not_found", "version_conflict", "subscription_canceled"];

/** The shared shape of the six plan-change operations. */
function planRoute<B extends Parameters<typeof jsonBody>[0]>(
  action: string,
  operationId: string,
  summary: string,
  description: string,
  body: B,
  example: Parameters<typeof jsonBody<B>>[1],
  errors: ErrorCode[],
  /** The body may be left out (a skip of one delivery, a resume on the usual date): read as `{}`. */
  absentIsEmpty = false,
) {
  return apiRoute({
    method: "post",
    path: `/v1/subscriptions/{subscriptionId}/${action}`,
    operationId,
    tags,
    customer: true,
    scope: "write",
    // The change records its answer in its own write (change() below), which claims the key too.
    claimsKeyInWrite: true,
    summary,
    description: `${description} Send \`If-Match\` with the version you showed the customer to refuse the change if the plan moved meanwhile. Recorded in the change history and sent as \`subscription.changed\`. Made while a cancel flow of the subscription is open (started, not confirmed, not expired), the change is the customer's save: the flow ends as \`saved\` (evidence step \`saved_by_plan_change\`; the offer shown counts as accepted when the change is exactly its plan change) and \`cancel_flow.saved\` is sent, so 解約阻止率 counts it. A request that moves nothing (the quantity, interval or next delivery it already has, a pause to the resume date it already has) is not a change: 200 with the subscription as it is and \`change: null\` — same version, nothing in the history, no webhook, and an open cancel flow stays open.`,
    request: { params: SubscriptionIdParam, headers: IdempotencyHeaders.merge(IfMatchHeaders), body: absentIsEmpty ? optionalJsonBody(body, example) : jsonBody(body, example) },
    errors: [...COMMON_ERRORS, ...errors],
    responses: { 200: jsonResponse(PlanChangeResult, "The subscription after the change, and the change (null when nothing moved)", ["ETag"]) },
  });
}

async function change(c: Context<AppEnv>, subscriptionId: string, channel: string, request: PlanRequest) {
  const result = await applyPlanChange(c.get("store"), subscriptionId, request, {
    // A customer session always records `web`, whatever the body says.
    channel: c.get("caller").channel ?? channel,
    actor: c.get("caller").actor,
    settings: c.get("caller").settings,
    now: c.get("services").now(),
    ifMatch: c.req.header("if-match"),
    // An Idempotency-Key's answer is recorded with the change, in its transaction.
    last: (s, result) => rememberWithin(c, s, { status: 200, json: result, headers: { etag: etag(result.subscription.version) } }),
  });
  c.header("ETag", etag(result.subscription.version));
  return result;
}

export const planChangesRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/subscriptions/{subscriptionId}/plan-options",
      operationId: "getPlanOptions",
      customer: true,
      tags,
      scope: "read",
      summary: "What the shop's rules allow for this subscription today",
      description:
        "For a my-page that offers only what will be accepted: the allowed intervals, the quantity range, the skips remaining, the first changeable date (cut-off), the dates the next delivery can move to and the pause limit, and for a canceled subscription the first delivery a restart would give — and for each action whether it is open now or the rule (code and detail) that closes it, exactly as a request would be answered.",
      request: { params: SubscriptionIdParam },
      errors: ["subscription_not_found"],
      responses: { 200: jsonResponse(PlanOptions, "The options", ["ETag"]) },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const row = await getSubscription(c.get("store"), subscriptionId);
      const settings = c.get("caller").settings;
      // The refusal details read like the problem a request would get, so in the same language.
      const today = localDate(c.get("services").now(), settings.timeZone);
      const options = planOptions(planOf(row), settings, today, errorLanguage(c));
      const canceled = row.status === "canceled" ? canceledPlanOf(row) : null;
      const reactivate = reactivateOption(canceled, today, settings, errorLanguage(c));
      // The offer the customer was sent, as a restart with it today would apply it (winback/redeem).
      // A restart with an offer starts anew, not on the delivery the cancellation stopped (cancel-flows reactivate).
      const comeback = canceled ? await comebackForRestart(c.get("store"), subscriptionId, reactivationWindow({ ...canceled, stoppedDeliveryOn: null }, today, settings), c.get("services").now(), settings) : null;
      const shown = comeback ? { ...presentComeback(comeback.offer, language(c)), sentOn: comeback.sentOn, validUntil: comeback.validUntil } : null;
      c.header("ETag", etag(row.version));
      return c.json({ subscriptionId, version: row.version, ...options, reactivate: { ...reactivate, comeback: shown } }, 200);
    },
  )
  .openapi(
    planRoute("skip", "skipDeliveries", "Skip the next delivery", "Skips the next `count` deliveries; the next delivery moves by `count` intervals.", SkipBody, { count: 1, channel: "web" }, [
      "change_window_closed",
      "subscription_not_active",
      "skip_limit_exceeded",
    ], true),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const b = c.req.valid("json");
      return c.json(await change(c, subscriptionId, b.channel, { type: "skip", count: b.count }), 200);
    },
  )
  .openapi(
    planRoute(
      "pause",
      "pauseSubscription",
      "Pause deliveries",
      "Pauses for `cycles` delivery cycles or until `resumeOn`; deliveries resume by themselves on that date.",
      PauseBody,
      { resumeOn: "2027-01-15", channel: "ivr" },
      ["change_window_closed", "pause_too_long", "date_out_of_range", "delivery_date_closed"],
    ),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const b = c.req.valid("json");
      const request: PlanRequest = b.cycles !== undefined ? { type: "pause", cycles: b.cycles } : { type: "pause", resumeOn: b.resumeOn! };
      return c.json(await change(c, subscriptionId, b.channel, request), 200);
    },
  )
  .openapi(
    planRoute("resume", "resumeSubscription", "Resume deliveries", "Ends a pause now. The first delivery is on `nextDeliveryOn` (from the first changeable date to max(`maxPauseDays`, 2 × interval) days ahead); without it, on the delivery the pause stopped when that can still be changed — never earlier than the customer's own schedule, so a delivery a skip avoided is not brought back — else on the first changeable date. plan-options' `resume.nextDeliveryOn` gives that date. The run of skips goes on: a pause ships nothing, so it does not reset the skip limit.", ResumeBody, { channel: "web" }, [
      "subscription_not_paused",
      "change_window_closed",
      "date_out_of_range",
      "delivery_date_closed",
    ], true),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const b = c.req.valid("json");
      return c.json(await change(c, subscriptionId, b.channel, { type: "resume", nextDeliveryOn: b.nextDeliveryOn }), 200);
    },
  )
  .openapi(
    planRoute("quantity", "changeQuantity", "Change the quantity", "Changes how many units each delivery brings, within the shop's range.", QuantityBody, { quantity: 1, channel: "operator" }, [
      "quantity_out_of_range",
      "change_window_closed",
    ]),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const b = c.req.valid("json");
      return c.json(await change(c, subscriptionId, b.channel, { type: "quantity", quantity: b.quantity }), 200);
    },
  )
  .openapi(
    planRoute(
      "interval",
      "changeInterval",
      "Change the delivery interval",
      "Sets the days between deliveries (`intervalDays`, from the shop's `allowedIntervalDays`) or the calendar months between them (`intervalMonths`, from `allowedIntervalMonths`: the deliveries then keep the next delivery's day of the month, the month's last day when it has none). The next delivery keeps its date; the new interval counts from it.",
      IntervalBody,
      { intervalDays: 45, channel: "web" },
      ["interval_not_allowed"],
    ),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const b = c.req.valid("json");
      const request = b.intervalMonths !== undefined ? { type: "interval" as const, intervalMonths: b.intervalMonths } : { type: "interval" as const, intervalDays: b.intervalDays! };
      return c.json(await change(c, subscriptionId, b.channel, request), 200);
    },
  )
  .openapi(
    planRoute("next-delivery", "moveNextDelivery", "Move the next delivery", "Moves the next delivery to `date`: not inside the cut-off, and at most the later of two intervals from today and as far as the skips still allowed would take the scheduled delivery (so any date skipping reaches can be chosen directly; plan-options' `nextDelivery.latest`). A move by one interval or more counts as skipping the deliveries it passes (12/20 → 1/19 on a 30-day plan is one skip), so moving again cannot postpone a delivery further than the skips allow.", NextDeliveryBody, { date: "2026-12-12", channel: "operator" }, [
      "change_window_closed",
      "subscription_not_active",
      "date_out_of_range",
      "delivery_date_closed",
    ]),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const b = c.req.valid("json");
      return c.json(await change(c, subscriptionId, b.channel, { type: "next_delivery", date: b.date }), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/subscriptions/{subscriptionId}/changes",
      operationId: "listChanges",
      customer: true,
      tags,
      scope: "read",
      summary: "List a subscription's change history",
      description: "Newest first: who (the actor and channel), what, before and after, when. A customer session reads the actor's `type` only.",
      request: { params: SubscriptionIdParam, query: PageQuery },
      errors: ["subscription_not_found"],
      responses: { 200: jsonResponse(page(Change), "A page of changes") },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      const after = decodeCursor(cursor, CHANGES_CURSOR, [subscriptionId]);
      const store = c.get("store");
      await getSubscription(store, subscriptionId);
      const older = olderThan(planChanges.createdAt, planChanges.id, after);
      const rows = await store.q
        .select()
        .from(planChanges)
        .where(store.owns(planChanges, eq(planChanges.subscriptionId, subscriptionId), older))
        .orderBy(desc(planChanges.createdAt), desc(planChanges.id))
        .limit(limit + 1);
      const p = toPage(rows, limit, CHANGES_CURSOR, (r) => [r.createdAt, r.id], [subscriptionId]);
      // A customer session sees who acted by type only (platform/auth actorsForCaller).
      return c.json(actorsForCaller(c.get("caller"), { data: p.data.map(toChange), nextCursor: p.nextCursor }), 200);
    },
  );
