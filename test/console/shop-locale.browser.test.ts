import { describe, expect, it } from "vitest";
import { axeViolations, consoleBrowserFile, openConsolePage } from "../support/browser";
import { customerBody, subscriptionBody, uid } from "../support/harness";

// An English-speaking shop (a California coffee subscription: locale en, country US) whose
// operator opens the console for a call, in real Chromium: the console starts in the shop's
// language, finds the caller by the number as the IVR passes it, and writes the extension in English.

const s = consoleBrowserFile();
const { contexts } = s;

describe("the console of an English-speaking shop", () => {
  it("opens in English, finds the caller by 4155550132, and shows the extension as ext.", async () => {
    const shop = await s.h.tenant();
    expect((await s.h.request("PATCH", "/v1/settings", { key: shop.key, body: { locale: "en", timeZone: "America/Los_Angeles", country: "US" } })).status).toBe(200);
    const customer = uid("C");
    await s.h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "Jane Doe", email: "jane@example.com", phone: "(415) 555-0132 x204", locale: "en" }) });
    await s.h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(customer, { product: { sku: "COF-12", name: "House Blend 12 oz" }, unitPrice: { amount: 1999, currency: "USD" } }) });
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-us", operatorName: "Maria Lopez" });
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await expect(page.locator("main h1").first().textContent()).resolves.toBe("Find a customer");
    expect(await axeViolations(page)).toEqual([]);

    for (const typed of ["4155550132", "+14155550132", "(415) 555-0132"]) {
      await page.goto(`${s.api.url}/console?phone=${encodeURIComponent(typed)}`);
      await expect(page.locator("h1#who").textContent(), typed).resolves.toContain(customer);
    }
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main).toContain("+1 415 555 0132 ext. 204");
    expect(main).not.toContain("内線");
    expect(main).toContain("every 30 days");
    // The price the caller pays, with the shop's basis in the cell as well as in its column's label:
    // a US shop's prices are before sales tax (pricesIncludeTax follows country US: false).
    const price = page.locator("section[aria-labelledby=who] td.price").first();
    await expect(price.textContent()).resolves.toBe("$19.99 plus tax");
    await expect(page.locator("section[aria-labelledby=who] th[scope=col]", { hasText: "Price per delivery" }).textContent()).resolves.toBe("Price per delivery (plus tax)");
    expect(await axeViolations(page)).toEqual([]);

    // The operator's own choice still wins, and stays.
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "日本語" }).click()]);
    expect(await page.locator("html").getAttribute("lang")).toBe("ja");
    await expect(page.locator("main").textContent()).resolves.toContain("+1 415 555 0132 内線204");
    await expect(price.textContent()).resolves.toBe("$19.99（税別）");
    await page.goto(`${s.api.url}/console`);
    await expect(page.locator("main h1").first().textContent()).resolves.toBe("お客様検索");
  });

  it("a Japanese shop's console still opens in Japanese, its prices 税込 (総額表示)", async () => {
    const shop = await s.h.tenant();
    const customer = uid("C");
    await s.h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({}) });
    await s.h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(customer, { quantity: 2, unitPrice: { amount: 3980, currency: "JPY" } }) });
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-ja", operatorName: "佐々木 美咲" });
    expect(await page.locator("html").getAttribute("lang")).toBe("ja");
    await expect(page.locator("main h1").first().textContent()).resolves.toBe("お客様検索");
    await page.goto(`${s.api.url}/console?customer=${encodeURIComponent(customer)}`);
    await expect(page.locator("section[aria-labelledby=who] td.price").first().textContent()).resolves.toBe("7,960円（税込）");
    await expect(page.locator("section[aria-labelledby=who] th[scope=col]", { hasText: "1回のお届けの価格" }).textContent()).resolves.toBe("1回のお届けの価格（税込）");
    expect(await axeViolations(page)).toEqual([]);
  });
});
