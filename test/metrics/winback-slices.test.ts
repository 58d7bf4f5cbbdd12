import { describe, expect, it } from "vitest";
import { sliceMonth, winbackSlices } from "../../src/metrics/winback";
import { addDays, localDate } from "../../src/platform/dates";

/** The slice the SQL of metrics/winback counts an instant in: its UTC day, or on a quarter day its UTC quarter hour (as `utcQuarter` writes it). */
function sliceOf(iso: string, quarterDays: readonly string[]) {
  const day = iso.slice(0, 10);
  return quarterDays.includes(day) ? `${iso.slice(0, 14)}${String(Math.floor(Number(iso.slice(14, 16)) / 15) * 15).padStart(2, "0")}` : day;
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
        const cuts = [s.lo, s.hi, ...s.quarterDays.map((d) => `${d}T00:00:00.000Z`)];
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
            expect(iso.slice(0, 10) >= s.firstDay && iso.slice(0, 10) <= s.lastDay).toBe(true);
            const month = sliceMonth(sliceOf(iso, s.quarterDays), timeZone);
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

  it("a two-year range reads its whole UTC days by day and only the UTC days a local month starts within by quarter hour", () => {
    const s = winbackSlices({ from: "2024-12-03", to: "2026-12-03", today: "2026-12-03", timeZone: "Asia/Kathmandu" });
    expect(s.quarterDays.length).toBe(26); // 24 month starts and the two ends
    expect(winbackSlices({ from: "2024-12-03", to: "2026-12-03", today: "2026-12-03", timeZone: "UTC" }).quarterDays).toEqual([]);
  });
});
