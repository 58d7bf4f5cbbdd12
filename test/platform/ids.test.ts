import { describe, expect, it } from "vitest";
import { newId } from "../../src/platform/crypto";

// Lists read newest first by (time, id): rows written in the same millisecond must keep the order
// they were written in, so ids made one after the other sort that way.
describe("newId", () => {
  it("ids made one after the other, thousands in a millisecond, are unique and sort in the order they were made", () => {
    const ids = Array.from({ length: 5000 }, () => newId("chg"));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^chg_[0-9a-z]{11}[A-Za-z0-9]{9}$/);
  });
});
