import { createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { webhookDeliveries } from "../../src/db/schema";
import { listen } from "../../src/node-server";
import { serveNode } from "../../src/node-shutdown";
import { rateLimitConfigFromEnv, trustProxyFromEnv } from "../../src/platform/rate-limit";
import { checkWebhookUrl, refusedAddress } from "../../src/webhooks/destination";
import { nodeWebhookFetch } from "../../src/webhooks/node-fetch";
import { customerBody, RECEIVER_SECRET, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";
import { addDays, localDate } from "../../src/platform/dates";

const today = localDate(new Date(), "Asia/Tokyo");

/** A receiver on loopback: records what it got, answers with `answer()`. */
async function receiver(answer: () => { status: number; headers?: Record<string, string> } = () => ({ status: 204 })) {
  const got: { path: string; headers: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      got.push({ path: req.url ?? "", headers: req.headers });
      const a = answer();
      res.writeHead(a.status, a.headers).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Every byte of the database file and its WAL, as text (secrets and personal data would show in it). */
function databaseText(h: NodeHarness): string {
  const file = h.dbPath;
  let text = readFileSync(file).toString("latin1");
  try {
    text += readFileSync(`${file}-wal`).toString("latin1");
  } catch {
    // no WAL
  }
  return text;
}

describe("SSRF: webhook destinations", () => {
  const refusedEverywhere = [
    "http://169.254.169.254/latest/meta-data/",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/",
    "https://0xa000001/",
    "https://167772161/",
    "https://012.0.0.1/",
    "https://192.168.1.10/hook",
    "https://172.16.0.1/",
    "https://100.100.100.200/",
    "https://[fd00:ec2::254]/",
    "https://[fe80::1]/",
    "https://[::ffff:10.0.0.1]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    // IPv4-compatible (::/96, which ipaddr.js calls unicast): 127.0.0.1 and 169.254.169.254 to a stack that reads them so.
    "https://[::7f00:1]/x",
    "https://[::a9fe:a9fe]/",
    "https://[::a00:1]/",
    // Outside global unicast (2000::/3), and the local-use NAT64 prefix, where the IPv4's place is the network's choice.
    "https://[4000::1]/",
    "https://[64:ff9b:1::a9fe:a9fe]/",
    "https://0.0.0.0/",
    "https://[::]/",
    "https://224.0.0.1/",
    "https://[ff02::1]/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://printer.local/",
    "https://intranet/",
    "http://shop.example.jp/hook",
    "https://user:pass@shop.example.jp/hook",
  ];
  const loopback = ["http://127.0.0.1/", "https://127.0.0.1/", "https://2130706433/", "https://0x7f000001/", "https://0177.0.0.1/", "https://127.1/", "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://localhost/", "https://api.localhost./", "https://user:pass@127.0.0.1/"];

  it("refuses every private, loopback and metadata spelling, and http, and user-info", () => {
    for (const url of [...refusedEverywhere, ...loopback]) expect(checkWebhookUrl(url), url).toMatchObject({ ok: false });
    expect(checkWebhookUrl("https://shop.example.jp/hooks/tsuzuku")).toMatchObject({ ok: true });
    expect(checkWebhookUrl("https://93.184.215.14/hook")).toMatchObject({ ok: true });
    for (const url of ["https://[2606:4700:4700::1111]/hook", "https://[64:ff9b::5db8:d70e]/hook", "https://[2002:5db8:d70e::1]/hook"]) expect(checkWebhookUrl(url), url).toMatchObject({ ok: true });
    // What registration refuses in the text is refused here too, so a stored one is refused at delivery.
    for (const url of ["https://shop.example.jp/ho\tok", "https://shop.example.jp/x\r\nX-Evil: 1", "https://ｓｈｏｐ.example.jp/x"]) expect(checkWebhookUrl(url), JSON.stringify(url)).toMatchObject({ ok: false });
  });

  it("WEBHOOKS_ALLOW_LOOPBACK allows loopback written as it reads (over http too), and nothing else", () => {
    const plain = ["http://127.0.0.1/", "https://127.0.0.1/", "https://[::1]/", "https://localhost/", "https://api.localhost./"];
    for (const url of plain) expect(checkWebhookUrl(url, { allowLoopback: true }), url).toMatchObject({ ok: true });
    // Another spelling of it (2130706433, 0x7f000001, 127.1…) is refused as registration refuses it: read as 127.0.0.1, not as written.
    for (const url of loopback.filter((u) => !u.includes("@") && !plain.includes(u))) {
      expect(checkWebhookUrl(url, { allowLoopback: true }), url).toMatchObject({ ok: false, reason: { en: expect.stringMatching(/^the URL would be read as https:\/\/(127\.0\.0\.1|\[::ffff:7f00:1\])\/;/) } });
    }
    for (const url of refusedEverywhere) expect(checkWebhookUrl(url, { allowLoopback: true }), url).toMatchObject({ ok: false });
  });

  describe("at registration", () => {
    let h: NodeHarness;
    let t: TestTenant;
    beforeAll(async () => {
      h = await nodeHarness({ allowLoopbackWebhooks: false });
      t = await h.tenant();
    });
    afterAll(() => h.close());

    it("answers 422 naming `url` and stores nothing", async () => {
      for (const url of [...refusedEverywhere, ...loopback]) {
        const res = await h.request("PUT", "/v1/webhooks/x", { key: t.key, body: { url, events: ["subscription.changed"] } });
        expect(res.status, url).toBe(422);
        expect(res.body.errors?.[0]?.path ?? res.body.code, url).toMatch(/url|validation_failed/);
      }
      expect((await h.request("GET", "/v1/webhooks/x", { key: t.key })).status).toBe(404);
    });
  });

  describe("at delivery", () => {
    it("refuses a stored loopback endpoint when loopback is not allowed, and records the failed attempt", async () => {
      const r = await receiver();
      const h = await nodeHarness(); // loopback allowed: the endpoint registers
      const t = await h.tenant();
      await h.request("PUT", "/v1/webhooks/hook", { key: t.key, body: { url: `${r.url}/hook`, events: ["subscription.changed"] } });
      await h.request("PUT", "/v1/customers/C-1", { key: t.key, body: customerBody() });
      const s = uid("S");
      await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody("C-1", { nextDeliveryOn: addDays(today, 10) }) });
      await h.request("POST", `/v1/subscriptions/${s}/skip`, { key: t.key, body: { count: 1 } });
      // The same database run by a process without WEBHOOKS_ALLOW_LOOPBACK.
      const { runMaintenance } = await import("../../src/maintenance");
      const result = await runMaintenance({ db: h.db, secretsKey: "test-secrets-key-0123456789abcdef-0123456789", fetch: nodeWebhookFetch(), allowLoopbackWebhooks: false });
      expect(result.webhooks).toMatchObject({ attempted: 1, delivered: 0 });
      expect(r.got).toHaveLength(0);
      const [row] = await h.db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.id));
      expect(row).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringMatching(/^refused destination: /) });
      r.server.close();
      h.close();
    });

    it("refuses a name's DNS answer by the same rule as a URL's address: IPv4-compatible and non-global IPv6 too", () => {
      // What nodeWebhookFetch's lookup asks of every address a name resolves to.
      for (const address of ["::7f00:1", "::a9fe:a9fe", "::ffff:169.254.169.254", "4000::1", "fd00:ec2::254", "64:ff9b:1::a9fe:a9fe"]) expect(refusedAddress(address), address).not.toBeNull();
      for (const address of ["2606:4700:4700::1111", "93.184.215.14", "64:ff9b::5db8:d70e"]) expect(refusedAddress(address), address).toBeNull();
    });

    it("checks the address a name resolves to at connect time (a name is no way around it)", async () => {
      const r = await receiver();
      const port = new URL(r.url).port;
      // `localhost` resolves to a loopback address: the connection is refused before any byte is sent.
      await expect(nodeWebhookFetch()(`http://localhost:${port}/hook`, { method: "POST" })).rejects.toThrow();
      expect(r.got).toHaveLength(0);
      // With loopback allowed, the same name connects.
      expect((await nodeWebhookFetch({ allowLoopback: true })(`http://localhost:${port}/hook`, { method: "POST" })).status).toBe(204);
      r.server.close();
    });

    it("never follows a redirect: a 3xx is a failed attempt, recorded, and the signed request goes nowhere else", async () => {
      const elsewhere = await receiver();
      const redirecting = await receiver(() => ({ status: 302, headers: { location: `${elsewhere.url}/stolen` } }));
      const h = await nodeHarness();
      const t = await h.tenant();
      await h.request("PUT", "/v1/webhooks/hook", { key: t.key, body: { url: `${redirecting.url}/hook`, events: ["subscription.changed"] } });
      await h.request("PUT", "/v1/customers/C-1", { key: t.key, body: customerBody() });
      const s = uid("S");
      await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody("C-1", { nextDeliveryOn: addDays(today, 10) }) });
      await h.request("POST", `/v1/subscriptions/${s}/skip`, { key: t.key, body: { count: 1 } });
      expect((await h.maintain()).webhooks).toMatchObject({ attempted: 1, delivered: 0 });
      expect(redirecting.got).toHaveLength(1);
      expect(elsewhere.got).toHaveLength(0);
      const [row] = await h.db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.id));
      expect(row).toMatchObject({ attempts: 1, lastError: "HTTP 302: redirect not followed" });
      elsewhere.server.close();
      redirecting.server.close();
      h.close();
    });
  });
});

describe("secrets are never stored in plain text", () => {
  it("no API key secret, webhook signing secret, session token or console URL is in the database file, after creation and idempotent replays", async () => {
    const h = await nodeHarness();
    const t = await h.tenant();
    const key = await h.request("POST", "/v1/keys", { key: t.key, body: { name: "IVR", scopes: ["read"] }, headers: { "idempotency-key": "k-1" } });
    const replay = await h.request("POST", "/v1/keys", { key: t.key, body: { name: "IVR", scopes: ["read"] }, headers: { "idempotency-key": "k-1" } });
    expect(replay.status).toBe(201);
    expect(replay.body.secret).toMatch(/shown once/);
    const hook = await h.request("PUT", "/v1/webhooks/crm", {
      key: t.key,
      body: { url: "https://shop.example.jp/hook", events: ["subscription.changed"] },
      headers: { "idempotency-key": "w-1" },
    });
    const given = "whsec_" + Buffer.from("a-secret-the-merchant-chose-123").toString("base64");
    await h.request("PUT", "/v1/webhooks/own", { key: t.key, body: { url: "https://shop.example.jp/own", events: ["subscription.changed"], secret: given }, headers: { "idempotency-key": "w-2" } });
    // The secret still works: GET shows it decrypted, so signatures can be verified with it.
    expect((await h.request("GET", "/v1/webhooks/crm", { key: t.key })).body.secret).toBe(hook.body.secret);
    expect((await h.request("GET", "/v1/webhooks/own", { key: t.key })).body.secret).toBe(given);
    // A customer session's token and a console session's one-time URL: shown once, never stored.
    const { customerBody } = await import("../support/harness");
    await h.request("PUT", "/v1/customers/C-1", { key: t.key, body: customerBody() });
    const cs = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: "C-1" }, headers: { "idempotency-key": "cs-1" } });
    const csReplay = await h.request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: "C-1" }, headers: { "idempotency-key": "cs-1" } });
    expect([cs.status, csReplay.status]).toEqual([201, 201]);
    expect(csReplay.body).toMatchObject({ id: cs.body.id, token: expect.stringMatching(/shown once/) });
    const op = { operatorId: "op-1", operatorName: "佐々木 美咲" };
    const console1 = await h.request("POST", "/v1/console-sessions", { key: t.key, body: op, headers: { "idempotency-key": "op-1" } });
    const consoleReplay = await h.request("POST", "/v1/console-sessions", { key: t.key, body: op, headers: { "idempotency-key": "op-1" } });
    expect([console1.status, consoleReplay.status]).toEqual([201, 201]);
    expect(consoleReplay.body).toMatchObject({ id: console1.body.id, url: expect.stringMatching(/shown once/) });
    const loginToken = new URL(console1.body.url).searchParams.get("token")!;
    // Minting either is in the audit log, without the secret.
    const log = await h.request("GET", "/v1/audit-log?limit=10", { key: t.key });
    expect(log.body.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["customer_session.created", "console_session.created", "key.created", "webhook.updated"]));
    expect(JSON.stringify(log.body)).not.toContain(loginToken);
    const text = databaseText(h);
    for (const secret of [key.body.secret, t.key, hook.body.secret, given, hook.body.secret.slice(6), given.slice(6), cs.body.token, cs.body.token.split(".")[2], loginToken]) {
      expect(text.includes(secret), "a secret is in the database file").toBe(false);
    }
    h.close();
  });
});

describe("rate limits on Node (a real server)", () => {
  let h: NodeHarness;
  let t: TestTenant;
  let server: ReturnType<typeof listen>;
  let base: string;
  beforeAll(async () => {
    h = await nodeHarness({ rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "5", RATE_LIMIT_FAILED_AUTH: "3" }) });
    t = await h.tenant();
    await new Promise<void>((resolve) => {
      // As npm start serves (node.ts): behind the drain, which must hand the socket on.
      ({ server } = serveNode(h.app.fetch, { port: 0, hostname: "127.0.0.1", headersTimeoutMs: 2000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 }, (info) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      }));
    });
  });
  afterAll(() => {
    server.close();
    h.close();
  });

  it("cuts a stalled request (Content-Length larger than what is sent) at the request timeout", async () => {
    const writer = await t.keyWith(["write"]); // a key with its own count: the route waits for the body
    const started = Date.now();
    const socket = connect(Number(new URL(base).port), "127.0.0.1");
    let answer = "";
    socket.on("data", (d) => (answer += d.toString()));
    socket.write(`PUT /v1/customers/C-1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${writer}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`);
    await new Promise<void>((resolve) => socket.on("close", () => resolve()));
    const took = Date.now() - started;
    expect(took).toBeLessThan(6_000);
    expect(took).toBeGreaterThanOrEqual(1_500);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it("a key over its plan's limit gets 429 problem+json with Retry-After, RateLimit and RateLimit-Policy", async () => {
    const answers = [];
    // Each held to openapi.json, headers too, as the in-process suite's answers are.
    for (let i = 0; i < 6; i++) answers.push(await h.held("GET", "/v1/keys", await fetch(`${base}/v1/keys`, { headers: { authorization: `Bearer ${t.key}` } })));
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]!.headers.get("ratelimit-policy")).toBe('"standard";q=5;w=60');
    expect(answers[0]!.headers.get("ratelimit")).toMatch(/^"standard";r=4;t=\d+$/);
    const over = answers[5]!;
    expect(over.status).toBe(429);
    expect(over.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(over.headers.get("ratelimit-policy")).toBe('"standard";q=5;w=60');
    expect(over.headers.get("ratelimit")).toMatch(/^"standard";r=0;t=\d+$/);
    expect(over.body).toMatchObject({ status: 429, code: "rate_limited" });
    // Another key of the same shop has its own count.
    const other = await t.keyWith(["read"]);
    expect((await fetch(`${base}/v1/subscriptions/none`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(404);
  });

  it("a customer session is limited on its own id, like a key", async () => {
    const minter = await t.keyWith(["read", "write"]);
    const { customerBody } = await import("../support/harness");
    const c = uid("C");
    await fetch(`${base}/v1/customers/${c}`, { method: "PUT", headers: { authorization: `Bearer ${minter}`, "content-type": "application/json" }, body: JSON.stringify(customerBody()) });
    const minted = await fetch(`${base}/v1/customer-sessions`, { method: "POST", headers: { authorization: `Bearer ${minter}`, "content-type": "application/json" }, body: JSON.stringify({ customerId: c }) });
    const { token } = (await minted.json()) as { token: string };
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${base}/v1/customer-sessions/current`, { headers: { authorization: `Bearer ${token}` } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // The key that minted it has its own count (2 of 5 used).
    expect((await fetch(`${base}/v1/keys`, { headers: { authorization: `Bearer ${minter}` } })).status).toBe(403);
  });

  it("a client sending wrong keys gets 429 after the failed-auth limit; a valid key from the same address still passes", async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.held("GET", "/v1/keys", await fetch(`${base}/v1/keys`, { headers: { authorization: `Bearer tsz_wrong${i}` } }))).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const res = await h.held("GET", "/v1/keys", await fetch(`${base}/v1/keys`, { headers: { authorization: "Bearer tsz_wrong" } }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(res.headers.get("ratelimit-policy")).toBe('"failed_auth";q=3;w=60');
    expect(res.headers.get("www-authenticate")).toBeNull();
    // Everyone else at this address (a load balancer, a call centre's shared address) keeps working, any shop.
    const other = await h.tenant();
    expect((await h.held("GET", "/v1/subscriptions/none", await fetch(`${base}/v1/subscriptions/none`, { headers: { authorization: `Bearer ${other.key}` } }))).status).toBe(404);
    // …and the refused key stays refused with 429 until the window passes.
    expect((await fetch(`${base}/v1/keys`, { headers: { authorization: "Bearer tsz_wrong" } })).status).toBe(429);
    // A forged X-Forwarded-For does not escape the count without TRUST_PROXY.
    expect((await fetch(`${base}/v1/keys`, { headers: { authorization: "Bearer tsz_wrong", "x-forwarded-for": "198.51.100.9" } })).status).toBe(429);
  });
});

describe("rate limits behind a reverse proxy (TRUST_PROXY)", () => {
  it("counts refused keys by the client X-Forwarded-For names through trusted hops", async () => {
    const h = await nodeHarness({ rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_FAILED_AUTH: "2", TRUST_PROXY: "loopback" }) });
    const t = await h.tenant();
    let server: ReturnType<typeof listen> | undefined;
    const base = await new Promise<string>((resolve) => {
      ({ server } = serveNode(h.app.fetch, { port: 0, hostname: "127.0.0.1", headersTimeoutMs: 2000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 }, (info) => resolve(`http://127.0.0.1:${info.port}`)));
    });
    const from = (client: string, key: string) => fetch(`${base}/v1/keys`, { headers: { authorization: `Bearer ${key}`, "x-forwarded-for": client } }).then((r) => r.status);
    const one = [];
    for (let i = 0; i < 4; i++) one.push(await from("203.0.113.5", `tsz_wrong${i}`));
    expect(one).toEqual([401, 401, 429, 429]);
    // Another client behind the same proxy has its own count; a valid key is never refused.
    expect(await from("203.0.113.6", "tsz_wrong")).toBe(401);
    expect(await from("203.0.113.5", t.key)).toBe(200);
    server!.close();
    h.close();
  });

  it("the console behind a proxy that terminates HTTPS: its one-time URL, Secure cookie and form writes work with the https origin the browser names", async () => {
    // As src/node.ts wires TRUST_PROXY: the public origin (services) and the client address (rate limits).
    const h = await nodeHarness({ trustProxy: trustProxyFromEnv("loopback"), rateLimits: rateLimitConfigFromEnv({ TRUST_PROXY: "loopback" }) });
    const t = await h.tenant();
    const sub = uid("S");
    await h.request("PUT", "/v1/customers/C-proxy", { key: t.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${sub}`, { key: t.key, body: subscriptionBody("C-proxy", { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }) });
    let server: ReturnType<typeof listen> | undefined;
    const base = await new Promise<string>((resolve) => {
      ({ server } = serveNode(h.app.fetch, { port: 0, hostname: "127.0.0.1", headersTimeoutMs: 2000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 }, (info) => resolve(`http://127.0.0.1:${info.port}`)));
    });
    // What nginx in front sends on: plain http to this server, the browser's https origin in its headers.
    const proxied = { "x-forwarded-proto": "https", "x-forwarded-host": "console.shop.example", "x-forwarded-for": "203.0.113.9" };
    const minted = await fetch(`${base}/v1/console-sessions`, { method: "POST", headers: { ...proxied, authorization: `Bearer ${t.key}`, "content-type": "application/json" }, body: JSON.stringify({ operatorId: "op-1", operatorName: "佐々木 美咲" }) });
    const url = new URL(((await minted.json()) as { url: string }).url);
    expect(url.origin).toBe("https://console.shop.example");
    const login = await fetch(`${base}${url.pathname}${url.search}`, { headers: proxied, redirect: "manual" });
    expect(login.status).toBe(303);
    expect(login.headers.get("set-cookie")).toMatch(/Secure/);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const page = await (await fetch(`${base}/console`, { headers: { ...proxied, cookie } })).text();
    const csrf = /data-csrf="([^"]+)"/.exec(page)![1]!;
    const skip = await fetch(`${base}/v1/subscriptions/${sub}/skip`, {
      method: "POST",
      headers: { ...proxied, cookie, origin: "https://console.shop.example", "sec-fetch-site": "same-origin", "x-csrf-token": csrf, "content-type": "application/json" },
      body: JSON.stringify({ count: 1, channel: "operator" }),
    });
    expect(skip.status, await skip.clone().text()).toBe(200);
    // Another origin with the same cookie and token is still refused.
    const foreign = await fetch(`${base}/v1/subscriptions/${sub}/skip`, {
      method: "POST",
      headers: { ...proxied, cookie, origin: "https://evil.example", "x-csrf-token": csrf, "content-type": "application/json" },
      body: JSON.stringify({ count: 1, channel: "operator" }),
    });
    expect(foreign.status).toBe(403);
    server!.close();
    h.close();
  });

  it("reads TRUST_PROXY as hops or addresses, and refuses what it cannot read", () => {
    expect(rateLimitConfigFromEnv({})!.trustProxy).toBeUndefined();
    expect(rateLimitConfigFromEnv({ TRUST_PROXY: "off" })!.trustProxy).toBeUndefined();
    const hop = rateLimitConfigFromEnv({ TRUST_PROXY: "1" })!.trustProxy!;
    expect([hop("10.0.0.1", 0), hop("10.0.0.2", 1)]).toEqual([true, false]);
    const cidr = rateLimitConfigFromEnv({ TRUST_PROXY: "10.0.0.0/8, 192.0.2.1" })!.trustProxy!;
    expect([cidr("10.1.2.3", 0), cidr("192.0.2.1", 0), cidr("198.51.100.1", 0)]).toEqual([true, true, false]);
    expect(() => rateLimitConfigFromEnv({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY/);
    expect(() => rateLimitConfigFromEnv({ TRUST_PROXY: "not-an-address" })).toThrow(/TRUST_PROXY/);
  });
});

describe("the console login on a real server", () => {
  /** A request with the headers a reverse proxy sends (`Host` included, which fetch cannot set). */
  const raw = (base: string, method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
      const url = new URL(path, base);
      const req = request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on("error", reject);
      req.end(body);
    });
  const serve = (h: NodeHarness) =>
    new Promise<{ base: string; server: ReturnType<typeof listen> }>((resolve) => {
      const { server } = serveNode(h.app.fetch, { port: 0, hostname: "127.0.0.1", headersTimeoutMs: 2000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 }, (info) => resolve({ base: `http://127.0.0.1:${info.port}`, server }));
    });

  it("counts wrong login tokens as refused credentials: 429 past the failed-auth limit", async () => {
    const h = await nodeHarness({ rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_FAILED_AUTH: "3" }) });
    const { base, server } = await serve(h);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${base}/console/login?token=wrong${i}`, { redirect: "manual" })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const over = await fetch(`${base}/console/login?token=wrong`, { redirect: "manual" });
    expect(over.headers.get("ratelimit-policy")).toBe('"failed_auth";q=3;w=60');
    expect(over.headers.get("retry-after")).toBe("60");
    // An operator's browser opened it: a page in their words saying how long to wait, not JSON.
    expect(over.headers.get("content-type")).toContain("text/html");
    const page = await over.text();
    expect(page).toContain('<html lang="ja">');
    expect(page).toContain("ログインを一時的に受け付けていません。60秒ほど待ってから、管理画面で新しいコンソールURLを発行して開いてください。");
    server.close();
    h.close();
  });

  it("hands out the origin a trusted proxy names (TRUST_PROXY), with a Secure cookie over https; others' X-Forwarded-* are ignored", async () => {
    const open = async (h: NodeHarness, base: string, key: string) => {
      const res = await raw(base, "POST", "/v1/console-sessions", { host: "console.shop.example.jp", "x-forwarded-proto": "https", "x-forwarded-host": "console.shop.example.jp", authorization: `Bearer ${key}`, "content-type": "application/json" }, JSON.stringify({ operatorId: "op-1", operatorName: "op1" }));
      expect(res.status).toBe(201);
      return JSON.parse(res.text).url as string;
    };
    const trusted = await nodeHarness({ trustProxy: trustProxyFromEnv("loopback") });
    const behind = await serve(trusted);
    const url = new URL(await open(trusted, behind.base, (await trusted.tenant()).key));
    expect(url.origin).toBe("https://console.shop.example.jp");
    const login = await raw(behind.base, "GET", url.pathname + url.search, { host: "127.0.0.1", "x-forwarded-proto": "https" });
    expect(login.status).toBe(303);
    expect(String(login.headers["set-cookie"])).toMatch(/; Secure/);
    behind.server.close();
    trusted.close();

    // Without TRUST_PROXY anyone can send X-Forwarded-*: the request's own scheme stands.
    const direct = await nodeHarness();
    const plain = await serve(direct);
    expect(new URL(await open(direct, plain.base, (await direct.tenant()).key)).protocol).toBe("http:");
    plain.server.close();
    direct.close();
  });

  it("a login over plain http to a host other than loopback says the console needs HTTPS and leaves the one-time URL unspent (the browser would drop the Secure cookie)", async () => {
    const h = await nodeHarness();
    const server = await serve(h);
    const t = await h.tenant();
    const minted = await raw(server.base, "POST", "/v1/console-sessions", { host: "console.shop.example.jp", authorization: `Bearer ${t.key}`, "content-type": "application/json" }, JSON.stringify({ operatorId: "op-1", operatorName: "op1" }));
    const url = new URL(JSON.parse(minted.text).url as string);
    expect(url.origin).toBe("http://console.shop.example.jp");
    const refused = await raw(server.base, "GET", url.pathname + url.search, { host: "console.shop.example.jp", "accept-language": "ja" });
    expect(refused.status).toBe(403);
    expect(refused.headers["set-cookie"]).toBeUndefined();
    expect(refused.text).toContain("コンソールは HTTPS で開いてください");
    expect(refused.text).toContain("コンソールURLはまだ使われていません");
    // The same URL still works where the cookie can be kept (loopback here; https in production).
    const login = await raw(server.base, "GET", url.pathname + url.search, { host: "127.0.0.1" });
    expect(login.status).toBe(303);
    expect(String(login.headers["set-cookie"])).toContain("tsz_console=");
    server.server.close();
    h.close();
  });
});

describe("the console's pages and the console session's rate limit", () => {
  it("every console page counts against the session's per-minute limit, as its /v1 calls do: over it, a contact note is refused with a page saying when to reload, and nothing is logged", async () => {
    const h = await nodeHarness({ rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "3" }) });
    const t = await h.tenant();
    const customer = uid("C");
    expect((await h.request("PUT", `/v1/customers/${customer}`, { key: t.key, body: customerBody() })).status).toBe(201);
    const minted = await h.request("POST", "/v1/console-sessions", { key: t.key, body: { operatorId: "op-1", operatorName: "佐々木 美咲" } });
    const login = await h.app.request(new URL(minted.body.url).pathname + new URL(minted.body.url).search);
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    // The search page reads nothing through /v1: before, no page of the console was ever counted.
    const statuses: number[] = [];
    let csrf = "";
    for (let i = 0; i < 3; i++) {
      const res = await h.app.request("/console", { headers: { cookie } });
      statuses.push(res.status);
      csrf = /data-csrf="([^"]+)"/.exec(await res.text())?.[1] ?? csrf;
    }
    expect(statuses).toEqual([200, 200, 200]);
    const note = await h.app.request("/console/contact", {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded", referer: `http://localhost/console?customer=${customer}` },
      body: new URLSearchParams({ csrf, customer, topic: "inquiry", note: "数える" }).toString(),
    });
    expect(note.status).toBe(429);
    expect(note.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(note.headers.get("content-type")).toContain("text/html");
    const page = await note.text();
    expect(page).toContain(`操作が集中しています。${note.headers.get("retry-after")}秒ほど待ってから、画面を開き直してください。`);
    expect(page).toContain(`href="/console?customer=${customer}"`);
    const timeline = await h.request("GET", `/v1/customers/${customer}/timeline`, { key: t.key });
    expect(timeline.body.data).toEqual([]);
    h.close();
  });

  it("the ended-session page says it once, then what to do", async () => {
    const h = await nodeHarness();
    const res = await h.app.request("/console", { headers: { "accept-language": "ja" } });
    expect(res.status).toBe(401);
    const text = (await res.text()).replace(/<title>.*?<\/title>/, "");
    expect(text.split("セッションが終了しました")).toHaveLength(2);
    expect(text).toContain("管理画面から新しいコンソールURLを開いてください");
    h.close();
  });
});

describe("erasure leaves no personal datum in the database file", () => {
  it("scans every table (the file and its WAL) for the name, phone, e-mail and free text", async () => {
    const { person, personWithHistory } = await import("../http/data-rights");
    const h = await nodeHarness();
    const t = await h.tenant();
    // Delivered to a receiver: the customer.erased event names the merchant's id until it is delivered.
    await h.request("PUT", "/v1/webhooks/erasures", { key: t.key, body: { url: `${h.receiverUrl}/hook`, secret: RECEIVER_SECRET, events: ["subscription.changed", "subscription.canceled", "customer.erased"] } });
    const p = person();
    const ids = await personWithHistory(h, t, p);
    const needles = [ids.customerId, p.name, p.email, p.e164, p.e164.replace("+81", "0"), p.comment, p.note, p.address, ids.token];
    // The file is read as Latin-1: each needle as its UTF-8 bytes read the same way.
    const inFile = (text: string) => needles.filter((n) => text.includes(Buffer.from(n, "utf8").toString("latin1")));
    expect(inFile(databaseText(h))).toEqual(expect.arrayContaining([ids.customerId, p.name, p.email, p.e164, p.comment, p.note, p.address])); // the scan can see them
    expect((await h.request("DELETE", `/v1/customers/${ids.customerId}`, { key: t.key })).status).toBe(200);
    const delivered = async () => (await h.request("GET", "/v1/webhooks/erasures", { key: t.key })).body.deliveries.pending === 0;
    for (let pass = 0; pass < 20 && !(await delivered()); pass++) await h.maintain();
    expect(await delivered()).toBe(true);
    expect(inFile(databaseText(h))).toEqual([]);
    // Row by row too: every table, every column.
    const tables = (await h.db.client.execute("SELECT name FROM sqlite_master WHERE type = 'table'")).rows.map((r) => String(r.name));
    for (const table of tables) {
      const rows = (await h.db.client.execute(`SELECT * FROM "${table}"`)).rows;
      const dump = JSON.stringify(rows);
      expect(needles.filter((n) => dump.includes(n)), table).toEqual([]);
    }
    const [row] = (await h.db.client.execute("SELECT postal_code, address_key, phone_extension FROM customers WHERE erased_at IS NOT NULL")).rows;
    expect(row).toMatchObject({ postal_code: null, address_key: null, phone_extension: null });
    // The evidence still reads.
    expect((await h.request("GET", `/v1/cancel-flows/${ids.flowId}`, { key: t.key })).body.outcome).toBe("canceled");
    // Fingerprints were kept (fraud prevention) and go when the shop turns them off.
    const kept = async () => (await h.db.client.execute("SELECT count(*) AS n FROM customers WHERE phone_fingerprint IS NOT NULL OR email_fingerprint IS NOT NULL")).rows[0]!.n;
    expect(Number(await kept())).toBe(1);
    const check = () => h.request("POST", "/v1/checkout-checks", { key: t.key, body: { phone: p.phone } });
    expect((await check()).body.evidence.earlierSubscriptions).toBe(1);
    // The PATCH only records the setting (a big shop's update would hold the loop): the check stops
    // reading them at once, turning them on again does not bring them back, the background job drops them.
    const patched = await h.request("PATCH", "/v1/settings", { key: t.key, body: { keepContactFingerprints: false } });
    expect(patched.body.keepContactFingerprints).toBe(false);
    expect(Number(await kept())).toBe(1);
    expect((await check()).body.evidence).toMatchObject({ matchedOn: [], earlierSubscriptions: 0 });
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { keepContactFingerprints: true } })).body).not.toHaveProperty("fingerprintsDroppedAt");
    expect((await check()).body.evidence).toMatchObject({ matchedOn: [], earlierSubscriptions: 0 });
    expect((await h.maintain()).fingerprints).toBe(1);
    expect(Number(await kept())).toBe(0);
    expect((await check()).body.evidence).toMatchObject({ matchedOn: [], earlierSubscriptions: 0 });
    const settings = (await h.db.client.execute({ sql: "SELECT settings FROM tenants WHERE id = ?", args: [t.id] })).rows[0]!.settings;
    expect(JSON.parse(String(settings))).not.toHaveProperty("fingerprintsDroppedAt");
    expect((await h.maintain()).fingerprints).toBe(0);
    h.close();
  });
});

describe("an erasure racing the shop turning contact fingerprints off", () => {
  it("keeps none once keepContactFingerprints: false has committed, though the request authenticated before it; the job then leaves none", async () => {
    const { person, personWithHistory } = await import("../http/data-rights");
    const h = await nodeHarness();
    const t = await h.tenant();
    const [before, after] = [person(), person()];
    const beforeIds = await personWithHistory(h, t, before);
    const afterIds = await personWithHistory(h, t, after);
    const kept = async () => Number((await h.sql("SELECT count(*) AS n FROM customers WHERE phone_fingerprint IS NOT NULL OR email_fingerprint IS NOT NULL"))[0]!.n);
    const check = (p: typeof before) => h.request("POST", "/v1/checkout-checks", { key: t.key, body: { phone: p.phone, email: p.email } });
    expect((await h.request("DELETE", `/v1/customers/${beforeIds.customerId}`, { key: t.key })).body.fingerprintsKept).toBe(true);

    // The second erasure has authenticated (the setting on) when the shop's PATCH commits, just
    // before the erasure's own transaction begins.
    const write = h.db.write;
    let patched = 0;
    h.db.write = (async (fn: Parameters<typeof write>[0]) => {
      h.db.write = write;
      patched = (await h.request("PATCH", "/v1/settings", { key: t.key, body: { keepContactFingerprints: false } })).status;
      return write(fn);
    }) as typeof write;
    const erased = await h.request("DELETE", `/v1/customers/${afterIds.customerId}`, { key: t.key });
    expect([patched, erased.status]).toEqual([200, 200]);
    expect(erased.body.fingerprintsKept).toBe(false);
    expect(await kept()).toBe(1); // the first person's, until the job runs
    const log = await h.request("GET", "/v1/audit-log?action=customer.erased", { key: t.key });
    expect(log.body.data[0].details.fingerprintsKept).toBe(false);

    // The job drops the one kept before the PATCH; none is left, and turned on again the setting
    // brings neither person back to the checkout check.
    expect((await h.maintain()).fingerprints).toBe(1);
    expect(await kept()).toBe(0);
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { keepContactFingerprints: true } })).status).toBe(200);
    for (const p of [before, after]) expect((await check(p)).body.evidence, p.name).toMatchObject({ matchedOn: [], earlierSubscriptions: 0 });
    // An erasure after that keeps its fingerprints again, and the job leaves them.
    const later = person();
    const laterIds = await personWithHistory(h, t, later);
    expect((await h.request("DELETE", `/v1/customers/${laterIds.customerId}`, { key: t.key })).body.fingerprintsKept).toBe(true);
    expect((await h.maintain()).fingerprints).toBe(0);
    expect((await check(later)).body.evidence).toMatchObject({ matchedOn: ["phone", "email"], earlierSubscriptions: 1 });
    h.close();
  });
});

describe("retention: the shop's settings, applied by the background job in bounded chunks", () => {
  it("deletes old events and removes old closed flows' free text; the evidence stays; nothing newer is touched", async () => {
    const h = await nodeHarness();
    const t = await h.tenant();
    const longAgo = new Date(Date.now() - 60 * 86_400_000);
    h.setNow(longAgo);
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(localDate(longAgo, "Asia/Tokyo"), 12) }) });
    const event = (id: string, at: Date) => ({ id, type: "contact.logged", customerId: c, subscriptionId: s, occurredAt: at.toISOString(), data: { channel: "phone", topic: "inquiry", note: "古いメモ" } });
    await h.request("POST", "/v1/events", { key: t.key, body: { events: [event("old-1", longAgo), event("old-2", longAgo)] } });
    const flow = await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: { channel: "web" } });
    await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, body: { reason: "other", comment: "古いコメント" } });
    const survey = [
      { questionId: "why_stopped", answer: "夏の間だけ使いたかった" },
      { questionId: "bring_back", answer: "season" },
    ];
    const confirmed = await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { acknowledgeFee: true, survey, keepInTouch: true } });
    expect(confirmed.body).toMatchObject({ outcome: "canceled", exitSurvey: { recorded: 2 } });
    h.setNow(null);
    // An event from today, sent today (the server refuses one dated ahead of its clock).
    await h.request("POST", "/v1/events", { key: t.key, body: { events: [event("new-1", new Date())] } });

    // Nothing is due without a setting.
    expect((await h.maintain()).retention).toEqual({ events: 0, flowTexts: 0, surveyTexts: 0, erasedIds: 0 });
    const surveyOf = async () => (await h.request("GET", `/v1/customers/${c}/export`, { key: t.key })).body.exitSurveys[0].answers;
    expect(await surveyOf()).toEqual(survey);
    const patch = await h.request("PATCH", "/v1/settings", { key: t.key, body: { eventRetentionDays: 30, flowTextRetentionDays: 30 } });
    expect(patch.body).toMatchObject({ eventRetentionDays: 30, flowTextRetentionDays: 30, keepContactFingerprints: true });

    const { applyRetention } = await import("../../src/data-rights/retention");
    expect(await applyRetention(h.db, new Date(), 1)).toEqual({ events: 1, flowTexts: 0, surveyTexts: 0, erasedIds: 0 }); // a chunk of one
    // The reason's comment and the confirmation's survey copy (flow steps), the win-back record's survey.
    expect((await h.maintain()).retention).toEqual({ events: 1, flowTexts: 2, surveyTexts: 1, erasedIds: 0 });
    expect((await h.maintain()).retention).toEqual({ events: 0, flowTexts: 0, surveyTexts: 0, erasedIds: 0 });
    // The customer's own words are gone from the win-back record; the option code stays.
    expect(await surveyOf()).toEqual([{ questionId: "bring_back", answer: "season" }]);

    const left = await h.request("GET", `/v1/customers/${c}/export`, { key: t.key });
    expect(left.body.events.map((e: { id: string }) => e.id)).toEqual(["new-1"]);
    const evidence = await h.request("GET", `/v1/cancel-flows/${flow.body.flowId}`, { key: t.key });
    expect(evidence.body.outcome).toBe("canceled");
    const reason = evidence.body.steps.find((x: { type: string }) => x.type === "reason_given");
    expect(reason.data).toMatchObject({ reason: "other", comment: null, textRemovedAt: expect.any(String) });
    const confirmation = evidence.body.steps.find((x: { type: string }) => x.type === "cancel_confirmed");
    expect(confirmation.data.survey).toEqual([{ questionId: "bring_back", answer: "season" }]);
    expect(JSON.stringify(evidence.body)).not.toContain("夏の間だけ");
    h.close();
  });
});
