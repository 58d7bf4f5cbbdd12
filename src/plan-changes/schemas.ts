import { z } from "@hono/zod-openapi";
import { ActorSchema, CalendarDate, Channel, Instant } from "../platform/openapi";
import { IntervalMonths, Subscription } from "../subscriptions/schemas";

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

const PlanSnapshot = z
  .object({
    status: z.enum(["active", "paused", "canceled"]),
    quantity: z.number().int(),
    intervalDays: z.number().int(),
    intervalMonths: z.number().int().optional().openapi({ description: "Present when the plan is every N calendar months (see Subscription.intervalMonths)." }),
    nextDeliveryOn: CalendarDate.nullable(),
    pausedUntil: CalendarDate.nullable(),
  })
  .openapi("PlanSnapshot");

export const Change = z
  .object({
    id: z.string().openapi({ example: "chg_8Hq2mZ0bWf1rYp4sKc3N" }),
    subscriptionId: z.string(),
    type: z.enum(["skip", "pause", "resume", "quantity", "interval", "next_delivery", "discount", "product_swap", "free_gift", "cancel", "reactivate"]),
    channel: Channel,
    actor: ActorSchema,
    before: PlanSnapshot,
    after: PlanSnapshot,
    source: z.record(z.string(), z.unknown()).nullable().openapi({ description: "What led to the change, e.g. `{ cancelFlowId, offerId }`. When the change moved the schedule of an active discount, `discountMoved: { offerId, startsOn: { from, to }, endsOn: { from, to } }` gives its dates before and after (the same number of deliveries stays discounted)." }),
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

export const PlanOptions = z
  .object({
    subscriptionId: z.string(),
    version: z.number().int().openapi({ description: "Send as `If-Match` with the change the customer picks." }),
    status: z.enum(["active", "paused", "canceled"]),
    firstChangeableDate: CalendarDate.openapi({ description: "The earliest delivery date that can still be changed today (the cut-off)." }),
    nextDeliveryOn: CalendarDate.nullable(),
    nextDeliveryChangeable: z.boolean().openapi({ description: "False when the next delivery is inside the cut-off." }),
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
  })
  .openapi("PlanOptions");
