import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { say } from "../../src/platform/localized-text";
import { axeViolations, openOnPhone, plainMyPage, portalTestbed } from "../support/browser";
import { uid, type TestTenant } from "../support/harness";
import { syncedPlan } from "../support/synced-plan";

/**
 * The my-page writes a price's tax basis where it shows the plan's prices (settings
 * `pricesIncludeTax`, given to the portal by plan-options): a Japanese shop's 「1回のお届けの価格
 * （税込）」 (総額表示), a US shop's "Price per delivery (plus tax)" — on the plan card and on the
 * review of a change, beside the values the customer pays. In Chromium, answers held to openapi.json,
 * axe-core on each screen.
 */

const tb = portalTestbed(myPage);
let jp: TestTenant;
let us: TestTenant;
const tokens = new Map<string, { token: string; lang: "ja" | "en" }>();


async function customer(t: TestTenant, lang: "ja" | "en", overrides: { customer?: Record<string, unknown>; subscription?: Record<string, unknown> }) {
  const { customerId } = await syncedPlan(tb.h, t, { customer: { locale: lang, ...overrides.customer }, nextIn: 14, subscription: { quantity: 2, ...overrides.subscription } });
  const page = uid("p");
  tokens.set(page, { token: await tb.session(customerId, t.key), lang });
  return page;
}

/** The shop's my-page: the session `customer` minted for page `p`, in its language. */
function myPage(url: URL): Response {
  const { token, lang } = tokens.get(url.searchParams.get("p") ?? "")!;
  return plainMyPage(tb, token, lang);
}

const open = (pageId: string) => openOnPhone(tb, pageId);

/** The quantity form opened, `n` entered and its review shown, by the labels the customer reads. */
async function reviewQuantity(page: Page, n: number, lang: "ja" | "en") {
  await page.getByText(say("changeQuantity", lang)).click();
  await page.getByLabel(say("quantity", lang)).fill(String(n));
  await page.getByRole("button", { name: say("apply", lang) }).first().click();
}

/** {@link reviewQuantity}, then the change confirmed. */
async function changeQuantity(page: Page, n: number, lang: "ja" | "en") {
  await reviewQuantity(page, n, lang);
  await page.locator("tsuzuku-portal [part~='confirm-change']").click();
}

async function axeClean(page: Page, step: string) {
  expect(await axeViolations(page, { wcagOnly: true }), `axe on ${step}`).toEqual([]);
}

/** The term (dt) of the price row and the value (dd) after it, as the customer reads them. */
async function priceRow(page: Page, where: string): Promise<[string, string]> {
  const dd = page.locator(`tsuzuku-portal ${where} [data-price]`).first();
  await dd.waitFor();
  return [(await dd.evaluate((d) => d.previousElementSibling?.textContent ?? "")).trim(), (await dd.textContent())!.trim()];
}

beforeAll(async () => {
  jp = tb.t;
  us = await tb.h.tenant();
  expect((await tb.h.request("PATCH", "/v1/settings", { key: us.key, body: { allowedOrigins: [tb.shop.url] } })).status).toBe(200);
  expect((await tb.h.request("PATCH", "/v1/settings", { key: us.key, body: { country: "US", locale: "en", timeZone: "America/Los_Angeles" } })).status).toBe(200);
});

describe("<tsuzuku-portal>: prices with their tax basis", () => {
  it("a Japanese shop: 「1回のお届けの価格（税込）」 on the plan card and on a change's review", async () => {
    const page = await open(await customer(jp, "ja", {}));
    expect(await priceRow(page, "[data-subscription]")).toEqual(["1回のお届けの価格（税込）", "7,960円（3,980円 × 2）"]);
    await axeClean(page, "the plan card");
    await reviewQuantity(page, 3, "ja");
    const [label, value] = await priceRow(page, "[part~='review']");
    expect(label).toBe("1回のお届けの価格（税込）");
    expect(value).toContain("11,940円");
    expect(await page.locator("tsuzuku-portal [part~='review'] [data-charge]").evaluate((d) => d.previousElementSibling?.textContent)).toBe("次回のお届けのご請求額（税込）");
    await axeClean(page, "the review");
    await page.close();
  });

  it("a Japanese shop: a price said in a sentence carries 税込 too (the change done, the final confirmation's delivery and total), a fee does not", async () => {
    const page = await open(await customer(jp, "ja", {}));
    await changeQuantity(page, 3, "ja");
    const status = page.locator("tsuzuku-portal [data-card-status]").first();
    await expect.poll(() => status.textContent()).toContain("1回のお届けの価格は11,940円（税込）です。");
    await axeClean(page, "the change done");
    await page.close();

    // Inside the cut-off the next delivery still ships and is charged: a price; the early-cancellation fee as disclosed.
    const cancelling = await open(
      await customer(jp, "ja", {
        subscription: { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 1), deliveriesCompleted: 0, commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 5000, currency: "JPY" } } },
      }),
    );
    await cancelling.locator("tsuzuku-portal [part~='cancel-button']").click();
    await cancelling.locator("tsuzuku-portal [part~='skip-reason']").click();
    await cancelling.locator("tsuzuku-portal [part~='confirm-cancel']").waitFor();
    const charges = await cancelling.locator("tsuzuku-portal [data-flow] li strong").allTextContents();
    expect(charges).toEqual(["7,960円（税込）", "5,000円"]);
    expect(await cancelling.locator("tsuzuku-portal [data-flow]").innerText()).toContain("合計：12,960円（税込）");
    await axeClean(cancelling, "the final confirmation");
    await cancelling.close();
  });

  it("a US shop: a quantity change's sentence says \"plus tax\"", async () => {
    const page = await open(
      await customer(us, "en", { customer: { phone: "(415) 555-0134", email: "kim@example.com", name: "Kim Park" }, subscription: { unitPrice: { amount: 4900, currency: "USD" } } }),
    );
    await changeQuantity(page, 3, "en");
    const status = page.locator("tsuzuku-portal [data-card-status]").first();
    await expect.poll(() => status.textContent()).toContain("each delivery costs $147.00 plus tax.");
    await page.close();
  });

  it("a US shop: \"Price per delivery (plus tax)\", the amount as it is", async () => {
    const page = await open(
      await customer(us, "en", { customer: { phone: "(415) 555-0132", email: "pat@example.com", name: "Pat Lee" }, subscription: { unitPrice: { amount: 4900, currency: "USD" } } }),
    );
    const [label, value] = await priceRow(page, "[data-subscription]");
    expect(label).toBe("Price per delivery (plus tax)");
    expect(value).toContain("$98.00");
    await axeClean(page, "the plan card");
    await page.close();
  });

  it("a US shop that syncs tax-inclusive prices says so once it sets pricesIncludeTax", async () => {
    const own = await tb.h.tenant();
    expect((await tb.h.request("PATCH", "/v1/settings", { key: own.key, body: { allowedOrigins: [tb.shop.url], country: "US", locale: "en", pricesIncludeTax: true } })).status).toBe(200);
    const page = await open(
      await customer(own, "en", { customer: { phone: "(415) 555-0133", email: "sam@example.com", name: "Sam Roe" }, subscription: { unitPrice: { amount: 4900, currency: "USD" } } }),
    );
    expect((await priceRow(page, "[data-subscription]"))[0]).toBe("Price per delivery (including tax)");
    await page.close();
  });
});
