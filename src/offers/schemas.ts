import { z } from "@hono/zod-openapi";
import { Channel, Instant, oneLineLocalized, readOnlyFields } from "../platform/openapi";
import { limitParam } from "../platform/pagination";
import { SubscriptionIdParam } from "../subscriptions/schemas";
import { CHANNELS, RISK_BANDS } from "./catalogue";

const Localized = z.strictObject({ ja: z.string().max(2000), en: z.string().max(2000) }).openapi("LocalizedText");
// A title is a heading (the portal, the console, the IVR reads it as one sentence): one line.
const Title = oneLineLocalized(z.string().max(2000)).openapi("OneLineLocalizedText");

export const OfferIdParam = z.object({
  offerId: z
    .string()
    .regex(/^off_[A-Za-z0-9_-]{1,60}$/u, "Offer ids look like off_… (letters, digits, _ and -)")
    .openapi({ param: { name: "offerId", in: "path" }, example: "off_skip_next" }),
});

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const Eligibility = z
  .strictObject({
    reasons: z.array(z.string().min(1).max(64)).min(1).openapi({ description: "Cancellation reason codes this offer fits.", example: ["surplus_stock"] }),
    channels: z.array(z.enum(CHANNELS)).min(1).default(["web", "checkout", "ivr", "operator", "api"]),
    minDeliveries: int(0, 999).default(0).openapi({ description: "Deliveries the customer must have received." }),
    riskBands: z.array(z.enum(RISK_BANDS)).min(1).default(["low", "medium", "high"]).openapi({
      description: "Risk bands it may be shown to; a subscription without a score only gets offers open to all bands.",
    }),
    maxAcceptedSavesPerCustomer: int(0, 999).nullable().default(null).openapi({ description: "At most this many accepted saves per customer within `periodDays` (null: no limit)." }),
    periodDays: int(1, 3650).default(365),
    saveLimitScope: z.enum(["any", "offer"]).default("any").openapi({ description: "Count any accepted offer toward the limit, or only this one." }),
  })
  .openapi("OfferEligibility");

const common = {
  copy: z.strictObject({ title: Title, description: Localized }).openapi({
    description:
      "Templates with `{placeholders}` filled per subscription. Every offer may use `{productName}`, `{quantity}`, `{price}`, `{nextDeliveryOn}`, `{cadence}` — the plan's cadence in words, 「45日ごと」/\"every 45 days\" or 「1ヶ月ごと」/\"every month\"; write it rather than `{intervalDays}日ごと`, which calls a monthly plan 「30日ごと」 — and `{intervalDays}` (days; a monthly plan's nominal length); a `change_interval` offer also `{newCadence}` (the proposed cadence in words), `{newIntervalDays}` and `{followingDeliveryOn}`; each type has its own (a 422 `unknown_placeholder` lists them). Checked by the phrase lint and the disclosure rules.",
  }),
  eligibility: Eligibility,
  cost: int(0, 10_000_000).default(0).openapi({ description: "Fixed cost to the merchant when accepted, minor units (discount totals and gift values are added per subscription)." }),
  prior: z
    .strictObject({ alpha: z.number().positive().max(1000), beta: z.number().positive().max(1000) })
    .default({ alpha: 2, beta: 8 })
    .openapi({ description: "Beta prior of the save probability before the shop's own outcomes (pseudo-counts of accepts and declines)." }),
  active: z.boolean().default(true),
  // What GET answers beyond the definition, so that an offer read can be sent back as it is.
  ...readOnlyFields({
    id: z.string(),
    templateVersion: z.number().int(),
    outcomes: z.object({ accepted: z.number().int(), declined: z.number().int() }),
    createdAt: Instant,
    updatedAt: Instant,
  }),
};

const variant = <T extends string, P extends z.ZodType>(type: T, parameters: P) => z.strictObject({ type: z.literal(type), parameters, ...common });

export const PutOfferBody = z
  .discriminatedUnion("type", [
    variant("skip", z.union([z.strictObject({ mode: z.literal("skip"), count: int(1, 12) }), z.strictObject({ mode: z.literal("move_next_delivery"), maxDays: int(1, 365) })])),
    variant("pause", z.strictObject({ maxCycles: int(1, 24) })),
    variant("change_interval", z.union([z.strictObject({ strategy: z.literal("match_consumption") }), z.strictObject({ strategy: z.literal("fixed"), intervalDays: int(1, 365) })])),
    variant("change_quantity", z.union([z.strictObject({ delta: int(-999, 999) }), z.strictObject({ to: int(1, 999) })])),
    variant("discount", z.union([z.strictObject({ percentOff: int(1, 90), cycles: int(1, 12) }), z.strictObject({ amountOff: int(1, 10_000_000), cycles: int(1, 12) })])),
    variant("product_swap", z.strictObject({ toSku: z.string().max(128), toName: z.string().max(200), toUnitPrice: int(0, 10_000_000).nullable() })),
    variant("free_gift", z.strictObject({ gift: Localized, value: int(0, 10_000_000) })),
    variant("usage_advice", z.strictObject({ tips: z.array(Localized).min(1).max(10) })),
  ])
  .openapi("PutOffer");

export const Offer = z
  .object({
    id: z.string().openapi({ example: "off_skip_next" }),
    type: z.enum(["skip", "pause", "change_interval", "change_quantity", "discount", "product_swap", "free_gift", "usage_advice"]),
    parameters: z.record(z.string(), z.unknown()),
    copy: z.object({ title: Localized, description: Localized }),
    templateVersion: z.number().int().openapi({
      description:
        "The version of the offer's copy as stored — its four templates, placeholders included: 1 when created, one more whenever a PUT changes any of them; recorded with every display, so outcomes can be told apart by copy. It counts changes to the templates, not to the words one plan reads: when the built-in copy began naming the plan's cadence (`{cadence}`, `{newCadence}` instead of `{intervalDays}日ごと`), the six built-in offers whose templates changed went to 2 (off_match_interval, off_skip_next, off_quantity_down, off_product_swap, off_pause, off_move_delivery) — a plan every N days reads the same words under 1 and 2, a monthly plan reads its months (「1ヶ月ごと」, not 「30日ごと」) — and the others, unchanged, stayed 1. The words a customer read are the rendered `title` and `description` recorded with the display (a cancel flow's `offersShown`).",
    }),
    eligibility: z.object({
      reasons: z.array(z.string()),
      channels: z.array(Channel),
      minDeliveries: z.number().int(),
      riskBands: z.array(z.enum(RISK_BANDS)),
      maxAcceptedSavesPerCustomer: z.number().int().nullable(),
      periodDays: z.number().int(),
      saveLimitScope: z.enum(["any", "offer"]),
    }),
    cost: z.number().int(),
    prior: z.object({ alpha: z.number(), beta: z.number() }),
    active: z.boolean(),
    outcomes: z.object({ accepted: z.number().int(), declined: z.number().int() }).openapi({ description: "Accepts and declines recorded in this shop's cancel flows, all reasons." }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi("Offer");

export const OfferList = z.object({ data: z.array(Offer), nextCursor: z.string().nullable() }).openapi("OfferList");

export const SuggestionQuery = z.object({
  reason: z.string().min(1).max(64).optional().openapi({ description: "Cancellation reason code; without one, the best offers over all reasons.", example: "surplus_stock" }),
  channel: Channel.default("api").openapi({ description: "Where the offers will be shown: only offers allowed there (`eligibility.channels`) are suggested, and `operator` adds a talk track. Default `api`; a customer session always gets `web`." }),
  limit: limitParam({ max: 20, fallback: 5 }),
});

const TalkTrack = z
  .object({ opening: z.string(), questions: z.array(z.string()), pitch: z.string(), ifAccepted: z.string(), ifDeclined: z.string(), notes: z.array(z.string()) })
  .openapi("TalkTrack");

export const SuggestedOffer = z
  .object({
    offerId: z.string().openapi({ example: "off_match_interval" }),
    type: Offer.shape.type,
    reason: z.string().openapi({ description: "The reason it was ranked for." }),
    parameters: z.record(z.string(), z.unknown()).openapi({ description: "Concrete terms for this subscription: dates, prices, interval, quantity." }),
    title: z.string(),
    description: z.string(),
    templateVersion: z.number().int(),
    expectedSaveProbability: z.number().openapi({ description: "Posterior mean from the shop's own accept/decline outcomes for this reason, with the catalogue prior.", example: 0.42 }),
    valueIfSaved: z.number().int().openapi({ description: "Remaining value if the customer stays (6-month horizon) minus the offer's cost, minor units." }),
    expectedValue: z.number().int().openapi({ description: "expectedSaveProbability × valueIfSaved: the ranking key." }),
    cost: z.number().int(),
    talkTrack: TalkTrack.nullable().openapi({ description: "For `channel=operator`: how the agent presents it, truthfully, and moves on if declined." }),
    observedSaveRate: z
      .object({ accepted: z.number().int(), declined: z.number().int(), rate: z.number().nullable() })
      .optional()
      .openapi({ description: "For `channel=operator`: how often this shop's customers accepted this offer for this reason (accepted ÷ answered; null before any answer), so good answers are shared across the centre." }),
  })
  .openapi("SuggestedOffer");

export const SuggestionList = z
  .object({ subscriptionId: z.string(), reason: z.string().nullable(), channel: Channel, data: z.array(SuggestedOffer) })
  .openapi("OfferSuggestions");

export { SubscriptionIdParam };
