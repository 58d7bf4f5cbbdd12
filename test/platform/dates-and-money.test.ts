import { describe, expect, it } from "vitest";
import { addDays, daysBetween, localDateTime, localTime, writeDate } from "../../src/platform/dates";
import { formatInstant } from "../../src/cancel-flows/terms";
import { renderTemplate } from "../../src/offers/personalise";
import { formatMoney, spokenPrices } from "../../src/platform/numbers";

const DAY_MS = 86_400_000;
const viaDate = (date: string, days: number) =>
  new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * DAY_MS).toISOString().slice(0, 10);

describe("calendar arithmetic without Date objects", () => {
  it("agrees with Date.UTC for every week from 1900 to 2300, across month, year and leap-day edges", () => {
    const steps = [-800, -366, -365, -31, -1, 0, 1, 28, 29, 30, 31, 59, 60, 365, 366, 1461, 4000];
    let checked = 0;
    for (let t = Date.UTC(1900, 0, 1); t < Date.UTC(2300, 0, 1); t += 7 * DAY_MS) {
      const date = new Date(t).toISOString().slice(0, 10);
      for (const n of steps) {
        const later = viaDate(date, n);
        if (addDays(date, n) !== later) expect(addDays(date, n), `${date} + ${n}`).toBe(later);
        if (daysBetween(date, later) !== n) expect(daysBetween(date, later), `${date} → ${later}`).toBe(n);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(350_000);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2100-02-28", 1)).toBe("2100-03-01");
    // A day past the month's end rolls over, as Date.UTC does.
    expect(addDays("2026-02-30", 0)).toBe("2026-03-02");
    expect(() => addDays("not a date", 1)).toThrow(RangeError);
  });
});

describe("offer copy", () => {
  it("writes yen with thousands separators in both languages", () => {
    for (const n of [0, 7, 980, 1000, 2980, 12345, 123456, 1234567, -1234]) {
      expect(formatMoney({ amount: n, currency: "JPY" }, "ja")).toBe(`${n.toLocaleString("en-US")}円`);
      expect(formatMoney({ amount: n, currency: "JPY" }, "en")).toBe(`¥${n.toLocaleString("en-US")}`);
    }
  });

  it("writes a price with the shop's tax basis: 「5,980円（税込）」 written, 「税込5,980円」 read aloud, \"$49.00 plus tax\"", () => {
    const yen = { amount: 5980, currency: "JPY" };
    const usd = { amount: 4900, currency: "USD" };
    expect(formatMoney(yen, "ja", { taxIncluded: true })).toBe("5,980円（税込）");
    expect(formatMoney(yen, "ja", { taxIncluded: true, spoken: true })).toBe("税込5,980円");
    expect(formatMoney(yen, "en", { taxIncluded: true })).toBe("¥5,980 including tax");
    expect(formatMoney(usd, "en", { taxIncluded: false })).toBe("$49.00 plus tax");
    expect(formatMoney(usd, "en", { taxIncluded: false, spoken: true })).toBe("$49.00 plus tax");
    expect(formatMoney(usd, "ja", { taxIncluded: false })).toBe("$49.00（税別）");
    expect(formatMoney(usd, "en", { taxIncluded: true })).toBe("$49.00 including tax");
    // No basis: an amount that is no price (an amount off, a fee as disclosed).
    expect(formatMoney(yen, "ja")).toBe("5,980円");
    // Written copy read aloud: the written basis moves before the number, nothing else changes.
    expect(spokenPrices("1回あたり5,980円（税込）、通常価格の12,000円（税込）です。", "ja")).toBe("1回あたり税込5,980円、通常価格の税込12,000円です。");
    expect(spokenPrices(`${formatMoney(usd, "ja", { taxIncluded: false })}です`, "ja")).toBe(`${formatMoney(usd, "ja", { taxIncluded: false, spoken: true })}です`);
    expect(spokenPrices("at $49.00 plus tax", "en")).toBe("at $49.00 plus tax");
  });

  it("fills every placeholder, and gives nothing when one has no value", () => {
    expect(renderTemplate("{productName}を{days}日ごとに", { productName: "青汁", days: "45" })).toBe("青汁を45日ごとに");
    expect(renderTemplate("{a}{a} and {b}", { a: "x", b: "y" })).toBe("xx and y");
    expect(renderTemplate("no placeholders", {})).toBe("no placeholders");
    expect(renderTemplate("{price} off", {})).toBeNull();
    expect(renderTemplate("{a and {} stay", { a: "1" })).toBe("{a and {} stay");
  });
});

describe("dates written for people", () => {
  it("full, for kept text (offer copy, receipts): always the year", () => {
    expect(writeDate("2026-12-05", "ja", "full")).toBe("2026年12月5日");
    // The my-page's dates carry the day of the week, as Japanese customers expect for a delivery.
    expect(writeDate("2027-01-14", "ja", "full", undefined, { weekday: true })).toBe("2027年1月14日(木)");
    expect(writeDate("2027-01-14", "ja", "short", "2027-01-01", { weekday: true })).toBe("1月14日(木)");
    expect(writeDate("2026-12-06", "ja", "full", undefined, { weekday: true })).toBe("2026年12月6日(日)");
    expect(writeDate("2027-01-14", "en", "full", undefined, { weekday: true })).toBe("Thu 14 Jan 2027");
    expect(writeDate("2027-01-14", "en", "short", "2027-01-01", { weekday: true })).toBe("Thu, Jan 14");
    expect(writeDate("2028-02-29", "ja", "full", undefined, { weekday: true })).toBe("2028年2月29日(火)");
    expect(writeDate("2026-12-05", "en", "full")).toBe("5 Dec 2026");
    expect(writeDate("2026-08-10", "ja", "full", "2026-08-10")).toBe("2026年8月10日");
    expect(writeDate("2026-08-10", "en", "full", "2026-08-10")).toBe("10 Aug 2026");
  });

  it("short, for a page read now (the console): the year only when it is not this year's", () => {
    expect(writeDate("2026-12-05", "ja", "short", "2026-12-01")).toBe("12月5日");
    expect(writeDate("2026-12-05", "en", "short", "2026-12-01")).toBe("Dec 5");
    expect(writeDate("2027-01-02", "ja", "short", "2026-12-01")).toBe("2027年1月2日");
    expect(writeDate("2027-01-02", "en", "short", "2026-12-01")).toBe("Jan 2, 2027");
    expect(writeDate("2025-12-31", "en", "short", "2026-12-01")).toBe("Dec 31, 2025");
    // No today: the year is always named.
    expect(writeDate("2026-12-05", "en", "short")).toBe("Dec 5, 2026");
  });

  it("spoken, for the IVR: today and tomorrow by name, else month and day without a year", () => {
    expect(writeDate("2026-12-01", "ja", "spoken", "2026-12-01")).toBe("本日");
    expect(writeDate("2026-12-02", "ja", "spoken", "2026-12-01")).toBe("明日");
    expect(writeDate("2026-12-01", "en", "spoken", "2026-12-01")).toBe("today");
    expect(writeDate("2027-01-01", "en", "spoken", "2026-12-31")).toBe("tomorrow");
    expect(writeDate("2026-12-05", "ja", "spoken", "2026-12-01")).toBe("12月5日");
    expect(writeDate("2026-12-05", "en", "spoken", "2026-12-01")).toBe("December 5");
    expect(writeDate("2027-01-02", "ja", "spoken", "2026-12-01")).toBe("1月2日");
    expect(writeDate("2026-11-30", "en", "spoken", "2026-12-01")).toBe("November 30");
    expect(writeDate("2026-12-05", "en", "spoken")).toBe("December 5");
  });

  it("spoken: says the year of a date a caller would otherwise hear as one within the coming months", () => {
    // A delivery a year away is not this month's 12月10日.
    expect(writeDate("2027-12-10", "ja", "spoken", "2026-12-03")).toBe("2027年12月10日");
    expect(writeDate("2027-12-10", "en", "spoken", "2026-12-03")).toBe("December 10, 2027");
    // About 11 months ahead is still said without it; beyond, with it.
    expect(writeDate("2027-10-29", "ja", "spoken", "2026-12-03")).toBe("10月29日");
    expect(writeDate("2027-10-30", "ja", "spoken", "2026-12-03")).toBe("2027年10月30日");
    // Long past: the year too (a recent past date stays month and day).
    expect(writeDate("2025-12-10", "en", "spoken", "2026-12-03")).toBe("December 10, 2025");
    expect(writeDate("2026-10-04", "ja", "spoken", "2026-12-03")).toBe("10月4日");
    expect(writeDate("2026-10-03", "ja", "spoken", "2026-12-03")).toBe("2026年10月3日");
  });

  it("writes no weekday, and answers a value that is not a date unchanged", () => {
    for (const style of ["full", "short", "spoken"] as const) {
      for (const lang of ["ja", "en"] as const) {
        expect(writeDate("2026-12-05", lang, style, "2026-12-01")).not.toMatch(/[（(]|Sat/);
        for (const v of ["", "2026-13-01", "2026-00-10", "2026-1-5", "2026/12/05", "2026-12-05T00:00:00Z", "—"]) expect(writeDate(v, lang, style, "2026-12-01")).toBe(v);
      }
    }
  });
});

describe("a zone's wall-clock time (receipts' time received, the import's report, insights' month cut)", () => {
  it("writes HH:MM on a 24-hour clock, midnight as 00, across a DST change, as the receipt always has", () => {
    expect(localTime(new Date("2026-11-20T15:05:00Z"), "Asia/Tokyo")).toBe("00:05");
    expect(localTime(new Date("2026-11-20T14:59:59Z"), "Asia/Tokyo")).toBe("23:59");
    expect(localTime(new Date("2026-03-08T06:59:00Z"), "America/New_York")).toBe("01:59");
    expect(localTime(new Date("2026-03-08T07:00:00Z"), "America/New_York")).toBe("03:00");
    expect(localDateTime(new Date("2026-11-20T15:05:00Z"), "Asia/Tokyo")).toBe("2026-11-21 00:05 JST");
    expect(formatInstant("2026-11-20T15:05:00.000Z", "Asia/Tokyo", "ja")).toBe("2026年11月21日 00:05（日本時間）");
  });
});
