import { createRoute, OpenAPIHono, z, type RouteConfig } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import { requireScope } from "./auth";
import type { AppEnv, Scope } from "./env";
import { ApiError, ERROR_STATUS, fieldErrors, ProblemSchema, type ErrorCode } from "./errors";

/** Codes any authenticated route can answer, whatever it does. */
const ALWAYS: ErrorCode[] = ["missing_api_key", "invalid_api_key", "insufficient_scope", "rate_limited", "internal_error", "database_unavailable"];
const WITH_INPUT: ErrorCode[] = ["validation_failed"];
const WITH_BODY: ErrorCode[] = ["invalid_json", "unsupported_media_type", "payload_too_large"];
const MUTATING: ErrorCode[] = ["idempotency_key_reused", "idempotency_key_in_use"];

/** Groups error codes by status into documented problem+json responses. */
export function errorResponses(codes: readonly ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<number, { description: string; content: { "application/problem+json": { schema: typeof ProblemSchema } } }> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[status] = {
      description: `Problem details. \`code\` is one of: ${list.map((c) => `\`${c}\``).join(", ")}.`,
      content: { "application/problem+json": { schema: ProblemSchema } },
    };
  }
  return out;
}

export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      description:
        "Makes the request safe to retry: the same key with the same body within 24 h replays the first response (header `Idempotent-Replayed: true`). A secret in the first response (a new API key's `secret`, a webhook signing `secret`, a session `token`) is not kept: the replay has the same status and body with that field replaced by a note that it was shown once.",
      example: "8e03978e-40d5-43e8-bc93-6894a57f9324",
    }),
});

type ApiRouteConfig = RouteConfig & {
  /** The scope an API key needs for this operation. */
  scope: Scope;
  /** Codes this operation can answer beyond the ones every route can. */
  errors?: ErrorCode[];
};

/**
 * The one way to declare an API operation: adds the scope check, the bearer security
 * requirement and every error response the operation can send, so the document and the
 * runtime cannot drift apart.
 */
export function apiRoute<const R extends ApiRouteConfig>(config: R) {
  const { scope, errors = [], ...route } = config;
  const hasInput = Boolean(route.request?.params || route.request?.query || route.request?.body || route.request?.headers);
  const hasBody = Boolean(route.request?.body);
  const mutating = route.method !== "get" && route.method !== "head";
  const codes = [...ALWAYS, ...(hasInput ? WITH_INPUT : []), ...(hasBody ? WITH_BODY : []), ...(mutating ? MUTATING : []), ...errors];
  return createRoute({
    ...route,
    description: `${route.description ? route.description + "\n\n" : ""}Requires an API key with the \`${scope}\` scope.`,
    security: [{ bearerAuth: [] }],
    middleware: [requireScope(scope)] as const,
    responses: { ...route.responses, ...errorResponses(codes) },
  } as Omit<R, "scope" | "errors">);
}

/** A router for one capability. Validation failures become 422 problem+json with every field named. */
export function domainRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === "json" ? "" : result.target === "param" ? "path" : result.target;
        throw new ApiError("validation_failed", "One or more fields are invalid.", {
          errors: fieldErrors(result.error.issues, where === "header" ? "header" : where),
        });
      }
    },
  });
}

// ---------- shared schemas ----------

export const MerchantId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, "Use 1–128 characters of A–Z, a–z, 0–9 and . _ : -");

export const Money = z
  .strictObject({
    amount: z.number().int().min(0).openapi({ description: "Integer minor units (yen for JPY).", example: 3980 }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "ISO 4217 code, e.g. JPY")
      .openapi({ example: "JPY" }),
  })
  .openapi("Money");

export const CalendarDate = z.iso.date().openapi({ description: "Local calendar date in the tenant's time zone.", example: "2026-12-05" });
export const Instant = z.iso.datetime({ offset: true }).openapi({ description: "RFC 3339 instant.", example: "2026-11-23T04:15:00Z" });

export const Channel = z.enum(["web", "checkout", "ivr", "operator", "api", "system"]).openapi("Channel", {
  description: "Who or what made the write.",
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(512).optional().openapi({ description: "`nextCursor` from the previous page." }),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  });
}

/** A required JSON body; the example is what the reference shows a partner developer first. */
export function jsonBody<T extends z.ZodType>(schema: T, example: z.input<T>) {
  return { required: true, content: { "application/json": { schema, example } } } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/**
 * A 200 whose body is JSON text already serialised (by SQL, say) and documented by `schema`:
 * typed as if `c.json` had sent it. The route's tests must check the text against the schema.
 */
export function jsonText<T extends z.ZodType>(c: Context, _schema: T, text: string) {
  return c.body(text, 200, { "content-type": "application/json" }) as unknown as TypedResponse<z.output<T>, 200, "json">;
}
