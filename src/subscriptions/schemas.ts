import { z } from "@hono/zod-openapi";
import { CalendarDate, Instant, MerchantId, Money, Price, readOnlyFields, shownName, singleLine } from "../platform/openapi";

/**
 * A synced plan names its cadence: `intervalDays`, or `intervalMonths`. Reported as the missing
 * `intervalDays` beside the body's other problems (it runs even when they fail), so one pass fixes
 * them all; whether the two agree is the sync's own check (subscriptions/sync syncedCadence).
 */
export function requireCadence(b: unknown, ctx: z.RefinementCtx) {
  if (b === null || typeof b !== "object") return;
  const { intervalDays, intervalMonths } = b as { intervalDays?: unknown; intervalMonths?: unknown };
  if (intervalDays === undefined && (intervalMonths === undefined || intervalMonths === null)) {
    ctx.addIssue({ code: "invalid_type", expected: "number", input: undefined, path: ["intervalDays"] });
  }
}

/** Months between deliveries of a monthly plan: 1–12 (platform/cadence). */
export const IntervalMonths = z.number().int().min(1).max(12);

/** A monthly plan's day of the month: 1–31 (platform/cadence). */
export const DeliveryDay = z.number().int().min(1).max(31);

export const SubscriptionStatus = z.enum(["active", "paused", "canceled"]).openapi("SubscriptionStatus");

export const SubscriptionIdParam = z.object({
  subscriptionId: MerchantId.openapi({ param: { name: "subscriptionId", in: "path" }, example: "S-2024-000981" }),
});

export const Product = z
  .strictObject({
    sku: shownName(z.string().max(128)).openapi({ description: "Stored as sent (nothing trimmed). Refused: blank or only invisible characters (spaces, U+3000, U+200B…), line breaks, and bidi controls (U+202A–U+202E, U+2066–U+2069).", example: "AOJIRU-30" }),
    name: shownName(z.string().max(200)).openapi({ description: "Stored as sent (nothing trimmed). Refused: blank or only invisible characters (spaces, U+3000, U+200B…), line breaks, and bidi controls (U+202A–U+202E, U+2066–U+2069).", example: "国産大麦若葉の青汁 30包" }),
    category: singleLine(z.string().max(100)).nullish().openapi({ example: "health_food" }),
    unitsPerPackage: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .nullish()
      .openapi({ description: "Units in one package (what `quantity` counts): 30 for a box of 30 sachets. Without it, the package is the unit.", example: 30 }),
    unitLabel: z
      .string()
      .trim()
      .min(1)
      .max(16)
      .nullish()
      .openapi({ description: "What one unit is called, as the shop writes it (包, 粒, 本, 袋…): used when stock is spoken of.", example: "包" }),
  })
  .openapi("Product");

/** The most deliveries a synced subscription may have completed: 10,000, a delivery every day for 27 years; more is a wrong field, not a history. */
export const MAX_DELIVERIES_COMPLETED = 10_000;

export const Commitment = z
  .strictObject({
    minDeliveries: z.number().int().min(1).max(100).openapi({ description: "Deliveries the customer agreed to take (定期縛り).", example: 3 }),
    earlyCancellationFee: Price.nullish().openapi({ description: "Disclosed fee for cancelling before `minDeliveries`." }),
  })
  .openapi("Commitment");

export const ActiveDiscount = z
  .object({
    percentOff: z.number().nullable(),
    amountOff: z.number().int().nullable(),
    endsOn: CalendarDate.nullable().openapi({
      description:
        "The last discounted delivery (inclusive). A plan change that moves the schedule (skip, interval, pause, resume, next-delivery date) moves it too, so the number of discounted deliveries promised stays the same; the change's `source.discountMoved` shows the dates before and after.",
    }),
    offerId: z.string().nullable(),
    startsOn: CalendarDate.optional().openapi({
      description: "The first discounted delivery; moves with the schedule like `endsOn`. Absent on discounts accepted before it was recorded.",
    }),
  })
  .openapi("ActiveDiscount");

export const CancellationSummary = z
  .object({
    flowId: z.string().nullable(),
    reason: z.string().nullable(),
    channel: z.string().nullable(),
    effectiveOn: CalendarDate.nullable(),
    finalDeliveryOn: CalendarDate.nullable().openapi({
      description:
        "The delivery that still ships (and is charged) because the cancellation was received inside the change cut-off; null when the cancellation stopped the next delivery. While it is coming, `nextDeliveryOn` is null; reactivating before it ships continues as if never cancelled, and it becomes `nextDeliveryOn` again.",
    }),
    confirmationNumber: z.string().nullable(),
    stoppedDeliveryOn: CalendarDate.nullable().optional().openapi({
      description:
        "The next delivery the cancellation stopped (null: none was scheduled, or it still ships as `finalDeliveryOn`). A reactivation without `nextDeliveryOn` starts on it while it can still be changed, rather than on an earlier date. Absent on cancellations recorded before it was kept.",
    }),
    earlyCancellationFee: Money.nullable().optional().openapi({
      description:
        "The early-cancellation fee the cancellation charged (null: none). Reactivated on or before `effectiveOn` (tenant-local), the cancellation is undone and this fee is waived; later, it stands and settles the commitment. See the reactivation's `cancellationFee`. Absent on cancellations recorded before it was kept.",
    }),
  })
  .openapi("CancellationSummary");

export const Subscription = z
  .object({
    id: z.string().openapi({ example: "S-2024-000981" }),
    customerId: z.string().openapi({ example: "C-100245" }),
    product: z.object({
      sku: z.string(),
      name: z.string(),
      category: z.string().nullable(),
      unitsPerPackage: z.number().int().nullable().openapi({ example: 30 }),
      unitLabel: z.string().nullable().openapi({ example: "包" }),
    }),
    quantity: z.number().int().openapi({ example: 1 }),
    intervalDays: z.number().int().openapi({
      description:
        "Days between deliveries. For a monthly plan (`intervalMonths`), its nominal length, round(30.44 × months) (1 → 30, 2 → 61, 3 → 91): what consumption, risk and revenue per year count with; the dates follow the calendar months.",
      example: 30,
    }),
    intervalMonths: IntervalMonths.nullable().openapi({
      description:
        "Set for a plan every N calendar months (「1ヶ月ごと」「隔月」「毎月20日」); null for a plan every `intervalDays` days. A monthly plan keeps its day of the month: each delivery is that day N months later, or the month's last day when it has no such day (01-31 → 02-28 → 03-31).",
      example: null,
    }),
    deliveryDay: DeliveryDay.nullable().openapi({
      description:
        "A monthly plan's day of the month (1–31): its deliveries fall on that day, or on the month's last day when the month is shorter (31 → 02-28 → 03-31), so `nextDeliveryOn` may be 02-28 on a plan on the 31st. Set by the sync, or by the customer moving the next delivery to another day; kept through skips, pauses, resumes and restarts. Null for a plan every `intervalDays` days.",
      example: null,
    }),
    nextDeliveryOn: CalendarDate.nullable(),
    unitPrice: Money,
    status: SubscriptionStatus,
    startedAt: Instant,
    deliveriesCompleted: z.number().int().openapi({ example: 4 }),
    commitment: z
      .object({ minDeliveries: z.number().int(), earlyCancellationFee: Money.nullable() })
      .nullable(),
    version: z.number().int().openapi({ description: "Increases with every change; send it back as `If-Match`.", example: 3 }),
    pausedUntil: CalendarDate.nullable(),
    activeDiscount: ActiveDiscount.nullable(),
    canceledAt: Instant.nullable(),
    cancellation: CancellationSummary.nullable(),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi("Subscription");

/**
 * When the cart system read what a sync sends (RFC 3339): the one field, and its words, of both
 * syncs — `PUT /v1/subscriptions/{subscriptionId}` and `POST /v1/sync` — for one rule
 * (sync/after-export `staleSubscriptionRefusal`).
 */
export const ExportedAt = Instant.openapi({
  description:
    "When the cart system read what this request sends (its export's time; RFC 3339, at most 5 minutes ahead of the clock, else 422 `validation_failed`). With it, a subscription the request would overwrite that was changed in Tsuzuku after that instant — a plan change, pause or resume, skip, cancellation or restart, by the customer, an operator, the IVR or the my-page: anything but a sync or an import — (and, in a bulk sync, a customer whose keep-in-touch answer was given since) is refused with 409 `changed_after_export`, nothing of it written; its `change` (a bulk sync's item: `error.change`) says what changed and when. A new subscription, and one the request changes nothing of, is applied. Without it, nothing is refused for that.",
  example: "2026-12-02T00:00:00.000Z",
});

export const UpsertSubscriptionBody = z
  .strictObject({
    customerId: MerchantId.openapi({ example: "C-100245" }),
    product: Product,
    quantity: z.number().int().min(1).max(999).openapi({ example: 1 }),
    intervalDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .openapi({ description: "Days between deliveries. Required unless `intervalMonths` is sent; sent with it, it must be the months' nominal length (round(30.44 × months)), else `validation_failed`.", example: 30 }),
    intervalMonths: IntervalMonths.nullish().openapi({
      description:
        "For a plan every N calendar months (1–12): the deliveries keep `nextDeliveryOn`'s day of the month (the month's last day when it has none). `intervalDays` is then answered as the nominal length. Null or absent: a plan every `intervalDays` days.",
      example: 1,
    }),
    deliveryDay: DeliveryDay.nullish().openapi({
      description:
        "For a monthly plan, its day of the month (1–31) when `nextDeliveryOn` does not show it: `intervalMonths` 1, `nextDeliveryOn` 2027-02-28 and `deliveryDay` 31 is a plan on the 31st (the delivery after is 03-31). `nextDeliveryOn` must be that day of its month, or the month's last day when it is shorter. Absent or null: the stored day while `nextDeliveryOn` is where it lands, else `nextDeliveryOn`'s day. Sent for a plan every `intervalDays` days, or contradicting `nextDeliveryOn` → `validation_failed`.",
      example: 31,
    }),
    nextDeliveryOn: CalendarDate.nullish().openapi({ description: "At most three years after the shop's today (the furthest the plan rules reach); later → `validation_failed`." }),
    unitPrice: Price,
    status: SubscriptionStatus,
    startedAt: Instant.openapi({ description: "Not before 1980-01-01T00:00:00Z and at most 5 minutes ahead of the server's clock (clock skew); otherwise `validation_failed`." }),
    deliveriesCompleted: z
      .number()
      .int()
      .min(0)
      .max(MAX_DELIVERIES_COMPLETED)
      .default(0)
      .openapi({ description: `Deliveries shipped so far, at most ${MAX_DELIVERIES_COMPLETED.toLocaleString("en")} (a delivery a day for 27 years).` }),
    commitment: Commitment.nullish(),
    pausedUntil: CalendarDate.nullish().openapi({ description: "For `paused`: the date deliveries resume. At most three years after the shop's today." }),
    canceledAt: Instant.nullish().openapi({ description: "For `canceled`: when; defaults to the time of the sync. At most 5 minutes ahead of the server's clock." }),
    cancellationReason: z
      .string()
      .min(1)
      .max(64)
      .nullish()
      .openapi({
        description:
          "For `canceled`: why the customer left, as the cart system recorded it — one of the shop's reason codes (`GET /v1/cancellation-reasons`: `surplus_stock`, `too_expensive`, …, `other`); another code → 422 `unknown_reason` naming this field. Stored as the subscription's `cancellation.reason` (`channel` `api`) and written on the cancellation's win-back record, so `GET /v1/metrics/winback` counts it under that reason in `byReason` (a cancellation synced without one counts under `none`) and the win-back model scores it with it, as a cancel flow's reason. Sent later for a plan already canceled, it replaces the reason a sync gave (the open win-back record's too, re-scored at the next maintenance pass); null removes it; absent keeps it. Ignored for `active` and `paused`, and on a plan the customer cancelled through a cancel flow (their own answer stands).",
        example: "too_expensive",
      }),
    exportedAt: ExportedAt.optional(),
    // What GET answers beyond the sync's fields; `version` is checked only as If-Match.
    ...readOnlyFields({
      id: z.string(),
      version: z.number().int(),
      activeDiscount: ActiveDiscount.nullable(),
      cancellation: CancellationSummary.nullable(),
      createdAt: Instant,
      updatedAt: Instant,
    }),
  })
  .superRefine(requireCadence, { when: () => true })
  .openapi("UpsertSubscription");

/** A subscription as a cart system syncs it: the example of the single and the bulk sync. */
export const SUBSCRIPTION_EXAMPLE = {
  customerId: "C-100245",
  product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food", unitsPerPackage: 30, unitLabel: "包" },
  quantity: 1,
  intervalDays: 30,
  nextDeliveryOn: "2026-12-05",
  unitPrice: { amount: 3980, currency: "JPY" },
  status: "active",
  startedAt: "2026-05-01T01:00:00Z",
  deliveriesCompleted: 6,
  commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } },
} satisfies z.input<typeof UpsertSubscriptionBody>;
