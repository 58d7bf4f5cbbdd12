import { eq } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { apiKeys, tenants } from "../db/schema";
import { newId, randomToken, sha256Hex } from "../platform/crypto";
import type { Scope } from "../platform/env";

export const KEY_PREFIX = "tsz_";

/** A new API key: the secret is returned once and only its hash is stored. */
export async function issueKey(q: Queryable, input: { tenantId: string; name: string; scopes: readonly Scope[]; at: Date; secret?: string }) {
  const secret = input.secret ?? KEY_PREFIX + randomToken(32);
  const row = {
    id: newId("key"),
    tenantId: input.tenantId,
    name: input.name,
    prefix: secret.slice(0, KEY_PREFIX.length + 6),
    secretHash: sha256Hex(secret),
    scopes: [...input.scopes],
    createdAt: input.at.toISOString(),
  };
  await q.insert(apiKeys).values(row);
  return { ...row, secret, lastUsedAt: null, revokedAt: null };
}

export async function createTenant(q: Queryable, input: { name: string; at: Date; id?: string; plan?: string }) {
  const tenant = { id: input.id ?? newId("ten"), name: input.name, settings: {}, createdAt: input.at.toISOString(), plan: input.plan ?? "standard" };
  await q.insert(tenants).values(tenant);
  return tenant;
}

export async function findTenant(q: Queryable, id: string) {
  const [row] = await q.select().from(tenants).where(eq(tenants.id, id)).limit(1);
  return row;
}
