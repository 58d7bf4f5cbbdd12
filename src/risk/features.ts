/**
 * Churn-risk features: the per-subscription numbers the risk model reads, maintained
 * incrementally as data arrives. Everything here is pure — no clock, no database: the caller
 * passes dates in and stores the returned record (it is plain JSON, meant for one JSON column).
 *
 * Rolling 90-day windows
 * ----------------------
 * Windowed counters (skips, pauses, payment failures, complaints, cancel requests, negative
 * contacts) keep the local calendar dates (YYYY-MM-DD, tenant time zone) of their occurrences in
 * `recent`, sorted, keeping only the latest {@link WINDOW_CAP} per list. The public counts
 * (`skipsLast90d`, …) are recomputed from those lists for the date `asOf`: an occurrence counts
 * when it falls in the 90 days ending on `asOf` (`asOf − 89 … asOf`; later dates, from clock
 * skew, count too). This is exact — not a decayed approximation — up to the cap, and the model
 * saturates every count well below it. Dates older than the window are pruned, so the record stays
 * small. `applyEvent` moves `asOf` forward to the event's date; `withSubscription(…, today)` sets
 * it to today, so counts are always current when scored.
 *
 * Reducers assume each event is applied once (the event store is idempotent by event id) and
 * tolerate out-of-order arrival: windows are kept sorted, "latest wins" fields (NPS, stock report)
 * only accept a newer observation.
 */
import type { EventInput } from "../events/schemas";
import { addDays, daysBetween, localDate } from "../platform/dates";

export const WINDOW_DAYS = 90;
/** Most recent dates kept per windowed list. */
export const WINDOW_CAP = 32;
/** A stock report older than this is treated as unknown. */
export const STOCK_REPORT_MAX_AGE_DAYS = 120;

export type WindowKey = "skips" | "pauses" | "paymentFailures" | "complaints" | "cancelRequests" | "negativeContacts";
const WINDOW_KEYS: readonly WindowKey[] = ["skips", "pauses", "paymentFailures", "complaints", "cancelRequests", "negativeContacts"];
const COUNT_FIELD = {
  skips: "skipsLast90d",
  pauses: "pausesLast90d",
  paymentFailures: "paymentFailuresLast90d",
  complaints: "complaintsLast90d",
  cancelRequests: "cancelRequestsLast90d",
  negativeContacts: "negativeContactsLast90d",
} as const satisfies Record<WindowKey, keyof RiskFeatures>;

export type RiskFeatures = {
  /** Shape version of this record (for the JSON column). */
  v: 1;
  /** The local date the windowed counts refer to; null before anything happened. */
  asOf: string | null;

  // ---- model inputs -------------------------------------------------------------------------
  /** Deliveries shipped so far (max of the events seen and the merchant's synced count). */
  deliveriesCompleted: number;
  /** Days since the subscription started (null when unknown). */
  tenureDays: number | null;
  /** Customer-requested skips (merchant-side skips, e.g. out of stock, are not a churn signal). */
  skipsLast90d: number;
  pausesLast90d: number;
  paymentFailuresLast90d: number;
  /** A payment failed and no payment has succeeded since. */
  paymentFailing: boolean;
  /** contact.logged with topic `complaint`. */
  complaintsLast90d: number;
  /** contact.logged with topic `cancel_request`. */
  cancelRequestsLast90d: number;
  /** Other contacts logged with negative sentiment. */
  negativeContactsLast90d: number;
  /** Cancel flows started and left without cancelling or accepting an offer (lifetime). */
  abandonedCancelFlows: number;
  /** Estimated days of product on hand: units ÷ (quantity / intervalDays); null when unknown. */
  stockOnHandDays: number | null;
  /** today − nextDeliveryOn, when positive and the subscription is active; else 0. */
  daysOverdue: number;
  /** Unit price in yen (price level); null when unknown. */
  unitPriceYen: number | null;
  /** Delivery interval, for judging stock relative to the cycle; null when unknown. */
  intervalDays: number | null;
  /** Days until an active discount ends (0 = ends today); null when none. */
  discountEndingWithinDays: number | null;
  /** Latest NPS answer 0–10; null when none. */
  lastNps: number | null;
  /** Earlier subscriptions of the same person that were cancelled. */
  pastCancellations: number;
  /** …of which cancelled after at most one delivery (see flags.firstDeliveryCanceller). */
  pastEarlyCancellations: number;
  /** Times this subscription was reactivated (win-back). */
  reactivations: number;

  // ---- state the derived fields are computed from --------------------------------------------
  /** Windowed occurrence dates (sorted ascending, latest WINDOW_CAP). */
  recent: Record<WindowKey, string[]>;
  /**
   * Last stock report: units on `reportedOn` plus units delivered after it. `reportedAt` (the
   * report's instant; absent in records written before it) decides between reports of one day.
   */
  stock: { units: number; reportedOn: string; reportedAt?: string } | null;
  lastNpsOn: string | null;
  /** The last NPS answer's instant (absent in records written before it). */
  lastNpsAt?: string;
  /** Last copy of the subscription's quantity, for stock estimates between syncs. */
  quantity: number | null;
};

export function emptyFeatures(): RiskFeatures {
  return {
    v: 1,
    asOf: null,
    deliveriesCompleted: 0,
    tenureDays: null,
    skipsLast90d: 0,
    pausesLast90d: 0,
    paymentFailuresLast90d: 0,
    paymentFailing: false,
    complaintsLast90d: 0,
    cancelRequestsLast90d: 0,
    negativeContactsLast90d: 0,
    abandonedCancelFlows: 0,
    stockOnHandDays: null,
    daysOverdue: 0,
    unitPriceYen: null,
    intervalDays: null,
    discountEndingWithinDays: null,
    lastNps: null,
    pastCancellations: 0,
    pastEarlyCancellations: 0,
    reactivations: 0,
    recent: { skips: [], pauses: [], paymentFailures: [], complaints: [], cancelRequests: [], negativeContacts: [] },
    stock: null,
    lastNpsOn: null,
    quantity: null,
  };
}

const EMPTY = emptyFeatures();

/**
 * The record as stored: only what differs from {@link emptyFeatures} (most of a subscription's
 * fields are at rest). A risk row is then ≈ 0.6 KB instead of 1.1 KB, so a page holds more of
 * them: re-scoring a million rows writes fewer pages.
 */
export function storedFeatures(f: RiskFeatures): Record<string, unknown> {
  const out: Record<string, unknown> = { v: f.v };
  for (const key of Object.keys(f) as (keyof RiskFeatures)[]) {
    if (key === "v" || key === "recent") continue;
    if (f[key] !== EMPTY[key]) out[key] = f[key];
  }
  const recent = Object.fromEntries(WINDOW_KEYS.filter((k) => f.recent[k].length > 0).map((k) => [k, f.recent[k]]));
  if (Object.keys(recent).length > 0) out.recent = recent;
  return out;
}

/** A stored record back to the full features: what `storedFeatures` left out is at rest. Full records (stored before) read as they are. */
export function featuresFrom(stored: Record<string, unknown>): RiskFeatures {
  const empty = emptyFeatures();
  return { ...empty, ...stored, recent: { ...empty.recent, ...(stored.recent as Partial<RiskFeatures["recent"]> | undefined) } } as RiskFeatures;
}

/** The part of a stored event the reducers read (a validated `EventInput` fits). */
export type RiskEvent = {
  [T in EventInput["type"]]: Pick<Extract<EventInput, { type: T }>, "type" | "occurredAt" | "data">;
}[EventInput["type"]];

export type EventContext = {
  /** Tenant time zone, for turning `occurredAt` into a local date. Default Asia/Tokyo. */
  timeZone?: string;
  /** The subscription's current quantity and interval, when known (used for stock). */
  quantity?: number;
  intervalDays?: number;
};

/** Signals that come from Tsuzuku's own operations rather than the merchant's event feed. */
export type RiskSignal = "pause" | "skip" | "cancel_flow_started" | "cancel_flow_abandoned" | "reactivated";

const DEFAULT_TZ = "Asia/Tokyo";

function laterDate(a: string | null, b: string): string {
  return a !== null && a > b ? a : b;
}

function insertSorted(list: readonly string[], date: string): string[] {
  const out = [...list];
  let i = out.length;
  while (i > 0 && (out[i - 1] as string) > date) i--;
  out.splice(i, 0, date);
  return out.length > WINDOW_CAP ? out.slice(out.length - WINDOW_CAP) : out;
}

/** First date inside the window ending on `asOf`. */
function windowStart(asOf: string): string {
  return addDays(asOf, -(WINDOW_DAYS - 1));
}

/** Prunes the windows and recomputes every windowed count for `asOf`. */
function recount(f: RiskFeatures, asOf: string): RiskFeatures {
  const start = windowStart(asOf);
  const recent = { ...f.recent };
  const out: RiskFeatures = { ...f, asOf, recent };
  for (const key of WINDOW_KEYS) {
    const kept = recent[key].filter((d) => d >= start);
    recent[key] = kept;
    out[COUNT_FIELD[key]] = kept.length;
  }
  return out;
}

function addOccurrence(f: RiskFeatures, key: WindowKey, date: string): RiskFeatures {
  const asOf = laterDate(f.asOf, date);
  if (date < windowStart(asOf)) return recount(f, asOf); // too old to matter
  return recount({ ...f, recent: { ...f.recent, [key]: insertSorted(f.recent[key], date) } }, asOf);
}

function dailyConsumption(quantity: number | null | undefined, intervalDays: number | null | undefined): number | null {
  if (!quantity || !intervalDays || quantity <= 0 || intervalDays <= 0) return null;
  return quantity / intervalDays;
}

/**
 * Estimated days of stock on `today`: units at the last report (plus deliveries since), used up
 * at quantity/intervalDays per day since the report; never below 0. Null when unknown or stale.
 */
export function estimateStockDays(
  stock: RiskFeatures["stock"],
  quantity: number | null | undefined,
  intervalDays: number | null | undefined,
  today: string,
): number | null {
  const daily = dailyConsumption(quantity, intervalDays);
  if (!stock || daily === null) return null;
  const age = Math.max(0, daysBetween(stock.reportedOn, today));
  if (age > STOCK_REPORT_MAX_AGE_DAYS) return null;
  return Math.max(0, stock.units / daily - age);
}

/** Applies one merchant event. Unknown types leave the features unchanged. */
export function applyEvent(features: RiskFeatures, event: RiskEvent, ctx: EventContext = {}): RiskFeatures {
  const on = localDate(new Date(event.occurredAt), ctx.timeZone ?? DEFAULT_TZ);
  let f = features;
  if (ctx.quantity !== undefined) f = { ...f, quantity: ctx.quantity };
  if (ctx.intervalDays !== undefined) f = { ...f, intervalDays: ctx.intervalDays };

  switch (event.type) {
    case "delivery.completed": {
      const deliveredOn = event.data.deliveredOn ?? on;
      const units = event.data.quantity ?? f.quantity ?? 0;
      f = { ...f, deliveriesCompleted: f.deliveriesCompleted + 1 };
      if (f.stock && deliveredOn > f.stock.reportedOn) f = { ...f, stock: { ...f.stock, units: f.stock.units + units } };
      return refreshStock(recount(f, laterDate(f.asOf, on)));
    }
    case "delivery.skipped":
      if (event.data.requestedBy === "merchant") return recount(f, laterDate(f.asOf, on));
      return addOccurrence(f, "skips", on); // the day the customer asked, not the skipped date
    case "payment.failed":
      return { ...addOccurrence(f, "paymentFailures", on), paymentFailing: true };
    case "payment.succeeded":
      return { ...recount(f, laterDate(f.asOf, on)), paymentFailing: false };
    case "contact.logged": {
      const { topic, sentiment } = event.data;
      if (topic === "complaint") return addOccurrence(f, "complaints", on);
      if (topic === "cancel_request") return addOccurrence(f, "cancelRequests", on);
      if (sentiment === "negative") return addOccurrence(f, "negativeContacts", on);
      return recount(f, laterDate(f.asOf, on));
    }
    case "usage.reported": {
      if (f.stock && isOlder(event.occurredAt, on, f.stock.reportedAt, f.stock.reportedOn)) return f; // an older report than the one we have
      return refreshStock(recount({ ...f, stock: { units: event.data.remainingUnits, reportedOn: on, reportedAt: event.occurredAt } }, laterDate(f.asOf, on)));
    }
    case "survey.answered": {
      if (f.lastNpsOn !== null && isOlder(event.occurredAt, on, f.lastNpsAt, f.lastNpsOn)) return f;
      return { ...recount(f, laterDate(f.asOf, on)), lastNps: event.data.nps, lastNpsOn: on, lastNpsAt: event.occurredAt };
    }
    default:
      return features;
  }
}

/**
 * "Latest wins": is an observation at `at` (local date `on`) older than the one kept? Compared as
 * times, not text, and to the instant when the kept one has it — two reports of the same day
 * arriving out of order keep the later in time (#14.5).
 */
function isOlder(at: string, on: string, keptAt: string | undefined, keptOn: string): boolean {
  return keptAt !== undefined ? Date.parse(at) < Date.parse(keptAt) : on < keptOn;
}

function refreshStock(f: RiskFeatures): RiskFeatures {
  if (!f.asOf) return f;
  return { ...f, stockOnHandDays: estimateStockDays(f.stock, f.quantity, f.intervalDays, f.asOf) };
}

/** Applies a signal from Tsuzuku's own operations (plan changes, cancel flows, win-backs) on a local date. */
export function applySignal(features: RiskFeatures, signal: RiskSignal, on: string): RiskFeatures {
  switch (signal) {
    case "pause":
      return addOccurrence(features, "pauses", on);
    case "skip":
      return addOccurrence(features, "skips", on);
    case "cancel_flow_started":
      // Opening the cancel flow is the self-service form of asking to cancel.
      return addOccurrence(features, "cancelRequests", on);
    case "cancel_flow_abandoned":
      return { ...features, abandonedCancelFlows: features.abandonedCancelFlows + 1 };
    case "reactivated":
      return { ...features, reactivations: features.reactivations + 1 };
  }
}

/** The subscription fields the derived features need (a `subscriptions` row fits). */
export type SubscriptionFacts = {
  quantity: number;
  intervalDays: number;
  nextDeliveryOn: string | null;
  unitPriceAmount: number;
  startedAt: string;
  deliveriesCompleted: number;
  activeDiscount?: { endsOn: string | null } | null;
  /** A paused or cancelled subscription is never "overdue". */
  status?: string;
};

/**
 * Refreshes the derived features for `today` (local date YYYY-MM-DD): window counts, days overdue,
 * stock days, tenure, price, discount end. Call it before scoring.
 */
export function withSubscription(features: RiskFeatures, sub: SubscriptionFacts, today: string): RiskFeatures {
  const f = recount(features, today);
  const started = sub.startedAt.slice(0, 10);
  const overdue = sub.nextDeliveryOn && (sub.status === undefined || sub.status === "active") ? daysBetween(sub.nextDeliveryOn, today) : 0;
  const endsOn = sub.activeDiscount?.endsOn ?? null;
  const discountDays = endsOn ? daysBetween(today, endsOn) : null;
  return {
    ...f,
    quantity: sub.quantity,
    intervalDays: sub.intervalDays,
    unitPriceYen: sub.unitPriceAmount,
    deliveriesCompleted: Math.max(f.deliveriesCompleted, sub.deliveriesCompleted),
    tenureDays: Math.max(0, daysBetween(started, today)),
    daysOverdue: Math.max(0, overdue),
    discountEndingWithinDays: discountDays !== null && discountDays >= 0 ? discountDays : null,
    stockOnHandDays: estimateStockDays(f.stock, sub.quantity, sub.intervalDays, today),
  };
}

/** Person-level history: earlier subscriptions of the same person (matched on phone or email). */
export function withPersonHistory(
  features: RiskFeatures,
  pastSubscriptions: readonly { status: string; deliveriesCompleted: number }[],
): RiskFeatures {
  const canceled = pastSubscriptions.filter((s) => s.status === "canceled");
  return {
    ...features,
    pastCancellations: canceled.length,
    pastEarlyCancellations: canceled.filter((s) => s.deliveriesCompleted <= 1).length,
  };
}
