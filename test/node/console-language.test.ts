import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// The console header's language switch is a form post like the others: it carries the page's CSRF
// token, and a page elsewhere that posts it (a cross-site form) changes nothing.
describe("the console's language switch", () => {
  let h: NodeHarness;
  let t: TestTenant;
  let cookie = "";
  let csrf = "";
  const form = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    h.request("POST", "/console/language", { headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers }, rawBody: new URLSearchParams(body).toString() });

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
    const res = await h.request("POST", "/v1/console-sessions", { key: t.key, body: { operatorId: "OP-1", operatorName: "応対者一号" } });
    const url = new URL(res.body.url);
    const login = await h.request("GET", url.pathname + url.search);
    cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const page = await h.request("GET", "/console", { headers: { cookie } });
    csrf = /data-csrf="([^"]+)"/.exec(page.text)![1]!;
  });
  afterAll(() => h.close());

  it("refuses a post without the page's token or from another origin, and sets no language", async () => {
    for (const [body, headers] of [[{ lang: "en" }, {}], [{ lang: "en", csrf }, { origin: "https://evil.example" }]] as const) {
      const res = await form(body, headers);
      expect(res.status).toBe(403);
      expect(res.text).toContain("操作を受け付けられませんでした");
      expect(res.headers.get("set-cookie") ?? "").not.toContain("en");
    }
    const page = await h.request("GET", "/console", { headers: { cookie } });
    expect(page.text).toContain('<html lang="ja"');
  });

  it("switches with the page's own form", async () => {
    const res = await form({ lang: "en", csrf });
    expect(res.status).toBe(303);
    const lang = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(lang).toMatch(/=en$/);
    const page = await h.request("GET", "/console", { headers: { cookie: `${cookie}; ${lang}` } });
    expect(page.text).toContain('<html lang="en"');
  });
});
