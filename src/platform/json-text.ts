/**
 * JSON text in ASCII: every character outside it written as a \uXXXX escape (RFC 8259 §7), so
 * the text parses to the same value. For JSON a statement carries and a response sends as text
 * (the win-back list's stored comebacks): an ASCII string crosses from SQLite to JavaScript and
 * out to the socket without UTF-8 transcoding, which for a page of Japanese copy was a tenth of the
 * request's CPU. Costs ~1.6× the bytes of Japanese text.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
