import { and, eq } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { principalTag } from "./auth";
import { idempotencyKeys } from "../db/schema";
import { canonicalJson, sha256Hex } from "./crypto";
import type { AppEnv } from "./env";
import { ApiError, type ErrorCode } from "./errors";
import type { TenantStore } from "./tenancy";

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
  "rate_limited",
  "internal_error",
  "database_unavailable",
]);

const REPLAYED_HEADERS = ["content-type", "etag", "location"];

const exempt = new Set<string>();

/**
 * Declares `METHOD /path` a read sent as POST (e.g. contact details kept out of URLs): its answers
 * are never stored, whatever `Idempotency-Key` says — repeating a read changes nothing anyway.
 */
export function neverRemembered(route: `POST /${string}`) {
  exempt.add(route);
}

/**
 * Top-level answer fields that carry a secret (a new API key's `secret`, a webhook's signing
 * `secret`, a session's `token`). They are never written to the idempotency table: a replay has
 * the same status and body with each replaced by SHOWN_ONCE. A route whose answer carries a
 * secret under another name (a console session's one-time `url`) declares it with rememberWithout.
 */
const SECRET_FIELDS = ["secret", "token"];
export const SHOWN_ONCE = "(shown once: secrets are not kept for replays; the first answer to this Idempotency-Key carried it)";

/**
 * Marks top-level fields of this answer as secrets that must not be stored with the remembered
 * answer: a replay carries `replacement[field]` (a note) in their place.
 */
export function rememberWithout(c: Context<AppEnv>, replacement: Record<string, string>) {
  c.set("secretFields", { ...c.get("secretFields"), ...replacement });
}

/**
 * The answer as it may be stored: each secret-bearing field present replaced by its note
 * (SHOWN_ONCE for `secret`/`token`, the route's own note for fields declared with rememberWithout).
 */
export function withoutSecrets(text: string, extra: Readonly<Record<string, string>> = {}): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return text;
  const notes: Record<string, string> = { ...Object.fromEntries(SECRET_FIELDS.map((f) => [f, SHOWN_ONCE])), ...extra };
  const record = body as Record<string, unknown>;
  if (!Object.keys(notes).some((f) => f in record)) return text;
  for (const [f, note] of Object.entries(notes)) if (f in record) record[f] = note;
  return JSON.stringify(record);
}

/**
 * The one idempotency layer, for every mutating request that carries `Idempotency-Key`.
 * The key is claimed with a single INSERT … ON CONFLICT DO NOTHING, so of two racing requests
 * exactly one runs; the other waits for its result and replays it. Keys are scoped per
 * principal (this API key, this customer session, …): one caller never receives another's
 * stored answer, even with the same key and body. Secrets in the answer are not stored (see
 * SECRET_FIELDS, rememberWithout): a replay carries a shown-once note in their place.
 */
export const idempotency: MiddlewareHandler<AppEnv> = (c, next) =>
  // A read returns at once: no async frame, no header read (every GET of the API passes here).
  c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS" ? next() : claimed(c, next);

async function claimed(c: Context<AppEnv>, next: () => Promise<void>): Promise<Response | void> {
  const sent = c.req.header("idempotency-key");
  if (sent === undefined || exempt.has(`${c.req.method} ${c.req.path}`)) return next();
  if (sent.length < 1 || sent.length > 255) {
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
  const key = `${principalTag(c.get("caller").principal)} ${sent}`;
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
  c.set("idempotency", { where });
  try {
    await next();
    const res = c.res;
    // The route recorded this answer in its own write (rememberWithin): nothing left to do. A
    // write that failed after recording it answers with another status, and is handled here.
    const within = c.get("idempotency")?.recordedStatus;
    if (within !== undefined && within === res.status) {
      remembered = true;
      return;
    }
    const record = await recordOf(c, res);
    remembered = record !== null;
    if (record) await db.write((tx) => tx.update(idempotencyKeys).set(record).where(where));
  } finally {
    if (!remembered) {
      // Release the key so a retry can run the request afresh.
      await db.write((tx) => tx.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.state, "in_progress"))));
    }
  }
}

/** The key row's answer columns for `res`, or null when this outcome is not remembered (see NOT_REMEMBERED). */
async function recordOf(c: Context<AppEnv>, res: Response) {
  const text = await res.clone().text();
  if (res.status >= 500 || NOT_REMEMBERED.has(problemCode(text, res) as ErrorCode)) return null;
  const headers: Record<string, string> = {};
  for (const h of REPLAYED_HEADERS) {
    const v = res.headers.get(h);
    if (v !== null) headers[h] = v;
  }
  return { state: "done" as const, responseStatus: res.status, responseBody: withoutSecrets(text, c.get("secretFields")), responseHeaders: headers };
}

/**
 * Records the JSON answer the route is about to send (`c.json(json, status)` with `headers`) as
 * this request's remembered answer, inside the route's own write transaction `s`: the change and
 * its answer commit together, so a keyed request takes two transactions (claim; change and
 * answer), not three, and no crash can fall between a change and its record (its retry would run
 * the change again). Call it last in the write. Does nothing without an Idempotency-Key; an
 * answer that is not remembered is left to the layer as before.
 */
export async function rememberWithin(c: Context<AppEnv>, s: TenantStore, answer: { status: number; json: unknown; headers?: Record<string, string> }): Promise<void> {
  const claim = c.get("idempotency");
  if (!claim) return;
  // The same bytes and headers as c.json(json, status) with these headers sends.
  const res = new Response(JSON.stringify(answer.json), { status: answer.status, headers: { "content-type": "application/json", ...answer.headers } });
  const record = await recordOf(c, res);
  if (!record) return;
  // The key's row is keyed per principal: written with the condition the claim was made under.
  await s.q.update(idempotencyKeys).set(record).where(claim.where);
  c.set("idempotency", { ...claim, recordedStatus: answer.status });
}

function problemCode(text: string, res: Response): string | undefined {
  if (!res.headers.get("content-type")?.includes("problem+json")) return undefined;
  try {
    return (JSON.parse(text) as { code?: string }).code;
  } catch {
    return undefined;
  }
}
