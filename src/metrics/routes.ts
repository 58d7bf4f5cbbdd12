import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../platform/env";
import { offTheRequestPath } from "../platform/off-thread";
import { addDays, localDate } from "../platform/dates";
import { ApiError } from "../platform/errors";
import { apiRoute, CalendarDate, dayRangeQuery, domainRouter, jsonResponse, Money } from "../platform/openapi";
import { csvResponse, wantsCsv } from "../platform/csv";
import { retentionCsv, winbackCsv } from "./csv";
import type { TenantStore } from "../platform/tenancy";
import type { TenantSettings } from "../settings/schemas";
import { populationCounts } from "./population";
import { flowFigures, keptFrom, NO_FLOWS } from "./flows";
import { churnAndHoldout } from "./retention";
import { winbackMetrics } from "./winback";
import { dayBounds, weekBounds } from "./weekly";

const tags = ["Metrics"];

/** How every rate is rounded (metrics/retention `roundRate`). */
const RATE_ROUNDING = "Rates (and a holdout's lift) are rounded to 4 decimals, and below 0.1 to 4 significant digits, so a count that is not 0 never reads 0 (1 in 30,035: 0.00003329).";

/** Default ranges, in days up to `to`: retention's month, win-back's year (cancellations take long to come back). */
const RETENTION_DAYS = 30;
const WINBACK_DAYS = 365;

export const RetentionQuery = dayRangeQuery(RETENTION_DAYS, {
  groupBy: z
    .enum(["reason", "offer", "channel", "operator", "day", "week"])
    .optional()
    .openapi({ description: "`day`: shop-local days with flows. `week`: every shop-local week (Monday to Sunday, keyed by its Monday) of the range, empty ones too; the first and last weeks count only the days within `from`–`to`. `operator`: by the operator who last took a step of the flow in the console (`key` their `operatorId`, `label` their name; `none`: flows no operator took a step of)." }),
});

export const WinbackMetricsQuery = dayRangeQuery(WINBACK_DAYS);

const TimeToCancel = z.object({
  cancellations: z.number().int(),
  medianCalls: z.number().nullable(),
  maxCalls: z.number().int().nullable(),
  medianSeconds: z.number().nullable(),
  maxSeconds: z.number().int().nullable(),
});
const FlowCounts = {
  started: z.number().int().openapi({
    description:
      "Attempts to cancel started on the range's days: cancel flows, except those replaced by a newer flow of the same plan while open (`restarted`). A customer who starts, reloads the page and starts again, then cancels, is one attempt: `started` 1, `canceled` 1, `restarted` 1. The flow that replaced the others carries the attempt — its outcome is the attempt's — and counts on the day it started.",
  }),
  restarted: z.number().int().openapi({
    description:
      "Flows replaced by a newer flow of the same plan while open — the customer reloaded the portal and started again, an operator pressed 「最初からやり直す」, a web flow was taken over by phone — on the days they started (evidence step `superseded`). Part of the attempt that replaced them: not in `started`, `abandoned`, the save rate or the holdout arms.",
  }),
  saved: z.number().int(),
  canceled: z.number().int().openapi({ description: "Attempts that ended in a confirmed cancellation that took effect (or has yet to): not those the customer undid (`undone`)." }),
  undone: z.number().int().openapi({
    description:
      "Attempts whose cancellation was confirmed in the flow and then undone: the customer reactivated on or before its `effectiveOn` (shop-local; the early-cancellation fee waived, the plan going on as if never cancelled) without taking an offer (a restart with the confirmation's win-back offer or a comeback offer is a win-back, whenever it came). A withdrawn decision, as a restart is: not in `canceled` nor the save rate, not in churn, not a reactivation nor a win-back (`reactivations`, `winback`). In the holdout arms it is closed and kept; in `timeToCancel` it is a cancellation (the customer went through cancelling). `started` = `saved` + `canceled` + `undone` + `abandoned` + `open`, in every row.",
  }),
  abandoned: z.number().int().openapi({ description: "Attempts that ended without a decision: the customer left the flow (`left`), it expired, or the plan was cancelled elsewhere while it was open. A restart (`restarted`) is not one." }),
  open: z.number().int(),
  saveRate: z.number().nullable().openapi({
    description:
      "解約阻止率: saved / (saved + canceled), over the attempts started on the range's days that reached a decision (an attempt restarted in a new flow counts once, with that flow's outcome: start → reload → cancel is 0, start → restart → save is 1). A cancellation the customer undid (reactivated on or before its `effectiveOn`) is in neither term: it counts in `undone`, a withdrawn decision, as a restart is — not a loss, and not a save either (no offer kept the plan).",
  }),
  durableSaves: z.object({
    judged: z.number().int().openapi({ description: "Saves at least `durableSaveDays` old: the ones the rate judges." }),
    durable: z.number().int().openapi({ description: "Of those, the ones whose plan was not canceled within `durableSaveDays` of the save." }),
    lost: z.number().int().openapi({
      description: "Saves whose plan was canceled again within `durableSaveDays` of the save, whatever their age — known already not to last, so a save undone the next day shows at once, not `durableSaveDays` later (the judged ones among them are `judged` − `durable`).",
    }),
  }),
  durableSaveRate: z.number().nullable().openapi({ description: "Saves still not canceled `durableSaveDays` later / saves at least that old." }),
  timeToCancel: TimeToCancel.openapi({ description: "Fairness: calls and seconds from starting to a confirmed cancellation, undone ones too (`cancellations` = `canceled` + `undone` of the flows with a closing instant). For an attempt restarted in a new flow, from its first flow's start, with the calls of all its flows." }),
};
const Kept = z.object({ flows: z.number().int(), closed: z.number().int(), canceled: z.number().int(), keptRate: z.number().nullable() });

const Rates = {
  canceled: z.number().int().openapi({
    description:
      "Cancellations confirmed on the range's days: the shop-local day each one's instant falls on in the shop's time zone as it is now (`timeZone`), so a change of zone moves them between days and months at once; the total over days that cover the same instants stays the same. Not those the customer undid (reactivated on or before the cancellation's `effectiveOn`, shop-local, whether cancelled in a flow, by a sync or an import): a withdrawn decision is in no figure of this report, neither a cancellation nor a return, and its restart's revenue is not `revenueRecovered`.",
  }),
  reactivated: z.number().int().openapi({ description: "Of those, the ones whose plan has been reactivated since." }),
  reactivationRate: z.number().nullable().openapi({
    description:
      "再加入率, a cohort share: `reactivated` / `canceled` — of the cancellations confirmed on the range's days (one per cancellation, by a cancel flow, a sync or an import), those whose plan has since been reactivated (whenever the restart came, up to now; a cancellation undone on or before its `effectiveOn` is in neither count: see `canceled`). Each cancellation counts once, so it is at most 1; recent cancellations have had less time (see `rate180`). Not `reactivations.reactivationRate`, which divides the range's restarts of any plan by the range's cancellations still standing (`churn.canceled`).",
  }),
  matured: z.number().int().openapi({ description: "Cancellations at least 180 days old: on a shop-local day on or before the shop's today − 180 days. The denominator of `rate180`." }),
  reactivatedWithin180: z.number().int().openapi({
    description:
      "Of the `matured` cancellations, those reactivated within 180 days of cancelling. A reactivation of a younger cancellation counts in `reactivated` but not here until its cancellation is 180 days old: `reactivated: 1` beside `reactivatedWithin180: 0` means the restart came from a cancellation whose 180 days have not passed (see `byDaysSinceCancel` for the 30- and 90-day windows and how many are still waiting).",
  }),
  rate180: z.number().nullable().openapi({ description: "`reactivatedWithin180` / `matured`: comparable between months. null when `matured` is 0 — none of the range's cancellations is 180 days old yet (not a rate of 0)." }),
};
const LiftInterval = z
  .object({
    low: z.number(),
    high: z.number(),
    confidence: z.literal(0.95),
  })
  .nullable()
  .openapi({
    description:
      "The 95 % confidence interval of `lift`, in rate points: Newcombe's hybrid score interval for a difference of two independent proportions (Statistics in Medicine 17, 1998, method 10, from Wilson score intervals of each arm), rounded as rates are. An interval that contains 0 means the data cannot yet tell the arms apart; a few held-out flows give a wide one. null when an arm has nothing closed to compare.",
    example: { low: 0.1805, high: 0.7021, confidence: 0.95 },
  });
const Group = z.object({ reactivationRate: z.number().nullable(), canceled: z.number().int(), reactivated: z.number().int() });

export const WinbackMetrics = z
  .object({
    from: CalendarDate,
    to: CalendarDate,
    ...Rates,
    contacts: z.object({
      contacted: z.number().int().openapi({ description: "Cancellations with a win-back contact: a `winback.due` webhook an endpoint accepted (2xx; one never delivered is no contact) or a `winback.contacted` event." }),
      reactivatedAfterContact: z.number().int(),
      afterContactShare: z.number().nullable().openapi({ description: "Reactivations that followed a win-back contact / reactivations." }),
    }),
    holdout: z
      .object({ contactable: Group, holdout: Group, lift: z.number().nullable().openapi({ description: "Reactivation rate of contactable cancellations minus the holdout's (intent to treat)." }), liftInterval: LiftInterval })
      .nullable()
      .openapi({
        description:
          "With a win-back holdout (`winbackHoldoutPercent`): of the range's cancellations the customer could be contacted about when they were confirmed (as the arm was drawn: a later \"no\", opt-out or erasure does not move a past range's arms), those confirmed while a holdout was in force (`winbackHoldoutPercent` > 0 at the cancellation, when the arm was drawn): `contactable` those not held out, `holdout` those held out (never listed, never sent `winback.due`). A cancellation confirmed while it was 0 was never drawn: it is in neither arm (it still counts in `canceled` and `reactivationRate`). null when none was held out in the range.",
      }),
    revenueRecovered: z.array(Money).openapi({
      description:
        "Per currency, in minor units (yen for JPY), over the reactivations of the range's cancellations. A reactivated plan still active counts a year of its deliveries as it restarted (unit price × quantity × 365 / interval days) less the discount of the offer taken with it (its discounted deliveries in that year): what it is expected to bring, not money received yet. A plan canceled again counts only what it delivered since the restart (deliveries completed since × unit price × quantity, at most that year): cancelled again minutes later, 0. A cancellation undone (reactivated on or before its `effectiveOn`) recovers nothing: the plan never stopped.",
    }),
    byReason: z.array(z.object({ key: z.string(), ...Rates })),
    byMonth: z.array(z.object({ key: z.string().openapi({ example: "2026-09", description: "The shop-local month of the cancellations (in the shop's time zone as it is now)." }), ...Rates })),
    byDaysSinceCancel: z
      .array(
        z.object({
          days: z.number().int().openapi({ description: "The window: 30, 90 or 180 days after cancelling.", example: 90 }),
          matured: z.number().int().openapi({ description: "The denominator: the range's cancellations whose window has passed (on a shop-local day on or before the shop's today − `days`)." }),
          reactivatedWithin: z.number().int().openapi({ description: "Of those, reactivated within `days` of cancelling." }),
          rate: z.number().nullable().openapi({ description: "`reactivatedWithin` / `matured`; null when no cancellation of the range is that old yet." }),
          waiting: z.number().int().openapi({ description: "The range's cancellations whose window has not passed yet (`canceled` − `matured`): not in the rate, whether or not they came back already." }),
        }),
      )
      .openapi({
        description:
          "Re-subscription by time since cancelling: for each window (30, 90, 180 days), of the range's cancellations old enough to have had the whole window, the share that came back within it. The 180-day row is `matured`, `reactivatedWithin180` and `rate180`. A young range has few or no matured cancellations (`waiting` says how many are not counted yet), so its rates are null rather than 0.",
      }),
    byComebackOffer: z
      .array(
        z.object({
          key: z.string().openapi({ description: "The offer's id; `none` for restarts that took no offer.", example: "off_discount_20x2" }),
          reactivated: z.number().int().openapi({ description: "The range's cancellations reactivated taking this offer (a comeback offer, or the win-back offer of the flow's confirmation); `none`: reactivated without an offer, including restarts the cart system synced." }),
          shareOfReactivated: z.number().nullable().openapi({ description: "`reactivated` / all reactivations of the range's cancellations (the top-level `reactivated`)." }),
          sent: z.number().int().nullable().openapi({ description: "The range's cancellations with a win-back contact whose `winback.due` carried this offer (shown to the customer); null for `none`." }),
          sentTaken: z.number().int().nullable().openapi({ description: "Of `sent`, those reactivated taking this offer." }),
          sentNotTaken: z.number().int().nullable().openapi({ description: "Of `sent`, those that did not take it: not back, or back without it or with another." }),
          takenRate: z.number().nullable().openapi({ description: "`sentTaken` / `sent`: the offer's re-subscription rate among the customers it was sent to; null when it was sent to none." }),
        }),
      )
      .openapi({
        description:
          "Re-subscription by comeback offer, over the range's cancellations: each offer taken with a restart (and `none`), and each offer `winback.due` carried to a customer contacted — how many took it. An offer sent but never taken has `reactivated: 0`; one taken without having been sent (suggested on the candidates list, taken in the console) has `sent: 0`. Offers in id order, `none` last.",
      }),
  })
  .openapi("WinbackMetrics", { description: RATE_ROUNDING });

export const RetentionMetrics = z
  .object({
    from: CalendarDate,
    to: CalendarDate,
    ...FlowCounts,
    churn: z
      .object({
        activeAtStart: z.number().int().openapi({
          description:
            "Subscriptions active or paused at the first instant of `from` (00:00 shop-local, in the shop's time zone now): started before it and not canceled at it. A plan canceled before it counts nowhere here even if restarted since (during the range or after it): at that instant it was canceled. A plan canceled after it counts (it was live then). From the subscription rollups (starts, cancellations, and the canceled spells restarts ended), so a subscription's `startedAt`/`canceledAt` as synced is what counts.",
        }),
        canceled: z.number().int().openapi({
          description:
            "Subscriptions whose cancellation instant (`canceledAt`: confirmed in a cancel flow, or synced/imported from the cart system) falls on the range's shop-local days, `from` 00:00 to the end of `to`, and still canceled now: a restart removes its plan from the day it was canceled.",
        }),
        churnRate: z.number().nullable().openapi({
          description: `解約率: \`canceled\` / \`activeAtStart\`; null when \`activeAtStart\` is 0. A cancellation undone (reactivated on or before its \`effectiveOn\`), or any plan restarted since, is not churn: it left \`canceled\`. A plan started within the range and canceled within it is in \`canceled\` but not in \`activeAtStart\`, so the rate can exceed 1 for a young shop. ${RATE_ROUNDING}`,
        }),
      })
      .openapi({ description: "Churn over the range's shop-local days, from the subscription rollups (starts, cancellations and restarts per UTC quarter hour, kept by database triggers on every write: API, sync, import)." }),
    reactivations: z
      .object({
        count: z.number().int().openapi({ description: "Reactivations (plan restarts) made on the range's days, of any plan, whenever it was canceled, however the restart came: `POST …/reactivate`, or the cart system syncing a canceled plan live again (`PUT /v1/subscriptions/{id}`, `POST /v1/sync`, `npm run import`) — the same restarts `winback.reactivated` counts by their cancellation's day; a plan restarted twice counts twice. Not a restart that undid its cancellation (on or before its `effectiveOn`: `undone`), a withdrawn decision rather than a return." }),
        reactivationRate: z.number().nullable().openapi({
          description:
            "A ratio of two counts of the range, not a cohort: `count` (restarts made on the range's days, of any plan) / `churn.canceled` (plans canceled on the range's days and still canceled now). The restarts need not be of those cancellations (a plan canceled last year and restarted this month counts here), and a plan canceled in the range and restarted since is counted above but no longer below — 5 cancellations, one restarted: 1 / 4 = 0.25 here, 1 / 5 = 0.2 in `winback.reactivationRate` — so it can exceed 1. For the share of this range's cancellations that came back, read `winback.reactivationRate`.",
        }),
      })
      .openapi({ description: "Restarts made in the range, from the subscription rollups." }),
    holdout: z
      .object({ withOffers: Kept, holdout: Kept, lift: z.number().nullable(), liftInterval: LiftInterval })
      .nullable()
      .openapi({
        description:
          "With a holdout (`holdoutPercent`): an intent-to-treat comparison of the attempts started on the range's days while a holdout was in force (`holdoutPercent` > 0 when the attempt started and its arm was drawn). `withOffers`: those not held out; `holdout`: those held out (shown no offer). The arm is drawn once per attempt: a flow that replaces an open one keeps its arm (and the percent it was drawn under), so reloading does not draw again, and a restarted flow is in neither arm (its attempt is). Flows that replaced another before migration 0047 kept the arm drawn for them then. A flow started while `holdoutPercent` was 0 was never drawn: it is in neither arm (it still counts in `started`, `saveRate` and the rest). For each arm `flows`, `closed` (saved, canceled, undone or abandoned), `canceled` (not `undone`: an attempt whose cancellation was undone is closed and kept), and `keptRate` = (`closed` − `canceled`) / `closed` (null with none closed). `lift` = `withOffers.keptRate` − `holdout.keptRate`, in rate points. null when no flow of the range was held out.",
      }),
    groupBy: z.enum(["reason", "offer", "channel", "operator", "day", "week"]).nullable(),
    groups: z
      .array(
        z.object({
          key: z.string(),
          ...FlowCounts,
          accepted: z.number().int().optional().openapi({ description: "`groupBy=offer` only: flows saved by accepting this offer (the flow's accepted offer). Not in other groupings." }),
          label: z.string().nullable().optional().openapi({ description: "`groupBy=operator` only: the operator's name as the console session gave it (`operatorName`); null for `none`. Not in other groupings." }),
        }),
      )
      .nullable()
      .openapi({
        description:
          "With `groupBy`. Every row counts attempts as the totals do: `restarted` under the restarted flow's own key (its day, reason, offers shown, the operator who last took a step of it — the one who restarted it, in the console), the attempt under the key of the flow that carries it. By `channel`, an attempt counts under the channel it STARTED on (`web`, `ivr`, `operator`, …), whoever finished it and in whichever flow: a flow started on the web and confirmed or saved by an operator is `web`'s, and so is an attempt started on the web and restarted by an operator in a new flow on channel `operator` (its restarted flow too) — pressing 「最初からやり直す」 instead of continuing the flow does not move the attempt to another row. Each row is then one population — the flows that came in through that channel — so its `started`, `saved`, `canceled` and `saveRate` are of the same flows and the rows add up to the totals; crediting the finishing channel would mix flows started elsewhere into a row's `saved` (a row could save more than it started). Who took each step, and through which channel, is in the flow's evidence (`GET /v1/cancel-flows/{flowId}`, `steps[].channel`). By `offer`, each offer's row counts the flows in which it was SHOWN: `started` is flows that showed it, `saved`/`canceled`/`abandoned`/`open` how those flows ended (a save by the customer's own plan change after it was shown counts as `saved`), and `accepted` the saves that took this offer; a flow that showed two offers counts under both, so the rows can add up to more than the totals. `none` is flows that showed no offer. By `operator`, a flow counts under the operator who took its latest step in the console (a flow started on the web and confirmed by an operator is that operator's; one two operators handled, the later one's), so the rows add up to the totals and a row's `saveRate` is of the flows that operator handled last; `none` is the flows no operator touched.",
      }),
    winback: WinbackMetrics.openapi({ description: "Re-subscription (再加入) of the cancellations confirmed in the range: by reason and month, after a contact, over the holdout, revenue recovered." }),
  })
  .openapi("RetentionMetrics", { description: RATE_ROUNDING });

/**
 * The retention metrics of `store`'s shop over `q`'s days — what `GET /v1/metrics/retention`
 * answers; the supervisor's console page shows the same figures from here.
 */
export async function retentionFor(store: TenantStore, settings: TenantSettings, now: Date, q: z.output<typeof RetentionQuery>) {
  const { from, to, today } = rangeOf(q, settings, now, RETENTION_DAYS);
  const tz = settings.timeZone;
  // Flows by the shop-local day they started: the days' bounds are instants computed here, so SQL
  // counts over the start-time index and no flow row is read into JS.
  const range = dayBounds(from, to, tz);
  const whole = [{ key: "all", lo: range[0]!.lo, hi: range[range.length - 1]!.hi }];
  const figures = { now: now.toISOString(), durableSaveDays: settings.durableSaveDays };
  const groupBy = q.groupBy;
  const [[all], grouped, population, winback] = await Promise.all([
    flowFigures(store, { buckets: whole, ...figures }),
    groupBy === undefined
      ? null
      : flowFigures(store, groupBy === "day" ? { buckets: range, ...figures } : groupBy === "week" ? { buckets: weekBounds(from, to, tz), ...figures } : { buckets: whole, by: groupBy, ...figures }),
    populationCounts(store, from, to, tz),
    winbackMetrics(store, { from, to, today, timeZone: tz }),
  ]);
  // Every week of the range is answered, empty ones too; other groups only where flows started.
  const groups =
    grouped === null
      ? null
      : groupBy === "week"
        ? weekBounds(from, to, tz).map((w) => ({ key: w.key, ...(grouped.find((g) => g.key === w.key)?.figures ?? NO_FLOWS) }))
        : grouped.sort((a, b) => (a.key < b.key ? -1 : 1)).map((g) => ({ key: g.key, ...g.figures }));
  const withOffers = keptFrom(all?.offers ?? { flows: 0, closed: 0, canceled: 0 });
  const holdout = keptFrom(all?.held ?? { flows: 0, closed: 0, canceled: 0 });
  return {
    from,
    to,
    ...(all?.figures ?? NO_FLOWS),
    ...churnAndHoldout(population, withOffers, holdout),
    groupBy: groupBy ?? null,
    groups,
    winback,
  };
}

/**
 * The win-back metrics of `store`'s shop over `q`'s days (default: the last 365) — what
 * `GET /v1/metrics/winback` answers; the supervisor's console page shows the same figures.
 */
export async function winbackFor(store: TenantStore, settings: TenantSettings, now: Date, q: { from?: string | undefined; to?: string | undefined }) {
  return winbackMetrics(store, { ...rangeOf(q, settings, now, WINBACK_DAYS), timeZone: settings.timeZone });
}

/**
 * {@link retentionFor} for the request's shop, in the read worker where the runtime has one
 * (platform/off-thread): on a big shop its aggregates hold the synchronous embedded driver for
 * 100 ms or more (80,000 cancellations in a month), and the data dip would wait behind them.
 */
export function retentionMetricsOf(c: Context<AppEnv>, query: z.output<typeof RetentionQuery>) {
  const { tenantId, settings } = c.get("caller");
  const now = c.get("services").now();
  return offTheRequestPath(c.get("services").offThread, "retentionMetrics", { tenantId, settings, now: now.toISOString(), query }, () => retentionFor(c.get("store"), settings, now, query));
}

/** {@link winbackFor} for the request's shop, in the read worker where there is one (see retentionMetricsOf). */
export function winbackMetricsOf(c: Context<AppEnv>, query: { from?: string | undefined; to?: string | undefined }) {
  const { tenantId, settings } = c.get("caller");
  const now = c.get("services").now();
  return offTheRequestPath(c.get("services").offThread, "winbackMetrics", { tenantId, settings, now: now.toISOString(), query }, () => winbackFor(c.get("store"), settings, now, query));
}

/** `from`–`to` from the query, defaulting to the `days` days up to today; at most two years. */
function rangeOf(q: { from?: string | undefined; to?: string | undefined }, settings: TenantSettings, now: Date, days: number) {
  const today = localDate(now, settings.timeZone);
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -(days - 1));
  if (from > to) throw new ApiError("validation_failed", { en: "`from` must not be after `to`.", ja: "`from` には `to` 以前の日付を指定してください。" }, { errors: [{ path: "query.from", message: "Must not be after to" }] });
  if (addDays(from, 731) < to) throw new ApiError("validation_failed", { en: "The range is limited to two years.", ja: "期間は2年以内で指定してください。" }, { errors: [{ path: "query.from", message: "At most two years before to" }] });
  return { from, to, today };
}

const CSV_COMMON =
  "UTF-8 with a byte-order mark (so Excel reads the Japanese as it is), CRLF line ends, a header line; column names are this answer's JSON fields, nested ones dotted (`durableSaves.judged`, `timeToCancel.medianSeconds`); null is an empty cell; rates are decimals as in JSON; a text cell that would start a spreadsheet formula (= + - @) is written with a leading `'`. Sent as an attachment named after the report and its days.";
const RETENTION_CSV = `With \`Accept: text/csv\`: the same figures for a spreadsheet. The first row is the whole range (\`group\` empty, \`key\` \`total\`, with churn, reactivations and the holdout); with \`groupBy\`, one row per group after it (\`group\` the grouping, \`key\` and, by operator, \`label\`). ${CSV_COMMON}`;
const WINBACK_CSV = `With \`Accept: text/csv\`: the same figures for a spreadsheet. The first row is the range's totals (\`section\` \`total\`); then one row per entry of each list, \`section\` naming it (\`byReason\`, \`byMonth\`, \`revenueRecovered\`, …) and \`key\` the entry (a reason code, a month, a currency). ${CSV_COMMON}`;

/** A 200 documented as JSON (`schema`) or, on `Accept: text/csv`, the same report as CSV. */
function jsonOrCsv<T extends z.ZodType>(schema: T, description: string, csv: string) {
  const json = jsonResponse(schema, description, ["Content-Disposition"]);
  return { ...json, content: { ...json.content, "text/csv": { schema: z.string().openapi({ description: csv, example: "\uFEFFfrom,to,group,key,started,saved\r\n2026-11-04,2026-12-03,,total,39,16\r\n" }) } } } as const;
}

export const metricsRouter = domainRouter().openapi(
  apiRoute({
    method: "get",
    path: "/v1/metrics/retention",
    operationId: "getRetentionMetrics",
    tags,
    scope: "admin",
    summary: "Save rate, churn, win-back and fairness",
    description:
      "Over tenant-local days `from`–`to` (flows by the day they started): attempts to cancel started, saved, canceled, undone (the cancellation withdrawn by a reactivation on or before its `effectiveOn`: in no loss or return figure), abandoned, and restarts apart (a flow replaced by a newer one — a reload, a restart in the console or by phone — is part of the attempt that replaced it, which carries its outcome); save rate (解約阻止率); durable save rate; churn and reactivation rates; the holdout comparison when one is configured; and how long cancelling took (calls and seconds, median and worst). Optionally grouped by reason, offer, channel, day or week (shop-local weeks from Monday, computed in the database).",
    request: { query: RetentionQuery },
    responses: { 200: jsonOrCsv(RetentionMetrics, "The metrics", RETENTION_CSV) },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const report = await retentionMetricsOf(c, query);
    if (wantsCsv(c)) return csvResponse(c, retentionCsv(report));
    return c.json(report, 200);
  },
).openapi(
  apiRoute({
    method: "get",
    path: "/v1/metrics/winback",
    operationId: "getWinbackMetrics",
    tags,
    scope: "admin",
    summary: "Re-subscription rate (再加入率), measured honestly",
    description:
      "Over the cancellations confirmed on tenant-local days `from`–`to` (default: the last 365 days; each cancellation on the day its instant falls on in the shop's time zone as it is now, so a change of `timeZone` moves it at once, as it moves the retention figures): reactivation rate, and within 180 days for cancellations old enough to judge; by cancel reason and by month of cancellation; by time since cancelling (`byDaysSinceCancel`) and by comeback offer (`byComebackOffer`); the share of reactivations that followed a win-back contact; the lift over the random holdout (`winbackHoldoutPercent`); revenue recovered. Computed by SQL aggregates.\n\nDenominators: `reactivationRate` divides by every cancellation of the range (`canceled`), whenever the restart came. The windowed rates (`rate180`, `byDaysSinceCancel[].rate`) divide only by the cancellations whose window has passed (`matured`): a range of recent cancellations has none, so `rate180` is null and `reactivatedWithin180` 0 even beside `reactivated: 1` — that restart is counted once its cancellation is 180 days old (`waiting` counts those not in yet). `byComebackOffer[].shareOfReactivated` divides by `reactivated`; `takenRate` by the contacted cancellations whose `winback.due` carried that offer (`sent`). `afterContactShare` divides by `reactivated`; the holdout's rates by each arm's cancellations.",
    request: { query: WinbackMetricsQuery },
    responses: { 200: jsonOrCsv(WinbackMetrics, "The win-back metrics", WINBACK_CSV) },
  }),
  async (c) => {
    const report = await winbackMetricsOf(c, c.req.valid("query"));
    if (wantsCsv(c)) return csvResponse(c, winbackCsv(report));
    return c.json(report, 200);
  },
);
