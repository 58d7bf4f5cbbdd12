import { z } from "@hono/zod-openapi";
import { Instant, PageQuery } from "../platform/openapi";
import { Customer } from "../customers/schemas";
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

const Json = z.record(z.string(), z.unknown());

export const CustomerExport = z
  .object({
    generatedAt: Instant,
    customer: Customer,
    consents: z.object({
      marketingConsent: z.boolean(),
      keepInTouch: z.boolean().nullable().openapi({ description: "The current keep-in-touch answer (null: never answered)." }),
      keepInTouchHistory: z
        .array(z.object({ granted: z.boolean(), wording: z.string().nullable(), language: z.string().nullable(), source: z.string(), flowId: z.string().nullable(), at: Instant }))
        .openapi({ description: "Every keep-in-touch answer with its evidence (the wording shown, where, when), oldest first." }),
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
          drivers: z.array(Json).openapi({ description: "What moved the estimate: `code`, `contribution` (log-odds), `value`." }),
          modelVersion: z.string(),
          scoredOn: z.string().openapi({ description: "Local date (YYYY-MM-DD) of the estimate." }),
          dueOn: z.string().openapi({ description: "Local date (YYYY-MM-DD) a win-back contact is due (`winback.due`)." }),
          dueStatus: z.enum(["pending", "sent", "skipped"]),
          holdout: z.boolean().openapi({ description: "Drawn into the shop's control group: never contacted for win-back." }),
          contactable: z.boolean().openapi({ description: "Whether the shop may contact the person about it now." }),
          offer: Json.nullable().openapi({ description: "The comeback offer decided for the person, as stored (null: none)." }),
          contactedAt: Instant.nullable(),
          reactivatedAt: Instant.nullable(),
        }),
      )
      .openapi({ description: "The win-back record of each cancellation: the profiling done about the person (score, drivers, due date, offer) and whether and when they were contacted." }),
    subscriptions: z.array(Json).openapi({ description: "Every subscription, as `GET /v1/subscriptions/{id}` shows it." }),
    changes: z.array(Json).openapi({ description: "Every plan change of those subscriptions, oldest first." }),
    events: z.array(Json).openapi({ description: "Every event about the person, oldest first." }),
    cancelFlows: z.array(Json).openapi({ description: "Every cancel flow with its evidence (`GET /v1/cancel-flows/{flowId}`)." }),
    risk: z.array(Json).openapi({ description: "Current risk per subscription with its drivers and flags." }),
    customerSessions: z.array(Json).openapi({ description: "The person's customer sessions (my-page logins): id, subscription, created, expiry, revocation. Tokens are never stored." }),
  })
  .openapi("CustomerExport");

export const AuditEntry = z
  .object({
    id: z.string().openapi({ example: "aud_4bT9xQm2LcVw8RkZp1Ha" }),
    at: Instant,
    actor: z.object({ type: z.enum(["key", "operator", "customer", "system"]), id: z.string(), name: z.string().optional() }),
    action: z.enum(AUDIT_ACTIONS),
    target: z.object({ type: z.string(), id: z.string() }).nullable(),
    details: Json.nullable().openapi({ description: "What changed, by name; never personal data or secrets." }),
  })
  .openapi("AuditEntry");

export const AuditQuery = PageQuery.extend({
  action: z.enum(AUDIT_ACTIONS).optional().openapi({ description: "Only entries of this action." }),
});
