/**
 * Pure helpers for erasure: what counts as personal in a stored JSON document, and the document
 * without it. Used on event data, cancel-flow evidence, webhook payloads and stored answers.
 */

/** Keys whose values are free text or contact data wherever they appear (an event's `note`, a reason's `comment`). */
export const PERSONAL_KEYS = new Set(["name", "email", "phone", "phoneExtension", "note", "comment", "address", "postalCode", "freeText"]);

/**
 * `value` with every string equal to one of `personal` (the person's name, e-mail, phone…) and
 * every value under a PERSONAL_KEYS key replaced by null, and every string in `rename` replaced
 * (the customer's id → its pseudonym). Numbers, booleans, codes and dates stay: the evidence still
 * reads (steps, times, offers shown, outcome).
 */
export function scrub(value: unknown, personal: ReadonlySet<string>, rename: ReadonlyMap<string, string> = new Map(), under?: string): unknown {
  if (typeof value === "string") {
    if (personal.has(value)) return null;
    return rename.get(value) ?? value;
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
    return [...personal, ...rename.keys()].some((p) => text.includes(p)) ? null : text;
  }
}

/** Whether `text` mentions any of `needles` (as JSON would write them). */
export function mentions(text: string, needles: Iterable<string>): boolean {
  for (const n of needles) if (n && (text.includes(n) || text.includes(JSON.stringify(n).slice(1, -1)))) return true;
  return false;
}
