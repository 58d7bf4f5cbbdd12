import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requestId } from "hono/request-id";
import { accessLog } from "./platform/access-log";
import { customersRouter } from "./customers/routes";
import { EventInput } from "./events/schemas";
import { eventsRouter } from "./events/routes";
import type { DocsOptions } from "./meta/docs";
import { metaRouter } from "./meta/routes";
import { authenticate } from "./platform/auth";
import { limitBodies } from "./platform/body-limit";
import { corsHeaders, preflight } from "./platform/cors";
import type { AppEnv, Services } from "./platform/env";
import { ApiError, asApiError, problemResponse } from "./platform/errors";
import { idempotency } from "./platform/idempotency";
import { limitFailedAuth, limitPerKey } from "./platform/rate-limit";
import { readJsonBody, refuseAbsentBody } from "./platform/request-body";
import { apiResponseHeaders, consoleSecurityHeaders, docsSecurityHeaders } from "./platform/csp";
import { normaliseDocument, registerResponseHeaders } from "./platform/openapi";
import { subscriptionsRouter } from "./subscriptions/routes";
import { keysRouter } from "./tenants/routes";
import { planChangesRouter } from "./plan-changes/routes";
import { settingsRouter } from "./settings/routes";
import { webhooksRouter } from "./webhooks/routes";
import { webhookDeliveriesRouter } from "./webhooks/deliveries";
import { registerWebhookEvents } from "./webhooks/events";
import { cancelFlowsRouter } from "./cancel-flows/routes";
import { offersRouter } from "./offers/routes";
import { metricsRouter } from "./metrics/routes";
import { riskRouter } from "./risk/routes";
import { lookupRouter } from "./lookup/routes";
import { portalRouter } from "./portal/routes";
import { customerSessionsRouter } from "./customer-sessions/routes";
import { checkoutChecksRouter } from "./checkout-checks/routes";
import { winbackRouter } from "./winback/routes";
import { insightsRouter } from "./insights/routes";
import { dataRightsRouter } from "./data-rights/routes";
import { syncRouter } from "./sync/routes";
import { knowledgeRouter } from "./knowledge/routes";
import { timelineRouter } from "./customers/timeline";
import { consoleSessionsRouter } from "./console/routes";
import { consolePages } from "./console/pages";

/** Every capability's router; each declares its own full paths. */
const domains = [
  customersRouter,
  timelineRouter,
  subscriptionsRouter,
  syncRouter,
  planChangesRouter,
  cancelFlowsRouter,
  offersRouter,
  metricsRouter,
  eventsRouter,
  riskRouter,
  lookupRouter,
  knowledgeRouter,
  consoleSessionsRouter,
  winbackRouter,
  insightsRouter,
  webhooksRouter,
  webhookDeliveriesRouter,
  settingsRouter,
  keysRouter,
  customerSessionsRouter,
  checkoutChecksRouter,
  dataRightsRouter,
];

export const MAX_BODY_BYTES = 1024 * 1024;

export const OPENAPI_INFO: Parameters<OpenAPIHono["getOpenAPI31Document"]>[0] = {
  openapi: "3.1.0",
  info: {
    title: "Tsuzuku API",
    version: "1.0.0",
    description:
      "Tsuzuku (続く) helps subscription (定期購入) merchants keep customers fairly: churn risk, reason-aware offers, self-service plan changes and a cancellation flow that is always two calls at most.\n\nAuthenticate with `Authorization: Bearer <api key>` from your servers; a customer's browser uses a customer session token (`POST /v1/customer-sessions`) instead. Errors are RFC 9457 `application/problem+json` with a stable `code`. Each operation lists the codes it answers; two belong to no operation, since the request names none: 404 `route_not_found` (no operation has this path; no path ends with a slash) and 405 `method_not_allowed` (the path exists, not with this method; the `Allow` header lists those it takes). A problem's `type` is `https://tsuzuku.dev/errors/{code}`: an identifier, one per code and as stable as the code, not a page to fetch; switch on `code`.\n\nRate limits: each API key or session may make a number of requests per minute set by its shop's plan (standard 1,200, business 6,000, enterprise 30,000), and a client address may send 30 refused credentials (401) per minute. Over a limit: 429 `rate_limited` with `Retry-After` (seconds), `RateLimit-Policy` (`\"standard\";q=1200;w=60`) and, where the count is known, `RateLimit` (`\"standard\";r=0;t=42`), per the IETF httpapi RateLimit header draft. Answers under the limit carry `RateLimit-Policy` (and `RateLimit` when known).\n\nEvery `/v1` answer, problems included, carries `Cache-Control: no-store` (they hold personal data: no browser, proxy or CDN keeps a copy) and `X-Content-Type-Options: nosniff`. A subscription's `ETag` is for `If-Match` on writes; no operation answers a conditional GET.\n\nDates (`YYYY-MM-DD`) and instants (RFC 3339) you send are not before 1980-01-01 (an instant: 1980-01-01T00:00:00Z); an earlier one is refused with 422 `validation_failed` naming the field.\n\nRequest bodies are JSON in UTF-8 (`Content-Type: application/json`), arrays and objects nested at most 64 levels (deeper → 400 `invalid_json`, nothing changed). An operation whose `requestBody` is `required` refuses a request with no body at all with 400 `invalid_json`; one whose body is optional reads a request with no body (and no `Content-Type`) as `{}`.",
    license: { name: "MIT", url: "https://opensource.org/licenses/MIT" },
    contact: { name: "Tsuzuku", url: "https://tsuzuku.dev" },
  },
  // Relative: "Try it" in /docs reaches the server that served it, on any host and port.
  servers: [{ url: "/", description: "The server that serves this document" }],
  tags: [
    { name: "Customers", description: "Customer data synced from the merchant's cart system." },
    { name: "Subscriptions", description: "定期 subscriptions synced from the merchant's cart system." },
    { name: "Plan changes", description: "Skip, pause, resume, quantity, interval and next delivery — within the shop's rules, with history." },
    { name: "Cancellation", description: "A fair cancel flow (two calls at most, one offer at most), its evidence, cancellation information and win-back." },
    { name: "Offers", description: "Reason-aware offers ranked by expected retained value, and the shop's offer catalogue (admin)." },
    { name: "Metrics", description: "Save rate (解約阻止率), churn, win-back and how long cancelling took (admin)." },
    { name: "Events", description: "Signals: deliveries, payments, contacts, stock, surveys." },
    { name: "Risk", description: "Churn risk that explains itself, scored by a model trained on the shop's own history." },
    { name: "Lookup", description: "The IVR / operator data dip: one call from a phone number or email to what the agent needs." },
    { name: "Knowledge", description: "The shop's FAQ and usage advice for operators, most used first." },
    { name: "Operators", description: "Console sessions for the operator console served at /console." },
    { name: "Win-back", description: "Letting customers go well and winning them back: the exit survey, keep-in-touch consent, whom to contact first and with which offer." },
    { name: "Insights", description: "Why customers leave, in their own words: counts, save rates and recurring themes by reason and month (admin)." },
    { name: "Webhooks", description: "Signed event delivery to the merchant's systems (admin)." },
    { name: "Settings", description: "The shop's rules (admin)." },
    { name: "Keys", description: "API keys of the tenant (admin)." },
    { name: "Customer sessions", description: "Short-lived tokens that let a customer's browser act for that customer only (my-page, the embed). Minted by your server with an API key." },
    { name: "Data rights", description: "The customer's rights (個人情報保護法, GDPR): erasure and disclosure, and the shop's audit log (admin)." },
    { name: "Meta", description: "Health and documentation." },
  ],
};

/**
 * The whole API as one Hono app. `services` resolves the database and clock per request: Node
 * hands the same ones every time; the Worker builds them from its bindings.
 */
export function createApp(services: (c: Context<AppEnv>) => Services, options: { docs?: DocsOptions; accessLog?: (line: string) => void } = {}) {
  const app = new OpenAPIHono<AppEnv>();

  app.use(requestId({ headerName: "X-Request-Id" }));
  // One JSON line per request (platform/access-log; Node's ACCESS_LOG=on). Off: no layer at all.
  if (options.accessLog) app.use(accessLog(options.accessLog));
  // Plain (not async) where nothing follows `next()`: each async layer adds a frame and a promise to every request.
  app.use((c, next) => {
    c.set("services", services(c));
    return next();
  });
  // Outermost on /v1, so every answer gets them, a preflight's and a problem's included.
  app.use("/v1/*", apiResponseHeaders);
  // CORS first: preflights are answered without credentials; answers to sessions get headers after.
  app.use("/v1/*", (c, next) => (c.req.method === "OPTIONS" ? preflight(c, next) : corsHeaders(c, next)));
  // Only for methods with a body: looking at a GET's body makes the Node adapter build a full
  // Request object, which costs the data dip ~4 % of its time. An operation may have its own limit
  // (apiRoute `maxBodyBytes`: the bulk sync's 4 MiB).
  const limitBody = limitBodies(MAX_BODY_BYTES);
  app.use("/v1/*", (c, next) =>
    c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next),
  );
  app.use("/v1/*", readJsonBody);
  for (const page of ["/docs", "/docs/*"]) app.use(page, docsSecurityHeaders);
  for (const page of ["/console", "/console/*", "/demo/console"]) app.use(page, consoleSecurityHeaders);
  // (A wrong console login token counts as a refused credential too: console/pages, whose 429 is a page.)
  app.use("/v1/*", limitFailedAuth);
  app.use("/v1/*", authenticate);
  app.use("/v1/*", limitPerKey);
  app.use("/v1/*", refuseAbsentBody);
  app.use("/v1/*", idempotency);

  for (const domain of domains) app.route("/", domain);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key of your tenant, e.g. `tsz_…`. Scopes: read, write, admin. Server-side only: a key sent from a browser page of another origin is refused (403 `api_key_in_browser`).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "customerSession", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A customer session token from `POST /v1/customer-sessions`, used from the customer's browser. Reaches only the operations that list this scheme, on that customer's own data, on channel `web`.",
  });
  registerResponseHeaders(app.openAPIRegistry);
  app.openAPIRegistry.register("EventInput", EventInput);
  registerWebhookEvents(app.openAPIRegistry);
  // Built at the first request and kept as its JSON's UTF-8 bytes (outside V8's heap), not as the
  // object tree, which every major GC would otherwise mark (≈ 5.5 MB of objects for 1.3 MB of JSON).
  let built: Uint8Array<ArrayBuffer> | undefined;
  const document = () => (built ??= new TextEncoder().encode(JSON.stringify(normaliseDocument(app.getOpenAPI31Document(OPENAPI_INFO)))));
  app.route("/", metaRouter(document, options.docs));
  app.route("/", portalRouter((request, c) => app.fetch(request, c.env, executionContext(c))));
  app.route("/", consolePages(app));

  app.notFound((c) => {
    const allowed = methodsFor(app, c.req.path);
    if (allowed.length > 0) {
      const res = problemResponse(c, new ApiError("method_not_allowed", { en: `${c.req.method} is not allowed here; use ${allowed.join(", ")}.`, ja: `このパスでは ${c.req.method} は使えません。${allowed.join(", ")} を使ってください。` }));
      res.headers.set("Allow", allowed.join(", "));
      return res;
    }
    const trimmed = c.req.path.replace(/\/+$/, "");
    if (trimmed !== c.req.path && trimmed !== "" && methodsFor(app, trimmed).length > 0) {
      // Paths never end with a slash: say so, rather than a 404 that reads like a missing record.
      return problemResponse(
        c,
        new ApiError("route_not_found", {
          en: `Paths do not end with a slash: use ${c.req.method} ${trimmed}.`,
          ja: `パスの末尾にスラッシュは付けません。${c.req.method} ${trimmed} を使ってください。`,
        }),
      );
    }
    return problemResponse(
      c,
      new ApiError("route_not_found", { en: `No route ${c.req.method} ${c.req.path}. See /docs.`, ja: `${c.req.method} ${c.req.path} というルートはありません。/docs を参照してください。` }),
    );
  });

  app.onError((err, c) => {
    const problem = asApiError(c, err);
    const res = problemResponse(c, problem);
    if (problem.code === "missing_api_key" || problem.code === "invalid_api_key") res.headers.set("WWW-Authenticate", 'Bearer realm="tsuzuku"');
    return res;
  });

  return app;
}

export type App = ReturnType<typeof createApp>;

/** The Worker's execution context; Node and `app.request` have none (Hono throws on access). */
function executionContext(c: Context<AppEnv>) {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

/** Each app's routes as (method, path pattern), compiled at its first miss: a miss used to build one RegExp per route (≈ 0.6 ms of CPU a 404). */
const routePatterns = new WeakMap<OpenAPIHono<AppEnv>, { method: string; pattern: RegExp }[]>();

function methodsFor(app: OpenAPIHono<AppEnv>, path: string): string[] {
  let patterns = routePatterns.get(app);
  if (!patterns) {
    patterns = app.routes
      .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
      .map((r) => ({ method: r.method, pattern: new RegExp("^" + r.path.replace(/:[A-Za-z0-9_]+/g, "[^/]+") + "$") }));
    routePatterns.set(app, patterns);
  }
  const methods = new Set<string>();
  for (const { method, pattern } of patterns) if (pattern.test(path)) methods.add(method);
  return [...methods];
}

/** The OpenAPI document, as served at /openapi.json and committed as openapi.json. */
export function openApiJson(): string {
  const app = createApp(() => {
    throw new Error("the OpenAPI document is built without services");
  });
  return JSON.stringify(normaliseDocument(app.getOpenAPI31Document(OPENAPI_INFO)), null, 2) + "\n";
}
