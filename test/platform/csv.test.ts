import { parse } from "csv-parse/sync";
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

  it("a cell with a bare line break is quoted, so a spreadsheet keeps it in its cell: no new row starts with a formula", () => {
    for (const label of ["商品が余っている\n=cmd|' /C calc'!A0", "商品が余っている\r=cmd|' /C calc'!A0", "商品が余っている\r\n=cmd|' /C calc'!A0"]) {
      const text = csvText([{ key: "surplus_stock", name: label, started: 3 }]);
      // Read as a spreadsheet (and Python's csv) reads it: any unquoted CR or LF ends the row.
      const rows = parse(text, { bom: true, record_delimiter: ["\r\n", "\n", "\r"], relax_column_count: true }) as string[][];
      expect(rows, JSON.stringify(label)).toEqual([["key", "name", "started"], ["surplus_stock", label, "3"]]);
      expect(rows.every((r) => !/^[=+\-@]/.test(r[0]!)), JSON.stringify(label)).toBe(true);
    }
  });

  it("nested objects flatten to dotted names; lists are left to rows of their own", () => {
    expect(flatRow({ a: 1, durableSaves: { judged: 3, lost: 1 }, groups: [{ k: 1 }], n: null })).toEqual({ a: 1, "durableSaves.judged": 3, "durableSaves.lost": 1, n: null });
  });
});
