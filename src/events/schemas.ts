import { z } from "@hono/zod-openapi";
import { CalendarDate, Instant, MerchantId, Price } from "../platform/openapi";
import { ItemProblem } from "../platform/errors";

const base = {
  id: z.string().min(1).max(128).openapi({ description: "Your id for the event; a second event with the same id is ignored.", example: "evt-20261120-000123" }),
  customerId: MerchantId.openapi({ example: "C-100245" }),
  subscriptionId: MerchantId.optional().openapi({ example: "S-2024-000981" }),
  occurredAt: Instant.openapi({ description: "When it happened: not before 1980-01-01T00:00:00Z, and at most 5 minutes ahead of the server's clock (clock skew); otherwise the item is refused with `validation_failed`." }),
};

/** Each type's own fields live under `data`. */
export const EventInput = z
  .discriminatedUnion("type", [
    z.strictObject({
      ...base,
      type: z.literal("delivery.completed"),
      data: z.strictObject({ deliveredOn: CalendarDate.optional(), quantity: z.number().int().min(1).optional(), orderId: z.string().max(128).optional() }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("delivery.skipped"),
      data: z.strictObject({ scheduledOn: CalendarDate.optional(), requestedBy: z.enum(["customer", "merchant"]).optional() }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("payment.failed"),
      data: z.strictObject({ amount: Price.optional(), reason: z.string().max(200).optional() }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("payment.succeeded"),
      data: z.strictObject({ amount: Price.optional() }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("contact.logged"),
      data: z.strictObject({
        channel: z.enum(["phone", "email", "chat", "web", "ivr", "letter"]),
        topic: z.enum(["complaint", "inquiry", "cancel_request", "change_request", "praise", "other"]),
        sentiment: z.enum(["negative", "neutral", "positive"]).optional(),
        note: z.string().max(2000).optional(),
        operator: z
          .strictObject({ id: z.string().min(1).max(128).optional(), name: z.string().min(1).max(100) })
          .optional()
          .openapi({ description: "Who took the contact: the console fills it with the session's operator; a CTI may send its agent. The karte and the timeline (`actor`) name them, so the next operator knows who said what." }),
      }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("usage.reported"),
      data: z
        .strictObject({
          remainingUnits: z
            .number()
            .min(0)
            .max(1_000_000)
            .optional()
            .openapi({ description: "Stock on hand in the product's unit (`unitLabel`: 包, 粒…; the package when the product has no `unitsPerPackage`)." }),
          remainingPackages: z.number().min(0).max(10_000).optional().openapi({ description: "Stock on hand in packages (boxes, bottles); may be fractional (1.5)." }),
        })
        .refine((d) => (d.remainingUnits === undefined) !== (d.remainingPackages === undefined), {
          message: "Give exactly one of remainingUnits and remainingPackages",
        })
        .openapi({ description: "Exactly one of `remainingUnits` and `remainingPackages`." }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("winback.contacted"),
      data: z.strictObject({
        channel: z.enum(["email", "sms", "line", "phone", "letter", "other"]),
        campaign: z.string().max(128).optional().openapi({ description: "Your campaign id, for your own reporting." }),
      }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("survey.answered"),
      data: z.strictObject({ nps: z.number().int().min(0).max(10), comment: z.string().max(2000).optional() }),
    }),
  ])
  .openapi("EventInput");

export type EventInput = z.infer<typeof EventInput>;
export const EVENT_TYPES = EventInput.options.map((o) => o.shape.type.value);

export const MAX_EVENTS_PER_BATCH = 500;

export const IngestEventsBody = z
  .strictObject({
    events: z
      .array(z.unknown())
      .min(1)
      .max(MAX_EVENTS_PER_BATCH)
      .openapi({
        description: `1–${MAX_EVENTS_PER_BATCH} events. Each is checked on its own: a bad item is rejected in the results without failing the others.`,
        items: { $ref: "#/components/schemas/EventInput" },
      }),
  })
  .openapi("IngestEvents");

export const EventResult = z
  .object({
    id: z.string().nullable().openapi({ description: "The event's id, or null when the item had none." }),
    index: z.number().int().openapi({ description: "Position in the submitted array." }),
    result: z.enum(["accepted", "duplicate", "rejected"]),
    status: z.number().int().openapi({ description: "201 accepted, 200 duplicate (already stored), 422 rejected; 409 rejected because the customer was erased (`customer_erased`)." }),
    error: ItemProblem.optional(),
  })
  .openapi("EventResult");

export const IngestEventsResponse = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    results: z.array(EventResult),
  })
  .openapi("IngestEventsResult");
