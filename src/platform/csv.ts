import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { stringify } from "csv-stringify/sync";

/**
 * CSV for a spreadsheet (RFC 4180 through csv-stringify): a header line, CRLF line ends, fields
 * quoted where they need it, UTF-8 with a byte-order mark — without it, Excel in Japan reads UTF-8
 * as Shift_JIS and garbles every Japanese label. A null cell is empty; numbers are written as
 * JavaScript writes them (rates as decimals, 0.4706, a negative lift −0.05 as -0.05), so a
 * spreadsheet reads them as numbers; text that would start a formula is written as text.
 */
export const CSV_TYPE = "text/csv; charset=utf-8";

export type CsvCell = string | number | boolean | null;
export type CsvRow = Record<string, CsvCell>;

/**
 * The rows as CSV text (BOM first); the columns are the union of the rows' keys in first-seen order,
 * each headed by its key or, where `headers` names it, by that.
 */
export function csvText(rows: readonly CsvRow[], headers: Readonly<Record<string, string>> = {}): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) if (!seen.has(k)) (seen.add(k), columns.push(k));
  const body = stringify(
    rows.map((r) => columns.map((k) => r[k] ?? null)),
    // escape_formulas: a text cell starting with = + - @ gets a leading ' so a spreadsheet shows it instead of running it
    // (CSV injection, OWASP): an operator's name or a label is free text someone else typed.
    // quote_record_delimiter: a cell holding a bare CR or LF is quoted too (with a CRLF record delimiter
    // csv-stringify quotes only CRLF), else a spreadsheet starts a new row at it whose first cell — a
    // formula — escape_formulas never saw. Quoted, the break stays inside the cell, which is text from its
    // first character on (OWASP: quote the cell, escape its start), so its later lines need no escape.
    { header: true, columns: columns.map((key) => ({ key, header: headers[key] ?? key })), record_delimiter: "windows", quote_record_delimiter: true, escape_formulas: true, cast: { boolean: (b) => (b ? "true" : "false") } },
  );
  return `\uFEFF${body}`;
}

/**
 * An object's scalar fields, nested objects as dotted names (`durableSaves.judged`), arrays left
 * out (a report's lists become rows of their own). For flattening a JSON report into one CSV row.
 */
export function flatRow(value: Record<string, unknown>, prefix = ""): CsvRow {
  const out: CsvRow = {};
  for (const [k, v] of Object.entries(value)) {
    const name = prefix + k;
    if (Array.isArray(v)) continue;
    if (v !== null && typeof v === "object") Object.assign(out, flatRow(v as Record<string, unknown>, `${name}.`));
    else out[name] = (v ?? null) as CsvCell;
  }
  return out;
}

/** Whether the request asks for CSV (`Accept: text/csv`, preferred over JSON by its q-values); JSON otherwise. */
export function wantsCsv(c: Context): boolean {
  return accepts(c, { header: "Accept", supports: ["application/json", "text/csv"], default: "application/json" }) === "text/csv";
}

/** A CSV answer a browser saves as `filename` (ASCII: a report's name and its dates). */
export function csvResponse(c: Context, file: { filename: string; text: string }) {
  return c.body(file.text, 200, { "content-type": CSV_TYPE, "content-disposition": `attachment; filename="${file.filename}"` });
}
