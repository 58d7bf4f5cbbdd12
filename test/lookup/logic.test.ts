import { describe, expect, it } from "vitest";
import { actionOf, speechFor } from "../../src/lookup/logic";

describe("the action an offer stands for", () => {
  it("says a moved delivery as moving it, a plain skip as a skip, and has no word for other types", () => {
    const moved = actionOf({ type: "skip", parameters: { type: "skip", mode: "move_next_delivery" } });
    expect(moved).toBe("move_delivery");
    expect(actionOf({ type: "skip", parameters: { type: "skip", mode: "skip" } })).toBe("skip");
    expect(actionOf({ type: "discount", parameters: { type: "discount" } })).toBe("discount");
    expect(actionOf({ type: "something_new", parameters: { type: "something_new" } })).toBeNull();

    const focus = { id: "S-1", status: "active" as const, productName: "青汁", nextDeliveryOn: "2026-12-03", quantity: 1, intervalDays: 30, unitPriceAmount: 3000, risk: null };
    const ja = speechFor({ customerName: "後藤 彩", focus, band: "high", action: moved, today: "2026-11-23" }, "ja");
    expect(ja).toContain("お届け日の変更");
    expect(ja).not.toContain("スキップ");
    expect(speechFor({ customerName: "Aya Goto", focus, band: "high", action: moved, today: "2026-11-23" }, "en")).toContain("move your next delivery");
  });
});
