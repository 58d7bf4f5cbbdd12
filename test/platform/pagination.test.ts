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
});
