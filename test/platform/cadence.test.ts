import { describe, expect, it } from "vitest";
import { addCycles, anchorFor, cadenceText, cyclesToReach, cyclesUpTo, firstOnSchedule, nominalIntervalDays } from "../../src/platform/cadence";

const monthly = (intervalMonths: number, deliveryDay: number | null = null) => ({ intervalDays: nominalIntervalDays(intervalMonths), intervalMonths, deliveryDay });

describe("calendar-month cadence", () => {
  it("keeps the day of month and clamps to the month's end: 12/31 → 1/31 → 2/28 → 3/31", () => {
    const plan = monthly(1, 31);
    expect([1, 2, 3, 4].map((n) => addCycles("2026-12-31", plan, n))).toEqual(["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]);
    // Counted from the clamped date, the anchor still decides.
    expect(addCycles("2027-02-28", plan, 1)).toBe("2027-03-31");
  });

  it("leap years: the 29th, 30th and 31st fall on 02-29 in a leap year, 02-28 otherwise", () => {
    expect(addCycles("2028-01-31", monthly(1, 31), 1)).toBe("2028-02-29");
    expect(addCycles("2028-02-29", monthly(1, 29), 1)).toBe("2028-03-29");
    expect(addCycles("2028-02-29", monthly(1, 31), 1)).toBe("2028-03-31");
    expect(addCycles("2028-02-29", monthly(12, 29), 1)).toBe("2029-02-28");
    expect(addCycles("2028-02-29", monthly(12, 29), 4)).toBe("2032-02-29");
    expect(addCycles("2100-01-29", monthly(1), 1)).toBe("2100-02-28"); // 2100 is not a leap year
  });

  it("crosses the year end, every N months and n cycles at once", () => {
    expect(addCycles("2026-11-30", monthly(2), 1)).toBe("2027-01-30");
    expect(addCycles("2026-12-20", monthly(3), 1)).toBe("2027-03-20");
    expect(addCycles("2026-10-31", monthly(2), 3)).toBe("2027-04-30");
    expect(addCycles("2026-12-31", monthly(1, 31), 14)).toBe("2028-02-29");
    expect(addCycles("2027-03-31", monthly(1, 31), -1)).toBe("2027-02-28");
    expect(addCycles("2026-12-31", monthly(1, 31), 0)).toBe("2026-12-31");
  });

  it("without an anchor counts from the date's own day; day plans add days", () => {
    expect(addCycles("2027-01-31", monthly(1), 1)).toBe("2027-02-28");
    expect(addCycles("2026-12-31", { intervalDays: 30 }, 2)).toBe("2027-03-01");
    expect(addCycles("2026-12-31", { intervalDays: 30, intervalMonths: null }, 1)).toBe("2027-01-30");
  });

  it("counts cycles between dates (the inverse of addCycles)", () => {
    const plan = monthly(1, 31);
    expect(cyclesUpTo("2026-12-31", "2027-02-27", plan)).toBe(1);
    expect(cyclesUpTo("2026-12-31", "2027-02-28", plan)).toBe(2);
    expect(cyclesUpTo("2026-12-31", "2026-12-30", plan)).toBe(-1);
    expect(cyclesToReach("2026-12-31", "2027-02-28", plan)).toBe(2);
    expect(cyclesToReach("2026-12-31", "2027-03-01", plan)).toBe(3);
    expect(cyclesUpTo("2026-12-01", "2027-01-29", { intervalDays: 30 })).toBe(1);
    expect(cyclesToReach("2026-12-01", "2027-01-01", { intervalDays: 30 })).toBe(2);
    for (let n = 0; n < 30; n++) {
      const d = addCycles("2027-01-31", monthly(2, 31), n);
      expect(cyclesUpTo("2027-01-31", d, monthly(2, 31))).toBe(n);
      expect(cyclesToReach("2027-01-31", d, monthly(2, 31))).toBe(n);
    }
  });

  it("from a date off the plan's day (a pause or resume to a named date), returns to the day about one interval later", () => {
    // 毎月1日, resumed on 01-31: the next is 03-01, not 02-01 (two deliveries a day apart).
    expect(addCycles("2027-01-31", monthly(1, 1), 1)).toBe("2027-03-01");
    expect(addCycles("2027-01-31", monthly(1, 1), 2)).toBe("2027-04-01");
    // 毎月末日, resumed on 02-01: February's delivery is 02-28, not skipped to 03-31.
    expect(addCycles("2027-02-01", monthly(1, 31), 1)).toBe("2027-02-28");
    expect(addCycles("2027-02-01", monthly(1, 31), 2)).toBe("2027-03-31");
    // Near the day, as before: 05-29 on the 31st → 06-30; a 2-month plan from 03-10 on the 31st → 04-30.
    expect(addCycles("2027-05-29", monthly(1, 31), 1)).toBe("2027-06-30");
    expect(addCycles("2027-03-10", monthly(2, 31), 1)).toBe("2027-04-30");
    // Zero cycles is the date itself; the schedule never has two deliveries closer than half a month.
    expect(addCycles("2027-01-15", monthly(1, 31), 0)).toBe("2027-01-15");
    for (const day of [1, 10, 15, 16, 28, 29, 30, 31]) {
      for (let d = 1; d <= 31; d++) {
        const from = `2027-01-${String(d).padStart(2, "0")}`;
        const next = addCycles(from, monthly(1, day), 1);
        const gap = (Date.parse(next) - Date.parse(from)) / 864e5;
        expect(gap, `${from} on day ${day} → ${next}`).toBeGreaterThanOrEqual(14);
        expect(gap, `${from} on day ${day} → ${next}`).toBeLessThanOrEqual(46);
        expect(cyclesUpTo(from, next, monthly(1, day))).toBe(1);
        expect(cyclesToReach(from, addCycles(from, monthly(1, day), 3), monthly(1, day))).toBe(3);
      }
    }
  });

  it("nominal lengths: round(30.44 × months)", () => {
    expect([1, 2, 3, 6, 12].map(nominalIntervalDays)).toEqual([30, 61, 91, 183, 365]);
  });

  it("keeps the anchor on a clamped date and takes a new one from a moved date", () => {
    expect(anchorFor("2027-02-28", monthly(1, 31))).toBe(31);
    expect(anchorFor("2027-02-20", monthly(1, 31))).toBe(20);
    expect(anchorFor("2027-02-28", monthly(1))).toBe(28);
    expect(anchorFor("2027-02-28", { intervalDays: 30 })).toBeNull();
  });

  it("says the cadence as people do", () => {
    expect(cadenceText(monthly(1), "ja")).toBe("1ヶ月ごと");
    expect(cadenceText(monthly(1), "en")).toBe("every month");
    expect(cadenceText(monthly(2), "en")).toBe("every 2 months");
    expect(cadenceText({ intervalDays: 45, intervalMonths: null }, "ja")).toBe("45日ごと");
  });
});

describe("firstOnSchedule", () => {
  it("the first delivery from a date on the plan's own day, in step with its months", () => {
    const m = (intervalMonths: number, deliveryDay: number | null) => ({ intervalDays: 30, intervalMonths, deliveryDay });
    expect(firstOnSchedule("2026-12-05", m(1, 31))).toBe("2026-12-31");
    expect(firstOnSchedule("2027-02-05", m(1, 31))).toBe("2027-02-28");
    expect(firstOnSchedule("2026-12-31", m(1, 31))).toBe("2026-12-31");
    expect(firstOnSchedule("2026-12-05", m(1, 3))).toBe("2027-01-03");
    expect(firstOnSchedule("2026-12-05", m(2, 31), "2027-06-30")).toBe("2026-12-31");
    expect(firstOnSchedule("2026-12-05", m(3, 10), "2027-06-10")).toBe("2026-12-10");
    expect(firstOnSchedule("2026-12-11", m(3, 10), "2027-06-10")).toBe("2027-03-10");
    expect(firstOnSchedule("2026-12-05", m(1, null), "2026-11-20")).toBe("2026-12-20");
    expect(firstOnSchedule("2026-12-05", { intervalDays: 30 }, "2026-11-20")).toBe("2026-12-05");
  });
});
