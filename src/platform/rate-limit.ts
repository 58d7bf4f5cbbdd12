import type { Context, MiddlewareHandler } from "hono";
import { MemoryStore } from "hono-rate-limiter";
import { principalTag } from "./auth";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

/**
 * Rate limits, one middleware pair for both runtimes (counted by hono-rate-limiter's MemoryStore on
 * Node, by Workers Rate Limiting bindings on Workers):
 * - `limitFailedAuth`, before authentication: per client address, only 401 answers count; a client
 *   over the limit answers 429 before its key is even checked (wrong-key guessing is throttled).
 * - `limitPerKey`, after authentication: per principal (an API key, a customer session, a console
 *   session: each counted on its own id, platform/auth principalTag), the limit of its shop's plan.
 * On Node the counts are in process memory (`Services.rateLimits`, from the environment; absent →
 * no limits, as for the bench). On Workers the Rate Limiting bindings of wrangler.toml count (one
 * binding per plan tier, fixed limits, no remaining count): a 429 there carries `Retry-After` and
 * `RateLimit-Policy`, and `RateLimit` only where the count is known (Node).
 * Headers follow the IETF httpapi draft (draft-ietf-httpapi-ratelimit-headers):
 * `RateLimit-Policy: "standard";q=1200;w=60`, `RateLimit: "standard";r=17;t=42`.
 */

/** Requests per minute per API key or session, by the tenant's plan (tenants.plan). Defaults; env overrides on Node. */
export const PLANS = { standard: 1_200, business: 6_000, enterprise: 30_000 } as const;
export type Plan = keyof typeof PLANS;
/** 401 answers per minute per client address before it gets 429. */
export const FAILED_AUTH_PER_MINUTE = 30;
const WINDOW_MS = 60_000;

export type RateLimitConfig = { perKey: Record<Plan, number>; failedAuth: number; windowMs: number };

/**
 * The Node configuration from the environment: `RATE_LIMITS=off` turns limits off; per-minute
 * numbers `RATE_LIMIT_STANDARD`, `RATE_LIMIT_BUSINESS`, `RATE_LIMIT_ENTERPRISE`,
 * `RATE_LIMIT_FAILED_AUTH`; `RATE_LIMIT_WINDOW_MS` (default 60,000).
 */
export function rateLimitConfigFromEnv(env: Record<string, string | undefined>): RateLimitConfig | undefined {
  if (env.RATE_LIMITS === "off" || env.RATE_LIMITS === "0") return undefined;
  const n = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive whole number, got ${raw}`);
    return v;
  };
  return {
    perKey: { standard: n("RATE_LIMIT_STANDARD", PLANS.standard), business: n("RATE_LIMIT_BUSINESS", PLANS.business), enterprise: n("RATE_LIMIT_ENTERPRISE", PLANS.enterprise) },
    failedAuth: n("RATE_LIMIT_FAILED_AUTH", FAILED_AUTH_PER_MINUTE),
    windowMs: n("RATE_LIMIT_WINDOW_MS", WINDOW_MS),
  };
}

export function planOf(value: string): Plan {
  return value in PLANS ? (value as Plan) : "standard";
}

/** Workers Rate Limiting binding (wrangler.toml `[[ratelimits]]`). */
type Binding = { limit(options: { key: string }): Promise<{ success: boolean }> };
/** The binding of each plan tier, and of failed authentication, with the limits wrangler.toml gives them. */
const BINDINGS: Record<Plan | "failed_auth", { name: string; limit: number; period: number }> = {
  standard: { name: "RATE_LIMIT_STANDARD", limit: PLANS.standard, period: 60 },
  business: { name: "RATE_LIMIT_BUSINESS", limit: PLANS.business, period: 60 },
  enterprise: { name: "RATE_LIMIT_ENTERPRISE", limit: PLANS.enterprise, period: 60 },
  failed_auth: { name: "RATE_LIMIT_FAILED_AUTH", limit: FAILED_AUTH_PER_MINUTE, period: 60 },
};

function bindingOf(c: Context<AppEnv>, tier: Plan | "failed_auth"): Binding | undefined {
  const env = c.env as Record<string, unknown> | undefined;
  // The Worker var RATE_LIMITS=off (as on Node) leaves the bindings unused, e.g. for the bench's Workers path.
  if (env?.RATE_LIMITS === "off" || env?.RATE_LIMITS === "0") return undefined;
  const b = env?.[BINDINGS[tier].name] as Binding | undefined;
  return b && typeof b.limit === "function" ? b : undefined;
}

/**
 * The client's address: on Node the socket's peer; on Workers `CF-Connecting-IP`, which Cloudflare
 * sets (a client cannot). Not `X-Forwarded-For`: anyone can send it. Undefined when unknown (an
 * in-process request in tests), and then not limited by address.
 */
function clientAddress(c: Context<AppEnv>): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  if (incoming) return incoming.socket?.remoteAddress;
  return c.req.header("cf-connecting-ip");
}

function refuse(c: Context<AppEnv>, policy: string, limit: number, windowS: number, retryAfterS: number, remaining?: number): never {
  c.header("Retry-After", String(Math.max(1, retryAfterS)));
  c.header("RateLimit-Policy", `"${policy}";q=${limit};w=${windowS}`);
  if (remaining !== undefined) c.header("RateLimit", `"${policy}";r=${remaining};t=${Math.max(1, retryAfterS)}`);
  throw new ApiError("rate_limited", { en: `Too many requests: the limit is ${limit} per ${windowS} s (${policy}). Retry after ${Math.max(1, retryAfterS)} s.`, ja: `リクエストが多すぎます。上限は${windowS}秒あたり${limit}件です（${policy}）。${Math.max(1, retryAfterS)}秒後に再試行してください。` }, {
    limit,
    windowSeconds: windowS,
    retryAfterSeconds: Math.max(1, retryAfterS),
  });
}

const secondsUntil = (reset: Date | undefined, windowMs: number) => Math.ceil(((reset?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000);

/**
 * The in-memory counts of one configuration (hono-rate-limiter's MemoryStore: fixed windows,
 * synchronous) and each plan's `RateLimit-Policy` value, built once, not per request. The
 * middlewares below call the store directly rather than through the library's `rateLimiter`
 * middleware, whose ≈ 8 awaits and closures per request cost more than the counting itself.
 */
type Limiters = { perKey: MemoryStore; failedAuth: MemoryStore; windowS: number; policy: Record<Plan, string> };
const memory = new WeakMap<RateLimitConfig, Limiters>();

function memoryLimiters(config: RateLimitConfig): Limiters {
  let limiters = memory.get(config);
  if (limiters) return limiters;
  const windowS = Math.ceil(config.windowMs / 1000);
  const policy = Object.fromEntries((Object.keys(PLANS) as Plan[]).map((plan) => [plan, `"${plan}";q=${config.perKey[plan]};w=${windowS}`])) as Record<Plan, string>;
  const store = () => {
    const s = new MemoryStore();
    s.init({ windowMs: config.windowMs } as Parameters<MemoryStore["init"]>[0]);
    return s;
  };
  limiters = { perKey: store(), failedAuth: store(), windowS, policy };
  memory.set(config, limiters);
  return limiters;
}

/**
 * Counts a refused credential against `address`: every request is counted when it arrives and
 * gives its hit back once it was not refused (401), so a burst of parallel guesses is counted
 * before any of them is answered.
 */
async function countFailedAuth(c: Context<AppEnv>, next: () => Promise<void>, store: MemoryStore, address: string) {
  await next();
  if (c.res.status !== 401) store.decrement(address);
}

/** Workers: the binding only counts, so a failure is counted after it happens; a client over the limit is refused from its next failure on. */
async function failedAuthOnWorkers(c: Context<AppEnv>, next: () => Promise<void>, binding: Binding) {
  await next();
  const address = clientAddress(c);
  if (c.res.status === 401 && address && !(await binding.limit({ key: address })).success) {
    const { limit, period } = BINDINGS.failed_auth;
    // The 429 replaces the 401, whose headers Hono carries over: its `WWW-Authenticate` is not the
    // 429's (Node's 429, sent before the key is read, has none either).
    c.res.headers.delete("WWW-Authenticate");
    refuse(c, "failed_auth", limit, period, period);
  }
}

async function perKeyOnWorkers(c: Context<AppEnv>, next: () => Promise<void>, binding: Binding, plan: Plan) {
  const { limit, period } = BINDINGS[plan];
  c.header("RateLimit-Policy", `"${plan}";q=${limit};w=${period}`);
  if (!(await binding.limit({ key: principalTag(c.get("caller").principal) })).success) refuse(c, plan, limit, period, period);
  return next();
}

/** Before authentication: throttles clients that keep sending refused keys. */
export const limitFailedAuth: MiddlewareHandler<AppEnv> = (c, next) => {
  const binding = bindingOf(c, "failed_auth");
  if (binding) return failedAuthOnWorkers(c, next, binding);
  const config = c.get("services").rateLimits;
  const address = config && clientAddress(c);
  if (!address) return next();
  const { failedAuth, windowS } = memoryLimiters(config);
  const { totalHits, resetTime } = failedAuth.increment(address);
  if (totalHits > config.failedAuth) {
    failedAuth.decrement(address); // a refusal here is not a refused credential
    refuse(c, "failed_auth", config.failedAuth, windowS, secondsUntil(resetTime, config.windowMs), 0);
  }
  return countFailedAuth(c, next, failedAuth, address);
};

/** After authentication: the caller's key or session against its plan's limit. */
export const limitPerKey: MiddlewareHandler<AppEnv> = (c, next) => {
  const plan = planOf(c.get("caller").plan);
  const binding = bindingOf(c, plan);
  if (binding) return perKeyOnWorkers(c, next, binding, plan);
  const config = c.get("services").rateLimits;
  if (!config) return next();
  const { perKey, windowS, policy } = memoryLimiters(config);
  const limit = config.perKey[plan];
  const { totalHits, resetTime } = perKey.increment(principalTag(c.get("caller").principal));
  const resetS = Math.max(1, secondsUntil(resetTime, config.windowMs));
  c.header("RateLimit-Policy", policy[plan]);
  if (totalHits > limit) refuse(c, plan, limit, windowS, resetS, 0);
  c.header("RateLimit", `"${plan}";r=${limit - totalHits};t=${resetS}`);
  return next();
};
