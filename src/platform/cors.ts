/**
 * CORS, per shop (issue #12). A shop lists the exact origins of its storefront pages in the
 * `allowedOrigins` setting. Preflights (which carry no credentials) from an origin some shop
 * allows are answered by Hono's CORS middleware; an actual response gets
 * `Access-Control-Allow-Origin` only when it answers a customer session of a shop that allows
 * that origin. API keys never get CORS headers: they are server-side secrets, and one sent from
 * another origin's page is refused in the auth layer (`api_key_in_browser`, see isForeignOrigin).
 */
import { decodeJwt } from "jose";
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { resolveSettings } from "../settings/schemas";
import type { AppEnv } from "./env";
import { EXPOSED_HEADERS } from "./response-headers";
import { looksLikeJwt } from "./session-tokens";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1"]);

/**
 * Whether `value` can be listed in `allowedOrigins`: an exact origin (scheme, host and port only,
 * as a browser sends it in `Origin`), https — or http for localhost / 127.0.0.1 on any port.
 */
export function isAllowableOrigin(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.origin !== value) return false; // a path, a trailing slash, credentials, upper case…
  if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return false; // no wildcards: exact hosts only
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

/** True when the request carries an `Origin` that is not the API's own (a page elsewhere sent it). */
export function isForeignOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return false; // servers, curl, IVRs: no Origin
  return origin !== new URL(c.req.url).origin;
}

/**
 * Headers a storefront's script may read from an answer: those openapi.json declares
 * (platform/response-headers), as one value for the preflight and the answer alike.
 */
const EXPOSED = EXPOSED_HEADERS.join(", ");

const ALLOWED_REQUEST_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "Accept-Language", "X-Request-Id"];

// Any shop's list: a preflight names no shop. One statement over the tenants' settings.
const ANY_TENANT_ALLOWS = "SELECT 1 FROM tenants t, json_each(t.settings, '$.allowedOrigins') o WHERE o.value = ? LIMIT 1";
const TENANT_SETTINGS = "SELECT settings FROM tenants WHERE id = ? LIMIT 1";

/** Answers preflights (OPTIONS) for origins some shop allows; other origins get no CORS headers. */
export const preflight: MiddlewareHandler<AppEnv> = cors({
  origin: async (origin, c: Context<AppEnv>) => {
    if (!origin || !isAllowableOrigin(origin)) return null;
    const row = await c.get("services").db.readFirst(ANY_TENANT_ALLOWS, [origin]);
    return row ? origin : null;
  },
  allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
  allowHeaders: ALLOWED_REQUEST_HEADERS,
  // One item: Hono joins a list with "," where the answer (withCorsHeaders) has ", ".
  exposeHeaders: [EXPOSED],
  maxAge: 600,
});

/**
 * After the request ran: CORS headers on the answer to a customer session whose shop allows the
 * page's origin. When the session itself was refused (expired, revoked), the token's shop (read
 * from its unverified claims — it only decides who may read a refusal) is asked, so the page can
 * read `session_expired` and mint a new session; a token naming no shop, by any shop that allows
 * the origin (the preflight's rule).
 * A request without `Origin` (servers, IVRs: nearly all) passes without an async frame.
 */
export const corsHeaders: MiddlewareHandler<AppEnv> = (c, next) => {
  const origin = c.req.header("origin");
  return origin === undefined || c.req.method === "OPTIONS" ? next() : withCorsHeaders(c, next, origin);
};

async function withCorsHeaders(c: Context<AppEnv>, next: () => Promise<void>, origin: string) {
  await next();
  const caller = c.get("caller");
  let allowed = false;
  if (caller) {
    allowed = caller.principal.kind === "customer" && caller.settings.allowedOrigins.includes(origin);
  } else {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (bearer && looksLikeJwt(bearer)) {
      let tenantId: unknown;
      try {
        tenantId = decodeJwt(bearer).tid;
      } catch {
        tenantId = undefined;
      }
      if (typeof tenantId === "string") {
        const row = await c.get("services").db.readFirst(TENANT_SETTINGS, [tenantId]);
        allowed = row !== undefined && row !== null && resolveSettings(JSON.parse(String(row[0] ?? "{}"))).allowedOrigins.includes(origin);
      } else if (isAllowableOrigin(origin)) {
        // A session token too mangled to name its shop (cut short when copied into the page): its
        // refusal names no shop and nobody, so a page some shop allows (as its preflight was) may
        // read it, and say "invalid session" rather than a network failure.
        allowed = (await c.get("services").db.readFirst(ANY_TENANT_ALLOWS, [origin])) != null;
      }
    }
  }
  if (!allowed) return;
  c.res.headers.set("Access-Control-Allow-Origin", origin);
  c.res.headers.append("Vary", "Origin");
  c.res.headers.set("Access-Control-Expose-Headers", EXPOSED);
}
