import { z } from "@hono/zod-openapi";
import { ApiError } from "./errors";

/**
 * Cursors are opaque to callers: base64url of the last row's sort key. Keyset pagination keeps
 * every page an index seek however deep the caller goes.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  // btoa takes Latin-1 only: a key with other text (a Japanese id, say) goes as JSON \u escapes,
  // which JSON.parse reads back — so the cursor stays ASCII and older cursors still decode.
  const json = JSON.stringify(key).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return btoa(json).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** What each position of a keyset cursor holds. */
export type CursorShape = readonly ("string" | "number")[];
type KeyOf<S extends CursorShape> = { -readonly [I in keyof S]: S[I] extends "number" ? number : string };

/**
 * The key a cursor carries, undefined without one. With `shape`, the key must have exactly that
 * many parts of those types (a keyset query binds them as they are). A cursor this API did not
 * issue → 422 `validation_failed` on `query.cursor`, the same problem for every list.
 */
export function decodeCursor(cursor: string | undefined): (string | number)[] | undefined;
export function decodeCursor<const S extends CursorShape>(cursor: string | undefined, shape: S): KeyOf<S> | undefined;
export function decodeCursor(cursor: string | undefined, shape?: CursorShape): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const json = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const key = JSON.parse(json);
    if (Array.isArray(key) && key.every((k) => typeof k === "string" || typeof k === "number") && (!shape || (key.length === shape.length && shape.every((t, i) => typeof key[i] === t)))) return key;
  } catch {
    // fall through
  }
  throw new ApiError("validation_failed", { en: "The cursor is not one this API issued.", ja: "このカーソルは、この API が発行したものではありません。" }, {
    errors: [{ path: "query.cursor", message: "Invalid cursor" }],
  });
}

/** Fetch `limit + 1` rows; this trims the extra one and says whether there is a next page. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]) {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
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
