import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { nodeDocsViewer } from "../../src/meta/viewer-node";
import { launchBrowser, serveOnLoopback, type Served } from "../support/browser";
import { TEST_SECRETS_KEY } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * /docs with the network off: Chromium may reach only the server under test; any other request
 * (a CDN, fonts, telemetry) is aborted and fails the test. The page must render the reference
 * from the same origin under its strict CSP.
 */
let h: NodeHarness;
let served: Served;
beforeAll(async () => {
  h = await nodeHarness();
  const app = createApp(() => ({ db: h.db, now: () => new Date(), secretsKey: TEST_SECRETS_KEY }), {
    docs: { viewer: nodeDocsViewer(), demoApiKey: "tsz_demo_KeepCustomersFairly2026" },
  });
  served = await serveOnLoopback(app.fetch);
});
afterAll(async () => {
  await served?.close();
  h?.close();
});

describe("/docs offline", () => {
  it("renders the reference in Chromium with no request leaving the server, under a CSP with no inline script", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const elsewhere: string[] = [];
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(served.url) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
        elsewhere.push(url);
        return route.abort("internetdisconnected");
      });
      const violations: string[] = [];
      // The viewer checks the document against its own model of OpenAPI and warns of what it
      // does not accept ("document validation errors", then the list: message and path each).
      const warnings: Promise<string>[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
        if (m.type() === "warning" || m.type() === "error") {
          warnings.push(
            Promise.all(m.args().map((a) => a.jsonValue().catch(() => a.toString()))).then((args) =>
              args.map((a) => (Array.isArray(a) ? a.map((e) => (e && typeof e === "object" ? `${e.message} at ${e.path}` : String(e))).join("; ") : String(a))).join(" "),
            ),
          );
        }
      });
      const res = await page.goto(`${served.url}/docs`);
      expect(res?.headers()["content-security-policy"]).toMatch(/script-src 'self'(;|$)/);
      // The viewer parses the whole document in the page (≈ 10 s of Scalar work on an idle core, more on a shared one).
      await page.getByText("Create or replace a customer", { exact: false }).first().waitFor({ timeout: 75_000 });
      // The operations came from /openapi.json of this server, and "Try it" targets this origin.
      // (The title may render a moment after the operations: waited for, not read at once.)
      await page.getByText("Tsuzuku API", { exact: false }).first().waitFor({ timeout: 30_000 });
      mkdirSync("node_modules/.cache", { recursive: true });
      await page.screenshot({ path: "node_modules/.cache/docs-offline.png" });
      expect(elsewhere).toEqual([]);
      expect(violations).toEqual([]);
      // The document is checked once it has loaded, before the operations render.
      expect(await Promise.all(warnings)).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 150_000);

  it("serves the viewer bundle from this origin, not a CDN", async () => {
    const page = await (await fetch(`${served.url}/docs`)).text();
    expect(page).not.toMatch(/https?:\/\//);
    // An icon of its own, served here (a 404 for it would be logged as an error on the page; the
    // browser test's request interception keeps Chromium from asking).
    expect(page).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    expect((await fetch(`${served.url}/favicon.svg`)).status).toBe(200);
    const viewer = await fetch(`${served.url}/docs/viewer.js`);
    expect(viewer.status).toBe(200);
    expect((await viewer.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
    expect(await (await fetch(`${served.url}/docs/init.js`)).text()).toContain("tsz_demo_KeepCustomersFairly2026");
  });
});

describe("GET /openapi.json on Node", () => {
  it("is sent gzipped to a client that accepts it (≈ 1.5 MB otherwise), the same document once unpacked", async () => {
    const plain = await h.app.request("/openapi.json");
    expect(plain.headers.get("content-encoding")).toBeNull();
    const plainBytes = new Uint8Array(await plain.arrayBuffer());
    const packed = await h.app.request("/openapi.json", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(packed.status).toBe(200);
    expect(packed.headers.get("content-encoding")).toBe("gzip");
    expect(packed.headers.get("vary")).toContain("Accept-Encoding");
    const packedBytes = new Uint8Array(await packed.arrayBuffer());
    expect(packedBytes.length * 5).toBeLessThan(plainBytes.length);
    const { gunzipSync } = await import("node:zlib");
    expect(Buffer.from(gunzipSync(packedBytes)).equals(Buffer.from(plainBytes))).toBe(true);
  });
});
