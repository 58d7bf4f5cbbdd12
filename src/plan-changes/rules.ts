import { addCycles, anchorFor, cyclesUpTo, firstOnSchedule, nominalIntervalDays } from "../platform/cadence";
import { addDays, daysBetween, maxDate, writeDate } from "../platform/dates";
import type { ErrorCode } from "../platform/errors";
import type { Language, Localized } from "../platform/language";
import type { TenantSettings } from "../settings/schemas";

/**
 * The merchant's plan rules as pure functions: given a subscription's plan, the tenant's settings,
 * today's local date and a request, either the new plan or the rule it breaks. No I/O here, so
 * every rule is tested without HTTP.
 */

/**
 * A date in a refusal, as people write it, with its day of the week (「2026年12月25日(金)」 / "Fri 25 Dec
 * 2026"), as the my-page writes the dates beside it: a shop closed on some weekdays, or a customer
 * choosing a day off, reads the day first. The dates are already the shop's local dates.
 */
const day = (date: string | null, lang: Language): string => (date === null ? "" : writeDate(date, lang, "full", undefined, { weekday: true }));

export type Plan = {
  status: "active" | "paused" | "canceled";
  quantity: number;
  /** Days between deliveries; a monthly plan's nominal length (platform/cadence). */
  intervalDays: number;
  /** Set for a plan every N calendar months; the schedule then follows platform/cadence. Absent: null. */
  intervalMonths?: number | null;
  /** A monthly plan's day of month (platform/cadence anchorFor). */
  deliveryDay?: number | null;
  nextDeliveryOn: string | null;
  pausedUntil: string | null;
  consecutiveSkips: number;
  /** While paused: the delivery the pause stopped (see {@link resumeStart}); null or absent when unknown. */
  pausedFromOn?: string | null;
};

export type PlanRequest =
  | { type: "skip"; count: number }
  | { type: "pause"; cycles: number }
  | { type: "pause"; resumeOn: string }
  | { type: "resume"; nextDeliveryOn?: string }
  | { type: "quantity"; quantity: number }
  | { type: "interval"; intervalDays: number }
  | { type: "interval"; intervalMonths: number }
  | { type: "next_delivery"; date: string };

export type ChangeType = PlanRequest["type"];

export type Violation = { code: ErrorCode; detail: Localized; extra?: Record<string, unknown> };
export type Decision = { ok: true; plan: Plan } | { ok: false; violation: Violation };

const fail = (code: ErrorCode, detail: Localized, extra?: Record<string, unknown>): Decision => ({ ok: false, violation: { code, detail, extra } });

/**
 * A date before the cut-off allows: 422 `change_window_closed`. The rule's date stays in
 * `firstChangeableDate` (API.md); the date said, and sent as `earliestDate`, is the first a
 * customer can pick: the first open day from it (settings `closedDates`).
 */
function beforeFirstChangeable(firstChangeable: string, settings: ClosedRanges, say: (first: string, lang: Language) => string): { ok: false; violation: Violation } {
  const first = firstOpenDate(firstChangeable, settings);
  return { ok: false, violation: { code: "change_window_closed", detail: { en: say(first, "en"), ja: say(first, "ja") }, extra: { firstChangeableDate: firstChangeable, earliestDate: first } } };
}

/** The first delivery of a resumed or restarted plan asked for before the cut-off allows. */
const firstDeliveryTooSoon = (first: string, lang: Language) => (lang === "en" ? `The first delivery can be on ${day(first, "en")} at the earliest.` : `最初のお届け日は${day(first, "ja")}以降の日付を指定してください。`);

type ClosedRanges = Pick<TenantSettings, "closedDates">;

/** The shop's closed range `date` falls in (settings `closedDates`, both ends included), or null. */
export function closedRangeOn(date: string, settings: ClosedRanges): { from: string; to: string } | null {
  for (const r of settings.closedDates) if (r.from <= date && date <= r.to) return r;
  return null;
}

/**
 * The first day on or after `date` the shop delivers: past every closed range it falls in (ranges may
 * touch or overlap: 12/29–12/31 and 1/1–1/3 close six days in a row).
 */
export function firstOpenDate(date: string, settings: ClosedRanges): string {
  let day = date;
  for (let r = closedRangeOn(day, settings); r !== null; r = closedRangeOn(day, settings)) day = addDays(r.to, 1);
  return day;
}

/**
 * A date the customer chose falls on a closed day: 422 `delivery_date_closed`, naming the range and
 * the first open day after it (which may itself be past the latest date allowed: the range check
 * still applies to the date chosen next). Null when the day is open.
 */
function closedDay(date: string, settings: ClosedRanges, what: Localized, within?: OpenWindow): Violation | null {
  const r = closedRangeOn(date, settings);
  if (r === null) return null;
  const open = firstOpenDate(date, settings);
  const span = r.from === r.to ? { en: day(r.from, "en"), ja: day(r.from, "ja") } : { en: `${day(r.from, "en")} to ${day(r.to, "en")}`, ja: `${day(r.from, "ja")}から${day(r.to, "ja")}まで` };
  // The first open day after it is past the latest date allowed: the open day to name is the last one before the closure
  // (naming 1/4 sent the customer to a refusal "by 12/31", a closed day, and back — trial: a closure longer than the pause limit).
  const before = within !== undefined && open > within.latest ? lastOpenDate(date, settings) : null;
  return {
    code: "delivery_date_closed",
    detail:
      before !== null
        ? {
            en: `The shop delivers nothing ${r.from === r.to ? "on" : "from"} ${span.en}; ${what.en} ${day(before, "en")} or another open day before it.`,
            ja: `${span.ja}はショップのお届け休業日です。${what.ja}休業日以外の日付を指定してください（休業前にお選びいただけるのは${day(before, "ja")}までです）。`,
          }
        : {
            en: `The shop delivers nothing ${r.from === r.to ? "on" : "from"} ${span.en}; ${what.en} ${day(open, "en")} or another open day.`,
            ja: `${span.ja}はショップのお届け休業日です。${what.ja}休業日以外の日付を指定してください（休業明けは${day(open, "ja")}です）。`,
          },
    extra: { closedFrom: r.from, closedTo: r.to, nextOpenDate: open, ...(within !== undefined ? { earliestDate: within.earliest, latestDate: within.latest } : {}) },
  };
}

/** The days a rule allows (`earliest`–`latest`) narrowed to open ones: its first and last open day. */
export type OpenWindow = { earliest: string; latest: string };

/**
 * The first and last day of `earliest`–`latest` (both included) the shop delivers (settings
 * `closedDates`), or null when every day of it is closed (a closure longer than the window: a
 * 62-day warehouse move over a 30-day pause limit) or the window is empty. A form offers these ends,
 * so neither end is a day it would refuse.
 */
export function openWindow(earliest: string, latest: string, settings: ClosedRanges): OpenWindow | null {
  const first = firstOpenDate(earliest, settings);
  return first <= latest ? { earliest: first, latest: lastOpenDate(latest, settings) } : null;
}

/**
 * Every day a rule allows (`earliest`–`latest`) is closed: one refusal that says so and names the
 * closure (past ranges that touch), not "from X" then "by Y", both closed. 422
 * `delivery_date_closed`, `nextOpenDate` the first open day after it (which the rule does not allow).
 */
function noOpenDay(earliest: string, latest: string, settings: ClosedRanges, what: Localized, instead: Localized): Violation {
  const from = addDays(lastOpenDate(earliest, settings), 1);
  const open = firstOpenDate(earliest, settings);
  const to = addDays(open, -1);
  const allowed = earliest === latest ? { en: day(earliest, "en"), ja: day(earliest, "ja") } : { en: `${day(earliest, "en")} to ${day(latest, "en")}`, ja: `${day(earliest, "ja")}から${day(latest, "ja")}まで` };
  return {
    code: "delivery_date_closed",
    detail: {
      en: `The shop delivers nothing from ${day(from, "en")} to ${day(to, "en")}, and every ${what.en} the shop's rules allow now (${allowed.en}) falls in that closure, so none can be chosen. ${instead.en}`,
      ja: `${day(from, "ja")}から${day(to, "ja")}まではショップのお届け休業日です。いまお選びいただける${what.ja}（${allowed.ja}）はすべて休業日にあたるため、指定できません。${instead.ja}`,
    },
    extra: { closedFrom: from, closedTo: to, nextOpenDate: open },
  };
}

/** The last day on or before `date` the shop delivers: before every closed range it falls in (an offer's "up to" date). */
export function lastOpenDate(date: string, settings: ClosedRanges): string {
  let day = date;
  for (let r = closedRangeOn(day, settings); r !== null; r = closedRangeOn(day, settings)) day = addDays(r.from, -1);
  return day;
}

/** The earliest delivery date that can still be changed today. */
export function firstChangeableDate(today: string, settings: Pick<TenantSettings, "changeCutoffDays">): string {
  return addDays(today, settings.changeCutoffDays);
}

/**
 * The skip limit counts deliveries skipped in a row; a delivery that ships ends the run. A sync
 * that reports more deliveries completed than before says one shipped.
 */
export function skipRunAfterSync(consecutiveSkips: number, deliveriesBefore: number, deliveriesAfter: number): number {
  return deliveriesAfter > deliveriesBefore ? 0 : consecutiveSkips;
}

/**
 * The same for a `delivery.completed` event: it ends the run unless it shipped before the run's
 * latest skip was made (a late-arriving report of an earlier delivery). Instants are RFC 3339,
 * compared as times, not text.
 */
export function skipRunAfterDelivery(consecutiveSkips: number, lastSkipAt: string | null, shippedAt: string): number {
  if (consecutiveSkips === 0) return 0;
  return lastSkipAt === null || Date.parse(shippedAt) > Date.parse(lastSkipAt) ? 0 : consecutiveSkips;
}

/**
 * Where a pause's length is measured from: the delivery it holds back. For an active subscription,
 * the current next delivery; for one already paused, the delivery its pause held back
 * (`pausedFromOn`), so extending a pause counts the whole pause, as the rule says — not from today,
 * which let a pause run past the limit bit by bit and refused an extension the rule allows. A
 * paused one whose held delivery is unknown (a pause older than migration 0029 with no history), and
 * an active one whose next delivery is inside the cut-off or gone by (a shipment the cart system has
 * not reported), count from the earliest date deliveries could resume today (today + the cut-off):
 * that delivery is not the one a pause would hold back, and counting from it put the limit in the past.
 */
export function pauseStartsOn(plan: Plan, today: string, settings: Pick<TenantSettings, "changeCutoffDays">): string {
  const first = firstChangeableDate(today, settings);
  if (plan.status === "paused") return plan.pausedFromOn ?? first;
  return plan.status === "active" && plan.nextDeliveryOn !== null ? maxDate(plan.nextDeliveryOn, first) : first;
}

/**
 * The pause rule. A pause's length is the time deliveries are held back beyond the normal
 * schedule: `resumeOn − the held delivery` ({@link pauseStartsOn}), in days (whether asked as
 * `cycles` or as a date), and may not exceed `maxPauseDays` — or one cycle of the plan, when that is
 * longer: a pause of one delivery is always possible (a quarterly plan's 03-31 → 06-30 is 91 days,
 * over the default 90). Measuring from today instead would count the wait for the next delivery —
 * which comes anyway — as pause, so a customer every 60 or 90 days could never pause one delivery.
 * `maxPauseDays` 0: no pause. Answers the latest resume date the rule allows.
 */
export function latestResumeOn(plan: Plan, today: string, settings: Pick<TenantSettings, "changeCutoffDays" | "maxPauseDays">): string {
  return latestResumeFrom(pauseStartsOn(plan, today, settings), plan, settings);
}

/** The latest resume date for a pause that holds back the delivery on `from` (see {@link latestResumeOn}). */
export function latestResumeFrom(from: string, plan: Pick<Plan, "intervalDays" | "intervalMonths" | "deliveryDay">, settings: Pick<TenantSettings, "maxPauseDays">): string {
  if (settings.maxPauseDays <= 0) return from;
  return maxDate(addDays(from, settings.maxPauseDays), addCycles(from, plan, 1));
}

/** Why an automatic resume put the first delivery where it did: kept in the `resume` change's `source`. */
export type ResumeNote = {
  reason: "pause_ended";
  resumeOn: string;
  /** Present when the first delivery moved from the planned date. */
  moved?: { from: string; to: string; because: "resumed_late"; resumedOn: string; firstChangeableDate: string };
};

/**
 * A paused subscription whose resume date has come is active again (a pause resumes by itself).
 * On its resume date, the first delivery is the one planned (the resume date, or a later synced
 * next delivery): the shop has shown that date since the pause began. Resumed later — the
 * maintenance job was down or late, or a sync brought a pause whose date had passed — the first
 * delivery is never before today + the cut-off: a date gone by, or one too close to prepare, would
 * leave a delivery that cannot ship and refuse every change. Moved so, it lands on the first day
 * the shop delivers from there (settings `closedDates`): the date is Tsuzuku's pick, not the
 * customer's. Null when nothing is due.
 */
export function autoResume(plan: Plan, today: string, settings: Pick<TenantSettings, "changeCutoffDays" | "closedDates">): { plan: Plan; note: ResumeNote } | null {
  if (plan.status !== "paused" || plan.pausedUntil === null || plan.pausedUntil > today) return null;
  const planned = maxDate(plan.nextDeliveryOn ?? plan.pausedUntil, plan.pausedUntil);
  const earliest = firstChangeableDate(today, settings);
  const next = today > plan.pausedUntil && planned < earliest ? firstOpenDate(earliest, settings) : planned;
  const note: ResumeNote = { reason: "pause_ended", resumeOn: plan.pausedUntil };
  if (next !== planned) note.moved = { from: planned, to: next, because: "resumed_late", resumedOn: today, firstChangeableDate: earliest };
  return { plan: { ...plan, status: "active", pausedUntil: null, nextDeliveryOn: next, pausedFromOn: null }, note };
}

/**
 * The first delivery of `resume {}` today: the delivery the pause stopped (`pausedFromOn`, the
 * customer's own schedule — after a skip, the skipped-to date) while it can still be changed, else
 * the first changeable date (today + the cut-off). Ending a pause early never brings a delivery
 * before the one the customer already had, as a reactivation restarts on the delivery its
 * cancellation stopped. Pure.
 */
export function resumeStart(plan: Pick<Plan, "pausedFromOn">, today: string, settings: Pick<TenantSettings, "changeCutoffDays" | "closedDates">): string {
  const first = firstChangeableDate(today, settings);
  // The plan's own delivery, else the earliest one Tsuzuku picks: a day the shop delivers (settings closedDates).
  return plan.pausedFromOn != null && plan.pausedFromOn >= first ? plan.pausedFromOn : firstOpenDate(first, settings);
}

/** The plan as it stands today: a due pause resumed (see {@link autoResume}). */
export function settle(plan: Plan, today: string, settings: Pick<TenantSettings, "changeCutoffDays" | "closedDates">): Plan {
  return autoResume(plan, today, settings)?.plan ?? plan;
}

/**
 * A canceled subscription as a reactivation reads it: its interval and what its cancellation
 * recorded (`subscriptions.cancellation`). `effectiveOn` and `stoppedDeliveryOn` are absent on
 * cancellations recorded before they were kept.
 */
export type CanceledPlan = {
  intervalDays: number;
  intervalMonths?: number | null;
  /** A monthly plan's day of month: a new start keeps it. */
  deliveryDay?: number | null;
  finalDeliveryOn: string | null;
  stoppedDeliveryOn?: string | null;
  effectiveOn?: string | null;
  /** A date on the plan's schedule when `stoppedDeliveryOn` is not the start to suggest (an offer taken): a monthly plan's new start stays in step with it. */
  scheduledOn?: string | null;
};

/**
 * Whether a reactivation today simply undoes the cancellation: it comes on or before the
 * cancellation's effective date (tenant-local) — the same day, for a cancellation that stopped the
 * next delivery; up to the final delivery, for one received inside the cut-off. The plan then
 * continues as if never cancelled and a fee the cancellation charged is waived. Pure.
 */
export function undoesCancellation(canceled: Pick<CanceledPlan, "effectiveOn">, today: string): boolean {
  return canceled.effectiveOn != null && today <= canceled.effectiveOn;
}

/**
 * Where a reactivated subscription's deliveries start. Cancelled inside the cut-off, its next
 * delivery still ships and is charged as the final one (`cancellation.finalDeliveryOn`).
 * Reactivated on or before that date, the subscription continues as if never cancelled: that
 * delivery stays the next one, and the one after follows one interval later as usual; a different
 * requested date is refused (that delivery is already being prepared). Otherwise it is a new
 * start: the requested date, else the delivery the cancellation stopped while it can still be
 * changed (the customer's own schedule, never an earlier date), else the earliest changeable
 * one (a monthly plan's: the first on its schedule from then, its day kept), at most max(maxPauseDays, 2 × interval) days away. Reactivated the day the cancellation
 * was received ({@link undoesCancellation}) on the stopped delivery's date, it is as if never
 * cancelled too (its skip run and discount kept).
 */
export function reactivationStart(
  canceled: CanceledPlan,
  today: string,
  settings: Pick<TenantSettings, "changeCutoffDays" | "maxPauseDays" | "closedDates">,
  requested?: string,
): { ok: true; nextDeliveryOn: string; asIfNeverCanceled: boolean } | { ok: false; violation: Violation } {
  const window = reactivationWindow(canceled, today, settings);
  const earliest = firstChangeableDate(today, settings);
  if ("continuesOn" in window) {
    const final = window.continuesOn;
    if (requested !== undefined && requested !== final) {
      return {
        ok: false,
        violation: {
          code: "change_window_closed",
          detail: {
            en: `The final delivery on ${day(final, "en")} is already being prepared and stays the next one; reactivate without nextDeliveryOn, then move the one after it.`,
            ja: `${day(final, "ja")}の最終お届けはすでに準備中のため、次回のお届けのまま変更できません。nextDeliveryOn を指定せずに再開し、その次のお届けを変更してください。`,
          },
          extra: { firstChangeableDate: earliest, nextDeliveryOn: final },
        },
      };
    }
    return { ok: true, nextDeliveryOn: final, asIfNeverCanceled: true };
  }
  const next = requested ?? window.suggested;
  if (next < earliest) {
    return beforeFirstChangeable(earliest, settings, firstDeliveryTooSoon);
  }
  // A date asked for; the suggested one is the plan's own schedule, the cart's to ship by its calendar,
  // whether asked for by name (a form showing it as its default) or taken by `reactivate {}`.
  const closed = requested === undefined || requested === window.suggested ? null : closedDay(requested, settings, { en: "have the first delivery on", ja: "最初のお届け日は" }, { earliest: window.earliestOpen, latest: window.latestOpen });
  if (closed) return { ok: false, violation: closed };
  // Past the rule's latest, but for the first open day when a closure covers every day up to it (latestOpen).
  if (next > window.latest && next > window.latestOpen) {
    const last = window.latestOpen;
    return { ok: false, violation: { code: "date_out_of_range", detail: { en: `The first delivery is too far away: choose ${day(last, "en")} or earlier.`, ja: `最初のお届け日が先すぎます。${day(last, "ja")}までの日付を指定してください。` }, extra: { latestDate: last } } };
  }
  return { ok: true, nextDeliveryOn: next, asIfNeverCanceled: undoesCancellation(canceled, today) && next === canceled.stoppedDeliveryOn };
}

/**
 * What a my-page may offer to restart a canceled plan today (plan-options `reactivate`), from the
 * same window a reactivation is decided by ({@link reactivationWindow}): `nextDeliveryOn`, the first
 * delivery `reactivate {}` would give; `continues` when the final delivery is still coming and the
 * plan goes on from it as if never cancelled (no date to choose); else the dates a first delivery
 * may be asked for (`earliest`–`latest`); `asIfNeverCanceled`, whether a restart on `nextDeliveryOn`
 * keeps the plan as it was (its discount and skip run); `undoesCancellation`, whether a restart today
 * undoes the cancellation (a fee it charged is waived). `canceled` null: the plan is not canceled, closed with
 * `subscription_not_canceled`. Pure.
 */
export function reactivateOption(canceled: CanceledPlan | null, today: string, settings: Pick<TenantSettings, "changeCutoffDays" | "maxPauseDays" | "closedDates">, lang: Language = "en") {
  if (canceled === null) {
    const detail = { en: "Only a canceled subscription can be reactivated.", ja: "再開できるのは解約済みの定期コースだけです。" };
    return { available: false, refusal: { code: "subscription_not_canceled" as ErrorCode, detail: detail[lang] }, nextDeliveryOn: null, continues: false, asIfNeverCanceled: false, undoesCancellation: false, earliest: null, latest: null };
  }
  const window = reactivationWindow(canceled, today, settings);
  const undoes = undoesCancellation(canceled, today);
  if ("continuesOn" in window) return { available: true, refusal: null, nextDeliveryOn: window.continuesOn, continues: true, asIfNeverCanceled: true, undoesCancellation: undoes, earliest: window.continuesOn, latest: window.continuesOn };
  const start = reactivationStart(canceled, today, settings);
  const asIfNeverCanceled = start.ok && start.asIfNeverCanceled;
  // The earliest a restart can ask for is the first open day (settings closedDates).
  // The latest, the last open day up to the rule's (the suggested date, the plan's own, stays choosable even on a closed day).
  return { available: true, refusal: null, nextDeliveryOn: window.suggested, continues: false, asIfNeverCanceled, undoesCancellation: undoes, earliest: window.earliestOpen, latest: maxDate(window.latestOpen, window.suggested) };
}

export type ReactivationWindow = { continuesOn: string } | { earliest: string; latest: string; suggested: string; earliestOpen: string; latestOpen: string };

/**
 * The first deliveries a reactivation today may start on (the dates {@link reactivationStart}
 * accepts), for a form that offers only those: `continuesOn` when the final delivery is still
 * coming (the plan continues from it, no date to choose), else `earliest`–`latest` inclusive
 * (the first changeable date; max(maxPauseDays, 2 × interval) days from today) and `suggested`,
 * the date taken when none is asked for: the delivery the cancellation stopped when it is still
 * in that range, else `earliest` — for a monthly plan, the first date from `earliest` on its own
 * schedule (its day of the month, in step with the stopped delivery or `scheduledOn`).
 * `earliestOpen`: the first day from `earliest` the shop delivers (settings `closedDates`), the
 * earliest date a customer can ask for besides `suggested`; `latestOpen` the last such day up to
 * `latest` — or, when a closure covers every day from `earliest` to `latest`, `earliestOpen`, the
 * first day after it: a restart is not refused for the shop's own closure (unlike a pause, whose
 * limit is the shop's rule, a restart's latest date only keeps a first delivery near). Pure.
 */
export function reactivationWindow(canceled: CanceledPlan, today: string, settings: Pick<TenantSettings, "changeCutoffDays" | "maxPauseDays" | "closedDates">): ReactivationWindow {
  const final = canceled.finalDeliveryOn;
  if (final !== null && final >= today) return { continuesOn: final };
  const earliest = firstChangeableDate(today, settings);
  // Two cycles on the plan's calendar (two months, not 60 days, for a monthly plan).
  const latest = maxDate(addDays(today, settings.maxPauseDays), addCycles(today, canceled, 2));
  const stopped = canceled.stoppedDeliveryOn ?? null;
  const earliestOpen = firstOpenDate(earliest, settings);
  const latestOpen = maxDate(lastOpenDate(latest, settings), earliestOpen);
  if (stopped !== null && stopped >= earliest && stopped <= latest) return { earliest, latest, suggested: stopped, earliestOpen, latestOpen };
  // A monthly plan restarts on its own schedule (its day, in step with the stopped delivery), not on a new day.
  // A day plan has no schedule to keep: the earliest day it can restart is one the shop delivers (settings closedDates).
  const onSchedule = firstOnSchedule(earliestOpen, canceled, stopped ?? canceled.scheduledOn ?? canceled.finalDeliveryOn);
  return { earliest, latest, suggested: onSchedule <= latest ? onSchedule : earliestOpen, earliestOpen, latestOpen };
}

/**
 * The plan after `request`, or the rule it breaks. A monthly plan keeps its day of the month
 * through skips, pauses and resumes (a pause until 5/29 of a plan on the 31st resumes a plan on the
 * 31st); only the customer moving the next delivery sets a new day: kept when the new date is where
 * that day lands, else the new date's day (platform/cadence anchorFor). A plan that becomes monthly
 * takes its next delivery's day.
 */
export function decide(current: Plan, request: PlanRequest, settings: TenantSettings, today: string): Decision {
  const d = decidePlan(current, request, settings, today);
  if (!d.ok || !d.plan.intervalMonths) return d;
  if (request.type !== "next_delivery" && d.plan.deliveryDay != null) return d;
  const deliveryDay = anchorFor(d.plan.nextDeliveryOn, d.plan);
  return deliveryDay === d.plan.deliveryDay ? d : { ok: true, plan: { ...d.plan, deliveryDay } };
}

function decidePlan(current: Plan, request: PlanRequest, settings: TenantSettings, today: string): Decision {
  const plan = settle(current, today, settings);
  if (plan.status === "canceled") {
    return fail("subscription_canceled", { en: "The subscription is canceled; reactivate it before changing the plan.", ja: "この定期コースは解約済みです。内容を変更するには、先に再開してください。" });
  }
  const firstChangeable = firstChangeableDate(today, settings);
  /** The next delivery is already being prepared: changing it is refused. */
  const nextIsLocked = plan.nextDeliveryOn !== null && plan.nextDeliveryOn < firstChangeable;
  const windowClosed = (what: Localized) =>
    fail(
      "change_window_closed",
      {
        en: `The next delivery on ${day(plan.nextDeliveryOn, "en")} is within ${settings.changeCutoffDays} days and can no longer be changed; ${what.en}`,
        ja: `${day(plan.nextDeliveryOn, "ja")}の次回お届けは${settings.changeCutoffDays}日以内のため、変更できません。${what.ja}`,
      },
      { firstChangeableDate: firstChangeable, nextDeliveryOn: plan.nextDeliveryOn },
    );

  switch (request.type) {
    case "skip": {
      if (plan.status !== "active" || plan.nextDeliveryOn === null) {
        return fail("subscription_not_active", { en: "Only an active subscription with a next delivery can skip.", ja: "スキップできるのは、次回のお届けが決まっているお届け中の定期コースだけです。" });
      }
      if (nextIsLocked) return windowClosed({ en: "the delivery after it can be skipped once it has shipped.", ja: "発送後に、その次のお届けをスキップできます。" });
      const allowed = settings.maxConsecutiveSkips - plan.consecutiveSkips;
      if (request.count > allowed) {
        return fail("skip_limit_exceeded", skipLimitText(settings, allowed), { maxConsecutiveSkips: settings.maxConsecutiveSkips, remainingSkips: Math.max(allowed, 0) });
      }
      return {
        ok: true,
        plan: {
          ...plan,
          nextDeliveryOn: addCycles(plan.nextDeliveryOn, plan, request.count),
          consecutiveSkips: plan.consecutiveSkips + request.count,
        },
      };
    }
    case "pause": {
      if (nextIsLocked && plan.status === "active") return windowClosed({ en: "the pause can start after it.", ja: "お届けのお休みは、このお届けの後から始められます。" });
      const from = plan.nextDeliveryOn ?? firstChangeable;
      const resumeOn = "cycles" in request ? addCycles(from, plan, request.cycles) : request.resumeOn;
      const heldBack = pauseStartsOn(plan, today, settings);
      // The same date plan-options offers as the latest: one computation for both.
      const latest = latestResumeOn(plan, today, settings);
      // The resume dates the rule allows, as days the shop delivers (for a date the customer chooses;
      // one a number of cycles gives is the cart's to ship by its calendar). A closure covering all of
      // them is said once, plainly: not "from 1/4" (past the limit) and then "by 12/31" (closed).
      const ruleEarliest = plan.status === "active" ? addDays(heldBack, 1) : firstChangeable;
      const open = "resumeOn" in request && ruleEarliest <= latest ? openWindow(ruleEarliest, latest, settings) : undefined;
      if (open === null) {
        const instead: Localized =
          plan.status === "active"
            ? { en: "Skip or move the next delivery instead.", ja: "次回のお届けのスキップや日付の変更をご利用ください。" }
            : { en: "The pause cannot be changed now; to restart sooner, resume.", ja: "お休みはいま変更できません。早めに再開する場合は「再開」をお選びください。" };
        return { ok: false, violation: noOpenDay(ruleEarliest, latest, settings, { en: "resume date", ja: "再開日" }, instead) };
      }
      if (resumeOn < firstChangeable) {
        return beforeFirstChangeable(firstChangeable, settings, (first, lang) => (lang === "en" ? `Deliveries can resume on ${day(first, "en")} at the earliest.` : `お届けの再開日は${day(first, "ja")}以降の日付を指定してください。`));
      }
      const closed = "resumeOn" in request ? closedDay(resumeOn, settings, { en: "resume on", ja: "お届けの再開日は" }, open) : null;
      if (closed) return { ok: false, violation: closed };
      // A pause holds back the next delivery: resuming on or before it would hold back nothing (or
      // bring the delivery forward) while the customer is told deliveries are paused. The earliest
      // date is the one plan-options offers (the first open day after it).
      if (plan.status === "active" && resumeOn <= heldBack) {
        const earliest = firstOpenDate(addDays(heldBack, 1), settings);
        return fail(
          "date_out_of_range",
          {
            en: `A pause holds back the next delivery (${day(heldBack, "en")}): the resume date must be after it, ${day(earliest, "en")} at the earliest.`,
            ja: `お休みは次回のお届け（${day(heldBack, "ja")}）から始まります。再開日は${day(earliest, "ja")}以降の日付を指定してください。`,
          },
          { earliestDate: earliest },
        );
      }
      if (resumeOn > latest) {
        const pausedFromOn = pauseStartsOn(plan, today, settings);
        const pauseDays = daysBetween(pausedFromOn, resumeOn);
        // maxPauseDays, or one cycle when that is longer (latestResumeFrom).
        const maxDays = Math.max(0, daysBetween(pausedFromOn, latest));
        // An extension counts from the delivery the pause already held back; a new pause from the next one.
        const held = plan.status === "paused" && plan.pausedFromOn != null;
        // The latest date said is one the customer can pick: the last open day up to the rule's (plan-options `latestResumeOn`).
        const lastOpen = open?.latest ?? latest;
        const from = held ? { en: "the delivery it held back", ja: "お休みで止めたお届け" } : { en: "the next delivery", ja: "次回お届け日" };
        return fail(
          "pause_too_long",
          {
            en: `A pause may hold deliveries back at most ${maxDays} days beyond the normal schedule, counted from ${from.en} (${day(pausedFromOn, "en")}) to the resume date; this one ${held ? "would be" : "is"} ${pauseDays} days. Resume on ${day(lastOpen, "en")} at the latest.`,
            ja: `お届けをお休みできるのは、${from.ja}（${day(pausedFromOn, "ja")}）から再開日まで最長${maxDays}日です。${held ? "ご指定の再開日では" : "ご指定のお休みは"}${pauseDays}日のため、再開日は${day(lastOpen, "ja")}までの日付を指定してください。`,
          },
          { maxPauseDays: settings.maxPauseDays, pauseDays, pausedFromOn, latestResumeOn: lastOpen },
        );
      }
      // The run of skips goes on: only a delivery that ships ends it, and a pause ships none. An
      // extended pause keeps the delivery the first one stopped.
      const pausedFromOn = plan.status === "paused" ? (plan.pausedFromOn ?? null) : heldBack;
      return { ok: true, plan: { ...plan, status: "paused", pausedUntil: resumeOn, nextDeliveryOn: resumeOn, pausedFromOn } };
    }
    case "resume": {
      if (plan.status !== "paused") return fail("subscription_not_paused", { en: "The subscription is not paused.", ja: "この定期コースはお休み中ではありません。" });
      // Asked for no date, the customer's own schedule (resumeStart), never the range check below:
      // that date was the plan's before the pause.
      if (request.nextDeliveryOn === undefined) return { ok: true, plan: { ...plan, status: "active", pausedUntil: null, nextDeliveryOn: resumeStart(plan, today, settings), pausedFromOn: null } };
      const next = request.nextDeliveryOn;
      if (next < firstChangeable) {
        return beforeFirstChangeable(firstChangeable, settings, firstDeliveryTooSoon);
      }
      // The date `resume {}` gives (the plan's own delivery, which a form shows as its default) is the
      // cart's to ship by its calendar, asked for by name or not, as a reactivation's suggested date is.
      const closed = next === resumeStart(plan, today, settings) ? null : closedDay(next, settings, { en: "have the first delivery on", ja: "最初のお届け日は" });
      if (closed) return { ok: false, violation: closed };
      // Two cycles on the plan's calendar (two months for a monthly plan, as a reactivation counts), or maxPauseDays.
      if (next > maxDate(addDays(today, settings.maxPauseDays), addCycles(today, plan, 2))) {
        return fail("date_out_of_range", { en: "The first delivery after resuming is too far away; pause instead.", ja: "再開後の最初のお届け日が先すぎます。しばらくお届けが不要な場合は、お休みをご利用ください。" });
      }
      return { ok: true, plan: { ...plan, status: "active", pausedUntil: null, nextDeliveryOn: next, pausedFromOn: null } };
    }
    case "quantity": {
      if (request.quantity < settings.quantityMin || request.quantity > settings.quantityMax) {
        return fail("quantity_out_of_range", { en: `Quantity must be between ${settings.quantityMin} and ${settings.quantityMax}.`, ja: `数量は${settings.quantityMin}〜${settings.quantityMax}の範囲で指定してください。` }, {
          quantityMin: settings.quantityMin,
          quantityMax: settings.quantityMax,
        });
      }
      if (nextIsLocked && request.quantity !== plan.quantity) return windowClosed({ en: "change the quantity after it has shipped.", ja: "数量の変更は、このお届けの発送後にお願いします。" });
      return { ok: true, plan: { ...plan, quantity: request.quantity } };
    }
    case "interval": {
      if ("intervalMonths" in request) {
        const allowed = settings.allowedIntervalMonths;
        if (!allowed.includes(request.intervalMonths)) {
          return fail("interval_not_allowed", { en: `Monthly intervals offered are every ${allowed.join(", ")} months.`, ja: `お選びいただけるお届け間隔は ${allowed.map((n) => `${n}ヶ月`).join("、")}ごとです。` }, {
            allowedIntervalDays: settings.allowedIntervalDays,
            allowedIntervalMonths: allowed,
          });
        }
        // The next delivery keeps its date, and its day of the month becomes the plan's.
        const monthly = { intervalDays: nominalIntervalDays(request.intervalMonths), intervalMonths: request.intervalMonths };
        return { ok: true, plan: { ...plan, ...monthly, deliveryDay: plan.intervalMonths ? plan.deliveryDay : null } };
      }
      if (!settings.allowedIntervalDays.includes(request.intervalDays)) {
        return fail("interval_not_allowed", { en: `Delivery intervals offered are ${settings.allowedIntervalDays.join(", ")} days.`, ja: `お選びいただけるお届け間隔は ${settings.allowedIntervalDays.join("、")} 日です。` }, {
          allowedIntervalDays: settings.allowedIntervalDays,
        });
      }
      // The next delivery keeps its date; the new interval counts from it.
      return { ok: true, plan: { ...plan, intervalDays: request.intervalDays, ...(plan.intervalMonths ? { intervalMonths: null, deliveryDay: null } : {}) } };
    }
    case "next_delivery": {
      if (plan.status !== "active" || plan.nextDeliveryOn === null) {
        return fail("subscription_not_active", { en: "Only an active subscription's next delivery can be moved; resume a paused one instead.", ja: "次回お届け日を変更できるのは、お届け中の定期コースだけです。お休み中の場合は、先に再開してください。" });
      }
      if (nextIsLocked) return windowClosed({ en: "move the one after it once it has shipped.", ja: "発送後に、その次のお届け日を変更してください。" });
      const latestRule = latestNextDelivery(plan, today, settings);
      // The date it already has (the form's default, sent unchanged) moves nothing: the cart's, closed or not.
      const unchanged = request.date === plan.nextDeliveryOn;
      // The days a move may go to, as days the shop delivers; a closure over all of them is said once.
      const open = openWindow(firstChangeable, latestRule, settings);
      if (open === null && !unchanged) {
        return { ok: false, violation: noOpenDay(firstChangeable, latestRule, settings, { en: "date for the next delivery", ja: "次回お届け日" }, { en: "Skip it or pause instead.", ja: "スキップまたはお休みをご利用ください。" }) };
      }
      if (request.date < firstChangeable) {
        return beforeFirstChangeable(firstChangeable, settings, (first, lang) => (lang === "en" ? `The next delivery can be moved to ${day(first, "en")} at the earliest.` : `次回お届け日は${day(first, "ja")}以降の日付に変更できます。`));
      }
      const closed = unchanged ? null : closedDay(request.date, settings, { en: "move the next delivery to", ja: "次回お届け日は" }, open ?? undefined);
      if (closed) return { ok: false, violation: closed };
      // The latest date said and sent is one the customer can pick: the last open day up to the rule's (plan-options `nextDelivery.latest`).
      const latest = open?.latest ?? latestRule;
      if (request.date > latestRule) {
        const skips = remainingSkips(plan, settings);
        return fail(
          "date_out_of_range",
          {
            en: `The next delivery can be moved to ${day(latest, "en")} at the latest: two intervals from today, or as far as the ${skips} skip${skips === 1 ? "" : "s"} still allowed would take the delivery on ${day(plan.nextDeliveryOn, "en")}, whichever is later. For a longer break, pause.`,
            ja: `次回お届け日は${day(latest, "ja")}までの日付に変更できます（本日からお届け間隔2回分、または${day(plan.nextDeliveryOn, "ja")}のお届けを残り${skips}回のスキップで延ばせる日の、いずれか遅いほう）。それより長くお届けを空ける場合は、お休みをご利用ください。`,
          },
          { latestDate: latest },
        );
      }
      return { ok: true, plan: { ...plan, nextDeliveryOn: request.date, consecutiveSkips: plan.consecutiveSkips + deliveriesPassed(plan.nextDeliveryOn, request.date, plan) } };
    }
  }
}

/**
 * Whether an accepted request moves nothing: the decided plan shows the customer the same status,
 * quantity, interval, next delivery and resume date as the plan today (quantity 1 → 1, the interval
 * it already has, the next delivery to its own date, a pause to the date it already resumes on).
 * Such a request is answered with the subscription as it is: no new version, no history, no
 * webhook, and an open cancel flow stays open — a change of nothing is not a save (解約阻止率).
 * `decided` is `decide`'s plan for `current`; the skip counter, internal, is not compared.
 */
export function movesNothing(current: Plan, decided: Plan, settings: Pick<TenantSettings, "changeCutoffDays" | "closedDates">, today: string): boolean {
  const now = settle(current, today, settings);
  return (["status", "quantity", "intervalDays", "nextDeliveryOn", "pausedUntil"] as const).every((k) => now[k] === decided[k]) && (now.intervalMonths ?? null) === (decided.intervalMonths ?? null);
}

/**
 * Why a skip is refused, in the words a customer (and the operator reading it out) expects: with
 * some skips left, how many; with none, that the run ends when the next delivery ships (a shipped
 * delivery resets it, skipRunAfterDelivery) and that a pause is the way to a longer break (when
 * the shop offers pauses); a shop that allows no skips says so. "0 more can be skipped now" said
 * none of that.
 */
function skipLimitText(settings: Pick<TenantSettings, "maxConsecutiveSkips" | "maxPauseDays">, allowed: number): Localized {
  const max = settings.maxConsecutiveSkips;
  if (max === 0) return { en: "The shop does not offer skips.", ja: "このショップではお届けのスキップを承っていません。" };
  if (allowed > 0) return { en: `At most ${max} deliveries in a row can be skipped; only ${allowed} more can be skipped now.`, ja: `続けてスキップできるのは${max}回までです。現在あと${allowed}回スキップできます。` };
  const pause = settings.maxPauseDays > 0;
  return {
    en: `At most ${max} deliveries in a row can be skipped, so no more can be skipped until the next delivery has shipped.${pause ? " For a longer break, pause deliveries instead." : ""}`,
    ja: `続けてスキップできるのは${max}回までのため、次回のお届けが発送されるまで、これ以上スキップできません。${pause ? "しばらくお届けが不要な場合は、お休みをご利用ください。" : ""}`,
  };
}

/** Skips the plan may still make in a row (never negative: a lowered limit leaves none). */
export function remainingSkips(plan: Pick<Plan, "consecutiveSkips">, settings: Pick<TenantSettings, "maxConsecutiveSkips">): number {
  return Math.max(settings.maxConsecutiveSkips - plan.consecutiveSkips, 0);
}

/**
 * The latest date the next delivery can move to today — one rule for moving and skipping, so a
 * date the skips still allowed reach can also be chosen directly: the later of two intervals from
 * today (at least the day after the cut-off) and the scheduled next delivery + the remaining skips ×
 * the interval. Pure; the refusal, plan-options and the move offer (offers/personalise) all read it.
 */
export function latestNextDelivery(
  plan: Pick<Plan, "nextDeliveryOn" | "intervalDays" | "intervalMonths" | "deliveryDay" | "consecutiveSkips">,
  today: string,
  settings: Pick<TenantSettings, "changeCutoffDays" | "maxConsecutiveSkips">,
): string {
  const fromToday = maxDate(addCycles(today, plan, 2), addDays(today, settings.changeCutoffDays + 1));
  return plan.nextDeliveryOn === null ? fromToday : maxDate(fromToday, addCycles(plan.nextDeliveryOn, plan, remainingSkips(plan, settings)));
}

/**
 * Deliveries a move of the next delivery from `from` to `to` passes over: whole cycles of the plan
 * between them (a move by one interval or more is a skip of the deliveries it passes, 12/20 → 1/19
 * on a 30-day plan is one). They count in the run of skips, so moving again cannot postpone a
 * delivery past what the skips allow; a move of less than an interval, or earlier, passes none.
 */
export function deliveriesPassed(from: string, to: string, plan: Pick<Plan, "intervalDays" | "intervalMonths" | "deliveryDay">): number {
  return Math.max(cyclesUpTo(from, to, plan), 0);
}

/** Whether an action is open now, and if not the rule that closes it (the same code a request would get). */
export type ActionOption = { available: boolean; refusal: { code: ErrorCode; detail: string } | null };

/**
 * What the shop's rules allow for this plan today — so a my-page offers only what will be
 * accepted. Each action's `available` is `decide` run on the simplest such request (skip one,
 * pause one day past the next delivery, …), so the options and the answers to real requests
 * cannot disagree.
 */
export function planOptions(current: Plan, settings: TenantSettings, today: string, lang: Language = "en") {
  const plan = settle(current, today, settings);
  const firstChangeable = firstChangeableDate(today, settings);
  // The earliest day a customer can move the next delivery to: the first open one from the cut-off (a closed 12/29 offers 1/4).
  const earliestMove = firstOpenDate(firstChangeable, settings);
  const probe = (request: PlanRequest | null): ActionOption => {
    if (request === null) return { available: false, refusal: null };
    const d = decide(current, request, settings, today);
    return d.ok ? { available: true, refusal: null } : { available: false, refusal: { code: d.violation.code, detail: d.violation.detail[lang] } };
  };
  const otherQuantity = [plan.quantity + 1, plan.quantity - 1].find((q) => q >= settings.quantityMin && q <= settings.quantityMax);
  // A monthly plan is offered another month interval first (the same kind of plan), a day plan another day interval.
  const months = plan.intervalMonths ?? null;
  const otherMonths = settings.allowedIntervalMonths.find((m) => m !== months);
  const otherDays = settings.allowedIntervalDays.find((d) => months !== null || d !== plan.intervalDays);
  const otherInterval: PlanRequest | null =
    months !== null && otherMonths !== undefined ? { type: "interval", intervalMonths: otherMonths } : otherDays !== undefined ? { type: "interval", intervalDays: otherDays } : otherMonths !== undefined ? { type: "interval", intervalMonths: otherMonths } : null;
  return {
    status: plan.status,
    firstChangeableDate: firstChangeable,
    // The rule's date above (API.md: the first changeable date); this, the first a customer can pick (an open day).
    firstChoosableDate: earliestMove,
    nextDeliveryOn: plan.nextDeliveryOn,
    /** False when the next delivery is inside the cut-off (already being prepared). */
    nextDeliveryChangeable: plan.nextDeliveryOn !== null && plan.nextDeliveryOn >= firstChangeable,
    /** The shop's `pricesIncludeTax`: how a my-page labels this plan's prices (総額表示). */
    pricesIncludeTax: settings.pricesIncludeTax,
    closedDates: settings.closedDates.filter((r) => r.to >= firstChangeable),
    skip: { ...probe({ type: "skip", count: 1 }), remainingSkips: remainingSkips(plan, settings), maxConsecutiveSkips: settings.maxConsecutiveSkips },
    nextDelivery: nextDeliveryOption(plan, settings, today, firstChangeable, earliestMove, probe),
    interval: {
      ...probe(otherInterval),
      current: plan.intervalDays,
      allowedIntervalDays: settings.allowedIntervalDays,
      currentMonths: months,
      allowedIntervalMonths: settings.allowedIntervalMonths,
    },
    quantity: { ...probe(otherQuantity === undefined ? null : { type: "quantity", quantity: otherQuantity }), current: plan.quantity, min: settings.quantityMin, max: settings.quantityMax },
    pause: { ...pauseOption(plan, settings, today, firstChangeable, probe, lang), maxPauseDays: settings.maxPauseDays },
    resume: { ...probe({ type: "resume" }), nextDeliveryOn: plan.status === "paused" ? resumeStart(plan, today, settings) : null },
  };
}

/**
 * Moving the next delivery: the first and last open days a move may go to (the rule's latest, less
 * the closed days at its end). A closure over every one of them closes the move with the refusal a
 * request would get (422 `delivery_date_closed` saying so), both dates then the rule's own.
 */
function nextDeliveryOption(plan: Plan, settings: TenantSettings, today: string, firstChangeable: string, earliestMove: string, probe: (r: PlanRequest) => ActionOption) {
  const latestRule = latestNextDelivery(plan, today, settings);
  const open = openWindow(firstChangeable, latestRule, settings);
  // With no open day, the date probed is one the plan does not have (its own moves nothing), so the refusal is the closure's.
  const probed = open === null && plan.nextDeliveryOn === earliestMove ? addDays(earliestMove, 1) : earliestMove;
  return { ...probe({ type: "next_delivery", date: probed }), earliest: open?.earliest ?? earliestMove, latest: open?.latest ?? maxDate(latestRule, earliestMove) };
}

/**
 * The pause a my-page may offer: resume dates from the day after the delivery it would hold back
 * (for a paused plan, after the current resume date: a longer pause) to the pause rule's own
 * latest date — today + maxPauseDays was shorter than the rule for every plan whose next delivery
 * is a while off. The range is never empty or inverted: when no longer pause fits the rule (a
 * pause already at or past the limit — paused for the longest, or under an older, longer
 * `maxPauseDays` — or a shop that allows none), the pause is closed with a refusal that says so
 * and that resuming is what remains (only now, from the first changeable date, when the shop
 * allows no pause), and both dates are the rule's latest.
 */
function pauseOption(plan: Plan, settings: TenantSettings, today: string, firstChangeable: string, probe: (r: PlanRequest) => ActionOption, lang: Language) {
  // The last open day up to the rule's latest (a pause limit ending on 12/31 offers 12/28), as a request is answered.
  const ruleLatest = latestResumeOn(plan, today, settings);
  const latest = lastOpenDate(ruleLatest, settings);
  // The first open day after the delivery the pause holds back (a closed 12/29–1/3 offers 1/4).
  const earliest = firstOpenDate(addDays(maxDate(firstChangeable, plan.nextDeliveryOn ?? firstChangeable), 1), settings);
  const option = probe({ type: "pause", resumeOn: earliest });
  if (earliest <= latest) return { ...option, earliestResumeOn: earliest, latestResumeOn: latest };
  // A canceled plan, a delivery being prepared or a closure over every allowed day keeps its own refusal; the rule's limit gets a clear one.
  if (option.refusal?.code !== "pause_too_long") return { ...option, earliestResumeOn: ruleLatest, latestResumeOn: ruleLatest };
  // The first delivery a resume now can have, said as a day the customer can pick (an open one).
  const first = firstOpenDate(firstChangeable, settings);
  const detail: Localized =
    plan.status !== "paused"
      ? { en: "The shop does not offer pauses.", ja: "このショップではお届けのお休みを承っていません。" }
      : ruleLatest <= firstChangeable
        ? {
            en: `The pause cannot be extended: the shop allows no longer pause, so deliveries can only resume now, with the first delivery on ${day(first, "en")}.`,
            ja: `お休みは延長できません。ショップの規定でお休みの期間を延ばせないため、選べるのはいますぐの再開のみで、最初のお届けは${day(first, "ja")}です。`,
          }
        : {
            en: `The pause already runs until ${day(plan.pausedUntil, "en")}; from today the shop allows resume dates up to ${day(ruleLatest, "en")}, so it cannot be extended. To restart sooner, resume: the first delivery can be on ${day(first, "en")}.`,
            ja: `お届けはすでに${day(plan.pausedUntil, "ja")}までお休み中です。本日から選べる再開日は${day(ruleLatest, "ja")}までのため、これ以上延長できません。早めに再開する場合は「再開」をお選びください。最初のお届けは${day(first, "ja")}から可能です。`,
          };
  return { available: false, refusal: { code: "pause_too_long" as const, detail: detail[lang] }, earliestResumeOn: ruleLatest, latestResumeOn: ruleLatest };
}
