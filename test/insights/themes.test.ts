import { describe, expect, it } from "vitest";
import { themes } from "../../src/insights/themes";
import { maskPersonalData } from "../../src/platform/phone";

describe("what leaving customers wrote", () => {
  it("masks contact data and the customer's own name", () => {
    expect(maskPersonalData("新住所は後で連絡します ０９０－１２３４－５６７８ 〒150-0001 hanako.yamada@example.jp https://x.example/a 山田より", ["山田", "花子"])).toBe(
      "新住所は後で連絡します 〔電話番号〕 〔郵便番号〕 〔メール〕 〔URL〕 〔氏名〕より",
    );
  });

  it("finds recurring words and two-word phrases, counted once per comment, with quotes", () => {
    const t = themes(["在庫が多すぎる", "在庫が多すぎて余る 在庫", "値段が高いと感じる", "送料込みだと値段が高い", "〔電話番号〕 まで連絡ください"]);
    expect(t.terms).toContainEqual({ text: "在庫", count: 2, examples: ["在庫が多すぎる", "在庫が多すぎて余る 在庫"] });
    expect(t.terms).toContainEqual({ text: "値段", count: 2, examples: ["値段が高いと感じる", "送料込みだと値段が高い"] });
    expect(t.phrases.map((p) => p.text)).toContain("値段が高い");
    expect(t.terms.map((x) => x.text)).not.toContain("電話番号");
  });
});
