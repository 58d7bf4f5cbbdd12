import { and, eq } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { idempotencyKeys } from "../db/schema";
import { canonicalJson, sha256Hex } from "./crypto";
import type { AppEnv } from "./env";
import { ApiError, type ErrorCode } from "./errors";

const TTL_MS = 24 * 60 * 60 * 1000;
/** A claim older than this was left by a process that died mid-request; it may be taken over. */
const ABANDONED_MS = 60_000;
const WAIT_FOR_FIRST_MS = 10_000;
const POLL_MS = 15;

/**
 * Outcomes that say the request was not performed: it was not authorised, not valid, the server
 * failed, or a precondition of it failed. Like Stripe, these are not remembered, so a corrected
 * retry with the same key runs.
 *
 * A failed precondition (RFC 9110 §13.1.1: "the server MUST NOT perform the requested method")
 * means the client must refresh its view and retry; replaying the refusal would make the retry
 * fail forever. `version_conflict` is the 412 of `If-Match`; `unknown_customer` is the sync's
 * equivalent — a subscription synced before its customer, retried once the customer is synced.
 */
const NOT_REMEMBERED = new Set<ErrorCode>([
  "version_conflict",
  "unknown_customer",
  "invalid_json",
  "invalid_request",
  "missing_api_key",
  "invalid_api_key",
  "insufficient_scope",
  "route_not_found",
  "method_not_allowed",
  "payload_too_large",
  "unsupported_media_type",
  "validation_failed",
  "idempotency_key_in_use",
  "idempotency_key_reused",
  "internal_error",
  "database_unavailable",
]);

const REPLAYED_HEADERS = ["content-type", "etag", "location"];

/**
 * The one idempotency layer, for every mutating request that carries `Idempotency-Key`.
 * The key is claimed with a single INSERT … ON CONFLICT DO NOTHING, so of two racing requests
 * exactly one runs; the other waits for its result and replays it.
 */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
  const key = c.req.header("idempotency-key");
  if (key === undefined) return next();
  if (key.length < 1 || key.length > 255) {
    throw new ApiError("validation_failed", "Idempotency-Key must be 1–255 characters.", {
      errors: [{ path: "header.idempotency-key", message: "Must be 1–255 characters" }],
    });
  }

  const raw = await c.req.text();
  let body: string = raw;
  try {
    body = raw === "" ? "" : canonicalJson(JSON.parse(raw));
  } catch {
    // not JSON: the route's own validation answers it; hash the bytes as they are
  }
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${body}`);
  const { db, now } = c.get("services");
  const store = c.get("store");
  const where = store.owns(idempotencyKeys, eq(idempotencyKeys.key, key));

  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  const isStale = (row: typeof idempotencyKeys.$inferSelect, at: Date) =>
    at.getTime() - Date.parse(row.createdAt) > TTL_MS ||
    (row.state === "in_progress" && row.requestHash === requestHash && at.getTime() - Date.parse(row.lockedAt) > ABANDONED_MS);

  /** Inserts the claim, or answers the live row that holds the key. */
  const claim = () => {
    const at = now();
    return store.write(async (s) => {
      const [row] = await s.q.select().from(idempotencyKeys).where(where).limit(1);
      if (row && !isStale(row, at)) return row;
      if (row) await s.delete(idempotencyKeys, eq(idempotencyKeys.key, key));
      await s.insert(idempotencyKeys, { key, requestHash, state: "in_progress", createdAt: at.toISOString(), lockedAt: at.toISOString() });
      return null;
    });
  };

  // Claim the key in one write transaction; while another request holds it, wait with plain
  // reads (not writes, which would queue behind every other writer) and claim again only if
  // the holder let go.
  let existing = await claim();
  while (existing !== null) {
    if (existing.requestHash !== requestHash) {
      throw new ApiError("idempotency_key_reused", "This Idempotency-Key was already used with a different request body or path.");
    }
    if (existing.state === "done") {
      const headers = new Headers(existing.responseHeaders ?? {});
      headers.set("idempotent-replayed", "true");
      return new Response(existing.responseBody, { status: existing.responseStatus ?? 200, headers });
    }
    if (Date.now() > deadline) {
      throw new ApiError("idempotency_key_in_use", "The first request with this Idempotency-Key is still running; retry shortly.");
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
    const seen = await store.find(idempotencyKeys, eq(idempotencyKeys.key, key));
    existing = seen && !isStale(seen, now()) ? seen : await claim();
  }

  let remembered = false;
  try {
    await next();
    const res = c.res;
    const text = await res.clone().text();
    remembered = res.status < 500 && !NOT_REMEMBERED.has(problemCode(text, res) as ErrorCode);
    if (remembered) {
      const headers: Record<string, string> = {};
      for (const h of REPLAYED_HEADERS) {
        const v = res.headers.get(h);
        if (v !== null) headers[h] = v;
      }
      await db.write((tx) =>
        tx
          .update(idempotencyKeys)
          .set({ state: "done", responseStatus: res.status, responseBody: text, responseHeaders: headers })
          .where(where),
      );
    }
  } finally {
    if (!remembered) {
      // Release the key so a retry can run the request afresh.
      await db.write((tx) => tx.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.state, "in_progress"))));
    }
  }
};

function problemCode(text: string, res: Response): string | undefined {
  if (!res.headers.get("content-type")?.includes("problem+json")) return undefined;
  try {
    return (JSON.parse(text) as { code?: string }).code;
  } catch {
    return undefined;
  }
}
