import { z } from "@hono/zod-openapi";
import { CalendarDate, Instant, MerchantId, Money, Price, withoutBidiControls } from "../platform/openapi";
import { itemProblemSchema } from "../platform/errors";

/**
 * What erasure does with each string of an event's `data`: `freeText` marks words a person or an
 * operator wrote (a note, a comment, a decline's reason: a card number can be in it), emptied when
 * the person is erased (data-rights/erase, through `EVENT_FREE_TEXT`); `coded` marks a string that
 * is never such words (an id, a code, a date), kept so the shop's statistics still read. Every
 * string field of every type is one or the other (test/data-rights/event-free-text.test.ts walks them,
 * nested ones too), so a new type's free text cannot be forgotten by erasure. Free text is a field of
 * `data` itself, never nested in an object.
 */
const FREE_TEXT = new WeakSet<z.ZodType>();
const CODED = new WeakSet<z.ZodType>();
const freeText = <T extends z.ZodType>(schema: T): T => (FREE_TEXT.add(schema), schema);
const coded = <T extends z.ZodType>(schema: T): T => (CODED.add(schema), schema);
// An amount's currency is an ISO 4217 code (`JPY`).
coded(Money.shape.currency);

/** How a field's schema was declared for erasure (see FREE_TEXT), or null when it was not. An enum or literal is a code by itself. */
export function erasureKind(schema: z.ZodType): "free_text" | "coded" | null {
  if (FREE_TEXT.has(schema)) return "free_text";
  if (CODED.has(schema)) return "coded";
  return null;
}

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
      data: z.strictObject({ deliveredOn: coded(CalendarDate).optional(), quantity: z.number().int().min(1).optional(), orderId: coded(z.string().max(128)).optional() }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("delivery.skipped"),
      data: z.strictObject({ scheduledOn: coded(CalendarDate).optional(), requestedBy: z.enum(["customer", "merchant"]).optional() }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("payment.failed"),
      data: z.strictObject({ amount: Price.optional(), reason: freeText(withoutBidiControls(z.string().max(200))).optional() }),
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
        note: freeText(withoutBidiControls(z.string().max(2000))).optional(),
        // Staff, not the customer: who took the contact is kept when the customer is erased.
        operator: z
          .strictObject({ id: coded(z.string().min(1).max(128)).optional(), name: coded(withoutBidiControls(z.string().min(1).max(100))) })
          .optional()
          .openapi({ description: "Who took the contact: the console fills it with the session's operator; a CTI may send its agent. The karte and the timeline (`actor`) name them, so the next operator knows who said what. Staff, not the customer: kept when the customer is erased." }),
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
        campaign: coded(z.string().max(128)).optional().openapi({ description: "Your campaign id, for your own reporting." }),
      }),
    }),
    z.strictObject({
      ...base,
      type: z.literal("survey.answered"),
      data: z.strictObject({ nps: z.number().int().min(0).max(10), comment: freeText(withoutBidiControls(z.string().max(2000))).optional() }),
    }),
  ])
  .openapi("EventInput");

export type EventInput = z.infer<typeof EventInput>;
export const EVENT_TYPES = EventInput.options.map((o) => o.shape.type.value);

/** An object schema's fields, through a refinement (`usage.reported`'s data is refined). */
export function eventDataFields(type: EventInput["type"]): Record<string, z.ZodType> {
  const data = EventInput.options.find((o) => o.shape.type.value === type)!.shape.data as z.ZodType;
  return (data as unknown as z.ZodObject).shape;
}

/** A field's schema without `.optional()` / `.nullable()`, as `freeText` / `coded` saw it. */
export function unwrapOptional(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

/** Per event type, the `data` fields of free text (`freeText` above): what erasure empties. */
export const EVENT_FREE_TEXT: ReadonlyMap<string, readonly string[]> = new Map(
  EVENT_TYPES.map((type) => [type, Object.entries(eventDataFields(type)).flatMap(([field, schema]) => (erasureKind(unwrapOptional(schema)) === "free_text" ? [field] : []))]),
);

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

/** The codes an event can be rejected with (events/routes `ingestEvents`), and what each means for it. */
export const EVENT_ITEM_CODES = {
  validation_failed: "a field is missing, malformed or unknown, holds a control character, or is dated ahead (an `occurredAt` more than 5 minutes ahead of the server's clock, a `deliveredOn` after today); `errors` names each.",
  unknown_event_type: "`type` is none of the event types, which `detail` lists.",
  unknown_customer: "`customerId` names no synced customer.",
  unknown_subscription: "`subscriptionId` names no subscription of that customer.",
  customer_erased: "the customer was erased; their record takes no events.",
  customer_declined_contact: "a `winback.contacted` dated after the customer said no to being contacted: not recorded.",
};
export type EventItemCode = keyof typeof EVENT_ITEM_CODES;
export const EventItemProblem = itemProblemSchema("EventItemProblem", EVENT_ITEM_CODES);

export const EventResult = z
  .object({
    id: z.string().nullable().openapi({ description: "The event's id, or null when the item had none." }),
    index: z.number().int().openapi({ description: "Position in the submitted array." }),
    result: z.enum(["accepted", "duplicate", "rejected"]),
    status: z.number().int().openapi({ description: "201 accepted, 200 duplicate (already stored); rejected: the status of `error.code` (422, or 409 for `customer_erased` and `customer_declined_contact`)." }),
    error: EventItemProblem.optional(),
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
