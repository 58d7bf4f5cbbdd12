/**
 * Session tokens: compact JWTs (RFC 7519) signed HS256 with `jose` and a key derived from
 * SECRETS_KEY for the session kind (platform/secrets). A token only names its session row —
 * `sid` (session id) and `tid` (tenant) — and its expiry; what the session may reach is in the
 * row, read with each request so revocation takes effect at once. Verifying the signature and
 * expiry needs no database, on Node and in workerd alike (WebCrypto).
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { deriveKey, type SecretPurpose } from "./secrets";

export type SessionKind = "customer" | "console";

const PURPOSE: Record<SessionKind, SecretPurpose> = {
  customer: "customer-session-signing",
  console: "console-session-signing",
};
const ISSUER = "tsuzuku";
const audience = (kind: SessionKind) => `tsuzuku:${kind}-session`;

export type SessionClaims = { sessionId: string; tenantId: string; expiresAt: Date };

/** Signs a token for session `sessionId` of `tenantId`, valid until `expiresAt` (whole seconds). */
export async function signSessionToken(secretsKey: string, kind: SessionKind, claims: SessionClaims, now: Date): Promise<string> {
  return new SignJWT({ sid: claims.sessionId, tid: claims.tenantId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(audience(kind))
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(await deriveKey(secretsKey, PURPOSE[kind]));
}

export type VerifiedSession = { ok: true; sessionId: string; tenantId: string } | { ok: false; reason: "expired" | "invalid" };

/**
 * Checks signature, algorithm (HS256 only: no `none`, no key confusion), issuer, audience and
 * expiry against `now`. A token of another kind (a console token sent as a customer one) fails
 * on its audience and its key.
 */
export async function verifySessionToken(secretsKey: string, kind: SessionKind, token: string, now: Date): Promise<VerifiedSession> {
  try {
    const { payload } = await jwtVerify(token, await deriveKey(secretsKey, PURPOSE[kind]), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: audience(kind),
      currentDate: now,
      requiredClaims: ["exp", "sid", "tid"],
    });
    if (typeof payload.sid !== "string" || typeof payload.tid !== "string") return { ok: false, reason: "invalid" };
    return { ok: true, sessionId: payload.sid, tenantId: payload.tid };
  } catch (e) {
    return { ok: false, reason: e instanceof errors.JWTExpired ? "expired" : "invalid" };
  }
}

/** Whether a bearer credential has the shape of a JWT (three base64url parts), not an API key. */
export function looksLikeJwt(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(credential);
}
