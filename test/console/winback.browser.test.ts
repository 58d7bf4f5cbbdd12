import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { percent } from "../../src/console/format";
import { formatMoney } from "../../src/platform/numbers";
import { addDays, localDate, writeDate } from "../../src/platform/dates";
import { axeViolations, closeConsoleBrowser, openConsoleBrowser, openConsolePage, type Served } from "../support/browser";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import type { NodeHarness } from "../support/node-harness";

// The console's win-back view in real Chromium: whom to call first (再開のご案内), the karte of a
// canceled plan, and a reactivation that takes the comeback offer. Each test has its own shop.

let h: NodeHarness;
let browser: Browser;
let api: Served;
const contexts: BrowserContext[] = [];
const today = () => localDate(new Date(), "Asia/Tokyo");

const as = (tenant: TestTenant, role: "operator" | "supervisor" = "operator") => openConsolePage({ h, browser, api }, contexts, tenant, { operatorId: "op-wb", operatorName: "佐々木 美咲", role });

/** A customer whose plan (`price`円 × 2) was canceled for its price, with the confirmation's answers (keep-in-touch, return date). */
async function lapsed(t: TestTenant, name: string, price: number, confirm: Record<string, unknown> = { keepInTouch: true }) {
  const [customer, sub] = [uid("C"), uid("S")];
  await h.request("PUT", `/v1/customers/${customer}`, { key: t.key, body: customerBody({ name, email: `${customer.toLowerCase()}@example.jp`, marketingConsent: false }) });
  await h.request("PUT", `/v1/subscriptions/${sub}`, { key: t.key, body: subscriptionBody(customer, { nextDeliveryOn: addDays(today(), 12), unitPrice: { amount: price, currency: "JPY" }, quantity: 2 }) });
  const flow = (await h.request("POST", `/v1/subscriptions/${sub}/cancel-flows`, { key: t.key, body: { channel: "web" } })).body;
  await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: t.key, body: { reason: "too_expensive" } });
  expect((await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: confirm })).status).toBe(200);
  return { customer, sub };
}

/** A lapsed customer back today (returnOn = today): the maintenance run sends winback.due with the comeback offer. */
async function sentWinbackDue(t: TestTenant, name: string) {
  await h.request("PUT", "/v1/webhooks/wb", { key: t.key, body: { url: "http://127.0.0.1:9/hook", events: ["winback.due"] } });
  const lapsedToday = await lapsed(t, name, 9_800, { keepInTouch: true, returnOn: today() });
  await h.maintain(() => new Date());
  return lapsedToday;
}

beforeAll(async () => {
  ({ h, browser, api } = await openConsoleBrowser());
}, 60_000);

afterAll(() => closeConsoleBrowser({ h, browser, api }, contexts), 60_000);

// Timeouts: each test sets up its own shop through the API (about 5 requests a customer), slow on a loaded machine.
describe("the console's win-back view", () => {
  it("lists whom to call first as GET /v1/winback/candidates ranks them, page by page, in Japanese; never an erased customer, a withdrawn keep-in-touch or a held-out record", async () => {
    const t = await h.tenant();
    const listed = [await lapsed(t, "一番 高子", 12_000), await lapsed(t, "二番 中子", 8_000, { keepInTouch: true, returnOn: addDays(today(), 40) }), await lapsed(t, "三番 安子", 3_000)];
    const erased = await lapsed(t, "消去 済子", 20_000);
    const withdrawn = await lapsed(t, "撤回 済子", 20_000);
    const heldOut = await lapsed(t, "対照 群子", 20_000);
    expect((await h.request("DELETE", `/v1/customers/${erased.customer}`, { key: t.key })).status).toBeLessThan(300);
    expect((await h.request("PUT", `/v1/customers/${withdrawn.customer}/keep-in-touch`, { key: t.key, body: { keepInTouch: false } })).status).toBe(200);
    await h.sql("UPDATE winbacks SET holdout = 1 WHERE tenant_id = ? AND subscription_id = ?", [t.id, heldOut.sub]);

    const page = await as(t);
    // From the navigation, with the keyboard.
    await page.goto(`${api.url}/console`);
    const link = page.locator("header nav").getByRole("link", { name: "再開のご案内" });
    await link.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/console\/winback$/);
    await expect(page.locator("h1").textContent()).resolves.toBe("再開のご案内");
    const all = (await h.request("GET", "/v1/winback/candidates", { key: t.key, headers: { "accept-language": "ja" } })).body.data as any[];
    expect(all.map((r) => r.subscriptionId).sort()).toEqual(listed.map((r) => r.sub).sort());
    const rows = page.locator("table.winback-list tbody tr");
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-subscription")))).toEqual(all.map((r) => r.subscriptionId));
    const text = (await page.locator("main").textContent())!;
    for (const gone of ["消去", "撤回", "対照"]) expect(text).not.toContain(gone);
    expect(await axeViolations(page)).toEqual([]);

    // Each row in words: name (to the karte), reason, dates, the chance, the value in yen, drivers, the offer.
    const first = rows.first();
    const cells = await first.locator("th, td").allTextContents();
    const top = listed.find((r) => r.sub === all[0].subscriptionId)!;
    expect(cells[0]).toBe({ [listed[0]!.sub]: "一番 高子", [listed[1]!.sub]: "二番 中子", [listed[2]!.sub]: "三番 安子" }[top.sub]);
    expect(cells[1]).toBe("料金が高い");
    expect(cells[2]).toMatch(/^\d+月\d+日$/);
    expect(cells[3]).toMatch(top === listed[1] ? /\d+月\d+日/ : /^—$/);
    // When the shop may contact them (`dueOn`), in the shop's date format.
    expect(cells[4]).toBe(writeDate(all[0].dueOn, "ja", "short", today()));
    expect(cells[5]).toBe(percent(all[0].probability));
    expect(cells[6]).toBe(`${all[0].expectedValue.amount.toLocaleString("ja-JP")}円`);
    expect(cells[7]).toContain(all[0].drivers[0].label);
    expect(cells[7]).toMatch(/見込みを(上げる|下げる)/);
    expect(cells[8]).toBe(all[0].offer.title);
    expect(cells.join(" ")).not.toMatch(/null|undefined|_|reason_|\d\.\d{3}/);
    await first.getByRole("link", { name: cells[0]! }).click();
    await page.waitForURL(/\/console\?customer=/);
    expect(new URL(page.url()).searchParams.get("sub")).toBe(top.sub);
    await expect(page.locator("section[aria-labelledby=winback]").isVisible()).resolves.toBe(true);

    // Page by page with the API's cursor: the same rows as the API's pages.
    await page.goto(`${api.url}/console/winback?limit=2`);
    const apiFirst = (await h.request("GET", "/v1/winback/candidates?limit=2", { key: t.key })).body;
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-subscription")))).toEqual(apiFirst.data.map((r: any) => r.subscriptionId));
    await page.getByRole("link", { name: "次のページへ" }).click();
    const apiNext = (await h.request("GET", `/v1/winback/candidates?limit=2&cursor=${apiFirst.nextCursor}`, { key: t.key })).body;
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-subscription")))).toEqual(apiNext.data.map((r: any) => r.subscriptionId));
    expect(await page.getByRole("link", { name: "次のページへ" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);

  it("shows when each may be contacted, and filters to those whose date has come (due=now), as the API does; a cancellation of an hour ago is not among them", async () => {
    const t = await h.tenant();
    const dueToday = await lapsed(t, "予定 今日子", 3_000, { keepInTouch: true, returnOn: today() });
    const justNow = await lapsed(t, "解約 直後子", 12_000);
    const page = await as(t);
    await page.goto(`${api.url}/console/winback`);
    const rows = page.locator("table.winback-list tbody tr");
    const subs = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-subscription")));
    // Everyone, by expected value: the one who cancelled just now first, though not due yet.
    expect(await subs()).toEqual([justNow.sub, dueToday.sub]);
    const due = await rows.locator("td.due-on").allTextContents();
    const all = (await h.request("GET", "/v1/winback/candidates", { key: t.key })).body.data as any[];
    expect(all[0].dueOn > today()).toBe(true);
    expect(due).toEqual(all.map((r) => writeDate(r.dueOn, "ja", "short", today())));
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole("link", { name: "ご連絡の時期が来た方のみ" }).click();
    await page.waitForURL(/due=now/);
    expect(await subs()).toEqual([dueToday.sub]);
    const api1 = await h.request("GET", "/v1/winback/candidates?due=now", { key: t.key });
    expect(api1.status, api1.text).toBe(200);
    expect(api1.body.data.map((r: any) => r.subscriptionId)).toEqual([dueToday.sub]);
    await expect(page.getByRole("link", { name: "ご連絡の時期が来た方のみ" }).getAttribute("aria-current")).resolves.toBe("page");
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("link", { name: "すべての方" }).click();
    await page.waitForURL(/\/console\/winback\?limit=20$/);
    expect(await subs()).toEqual([justNow.sub, dueToday.sub]);
  }, 60_000);

  it("says how many cancellations are held out and how many are to be contacted, the metrics' own figures, with the metrics page a click away", async () => {
    const t = await h.tenant();
    const kept = [await lapsed(t, "連絡 一子", 3_000), await lapsed(t, "連絡 二子", 4_000)];
    const heldOut = await lapsed(t, "対照 三子", 5_000);
    // Drawn under a 10 % hold-out, one of the three held out (as the draw at cancellation records it).
    await h.sql("UPDATE winbacks SET holdout_percent = 10 WHERE tenant_id = ?", [t.id]);
    await h.sql("UPDATE winbacks SET holdout = 1 WHERE tenant_id = ? AND subscription_id = ?", [t.id, heldOut.sub]);
    const m = (await h.request("GET", "/v1/metrics/winback", { key: t.key })).body;
    expect(m.holdout).toMatchObject({ contactable: { canceled: 2 }, holdout: { canceled: 1 } });

    const page = await as(t, "supervisor");
    await page.goto(`${api.url}/console/winback`);
    const note = page.locator("p.holdout-note");
    // Across a new year (a year back from today, but on 31 December) both ends name their year, as
    // 「2025年12月5日〜2026年12月4日」: never 「2025年12月5日〜12月4日」, which ends before it starts.
    const sameYear = m.from.slice(0, 4) === m.to.slice(0, 4);
    const range = `${writeDate(m.from, "ja", "short", sameYear ? today() : undefined)}〜${writeDate(m.to, "ja", "short", sameYear ? today() : undefined)}`;
    await expect(note.textContent()).resolves.toBe(
      `${range}に解約されたご連絡できる方3件のうち、1件は効果を比べるためにあえてご連絡しない方（ホールドアウト）としてこの一覧から外し、2件をご連絡の対象にしています。 再開率の比較は指標のページへ`,
    );
    expect(await page.locator("table.winback-list tbody tr").count()).toBe(kept.length);
    expect(await axeViolations(page)).toEqual([]);
    await note.getByRole("link", { name: "再開率の比較は指標のページへ" }).click();
    await page.waitForURL(/\/console\/metrics#h-winback$/);
    await expect(page.locator("#h-winback").isVisible()).resolves.toBe(true);

    // An operator reads the same sentence; the metrics page is a supervisor's, so no link to it.
    const operatorPage = await as(t);
    await operatorPage.goto(`${api.url}/console/winback`);
    await expect(operatorPage.locator("p.holdout-note").textContent()).resolves.toContain("1件は効果を比べるため");
    expect(await operatorPage.locator("p.holdout-note a").count()).toBe(0);
  }, 60_000);

  it("the karte of a canceled plan reads out keep-in-touch and when, the return date, the chance and its drivers, and the comeback offer; the reactivation takes the offer", async () => {
    const t = await h.tenant();
    const returnOn = addDays(today(), 40);
    const { customer, sub } = await lapsed(t, "再開 希子", 9_800, { keepInTouch: true, returnOn });
    const [candidate] = (await h.request("GET", `/v1/winback/candidates?customerId=${customer}`, { key: t.key, headers: { "accept-language": "ja" } })).body.data;
    expect(candidate.offer).toMatchObject({ kind: "offer", type: "discount" });

    const page = await as(t);
    await page.goto(`${api.url}/console?customer=${customer}&sub=${sub}`);
    const panel = page.locator("section[aria-labelledby=winback]");
    await expect(panel.locator("h2").textContent()).resolves.toContain("再開のご案内");
    await expect(panel.locator(".keep-in-touch").textContent()).resolves.toMatch(/^希望する（\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}）$/);
    await expect(panel.locator(".return-on").textContent()).resolves.toMatch(/\d+月\d+日/);
    await expect(panel.locator(".chance").textContent()).resolves.toContain(percent(candidate.probability));
    await expect(panel.locator("ul.drivers").textContent()).resolves.toContain(candidate.drivers[0].label);
    await expect(panel.locator(".comeback h3").textContent()).resolves.toBe(`再開時の特典: ${candidate.offer.title}`);
    await expect(panel.locator(".comeback .description").textContent()).resolves.toBe(candidate.offer.message);
    expect(await axeViolations(page)).toEqual([]);

    // With the offer, by keyboard (none is applied unless chosen), read out again before confirming.
    const reactivate = page.locator("section[aria-labelledby=reactivate]");
    const withOffer = reactivate.getByLabel(`特典を付けて再開：${candidate.offer.title}`);
    expect(await withOffer.isChecked()).toBe(false);
    expect(await reactivate.getByLabel("特典なしで再開").isChecked()).toBe(true);
    await reactivate.getByLabel("特典なしで再開").focus();
    await page.keyboard.press("ArrowUp");
    expect(await withOffer.isChecked()).toBe(true);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/console\/reactivate\?/);
    expect(new URL(page.url()).searchParams.get("offerId")).toBe(candidate.offer.offerId);
    await expect(page.locator("dd.comeback strong").textContent()).resolves.toBe(candidate.offer.title);
    // The price per delivery the caller agrees to: the comeback discount's, for how many deliveries, then the regular one.
    const p = candidate.offer.parameters;
    expect(p).toMatchObject({ percentOff: 20, cycles: 2 });
    // Each price with the shop's tax basis (総額表示), as the offer's own words write it.
    const taxed = (m: { amount: number; currency: string }) => formatMoney(m, "ja", { taxIncluded: true });
    await expect(page.locator("dd.price").textContent()).resolves.toBe(`再開後2回分は20%オフの${taxed(p.discountedPrice)}、その後は通常価格の${taxed(p.priceAfter)}`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "再開を確定する" }).click();
    await expect(page.locator(".notice").textContent()).resolves.toMatch(/^定期コースを再開しました（再加入）。初回のお届けは\d+年\d+月\d+日です。$/);
    // Back on the karte, the plan shows what its deliveries cost now, and until which delivery.
    const restartedPrice = page.locator("section[aria-labelledby=who] tr.focus td.price");
    const esc = (text: string) => text.replace(/[()（）]/g, "\\$&");
    await expect(restartedPrice.textContent()).resolves.toMatch(
      new RegExp(`^${esc(taxed(p.discountedPrice))}、通常 ${esc(taxed(p.regularPrice))}20%オフ：(\\d{4}年)?\\d+月\\d+日〜(\\d{4}年)?\\d+月\\d+日のお届け、あと2回・各${esc(taxed(p.discountedPrice))}$`),
    );
    expect(await axeViolations(page)).toEqual([]);
    const restarted = (await h.request("GET", `/v1/subscriptions/${sub}`, { key: t.key })).body;
    expect(restarted).toMatchObject({ status: "active", activeDiscount: { offerId: candidate.offer.offerId } });
    const changes = (await h.request("GET", `/v1/subscriptions/${sub}/changes`, { key: t.key })).body.data as any[];
    expect(changes.find((x) => x.type === "reactivate")).toMatchObject({ channel: "operator", actor: { type: "operator" }, source: { comeback: { offerId: candidate.offer.offerId } } });
  }, 60_000);

  it("the offer read out names the deliveries a reactivation from the chosen first delivery discounts, not those of the list's earliest restart: on the karte, the confirmation and the plan after it", async () => {
    const t = await h.tenant();
    // Canceled before its next delivery (in 12 days): the form proposes that delivery, later than the earliest restart the list's offer is written for.
    const { customer, sub } = await lapsed(t, "日付 合子", 9_800);
    const [candidate] = (await h.request("GET", `/v1/winback/candidates?customerId=${customer}`, { key: t.key, headers: { "accept-language": "ja" } })).body.data;
    expect(candidate.offer).toMatchObject({ kind: "offer", type: "discount", parameters: { cycles: 2 } });
    const page = await as(t);
    await page.goto(`${api.url}/console?customer=${customer}&sub=${sub}`);
    const reactivate = page.locator("section[aria-labelledby=reactivate]");
    const first = await reactivate.locator("#reactivate-on").inputValue();
    expect(first).toBe(addDays(today(), 12));
    expect(candidate.offer.restartOn < first).toBe(true);
    // The plan is every 30 days: the discounted deliveries are the first and the one after it, full price from the third.
    const [second, third] = [addDays(first, 30), addDays(first, 60)];
    const full = (d: string) => writeDate(d, "ja", "full");
    const deliveries = `再開後のお届け2回分（${full(first)}から${full(second)}まで）`;
    const fullPrice = `${full(third)}のお届けからは通常価格`;
    const panel = page.locator("section[aria-labelledby=winback]");
    await expect(panel.locator(".comeback .description").textContent()).resolves.toContain(deliveries);
    await expect(panel.locator(".comeback .description").textContent()).resolves.toContain(fullPrice);
    expect(await panel.locator(".comeback .description").textContent()).not.toContain(full(candidate.offer.restartOn));

    await reactivate.getByLabel(`特典を付けて再開：${candidate.offer.title}`).check();
    await reactivate.getByRole("button", { name: "再開の内容を確認する" }).click();
    await page.waitForURL(/\/console\/reactivate\?/);
    expect(new URL(page.url()).searchParams.get("nextDeliveryOn")).toBe(first);
    await expect(page.locator("dd.first-delivery").textContent()).resolves.toBe(full(first));
    await expect(page.locator("dd.comeback .description").textContent()).resolves.toContain(deliveries);
    await expect(page.locator("dd.comeback .description").textContent()).resolves.toContain(fullPrice);
    await page.getByRole("button", { name: "再開を確定する" }).click();
    await expect(page.locator(".notice").textContent()).resolves.toMatch(/^定期コースを再開しました（再加入）。初回のお届けは\d+年\d+月\d+日です。$/);
    // What was read out is what the reactivation applied.
    const short = (d: string) => writeDate(d, "ja", "short", today());
    await expect(page.locator("section[aria-labelledby=who] tr.focus td.price").textContent()).resolves.toContain(`20%オフ：${short(first)}〜${short(second)}のお届け`);
    const restarted = (await h.request("GET", `/v1/subscriptions/${sub}`, { key: t.key })).body;
    expect(restarted).toMatchObject({ status: "active", nextDeliveryOn: first, activeDiscount: { offerId: candidate.offer.offerId } });
  }, 60_000);

  it("a caller answering winback.due is offered what it carried beside today's suggestion, until it runs out; taking it reactivates with it", async () => {
    const t = await h.tenant();
    const { customer, sub } = await sentWinbackDue(t, "案内 受子");
    const [{ offer: sent }] = (await h.request("GET", `/v1/winback/candidates?customerId=${customer}`, { key: t.key, headers: { "accept-language": "ja" } })).body.data;
    expect(sent).toMatchObject({ kind: "offer", type: "discount" });
    // The suggestion moves on after the message went out (as after a catalogue edit that ranks another offer first).
    const other = (await h.request("GET", "/v1/offers", { key: t.key })).body.data.find((o: { type: string }) => o.type === "change_quantity").id as string;
    await h.sql("UPDATE winbacks SET comeback = json_set(comeback, '$.offer.offerId', ?, '$.offer.type', 'change_quantity', '$.offer.title.ja', '数を減らして再開') WHERE tenant_id = ? AND subscription_id = ?", [other, t.id, sub]);

    const page = await as(t);
    const karte = `${api.url}/console?customer=${customer}&sub=${sub}`;
    await page.goto(karte);
    const reactivate = page.locator("section[aria-labelledby=reactivate]");
    const radios = reactivate.locator("input[name=offerId]");
    expect(await radios.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([other, sent.offerId, ""]);
    const day = (d: string) => writeDate(d, "ja", "short", today());
    const takeSent = reactivate.locator(`input[value="${sent.offerId}"]`);
    await expect(reactivate.locator("label", { has: page.locator(`input[value="${sent.offerId}"]`) }).textContent()).resolves.toBe(` 特典を付けて再開：${sent.title} （${day(today())}にご案内済み、${day(addDays(today(), 30))}までご利用可）`);
    expect(await axeViolations(page)).toEqual([]);
    await takeSent.check();
    await page.getByRole("button", { name: "再開の内容を確認する" }).click();
    await page.waitForURL(/\/console\/reactivate\?/);
    await expect(page.locator("dd.comeback strong").textContent()).resolves.toBe(sent.title);

    const confirmation = page.url();

    // Day 31 after sending (an operator signed in that day): no longer offered, and its confirmation refuses it in words.
    try {
      h.setNow(new Date(`${addDays(today(), 31)}T03:00:00Z`));
      const later = await as(t);
      await later.goto(karte);
      const offered = await later.locator("section[aria-labelledby=reactivate] input[name=offerId]").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
      expect(offered).not.toContain(sent.offerId);
      await later.goto(confirmation.replace(/nextDeliveryOn=[^&]*/, `nextDeliveryOn=${addDays(today(), 45)}`));
      expect(new URL(later.url()).searchParams.get("error")).toBe("offer_expired");
    } finally {
      h.setNow(null);
    }

    // Back within the 30 days: taking it reactivates with the discount it carried.
    await page.goto(karte);
    await takeSent.check();
    await page.getByRole("button", { name: "再開の内容を確認する" }).click();
    await page.getByRole("button", { name: "再開を確定する" }).click();
    await expect(page.locator(".notice").textContent()).resolves.toMatch(/^定期コースを再開しました（再加入）。初回のお届けは\d+年\d+月\d+日です。$/);
    const restarted = (await h.request("GET", `/v1/subscriptions/${sub}`, { key: t.key })).body;
    expect(restarted).toMatchObject({ status: "active", activeDiscount: { offerId: sent.offerId } });
    const changes = (await h.request("GET", `/v1/subscriptions/${sub}/changes`, { key: t.key })).body.data as any[];
    expect(changes.find((x) => x.type === "reactivate")).toMatchObject({ channel: "operator", source: { comeback: { offerId: sent.offerId } } });
  }, 90_000);

  it("reactivates without the offer when the customer says so", async () => {
    const t = await h.tenant();
    const { customer, sub } = await lapsed(t, "特典 不要子", 9_800);
    const page = await as(t);
    await page.goto(`${api.url}/console?customer=${customer}&sub=${sub}`);
    // Nothing to choose: without is where the form starts.
    await page.getByRole("button", { name: "再開の内容を確認する" }).click();
    await expect(page.locator("dd.comeback").textContent()).resolves.toBe("特典なし");
    await page.getByRole("button", { name: "再開を確定する" }).click();
    await expect(page.locator(".notice").textContent()).resolves.toMatch(/^定期コースを再開しました（再加入）。初回のお届けは\d+年\d+月\d+日です。$/);
    const restarted = (await h.request("GET", `/v1/subscriptions/${sub}`, { key: t.key })).body;
    expect(restarted.status).toBe("active");
    expect(restarted.activeDiscount ?? null).toBeNull();
  }, 60_000);

  it("an offer that ran out between the karte and the confirmation is refused in words (409 offer_expired) and nothing is reactivated", async () => {
    const t = await h.tenant();
    const { customer, sub } = await sentWinbackDue(t, "期限 切子");
    const page = await as(t);
    await page.goto(`${api.url}/console?customer=${customer}&sub=${sub}`);
    await page.locator("section[aria-labelledby=reactivate]").getByLabel("特典を付けて再開：").check();
    await page.getByRole("button", { name: "再開の内容を確認する" }).click();
    const offerId = new URL(page.url()).searchParams.get("offerId")!;
    expect(offerId).toBeTruthy();
    // The shop withdraws the offer while the operator reads the confirmation out.
    expect((await h.request("DELETE", `/v1/offers/${offerId}`, { key: t.key })).status).toBe(204);
    await page.getByRole("button", { name: "再開を確定する" }).click();
    expect(new URL(page.url()).searchParams.get("error")).toBe("offer_expired");
    await expect(page.locator(".error").textContent()).resolves.toContain("この特典は、ご利用期限が過ぎたか提供が終わったため、お付けできません。再開はしていません。");
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("error");
    expect((await h.request("GET", `/v1/subscriptions/${sub}`, { key: t.key })).body.status).toBe("canceled");
  }, 60_000);

  it("a withdrawn keep-in-touch and a held-out record show why there is no win-back call, and offer no comeback", async () => {
    const t = await h.tenant();
    const withdrawn = await lapsed(t, "撤回 済子", 9_800);
    expect((await h.request("PUT", `/v1/customers/${withdrawn.customer}/keep-in-touch`, { key: t.key, body: { keepInTouch: false } })).status).toBe(200);
    const heldOut = await lapsed(t, "対照 群子", 9_800);
    await h.sql("UPDATE winbacks SET holdout = 1 WHERE tenant_id = ? AND subscription_id = ?", [t.id, heldOut.sub]);
    const never = await lapsed(t, "不要 伝子", 9_800, { keepInTouch: false });

    const page = await as(t);
    for (const [who, state, why] of [
      [withdrawn, /^希望を取り消し（\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}）$/, "ご連絡の希望がない"],
      [heldOut, /^希望する（/, "効果測定の対照群"],
      [never, /^希望しない（/, "ご連絡の希望がない"],
    ] as const) {
      await page.goto(`${api.url}/console?customer=${who.customer}&sub=${who.sub}`);
      const panel = page.locator("section[aria-labelledby=winback]");
      await expect(panel.locator(".keep-in-touch").textContent()).resolves.toMatch(state);
      await expect(panel.locator(".not-listed").textContent()).resolves.toContain(why);
      expect(await panel.locator(".chance, .comeback").count()).toBe(0);
      expect(await page.locator("section[aria-labelledby=reactivate] input[name=offerId]").count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
    }
  }, 60_000);

  it("speaks English when asked, with the same figures", async () => {
    const t = await h.tenant();
    const { sub } = await lapsed(t, "英語 話子", 9_800);
    const page = await as(t);
    await page.goto(`${api.url}/console/winback`);
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.locator("h1").textContent()).resolves.toBe("Win-back candidates");
    const [row] = (await h.request("GET", "/v1/winback/candidates", { key: t.key, headers: { "accept-language": "en" } })).body.data;
    expect(row.subscriptionId).toBe(sub);
    const cells = await page.locator("table.winback-list tbody tr").first().locator("th, td").allTextContents();
    expect(cells[8]).toBe(row.offer.title);
    expect(cells[7]).toContain(row.drivers[0].label);
    expect(cells[4]).toBe(writeDate(row.dueOn, "en", "short", today()));

    // The reactivation's confirmation states the price per delivery with the comeback discount's terms.
    const { customer } = await lapsed(t, "英語 再子", 9_800);
    const [candidate] = (await h.request("GET", `/v1/winback/candidates?customerId=${customer}`, { key: t.key, headers: { "accept-language": "en" } })).body.data;
    const p = candidate.offer.parameters;
    await page.goto(`${api.url}/console/reactivate?customer=${customer}&sub=${candidate.subscriptionId}&nextDeliveryOn=${candidate.offer.restartOn}&offerId=${candidate.offer.offerId}`);
    await expect(page.locator("dt").filter({ hasText: "Price per delivery" }).count()).resolves.toBe(1);
    const taxed = (m: { amount: number; currency: string }) => formatMoney(m, "en", { taxIncluded: true });
    await expect(page.locator("dd.price").textContent()).resolves.toBe(`${taxed(p.discountedPrice)} (20% off, the first ${p.cycles} deliveries back), then the regular price of ${taxed(p.priceAfter)}`);
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);
});
