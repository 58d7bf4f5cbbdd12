/**
 * The response headers the API sends that a client may read, as openapi.json declares them
 * (`components/headers`, referenced by each response that sends one: platform/openapi) and as CORS
 * exposes them to a storefront's script (platform/cors). Kept here, with no imports, so both can
 * read it. Names are canonical case; HTTP header names are case-insensitive.
 *
 * Left out, on purpose: `Content-Type` (the document's `content` says it), the transport's own
 * (`Content-Length`, `Date`, `Connection`), `Vary` (for caches), `Cache-Control: no-store` and
 * `X-Content-Type-Options: nosniff` (the same on every /v1 answer, said once in openapi.json's
 * `info.description`; platform/csp apiResponseHeaders) and the CORS protocol's `Access-Control-*`
 * (for browsers) — test/support/contract.ts lets those pass undeclared.
 */
export const RESPONSE_HEADERS = {
  "X-Request-Id": {
    description:
      "This request's id in Tsuzuku's logs: quote it to support. The `X-Request-Id` you sent is echoed when it is 1–255 characters of A–Z, a–z, 0–9, `_`, `-`, `=`; otherwise a UUID is generated.",
    required: true,
    schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[A-Za-z0-9_=-]+$" },
    example: "0b6b1c52-8c5e-4f0e-9a43-3f7f2f4d9e21",
  },
  "Content-Language": {
    description: "`ja` or `en`, from `Accept-Language` (default `en`).",
    required: true,
    schema: { type: "string", enum: ["ja", "en"] },
    example: "en",
  },
  ETag: {
    description: 'The resource\'s `version` in quotes (`"3"`). Send it back as `If-Match` to refuse a write if the resource changed meanwhile (412 `version_conflict`).',
    required: true,
    schema: { type: "string", pattern: '^"[0-9]+"$' },
    example: '"3"',
  },
  "Idempotent-Replayed": {
    description:
      "`true` when this answer is the stored answer to an earlier request with the same `Idempotency-Key` and body (same status and body; a secret it carried is replaced by a note). Absent on a first answer.",
    schema: { type: "string", enum: ["true"] },
    example: "true",
  },
  "RateLimit-Policy": {
    description:
      'The rate limit that counted this request (IETF httpapi RateLimit header draft): `"<policy>";q=<requests>;w=<window in seconds>`. `"standard"`, `"business"` or `"enterprise"` count per API key or session by the shop\'s plan (`"standard";q=1200;w=60`); `"failed_auth"` counts refused credentials per client address (on its 429: `"failed_auth";q=30;w=60`). Absent where rate limiting is turned off (`RATE_LIMITS=off`) and on answers refused before the caller is known (401, 415).',
    schema: { type: "string", pattern: '^"[a-z_]+";q=[0-9]+;w=[0-9]+$' },
    example: '"standard";q=1200;w=60',
  },
  RateLimit: {
    description:
      'What is left of the policy\'s quota: `"<policy>";r=<requests remaining>;t=<seconds until the window resets>`, e.g. `"standard";r=17;t=42`. Sent where the count is known (the Node server); on Cloudflare Workers only `RateLimit-Policy` is sent.',
    schema: { type: "string", pattern: '^"[a-z_]+";r=[0-9]+;t=[0-9]+$' },
    example: '"standard";r=17;t=42',
  },
  "Content-Disposition": {
    description: "On a CSV answer (`Accept: text/csv`) only: `attachment` with the file name a browser saves it as (the report and its days, ASCII).",
    schema: { type: "string" },
    example: 'attachment; filename="retention_2026-11-04_2026-12-03.csv"',
  },
  "Retry-After": {
    description: "Seconds to wait before sending again: a whole number, at least 1.",
    required: true,
    schema: { type: "integer", minimum: 1 },
    example: 42,
  },
  "WWW-Authenticate": {
    description: 'On `missing_api_key` and `invalid_api_key`: `Bearer realm="tsuzuku"` (RFC 6750).',
    schema: { type: "string", enum: ['Bearer realm="tsuzuku"'] },
    example: 'Bearer realm="tsuzuku"',
  },
} as const;

export type ResponseHeader = keyof typeof RESPONSE_HEADERS;

/**
 * The declared headers a browser page may read from a cross-origin answer (the value of
 * `Access-Control-Expose-Headers`): every one but the CORS-safelisted (Fetch standard), which
 * pages read anyway.
 */
export const EXPOSED_HEADERS = (Object.keys(RESPONSE_HEADERS) as ResponseHeader[]).filter((name) => name !== "Content-Language");
