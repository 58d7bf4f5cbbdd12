import { desc, eq, lt, and } from "drizzle-orm";
import { apiKeys } from "../db/schema";
import { audited } from "../platform/audit";
import { ApiError } from "../platform/errors";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, page, PageQuery } from "../platform/openapi";
import { cursorList, decodeCursor, toPage } from "../platform/pagination";

/** The tenant's keys, newest first: the last key's id (platform/pagination). */
const KEYS_CURSOR = cursorList("key", ["id"]);
import { issueKey } from "./keys";
import { ApiKey, CreateKeyBody, KeyIdParam, NewApiKey } from "./schemas";

const tags = ["Keys"];

const publicKey = (k: typeof apiKeys.$inferSelect) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes as ("read" | "write" | "admin")[],
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

export const keysRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/keys",
      operationId: "listKeys",
      tags,
      scope: "admin",
      summary: "List API keys",
      description: "Every key of the tenant, newest first, with scopes and last use. Secrets are never shown again.",
      request: { query: PageQuery },
      responses: { 200: jsonResponse(page(ApiKey), "A page of keys") },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const after = decodeCursor(cursor, KEYS_CURSOR);
      const store = c.get("store");
      const rows = await store.q
        .select()
        .from(apiKeys)
        .where(store.owns(apiKeys, after ? lt(apiKeys.id, String(after[0])) : undefined))
        .orderBy(desc(apiKeys.id))
        .limit(limit + 1);
      const p = toPage(rows, limit, KEYS_CURSOR, (k) => [k.id]);
      return c.json({ data: p.data.map(publicKey), nextCursor: p.nextCursor }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/keys",
      operationId: "createKey",
      tags,
      scope: "admin",
      summary: "Create an API key",
      description: "The secret is in this response only; it is stored hashed.",
      request: { headers: IdempotencyHeaders, body: jsonBody(CreateKeyBody, { name: "IVR production", scopes: ["read"] }) },
      responses: { 201: jsonResponse(NewApiKey, "The new key with its secret") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const key = await audited(
        c,
        (s) => issueKey(s.q, { tenantId: s.tenantId, name: body.name, scopes: [...new Set(body.scopes)], at: c.get("services").now() }),
        (k) => ({ action: "key.created", target: { type: "key", id: k.id }, details: { name: k.name, scopes: k.scopes } }),
      );
      return c.json({ ...publicKey({ ...key }), secret: key.secret }, 201);
    },
  )
  .openapi(
    apiRoute({
      method: "delete",
      path: "/v1/keys/{keyId}",
      operationId: "revokeKey",
      tags,
      scope: "admin",
      summary: "Revoke an API key",
      description: "The key is refused from its next request on. Revoking a revoked key answers it unchanged.",
      request: { params: KeyIdParam },
      errors: ["key_not_found"],
      responses: { 200: jsonResponse(ApiKey, "The revoked key") },
    }),
    async (c) => {
      const { keyId } = c.req.valid("param");
      const at = c.get("services").now().toISOString();
      const { key } = await audited(
        c,
        async (s) => {
          const existing = await s.find(apiKeys, eq(apiKeys.id, keyId));
          if (!existing) throw new ApiError("key_not_found", { en: `No API key ${keyId}.`, ja: `API キー ${keyId} は見つかりません。` });
          if (existing.revokedAt) return { key: existing, revoked: false };
          await s.update(apiKeys, { revokedAt: at }, and(eq(apiKeys.id, keyId)));
          return { key: { ...existing, revokedAt: at }, revoked: true };
        },
        (r) => (r.revoked ? { action: "key.revoked", target: { type: "key", id: keyId } } : null),
      );
      return c.json(publicKey(key), 200);
    },
  );
