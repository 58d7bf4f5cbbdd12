import { z } from "@hono/zod-openapi";
import { UpsertCustomerBody } from "../customers/schemas";
import { localDate, zonedInstant } from "../platform/dates";
import { ApiError, fieldErrors, valueAt } from "../platform/errors";
import { syncedCadence, syncedPause } from "../subscriptions/sync";
import { UpsertSubscriptionBody } from "../subscriptions/schemas";
import { planWarnings } from "./warnings";

/**
 * How a cart system's CSV export maps onto Tsuzuku's customer and subscription sync. A mapping is
 * a JSON document (see `mappings/generic.json`, and "Writing a mapping" under "Bringing a shop in" in the README):
 * - `customer` / `subscription`: target field (dotted for nested, e.g. `product.sku`) → the column
 *   that holds it (`header`: one name or several a file may use) and how to read it (`as`);
 * - `defaults`: values for target fields no column gives (e.g. `unitPrice.currency`).
 * A row gives a customer when the customer id column is filled, and a subscription when the
 * subscription id column is; its subscription belongs to its customer. A field with several
 * header names reads the first the file has, in the mapping's order (`resolveColumns`).
 *
 * Cancellations: in Japanese cart exports 解約日 is usually the day the cancellation took effect
 * (the contract's end), and the day the customer asked is 解約受付日 / 解約申込日. `canceledAt` is
 * the latter — what Tsuzuku's own cancel flow records as `canceledAt` (the end is its
 * `cancellation.effectiveOn`) and what churn is dated by — so `generic` reads the request-date
 * columns first and 解約日 only when a file has none of them. The sync has no field for the end
 * date (`cancellation.effectiveOn` is written by cancel flows only), so an export's 解約日 beside a request
 * date is not imported, and a 解約日 still ahead, read as `canceledAt`, is refused by the sync as
 * dated in the future: export 解約受付日 too.
 */
/** A delivery interval read from a cell: calendar months or days (platform/cadence); it sets that field of the subscription. */
export type Cadence = { intervalMonths: number; deliveryDay?: number } | { intervalDays: number };
const CadenceValue = z.union([z.strictObject({ intervalMonths: z.number().int(), deliveryDay: z.number().int().optional() }), z.strictObject({ intervalDays: z.number().int() })]);

export const Transform = z.union([
  z.enum(["text", "date", "instant", "yen", "integer", "days", "interval", "boolean"]),
  z
    .record(z.string(), z.union([z.string(), z.number(), CadenceValue]))
    .describe('A fixed table from the file\'s words to Tsuzuku\'s values: text, a number, or an interval ({ intervalMonths }, with deliveryDay for a day of the month / { intervalDays }); the key "*" reads every word the table lacks, with a warning, where without it such a word refuses the row'),
]);
export type Transform = z.infer<typeof Transform>;

/**
 * A column's header names, the first the file has being read. An entry that is itself a list names
 * columns read together, their cells joined by a space (a name or reading split in two:
 * `["姓(フリガナ)", "名(フリガナ)"]`, EC-CUBE's `["name_kana01", "name_kana02"]`); it is read when
 * the file has all of them.
 */
const HeaderName = z.union([z.string(), z.array(z.string()).min(2)]);
const Column = z.strictObject({ header: z.union([z.string(), z.array(HeaderName).min(1)]), as: Transform.optional() });
const Target = z.record(z.string(), Column).refine((t) => "id" in t, { message: "needs an `id` column" });

export const Mapping = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  customer: Target,
  subscription: Target.optional(),
  defaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type Mapping = z.infer<typeof Mapping>;

export type CustomerItem = { id: string; body: z.input<typeof UpsertCustomerBody> };
export type SubscriptionItem = { id: string; body: z.input<typeof UpsertSubscriptionBody> };
/**
 * One thing wrong with a row: the file's column (null when no column holds it), the target field
 * (null when it is about the whole item) and what is wrong, echoing the value as written.
 */
export type Problem = { column: string | null; field: string | null; message: string };
/**
 * A row that syncs: its customer, and its subscription when it has one; `warnings`, what it is
 * taken with that the merchant should look at (a word read through a table's `"*"`, a live plan's
 * next delivery in the past, a pause with no resume date: warnings.ts), in the file's column order.
 */
export type AcceptedRow = { line: number; customer: CustomerItem; subscription: SubscriptionItem | null; warnings: Problem[] };
/**
 * One line of the file, read: what it syncs, or every problem that refuses it (line numbers count
 * the header as 1). A refused row writes nothing, neither its customer nor its subscription.
 */
export type ImportRow = AcceptedRow | { line: number; refused: Problem[] };

/** `次回お届け予定日 (nextDeliveryOn): "2026/13/01" is not a day of the calendar` — how a problem is printed. */
export function problemText(p: Problem): string {
  const where = p.column && p.field && p.column !== p.field ? `${p.column} (${p.field})` : (p.column ?? p.field);
  return where ? `${where}: ${p.message}` : p.message;
}

/**
 * A message about a field's value as it quotes the file's cell: the schemas and the sync echo the
 * value they were given — a date as the instant it was read into (`"1899-12-31T15:00:00Z"` for
 * 1900/01/01 in Tokyo) — so a message that starts with a quoted value quotes `cell` instead, as
 * the merchant typed it. Numbers (`-1: must be at least 1`) and empty cells are left as they are.
 */
export function quotingCell(message: string, cell: string | undefined): string {
  return cell !== undefined && cell.trim() !== "" && message.startsWith('"') ? message.replace(/^"(?:[^"\\]|\\.)*"/, () => JSON.stringify(cell.trim())) : message;
}

/** Full-width digits and letters, ideographic spaces and the like become their plain forms (NFKC). */
const fold = (s: string) => s.normalize("NFKC").trim();

/**
 * In a table of words, the key that stands for every word the table does not list (`"*": "other"`):
 * such a cell is read as that value and the row is warned about, not refused (`fellBack`). A table
 * without it refuses a word it lacks.
 */
export const OTHER_WORDS = "*";

const tables = new WeakMap<object, Map<string, string | number | Cadence>>();
/** A table's words folded as cells are (「しばらく不要（旅行・入院など）」 matches the file's half-width brackets too), built once per table. */
function tableOf(as: Record<string, string | number | Cadence>): Map<string, string | number | Cadence> {
  let table = tables.get(as);
  if (!table) {
    table = new Map(Object.entries(as).flatMap(([k, v]) => (k === OTHER_WORDS ? [] : [[fold(k), v] as const])));
    tables.set(as, table);
  }
  return table;
}

/** Whether `raw` is a word `as` reads only through its `"*"` key (a word the table does not list). */
function fellBack(raw: string, as: Transform | undefined): boolean {
  if (typeof as !== "object" || !(OTHER_WORDS in as)) return false;
  const text = fold(raw);
  return text !== "" && !tableOf(as).has(text);
}

/**
 * Reads one cell. Throws a message (shown with the line number) when the text is not of the form
 * the transform expects; an empty cell is `undefined` (the field is left out).
 */
export function readCell(raw: string, as: Transform = "text", timeZone = "Asia/Tokyo"): string | number | boolean | Cadence | undefined {
  const text = fold(raw);
  if (text === "") return undefined;
  if (typeof as === "object") {
    const value = tableOf(as).get(text) ?? as[OTHER_WORDS];
    if (value === undefined) throw new Error(`"${raw}" is not one of ${Object.keys(as).join(", ")}`);
    return value;
  }
  switch (as) {
    case "text":
      return raw.trim();
    case "days":
    case "interval":
      return intervalOf(text, raw);
    case "integer": {
      // A sign is read (full-width － folds to -, and − is taken too) so that -1 is refused by the
      // field's own rule ("must be at least 1"), not as "not a whole number".
      const m = /^([-−]?)([0-9][0-9,]*)(?:日|日ごと|日毎)?$/.exec(text);
      if (!m || (as === "integer" && text.endsWith("日"))) throw new Error(`"${raw}" is not a whole number`);
      return (m[1] ? -1 : 1) * Number(m[2]!.replace(/,/g, ""));
    }
    case "yen": {
      const m = /^([-−]?)[¥\\]?\s*([0-9][0-9,]*)\s*(?:円)?$/.exec(text);
      if (!m) throw new Error(`"${raw}" is not an amount in yen (e.g. 3,980 or ¥3,980)`);
      return (m[1] ? -1 : 1) * Number(m[2]!.replace(/,/g, ""));
    }
    case "boolean": {
      if (/^(1|true|yes|y|はい|する|希望する|購読|購読する|許可|○|◯)$/i.test(text)) return true;
      if (/^(0|false|no|n|いいえ|しない|希望しない|購読しない|拒否|×|-)$/i.test(text)) return false;
      throw new Error(`"${raw}" is not yes or no`);
    }
    case "date":
      return dateOf(text, raw);
    case "instant": {
      const m = /^(\S+?)(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?$/.exec(text);
      if (!m) throw new Error(`"${raw}" is not a date or date and time`);
      const date = dateOf(m[1]!, raw);
      return zonedInstant(date, m[2] ?? "00:00", timeZone);
    }
  }
}

/**
 * A delivery interval as carts write it: 「1ヶ月ごと」「2ヶ月ごと」「3か月毎」「毎月」「隔月」
 * → `{ intervalMonths }`, which sets that field (the day of the month comes from the next delivery:
 * platform/cadence); 「毎月20日お届け」 names the day too (`deliveryDay` 20; 「毎月末」 the last day,
 * 31), which the next delivery must then fall on (clamped to a shorter month's end), else the row
 * is refused as the sync would refuse it; 「45日ごと」「14日」「30」「2週間ごと」「毎週」「隔週」 → the days (a number, for the
 * mapped field, `intervalDays`). Text is already NFKC-folded (full-width
 * digits read). A sign is read so that -1 is refused by the field's own rule ("must be at least 1").
 * 「1ヶ月おき」 is refused: carts use it for both every month and every other month.
 */
function intervalOf(text: string, raw: string): { intervalMonths: number; deliveryDay?: number } | number {
  const t = text.replace(/\s+/g, "");
  const monthly = /^毎月(?:(\d{1,2})日|(末)日?)?(?:お届け|配送|発送)?$/.exec(t);
  if (monthly) return monthly[1] ? { intervalMonths: 1, deliveryDay: Number(monthly[1]) } : monthly[2] ? { intervalMonths: 1, deliveryDay: 31 } : { intervalMonths: 1 };
  if (t === "隔月") return { intervalMonths: 2 };
  if (t === "毎週") return 7;
  if (t === "隔週") return 14;
  const months = /^([-−]?)(\d{1,3})[ヶケかカヵ箇个]?月(?:ごと|毎|に1回|に一回)?$/.exec(t);
  if (months) return { intervalMonths: (months[1] ? -1 : 1) * Number(months[2]) };
  const weeks = /^([-−]?)(\d{1,2})週(?:間)?(?:ごと|毎|に1回|に一回)?$/.exec(t);
  if (weeks) return (weeks[1] ? -1 : 1) * 7 * Number(weeks[2]);
  const days = /^([-−]?)([0-9][0-9,]*)(?:日|日ごと|日毎)?$/.exec(t);
  if (days) return (days[1] ? -1 : 1) * Number(days[2]!.replace(/,/g, ""));
  throw new Error(`"${raw}" is not a delivery interval (e.g. 30, 45日ごと, 2週間ごと, 1ヶ月ごと, 隔月)`);
}

const isCadence = (v: unknown): v is Cadence => typeof v === "object" && v !== null;

/** 2026/12/05, 2026-12-5, 2026.12.05, 2026年12月5日 → 2026-12-05, checked to be a real day. */
function dateOf(text: string, raw: string): string {
  const m = /^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$/.exec(text);
  if (!m) throw new Error(`"${raw}" is not a date; use YYYY/MM/DD or YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) throw new Error(`"${raw}" is not a day of the calendar`);
  return `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function set(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split(".");
  let node = target;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

/**
 * A field every row needs (every row with a subscription, for a subscription's) that no column of
 * this file gives and no default fills: `field` is the target path (`startedAt`; `product.sku` and
 * `product.name` when no part of the product has a column), `headers` the names the mapping would
 * read it from (none when the mapping lists no column for it).
 */
export type MissingField = { kind: "customer" | "subscription"; field: string; headers: string[] };

/**
 * Which column of this file each mapped field reads, by header; a field whose column is absent
 * reads nothing. `missing`: the fields every row would be refused for, because the file has no
 * column for them (the customer id; with a subscription id column, what the subscription schema
 * requires) — a problem of the file, reported once before any row is read.
 */
export function resolveColumns(mapping: Mapping, headers: string[]) {
  const index = new Map(headers.map((h, i) => [fold(h), i]));
  const pick = (target: Record<string, z.infer<typeof Column>> | undefined) =>
    Object.entries(target ?? {}).flatMap(([field, col]) => {
      const names = Array.isArray(col.header) ? col.header : [col.header];
      // Each entry's columns (one, or the several joined), when the file has every one of them.
      const found = names
        .map((n) => [n].flat().map((part) => index.get(fold(part))))
        .find((ats): ats is number[] => ats.every((i) => i !== undefined));
      if (!found) return [];
      const [at, ...joined] = found as [number, ...number[]];
      return [{ field, at, ...(joined.length ? { joined } : {}), header: found.map((i) => headers[i]!).join("+"), as: col.as }];
    });
  const customer = pick(mapping.customer);
  const subscription = pick(mapping.subscription);
  const headersOf = (target: Record<string, z.infer<typeof Column>> | undefined, field: string) =>
    Object.entries(target ?? {}).flatMap(([f, col]) => (f === field || f.startsWith(`${field}.`) ? [col.header].flat().map((n) => [n].flat().join("+")) : []));
  const missing: MissingField[] = [];
  if (!customer.some((c) => c.field === "id")) missing.push({ kind: "customer", field: "id", headers: headersOf(mapping.customer, "id") });
  for (const field of requiredWithoutColumn(UpsertCustomerBody, customer, {})) missing.push({ kind: "customer", field, headers: headersOf(mapping.customer, field) });
  if (subscription.some((c) => c.field === "id")) {
    for (const field of requiredWithoutColumn(UpsertSubscriptionBody, subscription, { ...mapping.defaults, customerId: "" })) {
      missing.push({ kind: "subscription", field, headers: headersOf(mapping.subscription, field) });
    }
  }
  return { customer, subscription, missing };
}

/**
 * The paths `schema` requires that neither a column of the file nor `given` fills: the schema is
 * run on a probe holding a stand-in for every column the file has (an interval column may fill
 * `intervalMonths` too, as `readRow` sets it), so its own rules — nested objects, the cadence
 * rule — say what is required; a path whose probe value is there but wrong is the rows' business.
 */
function requiredWithoutColumn(schema: z.ZodType, cols: { field: string; as?: Transform }[], given: Record<string, unknown>): string[] {
  const probe: Record<string, unknown> = {};
  const put = (path: string, value: unknown) => {
    const keys = path.split(".");
    let node = probe;
    for (const k of keys.slice(0, -1)) {
      node[k] ??= {};
      if (typeof node[k] !== "object" || node[k] === null) return; // a column mapped onto an object's parent: the rows say what is wrong
      node = node[k] as Record<string, unknown>;
    }
    node[keys.at(-1)!] ??= value;
  };
  for (const [k, v] of Object.entries(given)) put(k, v);
  for (const { field, as } of cols) {
    put(field, "");
    if (as === "interval" || as === "days" || (typeof as === "object" && Object.values(as).some(isCadence))) put("intervalMonths", 1);
  }
  for (;;) {
    const parsed = schema.safeParse(probe);
    if (parsed.success) return [];
    const absent = parsed.error.issues.filter((i) => i.code !== "unrecognized_keys" && valueAt(probe, i.path) === undefined);
    // A whole object absent (no column for any part of `product`): name the parts it needs.
    const objects = absent.filter((i) => i.code === "invalid_type" && i.expected === "object");
    if (objects.length === 0) return [...new Set(absent.map((i) => i.path.join(".")))];
    for (const i of objects) put(i.path.join("."), {});
  }
}

/**
 * What the import says of a file it cannot read (one line per field, then where to look):
 * `teiki.csv has no column for startedAt: the mapping reads 定期申込日, 申込日, … or started_at`,
 * then the file's columns no field reads, which may hold it under another name.
 */
export function missingText(file: string, missing: MissingField[], unused: string[]): string {
  const name = (m: MissingField) => (m.kind === "customer" ? (m.field === "id" ? "the customer id" : `the customer's ${m.field}`) : m.field);
  const lines = missing.map((m) => `${file} has no column for ${name(m)}, which every ${m.kind === "customer" ? "row" : "subscription"} needs: ${m.headers.length ? `the mapping reads ${m.headers.length > 1 ? `${m.headers.slice(0, -1).join(", ")} or ${m.headers.at(-1)}` : m.headers[0]}` : "the mapping names no column for it"}.`);
  lines.push(
    unused.length
      ? `  columns not used: ${unused.join(", ")} — if one of them holds it, add that header to the field's "header" list in a copy of the mapping and pass it with --mapping ./my-cart.json (README, "Writing a mapping").`
      : "  every column of the file is read for another field: export the file with that column.",
  );
  lines.push("Nothing was written.");
  return lines.join("\n");
}

/** The file's column for a target field, or for the first field under a parent (`unitPrice` → 単価（税込）). */
export function columnOf(cols: ReturnType<typeof resolveColumns>["customer"], field: string): string | null {
  return (cols.find((c) => c.field === field) ?? cols.find((c) => c.field.startsWith(`${field}.`)))?.header ?? null;
}

/**
 * Reads one record (cells in file order) into the customer and subscription it syncs, validated
 * with the same schemas as `PUT /v1/customers/{id}` and `PUT /v1/subscriptions/{id}`: a row the
 * API would refuse is refused here, with every problem it has (each cell that does not read, then
 * each field the schemas refuse), so the merchant can fix them all in one go. A row taken carries
 * its warnings (`AcceptedRow`); those about dates need `today`, the shop's local date.
 */
export function readRow(
  columns: ReturnType<typeof resolveColumns>,
  mapping: Mapping,
  cells: string[],
  line: number,
  timeZone: string,
  today?: string,
): ImportRow {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const build = (cols: typeof columns.customer, defaults: boolean) => {
    const out: Record<string, unknown> = {};
    const unread = new Set<string>();
    if (defaults) for (const [k, v] of Object.entries(mapping.defaults ?? {})) set(out, k, v);
    for (const { field, at, joined, header, as } of cols) {
      try {
        // Columns read together: their filled cells, joined by a space (姓 + 名).
        const cell = joined ? [at, ...joined].map((i) => (cells[i] ?? "").trim()).filter((v) => v !== "").join(" ") : (cells[at] ?? "");
        const value = readCell(cell, as, timeZone);
        if (fellBack(cell, as)) {
          const word = JSON.stringify(cell.trim());
          warnings.push({ column: header, field, message: `${word} is not in the mapping's words: read as ${JSON.stringify(value)}; to read it as another, add it to the field's "as" table in a copy of the mapping` });
        }
        // An interval sets the field it names (months or days), whichever field the column is mapped to.
        if (isCadence(value)) for (const [k, v] of Object.entries(value)) set(out, k, v);
        else if (value !== undefined) set(out, field, value);
      } catch (e) {
        problems.push({ column: header, field, message: (e as Error).message });
        unread.add(field);
      }
    }
    return { out, unread };
  };
  // A field whose cell did not read is already reported: the schema's "required" for it (or for
  // its parent) would say the same thing again.
  const refuse = (issues: z.core.$ZodIssue[], cols: typeof columns.customer, unread: Set<string>, input: unknown) => {
    for (const e of fieldErrors(issues, "", input)) {
      if (e.path === "customerId" || [...unread].some((f) => f === e.path || f.startsWith(`${e.path}.`))) continue;
      // The CLI speaks English, as the rest of its output does.
      const at = cols.find((c) => c.field === e.path)?.at;
      const message = typeof e.message === "string" ? e.message : e.message.en;
      problems.push({ column: columnOf(cols, e.path), field: e.path || null, message: quotingCell(message, at === undefined ? undefined : cells[at]) });
    }
  };

  const { out: customerFields, unread: customerUnread } = build(columns.customer, false);
  const { id: customerId, ...customer } = customerFields;
  if (typeof customerId !== "string" && typeof customerId !== "number") {
    problems.push({ column: columnOf(columns.customer, "id"), field: "id", message: "empty: every row needs its customer's id" });
  }
  const c = UpsertCustomerBody.safeParse(customer);
  if (!c.success) refuse(c.error.issues, columns.customer, customerUnread, customer);

  let subscription: SubscriptionItem | null = null;
  if (columns.subscription.length) {
    const { out, unread } = build(columns.subscription, true);
    const { id: subscriptionId, ...sub } = out;
    if (subscriptionId !== undefined) {
      const body = { ...sub, customerId: String(customerId ?? "") };
      const parsed = UpsertSubscriptionBody.safeParse(body);
      if (!parsed.success) refuse(parsed.error.issues, columns.subscription, unread, sub);
      else if (!unread.has("intervalDays") && !unread.has("intervalMonths")) {
        // The sync's own cadence rule (one of intervalDays / intervalMonths, agreeing): refused here as the sync would.
        try {
          syncedCadence(parsed.data, undefined, syncedPause(parsed.data, undefined));
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          for (const f of e.extra.errors ?? []) problems.push({ column: columnOf(columns.subscription, "intervalDays"), field: f.path, message: typeof f.message === "string" ? f.message : f.message.en });
        }
      }
      // An export's cancellation is history: without its date the API would take it as today's
      // (the sync stamps canceledAt with its own clock) and the shop's churn would spike on import day.
      if (sub.status === "canceled" && sub.canceledAt === undefined && !unread.has("canceledAt")) {
        problems.push({
          column: columnOf(columns.subscription, "canceledAt"),
          field: "canceledAt",
          message: "a canceled subscription needs the day it was canceled (解約受付日, else 解約日); without it the import would count it as canceled today",
        });
      }
      // A 解約 dated after today: most often a cart's 解約日, the day the cancellation takes effect,
      // read as the day it was asked for. The sync refuses it as ahead of the clock (in UTC, to the
      // millisecond); said here in the shop's words, with what to export instead.
      if (sub.status === "canceled" && typeof sub.canceledAt === "string" && today !== undefined && localDate(new Date(sub.canceledAt), timeZone) > today) {
        const col = columns.subscription.find((c) => c.field === "canceledAt");
        problems.push({
          column: col?.header ?? null,
          field: "canceledAt",
          message: `${JSON.stringify(col ? (cells[col.at] ?? "").trim() : sub.canceledAt)} is after today (${today.replaceAll("-", "/")} in the shop's time zone): a cancellation is dated by the day the customer asked (解約受付日, 解約申込日); 解約日 is in most carts the day it takes effect. Export the request date too (the mapping reads it first), or the row stays out`,
        });
      }
      subscription = { id: String(subscriptionId), body: body as SubscriptionItem["body"] };
      if (today !== undefined) {
        const at = (field: string) => {
          const col = columns.subscription.find((c) => c.field === field);
          return { column: col?.header ?? null, cell: col === undefined ? undefined : cells[col.at] };
        };
        warnings.push(...planWarnings(subscription.body, today, at));
      }
      // A reason on a row that is not 解約 is not synced (the sync reads it for `canceled` only): nothing to say of its word.
      if (sub.status !== "canceled") warnings.splice(0, warnings.length, ...warnings.filter((w) => w.field !== "cancellationReason"));
    }
  }
  if (problems.length) {
    // In the file's column order, left to right as the merchant reads the row.
    const at = new Map([...columns.customer, ...columns.subscription].map((c) => [c.header, c.at]));
    return { line, refused: problems.sort((x, y) => (at.get(x.column ?? "") ?? Infinity) - (at.get(y.column ?? "") ?? Infinity)) };
  }
  const order = new Map([...columns.customer, ...columns.subscription].map((c) => [c.header, c.at]));
  warnings.sort((x, y) => (order.get(x.column ?? "") ?? Infinity) - (order.get(y.column ?? "") ?? Infinity));
  return { line, customer: { id: String(customerId), body: customer as CustomerItem["body"] }, subscription, warnings };
}
