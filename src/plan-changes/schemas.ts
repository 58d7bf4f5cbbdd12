import { z } from "@hono/zod-openapi";
import { ActorSchema, CalendarDate, Channel, documentsRecord, Instant, Money } from "../platform/openapi";
import { CancellationSummary, IntervalMonths, Product, Subscription } from "../subscriptions/schemas";
import { ComebackOffer } from "../winback/schemas";

const channel = Channel.default("api");

export const SkipBody = z
  .strictObject({ count: z.number().int().min(1).max(12).default(1).openapi({ description: "How many upcoming deliveries to skip." }), channel })
  .openapi("SkipDeliveries");

export const PauseBody = z
  .strictObject({
    cycles: z.number().int().min(1).max(24).optional().openapi({ description: "Pause for this many delivery cycles from the next delivery (a monthly plan: calendar months, keeping its day of the month)." }),
    resumeOn: CalendarDate.optional().openapi({ description: "Or: the date deliveries resume." }),
    channel,
  })
  .refine((b) => (b.cycles === undefined) !== (b.resumeOn === undefined), { message: "Send exactly one of cycles or resumeOn", path: ["cycles"] })
  .openapi("PauseSubscription");

export const ResumeBody = z
  .strictObject({
    nextDeliveryOn: CalendarDate.optional().openapi({
      description: "First delivery after resuming. Without it: the delivery the pause stopped (the customer's schedule, after any skip) while it can still be changed, else the first changeable date — plan-options' `resume.nextDeliveryOn`.",
    }),
    channel,
  })
  .openapi("ResumeSubscription");

export const QuantityBody = z.strictObject({ quantity: z.number().int().min(1).max(999), channel }).openapi("ChangeQuantity");
export const IntervalBody = z
  .strictObject({
    intervalDays: z.number().int().min(1).max(365).optional().openapi({ description: "Every this many days (one of the shop's `allowedIntervalDays`)." }),
    intervalMonths: IntervalMonths.optional().openapi({
      description: "Or: every this many calendar months (one of the shop's `allowedIntervalMonths`); the next delivery keeps its date and its day of the month becomes the plan's.",
    }),
    channel,
  })
  .refine((b) => (b.intervalDays === undefined) !== (b.intervalMonths === undefined), { message: "Send exactly one of intervalDays or intervalMonths", path: ["intervalDays"] })
  .openapi("ChangeInterval");
export const NextDeliveryBody = z.strictObject({ date: CalendarDate, channel }).openapi("MoveNextDelivery");

export const PlanSnapshot = z
  .object({
    status: z.enum(["active", "paused", "canceled"]),
    quantity: z.number().int(),
    intervalDays: z.number().int(),
    intervalMonths: z.number().int().optional().openapi({ description: "Present when the plan is every N calendar months (see Subscription.intervalMonths)." }),
    nextDeliveryOn: CalendarDate.nullable(),
    pausedUntil: CalendarDate.nullable(),
    // Described on the snapshot: a description here would be the shared Product component's.
    product: Product.optional(),
    unitPrice: Money.optional().openapi({ description: "The price of one package (what `quantity` counts) at that moment, in the currency's minor units. Absent on changes recorded before Tsuzuku kept it." }),
    amountPerDelivery: Money.optional().openapi({
      description: "What one delivery cost at that moment: `unitPrice` × `quantity`, before any discount (an accepted discount is on the subscription's `activeDiscount`). With `after`, the price the customer agreed to pay for each delivery. Absent on changes recorded before Tsuzuku kept it.",
    }),
  })
  .openapi("PlanSnapshot", {
    description:
      "The plan at one moment. `product`: the product it delivered then (what `quantity` counts), as the subscription had it — a sync or a product swap may have changed it since; absent on changes recorded before Tsuzuku kept it. `unitPrice` and `amountPerDelivery`: its price then.",
  });

const LocalDate = (description: string) => CalendarDate.openapi({ description: `${description} Tenant-local \`YYYY-MM-DD\`.` });
const Moved = z.object({ from: CalendarDate.nullable(), to: CalendarDate.nullable() });

/** Why a pause ended where it did, when Tsuzuku resumed it (its date had come). */
const ResumeNote = z
  .object({
    reason: z.literal("pause_ended"),
    resumeOn: LocalDate("The pause's resume date."),
    moved: z
      .object({
        from: LocalDate("The first delivery planned."),
        to: LocalDate("The first delivery it became."),
        because: z.literal("resumed_late").openapi({ description: "Resumed after its date (maintenance was late, or a sync brought a pause whose date had passed)." }),
        resumedOn: LocalDate("The day it was resumed."),
        firstChangeableDate: LocalDate("The earliest delivery that day's change cut-off allowed."),
      })
      .optional()
      .openapi({ description: "Present when the first delivery moved from the planned date." }),
  })
  .openapi("PauseEnded");

/** A cancellation fee's decision on reactivation, as records keep it (no language). */
const CancellationFeeRecord = z.object({
  amount: Money.openapi({ description: "The early-cancellation fee the cancellation charged." }),
  waived: z.boolean().openapi({ description: "true: reactivated on or before the cancellation's `effectiveOn`, the fee is not charged; false: it stands." }),
  confirmationNumber: z.string().nullable().openapi({ description: "The cancellation's receipt number." }),
  commitment: z.enum(["continues", "settled"]).openapi({ description: "`continues`: the same commitment runs on (fee waived); `settled`: the fee settled it." }),
  minDeliveries: z.number().int().optional().openapi({ description: "The commitment's deliveries, when the plan had one." }),
  deliveriesCompleted: z.number().int().optional().openapi({ description: "Deliveries completed, when the plan had a commitment." }),
});

/** What accepting an offer did to the plan, as the change records it. */
export const OfferApplication = z
  .union([
    z.object({
      kind: z.literal("plan_change"),
      request: z
        .object({
          type: z.enum(["skip", "pause", "resume", "quantity", "interval", "next_delivery"]),
          count: z.number().int().optional().openapi({ description: "`skip`: deliveries skipped." }),
          cycles: z.number().int().optional().openapi({ description: "`pause`: cycles paused." }),
          resumeOn: CalendarDate.optional().openapi({ description: "`pause`: the resume date, tenant-local." }),
          nextDeliveryOn: CalendarDate.optional().openapi({ description: "`resume`: the first delivery, tenant-local." }),
          quantity: z.number().int().optional().openapi({ description: "`quantity`: units per delivery." }),
          intervalDays: z.number().int().optional().openapi({ description: "`interval`: days." }),
          intervalMonths: z.number().int().optional().openapi({ description: "`interval`: calendar months (a monthly plan)." }),
          date: CalendarDate.optional().openapi({ description: "`next_delivery`: the new date, tenant-local." }),
        })
        .openapi({ description: "The plan change made, as its own operation's body would say it." }),
    }),
    z.object({
      kind: z.literal("discount"),
      percentOff: z.number().int().nullable(),
      amountOff: z.number().int().nullable().openapi({ description: "Minor units of the plan's currency." }),
      cycles: z.number().int().openapi({ description: "Discounted deliveries." }),
      startsOn: LocalDate("The first discounted delivery."),
      endsOn: LocalDate("The last discounted delivery."),
    }),
    z.object({
      kind: z.literal("product_swap"),
      sku: z.string(),
      name: z.string(),
      unitPrice: Money,
      unitsPerPackage: z.number().int().nullable().optional().openapi({ description: "The new product's package (units in one); null or absent: none, the package is the unit." }),
      unitLabel: z.string().nullable().optional().openapi({ description: "What a unit of the new product is called; null or absent: none." }),
      fromDeliveryOn: LocalDate("The first delivery of the new product."),
    }),
    z.object({
      kind: z.literal("free_gift"),
      gift: z.object({ ja: z.string(), en: z.string() }),
      value: Money.openapi({ description: "The gift's value to the merchant." }),
      withDeliveryOn: LocalDate("The delivery the gift comes with."),
    }),
    z.object({ kind: z.literal("none").openapi({ description: "Advice only: nothing changed on the plan." }) }),
  ])
  .openapi("OfferApplication", { description: "What accepting the offer did; `kind` decides the members. Money in minor units with its currency; dates tenant-local." });

/**
 * Why a change happened, on its history entry and its webhook. Every member is optional: which
 * appear depends on what led to the change (each member says when).
 */
export const ChangeSource = documentsRecord(
  z
    .object({
      cancelFlowId: z.string().optional().openapi({ description: "The cancel flow the change came from: an offer accepted in it, its confirmation (`cancel`), a win-back or comeback offer taken after it." }),
      offerId: z.string().optional().openapi({ description: "The offer accepted (an offer's change), the discount's offer (with `discountMoved`)." }),
      confirmationNumber: z.string().optional().openapi({ description: "`cancel`: the cancellation's receipt number." }),
      application: OfferApplication.optional().openapi({ description: "An accepted offer: what it did to the plan." }),
      winBack: z.literal(true).optional().openapi({ description: "An offer taken from a cancellation's confirmation (`winBackOffer`), by reactivating." }),
      comeback: z
        .union([z.literal(true), z.object({ winbackId: z.string(), offerId: z.string() })])
        .optional()
        .openapi({ description: "A comeback offer taken on reactivation: `true` on the offer's change (with `winbackId`), `{ winbackId, offerId }` on the `reactivate` change." }),
      winbackId: z.string().optional().openapi({ description: "With `comeback: true`: the win-back record the offer was decided for." }),
      previousCancellation: CancellationSummary
        .partial({ reason: true })
        .nullable()
        .optional()
        .openapi({ description: "`reactivate`: the cancellation it reversed, as recorded (the subscription's `cancellation`; `reason` absent when the flow had none)." }),
      canceledAt: Instant.nullable().optional().openapi({ description: "`reactivate`: when the reversed cancellation was made; `cancel` by a sync (`sync`): the cancellation's date as the cart sent it." }),
      sync: z.literal(true).optional().openapi({ description: "A status the shop's cart system changed: a sync (`PUT /v1/subscriptions/{subscriptionId}`, `POST /v1/sync`, the import) paused the plan (`pause`), made a paused plan active (`resume`), cancelled it (`cancel`, with the `canceledAt` the cart sent), or set a plan it had cancelled itself active or paused again (`reactivate`); channel `api`, actor `system`/`sync`. A plan the customer cancelled through a cancel flow is never restarted by a sync (409 `subscription_canceled`)." }),
      asIfNeverCanceled: z.literal(true).optional().openapi({ description: "`reactivate` before the cancellation took effect: the plan continues as if never cancelled (its skips and discount kept)." }),
      finalDeliveryOn: CalendarDate.nullable().optional().openapi({ description: "With `asIfNeverCanceled`: the cancellation's final delivery (tenant-local), which stays on the schedule; null when none." }),
      cancellationFee: CancellationFeeRecord.optional().openapi({ description: "`reactivate` of a cancellation that charged an early-cancellation fee: whether the fee is waived or stands (for the merchant's billing)." }),
      reason: z.literal("pause_ended").optional().openapi({ description: "A `resume` by Tsuzuku itself (channel `system`): the pause's date came. With `resumeOn`, and `moved` when the first delivery moved." }),
      resumeOn: CalendarDate.optional().openapi({ description: "With `reason: pause_ended`: the pause's resume date, tenant-local." }),
      moved: ResumeNote.shape.moved,
      pauseEnded: ResumeNote.optional().openapi({ description: "A change to a paused plan whose resume date had come: it was resumed first, as Tsuzuku would have." }),
      discountMoved: z
        .object({
          offerId: z.string().nullable().openapi({ description: "The discount's offer (null: not recorded)." }),
          startsOn: Moved.openapi({ description: "The first discounted delivery before and after (tenant-local; null on discounts recorded without it)." }),
          endsOn: Moved.openapi({ description: "The last discounted delivery before and after (tenant-local; null: no end)." }),
        })
        .optional()
        .openapi({ description: "The change moved the schedule of an active discount: its dates before and after (the same number of deliveries stays discounted)." }),
    })
    .openapi("ChangeSource", { description: "What led to the change; which members appear depends on it (each says when). Dates tenant-local `YYYY-MM-DD`; money in minor units with its currency." }),
);

export const Change = z
  .object({
    id: z.string().openapi({ example: "chg_8Hq2mZ0bWf1rYp4sKc3N" }),
    subscriptionId: z.string(),
    type: z.enum(["skip", "pause", "resume", "quantity", "interval", "next_delivery", "discount", "product_swap", "free_gift", "cancel", "reactivate"]),
    channel: Channel,
    actor: ActorSchema,
    before: PlanSnapshot,
    after: PlanSnapshot,
    source: ChangeSource.nullable().openapi({ description: "What led to the change (null: a plain plan change through the API, the portal or the console)." }),
    createdAt: Instant,
  })
  .openapi("Change");

export const ChangeResult = z.object({ subscription: Subscription, change: Change }).openapi("ChangeResult");

/** A plan-change operation's answer: as ChangeResult, but nothing is recorded for a request that moves nothing. */
export const PlanChangeResult = z
  .object({
    subscription: Subscription,
    change: Change.nullable().openapi({ description: "The change recorded; null when the request moved nothing (the plan already was so): nothing is recorded and the version stays." }),
  })
  .openapi("PlanChangeResult");

const Refusal = z
  .object({ code: z.string().openapi({ example: "change_window_closed" }), detail: z.string() })
  .nullable()
  .openapi({ description: "Why the action is closed: the same code and detail a request would get; null when it is open (or there is nothing to change to)." });
const ActionFields = { available: z.boolean(), refusal: Refusal };

/** A comeback offer the customer may take by restarting (plan-options `reactivate.comeback`). */
const RestartComeback = z.object({
  ...ComebackOffer.shape,
  sentOn: CalendarDate.openapi({ description: "The tenant-local day `winback.due` carried it." }),
  validUntil: CalendarDate.openapi({ description: "The last tenant-local day it can be taken (at least: longer while the candidates list still suggests it), as `winback.due` said." }),
});

export const PlanOptions = z
  .object({
    subscriptionId: z.string(),
    version: z.number().int().openapi({ description: "Send as `If-Match` with the change the customer picks." }),
    status: z.enum(["active", "paused", "canceled"]),
    firstChangeableDate: CalendarDate.openapi({ description: "The earliest delivery date that can still be changed today (the cut-off): the rule's date, which may be one of the shop's closed days. A delivery before it is already being prepared." }),
    firstChoosableDate: CalendarDate.openapi({
      description:
        "The first date a customer can pick today: `firstChangeableDate`, or when that is one of the shop's closed days (`closedDates`), the first open day after it. Say this one where a date to choose from is meant (「変更は1月4日以降のお届けから」), not `firstChangeableDate`, which would name a day the shop refuses (422 `delivery_date_closed`).",
      example: "2027-01-04",
    }),
    nextDeliveryOn: CalendarDate.nullable(),
    nextDeliveryChangeable: z.boolean().openapi({ description: "False when the next delivery is inside the cut-off." }),
    pricesIncludeTax: z.boolean().openapi({
      description:
        "Whether this plan's prices (`unitPrice` and the charges computed from it) include tax: the shop's setting `pricesIncludeTax`. A my-page labels them with it — 「1回のお届けの価格（税込）」, \"Price per delivery (plus tax)\" — as Japan's 総額表示 and a US shop's \"plus tax\" ask.",
    }),
    closedDates: z.array(z.object({ from: CalendarDate, to: CalendarDate })).openapi({
      description:
        "The shop's closed days still to come (settings `closedDates`: ranges ending on or after `firstChangeableDate`, both ends included, earliest first): a my-page's date choices leave them out and say so (「12月29日から1月3日まではショップのお届け休業日です」). A date on one is refused with 422 `delivery_date_closed`; `nextDelivery.earliest` and `pause.earliestResumeOn` are already the first open day.",
      example: [{ from: "2026-12-29", to: "2027-01-03" }],
    }),
    skip: z.object({ ...ActionFields, remainingSkips: z.number().int(), maxConsecutiveSkips: z.number().int() }),
    nextDelivery: z.object({
      ...ActionFields,
      earliest: CalendarDate,
      latest: CalendarDate.openapi({ description: "The latest date the next delivery can move to: the later of two intervals from today and the next delivery + the skips still allowed × the interval (a date skipping could reach can also be chosen directly). A move by one interval or more counts as skipping the deliveries it passes." }),
    }),
    interval: z.object({
      ...ActionFields,
      current: z.number().int().openapi({ description: "The plan's `intervalDays` (a monthly plan's nominal length)." }),
      allowedIntervalDays: z.array(z.number().int()),
      currentMonths: z.number().int().nullable().optional().openapi({ description: "The plan's `intervalMonths` (null: a day plan)." }),
      allowedIntervalMonths: z.array(z.number().int()).optional().openapi({ description: "The month intervals the shop offers (`allowedIntervalMonths`), sent as `intervalMonths`." }),
    }),
    quantity: z.object({ ...ActionFields, current: z.number().int(), min: z.number().int(), max: z.number().int() }),
    pause: z.object({ ...ActionFields, maxPauseDays: z.number().int(), earliestResumeOn: CalendarDate.openapi({
        description:
          "The day after the delivery a pause would hold back (for a paused subscription, after its current resume date). Never after `latestResumeOn`: when no longer pause fits the rule (a pause already at or past the limit, or `maxPauseDays` 0), the pause is closed (`available` false, `pause_too_long` saying that resuming is what remains) and both dates are `latestResumeOn`.",
      }), latestResumeOn: CalendarDate.openapi({
        description:
          "The latest resume date a pause is accepted with today, as the pause rule counts it: the delivery the pause holds back (the next delivery; for a paused subscription, the delivery its pause held back; when that is unknown, or a next delivery is inside the cut-off or gone by, today + `changeCutoffDays`) + `maxPauseDays`, or one cycle later when that is later; the date a `pause_too_long` refusal names.",
      }),
    }),
    resume: z.object({
      ...ActionFields,
      nextDeliveryOn: CalendarDate.nullable().openapi({
        description: "The first delivery `resume {}` would give today: the delivery the pause stopped while it can still be changed, else the first changeable date. null when not paused.",
      }),
    }),
    reactivate: z
      .object({
        ...ActionFields,
        nextDeliveryOn: CalendarDate.nullable().openapi({
          description:
            "The first delivery `reactivate {}` would give today (no offer): the final delivery when it is still coming, else the delivery the cancellation stopped while it can still be changed, else the first changeable date (a monthly plan's: the first on its schedule). null when not canceled.",
        }),
        continues: z.boolean().openapi({ description: "true: the final delivery is still coming and the plan continues from it as if never cancelled; no other date can be asked for." }),
        asIfNeverCanceled: z.boolean().openapi({ description: "true: restarted on `nextDeliveryOn`, the plan goes on as if never cancelled, its accepted discount and skip run kept (`activeDiscount` as it was); false: a new start, without them." }),
        undoesCancellation: z.boolean().openapi({ description: "true: a restart today (on or before the cancellation's `effectiveOn`) undoes the cancellation, so an early-cancellation fee it charged (`cancellation.earlyCancellationFee`) is waived; false: that fee stands." }),
        earliest: CalendarDate.nullable().openapi({ description: "The earliest first delivery `nextDeliveryOn` may ask for today; null when not canceled." }),
        latest: CalendarDate.nullable().openapi({ description: "The latest first delivery `nextDeliveryOn` may ask for today (the later of today + `maxPauseDays` and two intervals); null when not canceled." }),
        comeback: RestartComeback.nullable().openapi({
          description:
            "The comeback offer the customer was sent (`winback.due`, by mail or LINE) and may still take by restarting: `offerId` on `POST /v1/subscriptions/{subscriptionId}/reactivate` with `nextDeliveryOn: restartOn`, its terms computed for that first delivery, in the caller's language. A my-page shows it with a way to restart with it and one without. null when there is none to take: not canceled, never sent, past `validUntil`, already taken, gone from the catalogue or no longer allowed by the shop's rules.",
        }),
      })
      .openapi({ description: "Restarting a canceled subscription (`POST /v1/subscriptions/{subscriptionId}/reactivate`): open only while canceled (else `subscription_not_canceled`)." }),
  })
  .openapi("PlanOptions");
