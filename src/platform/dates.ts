/**
 * Calendar dates (YYYY-MM-DD) in the tenant's time zone. Delivery dates are local dates, so all
 * arithmetic is on whole days in UTC, where no day has 23 or 25 hours.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

const lastDate = new Map<string, { minute: number; date: string }>();

/** The local calendar date of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  // Every time zone changes date on a whole minute: within one minute the answer is the same.
  const minute = Math.floor(instant.getTime() / 60_000);
  const last = lastDate.get(timeZone);
  if (last && last.minute === minute) return last.date;
  const date = formatDate(instant, timeZone);
  if (lastDate.size > 1_000) lastDate.clear();
  lastDate.set(timeZone, { minute, date });
  return date;
}

function formatDate(instant: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  return f.format(instant); // en-CA formats as YYYY-MM-DD
}

const validZones = new Map<string, boolean>();

export function isValidTimeZone(timeZone: string): boolean {
  let valid = validZones.get(timeZone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone });
      valid = true;
    } catch {
      valid = false;
    }
    if (validZones.size < 1000) validZones.set(timeZone, valid); // bounded: input can be anything
  }
  return valid;
}

const DAY_MS = 86_400_000;

function toUtcMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

export function addDays(date: string, days: number): string {
  return new Date(toUtcMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}
