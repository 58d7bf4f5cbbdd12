import { describe, expect, it } from "vitest";
import { actionOf, fallbackAction, nextDeliveryPending, routeFor, speechFor } from "../../src/lookup/logic";

describe("the action an offer stands for", () => {
  it("says a moved delivery as moving it, a plain skip as a skip, and has no word for other types", () => {
    const moved = actionOf({ type: "skip", parameters: { type: "skip", mode: "move_next_delivery" } });
    expect(moved).toBe("move_delivery");
    expect(actionOf({ type: "skip", parameters: { type: "skip", mode: "skip" } })).toBe("skip");
    expect(actionOf({ type: "discount", parameters: { type: "discount" } })).toBe("discount");
    expect(actionOf({ type: "something_new", parameters: { type: "something_new" } })).toBeNull();

    const focus = { id: "S-1", status: "active" as const, productName: "青汁", nextDeliveryOn: "2026-12-03", quantity: 1, intervalDays: 30, unitPriceAmount: 3000, currency: "JPY", risk: null };
    const ja = speechFor({ customerName: "後藤 彩", focus, band: "high", action: moved, today: "2026-11-23" }, "ja");
    expect(ja).toContain("お届け日の変更");
    expect(ja).not.toContain("スキップ");
    expect(speechFor({ customerName: "Aya Goto", focus, band: "high", action: moved, today: "2026-11-23" }, "en")).toContain("move your next delivery");
  });
});

describe("the drivers' action when the offer engine has nothing", () => {
  // 「次回分のスキップも承ります」 promised a skip of a delivery inside the change cut-off (no skip offer is made then).
  it("suggests a skip only when the next delivery can still be skipped: inside the cut-off a longer interval, paused a longer pause", () => {
    const surplus = [{ code: "surplus_stock" as const, contribution: 0.8, value: 2 }];
    const plan = (status: string, nextDeliveryOn: string | null) => ({ status, nextDeliveryOn, firstChangeableDate: "2026-12-05" });
    expect(fallbackAction("high", surplus, plan("active", "2026-12-05"))).toBe("skip");
    expect(fallbackAction("high", surplus, plan("active", "2026-12-04"))).toBe("change_interval");
    expect(fallbackAction("medium", [], plan("active", "2026-12-03"))).toBe("change_interval");
    expect(fallbackAction("high", surplus, plan("paused", "2027-01-10"))).toBe("pause");
    expect(fallbackAction("low", surplus, plan("active", "2026-12-04"))).toBeNull();
    const focus = { id: "S-1", status: "active" as const, productName: "青汁", nextDeliveryOn: "2026-12-04", quantity: 1, intervalDays: 30, unitPriceAmount: 3000, currency: "JPY", risk: null };
    const line = speechFor({ customerName: "後藤 彩", focus, band: "high", action: fallbackAction("high", surplus, plan("active", "2026-12-04")), today: "2026-12-02" }, "ja");
    expect(line).not.toContain("スキップ");
    expect(line).toContain("お届け間隔の変更も承ります。");
  });
});

describe("the IVR line with the stock on hand (issue #14)", () => {
  it("says the stock as a person would, from the stored estimate, when it explains the option", () => {
    const focus = {
      id: "S-1",
      status: "active" as const,
      productName: "国産大麦若葉の青汁 30包",
      nextDeliveryOn: "2026-12-03",
      quantity: 1,
      intervalDays: 30,
      unitPriceAmount: 3980,
      currency: "JPY",
      risk: null,
      unitLabel: "包",
      stock: { unitsOnHand: 60, perDay: 0.6667, basis: "history" as const, daysOnHand: 90 },
    };
    const ja = speechFor({ customerName: "山田 花子", focus, band: "medium", action: "skip", today: "2026-11-23" }, "ja");
    expect(ja).toBe("山田 花子様、次回のお届けは12月3日の予定です。あと約60包、3か月分ほどあります。次回分のスキップも承ります。");
    expect([...ja].length).toBeLessThanOrEqual(60);
    const en = speechFor({ customerName: "Aya", focus, band: "medium", action: "skip", today: "2026-12-02" }, "en");
    expect(en).toBe("Hello Aya. Your next delivery is tomorrow. You have about 60 sachets left, about three months. You can skip the next delivery if you like.");
    // Not for an option the stock does not explain, nor for a caller at low risk.
    expect(speechFor({ customerName: "山田 花子", focus, band: "medium", action: "discount", today: "2026-11-23" }, "ja")).not.toContain("あと約");
    expect(speechFor({ customerName: "山田 花子", focus, band: "low", action: "skip", today: "2026-11-23" }, "ja")).not.toContain("あと約");
  });
});

describe("the IVR line for a caller with several plans", () => {
  it("does not say the plan at risk's date as the caller's next delivery when another plan ships first", () => {
    const sub = (id: string, productName: string, nextDeliveryOn: string, status: "active" | "paused" | "canceled" = "active") => ({ id, status, productName, nextDeliveryOn, quantity: 1, intervalDays: 30, unitPriceAmount: 3000, currency: "JPY", risk: null, productCategory: "supplement" });
    const focus = sub("S-2", "ルテインサプリ 30粒", "2026-12-30");
    const subs = [sub("S-1", "コラーゲンドリンク 50ml×10本", "2026-12-05"), focus, sub("S-3", "青汁", "2026-12-01", "canceled")];
    const input = { customerName: "竹内 大輔", focus, subs, band: "low" as const, action: null, today: "2026-12-02" };
    expect(speechFor(input, "ja")).toBe("竹内 大輔様、次回のルテインサプリ 30粒のお届けは12月30日の予定です。");
    expect(speechFor(input, "en")).toBe("Hello. Your next supplement delivery is on December 30.");
    // The cancelled plan does not count; with the focus plan first, its date is the caller's next delivery.
    expect(speechFor({ ...input, subs: [focus, subs[2]!] }, "ja")).toBe("竹内 大輔様、次回のルテインサプリ 30粒のお届けは12月30日の予定です。");
    expect(speechFor({ ...input, subs: [{ ...subs[0]!, nextDeliveryOn: "2026-12-30" }, focus], band: "medium", action: "skip" }, "ja")).toBe("竹内 大輔様、次回のルテインサプリ 30粒のお届けは12月30日の予定です。次回分のスキップも承ります。");
  });
});

describe("a next delivery already past (the cart has not synced the shipment yet)", () => {
  const sub = (nextDeliveryOn: string, status: "active" | "paused" | "canceled" = "active") => ({ id: "S-1", status, productName: "青汁", nextDeliveryOn, quantity: 1, intervalDays: 30, unitPriceAmount: 3000, currency: "JPY", risk: null });

  it("is pending from the day after it, for an active plan only", () => {
    expect(nextDeliveryPending(sub("2026-12-02"), "2026-12-03")).toBe(true);
    expect(nextDeliveryPending(sub("2026-12-03"), "2026-12-03")).toBe(false);
    expect(nextDeliveryPending(sub("2026-12-02", "paused"), "2026-12-03")).toBe(false);
  });

  it("does not send the caller to the self-service menu, which would offer to change a date that is gone", () => {
    expect(routeFor("low", [sub("2026-12-10")], "2026-12-03")).toBe("self_service");
    expect(routeFor("low", [sub("2026-12-02")], "2026-12-03")).toBe("standard_queue");
  });

  it("is not said as the caller's next delivery when another plan is the one at risk", () => {
    const focus = { ...sub("2026-12-30"), id: "S-2", productName: "ルテインサプリ 30粒" };
    const input = { customerName: "竹内 大輔", focus, subs: [sub("2026-12-02"), focus], band: "low" as const, action: null, today: "2026-12-03" };
    expect(speechFor(input, "ja")).toBe("竹内 大輔様、次回のルテインサプリ 30粒のお届けは12月30日の予定です。");
    // English cannot name the plan at risk: the caller's next delivery, which is being confirmed.
    expect(speechFor(input, "en")).toBe("Hello. Your next delivery date is being confirmed.");
  });
});

describe("a cancelled plan's last delivery", () => {
  it("is said while it is still to come", () => {
    const focus = { id: "S-1", status: "canceled" as const, productName: "青汁", nextDeliveryOn: null, finalDeliveryOn: "2026-12-04", quantity: 1, intervalDays: 30, unitPriceAmount: 3000, currency: "JPY", risk: null };
    expect(speechFor({ customerName: "山田 花子", focus, band: "low", action: null, today: "2026-12-03" }, "ja")).toBe("山田 花子様、青汁の定期コースはご解約済みです。最後のお届けは明日の予定です。");
    expect(speechFor({ customerName: "Hanako", focus, band: "low", action: null, today: "2026-12-03" }, "en")).toBe("Hello Hanako. Your subscription has been canceled. Your last delivery is tomorrow.");
  });
});
