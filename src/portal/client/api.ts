import type { Language } from "../../platform/localized-text";

/** An RFC 9457 problem as the API sends it (`code` is the stable machine code). */
export type Problem = { type?: string; title: string; status: number; detail?: string; code: string } & Record<string, unknown>;

/** A refused or failed call: the API's problem, or one made up for a network failure. */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export type Call = {
  method: "GET" | "POST" | "PUT";
  path: string;
  body?: unknown;
  /** Sent as Idempotency-Key so a retried action (a double click, a resumed session) applies once. */
  idempotencyKey?: string;
  /** The subscription's version the customer saw, sent as If-Match (412 `version_conflict` when it moved). */
  ifMatch?: number;
  /** Sent with fetch's keepalive, so it completes after the page is gone (pagehide). */
  keepalive?: boolean;
};

/**
 * A read given up on, as its problem's code and its signal's reason: `aborted` when the element
 * left the page (nobody is there to show it to), `timeout` when no answer came within
 * READ_TIMEOUT_MS (said as a failed connection; not `network_error`, which the portal reads as
 * "sent, answer lost" and checks against the page's origin).
 */
export const ABORTED = "aborted";
export const TIMED_OUT = "timeout";

/**
 * How long an action runs before its status line says it is taking long (ms). Its 「処理中…」 shows
 * at once; Nielsen's limits (Response Times: The 3 Important Limits, 1993) put attention's end at
 * about 10 s, so a customer is told before then that nothing is stuck and not to close the page.
 */
export const SLOW_ANSWER_MS = 5_000;

/** How long a read waits for its answer before it is said as a lost connection (ms); writes wait as long as they take. */
export const READ_TIMEOUT_MS = 30_000;

/**
 * One call to the Tsuzuku API with the customer session as bearer, in the page's language.
 * Answers the parsed JSON; throws ApiProblem with the API's problem on any non-2xx answer.
 * `signal` ends the call early (the portal passes one for reads only: a write is left to finish,
 * since the API may already be applying it): its reason (`ABORTED`, `TIMED_OUT`) is the problem's code.
 */
export async function callApi<T>(base: string, session: string, lang: Language, call: Call, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${session}`, "Accept-Language": lang, Accept: "application/json" };
  if (call.body !== undefined) headers["Content-Type"] = "application/json";
  if (call.idempotencyKey) headers["Idempotency-Key"] = call.idempotencyKey;
  if (call.ifMatch !== undefined) headers["If-Match"] = `"${call.ifMatch}"`;
  let response: Response;
  try {
    response = await fetch(base.replace(/\/+$/, "") + call.path, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      credentials: "omit",
      mode: "cors",
      ...(call.keepalive ? { keepalive: true } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch {
    throw ended(signal);
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw ended(signal);
  }
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const p = (json ?? {}) as Partial<Problem>;
    // A problem without a body (a proxy's 503) may still say when to come back: Retry-After in seconds (CORS exposes it).
    const header = Number(response.headers.get("retry-after"));
    const wait = typeof p.retryAfterSeconds === "number" ? {} : Number.isInteger(header) && header > 0 ? { retryAfterSeconds: header } : {};
    throw new ApiProblem({ ...p, ...wait, title: p.title ?? response.statusText, status: response.status, code: p.code ?? `http_${response.status}` });
  }
  return json as T;
}

/** The problem a call that got no (whole) answer throws: see {@link callApi}'s `signal`. */
function ended(signal: AbortSignal | undefined): ApiProblem {
  if (signal?.aborted && signal.reason === ABORTED) return new ApiProblem({ title: "Aborted", status: 0, code: ABORTED });
  if (signal?.aborted && signal.reason === TIMED_OUT) return new ApiProblem({ title: "No answer", status: 0, code: TIMED_OUT });
  return new ApiProblem({ title: "Network error", status: 0, code: "network_error" });
}

/** A fresh Idempotency-Key for one customer action. */
export function actionKey(): string {
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Whether the API at `base` answers this page at all, read without CORS (an opaque answer): true
 * when a call just failed as a network error although the API is reachable — the browser hid its
 * answer, because this page's origin is not in the shop's `allowedOrigins` (or `api-base` is wrong).
 */
export async function reachable(base: string): Promise<boolean> {
  try {
    await fetch(base.replace(/\/+$/, "") + "/embed/v1/tsuzuku.js", { mode: "no-cors", credentials: "omit", cache: "no-store" });
    return true;
  } catch {
    return false;
  }
}
