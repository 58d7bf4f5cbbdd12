import type { InValue } from "@libsql/client";
import { eq, fillPlaceholders, sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { apiKeys } from "../db/schema";
import { resolveSettings, type TenantSettings } from "../settings/schemas";
import { base64url, sha256Hex, timingSafeEqual } from "./crypto";
import type { Actor, AppEnv, Caller, Principal, Scope } from "./env";
import { ApiError, secretsKeyMismatch } from "./errors";
import { isForeignOrigin } from "./cors";
import { fromThisOrigin } from "./origin";
import { deriveKey } from "./secrets";
import { looksLikeJwt, verifySessionToken } from "./session-tokens";
import { TenantStore } from "./tenancy";

/** Only refresh `last_used_at` this often, so a hot IVR key does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * A read a route may have answered together with the key check, scoped by the key's own tenant
 * and returning one value (for instance a JSON document). It rides in the key's statement, so the
 * request costs one statement — one round trip to a libSQL server — and the key is still checked
 * on every request.
 * - `plan` reads the request: which statement it needs (a `shape`) and the values for that
 *   statement's placeholders; null reads nothing (an invalid input: the route validates and answers).
 * - `statement` builds a shape's statement, with `sql.placeholder(name)` for every value and
 *   `tenant` (the SQL of the key row's tenant id) for the scope. Each shape is compiled once, so
 *   the hot path only fills in values.
 */
export type KeyPrefetch = {
  /** `keyTenant`: the tenant this key belonged to when last seen here — a hint, which a statement must check, not trust. */
  plan: (c: Context<AppEnv>, params: string[], keyTenant: string | undefined) => { shape: string; values: Record<string, unknown> } | null;
  statement: (tenant: SQL, shape: string) => SQL;
};
const prefetches: (KeyPrefetch & { method: string; pattern: RegExp })[] = [];

/**
 * Registers a prefetch for a route given as `METHOD /path/{param}/…`; `plan` receives the path
 * parameters in order (decoded).
 */
export function prefetchWithKey(route: `GET /${string}`, prefetch: KeyPrefetch) {
  const [method, path] = route.split(" ") as [string, string];
  const pattern = new RegExp(`^${path.replace(/\{\w+\}/g, "([^/]+)")}$`);
  prefetches.push({ ...prefetch, method, pattern });
}

type Compiled = { sql: string; params: unknown[] };
const compiled = new Map<string, Compiled>();

/** The key check's statement for this request (compiled once per route and shape) and its values. */
function keyStatement(c: Context<AppEnv>, hash: string): { query: Compiled; values: Record<string, unknown>; prefetch: boolean } {
  // The first route that matches is this request's; it may still read nothing (plan → null).
  const index = prefetches.findIndex((p) => p.method === c.req.method && p.pattern.test(c.req.path));
  let plan: { index: number; shape: string; values: Record<string, unknown> } | null = null;
  if (index >= 0) {
    const p = prefetches[index]!;
    try {
      const read = p.plan(c, p.pattern.exec(c.req.path)!.slice(1).map(decodeURIComponent), keyTenants.get(hash));
      if (read) plan = { index, ...read };
    } catch {
      // e.g. a malformed escape: the route validates and answers
    }
  }
  const id = plan ? `${plan.index} ${plan.shape}` : "";
  let query = compiled.get(id);
  if (!query) {
    const prefetch = plan ? prefetches[plan.index]!.statement(KEY_TENANT, plan.shape) : null;
    query = dialect.sqlToQuery(sql`SELECT k.id, k.tenant_id, k.scopes, k.secret_hash, k.last_used_at, t.settings, t.plan${
      prefetch ? sql`, (${prefetch}) AS prefetch` : sql``
    } FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.secret_hash = ${sql.placeholder("keyHash")} AND k.revoked_at IS NULL LIMIT 1`);
    compiled.set(id, query);
  }
  return { query, values: { ...plan?.values, keyHash: hash }, prefetch: plan !== null };
}

const dialect = new SQLiteAsyncDialect();

/** key hash → its tenant, as last read (a hint for prefetches; see KeyPrefetch). */
const keyTenants = new Map<string, string>();
const KEY_TENANT = sql.raw("k.tenant_id");
const settingsCache = new Map<string, TenantSettings>();

function settingsFrom(text: string): TenantSettings {
  let s = settingsCache.get(text);
  if (!s) {
    s = resolveSettings(JSON.parse(text));
    if (settingsCache.size > 10_000) settingsCache.clear();
    settingsCache.set(text, s);
  }
  return s;
}

/** A key row's scopes (a JSON array as text: a handful of distinct values), parsed once; frozen, as every caller shares it. */
const scopesCache = new Map<string, readonly Scope[]>();
function scopesFrom(text: string): readonly Scope[] {
  let scopes = scopesCache.get(text);
  if (!scopes) {
    scopes = Object.freeze(JSON.parse(text) as Scope[]);
    if (scopesCache.size > 100) scopesCache.clear();
    scopesCache.set(text, scopes);
  }
  return scopes;
}

/** The API key principal: `Authorization: Bearer tsz_…`, checked against its hash on every request. */
const apiKeyPrincipal: PrincipalResolver = {
  kind: "key",
  accepts: (_c, bearer) => bearer !== null && !looksLikeJwt(bearer),
  async resolve(c, secret) {
    // A page elsewhere sent a secret key: refuse before looking it up, and say what to do instead.
    if (isForeignOrigin(c)) {
      throw new ApiError(
        "api_key_in_browser",
        { en: "API keys are secrets of your whole shop and must stay on your server. Mint a customer session on your server (POST /v1/customer-sessions) and use its token in the browser.", ja: "API キーはショップ全体の秘密情報のため、サーバーの外で使わないでください。サーバーで顧客セッションを発行し（POST /v1/customer-sessions）、そのトークンをブラウザで使ってください。" },
      );
    }
    // Hashed on every request (node:crypto, ≈ 1–3 µs: bench/sha256-cpu.ts); no secret is kept in memory.
    const hash = sha256Hex(secret!);
    const { db, now } = c.get("services");
    // Hand-written and run on the client directly: this statement is on every request's path.
    const { query, values, prefetch } = keyStatement(c, hash);
    const key = await db.readFirst(query.sql, fillPlaceholders(query.params, values) as InValue[]);
    // Columns as the statement lists them: id, tenant_id, scopes, secret_hash, last_used_at, settings, plan[, prefetch].
    if (!key || !timingSafeEqual(String(key[3]), hash)) {
      throw new ApiError("invalid_api_key", { en: "The API key is unknown or has been revoked.", ja: "API キーが存在しないか、無効化されています。" });
    }
    const [id, keyTenant, scopes, , lastUsed, settings, plan, prefetched] = key;
    const tenantId = String(keyTenant);
    const keyId = String(id);
    if (keyTenants.get(hash) !== tenantId) {
      if (keyTenants.size >= 1_000) keyTenants.clear();
      keyTenants.set(hash, tenantId);
    }
    if (prefetch) c.set("prefetched", prefetched === null || prefetched === undefined ? null : String(prefetched));

    const at = now();
    const lastUsedAt = lastUsed === null || lastUsed === undefined ? null : String(lastUsed);
    if (!lastUsedAt || at.getTime() - Date.parse(lastUsedAt) > LAST_USED_RESOLUTION_MS) {
      const touch = db
        .write((tx) => tx.update(apiKeys).set({ lastUsedAt: at.toISOString() }).where(eq(apiKeys.id, keyId)))
        .catch(() => undefined); // bookkeeping only: never fail a request over it
      waitUntil(c, touch);
    }
    return {
      tenantId,
      principal: { kind: "key", keyId },
      scopes: scopesFrom(String(scopes)),
      settings: settingsFrom(String(settings ?? "{}")),
      actor: { type: "key", id: keyId },
      plan: String(plan ?? "standard"),
    };
  },
};

/** What a customer session may do: read and write, never admin, on its own customer only. */
export const CUSTOMER_SESSION_SCOPES: readonly Scope[] = ["read", "write"];

/**
 * A session's row with whether the API key that minted it still stands, in the same statement (a
 * join, not a second round trip): `key_revoked` is 1 once that key is revoked (or gone), so a
 * shop that revokes a key ends every session it opened. A row without `key_id` (minted before the
 * key was kept) follows its expiry alone.
 */
const KEY_REVOKED = "(s.key_id IS NOT NULL AND (k.id IS NULL OR k.revoked_at IS NOT NULL))";
const sessionStatement = dialect.sqlToQuery(
  sql`SELECT s.customer_id, s.subscription_id, s.locale, s.expires_at, s.revoked_at, t.settings, t.plan, ${sql.raw(KEY_REVOKED)} AS key_revoked FROM customer_sessions s JOIN tenants t ON t.id = s.tenant_id LEFT JOIN api_keys k ON k.id = s.key_id AND k.tenant_id = s.tenant_id WHERE s.tenant_id = ${sql.placeholder("tenant")} AND s.id = ${sql.placeholder("id")} LIMIT 1`,
);

/**
 * The customer session principal: `Authorization: Bearer <JWT>` from a browser. The signature
 * and expiry are checked without the database; one read of the session row (with the tenant's
 * settings) tells revocation, the customer and the subscription it is bound to. No write.
 */
const customerSessionPrincipal: PrincipalResolver = {
  kind: "customer",
  accepts: (_c, bearer) => bearer !== null && looksLikeJwt(bearer),
  async resolve(c, token) {
    const { db, now, secretsKey, secretsKeyOpens } = c.get("services");
    const at = now();
    const verified = await verifySessionToken(secretsKey, "customer", token!, at);
    if (!verified.ok) {
      // Not the caller's fault when the service's own key is not the one it signed with (Workers: checked once per isolate, on this failing path only).
      if (secretsKeyOpens && !(await secretsKeyOpens())) throw secretsKeyMismatch();
      if (verified.reason === "expired") throw new ApiError("session_expired", { en: "The customer session has expired; mint a new one on your server.", ja: "顧客セッションの有効期限が切れています。サーバーで新しいセッションを発行してください。" });
      throw new ApiError("invalid_session", { en: "The session token is not valid.", ja: "セッショントークンが無効です。" });
    }
    const row = await db.readFirst(sessionStatement.sql, fillPlaceholders(sessionStatement.params, { tenant: verified.tenantId, id: verified.sessionId }) as InValue[]);
    if (!row) throw new ApiError("invalid_session", { en: "The session token is not valid.", ja: "セッショントークンが無効です。" });
    const [customerId, subscriptionId, locale, expiresAt, revokedAt, settings, plan, keyRevoked] = row;
    if ((revokedAt !== null && revokedAt !== undefined) || Number(keyRevoked) === 1) throw new ApiError("session_expired", { en: "The customer session was ended; mint a new one on your server.", ja: "顧客セッションは終了しています。サーバーで新しいセッションを発行してください。" });
    if (Date.parse(String(expiresAt)) <= at.getTime()) throw new ApiError("session_expired", { en: "The customer session has expired; mint a new one on your server.", ja: "顧客セッションの有効期限が切れています。サーバーで新しいセッションを発行してください。" });
    const principal = {
      kind: "customer" as const,
      sessionId: verified.sessionId,
      customerId: String(customerId),
      subscriptionId: subscriptionId === null || subscriptionId === undefined ? null : String(subscriptionId),
    };
    return {
      tenantId: verified.tenantId,
      principal,
      scopes: CUSTOMER_SESSION_SCOPES,
      settings: settingsFrom(String(settings ?? "{}")),
      actor: { type: "customer", id: principal.customerId },
      channel: "web",
      plan: String(plan ?? "standard"),
      ...(locale === "ja" || locale === "en" ? { locale } : {}),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Console sessions: an operator in Tsuzuku's own console (src/console), same-origin, by cookie.

/** The console's cookie: an opaque token whose SHA-256 is the session row's `token_hash`. */
export const CONSOLE_COOKIE = "tsz_console";
/**
 * What an operator may do: what the console itself does, and nothing else. A console session has
 * the `read` scope (every read a `read` key makes: the karte, lookups, risk, offers, knowledge,
 * win-back candidates; the at-risk list for a supervisor only, CONSOLE_SUPERVISOR_READS) and
 * `write` only for the operations in CONSOLE_WRITES — plan changes, the cancel flow, reactivation
 * (the win-back action it offers) and marking a knowledge entry used — each recorded with the
 * operator as actor on channel `operator`. Everything else that changes something (customer and
 * subscription master data, `POST /v1/sync`, events, customer sessions, keys, webhooks, settings,
 * offers) answers 403 `insufficient_scope`: a console session can never
 * act as the customer (mint a customer session) nor replace what the shop's cart system owns.
 * Contact notes are written by the console page itself (src/console/pages), not through
 * `POST /v1/events`.
 */
export const CONSOLE_SCOPES: readonly Scope[] = ["read"];
export const CONSOLE_WRITES: ReadonlySet<string> = new Set([
  "POST /v1/subscriptions/{subscriptionId}/skip",
  "POST /v1/subscriptions/{subscriptionId}/pause",
  "POST /v1/subscriptions/{subscriptionId}/resume",
  "POST /v1/subscriptions/{subscriptionId}/quantity",
  "POST /v1/subscriptions/{subscriptionId}/interval",
  "POST /v1/subscriptions/{subscriptionId}/next-delivery",
  "POST /v1/subscriptions/{subscriptionId}/cancel-flows",
  "POST /v1/cancel-flows/{flowId}/reason",
  "POST /v1/cancel-flows/{flowId}/accept",
  "POST /v1/cancel-flows/{flowId}/confirm",
  "POST /v1/subscriptions/{subscriptionId}/reactivate",
  "POST /v1/knowledge/{entryId}/uses",
]);
/**
 * The `read`s the console keeps for supervisors: its /console/at-risk page answers an operator 403,
 * so an operator's console session gets 403 `insufficient_scope` for them through /v1 too. (The
 * metrics and insights a supervisor's pages show need `admin`, which no console session has.)
 */
export const CONSOLE_SUPERVISOR_READS: ReadonlySet<string> = new Set(["GET /v1/risk/at-risk"]);
const CONSOLE_SESSION = `SELECT s.id, s.tenant_id, s.operator_id, s.operator_name, s.role, s.expires_at, s.revoked_at, t.settings, t.plan, ${KEY_REVOKED} AS key_revoked
  FROM console_sessions s JOIN tenants t ON t.id = s.tenant_id LEFT JOIN api_keys k ON k.id = s.key_id AND k.tenant_id = s.tenant_id WHERE s.token_hash = ? LIMIT 1`;

/**
 * The CSRF token of a console session: HMAC-SHA-256 of its id under the console key derived from
 * SECRETS_KEY (nothing stored). Pages put it in forms; a script sends it as `X-CSRF-Token`.
 */
export async function consoleCsrfToken(secretsKey: string, sessionId: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", (await deriveKey(secretsKey, "console-session-signing")) as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(sessionId)));
  return base64url(mac);
}

/**
 * The console session principal: the `tsz_console` cookie (HttpOnly, SameSite=Lax) of an operator
 * of one shop, when the request has no `Authorization`. The row is read on every request, so a
 * logout or expiry ends the session at once; no write. A request that changes something must
 * carry the page's CSRF token (`X-CSRF-Token`, or `formToken` for a console page's own form) and,
 * when the browser names its origin, come from this origin: a page elsewhere can make the browser
 * send the cookie but can neither read nor send the token.
 */
export async function resolveConsole(c: Context<AppEnv>, formToken?: string): Promise<Caller> {
  const { db, now, secretsKey, secretsKeyOpens } = c.get("services");
  const token = getCookie(c, CONSOLE_COOKIE) ?? "";
  const row = token ? await db.readFirst(CONSOLE_SESSION, [sha256Hex(token)]) : undefined;
  const [id, tenant, operatorId, operatorName, role, expiresAt, revokedAt, settings, plan, keyRevoked] = row ?? [];
  if (!row || (revokedAt !== null && revokedAt !== undefined) || Number(keyRevoked) === 1 || Date.parse(String(expiresAt)) <= now().getTime()) {
    throw new ApiError("session_expired", { en: "The console session has ended. Open a new console URL from your admin tool.", ja: "コンソールのセッションは終了しています。管理ツールから新しいコンソール URL を開いてください。" });
  }
  const sessionId = String(id);
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.method !== "OPTIONS") {
    const sent = formToken ?? c.req.header("x-csrf-token") ?? "";
    if (!fromThisOrigin(c) || !timingSafeEqual(sent, await consoleCsrfToken(secretsKey, sessionId))) {
      if (secretsKeyOpens && !(await secretsKeyOpens())) throw secretsKeyMismatch();
      throw new ApiError("csrf_rejected", { en: "This request did not come from a console page of this shop; reload the console and try again.", ja: "このリクエストは、このショップのコンソール画面から送られていません。コンソールを再読み込みして、もう一度お試しください。" });
    }
  }
  const principal = { kind: "console" as const, sessionId, operatorId: String(operatorId), operatorName: String(operatorName), role: role === "supervisor" ? ("supervisor" as const) : ("operator" as const), expiresAt: new Date(String(expiresAt)).toISOString() };
  return {
    tenantId: String(tenant),
    principal,
    scopes: CONSOLE_SCOPES,
    settings: settingsFrom(String(settings ?? "{}")),
    actor: { type: "operator", id: principal.operatorId, name: principal.operatorName },
    channel: "operator",
    plan: String(plan ?? "standard"),
  };
}

const consoleSessionPrincipal: PrincipalResolver = {
  kind: "console",
  accepts: (c, bearer) => bearer === null && getCookie(c, CONSOLE_COOKIE) !== undefined,
  resolve: (c) => resolveConsole(c),
};

/**
 * How a request proves who it is. The auth middleware asks each in turn; the first that
 * `accepts` the request resolves it (or refuses it with a 401 problem). `bearer` is the
 * `Authorization: Bearer` credential, or null when the request has none.
 *
 * The console session (a cookie) is one entry here, answering `principal: { kind: "console", … }`,
 * `scopes: CONSOLE_SCOPES`, `actor: { type: "operator", id, name }`, `channel: "operator"`.
 * Routes reach a console session like a key of those scopes, plus `write` on CONSOLE_WRITES (see
 * `authorize`); tenancy stays per tenant.
 */
export type PrincipalResolver = {
  kind: Principal["kind"];
  accepts: (c: Context<AppEnv>, bearer: string | null) => boolean;
  resolve: (c: Context<AppEnv>, bearer: string | null) => Promise<Caller>;
};

export const PRINCIPALS: PrincipalResolver[] = [customerSessionPrincipal, apiKeyPrincipal, consoleSessionPrincipal];

/**
 * The one auth middleware: resolves the request to a `Principal` (an API key, a customer
 * session, …; see PRINCIPALS) with its tenant, scopes and settings, and hands the request a
 * TenantStore bound to that tenant — and, for a customer session, to that customer.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  let bearer: string | null = null;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError("invalid_api_key", { en: "The Authorization header must be `Bearer <key>`.", ja: "Authorization ヘッダーは `Bearer <key>` の形式で指定してください。" });
    bearer = match[1]!;
  }
  const resolver = PRINCIPALS.find((p) => p.accepts(c, bearer));
  if (!resolver) {
    if (bearer === null) throw new ApiError("missing_api_key", { en: "Send your API key as `Authorization: Bearer <key>`.", ja: "API キーを `Authorization: Bearer <key>` の形式で送信してください。" });
    throw new ApiError("invalid_api_key", { en: "The API key is unknown or has been revoked.", ja: "API キーが存在しないか、無効化されています。" });
  }
  const caller = await resolver.resolve(c, bearer);
  c.set("caller", caller);
  const p = caller.principal;
  c.set("store", new TenantStore(c.get("services").db, caller.tenantId, undefined, p.kind === "customer" ? { customerId: p.customerId, subscriptionId: p.subscriptionId } : undefined));
  await next();
};

/** Whether a console session of `role` may call `operation` (`METHOD /path/{param}`) needing `scope`: the one rule (CONSOLE_SCOPES, CONSOLE_WRITES, CONSOLE_SUPERVISOR_READS). */
export function consoleMay(scope: Scope, operation: string, role: "operator" | "supervisor"): boolean {
  if (role !== "supervisor" && CONSOLE_SUPERVISOR_READS.has(operation)) return false;
  return CONSOLE_SCOPES.includes(scope) || (scope === "write" && CONSOLE_WRITES.has(operation));
}

/**
 * What a route lets through: an API key with `scope`; a console session with `scope` among
 * CONSOLE_SCOPES, or `write` on the console's own operations (CONSOLE_WRITES), and a supervisor's
 * reads (CONSOLE_SUPERVISOR_READS) only with role `supervisor` — else 403
 * `insufficient_scope`; a customer session only where the route says `customer: true` — any
 * other route answers 403 `session_not_allowed`, before anything is read. `operation`: the
 * route as `METHOD /path/{param}`.
 */
export function authorize(scope: Scope, customer: boolean, operation: string): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const caller = c.get("caller");
    if (caller.principal.kind === "customer" && !customer) {
      throw new ApiError("session_not_allowed", { en: "A customer session cannot call this operation; call it from your server with an API key.", ja: "顧客セッションではこの操作を呼び出せません。サーバーから API キーで呼び出してください。" });
    }
    if (caller.principal.kind === "console") {
      if (!consoleMay(scope, operation, caller.principal.role)) {
        const message = CONSOLE_SUPERVISOR_READS.has(operation)
          ? { en: "An operator's console session cannot call this operation: the console keeps it for supervisors (role `supervisor`).", ja: "オペレーターのコンソールセッションではこの操作を呼び出せません。コンソールではスーパーバイザー（role `supervisor`）用の操作です。" }
          : { en: `A console session cannot call this operation (it needs the \`${scope}\` scope beyond what the console does); call it from your server with an API key.`, ja: `コンソールのセッションではこの操作を呼び出せません（コンソールの業務を超える \`${scope}\` スコープが必要です）。サーバーから API キーで呼び出してください。` };
        throw new ApiError("insufficient_scope", message, { requiredScope: scope });
      }
      return next();
    }
    if (!caller.scopes.includes(scope)) {
      throw new ApiError("insufficient_scope", { en: `This operation needs an API key with the \`${scope}\` scope.`, ja: `この操作には \`${scope}\` スコープを持つ API キーが必要です。` }, {
        requiredScope: scope,
      });
    }
    return next();
  };
}

/**
 * What a customer session sees of who acted: the actor's `type` only (`{"type":"operator"}`), never
 * an operator's id and name nor an API key's id — staff details stay with the shop. Walks `body`
 * and rewrites every `actor` member; any other caller gets `body` as it is.
 */
export function actorsForCaller<T>(caller: Caller, body: T): T {
  if (caller.principal.kind !== "customer") return body;
  const walk = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(walk)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "actor" && x !== null && typeof x === "object" && "type" in x ? { type: (x as Actor).type } : walk(x)]))
        : v;
  return walk(body) as T;
}

/** The idempotency scope of a principal: one caller can never replay another's stored answer. */
export function principalTag(p: Principal): string {
  switch (p.kind) {
    case "key":
      return `key:${p.keyId}`;
    case "customer":
      return `cs:${p.sessionId}`;
    case "console":
      return `op:${p.sessionId}`;
  }
}

/** Keeps background work alive after the response on Workers; on Node the promise just runs. */
export function waitUntil(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }, p: Promise<unknown>) {
  try {
    c.executionCtx.waitUntil(p);
  } catch {
    // Node: no execution context; the promise runs on its own.
  }
}
