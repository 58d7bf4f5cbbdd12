import type { Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { say } from "../../src/platform/localized-text";
import { axeViolations, portalTestbed, recordingMyPage } from "../support/browser";
import { subscriptionBody, uid } from "../support/harness";
import { syncedPlan } from "../support/synced-plan";

/**
 * The customer leaving themselves out of profiling (個人情報保護法 §35 利用停止, CCPA/CPRA opt-out, GDPR
 * Art. 21) from `<tsuzuku-portal>` on the shop's my-page, in Chromium at a phone's size: the
 * 「お客様情報の取り扱い」 card under the plan list, on their own customer session. Every answer the
 * portal receives is held to openapi.json; axe-core scans each state.
 */

const tb = portalTestbed(myPage);
/** Answers the portal received that break openapi.json. */
const PHONE = { width: 375, height: 667 };
const PATH = /\/v1\/customers\/[^/]+\/profiling-opt-out$/;

function myPage(url: URL): Response {
  const lang = url.searchParams.get("lang") ?? "ja";
  // One embed, or one per subscription named in `subscriptions` (a my-page showing each plan in its place).
  const embeds = (url.searchParams.get("subscriptions")?.split(",") ?? [null]).map(
    (s) => `<tsuzuku-portal session="${url.searchParams.get("session") ?? ""}" api-base="${tb.api.url}" lang="${lang}"${s ? ` subscription="${s}"` : ""}></tsuzuku-portal>`,
  );
  return recordingMyPage(tb, embeds, { lang });
}


function customer(): Promise<{ customerId: string; subscriptionId: string }> {
  return syncedPlan(tb.h, tb.t, { nextIn: 12 });
}

async function open(customerId: string, lang = "ja", subscriptions?: string[]): Promise<Page> {
  const page = await tb.browser.newPage({ viewport: PHONE });
  const url = new URL("/", tb.shop.url);
  url.searchParams.set("session", await tb.session(customerId));
  url.searchParams.set("lang", lang);
  if (subscriptions) url.searchParams.set("subscriptions", subscriptions.join(","));
  await page.goto(url.href);
  await card(page).waitFor();
  return page;
}

async function axeClean(page: Page, step: string) {
  expect(await axeViolations(page, { wcagOnly: true, seriousOnly: true }), `axe on ${step}`).toEqual([]);
}

const card = (page: Page) => page.locator('tsuzuku-portal [part~="data-use"]');
const save = (page: Page) => page.locator('tsuzuku-portal [part~="save-data-use"]');
const cardLine = (page: Page) => card(page).locator("[data-card-status]");
const state = (page: Page) => card(page).locator("[data-data-use-state]");
const message = (page: Page) => card(page).locator(".message");
const focused = (page: Page) => page.evaluate(() => document.querySelector("tsuzuku-portal")!.shadowRoot!.activeElement?.id ?? null);
const stored = async (customerId: string) => (await tb.h.request("GET", `/v1/customers/${customerId}/profiling-opt-out`, { key: tb.t.key })).body.profilingOptOut as boolean;
/** The PUTs the page sends to the setting, with their Idempotency-Key and body. */
function puts(page: Page): { key: string | null; body: unknown }[] {
  const sent: { key: string | null; body: unknown }[] = [];
  page.on("request", (r: Request) => {
    if (r.method() === "PUT" && PATH.test(new URL(r.url()).pathname)) sent.push({ key: r.headers()["idempotency-key"] ?? null, body: r.postDataJSON() });
  });
  return sent;
}

describe("<tsuzuku-portal>: the customer leaves themselves out of profiling, at a phone's size", () => {
  it("switched on and off from the card under the plans: one PUT per save (a double click included), the API's state, the words and the focus after each", async () => {
    const { customerId, subscriptionId } = await customer();
    const page = await open(customerId);
    const sent = puts(page);
    // On the plan list, after the plans: the state in plain words, what stopping changes and what it does not.
    expect(await page.locator("tsuzuku-portal section").evaluateAll((s) => s.map((el) => el.getAttribute("part")))).toEqual(["subscription", "data-use"]);
    await expect(card(page).locator("h3").textContent()).resolves.toBe("お客様情報の取り扱い");
    await expect(state(page).textContent()).resolves.toBe(say("dataUseOn", "ja"));
    const words = await card(page).innerText();
    for (const key of ["dataUseNoRisk", "dataUseNoPersonal", "dataUseNoComeback", "dataUseKept"] as const) expect(words).toContain(say(key, "ja"));
    expect(words).toContain("定期コースのお届けや、ご注文・お届けに関するメールはこれまでどおりです。");
    const box = page.getByLabel(say("dataUseStop", "ja"));
    expect(await box.isChecked()).toBe(false);
    await axeClean(page, "the card, profiling in use");

    // Switched on: a double click on 「設定を保存する」 sends one change.
    await box.check();
    await save(page).dblclick();
    await expect.poll(() => cardLine(page).textContent()).toBe(say("dataUseSavedOff", "ja"));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ body: { profilingOptOut: true } });
    expect(sent[0]!.key).toBeTruthy();
    expect(await stored(customerId)).toBe(true);
    // The risk is no longer computed: the API says so, not "low".
    expect((await tb.h.request("GET", `/v1/subscriptions/${subscriptionId}/risk`, { key: tb.t.key })).body).toMatchObject({ band: null, notScoredReason: "profiling_opt_out" });
    // Confirmed: the state says so, the box stays ticked, the heading holds the focus and the live region under it says what was saved.
    await expect(state(page).textContent()).resolves.toBe(say("dataUseOff", "ja"));
    expect(await page.getByLabel(say("dataUseStop", "ja")).isChecked()).toBe(true);
    expect(await focused(page)).toBe("data-use-title");
    expect(await cardLine(page).getAttribute("role")).toBe("status");
    // As the customer reads it, in the portal's own phrasing (「…設定です」, as keep-in-touch says its state).
    expect(await cardLine(page).textContent()).toBe("設定を保存しました。ご購入・ご利用の履歴を分析に利用しない設定です。");
    expect(await state(page).textContent()).toBe("お客様のご希望により、ご購入・ご利用の履歴を使った分析を停止しています。");
    expect(await message(page).textContent()).toBe("");
    await axeClean(page, "the card, profiling stopped");

    // Reloaded, the my-page shows what is stored.
    const again = await open(customerId);
    await expect(state(again).textContent()).resolves.toBe(say("dataUseOff", "ja"));
    expect(await again.getByLabel(say("dataUseStop", "ja")).isChecked()).toBe(true);
    await again.close();

    // Switched off again.
    await page.getByLabel(say("dataUseStop", "ja")).uncheck();
    await save(page).dblclick();
    await expect.poll(() => cardLine(page).textContent()).toBe(say("dataUseSavedOn", "ja"));
    expect(sent.map((s) => s.body)).toEqual([{ profilingOptOut: true }, { profilingOptOut: false }]);
    expect(sent[1]!.key).not.toBe(sent[0]!.key);
    expect(await stored(customerId)).toBe(false);
    expect((await tb.h.request("GET", `/v1/subscriptions/${subscriptionId}/risk`, { key: tb.t.key })).body.notScoredReason).toBeNull();
    await expect(state(page).textContent()).resolves.toBe(say("dataUseOn", "ja"));
    expect(await focused(page)).toBe("data-use-title");
    await axeClean(page, "the card, profiling in use again");
    // The export's evidence says the customer did it, from the portal, twice.
    const history = (await tb.h.request("GET", `/v1/customers/${customerId}/export`, { key: tb.t.key })).body.consents.profilingOptOutHistory;
    expect(history.map((c: { optOut: boolean; source: string }) => [c.optOut, c.source])).toEqual([[true, "portal"], [false, "portal"]]);
    await page.close();
  }, 60_000);

  it("in English, by keyboard alone", async () => {
    const { customerId } = await customer();
    const page = await open(customerId, "en");
    await expect(card(page).locator("h3").textContent()).resolves.toBe("How your information is used");
    await expect(state(page).textContent()).resolves.toBe(say("dataUseOn", "en"));
    expect(await card(page).innerText()).toContain(say("dataUseKept", "en"));
    await page.getByLabel(say("dataUseStop", "en")).focus();
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => cardLine(page).textContent()).toBe(say("dataUseSavedOff", "en"));
    await expect(state(page).textContent()).resolves.toBe(say("dataUseOff", "en"));
    expect(await stored(customerId)).toBe(true);
    await axeClean(page, "English, profiling stopped");
    await page.close();
  });

  it("a session that runs out says the change is not made, and the save goes through once the shop's page sets a new session", async () => {
    const { customerId } = await customer();
    const page = await open(customerId);
    await page.getByLabel(say("dataUseStop", "ja")).check();
    tb.h.setNow(new Date(Date.now() + 2 * 3600_000)); // past the session's 30 minutes
    try {
      await save(page).click();
      await expect.poll(() => message(page).textContent()).toBe(say("sessionExpiredChange", "ja"));
    } finally {
      tb.h.setNow(null);
    }
    expect(await stored(customerId)).toBe(false);
    await axeClean(page, "session expired");
    const fresh = await tb.session(customerId);
    await page.evaluate((token) => document.querySelector("tsuzuku-portal")!.setAttribute("session", token), fresh);
    await expect.poll(() => cardLine(page).textContent()).toBe(say("dataUseSavedOff", "ja"));
    expect(await stored(customerId)).toBe(true);
    await page.close();
  });

  it("429 beyond the wait the portal takes, and a connection lost before or after the API: said in words, applied at most once", async () => {
    const { customerId } = await customer();
    const page = await open(customerId);
    const sent = puts(page);
    let mode: "busy" | "offline" | "lost" | "through" = "busy";
    await page.route(PATH, async (route) => {
      if (route.request().method() !== "PUT" || mode === "through") return route.continue();
      if (mode === "busy")
        return route.fulfill({ status: 429, headers: { "content-type": "application/problem+json", "retry-after": "120", "access-control-allow-origin": tb.shop.url, "access-control-expose-headers": "Retry-After" }, body: JSON.stringify({ title: "Too many requests", status: 429, code: "rate_limited", retryAfterSeconds: 120 }) });
      if (mode === "offline") return route.abort("internetdisconnected");
      await route.fetch(); // applied, its answer lost on the way back
      mode = "through";
      return route.abort("internetdisconnected");
    });
    await page.getByLabel(say("dataUseStop", "ja")).check();
    await save(page).click();
    await expect.poll(() => message(page).textContent()).toBe(say("refusedTooManyFor", "ja", { n: 120 }));
    expect(await stored(customerId)).toBe(false);
    mode = "offline";
    await save(page).click();
    await expect.poll(() => message(page).textContent()).toBe(say("failedNotApplied", "ja"));
    expect(await stored(customerId)).toBe(false);
    await axeClean(page, "not applied");
    // The answer lost after the API applied it: the portal reads the setting, sends the same key again and says it is saved.
    mode = "lost";
    await save(page).click();
    await expect.poll(() => cardLine(page).textContent()).toBe(say("dataUseSavedOff", "ja"));
    expect(await stored(customerId)).toBe(true);
    const last = sent.slice(-2);
    expect(last[0]!.key).toBe(last[1]!.key);
    const history = (await tb.h.request("GET", `/v1/customers/${customerId}/export`, { key: tb.t.key })).body.consents.profilingOptOutHistory;
    expect(history).toHaveLength(1);
    await page.close();
  });

  it("two embeds of the customer's plans on one page: the card shows once, in the first", async () => {
    const { customerId, subscriptionId } = await customer();
    const second = uid("S");
    const next = addDays(localDate(new Date(), "Asia/Tokyo"), 20);
    expect((await tb.h.request("PUT", `/v1/subscriptions/${second}`, { key: tb.t.key, body: subscriptionBody(customerId, { nextDeliveryOn: next }) })).status).toBe(201);
    const page = await open(customerId, "ja", [subscriptionId, second]);
    await page.locator("tsuzuku-portal").nth(1).locator("[data-subscription]").waitFor();
    const cards = () => page.locator("tsuzuku-portal").evaluateAll((els) => els.map((el) => el.shadowRoot!.querySelectorAll("[data-data-use]").length));
    await expect.poll(cards).toEqual([1, 0]);
    await axeClean(page, "two embeds");
    await page.close();
  });

  it("a setting that could not be read (offline) is said so in the card, with nothing to save until 「読み込み直す」 reads it", async () => {
    const { customerId } = await customer();
    const page = await tb.browser.newPage({ viewport: PHONE });
    let offline = true;
    await page.route(PATH, (route) => (offline ? route.abort("internetdisconnected") : route.continue()));
    const url = new URL("/", tb.shop.url);
    url.searchParams.set("session", await tb.session(customerId));
    await page.goto(url.href);
    await card(page).waitFor();
    expect(await card(page).innerText()).toContain(say("dataUseUnread", "ja"));
    expect(await save(page).count()).toBe(0);
    await axeClean(page, "setting unread");
    offline = false;
    await page.locator('tsuzuku-portal [part~="reload-data-use"]').click();
    await expect.poll(() => state(page).textContent()).toBe(say("dataUseOn", "ja"));
    expect(await focused(page)).toBe("data-use-title");
    await page.close();
  });

  it("a setting changed meanwhile elsewhere (another tab, the shop): saving what the card shows reads it again and sends it, so 'saved' is true", async () => {
    const { customerId } = await customer();
    const page = await open(customerId);
    const sent = puts(page);
    await expect(state(page).textContent()).resolves.toBe(say("dataUseOn", "ja"));
    // Switched on elsewhere while this page shows it off.
    expect((await tb.h.request("PUT", `/v1/customers/${customerId}/profiling-opt-out`, { key: tb.t.key, body: { profilingOptOut: true } })).status).toBe(200);
    // The customer keeps the box unticked (they want it in use) and saves.
    await save(page).click();
    await expect.poll(() => cardLine(page).textContent()).toBe(say("dataUseSavedOn", "ja"));
    expect(sent.map((s) => s.body)).toEqual([{ profilingOptOut: false }]);
    expect(await stored(customerId)).toBe(false);
    await page.close();
  });
});
