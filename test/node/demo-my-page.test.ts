import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_API_KEY, DEMO_FIXTURES, seedDemo } from "../../src/demo/seed";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/** `/demo/my-page` on a database with the demo shop: a session minted server-side, the portal on the page. */
let h: NodeHarness;
beforeAll(async () => {
  // In demo mode, as `npm start` on a new database on loopback is (src/node.ts).
  h = await nodeHarness({ demo: true });
  await seedDemo(h.db, { now: new Date(), customers: 40 });
}, 60_000);
afterAll(() => h.close());

describe("the demo my-page", () => {
  it("shows <tsuzuku-portal> with a fresh session for a seeded customer, in Japanese unless asked", async () => {
    const page = await h.app.request("/demo/my-page");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('<script src="/embed/v1/tsuzuku.js"></script>');
    const token = /<tsuzuku-portal session="([^"]+)" lang="ja">/.exec(html)?.[1];
    expect(token).toBeDefined();
    const me = await h.request("GET", "/v1/customer-sessions/current", { key: token! });
    expect(me.status).toBe(200);
    expect(html).toContain(me.body.customerId);
    const subs = await h.request("GET", `/v1/customers/${me.body.customerId}/subscriptions`, { key: token! });
    expect(subs.body.data.some((s: { status: string }) => s.status === "active")).toBe(true);

    const english = await (await h.app.request(`/demo/my-page?lang=en&customer=${me.body.customerId}`)).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain(`customer ${me.body.customerId}`);
  });

  it("stays the README's customer after the README's cancellation: never another customer's my-page", async () => {
    const before = await (await h.app.request("/demo/my-page")).text();
    expect(before).toContain(DEMO_FIXTURES.customer);
    for (const id of [DEMO_FIXTURES.fee, DEMO_FIXTURES.save]) {
      const flow = await h.request("POST", `/v1/subscriptions/${id}/cancel-flows`, { key: DEMO_API_KEY, body: { channel: "web" } });
      expect((await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: DEMO_API_KEY, body: { acknowledgeFee: true } })).status).toBe(200);
    }
    const after = await (await h.app.request("/demo/my-page")).text();
    const token = /<tsuzuku-portal session="([^"]+)"/.exec(after)?.[1];
    expect((await h.request("GET", "/v1/customer-sessions/current", { key: token! })).body.customerId).toBe(DEMO_FIXTURES.customer);
  });

  it("mints a fresh session for the page when one runs out", async () => {
    const res = await h.app.request("/demo/my-page/session", { method: "POST" });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    expect((await h.request("GET", "/v1/customer-sessions/current", { key: token })).status).toBe(200);
  });

  it("/demo/console mints an audited console session and logs the operator in", async () => {
    const res = await h.app.request("/demo/console?role=operator&to=/console%3Fphone%3D0312345678");
    expect(res.status).toBe(303);
    const login = new URL(res.headers.get("location")!, "http://localhost");
    expect(login.pathname).toBe("/console/login");
    expect(login.searchParams.get("to")).toBe("/console?phone=0312345678");
    const opened = await h.app.request(`${login.pathname}${login.search}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe("/console?phone=0312345678");
    const log = await h.request("GET", "/v1/audit-log?limit=5", { key: DEMO_API_KEY });
    const entry = log.body.data.find((e: { action: string }) => e.action === "console_session.created");
    expect(entry).toMatchObject({ actor: { type: "key" }, details: { operatorId: "demo-operator", role: "operator" } });
  });
});

describe("the demo's pages with demo mode off (SEED_DEMO=0: a merchant's own server), the demo tenant still in the database", () => {
  let off: NodeHarness;
  beforeAll(async () => {
    off = await nodeHarness();
    await seedDemo(off.db, { now: new Date(), customers: 10 });
  }, 60_000);
  afterAll(() => off.close());

  it("/demo/console and /demo/my-page answer 404: nothing mints a session with the published key", async () => {
    for (const [method, path] of [["GET", "/demo/console"], ["GET", "/demo/my-page"], ["POST", "/demo/my-page/session"]] as const) {
      const res = await off.app.request(path, { method, redirect: "manual" });
      expect(res.status, path).toBe(404);
    }
    const log = await off.request("GET", "/v1/audit-log?limit=20", { key: DEMO_API_KEY });
    expect(log.body.data.filter((e: { action: string }) => e.action === "console_session.created" || e.action === "customer_session.created")).toEqual([]);
  });
});
