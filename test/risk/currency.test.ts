import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyFeatures, type RiskFeatures } from "../../src/risk/features";
import { DEFAULT_MODEL, driverLabel, FEATURE_TRANSFORMS, score } from "../../src/risk/model";
import { customerBody, subscriptionBody, uid } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * The risk model's `price_level` reads the price in yen terms, and its driver writes the price in
 * the plan's currency. Before, a US plan at $49.00 (4,900 cents) was weighed as a ¥4,900 plan
 * (≈ ¥7,350 it is: 0.106 log-odds instead of 0.194) and labelled 「単価が高め（4,900円）」.
 */
const features = (over: Partial<RiskFeatures>): RiskFeatures => ({ ...emptyFeatures(), deliveriesCompleted: 6, ...over });
const level = (unitPriceYen: number, currency: string) => FEATURE_TRANSFORMS.price_level(features({ unitPriceYen, currency }));
const driver = (f: RiskFeatures) => score(DEFAULT_MODEL, f).drivers.find((d) => d.code === "price_level");

describe("risk price level, in yen terms", () => {
  it("$49.00 weighs as ¥7,350 (not ¥4,900); ₩49,000 as ¥5,390 (not ¥49,000); a currency without a scale not at all", () => {
    expect(level(4_900, "JPY")).toBeCloseTo(Math.log2(4_900 / 3_000), 9);
    expect(level(4_900, "USD")).toBeCloseTo(Math.log2(7_350 / 3_000), 9);
    expect(level(49_000, "KRW")).toBeCloseTo(Math.log2(5_390 / 3_000), 9);
    expect(level(4_900, "XAU")).toBe(0);
    // A record stored before the currency was kept (the key absent) reads as JPY, as it was written.
    const { currency: _, ...older } = features({ unitPriceYen: 4_900 });
    expect(FEATURE_TRANSFORMS.price_level(older as RiskFeatures)).toBe(level(4_900, "JPY"));
  });

  it("the same price in yen terms weighs the same, and the label writes the plan's own currency", () => {
    const usd = driver(features({ unitPriceYen: 4_900, currency: "USD" }))!;
    expect(usd.contribution).toBe(driver(features({ unitPriceYen: 7_350, currency: "JPY" }))!.contribution);
    expect(usd.value).toBe(4_900);
    expect(driverLabel(usd, "ja", "USD")).toBe("単価が高め（$49.00）");
    expect(driverLabel(usd, "en", "USD")).toBe("Higher unit price ($49.00)");
    // Higher or lower than ¥3,000 in yen terms: $25.00 (≈ ¥3,750) is higher, though its 2,500 cents are below 3,000.
    expect(driverLabel({ code: "price_level", value: 2_500 }, "en", "USD")).toBe("Higher unit price ($25.00)");
    expect(driverLabel({ code: "price_level", value: 2_500 }, "ja", "JPY")).toBe("単価が手頃（2,500円）");
  });
});

describe("risk answers of a US shop's plan", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("weigh $49.00 as a ¥7,350 plan and write it $49.00, one plan and the at-risk page alike", async () => {
    const t = await h.tenant();
    const ids: Record<string, string> = {};
    for (const [currency, amount] of [["USD", 4_900], ["JPY", 7_350]] as const) {
      const c = uid("C");
      ids[currency] = uid("S");
      expect((await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ email: `${c.toLowerCase()}@example.jp` }) })).status).toBeLessThan(300);
      expect((await h.request("PUT", `/v1/subscriptions/${ids[currency]}`, { key: t.key, body: subscriptionBody(c, { unitPrice: { amount, currency } }) })).status).toBeLessThan(300);
    }
    type Risk = { subscriptionId: string; probability: number; drivers: { code: string; label: string; contribution: number }[] };
    const one = async (s: string, lang: "ja" | "en") => {
      const res = await h.request("GET", `/v1/subscriptions/${s}/risk`, { key: t.key, headers: { "accept-language": lang } });
      expect(res.status, res.text).toBe(200);
      return res.body as Risk;
    };
    const price = (r: Risk) => r.drivers.find((d) => d.code === "price_level");
    const [usd, jpy] = [await one(ids.USD!, "ja"), await one(ids.JPY!, "ja")];
    expect(usd.probability).toBe(jpy.probability);
    expect(price(usd)).toMatchObject({ label: "単価が高め（$49.00）", contribution: 0.194 });
    expect(price(jpy)).toMatchObject({ label: "単価が高め（7,350円）", contribution: 0.194 });
    expect(price(await one(ids.USD!, "en"))?.label).toBe("Higher unit price ($49.00)");

    for (const lang of ["ja", "en"] as const) {
      const res = await h.request("GET", "/v1/risk/at-risk?limit=10", { key: t.key, headers: { "accept-language": lang } });
      expect(res.status, res.text).toBe(200);
      const labels = (res.body.data as Risk[]).map((r) => price(r)?.label).sort();
      expect(labels).toEqual(lang === "ja" ? ["単価が高め（$49.00）", "単価が高め（7,350円）"] : ["Higher unit price ($49.00)", "Higher unit price (¥7,350)"]);
    }
  }, 120_000);
});
