import { describe, expect, it } from "vitest";
import { base64url, fromBase64url } from "../../src/platform/crypto";

// The one base64url writer behind sealed secrets (enc:v1:…), list cursors and console CSRF tokens:
// what was sealed or handed out before must read back the same.
describe("base64url", () => {
  it("writes RFC 4648 §5 without padding, as Node's Buffer does, for every byte value and length", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 34; n++) {
      const bytes = all.subarray(256 - n);
      expect(base64url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
      expect(base64url(String.fromCharCode(...bytes))).toBe(Buffer.from(bytes).toString("base64url"));
    }
    expect(base64url(all)).toBe(Buffer.from(all).toString("base64url"));
  });

  it("reads its own text back to the same bytes", () => {
    const bytes = crypto.getRandomValues(new Uint8Array(57));
    expect(Uint8Array.from(fromBase64url(base64url(bytes)), (c) => c.charCodeAt(0))).toEqual(bytes);
    expect(() => fromBase64url("not*base64")).toThrow();
  });
});
