import { z } from "@hono/zod-openapi";
import { and, eq, gte, lt } from "drizzle-orm";
import { cancelFlows, subscriptions } from "../db/schema";
import { effectiveStatus } from "../cancel-flows/service";
import { addDays, localDate } from "../platform/dates";
import { ApiError } from "../platform/errors";
import { apiRoute, CalendarDate, domainRouter, jsonResponse } from "../platform/openapi";
import { populationCounts } from "./population";
import type { TenantStore } from "../platform/tenancy";
import type { TenantSettings } from "../settings/schemas";
import { retentionMetrics, type FlowFact } from "./retention";
import { weeklyFlowMetrics } from "./weekly";

const tags = ["Metrics"];

export const RetentionQuery = z.object({
  from: CalendarDate.optional().openapi({ description: "First tenant-local day (default: 29 days before `to`)." }),
  to: CalendarDate.optional().openapi({ description: "Last tenant-local day, inclusive (default: today)." }),
  groupBy: z
    .enum(["reason", "offer", "channel", "day", "week"])
    .optional()
    .openapi({ description: "`day`: shop-local days with flows. `week`: every shop-local week (Monday to Sunday, keyed by its Monday) of the range, empty ones too; the first and last weeks count only the days within `from`–`to`." }),
});

const TimeToCancel = z.object({
  cancellations: z.number().int(),
  medianCalls: z.number().nullable(),
  maxCalls: z.number().int().nullable(),
  medianSeconds: z.number().nullable(),
  maxSeconds: z.number().int().nullable(),
});
const FlowCounts = {
  started: z.number().int(),
  saved: z.number().int(),
  canceled: z.number().int(),
  abandoned: z.number().int(),
  open: z.number().int(),
  saveRate: z.number().nullable().openapi({ description: "解約阻止率: saved / (saved + canceled)." }),
  durableSaves: z.object({ judged: z.number().int(), durable: z.number().int() }),
  durableSaveRate: z.number().nullable().openapi({ description: "Saves still not canceled `durableSaveDays` later / saves at least that old." }),
  timeToCancel: TimeToCancel.openapi({ description: "Fairness: calls and seconds from starting to a confirmed cancellation." }),
};
const Kept = z.object({ flows: z.number().int(), closed: z.number().int(), canceled: z.number().int(), keptRate: z.number().nullable() });

export const RetentionMetrics = z
  .object({
    from: CalendarDate,
    to: CalendarDate,
    ...FlowCounts,
    churn: z.object({ activeAtStart: z.number().int(), canceled: z.number().int(), churnRate: z.number().nullable() }),
    reactivations: z.object({ count: z.number().int(), reactivationRate: z.number().nullable().openapi({ description: "Reactivations / cancellations in the range." }) }),
    holdout: z
      .object({ withOffers: Kept, holdout: Kept, lift: z.number().nullable() })
      .nullable()
      .openapi({ description: "With a holdout (`holdoutPercent`): the kept rate (not canceled) with offers and without, and the lift. null without holdout flows." }),
    groupBy: z.enum(["reason", "offer", "channel", "day", "week"]).nullable(),
    groups: z.array(z.object({ key: z.string(), ...FlowCounts })).nullable(),
  })
  .openapi("RetentionMetrics");

/**
 * The retention metrics of `store`'s shop over `q`'s days — what `GET /v1/metrics/retention`
 * answers; the supervisor's console page shows the same figures from here.
 */
export async function retentionFor(store: TenantStore, settings: TenantSettings, now: Date, q: z.output<typeof RetentionQuery>) {
  const to = q.to ?? localDate(now, settings.timeZone);
  const from = q.from ?? addDays(to, -29);
  if (from > to) throw new ApiError("validation_failed", "`from` must not be after `to`.", { errors: [{ path: "query.from", message: "Must not be after to" }] });
  if (addDays(from, 731) < to) throw new ApiError("validation_failed", "The range is limited to two years.", { errors: [{ path: "query.from", message: "At most two years before to" }] });
  // A day's bounds in any time zone lie within a day of its UTC bounds; the pure function filters exactly.
  const lo = `${addDays(from, -1)}T00:00:00.000Z`;
  const hi = `${addDays(to, 2)}T00:00:00.000Z`;
  const [flows, population] = await Promise.all([
    store.q
      .select({ flow: cancelFlows, subscriptionCanceledAt: subscriptions.canceledAt })
      .from(cancelFlows)
      .leftJoin(subscriptions, and(eq(subscriptions.tenantId, cancelFlows.tenantId), eq(subscriptions.id, cancelFlows.subscriptionId)))
      .where(store.owns(cancelFlows, gte(cancelFlows.startedAt, lo), lt(cancelFlows.startedAt, hi))),
    populationCounts(store, from, to, settings.timeZone),
  ]);
  const facts: FlowFact[] = flows.map(({ flow: f, subscriptionCanceledAt }) => ({
    id: f.id,
    channel: f.channel,
    reason: f.reason,
    offerId: f.offerId,
    status: effectiveStatus(f, now),
    holdout: f.holdout,
    startedAt: f.startedAt,
    closedAt: f.closedAt ?? (effectiveStatus(f, now) === "abandoned" ? f.expiresAt : null),
    calls: f.calls,
    subscriptionCanceledAt,
  }));
  const input = { flows: facts, population, from, to, timeZone: settings.timeZone, now: now.toISOString(), durableSaveDays: settings.durableSaveDays };
  if (q.groupBy !== "week") return retentionMetrics({ ...input, ...(q.groupBy ? { groupBy: q.groupBy } : {}) });
  // By week in SQL: the series a supervisor charts over months reads no flow rows into JS.
  const weeks = await weeklyFlowMetrics(store, { from, to, timeZone: settings.timeZone, now: input.now, durableSaveDays: settings.durableSaveDays });
  return { ...retentionMetrics(input), groupBy: "week" as const, groups: weeks };
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
      "Over tenant-local days `from`–`to` (flows by the day they started): flows started, saved, canceled, abandoned; save rate (解約阻止率); durable save rate; churn and reactivation rates; the holdout comparison when one is configured; and how long cancelling took (calls and seconds, median and worst). Optionally grouped by reason, offer, channel, day or week (shop-local weeks from Monday, computed in the database).",
    request: { query: RetentionQuery },
    responses: { 200: jsonResponse(RetentionMetrics, "The metrics") },
  }),
  async (c) => {
    return c.json(await retentionFor(c.get("store"), c.get("caller").settings, c.get("services").now(), c.req.valid("query")), 200);
  },
);
