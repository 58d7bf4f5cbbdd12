import { describe, expect, it } from "vitest";
import type { Harness } from "../support/harness";

export function metaSuite(h: () => Harness) {
  describe("meta", () => {
    it("GET /health checks the database", async () => {
      const res = await h().request("GET", "/health");
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: "ok", database: "ok" });
    });

    it("serves the OpenAPI 3.1 document and an interactive reference", async () => {
      const doc = await h().request("GET", "/openapi.json");
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toBe("3.1.0");
      const docs = await h().request("GET", "/docs");
      expect(docs.status).toBe(200);
      expect(docs.headers.get("content-type")).toContain("text/html");
      expect(docs.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect((await h().request("GET", "/docs/init.js")).text).toContain('"/openapi.json"');
      expect(doc.body.servers).toEqual([expect.objectContaining({ url: "/" })]);
    });

    it("serves the docs viewer from this origin (Node: the installed package; Workers: Static Assets)", async () => {
      expect((await h().request("GET", "/docs")).text).not.toMatch(/<script[^>]+src="https?:/);
      const viewer = await h().request("GET", "/docs/viewer.js");
      expect(viewer.status).toBe(200);
      expect(viewer.headers.get("content-type")).toContain("javascript");
      expect(viewer.text.length).toBeGreaterThan(1_000_000);
      expect(viewer.text).toContain("createApiReference");
    });

    it("/docs may not be framed by another site (CSP frame-ancestors)", async () => {
      const docs = await h().request("GET", "/docs");
      expect(docs.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(docs.headers.get("x-frame-options")).toBe("DENY");
    });
  });
}
