import { describe, expect, it } from "vitest";
import { themes } from "../../src/insights/themes";
import { maskHandles } from "../../src/platform/handles";
import { maskPersonalData } from "../../src/platform/phone";
import { seededRng } from "../../src/platform/random";
import { DEMO_COMMENTS } from "../fixtures/cancel-comments";

describe("what leaving customers wrote", () => {
  it("masks contact data and the customer's own name", () => {
    expect(maskPersonalData("新住所は後で連絡します ０９０－１２３４－５６７８ 〒150-0001 hanako.yamada@example.jp https://x.example/a 山田より", ["山田", "花子"])).toBe(
      "新住所は後で連絡します 〔電話番号〕 〔郵便番号〕 〔メール〕 〔URL〕 〔氏名〕より",
    );
  });

  it("masks a postal code without taking the spaces before it (only after a 〒)", () => {
    expect(maskPersonalData("住所は\n\n150-0001 です。〒 150-0001")).toBe("住所は\n\n〔郵便番号〕 です。〔郵便番号〕");
    expect(maskPersonalData(`${"\n".repeat(2000)}150-0001`)).toBe(`${"\n".repeat(2000)}〔郵便番号〕`);
  });

  it("masks an address written straight after a long sentence, and keeps the sentence readable", () => {
    // The local part is at most 64 characters (RFC 5321): the letters before it are prose, not the address.
    const prose = "配送の頻度が多すぎて冷蔵庫に入りきらず毎回余ってしまうので解約を考えています連絡は".repeat(2);
    const masked = maskPersonalData(`${prose}hanako.yamada@example.jp`);
    expect(masked).toMatch(/^配送の頻度が多すぎて.*〔メール〕$/u);
    expect(masked).not.toContain("hanako");
  });

  it("masks every address as a local part of up to 64 characters, an @ and a domain would, however they run together", () => {
    expect(maskPersonalData("a@b.jp+c@d.jp、連絡先:hanako@example.co.jp")).toBe("〔メール〕〔メール〕、連絡先:〔メール〕");
    const reference = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
    const rng = seededRng(5);
    const pieces = ["a", "jp", "あ", "東", "@", ".", "+", "_", "-", " ", "、", "hanako", "example"];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + Math.floor(rng() * 40) }, () => pieces[Math.floor(rng() * pieces.length)]!).join("");
      // An @handle the addresses leave standing is a handle (platform/handles), masked after them.
      expect(maskPersonalData(text), text).toBe(maskHandles(text.replace(reference, "〔メール〕")));
    }
    // Letters run together with an address: the 64 before the @ go with it, the prose before them stays.
    expect(maskPersonalData(`${"東".repeat(1000)}hanako@example.jp`)).toBe(`${"東".repeat(1000 - 58)}〔メール〕`);
  });

  it("masks a number written as the shop's country writes it (a US shop's comment), as the customer sync reads it", () => {
    const comment = "Too pricey. Call me at (415) 555-0132 after 6pm";
    expect(maskPersonalData(comment, [], "US")).toBe("Too pricey. Call me at 〔電話番号〕 after 6pm");
    // A Japanese shop reads no phone number there (it is none of Japan's numbering).
    expect(maskPersonalData(comment)).not.toContain("〔電話番号〕");
  });

  it("masks a number written in kanji numerals and a LINE ID, and keeps counts written in kanji", () => {
    expect(maskPersonalData("二か月に一回で十分です。電話は〇九〇の一二三四の五六七八、LINE ID: tsuzuku_taro へ")).toBe("二か月に一回で十分です。電話は〔電話番号〕、LINE ID: 〔ID〕 へ");
    const t = themes([maskPersonalData("三箱余っています。インスタ @hanako_y"), maskPersonalData("三箱余る。連絡は〇三の一二三四の五六七八")]);
    expect(t.terms.map((x) => x.text)).not.toContain("ID");
    expect(t.terms.flatMap((x) => x.examples).join("")).not.toMatch(/hanako|〇三/u);
  });

  it("masks payment card numbers and street addresses, and leaves places and numbers that identify no one", () => {
    expect(maskPersonalData("高いです。住所 東京都渋谷区神南一丁目2番3号、カード4111111111111111")).toBe("高いです。住所 〔住所〕、カード〔カード番号〕");
    expect(maskPersonalData("カード ４１１１－１１１１－１１１１－１１１１ で払った")).toBe("カード 〔カード番号〕 で払った");
    expect(maskPersonalData("渋谷区神南1-2-3 ハイツ101に住んでいます")).toBe("〔住所〕 ハイツ101に住んでいます");
    expect(maskPersonalData("埼玉県さいたま市浦和区高砂3-15-1 まで")).toBe("〔住所〕 まで");
    expect(maskPersonalData("横浜市中区山下町1番地")).toBe("〔住所〕");
    // No Luhn, no block number: an order number, a prefecture alone, a count.
    for (const kept of ["注文番号 1234567890123 です", "東京都に住んでいます", "市販の薬で十分です", "2-3個余っています", "5丁目の店で買える"]) expect(maskPersonalData(kept)).toBe(kept);
  });

  it("masks anyone's name where it is written as a name, not only the customer's own", () => {
    const masked = (t: string) => maskPersonalData(t, ["佐藤", "一郎"]);
    expect(masked("山田です。電話は090-1234-5678にお願いします")).toBe("〔氏名〕です。電話は〔電話番号〕にお願いします");
    expect(masked("担当の鈴木様には感謝しています")).toBe("担当の〔氏名〕様には感謝しています");
    expect(masked("田中 花子と申します。解約します")).toBe("〔氏名〕と申します。解約します");
    expect(masked("私は高橋です")).toBe("私は〔氏名〕です");
    expect(masked("ヤマダさんの説明がわかりやすかった")).toBe("〔氏名〕さんの説明がわかりやすかった");
    // Roles before an honorific and words that open a sentence as 〜です are left as written.
    for (const kept of ["お客様センターにつながらない", "配達員さんの態度が悪い", "皆様お世話になりました", "奥さんに止められた", "残念です。また使います", "不要です", "値段が高いです。"]) expect(masked(kept)).toBe(kept);
  });

  it("finds recurring words and two-word phrases, counted once per comment, with quotes", () => {
    const t = themes(["在庫が多すぎる", "在庫が多すぎて余る 在庫", "値段が高いと感じる", "送料込みだと値段が高い", "〔電話番号〕 まで連絡ください"]);
    expect(t.terms).toContainEqual({ text: "在庫", count: 2, examples: ["在庫が多すぎる", "在庫が多すぎて余る 在庫"] });
    expect(t.terms).toContainEqual({ text: "値段", count: 2, examples: ["値段が高いと感じる", "送料込みだと値段が高い"] });
    expect(t.phrases.map((p) => p.text)).toContain("値段が高い");
    expect(t.terms.map((x) => x.text)).not.toContain("電話番号");
  });
});

const DEMO = DEMO_COMMENTS;
const MORE = [
  "箱が潰れていた", "肌荒れしてしまったのでやめます", "肌が荒れた", "飲み忘れが多くて溜まる一方です", "カスタマーサポートの対応が悪かった",
  "ボトルの蓋が開けにくい", "価格が上がったので解約します", "配達員の態度が悪い", "賞味期限が短すぎる", "解約の手続きがわかりにくい",
];

describe("themes a merchant can read", () => {
  // Every comment twice, as several customers write the same.
  const t = themes([...DEMO, ...MORE, ...DEMO, ...MORE], 100);
  const phrases = t.phrases.map((p) => p.text);
  const terms = t.terms.map((p) => p.text);

  it("phrases are whole words: a noun with its particle and the whole next word, or nouns written together", () => {
    for (const p of ["時間が合わない", "箱が潰れていた", "箱が潰れて", "苦手で続かなかった", "味が苦手", "値段が高い", "在庫がたまってしまう", "効果を実感できなかった", "配達の時間", "毎月の支払い", "定期便", "生活リズム", "海外出張", "電話がつながらない", "価格が上がった", "カスタマーサポートの対応"]) {
      expect(phrases).toContain(p);
    }
    for (const w of ["在庫", "値段", "肌荒れ", "飲み忘れ", "カスタマーサポート", "高い", "支払い", "見直し"]) expect(terms).toContain(w);
  });

  it("no fragment: no verb cut from its ending, no phrase across a sentence end, no counter glued to a word", () => {
    for (const f of ["時間が合", "箱が潰", "苦手で続", "袋残", "変わります新", "月不在", "住所は後で", "カス"]) {
      expect(phrases).not.toContain(f);
      expect(terms).not.toContain(f);
    }
    // A phrase ending in a kanji is a noun; these are stems that need their okurigana (合う, 潰れる, 続く, 残る, 変わる, 使う, 荒れる, 忘れる).
    for (const x of [...phrases, ...terms]) expect(x).not.toMatch(/[合潰続残変使荒忘届]$/u);
    for (const x of [...phrases, ...terms]) expect(x).not.toMatch(/[。、\s]/u);
    expect(terms).not.toContain("止め");
    expect(terms).not.toContain("変わり");
  });

  it("example quotes are distinct, and a theme shows quotes no theme above it shows where its comments allow", () => {
    const all = [...t.terms, ...t.phrases];
    for (const x of all) expect(new Set(x.examples).size).toBe(x.examples.length);
    const again = themes(["在庫がたまってしまう", " 在庫がたまってしまう", "在庫がたまってしまう ", "在庫が余る"]);
    expect(again.terms).toContainEqual({ text: "在庫", count: 4, examples: ["在庫がたまってしまう", "在庫が余る"] });
    const price = themes(["値段が高いと感じる", "送料込みだと値段が高い", "値段が高い", "毎月の値段が高い"]);
    // 値段 and 高い are in the same four comments: between them they quote all four.
    expect(price.terms.slice(0, 2).map((x) => [x.text, x.count])).toEqual([["値段", 4], ["高い", 4]]);
    expect(new Set(price.terms.slice(0, 2).flatMap((x) => x.examples)).size).toBe(4);
  });
});
