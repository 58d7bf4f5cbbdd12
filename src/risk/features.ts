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
import { consumptionRate, estimateStock, unitsPerPackage, type StockEstimate } from "./stock";

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
  /** Days the stock on hand lasts at the customer's own pace (risk/stock); null when unknown. */
  stockOnHandDays: number | null;
  /** Units on hand today (in the product's unit, risk/stock); null when unknown. */
  stockOnHandUnits: number | null;
  /** Units used per day: measured from the deliveries and the count, else the schedule's; null when unknown. */
  consumptionPerDay: number | null;
  /** today − nextDeliveryOn, when positive and the subscription is active; else 0. */
  daysOverdue: number;
  /** Unit price in minor units of `currency` (price level): yen for a JPY plan, cents for a USD one; null when unknown. The name is what stored records carry. */
  unitPriceYen: number | null;
  /** The price's currency; JPY unless the plan's is another (stored only then: records stored before it was kept read as JPY until the next refresh). */
  currency: string;
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
   * Last stock count: `units` on `reportedOn`; `perDay` the rate measured then (null: too little
   * history); `deliveriesAtReport` the deliveries made by then (later ones add to the stock).
   * `reportedAt` (the count's instant; absent in records written before it) decides between
   * counts of one day.
   */
  stock: { units: number; reportedOn: string; reportedAt?: string; perDay: number | null; deliveriesAtReport: number } | null;
  /** Deliveries seen as `delivery.completed` events: how many, their units, the first date. */
  delivered: { count: number; units: number; firstOn: string } | null;
  lastNpsOn: string | null;
  /** The last NPS answer's instant (absent in records written before it). */
  lastNpsAt?: string;
  /** Last copy of the subscription's quantity, for stock estimates between syncs. */
  quantity: number | null;
  /** Last copy of the product's pack size (null: the package is the unit). */
  unitsPerPackage: number | null;
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
    stockOnHandUnits: null,
    consumptionPerDay: null,
    daysOverdue: 0,
    unitPriceYen: null,
    currency: "JPY",
    intervalDays: null,
    discountEndingWithinDays: null,
    lastNps: null,
    pastCancellations: 0,
    pastEarlyCancellations: 0,
    reactivations: 0,
    recent: { skips: [], pauses: [], paymentFailures: [], complaints: [], cancelRequests: [], negativeContacts: [] },
    stock: null,
    delivered: null,
    lastNpsOn: null,
    quantity: null,
    unitsPerPackage: null,
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
  const f = { ...empty, ...stored, recent: { ...empty.recent, ...(stored.recent as Partial<RiskFeatures["recent"]> | undefined) } } as RiskFeatures;
  // A count stored before stock had units and a measured rate (it counted packages as units) is not reused.
  if (f.stock && typeof f.stock.deliveriesAtReport !== "number") return { ...f, stock: null, stockOnHandDays: null };
  return f;
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
  /** The product's pack size (null: the package is the unit). */
  unitsPerPackage?: number | null;
  /**
   * Deliveries the merchant counted (`deliveriesCompleted`) beyond every `delivery.completed` event
   * of the subscription (history synced as a count), taken to be the earliest ones; with the next
   * delivery date and the start, a stock count measures the rate over them too.
   */
  untrackedDeliveries?: number;
  nextDeliveryOn?: string | null;
  startedAt?: string;
};

/**
 * The event context of a subscription row (drizzle's or scoring's shape), given how many
 * `delivery.completed` events it has in all (stored and about to be applied).
 */
export function eventContext(
  sub: { quantity: number; intervalDays: number; productUnitsPerPackage?: number | null; deliveriesCompleted: number; nextDeliveryOn: string | null; startedAt: string },
  timeZone: string,
  deliveryEvents: number,
): EventContext {
  return {
    timeZone,
    quantity: sub.quantity,
    intervalDays: sub.intervalDays,
    unitsPerPackage: sub.productUnitsPerPackage ?? null,
    untrackedDeliveries: Math.max(0, sub.deliveriesCompleted - deliveryEvents),
    nextDeliveryOn: sub.nextDeliveryOn,
    startedAt: sub.startedAt,
  };
}

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

/** Units one delivery brings: quantity (packages) × units per package. */
function unitsPerDelivery(f: Pick<RiskFeatures, "quantity" | "unitsPerPackage">): number {
  return (f.quantity ?? 0) * unitsPerPackage(f.unitsPerPackage);
}

/**
 * The stock today (risk/stock estimateStock) from the last count, the deliveries since it and the
 * rate measured at it. Null when unknown or the count is older than {@link STOCK_REPORT_MAX_AGE_DAYS}.
 */
export function stockToday(f: RiskFeatures, deliveriesCompleted: number, today: string): StockEstimate | null {
  const { stock } = f;
  if (!stock || !f.intervalDays || !f.quantity) return null;
  if (daysBetween(stock.reportedOn, today) > STOCK_REPORT_MAX_AGE_DAYS) return null;
  const perDelivery = unitsPerDelivery(f);
  return estimateStock({
    units: stock.units,
    countedOn: stock.reportedOn,
    deliveredSince: Math.max(0, deliveriesCompleted - stock.deliveriesAtReport) * perDelivery,
    perDay: stock.perDay,
    unitsPerDelivery: perDelivery,
    intervalDays: f.intervalDays,
    today,
  });
}

/**
 * A stock count on `on`: the rate is measured over the whole delivery history (risk/stock
 * consumptionRate). Deliveries the merchant counted but sent no event for are taken to be the
 * earliest ones, one interval apart before the first known delivery (or before the next one due).
 */
function countStock(f: RiskFeatures, units: number, on: string, ctx: EventContext): RiskFeatures {
  const perDelivery = unitsPerDelivery(f);
  const seen = f.delivered;
  const missing = ctx.untrackedDeliveries ?? 0;
  const total = Math.max(f.deliveriesCompleted, missing + (seen?.count ?? 0));
  let firstOn = seen?.firstOn ?? null;
  if (missing > 0 && f.intervalDays) {
    const anchor = seen?.firstOn ?? (ctx.nextDeliveryOn && ctx.nextDeliveryOn >= on ? ctx.nextDeliveryOn : addDays(on, 1));
    firstOn = addDays(anchor, -missing * f.intervalDays);
    const started = ctx.startedAt?.slice(0, 10);
    if (started && firstOn < started) firstOn = started;
  }
  const perDay =
    firstOn === null ? null : consumptionRate({ unitsDelivered: (seen?.units ?? 0) + missing * perDelivery, unitsOnHand: units, firstDeliveredOn: firstOn, countedOn: on });
  return { ...f, stock: { units, reportedOn: on, perDay, deliveriesAtReport: total } };
}

/** The stock estimate a scored record carries (what offers, talk tracks and the lookup read); null when unknown. */
export function storedStock(f: Pick<RiskFeatures, "stockOnHandUnits" | "consumptionPerDay" | "stockOnHandDays" | "stock">): StockEstimate | null {
  if (f.stockOnHandUnits === null || f.consumptionPerDay === null || f.stockOnHandDays === null) return null;
  return { unitsOnHand: f.stockOnHandUnits, perDay: f.consumptionPerDay, daysOnHand: f.stockOnHandDays, basis: f.stock?.perDay == null ? "schedule" : "history" };
}

/** Applies one merchant event. Unknown types leave the features unchanged. */
export function applyEvent(features: RiskFeatures, event: RiskEvent, ctx: EventContext = {}): RiskFeatures {
  const on = localDate(new Date(event.occurredAt), ctx.timeZone ?? DEFAULT_TZ);
  let f = features;
  if (ctx.quantity !== undefined) f = { ...f, quantity: ctx.quantity };
  if (ctx.intervalDays !== undefined) f = { ...f, intervalDays: ctx.intervalDays };
  if (ctx.unitsPerPackage !== undefined) f = { ...f, unitsPerPackage: ctx.unitsPerPackage };

  switch (event.type) {
    case "delivery.completed": {
      const deliveredOn = event.data.deliveredOn ?? on;
      const units = (event.data.quantity ?? f.quantity ?? 0) * unitsPerPackage(f.unitsPerPackage);
      const seen = f.delivered;
      f = {
        ...f,
        deliveriesCompleted: f.deliveriesCompleted + 1,
        delivered: { count: (seen?.count ?? 0) + 1, units: (seen?.units ?? 0) + units, firstOn: seen && seen.firstOn < deliveredOn ? seen.firstOn : deliveredOn },
      };
      // A delivery from before the last count, arriving late, is already in that count.
      if (f.stock && deliveredOn <= f.stock.reportedOn) f = { ...f, stock: { ...f.stock, deliveriesAtReport: f.stock.deliveriesAtReport + 1 } };
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
      const d = event.data;
      const units = d.remainingUnits ?? (d.remainingPackages ?? 0) * unitsPerPackage(f.unitsPerPackage);
      const counted = countStock(f, units, on, ctx);
      return refreshStock(recount({ ...counted, stock: { ...counted.stock!, reportedAt: event.occurredAt } }, laterDate(f.asOf, on)));
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

function refreshStock(f: RiskFeatures, deliveriesCompleted = f.deliveriesCompleted, today = f.asOf): RiskFeatures {
  if (!today) return f;
  const s = stockToday(f, deliveriesCompleted, today);
  return { ...f, stockOnHandDays: s?.daysOnHand ?? null, stockOnHandUnits: s?.unitsOnHand ?? null, consumptionPerDay: s?.perDay ?? null };
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
  /** The product's pack size (null: the package is the unit). */
  productUnitsPerPackage?: number | null;
  intervalDays: number;
  nextDeliveryOn: string | null;
  unitPriceAmount: number;
  /** The price's currency (the subscription's); absent: the features keep theirs. */
  currency?: string;
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
  const deliveriesCompleted = Math.max(f.deliveriesCompleted, sub.deliveriesCompleted);
  const facts: RiskFeatures = {
    ...f,
    quantity: sub.quantity,
    intervalDays: sub.intervalDays,
    unitsPerPackage: sub.productUnitsPerPackage === undefined ? f.unitsPerPackage : sub.productUnitsPerPackage,
    unitPriceYen: sub.unitPriceAmount,
    currency: sub.currency ?? f.currency,
    deliveriesCompleted,
    tenureDays: Math.max(0, daysBetween(started, today)),
    daysOverdue: Math.max(0, overdue),
    discountEndingWithinDays: discountDays !== null && discountDays >= 0 ? discountDays : null,
  };
  return refreshStock(facts, deliveriesCompleted, today);
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
