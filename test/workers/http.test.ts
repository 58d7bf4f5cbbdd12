import { createClient, type Client } from "@libsql/client/web";
import { env, exports } from "cloudflare:workers";
import type { ExecutionContext } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createDatabase, type Database } from "../../src/db/client";
import { defersWrites, deferringWrites } from "../../src/db/deferred-writes";
import { addDays, localDate } from "../../src/platform/dates";
import type { Scope } from "../../src/platform/env";
import { runMaintenance } from "../../src/maintenance";
import { createTenant, issueKey } from "../../src/tenants/keys";
import worker from "../../src/worker";
import { httpSuite } from "../http";
import { cfworkerCheck } from "../support/cfworker";
import { contractViolations } from "../support/contract";
import { buildRequest, customerBody, RECEIVER_SECRET, rowsOf, strictly, subscriptionBody, toRes, uid, type Harness, type TestTenant } from "../support/harness";

/**
 * The shared HTTP suite inside workerd: every request goes through the Worker's own `fetch`
 * (src/worker.ts, with DATABASE_URL bound to the sqld started by sqld.global.ts), and tenants and
 * keys are written straight into that same sqld over HTTP with the web libSQL client.
 */
const sqldUrl = inject("sqldUrl");

/** The Worker's HTTP requests to `url` (sqld, a server standing in for it) while `fn` runs: their bodies, in order. */
async function requestsTo(url: string, fn: () => Promise<unknown>): Promise<Promise<string>[]> {
  const real = globalThis.fetch;
  const bodies: Promise<string>[] = [];
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    if ((input instanceof Request ? input.url : String(input)).startsWith(url)) bodies.push(input instanceof Request ? input.clone().text() : Promise.resolve(String(init?.body ?? "")));
    return real(input, init);
  }) as typeof fetch;
  try {
    await fn();
  } finally {
    globalThis.fetch = real;
  }
  return bodies;
}
/** How many requests the Worker sent `url` while `fn` runs. */
const callsTo = async (url: string, fn: () => Promise<unknown>) => (await requestsTo(url, fn)).length;
/**
 * What the Worker sends sqld while `fn` runs: one entry per HTTP request, the statements it carries
 * (each one's first two words), in order. The webhook dispatcher's look for due deliveries, which a
 * write starts after its answer (`ctx.waitUntil`, src/worker.ts), is left out: it is not the request's.
 */
async function tripsTo(url: string, fn: () => Promise<unknown>): Promise<string[][]> {
  const bodies = await requestsTo(url, fn);
  // Hrana over HTTP: a request's statements are `execute`s and `batch` steps, each with its SQL or
  // the id of SQL stored earlier on the stream (`store_sql`).
  type Stmt = { sql?: string; sql_id?: number };
  type Body = { requests: { type: string; sql?: string; sql_id?: number; stmt?: Stmt; batch?: { steps: { stmt: Stmt }[] } }[] };
  const stored = new Map<number, string>();
  const words = (stmt: Stmt) => (stmt.sql ?? stored.get(stmt.sql_id!) ?? "?").replace(/\s+/g, " ").trim().split(" ").slice(0, 2).join(" ");
  const trips = (await Promise.all(bodies)).map((text) =>
    (JSON.parse(text) as Body).requests.flatMap((r) => {
      if (r.type === "store_sql") stored.set(r.sql_id!, r.sql!);
      return r.type === "execute" ? [words(r.stmt!)] : r.type === "batch" ? r.batch!.steps.map((step) => words(step.stmt)) : [];
    }),
  );
  return trips.filter((sqls) => !sqls.includes('select "id"'));
}
let client: Client;
let db: Database;

async function keyFor(tenantId: string, scopes: Scope[]) {
  const key = await db.write((tx) => issueKey(tx, { tenantId, name: `test ${scopes.join(",")}`, scopes, at: new Date() }));
  return key.secret;
}

const check = cfworkerCheck();
// Over https, as every request reaches a deployed Worker (the console's Secure cookie needs it).
const h: Harness = {
  origin: "https://tsuzuku.test",
  receiverUrl: inject("receiverUrl"),
  sql: async (statement, args = []) => rowsOf(await client.execute({ sql: statement, args })),
  async request(method, path, options) {
    const request = buildRequest("https://tsuzuku.test", method, path, options);
    // Cloudflare sets CF-Connecting-IP in front of a deployed Worker; here the test names the client.
    if (options?.clientAddress) request.headers.set("cf-connecting-ip", options.clientAddress);
    const res = await toRes(await exports.default.fetch(request));
    // Every answer is held to openapi.json itself, as a partner's validating client would.
    const wrong = contractViolations(check, method, path, res);
    if (wrong.length > 0) throw new Error(`The answer breaks openapi.json:\n${wrong.join("\n")}\n${res.text.slice(0, 2000)}`);
    return res;
  },
  async tenant(): Promise<TestTenant> {
    const tenant = await db.write((tx) => createTenant(tx, { name: "テスト店", at: new Date() }));
    return { id: tenant.id, key: await keyFor(tenant.id, ["read", "write", "admin"]), keyWith: (scopes) => keyFor(tenant.id, scopes) };
  },
  // The same job the Worker's cron runs, inside workerd against sqld, with the clock given.
  maintain: async (now) =>
    strictly(await runMaintenance({ db, secretsKey: env.SECRETS_KEY, ...(now ? { now } : {}), fetch: (input, init) => fetch(input, init), allowLoopbackWebhooks: env.WEBHOOKS_ALLOW_LOOPBACK === "1" })),
  cron: () => cron(),
};

/** The Worker's own scheduled handler, its `waitUntil` promises awaited (a rejected one fails the caller). */
async function cron() {
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} };
  await worker.scheduled({}, env, ctx as unknown as ExecutionContext);
  await Promise.all(pending);
}

beforeAll(async () => {
  client = createClient({ url: sqldUrl });
  db = createDatabase(client);
  // The first call into the Worker loads src/ through Vite inside workerd (~3–5 s); pay it here
  // rather than in whichever test happens to run first.
  await (await exports.default.fetch("http://tsuzuku.test/openapi.json")).arrayBuffer();
});
afterAll(() => client?.close());

httpSuite(() => h);

describe("workerd talks to sqld", () => {
  it("a customer PUT through the Worker is visible with a direct query to sqld", async () => {
    const t = await h.tenant();
    const id = uid("W");
    const res = await h.request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "sqld 経由" }) });
    expect(res.status).toBe(201);

    // A separate connection straight to the server, bypassing the Worker and its client.
    const direct = createClient({ url: sqldUrl });
    try {
      const rows = await direct.execute({ sql: "SELECT name, phone FROM customers WHERE tenant_id = ? AND id = ?", args: [t.id, id] });
      expect(rows.rows.map((r) => ({ name: r.name, phone: r.phone }))).toEqual([{ name: "sqld 経由", phone: "+819012345678" }]);
    } finally {
      direct.close();
    }
  });

  it("reports the database as reachable from /health", async () => {
    const res = await h.request("GET", "/health");
    expect(res.body).toMatchObject({ database: "ok" });
  });
});

describe("webhooks from the Worker", () => {
  it("a plan change reaches a real receiver, signed, via waitUntil", async () => {
    const receiverUrl = inject("receiverUrl");
    const t = await h.tenant();
    const put = await h.request("PUT", "/v1/webhooks/receiver", {
      key: t.key,
      body: { url: `${receiverUrl}/hook`, events: ["subscription.changed"], secret: RECEIVER_SECRET },
    });
    expect(put.status).toBe(201);
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    const next = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: next }) });
    const change = await h.request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 2 } });
    expect(change.status).toBe(200);
    // The receiver is shared: other suites' events (customer.erased…) carry no change.
    type Got = { verified: { type: string; data: { change?: { id: string } } } | null; error: string | null };
    let mine: Got | undefined;
    for (let i = 0; i < 100 && !mine; i++) {
      const got = (await (await fetch(`${receiverUrl}/received`)).json()) as Got[];
      mine = got.find((g) => g.verified?.data.change?.id === change.body.change.id);
      if (!mine) await new Promise((r) => setTimeout(r, 100));
    }
    expect(mine).toMatchObject({ error: null, verified: { type: "subscription.changed" } });
  });
});

describe("the Worker's cron", () => {
  it("resumes a pause whose date has come, recorded as a system change", async () => {
    const t = await h.tenant();
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
    // A pause that ended yesterday: the API only takes future dates, so set it straight in sqld.
    const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    await client.execute({ sql: "UPDATE subscriptions SET status = 'paused', paused_until = ?, next_delivery_on = ? WHERE tenant_id = ? AND id = ?", args: [yesterday, yesterday, t.id, s] });

    await cron();

    // Run late (its date has passed), the first delivery is at today + the cut-off, never in the past (#14.2).
    const firstChangeable = addDays(localDate(new Date(), "Asia/Tokyo"), 3);
    expect((await h.request("GET", `/v1/subscriptions/${s}`, { key: t.key })).body).toMatchObject({ status: "active", pausedUntil: null, nextDeliveryOn: firstChangeable });
    const history = await h.request("GET", `/v1/subscriptions/${s}/changes`, { key: t.key });
    expect(history.body.data[0]).toMatchObject({ type: "resume", channel: "system", source: { reason: "pause_ended", resumeOn: yesterday, moved: { from: yesterday, to: firstChangeable, because: "resumed_late" } } });
  });
});

describe("round trips to sqld", () => {
  /** Counts the Worker's HTTP requests to sqld while `fn` runs. */
  const roundTrips = (fn: () => Promise<unknown>) => callsTo(sqldUrl, fn);

  it("a lookup and the risk reads cost one round trip each, key check included", async () => {
    const t = await h.tenant();
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ phone: "090-5555-0101" }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
    await h.request("GET", "/v1/lookup?phone=09055550101", { key: t.key }); // the key's first use is recorded once, in the background
    await new Promise((r) => setTimeout(r, 300));
    let res: Awaited<ReturnType<typeof h.request>> | undefined;
    expect(await roundTrips(async () => (res = await h.request("GET", "/v1/lookup?phone=9055550101", { key: t.key })))).toBe(1);
    expect(res!.status).toBe(200);
    expect(res!.body.customer.id).toBe(c);
    // By the customer number a caller keys in, as by their phone: the read rides with the key check.
    expect(await roundTrips(async () => (res = await h.request("GET", `/v1/lookup?customerId=${c}`, { key: t.key })))).toBe(1);
    expect(res!.body.customer.id).toBe(c);
    expect(await roundTrips(() => h.request("GET", `/v1/subscriptions/${s}/risk`, { key: t.key }))).toBe(1);
    expect(await roundTrips(() => h.request("GET", `/v1/customers/${c}/risk`, { key: t.key }))).toBe(1);
    expect(await roundTrips(() => h.request("GET", "/v1/risk/at-risk?limit=5", { key: t.key }))).toBe(1);
  });

  it("a plan change is four round trips: the key check, its read (with BEGIN), its writes together, the COMMIT; a sync's write rides with its next read", async () => {
    const t = await h.tenant();
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
    await h.request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 2 } });
    await new Promise((r) => setTimeout(r, 300));
    let res: Awaited<ReturnType<typeof h.request>> | undefined;
    for (const quantity of [3, 1]) {
      const trips = await tripsTo(sqldUrl, async () => (res = await h.request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity } })));
      expect(res!.status).toBe(200);
      expect(res!.body.subscription.quantity).toBe(quantity);
      // Before, each write was a request of its own: six in all.
      expect(trips).toEqual([
        ["SELECT k.id,"], // the key check
        ["BEGIN IMMEDIATE", 'SELECT "subscriptions"."tenant_id",'], // BEGIN rides with the first statement
        ['UPDATE "subscriptions"', 'INSERT INTO', 'UPDATE "risk_features"'],
        ["COMMIT"],
      ]);
    }
    const history = await h.request("GET", `/v1/subscriptions/${s}/changes`, { key: t.key });
    expect(history.body.data.map((change: { after: { quantity: number } }) => change.after.quantity).slice(0, 3)).toEqual([1, 3, 2]);
    // The cart system's sync of the plan: its UPDATE travels with the read after it (seven before).
    const trips = await tripsTo(sqldUrl, async () => (res = await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { quantity: 4 }) })));
    expect(res!.status).toBe(200);
    expect(res!.body.quantity).toBe(4);
    expect(trips).toHaveLength(6);
    expect(trips.find((sqls) => sqls.includes('UPDATE "subscriptions"'))).toEqual(['UPDATE "subscriptions"', 'SELECT "subscriptions"."id",']);
  });

  it("a cancel flow's steps and risk row travel with the statement after them: start, reason, confirm, reactivate", async () => {
    const t = await h.tenant();
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
    await new Promise((r) => setTimeout(r, 300));
    let res: Awaited<ReturnType<typeof h.request>> | undefined;
    const start = await tripsTo(sqldUrl, async () => (res = await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: { channel: "web" } })));
    expect(res!.status).toBe(201);
    const flowId = res!.body.flowId as string;
    const reason = await tripsTo(sqldUrl, async () => (res = await h.request("POST", `/v1/cancel-flows/${flowId}/reason`, { key: t.key, body: { reason: "surplus_stock" } })));
    expect(res!.status).toBe(200);
    const confirm = await tripsTo(sqldUrl, async () => (res = await h.request("POST", `/v1/cancel-flows/${flowId}/confirm`, { key: t.key, body: { acknowledgeFee: true } })));
    expect(res!.status).toBe(200);
    const reactivate = await tripsTo(sqldUrl, async () => (res = await h.request("POST", `/v1/subscriptions/${s}/reactivate`, { key: t.key, body: { channel: "web" } })));
    expect(res!.status).toBe(200);
    expect(res!.body.subscription.status).toBe("active");
    // A step finds its number in its own INSERT: no read of the flow's last step before it.
    for (const trips of [start, reason, confirm]) expect(trips.flat()).not.toContain('select max("seq")');
    // Before: 11, 12, 24 and 12.
    expect([start, reason, confirm, reactivate].map((trips) => trips.length)).toEqual([8, 11, 21, 11]);
    const flow = await h.request("GET", `/v1/cancel-flows/${flowId}`, { key: t.key });
    expect(flow.body.status).toBe("canceled");
  });

  it("a caller at risk gets the next best action in the same single round trip", async () => {
    const t = await h.tenant();
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ phone: "090-5555-0202" }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { deliveriesCompleted: 1, unitPrice: { amount: 9800, currency: "JPY" } }) });
    await h.request("POST", "/v1/events", {
      key: t.key,
      body: { events: [{ id: uid("e"), type: "usage.reported", customerId: c, subscriptionId: s, occurredAt: new Date().toISOString(), data: { remainingUnits: 3 } }] },
    });
    // The shop's first use of its offer catalogue stores the default one.
    await h.request("GET", "/v1/lookup?phone=09055550202", { key: t.key });
    await new Promise((r) => setTimeout(r, 300));
    let res: Awaited<ReturnType<typeof h.request>> | undefined;
    expect(await roundTrips(async () => (res = await h.request("GET", "/v1/lookup?phone=09055550202", { key: t.key })))).toBe(1);
    expect(res!.body.risk.band).not.toBe("low");
    expect(res!.body.nextBestAction).toMatchObject({ subscriptionId: s, source: "offers" });
  });
});

describe("writes held back on a libSQL server (db/deferred-writes)", () => {
  const table = `held_${Date.now()}`;
  let own: Client;
  const tx = async () => {
    const t = await deferringWrites(own).transaction("write");
    if (!defersWrites(t)) throw new Error("not a deferring transaction");
    return t;
  };
  const ids = async () => (await client.execute(`SELECT id FROM ${table} ORDER BY id`)).rows.map((r) => r.id);
  beforeAll(async () => {
    // Its fetch looked up at each call, so tripsTo sees its requests.
    own = createClient({ url: sqldUrl, fetch: (input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init) });
    await client.execute(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
  });
  afterEach(async () => {
    await client.execute(`DELETE FROM ${table}`);
  });

  it("travel with the next statement, in order: four writes and a read in three requests, then the COMMIT", async () => {
    const t = await tx();
    let seen: unknown;
    const trips = await tripsTo(sqldUrl, async () => {
      await t.execute(`INSERT INTO ${table} VALUES (1)`); // BEGIN and the first write
      t.later({ sql: `INSERT INTO ${table} VALUES (?)`, args: [2] });
      t.later({ sql: `INSERT INTO ${table} VALUES (?)`, args: [3] });
      seen = (await t.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n;
      t.later({ sql: `INSERT INTO ${table} VALUES (?)`, args: [4] });
      await t.commit();
    });
    expect(seen).toBe(3);
    expect(trips.map((sqls) => sqls.length)).toEqual([2, 3, 1, 1]); // BEGIN and 1; 2, 3 and the read; 4; COMMIT
    expect(await ids()).toEqual([1, 2, 3, 4]);
    // Everything else is the client's own, getters included.
    expect(deferringWrites(own).closed).toBe(false);
  });

  it("a held write that fails fails the statement it travelled with, and the rollback takes everything back", async () => {
    const t = await tx();
    await t.execute(`INSERT INTO ${table} VALUES (1)`);
    t.later({ sql: `INSERT INTO ${table} VALUES (?)`, args: [2] });
    t.later({ sql: `INSERT INTO ${table} VALUES (?)`, args: [1] }); // the primary key again
    t.later({ sql: `INSERT INTO ${table} VALUES (?)`, args: [3] });
    await expect(t.commit()).rejects.toThrow(/UNIQUE|constraint/i);
    await t.rollback();
    expect(await ids()).toEqual([]);
  });
});

describe("rate limits in workerd (the [[ratelimits]] bindings of wrangler.toml)", () => {
  // Refused keys' 429 is in the shared suite (test/http/auth.ts), on both runtimes.
  it("answers carry the key's plan policy", async () => {
    const t = await h.tenant();
    const res = await h.request("GET", "/v1/keys", { key: t.key });
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-policy")).toBe('"standard";q=1200;w=60');
  });
});

describe("a Worker deployed without its secrets", () => {
  it("answers every path, /health included, 500 problem+json naming what is missing for its operator, with no stack trace", async () => {
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    for (const path of ["/health", "/v1/customers/C-1"]) {
      const res = await worker.fetch(new Request(`http://tsuzuku.test${path}`, { headers: { authorization: "Bearer tsz_any" } }), { ...env, SECRETS_KEY: undefined }, ctx);
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ status: 500, code: "internal_error", instance: path });
      // The headers every answer carries (API.md), this one's too.
      expect(res.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9_=-]+$/);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(text).toContain("secrets");
      expect(text).not.toMatch(/at \w+ \(|\.ts:\d+|checkSecretsKey/);
    }
    // The data dip's caller is never left in silence, even so (its documented 500 carries speech).
    const dip = await worker.fetch(new Request("http://tsuzuku.test/v1/lookup?phone=09012345678", { headers: { authorization: "Bearer tsz_any" } }), { ...env, SECRETS_KEY: undefined }, ctx);
    const res = await toRes(dip);
    expect(res.status).toBe(500);
    expect(res.body.speech).toMatch(/お客様/);
    expect(contractViolations(check, "GET", "/v1/lookup?phone=09012345678", res)).toEqual([]);
  });
});

describe("a Worker whose database server is down or refuses its token", () => {
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const ask = async (path: string, DATABASE_URL: string) => {
    const res = await toRes(await worker.fetch(new Request(`http://tsuzuku.test${path}`, { headers: { authorization: "Bearer tsz_any" } }), { ...env, DATABASE_URL }, ctx));
    const wrong = contractViolations(check, "GET", path, res);
    if (wrong.length > 0) throw new Error(`The answer breaks openapi.json:\n${wrong.join("\n")}\n${res.text.slice(0, 2000)}`);
    return res;
  };

  it("down: the API and /health answer 503 database_unavailable with Retry-After, saying it could not be reached", async () => {
    for (const path of ["/v1/subscriptions/S-1", "/health"]) {
      const res = await ask(path, inject("downDatabaseUrl"));
      expect(res.status, res.text.slice(0, 500)).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.body).toMatchObject({ code: "database_unavailable", retryAfterSeconds: 5 });
      expect(res.body.detail).toContain("The database could not be reached");
    }
  });

  it("refusing the token (401): 503 database_unavailable naming the credentials", async () => {
    for (const path of ["/v1/subscriptions/S-1", "/health"]) {
      const res = await ask(path, inject("refusingDatabaseUrl"));
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("60");
      expect(res.body.detail).toContain("The database refused this service's credentials");
      expect(res.body.detail).toContain("DATABASE_AUTH_TOKEN");
    }
  });
});

describe("a Worker whose SECRETS_KEY is not the one its database's secrets were sealed with", () => {
  // A lost or re-put Worker secret: 32+ characters, so the Worker starts, but it opens nothing stored.
  const wrongEnv = { ...env, SECRETS_KEY: "another-secrets-key-9876543210-abcdefghijklmn" };
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const wrong = async (method: string, path: string, options: { key?: string; body?: unknown } = {}) => {
    const res = await toRes(await worker.fetch(buildRequest("https://tsuzuku.test", method, path, options), wrongEnv, ctx));
    await Promise.all(pending.splice(0));
    const violations = contractViolations(check, method, path, res);
    if (violations.length > 0) throw new Error(`The answer breaks openapi.json:\n${violations.join("\n")}\n${res.text.slice(0, 2000)}`);
    return res;
  };
  afterEach(() => vi.restoreAllMocks());

  it("/health answers 503 naming SECRETS_KEY; webhook reads and sessions answer the same problem, logged in one line without a stack", async () => {
    const t = await h.tenant();
    expect((await h.request("PUT", "/v1/webhooks/key-check", { key: t.key, body: { url: "https://shop.example.jp/hook", events: ["subscription.changed"] } })).status).toBe(201);
    const c = uid("C");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    const session = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: c } });
    expect(session.status).toBe(201);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});

    const health = await wrong("GET", "/health");
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ code: "secrets_key_mismatch", status: 503 });
    expect(health.body.detail).toContain("SECRETS_KEY");
    expect(health.headers.get("retry-after")).toBe("60");

    const read = await wrong("GET", "/v1/webhooks/key-check", { key: t.key });
    expect(read.status).toBe(503);
    expect(read.body).toMatchObject({ code: "secrets_key_mismatch" });
    const asCustomer = await wrong("GET", `/v1/customers/${c}/subscriptions`, { key: session.body.token });
    expect(asCustomer.status).toBe(503);
    expect(asCustomer.body).toMatchObject({ code: "secrets_key_mismatch" });

    const logged = errors.mock.calls.map((args) => args.map(String).join(" "));
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line).toContain("SECRETS_KEY");
      expect(line).not.toMatch(/\n\s+at |OperationError|Decryption failed/);
    }
    // The right key: healthy, the same endpoint readable.
    expect((await h.request("GET", "/health")).status).toBe(200);
    expect((await h.request("GET", "/v1/webhooks/key-check", { key: t.key })).status).toBe(200);
  });

  it("deliveries wait untried, no attempt counted, from the write's waitUntil and from the cron, and go out once the key is put back", async () => {
    const t = await h.tenant();
    expect((await h.request("PUT", "/v1/webhooks/receiver", { key: t.key, body: { url: `${inject("receiverUrl")}/hook`, events: ["subscription.changed"], secret: RECEIVER_SECRET } })).status).toBe(201);
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    const next = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: next }) });
    await new Promise((r) => setTimeout(r, 300)); // the waitUntil deliveries of the right-key writes above
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "info").mockImplementation(() => {});

    // A write through the Worker with the wrong key: its event is queued; the waitUntil dispatch does not try it.
    expect((await wrong("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 2 } })).status).toBe(200);
    const deliveries = () => h.sql("SELECT status, attempts, last_error FROM webhook_deliveries WHERE tenant_id = ? AND event_type = 'subscription.changed'", [t.id]);
    expect(await deliveries()).toEqual([{ status: "pending", attempts: 0, last_error: null }]);
    // Nor does the cron, however often it runs.
    await client.execute({ sql: "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE tenant_id = ?", args: [new Date(Date.now() - 1000).toISOString(), t.id] });
    const cronPending: Promise<unknown>[] = [];
    await worker.scheduled({}, wrongEnv, { waitUntil: (p: Promise<unknown>) => void cronPending.push(p), passThroughOnException() {}, props: {} } as unknown as ExecutionContext);
    await Promise.all(cronPending);
    expect(await deliveries()).toEqual([{ status: "pending", attempts: 0, last_error: null }]);
    // The dispatcher's own guard (a job run without the check, as Node's): the secret does not open, so nothing is sent, nothing counted, and the delivery stays due.
    const dueBefore = (await h.sql("SELECT next_attempt_at FROM webhook_deliveries WHERE tenant_id = ?", [t.id]))[0]!.next_attempt_at;
    // (The run's own counts cover every shop of the shared sqld, other tests' due deliveries included: this shop's row says it.)
    await runMaintenance({ db, secretsKey: wrongEnv.SECRETS_KEY, fetch: (input, init) => fetch(input, init), allowLoopbackWebhooks: true });
    expect(await deliveries()).toEqual([{ status: "pending", attempts: 0, last_error: null }]);
    expect((await h.sql("SELECT next_attempt_at FROM webhook_deliveries WHERE tenant_id = ?", [t.id]))[0]!.next_attempt_at).toBe(dueBefore);

    // The right key again: the cron delivers it, first attempt.
    await client.execute({ sql: "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE tenant_id = ?", args: [new Date(Date.now() - 1000).toISOString(), t.id] });
    await cron();
    expect(await deliveries()).toEqual([{ status: "delivered", attempts: 1, last_error: null }]);
  });

  it("the data dip never pays for the check: a lookup is one round trip to sqld and no decryption, as before", async () => {
    const t = await h.tenant();
    const c = uid("C");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ phone: "090-5555-0303" }) });
    await h.request("GET", "/v1/lookup?phone=09055550303", { key: t.key });
    await new Promise((r) => setTimeout(r, 300));
    const decrypt = vi.spyOn(crypto.subtle, "decrypt");
    // A fresh isolate's first lookups, with the right key and the wrong one.
    const trips = await callsTo(sqldUrl, async () => {
      for (const e of [env, wrongEnv]) {
        const res = await worker.fetch(buildRequest("https://tsuzuku.test", "GET", "/v1/lookup?phone=09055550303", { key: t.key }), e, ctx);
        expect(res.status).toBe(200);
      }
    });
    expect(trips).toBe(2);
    expect(decrypt).not.toHaveBeenCalled();
  });
});

describe("the Worker's cron when the database or a setting fails", () => {
  afterEach(() => vi.restoreAllMocks());
  const runCron = async (over: Partial<typeof env> & { DATABASE_TIMEOUT_MS?: string }) => {
    const pending: Promise<unknown>[] = [];
    await worker.scheduled({}, { ...env, ...over } as typeof env, { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} } as unknown as ExecutionContext);
    await Promise.all(pending);
  };

  it("a hung database: the first step's timeout ends the run, the other steps are skipped and said skipped in one line", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const hung = inject("hungDatabaseUrl");
    // One call waits its whole DATABASE_TIMEOUT_MS, not one per step (11 steps: ~110 s at the default 10 s).
    expect(await callsTo(hung, () => runCron({ DATABASE_URL: hung, DATABASE_TIMEOUT_MS: "300" }))).toBe(1);
    const lines = errors.mock.calls.map((args) => args.map(String).join(" "));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("DATABASE_TIMEOUT_MS");
    expect(lines[0]).toMatch(/skipped this run: (\w+, ){8,}\w+/);
  });

  it("a refused DATABASE_AUTH_TOKEN: one line per run naming it, no raw LibsqlError per step", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const refusing = inject("refusingDatabaseUrl");
    expect(await callsTo(refusing, () => runCron({ DATABASE_URL: refusing }))).toBe(1);
    const lines = errors.mock.calls.map((args) => args.map(String).join(" "));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("DATABASE_AUTH_TOKEN");
    expect(lines[0]).not.toMatch(/\n\s+at /);
  });

  it("a missing SECRETS_KEY: the cron does not throw; one line naming the setting, no stack", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await runCron({ SECRETS_KEY: undefined });
    const lines = errors.mock.calls.map((args) => args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" "));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("SECRETS_KEY must be set");
    expect(lines[0]).not.toMatch(/\n\s+at /);
  });
});
