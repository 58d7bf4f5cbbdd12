import { describe, expect, it } from "vitest";
import type { SubscriptionSnapshot } from "../../src/offers/personalise";
import { OutcomeTable } from "../../src/offers/bandit";
import { DEFAULT_CATALOGUE } from "../../src/offers/catalogue";
import { lintCopy } from "../../src/offers/lint";
import { CANCELLATION_REASON_CODES } from "../../src/cancel-flows/reasons";
import { comebackOf, comebackOffer, offerFitsReason, rerenderComeback } from "../../src/winback/comeback";
import { resolveSettings } from "../../src/settings/schemas";
import { localizeWinbackDrivers, type WinbackDriver } from "../../src/winback/model";

const settings = resolveSettings({});
const sub: SubscriptionSnapshot = {
  status: "canceled",
  product: { sku: "AOJIRU-30", name: "青汁", unitsPerPackage: 30, unitLabel: "包" },
  quantity: 1,
  intervalDays: 30,
  nextDeliveryOn: "2026-09-01",
  unitPrice: { amount: 3980, currency: "JPY" },
  deliveriesCompleted: 6,
};
// No catalogue offer applies: a customer who named a date gets the reminder.
const reminder = (returnOn: string, restartOn: string) =>
  comebackOffer(
    { sub, consecutiveSkips: 0, catalogue: [], stats: new OutcomeTable(), riskBand: null, stockOnHand: null, acceptedSaves: [], settings },
    { reason: "taking_a_break", returnOn, restartOn, now: "2026-11-30T03:00:00.000Z" },
  );

describe("a comeback states the restarted plan's price with the shop's tax basis", () => {
  it("税込 in a JP shop (総額表示); \"plus tax\" in a US shop, whose prices exclude sales tax", () => {
    const input = (settings: ReturnType<typeof resolveSettings>) =>
      comebackOffer(
        { sub: { ...sub, unitPrice: { amount: 4900, currency: "USD" } }, consecutiveSkips: 0, catalogue: [], stats: new OutcomeTable(), riskBand: null, stockOnHand: null, acceptedSaves: [], settings },
        { reason: "taking_a_break", returnOn: "2027-01-10", restartOn: "2027-01-10", now: "2026-11-30T03:00:00.000Z" },
      )!;
    const us = input(resolveSettings({ country: "US" }));
    expect(us.message.en).toContain("at $49.00 plus tax each, until you cancel");
    expect(us.message.ja).toContain("1回あたり$49.00（税別）です。");
    expect(reminder("2027-01-10", "2027-01-10")!.message.ja).toContain("1回あたり3,980円（税込）です。");
  });
});

describe("the reminder for a customer who named a return date", () => {
  it("names their date when deliveries can restart on it", () => {
    const r = reminder("2027-01-10", "2027-01-10")!;
    expect(r).toMatchObject({ kind: "reminder", restartOn: "2027-01-10", parameters: { restartOn: "2027-01-10" } });
    expect(r.title.ja).toBe("2027年1月10日からの再開のご案内");
    expect(r.description.ja).toBe("お伝えいただいた2027年1月10日から、以前と同じ内容でお届けを再開できます。");
  });

  it("never offers a restart on a date already past: it names the earliest delivery and recalls their date warmly, never as one they missed", () => {
    const r = reminder("2026-10-01", "2026-12-05")!;
    expect(r.restartOn).toBe("2026-12-05");
    expect(r.title).toEqual({ ja: "2026年12月5日からの再開のご案内", en: "Restarting from 5 Dec 2026" });
    expect(r.description).toEqual({
      ja: "2026年10月1日ごろの再開をお考えと伺っておりました。2026年12月5日から、以前と同じ内容でお届けを再開できます。",
      en: "You mentioned you might restart around 1 Oct 2026. Your deliveries can restart as before from 5 Dec 2026.",
    });
    // Not a reproach (「…を過ぎました」, "has passed"), and through the phrase lint like all copy.
    for (const text of [r.description.ja, r.description.en, r.message.ja, r.message.en]) {
      expect(text).not.toMatch(/過ぎ|passed/);
      expect(lintCopy(text)).toEqual([]);
    }
  });

  it("is written again when its restart date moves (a list read days later)", () => {
    const decided = reminder("2026-12-03", "2026-12-03")!;
    const later = rerenderComeback(decided, undefined, sub, { restartOn: "2026-12-08", today: "2026-12-03", settings })!;
    expect(later.restartOn).toBe("2026-12-08");
    expect(later.title.ja).toBe("2026年12月8日からの再開のご案内");
    expect(later.description.ja).toContain("2026年12月3日ごろの再開をお考えと伺っておりました");
    expect(later.message.ja).not.toContain("2026年12月3日から");
  });
});

describe("the comeback copy a customer who has left reads, per reason", () => {
  const offer = (reason: string | null, catalogue = DEFAULT_CATALOGUE, returnOn: string | null = null, restartOn = "2026-12-05") =>
    comebackOffer(
      { sub: { ...sub, quantity: 2 }, consecutiveSkips: 0, catalogue, stats: new OutcomeTable(), riskBand: null, stockOnHand: null, acceptedSaves: [], settings },
      { reason, returnOn, restartOn, now: "2026-12-01T03:00:00.000Z" },
    )!;
  const only = (type: string) => DEFAULT_CATALOGUE.filter((o) => o.type === type);

  /**
   * What every comeback must be: an invitation to restart, its offer saying nothing about cancelling
   * or what they pay now (the cancel flow's words), lint-clean, title apart from the body; the
   * message then states the terms of the 定期 it restarts, how it is cancelled again included.
   */
  function expectComebackCopy(o: ReturnType<typeof offer>) {
    for (const text of [o.title.ja, o.description.ja]) expect(text).not.toMatch(/解約|お支払い|現在|変わりません/);
    for (const text of [o.title.en, o.description.en]) expect(text).not.toMatch(/cancel|you pay|your price|payment|stay the same/i);
    for (const text of [o.title.ja, o.description.ja, o.message.ja, o.title.en, o.description.en, o.message.en]) expect(lintCopy(text)).toEqual([]);
    // A description with a list (usage tips) is set off by line breaks.
    const [ja, en] = o.description.ja.includes("\n") ? ["\n", "\n"] : ["", " "];
    const terms = /^再開後は定期コースとして.+ごとにお届けし、(割引の回を除き、)?1回あたり[\d,]+円（税込）です。お届けは解約のお申し出まで続きます。(回数のお約束はなく、いつでも解約できます。)?お届け予定日の3日前までに解約をお申し出いただくと、そのお届けから停止します。再開をご希望の際は、いつでもお手続きいただけます。$/;
    const intro = `青汁のお届け再開のご案内です。${ja}${o.description.ja}${ja}`;
    expect(o.message.ja.startsWith(intro)).toBe(true);
    expect(o.message.ja.slice(intro.length)).toMatch(terms);
    expect(o.message.ja.slice(intro.length)).not.toMatch(/お支払い|現在|変わりません/);
    // English copy names no product an English reader cannot read (青汁, with no category: not named).
    const introEn = `A note about restarting your deliveries.${en}${o.description.en}${en}`;
    expect(o.message.en.startsWith(introEn)).toBe(true);
    expect(o.message.en.slice(introEn.length)).toMatch(
      /^Once restarted, it is a subscription: a delivery every .+ at ¥[\d,]+ including tax each( \(apart from the discounted deliveries\))?, until you cancel\. (There is no minimum number of deliveries: c|C)ancel at least 3 days before a delivery and that delivery is stopped\. If you would like to restart, you can do so whenever it suits you\.$/,
    );
    expect(o.message.ja).not.toContain("：");
    expect(o.message.en).not.toContain(`${o.title.en}:`);
  }

  it("surplus stock: a longer interval, with its first two dates", () => {
    const o = offer("surplus_stock");
    expect(o.type).toBe("change_interval");
    expect(o.title).toEqual({ ja: "45日ごとのお届けで再開できます", en: "Restart with a delivery every 45 days" });
    expect(o.description.ja).toBe(
      "お届け間隔を以前の30日ごとから45日ごとに延ばして再開できます。お手元に商品が余りにくくなります。1回のお届け内容は以前と同じで、初回は2026年12月5日、その次は2027年1月19日です。",
    );
    expectComebackCopy(o);
  });

  it("surplus stock on a monthly plan: months in words (「1ヶ月ごとから2ヶ月ごと」), not their nominal days", () => {
    const monthly = { ...sub, quantity: 2, intervalDays: 30, intervalMonths: 1, deliveryDay: 5 };
    const o = comebackOffer(
      { sub: monthly, consecutiveSkips: 0, catalogue: DEFAULT_CATALOGUE, stats: new OutcomeTable(), riskBand: null, stockOnHand: null, acceptedSaves: [], settings },
      { reason: "surplus_stock", returnOn: null, restartOn: "2026-12-05", now: "2026-12-01T03:00:00.000Z" },
    )!;
    expect(o.parameters).toMatchObject({ fromIntervalMonths: 1, intervalMonths: 2 });
    expect(o.title).toEqual({ ja: "2ヶ月ごとのお届けで再開できます", en: "Restart with a delivery every 2 months" });
    expect(o.description.ja).toBe(
      "お届け間隔を以前の1ヶ月ごとから2ヶ月ごとに延ばして再開できます。お手元に商品が余りにくくなります。1回のお届け内容は以前と同じで、初回は2026年12月5日、その次は2027年2月5日です。",
    );
    expect(o.description.en).toContain("every 2 months instead of every month, so less builds up");
    expectComebackCopy(o);
    const fewer = comebackOffer(
      { sub: monthly, consecutiveSkips: 0, catalogue: only("change_quantity"), stats: new OutcomeTable(), riskBand: null, stockOnHand: null, acceptedSaves: [], settings },
      { reason: "too_expensive", returnOn: null, restartOn: "2026-12-05", now: "2026-12-01T03:00:00.000Z" },
    )!;
    expect(fewer.description.ja).toContain("1ヶ月ごとのお届けで");
    expect(fewer.description.en).toContain("per delivery every month.");
  });

  it("a monthly plan restarting on another day of the month: the discount's deliveries fall on that day, as the reactivation sets the plan's day", () => {
    const monthly = { ...sub, intervalDays: 30, intervalMonths: 1, deliveryDay: 5 };
    const discount = DEFAULT_CATALOGUE.find((o) => o.type === "discount")!;
    const o = comebackOf(discount, monthly, { restartOn: "2026-12-15", today: "2026-12-01", settings })!;
    expect(o.parameters).toMatchObject({ firstDiscountedOn: "2026-12-15", lastDiscountedOn: "2027-01-15", firstFullPriceOn: "2027-02-15" });
    expect(o.description.ja).toContain("（2026年12月15日から2027年1月15日まで）");
  });

  it("price: a discount on the first deliveries back, with when it ends and the price after", () => {
    const o = offer("too_expensive");
    expect(o.type).toBe("discount");
    expect(o.title).toEqual({ ja: "再開後2回のお届けが20%オフ", en: "20% off your first 2 deliveries back" });
    expect(o.description.ja).toBe(
      "再開後のお届け2回分（2026年12月5日から2027年1月4日まで）が20%オフの6,368円（税込）になります。2027年2月3日のお届けからは通常価格の7,960円（税込）です。この割引に回数のお約束はありません。",
    );
    expectComebackCopy(o);
  });

  it("price: or a smaller size, at its price per delivery", () => {
    const o = offer("too_expensive", only("change_quantity"));
    expect(o.title).toEqual({ ja: "1回1個のお届けで再開できます", en: "Restart with 1 per delivery" });
    expect(o.description.en).toBe("You can restart with 1 per delivery instead of 2, at ¥3,980 including tax per delivery every 30 days. The first delivery would be on 5 Dec 2026.");
    expectComebackCopy(o);
  });

  it("a delivery problem: an apology and a gift with the first delivery back, if they restart (no word of a price that does not exist)", () => {
    const o = offer("delivery_problem");
    expect(o.type).toBe("free_gift");
    expect(o.title.en).toBe("A trial-size sample with your first delivery back, free");
    expect(o.description.ja).toBe("以前はご不便をおかけし、申し訳ありませんでした。再開された場合、はじめてのお届け（2026年12月5日）にお試しサイズのサンプル1点を無料でお付けします。");
    expectComebackCopy(o);
  });

  it("no effect: usage advice, without the cancel flow's way out", () => {
    const o = offer("no_effect");
    expect(o.type).toBe("usage_advice");
    expect(o.title.ja).toBe("青汁の使い方のご案内");
    expect(o.title.en).toBe("Tips on using your product");
    expect(o.description.ja).toMatch(/^よくあるご質問をもとに、青汁の使い方をまとめました。\n・[^\n]+\n・/);
    expect(o.message.ja).toMatch(/まとめました。\n・.*\n再開後は定期コースとして.*再開をご希望の際は/s);
    expectComebackCopy(o);
  });

  it("in English, names the product by its category when its name is in kanji or kana, by its name when English can read it", () => {
    const tips = (product: SubscriptionSnapshot["product"]) =>
      comebackOffer(
        { sub: { ...sub, product }, consecutiveSkips: 0, catalogue: DEFAULT_CATALOGUE, stats: new OutcomeTable(), riskBand: null, stockOnHand: null, acceptedSaves: [], settings },
        { reason: "no_effect", returnOn: null, restartOn: "2026-12-05", now: "2026-12-01T03:00:00.000Z" },
      )!;
    const garlic = tips({ sku: "KUROZU-62", name: "熟成黒酢にんにく 62粒", category: "supplement" });
    expect(garlic.title).toEqual({ ja: "熟成黒酢にんにく 62粒の使い方のご案内", en: "Tips on using your supplement" });
    expect(garlic.message.en).toMatch(/^A note about restarting your supplement deliveries\./);
    expect(tips({ sku: "GT-80", name: "Green Tea 80g", category: "beverage" }).title.en).toBe("Tips on using Green Tea 80g");
  });

  it("no effect: or another product, once the shop names one", () => {
    const swap = only("product_swap").map((o) => ({ ...o, active: true, parameters: { toSku: "AOJIRU-MILD", toName: "まろやか青汁", toUnitPrice: 3480 } }) as typeof o);
    const o = offer("no_effect", swap);
    expect(o.type).toBe("product_swap");
    expect(o.title).toEqual({ ja: "まろやか青汁でお届けを再開できます", en: "Restart with まろやか青汁" });
    expect(o.description.ja).toBe("青汁の代わりに、まろやか青汁でお届けを再開できます。1回あたり6,960円（税込）、30日ごとのお届けで、初回は2026年12月5日です。");
    expectComebackCopy(o);
  });

  it("another brand: a discount to come back to", () => {
    expectComebackCopy(offer("switching_competitor"));
  });

  it("a break with a date named: a reminder that day, in the same voice", () => {
    const o = offer("temporary_break", [], "2027-01-10", "2027-01-10");
    expect(o.kind).toBe("reminder");
    expectComebackCopy(o);
  });

  it("a date named and no reason: a reminder, not the catalogue's first offer", () => {
    expect(offer(null, DEFAULT_CATALOGUE, "2027-01-10", "2027-01-10")).toMatchObject({ kind: "reminder", restartOn: "2027-01-10" });
  });

  it("no reason given: only an offer open to every reason of the shop's list, never one for a reason the customer did not give", () => {
    // The default catalogue's offers each serve some reasons (the 20 % discount: too_expensive only): none comes back.
    expect(offer(null, DEFAULT_CATALOGUE)).toBeNull();
    const discount = DEFAULT_CATALOGUE.find((o) => o.id === "off_discount_20x2")!;
    expect(offerFitsReason(discount, null, CANCELLATION_REASON_CODES)).toBe(false);
    expect(offerFitsReason(discount, "too_expensive", CANCELLATION_REASON_CODES)).toBe(true);
    expect(offerFitsReason(discount, "surplus_stock", CANCELLATION_REASON_CODES)).toBe(false);
    // Opened to every reason, it may: the engine then ranks it for a customer who gave none.
    const open = { ...discount, eligibility: { ...discount.eligibility, reasons: [...CANCELLATION_REASON_CODES] } };
    expect(offerFitsReason(open, null, CANCELLATION_REASON_CODES)).toBe(true);
    expect(offer(null, [discount, open].map((o, i) => ({ ...o, id: `off_${i}` })))).toMatchObject({ kind: "offer", offerId: "off_1", type: "discount" });
    // "Every reason" is the shop's own list: a shop with two reasons opens an offer with those two.
    expect(offerFitsReason({ eligibility: { ...discount.eligibility, reasons: ["too_expensive", "other"] } }, null, ["too_expensive", "other"])).toBe(true);
  });
});

describe("win-back driver labels", () => {
  const label = (code: WinbackDriver["code"], value: number | string | null, lang: "ja" | "en") => localizeWinbackDrivers([{ code, contribution: 1, value }], lang, "JPY")[0]!.label;

  it("say a break once, a named date as a date, and count deliveries and months in English grammar", () => {
    expect(label("reason_break", "temporary_break", "ja")).toBe("一時的な事情での解約（しばらく不要）");
    expect(label("reason_break", "moving", "ja")).toBe("一時的な事情での解約（引っ越し）");
    expect(label("return_date_named", "2026-12-05", "ja")).toBe("再開の目安日を伝えている（2026年12月5日）");
    expect(label("return_date_named", "2026-12-05", "en")).toBe("Named a date to come back (5 Dec 2026)");
    expect(label("tenure", 1, "en")).toBe("1 delivery received");
    expect(label("tenure", 6, "en")).toBe("6 deliveries received");
    expect(label("months_since_cancel", 1, "en")).toBe("About 1 month since cancelling");
  });
});
