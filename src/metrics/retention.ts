/**
 * Retention metrics as a pure function over flow rows (and a few subscription counts), so the
 * definitions are tested on a hand-computed fixture without HTTP. This is the reference: the API
 * computes the same figures in SQL (./flows.ts), so a shop of any size reads no flow row into JS,
 * and test/http/metrics.ts checks that both agree.
 *
 * Definitions (a flow belongs to the tenant-local day it STARTED; its outcome is counted whenever
 * it came):
 * - an attempt: a customer's request to cancel, from its first flow to its outcome. A flow replaced
 *   by a newer one while open (a reload in the portal, 「最初からやり直す」 in the console, a web flow
 *   continued by phone: abandoned with the step `superseded`, `supersededBy` set) is a restart, not
 *   an attempt: it counts in `restarted` only — not in `started`, `abandoned` or the holdout arms —
 *   and the flow that replaced it carries the attempt: its outcome is the attempt's, it counts
 *   under the attempt's first channel, and time to cancel runs from the attempt's first start with
 *   the calls of all its flows. Start → reload → cancel is started 1, canceled 1, restarted 1.
 * - undone: attempts whose confirmed cancellation the customer undid (reactivated on or before its
 *   `effectiveOn`: it never took effect). A withdrawn decision, as a restart is: not in `canceled`
 *   nor the save rate; closed and kept in the holdout arms; still in time to cancel (the customer
 *   went through cancelling). started = saved + canceled + undone + abandoned + open.
 * - saveRate (解約阻止率) = saved / (saved + canceled): of the flows that reached a decision, the
 *   share where the customer accepted an offer. Abandoned and undone flows are reported apart.
 * - durableSaveRate = saves still not canceled `durableSaveDays` after the save / saves at least
 *   that old (younger saves are not judged yet); null without any.
 * - churnRate = subscriptions canceled in the range / subscriptions active or paused at its start.
 * - reactivationRate = reactivations (restarts of any plan, by the API or a sync) made in the range / subscriptions
 *   canceled in the range and still canceled (the rollups move a restarted plan's cancellation
 *   out). Two counts of the range, not a cohort: it can exceed 1. The cohort share — of the
 *   range's cancellations, those that came back — is metrics/winback's `reactivationRate`.
 * - holdout: save rate by construction is 0 there (no offer), so the comparison is the KEPT rate,
 *   1 − canceled / (saved + canceled + abandoned), with offers minus in the holdout. Only flows
 *   started while a holdout was in force (`holdoutPercent` > 0 then) are in either arm: one started
 *   with none was never drawn, so it is neither treated nor held out (intent to treat).
 * - holdout lift's 95 % interval: Newcombe's hybrid score interval for a difference of proportions
 *   (./interval.ts), so a lift measured on a handful of flows says how little it knows.
 * - fairness: calls and seconds from start to a confirmed cancellation, median and worst.
 */
import { isRestart } from "../cancel-flows/state";
import { localDate } from "../platform/dates";
import { differenceInterval } from "./interval";

export type FlowFact = {
  id: string;
  channel: string;
  reason: string | null;
  /** The accepted offer when saved by one, else the first shown (cancel_flows.offer_id). */
  offerId: string | null;
  /** Every offer shown in the flow; absent or empty: none. */
  offersShown?: readonly string[];
  /** The operator who took the flow's latest step in the console; absent or null: none did. */
  operator?: { id: string; name: string | null } | null;
  /** Effective status (expired open flows already abandoned). */
  status: "open" | "offered" | "saved" | "canceled" | "abandoned";
  holdout: boolean;
  /** `holdoutPercent` in force when the flow started (0: no holdout: in neither arm of the comparison). */
  holdoutPercent: number;
  startedAt: string;
  closedAt: string | null;
  calls: number;
  /** A canceled flow whose cancellation the customer undid (its win-back record `undone`); absent: not undone. */
  undone?: boolean;
  /** The plan's first cancellation after the flow closed (its win-back record: a restart since does not clear it); null if none. */
  subscriptionCanceledAt: string | null;
  /** The flow that replaced this one while open (cancel_flows.superseded_by); absent or null: none did. */
  supersededBy?: string | null;
  /** On a flow that replaced others: the attempt's first start and channel, and the calls made in the flows it replaced. Absent: it started the attempt. */
  attemptStartedAt?: string | null;
  attemptChannel?: string | null;
  earlierCalls?: number;
};

export type Population = { activeAtStart: number; canceledInRange: number; reactivationsInRange: number };

export type GroupBy = "reason" | "offer" | "channel" | "operator" | "day";

export type MetricsInput = {
  flows: readonly FlowFact[];
  population: Population;
  from: string;
  to: string;
  timeZone: string;
  now: string;
  durableSaveDays: number;
  groupBy?: GroupBy;
};

const DAY_MS = 86_400_000;
/**
 * A rate as the API answers every one: 4 decimals, and below 0.1 four significant digits, so a
 * count that is not 0 never reads 0 (1 cancellation in 30,035 subscriptions: 0.00003329, not 0).
 * Differences of rates (a holdout's lift) are rounded the same way.
 */
export function roundRate(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Math.abs(x) >= 0.1 ? Math.round(x * 10_000) / 10_000 : Number(x.toPrecision(4));
}

/** n / d as {@link roundRate} rounds it; null when d is 0 (a rate over nothing is unknown, not zero). */
export const ratio = (n: number, d: number) => (d > 0 ? roundRate(n / d) : null);

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function flowMetrics(all: readonly FlowFact[], now: string, durableSaveDays: number) {
  const flows = all.filter((f) => !isRestart(f));
  const count = (st: FlowFact["status"]) => flows.filter((f) => f.status === st).length;
  const saved = count("saved");
  const undone = flows.filter((f) => f.status === "canceled" && f.undone).length;
  const canceled = count("canceled") - undone;
  const abandoned = count("abandoned");
  const open = count("open") + count("offered");
  const nowMs = Date.parse(now);
  const matured = flows.filter((f) => f.status === "saved" && f.closedAt !== null && Date.parse(f.closedAt) + durableSaveDays * DAY_MS <= nowMs);
  const durable = matured.filter((f) => f.subscriptionCanceledAt === null || Date.parse(f.subscriptionCanceledAt) > Date.parse(f.closedAt!) + durableSaveDays * DAY_MS);
  // Known already not to last, whatever their age: the plan canceled within the window of the save.
  const lost = flows.filter((f) => f.status === "saved" && f.closedAt !== null && f.subscriptionCanceledAt !== null && Date.parse(f.subscriptionCanceledAt) <= Date.parse(f.closedAt) + durableSaveDays * DAY_MS);
  const cancels = flows.filter((f) => f.status === "canceled" && f.closedAt !== null);
  const seconds = cancels.map((f) => Math.round((Date.parse(f.closedAt!) - Date.parse(f.attemptStartedAt ?? f.startedAt)) / 1000));
  const calls = cancels.map((f) => f.calls + (f.earlierCalls ?? 0));
  return {
    started: flows.length,
    restarted: all.length - flows.length,
    saved,
    canceled,
    undone,
    abandoned,
    open,
    saveRate: ratio(saved, saved + canceled),
    durableSaves: { judged: matured.length, durable: durable.length, lost: lost.length },
    durableSaveRate: ratio(durable.length, matured.length),
    timeToCancel: {
      cancellations: cancels.length,
      medianCalls: median(calls),
      maxCalls: calls.length ? Math.max(...calls) : null,
      medianSeconds: median(seconds),
      maxSeconds: seconds.length ? Math.max(...seconds) : null,
    },
  };
}

function keptRate(all: readonly FlowFact[]) {
  const flows = all.filter((f) => !isRestart(f));
  const closed = flows.filter((f) => f.status === "saved" || f.status === "canceled" || f.status === "abandoned");
  const canceled = closed.filter((f) => f.status === "canceled" && !f.undone).length;
  return { flows: flows.length, closed: closed.length, canceled, keptRate: closed.length ? ratio(closed.length - canceled, closed.length) : null };
}

type Kept = { flows: number; closed: number; canceled: number; keptRate: number | null };

/**
 * Churn and reactivation rates from the population's counts, and the holdout comparison (null
 * when no flow was held out; lift in rate points, rounded as rates are: `roundRate`): the same for this reference and
 * for the SQL figures of metrics/routes.
 */
/** A lift's 95 % interval (metrics/interval differenceInterval), rounded as rates are; null when an arm has nothing to compare. */
export function liftInterval(x1: number, n1: number, x2: number, n2: number): { low: number; high: number; confidence: 0.95 } | null {
  const i = differenceInterval(x1, n1, x2, n2);
  return i ? { low: roundRate(i.low), high: roundRate(i.high), confidence: 0.95 } : null;
}

export function churnAndHoldout(p: Population, withOffers: Kept, holdout: Kept) {
  return {
    churn: { activeAtStart: p.activeAtStart, canceled: p.canceledInRange, churnRate: ratio(p.canceledInRange, p.activeAtStart) },
    reactivations: { count: p.reactivationsInRange, reactivationRate: ratio(p.reactivationsInRange, p.canceledInRange) },
    holdout:
      holdout.flows === 0
        ? null
        : {
            withOffers,
            holdout,
            lift: withOffers.keptRate !== null && holdout.keptRate !== null ? roundRate(withOffers.keptRate - holdout.keptRate) : null,
            liftInterval: liftInterval(withOffers.closed - withOffers.canceled, withOffers.closed, holdout.closed - holdout.canceled, holdout.closed),
          },
  };
}

export function retentionMetrics(input: MetricsInput) {
  const inRange = input.flows.filter((f) => {
    const d = localDate(new Date(f.startedAt), input.timeZone);
    return d >= input.from && d <= input.to;
  });
  const totals = flowMetrics(inRange, input.now, input.durableSaveDays);
  const p = input.population;
  const withOffers = keptRate(inRange.filter((f) => !f.holdout && f.holdoutPercent > 0));
  const holdout = keptRate(inRange.filter((f) => f.holdout));
  const groups =
    input.groupBy === undefined
      ? null
      : [
          ...inRange
            .reduce((m, f) => {
              // By offer, a flow counts under every offer it showed (none: under `none`).
              const keys =
                input.groupBy === "day"
                  ? [localDate(new Date(f.startedAt), input.timeZone)]
                  : input.groupBy === "reason"
                    ? [f.reason ?? "none"]
                    : input.groupBy === "offer"
                      ? f.offersShown?.length
                        ? f.offersShown
                        : ["none"]
                      : input.groupBy === "operator"
                        ? [f.operator?.id ?? "none"]
                        : [f.attemptChannel ?? f.channel];
              for (const key of keys) m.set(key, [...(m.get(key) ?? []), f]);
              return m;
            }, new Map<string, FlowFact[]>())
            .entries(),
        ]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, fs]) => ({
            key,
            ...(input.groupBy === "operator" ? { label: fs.map((f) => f.operator?.name ?? null).reduce<string | null>((a, b) => (b !== null && (a === null || b > a) ? b : a), null) } : {}),
            ...flowMetrics(fs, input.now, input.durableSaveDays),
            ...(input.groupBy === "offer" ? { accepted: fs.filter((f) => f.status === "saved" && f.offerId === key).length } : {}),
          }));
  return {
    from: input.from,
    to: input.to,
    ...totals,
    ...churnAndHoldout(p, withOffers, holdout),
    groupBy: input.groupBy ?? null,
    groups,
  };
}
