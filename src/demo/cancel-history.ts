/**
 * Cancel-flow history for the demo shop, so metrics and offer ranking show real numbers: the last
 * ~6 months of flows — every cancellation in that window went through a flow (reason given or not,
 * an offer shown and declined), plus flows of customers who stayed (offer accepted) or left the flow
 * open (abandoned), a few win-backs, and `offer_outcomes` counted from exactly those flows.
 *
 * Who accepts follows `DEFAULT_TRUTH` (offers/simulate) — the same "true" save probabilities the
 * offline simulation uses — scaled by a fixed factor. Holdout: none. Deterministic: a fixed-seed
 * PRNG and `now` decide everything (ids included).
 */
import { addCycles, anchorFor } from "../platform/cadence";
import type { Tx } from "../db/client";
import { cancelFlows, cancelFlowSteps, events, offerOutcomes, offers, planChanges, subscriptions } from "../db/schema";
import { DEFAULT_CATALOGUE } from "../offers/catalogue";
import { eligibleOffers } from "../offers/eligibility";
import { personalise } from "../offers/personalise";
import { DEFAULT_TRUTH } from "../offers/simulate";
import { defaultOfferRows } from "../offers/repository";
import { addDays, localDate } from "../platform/dates";
import { seededDraws } from "../platform/random";
import { DEFAULT_SETTINGS } from "../settings/schemas";
import { productOf } from "../subscriptions/repository";

type SubscriptionRow = typeof subscriptions.$inferInsert;
type EventRow = typeof events.$inferInsert;
type FlowRow = typeof cancelFlows.$inferInsert;
type StepRow = typeof cancelFlowSteps.$inferInsert;
type ChangeRow = typeof planChanges.$inferInsert;

/** Who made the demo's history: Tsuzuku's seeder (it stands in for the shop's customers and operators). */
const DEMO_ACTOR = { type: "system" as const, id: "demo_seed" };

const DAY = 86_400_000;
const WINDOW_DAYS = 182;
const TZ = "Asia/Tokyo";
/** Of active/paused subscriptions older than a month: share that opened a flow in the window. */
const STAYER_FLOW_RATE = 0.45;
/** Scales DEFAULT_TRUTH for customers who ended up staying (they were persuadable). */
const STAYER_ACCEPT_BOOST = 1.8;
/**
 * Share of cancellations in the window that come back within a month, by reason: those who left
 * for a break or over surplus stock far more than those it did not suit (≈ 18 % overall).
 */
const REACTIVATION_RATE: Record<string, number> = { temporary_break: 0.4, moving: 0.3, health_or_life_change: 0.3, surplus_stock: 0.25, too_expensive: 0.15, other: 0.15, delivery_problem: 0.1, dissatisfied_service: 0.06, switching_competitor: 0.06, no_effect: 0.05 };
/** Of cancellations in the window: share that had accepted an offer in an earlier flow. */
const EARLIER_SAVE_RATE = 0.3;
/**
 * The base seed spreads its cancellations over three years (about five a month). A shop that runs
 * a cancel flow sees more, so we add trial subscriptions of existing customers that ended in a
 * cancellation (with their deliveries as events): this many a month, over the last two years —
 * not only the six months of flows, or the shop's churn would change character just when the
 * risk model's time-based hold-out begins, and a model trained on the older part would look
 * worse than it is.
 */
const EXTRA_CANCELLATIONS_PER_MONTH = 25;
const EXTRA_CANCELLATION_SPAN_DAYS = 730;

const REASONS: readonly [string, number][] = [
  ["surplus_stock", 24], ["too_expensive", 20], ["no_effect", 12], ["switching_competitor", 8], ["temporary_break", 12],
  ["moving", 4], ["health_or_life_change", 6], ["delivery_problem", 5], ["dissatisfied_service", 4], ["other", 5],
];
const CHANNELS: readonly [string, number][] = [["web", 55], ["operator", 28], ["ivr", 17]];
const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export type CancelHistory = { flows: FlowRow[]; steps: StepRow[]; changes: ChangeRow[]; outcomes: Map<string, { reason: string; offerId: string; accepted: number; declined: number }> };

/**
 * Builds the history and updates `subs` in place where it must agree with it (the flow and
 * confirmation number on a cancellation; reactivated subscriptions are active again).
 */
export function buildCancelHistory(subs: SubscriptionRow[], eventRows: EventRow[], tenantId: string, now: Date, seed = 0x63616e63): CancelHistory {
  const { next, chance, int, weighted } = seededDraws(seed);
  const id = (prefix: string) => `${prefix}_${Array.from({ length: 20 }, () => ID_ALPHABET[Math.floor(next() * 62)]).join("")}`;
  const nowMs = now.getTime();
  const today = localDate(now, TZ);
  const windowStart = nowMs - WINDOW_DAYS * DAY;
  const out: CancelHistory = { flows: [], steps: [], changes: [], outcomes: new Map() };
  const outcome = (reason: string, offerId: string, accepted: boolean) => {
    const key = `${reason}|${offerId}`;
    const o = out.outcomes.get(key) ?? { reason, offerId, accepted: 0, declined: 0 };
    if (accepted) o.accepted++;
    else o.declined++;
    out.outcomes.set(key, o);
  };

  /** The offer the flow showed for this reason: the catalogue's best fit by prior, personalised then. */
  const offerFor = (sub: SubscriptionRow, reason: string, channel: string, atMs: number) => {
    const day = localDate(new Date(atMs), TZ);
    const snapshot = {
      status: "active" as const,
      product: { sku: sub.productSku, name: sub.productName },
      quantity: sub.quantity,
      intervalDays: sub.intervalDays,
      nextDeliveryOn: addDays(day, int(6, Math.max(7, sub.intervalDays - 2))),
      unitPrice: { amount: sub.unitPriceAmount, currency: sub.currency },
      deliveriesCompleted: Math.max(1, sub.deliveriesCompleted ?? 1),
    };
    const candidates = eligibleOffers(DEFAULT_CATALOGUE, { reason, channel: channel as "web", deliveriesCompleted: snapshot.deliveriesCompleted, now: new Date(atMs) })
      .map((o) => personalise(o, snapshot, { today: day, settings: DEFAULT_SETTINGS }))
      .filter((o) => o !== null);
    if (candidates.length === 0) return null;
    // Early on the shop showed offers in catalogue order; later the learned ranking took over.
    const o = candidates[int(0, candidates.length - 1)]!;
    return { shown: { offerId: o.offerId, type: o.type, templateVersion: o.templateVersion, reason, parameters: o.parameters, title: o.title, description: o.description, displayedIn: "ja", expectedSaveProbability: Math.round((o.prior.alpha / (o.prior.alpha + o.prior.beta)) * 1000) / 1000, apply: o.apply }, snapshot };
  };

  const addFlow = (sub: SubscriptionRow, startMs: number, end: "saved" | "canceled" | "abandoned", reasonIn: string | null, channel: string, endMs: number) => {
    const flowId = id("cf");
    const reasonGiven = reasonIn !== null;
    const offer = reasonGiven ? offerFor(sub, reasonIn, channel, startMs) : null;
    const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
    const steps: StepRow[] = [{ tenantId, flowId, seq: 1, type: "started", channel, at: at(startMs), data: { retentionPolicy: "oneOffer", holdout: false, displayedIn: "ja" } }];
    let calls = 1;
    const reasonMs = startMs + int(15, 120) * 1000;
    if (reasonGiven) {
      calls++;
      steps.push({ tenantId, flowId, seq: 2, type: "reason_given", channel, at: at(reasonMs), data: { reason: reasonIn, comment: null, offersShown: offer ? [offer.shown] : [], noOfferBecause: offer ? null : "no_eligible_offer" } });
    }
    let status: FlowRow["status"] = end;
    if (end === "saved" && !offer) status = "abandoned";
    const closeMs = status === "abandoned" ? startMs + DEFAULT_SETTINGS.cancelFlowTtlHours * 3_600_000 : Math.max(endMs, reasonMs + 10_000);
    const flow: FlowRow = {
      tenantId,
      id: flowId,
      subscriptionId: sub.id,
      customerId: sub.customerId,
      channel,
      status,
      reason: reasonIn,
      offer: offer ? (offer.shown as unknown as Record<string, unknown>) : null,
      offerId: offer?.shown.offerId ?? null,
      offersShown: offer ? [offer.shown as unknown as Record<string, unknown>] : [],
      holdout: false,
      calls,
      startedAt: at(startMs),
      expiresAt: at(startMs + DEFAULT_SETTINGS.cancelFlowTtlHours * 3_600_000),
      closedAt: at(closeMs),
      confirmationNumber: null,
    };
    const plan = { status: "active", quantity: sub.quantity, intervalDays: sub.intervalDays, nextDeliveryOn: offer?.snapshot.nextDeliveryOn ?? null, pausedUntil: null, product: productOf(sub) };
    if (status === "saved" && offer) {
      flow.calls = ++calls;
      const changeId = id("chg");
      const req = offer.shown.apply.kind === "plan_change" ? offer.shown.apply.request : null;
      const after = { ...plan, ...(req?.type === "interval" && "intervalDays" in req ? { intervalDays: req.intervalDays } : {}), ...(req?.type === "quantity" ? { quantity: req.quantity } : {}), ...(req?.type === "pause" && "resumeOn" in req ? { status: "paused", pausedUntil: req.resumeOn, nextDeliveryOn: req.resumeOn } : {}), ...(req?.type === "skip" || req?.type === "next_delivery" ? { nextDeliveryOn: String((offer.shown.parameters as Record<string, unknown>).newNextDeliveryOn ?? (offer.shown.parameters as Record<string, unknown>).suggestedDeliveryOn) } : {}) };
      const type = req ? req.type : offer.shown.apply.kind === "none" ? null : offer.shown.apply.kind;
      if (type) out.changes.push({ tenantId, id: changeId, subscriptionId: sub.id, type, channel, keyId: null, actor: DEMO_ACTOR, before: plan, after, source: { cancelFlowId: flowId, offerId: offer.shown.offerId }, createdAt: at(closeMs) });
      steps.push({ tenantId, flowId, seq: steps.length + 1, type: "offer_accepted", channel, at: at(closeMs), data: { offerId: offer.shown.offerId, templateVersion: 1, changeId: type ? changeId : null } });
      outcome(reasonIn!, offer.shown.offerId, true);
    } else if (status === "canceled") {
      flow.calls = ++calls;
      const number = `CN-${localDate(new Date(closeMs), TZ).replaceAll("-", "")}-${Array.from({ length: 6 }, () => "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"[int(0, 31)]).join("")}`;
      flow.confirmationNumber = number;
      steps.push({ tenantId, flowId, seq: steps.length + 1, type: "cancel_confirmed", channel, at: at(closeMs), data: { acknowledgeFee: false, confirmationNumber: number } });
      out.changes.push({ tenantId, id: id("chg"), subscriptionId: sub.id, type: "cancel", channel, keyId: null, actor: DEMO_ACTOR, before: plan, after: { ...plan, status: "canceled", nextDeliveryOn: null }, source: { cancelFlowId: flowId, confirmationNumber: number }, createdAt: at(closeMs) });
      if (offer) outcome(reasonIn!, offer.shown.offerId, false);
      sub.cancellation = { ...(sub.cancellation ?? {}), flowId, confirmationNumber: number, channel, ...(reasonIn ? { reason: reasonIn } : {}) };
    } else {
      steps.push({ tenantId, flowId, seq: steps.length + 1, type: "expired", channel: "system", at: at(closeMs), data: { previousStatus: offer ? "offered" : "open" } });
    }
    out.flows.push(flow);
    out.steps.push(...steps.map((step) => ({ ...step, actor: DEMO_ACTOR })));
  };

  // Trial subscriptions that ended in a cancellation (see EXTRA_CANCELLATIONS_PER_MONTH).
  const baseSubs = [...subs];
  const numbers = subs.map((x) => Number(x.id.slice(-6))).filter(Number.isFinite);
  let serial = Math.max(0, ...numbers);
  const extraFrom = nowMs - EXTRA_CANCELLATION_SPAN_DAYS * DAY;
  const extras = Math.round((EXTRA_CANCELLATIONS_PER_MONTH * EXTRA_CANCELLATION_SPAN_DAYS) / 30);
  for (let i = 0; i < extras; i++) {
    const canceledMs = Math.floor((extraFrom + next() * (EXTRA_CANCELLATION_SPAN_DAYS - 1) * DAY) / 1000) * 1000;
    // The customer had been with the shop for a month by then.
    const templates = baseSubs.filter((x) => Date.parse(x.startedAt) < canceledMs - 30 * DAY);
    if (templates.length < 2) continue;
    const owner = templates[int(0, templates.length - 1)]!;
    let product = templates[int(0, templates.length - 1)]!;
    for (let tries = 0; tries < 5 && subs.some((x) => x.customerId === owner.customerId && x.productSku === product.productSku); tries++) product = templates[int(0, templates.length - 1)]!;
    const deliveries = weighted([["1", 30], ["2", 20], ["3", 15], ["4", 12], ["5", 8], ["6", 7], ["8", 5], ["10", 3]]);
    const lead = int(2, 10);
    let k = Number(deliveries);
    // Never before the customer's first order.
    while (k > 1 && canceledMs - (k * product.intervalDays + lead) * DAY < Date.parse(owner.startedAt)) k--;
    const startedMs = Math.max(Date.parse(owner.startedAt) + 3_600_000, Math.floor((canceledMs - (k * product.intervalDays + lead) * DAY) / 1000) * 1000);
    const startOn = localDate(new Date(startedMs), TZ);
    const id = `S-${startOn.slice(0, 4)}-${String(++serial).padStart(6, "0")}`;
    const startedAt = new Date(startedMs).toISOString();
    const canceledAt = new Date(canceledMs).toISOString();
    subs.push({
      tenantId,
      id,
      customerId: owner.customerId,
      productSku: product.productSku,
      productName: product.productName,
      productCategory: product.productCategory ?? null,
      quantity: 1,
      intervalDays: product.intervalDays,
      // A monthly product's plan is monthly too, on the day of its first delivery.
      intervalMonths: product.intervalMonths ?? null,
      deliveryDay: product.intervalMonths ? Number(addDays(startOn, 3).slice(8, 10)) : null,
      nextDeliveryOn: null,
      unitPriceAmount: product.unitPriceAmount,
      currency: product.currency,
      status: "canceled",
      startedAt,
      deliveriesCompleted: k,
      consecutiveSkips: 0,
      commitmentMinDeliveries: null,
      commitmentFeeAmount: null,
      commitmentFeeCurrency: null,
      pausedUntil: null,
      activeDiscount: null,
      canceledAt,
      cancellation: { reason: weighted(REASONS), channel: weighted(CHANNELS), effectiveOn: localDate(new Date(canceledMs), TZ) },
      version: 1,
      createdAt: startedAt,
      updatedAt: canceledAt,
    });
    for (let d = Math.max(0, k - 9); d < k; d++) {
      const on = product.intervalMonths ? addCycles(addDays(startOn, 3), product, d) : addDays(startOn, 3 + d * product.intervalDays);
      const at = new Date(Math.min(Date.parse(`${on}T03:00:00Z`) + int(0, 8) * 3_600_000, canceledMs - 3_600_000)).toISOString();
      eventRows.push({ tenantId, id: `evt-${id}-d${d + 1}`, type: "delivery.completed", customerId: owner.customerId, subscriptionId: id, occurredAt: at, data: { deliveredOn: on }, receivedAt: at });
    }
    if (chance(0.6)) {
      const at = new Date(canceledMs - int(1, 48) * 3_600_000).toISOString();
      eventRows.push({ tenantId, id: `evt-${id}-c1`, type: "contact.logged", customerId: owner.customerId, subscriptionId: id, occurredAt: at, data: { channel: "phone", topic: "cancel_request", sentiment: "negative" }, receivedAt: at });
    }
  }

  for (const sub of subs) {
    const startedMs = Date.parse(sub.startedAt);
    if (sub.status === "canceled" && sub.canceledAt) {
      const canceledMs = Date.parse(sub.canceledAt);
      if (canceledMs < windowStart) continue;
      const channel = sub.cancellation?.channel && ["web", "operator", "ivr"].includes(sub.cancellation.channel) ? sub.cancellation.channel : weighted(CHANNELS);
      // Some had been saved before and left anyway: what the durable save rate measures.
      const earlierMs = canceledMs - int(8, 100) * DAY;
      if (chance(EARLIER_SAVE_RATE) && earlierMs > windowStart && earlierMs > startedMs + 14 * DAY) {
        addFlow(sub, earlierMs, "saved", weighted(REASONS), weighted(CHANNELS), earlierMs + int(60, 400) * 1000);
      }
      const startMs = Math.max(startedMs + 60_000, canceledMs - int(40, 600) * 1000);
      addFlow(sub, startMs, "canceled", chance(0.88) ? (sub.cancellation?.reason ?? "other") : null, channel, canceledMs);
      // Win-back: some come back within a month (their deliveries since are outside the imported events).
      const backMs = canceledMs + int(7, 30) * DAY;
      if (chance(REACTIVATION_RATE[sub.cancellation?.reason ?? "other"] ?? 0.15) && backMs < nowMs - DAY) {
        const nextOn = addDays(today, int(2, 20));
        const before = { status: "canceled", quantity: sub.quantity, intervalDays: sub.intervalDays, nextDeliveryOn: null, pausedUntil: null, product: productOf(sub) };
        out.changes.push({ tenantId, id: id("chg"), subscriptionId: sub.id, type: "reactivate", channel: weighted(CHANNELS), keyId: null, actor: DEMO_ACTOR, before, after: { ...before, status: "active", nextDeliveryOn: nextOn }, source: { previousCancellation: sub.cancellation ?? null, canceledAt: sub.canceledAt }, createdAt: new Date(Math.floor(backMs / 1000) * 1000).toISOString() });
        // The restart date is the customer's choice: a monthly plan delivers on its day from then on.
        const deliveryDay = anchorFor(nextOn, { intervalDays: sub.intervalDays, intervalMonths: sub.intervalMonths, deliveryDay: null });
        Object.assign(sub, { status: "active", canceledAt: null, cancellation: null, nextDeliveryOn: nextOn, deliveryDay, pausedUntil: null, updatedAt: new Date(Math.floor(backMs / 1000) * 1000).toISOString() });
      }
      continue;
    }
    if (startedMs > nowMs - 35 * DAY || !chance(STAYER_FLOW_RATE)) continue;
    const fromMs = Math.max(windowStart, startedMs + 30 * DAY);
    const startMs = fromMs + next() * (nowMs - 2 * DAY - fromMs);
    const reason = weighted(REASONS);
    const channel = weighted(CHANNELS);
    const offer = offerFor(sub, reason, channel, startMs);
    const p = offer ? Math.min(0.9, (DEFAULT_TRUTH[reason]?.[offer.shown.offerId] ?? 0.1) * STAYER_ACCEPT_BOOST) : 0;
    // Stayers either took the offer or walked away from the flow; none confirmed (they are still here).
    addFlow(sub, startMs, chance(p) ? "saved" : "abandoned", reason, channel, startMs + int(60, 400) * 1000);
  }
  return out;
}

/** Writes the history (and the default catalogue) inside the seed's transaction. */
export async function insertCancelHistory(tx: Tx, tenantId: string, history: CancelHistory, at: Date): Promise<void> {
  const chunk = <T>(rows: T[], n = 100) => Array.from({ length: Math.ceil(rows.length / n) }, (_, i) => rows.slice(i * n, i * n + n));
  await tx.insert(offers).values(defaultOfferRows(at.toISOString(), DEFAULT_CATALOGUE).map((r) => ({ ...r, tenantId })));
  for (const c of chunk(history.flows)) await tx.insert(cancelFlows).values(c);
  for (const c of chunk(history.steps)) await tx.insert(cancelFlowSteps).values(c);
  for (const c of chunk(history.changes)) await tx.insert(planChanges).values(c);
  const outcomes = [...history.outcomes.values()].map((o) => ({ ...o, tenantId }));
  if (outcomes.length) await tx.insert(offerOutcomes).values(outcomes);
}
