import { z } from "@hono/zod-openapi";
import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { restartSql } from "../cancel-flows/state";
import { cancelFlows, cancelFlowSteps, customers } from "../db/schema";
import { addDays, localDate, localTime } from "../platform/dates";
import { ApiError } from "../platform/errors";
import { apiRoute, asWritten, CalendarDate, dayRangeQuery, domainRouter, jsonResponse } from "../platform/openapi";
import { maskPersonalData } from "../platform/phone";
import { offTheRequestPath } from "../platform/off-thread";
import type { TenantStore } from "../platform/tenancy";
import type { TenantSettings } from "../settings/schemas";
import { ratio } from "../metrics/retention";
import { type Terms, termsOf, themes } from "./themes";

const tags = ["Insights"];
/** Comments analysed per request, newest first: enough for themes, bounded for the request. */
const MAX_COMMENTS = 5000;
/**
 * Characters of each comment its themes are read from, once masked: themes come from the start of
 * what people write (quotes show 80), and a customer's comment runs to 2,000: reading themes in
 * one katakana run costs ≈ 40–60 ms at 2,000 characters, ≈ 6 ms at 500 (bench/HISTORY.md, insightsdos).
 */
const ANALYSED_CHARS = 500;
/**
 * Wall time one request may spend masking and segmenting comments, after which the newest
 * comments read so far are the answer (`comments` says how many): on Node the read worker is
 * every shop's (exports, metrics), so comments written to be slow must hold it no longer than a
 * big shop's real ones do: 5,000 comments of 100–400 characters took 2.6–3.5 s at load 5 on 2 cores
 * (bench/HISTORY.md, insightsdos). On Workers performance.now() stands still while code runs:
 * there each request has its own isolate and CPU limit.
 */
const ANALYSIS_BUDGET_MS = 3000;

const Theme = z.object({ text: z.string(), count: z.number().int().openapi({ description: "Comments it appears in." }), examples: z.array(z.string()).openapi({ description: "Up to two quotes, personal data masked (contact data and handles, card numbers, addresses, names written as names: see the operation)." }) });
const Counts = {
  flows: z.number().int().openapi({ description: "Attempts to cancel with this reason: cancel flows, except those replaced by a newer flow while open (a reload, a restart: counted with the flow that replaced them, as in GET /v1/metrics/retention `started`)." }),
  saved: z.number().int(),
  canceled: z.number().int(),
  saveRate: z.number().nullable().openapi({ description: "saved / (saved + canceled)." }),
};

export const ReasonInsights = z
  .object({
    from: CalendarDate,
    to: CalendarDate,
    comments: z.number().int().openapi({ description: "Free-text comments and survey answers analysed." }),
    reasons: z.array(z.object({ reason: z.string(), ...Counts, comments: z.number().int(), terms: z.array(Theme), phrases: z.array(Theme) })),
    months: z.array(z.object({ month: z.string().openapi({ example: "2026-10" }), reason: z.string(), ...Counts })),
    overall: z.object({ terms: z.array(Theme), phrases: z.array(Theme) }),
  })
  .openapi("ReasonInsights");

/** Minutes the tenant's zone is ahead of UTC now (months are cut on it; a DST shift moves an hour). */
function offsetMinutes(timeZone: string, now: Date): number {
  const local = localDate(now, timeZone);
  const [h, m] = localTime(now, timeZone).split(":").map(Number) as [number, number];
  const dayShift = local > now.toISOString().slice(0, 10) ? 1440 : local < now.toISOString().slice(0, 10) ? -1440 : 0;
  return dayShift + h * 60 + m - (now.getUTCHours() * 60 + now.getUTCMinutes());
}

/**
 * The insights of `store`'s shop over tenant-local days `q.from`–`q.to` (default the last 180):
 * per reason and month, counts and save rates (SQL aggregates), and the themes of up to
 * MAX_COMMENTS newest comments, as many as `budgetMs` allows (ANALYSIS_BUDGET_MS). Read-only;
 * runs in the read worker on Node (platform/off-thread).
 * A bad range → ApiError `validation_failed`.
 */
export async function reasonInsightsFor(store: TenantStore, settings: TenantSettings, now: Date, q: { from?: string | undefined; to?: string | undefined }, budgetMs = ANALYSIS_BUDGET_MS) {
  const to = q.to ?? localDate(now, settings.timeZone);
  const from = q.from ?? addDays(to, -(INSIGHTS_DAYS - 1));
  if (from > to) throw new ApiError("validation_failed", { en: "`from` must not be after `to`.", ja: "`from` には `to` 以前の日付を指定してください。" }, { errors: [{ path: "query.from", message: "Must not be after to" }] });
  if (addDays(from, 731) < to) throw new ApiError("validation_failed", { en: "The range is limited to two years.", ja: "期間は2年以内で指定してください。" }, { errors: [{ path: "query.from", message: "At most two years before to" }] });
  const offset = offsetMinutes(settings.timeZone, now);
  // Local day bounds as instants, at the zone's current offset.
  const lo = new Date(Date.parse(`${from}T00:00:00Z`) - offset * 60_000).toISOString();
  const hi = new Date(Date.parse(`${addDays(to, 1)}T00:00:00Z`) - offset * 60_000).toISOString();
  const inRange = store.owns(cancelFlows, gte(cancelFlows.startedAt, lo), lt(cancelFlows.startedAt, hi));
  const reason = sql<string>`coalesce(${cancelFlows.reason}, 'none')`;
  const month = sql<string>`substr(datetime(${cancelFlows.startedAt}, ${`${offset >= 0 ? "+" : ""}${offset} minutes`}), 1, 7)`;
  const counts = {
    // A flow replaced by a newer one is part of that one's attempt (cancel-flows/state isRestart).
    flows: sql<number>`coalesce(sum(NOT ${restartSql(cancelFlows)}), 0)`,
    saved: sql<number>`coalesce(sum(${cancelFlows.status} = 'saved'), 0)`,
    canceled: sql<number>`coalesce(sum(${cancelFlows.status} = 'canceled'), 0)`,
  };
  const [byReason, byMonth, texts] = await Promise.all([
    store.q.select({ reason, ...counts }).from(cancelFlows).where(inRange).groupBy(reason).orderBy(reason),
    store.q.select({ month, reason, ...counts }).from(cancelFlows).where(inRange).groupBy(month, reason).orderBy(month, reason),
    store.q
      .select({ reason, type: cancelFlowSteps.type, data: cancelFlowSteps.data, name: customers.name })
      .from(cancelFlowSteps)
      .innerJoin(cancelFlows, and(eq(cancelFlows.tenantId, cancelFlowSteps.tenantId), eq(cancelFlows.id, cancelFlowSteps.flowId)))
      .leftJoin(customers, and(eq(customers.tenantId, cancelFlows.tenantId), eq(customers.id, cancelFlows.customerId)))
      .where(store.owns(cancelFlowSteps, inRange, inArray(cancelFlowSteps.type, ["reason_given", "cancel_confirmed"])))
      .orderBy(sql`${cancelFlowSteps.at} desc`)
      .limit(MAX_COMMENTS),
  ]);
  // The texts customers wrote: the reason's comment, and survey answers that are not an option code.
  const byReasonTexts = new Map<string, string[]>();
  // Each text segmented once, for its reason's themes and the overall ones.
  const analysed = new Map<string, Terms>();
  const deadline = performance.now() + budgetMs;
  for (const t of texts) {
    if (performance.now() > deadline) break;
    const names = (t.name ?? "").split(/\s+/u);
    const raw: unknown[] = t.type === "reason_given" ? [t.data.comment] : Array.isArray(t.data.survey) ? (t.data.survey as { answer?: unknown }[]).map((a) => a.answer) : [];
    for (const r of raw) {
      if (typeof r !== "string" || r.trim() === "" || /^[a-z_]+$/.test(r)) continue;
      const list = byReasonTexts.get(t.reason) ?? byReasonTexts.set(t.reason, []).get(t.reason)!;
      // As the karte shows comments (asWritten): a text-direction control stored before the API refused them would make the quote read in another order.
      // Masked whole, then cut: nothing cut in half escapes masking.
      const masked = maskPersonalData(asWritten(r), names, settings.country).slice(0, ANALYSED_CHARS);
      if (!analysed.has(masked)) analysed.set(masked, termsOf(masked));
      list.push(masked);
    }
  }
  const all = [...byReasonTexts.values()].flat();
  // A save rate: saved / (saved + canceled), as metrics/retention writes it.
  const rate = (s: number, x: number) => ratio(s, s + x);
  const n = (x: unknown) => Number(x);
  return {
    from,
    to,
    comments: all.length,
    reasons: byReason.map((r) => {
      const comments = byReasonTexts.get(r.reason) ?? [];
      return { reason: r.reason, flows: n(r.flows), saved: n(r.saved), canceled: n(r.canceled), saveRate: rate(n(r.saved), n(r.canceled)), comments: comments.length, ...themes(comments, 5, analysed) };
    }),
    months: byMonth.map((r) => ({ month: r.month, reason: r.reason, flows: n(r.flows), saved: n(r.saved), canceled: n(r.canceled), saveRate: rate(n(r.saved), n(r.canceled)) })),
    overall: themes(all, 10, analysed),
  };
}

/** The default range: the last 180 days, enough comments to see themes in. */
const INSIGHTS_DAYS = 180;
const InsightsQuery = dayRangeQuery(INSIGHTS_DAYS);

export const insightsRouter = domainRouter().openapi(
  apiRoute({
    method: "get",
    path: "/v1/insights/reasons",
    operationId: "getReasonInsights",
    tags,
    scope: "admin",
    summary: "Why they leave, in their words",
    description:
      "Over cancel flows started on tenant-local days `from`–`to` (default: the last 180 days): per reason and month, flows, saves, cancellations and the save rate (SQL aggregates); and the recurring themes in the free-text comments and exit-survey answers — top words and two-word phrases (Japanese word segmentation with Intl.Segmenter), each with up to two example quotes with e-mail addresses, URLs, payment card numbers (13–19 digits passing the Luhn check), phone numbers (in digits, full-width or kanji numerals: 〇九〇の一二三四の五六七八), postal codes, street addresses with block numbers (東京都渋谷区神南一丁目2番3号, 渋谷区神南1-2-3) and contact handles (a LINE ID or an Instagram, X, TikTok or Facebook account after its service's name: LINE ID: tsuzuku_taro, インスタ @hanako; an @handle of 4 or more characters) masked as 〔メール〕, 〔URL〕, 〔カード番号〕, 〔電話番号〕, 〔郵便番号〕, 〔住所〕, 〔ID〕, and the customer's own name and anyone's name where it is written as names are (before 様, さん, 先生…; 〜と申します; 〜です。 opening a sentence) as 〔氏名〕. A name standing bare, with nothing around it that marks it as one (佐藤花子), is not found. Masked spans are not counted as themes. Themes are read from the newest comments — up to 5,000, as many as about three seconds of analysis allow (`comments` says how many) — each from its first 500 characters.",
    request: { query: InsightsQuery },
    responses: { 200: jsonResponse(ReasonInsights, "Counts, save rates and themes") },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const { tenantId, settings } = c.get("caller");
    const now = c.get("services").now();
    // Off the request path where the runtime has a read worker: the aggregates, masking and
    // segmenting of up to 5,000 comments hold the synchronous embedded driver and the loop.
    return c.json(
      (await offTheRequestPath(c.get("services").offThread, "reasonInsights", { tenantId, settings, now: now.toISOString(), query }, () =>
        reasonInsightsFor(c.get("store"), settings, now, query),
      )) as z.output<typeof ReasonInsights>,
      200,
    );
  },
);
