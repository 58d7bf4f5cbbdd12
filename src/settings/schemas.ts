import { z } from "@hono/zod-openapi";
import { addDays, daysBetween, isValidTimeZone } from "../platform/dates";
import { CalendarDate } from "../platform/date-schemas";
import { CurrencyCode } from "../platform/currency";
import { isAllowableOrigin } from "../platform/cors";
import { DEFAULT_PHONE_REGION, isPhoneRegion } from "../platform/phone";
import { SPECIALIST_THRESHOLD_DEFAULTS } from "../risk/routing";

export const RetentionPolicy = z.enum(["oneOffer", "noOffer", "afterCancellation"]).openapi("RetentionPolicy", {
  description:
    "`oneOffer`: at most `offersPerFlow` offers, each shown beside an equally prominent way to continue cancelling. `noOffer`: nothing between the cancel button and the confirmation (e.g. Germany §312k). `afterCancellation`: an offer only after a completed cancellation, as a win-back (e.g. Minnesota).",
});

// Either list may be empty (a monthly-only shop lists no day intervals), not both: PATCH checks the result.
const IntervalList = z
  .array(z.number().int().min(1).max(365))
  .max(24)
  .transform((xs) => [...new Set(xs)].sort((a, b) => a - b));

/** Longest run of closed days one range may name (年末年始 is about a week; a warehouse move a few). */
export const MAX_CLOSED_RUN_DAYS = 62;

/** Whether both ends of a range are days of the calendar: only then are they compared. */
const bothDays = (r: { from: string; to: string }) => CalendarDate.safeParse(r.from).success && CalendarDate.safeParse(r.to).success;

/** A run of days the shop delivers nothing, both ends included (年末年始: 2026-12-29 to 2027-01-03). */
const ClosedDates = z
  .strictObject({ from: CalendarDate.openapi({ description: "The first closed day.", example: "2026-12-29" }), to: CalendarDate.openapi({ description: "The last closed day.", example: "2027-01-03" }) })
  // Compared only once both are days of the calendar: "2027-02-30" is refused as such, not also as a long range.
  .refine((r) => !bothDays(r) || r.from <= r.to, { message: "`to` must be on or after `from`", path: ["to"] })
  .refine((r) => !bothDays(r) || r.from > r.to || daysBetween(r.from, r.to) < MAX_CLOSED_RUN_DAYS, {
    message: `A range may close at most ${MAX_CLOSED_RUN_DAYS} days`,
    params: { ja: `1つの期間で休業にできるのは${MAX_CLOSED_RUN_DAYS}日までです` },
    path: ["to"],
  })
  .openapi("ClosedDates");

/**
 * The shop's closed ranges, sorted. As a PATCH sends them (`sent`), two ranges sharing a day are
 * refused (one closure written twice, a copy-paste or last year's edited half-way: which one a
 * refusal names would be a guess), and so is a range starting the day after another ends (one
 * closure written as two, which chained past the 62-day limit: 12/01–12/31 and 1/01–1/31); each
 * error names the later range as sent (`closedDates.1`). As stored, neither is checked: ranges
 * sharing a day were accepted before the PATCH refused them, refusing them there would fail the
 * shop's settings (resolveSettings), and every rule reads overlapping ranges correctly.
 */
function closedDateList(sent: boolean) {
  return z
    .array(ClosedDates)
    .max(50)
    .superRefine((xs, ctx) => {
      if (!sent) return;
      const order = xs.map((r, i) => ({ r, i })).filter(({ r }) => bothDays(r)).sort((a, b) => (a.r.from < b.r.from ? -1 : a.r.from > b.r.from ? 1 : a.i - b.i));
      for (let k = 1; k < order.length; k++) {
        const prev = order[k - 1]!.r;
        const { r, i } = order[k]!;
        if (r.from <= prev.to) ctx.addIssue({ code: "custom", message: "Two ranges share a day: write them as one range", path: [i] });
        else if (r.from === addDays(prev.to, 1)) {
          ctx.addIssue({
            code: "custom",
            message: `Starts the day after the range ${prev.from} to ${prev.to} ends: one closure written as two. Write them as one range (at most ${MAX_CLOSED_RUN_DAYS} days)`,
            params: { ja: `${prev.from}〜${prev.to}の期間の翌日から始まっていて、1つの休業が2つに分かれています。1つの期間にまとめてください（${MAX_CLOSED_RUN_DAYS}日まで）` },
            path: [i],
          });
        }
      }
    })
    .transform((xs) => [...xs].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0)));
}

const CLOSED_DATES_DOC = {
  description:
        "Days the shop delivers nothing (年末年始, a warehouse move), as ranges in its time zone, both ends included; at most 50 ranges of at most 62 days each, no two sharing a day and (in a PATCH) none starting the day after another ends — one closure, written as one range (422 `validation_failed`, naming the later range), past ones may stay. A customer or operator cannot choose such a day for a delivery: moving the next delivery (`next-delivery`), a pause's `resumeOn`, a resume's `nextDeliveryOn` and a reactivation's `nextDeliveryOn` → 422 `delivery_date_closed` with `nextOpenDate`. plan-options lists the ranges still to come (`closedDates`) and offers the first open day where the earliest date is closed, and `resume {}` / `reactivate {}` with no delivery of the plan's own to go back to start on the first open day. Dates the plan's own schedule gives (a skip, a new interval, a pause by `cycles`) are not moved: the shop's cart ships those by its own calendar.",
  example: [{ from: "2026-12-29", to: "2027-01-03" }],
};

/** The merchant's rules. Every field has a default, so a new tenant works out of the box. */
export const SettingsFields = {
  timeZone: z.string().refine(isValidTimeZone, "Unknown IANA time zone").openapi({ example: "Asia/Tokyo" }),
  locale: z.enum(["ja", "en"]),
  country: z
    .string()
    .refine(isPhoneRegion, "A country code such as JP or US (ISO 3166-1 alpha-2, upper case)")
    .openapi({
      description:
        "The shop's country (ISO 3166-1 alpha-2): a phone number without its country code is read in its numbering, and a postal code in its format — by the customer sync, `GET /v1/lookup`, the checkout check and the console's search. `JP`: `090-1234-5678` and caller-ID `9012345678` are +819012345678; postal codes are seven digits. `US`: `(415) 555-0132`, `415-555-0132`, `4155550132` and `14155550132` are +14155550132; a ZIP code is 90012 or 90012-1234. A number with its country code (`+1 …`, `+81 …`) reads the same whatever this says. Numbers and postal codes already stored stay as stored: set it before syncing customers.",
      example: "JP",
    }),
  pricesIncludeTax: z.boolean().openapi({
    description:
      "Whether the prices the shop syncs (`unitPrice`) include consumption tax / VAT, so every price Tsuzuku writes for a customer says its basis: `true` 「5,980円（税込）」, read aloud 「税込5,980円」, \"¥5,980 including tax\"; `false` 「$49.00（税別）」, \"$49.00 plus tax\". Unless set, it follows `country`: `false` in `US` and `CA` (sales tax added at checkout), `true` elsewhere (Japan's 総額表示, VAT-inclusive prices). `JP` cannot have `false`: Japanese law (消費税法 §63) requires the tax-inclusive total to be shown to consumers, and Tsuzuku cannot add the tax itself (the rate is 8 % or 10 % by product) — sync the tax-inclusive price (the import's 単価（税込）); such a PATCH is refused with 422 `invalid_settings`. An early-cancellation fee is written as disclosed, without a basis; so are discount amounts (the price after the discount carries it).",
    example: true,
  }),
  changeCutoffDays: z.number().int().min(0).max(30).openapi({ description: "Days before a delivery ships from which it can no longer be changed." }),
  closedDates: closedDateList(false).openapi(CLOSED_DATES_DOC),
  specialistMonthlyValue: z
    .record(
      CurrencyCode,
      z.strictObject({
        highRisk: z.number().int().min(0).max(100_000_000),
        mediumRisk: z.number().int().min(0).max(100_000_000),
      }),
    )
    .refine((r) => Object.keys(r).length <= 20, "At most 20 currencies")
    .openapi({
      description: `When \`GET /v1/lookup\` routes a caller to a retention specialist (\`route\`), by currency: a caller whose live plans are worth, per month (price × quantity per delivery, scaled to 30 days) in that currency's minor units, at least \`highRisk\` at high risk or \`mediumRisk\` at medium risk. A currency not given here keeps its default: ${Object.entries(SPECIALIST_THRESHOLD_DEFAULTS)
        .map(([c, t]) => `${c} ${t.highRisk} / ${t.mediumRisk}`)
        .join(", ")} (JPY ¥5,000 / ¥15,000; USD $35 / $100); any other currency has none (no caller of it is routed to a specialist by value) until set here. A PATCH replaces the whole map.`,
      example: { USD: { highRisk: 5000, mediumRisk: 15000 } },
    }),
  allowedIntervalDays: IntervalList.openapi({
    description: "Day intervals a customer may change to (`POST …/interval` with `intervalDays`). May be empty (a shop that delivers by the month only) when `allowedIntervalMonths` is not.",
    example: [14, 21, 30, 45, 60, 90],
  }),
  allowedIntervalMonths: z
    .array(z.number().int().min(1).max(12))
    .max(12)
    .transform((xs) => [...new Set(xs)].sort((a, b) => a - b))
    .openapi({
      description: "Calendar-month intervals a customer may change to (`POST …/interval` with `intervalMonths`): 1 is 「1ヶ月ごと」, 2 「隔月」. Checked like `allowedIntervalDays`. May be empty (a shop that delivers every N days only) when `allowedIntervalDays` is not.",
      example: [1, 2, 3],
    }),
  quantityMin: z.number().int().min(1).max(999),
  quantityMax: z.number().int().min(1).max(999),
  maxConsecutiveSkips: z.number().int().min(0).max(12),
  maxPauseDays: z
    .number()
    .int()
    .min(0)
    .max(730)
    .openapi({
      description:
        "Longest pause, in days. A pause's length is the time deliveries are held back beyond the normal schedule: the resume date minus the delivery the pause holds back — the current next delivery date, or for a subscription already paused the delivery its pause held back, so an extension counts the whole pause (for `cycles`: that many cycles of the plan's cadence — days, or calendar months for a monthly plan). One cycle of the plan can always be paused: the limit is the longer of `maxPauseDays` and one interval (a quarterly plan's 03-31 → 06-30 is 91 days). 0: no pauses. Longer → 422 `pause_too_long` with `latestResumeOn`.",
    }),
  retentionPolicy: RetentionPolicy,
  offersPerFlow: z.number().int().min(0).max(3),
  cancelFlowTtlHours: z.number().int().min(1).max(24 * 14),
  durableSaveDays: z.number().int().min(1).max(365),
  holdoutPercent: z.number().min(0).max(50),
  allowedOrigins: z
    .array(
      z.string().max(200).refine(isAllowableOrigin, "An exact origin such as https://shop.example.jp: https (http only for localhost or 127.0.0.1), no path, no trailing slash"),
    )
    .max(20)
    .transform((xs) => [...new Set(xs)])
    .openapi({
      description:
        "Origins (scheme://host[:port]) whose pages may call the API with a customer session token: the browser gets CORS headers for them only. https only, except http://localhost and http://127.0.0.1 on any port for development.",
      example: ["https://shop.example.jp"],
    }),
  winbackDelayDays: z.number().int().min(1).max(730).openapi({ description: "Days after a cancellation's end date when `winback.due` fires, unless the customer named a return date. A change dates the cancellations after it; records already waiting keep their `dueOn` (see `GET /v1/winback/candidates`)." }),
  winbackHoldoutPercent: z
    .number()
    .min(0)
    .max(50)
    .openapi({ description: "Share of cancellations set aside at random (drawn at cancellation): never listed as candidates, never sent `winback.due` — the honest baseline for win-back lift. The arm is the customer's: a later cancellation of a customer already drawn under a holdout keeps their arm, so the baseline is never mailed about another plan." }),
  keepContactFingerprints: z.boolean().openapi({
    description:
      "Fraud prevention: when a customer is erased, keep keyed HMAC fingerprints (not reversible without the service's key) of the normalised phone and e-mail, so the 初回だけ解約 (first-delivery-only) match still recognises the person. `false`: erasure keeps none.",
  }),
  eventRetentionDays: z.number().int().min(30).max(3650).nullable().openapi({
    description: "Events older than this many days are deleted by the background job, in bounded chunks. null: kept.",
  }),
  flowTextRetentionDays: z.number().int().min(1).max(3650).nullable().openapi({
    description: "Free text (comments, free-text exit survey answers) in the evidence of cancel flows closed longer ago than this many days, and on the win-back records of those cancellations, is removed by the background job; the steps, times, offers shown, outcome and the survey's chosen options stay. null: kept.",
  }),
};

export const Settings = z.object(SettingsFields).openapi("Settings");
export type TenantSettings = z.output<typeof Settings>;

export const DEFAULT_SETTINGS: TenantSettings = {
  timeZone: "Asia/Tokyo",
  locale: "ja",
  country: DEFAULT_PHONE_REGION,
  pricesIncludeTax: true,
  changeCutoffDays: 3,
  closedDates: [],
  specialistMonthlyValue: {},
  allowedIntervalDays: [14, 21, 30, 45, 60, 90],
  allowedIntervalMonths: [1, 2, 3],
  quantityMin: 1,
  quantityMax: 10,
  maxConsecutiveSkips: 2,
  maxPauseDays: 90,
  retentionPolicy: "oneOffer",
  offersPerFlow: 1,
  cancelFlowTtlHours: 24,
  durableSaveDays: 30,
  holdoutPercent: 0,
  allowedOrigins: [],
  winbackDelayDays: 60,
  winbackHoldoutPercent: 0,
  keepContactFingerprints: true,
  eventRetentionDays: null,
  flowTextRetentionDays: null,
};

export const PatchSettingsBody = z
  .strictObject({
    timeZone: SettingsFields.timeZone.optional(),
    locale: SettingsFields.locale.optional(),
    country: SettingsFields.country.optional(),
    pricesIncludeTax: SettingsFields.pricesIncludeTax.optional(),
    changeCutoffDays: SettingsFields.changeCutoffDays.optional(),
    // Touching ranges refused as sent; stored ones are read as they are (closedDateList).
    closedDates: closedDateList(true).openapi(CLOSED_DATES_DOC).optional(),
    specialistMonthlyValue: SettingsFields.specialistMonthlyValue.optional(),
    allowedIntervalDays: SettingsFields.allowedIntervalDays.optional(),
    allowedIntervalMonths: SettingsFields.allowedIntervalMonths.optional(),
    quantityMin: SettingsFields.quantityMin.optional(),
    quantityMax: SettingsFields.quantityMax.optional(),
    maxConsecutiveSkips: SettingsFields.maxConsecutiveSkips.optional(),
    maxPauseDays: SettingsFields.maxPauseDays.optional(),
    retentionPolicy: SettingsFields.retentionPolicy.optional(),
    offersPerFlow: SettingsFields.offersPerFlow.optional(),
    cancelFlowTtlHours: SettingsFields.cancelFlowTtlHours.optional(),
    durableSaveDays: SettingsFields.durableSaveDays.optional(),
    holdoutPercent: SettingsFields.holdoutPercent.optional(),
    allowedOrigins: SettingsFields.allowedOrigins.optional(),
    winbackDelayDays: SettingsFields.winbackDelayDays.optional(),
    winbackHoldoutPercent: SettingsFields.winbackHoldoutPercent.optional(),
    keepContactFingerprints: SettingsFields.keepContactFingerprints.optional(),
    eventRetentionDays: SettingsFields.eventRetentionDays.optional(),
    flowTextRetentionDays: SettingsFields.flowTextRetentionDays.optional(),
  })
  .openapi("PatchSettings");

/**
 * Stored beside the settings (not one of them, so never answered): the instant of the latest
 * `keepContactFingerprints: false`. Fingerprints of people erased up to then are dropped by the
 * background job in batches (data-rights/retention `dropFingerprints`) rather than inside the PATCH,
 * which on a big shop held the event loop for the whole update; until they are gone the checkout
 * check ignores them (checkout-checks/routes), even if the setting is turned on again meanwhile.
 * The job removes the marker once none is left.
 */
export const FINGERPRINTS_DROPPED_AT = "fingerprintsDroppedAt";

/**
 * Whether an erasure at `at` (ISO instant) keeps the person's contact fingerprints, by the shop's
 * stored settings (the `tenants.settings` JSON) read inside the erasure's own transaction: the
 * settings the request authenticated with may predate a `keepContactFingerprints: false` that
 * committed since, and a fingerprint stored then would outlive the shop's choice (the job drops
 * only those erased up to its marker). Kept while the setting is on and `at` is after the latest
 * turn-off (FINGERPRINTS_DROPPED_AT): one dated up to it is ignored by the checkout check and
 * dropped by the job, so it is not stored at all.
 */
export function keepsContactFingerprints(stored: unknown, at: string): boolean {
  if (!resolveSettings(stored).keepContactFingerprints) return false;
  const droppedAt = stored && typeof stored === "object" ? (stored as Record<string, unknown>)[FINGERPRINTS_DROPPED_AT] : undefined;
  return typeof droppedAt !== "string" || at > droppedAt;
}

/** Countries whose consumer prices are shown before sales tax, added at checkout: `pricesIncludeTax` is false there unless set. */
const TAX_ADDED_AT_CHECKOUT: ReadonlySet<string> = new Set(["US", "CA"]);

/** `pricesIncludeTax` for a shop that has not set it: by its country (settings `pricesIncludeTax`). */
export function pricesIncludeTaxIn(country: string): boolean {
  return !TAX_ADDED_AT_CHECKOUT.has(country);
}

const resolved = new Map<string, TenantSettings>();

/**
 * Stored settings over the defaults; invalid stored settings fall back to the defaults. Runs on
 * every authenticated request, so results are memoised by the stored JSON (a handful per process).
 */
export function resolveSettings(stored: unknown): TenantSettings {
  const key = JSON.stringify(stored ?? {});
  let settings = resolved.get(key);
  if (!settings) {
    const given: Record<string, unknown> = { ...DEFAULT_SETTINGS, ...(stored && typeof stored === "object" ? stored : {}) };
    // Not set by the shop: the basis of its country's consumer prices.
    if ((stored as Record<string, unknown> | null | undefined)?.pricesIncludeTax === undefined && typeof given.country === "string") given.pricesIncludeTax = pricesIncludeTaxIn(given.country);
    let parsed = Settings.safeParse(given);
    if (!parsed.success) {
      // A stored field this build no longer takes (a rule tightened since it was saved) falls back
      // to its default alone: the shop keeps every other setting (its cut-off, its pause rules…).
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (typeof field === "string" && field in DEFAULT_SETTINGS) given[field] = DEFAULT_SETTINGS[field as keyof TenantSettings];
      }
      parsed = Settings.safeParse(given);
    }
    settings = Object.freeze(parsed.success ? parsed.data : DEFAULT_SETTINGS) as TenantSettings;
    if (resolved.size > 10_000) resolved.clear();
    resolved.set(key, settings);
  }
  return settings;
}
