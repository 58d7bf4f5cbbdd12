import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "./env";

/**
 * One request as the access log writes it, one JSON object per line (a log shipper's format):
 * `time` (UTC ISO, when it arrived), `requestId` (the `X-Request-Id` answered), `method`, `route`
 * (the route's pattern, `/v1/customers/:customerId` — never the path as sent, which carries
 * customer and subscription ids, nor its query, which may carry a console login token), `status`,
 * `ms` (until the answer's headers: a streamed export may run on after), `tenantId`, `principal`
 * (`key`, `customer`, `console`; null when the request was not authenticated) and `principalId`
 * (the API key's id, the operator's id, or the customer session's id — never the customer's: so
 * a read is traceable to the key or operator that made it, for the shop's own accountability).
 * Never a phone number, an e-mail, a name, a token or a key's secret.
 */
export type AccessLogEntry = {
  time: string;
  requestId: string;
  method: string;
  route: string;
  status: number;
  ms: number;
  tenantId: string | null;
  principal: string | null;
  principalId: string | null;
};

/**
 * The access log's middleware (createApp's `accessLog`, ACCESS_LOG=on): `write` receives each
 * request's line once it is answered. Not installed at all when the log is off, so then it costs
 * nothing.
 */
export function accessLog(write: (line: string) => void): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const time = new Date().toISOString();
    const started = performance.now();
    await next();
    write(JSON.stringify(accessLogEntry(c, time, performance.now() - started)));
  };
}

function accessLogEntry(c: Context<AppEnv>, time: string, ms: number): AccessLogEntry {
  const caller = c.get("caller") as AppEnv["Variables"]["caller"] | undefined;
  return {
    time,
    requestId: c.get("requestId") ?? "",
    method: c.req.method,
    // The last handler that ran: the route's own (a middleware's pattern, `/v1/*`, when none matched).
    route: routePath(c, -1),
    status: c.res.status,
    ms: Math.round(ms * 10) / 10,
    tenantId: caller?.tenantId ?? null,
    principal: caller?.principal.kind ?? null,
    principalId: caller ? principalIdOf(caller.principal) : null,
  };
}

function principalIdOf(p: AppEnv["Variables"]["caller"]["principal"]): string {
  return p.kind === "key" ? p.keyId : p.kind === "console" ? p.operatorId : p.sessionId;
}
