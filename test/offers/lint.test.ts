import { describe, expect, it } from "vitest";
import { lintCopy, normaliseForLint } from "../../src/offers/lint";

const rules = (text: string) => lintCopy(text).map((f) => f.rule);

describe("phrase lint", () => {
  it("catches the textbook 「今やめると逆効果」 and its trivial variations", () => {
    for (const text of [
      "今やめると逆効果です",
      "今、やめると 逆効果になります。",
      "いまやめると逆効果",
      "今止めると逆効果",
      "今やめるとギャクコウカ",
      "ｲﾏﾔﾒﾙﾄ ｷﾞｬｸｺｳｶ",
      "今　や　め　る　と　逆　効　果",
    ]) {
      expect(rules(text), text).toContain("harm_if_stopped");
    }
  });

  it("catches other 'stopping will harm you' lines in ja and en", () => {
    for (const text of [
      "やめると元に戻ってしまいます",
      "いま解約したら、これまでの努力が無駄になります",
      "やめるとリバウンドします",
      "ﾘﾊﾞｳﾝﾄﾞの恐れがあります",
      "続けないと意味がありません",
      "Stopping now will undo your progress.",
      "Cancelling could make things worse.",
      "You'll lose all your results.",
      "Quitting is counterproductive.",
      "It's dangerous to stop now.",
    ]) {
      expect(rules(text), text).toContain("harm_if_stopped");
    }
  });

  it("catches health-effect claims", () => {
    for (const text of ["効果が出るまで続けましょう", "必ず効く", "飲むだけで痩せる", "ヤセます", "膝の痛みが治る", "免疫力が上がります", "Guaranteed results", "Lose weight without effort", "It cures fatigue", "Clinically proven"]) {
      expect(rules(text), text).toContain("health_claim");
    }
  });

  it("catches confirmshaming labels, also in full-width and with curly apostrophes", () => {
    for (const text of [
      "No thanks, I don't care about my health",
      "ＮＯ ＴＨＡＮＫＳ， Ｉ ＤＯＮ’Ｔ ＣＡＲＥ ＡＢＯＵＴ ＭＹ ＨＥＡＬＴＨ",
      "No, I prefer paying full price",
      "いいえ、健康を諦めます",
      "きれいをあきらめる",
      "損をしてもいいので解約する",
    ]) {
      expect(rules(text), text).toContain("confirmshaming");
    }
  });

  it("rejects pressure urgency always, and deadline wording unless a real end date is stated", () => {
    expect(rules("今だけ20%オフ")).toContain("false_urgency");
    expect(rules("本日限りのご提案です")).toContain("false_urgency");
    expect(rules("Today only: 20% off")).toContain("false_urgency");
    expect(rules("Last chance!")).toContain("false_urgency");
    // even with a date, 「本日限り」-style pressure stays out of retention copy
    expect(rules("本日限り（2026年6月1日まで）")).toContain("false_urgency");

    expect(rules("期間限定20%オフ")).toContain("false_urgency");
    expect(rules("期間限定：2026年8月31日まで20%オフ")).toEqual([]);
    expect(rules("Limited time offer")).toContain("false_urgency");
    expect(rules("Limited time offer, ends 31 Aug 2026")).toEqual([]);
    // in catalogue templates only a computed date placeholder counts as a real end date
    expect(lintCopy("期間限定：2099年12月31日まで", { dateSource: "placeholder" }).map((f) => f.rule)).toContain("false_urgency");
    expect(lintCopy("期間限定：{lastDiscountedOn}まで", { dateSource: "placeholder" })).toEqual([]);
  });

  it("quotes the phrase as written and explains why", () => {
    const [f] = lintCopy("ご案内：今、やめると ギャクコウカです");
    expect(f).toMatchObject({ rule: "harm_if_stopped", phrase: "ギャクコウカ", index: 11 });
    expect(f!.reason.ja).toContain("特定商取引法");
    expect(f!.reason.en).toMatch(/§13-2/);
  });

  it("lets honest retention copy through", () => {
    for (const text of [
      "効果が感じられない",
      "次回のお届けをスキップできます。スキップした回のお支払いはありません。",
      "お届け間隔を30日ごとから60日ごとに変更します。",
      "このまま解約のお手続きを進めることもできます。",
      "No thanks, continue cancelling",
      "There's no hurry — you can cancel at any time.",
      "解約を続ける",
    ]) {
      expect(lintCopy(text), text).toEqual([]);
    }
  });

  it("normalises width, case and kana", () => {
    expect(normaliseForLint("ﾘﾊﾞｳﾝﾄﾞ！ ＡＢＣ")).toBe("りばうんどabc");
    expect(normaliseForLint("Don’t  STOP", "spaced")).toBe("dont stop");
  });
});

describe("phrase lint: fear, sunk cost and judging the choice (fresh-user trial)", () => {
  it("refuses a relapse scare, sunk-cost guilt and 'what a pity you quit'", () => {
    for (const [text, rule] of [
      ["やめると肌荒れが再発するおそれがあります。", "harm_if_stopped"],
      ["解約すると症状がぶり返す心配があります", "harm_if_stopped"],
      ["せっかく続けてきたのにもったいないですよ。", "harm_if_stopped"],
      ["これまでの努力がもったいないです", "harm_if_stopped"],
      ["ここまで続けてこられたのに残念です", "harm_if_stopped"],
      ["途中でやめるなんて残念です。", "confirmshaming"],
      ["解約されるなんて悲しいです", "confirmshaming"],
    ] as const) {
      expect(rules(text), text).toContain(rule);
    }
  });

  it("still lets an honest remedy for stock piling up through", () => {
    for (const text of [
      "お手元に余っていて、もったいないと感じていませんか。お届け間隔を60日ごとにできます。",
      "ご不安な点があれば、いつでもご相談ください。",
      "休止中もいつでも再開できます。",
      "これまでのご愛顧に感謝いたします。",
    ]) {
      expect(lintCopy(text), text).toEqual([]);
    }
  });
});

describe("phrase lint: no false alarms on fair wording", () => {
  it("allows 'right now' in a question and 今すぐ when it is about cancelling", () => {
    expect(lintCopy("How many packs do you have left right now?")).toEqual([]);
    expect(lintCopy("今すぐ解約のお手続きもできます。")).toEqual([]);
    expect(lintCopy("今すぐお申し込みください").map((f) => f.rule)).toContain("false_urgency");
    expect(lintCopy("Decide right now!").map((f) => f.rule)).toContain("false_urgency");
  });
});

describe("phrase lint on readings (issue #14)", () => {
  it("refuses mixed kana/kanji spellings as it refuses the kanji one", () => {
    for (const text of ["今やめると元に戻ります", "今やめると元にもどります", "今やめるともとに戻ります", "今やめるともとにもどります", "やめたらモトニモドリます", "いま止めると元に戻る"]) {
      expect(rules(text), text).toContain("harm_if_stopped");
    }
    for (const text of ["今やめると、せっかくの努力がむだになります", "解約すると体にわるい", "いまだけ半額", "ほんじつかぎり", "さいごのきかいです"]) {
      expect(rules(text).length, text).toBeGreaterThan(0);
    }
  });

  it("quotes the phrase as written", () => {
    const [finding] = lintCopy("今やめると元にもどります。");
    expect(finding).toMatchObject({ rule: "harm_if_stopped", phrase: "やめると元にもど" });
  });

  it("keeps everyday kana words that only sound like a claim: 聞く is not 効く", () => {
    for (const text of ["ご意見をおききします", "大きく変わります", "もとの間隔に戻すこともできます", "お届けを止めることもできます"]) {
      expect(rules(text), text).toEqual([]);
    }
  });
});

describe("phrase lint: loss on stopping and belittled declines in Japanese (partner trial)", () => {
  it("refuses what the English lint already refuses", () => {
    for (const [text, rule] of [
      ["やめると肌がボロボロに戻ってしまいます", "harm_if_stopped"],
      ["今やめたら、お肌がぼろぼろになります", "harm_if_stopped"],
      ["解約すると元の体重にもどっちゃいますよ", "harm_if_stopped"],
      ["やめたら損しますよ", "harm_if_stopped"],
      ["ここで解約するのは損ですよ", "harm_if_stopped"],
      ["いいえ、健康なんてどうでもいいです", "confirmshaming"],
      ["いいえ、きれいなんてどうでもいい", "confirmshaming"],
      ["お得なんていらない", "confirmshaming"],
      ["いいえ、損をしても構いません", "confirmshaming"],
    ] as const) {
      expect(rules(text), text).toContain(rule);
    }
  });

  it("lets fair copy about stopping, pausing and skipping through", () => {
    for (const text of [
      "いつでも解約できます",
      "お休みしても再開できます",
      "使い切れない分はスキップできます",
      "解約後も、いつでも元のプランに戻せます。",
      "休止しても損はありません。いつでも再開できます。",
      "いいえ、結構です",
      "いいえ、解約を続けます",
      "解約しても、これまでのポイントはそのまま使えます。",
    ]) {
      expect(lintCopy(text), text).toEqual([]);
    }
  });
});

describe("phrase lint: cosmetics and health-food efficacy claims (fresh-user trial 25)", () => {
  it("refuses spots and wrinkles that vanish, guaranteed effects, conditions that heal or improve, and a doctor's endorsement", () => {
    for (const text of [
      "毎日使えば必ずシワが消えます。",
      "シミが消えます。",
      "続ければシミが消えます",
      "ほうれい線がなくなります",
      "シミ・そばかすが薄くなる美容液",
      "小ジワがとれる",
      "ニキビが治ります",
      "100%実感できます",
      "確実に肌が白くなります",
      "便秘が解消します",
      "肩こりが改善します",
      "医師も認めた美容液",
      "皮膚科医推奨の処方",
      "Erases wrinkles in 2 weeks",
      "Your dark spots will disappear",
      "Dermatologist recommended",
      "100% effective",
      "Relieves constipation",
    ]) {
      expect(rules(text), text).toContain("health_claim");
    }
  });

  it("lets the 56 permitted cosmetic claims, usage advice and a customer's own negation through", () => {
    for (const text of [
      "乾燥を防ぐ",
      "肌を整える",
      "キメを整える",
      "肌にうるおいを与えます",
      "乾燥による小じわを目立たなくします（効能評価試験済み）",
      "日やけによるシミ・そばかすを防ぐ",
      "小じわが気になる部分に薄く塗り広げてください。",
      "必ずパッケージの使い方をご確認ください。効果の感じ方には個人差があります。",
      "症状がある場合は病院の受診をおすすめします。",
      "シミが消えなかった",
      "お楽しみがなくなるわけではありません",
      "Helps prevent dryness",
    ]) {
      expect(lintCopy(text), text).toEqual([]);
    }
  });
});

describe("phrase lint: copy that contradicts the offer's terms (fresh-user trial 25)", () => {
  const discount = { offer: { discountEnds: true, givesFree: false } };
  const skip = { offer: { discountEnds: false, givesFree: false } };
  const gift = { offer: { discountEnds: false, givesFree: true } };
  const ruled = (text: string, options: Parameters<typeof lintCopy>[1]) => lintCopy(text, options).map((f) => f.rule);

  it("refuses a limited discount written as lasting, and lets one that names its deliveries through", () => {
    for (const text of ["ずっと{discountLabel}", "永久に{discountLabel}", "いつまでも{discountedPrice}", "毎回{discountLabel}でお届け", "{discountLabel} forever", "{discountLabel} on every delivery"]) {
      expect(ruled(text, discount), text).toContain("discount_forever");
    }
    for (const text of [
      "{discountedDeliveries}が{discountLabel}",
      "{discountedDeliveries}は毎回{discountLabel}です。",
      "ずっとご愛用いただいているお客様への割引です。",
      "{firstFullPriceOn}のお届けからは、ずっと通常価格の{priceAfter}です。",
      "いつもの価格から{discountLabel}、{discountedDeliveries}です。",
      "From {firstFullPriceOn}, every delivery is {priceAfter} again.",
    ]) {
      expect(ruled(text, discount), text).toEqual([]);
    }
    // Only a discount has an end in deliveries: a quantity change is 「ずっと」 what it says.
    expect(ruled("ずっと{newQuantity}個・{newPrice}でお届けします", skip)).toEqual([]);
  });

  it("refuses a commitment the offer does not have, and lets 'no commitment' through", () => {
    for (const text of [
      "※割引適用には今後6回の継続が条件です。",
      "3回以上のご継続をお願いします",
      "最低3回のお受け取りが必要です",
      "定期縛りがあります",
      "この期間は解約できません",
      "Requires a minimum commitment of 6 deliveries.",
      "You must stay subscribed for at least 6 months.",
    ]) {
      expect(ruled(text, skip), text).toContain("added_commitment");
    }
    for (const text of ["この割引で継続のお約束が増えることはありません。", "この割引で回数のお約束が増えることはありません。", "回数のお約束はなく、いつでも解約できます。", "定期縛りなし", "縛りはありません", "いつでも解約できます", "解約できなくなることはありません", "違約金はかかりません。", "This discount adds no commitment.", "No early cancellation fee applies.", "You can count on us."]) {
      expect(ruled(text, discount), text).toEqual([]);
    }
    // Outside offer copy (an exit survey may ask about 「縛り」) the rule does not apply.
    expect(lintCopy("定期の縛りが気になった")).toEqual([]);
  });

  it("refuses 'free' on an offer that gives nothing free, not on a gift", () => {
    for (const text of ["次回のお届けを無料でお届け", "タダでお届け", "次回分は0円", "Your next delivery free"]) {
      expect(ruled(text, skip), text).toContain("false_free");
      expect(ruled(text, gift), text).not.toContain("false_free");
    }
    for (const text of ["スキップした回のお支払いはありません。", "1,000円オフ", "Feel free to resume early.", "通話料無料のお客様窓口へどうぞ", "You pay nothing for the skipped delivery."]) {
      expect(ruled(text, skip), text).toEqual([]);
    }
  });
});

describe("phrase lint: a retention marketer's copy on a 10% × 2-deliveries discount (lint56)", () => {
  const tenOff = { dateSource: "placeholder", offer: { discountEnds: true, givesFree: false, discount: { percentOff: 10 } } } as const;
  const ruled = (text: string, options: Parameters<typeof lintCopy>[1] = tenOff) => lintCopy(text, options).map((f) => f.rule);

  it("refuses a discount figure that is not the offer's own, in any width or spelling", () => {
    for (const text of ["半額でお届け", "50%OFFでお届け", "５０％ＯＦＦ", "2割引でお届けします", "二割お得", "20パーセントオフ", "Half price on your next 2 deliveries", "500円引きでお届け"]) {
      expect(ruled(text), text).toContain("discount_misstated");
    }
    // An amount off is no percentage, and the other way round.
    expect(ruled("10%オフ", { offer: { discountEnds: true, givesFree: false, discount: { amountOff: 500 } } })).toContain("discount_misstated");
    expect(ruled("1,000円引き", { offer: { discountEnds: true, givesFree: false, discount: { amountOff: 500 } } })).toContain("discount_misstated");
    expect(lintCopy("ご案内：半額でお届け", tenOff)[0]).toMatchObject({ rule: "discount_misstated", phrase: "半額", index: 4 });
  });

  it("lets the offer's own figure through, however it is written", () => {
    for (const text of ["{discountedDeliveries}が{discountLabel}", "10%OFFでお届け", "１０％オフ", "10 %オフ", "10パーセントオフ", "1割引でお届け", "一割お得", "10% off {discountedDeliveries}"]) {
      expect(ruled(text), text).toEqual([]);
    }
    expect(ruled("500円引きでお届け", { offer: { discountEnds: true, givesFree: false, discount: { amountOff: 500 } } })).toEqual([]);
    // Without the offer's terms (an exit survey, a skip) a figure is no claim about them.
    expect(lintCopy("料金が半額なら続けたい")).toEqual([]);
  });

  it("refuses a limited discount's price written as lasting", () => {
    for (const text of ["ずっとお得な価格でお届けします", "いつまでもこの価格です", "お得な価格がこの先も続きます", "This price is yours forever."]) {
      expect(ruled(text), text).toContain("discount_forever");
    }
    for (const text of ["{firstFullPriceOn}のお届けからは、ずっと通常価格の{priceAfter}です。", "これからもご愛用いただけるよう、お届け間隔も変えられます。"]) {
      expect(ruled(text), text).toEqual([]);
    }
  });

  it("refuses now-or-never and decide-today pressure, and keeps ordinary 今", () => {
    for (const text of ["二度とこの価格ではご案内できません", "今なら特別価格", "今ならお得。", "今日決めていただければ", "本日中にご決断ください"]) {
      expect(rules(text), text).toContain("false_urgency");
    }
    for (const text of ["今のお届けを変更します", "今なら解約のお手続きもすぐにできます", "今日のお届けは変更できません", "二度とこのようなことがないよう、梱包を見直しました。"]) {
      expect(lintCopy(text), text).toEqual([]);
    }
  });

  it("refuses conditions that point elsewhere: the offer shows its own terms", () => {
    for (const text of ["※条件あり。詳しくはサイトをご確認ください。", "※割引は一定の条件を満たした場合に適用されます。", "※別途定める規約が適用されます。", "Conditions apply.", "Subject to our terms."]) {
      expect(ruled(text), text).toContain("hidden_terms");
    }
    expect(ruled("{cycles}回分の割引です。条件はこのとおりで、いつでも解約できます。")).toEqual([]);
    expect(lintCopy("条件ありの割引でしたか？")).toEqual([]); // an exit survey may ask
  });

  it("refuses 体質改善 and its siblings as health claims", () => {
    for (const text of ["続けることで体質が改善していきます", "体質改善をサポート", "免疫力が上がる", "病気が治る", "若返ります"]) {
      expect(rules(text), text).toContain("health_claim");
    }
    expect(lintCopy("体質に合わないと感じたら、お届けを止められます。")).toEqual([]);
  });
});
