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

    it("answers /favicon.ico and the pages' /favicon.svg with a small icon, kept a long time", async () => {
      const ico = await h().request("GET", "/favicon.ico");
      expect(ico.status).toBe(200);
      expect(ico.headers.get("content-type")).toBe("image/x-icon");
      expect(ico.headers.get("cache-control")).toBe("public, max-age=31536000");
      // An ICO's header: reserved 0, type 1 (icon), one image.
      expect([...ico.text.slice(0, 6)].map((ch) => ch.charCodeAt(0))).toEqual([0, 0, 1, 0, 1, 0]);
      const svg = await h().request("GET", "/favicon.svg");
      expect(svg.status).toBe(200);
      expect(svg.headers.get("content-type")).toBe("image/svg+xml");
      expect(svg.headers.get("cache-control")).toBe("public, max-age=31536000");
      expect(svg.text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg.text.length).toBeLessThan(1_000);
      expect((await h().request("GET", "/docs")).text).toContain('<link rel="icon" href="/favicon.svg"');
    });

    it("/docs may not be framed by another site (CSP frame-ancestors)", async () => {
      const docs = await h().request("GET", "/docs");
      expect(docs.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(docs.headers.get("x-frame-options")).toBe("DENY");
    });
  });
}
