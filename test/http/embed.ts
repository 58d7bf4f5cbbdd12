import { describe, expect, it } from "vitest";
import type { Harness } from "../support/harness";

export function embedSuite(h: () => Harness) {
  describe("the <tsuzuku-portal> embed", () => {
    it("GET /embed/v1/tsuzuku.js serves the bundle as JavaScript, long-cached, loadable from shops' pages", async () => {
      const res = await h().request("GET", "/embed/v1/tsuzuku.js");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/javascript\b/);
      expect(res.headers.get("cache-control")).toMatch(/max-age=\d{6,}/);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.text).toContain("tsuzuku-portal");
      expect(res.text).toContain("tsuzuku:canceled");
      const again = await h().request("GET", "/embed/v1/tsuzuku.js", { headers: { "If-None-Match": res.headers.get("etag")! } });
      expect(again.status).toBe(304);
    });

    it("has no demo my-page without the demo tenant", async () => {
      const res = await h().request("GET", "/demo/my-page");
      expect(res.status).toBe(404);
    });
  });
}
