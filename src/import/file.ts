import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";

export type ExportFile = {
  encoding: "utf-8" | "shift_jis";
  headers: string[];
  /** Data records in file order; `line` is the file line the record starts on (the header is line 1). */
  records: { line: number; cells: string[] }[];
};

/**
 * Reads a cart system's CSV export: UTF-8 with or without a BOM, or Shift_JIS (Windows code page
 * 932, what Excel and most Japanese cart systems write). Bytes that are not valid UTF-8 are read
 * as CP932. Quoted fields may hold commas and line breaks (csv-parse, RFC 4180).
 */
export function readExport(bytes: Uint8Array): ExportFile {
  let text: string;
  let encoding: ExportFile["encoding"] = "utf-8";
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    text = iconv.decode(Buffer.from(bytes), "cp932");
    encoding = "shift_jis";
  }
  const rows = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const [header, ...data] = rows;
  if (!header) return { encoding, headers: [], records: [] };
  // info.lines is the line the record ENDS on; a record spanning lines starts earlier.
  let previousEnd = header.info.lines;
  const records = data.map(({ record, info }) => {
    const line = previousEnd + 1;
    previousEnd = info.lines;
    return { line, cells: record };
  });
  return { encoding, headers: header.record, records };
}
