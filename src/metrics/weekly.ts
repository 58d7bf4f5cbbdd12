import { addDays, zonedInstant } from "../platform/dates";

/** Monday of the ISO week holding the calendar date `date` (YYYY-MM-DD). Pure. */
export function weekStart(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

/**
 * The shop-local weeks (Monday to Sunday) that make up the days `from`–`to`, each as the instants
 * [lo, hi) it covers, clipped to the range (the first and last weeks may be short). The bounds
 * are computed in the shop's time zone (daylight saving included) here, so SQL only compares
 * instants. Keys are the weeks' Mondays. Pure.
 */
export function weekBounds(from: string, to: string, timeZone: string): { key: string; lo: string; hi: string }[] {
  const instant = (day: string) => new Date(zonedInstant(day, "00:00", timeZone)).toISOString(); // stored form: …T15:00:00.000Z
  const weeks: { key: string; lo: string; hi: string }[] = [];
  for (let monday = weekStart(from); monday <= to; monday = addDays(monday, 7)) {
    const first = monday < from ? from : monday;
    const end = addDays(monday, 7) > addDays(to, 1) ? addDays(to, 1) : addDays(monday, 7);
    weeks.push({ key: monday, lo: instant(first), hi: instant(end) });
  }
  return weeks;
}

/**
 * The shop-local days `from`–`to`, each as the instants [lo, hi) it covers in `timeZone`
 * (daylight saving included; a day may be 23 or 25 hours). Keys are the dates. Pure.
 */
export function dayBounds(from: string, to: string, timeZone: string): { key: string; lo: string; hi: string }[] {
  const instant = (day: string) => new Date(zonedInstant(day, "00:00", timeZone)).toISOString();
  const days: { key: string; lo: string; hi: string }[] = [];
  let lo = instant(from);
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const hi = instant(addDays(day, 1));
    days.push({ key: day, lo, hi });
    lo = hi;
  }
  return days;
}
