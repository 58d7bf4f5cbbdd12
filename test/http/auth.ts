import { beforeAll, describe, expect, it } from "vitest";
import type { Harness, TestTenant } from "../support/harness";

export function authSuite(h: () => Harness) {
  describe("API keys and scopes", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
    });

    it("refuses a request without a key with 401 problem+json", async () => {
      const res = await h().request("GET", "/v1/customers/C-1", { key: null });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(res.body).toMatchObject({ status: 401, code: "missing_api_key", type: expect.stringContaining("missing_api_key") });
    });

    it("refuses an unknown key and a malformed header with 401", async () => {
      expect((await h().request("GET", "/v1/customers/C-1", { key: "tsz_nope" })).body.code).toBe("invalid_api_key");
      const res = await h().request("GET", "/v1/customers/C-1", { key: null, headers: { authorization: "Basic abc" } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("invalid_api_key");
    });

    it("answers 403 when the key lacks the scope, and changes nothing", async () => {
      const readOnly = await t.keyWith(["read"]);
      const put = await h().request("PUT", "/v1/customers/C-scope", { key: readOnly, body: { name: "山田 太郎" } });
      expect(put.status).toBe(403);
      expect(put.body).toMatchObject({ code: "insufficient_scope", requiredScope: "write" });
      expect((await h().request("GET", "/v1/customers/C-scope", { key: readOnly })).status).toBe(404);
      const writeOnly = await t.keyWith(["write"]);
      expect((await h().request("GET", "/v1/keys", { key: writeOnly })).status).toBe(403);
    });

    it("creates a key whose secret is shown once, lists it with scopes and last use, and revokes it at once", async () => {
      const created = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "IVR", scopes: ["read"] } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: "IVR", scopes: ["read"], revokedAt: null, lastUsedAt: null });
      const secret: string = created.body.secret;
      expect(secret).toMatch(/^tsz_[A-Za-z0-9]{32}$/);
      expect(secret.startsWith(created.body.prefix)).toBe(true);

      expect((await h().request("GET", "/v1/customers/none", { key: secret })).status).toBe(404); // works, and is used

      const list = await h().request("GET", "/v1/keys?limit=100", { key: t.key });
      expect(list.status).toBe(200);
      const listed = list.body.data.find((k: { id: string }) => k.id === created.body.id);
      expect(listed).toMatchObject({ name: "IVR", scopes: ["read"] });
      expect(listed.lastUsedAt).not.toBeNull();
      expect(list.text).not.toContain(secret);

      const revoked = await h().request("DELETE", `/v1/keys/${created.body.id}`, { key: t.key });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      const after = await h().request("GET", "/v1/customers/none", { key: secret });
      expect(after.status).toBe(401);
      expect(after.body.code).toBe("invalid_api_key");
    });

    it("pages through keys with an opaque cursor", async () => {
      for (let i = 0; i < 3; i++) await h().request("POST", "/v1/keys", { key: t.key, body: { name: `k${i}`, scopes: ["read"] } });
      const first = await h().request("GET", "/v1/keys?limit=2", { key: t.key });
      expect(first.body.data).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await h().request("GET", `/v1/keys?limit=2&cursor=${first.body.nextCursor}`, { key: t.key });
      const ids = [...first.body.data, ...second.body.data].map((k: { id: string }) => k.id);
      expect(new Set(ids).size).toBe(ids.length);
      const bad = await h().request("GET", "/v1/keys?cursor=%%%", { key: t.key });
      expect(bad.status).toBe(422);
    });

    it("validates key creation", async () => {
      const res = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "x", scopes: ["superuser"] } });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe("scopes.0");
      expect((await h().request("DELETE", "/v1/keys/key_doesnotexist", { key: t.key })).body.code).toBe("key_not_found");
    });
  });

  describe("refused keys from one client address (the failed-key limit, 30 a minute)", () => {
    it("answer 429 from the 31st, with Retry-After the window's 60 s on either runtime; other clients and valid keys pass", async () => {
      const client = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
      // The local Workers binding counts in windows aligned to the wall clock's minute (miniflare's
      // RateLimiterObject): 31 refusals straddling a minute would start a fresh count halfway.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 35_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
      const statuses: number[] = [];
      const refused = async (i: number) => {
        const res = await h().request("GET", "/v1/keys", { key: `tsz_wrong_${i}`, clientAddress: client });
        statuses.push(res.status);
        return res;
      };
      await refused(0);
      // Over a second into the window, so Node's count knows its reset is under 60 s away: the
      // answer must still be the Worker's, whose binding cannot say when its window began.
      await new Promise((r) => setTimeout(r, 1_100));
      for (let i = 1; i < 30; i++) await refused(i);
      const over = await refused(30);
      expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(over.status).toBe(429);
      expect(over.headers.get("content-type")).toContain("application/problem+json");
      expect(over.body).toMatchObject({ status: 429, code: "rate_limited", limit: 30, windowSeconds: 60, retryAfterSeconds: 60 });
      expect(over.headers.get("retry-after")).toBe("60");
      expect(over.headers.get("ratelimit-policy")).toBe('"failed_auth";q=30;w=60');
      expect(over.headers.get("www-authenticate")).toBeNull();
      expect((await refused(31)).status).toBe(429);
      // Another client is not affected, and a valid key from the same address is never refused by it.
      expect((await h().request("GET", "/v1/keys", { key: "tsz_wrong", clientAddress: "198.51.100.7" })).status).toBe(401);
      const t = await h().tenant();
      expect((await h().request("GET", "/v1/keys", { key: t.key, clientAddress: client })).status).toBe(200);
    }, 60_000);
  });
}
