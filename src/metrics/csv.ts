import { csvText, flatRow, type CsvRow } from "../platform/csv";
import type { retentionFor, winbackFor } from "./routes";

/**
 * The retention report as spreadsheet rows: first the whole range (`group` empty, `key`
 * `total`; churn, reactivations and the holdout are totals only), then one row per group of
 * `groupBy`. Column names are the JSON answer's fields, nested ones dotted (`durableSaves.judged`),
 * so a column means what the API reference says of its field.
 */
function retentionRows(r: Awaited<ReturnType<typeof retentionFor>>, name?: RowName): CsvRow[] {
  const { from, to, groupBy, groups, winback: _winback, ...total } = r;
  const head = (group: string, key: string) => ({ from, to, group, key, ...(name ? { name: name(group, key) } : {}) });
  return [{ ...head("", "total"), ...flatRow(total) }, ...(groups ?? []).map(({ key, ...g }) => ({ ...head(groupBy ?? "", key), ...flatRow(g) }))];
}

/**
 * A row's name in words for a person's spreadsheet (the console's download: 「料金が高い」 beside
 * `too_expensive`, 「11月30日の週」 beside `2026-11-30`), a `name` column after `key`; the API's CSV has none.
 * `group` is the grouping (`""` for the total row) or, in the win-back report, the section.
 */
export type RowName = (group: string, key: string) => string;

/**
 * The win-back report as spreadsheet rows: the range's totals (`section` `total`), then a row per
 * entry of each of its lists (`byReason`, `byMonth`, `revenueRecovered` by currency,
 * `byDaysSinceCancel` by window, …), `section` naming the list and `key` the entry.
 */
function winbackRows(r: Awaited<ReturnType<typeof winbackFor>>, name?: RowName): CsvRow[] {
  const { from, to, ...rest } = r;
  const head = (section: string, key: string) => ({ from, to, section, key, ...(name ? { name: name(section, key) } : {}) });
  const rows: CsvRow[] = [{ ...head("total", "total"), ...flatRow(rest) }];
  for (const [section, list] of Object.entries(rest)) {
    if (!Array.isArray(list)) continue;
    for (const item of list as Record<string, unknown>[]) {
      // An entry's name: its key (a reason, a month, an offer), a currency, or a window in days.
      const key = typeof item.key === "string" ? item.key : typeof item.currency === "string" ? item.currency : typeof item.days === "number" ? String(item.days) : "";
      const { key: _k, ...fields } = item;
      rows.push({ ...head(section, key), ...flatRow(fields) });
    }
  }
  return rows;
}

/**
 * The retention report as a CSV file: its name (the report, its days, its grouping) and text.
 * `headers`: words for some columns in a person's spreadsheet (the console's download), by field name.
 */
export function retentionCsv(r: Awaited<ReturnType<typeof retentionFor>>, name?: RowName, headers?: Readonly<Record<string, string>>) {
  return { filename: `retention_${r.from}_${r.to}${r.groupBy ? `_by-${r.groupBy}` : ""}.csv`, text: csvText(retentionRows(r, name), headers) };
}

/** The win-back report as a CSV file: its name (the report and its days) and text. */
export function winbackCsv(r: Awaited<ReturnType<typeof winbackFor>>, name?: RowName) {
  return { filename: `winback_${r.from}_${r.to}.csv`, text: csvText(winbackRows(r, name)) };
}
