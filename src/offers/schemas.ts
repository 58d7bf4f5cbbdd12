import { z } from "@hono/zod-openapi";
import { CalendarDate, Channel, documentsRecord, Instant, Money, oneLineLocalized, readOnlyFields } from "../platform/openapi";
import { limitParam } from "../platform/pagination";
import { Product, SubscriptionIdParam } from "../subscriptions/schemas";
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
    saveLimitScope: z
      .enum(["any", "offer", "type"])
      .default("any")
      .openapi({
        description:
          "What counts toward `maxAcceptedSavesPerCustomer`: `any` accepted offer; only this `offer`; or any offer of this offer's `type` — \"no discount for a customer who took any discount in the last 182 days\" is `type` on each discount offer. An accepted offer no longer in the catalogue counts under every scope.",
      }),
    availableUntil: Instant.nullable()
      .optional()
      .openapi({
        description:
          "The moment the offer stops being suggested, on every channel (a campaign's end: `2026-12-31T23:59:59+09:00` for the end of 31 December in Tokyo; stored in UTC). Absent or null: no end. An offer already shown in an open cancel flow can still be accepted there; a comeback offer already sent keeps its own `validUntil`.",
        example: "2026-12-31T14:59:59.000Z",
      }),
  })
  .openapi("OfferEligibility");

const common = {
  copy: z.strictObject({ title: Title, description: Localized }).openapi({
    description:
      "Templates with `{placeholders}` filled per subscription. Every offer may use `{productName}`, `{quantity}`, `{price}`, `{nextDeliveryOn}`, `{cadence}` — the plan's cadence in words, 「45日ごと」/\"every 45 days\" or 「1ヶ月ごと」/\"every month\"; write it rather than `{intervalDays}日ごと`, which calls a monthly plan 「30日ごと」 — and `{intervalDays}` (days; a monthly plan's nominal length); a `change_interval` offer also `{newCadence}` (the proposed cadence in words), `{newIntervalDays}` and `{followingDeliveryOn}`; a `discount` also `{discountedDeliveries}` — the deliveries it covers as its terms apply them: 「次の2回のお届け」/\"your next 2 deliveries\" when the first is the next delivery, else 「2027年1月5日のお届けから2回分」/\"2 deliveries from 5 Jan 2027\" (the next one is inside the change cut-off) — and a `free_gift` or `product_swap` `{firstChangedDelivery}` (「次回のお届け」 or 「2027年1月5日のお届け」); each type has its own (a 422 `unknown_placeholder` lists them). Write those rather than 「次の{cycles}回」/\"next\": an offer of these three types whose own words say 「次回」「次の」/\"next\" is not shown on a day it starts after the next delivery. Checked by the phrase lint and the disclosure rules.",
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

/** Each offer type's catalogue parameters, as PUT and as GET answers them. */
const PARAMETERS = {
  skip: z.union([
    z.strictObject({ mode: z.literal("skip"), count: int(1, 12).openapi({ description: "Deliveries to skip (capped by the shop's `maxConsecutiveSkips`)." }) }),
    z.strictObject({ mode: z.literal("move_next_delivery"), maxDays: int(1, 365).openapi({ description: "Move the next delivery by at most this many days." }) }),
  ]),
  pause: z.strictObject({ maxCycles: int(1, 24).openapi({ description: "Pause for at most this many delivery cycles (and within the shop's `maxPauseDays`)." }) }),
  change_interval: z.union([
    z.strictObject({ strategy: z.literal("match_consumption").openapi({ description: "Propose the allowed interval nearest the customer's measured use." }) }),
    z.strictObject({ strategy: z.literal("fixed"), intervalDays: int(1, 365).openapi({ description: "Propose this interval, days (a monthly plan: the nearest number of months)." }) }),
  ]),
  change_quantity: z.union([
    z.strictObject({ delta: int(-999, 999).openapi({ description: "Units per delivery to add (negative: fewer)." }) }),
    z.strictObject({ to: int(1, 999).openapi({ description: "Units per delivery to propose." }) }),
  ]),
  discount: z.union([
    z.strictObject({ percentOff: int(1, 90).openapi({ description: "Percent off each discounted delivery." }), cycles: int(1, 12).openapi({ description: "Discounted deliveries." }) }),
    z.strictObject({ amountOff: int(1, 10_000_000).openapi({ description: "Off each discounted delivery, minor units of the plan's currency." }), cycles: int(1, 12).openapi({ description: "Discounted deliveries." }) }),
  ]),
  product_swap: z.strictObject({
    toSku: z.string().max(128),
    toName: z.string().max(200),
    toUnitPrice: int(0, 10_000_000).nullable().openapi({ description: "The new product's unit price, minor units of the plan's currency (null: the current unit price)." }),
    toUnitsPerPackage: int(1, 100_000).nullish().openapi({ description: "Units in one package of the new product (as a subscription's `product.unitsPerPackage`). The swap replaces the plan's package with the new product's: left out, the swapped plan has none (the package is the unit)." }),
    toUnitLabel: Product.shape.unitLabel.openapi({ description: "What a unit of the new product is called (as `product.unitLabel`: 包, 粒…); left out, none." }),
  }),
  free_gift: z.strictObject({ gift: Localized, value: int(0, 10_000_000).openapi({ description: "The gift's value to the merchant, minor units of the plan's currency (counted as cost)." }) }),
  usage_advice: z.strictObject({ tips: z.array(Localized).min(1).max(10) }),
} as const;

export const PutOfferBody = z
  .discriminatedUnion("type", [
    variant("skip", PARAMETERS.skip),
    variant("pause", PARAMETERS.pause),
    variant("change_interval", PARAMETERS.change_interval),
    variant("change_quantity", PARAMETERS.change_quantity),
    variant("discount", PARAMETERS.discount),
    variant("product_swap", PARAMETERS.product_swap),
    variant("free_gift", PARAMETERS.free_gift),
    variant("usage_advice", PARAMETERS.usage_advice),
  ])
  .openapi("PutOffer");

/** A catalogue offer's parameters: the shape its `type` takes (see PutOffer). */
const OfferParameters = documentsRecord(
  z
    .union(Object.values(PARAMETERS))
    .openapi("OfferParameters", { description: "The offer's parameters, in the shape its `type` takes (as PUT): money in minor units of the plan's currency, intervals in days." }),
);

const date = (description: string) => CalendarDate.openapi({ description: `${description} Tenant-local \`YYYY-MM-DD\`.` });
const terms = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type).openapi({ description: "The offer's type: it decides the other members." }), ...shape });

/**
 * An offer's concrete terms for one subscription, as shown (suggestions, a cancel flow's offers,
 * its evidence, a comeback offer) and as recorded: what the customer is asked to accept.
 */
export const OfferTerms = documentsRecord(
  z
    .union([
      terms("skip", { mode: z.literal("skip"), count: z.number().int().openapi({ description: "Deliveries skipped." }), skippedDeliveryOn: date("The first delivery skipped."), newNextDeliveryOn: date("The next delivery after the skip.") }),
      terms("skip", {
        mode: z.literal("move_next_delivery"),
        currentDeliveryOn: date("The next delivery now."),
        earliestDeliveryOn: date("The earliest date it can move to (the change cut-off)."),
        latestDeliveryOn: date("The latest date it can move to."),
        suggestedDeliveryOn: date("The date proposed (the customer's own date, when they gave one)."),
      }),
      terms("pause", { pausedFromOn: date("The first delivery held back."), resumeOn: date("The first delivery after the pause."), latestResumeOn: date("The latest resume date the shop's rules allow.") }),
      terms("change_interval", {
        fromIntervalDays: z.number().int().openapi({ description: "The interval now, days (a monthly plan: its nominal length)." }),
        intervalDays: z.number().int().openapi({ description: "The interval proposed, days (a monthly plan: its nominal length)." }),
        fromIntervalMonths: z.number().int().optional().openapi({ description: "A monthly plan's months now; present with `intervalMonths`." }),
        intervalMonths: z.number().int().optional().openapi({ description: "A monthly plan's months proposed; present only for a monthly plan." }),
        basis: z.enum(["stock_on_hand", "next_longer", "fixed"]).openapi({ description: "`stock_on_hand`: from the customer's measured use; `next_longer`: use unknown, the next longer allowed interval; `fixed`: the offer's own interval." }),
        stockOnHand: z.number().nullable().openapi({ description: "Units on hand today (the product's unit); null when not known." }),
        daysOnHand: z.number().nullable().openapi({ description: "Days that stock lasts at the customer's pace; null when not known." }),
        consumptionDays: z.number().nullable().openapi({ description: "Days one delivery lasts at the customer's pace, before snapping to an allowed interval; null when not known." }),
        surplusDeliveries: z.number().int().nullable().openapi({ description: "Deliveries the stock already covers at the next delivery; null when not known." }),
        nextDeliveryOn: date("The next delivery (unchanged)."),
        followingDeliveryOn: date("The delivery after it, on the new interval."),
      }),
      terms("change_quantity", { fromQuantity: z.number().int(), quantity: z.number().int().openapi({ description: "Units per delivery proposed." }), pricePerDelivery: Money.openapi({ description: "Price of one delivery at the new quantity." }) }),
      terms("discount", {
        percentOff: z.number().int().nullable().openapi({ description: "Percent off each discounted delivery (null: an amount off)." }),
        amountOff: z.number().int().nullable().openapi({ description: "Off each discounted delivery, minor units (null: a percentage)." }),
        cycles: z.number().int().openapi({ description: "Discounted deliveries." }),
        regularPrice: Money.openapi({ description: "One delivery's price now." }),
        discountedPrice: Money.openapi({ description: "One discounted delivery's price (a percentage rounds down)." }),
        priceAfter: Money.openapi({ description: "One delivery's price once the discount has ended." }),
        firstDiscountedOn: date("The first discounted delivery."),
        lastDiscountedOn: date("The last discounted delivery."),
        firstFullPriceOn: date("The first delivery back at the regular price."),
      }),
      terms("product_swap", { toSku: z.string(), toName: z.string(), unitPrice: Money.openapi({ description: "The new product's unit price." }), pricePerDelivery: Money.openapi({ description: "One delivery's price after the swap." }), firstChangedOn: date("The first delivery of the new product.") }),
      terms("free_gift", { gift: Localized, value: Money.openapi({ description: "The gift's value to the merchant." }), withDeliveryOn: date("The delivery the gift comes with.") }),
      terms("usage_advice", { tips: z.array(Localized) }),
    ])
    .openapi("OfferTerms", { description: "The offer's concrete terms for this subscription; `type` (and for `skip`, `mode`) decides the members. Money in minor units with its currency (Money); dates tenant-local `YYYY-MM-DD`." }),
);

export const Offer = z
  .object({
    id: z.string().openapi({ example: "off_skip_next" }),
    type: z.enum(["skip", "pause", "change_interval", "change_quantity", "discount", "product_swap", "free_gift", "usage_advice"]),
    parameters: OfferParameters,
    copy: z.object({ title: Localized, description: Localized }),
    templateVersion: z.number().int().openapi({
      description:
        "The version of the offer's copy as stored — its four templates, placeholders included: 1 when created, one more whenever a PUT changes any of them; recorded with every display, so outcomes can be told apart by copy. It counts changes to the templates, not to the words one plan reads: when the built-in copy began naming the plan's cadence (`{cadence}`, `{newCadence}` instead of `{intervalDays}日ごと`), the six built-in offers whose templates changed went to 2 (off_match_interval, off_skip_next, off_quantity_down, off_product_swap, off_pause, off_move_delivery) — a plan every N days reads the same words under 1 and 2, a monthly plan reads its months (「1ヶ月ごと」, not 「30日ごと」) — and the others, unchanged, stayed 1. When the built-in titles began naming the deliveries as the terms apply them (`{discountedDeliveries}`, `{firstChangedDelivery}` instead of 「次の{cycles}回」, 「次回のお届け」), off_discount_20x2, off_discount_15x3 and off_apology_gift went to 2: a plan whose next delivery can still be changed reads the same words under 1 and 2, one whose next delivery is inside the change cut-off reads from which delivery. When a price began carrying its tax basis (「3,980円（税込）」), off_match_interval, off_product_swap and off_apology_gift, whose Japanese descriptions had put the price in parentheses, were reworded and went to 3. The words a customer read are the rendered `title` and `description` recorded with the display (a cancel flow's `offersShown`).",
    }),
    eligibility: z.object({
      reasons: z.array(z.string()),
      channels: z.array(Channel),
      minDeliveries: z.number().int(),
      riskBands: z.array(z.enum(RISK_BANDS)),
      maxAcceptedSavesPerCustomer: z.number().int().nullable(),
      periodDays: z.number().int(),
      saveLimitScope: z.enum(["any", "offer", "type"]),
      availableUntil: Instant.nullable().optional().openapi({ description: "When the offer stops being suggested (UTC); absent or null: no end (`OfferEligibility.availableUntil`)." }),
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

export const TalkTrack = z
  .object({ opening: z.string(), questions: z.array(z.string()), pitch: z.string(), ifAccepted: z.string(), ifDeclined: z.string(), notes: z.array(z.string()) })
  .openapi("TalkTrack");

export const SuggestedOffer = z
  .object({
    offerId: z.string().openapi({ example: "off_match_interval" }),
    type: Offer.shape.type,
    reason: z.string().openapi({ description: "The reason it was ranked for." }),
    parameters: OfferTerms,
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

/** An offer a plan's flow showed lately and the customer did not take (cancel-flows/declined-lately). */
export const DeclinedOfferRecord = z
  .object({
    flowId: z.string().openapi({ description: "The flow that showed it." }),
    offerId: z.string(),
    title: z.string().openapi({ description: "Its title as shown then, in the caller's language." }),
    channel: z.string().openapi({ description: "The channel it was shown on." }),
    shownAt: Instant.openapi({ description: "When it was shown." }),
    endedAs: z.enum(["abandoned", "canceled"]).openapi({ description: "How that flow ended: `abandoned` (left or expired unanswered) or `canceled` (a cancellation later undone)." }),
    offersAgainFrom: Instant.openapi({ description: "When offers may be shown to this plan again: 30 days after that flow started." }),
  })
  .openapi("DeclinedOffer");

export const SuggestionList = z
  .object({
    subscriptionId: z.string(),
    reason: z.string().nullable(),
    channel: Channel,
    data: z.array(SuggestedOffer),
    declinedOffer: DeclinedOfferRecord.nullable().openapi({
      description: "An offer this plan was shown in the last 30 days and did not take, on any channel: then `data` is empty (no offer again, an operator's included) and this says which offer and when, so an operator can mention it truthfully if the caller asks. Null otherwise.",
    }),
  })
  .openapi("OfferSuggestions");

export { SubscriptionIdParam };
