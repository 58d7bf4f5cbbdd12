import type { Context, MiddlewareHandler } from "hono";
import { MemoryStore } from "hono-rate-limiter";
import proxyaddr from "proxy-addr";
import { principalTag } from "./auth";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

/**
 * Rate limits, one middleware pair for both runtimes (counted by hono-rate-limiter's MemoryStore on
 * Node, by Workers Rate Limiting bindings on Workers):
 * - `limitFailedAuth`, around authentication: per client address, only 401 answers count; over the
 *   limit a refused key answers 429 instead of 401 until the window passes (wrong-key guessing is
 *   throttled), while a valid key from the same address is never refused by it — one client with a
 *   revoked key behind a load balancer or a shared office address does not shut out the others.
 * - `limitPerKey`, after authentication: per principal (an API key, a customer session, a console
 *   session: each counted on its own id, platform/auth principalTag), the limit of its shop's plan.
 * On Node the counts are in process memory (`Services.rateLimits`, from the environment; absent →
 * no limits, as for the bench). On Workers the Rate Limiting bindings of wrangler.toml count (one
 * binding per plan tier, fixed limits, no remaining count): a 429 carries `Retry-After` (the
 * window's length on both runtimes, `retryAfterOf`) and `RateLimit-Policy`, and `RateLimit` only
 * where the count is known (Node).
 * Headers follow the IETF httpapi draft (draft-ietf-httpapi-ratelimit-headers):
 * `RateLimit-Policy: "standard";q=1200;w=60`, `RateLimit: "standard";r=17;t=42`.
 */

/** Requests per minute per API key or session, by the tenant's plan (tenants.plan). Defaults; env overrides on Node. */
export const PLANS = { standard: 1_200, business: 6_000, enterprise: 30_000 } as const;
export type Plan = keyof typeof PLANS;
/** 401 answers per minute per client address before it gets 429. */
export const FAILED_AUTH_PER_MINUTE = 30;
const WINDOW_MS = 60_000;

/** Which hops in front of the server may name the client (proxy-addr's trust function: `i` 0 is the socket's peer). */
export type TrustProxy = (address: string, i: number) => boolean;
export type RateLimitConfig = {
  perKey: Record<Plan, number>;
  failedAuth: number;
  windowMs: number;
  /** Node behind a reverse proxy (`TRUST_PROXY`): the client address is read from `X-Forwarded-For` through these hops. Absent: the socket's peer. */
  trustProxy?: TrustProxy;
};

/**
 * `TRUST_PROXY` (Node): absent, empty, `off` or `0` → the socket's peer is the client (default);
 * a whole number n → the n nearest hops are proxies (`1`: one load balancer in front); otherwise a
 * comma-separated list of addresses, CIDRs and proxy-addr's names `loopback`, `linklocal`,
 * `uniquelocal` → hops from those addresses are proxies. The client is then the nearest address in
 * `X-Forwarded-For` not trusted (proxy-addr, as Express reads it). `true` is refused: trusting
 * every hop lets any client name its own address.
 */
export function trustProxyFromEnv(raw: string | undefined): TrustProxy | undefined {
  const value = raw?.trim() ?? "";
  if (value === "" || value === "off" || value === "0" || value === "false") return undefined;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, i) => i < hops;
  }
  if (value === "true") throw new Error("TRUST_PROXY=true would let any client name its own address: give the number of proxies in front (e.g. 1) or their addresses/CIDRs");
  try {
    return proxyaddr.compile(value.split(",").map((v) => v.trim()).filter((v) => v !== ""));
  } catch (e) {
    throw new Error(`TRUST_PROXY must be a number of hops or addresses/CIDRs (loopback, linklocal, uniquelocal allowed), got ${raw}: ${e instanceof Error ? e.message : e}`);
  }
}

/**
 * The Node configuration from the environment: `RATE_LIMITS=off` turns limits off; per-minute
 * numbers `RATE_LIMIT_STANDARD`, `RATE_LIMIT_BUSINESS`, `RATE_LIMIT_ENTERPRISE`,
 * `RATE_LIMIT_FAILED_AUTH`; `RATE_LIMIT_WINDOW_MS` (default 60,000); `TRUST_PROXY` (trustProxyFromEnv).
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
    trustProxy: trustProxyFromEnv(env.TRUST_PROXY),
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
 * The client's address: on Node the socket's peer, or with `TRUST_PROXY` the nearest untrusted
 * address of `X-Forwarded-For` (proxy-addr); on Workers `CF-Connecting-IP`, which Cloudflare sets
 * (a client cannot). Never `X-Forwarded-For` unless trusted: anyone can send it. Undefined when
 * unknown (an in-process request in tests), and then not limited by address.
 */
type Incoming = Parameters<typeof proxyaddr>[0];
function clientAddress(c: Context<AppEnv>, trustProxy?: TrustProxy): string | undefined {
  const incoming = (c.env as { incoming?: Incoming } | undefined)?.incoming;
  if (incoming) return trustProxy ? proxyaddr(incoming, trustProxy) : incoming.socket?.remoteAddress;
  return c.req.header("cf-connecting-ip");
}

/**
 * The 429. Its `Retry-After` (the problem's `retryAfterSeconds`, errors `problemResponse`) is the
 * window's whole length on both runtimes (`retryAfterOf`); `known`, where the count says what is
 * left and when it resets (Node), goes into `RateLimit`.
 */
function refuse(c: Context<AppEnv>, policy: string, limit: number, windowS: number, known?: { remaining: number; resetS: number }): never {
  const retryAfterS = retryAfterOf(windowS);
  c.header("RateLimit-Policy", `"${policy}";q=${limit};w=${windowS}`);
  if (known) c.header("RateLimit", `"${policy}";r=${known.remaining};t=${known.resetS}`);
  throw new ApiError("rate_limited", { en: `Too many requests: the limit is ${limit} per ${windowS} s (${policy}). Retry after ${retryAfterS} s.`, ja: `リクエストが多すぎます。上限は${windowS}秒あたり${limit}件です（${policy}）。${retryAfterS}秒後に再試行してください。` }, {
    limit,
    windowSeconds: windowS,
    retryAfterSeconds: retryAfterS,
  });
}

/**
 * The one rule for a rate-limit 429's `Retry-After` (and its `retryAfterSeconds`), the same figure
 * on Node and Workers: the window's length in whole seconds (60 for every limit here). It is never
 * less than the real wait — a fixed window's count starts afresh within one window of any refusal —
 * and never more than the window. It is not the exact wait: a Workers Rate Limiting binding answers
 * only yes or no and does not say when its window began, so only Node could know it, and a client
 * written against one runtime would then wait differently on the other (Node said 59 where the
 * Worker said 60). Node still says the exact wait, as `RateLimit`'s `t` (`secondsUntilReset`).
 */
export function retryAfterOf(windowS: number): number {
  return Math.max(1, windowS);
}

/**
 * `RateLimit`'s `t` on Node, whose count knows when its window resets (MemoryStore: the window's
 * first count + its length): whole seconds until then, rounded up, between 1 and the window's
 * length; the window's length when `reset` is unknown. Workers send no `RateLimit`.
 */
export function secondsUntilReset(reset: Date | undefined, windowS: number, now = Date.now()): number {
  if (!reset) return windowS;
  return Math.min(windowS, Math.max(1, Math.ceil((reset.getTime() - now) / 1000)));
}

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
 * Node: a refused credential (401) is counted against the client's address once answered; over the
 * limit that answer becomes 429. The key is always checked first, so a valid key is never refused
 * here, as on Workers. Parallel guesses are each counted before their answer leaves.
 */
async function failedAuthInMemory(c: Context<AppEnv>, next: () => Promise<void>, config: RateLimitConfig) {
  await next();
  if (c.res.status !== 401) return;
  const address = clientAddress(c, config.trustProxy);
  if (!address) return;
  const { failedAuth, windowS } = memoryLimiters(config);
  const { totalHits, resetTime } = failedAuth.increment(address);
  if (totalHits > config.failedAuth) overFailedAuth(c, config.failedAuth, windowS, { remaining: 0, resetS: secondsUntilReset(resetTime, windowS) });
}

/** Workers: the binding only counts, so a failure is counted after it happens; a client over the limit is refused from its next failure on. */
async function failedAuthOnWorkers(c: Context<AppEnv>, next: () => Promise<void>, binding: Binding) {
  await next();
  const address = clientAddress(c);
  if (c.res.status === 401 && address && !(await binding.limit({ key: address })).success) {
    const { limit, period } = BINDINGS.failed_auth;
    overFailedAuth(c, limit, period);
  }
}

/**
 * The 429 that replaces a refused key's 401, whose headers Hono carries over: its
 * `WWW-Authenticate` is not the 429's.
 */
function overFailedAuth(c: Context<AppEnv>, limit: number, windowS: number, known?: { remaining: number; resetS: number }): never {
  c.res.headers.delete("WWW-Authenticate");
  refuse(c, "failed_auth", limit, windowS, known);
}

async function perKeyOnWorkers(c: Context<AppEnv>, next: () => Promise<void>, binding: Binding, plan: Plan) {
  const { limit, period } = BINDINGS[plan];
  c.header("RateLimit-Policy", `"${plan}";q=${limit};w=${period}`);
  if (!(await binding.limit({ key: principalTag(c.get("caller").principal) })).success) refuse(c, plan, limit, period);
  return next();
}

/** Around authentication: throttles clients that keep sending refused keys (never a valid key). */
export const limitFailedAuth: MiddlewareHandler<AppEnv> = (c, next) => {
  const binding = bindingOf(c, "failed_auth");
  if (binding) return failedAuthOnWorkers(c, next, binding);
  const config = c.get("services").rateLimits;
  // In-process requests (tests, the in-process benches) have no address: nothing to count.
  if (!config || !(c.env as { incoming?: unknown } | undefined)?.incoming) return next();
  return failedAuthInMemory(c, next, config);
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
  const resetS = secondsUntilReset(resetTime, windowS);
  c.header("RateLimit-Policy", policy[plan]);
  if (totalHits > limit) refuse(c, plan, limit, windowS, { remaining: 0, resetS });
  c.header("RateLimit", `"${plan}";r=${limit - totalHits};t=${resetS}`);
  return next();
};
