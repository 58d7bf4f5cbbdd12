import { beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate, writeDate } from "../../src/platform/dates";
import { axeViolations, openOnPhone, plainMyPage, portalTestbed } from "../support/browser";
import { uid } from "../support/harness";
import { syncedPlan } from "../support/synced-plan";

/**
 * The shop's closed days (settings `closedDates`: 年末年始) on the my-page: a date field says them
 * beside the days it takes, before anything is sent (a day picker cannot grey them out, and a
 * screen reader would not read it if it did), and a closed day typed in is refused at the field
 * before the review. In Chromium, answers held to openapi.json, axe-core on each screen.
 */

const tb = portalTestbed(myPage);
const tokens = new Map<string, string>();
const today = () => localDate(new Date(), "Asia/Tokyo");
const portalDate = (date: string) => writeDate(date, "ja", "full", undefined, { weekday: true });
const closed = () => ({ from: addDays(today(), 20), to: addDays(today(), 25) });

/** The shop's my-page in Japanese, with the session minted for page `p`. */
function myPage(url: URL): Response {
  return plainMyPage(tb, tokens.get(url.searchParams.get("p") ?? "")!, "ja");
}

const open = (pageId: string) => openOnPhone(tb, pageId);

beforeAll(async () => {
  expect((await tb.h.request("PATCH", "/v1/settings", { key: tb.t.key, body: { closedDates: [closed()] } })).status).toBe(200);
});

describe("<tsuzuku-portal>: the shop's closed days", () => {
  it("the date field says the closed days beside its range; a closed day typed in is refused at the field before the review, nothing changed", async () => {
    const { customerId, subscriptionId: id } = await syncedPlan(tb.h, tb.t, { nextIn: 10 });
    const pageId = uid("p");
    tokens.set(pageId, await tb.session(customerId));
    const opts = (await tb.h.request("GET", `/v1/subscriptions/${id}/plan-options`, { key: tb.t.key })).body;
    const page = await open(pageId);
    await page.getByText("次回お届け日を変更").click();
    const field = page.getByLabel("新しいお届け日");
    const hint = page.locator(`tsuzuku-portal #${await field.getAttribute("aria-describedby")}`);
    const { from, to } = closed();
    expect(await hint.textContent()).toBe(
      `${portalDate(opts.nextDelivery.earliest)}から${portalDate(opts.nextDelivery.latest)}までの日を選べます。${portalDate(from)}から${portalDate(to)}まではショップのお届け休業日です。`,
    );
    expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);

    await field.fill(addDays(today(), 22));
    await page.getByRole("button", { name: "変更内容を確認する" }).first().click();
    // Refused at the field before any review (trial49: it used to reach 「変更内容のご確認」 first), in the page's words.
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("tsuzuku-portal [part~='confirm-change']").count()).toBe(0);
    const card = page.locator(`tsuzuku-portal [data-subscription="${id}"]`);
    await expect.poll(() => card.innerText()).toContain(`${portalDate(addDays(today(), 22))}はショップのお届け休業日です。休業日以外の日付を選んでください。`);
    // A day the shop delivers goes on to the review.
    await field.fill(addDays(today(), 26));
    await page.getByRole("button", { name: "変更内容を確認する" }).first().click();
    await page.locator("tsuzuku-portal [part~='confirm-change']").waitFor();
    expect((await tb.h.request("GET", `/v1/subscriptions/${id}`, { key: tb.t.key })).body).toMatchObject({ nextDeliveryOn: addDays(today(), 10), version: 1 });
    expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);
    await page.close();
  });

  it("the cut-off line names the first day the customer can pick, an open one, when the cut-off's own day is closed (closed2)", async () => {
    // The cut-off's first changeable day (today + 3) and the two after it closed: the line said today + 3, a day the field refuses.
    const near = { from: addDays(today(), 3), to: addDays(today(), 5) };
    expect((await tb.h.request("PATCH", "/v1/settings", { key: tb.t.key, body: { closedDates: [near, closed()] } })).status).toBe(200);
    try {
      const { customerId, subscriptionId: id } = await syncedPlan(tb.h, tb.t, { nextIn: 10 });
      const opts = (await tb.h.request("GET", `/v1/subscriptions/${id}/plan-options`, { key: tb.t.key })).body;
      expect(opts).toMatchObject({ firstChangeableDate: addDays(today(), 3), firstChoosableDate: addDays(today(), 6) });
      const pageId = uid("p");
      tokens.set(pageId, await tb.session(customerId));
      const page = await open(pageId);
      const line = page.locator(`tsuzuku-portal [data-subscription="${id}"] [data-first-changeable]`);
      expect(await line.textContent()).toBe(`お届け日は${portalDate(addDays(today(), 6))}以降の日付に変更できます。`);
      await page.close();
    } finally {
      expect((await tb.h.request("PATCH", "/v1/settings", { key: tb.t.key, body: { closedDates: [closed()] } })).status).toBe(200);
    }
  });
});
