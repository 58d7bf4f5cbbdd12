import { describe, expect, it } from "vitest";
import { foldAddress, kanjiNumber, normalizePostalCode } from "../../src/platform/address";

describe("postal codes", () => {
  it("accept every way a customer writes seven digits", () => {
    for (const v of ["150-0041", "1500041", "〒150-0041", "１５０－００４１", "150 0041"]) expect(normalizePostalCode(v), v).toBe("1500041");
    for (const v of ["150-004", "15000411", "abc-defg", ""]) expect(normalizePostalCode(v), v).toBeNull();
  });
});

describe("kanji numerals", () => {
  it("read both positional and 十/百/千 forms", () => {
    expect(kanjiNumber("一")).toBe(1);
    expect(kanjiNumber("十")).toBe(10);
    expect(kanjiNumber("十二")).toBe(12);
    expect(kanjiNumber("二十三")).toBe(23);
    expect(kanjiNumber("百五")).toBe(105);
    expect(kanjiNumber("千二百三十四")).toBe(1234);
    expect(kanjiNumber("一〇二")).toBe(102);
    expect(kanjiNumber("二三十")).toBeNull();
  });
});

describe("address lines folded for matching", () => {
  const same = (...lines: string[]) => {
    const keys = lines.map(foldAddress);
    for (const k of keys) expect(k, JSON.stringify(lines)).toBe(keys[0]);
    return keys[0];
  };

  it("agree across 丁目/番/号, hyphens, widths and kanji numerals, with or without the prefecture and building", () => {
    const key = same(
      "東京都渋谷区神南1-2-3",
      "渋谷区神南１－２－３",
      "東京都渋谷区神南一丁目二番三号",
      "渋谷区神南1丁目2番地3 サンハイツ101号室",
      "渋谷区 神南 1ー2ー3 サンハイツ 101",
      "渋谷区神南1の2の3",
    );
    expect(key).toBe("渋谷区神南1-2-3");
    same("千代田区霞が関3-1-1", "千代田区霞ヶ関三丁目1番1号", "千代田区霞ケ関３－１－１");
    expect(foldAddress("大阪府大阪市北区梅田二十三番地")).toBe("大阪市北区梅田23");
  });

  it("keeps the numerals of place names and tells different houses apart", () => {
    expect(foldAddress("東京都八王子市元本郷町一丁目9番9号")).toBe("八王子市元本郷町1-9-9");
    expect(foldAddress("三重県四日市市諏訪町1-5")).toBe("四日市市諏訪町1-5");
    expect(foldAddress("東京都千代田区九段南1-2-1")).toBe("千代田区九段南1-2-1");
    expect(foldAddress("北海道札幌市中央区北1条西2丁目3-4")).toBe("札幌市中央区北1条西2-3-4");
    expect(foldAddress("渋谷区神南1-2-3")).not.toBe(foldAddress("渋谷区神南1-2-4"));
    expect(foldAddress("渋谷区神南1-2-3")).not.toBe(foldAddress("渋谷区神南1-23"));
    expect(foldAddress("   ")).toBeNull();
  });
});
