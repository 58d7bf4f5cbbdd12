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
      expect(docs.text).toContain("/openapi.json");
    });

    it("/docs may not be framed by another site (CSP frame-ancestors)", async () => {
      const docs = await h().request("GET", "/docs");
      expect(docs.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(docs.headers.get("x-frame-options")).toBe("DENY");
    });
  });
}
