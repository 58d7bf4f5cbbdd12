/** WebCrypto and `node:crypto`'s hash, which both runtimes have (workerd through `nodejs_compat`, wrangler.toml). */
import { createHash } from "node:crypto";

const encoder = new TextEncoder();

/**
 * SHA-256 of the text's UTF-8 bytes, as 64 lowercase hex digits. Synchronous: WebCrypto's `digest`
 * is a job on Node's thread pool, and its promise and copies cost a keyed write ≈ 60 µs of the event
 * loop's CPU against ≈ 3 µs for this (bench/write-cost.ts, BENCHMARKS "Where a write's time goes").
 */
export function sha256Hex(input: string): string {
  return createHash("sha256").update(input, "utf8").digest("hex");
}

/**
 * base64url without padding (RFC 4648 §5): of bytes, or of a string of byte values (each
 * character below U+0100, as `btoa` takes). Sealed secrets, cursors and CSRF tokens are written so.
 */
export function base64url(data: Uint8Array | string): string {
  return btoa(typeof data === "string" ? data : String.fromCharCode(...data)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** {@link base64url}'s text read back, as a string of byte values (`atob`'s form); text that is not base64 throws. */
export function fromBase64url(text: string): string {
  return atob(text.replace(/-/g, "+").replace(/_/g, "/"));
}

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62 string; 22 characters carry about 131 bits. */
export function randomToken(length = 22): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  // 248 = 4 × 62: bytes at or above it are redrawn so every character is equally likely.
  for (let i = 0; out.length < length; i++) {
    if (i >= bytes.length) {
      crypto.getRandomValues(bytes);
      i = 0;
    }
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}

/** The last sequence `newId` used (microseconds since the epoch, or one more than the one before). */
let lastSequence = 0;

/**
 * Service-created ids are prefixed so a support engineer can tell what an id names: `prefix_`, then
 * 11 characters of a sequence that never repeats or goes back in this process (base 36: the
 * clock's microseconds, or one more than the last), then 9 random ones (base 62, ≈ 53 bits). The
 * lists ordered by (time, id) — the audit log, a subscription's changes, webhook deliveries — so
 * read rows written in the same millisecond (common on a fast machine) in the order they were
 * written, not at random.
 */
export function newId(prefix: "ten" | "key" | "cf" | "chg" | "off" | "evt" | "wh" | "mdl" | "cs" | "aud" | "cst" | "wb"): string {
  lastSequence = Math.max(lastSequence + 1, Date.now() * 1000);
  return `${prefix}_${lastSequence.toString(36).padStart(11, "0")}${randomToken(9)}`;
}

/** Canonical JSON (sorted keys) so `{a,b}` and `{b,a}` count as the same request body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
