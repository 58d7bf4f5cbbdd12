import type { Page, Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { say } from "../../src/platform/localized-text";
import { axeViolations, plainMyPage, portalTestbed } from "../support/browser";
import { uid } from "../support/harness";
import { syncedPlan } from "../support/synced-plan";

/**
 * `<tsuzuku-portal>` on a slow or silent API: an action that takes long says so on its card before
 * the customer gives up on it (and still completes), and a read that gets no answer at all ends as a
 * lost connection the customer can act on, instead of 「読み込んでいます…」 for ever. Playwright's clock
 * stands in for the seconds; the answers are held back with page.route. In Chromium, answers held to
 * openapi.json.
 */

const tb = portalTestbed(myPage);
const tokens = new Map<string, string>();

function myPage(url: URL): Response {
  return plainMyPage(tb, tokens.get(url.searchParams.get("p") ?? "")!, "ja");
}

const part = (page: Page, name: string) => page.locator(`tsuzuku-portal [part~="${name}"]`);

/** A customer with one plan, the page opened with a fake clock (timers run only when the test says). */
async function openWithClock(hold?: { path: RegExp; held: Route[] }): Promise<{ page: Page; subscriptionId: string }> {
  const { customerId, subscriptionId } = await syncedPlan(tb.h, tb.t, { nextIn: 12 });
  const pageId = uid("p");
  tokens.set(pageId, await tb.session(customerId));
  const page = await tb.browser.newPage({ viewport: { width: 375, height: 667 } });
  await page.clock.install();
  if (hold) await page.route(hold.path, (route) => void hold.held.push(route));
  await page.goto(`${tb.shop.url}/?p=${encodeURIComponent(pageId)}`);
  return { page, subscriptionId };
}

describe("<tsuzuku-portal> on a slow API", () => {
  it("a skip whose answer takes long: after 5 s its card says so and not to close the page; the answer then shows as usual", async () => {
    const { page, subscriptionId: id } = await openWithClock();
    const before = (await tb.h.request("GET", `/v1/subscriptions/${id}`, { key: tb.t.key })).body.nextDeliveryOn;
    await part(page, "skip-button").waitFor();
    const held: Route[] = [];
    await page.route(/\/v1\/subscriptions\/[^/]+\/skip$/, (route) => void held.push(route));
    await part(page, "skip-button").click();
    await part(page, "confirm-change").click();
    await expect.poll(() => held.length).toBe(1);
    const status = page.locator(`tsuzuku-portal [data-subscription="${id}"] [data-card-status]`);
    await page.clock.runFor(4_000);
    expect(await status.textContent()).toBe(say("working", "ja"));
    await page.clock.runFor(1_500);
    expect(await status.textContent()).toBe(say("slowAnswer", "ja"));
    expect(await axeViolations(page, { seriousOnly: true })).toEqual([]);
    // The write is never given up on (past a read's 30 s): the API may be applying it.
    await page.clock.runFor(31_000);
    expect(await status.textContent()).toBe(say("slowAnswer", "ja"));
    await held[0]!.continue();
    // The answer's own result replaces both lines (「処理中…」 shows again for a moment in between).
    await expect.poll(async () => [say("slowAnswer", "ja"), say("working", "ja"), ""].includes((await status.textContent()) ?? "")).toBe(false);
    expect((await tb.h.request("GET", `/v1/subscriptions/${id}`, { key: tb.t.key })).body.nextDeliveryOn).not.toBe(before);
    await page.close();
  }, 60_000);

  it("the plans read with no answer at all: 「読み込んでいます…」, then the slow line, then after 30 s a lost connection, not a page that loads for ever", async () => {
    const held: Route[] = [];
    const { page } = await openWithClock({ path: /\/v1\/customer-sessions\/current$/, held });
    await expect.poll(() => held.length).toBe(1);
    await page.clock.runFor(6_000);
    expect(await page.locator("tsuzuku-portal #status").textContent()).toBe(say("slowAnswer", "ja"));
    await page.clock.runFor(25_000);
    await expect.poll(() => page.locator("tsuzuku-portal .message").first().textContent()).toBe(say("failed", "ja"));
    expect(await page.locator("tsuzuku-portal #status").textContent()).not.toBe(say("slowAnswer", "ja"));
    await page.close();
  }, 60_000);
});
