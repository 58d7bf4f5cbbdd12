/**
 * Calendar dates (YYYY-MM-DD) in the tenant's time zone. Delivery dates are local dates, so all
 * arithmetic is on whole days in UTC, where no day has 23 or 25 hours. {@link writeDate} is the
 * one way a date is written for people.
 */
import type { Language } from "./localized-text";

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

const clocks = new Map<string, Intl.DateTimeFormat>();
/** {@link zonedInstant}'s: an import reads tens of thousands of cells' dates (a formatter made for each: 17 s for 30,000 rows). */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/**
 * `cache`'s formatter for `timeZone`, made once: making an Intl.DateTimeFormat costs far more than
 * formatting with one. Zones come from the shops' validated settings, so the caches stay small.
 */
function zoneFormatter(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions, locale = "en-US"): Intl.DateTimeFormat {
  let f = cache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    cache.set(timeZone, f);
  }
  return f;
}

/**
 * The local date and time of `instant` in `timeZone` to the minute with its zone,
 * `YYYY-MM-DD HH:MM JST` (24-hour; {@link zoneLabel}, 「日本時間」 in `ja`), for lines people read in a
 * terminal, a log or a refusal (the import's report, `changed_after_export`): a time without its
 * zone was read as UTC (trial50).
 */
export function localDateTime(instant: Date, timeZone: string, lang: "ja" | "en" = "en"): string {
  return `${formatDate(instant, timeZone)} ${localTime(instant, timeZone)} ${zoneLabel(timeZone, lang)}`;
}

/**
 * How a local time names its zone, so that nobody reads it as UTC: 「日本時間」 / `JST` for
 * Asia/Tokyo, the IANA name for any other zone.
 */
export function zoneLabel(timeZone: string, lang: "ja" | "en"): string {
  return timeZone === "Asia/Tokyo" ? (lang === "ja" ? "日本時間" : "JST") : timeZone;
}

/** The wall-clock time of `instant` in `timeZone`, `HH:MM` (24-hour; midnight is 00:00). */
export function localTime(instant: Date, timeZone: string): string {
  const f = zoneFormatter(clocks, timeZone, { hourCycle: "h23", hour: "2-digit", minute: "2-digit" });
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute}`;
}

function formatDate(instant: Date, timeZone: string): string {
  const f = zoneFormatter(formatters, timeZone, { year: "numeric", month: "2-digit", day: "2-digit" }, "en-CA");
  const date = f.format(instant); // en-CA formats as YYYY-MM-DD…
  // …but a year before 1000 with fewer digits ("1-06-01"), which day arithmetic reads as NaN.
  return date.length === 10 ? date : date.padStart(10, "0");
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

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date (proleptic Gregorian; a day past the month's end rolls
 * over, as with Date.UTC). Integer arithmetic, no Date object: offer terms and risk features do
 * this thousands of times per request or batch.
 */
function epochDays(date: string): number {
  const m = Number(date.slice(5, 7));
  const y = Number(date.slice(0, 4)) - (m <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + Number(date.slice(8, 10)) - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function dateOfEpochDays(days: number): string {
  if (!Number.isFinite(days)) throw new RangeError("Invalid date");
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}`;
}

export function addDays(date: string, days: number): string {
  return dateOfEpochDays(epochDays(date) + days);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return epochDays(to) - epochDays(from);
}

export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}

export function minDate(a: string, b: string): string {
  return a <= b ? a : b;
}

/**
 * An RFC 3339 instant in the one stored and answered form: UTC, milliseconds, `Z`
 * (`2026-11-21T01:30:00.000Z`, what Date#toISOString writes). Instants are compared and ordered as
 * text in SQL and code, which is time order only in one form: `2026-11-21T10:30:00+09:00` sorts
 * after `2026-11-21T05:00:00Z` though it is 3.5 hours earlier. Digits past milliseconds are
 * dropped. A string that is not an instant is returned as is (the schema refuses it).
 */
export function utcInstant(instant: string): string {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? instant : new Date(ms).toISOString();
}

/**
 * The earliest day the API accepts in a date or an instant a caller sends: 1980-01-01 (an instant:
 * 1980-01-01T00:00:00Z). Japanese mail-order 定期 began in the 1980s, and customers of the
 * 1990s are still subscribed (a cart system migrated since keeps their first order's date), so the
 * bound stays below them; a year 0001, 1000 or 1900, or 1970-01-01 (the Unix epoch), is a
 * placeholder or a typo upstream, and kept it would be counted as decades of history (a
 * consumption rate over 700,000 days, a tenure of centuries). One rule for every date
 * and instant schema (platform/openapi `CalendarDate`, `Instant`), not a bound per field; refused
 * with `validation_failed` naming the field.
 */
export const EARLIEST_ACCEPTED_DATE = "1980-01-01";
const EARLIEST_ACCEPTED_MS = Date.UTC(1980, 0, 1);

/** Whether a YYYY-MM-DD date is on or after {@link EARLIEST_ACCEPTED_DATE} (text order is day order for four-digit years). */
export function isOnOrAfterEarliestDate(date: string): boolean {
  return date >= EARLIEST_ACCEPTED_DATE;
}

/** Whether an RFC 3339 instant is at or after 1980-01-01T00:00:00Z ({@link EARLIEST_ACCEPTED_DATE}). */
export function isOnOrAfterEarliestInstant(instant: string): boolean {
  return Date.parse(instant) >= EARLIEST_ACCEPTED_MS;
}

/**
 * How far ahead of the server's clock an instant a merchant's system sends (an event's
 * `occurredAt`, a subscription's `startedAt` or `canceledAt`, a customer's `createdAt`) may be:
 * 5 minutes. Clocks of cart systems, POS terminals and batch hosts drift by seconds to minutes, so
 * that much passes; an instant further ahead (a year typed wrong, a fixture dated 2030) is a bug
 * upstream, and stored it would count in metrics, risk and retention as something that has not
 * happened yet. Refused with `validation_failed` naming the field (`futureInstantError`).
 */
export const FUTURE_SKEW_MS = 5 * 60_000;

/** Whether `instant` (RFC 3339) is more than FUTURE_SKEW_MS after `now`. */
export function isAheadOfClock(instant: string, now: Date): boolean {
  return Date.parse(instant) > now.getTime() + FUTURE_SKEW_MS;
}

/**
 * The latest instant accepted at `now` (now + FUTURE_SKEW_MS), in the stored form (`utcInstant`):
 * an instant in that form is ahead of the clock exactly when it sorts after this as text — no
 * Date.parse per item for a batch of hundreds.
 */
export function latestAcceptedInstant(now: Date): string {
  return new Date(now.getTime() + FUTURE_SKEW_MS).toISOString();
}

/**
 * How far ahead of the shop's today a synced plan date (`nextDeliveryOn`, `pausedUntil`) may be:
 * 1,095 days (three years). That is the furthest the plan rules themselves reach — a yearly
 * plan's next delivery (an interval is at most 365 days) paused for the longest `maxPauseDays`
 * allows (730), or skipped twice (the default `maxConsecutiveSkips`) — so a later date is a wrong
 * year, not a plan. Dates in the past are the merchant's history and stay accepted.
 */
export const MAX_PLAN_DATE_AHEAD_DAYS = 1_095;

/**
 * The instant at which the wall clock in `timeZone` shows `date` `time` (HH:MM[:SS]), as RFC 3339
 * UTC. Uses the zone's offset at that instant (found by one correction step, exact except inside
 * a DST gap, where it lands an hour later, as most calendars do). For data that names local times
 * without an offset, such as a cart system's CSV export.
 */
export function zonedInstant(date: string, time: string, timeZone: string): string {
  const [h = 0, mi = 0, s = 0] = time.split(":").map(Number);
  const wall = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), h, mi, s);
  const clock = zoneFormatter(wallClocks, timeZone, { hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
  const offsetAt = (t: number) => {
    const parts = Object.fromEntries(
      clock
        .formatToParts(new Date(t))
        .map((p) => [p.type, Number(p.value)]),
    );
    return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) - t;
  };
  const guess = wall - offsetAt(wall);
  const exact = wall - offsetAt(guess);
  return new Date(exact).toISOString().replace(".000Z", "Z");
}

// ── writing dates for people ──

/**
 * How a date is written for people (see {@link writeDate}):
 * - `full`: text that is kept or quoted later (offer copy, cancellation terms and receipts, win-back
 *   letters): always with the year.
 * - `short`: a page read now (the console): the year only when it is not this year's.
 * - `spoken`: a line for text-to-speech (the IVR): today and tomorrow said as such; the year only
 *   when the month and day alone would be heard as another date (see {@link SPOKEN_WITHOUT_YEAR}).
 */
export type DateStyle = "full" | "short" | "spoken";

const MONTHS_SHORT_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/**
 * The days around `today` within which a spoken date leaves out its year: from 60 days back to 330
 * days (about 11 months) ahead. A caller hears 「12月10日」 as the next 12月10日 to come (or one just
 * past, for a delivery that has gone): right for any date in this window, wrong beyond it — a
 * delivery 2027-12-10 said on 2026-12-03 as 「12月10日」 sounds like next week. Japanese call
 * centres say the year for exactly such dates (and not for next month's 「1月5日」 in December); the
 * window stops short of a full year so that a date 11–12 months away, easy to mishear as this
 * month's, carries its year too.
 */
export const SPOKEN_WITHOUT_YEAR = { daysBack: 60, daysAhead: 330 } as const;

/** The digit at `i` of `s`, or NaN. */
const digitAt = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
};

/** Whether `today` (YYYY-MM-DD) is in the year of `date`. */
const sameYear = (date: string, today: string | undefined): boolean =>
  today !== undefined && today.length >= 4 && today.charCodeAt(0) === date.charCodeAt(0) && today.charCodeAt(1) === date.charCodeAt(1) && today.charCodeAt(2) === date.charCodeAt(2) && today.charCodeAt(3) === date.charCodeAt(3);

/**
 * A local calendar date (`YYYY-MM-DD`, already the shop's date) as people write or say it, in
 * Japanese or English. By `style`:
 * - `full`: 「2026年12月5日」 / "5 Dec 2026".
 * - `short`: 「12月5日」 / "Dec 5" when the year is `today`'s, else 「2027年1月2日」 / "Jan 2, 2027"
 *   (without `today`, always with the year).
 * - `spoken`: 「本日」 / "today" and 「明日」 / "tomorrow" when `today` is given and the date is
 *   that day or the next, else 「12月5日」 / "December 5" within {@link SPOKEN_WITHOUT_YEAR} of
 *   `today`, and 「2027年12月10日」 / "December 10, 2027" outside it (without `today`, no year).
 * With `weekday` (the my-page's dates and the plan-change refusals beside them: Japanese customers
 * expect a delivery date with its day of the week), the day follows in Japanese and leads in English: 「2027年1月14日(木)」 / "Thu 14 Jan 2027",
 * 「1月14日(木)」 / "Thu, Jan 14"; a spoken 「本日」 or 「明日」 stays as it is. Texts kept or quoted
 * later (receipts, offer copy) are written without it. No Intl (the console's toLocaleDateString took
 * about 70 µs a date). A value that is not such a date (a month outside 01–12 included) is answered
 * unchanged.
 */
export function writeDate(date: string, lang: Language, style: DateStyle, today?: string, options: { weekday?: boolean } = {}): string {
  // Read by character, not a regular expression or substrings: offer copy writes several dates
  // per offer per request.
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return date;
  const y = digitAt(date, 0) * 1000 + digitAt(date, 1) * 100 + digitAt(date, 2) * 10 + digitAt(date, 3);
  const m = digitAt(date, 5) * 10 + digitAt(date, 6);
  const d = digitAt(date, 8) * 10 + digitAt(date, 9);
  if (!(m >= 1 && m <= 12) || Number.isNaN(y) || Number.isNaN(d)) return date;
  let spokenYear = false;
  if (style === "spoken" && today) {
    const ahead = daysBetween(today, date);
    if (ahead === 0) return lang === "ja" ? "本日" : "today";
    if (ahead === 1) return lang === "ja" ? "明日" : "tomorrow";
    spokenYear = ahead > SPOKEN_WITHOUT_YEAR.daysAhead || ahead < -SPOKEN_WITHOUT_YEAR.daysBack;
  }
  const withYear = style === "full" || spokenYear || (style === "short" && !sameYear(date, today));
  // Day of the week from the date alone (UTC: no zone can move it).
  const wd = options.weekday ? new Date(Date.UTC(y, m - 1, d)).getUTCDay() : -1;
  if (lang === "ja") return `${withYear ? `${y}年${m}月${d}日` : `${m}月${d}日`}${wd >= 0 ? `(${WEEKDAYS_JA[wd]})` : ""}`;
  const day = wd >= 0 ? `${WEEKDAYS_EN[wd]}${style === "full" ? " " : ", "}` : "";
  if (style === "full") return `${day}${d} ${MONTHS_SHORT_EN[m - 1]} ${y}`;
  if (style === "spoken") return `${day}${withYear ? `${MONTHS_LONG_EN[m - 1]} ${d}, ${y}` : `${MONTHS_LONG_EN[m - 1]} ${d}`}`;
  return `${day}${withYear ? `${MONTHS_SHORT_EN[m - 1]} ${d}, ${y}` : `${MONTHS_SHORT_EN[m - 1]} ${d}`}`;
}

/**
 * The two ends of a span of days, written short: the year left out of both only when both fall in
 * today's year's span alone — a span across a new year names it at both ends (「2025年12月5日」〜
 * 「2026年12月4日」), never 「2025年12月5日〜12月4日」, which reads as a span that ends before it starts.
 */
export function writeDateSpan(from: string, to: string, lang: Language, today?: string): { from: string; to: string } {
  const within = from.slice(0, 4) === to.slice(0, 4) ? today : undefined;
  return { from: writeDate(from, lang, "short", within), to: writeDate(to, lang, "short", within) };
}

const WEEKDAYS_JA = ["日", "月", "火", "水", "木", "金", "土"];
const WEEKDAYS_EN = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
