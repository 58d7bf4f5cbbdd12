/**
 * Training samples from a tenant's own history. Pure: the caller loads the rows.
 *
 * Snapshots are taken on a grid of dates (every `stepDays`, ending at `asOf − 60 days`, so every
 * label is known). For each subscription live on a snapshot date D, its features are what the
 * history said on D: events and plan changes up to D replayed through the same reducers the live
 * path uses (events, skip/pause changes, cancel flows started or abandoned, win-backs), deliveries
 * counted back from today's count, earlier cancellations of the same person only if they happened
 * by D. The label is 1 when it was cancelled in the 60 days after D; a subscription that was won
 * back is sampled again once live, so each of its cancellations is a label.
 * Nothing from after D leaks into a sample except the label.
 */
import { isRestart } from "../cancel-flows/state";
import { addDays, daysBetween, localDate } from "../platform/dates";
import { applyEvent, applySignal, emptyFeatures, eventContext, withPersonHistory, withSubscription, type RiskEvent, type RiskFeatures } from "./features";
import type { TrainingSample } from "./train";
import { LABEL_HORIZON_DAYS } from "./train";

export type HistorySubscription = {
  id: string;
  customerId: string;
  quantity: number;
  /** The product's pack size (null: the package is the unit). */
  productUnitsPerPackage?: number | null;
  intervalDays: number;
  unitPriceAmount: number;
  /** The price's currency (absent: JPY). */
  currency?: string;
  startedAt: string;
  canceledAt: string | null;
  deliveriesCompleted: number;
};
export type HistoryEvent = { subscriptionId: string | null; customerId: string } & RiskEvent;
export type HistoryChange = { subscriptionId: string; type: string; createdAt: string };
export type HistoryCustomer = { id: string; phone: string | null; emailNormalized: string | null };
/**
 * A cancel flow: starting one is a cancel request; one left open counts as abandoned. A restart is
 * neither: `supersededBy` set, the flow was replaced by a newer one of the same attempt (not an
 * abandonment); `attemptStartedAt` set, it replaced one (not a new request). Absent: neither.
 */
export type HistoryFlow = { subscriptionId: string; status: string; startedAt: string; closedAt: string | null; supersededBy?: string | null; attemptStartedAt?: string | null };

export type SampleOptions = {
  /** Today (local date). Snapshots end 60 days before it. */
  asOf: string;
  timeZone?: string;
  /** Days between snapshots. Default 30. */
  stepDays?: number;
  /** How far back snapshots go. Default 3 years. */
  lookbackDays?: number;
};

/** Groups customer records into people: the same normalised phone or email is the same person. */
export function people(customers: readonly HistoryCustomer[]): Map<string, number> {
  const parent: number[] = customers.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const byKey = new Map<string, number>();
  customers.forEach((c, i) => {
    for (const key of [c.phone && `p:${c.phone}`, c.emailNormalized && `e:${c.emailNormalized}`]) {
      if (!key) continue;
      const j = byKey.get(key);
      if (j === undefined) byKey.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  return new Map(customers.map((c, i) => [c.id, find(i)]));
}

const byTime = <T>(at: (x: T) => string) => (a: T, b: T) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0);

export function buildSamples(
  history: {
    subscriptions: readonly HistorySubscription[];
    events: readonly HistoryEvent[];
    /** skip, pause, cancel and reactivate changes. */
    changes: readonly HistoryChange[];
    customers: readonly HistoryCustomer[];
    flows?: readonly HistoryFlow[];
  },
  opts: SampleOptions,
): TrainingSample[] {
  const tz = opts.timeZone ?? "Asia/Tokyo";
  const step = opts.stepDays ?? 30;
  const last = addDays(opts.asOf, -LABEL_HORIZON_DAYS);
  const first = addDays(opts.asOf, -(opts.lookbackDays ?? 3 * 365));
  const grid: string[] = [];
  for (let d = last; d >= first; d = addDays(d, -step)) grid.unshift(d);

  const person = people(history.customers);
  const customerEvents = new Map<string, HistoryEvent[]>();
  const subEvents = new Map<string, HistoryEvent[]>();
  for (const e of history.events) {
    const map = e.subscriptionId ? subEvents : customerEvents;
    const key = e.subscriptionId ?? e.customerId;
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    list.push(e);
  }
  const group = <T extends { subscriptionId: string }>(rows: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) {
      let list = map.get(r.subscriptionId);
      if (!list) map.set(r.subscriptionId, (list = []));
      list.push(r);
    }
    return map;
  };
  const subChanges = group(history.changes.filter((c) => ["skip", "pause", "cancel", "reactivate"].includes(c.type)));
  const subFlows = group(history.flows ?? []);
  // Cancellations per person, for "earlier cancellations as of D".
  const cancellationsOf = new Map<number, { id: string; on: string; deliveries: number }[]>();
  for (const s of history.subscriptions) {
    if (!s.canceledAt) continue;
    const p = person.get(s.customerId) ?? -1;
    let list = cancellationsOf.get(p);
    if (!list) cancellationsOf.set(p, (list = []));
    list.push({ id: s.id, on: localDate(new Date(s.canceledAt), tz), deliveries: s.deliveriesCompleted });
  }

  const samples: TrainingSample[] = [];
  for (const s of history.subscriptions) {
    const startedOn = localDate(new Date(s.startedAt), tz);
    const changes = subChanges.get(s.id) ?? [];
    const flows = subFlows.get(s.id) ?? [];
    // A subscription can leave and come back (win-back): every cancellation in its history is a
    // label, and it is only sampled while it was live. A cancellation synced from the cart system
    // without a change row is known from canceledAt alone.
    const dayOf = (at: string) => localDate(new Date(at), tz);
    const cancels = changes.filter((c) => c.type === "cancel").map((c) => dayOf(c.createdAt));
    if (s.canceledAt && !cancels.some((on) => Math.abs(daysBetween(on, dayOf(s.canceledAt!))) <= 1)) cancels.push(dayOf(s.canceledAt));
    cancels.sort();
    const comebacks = changes.filter((c) => c.type === "reactivate").map((c) => dayOf(c.createdAt)).sort();
    const latestBy = (dates: string[], d: string) => dates.filter((x) => x <= d).at(-1) ?? null;
    const live = (d: string) => {
      const left = latestBy(cancels, d);
      const back = latestBy(comebacks, d);
      return left === null || (back !== null && back > left);
    };
    const ownEvents = subEvents.get(s.id) ?? [];
    const ectx = eventContext({ ...s, nextDeliveryOn: null }, tz, ownEvents.filter((e) => e.type === "delivery.completed").length);
    // Replayable history: events (own and customer-level) and skip/pause changes, in time order.
    type Step = { at: string; apply: (f: RiskFeatures, on: string) => RiskFeatures; delivery: boolean };
    const steps: Step[] = [
      ...[...ownEvents, ...(customerEvents.get(s.customerId) ?? [])].map((e) => ({
        at: e.occurredAt,
        delivery: e.type === "delivery.completed",
        apply: (f: RiskFeatures) => applyEvent(f, e, ectx),
      })),
      ...changes
        .filter((c) => c.type !== "cancel")
        .map((c) => ({
          at: c.createdAt,
          delivery: false,
          apply: (f: RiskFeatures, on: string) => applySignal(f, c.type === "reactivate" ? "reactivated" : (c.type as "skip" | "pause"), on),
        })),
      // The same signals the live path gets from cancel flows (risk/maintain via cancel-flows).
      ...flows
        .filter((fl) => !fl.attemptStartedAt)
        .map((fl) => ({ at: fl.startedAt, delivery: false, apply: (f: RiskFeatures, on: string) => applySignal(f, "cancel_flow_started", on) })),
      ...flows
        .filter((fl) => fl.status === "abandoned" && fl.closedAt && !isRestart(fl))
        .map((fl) => ({ at: fl.closedAt!, delivery: false, apply: (f: RiskFeatures, on: string) => applySignal(f, "cancel_flow_abandoned", on) })),
    ].sort(byTime((x: Step) => x.at));
    const stepOn = steps.map((x) => localDate(new Date(x.at), tz));
    const deliveriesAfter = (d: string) => steps.reduce((n, x, i) => n + (x.delivery && stepOn[i]! > d ? 1 : 0), 0);
    const pastOfPerson = cancellationsOf.get(person.get(s.customerId) ?? -1) ?? [];

    let features = emptyFeatures();
    let next = 0;
    for (const d of grid) {
      if (d < startedOn) continue;
      if (!live(d)) continue;
      while (next < steps.length && stepOn[next]! <= d) {
        features = steps[next]!.apply(features, stepOn[next]!);
        next++;
      }
      const asOfD = withPersonHistory(
        withSubscription(
          features,
          {
            quantity: s.quantity,
            productUnitsPerPackage: s.productUnitsPerPackage ?? null,
            intervalDays: s.intervalDays,
            nextDeliveryOn: null,
            unitPriceAmount: s.unitPriceAmount,
            currency: s.currency,
            startedAt: s.startedAt,
            deliveriesCompleted: Math.max(0, s.deliveriesCompleted - deliveriesAfter(d)),
            activeDiscount: null,
          },
          d,
        ),
        pastOfPerson.filter((p) => p.id !== s.id && p.on <= d).map((p) => ({ status: "canceled", deliveriesCompleted: p.deliveries })),
      );
      const label = cancels.some((on) => on > d && daysBetween(d, on) <= LABEL_HORIZON_DAYS) ? 1 : 0;
      samples.push({ features: asOfD, label, at: d });
    }
  }
  return samples;
}
