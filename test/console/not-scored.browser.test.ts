import { describe, expect, it } from "vitest";
import { axeViolations, consoleBrowserFile, openConsolePage } from "../support/browser";
import { customerBody, subscriptionBody, uid } from "../support/harness";

// A caller who asked to be left out of profiling (profilingOptOut), in real Chromium: the karte says
// in the operator's words that their risk is not analysed and that this is not "low risk" — it does
// not show an empty risk an operator would read as none.

const s = consoleBrowserFile();
const { contexts } = s;

describe("the karte of a customer left out of profiling", () => {
  it("says their churn risk is not analysed, not that it is low", async () => {
    const shop = await s.h.tenant();
    const customer = uid("C");
    const body = customerBody({ name: "佐藤 花子", phone: "090-2222-3333", email: null });
    await s.h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body });
    await s.h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: shop.key, body: subscriptionBody(customer) });
    const page = await openConsolePage(s, contexts, shop, { operatorId: "op-1", operatorName: "佐々木 美咲" });

    await page.goto(`${s.api.url}/console?customer=${encodeURIComponent(customer)}`);
    const scored = (await page.locator("main").textContent()) ?? "";
    expect(scored).toContain("解約リスク（");
    expect(scored).not.toContain("分析していません");

    await s.h.request("PUT", `/v1/customers/${customer}`, { key: shop.key, body: { ...body, profilingOptOut: true } });
    await page.goto(`${s.api.url}/console?customer=${encodeURIComponent(customer)}`);
    const section = page.locator("section.not-scored");
    await expect(section.locator("h2").textContent()).resolves.toBe("解約リスクは分析していません");
    await expect(section.textContent()).resolves.toContain("リスクが低いという意味ではありません");
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main).not.toContain("解約リスク（");
    expect(await page.locator("main .band").count()).toBe(0);
    expect(await page.locator("table td", { hasText: "分析停止中" }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "English" }).click()]);
    await expect(section.locator("h2").textContent()).resolves.toBe("Churn risk is not analysed");
    await expect(section.textContent()).resolves.toContain("This does not mean low risk");
    expect(await axeViolations(page)).toEqual([]);
  });
});
