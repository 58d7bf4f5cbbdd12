import { describe, expect, it } from "vitest";
import { JA_MAX_CHARS, monthlyValue, route, speech, type NextBestAction, type SpeechInput } from "../../src/risk/routing";
import { shortName, spokenName } from "../../src/risk/spoken";

describe("route", () => {
  it("sends high-risk, high-value callers to a retention specialist", () => {
    expect(route({ band: "high", monthlyValue: [{ amount: 8000, currency: "JPY" }] })).toBe("retention_specialist");
    expect(route({ band: "high", monthlyValue: [{ amount: 5000, currency: "JPY" }] })).toBe("retention_specialist");
  });

  it("sends high-risk, low-value callers to the standard queue", () => {
    expect(route({ band: "high", monthlyValue: [{ amount: 1980, currency: "JPY" }] })).toBe("standard_queue");
  });

  it("sends medium risk to a specialist only for very valuable subscriptions", () => {
    expect(route({ band: "medium", monthlyValue: [{ amount: 8000, currency: "JPY" }] })).toBe("standard_queue");
    expect(route({ band: "medium", monthlyValue: [{ amount: 20000, currency: "JPY" }] })).toBe("retention_specialist");
  });

  it("lets low-risk callers serve themselves, whatever they are worth", () => {
    expect(route({ band: "low", monthlyValue: [{ amount: 3980, currency: "JPY" }] })).toBe("self_service");
    expect(route({ band: "low", monthlyValue: [{ amount: 50000, currency: "JPY" }] })).toBe("self_service");
  });

  it("falls back to the standard queue when no specialist is available, and takes custom thresholds", () => {
    expect(route({ band: "high", monthlyValue: [{ amount: 8000, currency: "JPY" }], specialistAvailable: false })).toBe("standard_queue");
    expect(route({ band: "high", monthlyValue: [{ amount: 8000, currency: "JPY" }] }, { JPY: { highRisk: 10000, mediumRisk: 15000 } })).toBe("standard_queue");
  });

  it("holds each currency's value against that currency's thresholds, in its minor units", () => {
    // USD defaults: $35 at high risk, $100 at medium (cents); not ¥5,000 / ¥15,000 read as cents ($50 / $150).
    expect(route({ band: "high", monthlyValue: [{ amount: 3500, currency: "USD" }] })).toBe("retention_specialist");
    expect(route({ band: "high", monthlyValue: [{ amount: 3499, currency: "USD" }] })).toBe("standard_queue");
    expect(route({ band: "medium", monthlyValue: [{ amount: 12000, currency: "USD" }] })).toBe("retention_specialist");
    // The shop's own thresholds for its currency win over the defaults; other currencies keep theirs.
    const shop = { USD: { highRisk: 8000, mediumRisk: 30000 } };
    expect(route({ band: "high", monthlyValue: [{ amount: 5000, currency: "USD" }] }, shop)).toBe("standard_queue");
    expect(route({ band: "high", monthlyValue: [{ amount: 8000, currency: "USD" }] }, shop)).toBe("retention_specialist");
    expect(route({ band: "high", monthlyValue: [{ amount: 5000, currency: "JPY" }] }, shop)).toBe("retention_specialist");
    // A currency with neither: no specialist by value.
    expect(route({ band: "high", monthlyValue: [{ amount: 10_000_000, currency: "XAU" }] })).toBe("standard_queue");
  });

  it("computes monthly value from price, quantity and interval", () => {
    expect(monthlyValue({ unitPriceAmount: 3980, quantity: 2, intervalDays: 60 })).toBe(3980);
    expect(monthlyValue({ unitPriceAmount: 2980, quantity: 1, intervalDays: 15 })).toBe(5960);
    expect(monthlyValue({ unitPriceAmount: 2980, quantity: 1, intervalDays: 0 })).toBe(0);
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
    expect(speech({ ...base, band: "high", nextBestAction: "skip" }, "ja")).toBe("山田様、次回の青汁のお届けは12月5日の予定です。次回分のスキップも承ります。");
    expect(speech({ ...base, band: "medium", nextBestAction: "change_interval" }, "en")).toBe("Hello. Your next delivery is on December 5. You can also change how often it arrives.");
    expect(speech({ ...base, band: "low", nextBestAction: "skip" }, "ja")).not.toContain("スキップ");
    expect(speech({ ...base, band: "high" }, "ja")).toBe("山田様、次回の青汁のお届けは12月5日の予定です。お届けの変更も承ります。");
  });

  it("says 本日 / 明日 when the delivery is today or tomorrow", () => {
    expect(speech({ ...base, today: "2025-12-04" }, "ja")).toBe("山田様、次回の青汁のお届けは明日の予定です。");
    expect(speech({ ...base, today: "2025-12-05" }, "en")).toBe("Hello. Your next delivery is today.");
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
    expect(line).toBe("山田様、次回のお届けは12月5日の予定です。一時的なお休みも承ります。");
  });

  it("handles no scheduled delivery and a cancelled subscription", () => {
    expect(speech({ ...base, nextDeliveryOn: null, status: "active", band: "high", nextBestAction: "skip" }, "ja")).toBe("山田様、現在、次回のお届け予定はございません。");
    expect(speech({ ...base, nextDeliveryOn: null, status: "canceled" }, "en")).toBe("Hello. Your subscription has been canceled.");
  });

  it("says a paused plan is paused and the day it restarts, not a next delivery as if nothing had changed", () => {
    const paused = { ...base, status: "paused" as const, pausedUntil: "2025-12-09", nextDeliveryOn: "2025-12-09", productCategory: "supplement" };
    expect(speech(paused, "ja")).toBe("山田様、青汁のお届けはお休み中で、12月9日から再開の予定です。");
    expect(speech(paused, "en")).toBe("Hello. Your supplement deliveries are paused and restart on December 9.");
    expect(speech({ ...paused, today: "2025-12-08" }, "ja")).toContain("明日から再開の予定です。");
    // Paused with no date given: paused, no date made up.
    expect(speech({ ...paused, pausedUntil: null, nextDeliveryOn: null }, "ja")).toBe("山田様、青汁のお届けは現在お休み中です。");
    expect(speech({ ...paused, pausedUntil: null, nextDeliveryOn: null }, "en")).toBe("Hello. Your supplement deliveries are paused for now.");
    // A pause offered to a paused plan is a longer one.
    expect(speech({ ...paused, band: "high", nextBestAction: "pause" }, "ja")).toBe("山田様、青汁のお届けはお休み中で、12月9日から再開の予定です。お休みの延長も承ります。");
    expect(speech({ ...paused, band: "high", nextBestAction: "pause" }, "en")).toContain("You can also extend the pause.");
  });

  it("tells a former customer a comeback offer awaits that restarting is possible, once and calmly", () => {
    const gone = { ...base, status: "canceled" as const, nextDeliveryOn: null, productCategory: "supplement" };
    expect(speech({ ...gone, restart: true }, "ja")).toBe("山田様、青汁の定期コースはご解約済みです。再開のご案内もできます。");
    expect(speech({ ...gone, restart: true }, "en")).toBe("Hello. Your supplement subscription has been canceled. We can also help you restart it if you like.");
    // No comeback (not a candidate, or nothing suits a restart): just the fact; never an option
    // from a cancel-risk band.
    expect(speech({ ...gone, band: "high", nextBestAction: "skip" }, "ja")).toBe("山田様、青汁の定期コースはご解約済みです。");
  });

  it("in English, leaves out what an English voice cannot read: a name in kanji, a product named in Japanese (its category instead)", () => {
    const caller = { customerName: "小野 美穂", nextDeliveryOn: "2025-12-09", productName: "乳酸菌サプリ 60粒", productCategory: "supplement", band: "low" as const };
    expect(speech(caller, "en")).toBe("Hello. Your next supplement delivery is on December 9.");
    expect(speech({ ...caller, productCategory: null }, "en")).toBe("Hello. Your next delivery is on December 9.");
    expect(speech({ ...caller, customerName: "Miho Ono", productName: "Lactic Acid 60" }, "en")).toBe("Hello Miho Ono. Your next Lactic Acid 60 delivery is on December 9.");
    // A category English says before "delivery" only where it reads well: never "your next food delivery".
    for (const productCategory of ["food", "health_food", "beauty_food", "beverage"]) {
      expect(speech({ ...caller, productCategory }, "en"), productCategory).toBe("Hello. Your next delivery is on December 9.");
    }
    expect(speech({ ...caller, productCategory: "cosmetics" }, "en")).toBe("Hello. Your next skincare delivery is on December 9.");
    // Full-width Latin is read as Latin.
    expect(speech({ ...caller, customerName: "Ｍｉｈｏ Ｏｎｏ" }, "en")).toMatch(/^Hello Miho Ono\. /);
  });

  it("says the same facts in Japanese and English: what one leaves out to stay short, the other does too", () => {
    const caller: SpeechInput = {
      customerName: "小野 美穂",
      nextDeliveryOn: "2025-12-09",
      productName: "乳酸菌サプリ 60粒",
      productCategory: "supplement",
      band: "high",
      nextBestAction: "skip",
      stock: { ja: "あと約39粒、1年分以上", en: "about 39 tablets left, over a year's worth" },
    };
    const ja = speech(caller, "ja");
    const en = speech(caller, "en");
    expect(ja).toBe("小野 美穂様、次回のお届けは12月9日の予定です。あと約39粒、1年分以上あります。次回分のスキップも承ります。");
    expect(en).toBe("Hello. Your next delivery is on December 9. You have about 39 tablets left, over a year's worth. You can skip the next delivery if you like.");
    // With room for it, both name the product.
    const short = { ...caller, customerName: "山田", stock: null };
    expect(speech(short, "ja")).toContain("次回の乳酸菌サプリ 60粒のお届け");
    expect(speech(short, "en")).toContain("Your next supplement delivery");
  });

  it("offers usage tips in plain polite Japanese (no お before 使い方)", () => {
    expect(speech({ ...base, band: "medium", nextBestAction: "usage_advice" }, "ja")).toBe("山田様、次回の青汁のお届けは12月5日の予定です。使い方のご案内もできます。");
  });

  it("never makes health claims or pressures the caller, in any combination", () => {
    const actions: (NextBestAction | null)[] = [null, "skip", "pause", "change_interval", "change_quantity", "discount", "product_swap", "free_gift", "usage_advice"];
    for (const band of ["low", "medium", "high"] as const)
      for (const nextBestAction of actions)
        for (const status of ["active", "paused", "canceled"] as const)
        for (const locale of ["ja", "en"] as const) {
          const line = speech({ ...base, band, nextBestAction, status, pausedUntil: status === "paused" ? "2025-12-05" : null, restart: status === "canceled" }, locale);
          expect(line).not.toMatch(/効果|効く|健康|治|改善|今やめると|損|もったいない|今だけ|限定|リスク|解約しないで/);
          expect(line).not.toMatch(/health|effect|cure|lose|miss out|only today|last chance|risk|don't cancel/i);
          if (locale === "ja") expect([...line].length).toBeLessThanOrEqual(JA_MAX_CHARS);
          expect(line).not.toMatch(/\n/);
          if (locale === "en") expect(line).not.toMatch(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u);
        }
  });

  describe("a caller with several live plans (the focus is the one most at risk, not always the next to ship)", () => {
    // C-100361 in the demo shop: コラーゲンドリンク ships 12/5, the focus グルコサミン on 12/30.
    const several: SpeechInput = {
      customerName: "竹内 大輔",
      nextDeliveryOn: "2026-12-30",
      productName: "グルコサミン＆コンドロイチン 180粒",
      productCategory: "supplement",
      band: "medium",
      nextBestAction: "move_delivery",
      stock: { ja: "あと約48粒、3週間分ほど", en: "about 48 tablets left, about three weeks" },
      today: "2026-12-02",
      livePlans: 3,
      earliestDeliveryOn: "2026-12-05",
    };

    it("names the plan whose date it says when another ships earlier, never the date alone as the caller's next delivery", () => {
      const ja = speech(several, "ja");
      expect(ja).toBe("竹内 大輔様、次回のグルコサミンとコンドロイチン 180粒のお届けは12月30日の予定です。お届け日の変更も承ります。");
      expect([...ja].length).toBeLessThanOrEqual(JA_MAX_CHARS);
      expect(speech(several, "en")).toBe("Hello. Your next supplement delivery is on December 30. You can also move your next delivery.");
      expect(speech({ ...several, customerName: "Dai", productName: "Glucosamine & Chondroitin 180" }, "en")).toBe(
        "Hello Dai. Your next Glucosamine and Chondroitin 180 delivery is on December 30.",
      );
    });

    it("says the date without the product when the focus plan is the next to ship (or shares the day), but no stock without the plan's name", () => {
      const first = { ...several, earliestDeliveryOn: "2026-12-30" };
      // Whose 48 tablets, of three plans? Named with it, or left out when that does not fit (trial52).
      expect(speech(first, "ja")).toBe("竹内 大輔様、次回のグルコサミンとコンドロイチン 180粒のお届けは12月30日の予定です。お届け日の変更も承ります。");
      expect(speech(first, "en")).toBe("Hello. Your next supplement delivery is on December 30. You can also move your next delivery.");
      expect(speech({ ...first, productName: "青汁", stock: { ja: "あと約48粒", en: "about 48 left" } }, "ja")).toBe("竹内 大輔様、次回の青汁のお届けは12月30日の予定です。あと約48粒あります。お届け日の変更も承ります。");
      // Without the stock, a name too long for the line goes first: the date is the caller's next delivery anyway.
      expect(speech({ ...first, stock: undefined, productName: "とても長い商品名でどうしても一行には収まらない特別な定期便セット" }, "ja")).toBe("竹内 大輔様、次回のお届けは12月30日の予定です。お届け日の変更も承ります。");
      // With the stock and that name: the stock is not said of an unnamed plan.
      expect(speech({ ...first, stock: { ja: "あと約48粒", en: "about 48 left" }, productName: "とても長い商品名でどうしても一行には収まらない特別な定期便セット" }, "ja")).toBe("竹内 大輔様、次回のお届けは12月30日の予定です。お届け日の変更も承ります。");
      // One live plan: the stock needs no name.
      expect(speech({ ...first, livePlans: 1, stock: { ja: "あと約48粒", en: "about 48 left" }, productName: "とても長い商品名でどうしても一行には収まらない特別な定期便セット" }, "ja")).toBe("竹内 大輔様、次回のお届けは12月30日の予定です。あと約48粒あります。お届け日の変更も承ります。");
    });

    it("when English cannot name the plan, says the caller's earliest delivery, with no option for a plan it did not name", () => {
      const food = { ...several, productName: "国産百花はちみつ 500g", productCategory: "food" };
      expect(speech(food, "ja")).toBe("竹内 大輔様、次回の国産百花はちみつ 500グラムのお届けは12月30日の予定です。お届け日の変更も承ります。");
      expect(speech(food, "en")).toBe("Hello. Your next delivery is on December 5.");
    });

    it("when no line can name the plan, says the caller's earliest delivery in both languages", () => {
      const long = { ...several, productName: "とても長い商品名でどうしても一行には収まらない特別な定期便セットの詰め合わせです" };
      expect(speech(long, "ja")).toBe("竹内 大輔様、次回のお届けは12月5日の予定です。");
      expect(speech(long, "en")).toBe("Hello. Your next delivery is on December 5.");
      // A name too long even for that: the delivery alone.
      expect(speech({ ...long, customerName: "長".repeat(50) }, "ja")).toBe("次回のお届けは12月5日の予定です。");
    });

    it("names a paused plan, or one with no date, when another plan is live", () => {
      const paused = { ...several, status: "paused" as const, pausedUntil: "2027-01-31", nextBestAction: null, band: "low" as const };
      expect(speech(paused, "ja")).toBe("竹内 大輔様、グルコサミンとコンドロイチン 180粒のお届けはお休み中で、1月31日から再開の予定です。");
      expect(speech(paused, "en")).toBe("Hello. Your supplement deliveries are paused and restart on January 31.");
      const undated = { ...several, nextDeliveryOn: null, band: "low" as const };
      expect(speech(undated, "ja")).toBe("竹内 大輔様、グルコサミンとコンドロイチン 180粒の次回のお届け予定は現在ございません。");
      expect(speech(undated, "en")).toBe("Hello. You have no upcoming supplement delivery scheduled.");
      // With one live plan the line is as it was: its date is the caller's next delivery.
      expect(speech({ ...several, livePlans: 1 }, "ja")).toBe("竹内 大輔様、次回のお届けは12月30日の予定です。あと約48粒、3週間分ほどあります。お届け日の変更も承ります。");
    });
  });

  it("says product names as a voice reads them (units, ×, ＆), in the speech only, and the size first to go when the line is long", () => {
    expect(speech({ ...base, productName: "水素水 500ml×24本" }, "ja")).toBe("山田様、次回の水素水 500ミリリットル、24本入りのお届けは12月5日の予定です。");
    expect(speech({ ...base, productName: "ソイプロテイン 抹茶味 1kg", band: "high", nextBestAction: "skip" }, "ja")).toBe(
      "山田様、次回のソイプロテイン 抹茶味 1キログラムのお届けは12月5日の予定です。次回分のスキップも承ります。",
    );
    expect(speech({ ...base, productName: "コラーゲンドリンク 50ml×10本", band: "high", nextBestAction: "skip" }, "ja")).toBe(
      "山田様、次回のコラーゲンドリンクのお届けは12月5日の予定です。次回分のスキップも承ります。",
    );
    expect(speech({ ...base, productName: "Protein 1kg" }, "en")).toBe("Hello. Your next Protein 1 kilogram delivery is on December 5.");
  });
});

describe("speech: dates the caller hears right", () => {
  const base: SpeechInput = { customerName: "山田", nextDeliveryOn: "2026-12-10", productName: "青汁", band: "low", today: "2026-12-03" };

  it("says the year of a delivery a year away, in both languages, for every date it says", () => {
    expect(speech({ ...base, nextDeliveryOn: "2027-12-10" }, "ja")).toBe("山田様、次回の青汁のお届けは2027年12月10日の予定です。");
    expect(speech({ ...base, nextDeliveryOn: "2027-12-10", productName: "Green Juice" }, "en")).toBe("Hello. Your next Green Juice delivery is on December 10, 2027.");
    // A restart date, too; next month's date stays month and day.
    expect(speech({ ...base, status: "paused", pausedUntil: "2027-12-01" }, "ja")).toBe("山田様、青汁のお届けはお休み中で、2027年12月1日から再開の予定です。");
    expect(speech({ ...base, status: "paused", pausedUntil: "2027-12-01" }, "en")).toBe("Hello. Your deliveries are paused and restart on December 1, 2027.");
    expect(speech({ ...base, nextDeliveryOn: "2027-01-05" }, "ja")).toBe("山田様、次回の青汁のお届けは1月5日の予定です。");
  });

  it("does not say a next delivery already past as upcoming, nor offer to change it", () => {
    const past = { ...base, nextDeliveryOn: "2026-12-02", band: "high" as const, nextBestAction: "skip" as const };
    expect(speech(past, "ja")).toBe("山田様、次回の青汁のお届け日は、ただいま確認中です。");
    expect(speech({ ...past, productName: "Green Juice" }, "en")).toBe("Hello. Your next Green Juice delivery date is being confirmed.");
    // A restart date gone by is not said either.
    expect(speech({ ...base, status: "paused", pausedUntil: "2026-12-01" }, "ja")).toBe("山田様、青汁のお届けは現在お休み中です。");
    // Nor is another plan's past date said as the caller's next delivery: it is being confirmed.
    expect(speech({ ...base, productName: "", livePlans: 2, status: "paused", earliestDeliveryOn: "2026-12-01" }, "ja")).toBe("山田様、次回のお届け日は、ただいま確認中です。");
  });

  it("says a cancelled plan's last delivery while it is still to come", () => {
    const canceled = { ...base, status: "canceled" as const, nextDeliveryOn: null, finalDeliveryOn: "2026-12-04" };
    expect(speech(canceled, "ja")).toBe("山田様、青汁の定期コースはご解約済みです。最後のお届けは明日の予定です。");
    expect(speech({ ...canceled, finalDeliveryOn: "2026-12-06" }, "en")).toBe("Hello. Your subscription has been canceled. Your last delivery is on December 6.");
    // Shipped already: not said.
    expect(speech({ ...canceled, finalDeliveryOn: "2026-12-02" }, "ja")).toBe("山田様、青汁の定期コースはご解約済みです。");
    // With a comeback offer, still within 60 characters.
    const line = speech({ ...canceled, productName: "国産大麦若葉の青汁 30包", restart: true }, "ja");
    expect(line).toBe("山田様、国産大麦若葉の青汁 30包の定期コースはご解約済みです。最後のお届けは明日の予定です。再開のご案内もできます。");
    expect([...line].length).toBeLessThanOrEqual(JA_MAX_CHARS);
  });
});

describe("spoken product names", () => {
  it("says units, counts and ampersands in words, in each language", () => {
    expect(spokenName("水素水 500ml×24本", "ja")).toBe("水素水 500ミリリットル、24本入り");
    expect(spokenName("コラーゲンドリンク 50ml×10本", "ja")).toBe("コラーゲンドリンク 50ミリリットル、10本入り");
    expect(spokenName("グルコサミン＆コンドロイチン 180粒", "ja")).toBe("グルコサミンとコンドロイチン 180粒");
    expect(spokenName("ソイプロテイン 抹茶味 1kg", "ja")).toBe("ソイプロテイン 抹茶味 1キログラム");
    expect(spokenName("オールインワンゲル 80g", "ja")).toBe("オールインワンゲル 80グラム");
    expect(spokenName("酵素ドリンク 720ml", "ja")).toBe("酵素ドリンク 720ミリリットル");
    expect(spokenName("ギフトセット×3", "ja")).toBe("ギフトセット、3個入り");
    expect(spokenName("５００ｍｌ×２４本", "ja")).toBe("500ミリリットル、24本入り");
    expect(spokenName("Protein 1kg", "en")).toBe("Protein 1 kilogram");
    expect(spokenName("Green Tea 80g", "en")).toBe("Green Tea 80 grams");
    expect(spokenName("Water 500mlx24", "en")).toBe("Water 500 millilitres, pack of 24");
    expect(spokenName("Fish & Chips", "en")).toBe("Fish and Chips");
  });

  it("says no sign a voice reads wrong or stumbles on: emoji, ※, promotional waves, %, #, slashes, brackets", () => {
    const cases: [name: string, ja: string, en: string][] = [
      ["黒酢 〜お徳用〜 2本セット", "黒酢 お徳用 2本セット", "黒酢 お徳用 2本セット"],
      ["黒酢 ～お徳用～ 2本セット", "黒酢 お徳用 2本セット", "黒酢 お徳用 2本セット"],
      ["黒酢 ~お徳用~ 2本セット", "黒酢 お徳用 2本セット", "黒酢 お徳用 2本セット"],
      ["黒酢 〜まろやか", "黒酢、まろやか", "黒酢, まろやか"],
      ["黒酢 ※送料無料", "黒酢", "黒酢"],
      ["※限定 黒酢", "限定 黒酢", "限定 黒酢"],
      ["黒酢 🍋", "黒酢", "黒酢"],
      ["黒酢 50%増量", "黒酢 50パーセント増量", "黒酢 50 percent増量"],
      ["黒酢 #1", "黒酢 1番", "黒酢 number 1"],
      ["生酵素 / 60粒", "生酵素、60粒", "生酵素, 60粒"],
      ["プロテイン(チョコ味)1キログラム", "プロテイン チョコ味 1キログラム", "プロテイン チョコ味 1キログラム"],
      ["プロテイン（チョコ味）1kg", "プロテイン チョコ味 1キログラム", "プロテイン チョコ味 1 kilogram"],
      ["黒酢[限定]", "黒酢 限定", "黒酢 限定"],
      ["~New~ Lemon Tea 🍋 500ml", "New Lemon Tea 500ミリリットル", "New Lemon Tea 500 millilitres"],
      ["Whey (Chocolate) 1kg", "Whey Chocolate 1キログラム", "Whey Chocolate 1 kilogram"],
      ["Vitamin C 50% more", "Vitamin C 50パーセント more", "Vitamin C 50 percent more"],
      ["Blend #2 / 60 tablets", "Blend 2番、60 tablets", "Blend number 2, 60 tablets"],
      ["👨‍👩‍👧 Family Pack ✨", "Family Pack", "Family Pack"],
      // Between numbers a wave is a range (read から, rightly) and a slash a fraction: kept.
      ["1〜2粒 お試し", "1〜2粒 お試し", "1 to 2粒 お試し"],
      ["1/2サイズ", "1/2サイズ", "1/2サイズ"],
    ];
    for (const [name, ja, en] of cases) {
      expect(spokenName(name, "ja"), name).toBe(ja);
      expect(spokenName(name, "en"), name).toBe(en);
    }
  });

  it("says a product with signs in its name plainly in the line, in both languages", () => {
    const base: SpeechInput = { customerName: "山田", nextDeliveryOn: "2026-12-10", band: "low", today: "2026-12-03" };
    expect(speech({ ...base, productName: "生酵素 / 60粒 🍋" }, "ja")).toBe("山田様、次回の生酵素、60粒のお届けは12月10日の予定です。");
    expect(speech({ ...base, productName: "Lemon Tea 🍋 (Family) #1" }, "en")).toBe("Hello. Your next Lemon Tea Family number 1 delivery is on December 10.");
  });

  it("leaves alone what is not an amount: names without units, letters after a number that are a word", () => {
    for (const name of ["国産大麦若葉の青汁 30包", "DHA・EPAサプリ 120粒", "Max 2", "Gel 5gel", "Lactic Acid 60"]) expect(spokenName(name, "ja"), name).toBe(name);
  });

  it("shortens a name to what it is called without its size", () => {
    expect(shortName("国産大麦若葉の青汁 30包")).toBe("国産大麦若葉の青汁");
    expect(shortName("水素水 500ml×24本")).toBe("水素水");
    expect(shortName("ソイプロテイン 抹茶味 1kg")).toBe("ソイプロテイン 抹茶味");
    expect(shortName("青汁")).toBe("青汁");
    expect(shortName("30包")).toBe("30包");
  });
});

describe("speech: what a voice reads of names", () => {
  const base = { productName: "青汁", nextDeliveryOn: "2026-12-21", band: "low", today: "2026-12-03" } as const;
  it("says the name's reading (フリガナ, folded to full width) when the shop has one, else the name; English keeps the name", () => {
    expect(speech({ ...base, customerName: "東海林 一", customerReading: "ｼｮｳｼﾞ ﾊｼﾞﾒ" }, "ja")).toBe("ショウジ ハジメ様、次回の青汁のお届けは12月21日の予定です。");
    expect(speech({ ...base, customerName: "東海林 一", customerReading: null }, "ja")).toBe("東海林 一様、次回の青汁のお届けは12月21日の予定です。");
    expect(speech({ ...base, customerName: "John Smith", customerReading: "ジョン スミス" }, "en")).toBe("Hello John Smith. Your next delivery is on December 21.");
  });

  it("leaves out an aside in parentheses and brackets a voice would read out", () => {
    expect(speech({ ...base, customerName: "山田 花子（旧姓 田中）" }, "ja")).toBe("山田 花子様、次回の青汁のお届けは12月21日の予定です。");
    expect(speech({ ...base, customerName: "田中 一郎 (代理) 様" }, "ja")).toBe("田中 一郎様、次回の青汁のお届けは12月21日の予定です。");
    expect(speech({ ...base, customerName: "佐藤 花子", productName: "〈限定〉美容液" }, "ja")).toBe("佐藤 花子様、次回の限定 美容液のお届けは12月21日の予定です。");
  });
});
