import { describe, expect, it } from "vitest";
import { type Harness } from "../support/harness";
import { syncedPlan } from "../support/synced-plan";

export function embedSuite(h: () => Harness) {
  describe("the <tsuzuku-portal> embed and what it reads", () => {
    it("GET /embed/v1/tsuzuku.js serves the bundle as JavaScript, loadable from shops' pages, fresh for an hour and then revalidated in the background (a fix reaches customers within the hour, not the week)", async () => {
      const res = await h().request("GET", "/embed/v1/tsuzuku.js");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/javascript\b/);
      expect(res.headers.get("cache-control")).toBe("public, max-age=3600, stale-while-revalidate=604800");
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.text).toContain("tsuzuku-portal");
      expect(res.text).toContain("tsuzuku:canceled");
      const again = await h().request("GET", "/embed/v1/tsuzuku.js", { headers: { "If-None-Match": res.headers.get("etag")! } });
      expect(again.status).toBe(304);
    });

    it("GET /v1/customer-sessions/current tells a browser whose session it holds (what the portal reads first)", async () => {
      const t = await h().tenant();
      const { customerId, subscriptionId } = await syncedPlan(h(), t);
      const minted = await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId, subscriptionId, locale: "en", expiresInSeconds: 600 } });
      const current = await h().request("GET", "/v1/customer-sessions/current", { key: minted.body.token });
      expect(current.status).toBe(200);
      expect(current.body).toEqual({ id: minted.body.id, customerId, subscriptionId, locale: "en", createdAt: minted.body.createdAt, expiresAt: minted.body.expiresAt, revokedAt: null });
      expect(current.text).not.toContain(minted.body.token);
      const byKey = await h().request("GET", "/v1/customer-sessions/current", { key: t.key });
      expect(byKey.status).toBe(404);
      expect(byKey.body.code).toBe("customer_session_not_found");
    });

    it("has no demo my-page without the demo tenant", async () => {
      const res = await h().request("GET", "/demo/my-page");
      expect(res.status).toBe(404);
    });
  });
}
