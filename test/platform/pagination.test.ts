import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, toPage } from "../../src/platform/pagination";

describe("cursors", () => {
  it("carry a key with Japanese text and emoji, and read it back", () => {
    const key = [1200, "定期便・お試し", "🍵"];
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(key);
  });

  it("are unchanged for ASCII keys, so cursors already handed out still work", () => {
    expect(encodeCursor([42, "sub_1"])).toBe(btoa('[42,"sub_1"]').replace(/=+$/, ""));
    expect(decodeCursor(btoa('[42,"sub_1"]'))).toEqual([42, "sub_1"]);
  });

  it("a page whose last row has a non-Latin-1 id still gets a next cursor", () => {
    const page = toPage([{ id: "顧客-1" }, { id: "顧客-2" }], 1, (r) => [r.id]);
    expect(decodeCursor(page.nextCursor!)).toEqual(["顧客-1"]);
  });

  it("refuse what this API did not issue with 422 validation_failed", () => {
    expect(() => decodeCursor("not a cursor!")).toThrow(expect.objectContaining({ code: "validation_failed" }));
  });

  it("with a keyset's shape, give the key typed, and refuse a key of another arity or type with the same 422", () => {
    const shape = ["number", "string"] as const;
    const key: [number, string] | undefined = decodeCursor(encodeCursor([4980, "wb_1"]), shape);
    expect(key).toEqual([4980, "wb_1"]);
    expect(decodeCursor(undefined, shape)).toBeUndefined();
    for (const other of [["4980", "wb_1"], [4980], [4980, "wb_1", 1], [4980, 1], []]) {
      expect(decodeCursor(encodeCursor(other))).toEqual(other); // a key, but not this list's
      expect(() => decodeCursor(encodeCursor(other), shape)).toThrow(expect.objectContaining({ code: "validation_failed", extra: { errors: [{ path: "query.cursor", message: "Invalid cursor" }] } }));
    }
  });
});
