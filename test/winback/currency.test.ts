import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { candidatesPageReads } from "../../src/winback/candidates";
import { customerBody, subscriptionBody, uid } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * A US shop's candidate: its past spend is written in dollars, as every other amount of the row.
 * Before, the driver read "Past spend ¥49,000" for $490.00 (the label took every amount as yen).
 * Both ways to the list say the same: the first read (the long way) and, after the maintenance
 * run rendered the row, the page SQL writes (the short way, its labels remembered per currency).
 */
describe("win-back candidates: a past spend in the row's currency", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  const spend = async (key: string, lang: "ja" | "en") => {
    const res = await h.request("GET", "/v1/winback/candidates", { key, headers: { "accept-language": lang } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.map((d: { drivers: { code: string; label: string }[] }) => d.drivers.find((x) => x.code === "past_spend")?.label).sort();
  };

  it("$490.00 reads $490.00, ¥49,000 still 49,000円 / ¥49,000, in both languages and both ways", async () => {
    const t = await h.tenant();
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 0 } })).status).toBe(200);
    for (const currency of ["USD", "JPY"]) {
      const c = uid("C");
      const s = uid("S");
      expect((await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ email: `${c.toLowerCase()}@example.jp` }) })).status).toBeLessThan(300);
      const body = subscriptionBody(c, { unitPrice: { amount: 4900, currency }, deliveriesCompleted: 10, nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 12) });
      expect((await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body })).status).toBeLessThan(300);
      const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: {} })).body;
      expect((await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: { keepInTouch: true } })).status).toBe(200);
    }
    const expected = { ja: ["これまでのご購入額 $490.00", "これまでのご購入額 49,000円"], en: ["Past spend $490.00", "Past spend ¥49,000"] };
    for (const lang of ["ja", "en"] as const) expect(await spend(t.key, lang)).toEqual(expected[lang]);
    await h.maintain(() => new Date());
    const before = candidatesPageReads.built + candidatesPageReads.remembered;
    for (const lang of ["ja", "en"] as const) {
      expect(await spend(t.key, lang)).toEqual(expected[lang]);
      expect(await spend(t.key, lang)).toEqual(expected[lang]); // read again: the remembered page
    }
    // Those four reads went the short way (SQL's page text), not the long way.
    expect(candidatesPageReads.built + candidatesPageReads.remembered - before).toBe(4);
  }, 120_000);
  /**
   * The score reads the spend in yen terms too: $300.00 weighs as the ≈ ¥45,000 it is. Before, the
   * model took its 30,000 cents for ¥30,000: the US customer's probability was below that of a
   * Japanese customer who spent ¥45,000 (0.143 log-odds for past spend against 0.196).
   */
  it("a US customer who spent $300.00 is scored as a Japanese one who spent ¥45,000", async () => {
    const t = await h.tenant();
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { winbackHoldoutPercent: 0 } })).status).toBe(200);
    const ids: Record<string, string> = {};
    for (const [currency, amount] of [["USD", 3_000], ["JPY", 4_500]] as const) {
      const c = uid("C");
      const s = (ids[currency] = uid("S"));
      expect((await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ email: `${c.toLowerCase()}@example.jp` }) })).status).toBeLessThan(300);
      const body = subscriptionBody(c, { unitPrice: { amount, currency }, deliveriesCompleted: 10, nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 12) });
      expect((await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body })).status).toBeLessThan(300);
      const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: {} })).body;
      expect((await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: { keepInTouch: true } })).status).toBe(200);
    }
    const res = await h.request("GET", "/v1/winback/candidates", { key: t.key, headers: { "accept-language": "en" } });
    expect(res.status, res.text).toBe(200);
    type Row = { subscriptionId: string; probability: number; drivers: { code: string; label: string; contribution: number }[] };
    const row = (s: string) => (res.body.data as Row[]).find((r) => r.subscriptionId === s)!;
    const [usd, jpy] = [row(ids.USD!), row(ids.JPY!)];
    expect(usd.probability).toBe(jpy.probability);
    expect(usd.drivers.find((d) => d.code === "past_spend")).toMatchObject({ label: "Past spend $300.00", contribution: 0.196 });
    expect(jpy.drivers.find((d) => d.code === "past_spend")).toMatchObject({ label: "Past spend ¥45,000", contribution: 0.196 });
  }, 120_000);
});
