import { describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { axeViolations, consoleBrowserFile, openConsolePage } from "../support/browser";
import { customerBody, subscriptionBody, uid } from "../support/harness";

// The supervisor's at-risk list in real Chromium: GET /v1/risk/at-risk's rows, order, bands and
// cursor, with whom to call about which plan and a link to its karte; an operator is refused, and a
// customer left out of profiling is not on it.

const s = consoleBrowserFile();
const { contexts } = s;

describe("the supervisor's at-risk list", () => {
  it("lists the API's at-risk rows in its order with name, plan, band, drivers and next delivery; pages by its cursor; filters by band; leaves out an opted-out customer; refuses an operator", async () => {
    const shop = await s.h.tenant();
    const today = localDate(new Date(), "Asia/Tokyo");
    const names = ["佐藤 花子", "鈴木 一郎", "高橋 京子", "田中 健"];
    const customerIds: string[] = [];
    for (const [i, name] of names.entries()) {
      const id = uid("C");
      customerIds.push(id);
      await s.h.request("PUT", `/v1/customers/${id}`, { key: shop.key, body: customerBody({ name, phone: `090-1111-000${i}`, email: null }) });
      await s.h.request("PUT", `/v1/subscriptions/${uid("S")}`, {
        key: shop.key,
        body: subscriptionBody(id, { product: { sku: `SKU-${i}`, name: `青汁 ${i + 1}`, category: "health_food" }, unitPrice: { amount: [980, 3980, 12800, 5980][i], currency: "JPY" }, deliveriesCompleted: [0, 0, 1, 30][i], nextDeliveryOn: addDays(today, 10 + i) }),
      });
    }
    // The last customer asks to be left out of profiling: no score, not on the API's list nor the page.
    await s.h.request("PUT", `/v1/customers/${customerIds[3]}`, { key: shop.key, body: customerBody({ name: names[3], phone: "090-1111-0003", email: null, profilingOptOut: true }) });
    const all = (await s.h.request("GET", "/v1/risk/at-risk?limit=100", { key: shop.key, headers: { "accept-language": "ja" } })).body.data as any[];
    expect(all.length).toBe(3);
    expect(all.some((r) => r.customerId === customerIds[3])).toBe(false);

    // An operator is refused, and has no link to the page.
    const operator = await openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });
    expect(await operator.locator('header a[href="/console/at-risk"]').count()).toBe(0);
    const refused = await operator.goto(`${s.api.url}/console/at-risk`);
    expect(refused?.status()).toBe(403);
    await expect(operator.getByRole("alert").textContent()).resolves.toBe("この画面はスーパーバイザー専用です。");

    const page = await openConsolePage(s, contexts, shop, { operatorId: "sv-1", operatorName: "主任 田中", role: "supervisor" });
    await Promise.all([page.waitForURL(/\/console\/at-risk/), page.locator('header a[href="/console/at-risk"]').click()]);
    await expect(page.locator("h1").textContent()).resolves.toBe("解約リスクの高いお客様");
    const rowsOf = () =>
      page.locator("table.at-risk-list tbody tr").evaluateAll((trs) =>
        trs.map((tr) => ({ sub: tr.getAttribute("data-subscription"), name: tr.querySelector("th")!.textContent, href: tr.querySelector("th a")!.getAttribute("href"), cells: [...tr.querySelectorAll("td")].map((td) => td.textContent) })),
      );
    const rows = await rowsOf();
    // The API's rows, in its order, by name and plan, band and score in words, the karte of that plan a click away.
    expect(rows.map((r) => r.sub)).toEqual(all.map((r) => r.subscriptionId));
    for (const [i, r] of rows.entries()) {
      const row = all[i];
      const n = customerIds.indexOf(row.customerId);
      expect(r.name).toBe(names[n]);
      expect(r.href).toBe(`/console?customer=${encodeURIComponent(row.customerId)}&sub=${encodeURIComponent(row.subscriptionId)}`);
      expect(r.cells[0]).toBe(`青汁 ${n + 1}`);
      expect(r.cells[1]).toBe(`${{ high: "高", medium: "中", low: "低" }[row.band as string]}（${row.score}）`);
      expect(r.cells[2]).toMatch(/^[\d,]+円$/);
      // The top drivers in the API's words, with which way they move the risk.
      expect(r.cells[3]).toContain(row.drivers[0].label);
      expect(r.cells[3]).toMatch(/リスクを(上げる|下げる)/);
      expect(r.cells[4]).toMatch(/^\d+月\d+日$/);
    }
    expect(await axeViolations(page)).toEqual([]);

    // Paging by the API's cursor: two rows, then the rest, nothing twice.
    await page.goto(`${s.api.url}/console/at-risk?limit=2`);
    const first = (await rowsOf()).map((r) => r.sub);
    expect(first).toEqual(all.slice(0, 2).map((r) => r.subscriptionId));
    await Promise.all([page.waitForURL(/cursor=/), page.getByRole("link", { name: "次のページへ" }).click()]);
    expect((await rowsOf()).map((r) => r.sub)).toEqual(all.slice(2).map((r) => r.subscriptionId));
    await expect(page.getByRole("link", { name: "次のページへ" }).count()).resolves.toBe(0);

    // A band at a time, as GET /v1/risk/at-risk?band= lists it.
    const band = all[0].band as string;
    const inBand = (await s.h.request("GET", `/v1/risk/at-risk?band=${band}`, { key: shop.key })).body.data as any[];
    await page.goto(`${s.api.url}/console/at-risk`);
    await Promise.all([page.waitForURL(new RegExp(`band=${band}`)), page.getByRole("link", { name: `リスク${{ high: "高", medium: "中", low: "低" }[band]}のみ` }).click()]);
    expect((await rowsOf()).map((r) => r.sub)).toEqual(inBand.map((r) => r.subscriptionId));

    // In English as the rest of the console.
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "English" }).click()]);
    await expect(page.locator("h1").textContent()).resolves.toBe("Customers at risk");
    expect((await rowsOf())[0]!.cells[3]).toMatch(/\((raises|lowers) the risk\)/);
    expect(await axeViolations(page)).toEqual([]);
  });
});
