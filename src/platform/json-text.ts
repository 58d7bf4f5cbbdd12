const encoder = new TextEncoder();
let scratch = new Uint8Array(new ArrayBuffer(256 * 1024));

/**
 * Strings (written as UTF-8) and byte arrays, one after the other, as one new array: a response
 * body put together from text and remembered bytes (the win-back list splices its comebacks so).
 * A string body would be measured (`Buffer.byteLength`) and then transcoded again by the socket
 * write; `encodeInto` does it once, vectorised: for a ≈ 45 kB page ≈ 70 → 20 µs (Node 24).
 */
export function utf8Join(parts: readonly (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  let most = 0;
  for (const p of parts) most += typeof p === "string" ? p.length * 3 : p.length;
  if (most > scratch.length) scratch = new Uint8Array(new ArrayBuffer(most));
  let at = 0;
  for (const p of parts) {
    if (typeof p === "string") at += encoder.encodeInto(p, at === 0 ? scratch : scratch.subarray(at)).written;
    else {
      scratch.set(p, at);
      at += p.length;
    }
  }
  return scratch.slice(0, at);
}

/** JSON text as the UTF-8 bytes of a response body (see `utf8Join`). */
export function utf8Bytes(text: string): Uint8Array<ArrayBuffer> {
  return utf8Join([text]);
}
