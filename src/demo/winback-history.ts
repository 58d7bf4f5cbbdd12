/**
 * Win-back history for the demo shop, so 再加入率, candidates, the holdout lift and the win-back
 * model show real numbers on a fresh `npm start`: every cancellation becomes a `winbacks` row; the
 * flows of the last six months carry exit-survey answers, comments and keep-in-touch answers (with
 * their evidence); customers get an acquisition source; cancellations older than the flow window
 * come back (a `reactivate` change, the subscription active again) with a "true" propensity that
 * is NOT the default model's — so a model trained on this shop can learn something the default
 * does not know (referrals and seasonal buyers come back more, a contact helps). 10 % of
 * cancellations are the holdout (`winbackHoldoutPercent`), never contacted.
 *
 * Runs after the cancel-flow history, on the same rows, before they are written. Deterministic.
 */
import type { cancelFlowSteps, contactConsents, customers, events, planChanges, subscriptions, winbacks } from "../db/schema";
import { anchorFor } from "../platform/cadence";
import { addDays, localDate } from "../platform/dates";
import { seededDraws } from "../platform/random";
import { annualValue, DEFAULT_WINBACK_MODEL, scoreWinback } from "../winback/model";
import { complaintCounts } from "../winback/service";
import { productOf } from "../subscriptions/repository";
import { DEFAULT_KEEP_IN_TOUCH, type SurveyAnswer } from "../winback/survey";
import type { CancelHistory } from "./cancel-history";

type Sub = typeof subscriptions.$inferInsert;
type Customer = typeof customers.$inferInsert;
type EventRow = typeof events.$inferInsert;
type Winback = typeof winbacks.$inferInsert;
type Consent = typeof contactConsents.$inferInsert;
type Step = typeof cancelFlowSteps.$inferInsert;
type Change = typeof planChanges.$inferInsert;

const DAY = 86_400_000;
const TZ = "Asia/Tokyo";
export const DEMO_WINBACK_HOLDOUT_PERCENT = 10;
const DELAY_DAYS = 60;

const SOURCES: readonly [string, number][] = [["search", 35], ["ad", 25], ["referral", 15], ["store", 10], ["social", 10], ["gift", 5]];
const BREAK = new Set(["temporary_break", "moving", "health_or_life_change"]);

/** What customers wrote, by reason (no personal data; a few carry a phone number or e-mail the insights must strip). */
const COMMENTS: Record<string, string[]> = {
  surplus_stock: ["まだ2袋残っています", "飲みきれずに在庫がたまってしまう", "在庫がたまってしまうので一度止めたい", "毎月だと多すぎて余ってしまう"],
  too_expensive: ["毎月の支払いが負担です", "値段が高いと感じる", "家計の見直しで定期便をやめます", "送料込みだと値段が高い"],
  no_effect: ["効果を実感できなかった", "続けても変化がわからない", "味が苦手で続かなかった"],
  switching_competitor: ["他社の方が安いので乗り換えます", "ドラッグストアで買うことにしました"],
  temporary_break: ["夏の間は使わないので", "海外出張で3か月不在にします", "入院するためしばらく不要です"],
  moving: ["引っ越しで住所が変わります。新住所は後で連絡します 090-1234-5678", "転勤のため"],
  health_or_life_change: ["妊娠したので一旦やめます", "生活リズムが変わった"],
  delivery_problem: ["配達の時間が合わない", "箱が潰れて届いた"],
  dissatisfied_service: ["電話がつながらない", "問い合わせの返事が遅い sample@example.jp"],
  other: ["特になし", "しばらく様子を見たい"],
};
const BRING_BACK: Record<string, string> = { surplus_stock: "longer_interval", too_expensive: "lower_price", temporary_break: "season", moving: "season", health_or_life_change: "season", no_effect: "nothing", switching_competitor: "lower_price" };

export type WinbackHistory = { winbacks: Winback[]; consents: Consent[] };

export function buildWinbackHistory(subs: Sub[], customerRows: Customer[], eventRows: EventRow[], history: CancelHistory, tenantId: string, now: Date, seed = 0x77696e62): WinbackHistory {
  const { next, chance, int, weighted, pick } = seededDraws(seed);
  const nowMs = now.getTime();
  const today = localDate(now, TZ);
  const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
  const out: WinbackHistory = { winbacks: [], consents: [] };

  const customerById = new Map(customerRows.map((c) => [c.id, c]));
  for (const c of customerRows) c.acquisitionSource = weighted(SOURCES);
  const contactsOf = new Map<string, { occurredAt: string; data: Record<string, unknown> }[]>();
  for (const e of eventRows) if (e.type === "contact.logged") contactsOf.set(e.customerId, [...(contactsOf.get(e.customerId) ?? []), { occurredAt: e.occurredAt, data: e.data }]);

  // Cancellations in the flow window: their flow, their steps.
  const flowBySub = new Map(history.flows.filter((f) => f.status === "canceled").map((f) => [f.subscriptionId, f]));
  const stepsByFlow = new Map<string, Step[]>();
  for (const s of history.steps) stepsByFlow.set(s.flowId, [...(stepsByFlow.get(s.flowId) ?? []), s]);
  // Reactivations the cancel-flow history already made: subscription → (when, the cancellation it undid).
  const reactivatedBySub = new Map(
    history.changes.filter((c) => c.type === "reactivate").map((c) => [c.subscriptionId, { at: c.createdAt, canceledAt: String((c.source as { canceledAt?: string }).canceledAt), reason: ((c.source as { previousCancellation?: { reason?: string } | null }).previousCancellation?.reason ?? null) as string | null }]),
  );

  let serial = 0;
  for (const sub of subs) {
    const back = reactivatedBySub.get(sub.id);
    const canceledAt = back ? back.canceledAt : sub.status === "canceled" ? sub.canceledAt : null;
    if (!canceledAt) continue;
    const canceledMs = Date.parse(canceledAt);
    const canceledOn = localDate(new Date(canceledMs), TZ);
    const customer = customerById.get(sub.customerId)!;
    const reason = back ? back.reason : (sub.cancellation?.reason ?? null);
    const flow = flowBySub.get(sub.id);

    // The exit survey and keep-in-touch: asked in the flows of the last six months.
    let survey: SurveyAnswer[] | null = null;
    let returnOn: string | null = null;
    if (flow) {
      if (chance(0.6)) {
        const answer = chance(0.3) ? "nothing" : (BRING_BACK[reason ?? ""] ?? pick(["lower_price", "smaller_size", "longer_interval", "season", "nothing"]));
        survey = [
          { questionId: "why_started", answer: weighted([["friend", 20], ["ad", 30], ["search", 30], ["store", 10], ["season", 10]]) },
          { questionId: "why_stopped", answer: pick(COMMENTS[reason ?? "other"] ?? COMMENTS.other!) },
          { questionId: "bring_back", answer },
        ];
      }
      if (reason !== null && BREAK.has(reason) && chance(0.5)) returnOn = addDays(canceledOn, int(30, 150));
      const steps = stepsByFlow.get(flow.id!) ?? [];
      const reasonStep = steps.find((s) => s.type === "reason_given");
      if (reasonStep && chance(0.55)) reasonStep.data = { ...reasonStep.data, comment: pick(COMMENTS[reason ?? "other"] ?? COMMENTS.other!) };
      const roll = next();
      const keepInTouch = roll < 0.55 ? true : roll < 0.8 ? false : null;
      const confirmed = steps.find((s) => s.type === "cancel_confirmed");
      if (confirmed) confirmed.data = { ...confirmed.data, survey: survey ?? [], keepInTouch: keepInTouch === null ? null : { answer: keepInTouch, wording: DEFAULT_KEEP_IN_TOUCH.ja, displayedIn: "ja" }, returnOn };
      if (keepInTouch !== null && (customer.keepInTouchAt ?? "") < canceledAt) {
        customer.keepInTouch = keepInTouch;
        customer.keepInTouchAt = canceledAt;
        out.consents.push({ tenantId, id: `cst_demo${String(++serial).padStart(6, "0")}`, customerId: customer.id, granted: keepInTouch, wording: DEFAULT_KEEP_IN_TOUCH.ja, language: "ja", source: "cancel_flow", flowId: flow.id!, at: canceledAt });
      }
    }

    const features = {
      reason,
      returnOn,
      acquisitionSource: customer.acquisitionSource ?? null,
      ...complaintCounts((contactsOf.get(customer.id) ?? []).filter((c) => c.occurredAt < canceledAt && Date.parse(c.occurredAt) > canceledMs - 180 * DAY)),
      deliveriesCompleted: sub.deliveriesCompleted ?? 0,
      pastSpendYen: (sub.deliveriesCompleted ?? 0) * sub.unitPriceAmount * sub.quantity,
      currency: sub.currency,
      startMonth: Number(localDate(new Date(sub.startedAt), TZ).slice(5, 7)),
      canceledOn,
      namedComeback: survey !== null && survey[2]!.answer !== "nothing",
    };
    const annual = annualValue(sub.unitPriceAmount, sub.quantity, sub.intervalDays);
    const holdout = chance(DEMO_WINBACK_HOLDOUT_PERCENT / 100);
    const dueOn = returnOn ?? addDays(canceledOn, DELAY_DAYS);
    const contactable = (customer.keepInTouch ?? customer.marketingConsent) === true && (customer.email != null || customer.phone != null);
    const contacted = contactable && !holdout && dueOn < today;
    const contactedAt = contacted ? `${dueOn}T01:00:00.000Z` : null;

    // Older cancellations come back with the shop's "true" propensity (not the default model's).
    let reactivatedAt = back?.at ?? null;
    if (!back && !flow && sub.status === "canceled") {
      const inSeason = Math.min(Math.abs(Number(addDays(canceledOn, 90).slice(5, 7)) - features.startMonth) % 12, 12 - (Math.abs(Number(addDays(canceledOn, 90).slice(5, 7)) - features.startMonth) % 12)) <= 1;
      let z =
        -2.2 +
        (reason !== null && BREAK.has(reason) ? 1.4 : 0) +
        (reason === "surplus_stock" ? 0.7 : 0) +
        (reason === "no_effect" ? -1.2 : 0) +
        (reason === "switching_competitor" ? -1.0 : 0) +
        (features.acquisitionSource === "referral" ? 1.2 : 0) +
        (features.acquisitionSource === "gift" ? 0.8 : 0) +
        (inSeason ? 1.0 : 0) +
        0.25 * Math.log1p(features.deliveriesCompleted);
      // When they would come back is drawn the same way for everyone; a contact before then helps.
      const afterMs = canceledMs + int(10, 170) * DAY;
      const contactedFirst = contacted && Date.parse(contactedAt!) < afterMs;
      z += contactedFirst ? 0.8 : 0;
      if (chance(1 / (1 + Math.exp(-z))) && afterMs < nowMs - DAY) {
        reactivatedAt = iso(afterMs);
        const nextOn = addDays(today, int(2, 20));
        const plan = { quantity: sub.quantity, intervalDays: sub.intervalDays, pausedUntil: null, product: productOf(sub) };
        // The cancellation itself, so the risk history keeps it, then the comeback.
        history.changes.push({ tenantId, id: `chg_demowb${String(++serial).padStart(6, "0")}`, subscriptionId: sub.id, type: "cancel", channel: sub.cancellation?.channel ?? "web", keyId: null, before: { ...plan, status: "active", nextDeliveryOn: null }, after: { ...plan, status: "canceled", nextDeliveryOn: null }, source: { demo: true }, createdAt: canceledAt } as Change);
        history.changes.push({ tenantId, id: `chg_demowb${String(++serial).padStart(6, "0")}`, subscriptionId: sub.id, type: "reactivate", channel: "web", keyId: null, before: { ...plan, status: "canceled", nextDeliveryOn: null }, after: { ...plan, status: "active", nextDeliveryOn: nextOn }, source: { previousCancellation: sub.cancellation ?? null, canceledAt }, createdAt: reactivatedAt } as Change);
        // The restart date is the customer's choice: a monthly plan delivers on its day from then on.
        const deliveryDay = anchorFor(nextOn, { intervalDays: sub.intervalDays, intervalMonths: sub.intervalMonths, deliveryDay: null });
        Object.assign(sub, { status: "active", canceledAt: null, cancellation: null, nextDeliveryOn: nextOn, deliveryDay, pausedUntil: null, updatedAt: reactivatedAt });
      }
    }

    // Open records as the maintenance job keeps them (scored as of today); those back, as of their cancellation.
    const scoredOn = reactivatedAt ? canceledOn : today;
    const scored = scoreWinback(DEFAULT_WINBACK_MODEL, features, scoredOn);
    out.winbacks.push({
      tenantId,
      id: `wb_demo${String(++serial).padStart(6, "0")}`,
      subscriptionId: sub.id,
      customerId: sub.customerId,
      flowId: flow?.id ?? null,
      reason,
      canceledAt,
      canceledOn,
      effectiveOn: canceledOn,
      returnOn,
      dueOn,
      dueStatus: dueOn < today ? (contacted ? "sent" : "skipped") : "pending",
      dueSentAt: contactedAt,
      holdout,
      holdoutPercent: DEMO_WINBACK_HOLDOUT_PERCENT,
      contactable,
      contactableAtDraw: contactable,
      survey,
      features: features as unknown as Record<string, unknown>,
      probability: scored.probability,
      expectedValue: Math.round(scored.probability * annual),
      annualValue: annual,
      currency: sub.currency,
      drivers: scored.drivers,
      modelVersion: scored.modelVersion,
      scoredOn,
      contactedAt,
      reactivatedAt,
      recoveredAmount: reactivatedAt ? annual : null,
    });
  }
  return out;
}
