import { z } from "@hono/zod-openapi";
import type { Context } from "hono";

/**
 * The one error model. Every failure the API reports is an ApiError with a stable `code`; the
 * status comes from this table so a code can never be sent with two different statuses.
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  insufficient_scope: 403,
  not_found: 404,
  route_not_found: 404,
  customer_not_found: 404,
  subscription_not_found: 404,
  key_not_found: 404,
  webhook_not_found: 404,
  cancel_flow_not_found: 404,
  offer_not_found: 404,
  method_not_allowed: 405,
  idempotency_key_in_use: 409,
  change_window_closed: 409,
  subscription_canceled: 409,
  subscription_not_active: 409,
  subscription_not_paused: 409,
  subscription_not_canceled: 409,
  cancel_flow_saved: 409,
  cancel_flow_canceled: 409,
  cancel_flow_expired: 409,
  reason_already_given: 409,
  no_offer_shown: 409,
  offer_not_shown: 409,
  ambiguous_customer: 409,
  version_conflict: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  idempotency_key_reused: 422,
  unknown_customer: 422,
  skip_limit_exceeded: 422,
  pause_too_long: 422,
  quantity_out_of_range: 422,
  interval_not_allowed: 422,
  date_out_of_range: 422,
  invalid_settings: 422,
  unknown_subscription: 422,
  unknown_event_type: 422,
  unknown_reason: 422,
  fee_acknowledgement_required: 422,
  offer_copy_rejected: 422,
  survey_copy_rejected: 422,
  invalid_offer: 422,
  insufficient_history: 422,
  internal_error: 500,
  database_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

const TITLES: Record<ErrorCode, string> = {
  invalid_json: "The request body is not valid JSON",
  invalid_request: "The request is malformed",
  missing_api_key: "An API key is required",
  invalid_api_key: "The API key is not valid",
  insufficient_scope: "The API key lacks the scope this operation needs",
  not_found: "Not found",
  route_not_found: "No such route",
  customer_not_found: "Customer not found",
  subscription_not_found: "Subscription not found",
  key_not_found: "API key not found",
  webhook_not_found: "Webhook not found",
  cancel_flow_not_found: "Cancel flow not found",
  offer_not_found: "Offer not found",
  method_not_allowed: "Method not allowed on this route",
  idempotency_key_in_use: "A request with this Idempotency-Key is still being processed",
  change_window_closed: "The delivery is too close to be changed",
  subscription_canceled: "The subscription is canceled",
  subscription_not_active: "The subscription is not active",
  subscription_not_paused: "The subscription is not paused",
  subscription_not_canceled: "The subscription is not canceled",
  cancel_flow_saved: "The cancel flow already ended with an accepted offer",
  cancel_flow_canceled: "The cancel flow already ended with a confirmed cancellation",
  cancel_flow_expired: "The cancel flow expired",
  reason_already_given: "A reason was already given in this cancel flow",
  no_offer_shown: "No offer was shown in this cancel flow",
  offer_not_shown: "That offer was not shown in this cancel flow",
  ambiguous_customer: "Several customers match",
  version_conflict: "The resource has changed since the version you sent",
  payload_too_large: "The request body is too large",
  unsupported_media_type: "The request body must be application/json",
  validation_failed: "The request is not valid",
  idempotency_key_reused: "This Idempotency-Key was used with a different request",
  unknown_customer: "The referenced customer does not exist",
  skip_limit_exceeded: "Too many deliveries skipped in a row",
  pause_too_long: "The pause is longer than the shop allows",
  quantity_out_of_range: "The quantity is outside the range the shop allows",
  interval_not_allowed: "The shop does not offer this delivery interval",
  date_out_of_range: "The date is outside the range that can be chosen",
  invalid_settings: "The settings contradict each other",
  unknown_subscription: "The referenced subscription does not exist",
  unknown_event_type: "Unknown event type",
  unknown_reason: "Unknown cancellation reason",
  fee_acknowledgement_required: "The disclosed early-cancellation fee must be acknowledged",
  offer_copy_rejected: "The offer copy is not allowed",
  survey_copy_rejected: "The survey wording makes a claim or puts pressure the phrase lint rejects",
  invalid_offer: "The offer is not valid",
  insufficient_history: "Not enough history to train a model",
  internal_error: "Internal error",
  database_unavailable: "The database is unavailable",
};

export type FieldError = { path: string; message: string };

export class ApiError extends Error {
  readonly status: ErrorStatus;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra: { errors?: FieldError[] } & Record<string, unknown> = {},
  ) {
    super(detail ?? TITLES[code]);
    this.status = ERROR_STATUS[code];
  }
}

export const PROBLEM_BASE = "https://tsuzuku.dev/errors/";

export function problemBody(err: ApiError, instance?: string) {
  return {
    type: PROBLEM_BASE + err.code,
    title: TITLES[err.code],
    status: err.status,
    detail: err.detail ?? TITLES[err.code],
    code: err.code,
    ...(instance ? { instance } : {}),
    ...err.extra,
  };
}

export function problemResponse(c: Context, err: ApiError): Response {
  // c.body keeps headers middleware already set (X-Request-Id).
  return c.body(JSON.stringify(problemBody(err, c.req.path)), err.status, {
    "content-type": "application/problem+json; charset=utf-8",
  });
}

/** Turns zod issues into `errors: [{ path, message }]`, paths as JSON pointers-ish dotted strings. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix = ""): FieldError[] {
  return issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== "").join("."),
    message: i.message,
  }));
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: PROBLEM_BASE + "validation_failed" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ description: "Stable machine-readable error code (snake_case).", example: "validation_failed" }),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "For validation errors: each offending field." }),
  })
  .passthrough()
  .openapi("Problem", { description: "RFC 9457 problem details." });
