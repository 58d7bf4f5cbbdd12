import type { StockEstimate } from "../../src/risk/stock";
import { describe, expect, it } from "vitest";
import { CANCELLATION_REASON_CODES, DEFAULT_CANCELLATION_REASONS, type CancellationReasonCode } from "../../src/cancel-flows/reasons";
import { seededRng } from "../../src/offers/bandit";
import { CHANNELS, DEFAULT_CATALOGUE, type OfferType } from "../../src/offers/catalogue";
import { lintCopy } from "../../src/offers/lint";
import { personaliseAll } from "../../src/offers/personalise";
import { suggestOffers } from "../../src/offers/suggest";
import { buildTalkTrack, talkTrackTexts } from "../../src/offers/talk-track";
import { spokenPrices } from "../../src/platform/numbers";
import { NOW, sub, TODAY } from "./fixtures";

/** What good operators lead with, per reason. */
const FITTING: Record<CancellationReasonCode, OfferType[]> = {
  surplus_stock: ["change_interval", "skip", "change_quantity"],
  too_expensive: ["change_quantity", "discount"],
  no_effect: ["usage_advice", "product_swap"],
  switching_competitor: ["discount"],
  temporary_break: ["pause", "skip"],
  moving: ["skip"],
  health_or_life_change: ["pause", "skip"],
  delivery_problem: ["skip", "free_gift"],
  dissatisfied_service: ["free_gift"],
  other: ["pause", "skip"],
};

const SUBS = [sub(), sub({ quantity: 2 }), sub({ quantity: 3, intervalDays: 45, unitPrice: { amount: 2980, currency: "JPY" } }), sub({ nextDeliveryOn: "2026-06-02" })];

/** `boxes` left over, built up over one 30-day interval (1 box a delivery). */
const LEFT_OVER = (boxes: number): StockEstimate => ({ unitsOnHand: boxes, perDay: 1 / (30 * (1 + boxes)), basis: "history", daysOnHand: boxes * 30 * (1 + boxes) });

describe("offer suggestion", () => {
  it("each reason gets fitting offers first", () => {
    for (const reason of CANCELLATION_REASON_CODES) {
      for (const s of SUBS) {
        for (const stockOnHand of [null, LEFT_OVER(1)]) {
          const ranked = suggestOffers(DEFAULT_CATALOGUE, s, { reason, channel: "operator", now: NOW, today: TODAY, stockOnHand });
          for (const o of ranked) expect(FITTING[reason], `${reason}: ${o.offerId}`).toContain(o.type);
        }
      }
    }
    const top = (reason: CancellationReasonCode, s = sub(), stockOnHand: StockEstimate | null = null) =>
      suggestOffers(DEFAULT_CATALOGUE, s, { reason, channel: "web", now: NOW, today: TODAY, stockOnHand })[0]?.offerId;
    expect(top("surplus_stock")).toBe("off_match_interval");
    expect(top("too_expensive")).toBe("off_discount_20x2");
    expect(top("no_effect")).toBe("off_usage_advice");
    expect(top("switching_competitor")).toBe("off_discount_15x3");
    expect(top("temporary_break")).toBe("off_pause");
    expect(top("moving")).toBe("off_move_delivery");
    expect(top("health_or_life_change")).toBe("off_pause");
    expect(top("delivery_problem")).toBe("off_move_delivery");
    expect(top("dissatisfied_service")).toBe("off_apology_gift");
  });

  it("usage tips: a list a line each in the copy; said as sentences, without bullets, in the talk track", () => {
    const [o] = suggestOffers(DEFAULT_CATALOGUE, sub(), { reason: "no_effect", channel: "operator", now: NOW, today: TODAY, limit: 1 });
    expect(o!.offerId).toBe("off_usage_advice");
    const lines = o!.description.ja.split("\n");
    expect(lines[0]).toMatch(/ご案内します。$/);
    expect(lines.slice(1, -1).every((l) => l.startsWith("・"))).toBe(true);
    expect(lines.at(-1)).toMatch(/^ご案内をご覧になったうえで/);
    expect(o!.description.en.split("\n").slice(1, -1).every((l) => l.startsWith("• "))).toBe(true);
    expect(o!.title.ja).not.toContain("\n");
    for (const lang of ["ja", "en"] as const) {
      const pitch = o!.talkTrack![lang].pitch;
      expect(pitch).not.toMatch(/[・•\n]/);
    }
    expect(o!.talkTrack!.ja.pitch).toContain("ご案内します。パッケージに記載の目安量と使い方をあらためてご確認ください。毎日同じタイミング");
    expect(o!.talkTrack!.en.pitch).toContain("tips from common questions. Check the recommended amount");
  });

  it("usage advice on the phone: the tips, then an invitation to try them — not the screen's copy, no 'our desk will help', cancelling offered once", () => {
    const [o] = suggestOffers(DEFAULT_CATALOGUE, sub(), { reason: "no_effect", channel: "operator", now: NOW, today: TODAY, limit: 1 });
    const ja = o!.talkTrack!.ja;
    expect(ja.pitch).toBe(
      "よくあるご質問をもとに、使い方をご案内します。パッケージに記載の目安量と使い方をあらためてご確認ください。毎日同じタイミング（朝食後など）に決めておくと、習慣にしやすくなります。" +
        "この使い方で、もうしばらくお続けになってみませんか？もちろん、このまま解約のお手続きを進めることもできます。",
    );
    expect(ja.pitch).not.toMatch(/窓口|ご覧|このお電話でお手続き/u);
    expect(ja.pitch.match(/解約/gu)).toHaveLength(1);
    // Nothing on the plan changes: no "the plan as it now stands" to read back.
    expect(ja.ifAccepted).toBe("ありがとうございます。ご契約は今のまま続きます。使い方でご不明な点があれば、いつでもお問い合わせください。");
    expect(o!.talkTrack!.en.pitch).not.toMatch(/customer desk|set that up/iu);
    expect(o!.talkTrack!.en.pitch.match(/cancel/giu)).toHaveLength(1);
    // The screen's copy is unchanged: the customer on the my-page still reads every tip.
    expect(o!.description.ja).toContain("お客様窓口");
    // A shop's own tips that send the caller elsewhere, in the other ways shops write it, are left out too.
    const shopTips = [
      { ja: "朝食後に1包を水に溶かしてください。", en: "Stir one sachet into water after breakfast." },
      { ja: "ご不明な点はカスタマーサポートまでお問い合わせください。", en: "Contact us with any questions." },
      { ja: "使い方はコールセンターでもご案内しています。", en: "Our call centre can also explain." },
    ];
    const own = buildTalkTrack({ ...o!, parameters: { type: "usage_advice", tips: shopTips } } as typeof o & object, "no_effect");
    expect(own.ja.pitch).toBe("よくあるご質問をもとに、使い方をご案内します。朝食後に1包を水に溶かしてください。この使い方で、もうしばらくお続けになってみませんか？もちろん、このまま解約のお手続きを進めることもできます。");
    expect(own.en.pitch).not.toMatch(/contact us|call centre/iu);
  });

  it("a skip the recorded stock does not last through: the pitch claims no fit, and the agent is told to ask first, with the dates", () => {
    const skip = DEFAULT_CATALOGUE.filter((x) => x.type === "skip" && x.parameters.mode === "skip");
    const told = (stock: StockEstimate) => {
      const [o] = suggestOffers(skip, sub(), { reason: "surplus_stock", channel: "operator", now: NOW, today: TODAY, stockOnHand: stock });
      expect(o!.parameters).toMatchObject({ type: "skip", skippedDeliveryOn: "2026-06-11", newNextDeliveryOn: "2026-07-11" });
      return o!.talkTrack!;
    };
    // 4 sachets at 1 a day (the trial's customer): out on 6/5, the next delivery after the skip is 7/11.
    const short = told({ unitsOnHand: 4, perDay: 1, basis: "history", daysOnHand: 4 });
    expect(short.ja.pitch).not.toContain("お手元の量");
    expect(short.ja.notes[0]).toBe(
      "記録では、お手元はあと約4個、4日分ほどです。2026年6月11日のお届けをスキップすると、2026年6月5日ごろから2026年7月11日のお届けまで商品が切れます。スキップをご案内する前に、今お手元にある量を伺ってください。",
    );
    expect(short.en.notes[0]).toMatch(/^Our records say the customer has .*Skipping the delivery on 11 Jun 2026 would leave them without from about 5 Jun 2026 until the delivery on 11 Jul 2026\. Ask how much they have now/u);
    for (const line of [short.ja.notes[0]!, short.en.notes[0]!, short.ja.pitch, short.en.pitch]) expect(lintCopy(line), line).toEqual([]);
    // Stock for two months: the skip fits it, and the pitch says so.
    const ample = told(LEFT_OVER(2));
    expect(ample.ja.pitch).toMatch(/^お手元の量（/u);
    expect(ample.ja.notes.join("")).not.toContain("商品が切れます");
  });

  it("falls back to what can still be honoured (quantity 1 → no 'fewer units'; locked delivery → no skip)", () => {
    const types = (reason: CancellationReasonCode, s = sub()) => suggestOffers(DEFAULT_CATALOGUE, s, { reason, channel: "web", now: NOW, today: TODAY }).map((o) => o.offerId);
    expect(types("too_expensive", sub({ quantity: 1 }))).toEqual(["off_discount_20x2"]);
    expect(types("too_expensive", sub({ quantity: 2 }))).toEqual(["off_discount_20x2", "off_quantity_down"]);
    expect(types("temporary_break", sub({ nextDeliveryOn: "2026-06-02" }))).toEqual([]);
    expect(types("surplus_stock", sub({ nextDeliveryOn: "2026-06-02" }))).toEqual(["off_match_interval"]);
  });

  it("reports the posterior mean and adds a talk track for operators only", () => {
    const [web] = suggestOffers(DEFAULT_CATALOGUE, sub(), { reason: "surplus_stock", channel: "web", now: NOW, today: TODAY, limit: 1 });
    expect(web).toMatchObject({ offerId: "off_match_interval", expectedSaveProbability: 0.4, talkTrack: null });
    const [op] = suggestOffers(DEFAULT_CATALOGUE, sub(), { reason: "surplus_stock", channel: "operator", now: NOW, today: TODAY, limit: 1 });
    expect(op!.talkTrack!.ja.questions).toContain("今お手元に何個ほど残っていますか？");
    // The description as a voice says it: the price's basis before the number (「税込3,980円」).
    expect(op!.talkTrack!.ja.pitch).toContain(spokenPrices(op!.description.ja, "ja"));
    expect(op!.talkTrack!.ja.pitch).toContain("税込3,980円のままです");
    expect(op!.talkTrack!.ja.ifDeclined).toBe("承知しました。それでは解約のお手続きを進めます。");
    expect(op!.talkTrack!.en.notes.join(" ")).toMatch(/recalculated/);
  });

  it("asks about the surplus in the product's own unit, written once (袋, 包, 粒, 本, 個)", () => {
    const [offer] = suggestOffers(DEFAULT_CATALOGUE, sub(), { reason: "surplus_stock", channel: "web", now: NOW, today: TODAY, limit: 1 });
    const asked = (unitLabel: string | null, unitsPerPackage: number | null) => buildTalkTrack(offer!, "surplus_stock", { stock: null, unitLabel, unitsPerPackage });
    // Many to a package: how many are left, and how many a day.
    expect(asked("包", 30).ja.questions).toEqual(["今お手元に何包ほど残っていますか？", "1日に何包ほどお使いですか？"]);
    expect(asked("包", 30).en.questions).toEqual(["How many sachets do you have left right now?", "About how many sachets do you use a day?"]);
    expect(asked("粒", 60).ja.questions).toEqual(["今お手元に何粒ほど残っていますか？", "1日に何粒ほどお使いですか？"]);
    expect(asked("粒", 60).en.questions[1]).toBe("About how many tablets do you use a day?");
    expect(asked("本", 10).ja.questions).toEqual(["今お手元に何本ほど残っていますか？", "1日に何本ほどお使いですか？"]);
    // The package is the unit: how long one lasts.
    expect(asked("袋", null).ja.questions).toEqual(["今お手元に何袋ほど残っていますか？", "1袋をだいたい何日くらいで使い切っていますか？"]);
    expect(asked("袋", null).en.questions).toEqual(["How many bags do you have left right now?", "Roughly how many days does one bag last you?"]);
    expect(asked("本", 1).ja.questions[1]).toBe("1本をだいたい何日くらいで使い切っていますか？");
    expect(asked("個", null).ja.questions).toEqual(["今お手元に何個ほど残っていますか？", "1個をだいたい何日くらいで使い切っていますか？"]);
    expect(asked(null, null).ja.questions).toEqual(["今お手元に何個ほど残っていますか？", "1個をだいたい何日くらいで使い切っていますか？"]);
    expect(asked(null, null).en.questions).toEqual(["How many packs do you have left right now?", "Roughly how many days does one pack last you?"]);
    for (const [label, pack] of [["袋", null], ["包", 30], ["粒", 60], ["本", 10], ["個", null], [null, null]] as const) {
      for (const q of [...asked(label, pack).ja.questions, ...asked(label, pack).en.questions]) {
        expect(q).not.toMatch(/（/u); // one unit, not 「1袋（1個）」
        expect(lintCopy(q), q).toEqual([]);
      }
    }
    // With a known stock the agent confirms it, in the same unit, and asks the pace in it.
    const known = buildTalkTrack(offer!, "surplus_stock", { stock: LEFT_OVER(20), unitLabel: "粒", unitsPerPackage: 60 });
    expect(known.ja.questions).toEqual([expect.stringMatching(/^記録では、お手元にあと約20粒、/u), "1日に何粒ほどお使いですか？"]);
  });

  it("suggests skipping the next delivery to use up the stock only while it can be skipped (not inside the cut-off, not while paused)", () => {
    const said = (nextDeliveryOn: string, status: "active" | "paused" = "active") => {
      const [o] = suggestOffers(DEFAULT_CATALOGUE.filter((x) => x.id === "off_match_interval"), sub({ nextDeliveryOn, status }), { reason: "surplus_stock", channel: "operator", now: NOW, today: TODAY, stockOnHand: LEFT_OVER(3) });
      expect(o!.parameters).toMatchObject({ type: "change_interval", nextDeliveryOn });
      return o!.talkTrack!;
    };
    expect(said("2026-06-11").ja.pitch).toContain("次回のお届けをスキップして使い切ることもできます");
    expect(said("2026-06-11").en.pitch).toContain("skip the next delivery");
    // 6/3 is inside the 3-day cut-off: it ships, so its skip is not offered.
    expect(said("2026-06-03").ja.pitch).not.toContain("スキップ");
    expect(said("2026-06-03").en.pitch).not.toContain("skip");
    // A paused plan has no delivery to skip until it resumes (the console says so beside the offer).
    expect(said("2026-06-11", "paused").ja.pitch).not.toContain("スキップ");
  });

  it("Thompson mode is reproducible with a seed", () => {
    const run = () =>
      Array.from({ length: 20 }, (_, i) => suggestOffers(DEFAULT_CATALOGUE, sub(), { reason: "other", channel: "web", now: NOW, today: TODAY, mode: "thompson", rng: seededRng(i) })[0]!.offerId);
    expect(run()).toEqual(run());
    expect(new Set(run()).size).toBe(2);
  });

  it("every default offer copy and talk track passes the lint, in both languages", () => {
    const swap = { ...DEFAULT_CATALOGUE.find((o) => o.id === "off_product_swap")!, active: true, parameters: { toSku: "ALT", toName: "抹茶青汁", toUnitPrice: 3480 } };
    const catalogue = [...DEFAULT_CATALOGUE.filter((o) => o.id !== "off_product_swap"), swap] as typeof DEFAULT_CATALOGUE;
    let checked = 0;
    for (const s of SUBS) {
      for (const stockOnHand of [null, LEFT_OVER(2)]) {
        for (const o of personaliseAll(catalogue, s, { today: TODAY, stockOnHand })) {
          for (const reason of CANCELLATION_REASON_CODES) {
            const track = buildTalkTrack(o, reason);
            for (const text of [o.title.ja, o.title.en, o.description.ja, o.description.en, ...talkTrackTexts(track.ja), ...talkTrackTexts(track.en)]) {
              expect(lintCopy(text), `${o.offerId}/${reason}: ${text}`).toEqual([]);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("no talk track, offer copy or reason hint promises what Tsuzuku never does (a confirmation or notice sent, an address changed)", () => {
    const promises = /お送りします|お送りいたします|メールでお知らせ|事前にお知らせ|確認のご案内|お届け先の変更|receive a confirmation|send you|e-?mail you|notify you|delivery address/i;
    for (const o of DEFAULT_CATALOGUE) for (const text of [o.copy.title.ja, o.copy.title.en, o.copy.description.ja, o.copy.description.en]) expect(text, o.id).not.toMatch(promises);
    for (const r of DEFAULT_CANCELLATION_REASONS) for (const text of [r.followUpHint.ja, r.followUpHint.en]) expect(text, r.code).not.toMatch(promises);
    for (const s of SUBS) {
      for (const o of personaliseAll(DEFAULT_CATALOGUE, s, { today: TODAY, stockOnHand: null })) {
        for (const reason of CANCELLATION_REASON_CODES) {
          const track = buildTalkTrack(o, reason);
          for (const text of [...talkTrackTexts(track.ja), ...talkTrackTexts(track.en)]) expect(text, `${o.offerId}/${reason}`).not.toMatch(promises);
        }
      }
    }
  });

  it("every channel is known to the catalogue", () => {
    for (const o of DEFAULT_CATALOGUE) for (const c of o.eligibility.channels) expect(CHANNELS).toContain(c);
  });
});
