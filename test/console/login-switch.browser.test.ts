import { describe, expect, it } from "vitest";
import { axeViolations, consoleBrowserFile, openConsolePage } from "../support/browser";
import type { TestTenant } from "../support/harness";

// An operator signed in to one shop's console opens a console URL of another shop (or another
// operator's), in real Chromium: the page says who is signed in and whom the link is for, and
// switches only when asked, by a form with the console's CSRF token. A link of the same shop and
// operator just continues.

const s = consoleBrowserFile();
const { contexts } = s;

/** A fresh one-time console URL (path and query) of `tenant` for the operator. */
async function loginUrl(tenant: TestTenant, operatorId: string, operatorName: string): Promise<string> {
  const res = await s.h.request("POST", "/v1/console-sessions", { key: tenant.key, body: { operatorId, operatorName } });
  expect(res.status).toBe(201);
  const u = new URL(res.body.url);
  return s.api.url + u.pathname + u.search;
}

describe("a console URL opened in a browser already signed in", () => {
  it("of another shop: asks first, naming both; staying keeps the session, switching (with the CSRF token) replaces it and ends the old one", async () => {
    const [a, b] = [await s.h.tenant(), await s.h.tenant()];
    await s.h.sql("UPDATE tenants SET name = ? WHERE id = ?", ["青汁本舗", a.id]);
    await s.h.sql("UPDATE tenants SET name = ? WHERE id = ?", ["黒酢の里", b.id]);
    const page = await openConsolePage(s, contexts, a, { operatorId: "op-a", operatorName: "佐々木 美咲" });
    const link = await loginUrl(b, "op-b", "田村 健一");
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe("/console/login");
    await expect(page.locator("h1").textContent()).resolves.toBe("ログインを切り替えますか？");
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main).toContain("佐々木 美咲（青汁本舗）");
    expect(main).toContain("田村 健一（黒酢の里）");
    expect(await axeViolations(page)).toEqual([]);
    // Staying: still shop A's operator.
    await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "佐々木 美咲さんのまま続ける" }).click()]);
    await expect(page.locator(".who").textContent()).resolves.toBe("佐々木 美咲");
    // A page elsewhere posting the switch without the token changes nothing.
    const forged = await page.request.post(`${s.api.url}/console/login`, { form: { token: new URL(link).searchParams.get("token")!, csrf: "forged" }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    await page.goto(`${s.api.url}/console`);
    await expect(page.locator(".who").textContent()).resolves.toBe("佐々木 美咲");
    // The link was not spent by being shown: switching now signs in shop B's operator.
    await page.goto(link);
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "田村 健一さんに切り替える" }).click()]);
    expect(new URL(page.url()).pathname).toBe("/console");
    await expect(page.locator(".who").textContent()).resolves.toBe("田村 健一");
    // The session it replaced has ended.
    const ended = await s.h.sql("SELECT count(*) AS n FROM console_sessions WHERE tenant_id = ? AND revoked_at IS NOT NULL", [a.id]);
    expect(Number(ended[0]!.n)).toBe(1);
  });

  it("of another operator of the same shop asks too; one of the same operator just continues", async () => {
    const shop = await s.h.tenant();
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });
    await page.goto(await loginUrl(shop, "op-2", "森 由美"));
    await expect(page.locator("h1").textContent()).resolves.toBe("ログインを切り替えますか？");
    await page.goto(await loginUrl(shop, "op-1", "佐々木 美咲"));
    expect(new URL(page.url()).pathname).toBe("/console");
    await expect(page.locator(".who").textContent()).resolves.toBe("佐々木 美咲");
  });

  it("in a browser with no session, signs in at once as before", async () => {
    const shop = await s.h.tenant();
    const context = await s.browser.newContext({ locale: "ja-JP" });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(await loginUrl(shop, "op-9", "森 由美"));
    expect(new URL(page.url()).pathname).toBe("/console");
    await expect(page.locator(".who").textContent()).resolves.toBe("森 由美");
  });
});
