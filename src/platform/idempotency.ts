import { and, eq, sql, type SQL } from "drizzle-orm";
import { databaseFailure, describeCauses } from "../db/client";
import type { StatusCode } from "hono/utils/http-status";
import type { Context, MiddlewareHandler } from "hono";
import { principalTag } from "./auth";
import { idempotencyKeys } from "../db/schema";
import { canonicalJson, sha256Hex } from "./crypto";
import type { AppEnv } from "./env";
import { ApiError, databaseUnavailable, type ErrorCode } from "./errors";
import { RouteSet } from "./route-set";
import { prepared, preparedFind, type TenantStore } from "./tenancy";

/** How long a stored answer is replayed (24 h): an older key runs its request afresh, and the retention job deletes it. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim older than this was left by a process that died mid-request; it may be taken over. */
const ABANDONED_MS = 60_000;
const WAIT_FOR_FIRST_MS = 10_000;
const POLL_MS = 15;

/**
 * Claims whose request failed while the database could not take their release (it was down): the
 * row stays `in_progress`, but this process knows nobody holds it. A retry that reaches this
 * process takes such a claim over at once instead of waiting for ABANDONED_MS; elsewhere (another
 * process, another isolate) the timeout is the fallback. Keyed by tenant, key and the claim's
 * `locked_at` (another claim of the same key is not this one); kept until the claim would be
 * abandoned anyway. Plain strings and numbers: no I/O shared between Worker requests.
 */
const interrupted = new Map<string, number>();
const MAX_INTERRUPTED = 10_000;
const interruptedKey = (tenantId: string, key: string, lockedAt: string) => `${tenantId}\u0000${key}\u0000${lockedAt}`;

function rememberInterrupted(tenantId: string, key: string, lockedAt: string, at: number) {
  for (const [k, until] of interrupted) if (until <= at || interrupted.size >= MAX_INTERRUPTED) interrupted.delete(k);
  interrupted.set(interruptedKey(tenantId, key, lockedAt), Date.parse(lockedAt) + ABANDONED_MS);
}

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
export const NOT_REMEMBERED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
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

/** Headers a stored answer keeps for its replays; a problem's `vary` (Accept-Language) goes with its `content-language`. */
const REPLAYED_HEADERS = ["content-type", "content-language", "etag", "location", "vary"];

/** Routes declared with neverRemembered, as Hono matches them (`POST /v1/lookup`, `DELETE /v1/customers/:customerId`). */
const exempt = new RouteSet();

/**
 * Declares `METHOD /path` a route whose answers are never stored, whatever `Idempotency-Key`
 * says, and which claims no key: a read sent as POST (contact details kept out of URLs; repeating
 * a read changes nothing anyway), or an erasure (its answer names the person it erased, and a
 * repeat finds nobody to erase). A path may name parameters (`/v1/customers/{customerId}`).
 * Routes say so with `apiRoute({ neverRemembered: true })` (platform/openapi), which calls this
 * and leaves `Idempotent-Replayed` out of their documented answers.
 */
export function neverRemembered(route: `${"POST" | "DELETE"} /${string}`) {
  const [method, path] = route.split(" ") as [string, string];
  exempt.add(method, path);
}

const isExempt = (c: Context<AppEnv>) => exempt.has(c);

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
export function withoutSecrets(text: string, extra: Readonly<{ [field: string]: string }> = {}): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  return storedJson(body, extra, text);
}

/** `json` as JSON text to store: `text` (or JSON.stringify of it) unless a top-level field carries a secret, which is replaced by its note. */
function storedJson(json: unknown, extra: Readonly<{ [field: string]: string }> = {}, text?: string): string {
  const asText = () => text ?? JSON.stringify(json);
  if (json === null || typeof json !== "object" || Array.isArray(json)) return asText();
  const notes: { [field: string]: string } = { ...Object.fromEntries(SECRET_FIELDS.map((f) => [f, SHOWN_ONCE])), ...extra };
  const record = json as { [field: string]: unknown };
  if (!Object.keys(notes).some((f) => f in record)) return asText();
  const copy = { ...record };
  for (const [f, note] of Object.entries(notes)) if (f in copy) copy[f] = note;
  return JSON.stringify(copy);
}

/**
 * Routes that record their answer in their own write (rememberWithin) whenever they change
 * anything — the plan changes, the subscription sync — and so claim their key there too: by the
 * same INSERT that records the answer, in the change's transaction (see `idempotency`). Declared
 * with `apiRoute({ claimsKeyInWrite: true })` (platform/openapi); kept as Hono matches the route
 * (`POST /v1/subscriptions/:subscriptionId/skip`).
 */
const claimedInWrite = new RouteSet();
export function claimsInWrite(method: "post" | "put", path: string) {
  claimedInWrite.add(method, path);
}

/** Thrown from the route's write when another request with this key recorded its answer first: the write rolls back, and the layer answers as that one did. */
class KeyTaken extends ApiError {
  constructor() {
    // No Retry-After: the layer answers with that one's answer (a replay, which must not carry it).
    super("idempotency_key_in_use", "Another request with this Idempotency-Key finished first.");
  }
}

/** The key row of this principal's key, read outside any transaction (through the statement cache on an embedded file). */
const FIND_KEY = preparedFind(idempotencyKeys, ["key"]);

/**
 * The remembered answer, inserted as the key's row — the claim and the record in one statement.
 * A row already there is replaced only when it is stale (older than the TTL, or this request's own
 * claim abandoned by a process that died); otherwise nothing changes and the caller learns that
 * another request holds the key (0 rows changed).
 */
const RECORD_ANSWER = prepared<"key" | "requestHash" | "status" | "body" | "headers" | "at" | "expired" | "abandoned">(
  (s, value) => sql`INSERT INTO ${idempotencyKeys} (tenant_id, key, request_hash, state, response_status, response_body, response_headers, created_at, locked_at)
    VALUES (${s.tenantId}, ${value("key")}, ${value("requestHash")}, 'done', ${value("status")}, ${value("body")}, ${value("headers", idempotencyKeys.responseHeaders)}, ${value("at")}, ${value("at")})
    ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'done', response_status = excluded.response_status,
      response_body = excluded.response_body, response_headers = excluded.response_headers, created_at = excluded.created_at, locked_at = excluded.locked_at
    WHERE idempotency_keys.created_at < ${value("expired")}
      OR (idempotency_keys.state = 'in_progress' AND idempotency_keys.request_hash = excluded.request_hash AND idempotency_keys.locked_at < ${value("abandoned")})`,
);

type Claim = { key: string; requestHash: string };
type Answer = NonNullable<ReturnType<typeof answerColumns>>;

/** Records `record` as the answer to `claim` in `s`'s write; false when a live row of another request holds the key. */
async function recordAnswer(s: TenantStore, claim: Claim, record: Answer, at: Date): Promise<boolean> {
  const changed = await s.run(RECORD_ANSWER, {
    key: claim.key,
    requestHash: claim.requestHash,
    status: record.responseStatus,
    body: record.responseBody,
    headers: record.responseHeaders,
    at: at.toISOString(),
    expired: new Date(at.getTime() - IDEMPOTENCY_TTL_MS).toISOString(),
    abandoned: new Date(at.getTime() - ABANDONED_MS).toISOString(),
  });
  return changed > 0;
}

/**
 * The one idempotency layer, for every mutating request that carries `Idempotency-Key`. Keys are
 * scoped per principal (this API key, this customer session, …): one caller never receives
 * another's stored answer, even with the same key and body. Secrets in the answer are not stored
 * (see SECRET_FIELDS, rememberWithout): a replay carries a shown-once note in their place.
 *
 * Most routes: the key is claimed with its own write (the row `in_progress`), so of two racing
 * requests exactly one runs; the other waits for its result and replays it.
 *
 * Routes declared with `claimsKeyInWrite` (a plan change, the subscription sync): a plain read finds
 * no live row, and the route's own write claims the key by inserting its answer (rememberWithin),
 * so a keyed change costs no transaction more than an unkeyed one. Writes are serialised (one
 * writer per file), so of two racing requests the second's INSERT finds the first's row: its
 * write rolls back whole (KeyTaken) and it replays the first's answer. A crash before the COMMIT
 * leaves neither the change nor its key (a retry runs it); after, both (a retry replays it).
 */
export const idempotency: MiddlewareHandler<AppEnv> = (c, next) =>
  // A read returns at once: no async frame, no header read (every GET of the API passes here).
  c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS" ? next() : claimed(c, next);

async function claimed(c: Context<AppEnv>, next: () => Promise<void>): Promise<Response | void> {
  const sent = c.req.header("idempotency-key");
  if (sent === undefined || isExempt(c)) return next();
  if (sent.length < 1 || sent.length > 255) {
    throw new ApiError("validation_failed", { en: "Idempotency-Key must be 1–255 characters.", ja: "Idempotency-Key は1〜255文字で指定してください。" }, {
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
  const requestHash = sha256Hex(`${c.req.method} ${c.req.path}\n${body}`);
  const { db, now } = c.get("services");
  const store = c.get("store");
  const where = store.owns(idempotencyKeys, eq(idempotencyKeys.key, key));

  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  const isStale = (row: typeof idempotencyKeys.$inferSelect, at: Date) =>
    at.getTime() - Date.parse(row.createdAt) > IDEMPOTENCY_TTL_MS ||
    (row.state === "in_progress" &&
      row.requestHash === requestHash &&
      (at.getTime() - Date.parse(row.lockedAt) > ABANDONED_MS || interrupted.has(interruptedKey(store.tenantId, key, row.lockedAt))));
  /** The live row that holds the key, if any (a plain read). */
  const live = async () => {
    const seen = await store.findWith(idempotencyKeys, FIND_KEY, { key });
    return seen && !isStale(seen, now()) ? seen : null;
  };

  /**
   * Answers a request whose key a live row holds: that request's answer replayed, 422 for another
   * body, 409 after waiting too long for it. While another request holds it, waits with plain
   * reads (not writes, which would queue behind every other writer). Null once the key is free
   * and `take` took it (or, for a key claimed in the route's write, found it free).
   */
  const answerHeld = async (existing: typeof idempotencyKeys.$inferSelect | null, take: () => Promise<typeof existing>): Promise<Response | null> => {
    while (existing !== null) {
      if (existing.requestHash !== requestHash) {
        throw new ApiError("idempotency_key_reused", { en: "This Idempotency-Key was already used with a different request body or path.", ja: "この Idempotency-Key は、別のリクエスト本文またはパスですでに使われています。" });
      }
      if (existing.state === "done") {
        // Through the context, so what this request's middleware set (X-Request-Id, RateLimit) is sent too.
        const replay = c.newResponse(existing.responseBody, (existing.responseStatus ?? 200) as StatusCode, { ...existing.responseHeaders, "idempotent-replayed": "true" });
        // The context also holds this request's own answer when it was refused before replaying
        // (a stale If-Match): its problem headers (Content-Language, Vary) are not the replay's.
        for (const name of REPLAYED_HEADERS) if (!(name in (existing.responseHeaders ?? {}))) replay.headers.delete(name);
        // Nor is its Retry-After (a failure of this one before the replay: errors `problemResponse`).
        replay.headers.delete("retry-after");
        return replay;
      }
      if (Date.now() > deadline) {
        // Running still, or its process died before releasing it: nobody can tell from here. Its claim runs out ABANDONED_MS after it was made.
        const s = Math.max(1, Math.ceil((Date.parse(existing.lockedAt) + ABANDONED_MS - now().getTime()) / 1000));
        throw new ApiError(
          "idempotency_key_in_use",
          {
            en: `The first request with this Idempotency-Key was received at ${existing.lockedAt} and has not finished, or was interrupted; retry after ${s} s.`,
            ja: `この Idempotency-Key の最初のリクエストは ${existing.lockedAt} に受け付けましたが、まだ終わっていないか、中断されました。${s}秒後に再試行してください。`,
          },
          { retryAfterSeconds: s },
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
      existing = (await live()) ?? (await take());
    }
    return null;
  };

  if (claimedInWrite.has(c)) {
    const free = async () => null;
    const held = await answerHeld(await live(), free);
    if (held) return held;
    const claim: Claim = { key, requestHash };
    c.set("idempotency", { where, claim });
    await next();
    if (c.get("idempotency")?.recordedStatus === c.res.status) return;
    // The route did not record its answer: it changed nothing (a refusal, a failure), or another
    // request with this key recorded first and this write rolled back (KeyTaken).
    if (!(c.error instanceof KeyTaken) && !c.get("idempotency")?.notRemembered) {
      const record = await recordOf(c, c.res);
      if (record && (await store.write((s) => recordAnswer(s, claim, record, now())))) return;
    }
    // Another request with this key may have answered first (this one refused meanwhile, say by an
    // If-Match the first made stale): answer as it did, as if this one had waited for it.
    const first = await answerHeld(await live(), free);
    if (first) {
      c.res = undefined;
      c.res = first;
    }
    return;
  }

  /** When this request's claim was made (its row's `locked_at`), once it is. */
  let claimedAt = "";
  /** Inserts the claim, or answers the live row that holds the key. */
  const claim = () => {
    const at = now();
    claimedAt = at.toISOString();
    return store.write(async (s) => {
      const [row] = await s.q.select().from(idempotencyKeys).where(where).limit(1);
      if (row && !isStale(row, at)) return row;
      if (row) await s.delete(idempotencyKeys, eq(idempotencyKeys.key, key));
      await s.insert(idempotencyKeys, { key, requestHash, state: "in_progress", createdAt: at.toISOString(), lockedAt: at.toISOString() });
      return null;
    });
  };

  // Claim the key in one write transaction; while another request holds it, wait and claim again
  // only if the holder let go.
  let held: Response | null;
  try {
    held = await answerHeld(await claim(), claim);
  } catch (e) {
    // The claim was committed but the disk did not confirm it (db/client UnconfirmedCommit): this
    // request changed nothing else, so the claim must not hold the key — a retry in this process
    // takes it over at once — and the answer says nothing was done.
    if (claimedAt !== "" && databaseFailure(e) === "unconfirmed") {
      rememberInterrupted(store.tenantId, key, claimedAt, Date.now());
      console.error(`[${c.get("requestId")}] ${c.req.method} ${c.req.path}: the Idempotency-Key claim's write was not confirmed by the disk; the request was not run: ${describeCauses(e)}`);
      throw databaseUnavailable("disk");
    }
    throw e;
  }
  if (held) return held;

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
    const record = c.get("idempotency")?.notRemembered ? null : await recordOf(c, res);
    remembered = record !== null;
    if (record) await db.write((tx) => tx.update(idempotencyKeys).set(record).where(where));
  } finally {
    // (an error answer changed nothing; a bulk answer that is not remembered may have applied items)
    if (!remembered) await release(c, where, claimedAt, key, c.res.status >= 400);
  }
}

/**
 * Releases this request's claim after an answer that is not remembered (it changed nothing: a
 * refusal, or a failure whose write rolled back), so a retry runs the request afresh at once.
 * Best effort, in a write of its own: where the database is down that fails too, and is not this
 * request's answer (the route's failure is); a claim whose answer was an error (`changedNothing`)
 * is then remembered as interrupted (see `interrupted`), and ABANDONED_MS is the fallback
 * elsewhere. Not tried after a database call timed out: a database that hung the request would
 * hold its answer as long again.
 */
async function release(c: Context<AppEnv>, where: SQL, claimedAt: string, key: string, changedNothing: boolean) {
  const { db } = c.get("services");
  const tenantId = c.get("store").tenantId;
  if (databaseFailure(c.error) !== "timeout") {
    try {
      await db.write((tx) => tx.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.state, "in_progress"), eq(idempotencyKeys.lockedAt, claimedAt))));
      return;
    } catch (e) {
      console.error(`[${c.get("requestId")}] the Idempotency-Key claim could not be released (a retry of it in this process runs at once; elsewhere after ${ABANDONED_MS / 1000} s): ${describeCauses(e)}`);
    }
  }
  if (changedNothing) rememberInterrupted(tenantId, key, claimedAt, Date.now());
}

/** The key row's answer columns for this answer (`body` as stored: secrets replaced), or null when it is not remembered (see NOT_REMEMBERED). */
function answerColumns(status: number, code: string | undefined, body: string, header: (name: string) => string | null | undefined) {
  if (status >= 500 || NOT_REMEMBERED.has(code as ErrorCode)) return null;
  const headers: { [name: string]: string } = {};
  for (const h of REPLAYED_HEADERS) {
    const v = header(h);
    if (v !== null && v !== undefined) headers[h] = v;
  }
  return { state: "done" as const, responseStatus: status, responseBody: body, responseHeaders: headers };
}

/** The key row's answer columns for `res`, or null when this outcome is not remembered (see NOT_REMEMBERED). */
async function recordOf(c: Context<AppEnv>, res: Response) {
  const text = await res.clone().text();
  return answerColumns(res.status, problemCode(text, res), withoutSecrets(text, c.get("secretFields")), (h) => res.headers.get(h));
}

/**
 * Records the JSON answer the route is about to send (`c.json(json, status)` with `headers`) as
 * this request's remembered answer, inside the route's own write transaction `s`: the change and
 * its answer commit together, so no crash can fall between a change and its record (its retry
 * would run the change again). For a route declared with `claimsKeyInWrite` this also claims the key
 * — it must then be called on every path where the write changes something — and throws (rolling
 * the write back) when another request with the key recorded first. Call it last in the write.
 * Does nothing without an Idempotency-Key; an answer that is not remembered is left to the layer.
 * `refusals`: the codes of items refused inside a bulk answer (see NOT_REMEMBERED).
 */
export async function rememberWithin(
  c: Context<AppEnv>,
  s: TenantStore,
  answer: { status: number; json: unknown; headers?: { [name: string]: string }; refusals?: readonly string[] },
): Promise<void> {
  const held = c.get("idempotency");
  if (!held) return;
  // A bulk answer with an item refused for a reason that is not remembered (a subscription synced
  // before its customer) is not remembered either: the same batch, retried with the same key once
  // the customer is synced, runs again, as the single PUT's retry does (applied items are upserts).
  if (answer.refusals?.some((code) => NOT_REMEMBERED.has(code as ErrorCode))) {
    c.set("idempotency", { ...held, notRemembered: true });
    return;
  }
  // The same bytes and headers as c.json(json, status) with these headers sends, without building the response.
  const headers: { [name: string]: string | undefined } = { "content-type": "application/json", ...answer.headers };
  const record = answerColumns(answer.status, undefined, storedJson(answer.json, c.get("secretFields")), (h) => headers[h]);
  if (!record) return;
  if (held.claim) {
    if (!(await recordAnswer(s, held.claim, record, c.get("services").now()))) throw new KeyTaken();
  } else {
    // The key's row is keyed per principal: written with the condition the claim was made under.
    await s.q.update(idempotencyKeys).set(record).where(held.where);
  }
  c.set("idempotency", { ...held, recordedStatus: answer.status });
}

function problemCode(text: string, res: Response): string | undefined {
  if (!res.headers.get("content-type")?.includes("problem+json")) return undefined;
  try {
    return (JSON.parse(text) as { code?: string }).code;
  } catch {
    return undefined;
  }
}
