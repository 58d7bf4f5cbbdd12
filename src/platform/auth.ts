import { and, eq, isNull } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { apiKeys, tenants } from "../db/schema";
import { resolveSettings } from "../settings/schemas";
import { sha256Hex, timingSafeEqual } from "./crypto";
import type { AppEnv, Scope } from "./env";
import { ApiError } from "./errors";
import { TenantStore } from "./tenancy";

/** Only refresh `last_used_at` this often, so a hot IVR key does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The one auth middleware: resolves `Authorization: Bearer <key>` to a tenant and scopes, and
 * hands the request a TenantStore bound to that tenant. Revoked keys fail on their next request
 * because every request reads the key row (an index seek on the hash).
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  if (!header) throw new ApiError("missing_api_key", "Send your API key as `Authorization: Bearer <key>`.");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError("invalid_api_key", "The Authorization header must be `Bearer <key>`.");
  const secret = match[1]!;
  const hash = await sha256Hex(secret);
  const { db, now } = c.var.services;
  const [key] = await db.orm
    .select({
      id: apiKeys.id,
      tenantId: apiKeys.tenantId,
      scopes: apiKeys.scopes,
      secretHash: apiKeys.secretHash,
      lastUsedAt: apiKeys.lastUsedAt,
      // The tenant's rules come with the key: one round trip authenticates and configures the request.
      settings: tenants.settings,
    })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.secretHash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!key || !timingSafeEqual(key.secretHash, hash)) {
    throw new ApiError("invalid_api_key", "The API key is unknown or has been revoked.");
  }
  c.set("caller", { tenantId: key.tenantId, keyId: key.id, scopes: key.scopes as Scope[], settings: resolveSettings(key.settings) });
  c.set("store", new TenantStore(db, key.tenantId));

  const at = now();
  if (!key.lastUsedAt || at.getTime() - Date.parse(key.lastUsedAt) > LAST_USED_RESOLUTION_MS) {
    const touch = db
      .write((tx) => tx.update(apiKeys).set({ lastUsedAt: at.toISOString() }).where(eq(apiKeys.id, key.id)))
      .catch(() => undefined); // bookkeeping only: never fail a request over it
    waitUntil(c, touch);
  }
  await next();
};

export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.var.caller.scopes.includes(scope)) {
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
