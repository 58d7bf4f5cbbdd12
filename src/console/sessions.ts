import { z } from "@hono/zod-openapi";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { consoleSessions, tenants } from "../db/schema";
import { randomToken, sha256Hex } from "../platform/crypto";
import { Instant, shownName } from "../platform/openapi";
import type { TenantStore } from "../platform/tenancy";

export const CreateConsoleSessionBody = z
  .strictObject({
    operatorId: shownName(z.string().max(128)).openapi({ description: "The operator's id in your systems; changes and evidence name it as the actor. Stored as sent (nothing trimmed). Refused: blank or only invisible characters (spaces, U+3000, U+200B…), line breaks, and bidi controls (U+202A–U+202E, U+2066–U+2069).", example: "op-042" }),
    operatorName: shownName(z.string().max(200)).openapi({ description: "Stored as sent (nothing trimmed). Refused: blank or only invisible characters (spaces, U+3000, U+200B…), line breaks, and bidi controls (U+202A–U+202E, U+2066–U+2069).", example: "佐々木 美咲" }),
    role: z.enum(["operator", "supervisor"]).default("operator").openapi({ description: "A supervisor also opens /console/metrics." }),
    expiresInSeconds: z.number().int().min(60).max(43_200).default(28_800).openapi({ description: "How long the session lasts (a shift: default 8 h, at most 12 h)." }),
  })
  .openapi("CreateConsoleSession");

export const ConsoleSessionCreated = z
  .object({
    id: z.string().openapi({ example: "cs_4Rk2W9sPq7Lm3Vt8Yx1Z" }),
    url: z.string().openapi({ description: "Opened once in the operator's browser: sets the console cookie and lands on /console. Works once.", example: "http://localhost:8787/console/login?token=…" }),
    expiresAt: Instant,
  })
  .openapi("ConsoleSessionCreated");

/** A console session as `DELETE /v1/console-sessions/{sessionId}` answers it (no token: those are never stored). */
export const ConsoleSession = z
  .object({
    id: z.string().openapi({ example: "cs_4Rk2W9sPq7Lm3Vt8Yx1Z" }),
    operatorId: z.string().openapi({ example: "op-042" }),
    operatorName: z.string().openapi({ example: "佐々木 美咲" }),
    role: z.enum(["operator", "supervisor"]),
    createdAt: Instant,
    expiresAt: Instant,
    revokedAt: Instant.nullable(),
  })
  .openapi("ConsoleSession");

export const ConsoleSessionIdParam = z.object({
  sessionId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "sessionId", in: "path" }, example: "cs_4Rk2W9sPq7Lm3Vt8Yx1Z" }),
});

export const publicConsoleSession = (row: typeof consoleSessions.$inferSelect): z.output<typeof ConsoleSession> => ({
  id: row.id,
  operatorId: row.operatorId,
  operatorName: row.operatorName,
  role: row.role,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

/** Minutes within which the one-time URL must be opened; the session itself lasts longer. */
export const LOGIN_URL_MINUTES = 15;

/**
 * A new session; only hashes are stored, the login token goes into the URL once. `keyId`: the API
 * key that opened it — revoking that key ends the session (platform/auth reads both in one statement).
 */
export async function createConsoleSession(store: TenantStore, input: z.output<typeof CreateConsoleSessionBody>, now: Date, keyId: string | null) {
  const id = `cs_${randomToken(20)}`;
  const loginToken = randomToken(32);
  const expiresAt = new Date(now.getTime() + input.expiresInSeconds * 1000).toISOString();
  await store.q.insert(consoleSessions).values({
    id,
    tenantId: store.tenantId,
    operatorId: input.operatorId,
    operatorName: input.operatorName,
    role: input.role,
    keyId,
    tokenHash: null,
    loginHash: sha256Hex(loginToken),
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { id, loginToken, expiresAt };
}

/**
 * A one-time URL opens only while the API key that minted it stands (not revoked, not gone), as
 * platform/auth's KEY_REVOKED ends the session itself: else it would set a cookie whose first page
 * already answers 401. A session minted without a key (the demo's) follows its expiry alone.
 */
const MINTING_KEY_STANDS = sql.raw(
  "(console_sessions.key_id IS NULL OR EXISTS (SELECT 1 FROM api_keys k WHERE k.id = console_sessions.key_id AND k.tenant_id = console_sessions.tenant_id AND k.revoked_at IS NULL))",
);

/**
 * Who a one-time URL would sign in, without opening it: its shop (id and name) and operator, while
 * it can still be opened (as {@link redeemLogin} would take it); else null. The login page asks an
 * operator already signed in on the browser before a link of another shop or operator replaces
 * their session.
 */
export async function peekLogin(db: Database, loginToken: string, now: Date): Promise<{ tenantId: string; shopName: string; operatorId: string; operatorName: string } | null> {
  const at = now.toISOString();
  const notBefore = new Date(now.getTime() - LOGIN_URL_MINUTES * 60_000).toISOString();
  const [row] = await db.orm
    .select({ tenantId: consoleSessions.tenantId, shopName: tenants.name, operatorId: consoleSessions.operatorId, operatorName: consoleSessions.operatorName })
    .from(consoleSessions)
    .innerJoin(tenants, eq(tenants.id, consoleSessions.tenantId))
    .where(and(eq(consoleSessions.loginHash, sha256Hex(loginToken)), isNull(consoleSessions.loginUsedAt), isNull(consoleSessions.revokedAt), gt(consoleSessions.expiresAt, at), gt(consoleSessions.createdAt, notBefore), MINTING_KEY_STANDS))
    .limit(1);
  return row ?? null;
}

/** A shop's name, for the login page that says whose console the browser is signed in to. */
export async function shopName(db: Database, tenantId: string): Promise<string | null> {
  const [row] = await db.orm.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  return row?.name ?? null;
}

/**
 * Opens a one-time URL: the first call within LOGIN_URL_MINUTES, while its minting key stands, gets
 * a fresh cookie token (only its hash is kept); any later call gets null. One UPDATE, so two racing opens cannot both win.
 */
export async function redeemLogin(db: Database, loginToken: string, now: Date): Promise<{ token: string; expiresAt: string } | null> {
  const token = randomToken(32);
  const at = now.toISOString();
  const notBefore = new Date(now.getTime() - LOGIN_URL_MINUTES * 60_000).toISOString();
  const hash = sha256Hex(loginToken);
  const tokenHash = sha256Hex(token);
  const [row] = await db.write((tx) =>
    tx
      .update(consoleSessions)
      .set({ loginUsedAt: at, tokenHash })
      .where(and(eq(consoleSessions.loginHash, hash), isNull(consoleSessions.loginUsedAt), isNull(consoleSessions.revokedAt), gt(consoleSessions.expiresAt, at), gt(consoleSessions.createdAt, notBefore), MINTING_KEY_STANDS))
      .returning({ expiresAt: consoleSessions.expiresAt }),
  );
  return row ? { token, expiresAt: row.expiresAt } : null;
}
/**
 * Revokes a session of this shop (`DELETE /v1/console-sessions/{sessionId}`): from its next request
 * on, the cookie is refused. `revoked`: false when it already was (the row is answered unchanged);
 * null when there is no such session in this shop.
 */
export async function revokeConsoleSession(store: TenantStore, sessionId: string, now: Date): Promise<{ row: typeof consoleSessions.$inferSelect; revoked: boolean } | null> {
  const existing = await store.find(consoleSessions, eq(consoleSessions.id, sessionId));
  if (!existing) return null;
  if (existing.revokedAt) return { row: existing, revoked: false };
  const at = now.toISOString();
  await endConsoleSession(store, sessionId, now);
  return { row: { ...existing, revokedAt: at }, revoked: true };
}

/** Logout: the session ends at once (every request reads its row). */
export async function endConsoleSession(store: TenantStore, sessionId: string, now: Date) {
  await store.update(consoleSessions, { revokedAt: now.toISOString() }, eq(consoleSessions.id, sessionId));
}

/**
 * What `npm start` says about the console (src/node.ts): how an operator of the shop running this
 * gets in — a one-time URL from `POST /v1/console-sessions` with the shop's admin key, as the
 * README's "The operator console" shows it (a CTI, SSO bridge or admin tool calls it) — and, in demo
 * mode with the demo shop seeded (`demoLoginToken`), a ready one-time URL for the demo shop, named as
 * the demo's, with `/demo/console` for a fresh one. Pure.
 */
export function startupConsoleLines(base: string, demoLoginToken: string | null): string[] {
  const lines = [
    `  Console:  ${base}/console — an operator of your shop opens it with a one-time URL from POST /v1/console-sessions (your shop's admin key):`,
    `            curl -s -X POST ${base}/v1/console-sessions -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" -d '{"operatorId":"op-001","operatorName":"佐々木 美咲"}'`,
  ];
  if (demoLoginToken) lines.push(`  Demo console: ${base}/console/login?token=${demoLoginToken}  (the demo shop's; once; ${base}/demo/console opens a fresh one)`);
  return lines;
}
