import { z, type OpenAPIHono } from "@hono/zod-openapi";
import { Canceled } from "../cancel-flows/schemas";
import { Change, ChangeResult } from "../plan-changes/schemas";
import { CalendarDate, Channel, Instant, Money } from "../platform/openapi";
import { RiskBand } from "../risk/schemas";
import { Subscription } from "../subscriptions/schemas";
import { ComebackOffer, WinbackDriver } from "../winback/schemas";
import { RETRY_SCHEDULE_S, TIMEOUT_MS, WEBHOOK_REQUEST_HEADERS } from "./dispatcher";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./schemas";

const SentComebackOffer = ComebackOffer.extend({
  validUntil: CalendarDate.nullable().openapi({ description: "Last day the customer can take this offer on reactivation (`offerId` on `POST /v1/subscriptions/{subscriptionId}/reactivate`); null for a reminder." }),
}).openapi("SentComebackOffer");

/**
 * `subscription.canceled` for a cancellation the cart system synced (subscriptions/sync
 * `syncedChangeEvent`): no cancel flow, receipt or charges — the cart cancelled under its own
 * terms — so those members are null, and `receipt: null` says there is nothing to e-mail.
 */
const SyncedCancellation = z
  .object({
    outcome: z.literal("canceled"),
    flowId: z.null().openapi({ description: "null: no cancel flow; the cart system cancelled the plan." }),
    confirmationNumber: z.null().openapi({ description: "null: no receipt number was issued in Tsuzuku." }),
    receipt: z.null().openapi({ description: "null: Tsuzuku showed the customer no receipt, so there is none to e-mail (the cart's own confirmation is the customer's record)." }),
    canceledAt: Instant.openapi({ description: "The cancellation's time as the cart sent it (`canceledAt`, else the time of the sync)." }),
    subscription: Subscription,
    change: Change.openapi({ description: "The `cancel` recorded in the plan's history: channel `api`, actor `system`/`sync`, `source.sync` with the `canceledAt` sent." }),
  })
  .openapi("SyncedCancellationEventData", {
    description:
      "A cancellation the shop's cart system synced (`PUT /v1/subscriptions/{subscriptionId}` or `POST /v1/sync` setting a live plan `canceled`, or the import). Tell it from a cancel flow's by `receipt` (null here) or `change.source.sync`.",
  });

/**
 * What each webhook event carries in `data`. `enqueueWebhookEvent` takes its payload typed from
 * these schemas, and openapi.json's `webhooks` is generated from them, so the document cannot
 * drift from what is sent (test/node/http.test.ts also validates every payload the suite sent).
 */
export const WEBHOOK_EVENT_DATA = {
  "subscription.changed": ChangeResult,
  "subscription.canceled": z.union([
    Canceled.omit({ receipt: true, winBackOffer: true, exitSurvey: true })
    .extend({
      change: Change,
      receipt: z
        .object({ ja: z.string(), en: z.string() })
        .openapi({
          description:
            "The receipt the customer was shown on confirming, in both languages, word for word as the confirmation answered it (confirmation number, date and time received, end date, next delivery, charges with their basis). Send it to the customer by e-mail in their language as the durable confirmation of the cancellation (text form: §312k(4) BGB; 特定商取引法 records).",
        }),
    })
    .openapi("SubscriptionCanceledEventData", {
      description: "The cancellation as `POST /v1/cancel-flows/{flowId}/confirm` answered it, with its receipt in both languages (`receipt`, for the shop to e-mail the customer) and the plan change it recorded; without what is for the caller only (`winBackOffer`, `exitSurvey`).",
    }),
    SyncedCancellation,
  ]),
  "subscription.reactivated": ChangeResult,
  "cancel_flow.saved": z
    .object({
      flowId: z.string(),
      subscriptionId: z.string(),
      customerId: z.string(),
      reason: z.string().nullable().openapi({ description: "The reason given in the flow; null when the customer made a change before giving one." }),
      offerId: z.string().nullable().openapi({ description: "The offer taken; null when the plan change that saved the flow was none of the offers shown." }),
      channel: Channel,
      subscription: Subscription,
      change: Change.nullable().openapi({ description: "null for usage advice, which changes nothing." }),
    })
    .openapi("CancelFlowSavedEventData", {
      description: "A cancel flow ended saved: an offer was accepted, or the customer changed the plan (skip, pause, interval…) while the flow was open.",
    }),
  "risk.band_changed": z
    .object({
      subscriptionId: z.string(),
      customerId: z.string(),
      previousBand: RiskBand,
      band: RiskBand,
      score: z.number().int().min(0).max(100),
      probability: z.number().min(0).max(1).openapi({ description: "Probability of cancelling within 60 days." }),
      modelVersion: z.string(),
      computedAt: Instant,
    })
    .openapi("RiskBandChangedEventData", { description: "A subscription's stored risk band moved (`GET /v1/subscriptions/{subscriptionId}/risk` has the drivers)." }),
  "winback.due": z
    .object({
      customerId: z.string(),
      subscriptionId: z.string(),
      reason: z.string().nullable(),
      canceledAt: Instant,
      returnOn: CalendarDate.nullable().openapi({ description: "The date the customer said they would be back, if they named one." }),
      dueOn: CalendarDate,
      probability: z.number().openapi({ description: "Probability of reactivating within 180 days." }),
      expectedValue: Money.openapi({ description: "probability × a year of deliveries." }),
      drivers: z.array(WinbackDriver).openapi({ description: "In the shop's locale." }),
      // A union, not .nullable(): zod-to-openapi would make the component itself nullable.
      offer: z.union([SentComebackOffer, z.null()]).openapi({ description: "The comeback offer to send, in the shop's locale (its copy passed the phrase lint); null when none applies." }),
      candidates: z.string().openapi({ description: "The candidates list for this customer (path and query).", example: "/v1/winback/candidates?customerId=C-1001" }),
    })
    .openapi("WinbackDueEventData", {
      description:
        "A canceled customer is due for a win-back contact today (the day they said they would be back, or `winbackDelayDays` after the cancellation took effect), in the shop's time zone — sent only about a customer the shop may contact (their keep-in-touch answer, or without one their marketing consent: the candidates list's rule), never about one held out. A record that fell due before the shop had an endpoint taking `winback.due` is sent at the first maintenance run after one is registered, within 30 days of its `dueOn` (`WinbackDueStatus`). Accepting it (2xx) counts as the contact.",
    }),
  "customer.erased": z
    .object({
      customerId: z.string().openapi({ description: "The merchant's customer id that was erased: remove the person from your systems too." }),
      erasedAt: Instant,
    })
    .openapi("CustomerErasedEventData", { description: "`DELETE /v1/customers/{customerId}` erased a person. Tsuzuku keeps no copy of `customerId` once the event is delivered." }),
} as const satisfies Record<WebhookEventType, z.ZodType>;

/** The `data` of one event type, as code builds it. */
export type WebhookEventData<T extends WebhookEventType> = z.input<(typeof WEBHOOK_EVENT_DATA)[T]>;

const SUMMARIES: Record<WebhookEventType, string> = {
  "subscription.changed": "A plan changed (skip, pause, resume, quantity, interval, next delivery, or an offer applied), in Tsuzuku or by a sync's pause or resume",
  "subscription.canceled": "A subscription was canceled",
  "subscription.reactivated": "A canceled subscription was reactivated",
  "cancel_flow.saved": "A cancel flow ended with the subscription kept",
  "risk.band_changed": "A subscription's risk band moved",
  "winback.due": "A canceled customer is due for a win-back contact",
  "customer.erased": "A customer was erased",
};

/**
 * What the description of the events a sync also sends adds: how the cart system that made the
 * change recognises its own echo.
 */
const FROM_SYNC =
  "A sync sends it too — `PUT /v1/subscriptions/{subscriptionId}`, `POST /v1/sync` or `npm run import` that pauses a plan or makes a paused one active (`subscription.changed`), cancels a live plan (`subscription.canceled`) or sets a plan the cart had cancelled live again (`subscription.reactivated`) — in the same transaction as the sync, with the change as recorded in `GET /v1/subscriptions/{subscriptionId}/changes`: `change.channel` `api`, `change.actor` `{ type: system, id: sync }` and `change.source.sync: true`. The cart system that made the change already knows it: it recognises its own echo by `change.source.sync` and ignores it; any other system (a CRM) learns of it here. A sync sends nothing for a plan it creates or for the fields it only mirrors (product, price, quantity, interval, dates, deliveries completed). ";
const SENT_BY_SYNC: readonly WebhookEventType[] = ["subscription.changed", "subscription.canceled", "subscription.reactivated"];

const pascal = (type: string) => type.replace(/(^|[._])(\w)/g, (_, __, c: string) => c.toUpperCase());

const schedule = RETRY_SCHEDULE_S.map((s) => (s < 60 ? `${s} s` : s < 3600 ? `${s / 60} min` : `${s / 3600} h`)).join(", ");

const DeliveryHeaders = z.object({
  "user-agent": z.literal(WEBHOOK_REQUEST_HEADERS["user-agent"]).openapi({
    description: "Who sends it: Tsuzuku's webhooks, this delivery format's version `1` (the same from a Node server and from Cloudflare Workers).",
    example: WEBHOOK_REQUEST_HEADERS["user-agent"],
  }),
  "webhook-id": z.string().openapi({
    description: "The event's id, the same on every retry and for every endpoint it goes to: skip an id you have processed (delivery is at least once).",
    example: "evt_3fQk9ZpA2mWc7RtLx0Ny",
  }),
  "webhook-timestamp": z
    .string()
    .regex(/^\d+$/)
    .openapi({ description: "When this attempt was sent, in Unix seconds: refuse one far from your clock (replays).", example: "1795838400" }),
  "webhook-signature": z.string().openapi({
    description:
      "Space-separated `v1,<base64 HMAC-SHA256>` signatures of `{webhook-id}.{webhook-timestamp}.{body}` with the endpoint's secret (its base64 part after `whsec_`): one per secret while a rotated one is still valid. Verify with any Standard Webhooks library.",
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  }),
});

/**
 * Documents each event type under openapi.json's `webhooks` (OpenAPI 3.1): the POST Tsuzuku sends
 * to an endpoint subscribed to it, `{ type, timestamp, data }` signed per Standard Webhooks, and
 * how the answer is read (dispatcher: 2xx delivered; anything else retried on RETRY_SCHEDULE_S).
 */
export function registerWebhookEvents(registry: OpenAPIHono["openAPIRegistry"]) {
  for (const type of WEBHOOK_EVENT_TYPES) {
    const envelope = z
      .object({
        type: z.literal(type),
        timestamp: Instant.openapi({ description: "When the event happened (UTC)." }),
        data: WEBHOOK_EVENT_DATA[type],
      })
      .openapi(`${pascal(type)}Event`);
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: `${pascal(type).replace(/^./, (c) => c.toLowerCase())}Webhook`,
      tags: ["Webhooks"],
      summary: SUMMARIES[type],
      // No scheme: the receiver authenticates Tsuzuku by `webhook-signature` (below).
      security: [],
      description:
        `Sent to every endpoint registered with \`${type}\` in its \`events\` (\`PUT /v1/webhooks/{webhookId}\`), as JSON, from a transactional outbox: the event exists exactly when the change does. ` +
        (SENT_BY_SYNC.includes(type) ? FROM_SYNC : "") +
        `Delivered at least once, not necessarily in order: dedupe on \`webhook-id\`, order by \`timestamp\`. ` +
        `Request headers, the same whether the service runs on Node or on Cloudflare Workers: \`content-type: ${WEBHOOK_REQUEST_HEADERS["content-type"]}\`, \`accept: ${WEBHOOK_REQUEST_HEADERS.accept}\` (the answer's body is not read), \`user-agent: ${WEBHOOK_REQUEST_HEADERS["user-agent"]}\` and the signature's \`webhook-id\`, \`webhook-timestamp\` and \`webhook-signature\`; besides them only the transport's \`host\`, \`content-length\` and (Node) \`connection\`. ` +
        `From Workers, Cloudflare also adds \`cf-worker\` (the sending zone) to every request a Worker makes; a Worker cannot remove it.`,
      request: { headers: DeliveryHeaders, body: { required: true, content: { "application/json": { schema: envelope } } } },
      responses: {
        "2XX": { description: `Received: the delivery is marked delivered and never sent again. Answer within ${TIMEOUT_MS / 1000} s; do the work afterwards.` },
        default: {
          description:
            `Any other status, a redirect (never followed), no answer within ${TIMEOUT_MS / 1000} s or a refused connection is a failed attempt, kept in \`GET /v1/webhooks/{webhookId}/deliveries\`. ` +
            `It is retried after ${schedule} (${RETRY_SCHEDULE_S.length + 1} attempts in all), then marked failed; \`POST /v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry\` sends it again.`,
        },
      },
    });
  }
}
