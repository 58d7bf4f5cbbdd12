import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { writeDate } from "../../src/platform/dates";
import { say } from "../../src/platform/localized-text";
import { axeViolations, portalTestbed, recordingMyPage } from "../support/browser";
import { syncedPlan } from "../support/synced-plan";

/**
 * A customer who left the my-page open (the door bell) past their customer session, then came back
 * and pressed 「この内容で変更する」: on a phone at 200 % zoom (375×667 at DSF 2 = 188×334 CSS px), in
 * Chromium. The shop's page mints a session each time it is loaded, as a shop's server does; it
 * gives none when the portal reports `session_expired` (no listener), so the customer is told what
 * to do — and has a button that does it, not the browser's reload hidden in a phone's menu. Every
 * answer the portal receives is held to openapi.json; axe-core scans each state.
 */

const tb = portalTestbed(myPage);
const PHONE_AT_200 = { width: 188, height: 334 };

/** The shop's my-page: a fresh session for `customer` on every load, and no `session_expired` listener. */
async function myPage(url: URL): Promise<Response> {
  const token = await tb.session(url.searchParams.get("customer") ?? "");
  return recordingMyPage(tb, [`<tsuzuku-portal session="${token}" api-base="${tb.api.url}" lang="ja"></tsuzuku-portal>`], { headers: { "cache-control": "no-store" } });
}


async function axeClean(page: Page, step: string) {
  expect(await axeViolations(page, { wcagOnly: true }), `axe on ${step}`).toEqual([]);
}

async function customer(): Promise<{ customerId: string; subscriptionId: string }> {
  return syncedPlan(tb.h, tb.t, { nextIn: 12, subscription: { intervalDays: undefined, intervalMonths: 1 } });
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { portalEvents: { type: string; detail: { code?: string } }[] }).portalEvents);
const card = (page: Page) => page.locator("tsuzuku-portal [data-subscription]");
const interval = async (subscriptionId: string) => (await tb.h.request("GET", `/v1/subscriptions/${subscriptionId}`, { key: tb.t.key })).body.intervalMonths as number;

async function open(customerId: string): Promise<Page> {
  const page = await tb.browser.newPage({ viewport: PHONE_AT_200, deviceScaleFactor: 2, hasTouch: true });
  await page.goto(`${tb.shop.url}/?customer=${encodeURIComponent(customerId)}`);
  await card(page).waitFor();
  return page;
}

/** 「お届け間隔を変更」 → 2ヶ月ごと → 「変更内容を確認する」: the review, nothing sent yet. */
async function reviewTwoMonths(page: Page) {
  await page.getByText("お届け間隔を変更").click();
  await page.getByLabel("2ヶ月ごと").check();
  await page.getByRole("button", { name: "変更内容を確認する" }).first().click();
  await page.getByRole("button", { name: "この内容で変更する" }).waitFor();
}

describe("<tsuzuku-portal>: a session that ran out while the page was left open, at a phone's 200 %", () => {
  it("says the change was not made and gives a 「画面を読み込み直す」 button under it; pressed, the plan shows as it is and the change goes through", async () => {
    const { customerId, subscriptionId } = await customer();
    const page = await open(customerId);
    await reviewTwoMonths(page);
    await axeClean(page, "the review");

    // The door bell: back two hours later, past the session's 30 minutes, and the review is confirmed.
    tb.h.setNow(new Date(Date.now() + 2 * 3600_000));
    try {
      await page.getByRole("button", { name: "この内容で変更する" }).click();
      await expect.poll(async () => (await events(page)).map((e) => e.detail.code)).toContain("session_expired");
      const message = card(page).locator(".message");
      await expect.poll(() => message.textContent()).toBe(say("sessionExpiredChange", "ja"));
      expect(await message.textContent()).not.toContain("再読み込み");
      expect(await message.textContent()).toContain("「画面を読み込み直す」");
      // The button the message names, right under it, big enough for a finger (WCAG 2.5.8; 44 px preferred).
      const reload = card(page).getByRole("button", { name: "画面を読み込み直す" });
      expect(await reload.isVisible()).toBe(true);
      expect(await message.evaluate((m) => (m.nextElementSibling as HTMLElement | null)?.textContent)).toBe("画面を読み込み直す");
      const box = (await reload.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE_AT_200.width);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_AT_200.width);
      expect(await interval(subscriptionId)).toBe(1);
      await axeClean(page, "the session ran out: the message and its button");

      // Pressed: the page loads again with a new session from the shop, no message left.
      await Promise.all([page.waitForEvent("load"), reload.click()]);
      await card(page).waitFor();
      await expect.poll(() => card(page).locator("dd").allTextContents()).toContain("1ヶ月ごと");
      expect(await card(page).getByRole("button", { name: "画面を読み込み直す" }).count()).toBe(0);
      expect(await card(page).locator(".message").textContent()).toBe("");
      await axeClean(page, "reloaded");

      // And the change she came for goes through.
      await reviewTwoMonths(page);
      await page.getByRole("button", { name: "この内容で変更する" }).click();
      await expect.poll(async () => (await events(page)).map((e) => e.type)).toContain("tsuzuku:changed");
      expect(await interval(subscriptionId)).toBe(2);
      await axeClean(page, "the change made");
    } finally {
      tb.h.setNow(null);
    }
    await page.close();
  }, 90_000);

  it("a shop page that hands over a new session: the action resumes and the button goes away", async () => {
    const { customerId, subscriptionId } = await customer();
    const page = await open(customerId);
    await reviewTwoMonths(page);
    tb.h.setNow(new Date(Date.now() + 2 * 3600_000));
    try {
      await page.getByRole("button", { name: "この内容で変更する" }).click();
      await card(page).getByRole("button", { name: "画面を読み込み直す" }).waitFor();
      const fresh = await tb.session(customerId);
      await page.evaluate((token) => document.querySelector("tsuzuku-portal")!.setAttribute("session", token), fresh);
      await expect.poll(async () => (await events(page)).map((e) => e.type)).toContain("tsuzuku:changed");
      expect(await card(page).getByRole("button", { name: "画面を読み込み直す" }).count()).toBe(0);
      expect(await interval(subscriptionId)).toBe(2);
      await axeClean(page, "resumed");
    } finally {
      tb.h.setNow(null);
    }
    await page.close();
  }, 90_000);
});

describe("<tsuzuku-portal>: choosing a longer interval on a monthly plan, at a phone's 200 %", () => {
  it("the month choices and the day choices stand in two groups, each saying what it does to the delivery date; 2ヶ月ごと keeps the 16th", async () => {
    const { customerId, subscriptionId } = await customer();
    const day = Number((await tb.h.request("GET", `/v1/subscriptions/${subscriptionId}`, { key: tb.t.key })).body.deliveryDay);
    const page = await open(customerId);
    await page.getByText("お届け間隔を変更").click();
    const groups = card(page).locator("fieldset fieldset");
    expect(await groups.count()).toBe(2);
    const months = groups.nth(0);
    const days = groups.nth(1);
    const monthsLegend = say(day > 28 ? "intervalMonthsGroupEnd" : "intervalMonthsGroup", "ja", { day });
    expect(await months.locator("legend").textContent()).toBe(monthsLegend);
    expect(monthsLegend).toContain(`毎回${day}日`);
    expect(await days.locator("legend").textContent()).toBe(say("intervalDaysGroup", "ja"));
    expect(await months.locator("label").allTextContents()).toEqual(["1ヶ月ごと（現在のお届け間隔）", "2ヶ月ごと", "3ヶ月ごと"]);
    expect(await days.locator("label").allTextContents()).toContain("60日ごと");
    // A screen reader names the group with the radio: 「月ごと（お届け日は毎回16日）」 グループ、2ヶ月ごと.
    expect(await card(page).getByRole("group", { name: monthsLegend }).getByRole("radio", { name: "2ヶ月ごと" }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_AT_200.width);
    await axeClean(page, "the interval choices in two groups");

    await page.getByLabel("2ヶ月ごと").check();
    await page.getByRole("button", { name: "変更内容を確認する" }).first().click();
    await page.getByRole("button", { name: "この内容で変更する" }).click();
    await expect.poll(async () => (await events(page)).map((e) => e.type)).toContain("tsuzuku:changed");
    const after = (await tb.h.request("GET", `/v1/subscriptions/${subscriptionId}`, { key: tb.t.key })).body;
    expect(after).toMatchObject({ intervalMonths: 2, deliveryDay: day });
    await page.close();
  }, 90_000);
});

describe("<tsuzuku-portal>: stopping it and being sure it stopped, at a phone's 200 %", () => {
  it("the receipt on screen writes its dates with the day of the week, as the confirmation before it does", async () => {
    const { customerId, subscriptionId } = await customer();
    const next = (await tb.h.request("GET", `/v1/subscriptions/${subscriptionId}`, { key: tb.t.key })).body.nextDeliveryOn as string;
    const page = await open(customerId);
    await page.getByRole("button", { name: /解約する/ }).first().click();
    await page.locator('tsuzuku-portal [part~="skip-reason"]').click();
    await page.locator('tsuzuku-portal [part~="confirm-cancel"]').click();
    const receipt = page.locator('tsuzuku-portal [part~="receipt"]');
    await receipt.waitFor();
    const text = (await receipt.textContent()) ?? "";
    const effectiveOn = (await tb.h.request("GET", `/v1/subscriptions/${subscriptionId}`, { key: tb.t.key })).body.cancellation.effectiveOn as string;
    const withDay = (date: string) => writeDate(date, "ja", "full", undefined, { weekday: true });
    expect(withDay(next)).toMatch(/\([日月火水木金土]\)$/);
    expect(text).toContain(`解約日：${withDay(effectiveOn)}`);
    expect(text).toContain(`次回お届け（${withDay(next)}）：停止しました`);
    expect(text).toContain("今後のご請求：ありません");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_AT_200.width);
    await axeClean(page, "the receipt");
    await page.close();
  }, 90_000);
});
