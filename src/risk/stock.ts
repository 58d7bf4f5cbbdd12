/**
 * Stock on hand and the rate a customer really uses a product: the one computation that risk
 * (the `surplus_stock` driver), offers (the interval that matches real use), operator talk tracks
 * and the IVR speech all read. Pure: dates in, numbers and words out.
 *
 * Units: a product may say how many units one package holds (`unitsPerPackage`, 30 for a box of 30
 * sachets) and what a unit is called (`unitLabel`, 包). `quantity` counts packages per delivery, so
 * one delivery brings `quantity × unitsPerPackage` units; without a pack size the package is the
 * unit. Stock is always computed in units.
 *
 * The rate. Consumption is measured, not assumed from the schedule:
 *
 *     rate (units/day) = (units delivered since the first delivery − units on hand) ÷ days since the first delivery
 *     days of stock on hand = units on hand ÷ rate
 *
 * Source: the formula set in issue #14, which is the inventory balance (what was used over a
 * period = stock at its start + what arrived − stock at its end; the stock at the start is 0 before
 * the first delivery) divided by the period's length; days on hand is the usual "days of supply"
 * (stock ÷ daily use). It measures the customer's own pace over their whole history, so a surplus
 * built up over many deliveries is not mistaken for one built in the last interval. The
 * interval that matches real use is then the days one delivery lasts: units per delivery ÷ rate.
 * Example (issue #14): 6 deliveries of 1 box every 30 days, the first 180 days ago, 2 boxes left →
 * 4 boxes used in 180 days → one box per 45 days → deliver every 45 days.
 */
import { daysBetween } from "../platform/dates";
import { unitWord } from "../platform/quantity";

/** Less history than this says nothing about a rate; the schedule's own rate is used instead. */
export const MIN_HISTORY_DAYS = 7;
/** Days on hand are capped here (a customer using nothing has "more than a year"). */
export const MAX_DAYS_ON_HAND = 365;

/** Units one package holds; 1 when the product gives no pack size. */
export function unitsPerPackage(value: number | null | undefined): number {
  return value && value > 0 ? value : 1;
}

/**
 * The consumption rate in units per day from the delivery history and a stock count, or null when
 * the history is too short (< {@link MIN_HISTORY_DAYS}), the count does not fit it (more on hand
 * than was ever delivered: a count in the wrong unit) or an input is not a finite number.
 *
 * @param unitsDelivered units delivered from the first delivery up to `countedOn`, the first included
 * @param unitsOnHand units the customer has on `countedOn`
 */
export function consumptionRate(input: { unitsDelivered: number; unitsOnHand: number; firstDeliveredOn: string; countedOn: string }): number | null {
  const days = daysBetween(input.firstDeliveredOn, input.countedOn);
  if (!(days >= MIN_HISTORY_DAYS)) return null; // NaN (a date that is not a day) included
  const used = input.unitsDelivered - input.unitsOnHand;
  if (!(used >= 0)) return null;
  const rate = used / days;
  return Number.isFinite(rate) ? rate : null;
}

/** What is known of a customer's stock today. */
export type StockEstimate = {
  /** Units on hand today (the count, plus deliveries since, less use since). */
  unitsOnHand: number;
  /** Units used per day: measured (`history`) or, without enough history, the schedule's (`schedule`). */
  perDay: number;
  basis: "history" | "schedule";
  /** unitsOnHand ÷ perDay, capped at {@link MAX_DAYS_ON_HAND}. */
  daysOnHand: number;
};

/**
 * Stock today from the last count: `units` counted on `countedOn`, `deliveredSince` units arrived
 * after it, used at `perDay` (the measured rate, or null for the schedule's: units per delivery ÷
 * interval). Never below 0.
 */
export function estimateStock(input: {
  units: number;
  countedOn: string;
  deliveredSince: number;
  perDay: number | null;
  unitsPerDelivery: number;
  intervalDays: number;
  today: string;
}): StockEstimate | null {
  const schedule = input.intervalDays > 0 ? input.unitsPerDelivery / input.intervalDays : null;
  const perDay = input.perDay ?? schedule;
  if (perDay === null || !Number.isFinite(perDay)) return null;
  const age = Math.max(0, daysBetween(input.countedOn, input.today));
  const unitsOnHand = Math.max(0, input.units + input.deliveredSince - perDay * age);
  const daysOnHand = perDay > 0 ? Math.min(MAX_DAYS_ON_HAND, unitsOnHand / perDay) : MAX_DAYS_ON_HAND;
  // A date that is not a day (NaN age) or a count past floating point says nothing about stock.
  if (!Number.isFinite(unitsOnHand) || !Number.isFinite(daysOnHand)) return null;
  return { unitsOnHand: round1(unitsOnHand), perDay: Math.round(perDay * 10_000) / 10_000, basis: input.perDay === null ? "schedule" : "history", daysOnHand: round1(daysOnHand) };
}

/**
 * The allowed interval nearest to the days one delivery really lasts (units per delivery ÷ rate;
 * ties go to the shorter), when that is longer than today's interval; null otherwise (the
 * schedule already matches, or runs short).
 */
export function intervalForRate(perDay: number, unitsPerDelivery: number, currentIntervalDays: number, allowedIntervalDays: readonly number[]): { intervalDays: number; consumptionDays: number } | null {
  const consumptionDays = perDay > 0 ? unitsPerDelivery / perDay : Number.POSITIVE_INFINITY;
  const allowed = [...allowedIntervalDays].sort((a, b) => a - b);
  let best: number | null = null;
  for (const d of allowed) if (best === null || Math.abs(d - consumptionDays) < Math.abs(best - consumptionDays)) best = d;
  if (best === null || best <= currentIntervalDays) return null;
  return { intervalDays: best, consumptionDays: Number.isFinite(consumptionDays) ? round1(consumptionDays) : MAX_DAYS_ON_HAND };
}

/**
 * Deliveries the stock on hand already covers at the next delivery date: skipping that many works
 * the surplus off. 0 when the stock runs out before the next delivery would have arrived.
 */
export function surplusDeliveries(stock: StockEstimate, unitsPerDelivery: number, daysToNextDelivery: number): number {
  if (unitsPerDelivery <= 0) return 0;
  const left = stock.unitsOnHand - stock.perDay * Math.max(0, daysToNextDelivery);
  return left <= 0 ? 0 : Math.floor(left / unitsPerDelivery);
}

const round1 = (n: number) => Math.round(n * 10) / 10;

// ── saying it as a person would ──

const EN_NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
const enNumber = (n: number) => EN_NUMBERS[n] ?? String(n);

/** A count people say: exact below 10, then to two significant figures (23 → 23, 148 → 150). */
function aboutCount(n: number): number {
  if (n < 10) return Math.max(0, Math.round(n));
  const step = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.round(n / step) * step;
}

/**
 * Days as a span: days under 10, then weeks under 7 weeks, then (half) months, then "over a year".
 * Worded for a text-to-speech voice too (the IVR says it): one day is 「1日ぶん」, since 「1日分」 is
 * read ついたち; half months are 「2か月半ほど」, since 「2か月半分」 is heard as half of two months.
 */
export function spanOfDays(days: number, lang: "ja" | "en"): string {
  if (days >= MAX_DAYS_ON_HAND) return lang === "ja" ? "1年分以上" : "more than a year";
  if (days < 1.5) return lang === "ja" ? "1日ぶんほど" : "about a day";
  if (days < 10) {
    const d = Math.round(days);
    return lang === "ja" ? `${d}日分ほど` : `about ${enNumber(d)} days`;
  }
  if (days < 45) {
    const w = Math.round(days / 7);
    return lang === "ja" ? `${w}週間分ほど` : `about ${enNumber(w)} ${w === 1 ? "week" : "weeks"}`;
  }
  const halves = Math.round(days / 15); // half months of 30 days
  const months = Math.floor(halves / 2);
  const half = halves % 2 === 1;
  if (lang === "ja") return half ? `${months}か月半ほど` : `${months}か月分ほど`;
  return `about ${enNumber(months)}${half ? " and a half" : ""} ${months === 1 && !half ? "month" : "months"}`;
}

/**
 * The stock in one phrase: 「あと約20包、3週間分ほど」 / "about 20 sachets left, about three weeks";
 * more than a year is "over a year's worth" ("about 1 unit left, more than a year" reads as if the
 * unit were a year old; "enough for more than a year" makes the IVR's English line too long to keep it). `unitLabel` is the product's (包); without one, 個 / "units".
 */
export function describeStock(stock: Pick<StockEstimate, "unitsOnHand" | "daysOnHand">, unitLabel: string | null, lang: "ja" | "en"): string {
  const n = aboutCount(stock.unitsOnHand);
  const span = lang === "en" && stock.daysOnHand >= MAX_DAYS_ON_HAND ? "over a year's worth" : spanOfDays(stock.daysOnHand, lang);
  // Less than one unit would round to 「約0本」 beside 「2週間分ほど」: say the part of one instead
  // (「あと1個の半分ほど」 is not how anyone says it: the caller knows what they have open). Next to
  // nothing is the days alone: 「残りわずか」 is the false urgency offers/lint refuses in a shop's copy (trial52).
  if (stock.unitsOnHand < 0.25) return lang === "ja" ? `あと${span}` : `a little left, ${span}`;
  if (stock.unitsOnHand < 0.75) {
    if (lang === "ja") return `あと半分ほど、${span}`;
    const one = unitWord(unitLabel, 1, lang, ["", ""]);
    return one ? `about half ${/^[aeio]/i.test(one) ? "an" : "a"} ${one} left, ${span}` : `about half left, ${span}`;
  }
  if (lang === "ja") return `あと約${n}${unitWord(unitLabel, n, lang)}、${span}`;
  return `about ${n} ${unitWord(unitLabel, n, lang)} left, ${span}`;
}
