import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate, writeDate } from "../../src/platform/dates";
import { axeViolations, closeConsoleBrowser, openConsoleBrowser, openConsolePage, type Served } from "../support/browser";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import type { NodeHarness } from "../support/node-harness";

// Finding the caller in the console's search box, in real Chromium, as an operator on a call does:
// by the 定期番号 on her slip, by a number her family shares. Each test has its own shop.

let h: NodeHarness;
let browser: Browser;
let api: Served;
const contexts: BrowserContext[] = [];

const as = (tenant: TestTenant) => openConsolePage({ h, browser, api }, contexts, tenant, { operatorId: "op-search", operatorName: "鈴木 真由美", role: "operator" });

/** Types into the header's search box and presses Enter, as an operator does. */
async function search(page: Page, typed: string) {
  await page.locator("#q").fill(typed);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}

beforeAll(async () => {
  ({ h, browser, api } = await openConsoleBrowser());
}, 60_000);

afterAll(() => closeConsoleBrowser({ h, browser, api }, contexts), 60_000);

describe("the console's search box", () => {
  it("finds a caller by the 定期番号 on her receipt or slip: that plan's karte, as typed, in full width or lower case", async () => {
    const shop = await h.tenant();
    const customer = uid("C");
    const other = uid("S");
    const plan = `S-${Date.now().toString(36).toUpperCase()}-02`;
    await h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "渡邊 さくら", nameKana: "ワタナベ サクラ", phone: "090-2727-0002", email: null }) });
    await h.request("PUT", `/v1/subscriptions/${other}`, { key: shop.key, body: subscriptionBody(customer) });
    await h.request("PUT", `/v1/subscriptions/${plan}`, { key: shop.key, body: subscriptionBody(customer, { product: { sku: "KUROZU-62", name: "熟成黒酢にんにく 62粒" } }) });
    const page = await as(shop);
    const wide = plan.toLowerCase().replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    for (const typed of [plan, plan.toLowerCase(), wide]) {
      await search(page, typed);
      await expect(page.locator("h1#who").textContent(), typed).resolves.toContain(customer);
      // That plan is the one the karte acts on, not the customer's other one.
      await expect(page.locator("main").textContent(), typed).resolves.toContain(`プランの変更: 熟成黒酢にんにく 62粒 （${plan}`);
    }
    expect(await axeViolations(page)).toEqual([]);
    // A 定期番号 no plan has says so, and that both kinds of id were tried.
    const res = await page.goto(`${api.url}/console?q=S-NOPE-404`);
    expect(res!.status()).toBe(404);
    await expect(page.locator("main").textContent()).resolves.toContain("この顧客IDまたは定期番号のお客様は見つかりません");
  });
});

describe("a number as people write it, read by the one phone normaliser as the API reads it", () => {
  it("finds a US shop's caller by 415.555.0132, a keypad's #, a tel or SIP URI — not searched as an id, an e-mail or a name — while an id with digits stays an id", async () => {
    const shop = await h.tenant();
    expect((await h.request("PATCH", "/v1/settings", { key: shop.key, body: { country: "US", locale: "en", timeZone: "America/Los_Angeles" } })).status).toBe(200);
    const customer = `C-4155550132-${uid("x")}`;
    await h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "Jane Doe", email: "jane@example.com", phone: "(415) 555-0132", locale: "en" }) });
    await h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(customer, { product: { sku: "COF-12", name: "House Blend 12 oz" }, unitPrice: { amount: 1999, currency: "USD" } }) });
    const page = await as(shop);
    for (const typed of ["(415) 555-0132", "415.555.0132", "+1.415.555.0132", "415/555-0132", "4155550132#", "tel:+1-415-555-0132", "sip:+14155550132@10.0.0.1:5060"]) {
      await search(page, typed);
      await expect(page.locator("h1#who").textContent(), typed).resolves.toContain(customer);
    }
    expect(await axeViolations(page)).toEqual([]);
    // The customer's own id, which has the digits of a number in it, is still an id.
    await search(page, customer);
    await expect(page.locator("h1#who").textContent()).resolves.toContain(customer);
    // Dots that are no number in the shop's country: not found as a number, not a name search.
    const res = await page.goto(`${api.url}/console?q=${encodeURIComponent("415.555.01")}`);
    expect(res!.status()).toBe(404);
  });

  it("a Japanese shop's caller typed 090.2727.0005 is found too", async () => {
    const shop = await h.tenant();
    const customer = uid("C");
    await h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "小林 優子", phone: "090-2727-0005", email: null }) });
    await h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(customer) });
    const page = await as(shop);
    for (const typed of ["090.2727.0005", "09027270005#"]) {
      await search(page, typed);
      await expect(page.locator("h1#who").textContent(), typed).resolves.toContain(customer);
    }
  });
});

describe("a number a family shares", () => {
  it("lists mother and daughter as the name search does — reading, plans, next delivery — and Tab goes from the heading to the first of them", async () => {
    const shop = await h.tenant();
    const [mother, daughter] = [uid("C"), uid("C")];
    await h.request("PUT", `/v1/customers/${mother}`, { key: shop.key, body: customerBody({ name: "中村 恵子", nameKana: "ナカムラ ケイコ", phone: "03-2727-0003", email: "keiko@example.jp" }) });
    await h.request("PUT", `/v1/customers/${daughter}`, { key: shop.key, body: customerBody({ name: "中村 あかり", nameKana: "ナカムラ アカリ", phone: "0327270003", email: "akari@example.jp" }) });
    await h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(mother, { product: { sku: "KUROZU-62", name: "熟成黒酢カプセル" } }) });
    await h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(daughter, { product: { sku: "SERUM-1", name: "薬用美白美容液" } }) });
    const page = await as(shop);
    await page.goto(`${api.url}/console?phone=0327270003`);
    await expect(page.locator("h1").textContent()).resolves.toBe("複数のお客様が該当します。お客様を選んでください。");
    await expect(page.locator("main").textContent()).resolves.toContain("お名前と、ご契約の商品やお届け予定をお尋ねして");
    const row = (id: string) => page.locator("table.name-matches tbody tr", { hasText: id });
    // What the caller says tells them apart: her name, and which 定期 she is calling about.
    await expect(row(mother).textContent()).resolves.toMatch(/中村 恵子（ナカムラ ケイコ）.*…0003.*熟成黒酢カプセル · 継続中 · 次回お届け/);
    await expect(row(daughter).textContent()).resolves.toMatch(/中村 あかり（ナカムラ アカリ）.*…0003.*薬用美白美容液 · 継続中 · 次回お届け/);
    expect(await axeViolations(page)).toEqual([]);
    // Focus starts on the heading: one Tab reaches the first of them, Enter opens her karte.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    await page.keyboard.press("Tab");
    const first = page.locator("table.name-matches tbody tr th a").first();
    expect(await first.evaluate((a) => a === document.activeElement)).toBe(true);
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await expect(page.locator("h1#who").textContent()).resolves.toContain(mother);
  });
});

describe("focus after a search", () => {
  it("a name search's chooser starts on its heading; a search that finds no one, and the empty console, start in the search box with the text selected", async () => {
    const shop = await h.tenant();
    await h.request("PUT", `/v1/customers/${uid("C")}`, { key: shop.key, body: customerBody({ name: "高橋 美和", nameKana: "タカハシ ミワ", phone: "080-2727-0001", email: null }) });
    const page = await as(shop);
    // The console as it opens: the box, ready to type in.
    await page.goto(`${api.url}/console`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("q");
    await page.keyboard.type("たかはし");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toContain("高橋 美和");
    // No one by that name: typing again replaces what was typed, nothing to click first.
    await search(page, "たかはし みわこ");
    await expect(page.locator("h1").textContent()).resolves.toBe("該当するお客様はいません");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("q");
    await page.keyboard.type("タカハシ");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await expect(page.locator("table.name-matches tbody tr").count()).resolves.toBe(1);
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("a caller who cancelled last month comes back", () => {
  it("the reactivation's read-back states the interval the comeback offer restarts with (45日ごと, was 30日ごと), as the plan is then", async () => {
    const shop = await h.tenant();
    const [customer, sub] = [uid("C"), uid("S")];
    const daysAgo = (n: number) => new Date(Date.now() - n * 864e5).toISOString();
    await h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "斎藤 由美子", phone: "090-2727-0006", marketingConsent: true }) });
    const synced = await h.request("PUT", `/v1/subscriptions/${sub}`, {
      key: shop.key,
      body: subscriptionBody(customer, {
        product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food", unitsPerPackage: 30, unitLabel: "包" },
        status: "canceled",
        nextDeliveryOn: null,
        startedAt: daysAgo(300),
        deliveriesCompleted: 9,
        canceledAt: daysAgo(30),
        cancellationReason: "surplus_stock",
      }),
    });
    expect(synced.status).toBe(201);
    const page = await as(shop);
    await page.goto(`${api.url}/console?customer=${customer}`);
    const withOffer = page.getByLabel(/特典を付けて再開/);
    await expect(page.locator("fieldset.comeback-choice").textContent()).resolves.toContain("45日ごと");
    await withOffer.check();
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "再開の内容を確認する" }).click()]);
    await expect(page.locator("h1").textContent()).resolves.toBe("定期コースの再開の確認");
    // What the operator reads out is what the plan will be.
    await expect(page.locator("dl.review dd.interval").textContent()).resolves.toBe("45日ごと（これまでの30日ごとから変更）");
    expect(await axeViolations(page)).toEqual([]);
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "再開を確定する" }).click()]);
    const after = await h.request("GET", `/v1/subscriptions/${sub}`, { key: shop.key });
    expect(after.body).toMatchObject({ status: "active", intervalDays: 45 });
  });
});

describe("a name typed as the IME converts it", () => {
  it("finds a customer whose register writes the name with a kanji variant: 渡辺 finds 渡邊, 斉藤 finds 齋藤, 高橋 finds 髙橋, with or without 様 — and 渡部 does not", async () => {
    const shop = await h.tenant();
    const [watanabe, saito, takahashi] = [uid("C"), uid("C"), uid("C")];
    // Synced without a reading (フリガナ), as many carts do: only the kanji can find them.
    await h.request("PUT", `/v1/customers/${watanabe}`, { key: shop.key, body: customerBody({ name: "渡邊 さくら", phone: "090-2727-1002", email: null }) });
    await h.request("PUT", `/v1/customers/${saito}`, { key: shop.key, body: customerBody({ name: "齋藤 由美子", phone: "090-2727-1006", email: null }) });
    await h.request("PUT", `/v1/customers/${takahashi}`, { key: shop.key, body: customerBody({ name: "髙橋 美和", phone: "090-2727-1001", email: null }) });
    const page = await as(shop);
    const rows = page.locator("table.name-matches tbody tr");
    for (const [typed, id, shown] of [["渡辺 さくら", watanabe, "渡邊 さくら"], ["渡邉", watanabe, "渡邊 さくら"], ["斉藤", saito, "齋藤 由美子"], ["斎藤 由美子", saito, "齋藤 由美子"], ["高橋", takahashi, "髙橋 美和"], ["渡辺 さくら様", watanabe, "渡邊 さくら"]] as const) {
      await search(page, typed);
      await expect(rows.count(), typed).resolves.toBe(1);
      // Listed as the register writes it, so the operator sees the caller's own kanji.
      await expect(rows.first().textContent(), typed).resolves.toContain(shown);
      await expect(rows.first().textContent(), typed).resolves.toContain(id);
    }
    expect(await axeViolations(page)).toEqual([]);
    await search(page, "渡部 さくら");
    await expect(page.locator("h1").textContent()).resolves.toBe("該当するお客様はいません");
  });
});

describe("a name synced with zero-width characters in it", () => {
  it("is stored and shown as it reads (山田\\u200B太郎 → 山田太郎), so 山田太郎 finds it, as a pasted name with one does", async () => {
    const shop = await h.tenant();
    const customer = uid("C");
    const synced = await h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "山田\u200B太郎", nameKana: "ヤマダ\u2060タロウ", phone: "090-2727-1203", email: null }) });
    expect(synced.status, synced.text).toBeLessThan(300);
    expect(synced.body).toMatchObject({ name: "山田太郎", nameKana: "ヤマダタロウ" });
    expect((await h.request("GET", `/v1/customers/${customer}`, { key: shop.key })).body.name).toBe("山田太郎");
    // An emoji's joiner stays in a name that has one.
    const emoji = await h.request("PUT", `/v1/customers/${uid("C")}`, { key: shop.key, body: customerBody({ name: "Jane 👩🏽\u200D💻", phone: "090-2727-1204", email: null }) });
    expect(emoji.body.name).toBe("Jane 👩🏽\u200D💻");
    const page = await as(shop);
    const rows = page.locator("table.name-matches tbody tr");
    for (const typed of ["山田太郎", "ヤマダタロウ", "山田\u200B太郎"]) {
      await search(page, typed);
      await expect(rows.count(), typed).resolves.toBe(1);
      const row = (await rows.first().textContent()) ?? "";
      expect(row, typed).toContain(customer);
      expect(row, typed).toContain("山田太郎");
      expect(row, typed).not.toMatch(/[\u200B\u2060]/);
    }
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("a caller who insists on cancelling now, past the cut-off", () => {
  it("the receipt's read-out says the delivery already prepared still comes as the last one, beside the number and the charges", async () => {
    const shop = await h.tenant();
    const [customer, sub] = [uid("C"), uid("S")];
    const in2 = addDays(localDate(new Date(), "Asia/Tokyo"), 2);
    await h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: customerBody({ name: "小林 直美", phone: "090-2727-0005", email: null }) });
    await h.request("PUT", `/v1/subscriptions/${sub}`, {
      key: shop.key,
      body: subscriptionBody(customer, { unitPrice: { amount: 5980, currency: "JPY" }, nextDeliveryOn: in2, deliveriesCompleted: 1, commitment: { minDeliveries: 3, earlyCancellationFee: { amount: 4000, currency: "JPY" } } }),
    });
    const page = await as(shop);
    await page.goto(`${api.url}/console?customer=${customer}`);
    await page.check("#ack");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "解約を確定する" }).click()]);
    const said = (await page.locator("[data-read-out=ja]").textContent())!;
    expect(said).toMatch(/^解約を承りました。受付番号はCN-[^。]+です。/);
    expect(said).toContain(`${writeDate(in2, "ja", "full", localDate(new Date(), "Asia/Tokyo"))}のお届けは、最後のお届けとしてお届けします。`);
    expect(said).toContain("今後のご請求は、最後のお届けの代金と解約手数料で、合計税込9,980円です。"); // what it is for; a delivery in it: its tax basis said first, as a voice reads a price
    expect(await axeViolations(page)).toEqual([]);
  });
});
