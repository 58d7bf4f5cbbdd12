import { z } from "@hono/zod-openapi";
import { OfferTerms } from "../offers/schemas";
import { CalendarDate, documentsRecord, Instant, MerchantId, Money, PageQuery, page } from "../platform/openapi";
import { WINBACK_FEATURE_NAMES } from "./model";

const Localized = z.strictObject({ ja: z.string().min(1).max(500), en: z.string().min(1).max(500) });
const Code = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "snake_case, 2–64 characters");

export const ExitSurveyQuestion = z
  .strictObject({
    id: Code,
    kind: z.enum(["choice", "text"]),
    prompt: Localized,
    options: z
      .array(z.strictObject({ code: Code, label: Localized }))
      .min(2)
      .max(12)
      .optional()
      .openapi({ description: "Required for `choice`; answers are option codes." }),
  })
  .refine((q) => (q.kind === "choice") === (q.options !== undefined), { message: "`choice` questions need options; `text` questions have none", path: ["options"] })
  .openapi("ExitSurveyQuestion");

export const PutExitSurveyBody = z
  .strictObject({
    questions: z
      .array(ExitSurveyQuestion)
      .max(10)
      .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, "Question ids must be unique")
      .openapi({ description: "At most 10; keep it short. `bring_back` (a choice with a `nothing` option) feeds the win-back model." }),
    keepInTouchWording: Localized.openapi({ description: "The keep-in-touch question as the customer sees it, in ja and en (shown unchecked)." }),
    // Read-only, accepted so that what GET answers can be sent back as it is (GET, modify, PUT).
    custom: z
      .boolean()
      .optional()
      .openapi({ description: "Read-only, as `GET` answers it; ignored here (a `PUT` always makes the survey the shop's own: `custom: true`)." }),
  })
  .openapi("PutExitSurvey");

export const KeepInTouch = z
  .object({
    customerId: z.string(),
    keepInTouch: z.boolean().nullable().openapi({
      description:
        "The customer's current answer; null: never answered (their marketing consent decides). The latest \"no\" wins: a marketing opt-out synced after a \"yes\" withdraws it (false, source `customer_sync`), and a sync's `true` never overturns a \"no\" the customer gave themselves.",
    }),
    keepInTouchAt: Instant.nullable().openapi({ description: "When it was last answered or withdrawn." }),
    contactable: z.boolean().openapi({
      description:
        "Whether the shop may contact the customer about coming back now, by the rule the win-back candidates use: their keep-in-touch answer, or without one their marketing consent — whichever of the two answered last, when that is a \"no\", decides: a marketing opt-out after a keep-in-touch \"yes\" makes it false — and a way to reach them. While true, a my-page should offer a way to stop (`PUT` with `keepInTouch: false`, which also overrides the marketing consent for win-back). When it turns false, a `winback.due` about the customer not yet delivered (queued, retrying, or held by a paused endpoint) is dropped, never sent.",
    }),
    wording: z.string().openapi({ description: "The shop's keep-in-touch question in the caller's language: what a page shows beside the choice." }),
  })
  .openapi("KeepInTouch");

export const PutKeepInTouchBody = z
  .strictObject({ keepInTouch: z.boolean().openapi({ description: "`false` withdraws (always possible); `true` opts in." }) })
  .openapi("PutKeepInTouch");

export const ExitSurvey = z
  .object({
    questions: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(["choice", "text"]),
        prompt: z.object({ ja: z.string(), en: z.string() }),
        options: z.array(z.object({ code: z.string(), label: z.object({ ja: z.string(), en: z.string() }) })).optional(),
      }),
    ),
    keepInTouchWording: z.object({ ja: z.string(), en: z.string() }),
    custom: z.boolean().openapi({ description: "false: the default survey." }),
  })
  .openapi("ExitSurvey");

export const WinbackDriver = z
  .object({
    code: z.enum(WINBACK_FEATURE_NAMES),
    label: z.string().openapi({ description: "In the caller's language.", example: "一時的な事情での解約（しばらく不要）" }),
    contribution: z.number().openapi({ description: "Log-odds this driver adds (positive: likelier to come back)." }),
    value: z.union([z.number(), z.string()]).nullable(),
  })
  .openapi("WinbackDriver");

/** A comeback offer's terms: an offer's (OfferTerms, on the plan as it restarts), or a reminder's dates. */
export const ComebackTerms = documentsRecord(
  z
    .union([
      OfferTerms,
      z.object({
        restartOn: CalendarDate.openapi({ description: "The first delivery if they restart, tenant-local." }),
        returnOn: CalendarDate.openapi({ description: "The return date the customer named, tenant-local." }),
      }),
    ])
    .openapi("ComebackTerms", { description: "`kind: offer`: the offer's terms (OfferTerms). `kind: reminder`: `{ restartOn, returnOn }`." }),
);

export const ComebackOffer = z
  .object({
    kind: z.enum(["offer", "reminder"]).openapi({ description: "`offer`: from the shop's offer catalogue (same engine as the cancel flow). `reminder`: the customer named a return date; remind them then." }),
    offerId: z.string().nullable(),
    type: z.string(),
    parameters: ComebackTerms,
    title: z.string().openapi({ description: "The message's subject: the restart and its remedy, in the caller's language." }),
    description: z.string().openapi({ description: "The restart's terms (dates, price per delivery, what changes), in the caller's language; never about cancelling or current payments." }),
    message: z.string().openapi({ description: "Message copy to send, in the caller's language: an invitation to restart, `description`, the terms of the 定期 it restarts (its cadence and price per delivery with the offer, that it runs until cancelled — with no minimum number of deliveries — and the shop's cut-off for cancelling again, `changeCutoffDays`), and a closing that leaves the choice to the customer. It passed the phrase lint." }),
    restartOn: CalendarDate.openapi({ description: "First delivery if they restart: the date they named, else the earliest possible." }),
  })
  .openapi("ComebackOffer");

/** What became of a win-back record's `winback.due` (winback/due `dueOutcome`). */
export const WinbackDueStatus = z.enum(["pending", "sent", "skipped"]).openapi("WinbackDueStatus", {
  description:
    "What became of the record's `winback.due`. `pending`: its date (`dueOn`) has not come, or it came while the shop has no webhook endpoint that takes `winback.due` — the record waits for one (up to 30 days past `dueOn`, then `skipped`) and stays on the candidates list meanwhile; or another plan of the same customer went out — one `winback.due` per customer at a time: of a customer's records due at once, the one with the highest expected value is sent, and the others, with any of theirs falling due within 30 days after one was sent, wait, their `dueOn` moved to the day the 30 days end. `sent`: on its date `winback.due` was queued for the shop's endpoints, with the comeback offer it carried (whether an endpoint took it: the delivery log; only one taken counts as the contact). `skipped`: never sent, and never will be — when it fell due the customer might not be contacted (the same rule as the candidates list and `contactable`: their keep-in-touch answer, or without one their marketing consent; a \"no\", a marketing opt-out without a later \"yes\", an erasure, or no e-mail or phone), the record was held out (`winbackHoldoutPercent`), the plan was already back, or it waited more than 30 days for an endpoint; or a cancellation a sync or an import reported was older than 180 days (`winbackDelayDays` when longer) when it was recorded. A customer who never answered keep-in-touch but gave marketing consent is contacted, not skipped.",
});

export const Candidate = z
  .object({
    customerId: z.string(),
    subscriptionId: z.string(),
    reason: z.string().nullable(),
    canceledAt: Instant,
    returnOn: CalendarDate.nullable(),
    dueOn: CalendarDate.openapi({ description: "When `winback.due` fires (or fired; without an endpoint that takes it, the record waits for one: see `WinbackDueStatus`). One per customer at a time: while another of the customer's plans was sent one in the last 30 days, or goes out the same day with a higher expected value, this date moves to the day those 30 days end." }),
    probability: z.number().openapi({ description: "Probability of reactivating within 180 days." }),
    drivers: z.array(WinbackDriver),
    annualValue: Money.openapi({ description: "A year of the plan's deliveries." }),
    expectedValue: Money.openapi({ description: "probability × a year of deliveries: the list's order." }),
    modelVersion: z.string(),
    offer: ComebackOffer.nullable(),
  })
  .openapi("WinbackCandidate");

export const WinbackModelView = z
  .object({
    version: z.string(),
    trainedAt: Instant.nullable(),
    auc: z.number().nullable().openapi({ description: "Hold-out AUC when trained on the shop's history; null for the default model." }),
    coefficients: z.record(z.enum(WINBACK_FEATURE_NAMES), z.number()).openapi({ description: "Log-odds per unit of each feature (src/winback/model.ts documents the transforms)." }),
  })
  .openapi("WinbackModel");

export const WinbackTrainResult = z
  .object({
    version: z.string(),
    active: z.boolean().openapi({ description: "Adopted: its hold-out AUC beat the default model's on the same snapshots." }),
    auc: z.number(),
    defaultAuc: z.number(),
    logLoss: z.number(),
    defaultLogLoss: z.number(),
    calibration: z.array(z.object({ bin: z.number().int(), from: z.number(), to: z.number(), predicted: z.number(), observed: z.number(), count: z.number().int() })),
    samples: z.object({ train: z.number().int(), holdout: z.number().int(), positives: z.number().int(), excludedCensored: z.number().int() }),
    split: z.object({ holdoutFrom: z.string(), trainFrom: z.string(), trainTo: z.string(), holdoutTo: z.string() }),
    rescored: z.number().int().openapi({ description: "Open win-back records re-scored with the new model." }),
  })
  .openapi("WinbackTrainResult");

export const CandidatePage = page(Candidate).openapi("WinbackCandidatePage");
export const CandidatesQuery = PageQuery.extend({
  customerId: MerchantId.optional().openapi({ description: "Only this customer's candidates (e.g. the one a `winback.due` names); an unknown id answers an empty page." }),
  due: z
    .enum(["now"])
    .optional()
    .openapi({ description: "`now`: only candidates whose `dueOn` has come (on or before the shop's today, in its time zone) — whom to contact now, leaving out a cancellation whose contact date is still ahead (one of an hour ago, say). Left out: every candidate, due or not. A cursor is good only with the same `due`." }),
});
