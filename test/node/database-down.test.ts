import { generateKeyPairSync } from "node:crypto";
import { createClient } from "@libsql/client";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { createDatabase, type Database } from "../../src/db/client";
import { migrateDatabase, openDatabase } from "../../src/db/node";
import { createTenant, issueKey } from "../../src/tenants/keys";
import { ajvCheck } from "../support/ajv";
import { contractViolations } from "../support/contract";
import { buildRequest, customerBody, subscriptionBody, TEST_SECRETS_KEY, toRes, uid, type RequestOptions } from "../support/harness";
import { startSqld, type Sqld } from "../support/sqld";

/**
 * The app on Node against a real libSQL server (sqld, standing in for Turso) that goes away: killed,
 * or refusing the service's token. Every answer is held to openapi.json.
 */
const check = ajvCheck();

/** `fetch` for the libSQL client that runs `onStatement` (once) before sending the first request whose Hrana body `matches`. */
function watchedFetch() {
  const watch: { matches: ((body: string) => boolean) | null; onStatement: (() => Promise<void>) | null } = { matches: null, onStatement: null };
  const fetcher: typeof fetch = async (input, init) => {
    const body = typeof init?.body === "string" ? init.body : input instanceof Request ? await input.clone().text() : "";
    if (watch.matches?.(body) && watch.onStatement) {
      const hook = watch.onStatement;
      watch.onStatement = null;
      await hook();
    }
    return fetch(input, init);
  };
  return { fetcher, watch };
}

async function serve(url: string, options: { authToken?: string; fetch?: typeof fetch } = {}) {
  const db = createDatabase(createClient({ url, authToken: options.authToken, fetch: options.fetch }));
  const app = createApp(() => ({ db, now: () => new Date(), secretsKey: TEST_SECRETS_KEY }));
  const request = async (method: string, path: string, opts?: RequestOptions) => {
    const res = await toRes(await app.request(buildRequest("http://localhost", method, path, opts)));
    const wrong = contractViolations(check, method, path, res);
    if (wrong.length > 0) throw new Error(`The answer breaks openapi.json:\n${wrong.join("\n")}\n${res.text.slice(0, 2000)}`);
    return res;
  };
  return { db, request, app };
}

async function tenantKey(db: Database) {
  const tenant = await db.write((tx) => createTenant(tx, { name: "テスト店", at: new Date() }));
  return (await db.write((tx) => issueKey(tx, { tenantId: tenant.id, name: "test", scopes: ["read", "write", "admin"], at: new Date() }))).secret;
}

/** A bulk sync of 500 customers and 500 subscriptions. */
function thousandItems() {
  const customers = Array.from({ length: 500 }, () => ({ id: uid("C"), ...customerBody() }));
  return { customers, subscriptions: customers.map((c) => ({ id: uid("S"), ...subscriptionBody(c.id) })) };
}

describe("a libSQL server that goes away", () => {
  let sqld: Sqld;
  let api: Awaited<ReturnType<typeof serve>>;
  let watch: ReturnType<typeof watchedFetch>["watch"];
  let key: string;
  beforeAll(async () => {
    sqld = await startSqld();
    const watched = watchedFetch();
    watch = watched.watch;
    api = await serve(sqld.url, { fetch: watched.fetcher });
    await migrateDatabase(api.db);
    key = await tenantKey(api.db);
  });
  afterAll(async () => {
    api?.db.client.close();
    await sqld?.stop();
  });

  it("killed: an API call and /health answer 503 database_unavailable with Retry-After, saying it could not be reached", async () => {
    expect((await api.request("GET", "/v1/subscriptions/S-1", { key })).status).toBe(404);
    await sqld.kill();
    try {
      const res = await api.request("GET", "/v1/subscriptions/S-1", { key, headers: { "x-request-id": "req-db-down" } });
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.body).toMatchObject({ status: 503, code: "database_unavailable", retryAfterSeconds: 5 });
      expect(res.body.detail).toContain("The database could not be reached");
      expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|fetch failed/);

      const ja = await api.request("GET", "/v1/subscriptions/S-1", { key, headers: { "accept-language": "ja" } });
      expect(ja.body.detail).toContain("データベースに接続できませんでした");

      const health = await api.request("GET", "/health");
      expect(health.status).toBe(503);
      expect(health.headers.get("retry-after")).toBe("5");
      expect(health.body.detail).toContain("The database could not be reached");
    } finally {
      await sqld.restart();
    }
    expect((await api.request("GET", "/health")).status).toBe(200);
  });

  it("killed: the operator console's page says in the operator's words that it is temporary and when to reload, not the API's JSON", async () => {
    const session = await api.request("POST", "/v1/console-sessions", { key, body: { operatorId: "op-1", operatorName: "佐々木 美咲", role: "operator" } });
    expect(session.status).toBe(201);
    const login = await api.app.request(new URL(session.body.url).pathname + new URL(session.body.url).search);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect((await api.app.request("/console", { headers: { cookie } })).status).toBe(200);
    await sqld.kill();
    try {
      const res = await api.app.request("/console?customer=C-1", { headers: { cookie } });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.headers.get("content-type")).toContain("text/html");
      const html = await res.text();
      expect(html).toContain("データベースに一時的に接続できません。5秒ほど待ってから、画面を開き直してください。");
      // Reloading the page it could not serve is the way back (a read: safe to send again).
      expect(html).toContain('href="/console?customer=C-1"');
      expect(html).not.toContain("database_unavailable");
    } finally {
      await sqld.restart();
    }
    expect((await api.app.request("/console", { headers: { cookie } })).status).toBe(200);
  });

  // Turso's libsql:// (here ?tls=0, sqld being plain HTTP) and a ws:// URL too: Node talks HTTP to
  // every libSQL server (db/node serverUrlOverHttp); over WebSockets the call hung past the test's time.
  it.each([
    ["http://", (u: string) => u],
    ["ws://", (u: string) => u.replace(/^http/, "ws")],
    ["libsql://", (u: string) => `${u.replace(/^http/, "libsql")}?tls=0`],
  ])("hung, behind the server's own client (npm start's openDatabase with DATABASE_TIMEOUT_MS, %s): 503 once the timeout passes, not a request held open", async (_scheme, as) => {
    const hung = await openDatabase(as(sqld.url), undefined, { timeoutMs: 1_000 });
    const app = createApp(() => ({ db: hung, now: () => new Date(), secretsKey: TEST_SECRETS_KEY }));
    const get = async () => toRes(await app.request(buildRequest("http://localhost", "GET", "/v1/subscriptions/S-1", { key })));
    try {
      expect((await get()).status).toBe(404);
      await sqld.hang();
      const started = Date.now();
      const res = await get();
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.body).toMatchObject({ code: "database_unavailable" });
      expect(res.body.detail).toContain("did not answer in time");
      expect(Date.now() - started).toBeLessThan(8_000);
      await sqld.wake();
      expect((await get()).status).toBe(404);
    } finally {
      await sqld.wake();
      hung.client.close();
    }
  });

  it("killed in the middle of a 1,000-item sync: 503, and once it is back the retry with the same Idempotency-Key is applied at once", async () => {
    const body = thousandItems();
    const idempotencyKey = uid("idem");
    // The claim is written; the server dies as the batch's first customers go in, before the release too.
    watch.matches = (body) => body.includes('INSERT INTO \\"customers\\"');
    watch.onStatement = () => sqld.kill();
    const failed = await api.request("POST", "/v1/sync", { key, body, headers: { "idempotency-key": idempotencyKey } });
    watch.matches = null;
    expect(failed.status).toBe(503);
    expect(failed.body.code).toBe("database_unavailable");
    expect(failed.headers.get("retry-after")).toBe("5");

    await sqld.restart();
    const retried = await api.request("POST", "/v1/sync", { key, body, headers: { "idempotency-key": idempotencyKey } });
    expect(retried.status).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(retried.body).toMatchObject({ applied: 1000, refused: 0 });
    const again = await api.request("POST", "/v1/sync", { key, body, headers: { "idempotency-key": idempotencyKey } });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(retried.body);
  });

  it("a retry while the first request still runs is refused with 409 and Retry-After, then replays the first's answer", async () => {
    const body = { customers: [{ id: uid("C"), ...customerBody() }] };
    const idempotencyKey = uid("idem");
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    let reached!: () => void;
    const held = new Promise<void>((r) => (reached = r));
    // Held as the batch's transaction is about to begin (its first request: no stream yet, no lock
    // taken; a stream left idle 10 s would expire on the server).
    watch.matches = (body) => body.startsWith('{"requests"') && body.includes("BEGIN IMMEDIATE") && body.includes('from \\"customers\\"');
    watch.onStatement = () => {
      reached();
      return resumed;
    };
    const first = api.request("POST", "/v1/sync", { key, body, headers: { "idempotency-key": idempotencyKey } });
    await held;
    // From another process (this one's writes queue behind the first's): it waits for the first
    // (10 s), which is still running, and is refused, not run twice.
    const other = await serve(sqld.url);
    const second = await other.request("POST", "/v1/sync", { key, body, headers: { "idempotency-key": idempotencyKey } });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe("idempotency_key_in_use");
    const retryAfter = Number(second.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(second.body.retryAfterSeconds).toBe(retryAfter);
    expect(second.body.detail).toMatch(/has not finished, or was interrupted; retry after \d+ s/);
    other.db.client.close();
    resume();
    expect((await first).status).toBe(200);
    const third = await api.request("POST", "/v1/sync", { key, body, headers: { "idempotency-key": idempotencyKey } });
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    expect(third.body).toMatchObject({ applied: 1 });
  }, 30_000);
});

describe("a libSQL server that refuses the service's token", () => {
  let sqld: Sqld;
  let key: string;
  beforeAll(async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    sqld = await startSqld({ jwtPublicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() });
    const token = await new SignJWT({ a: "rw" }).setProtectedHeader({ alg: "EdDSA" }).sign(privateKey);
    const admin = await serve(sqld.url, { authToken: token });
    try {
      await migrateDatabase(admin.db);
      key = await tenantKey(admin.db);
      expect((await admin.request("GET", "/health")).status).toBe(200);
    } finally {
      admin.db.client.close();
    }
  });
  afterAll(() => sqld?.stop());

  // npm start's own client (openDatabase), with a Turso-style libsql:// URL and a ws:// one: they
  // used to talk WebSockets, where sqld's refusal reached the client as a closed socket (1006) and
  // read "could not be reached".
  it.each([
    ["ws://", (u: string) => u.replace(/^http/, "ws")],
    ["libsql://", (u: string) => `${u.replace(/^http/, "libsql")}?tls=0`],
  ])("a wrong token through openDatabase with a %s URL: 503 naming the credentials, as over HTTP", async (_scheme, as) => {
    const db = await openDatabase(as(sqld.url), "eyJhbGciOiJFZERTQSJ9.eyJhIjoicncifQ.not-signed-by-this-key", { timeoutMs: 5_000 });
    const app = createApp(() => ({ db, now: () => new Date(), secretsKey: TEST_SECRETS_KEY }));
    try {
      for (const path of ["/v1/subscriptions/S-1", "/health"]) {
        const res = await toRes(await app.request(buildRequest("http://localhost", "GET", path, { key })));
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("60");
        expect(res.body.detail).toContain("The database refused this service's credentials");
      }
    } finally {
      db.client.close();
    }
  });

  for (const [what, authToken] of [
    ["a wrong DATABASE_AUTH_TOKEN", "eyJhbGciOiJFZERTQSJ9.eyJhIjoicncifQ.not-signed-by-this-key"],
    ["no DATABASE_AUTH_TOKEN", undefined],
  ] as const) {
    it(`${what}: the API and /health answer 503 database_unavailable naming the credentials, not the token`, async () => {
      const api = await serve(sqld.url, { authToken });
      try {
        for (const res of [await api.request("GET", "/v1/subscriptions/S-1", { key }), await api.request("GET", "/health")]) {
          expect(res.status).toBe(503);
          expect(res.body.code).toBe("database_unavailable");
          expect(res.headers.get("retry-after")).toBe("60");
          expect(res.body.detail).toContain("The database refused this service's credentials");
          expect(res.body.detail).toContain("DATABASE_AUTH_TOKEN");
          expect(res.body.detail).not.toContain("did not answer");
          if (authToken) expect(res.text).not.toContain(authToken);
        }
      } finally {
        api.db.client.close();
      }
    });
  }
});
