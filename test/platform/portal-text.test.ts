import { describe, expect, it } from "vitest";
import { lintCopy } from "../../src/offers/lint";
import { fillIn, PORTAL_TEXT, say } from "../../src/platform/localized-text";
import { tf } from "../../src/console/strings";

describe("the portal's own copy", () => {
  // The portal's words sit beside the shop's offers and survey wording, which must pass the phrase
  // lint (no pressure, no shaming): the keep-in-touch yes/no and the line on choosing neither too.
  it("passes the phrase lint the shop's offer and survey copy passes, in both languages", () => {
    const findings = Object.entries(PORTAL_TEXT).flatMap(([key, text]) => (["ja", "en"] as const).flatMap((lang) => lintCopy(text[lang]).map((f) => `${key}.${lang}: ${f.rule} ${f.phrase}`)));
    expect(findings).toEqual([]);
  });
});

describe("the portal's words a customer reads (trial38)", () => {
  it("says the offers step for any number of offers, with cancelling kept as plain as keeping", () => {
    // Was 「こちらもお選びいただけます。どちらでも構いません。」: one offer and a curt shrug, under 「ご提案（2件）」.
    expect(say("offerIntro", "ja")).toBe("解約のほかに、次の方法もお選びいただけます。もちろん、このまま解約の手続きを続けることもできます。");
    expect(say("offerIntro", "en")).toBe("Instead of cancelling, you can also choose one of these. You can also simply continue cancelling.");
  });

  it("writes a monthly plan's short months, the restart's waived fee and a price as a shop writes them", () => {
    expect(say("changedIntervalMonth", "ja", { date: "2027年1月31日(日)", day: 31 })).toBe(
      "お届け間隔を1ヶ月ごとに変更しました。次回のお届けは2027年1月31日(日)で、その後は毎月31日（その日がない月は末日）にお届けします。",
    );
    expect(say("changedIntervalMonths", "ja", { n: 2, date: "2027年1月31日(日)", day: 31 })).toContain("2ヶ月ごとの31日（その日がない月は末日）");
    expect(say("restartFeeWaived", "ja", { amount: "5,000円" })).toBe("解約と同じ日のお手続きのため、解約は取り消しとなり、解約手数料5,000円はかかりません。");
    expect(say("resumeTerms", "ja", { date: "2026年12月7日(月)", price: "3,240円" })).toBe("最初のお届けは2026年12月7日(月)、1回のお届けの価格は3,240円です。");
    expect(say("changedQuantity", "ja", { n: "2個", date: "2026年12月18日(金)", price: "7,960円" })).toBe("数量を2個に変更しました。2026年12月18日(金)のお届けから、1回のお届けの価格は7,960円です。");
    // One word for the quantity (数量), as the card and its form say it.
    expect(say("optionsUnavailable", "ja")).toContain("数量");
    expect(say("optionsUnavailable", "ja")).not.toContain("個数");
  });

  it("spells canceled one way in English, as the card's status does (a US shop's customers read it)", () => {
    const english = Object.values(PORTAL_TEXT).map((t) => t.en).join("\n");
    expect(english).toContain("Canceled");
    expect(english).not.toMatch(/cancelled/);
  });
});

describe("placeholders, filled one way for the portal (say) and the console (tf)", () => {
  it("fills the named ones and leaves a placeholder nobody named as written", () => {
    expect(tf("ja", "sessionEndsSoon", { time: "18:30", n: 5 })).toBe(
      "この画面の接続は18:30に切れます（あと約5分）。入力中のメモは保存してください。切れた後は、新しいコンソールのURLから開き直すと、保存していないメモが戻ります。",
    );
    expect(tf("en", "nameResults", {})).toBe("Customers named “{name}”");
    expect(fillIn("{a}{b}{a}", { a: 1 })).toBe("1{b}1");
  });
});
