import { describe, expect, it } from "vitest";
import { csvText, flatRow } from "../../src/platform/csv";

describe("CSV for a spreadsheet", () => {
  it("a byte-order mark, CRLF, the union of the rows' keys as columns, empty cells for null and missing, quoted where needed", () => {
    const text = csvText([
      { key: "total", started: 2, saveRate: null },
      { key: "理由, その他", started: 1, label: '"佐々木" 美咲' },
    ]);
    expect(text).toBe('\uFEFFkey,started,saveRate,label\r\ntotal,2,,\r\n"理由, その他",1,,"""佐々木"" 美咲"\r\n');
  });

  it("text that a spreadsheet would run as a formula is written as text; numbers stay numbers, negative ones too", () => {
    const text = csvText([{ label: "=HYPERLINK(\"http://evil.example\",\"x\")", other: "+81 90", at: "@SUM(A1)", minus: "-1+1", lift: -0.05 }]);
    const cells = text.split("\r\n")[1]!;
    expect(cells).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")",'+81 90,'@SUM(A1),'-1+1,-0.05`);
  });

  it("nested objects flatten to dotted names; lists are left to rows of their own", () => {
    expect(flatRow({ a: 1, durableSaves: { judged: 3, lost: 1 }, groups: [{ k: 1 }], n: null })).toEqual({ a: 1, "durableSaves.judged": 3, "durableSaves.lost": 1, n: null });
  });
});
