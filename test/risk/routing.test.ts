import { describe, expect, it } from "vitest";
import { JA_MAX_CHARS, monthlyValueYen, route, speech, type NextBestAction, type SpeechInput } from "../../src/risk/routing";

describe("route", () => {
  it("sends high-risk, high-value callers to a retention specialist", () => {
    expect(route({ band: "high", monthlyValueYen: 8000 })).toBe("retention_specialist");
    expect(route({ band: "high", monthlyValueYen: 5000 })).toBe("retention_specialist");
  });

  it("sends high-risk, low-value callers to the standard queue", () => {
    expect(route({ band: "high", monthlyValueYen: 1980 })).toBe("standard_queue");
  });

  it("sends medium risk to a specialist only for very valuable subscriptions", () => {
    expect(route({ band: "medium", monthlyValueYen: 8000 })).toBe("standard_queue");
    expect(route({ band: "medium", monthlyValueYen: 20000 })).toBe("retention_specialist");
  });

  it("lets low-risk callers serve themselves, whatever they are worth", () => {
    expect(route({ band: "low", monthlyValueYen: 3980 })).toBe("self_service");
    expect(route({ band: "low", monthlyValueYen: 50000 })).toBe("self_service");
  });

  it("falls back to the standard queue when no specialist is available, and takes custom thresholds", () => {
    expect(route({ band: "high", monthlyValueYen: 8000, specialistAvailable: false })).toBe("standard_queue");
    expect(route({ band: "high", monthlyValueYen: 8000 }, { specialistMinMonthlyYen: 10000 })).toBe("standard_queue");
  });

  it("computes monthly value from price, quantity and interval", () => {
    expect(monthlyValueYen({ unitPriceAmount: 3980, quantity: 2, intervalDays: 60 })).toBe(3980);
    expect(monthlyValueYen({ unitPriceAmount: 2980, quantity: 1, intervalDays: 15 })).toBe(5960);
    expect(monthlyValueYen({ unitPriceAmount: 2980, quantity: 1, intervalDays: 0 })).toBe(0);
  });
});

describe("speech", () => {
  const base: SpeechInput = { customerName: "山田", nextDeliveryOn: "2025-12-05", productName: "青汁", band: "low" };

  it("says the next delivery politely in Japanese with a natural date", () => {
    expect(speech(base, "ja")).toBe("山田様、次回の青汁のお届けは12月5日の予定です。");
  });

  it("says it in English", () => {
    expect(speech({ ...base, customerName: "Taro Yamada", productName: "Green Juice" }, "en")).toBe("Hello Taro Yamada. Your next Green Juice delivery is on December 5.");
  });

  it("mentions one option for medium or high risk, none for low", () => {
    expect(speech({ ...base, band: "high", nextBestAction: "skip" }, "ja")).toBe("山田様、次回の青汁のお届けは12月5日の予定です。次回分のスキップも承れます。");
    expect(speech({ ...base, band: "medium", nextBestAction: "change_interval" }, "en")).toBe(
      "Hello 山田. Your next 青汁 delivery is on December 5. You can also change how often it arrives.",
    );
    expect(speech({ ...base, band: "low", nextBestAction: "skip" }, "ja")).not.toContain("スキップ");
    expect(speech({ ...base, band: "high" }, "ja")).toBe("山田様、次回の青汁のお届けは12月5日の予定です。お届けの変更も承れます。");
  });

  it("says 本日 / 明日 when the delivery is today or tomorrow", () => {
    expect(speech({ ...base, today: "2025-12-04" }, "ja")).toBe("山田様、次回の青汁のお届けは明日の予定です。");
    expect(speech({ ...base, today: "2025-12-05" }, "en")).toBe("Hello 山田. Your next 青汁 delivery is today.");
  });

  it("addresses an unknown caller as お客様 and does not double the honorific", () => {
    expect(speech({ ...base, customerName: null }, "ja")).toBe("お客様、次回の青汁のお届けは12月5日の予定です。");
    expect(speech({ ...base, customerName: "山田様" }, "ja")).toMatch(/^山田様、/);
    expect(speech({ ...base, customerName: "" }, "en")).toMatch(/^Hello\. /);
  });

  it("stays within about 60 characters by dropping the product name, then the option", () => {
    const long = { ...base, productName: "【公式】国産大麦若葉100%使用 こだわりの青汁 30包入り お徳用定期便", band: "high" as const, nextBestAction: "pause" as const };
    const line = speech(long, "ja");
    expect([...line].length).toBeLessThanOrEqual(JA_MAX_CHARS);
    expect(line).toBe("山田様、次回のお届けは12月5日の予定です。一時的なお休みも承れます。");
  });

  it("handles no scheduled delivery and a cancelled subscription", () => {
    expect(speech({ ...base, nextDeliveryOn: null, status: "paused", band: "high", nextBestAction: "skip" }, "ja")).toBe("山田様、現在、次回のお届け予定はございません。");
    expect(speech({ ...base, nextDeliveryOn: null, status: "canceled" }, "en")).toBe("Hello 山田. Your subscription has been cancelled.");
  });

  it("never makes health claims or pressures the caller, in any combination", () => {
    const actions: (NextBestAction | null)[] = [null, "skip", "pause", "change_interval", "change_quantity", "discount", "product_swap", "free_gift", "usage_advice"];
    for (const band of ["low", "medium", "high"] as const)
      for (const nextBestAction of actions)
        for (const locale of ["ja", "en"] as const) {
          const line = speech({ ...base, band, nextBestAction }, locale);
          expect(line).not.toMatch(/効果|効く|健康|治|改善|今やめると|損|もったいない|今だけ|限定|リスク|解約しないで/);
          expect(line).not.toMatch(/health|effect|cure|lose|miss out|only today|last chance|risk|don't cancel/i);
          if (locale === "ja") expect([...line].length).toBeLessThanOrEqual(JA_MAX_CHARS);
          expect(line).not.toMatch(/\n/);
        }
  });
});
