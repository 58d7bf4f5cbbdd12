/**
 * `GET /v1/winback/candidates`: canceled subscriptions whose customer may be contacted, best
 * expected recovered value first, one keyset page at a time, each with its comeback offer.
 *
 * The page is one walk down the partial index `winbacks_listable` (contactable, plan still
 * canceled, not held out, not reactivated, and not history a sync or an import recorded that will
 * never be contacted — no flow and `skipped`, see winback/service `syncedDue`; expected value
 * desc, id). `contactable` and
 * `plan_canceled` are the customer's current answer and the plan's current status, written by
 * SQLite in the transaction that changes either (migration 0023's triggers), so an erased customer
 * (`erased_at`; no e-mail, no phone either), a withdrawn answer or a restarted plan leaves the list
 * with the write that says so, and the walk checks nothing per row.
 *
 * Two ways to the same answer:
 * - the short way (`candidatesDocument` → `candidatesPageJson`): SQL writes each row's JSON text
 *   from the covering index, riding with the key check; JavaScript labels the drivers, sorts, and
 *   splices each row's comeback, remembered by its content key (`comeback_key`: the
 *   `comeback_ja`/`comeback_en` texts written by winback/decide, read once per key).
 * - the long way (`candidatesPage`): rows read, each comeback made current by
 *   `comebacksForToday`, the page built as objects. Taken when any row of the page is stale
 *   for the short way — decided on an older catalogue, or shown for a restart date that is not
 *   today's (the maintenance job re-renders those) — so a changed catalogue or a new day is never
 *   answered from what was stored.
 */
import { inArray, sql, type SQL } from "drizzle-orm";
import { winbacks } from "../db/schema";
import type { Placeholder } from "drizzle-orm";
import type { Language } from "../platform/localized-text";
import { localDate, maxDate } from "../platform/dates";
import { lentUtf8Join, RememberedPages, utf8Bytes, utf8Join, type Written } from "../platform/json-text";
import { cursorList, toPage } from "../platform/pagination";
import type { TenantStore } from "../platform/tenancy";
import type { TenantSettings } from "../settings/schemas";
import { presentComeback } from "./comeback";
import { catalogueStamp, comebacksForToday, restartOnFor, type StoredComeback } from "./decide";
import { localizeWinbackDrivers, type WinbackDriver } from "./model";

export type CandidateRow = {
  id: string;
  customer_id: string;
  subscription_id: string;
  reason: string | null;
  canceled_at: string;
  return_on: string | null;
  due_on: string;
  probability: number;
  drivers: string;
  expected_value: number;
  annual_value: number;
  currency: string;
  model_version: string;
  /** JSON of `StoredComeback`, or null before it was decided. */
  comeback: string | null;
  comeback_stamp: string;
  /** The tenant's catalogue stamp now: a row decided on an older one is decided again here. */
  catalogue_stamp: string;
};

/** The list's cursor: `[expectedValue, id]` of the last row shown, under the query's `customerId` (platform/pagination). */
export const CANDIDATES_CURSOR = cursorList("wb", ["integer", "id"]);

type After = { value: number | Placeholder; id: number | string | Placeholder } | null;

/**
 * The page's walk (alias `w`): the partial index's own terms, nothing joined (see the module's
 * note; the customer and plan checks were two b-tree seeks per row, ~40 % of the statement in a
 * server). After a cursor the walk starts at the cursor's value (the `<=` is the index's range;
 * the OR alone made SQLite walk every row before it).
 */
function candidatesFrom(tenant: SQL, after: After, customerId?: string, dueBy?: string) {
  // One customer's: their few rows through their own index, then sorted (not a walk of the whole list).
  return sql`FROM winbacks w INDEXED BY ${sql.raw(customerId === undefined ? "winbacks_listable" : "winbacks_customer")}
    WHERE w.tenant_id = ${tenant} AND w.contactable = 1 AND w.plan_canceled = 1 AND w.holdout = 0 AND w.reactivated_at IS NULL AND (w.flow_id IS NOT NULL OR w.due_status <> 'skipped')
      ${customerId === undefined ? sql`` : sql`AND w.customer_id = ${customerId}`}
      ${dueBy === undefined ? sql`` : sql`AND w.due_on <= ${dueBy}`}
      ${after ? sql`AND w.expected_value <= ${after.value} AND (w.expected_value < ${after.value} OR (w.expected_value = ${after.value} AND w.id > ${after.id}))` : sql``}
    ORDER BY w.expected_value DESC, w.id`;
}

/** The page's rows, as SQL reads them (limit + 1, to know whether there is a next page): the long way. */
export function candidatesQuery(tenantId: string, limit: number, after: [number, string] | null, customerId?: string, dueBy?: string) {
  return sql`SELECT w.id, w.customer_id, w.subscription_id, w.reason, w.canceled_at, w.return_on, w.due_on, w.probability, w.drivers,
      w.expected_value, w.annual_value, w.currency, w.model_version, w.comeback, w.comeback_stamp, ${catalogueStamp(sql`${tenantId}`)} AS catalogue_stamp
    ${candidatesFrom(sql`${tenantId}`, after ? { value: after[0], id: after[1] } : null, customerId, dueBy)}
    LIMIT ${limit + 1}`;
}

/** `ja`/`en`: the caller asked (Accept-Language); `tenant`: the shop's locale decides, read in the statement. */
export type CandidatesLang = Language | "tenant";

/**
 * The short way's statement: one text, `lang␝stamp␝records`, where `lang` is the language the
 * caller will be answered in, `stamp` the tenant's catalogue stamp now, and records are joined by
 * ␞ ('' when none), in no set order (sqld's parser takes no ORDER BY inside group_concat; the keys
 * let the caller sort), each the row's `listed_record` as SQLite keeps it (migration 0024):
 * `expectedValue␟id␟comebackStamp␟returnOn␟restartOn␟comebackKey␟head␟drivers␟tail` —
 * `restartOn` the date the shown comeback was rendered for ('*': no offer; '': not rendered),
 * `comebackKey` the content key of the shown comeback ('' none; its text is spliced by the caller,
 * see `shownTexts`), `head`/`tail` the row's JSON text around its stored drivers (labelled by the
 * caller); '-' for a row without a record (the long way; not '': one such row alone would read as
 * an empty page). Control characters never appear raw in JSON text, ids, stamps or hex keys. One
 * walk of `winbacks_listable`, which covers every column read (no table row), and nothing built
 * per row. Rides with the key check.
 */
export function candidatesDocument(tenant: SQL, lang: CandidatesLang, take: number | Placeholder, after: After): SQL {
  const chosen =
    lang === "tenant"
      ? sql`(SELECT CASE WHEN json_extract(t.settings, '$.locale') = 'en' THEN 'en' ELSE 'ja' END FROM tenants t WHERE t.id = ${tenant})`
      : sql.raw(`'${lang === "en" ? "en" : "ja"}'`);
  // x: one row, so the language and the stamp are read once; the page is a subquery of it (a
  // co-routine: rows flow into group_concat, nothing is materialised), '' when empty.
  return sql`SELECT x.lang || char(29) || x.stamp || char(29) || coalesce((SELECT group_concat(coalesce(r.listed_record, '-'), char(30))
      FROM (SELECT w.listed_record ${candidatesFrom(tenant, after)} LIMIT ${take}) r), '')
    FROM (SELECT ${chosen} AS lang, ${catalogueStamp(tenant)} AS stamp) x`;
}


/** A piece of a page as JSON text and as its UTF-8 bytes (see `candidatesPageJson` for which is used). */
type Piece = { text: string; bytes: Uint8Array };
const piece = (text: string): Piece => ({ text, bytes: utf8Bytes(text) });

/**
 * A row's stored drivers (array text) → labelled in a language and the row's currency (a past
 * spend is written in it), as JSON (lists repeat across rows). One map per language and currency
 * (a shop has one currency: one map lookup more per row than keyed by the text alone, no key built).
 */
const labelled = { ja: new Map<string, Map<string, Piece>>(), en: new Map<string, Map<string, Piece>>() };
function labelledDrivers(stored: string, lang: Language, currency: string): Piece {
  let cache = labelled[lang].get(currency);
  if (cache === undefined) labelled[lang].set(currency, (cache = new Map()));
  let out = cache.get(stored);
  if (out === undefined) {
    out = piece(JSON.stringify(localizeWinbackDrivers(JSON.parse(stored) as WinbackDriver[], lang, currency)));
    if (cache.size >= 10_000) cache.clear();
    cache.set(stored, out);
  }
  return out;
}

/**
 * Shown comebacks as JSON, by content key (`winbacks.comeback_key`, a hash of both
 * languages' texts: a key names one text for ever, so nothing here goes stale) and language. The
 * same few offers and plans recur down the list (6 distinct among the bench's first 200 rows), so a
 * page's statement carries keys, not ~1.8 kB of copy per row. Bounded (cleared when full).
 */
const shownTexts = { ja: new Map<string, Piece>(), en: new Map<string, Piece>() };

/**
 * Each row's comeback in `lang`, by key: remembered ones, the rest read by id in one
 * statement (scoped by the store) and remembered. Null when a row's key moved since SQL handed it
 * (a write in between): nothing is ever remembered under a key that is not the text's.
 */
async function shownFor(store: TenantStore, lang: Language, rows: readonly { id: string; key: string }[]): Promise<Map<string, Piece> | null> {
  const memo = shownTexts[lang];
  const out = new Map<string, Piece>();
  const missing: { id: string; key: string }[] = [];
  for (const r of rows) {
    const bytes = memo.get(r.key);
    if (bytes) out.set(r.key, bytes);
    else missing.push(r);
  }
  if (missing.length === 0) return out;
  const column = lang === "en" ? winbacks.comebackEn : winbacks.comebackJa;
  const read = await store.q
    .select({ id: winbacks.id, key: winbacks.comebackKey, shown: column })
    .from(winbacks)
    .where(store.owns(winbacks, inArray(winbacks.id, missing.map((r) => r.id))));
  const found = new Map(read.map((r) => [r.id, r]));
  for (const r of missing) {
    const row = found.get(r.id);
    if (!row || row.key !== r.key || row.shown === null) return null;
    const shown = piece(row.shown);
    out.set(r.key, shown);
    if (memo.size >= 2_000) memo.clear();
    memo.set(r.key, shown);
  }
  return out;
}

/**
 * `due: "now"`: only records whose `dueOn` has come (≤ the shop's today): whom to contact now,
 * not a cancellation of an hour ago. The long way only; the walk tests `due_on` from the
 * `winbacks_listable` entry (migration 0057), reading a row's table entry only for a row it keeps.
 */
type PageQuery = { limit: number; after: [number, string] | null; lang: Language; settings: TenantSettings; now: Date; customerId?: string; due?: "now" };

/** The cursor's filter: a page's cursor is good only for the same customer and the same `due` (without `due`, as issued before it). */
export const candidatesFilter = (q: { customerId?: string | undefined; due?: "now" | undefined }): readonly (string | undefined)[] => (q.due === undefined ? [q.customerId] : [q.customerId, q.due]);

/**
 * The short way: the page as the response body (`{ data, nextCursor }`) from `candidatesDocument`
 * (read now unless it came with the key check): each row's JSON text as SQL wrote it, its labelled
 * drivers and its comeback spliced in (no JSON built). Null when a row of the page must go the long
 * way (stale, see the module's note) or the statement read another language than `q.lang`.
 *
 * A page read for the first time (with this text) is answered in bytes lent until the response is
 * written (`written`: on Node, see platform/json-text `lentUtf8Join`), else as a string; kept
 * nowhere. Read again, as UTF-8 bytes, remembered and handed out while the text stays the same.
 * Fresh bytes for every first read were ≈ 29 kB of new ArrayBuffer each, which V8 counts as
 * external memory: pages read in turn drew a full mark-compact every ≈ 2,200 (its 64 MB external
 * limit), ≈ 100 µs a page on the bench server.
 */
export async function candidatesPageJson(store: TenantStore, q: PageQuery, doc?: string | null, written?: Written): Promise<Uint8Array<ArrayBuffer> | string | null> {
  const after = q.after ? { value: q.after[0], id: q.after[1] } : null;
  const text = doc !== undefined ? doc : await store.scalar((t) => candidatesDocument(t, q.lang, q.limit + 1, after));
  if (typeof text !== "string") return null;
  // The page is a function of the text (rows, language, catalogue stamp), the limit and the day's
  // earliest restart date (a row shown for another is declined): the same text on the same day is
  // the same bytes. A page that went the long way is not remembered (it is built anew each time).
  const earliest = restartOnFor(null, q.now, q.settings);
  const slot = `${q.lang} ${q.limit} ${earliest} ${after ? `${after.value} ${after.id}` : ""}`;
  const seen = pages.get(slot, text);
  if (seen) return seen;
  const [lang, stamp, body] = text.split("\x1d") as [string, string, string];
  if (lang !== q.lang) return null;
  const rows = [];
  for (const record of body === "" ? [] : body.split("\x1e")) {
    const parts = record.split("\x1f");
    if (parts.length !== 9) return null; // no record written (see `listed_record`)
    const [value, id, decidedOn, returnOn, restartOn, key, head, drivers, tail] = parts as [string, string, string, string, string, string, string, string, string];
    rows.push({ value: Number(value), id, decidedOn, returnOn, restartOn, key, head, drivers, tail, currency: tailCurrency(tail) });
  }
  rows.sort((x, y) => y.value - x.value || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const page = toPage(rows, q.limit, CANDIDATES_CURSOR, (r) => [r.value, r.id], candidatesFilter(q));
  for (const r of page.data) {
    // Decided on the tenant's catalogue now, and its shown comeback keyed (migration 0022).
    if (r.decidedOn !== stamp || r.key === "") return null;
    // restartOnFor, with the day's earliest date computed once: a day plan's restart date is that
    // date, a monthly plan's the first on its schedule from it (not before it: rendered for an
    // earlier day, it is declined; on or after, it is today's, as the maintenance job reads it).
    if (r.restartOn !== "*" && r.restartOn < (r.returnOn ? maxDate(r.returnOn, earliest) : earliest)) return null;
  }
  const shown = await shownFor(store, q.lang, page.data);
  if (!shown) return null;
  const end = `],"nextCursor":${JSON.stringify(page.nextCursor)}}`;
  if (seen === undefined && written) {
    pages.set(slot, text, null);
    const parts: (string | Uint8Array)[] = ['{"data":['];
    page.data.forEach((r, i) => {
      parts.push(i === 0 ? r.head : `,${r.head}`, labelledDrivers(r.drivers, q.lang, r.currency).bytes, r.tail, shown.get(r.key)!.bytes, "}");
    });
    parts.push(end);
    return lentUtf8Join(parts, written);
  }
  if (seen === undefined) {
    pages.set(slot, text, null);
    const out = ['{"data":['];
    page.data.forEach((r, i) => {
      out.push(i === 0 ? r.head : `,${r.head}`, labelledDrivers(r.drivers, q.lang, r.currency).text, r.tail, shown.get(r.key)!.text, "}");
    });
    out.push(end);
    return out.join("");
  }
  const parts: (string | Uint8Array)[] = ['{"data":['];
  page.data.forEach((r, i) => {
    parts.push(i === 0 ? r.head : `,${r.head}`, labelledDrivers(r.drivers, q.lang, r.currency).bytes, r.tail, shown.get(r.key)!.bytes, "}");
  });
  parts.push(end);
  return pages.set(slot, text, utf8Join(parts));
}

/**
 * The row's currency from its stored tail text (migration 0020: `,"annualValue":{"amount":…,"currency":"JPY"},…`;
 * ISO 4217 codes need no escaping): the digits stepped over, no search and, for yen, no new
 * string — ≈ 20–40 ns a row on the dev machine, where `indexOf` of the key took 170–570 ns.
 */
const TAIL_START = ',"annualValue":{"amount":';
const CURRENCY_KEY = ',"currency":"';
export function tailCurrency(tail: string): string {
  let at = TAIL_START.length;
  if (tail.startsWith(TAIL_START)) {
    for (let c = tail.charCodeAt(at); (c >= 48 && c <= 57) || c === 45; c = tail.charCodeAt(++at));
  } else at = tail.indexOf(CURRENCY_KEY); // not as migration 0020 writes it: found the slow way
  if (at < 0 || !tail.startsWith(CURRENCY_KEY, at)) return "JPY";
  at += CURRENCY_KEY.length;
  return tail.startsWith('JPY"', at) ? "JPY" : tail.slice(at, tail.indexOf('"', at));
}

/** Short-way pages read lately (see RememberedPages): ≈ 9 kB of statement text each, and ≈ 30 kB of body once read twice. */
const pages = new RememberedPages(64);
/** How many short-way reads were answered from a remembered page and how many built one (benches report it). */
export const candidatesPageReads = pages.reads;

/** The long way: each row's comeback made current for today (winback/decide `comebacksForToday`). */
export async function candidatesPage(store: TenantStore, q: PageQuery) {
  const dueBy = q.due === "now" ? localDate(q.now, q.settings.timeZone) : undefined;
  const rows = (await store.rows(candidatesQuery(store.tenantId, q.limit, q.after, q.customerId, dueBy))) as unknown as CandidateRow[];
  const page = toPage(rows, q.limit, CANDIDATES_CURSOR, (r) => [r.expected_value, r.id], candidatesFilter(q));
  if (page.data.length === 0) return page;
  const stamp = page.data[0]!.catalogue_stamp;
  const comebacks = await comebacksForToday(
    store,
    page.data.map((r) => ({
      id: r.id,
      subscriptionId: r.subscription_id,
      customerId: r.customer_id,
      reason: r.reason,
      returnOn: r.return_on,
      comeback: r.comeback === null ? null : (JSON.parse(r.comeback) as StoredComeback),
      comebackStamp: r.comeback_stamp,
    })),
    stamp,
    q.now,
    q.settings,
  );
  const data = page.data.map((r) => {
    const offer = comebacks.get(r.id)?.offer ?? null;
    return {
      customerId: r.customer_id,
      subscriptionId: r.subscription_id,
      reason: r.reason,
      canceledAt: r.canceled_at,
      returnOn: r.return_on,
      dueOn: r.due_on,
      probability: r.probability,
      drivers: localizeWinbackDrivers(JSON.parse(r.drivers) as WinbackDriver[], q.lang, r.currency),
      annualValue: { amount: r.annual_value, currency: r.currency },
      expectedValue: { amount: r.expected_value, currency: r.currency },
      modelVersion: r.model_version,
      offer: offer ? presentComeback(offer, q.lang) : null,
    };
  });
  return { data, nextCursor: page.nextCursor };
}
