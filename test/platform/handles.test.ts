import { describe, expect, it } from "vitest";
import { maskPersonalData } from "../../src/platform/phone";

describe("contact handles in a comment (insights' masking)", () => {
  it("masks a LINE ID or an account written after its service's name as 〔ID〕, the label kept", () => {
    expect(maskPersonalData("LINE ID: tsuzuku_taro です")).toBe("LINE ID: 〔ID〕 です");
    expect(maskPersonalData("ラインID abc.123 に送ってください。")).toBe("ラインID 〔ID〕 に送ってください。");
    expect(maskPersonalData("LINEのIDは @abc です")).toBe("LINEのIDは 〔ID〕 です");
    expect(maskPersonalData("インスタ @xxx で見ました")).toBe("インスタ 〔ID〕 で見ました");
    expect(maskPersonalData("ＬＩＮＥ　ＩＤ：ｔａｒｏ＿０１")).toBe("LINE ID:〔ID〕");
    expect(maskPersonalData("XのアカウントはHanako_Y")).toBe("Xのアカウントは〔ID〕");
    expect(maskPersonalData("Instagram: hanako.yamada.")).toBe("Instagram: 〔ID〕.");
  });

  it("masks an @handle of 4 or more characters standing alone, not an e-mail address's @", () => {
    expect(maskPersonalData("連絡は @hanako_y まで。")).toBe("連絡は 〔ID〕 まで。");
    expect(maskPersonalData("@tsuzuku.taro.")).toBe("〔ID〕.");
    expect(maskPersonalData("hanako@example.jp に")).toBe("〔メール〕 に");
  });

  it("leaves a service named in prose, a short or numeric @, and words that only look like a label", () => {
    for (const kept of ["LINEで連絡ください", "LINE 2通来ました", "インスタで見て購入しました", "@abc", "単価@1000円", "Xbox: abc", "03-1234-5678 x123はつながらない"]) {
      expect(maskPersonalData(kept).includes("〔ID〕"), kept).toBe(false);
    }
  });
});
