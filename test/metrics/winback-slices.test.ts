import { describe, expect, it } from "vitest";
import { monthAt, winbackSlices, type WinbackSlices } from "../../src/metrics/winback";
import { addDays, localDate } from "../../src/platform/dates";

/**
 * The month metrics/winback places an instant of the range in, as its two statements and their
 * placing do: on a split day, `months[n]`, n the month starts at or before it (the `part`
 * statement); on a whole day, the month of the day's first instant.
 */
function placed(s: WinbackSlices, iso: string) {
  const day = iso.slice(0, 10);
  if (s.splitDays.includes(day)) return s.months[s.monthStarts.filter((m) => m <= iso).length]!;
  expect(day >= s.firstDay && day <= s.lastDay, `${iso}: a whole day of the range`).toBe(true);
  return monthAt(s, `${day}T00:00:00.000Z`);
}

const ZONES = ["Asia/Tokyo", "Pacific/Honolulu", "Asia/Kathmandu", "America/Los_Angeles", "Australia/Adelaide", "America/St_Johns", "Pacific/Chatham", "UTC"];
const RANGES = [
  { from: "2026-02-27", to: "2026-04-06" }, // daylight saving starts (US 03-08) and ends (Adelaide 04-05)
  { from: "2026-10-31", to: "2026-11-01" },
  { from: "2026-11-01", to: "2026-11-01" },
  { from: "2026-12-31", to: "2027-01-01" },
];

describe("win-back figures by instant, placed on the shop's local months (metrics/winback winbackSlices)", () => {
  for (const timeZone of ZONES) {
    it(`every instant near the range lands in the month and range a ledger kept in ${timeZone} says`, () => {
      for (const r of RANGES) {
        const s = winbackSlices({ ...r, today: "2026-12-03", timeZone });
        const instants: number[] = [];
        const cuts = [s.lo, s.hi, ...s.monthStarts];
        for (let t = Date.parse(s.lo) - 2 * 86_400_000; t < Date.parse(s.hi) + 2 * 86_400_000; t += 10 * 60_000) instants.push(t);
        for (const c of cuts) instants.push(Date.parse(c) - 1, Date.parse(c));
        // Every local month start in the range, and the millisecond before it.
        for (let d = r.from; d <= addDays(r.to, 1); d = addDays(d, 1)) {
          if (!d.endsWith("-01")) continue;
          const start = Date.parse(winbackSlices({ from: d, to: d, today: d, timeZone }).lo);
          instants.push(start - 1, start);
        }
        const ledger = new Map<string, number>();
        const sliced = new Map<string, number>();
        for (const t of instants) {
          const iso = new Date(t).toISOString();
          const day = localDate(new Date(t), timeZone);
          if (day >= r.from && day <= r.to) ledger.set(day.slice(0, 7), (ledger.get(day.slice(0, 7)) ?? 0) + 1);
          if (iso >= s.lo && iso < s.hi) {
            const month = placed(s, iso);
            expect(month, `${iso} in ${timeZone}`).toBe(day.slice(0, 7));
            sliced.set(month, (sliced.get(month) ?? 0) + 1);
          }
        }
        expect(sliced).toEqual(ledger);
      }
    });
  }

  it("matured: before the first instant of the shop's today − 179 days, in its zone", () => {
    for (const timeZone of ZONES) {
      const today = "2026-12-03";
      const { matureBefore } = winbackSlices({ from: "2026-01-01", to: today, today, timeZone });
      for (const t of [Date.parse(matureBefore) - 1, Date.parse(matureBefore)]) {
        expect(new Date(t).toISOString() < matureBefore).toBe(localDate(new Date(t), timeZone) <= addDays(today, -180));
      }
    }
  });

  it("a two-year range reads its whole UTC days by day and splits only the UTC days a local month or the range starts within", () => {
    const s = winbackSlices({ from: "2024-12-03", to: "2026-12-03", today: "2026-12-03", timeZone: "Asia/Kathmandu" });
    expect(s.splitDays.length).toBe(26); // 24 month starts and the two ends
    expect(s.months.length).toBe(25);
    const utc = winbackSlices({ from: "2024-12-03", to: "2026-12-03", today: "2026-12-03", timeZone: "UTC" });
    expect([utc.splitDays, utc.firstDay, utc.lastDay]).toEqual([[], "2024-12-03", "2026-12-03"]);
  });
});
