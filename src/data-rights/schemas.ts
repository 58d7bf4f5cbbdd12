import { z } from "@hono/zod-openapi";
import { Evidence } from "../cancel-flows/schemas";
import { Customer } from "../customers/schemas";
import { CustomerSession } from "../customer-sessions/schemas";
import { Change } from "../plan-changes/schemas";
import { CalendarDate, Instant, openObject, PageQuery } from "../platform/openapi";
import { Risk, RiskDriver } from "../risk/schemas";
import { PatchSettingsBody } from "../settings/schemas";
import { Subscription } from "../subscriptions/schemas";
import { ComebackTerms, WinbackDriver, WinbackDueStatus } from "../winback/schemas";
import { AUDIT_ACTIONS } from "../platform/audit";

export const Erasure = z
  .object({
    customerId: z.string().openapi({ description: "The merchant's id of the erased customer (it no longer names anything here).", example: "C-100245" }),
    erasedAt: Instant,
    scrubbed: z
      .object({
        events: z.number().int(),
        cancelFlows: z.number().int(),
        evidenceSteps: z.number().int(),
        planChanges: z.number().int(),
        customerSessions: z.number().int().openapi({ description: "Customer sessions deleted (their tokens stop working)." }),
        storedAnswers: z.number().int().openapi({ description: "Stored `Idempotency-Key` answers that mentioned the person, deleted (a replay runs afresh)." }),
        webhookPayloads: z.number().int().openapi({ description: "Webhook payloads (delivered ones, kept in the delivery log) with the person's data removed." }),
        webhookEventsDropped: z.number().int().openapi({
          description:
            "Webhook events about the person not yet delivered (pending, held by a paused endpoint, or failed), dropped: sent after the erasure they could only name an id you never saw. The `customer.erased` event, with your id, is queued instead.",
        }),
        winbacks: z.number().int().openapi({ description: "Win-back records (one per cancellation): pseudonymised, free-text exit survey answers removed." }),
        keepInTouchAnswers: z.number().int().openapi({ description: "Keep-in-touch answers (evidence) pseudonymised." }),
      })
      .openapi({ description: "How many records were pseudonymised or had personal data removed, by kind." }),
    fingerprintsKept: z.boolean().openapi({ description: "Whether HMAC fingerprints of phone and e-mail were kept (setting `keepContactFingerprints`)." }),
  })
  .openapi("Erasure");

const Both = z.object({ ja: z.string(), en: z.string() });
/** The comeback offer decided for a win-back, as stored: both languages. */
const StoredComebackOffer = z.object({
  kind: z.enum(["offer", "reminder"]),
  offerId: z.string().nullable(),
  type: z.string(),
  parameters: ComebackTerms,
  title: Both,
  description: Both,
  message: Both,
  restartOn: CalendarDate.openapi({ description: "The first delivery if they restart, tenant-local." }),
});

/** An audit entry's details: the members its action records. */
const AuditDetails = z
  .object({
    name: z.string().optional().openapi({ description: "`key.created`: the key's label." }),
    scopes: z.array(z.string()).optional().openapi({ description: "`key.created`: the key's scopes." }),
    fields: z.array(z.string()).optional().openapi({ description: "`settings.updated`: the settings changed, by name." }),
    values: PatchSettingsBody.optional().openapi({ description: "`settings.updated`: the values sent." }),
    type: z.string().optional().openapi({ description: "`offer.created`, `offer.updated`: the offer's type." }),
    active: z.boolean().optional().openapi({ description: "`offer.*`: whether the offer is active; `model.trained`: whether the new model became the active one." }),
    templateVersion: z.number().int().optional().openapi({ description: "`offer.created`, `offer.updated`: the copy's version." }),
    auc: z.number().nullable().optional().openapi({ description: "`model.trained`: the model's AUC on held-out data." }),
    codes: z.array(z.string()).optional().openapi({ description: "`reasons.updated`: the reason codes, in order." }),
    questions: z.array(z.string()).optional().openapi({ description: "`exit_survey.updated`: the question ids, in order." }),
    created: z.boolean().optional().openapi({ description: "`webhook.updated`, `knowledge.updated`: whether it was new." }),
    host: z.string().optional().openapi({ description: "`webhook.updated`: the endpoint's host." }),
    events: z.array(z.string()).optional().openapi({ description: "`webhook.updated`: the event types it receives." }),
    secretChanged: z.boolean().optional().openapi({ description: "`webhook.updated`: whether the signing secret was set." }),
    paused: z.boolean().optional().openapi({ description: "`webhook.updated`: whether the endpoint is paused." }),
    droppedPending: z.number().int().optional().openapi({ description: "`webhook.deleted`: pending deliveries dropped." }),
    droppedFailed: z.number().int().optional().openapi({ description: "`webhook.deleted`: failed deliveries dropped." }),
    deliveryId: z.string().optional().openapi({ description: "`webhook.delivery_retried`: the delivery." }),
    eventType: z.string().optional().openapi({ description: "`webhook.delivery_retried`: its event type." }),
    overlapHours: z.number().optional().openapi({ description: "`webhook.secret_rotated`: hours the old secret still signs." }),
    expiresAt: Instant.optional().openapi({ description: "`customer_session.created`: when the session expires." }),
    operatorId: z.string().optional().openapi({ description: "`console_session.created`: the operator's id, as the merchant named them." }),
    role: z.enum(["operator", "supervisor"]).optional().openapi({ description: "`console_session.created`: the operator's role." }),
    scrubbed: Erasure.shape.scrubbed.optional(),
    fingerprintsKept: z.boolean().optional().openapi({ description: "`customer.erased`: whether contact fingerprints were kept." }),
    profilingOptOut: z.boolean().optional().openapi({ description: "`customer.profiling_changed`: true when the customer asked to be left out of profiling, false when they withdrew it." }),
    source: z.string().optional().openapi({ description: "`customer.profiling_changed`: the path it came by (`customer_sync`, `portal`, `console`, `api`)." }),
  })
  .openapi("AuditDetails", { description: "What the action changed, by name; never personal data or secrets." });

export const AuditEntry = z
  .object({
    id: z.string().openapi({ example: "aud_4bT9xQm2LcVw8RkZp1Ha" }),
    at: Instant,
    actor: z.object({ type: z.enum(["key", "operator", "customer", "system"]), id: z.string(), name: z.string().optional() }),
    action: z.enum(AUDIT_ACTIONS),
    target: z.object({ type: z.string(), id: z.string() }).nullable(),
    details: AuditDetails.nullable().openapi({ description: "What changed, by name; never personal data or secrets. The `action` decides which members appear (each says for which)." }),
  })
  .openapi("AuditEntry");

export const CustomerExport = z
  .object({
    generatedAt: Instant,
    timeZone: z.string().openapi({
      description: "The shop's time zone (IANA), for reading the document: instants (`…At`) are UTC (ISO 8601, `Z`); calendar dates (`…On`, YYYY-MM-DD) are days in this zone. Shown to a customer, convert the instants to it.",
      example: "Asia/Tokyo",
    }),
    customer: Customer,
    consents: z.object({
      marketingConsent: z.boolean(),
      keepInTouch: z.boolean().nullable().openapi({ description: "The current keep-in-touch answer (null: never answered)." }),
      keepInTouchHistory: z
        .array(z.object({ granted: z.boolean(), wording: z.string().nullable(), language: z.string().nullable(), source: z.string(), flowId: z.string().nullable(), at: Instant }))
        .openapi({ description: "Every keep-in-touch answer with its evidence (the wording shown, where, when), oldest first." }),
      profilingOptOut: z.boolean().openapi({ description: "Whether the person is left out of profiling now (`Customer.profilingOptOut`): then `risk` is empty and their win-back records unscored." }),
      profilingOptOutHistory: z
        .array(z.object({ optOut: z.boolean(), source: z.string().openapi({ description: "`customer_sync`, `portal`, `console` or `api`." }), at: Instant }))
        .openapi({ description: "Every time the person's objection to profiling was recorded or withdrawn, with where and when, oldest first." }),
    }),
    exitSurveys: z
      .array(
        z.object({
          subscriptionId: z.string(),
          flowId: z.string().nullable(),
          canceledAt: Instant,
          reason: z.string().nullable(),
          answers: z.array(z.object({ questionId: z.string(), answer: z.string() })),
          returnOn: z.string().nullable(),
        }),
      )
      .openapi({ description: "The exit survey answered at each cancellation, and the return date the person named." }),
    winbacks: z
      .array(
        z.object({
          subscriptionId: z.string(),
          flowId: z.string().nullable(),
          canceledAt: Instant,
          probability: z.number().openapi({ description: "Estimated probability (0–1) of coming back within 180 days." }),
          expectedValue: z.object({ amount: z.number().int(), currency: z.string() }).openapi({ description: "probability × a year of the plan's deliveries, minor units." }),
          drivers: z.array(WinbackDriver).openapi({ description: "What moved the estimate: `code`, `label` (in the caller's language), `contribution` (log-odds), `value`." }),
          features: openObject("The inputs the estimate was computed from, as stored at the cancellation (tenure, deliveries, the reason, a named return date …): the profile held about the person."),
          modelVersion: z.string(),
          scoredOn: z.string().openapi({ description: "Local date (YYYY-MM-DD) of the estimate." }),
          dueOn: z.string().openapi({ description: "Local date (YYYY-MM-DD) a win-back contact is due (`winback.due`)." }),
          dueStatus: WinbackDueStatus,
          holdout: z.boolean().openapi({ description: "Drawn into the shop's control group: never contacted for win-back." }),
          contactable: z.boolean().openapi({ description: "Whether the shop may contact the person about it now." }),
          offer: StoredComebackOffer.nullable().openapi({ description: "The comeback offer decided for the person, as stored (null: none)." }),
          contactedAt: Instant.nullable(),
          reactivatedAt: Instant.nullable(),
        }),
      )
      .openapi({ description: "The win-back record of each cancellation: the profiling done about the person (score, drivers, due date, offer) and whether and when they were contacted." }),
    subscriptions: z.array(Subscription).openapi({ description: "Every subscription, as `GET /v1/subscriptions/{id}` shows it." }),
    changes: z.array(Change).openapi({ description: "Every plan change of those subscriptions, oldest first." }),
    events: z
      .array(
        z.object({
          id: z.string(),
          type: z.string(),
          subscriptionId: z.string().nullable(),
          occurredAt: Instant,
          receivedAt: Instant,
          data: openObject("The event's `data` as it was sent (`POST /v1/events`), kept as is."),
        }),
      )
      .openapi({ description: "Every event about the person, oldest first." }),
    cancelFlows: z.array(Evidence).openapi({ description: "Every cancel flow with its evidence (`GET /v1/cancel-flows/{flowId}`)." }),
    risk: z.array(Risk.omit({ customerId: true, revenueAtRisk: true }).extend({ drivers: z.array(RiskDriver).openapi({ description: "Largest effect first (at most five), each with its `label` in the caller's language (as `GET /v1/customers/{id}/risk`)." }), features: openObject("The inputs the score was computed from, as stored (deliveries, tenure, skips and cancel requests of the last 90 days, the last NPS, stock …): the profile held about the person.") })).openapi({ description: "Current risk per subscription with its drivers and flags." }),
    customerSessions: z.array(CustomerSession.omit({ customerId: true })).openapi({ description: "The person's customer sessions (my-page logins): id, subscription, created, expiry, revocation. Tokens are never stored." }),
    webhookDeliveries: z
      .array(
        z.object({
          deliveryId: z.string(),
          webhookId: z.string().openapi({ description: "The shop's endpoint (`PUT /v1/webhooks/{webhookId}`)." }),
          host: z.string().nullable().openapi({ description: "The endpoint's host: to whom it was sent (null: the endpoint no longer exists).", example: "crm.example.jp" }),
          eventId: z.string().openapi({ description: "Sent as `webhook-id`." }),
          eventType: z.string(),
          status: z.enum(["pending", "delivered", "failed"]),
          createdAt: Instant.openapi({ description: "When the event was queued." }),
          deliveredAt: Instant.nullable(),
          payload: openObject("The body as sent (`type`, `timestamp`, `data`)."),
        }),
      )
      .openapi({ description: "Every webhook delivery about the person, oldest first: what was sent to whom, when (個人情報保護法 §33(5) 第三者提供記録; CCPA §1798.110)." }),
    auditEntries: z.array(AuditEntry).openapi({ description: "Audit entries that name the person as target or actor (earlier exports, what they did with their own session), oldest first. Their sessions are in `customerSessions`. This export's own entry is written after it." }),
  })
  .openapi("CustomerExport");


export const AuditQuery = PageQuery.extend({
  action: z.enum(AUDIT_ACTIONS).optional().openapi({ description: "Only entries of this action." }),
});
