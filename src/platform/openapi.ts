import { createRoute, OpenAPIHono, z, type RouteConfig } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import { authorize } from "./auth";
import { CalendarDate, Instant } from "./date-schemas";
import { CurrencyCode } from "./currency";
import type { AppEnv, Scope } from "./env";
import { bodyLimitDoc, ownBodyLimit } from "./body-limit";
import { ACCEPTED_PREFIX, ApiError, controlCharacterErrors, ERROR_STATUS, errorDoc, fieldErrors, problemSchemaFor, type ErrorCode, type OwnErrorDoc, type RouteMembers } from "./errors";
import { claimsInWrite, neverRemembered as rememberNever, NOT_REMEMBERED } from "./idempotency";
import { errorLanguage } from "./language";
import { limitParam } from "./pagination";
import { requiresBody } from "./request-body";
import { RESPONSE_HEADERS, type ResponseHeader } from "./response-headers";

/** Codes any authenticated route can answer, whatever it does. */
const ALWAYS: ErrorCode[] = [
  "missing_api_key",
  "invalid_api_key",
  "invalid_session",
  "session_expired",
  "insufficient_scope",
  "api_key_in_browser",
  "rate_limited",
  "internal_error",
  "database_unavailable",
  // A session that fails to verify, a webhook secret that does not open, under a SECRETS_KEY not the database's (platform/key-check).
  "secrets_key_mismatch",
];
const WITH_INPUT: ErrorCode[] = ["validation_failed"];
const WITH_BODY: ErrorCode[] = ["invalid_json", "unsupported_media_type", "payload_too_large"];
const MUTATING: ErrorCode[] = ["idempotency_key_reused", "idempotency_key_in_use", "csrf_rejected"];

/**
 * Codes answered before the caller is known (app.ts: the JSON content-type check, then
 * authentication): such an answer has not been counted against a key's rate limit and cannot be
 * an idempotent replay, so a status made only of these codes declares neither header.
 */
const BEFORE_THE_CALLER = new Set<ErrorCode>(["unsupported_media_type", "missing_api_key", "invalid_api_key", "invalid_session", "session_expired", "api_key_in_browser", "csrf_rejected"]);

/** What an operation's answers carry beyond `X-Request-Id`, by how it is reached. */
type Answering = {
  /** Behind the per-key rate limit (every authenticated operation): `RateLimit-Policy`, `RateLimit`. */
  limited: boolean;
  /** A write whose answers are stored for `Idempotency-Key` replays: `Idempotent-Replayed`. */
  replays: boolean;
};

/** `{ name: { $ref } }` for each header, in the order given. */
export function headerRefs(names: readonly ResponseHeader[]) {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }])) as Record<string, { $ref: string }>;
}

/** Registers the headers of platform/response-headers as `components/headers`, for headerRefs to point at. */
export function registerResponseHeaders(registry: OpenAPIHono["openAPIRegistry"]) {
  for (const [name, header] of Object.entries(RESPONSE_HEADERS)) registry.registerComponent("headers", name, structuredClone(header) as never);
}

/**
 * Whether a code's problem carries `retryAfterSeconds` (its documented members say so), and so
 * `Retry-After` (errors `problemResponse`): a status made only of these declares it required; one
 * where they share the status with others declares it optional (`RETRY_AFTER_SOMETIMES`).
 */
const sendsRetryAfter = (code: ErrorCode) => errorDoc(code).members.includes("retryAfterSeconds");

/**
 * `Retry-After` where only some of a status's codes send it (409: `idempotency_key_in_use`): the
 * same header, not required, written in the response (`components/headers` holds one entry per header name).
 */
const RETRY_AFTER_SOMETIMES = (codes: readonly ErrorCode[]) => ({
  ...RESPONSE_HEADERS["Retry-After"],
  description: `${RESPONSE_HEADERS["Retry-After"].description} Sent with ${codes.map((c) => `\`${c}\``).join(", ")}.`,
  required: false,
});

/**
 * The headers one problem status sends, from its codes: `X-Request-Id` and `Content-Language`
 * always; `Retry-After` where every code sends it (429, 503); `WWW-Authenticate` where a code refuses the API key; the rate-limit
 * headers and the replay marker where a code can come after the caller is counted (and, for the
 * marker, is stored: platform/idempotency NOT_REMEMBERED).
 */
function problemHeaders(status: number, codes: readonly ErrorCode[], answering: Answering): ResponseHeader[] {
  const afterCaller = codes.filter((code) => !BEFORE_THE_CALLER.has(code));
  return [
    "X-Request-Id",
    "Content-Language",
    ...(codes.every(sendsRetryAfter) ? (["Retry-After"] as const) : []),
    ...(codes.includes("missing_api_key") || codes.includes("invalid_api_key") ? (["WWW-Authenticate"] as const) : []),
    ...(answering.limited && afterCaller.length > 0 ? (["RateLimit-Policy", "RateLimit"] as const) : []),
    ...(answering.replays && status < 500 && afterCaller.some((code) => !NOT_REMEMBERED.has(code)) ? (["Idempotent-Replayed"] as const) : []),
  ];
}

/**
 * Documents problem responses from error codes, grouped by status: each code with what happened
 * and what to do, the extra members the codes carry (typed), one example body per code, and the
 * headers the status sends (see problemHeaders). This is the one place a 4xx/5xx enters the
 * document, so listing a code is all a route does.
 */
export function errorResponses(
  codes: readonly ErrorCode[],
  answering: Answering = { limited: false, replays: false },
  members: RouteMembers = {},
  own: Partial<Record<ErrorCode, OwnErrorDoc>> = {},
) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<
    number,
    {
      description: string;
      headers: Record<string, { $ref: string } | ReturnType<typeof RETRY_AFTER_SOMETIMES>>;
      content: { "application/problem+json": { schema: ReturnType<typeof problemSchemaFor>; examples: Record<string, { summary: string; value: unknown }> } };
    }
  > = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const docs = list.map((code) => ({ code, ...errorDoc(code, members[code], own[code]) }));
    out[status] = {
      description:
        `Problem details (RFC 9457). \`code\` is one of: ${list.map((c) => `\`${c}\``).join(", ")}.\n\n` +
        docs.map((d) => `- \`${d.code}\`: ${d.help}${d.members.length ? ` Members: ${d.members.map((m) => `\`${m}\``).join(", ")}.` : ""}`).join("\n"),
      headers: { ...headerRefs(problemHeaders(status, list, answering)), ...retryAfterSometimes(list) },
      content: {
        "application/problem+json": {
          schema: problemSchemaFor(list, members),
          examples: Object.fromEntries(docs.map((d) => [d.code, { summary: d.code, value: d.example }])),
        },
      },
    };
  }
  return out;
}

/** The optional `Retry-After` of a status where some codes send it and some do not. */
function retryAfterSometimes(codes: readonly ErrorCode[]): Record<string, ReturnType<typeof RETRY_AFTER_SOMETIMES>> {
  const sending = codes.filter(sendsRetryAfter);
  return sending.length > 0 && sending.length < codes.length ? { "Retry-After": RETRY_AFTER_SOMETIMES(sending) } : {};
}

export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      description:
        "Makes the request safe to retry: the same key with the same body within 24 h replays the first response (header `Idempotent-Replayed: true`). A key belongs to the credential that sent it (this API key, this customer or console session): send the retry with the same API key — sent with another key (one made to replace it, say), the request runs again. A secret in the first response (a new API key's `secret`, a webhook signing `secret`, a session `token`) is not kept: the replay has the same status and body with that field replaced by a note that it was shown once.",
      example: "8e03978e-40d5-43e8-bc93-6894a57f9324",
    }),
});

type ApiRouteConfig = RouteConfig & {
  /** The scope an API key needs for this operation. */
  scope: Scope;
  /** Codes this operation can answer beyond the ones every route can. */
  errors?: ErrorCode[];
  /**
   * Whether a customer session (a browser on the shop's my-page) may call this operation. Its
   * queries then reach that customer's rows only (the TenantStore is bound to the customer), so
   * another customer's id answers 404 like another tenant's. Off by default: a session gets 403
   * `session_not_allowed` everywhere else.
   */
  customer?: boolean;
  /**
   * The route records its answer in its own write (platform/idempotency `rememberWithin`) on every
   * path that changes something, so its Idempotency-Key is claimed there too (`claimsInWrite`).
   */
  claimsKeyInWrite?: boolean;
  /**
   * The operation's answers are never stored for an Idempotency-Key replay, and it claims no key
   * (platform/idempotency `neverRemembered`): a read sent as POST, or an erasure.
   */
  neverRemembered?: boolean;
  /** Members this operation adds to some of its codes' problems (errors.ts MEMBERS), documented on those responses only. */
  members?: RouteMembers;
  /**
   * The operation's own body limit in bytes instead of the app's 1 MiB (platform/body-limit
   * `ownBodyLimit`: applied, and its 413 documented with it). A fixed path only.
   */
  maxBodyBytes?: number;
};

/**
 * The one way to declare an API operation: adds the scope check, the bearer security
 * requirement, every error response the operation can send and the headers each response
 * carries, so the document and the runtime cannot drift apart.
 */
export function apiRoute<const R extends ApiRouteConfig>(config: R) {
  const { scope, errors = [], customer = false, claimsKeyInWrite = false, neverRemembered = false, members = {}, maxBodyBytes, ...route } = config;
  if (maxBodyBytes !== undefined) ownBodyLimit(route.method, route.path, maxBodyBytes);
  if (claimsKeyInWrite && (route.method === "post" || route.method === "put")) claimsInWrite(route.method, route.path);
  const body = route.request?.body;
  if (body && optionalBodies.has(body)) absentReadsAsEmpty.add(`${route.method} ${route.path}`);
  else if (body?.required) requiresBody(route.method, route.path);
  if (neverRemembered && (route.method === "post" || route.method === "delete")) rememberNever(`${route.method.toUpperCase() as "POST" | "DELETE"} ${route.path as `/${string}`}`);
  const hasInput = Boolean(route.request?.params || route.request?.query || route.request?.body || route.request?.headers);
  const hasBody = Boolean(route.request?.body);
  const mutating = route.method !== "get" && route.method !== "head";
  const codes = [...ALWAYS, ...(customer ? [] : ["session_not_allowed" as const]), ...(hasInput ? WITH_INPUT : []), ...(hasBody ? WITH_BODY : []), ...(mutating ? MUTATING : []), ...errors];
  const answering: Answering = { limited: true, replays: mutating && !neverRemembered };
  // Success: the route's own headers (an ETag) between the request id and the rate limit.
  const successes = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => [
      status,
      "$ref" in response
        ? response
        : {
            ...response,
            headers: {
              ...headerRefs(["X-Request-Id"]),
              ...(response.headers as Record<string, { $ref: string }> | undefined),
              ...headerRefs(["RateLimit-Policy", "RateLimit", ...(answering.replays ? (["Idempotent-Replayed"] as const) : [])]),
            },
          },
    ]),
  );
  // Every write the idempotency layer replays takes `Idempotency-Key`, declared here once (a DELETE
  // too: the layer honours it there, and a typed client refused the header an undeclared one).
  const headers = route.request?.headers as z.ZodObject | undefined;
  const request = answering.replays && !(headers?.shape && "idempotency-key" in headers.shape) ? { ...route.request, headers: headers ? headers.merge(IdempotencyHeaders) : IdempotencyHeaders } : route.request;
  return createRoute({
    ...route,
    ...(request ? { request } : {}),
    description: `${route.description ? route.description + "\n\n" : ""}Requires an API key with the \`${scope}\` scope${
      customer ? ", or a customer session (for that customer's own data)" : ""
    }.`,
    security: customer ? [{ bearerAuth: [] }, { customerSession: [] }] : [{ bearerAuth: [] }],
    // The scope where a program reads it, not only in the description. Not as the scheme's role
    // (`bearerAuth: ["write"]`, which OpenAPI 3.1 allows): Spectral's oas ruleset reads a role as an
    // OAuth scope that must be declared, and flagged every operation.
    "x-required-scope": scope,
    middleware: [authorize(scope, customer, `${route.method.toUpperCase()} ${route.path}`)] as const,
    responses: { ...successes, ...errorResponses(codes, answering, members, maxBodyBytes === undefined ? {} : { payload_too_large: bodyLimitDoc(maxBodyBytes) }) },
  } as Omit<R, "scope" | "errors" | "customer" | "claimsKeyInWrite" | "neverRemembered" | "members" | "maxBodyBytes">);
}

/** Body fields, by route, whose items the route checks one by one (a bad item refused alone): `POST /v1/sync` → customers, subscriptions. */
const itemsCheckedApart = new Map<string, readonly string[]>();

/**
 * Declares that `route`'s body lists items in `fields` that the route validates itself, item by
 * item, control characters included (`controlCharacterErrors`), answering a refusal per item: the
 * routers' hook then leaves those lists to it, so one bad item does not fail the whole request.
 */
export function checksItemsApart(route: `POST /${string}`, fields: readonly string[]) {
  itemsCheckedApart.set(route, fields);
}

/**
 * A router for one capability. Validation failures become 422 problem+json with every field named
 * (an operation adds members of its own to them with errors `problemMembers`: the lookup's `speech`).
 */
export function domainRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      const where = result.target === "json" ? "" : result.target === "param" ? "path" : result.target;
      if (!result.success) {
        const input = (result as { data?: unknown }).data;
        throw new ApiError("validation_failed", { en: "One or more fields are invalid.", ja: "正しくない項目があります。" }, {
          errors: fieldErrors(result.error.issues, where, input, errorLanguage(c)),
        });
      }
      // Every text field of every route, here rather than per schema: a field added later cannot miss it.
      if (result.target !== "header") {
        const apart = result.target === "json" ? itemsCheckedApart.get(`${c.req.method} ${c.req.routePath}`) : undefined;
        const scanned = apart && result.data && typeof result.data === "object" ? Object.fromEntries(Object.entries(result.data).filter(([k]) => !apart.includes(k))) : result.data;
        const control = controlCharacterErrors(scanned, where, errorLanguage(c));
        if (control.length > 0) {
          throw new ApiError("validation_failed", { en: "A text field holds a control character or an unpaired surrogate.", ja: "制御文字または対になっていないサロゲートを含む項目があります。" }, { errors: control });
        }
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

/**
 * Text that is one line (a person's or product's name, a key's label): a line break — CR, LF, NEL,
 * U+2028 or U+2029 — is refused. Such a name is printed in a CSV cell, a console heading, a
 * receipt and the IVR's spoken line, where a break splits a row or a sentence. Multi-line text
 * (offer copy, comments, notes) keeps its breaks. `singleLine(z.string().min(1).max(200))`.
 */
export const singleLine = (text: z.ZodString) => text.regex(/^[^\r\n\u0085\u2028\u2029]*$/, "Write it on one line, without line breaks");

/**
 * Characters that show nothing: white space (U+0020, U+3000, tabs, breaks…), format characters
 * (\p{Cf}: U+200B zero-width space, U+2060, U+FEFF, the bidi controls, soft hyphen) and the Hangul
 * fillers that render blank.
 */
const INVISIBLE_ONLY = /^[\s\p{Cf}\u115F\u1160\u3164\uFFA0]*$/u;

/**
 * Human text that must say something (a name, a title, an entry's body): refused when nothing is
 * left once white space (U+3000 included) and invisible format characters are removed — `"   "`,
 * `"\u3000"`, `"\u200b"` would be stored and shown as a blank name or heading. Empty text too, so
 * no `.min(1)` is needed beside it (whose count would be the sent length, not the visible one).
 */
export const visibleText = (text: z.ZodString) =>
  text.refine((v) => !INVISIBLE_ONLY.test(v), { message: "Write some visible text: it is blank or only invisible characters", abort: true }).openapi({ minLength: 1 });

/** The bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). */
export const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, "gu");

/**
 * Free text someone else wrote (a customer's comment, a contact note, an agent's name), as it is
 * read — on the console's karte, in the insights' quotes: without text-direction controls
 * (U+202A–U+202E, U+2066–U+2069), which would display it in another order than stored
 * (「…‮みす済約解」 read as 「解約済みです」). The API refuses them in new text; this covers what was
 * stored before.
 */
export function asWritten(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/**
 * A name or id operators read (a customer's or operator's name, an operator id, a product, a key's
 * label): one line ({@link singleLine}), visible ({@link visibleText}) and without bidi controls,
 * which make text display in another order than it is stored — an operator id recorded as the actor
 * in cancellation evidence must read as what it is. (Right-to-left letters themselves are kept.)
 */
export const shownName = (text: z.ZodString) => withoutBidiControls(visibleText(singleLine(text)));

/** The bidi part of {@link shownName} alone: for a title, which {@link oneLineLocalized} makes one line itself. */
export const withoutBidiControls = (text: z.ZodString) => text.refine((v) => !BIDI_CONTROL.test(v), { message: "Remove the text-direction controls (U+202A–U+202E, U+2066–U+2069)" });

/**
 * A title in both languages (an offer's, a knowledge entry's): each a heading on one line — line
 * breaks refused as in {@link singleLine}, and tabs too, which a heading shows as a gap. Bodies and
 * descriptions beside it stay multi-line. `text` bounds each language: `z.string().min(1).max(200)`.
 * Refusals name the language's field (`copy.title.ja`).
 */
export const oneLineLocalized = (text: z.ZodString) => {
  const line = singleLine(text).regex(/^[^\t]*$/, "Write it without tabs");
  return z.strictObject({ ja: line, en: line });
};

export const Money = z
  .strictObject({
    amount: z.number().int().min(0).openapi({ description: "Integer minor units (yen for JPY).", example: 3980 }),
    currency: CurrencyCode,
  })
  .openapi("Money");

/**
 * The most a price or fee a caller sends may be, in minor units: 10,000,000 (¥10,000,000 for one
 * unit of a subscription, or one fee). No 定期 product costs more; a larger amount is a typo or a
 * test value (9,007,199,254,740,991), and a year of such deliveries at the largest quantity (999)
 * would pass 2^53, past which revenue figures are no longer exact integers and stop agreeing.
 * Bound: 10,000,000 × 999 × 365 ≈ 3.6 × 10^12.
 */
export const MAX_PRICE_AMOUNT = 10_000_000;

/**
 * A price or fee a caller sends (a subscription's `unitPrice`, an early-cancellation fee, a
 * payment's amount): {@link Money} with `amount` at most {@link MAX_PRICE_AMOUNT}. Answers keep
 * `Money`, whose sums (revenue, a year of deliveries) may be larger.
 */
export const Price = z
  .strictObject({
    amount: z
      .number()
      .int()
      .min(0)
      .max(MAX_PRICE_AMOUNT)
      .openapi({ description: `Integer minor units (yen for JPY), at most ${MAX_PRICE_AMOUNT.toLocaleString("en")}.`, example: 3980 }),
    currency: Money.shape.currency,
  })
  .openapi("Price");

/**
 * An object open by design: members the API does not define and passes on as they were given (an
 * event's `data` a partner sent). It says so in openapi.json (`additionalProperties: true`), which
 * the HTTP suite's contract check (test/support/contract.ts) reads as "not documented here on
 * purpose"; every other object must name its members. `description` says whose members they are.
 */
export const openObject = (description: string) => z.record(z.string(), z.unknown()).openapi({ additionalProperties: true, description });

/**
 * A schema that documents a member the code builds and stores as a plain record (an offer's terms,
 * a change's `source`, a step's `data`): openapi.json gets its shape, the handlers keep their
 * `Record<string, unknown>` type (the record is read back from JSON columns, not re-parsed).
 */
export const documentsRecord = (schema: z.ZodType) => schema as unknown as z.ZodType<Record<string, unknown>>;

// The date and instant schemas live in platform/date-schemas, which imports no auth layer: the
// settings schema uses them too, and the auth layer imports the settings.
export { CalendarDate, Instant };

/**
 * A query that refuses a parameter it does not know (422 `validation_failed`, one error per unknown
 * parameter at `query.NAME`, naming the accepted ones): a report asked `?form=2026-11-01` for
 * `from` would otherwise answer its default range as if that were what was asked. The accepted
 * names travel as the unknown-key issue's message, which `fieldErrors` words in the caller's
 * language. Build the whole shape here (no `.extend()`: the list would miss the added names).
 */
export function strictQuery<S extends z.ZodRawShape>(shape: S) {
  const accepted = Object.keys(shape).join(", ");
  return z.strictObject(shape, { error: (issue) => (issue.code === "unrecognized_keys" ? { message: `${ACCEPTED_PREFIX}${accepted}` } : undefined) });
}

/**
 * The `from`/`to` query of a report over tenant-local days, its default range `days` long up to
 * today: the parameters' text states the default the operation applies (give it the same `days`).
 * `more`: the report's other parameters. Unknown parameters are refused ({@link strictQuery}).
 */
export function dayRangeQuery<S extends z.ZodRawShape = {}>(days: number, more?: S) {
  return strictQuery({
    from: CalendarDate.optional().openapi({ description: `First tenant-local day (default: ${days - 1} days before \`to\`).` }),
    to: CalendarDate.optional().openapi({ description: "Last tenant-local day, inclusive (default: today)." }),
    ...(more ?? ({} as S)),
  });
}

export const Channel = z.enum(["web", "checkout", "ivr", "operator", "api", "system"]).openapi("Channel", {
  description: "Who or what made the write.",
});

export const ActorSchema = z
  .object({
    type: z.enum(["key", "operator", "customer", "system"]),
    id: z.string().optional().openapi({ description: "The API key's id, the operator's id, the customer's id, or the system job's name. Absent in answers to a customer session.", example: "key_2bX9d0QpLr7vT1sYc4Hm" }),
    name: z.string().optional().openapi({ description: "The operator's name, when an operator acted. Absent in answers to a customer session." }),
  })
  .openapi("Actor", {
    description:
      "Who made a change or took a step: an API key, an operator (console), the customer (a customer session), or Tsuzuku itself. A customer session is answered the `type` alone (`{\"type\":\"operator\"}`): staff ids and names, and API key ids, are not shown in the customer's browser.",
  });

export const PageQuery = z.object({
  limit: limitParam(),
  cursor: z.string().max(512).optional().openapi({ description: "`nextCursor` from the previous page of the same list, with the same filters (the same customer, the same `band`…). Another list's cursor, or one this API did not issue → 422 `validation_failed` on `query.cursor`." }),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  });
}

/**
 * The fields a resource's GET answers but its PUT does not set (its id, version, counts, times), as
 * the PUT body takes them back: what GET answered can be sent back as it is (GET, edit, PUT). Each
 * is optional and ignored by the write, which its description says; an `id` among them must name
 * the path's resource ({@link sameIdAsPath}). Give each the schema GET answers it with.
 * Not marked `readOnly`: request validators (Prism, trial50) read that as "must not be sent" and,
 * the bodies being closed (`additionalProperties: false`), refused the GET-edit-PUT round trip
 * the server takes.
 */
export function readOnlyFields<T extends Record<string, z.ZodType>>(fields: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(
    Object.entries(fields).map(([name, schema]) => [
      name,
      schema.optional().openapi({
        description: name === "id" ? "Read-only, as `GET` answers it: if sent, it must be the id in the path (else 422 `validation_failed`)." : "Read-only, as `GET` answers it; ignored here.",
      }),
    ]),
  ) as { [K in keyof T]: z.ZodOptional<T[K]> };
}

/** Refuses (422 `validation_failed` on `id`) a PUT body whose read-only `id` names another resource than the path. */
export function sameIdAsPath(sent: string | undefined, path: string): void {
  if (sent === undefined || sent === path) return;
  const [s, p] = [JSON.stringify(sent), JSON.stringify(path)];
  throw new ApiError(
    "validation_failed",
    { en: `The body's id ${s} is not the id in the path ${p}: a PUT writes the resource its path names.`, ja: `本文の id ${s} がパスの id ${p} と異なります。PUT はパスの id のリソースを書き込みます。` },
    { errors: [{ path: "id", message: { en: `${s} is not the path's id ${p}; send the same id or leave it out`, ja: `${s} はパスの id ${p} と異なります。同じ id にするか、省いてください` } }] },
  );
}

/** A required JSON body; the example is what the reference shows a partner developer first. A request with no body at all is refused (platform/request-body: 400 `invalid_json`). */
export function jsonBody<T extends z.ZodType>(schema: T, example: z.input<T>) {
  return { required: true, content: { "application/json": { schema, example } } } as const;
}

/**
 * A JSON body the operation can do without (a skip of one delivery, a cancel flow's start): sent
 * with no body at all (no `Content-Type`, no bytes) it reads as `{}`; documented `required: false`.
 * An empty body sent as `application/json` is still malformed JSON (400 `invalid_json`).
 */
export function optionalJsonBody<T extends z.ZodType>(schema: T, example: z.input<T>) {
  // `required: true` for the validators: zod-openapi hands an absent optional body to the route as a
  // bare `{}` without the schema (no defaults: a bare skip had no `count`, a 500). Required, an
  // absent body is read as `{}` through the schema; the document says optional (normaliseDocument).
  const body = {
    required: true,
    description: "Optional: a request with no body (no `Content-Type`) is read as `{}`.",
    content: { "application/json": { schema, example } },
  } as const;
  optionalBodies.add(body);
  return body;
}

/** Bodies made by optionalJsonBody, and the operations (`post /v1/…`) that take one: documented `required: false`. */
const optionalBodies = new WeakSet<object>();
const absentReadsAsEmpty = new Set<string>();

/** A JSON success answer; `headers`: what the route itself sends beside it (an `ETag`), beyond what apiRoute adds. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string, headers?: readonly ResponseHeader[]) {
  return { description, ...(headers ? { headers: headerRefs(headers) } : {}), content: { "application/json": { schema } } } as const;
}

/**
 * A 200 whose body is JSON text already serialised (by SQL, say; as text or its UTF-8 bytes) and documented by `schema`:
 * typed as if `c.json` had sent it. The route's tests must check the text against the schema.
 * UTF-8 bytes are sent as they are (no transcoding of a string on the way out).
 */
export function jsonText<T extends z.ZodType>(c: Context, _schema: T, text: string | Uint8Array<ArrayBuffer>) {
  return c.body(text, 200, { "content-type": "application/json" }) as unknown as TypedResponse<JSONParsed<z.output<T>>, 200, "json">;
}

// ---------- the document as clients read it ----------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Keywords that only annotate a schema: beside a `$ref` they add no constraint. */
const ANNOTATIONS = new Set(["description", "example", "examples", "default", "deprecated", "readOnly", "writeOnly", "title"]);

/**
 * The generated document rewritten where generators emit what third-party tools misread — each
 * rule fixes a kind, wherever it occurs (test/node/openapi.test.ts checks the kinds are gone):
 * - `pattern` carries the regex flags (`"^off_…$/u"`: zod-to-openapi prints the RegExp): strip them.
 * - nullable references come out as `allOf: [{$ref}, {type: [object, null]}]`, which no validator
 *   accepts as null: emit `anyOf: [{$ref}, {type: "null"}]`.
 * - `allOf: [{$ref}, {description}]` makes generated clients type `X & unknown`: a `$ref` with
 *   sibling annotations (allowed in OpenAPI 3.1) says the same.
 * - a `default` inside a component reached from a request body makes openapi-typescript (default
 *   settings) require the field in requests: the default moves into the description.
 * - a schema that is only `anyOf`/`oneOf`/`allOf` (a nullable reference, a union by `type` or
 *   `kind`, an extension of a component) has no `type`: Scalar's viewer at /docs warns of such a
 *   schema as a "document validation error" (of some: which depends on the order it reads the
 *   document in), and every tool must work out the type from the branches. It states the type its branches give (`["object", "null"]` for a nullable object).
 */
export function normaliseDocument<T>(document: T): T {
  const doc = structuredClone(document) as unknown as JsonObject;
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!isObject(node)) return node;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) out[k] = rewrite(v);
    if (typeof out.pattern === "string") out.pattern = out.pattern.replace(/(?<=\$)\/[dgimsuvy]+$/, "");
    const all = out.allOf;
    if (Array.isArray(all) && all.length === 2) {
      const ref = all.find((s) => isObject(s) && typeof s.$ref === "string" && Object.keys(s).length === 1) as JsonObject | undefined;
      const other = all.find((s) => s !== ref) as JsonObject | undefined;
      if (ref && isObject(other)) {
        const { type, ...rest } = other;
        const nullable = Array.isArray(type) && type.includes("null");
        const annotationsOnly = Object.keys(rest).every((k) => ANNOTATIONS.has(k));
        if (annotationsOnly && (nullable || type === undefined)) {
          const { allOf: _, ...siblings } = out;
          return nullable ? { ...siblings, ...rest, anyOf: [ref, { type: "null" }] } : { ...siblings, ...rest, ...ref };
        }
      }
    }
    return out;
  };
  const fixed = rewrite(doc) as JsonObject;
  for (const operation of absentReadsAsEmpty) {
    const [method, path] = operation.split(" ") as [string, string];
    const body = (fixed.paths as Record<string, Record<string, { requestBody?: { required?: boolean } }>>)[path]?.[method]?.requestBody;
    if (body) body.required = false;
  }
  moveRequestDefaults(fixed);
  typeCompositions(fixed);
  shareRepeatedProblems(fixed);
  return fixed as unknown as T;
}

/**
 * RFC 9110's reason phrases, as the names of the problem responses operations share
 * (`#/components/responses/Unauthorized`).
 */
const REASON_PHRASES: Record<string, string> = {
  "400": "BadRequest",
  "401": "Unauthorized",
  "403": "Forbidden",
  "404": "NotFound",
  "409": "Conflict",
  "412": "PreconditionFailed",
  "413": "ContentTooLarge",
  "415": "UnsupportedMediaType",
  "422": "UnprocessableContent",
  "429": "TooManyRequests",
  "500": "InternalServerError",
  "503": "ServiceUnavailable",
};

/**
 * Problem responses and examples written once in `components` and referred to (`$ref`) wherever
 * they recur. Every operation answers 401, 429, 500 and 503 with the same codes, headers and
 * examples: written out per operation they were 0.9 of the document's 2.0 MB (compact), and a
 * partner's generated client typed each copy apart (trial50: tsc took 34 s on the types).
 * - a status's response that most operations answering that status give word for word (more than
 *   half of them) becomes `#/components/responses/<reason phrase>`; the others stay inline, so the
 *   name never stands for one variant of several alike (403 with or without `session_not_allowed`,
 *   404 of a customer or of a subscription);
 * - an error code's example that two or more responses carry becomes `#/components/examples/<code>`
 *   (the most common, where a code has more than one).
 * What an operation may answer is unchanged: the same statuses, headers, schemas and examples.
 */
function shareRepeatedProblems(doc: JsonObject) {
  const components = (doc.components ??= {}) as JsonObject;
  const operations = Object.values(doc.paths as Record<string, JsonObject>).flatMap((item) =>
    Object.values(item).filter((op): op is JsonObject & { responses: JsonObject } => isObject(op) && isObject(op.responses)),
  );
  /** The value used most often by the counted keys, when used twice or more (ties: the first in text order). */
  const mostUsed = (uses: Map<string, number>) => {
    const [best] = [...uses].filter(([, n]) => n >= 2).sort(([a, n], [b, m]) => m - n || (a < b ? -1 : 1));
    return best?.[0];
  };
  const total = (uses: Map<string, number>) => [...uses.values()].reduce((a, b) => a + b, 0);

  const responses: JsonObject = {};
  for (const [status, name] of Object.entries(REASON_PHRASES)) {
    const uses = new Map<string, number>();
    for (const op of operations) {
      const response = op.responses[status];
      if (isObject(response) && !("$ref" in response)) uses.set(JSON.stringify(response), (uses.get(JSON.stringify(response)) ?? 0) + 1);
    }
    const shared = mostUsed(uses);
    if (shared === undefined || uses.get(shared)! * 2 <= total(uses)) continue;
    responses[name] = JSON.parse(shared) as Json;
    for (const op of operations) if (JSON.stringify(op.responses[status]) === shared) op.responses[status] = { $ref: `#/components/responses/${name}` };
  }
  if (Object.keys(responses).length > 0) components.responses = { ...(components.responses as JsonObject | undefined), ...responses };

  // Every problem response's examples map, shared responses included, after the step above.
  const exampleMaps = [...operations.flatMap((op) => Object.values(op.responses)), ...Object.values(responses)]
    .map((r) => (isObject(r) && isObject(r.content) && isObject(r.content["application/problem+json"]) ? r.content["application/problem+json"].examples : undefined))
    .filter(isObject);
  const byCode = new Map<string, Map<string, number>>();
  for (const examples of exampleMaps) {
    for (const [code, example] of Object.entries(examples)) {
      if (!isObject(example) || "$ref" in example) continue;
      const uses = byCode.get(code) ?? new Map<string, number>();
      uses.set(JSON.stringify(example), (uses.get(JSON.stringify(example)) ?? 0) + 1);
      byCode.set(code, uses);
    }
  }
  const examples: JsonObject = {};
  for (const [code, uses] of [...byCode].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const shared = mostUsed(uses);
    if (shared !== undefined) examples[code] = JSON.parse(shared) as Json;
  }
  for (const map of exampleMaps) {
    for (const [code, example] of Object.entries(map)) if (code in examples && JSON.stringify(example) === JSON.stringify(examples[code])) map[code] = { $ref: `#/components/examples/${code}` };
  }
  if (Object.keys(examples).length > 0) components.examples = { ...(components.examples as JsonObject | undefined), ...examples };
}

/** JSON Schema's name for the type of a value (`const`, `enum`); an integral number is a "number" too. */
const typeOfValue = (v: Json): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "object" ? "object" : typeof v);

/**
 * The types a schema admits, as its `type` would list them, through `$ref`, `anyOf`/`oneOf` (any
 * branch's type) and `allOf` (the types every part allows); undefined when some branch says
 * nothing (`{}`: any type), which no `type` could state.
 */
function schemaTypes(node: Json | undefined, components: JsonObject, seen: ReadonlySet<string> = new Set()): string[] | undefined {
  if (!isObject(node)) return undefined;
  if (typeof node.$ref === "string") {
    const name = node.$ref.slice("#/components/schemas/".length);
    return seen.has(name) ? undefined : schemaTypes(components[name], components, new Set([...seen, name]));
  }
  if (typeof node.type === "string") return [node.type];
  if (Array.isArray(node.type)) return node.type.filter((t): t is string => typeof t === "string");
  if ("const" in node) return [typeOfValue(node.const ?? null)];
  if (Array.isArray(node.enum)) return [...new Set(node.enum.map(typeOfValue))];
  const branches = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (branches) {
    const each = branches.map((b) => schemaTypes(b, components, seen));
    return each.every((t) => t !== undefined) ? [...new Set(each.flat())] : undefined;
  }
  if (Array.isArray(node.allOf)) {
    const parts = node.allOf.map((p) => schemaTypes(p, components, seen)).filter((t) => t !== undefined);
    // An integer is a number: allOf [{type: number}, {type: integer}] admits integers.
    const admits = (types: string[], t: string) => types.includes(t) || (t === "integer" && types.includes("number"));
    return parts.length ? parts.reduce((all, t) => all.filter((x) => admits(t, x))) : undefined;
  }
  return undefined;
}

/**
 * Every composition without a `type` states the type its branches give (normaliseDocument) —
 * except a union with a literal branch (`true`, an enum of strings): openapi-typescript reads
 * `type: boolean` beside it as any boolean (`string` as any string), and the literal would be lost
 * in partners' clients. (Today that is only ChangeSource's `comeback`, which the viewer accepts.)
 */
function typeCompositions(doc: JsonObject) {
  const components = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  const resolve = (node: Json): Json => (isObject(node) && typeof node.$ref === "string" ? (components[node.$ref.slice("#/components/schemas/".length)] ?? null) : node);
  const literal = (branch: Json) => {
    const s = resolve(branch);
    return isObject(s) && ("const" in s || "enum" in s) && !(schemaTypes(s, components) ?? []).every((t) => t === "object" || t === "array" || t === "null");
  };
  const visit = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    for (const [k, v] of Object.entries(node)) if (k !== "example" && k !== "examples") visit(v);
    if (node.type !== undefined || !(node.anyOf || node.oneOf || node.allOf)) return;
    const union = [node.anyOf, node.oneOf].find(Array.isArray) ?? [];
    const types = schemaTypes(node, components);
    if (!types?.length || union.some(literal)) return;
    // `type` first, where a reader (and every other schema of the document) puts it.
    const rest = { ...node };
    for (const k of Object.keys(node)) delete node[k];
    Object.assign(node, { type: types.length === 1 ? types[0]! : types }, rest);
  };
  visit(doc);
}

/** Component schemas a request body reaches; their properties' defaults become prose. */
function moveRequestDefaults(doc: JsonObject) {
  const components = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  const reached = new Set<string>();
  const visit = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    if (typeof node.$ref === "string" && node.$ref.startsWith("#/components/schemas/")) {
      const name = node.$ref.slice("#/components/schemas/".length);
      if (!reached.has(name)) {
        reached.add(name);
        visit(components[name] ?? null);
      }
    }
    for (const v of Object.values(node)) visit(v);
  };
  for (const item of Object.values(isObject(doc.paths) ? doc.paths : {})) {
    for (const op of Object.values(isObject(item) ? item : {})) if (isObject(op)) visit(op.requestBody ?? null);
  }
  const strip = (node: Json) => {
    if (Array.isArray(node)) return node.forEach(strip);
    if (!isObject(node)) return;
    if (isObject(node.properties)) {
      for (const prop of Object.values(node.properties)) {
        if (isObject(prop) && "default" in prop) {
          const said = `Default: \`${JSON.stringify(prop.default)}\`.`;
          prop.description = typeof prop.description === "string" ? `${prop.description} ${said}` : said;
          delete prop.default;
        }
      }
    }
    for (const v of Object.values(node)) strip(v);
  };
  for (const name of reached) strip(components[name] ?? null);
}

