import { beforeAll, describe, expect, it } from "vitest";
import openapi from "../../openapi.json";
import { signSessionToken } from "../../src/platform/session-tokens";
import { customerBody, subscriptionBody, TEST_SECRETS_KEY, uid, type Harness, type TestTenant } from "../support/harness";

/** CORS per shop, as a storefront page on another origin sees it. */
export function corsSuite(h: () => Harness) {
  describe("CORS per shop and API keys in browsers", () => {
    let t: TestTenant;
    let other: TestTenant;
    let shop = "";
    let customerId = "";
    let subscriptionId = "";
    let token = "";
    let sessionId = "";

    beforeAll(async () => {
      t = await h().tenant();
      other = await h().tenant();
      shop = `https://${uid("shop").toLowerCase()}.example.jp`;
      const set = await h().request("PATCH", "/v1/settings", { key: t.key, body: { allowedOrigins: [shop, "http://localhost:5173", "http://127.0.0.1:8080"] } });
      expect(set.status).toBe(200);
      expect(set.body.allowedOrigins).toEqual([shop, "http://localhost:5173", "http://127.0.0.1:8080"]);
      customerId = uid("C");
      subscriptionId = uid("S");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${subscriptionId}`, { key: t.key, body: subscriptionBody(customerId) });
      const session = await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId } });
      token = session.body.token;
      sessionId = session.body.id;
    });

    it("accepts only exact https origins (http only for localhost and 127.0.0.1)", async () => {
      for (const bad of ["http://shop.example.jp", "https://shop.example.jp/", "https://shop.example.jp/my-page", "shop.example.jp", "https://*.example.jp", "http://localhost.evil.jp"]) {
        const res = await h().request("PATCH", "/v1/settings", { key: t.key, body: { allowedOrigins: [bad] } });
        expect(res.status, bad).toBe(422);
        expect(res.body.errors[0].path, bad).toBe("allowedOrigins.0");
      }
      expect((await h().request("GET", "/v1/settings", { key: t.key })).body.allowedOrigins).toContain(shop);
    });

    it("answers a preflight from an allowed origin, whatever the bearer, and no other origin", async () => {
      const pre = await h().request("OPTIONS", `/v1/subscriptions/${subscriptionId}/skip`, {
        headers: { origin: shop, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, idempotency-key" },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe(shop);
      expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
      expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("idempotency-key");
      expect(pre.headers.get("access-control-max-age")).toBe("600");
      const stranger = await h().request("OPTIONS", `/v1/subscriptions/${subscriptionId}/skip`, {
        headers: { origin: "https://evil.example.com", "access-control-request-method": "POST" },
      });
      expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("puts CORS headers on a session's answers to an allowed origin only, exposing every header openapi.json declares", async () => {
      const res = await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: token, headers: { origin: shop } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe(shop);
      const exposed = (res.headers.get("access-control-expose-headers") ?? "").split(",").map((name) => name.trim().toLowerCase());
      // All but Content-Language, which is CORS-safelisted: a page reads it anyway.
      const declared = Object.keys(openapi.components.headers).filter((name) => name !== "Content-Language");
      expect(exposed.sort()).toEqual(declared.map((name) => name.toLowerCase()).sort());
      // And what this answer carries (the request id, the ETag, the rate limit), the page can read.
      // Cache-Control is CORS-safelisted too; X-Content-Type-Options is for the browser itself, not the page.
      for (const [name] of res.headers) if (!/^(content-(type|length|language)|cache-control|x-content-type-options|date|vary|access-control-.+)$/.test(name)) expect(exposed, name).toContain(name);
      expect(res.headers.get("etag")).toMatch(/^"\d+"$/);
      const local = await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: token, headers: { origin: "http://localhost:5173" } });
      expect(local.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
      const stranger = await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: token, headers: { origin: "https://evil.example.com" } });
      expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("the preflight and the answer expose the same headers, written the same way", async () => {
      const pre = await h().request("OPTIONS", `/v1/subscriptions/${subscriptionId}`, { headers: { origin: shop, "access-control-request-method": "GET" } });
      const res = await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: token, headers: { origin: shop } });
      expect(res.headers.get("access-control-expose-headers")).toMatch(/^X-Request-Id, /);
      expect(pre.headers.get("access-control-expose-headers")).toBe(res.headers.get("access-control-expose-headers"));
    });

    it("another shop's allowed origin is not this shop's", async () => {
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: other.key, body: customerBody() });
      const session = await h().request("POST", "/v1/customer-sessions", { key: other.key, body: { customerId: c } });
      const res = await h().request("GET", `/v1/customers/${c}/subscriptions`, { key: session.body.token, headers: { origin: shop } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("lets the page read an expired or revoked session's refusal, so it can mint a new one", async () => {
      const past = new Date(Date.now() - 3_600_000);
      const expired = await signSessionToken(TEST_SECRETS_KEY, "customer", { sessionId, tenantId: t.id, expiresAt: new Date(past.getTime() + 60_000) }, past);
      const res = await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: expired, headers: { origin: shop } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("session_expired");
      expect(res.headers.get("access-control-allow-origin")).toBe(shop);
    });

    it("lets the page read the refusal of a session token too mangled to name its shop (401 invalid_session), from an allowed origin only", async () => {
      const mangled = `${token.slice(0, 12)}.${token.split(".")[1]!.slice(3)}.x`;
      for (const bad of [mangled, "aaa.bbb.ccc"]) {
        const res = await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: bad, headers: { origin: shop } });
        expect(res.status, bad).toBe(401);
        expect(res.body.code).toBe("invalid_session");
        expect(res.headers.get("access-control-allow-origin"), bad).toBe(shop);
        const stranger = await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: bad, headers: { origin: "https://evil.example.com" } });
        expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
      }
    });

    it("refuses an API key sent from another origin's page with 403 api_key_in_browser; the API's own origin (the docs' Try it) works", async () => {
      for (const origin of [shop, "https://evil.example.com", "null"]) {
        const res = await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: t.key, headers: { origin } });
        expect(res.status, origin).toBe(403);
        expect(res.body.code).toBe("api_key_in_browser");
        expect(res.body.detail).toContain("/v1/customer-sessions");
        expect(res.headers.get("access-control-allow-origin")).toBeNull();
      }
      const docs = await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: t.key, headers: { origin: h().origin } });
      expect(docs.status).toBe(200);
      expect((await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: t.key })).status).toBe(200);
    });
  });
}
