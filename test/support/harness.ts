import { addDays, localDate } from "../../src/platform/dates";
import type { Scope } from "../../src/platform/env";
import type { runMaintenance } from "../../src/maintenance";

/** SECRETS_KEY for test apps (the workerd suite binds the same value in vitest.config.ts). */
export const TEST_SECRETS_KEY = "test-secrets-key-0123456789abcdef-0123456789";

/** An answer: `text` decoded as UTF-8 (a byte-order mark dropped, as `Response.text()` does); `bytes` as sent. */
export type Res = { status: number; headers: Headers; text: string; body: any; bytes: Uint8Array };

export type RequestOptions = {
  key?: string | null;
  body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
  /**
   * The client's address as the runtime reads it, for the failed-key limit (counted per address):
   * workerd, `CF-Connecting-IP`; Node, a real socket through a trusted loopback proxy naming it in
   * `X-Forwarded-For` (`TRUST_PROXY`). Without it a request has no address and is not counted.
   */
  clientAddress?: string;
};

export type TestTenant = {
  id: string;
  /** A key with read, write and admin. */
  key: string;
  keyWith(scopes: Scope[]): Promise<string>;
};

/** What the shared HTTP suites need from a runtime: make requests, make tenants. */
export interface Harness {
  /** The API's own origin as requests reach it (what the docs' "Try it" sends as `Origin`). */
  origin: string;
  request(method: string, path: string, options?: RequestOptions): Promise<Res>;
  tenant(): Promise<TestTenant>;
  /**
   * One run of the runtime's maintenance job (src/maintenance.ts), on the clock `now` gives
   * (default: the real one). Throws if a step failed (`strictly`): the job itself goes on past a
   * failing step, and a test should not.
   */
  maintain(now?: () => Date): ReturnType<typeof runMaintenance>;
  /**
   * The job as the runtime runs it unattended, going on past a failing step: Node, a pass of
   * `startMaintenance` (its failures kept for GET /health); workerd, the Worker's `scheduled`
   * handler, its `waitUntil` promises awaited.
   */
  cron(): Promise<void>;
  /**
   * One statement straight against the database the runtime uses (Node: the embedded file;
   * workerd: sqld), bypassing the API: for tests that look at what is stored. Rows by column name.
   */
  sql(statement: string, args?: (string | number | null)[]): Promise<Record<string, unknown>[]>;
  /** A webhook receiver on loopback (receiver.global.ts): POST /hook verifies with RECEIVER_SECRET, GET /received lists what came. */
  receiverUrl: string;
}

/** A maintenance run's result, or an error naming every step that failed in it. */
export function strictly<R extends { failed: { step: string; tenantId: string | null; error: string }[] }>(r: R): R {
  if (r.failed.length > 0) throw new Error(`maintenance steps failed: ${r.failed.map((f) => `${f.step}${f.tenantId ? ` (${f.tenantId})` : ""}: ${f.error}`).join("; ")}`);
  return r;
}

/** A result set's rows as plain objects by column name. */
export const rowsOf = (rs: { columns: string[]; rows: ArrayLike<unknown>[] }): Record<string, unknown>[] =>
  rs.rows.map((r) => Object.fromEntries(rs.columns.map((c, i) => [c, r[i]])));

export async function toRes(response: Response): Promise<Res> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body, bytes };
}

export function buildRequest(base: string, method: string, path: string, options: RequestOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.key !== null && options.key !== undefined) headers.set("authorization", `Bearer ${options.key}`);
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.rawBody !== undefined) body = typeof options.rawBody === "string" ? options.rawBody : new Uint8Array(options.rawBody);
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  // manual: a test sees a redirect (the console login) as the answer it is, on both runtimes.
  return new Request(base + path, { method, headers, body, redirect: "manual" });
}

let counter = 0;
/** Unique merchant ids per test so suites never depend on each other's data. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

export const customerBody = (overrides: Record<string, unknown> = {}) => ({
  name: "佐藤 花子",
  email: "hanako.sato@example.jp",
  phone: "090-1234-5678",
  locale: "ja",
  marketingConsent: true,
  ...overrides,
});

export const subscriptionBody = (customerId: string, overrides: Record<string, unknown> = {}) => ({
  customerId,
  product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" },
  quantity: 1,
  intervalDays: 30,
  // Three weeks ahead in the shop's day (Asia/Tokyo), so plan changes are open on whatever day the suite runs.
  nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 21),
  unitPrice: { amount: 3980, currency: "JPY" },
  status: "active",
  startedAt: "2026-05-01T01:00:00Z",
  deliveriesCompleted: 6,
  ...overrides,
});

/** The signing secret test webhook endpoints are registered with (receiver.global.ts verifies it). */
export const RECEIVER_SECRET = "whsec_dHN1enVrdS13b3JrZXJzLXJlY2VpdmVyLTAx";

/**
 * A customer without marketing consent whose ￥9,800 × 2 plan (next delivery in 12 shop days) is
 * cancelled for its price (`too_expensive`), with `confirm`'s answers (keepInTouch, returnOn…):
 * the win-back tests' starting point.
 */
export async function cancelledForPrice(h: Pick<Harness, "request">, own: TestTenant, confirm: Record<string, unknown>) {
  const c = uid("C");
  const s = uid("S");
  const in12 = addDays(localDate(new Date(), "Asia/Tokyo"), 12);
  await h.request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: false }) });
  await h.request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: in12, unitPrice: { amount: 9800, currency: "JPY" }, quantity: 2 }) });
  const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} })).body;
  await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: own.key, body: { reason: "too_expensive" } });
  const confirmed = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: own.key, body: confirm });
  return { c, s, flowId: flow.flowId as string, confirmed };
}

/**
 * The plan's open cancellation as if it took effect yesterday (its win-back record's `effective_on`;
 * the HTTP suites have no clock to move): a restart today is then a return, not a cancellation
 * undone (metrics/winback `standing`), which a restart on or before the day it takes effect would be.
 */
export async function cancellationTookEffectYesterday(h: Pick<Harness, "sql">, tenantId: string, subscriptionId: string): Promise<void> {
  await h.sql("UPDATE winbacks SET effective_on = ? WHERE tenant_id = ? AND subscription_id = ? AND reactivated_at IS NULL", [addDays(localDate(new Date(), "Asia/Tokyo"), -1), tenantId, subscriptionId]);
}
