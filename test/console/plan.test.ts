import { describe, expect, it } from "vitest";
import { changeCallOf, changedWords, fieldRefusalOf, fieldRefusalWords, fieldRefusalOfQuery } from "../../src/console/plan";

// The karte's plan-change forms as the API calls they make: what the operator picked, nothing else.
describe("a plan-change form as an API call", () => {
  it("maps each action and its one field", () => {
    expect(changeCallOf({ action: "skip" })).toEqual({ path: "skip", body: { count: 1 } });
    expect(changeCallOf({ action: "interval", intervalDays: "45" })).toEqual({ path: "interval", body: { intervalDays: 45 } });
    expect(changeCallOf({ action: "quantity", quantity: "2" })).toEqual({ path: "quantity", body: { quantity: 2 } });
    expect(changeCallOf({ action: "pause", resumeOn: "2027-01-15" })).toEqual({ path: "pause", body: { resumeOn: "2027-01-15" } });
    expect(changeCallOf({ action: "next-delivery", date: "2026-12-20" })).toEqual({ path: "next-delivery", body: { date: "2026-12-20" } });
    expect(changeCallOf({ action: "resume" })).toEqual({ path: "resume", body: {} });
  });

  it("refuses an unknown action, a missing field or a number that is not whole", () => {
    expect(changeCallOf({ action: "cancel" })).toBeNull();
    expect(changeCallOf({})).toBeNull();
    expect(changeCallOf({ action: "pause" })).toBeNull();
    expect(changeCallOf({ action: "quantity", quantity: "1.5" })).toBeNull();
    expect(changeCallOf({ action: "interval", intervalDays: "" })).toBeNull();
  });
});

// The karte's notice after a change says what it did, from the plan as it now is (as the portal does).
describe("a plan change in the operator's words", () => {
  const plan = { intervalDays: 60, intervalMonths: null, quantity: 2, nextDeliveryOn: "2027-01-16", pausedUntil: null, product: { unitsPerPackage: 30, unitLabel: "包" } };
  it("names the new date, interval or quantity", () => {
    expect(changedWords("next-delivery", plan, "ja", "2026-12-02")).toBe("次回のお届けを2027年1月16日に変更しました。");
    // An interval or a quantity is read back with the delivery the caller will see it on.
    expect(changedWords("interval", plan, "ja", "2026-12-02")).toBe("お届け間隔を60日ごとに変更しました。次回のお届けは2027年1月16日です。");
    expect(changedWords("interval", { ...plan, intervalMonths: 2 }, "ja", "2026-12-02")).toBe("お届け間隔を2ヶ月ごとに変更しました。次回のお届けは2027年1月16日です。");
    expect(changedWords("quantity", plan, "ja", "2026-12-02")).toBe("数量を2個（30包入り）に変更しました。次回のお届けは2027年1月16日です。");
    expect(changedWords("quantity", { ...plan, nextDeliveryOn: null }, "ja", "2026-12-02")).toBe("数量を2個（30包入り）に変更しました。");
    expect(changedWords("pause", { ...plan, pausedUntil: "2027-03-01" }, "ja", "2026-12-02")).toBe("お届けをお休みにしました。2027年3月1日のお届けから再開します。");
    expect(changedWords("interval", plan, "en", "2026-12-02")).toBe("Deliveries now come every 60 days. The next delivery is on 16 Jan 2027.");
    expect(changedWords("skip", plan, "ja", "2026-12-02", true)).toBe("次回のお届けを1回スキップしました。次回のお届けは2027年1月16日です。お客様は継続されます。");
  });
  it("says nothing it cannot know: no date, no sentence", () => {
    expect(changedWords("skip", { ...plan, nextDeliveryOn: null }, "ja", "2026-12-02")).toBeNull();
  });
});

// A refused date goes back to its field with the bound the API's problem named.
describe("a refused date at its field", () => {
  it("keeps the date entered and names the first date that can be chosen", () => {
    const r = fieldRefusalOf({ path: "next-delivery", body: { date: "2026-12-03" } }, { code: "change_window_closed", firstChangeableDate: "2026-12-06" });
    expect(r).toEqual({ action: "next-delivery", value: "2026-12-03", earliest: "2026-12-06", latest: null });
    expect(fieldRefusalWords(r!, "ja", "2026-12-02")).toContain("次回お届け日は");
    const late = fieldRefusalOf({ path: "pause", body: { resumeOn: "2027-09-01" } }, { code: "date_out_of_range", latestDate: "2027-03-01" });
    expect(late).toMatchObject({ action: "pause", latest: "2027-03-01", earliest: null });
  });
  it("a closed day names the date entered and the first open day after the closure, back through the karte's URL (trial49)", () => {
    const r = fieldRefusalOf({ path: "next-delivery", body: { date: "2026-12-31" } }, { code: "delivery_date_closed", closedFrom: "2026-12-29", closedTo: "2027-01-03", nextOpenDate: "2027-01-04" });
    expect(r).toEqual({ action: "next-delivery", value: "2026-12-31", earliest: null, latest: null, open: "2027-01-04" });
    expect(fieldRefusalOfQuery({ field: "next-delivery", value: "2026-12-31", open: "2027-01-04", error: "delivery_date_closed" })).toEqual(r);
    expect(fieldRefusalWords(r!, "ja", "2026-12-05")).toBe("次回お届け日の2026年12月31日はショップのお届け休業日です。休業日以外の日付を選んでください（休業明けは2027年1月4日です）。");
  });
    it("leaves any other refusal page-wide", () => {
    expect(fieldRefusalOf({ path: "skip", body: { count: 1 } }, { firstChangeableDate: "2026-12-06" })).toBeNull();
    expect(fieldRefusalOf({ path: "next-delivery", body: { date: "2026-12-03" } }, { code: "version_conflict" })).toBeNull();
  });
});
