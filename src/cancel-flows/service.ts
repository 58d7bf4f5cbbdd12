/**
 * The cancel flow as a state machine over `cancel_flows` (current state) and `cancel_flow_steps`
 * (the evidence, append-only). Every transition runs in one transaction with its effects: the
 * subscription, its history, webhooks, the bandit's outcomes and the risk seam.
 *
 *   open ──reason──▶ offered ──accept──▶ saved
 *     │                 │
 *     └─────confirm─────┴──────confirm──▶ canceled        (open|offered past expiresAt = abandoned)
 *
 * A plan change made through the API while a flow is open or offered also ends it as saved
 * (./saved-by-change, applied by plan-changes/apply); a cancellation of the plan — another flow's
 * confirm, or a sync — ends it as abandoned (./closed-by-cancellation).
 */
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lte, ne } from "drizzle-orm";
import { cancelFlows, cancelFlowSteps, planChanges, subscriptions, type CancellationRecord } from "../db/schema";
import { recordOutcome } from "../offers/repository";
import { suggestOffersFor, type ReasonedOffer } from "../offers/service";
import { canceledPlanOf, changeRow, planOf, snapshot, SYSTEM_ACTOR, toChange } from "../plan-changes/apply";
import type { Actor } from "../platform/env";
import { firstOpenDate, reactivationStart, reactivationWindow } from "../plan-changes/rules";
import { anchorFor } from "../platform/cadence";
import { newId } from "../platform/crypto";
import { addDays, localDate, writeDate } from "../platform/dates";
import { ApiError } from "../platform/errors";
import type { TenantStore } from "../platform/tenancy";
import { checkIfMatch } from "../platform/versioning";
import { refreshRisk } from "../risk/maintain";
import type { TenantSettings } from "../settings/schemas";
import { getSubscription, toSubscription, type SubscriptionRow } from "../subscriptions/repository";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import { findCustomer, getCustomer } from "../customers/repository";
import { refuseErased } from "../data-rights/erased";
import { loadSurvey, recordCancellation, recordKeepInTouch, recordReactivations } from "../winback/service";
import { checkAnswers, localizeSurvey, type SurveyAnswer } from "../winback/survey";
import { comebackToRedeem, notApplicable } from "../winback/redeem";
import { personaliseTerms, type OfferApplication } from "../offers/personalise";
import { applyOffer } from "./apply-offer";
import { closeFlowsOnCancellation } from "./closed-by-cancellation";
import type { Lang, Localized } from "./reasons";
import { tenantReasons, unknownReason } from "./reasons-repository";
import { addStep, effectiveStatus, type FlowRow } from "./state";
import { declinedLately, NO_REPEAT_OFFER_DAYS, presentDeclined, type DeclinedOffer } from "./declined-lately";
import { cancellationTerms, commitmentView, confirmationNumber, feeOnReactivation, receiptText, termsChanged, writeTotal, type CancellationTerms, type FeeOnReactivation } from "./terms";

type ChannelName = "web" | "checkout" | "ivr" | "operator" | "api" | "system";

/** An offer as it was displayed in a flow: the evidence, and what accepting it applies. */
export type ShownOffer = {
  offerId: string;
  type: string;
  templateVersion: number;
  reason: string;
  parameters: Record<string, unknown>;
  title: Localized;
  description: Localized;
  /** The language it was displayed in. */
  displayedIn: Lang;
  expectedSaveProbability: number;
  /** For operator flows: the talk track as shown to the agent. */
  talkTrack?: { ja: unknown; en: unknown } | null;
  apply: OfferApplication;
};

export type CallContext = {
  channel?: string;
  /** The principal's channel is fixed (a customer session): offers are for it. */
  channelFixed?: boolean;
  actor: Actor;
  settings: TenantSettings;
  now: Date;
  lang: Lang;
  /** `If-Match` as sent: the subscription's version the caller saw (start and accept refuse a stale one). */
  ifMatch?: string;
};


function assertOpen(row: FlowRow, now: Date) {
  const status = effectiveStatus(row, now);
  if (status === "saved" && row.offerId === null) throw new ApiError("cancel_flow_saved", { en: "This flow ended with a plan change made while it was open. To cancel now, start a new cancel flow and confirm it.", ja: "この解約手続きは、お手続き中にプランを変更されたため終了しています。解約する場合は、新しく解約手続きを始めて確定してください。" }, { flowStatus: status });
  if (status === "saved") throw new ApiError("cancel_flow_saved", { en: "This flow ended with an accepted offer. To cancel now, start a new cancel flow and confirm it.", ja: "この解約手続きは、特典をお選びいただいたため終了しています。解約する場合は、新しく解約手続きを始めて確定してください。" }, { flowStatus: status });
  if (status === "canceled") throw new ApiError("cancel_flow_canceled", { en: `This flow already ended with cancellation ${row.confirmationNumber}.`, ja: `この解約手続きは、解約（受付番号 ${row.confirmationNumber}）で終了しています。` }, { flowStatus: status, confirmationNumber: row.confirmationNumber });
  // Closed before its expiry: replaced by a newer flow, left, or closed when the plan was cancelled
  // (./closed-by-cancellation). Either way it shows no more offers, and confirm still cancels a live plan.
  if (status === "abandoned" && row.closedAt !== null && row.closedAt < row.expiresAt) throw new ApiError("cancel_flow_expired", { en: "This flow was closed (replaced by a newer cancel flow, left, or the plan was cancelled), so it shows no more offers. Confirming it still cancels a plan that is not canceled; or start a new cancel flow.", ja: "この解約手続きは終了しています（新しい解約手続きが始まった、画面を離れた、または定期コースが解約されたため）。特典はこれ以上表示されません。解約済みでなければ、このまま確定すると解約できます。または、新しく解約手続きを始めてください。" }, { flowStatus: status, expiresAt: row.expiresAt });
  if (status === "abandoned") throw new ApiError("cancel_flow_expired", { en: "This flow expired, so it shows no more offers. Confirming it still cancels; or start a new cancel flow.", ja: "この解約手続きは有効期限が切れたため、特典はこれ以上表示されません。このまま確定すると解約できます。または、新しく解約手続きを始めてください。" }, { flowStatus: status, expiresAt: row.expiresAt });
}

export async function getFlow(store: TenantStore, flowId: string): Promise<FlowRow> {
  const row = await store.find(cancelFlows, eq(cancelFlows.id, flowId));
  if (!row) throw new ApiError("cancel_flow_not_found", { en: `No cancel flow ${flowId}.`, ja: `解約手続き ${flowId} は見つかりません。` });
  return row;
}

/**
 * The plan's open cancel flow (`open` or `offered`, not past its expiry), newest first, whatever
 * channel started it — the one a channel continuing the customer's request (the operator console)
 * acts on instead of starting another, which would close this one as abandoned. Null when none is
 * open. One probe of cancel_flows_subscription; tenant-scoped through `store`.
 */
export async function openFlowOf(store: TenantStore, subscriptionId: string, now: Date): Promise<FlowRow | null> {
  const rows = await store.q
    .select()
    .from(cancelFlows)
    // Not past its expiry, as state.ts effectiveStatus decides it, in SQL: flows left open that the
    // maintenance has not expired yet are not read into JS, only the newest live one.
    .where(store.owns(cancelFlows, eq(cancelFlows.subscriptionId, subscriptionId), inArray(cancelFlows.status, ["open", "offered"]), gt(cancelFlows.expiresAt, now.toISOString())))
    .orderBy(desc(cancelFlows.startedAt))
    .limit(1);
  return rows[0] ?? null;
}

function secureRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 4_294_967_296;
}

/** What cancelling now means, as a flow shows it before confirming (start's `ifCanceledNow`, the 409 `cancellation_terms_changed`). */
function ifCanceledNowOf(terms: CancellationTerms) {
  return { effectiveOn: terms.effectiveOn, nextDelivery: terms.nextDelivery, charges: terms.charges, total: terms.total, cutoffRule: terms.cutoff.rule };
}

/** The terms last disclosed in a flow: its `terms_disclosed` step's, else its start's (null: a flow that recorded none). */
async function lastDisclosedTerms(s: TenantStore, flowId: string): Promise<CancellationTerms | null> {
  const [step] = await s.q
    .select({ data: cancelFlowSteps.data })
    .from(cancelFlowSteps)
    .where(s.owns(cancelFlowSteps, eq(cancelFlowSteps.flowId, flowId), inArray(cancelFlowSteps.type, ["started", "terms_disclosed"])))
    .orderBy(desc(cancelFlowSteps.seq))
    .limit(1);
  return (step?.data.termsDisclosed as CancellationTerms | undefined) ?? null;
}

/**
 * Closes `flow` as abandoned with the evidence step `why`. `supersededBy`: the flow replacing it
 * (`why` superseded) — then it is part of that flow's attempt, not an abandonment: no
 * `cancel_flow_abandoned` risk signal (the customer restarted, they did not give up).
 */
async function closeAsAbandoned(s: TenantStore, flow: FlowRow, at: string, why: "expired" | "superseded" | "left", channel: string, actor: Actor, supersededBy: string | null = null) {
  await s.update(cancelFlows, { status: "abandoned", closedAt: why === "expired" ? flow.expiresAt : at, ...(supersededBy ? { supersededBy } : {}) }, eq(cancelFlows.id, flow.id));
  await addStep(s, flow.id, why, channel, at, { previousStatus: flow.status, expiresAt: flow.expiresAt }, actor);
  if (!supersededBy) await refreshRisk(s, flow.subscriptionId, at, "cancel_flow_abandoned");
}

/**
 * What a flow replacing `replaced` (the plan's flows still open, not past their expiry) takes over
 * from them, pure: the attempt's first start, channel and calls so far — of the earliest of them,
 * itself perhaps a restart — and its holdout arm. The arm is drawn once per attempt: a new draw at
 * each restart would let a held-out customer reload into the offers (and an offered one out of
 * them), so the arm the comparison reads would depend on who restarts. Null when none is replaced:
 * the flow starts an attempt of its own.
 */
export function attemptOf(replaced: readonly Pick<FlowRow, "startedAt" | "channel" | "calls" | "attemptStartedAt" | "attemptChannel" | "earlierCalls" | "holdout" | "holdoutPercent">[]) {
  if (replaced.length === 0) return null;
  const first = [...replaced].sort((a, b) => ((a.attemptStartedAt ?? a.startedAt) < (b.attemptStartedAt ?? b.startedAt) ? -1 : 1))[0]!;
  return {
    attemptStartedAt: first.attemptStartedAt ?? first.startedAt,
    attemptChannel: first.attemptChannel ?? first.channel,
    earlierCalls: replaced.reduce((n, f) => n + f.calls + f.earlierCalls, 0),
    holdout: first.holdout,
    holdoutPercent: first.holdoutPercent,
  };
}

// ── leaving the flow ───────────────────────────────────────────────────────────────────────────

/**
 * The customer left the flow without an answer (back to their list, or the page closed): the flow
 * ends as abandoned now (evidence step `left`), so a later plan change is not counted as a save.
 * Idempotent: a flow already closed (saved, canceled, abandoned or past its expiry) is left as it
 * is and answered as it stands.
 */
export async function abandonFlow(store: TenantStore, flowId: string, ctx: CallContext) {
  const at = ctx.now.toISOString();
  return store.write(async (s) => {
    let flow = await getFlow(s, flowId);
    const status = effectiveStatus(flow, ctx.now);
    if (status === "open" || status === "offered") {
      await closeAsAbandoned(s, flow, at, "left", ctx.channel ?? flow.channel, ctx.actor);
      flow = { ...flow, status: "abandoned", closedAt: at };
    }
    const now = effectiveStatus(flow, ctx.now);
    return {
      flowId: flow.id,
      subscriptionId: flow.subscriptionId,
      status: now,
      outcome: now === "saved" || now === "canceled" || now === "abandoned" ? now : null,
      closedAt: flow.closedAt ?? (now === "abandoned" ? flow.expiresAt : null),
    };
  });
}

// ── 1. start ────────────────────────────────────────────────────────────────────────────────────

export async function startFlow(store: TenantStore, subscriptionId: string, ctx: CallContext & { channel: string }) {
  const at = ctx.now.toISOString();
  return store.write(async (s) => {
    const sub = await getSubscription(s, subscriptionId);
    if (sub.status === "canceled") throw new ApiError("subscription_canceled", { en: "The subscription is already canceled.", ja: "この定期コースはすでに解約済みです。" }, { canceledAt: sub.canceledAt });
    checkIfMatch(ctx.ifMatch, sub.version);
    // A new flow replaces one left open (a reload, a restart in the console, started on the web and
    // continued by phone): the same attempt goes on in it. One past its expiry was abandoned already.
    const open = await s.q.select().from(cancelFlows).where(s.owns(cancelFlows, eq(cancelFlows.subscriptionId, subscriptionId), inArray(cancelFlows.status, ["open", "offered"])));
    const flowId = newId("cf");
    const replaced = open.filter((f) => effectiveStatus(f, ctx.now) !== "abandoned");
    for (const f of open) await closeAsAbandoned(s, f, at, replaced.includes(f) ? "superseded" : "expired", ctx.channel, ctx.actor, replaced.includes(f) ? flowId : null);
    const attempt = attemptOf(replaced);
    const holdout = attempt ? attempt.holdout : ctx.settings.holdoutPercent > 0 && secureRandom() * 100 < ctx.settings.holdoutPercent;
    const expiresAt = new Date(ctx.now.getTime() + ctx.settings.cancelFlowTtlHours * 3_600_000).toISOString();
    await s.insert(cancelFlows, {
      id: flowId,
      subscriptionId,
      customerId: sub.customerId,
      channel: ctx.channel,
      status: "open",
      holdout,
      // Which flows the holdout comparison may count: only those drawn with a holdout in force.
      holdoutPercent: attempt ? attempt.holdoutPercent : ctx.settings.holdoutPercent,
      calls: 1,
      startedAt: at,
      expiresAt,
      ...(attempt ? { attemptStartedAt: attempt.attemptStartedAt, attemptChannel: attempt.attemptChannel, earlierCalls: attempt.earlierCalls } : {}),
    });
    const [reasons, survey] = await Promise.all([tenantReasons(s), loadSurvey(s)]);
    const exitSurvey = localizeSurvey(survey, ctx.lang);
    const terms = cancellationTerms(sub, ctx.settings, ctx.now, ctx.lang);
    const commitment = commitmentView(terms, sub.deliveriesCompleted);
    await addStep(s, flowId, "started", ctx.channel, at, {
      subscription: { ...snapshot(planOf(sub)), productName: sub.productName, deliveriesCompleted: sub.deliveriesCompleted },
      reasonsShown: reasons.map((r) => r.code),
      commitmentDisclosed: commitment,
      termsDisclosed: terms,
      retentionPolicy: ctx.settings.retentionPolicy,
      holdout,
      displayedIn: ctx.lang,
      // The survey and the keep-in-touch question exactly as shown (optional, unchecked).
      exitSurveyShown: { questionIds: survey.questions.map((q) => q.id), keepInTouchWording: exitSurvey.keepInTouch.wording },
    }, ctx.actor);
    // A restart is the same request to cancel, already counted when the attempt started.
    await refreshRisk(s, subscriptionId, at, attempt ? undefined : "cancel_flow_started");
    return {
      flowId,
      status: "open" as const,
      subscriptionId,
      channel: ctx.channel as ChannelName,
      reasons: reasons.map((r) => ({ code: r.code, label: r.label[ctx.lang], followUpHint: r.followUpHint[ctx.lang] })),
      commitment,
      ifCanceledNow: ifCanceledNowOf(terms),
      retentionPolicy: ctx.settings.retentionPolicy,
      exitSurvey,
      startedAt: at,
      expiresAt,
      next: { confirm: `/v1/cancel-flows/${flowId}/confirm`, reason: `/v1/cancel-flows/${flowId}/reason` },
    };
  });
}

// ── 2. reason → at most offersPerFlow offers ────────────────────────────────────────────────────

export function presentShown(o: ShownOffer, lang: Lang) {
  return {
    offerId: o.offerId,
    type: o.type,
    templateVersion: o.templateVersion,
    parameters: o.parameters,
    title: o.title[lang],
    description: o.description[lang],
    expectedSaveProbability: o.expectedSaveProbability,
    ...(o.talkTrack ? { talkTrack: o.talkTrack[lang] as Record<string, unknown> } : {}),
  };
}

/** A suggestion as displayed: kept whole in the evidence, and what accepting it applies. */
function asShown(o: ReasonedOffer, reason: string, lang: Lang): ShownOffer {
  return {
    offerId: o.offerId,
    type: o.type,
    templateVersion: o.templateVersion,
    reason,
    parameters: o.parameters as unknown as Record<string, unknown>,
    title: o.title,
    description: o.description,
    displayedIn: lang,
    expectedSaveProbability: Math.round(o.expectedSaveProbability * 1000) / 1000,
    ...(o.talkTrack ? { talkTrack: o.talkTrack } : {}),
    apply: o.apply,
  };
}

export async function giveReason(store: TenantStore, flowId: string, input: { reason: string; comment?: string; offerId?: string | null }, ctx: CallContext) {
  const at = ctx.now.toISOString();
  return store.write(async (s) => {
    const flow = await getFlow(s, flowId);
    assertOpen(flow, ctx.now);
    if (flow.reason !== null) throw new ApiError("reason_already_given", { en: `The reason ${flow.reason} was already given; accept the offer or confirm the cancellation.`, ja: `解約理由（${flow.reason}）はすでに選択されています。特典をお選びいただくか、解約を確定してください。` }, { reason: flow.reason });
    const reasons = await tenantReasons(s);
    if (!reasons.some((r) => r.code === input.reason)) throw unknownReason(input.reason, "reason");
    const channel = ctx.channel ?? flow.channel;
    // An operator on a call presents one of the ranked offers; the flow records that one as shown
    // (so its accept counts for it), where a self-service flow lets the bandit choose.
    if (input.offerId !== undefined && (flow.channel !== "operator" || channel !== "operator")) {
      throw new ApiError("validation_failed", { en: "Only an operator flow (channel operator) names the offer it presents.", ja: "提示する特典を指定できるのは、オペレーターの解約手続き（channel operator）だけです。" }, { errors: [{ path: "offerId", message: "Only for channel operator" }] });
    }
    const policy = ctx.settings.retentionPolicy;
    let noOfferBecause: string | null = null;
    let shown: ShownOffer[] = [];
    // One rule on every channel (declined-lately): the offer a flow of this plan showed lately and
    // the customer did not take is not offered again — not by an operator either.
    let declined: DeclinedOffer | null = null;
    if (policy !== "oneOffer") noOfferBecause = `retention_policy_${policy}`;
    else if (flow.holdout) noOfferBecause = "holdout";
    else if (ctx.settings.offersPerFlow === 0) noOfferBecause = "offers_per_flow_zero";
    // The operator presented nothing: recording the bandit's pick as shown would count a refusal
    // the caller never made against that offer's save rate.
    else if (input.offerId === null) noOfferBecause = "operator_presented_none";
    else if ((declined = await declinedLately(s, flow.subscriptionId, at, flow.id))) {
      if (input.offerId !== undefined) {
        // The operator's tooling offered what the customer declined: refused, changing nothing, saying which and when.
        const shownAt = new Date(declined.shownAt);
        const shownOn = (l: Lang) => writeDate(localDate(shownAt, ctx.settings.timeZone), l, "full");
        throw new ApiError(
          "validation_failed",
          {
            en: `No offer can be presented in this flow: ${declined.offerId} (“${declined.title.en}”) was shown to this plan on ${shownOn("en")} and not taken, and an offer is shown once in ${NO_REPEAT_OFFER_DAYS} days on any channel. Give the reason without offerId, or with offerId null.`,
            ja: `この解約のご相談では特典をご案内できません。特典 ${declined.offerId}（「${declined.title.ja}」）を${shownOn("ja")}にご案内し、お受けいただかなかったためです（ご案内はどの窓口でも${NO_REPEAT_OFFER_DAYS}日に1回です）。offerId を指定しないか null にして解約理由をお送りください。`,
          },
          { errors: [{ path: "offerId", message: "An offer was shown to this plan lately and not taken (offered_lately): none again" }] },
        );
      }
      noOfferBecause = "offered_lately";
    } else if (input.offerId !== undefined) {
      const ranked = await suggestOffersFor(s, flow.subscriptionId, { reason: input.reason, channel: "operator", now: at, limit: 100, settings: ctx.settings });
      const presented = ranked.find((o) => o.offerId === input.offerId);
      if (!presented) {
        throw new ApiError("validation_failed", { en: `Offer ${input.offerId} is not eligible for this subscription and reason now; see GET /v1/subscriptions/${flow.subscriptionId}/offers?reason=${input.reason}&channel=operator.`, ja: `特典 ${input.offerId} は、現在この定期コースとこの解約理由には提示できません。GET /v1/subscriptions/${flow.subscriptionId}/offers?reason=${input.reason}&channel=operator をご確認ください。` }, {
          errors: [{ path: "offerId", message: "Not an eligible offer for this subscription and reason" }],
        });
      }
      shown = [asShown(presented, input.reason, ctx.lang)];
    } else {
      const offers = await suggestOffersFor(s, flow.subscriptionId, {
        reason: input.reason,
        channel: (ctx.channelFixed ? channel : flow.channel) as "web",
        now: at,
        limit: ctx.settings.offersPerFlow,
        mode: "thompson",
        settings: ctx.settings,
      });
      shown = offers.map((o) => asShown(o, input.reason, ctx.lang));
      if (shown.length === 0) noOfferBecause = "no_eligible_offer";
    }
    const status: "offered" | "open" = shown.length > 0 ? "offered" : "open";
    await s.update(
      cancelFlows,
      { reason: input.reason, status, offer: (shown[0] as unknown as Record<string, unknown>) ?? null, offerId: shown[0]?.offerId ?? null, offersShown: shown as unknown as Record<string, unknown>[], calls: flow.calls + 1 },
      eq(cancelFlows.id, flowId),
    );
    await addStep(
      s,
      flowId,
      "reason_given",
      channel,
      at,
      { reason: input.reason, comment: input.comment ?? null, offersShown: shown, noOfferBecause, ...(declined ? { declinedOffer: declined } : {}), ...(input.offerId !== undefined && shown.length > 0 ? { presentedBy: "operator" } : {}) },
      ctx.actor,
    );
    return {
      flowId,
      status,
      reason: input.reason,
      offer: shown[0] ? presentShown(shown[0], ctx.lang) : null,
      offers: shown.map((o) => presentShown(o, ctx.lang)),
      noOfferBecause,
      declinedOffer: declined ? presentDeclined(declined, ctx.lang) : null,
      next: { confirm: `/v1/cancel-flows/${flowId}/confirm`, ...(shown.length > 0 ? { accept: `/v1/cancel-flows/${flowId}/accept` } : {}) },
    };
  });
}

// ── 3a. accept ──────────────────────────────────────────────────────────────────────────────────

export async function acceptOffer(store: TenantStore, flowId: string, offerId: string, ctx: CallContext) {
  const at = ctx.now.toISOString();
  return store.write(async (s) => {
    const flow = await getFlow(s, flowId);
    assertOpen(flow, ctx.now);
    const shown = (flow.offersShown ?? []) as unknown as ShownOffer[];
    if (flow.status !== "offered" || shown.length === 0) throw new ApiError("no_offer_shown", { en: "No offer was shown in this flow; give a reason first, or confirm the cancellation.", ja: "この解約手続きでは特典が表示されていません。先に解約理由を選択するか、解約を確定してください。" });
    const offer = shown.find((o) => o.offerId === offerId);
    if (!offer) throw new ApiError("offer_not_shown", { en: `Offer ${offerId} was not shown in this flow; shown: ${shown.map((o) => o.offerId).join(", ")}.`, ja: `特典 ${offerId} はこの解約手続きで表示されていません。表示された特典: ${shown.map((o) => o.offerId).join(", ")}。` }, { shownOfferIds: shown.map((o) => o.offerId) });
    if (ctx.ifMatch !== undefined) checkIfMatch(ctx.ifMatch, (await getSubscription(s, flow.subscriptionId)).version);
    const channel = ctx.channel ?? flow.channel;
    const result = await applyOffer(s, flow.subscriptionId, offer.apply, {
      channel,
      actor: ctx.actor,
      settings: ctx.settings,
      now: ctx.now,
      source: { cancelFlowId: flowId, offerId },
    });
    await s.update(cancelFlows, { status: "saved", closedAt: at, offerId, calls: flow.calls + 1 }, eq(cancelFlows.id, flowId));
    await addStep(s, flowId, "offer_accepted", channel, at, { offerId, templateVersion: offer.templateVersion, changeId: result.change?.id ?? null }, ctx.actor);
    for (const o of shown) await recordOutcome(s, offer.reason, o.offerId, o.offerId === offerId);
    const saved = { outcome: "saved" as const, flowId, offer: presentShown(offer, ctx.lang), subscription: result.subscription, change: result.change };
    await enqueueWebhookEvent(s, "cancel_flow.saved", { flowId, subscriptionId: flow.subscriptionId, customerId: flow.customerId, reason: flow.reason, offerId, channel: channel as ChannelName, subscription: result.subscription, change: result.change }, ctx.now);
    return saved;
  });
}

// ── 3b. confirm ─────────────────────────────────────────────────────────────────────────────────

export type ConfirmInput = {
  acknowledgeFee?: boolean;
  /** The acknowledgement's wording as ticked (kept with who ticked it). */
  acknowledgementWording?: string;
  /** The language the disclosures were given in (on a call, read out in); default the request's. */
  disclosedIn?: Lang;
  /** A phone cancellation's call: its start and the phone system's id. */
  call?: { startedAt?: string; callId?: string };
  survey?: (SurveyAnswer | null)[];
  keepInTouch?: boolean;
  returnOn?: string;
  /** Parts of the survey the body's shape could not carry (see unusableSurveyParts): listed, never blocking. */
  unusable?: Ignored[];
};

type Ignored = { path: string; message: Localized };

/**
 * The exit survey's parts a confirmation body sent (`raw`, the JSON as received) but could not
 * use (`parsed`, after ConfirmBody's catches): a keep-in-touch answer that is not true/false, a
 * return date not written YYYY-MM-DD, a survey that is not a list of answers, an answer not
 * `{ questionId, answer }`. Each is left out and named; the cancellation goes through.
 */
export function unusableSurveyParts(raw: unknown, parsed: Pick<ConfirmInput, "survey" | "keepInTouch" | "returnOn">): Ignored[] {
  const body = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const out: Ignored[] = [];
  if (body.keepInTouch !== undefined && parsed.keepInTouch === undefined) {
    out.push({ path: "keepInTouch", message: { en: "Must be true or false: not recorded", ja: "true か false で指定してください（記録していません）" } });
  }
  if (body.returnOn !== undefined && parsed.returnOn === undefined) {
    out.push({ path: "returnOn", message: { en: "Must be a date written YYYY-MM-DD: not recorded", ja: "日付は YYYY-MM-DD の形で指定してください（記録していません）" } });
  }
  if (body.survey !== undefined && parsed.survey === undefined) {
    out.push({ path: "survey", message: { en: "Must be a list of at most 20 answers: not recorded", ja: "回答は20件までのリストで指定してください（記録していません）" } });
  }
  parsed.survey?.forEach((a, i) => {
    if (a === null) {
      out.push({ path: `survey.${i}`, message: { en: "Must be { questionId, answer } with a text answer of at most 2,000 characters: not recorded", ja: "{ questionId, answer } の形で、回答は2,000文字以内の文字列にしてください（記録していません）" } });
    }
  });
  return out;
}

/** Ignored parts in the order of the body: keepInTouch, returnOn, survey, then its answers by index. */
const surveyOrder = (path: string) => (path.startsWith("survey.") ? 3 + Number(path.slice(7)) : ["keepInTouch", "returnOn", "survey"].indexOf(path));

/**
 * Confirms from any state but saved or canceled — including a flow that expired meanwhile, or was
 * closed as abandoned (replaced by a newer flow, left): leaving is never refused for lateness. A
 * plan already canceled answers 409 `subscription_canceled`. Closes the plan's other open flows as
 * abandoned (./closed-by-cancellation), so none of them is later credited with a save.
 */
export async function confirmCancellation(store: TenantStore, flowId: string, input: ConfirmInput, ctx: CallContext & { shopName: string }) {
  const receivedAt = ctx.now;
  const at = receivedAt.toISOString();
  const answer = await store.write(async (s) => {
    const flow = await getFlow(s, flowId);
    // Leaving is never refused for lateness: a flow past its expiry, or replaced by a newer one,
    // still confirms. Only a flow that already ended (saved or canceled) answers 409.
    if (flow.status === "saved" || flow.status === "canceled") assertOpen(flow, receivedAt);
    const wasAbandoned = effectiveStatus(flow, receivedAt) === "abandoned";
    const sub = await getSubscription(s, flow.subscriptionId);
    if (sub.status === "canceled") throw new ApiError("subscription_canceled", { en: "The subscription was canceled meanwhile (e.g. by the shop's system).", ja: "この定期コースは、お手続きの間に（ショップのシステムなどで）解約されました。" }, { canceledAt: sub.canceledAt });
    // The terms disclosed were for the version the caller saw: a plan changed since is shown again first.
    checkIfMatch(ctx.ifMatch, sub.version);
    const terms = cancellationTerms(sub, ctx.settings, receivedAt, ctx.lang);
    // The customer confirms the terms they were shown. Terms that differ now (the clock passed
    // into the cut-off, the shop changed its rules) are disclosed — recorded as shown in this
    // flow's evidence, which commits — and refused once; a confirm after that goes through.
    const disclosed = await lastDisclosedTerms(s, flowId);
    const changed = disclosed ? termsChanged(disclosed, terms) : [];
    if (changed.length > 0) {
      await addStep(s, flowId, "terms_disclosed", ctx.channel ?? flow.channel, at, { termsDisclosed: terms, termsChanged: changed, previousTerms: disclosed, displayedIn: ctx.lang }, ctx.actor);
      return { refused: termsChangedError(terms, changed, ctx.settings.pricesIncludeTax) };
    }
    if (terms.fee && input.acknowledgeFee !== true) {
      const basis = terms.charges.find((c) => c.type === "early_cancellation_fee")!.basis;
      throw new ApiError("fee_acknowledgement_required", { en: `An early-cancellation fee of ${terms.fee.amount} ${terms.fee.currency} applies (${basis}). Send acknowledgeFee: true to cancel.`, ja: `解約手数料 ${terms.fee.amount} ${terms.fee.currency} がかかります（${basis}）。解約するには acknowledgeFee: true を送信してください。` }, {
        fee: terms.fee,
        basis,
        errors: [{ path: "acknowledgeFee", message: "Must be true: the disclosed fee applies" }],
      });
    }
    const channel = ctx.channel ?? flow.channel;
    // The exit survey and keep-in-touch never block leaving: answers the survey cannot use and a
    // return date out of range are left out and named in the answer, and the cancellation proceeds.
    const exitSurvey = await loadSurvey(s);
    const answers = checkAnswers(exitSurvey, input.survey ?? []);
    const ignoredBoth: { path: string; message: Localized }[] = [...(input.unusable ?? []), ...answers.ignored.map((x) => ({ path: `survey.${x.index}`, message: x.message }))]
      .sort((a, b) => surveyOrder(a.path) - surveyOrder(b.path));
    const today = localDate(receivedAt, ctx.settings.timeZone);
    let returnOn: string | null = null;
    if (input.returnOn !== undefined) {
      // Today is a date too (back at once: winback.due at the next maintenance run).
      if (input.returnOn >= today && input.returnOn <= addDays(today, 730)) returnOn = input.returnOn;
      else ignoredBoth.push({ path: "returnOn", message: { en: `Must be ${today} or later, within two years`, ja: `${today} 以降、2年以内の日付を指定してください` } });
    }
    // The answer speaks the caller's language; the flow's record keeps the English, as it always has.
    const ignored = ignoredBoth.map((x) => ({ path: x.path, message: x.message[ctx.lang] }));
    let customer = await getCustomer(s, sub.customerId);
    const keepInTouchWording = exitSurvey.keepInTouchWording[ctx.lang];
    if (input.keepInTouch !== undefined) {
      customer = await recordKeepInTouch(s, customer, input.keepInTouch, { source: "cancel_flow", at, wording: keepInTouchWording, language: ctx.lang, flowId });
    }
    // Minnesota-style policy: an offer may only follow a completed cancellation. Chosen now, while
    // the plan is still the customer's, and shown with the confirmation — never before it.
    const [winBack] =
      ctx.settings.retentionPolicy === "afterCancellation" && !flow.holdout
        ? await suggestOffersFor(s, sub.id, { ...(flow.reason ? { reason: flow.reason } : {}), channel: flow.channel as "web", now: at, limit: 1, settings: ctx.settings })
        : [];
    const winBackOffer = winBack ? asShown(winBack, flow.reason ?? winBack.reason, ctx.lang) : null;
    const number = confirmationNumber(terms.receivedOn, secureRandom);
    // A delivery inside the cut-off still ships: the subscription shows it as the final delivery
    // (not as nextDeliveryOn) until then, and a reactivation before it continues from it.
    const finalDeliveryOn = terms.nextDelivery && !terms.nextDelivery.stopped ? terms.nextDelivery.on : null;
    // What a reactivation needs to undo it fairly: the delivery it stopped and the fee it charged.
    const stoppedDeliveryOn = terms.nextDelivery?.stopped ? terms.nextDelivery.on : null;
    const cancellation: CancellationRecord = { flowId, channel, effectiveOn: terms.effectiveOn, finalDeliveryOn, stoppedDeliveryOn, earlyCancellationFee: terms.fee, confirmationNumber: number, ...(flow.reason ? { reason: flow.reason } : {}) };
    // The skip run is kept: a reactivation before the final delivery restores the plan as it was.
    const updated: SubscriptionRow = { ...sub, status: "canceled", canceledAt: at, nextDeliveryOn: null, pausedUntil: null, cancellation, version: sub.version + 1, updatedAt: at };
    await s.update(
      subscriptions,
      { status: "canceled", canceledAt: at, nextDeliveryOn: null, pausedUntil: null, cancellation, version: updated.version, updatedAt: at },
      eq(subscriptions.id, sub.id),
      eq(subscriptions.version, sub.version),
    );
    const change = changeRow(sub, updated, { type: "cancel", channel, actor: ctx.actor, source: { cancelFlowId: flowId, confirmationNumber: number } }, at);
    await s.insert(planChanges, change);
    const receipt = { ja: receiptText({ confirmationNumber: number, subscriptionId: sub.id, productName: sub.productName, terms: cancellationTerms(sub, ctx.settings, receivedAt, "ja"), shopName: ctx.shopName, timeZone: ctx.settings.timeZone, pricesIncludeTax: ctx.settings.pricesIncludeTax }, "ja"), en: receiptText({ confirmationNumber: number, subscriptionId: sub.id, productName: sub.productName, terms: cancellationTerms(sub, ctx.settings, receivedAt, "en"), shopName: ctx.shopName, timeZone: ctx.settings.timeZone, pricesIncludeTax: ctx.settings.pricesIncludeTax }, "en") };
    await s.update(cancelFlows, { status: "canceled", closedAt: at, confirmationNumber: number, calls: flow.calls + 1 }, eq(cancelFlows.id, flowId));
    // Another flow left open on the plan (a newer one this confirmation overtook) has no answer now.
    await closeFlowsOnCancellation(s, [sub.id], receivedAt, {
      channel,
      actor: ctx.actor,
      changeId: change.id,
      confirmationNumber: number,
      // A replaced flow confirmed after all: the flow that replaced it is of the same attempt.
      ...(flow.supersededBy ? { attempt: { flowId, startedAt: flow.attemptStartedAt ?? flow.startedAt } } : {}),
    });
    await addStep(s, flowId, "cancel_confirmed", channel, at, {
      acknowledgeFee: input.acknowledgeFee ?? false,
      // Who ticked the fee box, in which words: an operator's tick on a caller's spoken consent is
      // not the customer's own (the actor says which operator).
      feeAcknowledgement: terms.fee && input.acknowledgeFee === true ? { by: ctx.actor.type, wording: input.acknowledgementWording ?? null } : null,
      // What the customer heard, not the screen's language (`started.displayedIn`).
      disclosedIn: input.disclosedIn ?? ctx.lang,
      call: input.call && (input.call.startedAt || input.call.callId) ? { startedAt: input.call.startedAt ?? null, callId: input.call.callId ?? null } : null,
      confirmationNumber: number,
      terms,
      receipt,
      ...(wasAbandoned ? { afterExpiry: true } : {}),
      winBackOffer,
      survey: answers.kept,
      keepInTouch: input.keepInTouch === undefined ? null : { answer: input.keepInTouch, wording: keepInTouchWording, displayedIn: ctx.lang },
      returnOn,
      ...(ignoredBoth.length ? { ignored: ignoredBoth.map((x) => ({ path: x.path, message: x.message.en })) } : {}),
    }, ctx.actor);
    await recordCancellation(s, { sub: updated, customer, flowId, reason: flow.reason, effectiveOn: terms.effectiveOn, returnOn, survey: answers.kept.length ? answers.kept : null, at, settings: ctx.settings });
    await refreshRisk(s, sub.id, at);
    const shown = (flow.offersShown ?? []) as unknown as ShownOffer[];
    for (const o of shown) await recordOutcome(s, o.reason, o.offerId, false);
    const confirmation = {
      outcome: "canceled" as const,
      flowId,
      confirmationNumber: number,
      receivedAt: at,
      canceledAt: at,
      effectiveOn: terms.effectiveOn,
      cutoff: { ...terms.cutoff, nextDeliveryOn: terms.nextDelivery?.on ?? null, nextDeliveryStopped: terms.nextDelivery?.stopped ?? null },
      charges: terms.charges,
      totalCharge: terms.total,
      feeAcknowledged: terms.fee !== null,
      receipt: receipt[ctx.lang],
      subscription: toSubscription(updated),
      winBackOffer: winBackOffer ? presentShown(winBackOffer, ctx.lang) : null,
      exitSurvey: { recorded: answers.kept.length, keepInTouch: input.keepInTouch ?? null, returnOn, ignored },
    };
    // The caller's own parts (for them to act on) stay out of the event; the receipt goes in both
    // languages, so the shop can send the customer the confirmation in text form (§312k(4) BGB).
    const { receipt: _receipt, winBackOffer: _winBackOffer, exitSurvey: _exitSurvey, ...canceled } = confirmation;
    await enqueueWebhookEvent(s, "subscription.canceled", { ...canceled, receipt, change: toChange({ ...change, tenantId: s.tenantId }) }, receivedAt);
    return { confirmation };
  });
  if ("refused" in answer) throw answer.refused;
  return answer.confirmation;
}

/**
 * 409 `cancellation_terms_changed`: what cancelling means now differs from what the flow showed
 * (`changed`); `ifCanceledNow` and `fee` carry the new terms to show before confirming again.
 */
function termsChangedError(terms: CancellationTerms, changed: string[], pricesIncludeTax: boolean): ApiError {
  const total = (lang: Lang) => writeTotal(terms, lang, pricesIncludeTax);
  const charged = terms.charges.length === 0 ? { ja: "今後のご請求はありません", en: "nothing more to pay" } : { ja: `今後のご請求は合計${total("ja")}`, en: `a total of ${total("en")} to pay` };
  const next = terms.nextDelivery
    ? terms.nextDelivery.stopped
      ? { ja: `次回のお届け（${writeDate(terms.nextDelivery.on, "ja", "full")}）は停止され、`, en: `the next delivery (${writeDate(terms.nextDelivery.on, "en", "full")}) is stopped and ` }
      : { ja: `次回のお届け（${writeDate(terms.nextDelivery.on, "ja", "full")}）は締め切りを過ぎているため最後のお届けとして発送され、`, en: `the next delivery (${writeDate(terms.nextDelivery.on, "en", "full")}) is past the cut-off and ships as the last one, and ` }
    : { ja: "", en: "" };
  return new ApiError(
    "cancellation_terms_changed",
    {
      en: `The terms of cancelling changed since they were shown (${changed.join(", ")}): now ${next.en}${charged.en}. Show these terms to the customer and confirm again.`,
      ja: `お手続きの間に解約の条件が変わりました。現在の条件では、${next.ja}${charged.ja}。この条件をお客様にお示しし、もう一度確定してください。`,
    },
    { ifCanceledNow: ifCanceledNowOf(terms), ...(terms.fee ? { fee: terms.fee } : {}), changed },
  );
}

// ── evidence ────────────────────────────────────────────────────────────────────────────────────

export async function flowEvidence(store: TenantStore, flowId: string, now: Date) {
  const flow = await getFlow(store, flowId);
  const steps = await store.q.select().from(cancelFlowSteps).where(store.owns(cancelFlowSteps, eq(cancelFlowSteps.flowId, flowId))).orderBy(asc(cancelFlowSteps.seq));
  const status = effectiveStatus(flow, now);
  const shown = (flow.offersShown ?? []) as unknown as ShownOffer[];
  return {
    flowId: flow.id,
    subscriptionId: flow.subscriptionId,
    customerId: flow.customerId,
    channel: flow.channel as ChannelName,
    status,
    outcome: status === "saved" || status === "canceled" || status === "abandoned" ? status : null,
    reason: flow.reason,
    holdout: flow.holdout,
    offersShown: shown.map((o) => ({ offerId: o.offerId, type: o.type, templateVersion: o.templateVersion, title: o.title, description: o.description, parameters: o.parameters, displayedIn: o.displayedIn })),
    acceptedOfferId: status === "saved" ? flow.offerId : null,
    confirmationNumber: flow.confirmationNumber,
    calls: flow.calls,
    startedAt: flow.startedAt,
    expiresAt: flow.expiresAt,
    closedAt: flow.closedAt ?? (status === "abandoned" ? flow.expiresAt : null),
    steps: steps.map((x) => ({ seq: x.seq, type: x.type, channel: x.channel, actor: x.actor ?? null, at: x.at, data: x.data })),
  };
}

// ── win-back ────────────────────────────────────────────────────────────────────────────────────

/**
 * The win-back offer shown on a flow's confirmation, for `reactivate { flowId, offerId }`; null when
 * the flow is this subscription's but showed another (then a comeback offer is looked for).
 */
async function shownWinBack(s: TenantStore, subscriptionId: string, flowId: string, offerId: string): Promise<ShownOffer | null> {
  const flow = await getFlow(s, flowId);
  const [step] = await s.q
    .select({ data: cancelFlowSteps.data })
    .from(cancelFlowSteps)
    .where(s.owns(cancelFlowSteps, eq(cancelFlowSteps.flowId, flowId), eq(cancelFlowSteps.type, "cancel_confirmed")))
    .limit(1);
  const offer = step?.data.winBackOffer as ShownOffer | null | undefined;
  if (flow.subscriptionId === subscriptionId && offer?.offerId !== offerId) return null;
  if (flow.subscriptionId !== subscriptionId || !offer) {
    throw new ApiError("offer_not_shown", { en: `Offer ${offerId} was not shown as a win-back offer on flow ${flowId} of this subscription.`, ja: `特典 ${offerId} は、この定期コースの解約手続き ${flowId} で再開のご案内として表示されていません。` }, { shownOfferIds: offer ? [offer.offerId] : [] });
  }
  return offer;
}

/** A fee decision as records keep it (change source, webhook, flow evidence): language-neutral. */
function feeRecord(fee: FeeOnReactivation, sub: SubscriptionRow) {
  return {
    amount: fee.fee,
    waived: fee.waived,
    confirmationNumber: fee.confirmationNumber,
    commitment: fee.commitment,
    ...(sub.commitmentMinDeliveries !== null ? { minDeliveries: sub.commitmentMinDeliveries, deliveriesCompleted: sub.deliveriesCompleted } : {}),
  };
}

/** 422 `date_out_of_range`: the restart date the customer named is later than a reactivation can start today (`latest`). */
function namedTooFar(named: string, latest: string, extra: Record<string, unknown> | undefined): ApiError {
  const day = (d: string, lang: "ja" | "en") => writeDate(d, lang, "full");
  return new ApiError(
    "date_out_of_range",
    {
      en: `The customer asked to restart on ${day(named, "en")}, later than a restart can be set today (the first delivery on ${day(latest, "en")} at the latest): reactivate with a nextDeliveryOn up to then, or nearer their date.`,
      ja: `お客様がご希望の再開日（${day(named, "ja")}）は、現在設定できる最初のお届け日（${day(latest, "ja")}まで）より先です。それまでの日付を nextDeliveryOn に指定して再開するか、ご希望の日が近づいてから再開してください。`,
    },
    extra,
  );
}

export async function reactivate(store: TenantStore, subscriptionId: string, input: { nextDeliveryOn?: string; flowId?: string; offerId?: string }, ctx: CallContext & { channel: string }) {
  const at = ctx.now.toISOString();
  return store.write(async (s) => {
    const sub = await getSubscription(s, subscriptionId);
    if (sub.status !== "canceled") throw new ApiError("subscription_not_canceled", { en: "Only a canceled subscription can be reactivated.", ja: "再開できるのは解約済みの定期コースだけです。" }, { subscriptionStatus: sub.status });
    // An erased person's plan stays closed (data-rights/erased).
    refuseErased(await findCustomer(s, sub.customerId), "path.subscriptionId");
    // The offer taken: the one a flow's confirmation showed (afterCancellation), else a comeback
    // offer suggested for this subscription (the candidates list, winback.due: winback/redeem).
    const winBack = input.flowId && input.offerId ? await shownWinBack(s, subscriptionId, input.flowId, input.offerId) : null;
    const comeback = input.offerId && !winBack ? await comebackToRedeem(s, subscriptionId, input.offerId, ctx.now, ctx.settings) : null;
    const today = localDate(ctx.now, ctx.settings.timeZone);
    const finalDeliveryOn = sub.cancellation?.finalDeliveryOn ?? null;
    // A plain reactivation keeps the delivery the cancellation stopped; an offer taken starts where
    // its terms were shown (its restart date), as before.
    const stoppedDeliveryOn = comeback || winBack ? null : (sub.cancellation?.stoppedDeliveryOn ?? null);
    // Either way a monthly plan restarts on its own schedule: its day, in step with the stopped delivery.
    const canceled = { ...canceledPlanOf(sub), stoppedDeliveryOn };
    // A comeback offer taken restarts on the date it was shown for when the customer named one (their
    // date, a monthly plan's on its day), not the earliest — unless another is asked for, or the
    // final delivery is still coming (the plan then continues from it, as any reactivation).
    // A named date on a day the shop is closed (settings closedDates) restarts on the first open day after it.
    const named = comeback?.restartOn ? firstOpenDate(comeback.restartOn, ctx.settings) : null;
    const requested = input.nextDeliveryOn ?? (named !== null && !("continuesOn" in reactivationWindow(canceled, today, ctx.settings)) ? named : undefined);
    const start = reactivationStart(canceled, today, ctx.settings, requested);
    if (!start.ok) {
      if (input.nextDeliveryOn === undefined && named !== null && start.violation.code === "date_out_of_range") throw namedTooFar(named, String(start.violation.extra?.latestDate), start.violation.extra);
      throw new ApiError(start.violation.code, start.violation.detail, start.violation.extra);
    }
    // The fee the cancellation charged: waived when this undoes it, else it stands and settles the
    // commitment (the plan restarts without one, so it can never be charged twice).
    const fee = feeOnReactivation(sub.cancellation, sub, today);
    const settled = fee !== null && fee.commitment === "settled";
    // As if never cancelled: the plan keeps its skip run and its discount; a new start has neither.
    const kept = start.asIfNeverCanceled;
    const restored = {
      status: "active" as const,
      nextDeliveryOn: start.nextDeliveryOn,
      // A monthly plan restarting on another day of the month keeps that day from now on.
      ...(sub.intervalMonths ? { deliveryDay: anchorFor(start.nextDeliveryOn, sub) } : {}),
      canceledAt: null,
      cancellation: null,
      pausedUntil: null,
      consecutiveSkips: kept ? sub.consecutiveSkips : 0,
      activeDiscount: kept ? sub.activeDiscount : null,
      ...(settled ? { commitmentMinDeliveries: null, commitmentFeeAmount: null, commitmentFeeCurrency: null } : {}),
    };
    const updated: SubscriptionRow = { ...sub, ...restored, version: sub.version + 1, updatedAt: at };
    // A comeback offer's terms on the plan as it restarts (its discount from the first delivery back,
    // its interval or size under the shop's rules now): the same engine as when it was suggested.
    const terms = comeback ? personaliseTerms(comeback.offer, { ...toSubscription(updated), deliveryDay: updated.deliveryDay }, { today, settings: ctx.settings, stockOnHand: null, consecutiveSkips: updated.consecutiveSkips }) : null;
    if (comeback && !terms) notApplicable(comeback.offer.id);
    await s.update(subscriptions, { ...restored, version: updated.version, updatedAt: at }, eq(subscriptions.id, subscriptionId), eq(subscriptions.version, sub.version));
    const source = {
      previousCancellation: sub.cancellation ?? null,
      canceledAt: sub.canceledAt,
      ...(kept ? { asIfNeverCanceled: true, finalDeliveryOn } : {}),
      ...(comeback ? { comeback: { winbackId: comeback.winbackId, offerId: comeback.offer.id } } : {}),
      // For the merchant's billing: whether to charge the fee the cancellation's receipt named.
      ...(fee ? { cancellationFee: feeRecord(fee, sub) } : {}),
    };
    const change = changeRow(sub, updated, { type: "reactivate", channel: ctx.channel, actor: ctx.actor, source }, at);
    await s.insert(planChanges, change);
    const result = { subscription: toSubscription(updated), change: toChange({ ...change, tenantId: s.tenantId }) };
    await enqueueWebhookEvent(s, "subscription.reactivated", result, ctx.now);
    const flowId = sub.cancellation?.flowId;
    if (fee && flowId) {
      await addStep(s, flowId, fee.waived ? "cancellation_fee_waived" : "cancellation_fee_stands", ctx.channel, at, { changeId: change.id, ...feeRecord(fee, sub), note: fee.note }, ctx.actor);
    }
    // The caller's answer says what became of the fee, in their language (the event keeps the source's record).
    const feeAnswer = fee ? { cancellationFee: { ...feeRecord(fee, sub), note: fee.note[ctx.lang] } } : {};
    await refreshRisk(s, subscriptionId, at, "reactivated");
    // Revenue recovered: the plan as it restarts, with the offer taken (its discount, its size).
    // A restart that took an offer (a comeback or the confirmation's win-back offer) is a win-back
    // the offer bought, never a cancellation undone (today null), whenever it came.
    const recovered = async () => recordReactivations(s, [await getSubscription(s, subscriptionId)], at, comeback || winBack ? null : today);
    if (comeback && terms) {
      // Applied like any accepted offer, in the same transaction: both or neither. Not counted as a
      // cancel-flow save (the bandit learns saves of flows it showed offers in); the change's source,
      // the reactivation's `comeback` and the flow's evidence attribute it.
      const applied = await applyOffer(s, subscriptionId, terms.apply, {
        channel: ctx.channel,
        actor: ctx.actor,
        settings: ctx.settings,
        now: ctx.now,
        source: { offerId: comeback.offer.id, comeback: true, winbackId: comeback.winbackId, ...(comeback.flowId ? { cancelFlowId: comeback.flowId } : {}) },
      });
      if (comeback.flowId) {
        await addStep(s, comeback.flowId, "win_back_accepted", ctx.channel, at, { offerId: comeback.offer.id, templateVersion: comeback.offer.templateVersion, comeback: comeback.via, changeId: applied.change?.id ?? null }, ctx.actor);
      }
      await recovered();
      return { subscription: applied.subscription, change: result.change, ...feeAnswer };
    }
    if (!winBack) {
      await recovered();
      return { ...result, ...feeAnswer };
    }
    // The offer applies to the restored plan in the same transaction: both or neither.
    const applied = await applyOffer(s, subscriptionId, winBack.apply, { channel: ctx.channel, actor: ctx.actor, settings: ctx.settings, now: ctx.now, source: { cancelFlowId: input.flowId, offerId: winBack.offerId, winBack: true } });
    await addStep(s, input.flowId!, "win_back_accepted", ctx.channel, at, { offerId: winBack.offerId, templateVersion: winBack.templateVersion, changeId: applied.change?.id ?? null }, ctx.actor);
    await recordOutcome(s, winBack.reason, winBack.offerId, true);
    await recovered();
    return { subscription: applied.subscription, change: result.change, ...feeAnswer };
  });
}

// ── maintenance ─────────────────────────────────────────────────────────────────────────────────

/** Marks the tenant's flows left open past their expiry as abandoned (evidence step "expired"). */
export async function expireFlows(store: TenantStore, now: Date, batch = 200): Promise<number> {
  const at = now.toISOString();
  return store.write(async (s) => {
    const due = await s.q.select().from(cancelFlows).where(s.owns(cancelFlows, inArray(cancelFlows.status, ["open", "offered"]), lte(cancelFlows.expiresAt, at))).limit(batch);
    for (const f of due) {
      await s.update(cancelFlows, { status: "abandoned", closedAt: f.expiresAt }, and(eq(cancelFlows.id, f.id), inArray(cancelFlows.status, ["open", "offered"])));
      await addStep(s, f.id, "expired", "system", at, { previousStatus: f.status, expiresAt: f.expiresAt }, SYSTEM_ACTOR);
      await refreshRisk(s, f.subscriptionId, at, "cancel_flow_abandoned");
    }
    return due.length;
  });
}
