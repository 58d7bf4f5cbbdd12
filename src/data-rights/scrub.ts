/**
 * Pure helpers for erasure: what counts as personal in a stored JSON document, and the document
 * without it. Used on event data, cancel-flow evidence, webhook payloads and stored answers.
 */

/** Keys whose values are free text or contact data wherever they appear (an event's `note`, a reason's `comment`). */
export const PERSONAL_KEYS = new Set(["name", "nameKana", "email", "phone", "phoneExtension", "note", "comment", "address", "postalCode", "freeText"]);

/**
 * A personal value shorter than this is looked for as a whole string only: a one- or two-letter
 * name would otherwise empty every string that happens to contain it.
 */
const MIN_CONTAINED = 3;

/** Characters of a merchant's id (platform/openapi MerchantId), and `%` of an encoded one: what may not touch an id found inside a string. */
const ID_CHAR = /[A-Za-z0-9._:%-]/u;

/**
 * `text` with each `rename` key found inside it (as written, or URL-encoded as in a query string)
 * replaced by its value, where it stands as a whole id: not `C-1` inside `C-10` or `2026-C-1`.
 */
export function renameWithin(text: string, rename: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of rename) {
    for (const [needle, replacement] of new Map([[from, to], [encodeURIComponent(from), encodeURIComponent(to)]])) {
      if (!needle || !out.includes(needle)) continue;
      let result = "";
      let i = 0;
      for (let at = out.indexOf(needle); at !== -1; at = out.indexOf(needle, at + needle.length)) {
        const before = at > 0 ? out[at - 1]! : "";
        const after = out[at + needle.length] ?? "";
        if (ID_CHAR.test(before) || ID_CHAR.test(after)) continue;
        result += out.slice(i, at) + replacement;
        i = at + needle.length;
      }
      out = result + out.slice(i);
    }
  }
  return out;
}

/**
 * `value` with every string equal to or containing one of `personal` (the person's name, e-mail,
 * phone…, as written or URL-encoded) and every value under a PERSONAL_KEYS key replaced by null,
 * and every `rename` key replaced wherever it stands, in a longer string too (the customer's id →
 * its pseudonym: `/v1/winback/candidates?customerId=C-1` → `…?customerId=erased_…`). Numbers, booleans, codes and dates stay: the evidence still
 * reads (steps, times, offers shown, outcome).
 */
export function scrub(value: unknown, personal: ReadonlySet<string>, rename: ReadonlyMap<string, string> = new Map(), under?: string): unknown {
  if (typeof value === "string") {
    if (personal.has(value)) return null;
    const renamed = rename.get(value);
    if (renamed !== undefined) return renamed;
    // Inside a longer string too (a URL, a sentence), as written or URL-encoded: a string that
    // contains a personal value goes whole; an id in it is renamed where it stands.
    for (const p of personal) if (p.length >= MIN_CONTAINED && (value.includes(p) || value.includes(encodeURIComponent(p)))) return null;
    return renameWithin(value, rename);
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, personal, rename));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    // A product's `name` is the shop's catalogue and an actor's the operator's, not the person's:
    // kept, as the documented schemas of a subscription and a change require (a string, never null).
    const keep = under === "product" || under === "actor" ? "name" : null;
    for (const [k, v] of Object.entries(value)) out[k] = PERSONAL_KEYS.has(k) && k !== keep && v !== null ? null : scrub(v, personal, rename, k);
    return out;
  }
  return value;
}

/** `text` (JSON, or anything) without the person: parsed and scrubbed when JSON; else null when it mentions them. */
export function scrubText(text: string, personal: ReadonlySet<string>, rename: ReadonlyMap<string, string>): string | null {
  try {
    return JSON.stringify(scrub(JSON.parse(text), personal, rename));
  } catch {
    return mentions(text, [...personal, ...rename.keys()]) ? null : text;
  }
}

/** Whether `text` mentions any of `needles` (as JSON would write them, or URL-encoded). */
export function mentions(text: string, needles: Iterable<string>): boolean {
  for (const n of needles) if (n && (text.includes(n) || text.includes(JSON.stringify(n).slice(1, -1)) || text.includes(encodeURIComponent(n)))) return true;
  return false;
}
