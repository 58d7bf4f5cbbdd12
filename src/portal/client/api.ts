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
 * One call to the Tsuzuku API with the customer session as bearer, in the page's language.
 * Answers the parsed JSON; throws ApiProblem with the API's problem on any non-2xx answer.
 */
export async function callApi<T>(base: string, session: string, lang: Language, call: Call): Promise<T> {
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
    });
  } catch {
    throw new ApiProblem({ title: "Network error", status: 0, code: "network_error" });
  }
  const text = await response.text();
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
