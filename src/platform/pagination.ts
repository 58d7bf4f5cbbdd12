import { z } from "@hono/zod-openapi";
import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { base64url, fromBase64url } from "./crypto";
import { ApiError } from "./errors";

/**
 * Cursors are opaque to callers: base64url of `[tag, ...key]`, the last row's sort key after the
 * tag of the list that issued it. Keyset pagination keeps every page an index seek however deep
 * the caller goes.
 *
 * The tag names the list and, when the list is filtered or belongs to one parent (a customer's
 * timeline, a band of the at-risk list), a short hash of that filter: a cursor is good only for
 * the list and filter it came from. Not a signature — a cursor carries nothing beyond the caller's
 * own scope, and every query binds its values as values — but a cursor from another list, or one
 * written by hand, is refused instead of answering some page.
 */

/**
 * What one position of a keyset cursor holds, checked on the way in:
 * - `instant`: an instant as this API stores them, `2026-11-23T04:15:00.000Z` (a real date and
 *   time, UTC, `Z`);
 * - `id`: an id, the merchant's (`C-100245`) or the API's own (`chg_…`): 1–128 characters, no
 *   white space or control character (looser than MerchantId, so no stored id is refused as a position);
 * - `text`: 1–128 characters without control characters (an event's id, which is the merchant's text);
 * - `integer`: a whole number from 0 to 2^53 − 1 (money in minor units, a count);
 * - a list of words: one of them.
 */
export type CursorPart = "instant" | "id" | "text" | "integer" | readonly string[];
type KeyOf<S extends readonly CursorPart[]> = { -readonly [I in keyof S]: S[I] extends "integer" ? number : string };

/** One list's cursor: its name (short: it is in every cursor) and what each position of its key holds. */
export type CursorList<S extends readonly CursorPart[] = readonly CursorPart[]> = { readonly name: string; readonly shape: S };

/** Declares a list's cursor, once, beside the list's query (`cursorList("chg", ["instant", "id"])`). */
export function cursorList<const S extends readonly CursorPart[]>(name: string, shape: S): CursorList<S> {
  return { name, shape };
}

/**
 * What a list is narrowed to, beyond the caller's tenant: the parent it belongs to (a customer's
 * id for their timeline) and the query's filters, in a fixed order; undefined where a filter is
 * left out. A cursor is good only under the same filter.
 */
export type CursorFilter = readonly (string | number | undefined)[];

/**
 * The list's name, and for a filtered list FNV-1a over the filter's values, base 36 (1–7
 * characters). Hashed value by value, with no string built: the at-risk list decodes its cursor
 * twice a request (its prefetch plan, then the route).
 */
function tagOf(list: CursorList, filter: CursorFilter | undefined): string {
  if (filter === undefined) return list.name;
  let h = 0x811c9dc5;
  let any = false;
  for (const v of filter) {
    // A value left out, a number and text each hash apart (0x1e, 0x1d, 0x1c first); 0x1f ends each value.
    if (v === undefined) h = Math.imul(h ^ 0x1e, 0x01000193);
    else {
      any = true;
      const text = typeof v === "number" ? String(v) : v;
      h = Math.imul(h ^ (typeof v === "number" ? 0x1d : 0x1c), 0x01000193);
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    }
    h = Math.imul(h ^ 0x1f, 0x01000193);
  }
  return any ? `${list.name}.${(h >>> 0).toString(36)}` : list.name;
}

export function encodeCursor<S extends readonly CursorPart[]>(list: CursorList<S>, key: KeyOf<S>, filter?: CursorFilter): string {
  // btoa takes Latin-1 only: a key with other text (a Japanese id, say) goes as JSON \u escapes,
  // which JSON.parse reads back — so the cursor stays ASCII.
  const json = JSON.stringify([tagOf(list, filter), ...(key as readonly unknown[])]).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return base64url(json);
}

/** An instant as stored: `toISOString()`'s form (milliseconds optional). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
/** An id: no white space or control character (platform/openapi MerchantId is stricter; a stored id is never refused here). */
const ID = /^[^\s\u0000-\u001f\u007f-\u009f]{1,128}$/;
/** C0 controls, DEL, C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function fits(part: CursorPart, v: unknown): boolean {
  switch (part) {
    case "instant":
      // A real date and time: 9999-99-99T99:99:99Z has the shape, not a time (Date.parse rolls
      // 2026-02-30 over to March; the round trip catches that).
      return typeof v === "string" && INSTANT.test(v) && Number.isFinite(Date.parse(v)) && new Date(v).toISOString().slice(0, 19) === v.slice(0, 19);
    case "id":
      return typeof v === "string" && ID.test(v);
    case "text":
      return typeof v === "string" && v.length >= 1 && v.length <= 128 && !CONTROL.test(v);
    case "integer":
      return Number.isSafeInteger(v) && (v as number) >= 0;
    default:
      return typeof v === "string" && part.includes(v);
  }
}

/**
 * The key a cursor carries, undefined without one. The cursor must be one `list` issued under the
 * same `filter`, its key exactly `list.shape` (each value valid as its part says). Anything else —
 * a cursor of another list or filter, a forged or damaged one — is 422 `validation_failed` on
 * `query.cursor`, the same problem for every list, and reads nothing.
 */
export function decodeCursor<S extends readonly CursorPart[]>(cursor: string | undefined, list: CursorList<S>, filter?: CursorFilter): KeyOf<S> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parts: unknown = JSON.parse(fromBase64url(cursor));
    if (Array.isArray(parts) && parts.length === list.shape.length + 1 && parts[0] === tagOf(list, filter) && list.shape.every((part, i) => fits(part, parts[i + 1]))) {
      return parts.slice(1) as KeyOf<S>;
    }
  } catch {
    // fall through
  }
  throw new ApiError("validation_failed", { en: "The cursor is not one this API issued.", ja: "このカーソルは、この API が発行したものではありません。" }, {
    errors: [{ path: "query.cursor", message: "Invalid cursor" }],
  });
}

/**
 * The rows after the cursor's `[time, id]` in a list read newest first,
 * `orderBy(desc(time), desc(id))`: older, or as old with a smaller id. No cursor: no condition.
 * The audit log, a subscription's changes and webhook deliveries page this way.
 */
export function olderThan(time: SQLiteColumn, id: SQLiteColumn, after: readonly [unknown, unknown] | undefined): SQL | undefined {
  if (!after) return undefined;
  const [t, i] = [String(after[0]), String(after[1])];
  return or(lt(time, t), and(eq(time, t), lt(id, i)));
}

/** Fetch `limit + 1` rows; this trims the extra one and says whether there is a next page (a cursor of `list` under `filter`). */
export function toPage<T, S extends readonly CursorPart[]>(rows: T[], limit: number, list: CursorList<S>, keyOf: (row: T) => KeyOf<S>, filter?: CursorFilter) {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(list, keyOf(last), filter) : null };
}

/** A page size written as a person writes a count: plain decimal digits, nothing else. */
const DIGITS = /^[0-9]+$/;

/**
 * The `limit` query parameter of every list: a page size from 1 to `max` (default `fallback` when
 * left out), documented as an integer. Only plain decimal digits are read (`limit=100`): what
 * `Number` also reads — `1e2`, `0x10`, ` 5`, `5.0`, `` (empty) — is refused with 422
 * `validation_failed` on `query.limit`, since a client sending those means something this API
 * would only be guessing at. A number too large is one error (at most `max`), however many digits.
 */
export function limitParam({ max = 100, fallback = 20 }: { max?: number; fallback?: number } = {}) {
  return z
    .string()
    .regex(DIGITS, { message: "Use plain decimal digits, such as 20" })
    // Beyond 2^53 (or Infinity, for hundreds of digits) the count is still only "too big": one issue.
    .transform((digits) => Math.min(Number(digits), Number.MAX_SAFE_INTEGER))
    .pipe(z.number().int().min(1).max(max))
    .default(fallback)
    .openapi({
      type: "integer",
      minimum: 1,
      maximum: max,
      default: fallback,
      example: fallback,
      description: `Items per page, 1–${max}, in plain decimal digits (\`limit=${max}\`); \`1e2\`, \`0x10\`, \`5.0\` or a space → 422 \`validation_failed\` on \`query.limit\`.`,
    });
}
