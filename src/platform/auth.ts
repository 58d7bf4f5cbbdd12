import type { InValue } from "@libsql/client";
import { eq, fillPlaceholders, sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Context, MiddlewareHandler } from "hono";
import { apiKeys } from "../db/schema";
import { resolveSettings, type TenantSettings } from "../settings/schemas";
import { sha256Hex, timingSafeEqual } from "./crypto";
import type { AppEnv, Scope } from "./env";
import { ApiError } from "./errors";
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

/**
 * secret → SHA-256, for keys seen recently (an IVR sends the same key all day). Only the hash is
 * remembered, never whether the key is valid: the key row is still read on every request, so a
 * revoked key fails on its next request.
 */
const hashes = new Map<string, string>();
/** key hash → its tenant, as last read (a hint for prefetches; see KeyPrefetch). */
const keyTenants = new Map<string, string>();
async function hashOf(secret: string): Promise<string> {
  let hash = hashes.get(secret);
  if (!hash) {
    hash = await sha256Hex(secret);
    if (hashes.size >= 1_000) hashes.clear();
    hashes.set(secret, hash);
  }
  return hash;
}
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

/**
 * The one auth middleware: resolves `Authorization: Bearer <key>` to a tenant and scopes, and
 * hands the request a TenantStore bound to that tenant. Revoked keys fail on their next request
 * because every request reads the key row (an index seek on the hash); nothing is cached.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  if (!header) throw new ApiError("missing_api_key", "Send your API key as `Authorization: Bearer <key>`.");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError("invalid_api_key", "The Authorization header must be `Bearer <key>`.");
  const secret = match[1]!;
  const hash = await hashOf(secret);
  const { db, now } = c.get("services");
  // Hand-written and run on the client directly: this statement is on every request's path.
  const { query, values, prefetch } = keyStatement(c, hash);
  const key = await db.readFirst(query.sql, fillPlaceholders(query.params, values) as InValue[]);
  // Columns as the statement lists them: id, tenant_id, scopes, secret_hash, last_used_at, settings, plan[, prefetch].
  if (!key || !timingSafeEqual(String(key[3]), hash)) {
    throw new ApiError("invalid_api_key", "The API key is unknown or has been revoked.");
  }
  const [id, keyTenant, scopes, , lastUsed, settings, plan, prefetched] = key;
  const tenantId = String(keyTenant);
  const keyId = String(id);
  if (keyTenants.get(hash) !== tenantId) {
    if (keyTenants.size >= 1_000) keyTenants.clear();
    keyTenants.set(hash, tenantId);
  }
  c.set("caller", { tenantId, keyId, scopes: JSON.parse(String(scopes)) as Scope[], settings: settingsFrom(String(settings ?? "{}")), plan: String(plan ?? "standard") });
  c.set("store", new TenantStore(db, tenantId));
  if (prefetch) c.set("prefetched", prefetched === null || prefetched === undefined ? null : String(prefetched));

  const at = now();
  const lastUsedAt = lastUsed === null || lastUsed === undefined ? null : String(lastUsed);
  if (!lastUsedAt || at.getTime() - Date.parse(lastUsedAt) > LAST_USED_RESOLUTION_MS) {
    const touch = db
      .write((tx) => tx.update(apiKeys).set({ lastUsedAt: at.toISOString() }).where(eq(apiKeys.id, keyId)))
      .catch(() => undefined); // bookkeeping only: never fail a request over it
    waitUntil(c, touch);
  }
  await next();
};

export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("caller").scopes.includes(scope)) {
      throw new ApiError("insufficient_scope", `This operation needs an API key with the \`${scope}\` scope.`, {
        requiredScope: scope,
      });
    }
    await next();
  };
}

/** Keeps background work alive after the response on Workers; on Node the promise just runs. */
export function waitUntil(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }, p: Promise<unknown>) {
  try {
    c.executionCtx.waitUntil(p);
  } catch {
    // Node: no execution context; the promise runs on its own.
  }
}
