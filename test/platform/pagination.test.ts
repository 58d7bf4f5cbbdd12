import { describe, expect, it } from "vitest";
import { cursorList, decodeCursor, encodeCursor, toPage, type CursorFilter, type CursorList } from "../../src/platform/pagination";

const refused = expect.objectContaining({ code: "validation_failed", extra: { errors: [{ path: "query.cursor", message: "Invalid cursor" }] } });
/** A cursor written by hand: `[tag, ...key]` as the API encodes it. */
const forged = (parts: unknown[]) => btoa(JSON.stringify(parts)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
/** The tag a list's cursors carry under `filter` (read from one it issued). */
const tagOf = (list: CursorList, filter?: CursorFilter): string => JSON.parse(atob(encodeCursor(list, [] as never, filter).replace(/-/g, "+").replace(/_/g, "/")))[0];

describe("cursors", () => {
  const timeline = cursorList("tl", ["instant", ["event", "change", "cancel_flow"], "text"]);
  const atRisk = cursorList("risk", ["integer", "id"]);
  const changes = cursorList("chg", ["instant", "id"]);

  it("carry a key with Japanese text and emoji, and read it back, as short ASCII", () => {
    const key = ["2026-11-23T04:15:00.000Z", "event", "定期便・お試し🍵"] as [string, string, string];
    const cursor = encodeCursor(timeline, key, ["C-1"]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, timeline, ["C-1"])).toEqual(key);
    expect(encodeCursor(changes, ["2026-11-23T04:15:00.000Z", "chg_0mhx1p2a3b4c5d6e7f8g9h"], ["S-2024-000981"]).length).toBeLessThan(100);
  });

  it("a page whose last row has a non-Latin-1 id still gets a next cursor, for its list and filter", () => {
    const page = toPage([{ revenue: 500, id: "顧客-1" }, { revenue: 400, id: "顧客-2" }], 1, atRisk, (r) => [r.revenue, r.id], ["high"]);
    expect(decodeCursor(page.nextCursor!, atRisk, ["high"])).toEqual([500, "顧客-1"]);
    expect(decodeCursor(undefined, atRisk)).toBeUndefined();
  });

  it("are good only for the list and filter that issued them: another customer's timeline, another band, another list → the same 422", () => {
    const c1 = encodeCursor(timeline, ["2026-11-23T04:15:00.000Z", "change", "chg_1"], ["C-1"]);
    expect(() => decodeCursor(c1, timeline, ["C-2"])).toThrow(refused);
    expect(() => decodeCursor(c1, timeline)).toThrow(refused);
    const all = encodeCursor(atRisk, [4980, "S-1"], [undefined]);
    expect(decodeCursor(all, atRisk, [undefined])).toEqual([4980, "S-1"]);
    expect(decodeCursor(all, atRisk)).toEqual([4980, "S-1"]); // no filter and a filter left out are the same list
    expect(() => decodeCursor(all, atRisk, ["low"])).toThrow(refused);
    expect(() => decodeCursor(encodeCursor(atRisk, [4980, "S-1"], ["low"]), atRisk, ["high"])).toThrow(refused);
    // The same key shape under another list's name.
    const audit = cursorList("aud", ["instant", "id"]);
    expect(() => decodeCursor(encodeCursor(audit, ["2026-12-01T00:00:00.000Z", "aud_1"]), changes, ["S-1"])).toThrow(refused);
  });

  it("refuse forged values with the same 422: SQL in an instant, impossible dates, huge or fractional numbers, ids with spaces", () => {
    // The fuzzer's, even under the right tag.
    const cases: [CursorList, CursorFilter, unknown[]][] = [
      [changes, ["S-1"], ["x' OR 1=1--", "y"]],
      [timeline, ["C-1"], ["9999-99-99T99:99:99Z", "change", "x"]],
      [atRisk, [undefined], [1e308, "a"]],
    ];
    for (const [list, filter, key] of cases) expect(() => decodeCursor(forged([tagOf(list, filter), ...key]), list, filter)).toThrow(refused);
    const tl = (key: unknown[]) => () => decodeCursor(forged([tagOf(timeline, ["C-1"]), ...key]), timeline, ["C-1"]);
    expect(tl(["2026-11-23T04:15:00.000Z", "event", "evt 20261120 000123"])()).toEqual(["2026-11-23T04:15:00.000Z", "event", "evt 20261120 000123"]);
    for (const key of [
      ["2026-02-30T00:00:00.000Z", "event", "e"], // no such day
      ["2026-11-23 04:15:00", "event", "e"],
      ["2026-11-23T04:15:00.000Z", "payment", "e"], // not a kind the timeline has
      ["2026-11-23T04:15:00.000Z", "event", ""],
      ["2026-11-23T04:15:00.000Z", "event", "a\u0000b"],
      ["2026-11-23T04:15:00.000Z", "event", "x".repeat(129)],
      ["2026-11-23T04:15:00.000Z", "event"],
    ]) {
      expect(tl(key), JSON.stringify(key)).toThrow(refused);
    }
    const risk = (key: unknown[]) => () => decodeCursor(forged(["risk", ...key]), atRisk);
    expect(risk([4980, "S-1"])()).toEqual([4980, "S-1"]);
    for (const key of [[1e308, "a"], [-1, "a"], [1.5, "a"], ["4980", "a"], [4980, "S 1"], [4980, 1], [4980], [4980, "a", 1]]) {
      expect(risk(key), JSON.stringify(key)).toThrow(refused);
    }
    expect(() => decodeCursor("not a cursor!", atRisk)).toThrow(refused);
    expect(() => decodeCursor(btoa('[42,"sub_1"]'), atRisk)).toThrow(refused); // a bare key, as cursors were before they named their list
  });
});
