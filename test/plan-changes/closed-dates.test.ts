import { describe, expect, it } from "vitest";
import { autoResume, closedRangeOn, decide, firstOpenDate, planOptions, reactivateOption, reactivationStart, reactivationWindow, type Plan } from "../../src/plan-changes/rules";
import { DEFAULT_SETTINGS, PatchSettingsBody, type TenantSettings } from "../../src/settings/schemas";

/**
 * The shop's closed days (settings `closedDates`: 年末年始, a warehouse move): a date a customer
 * chooses on one is refused with the first open day; dates the plan's schedule gives are the cart's.
 */
const NEW_YEAR = { from: "2026-12-29", to: "2027-01-03" };
const S: TenantSettings = { ...DEFAULT_SETTINGS, closedDates: [NEW_YEAR] };
const TODAY = "2026-12-04";
const plan = (over: Partial<Plan> = {}): Plan => ({ status: "active", quantity: 1, intervalDays: 30, nextDeliveryOn: "2026-12-20", pausedUntil: null, consecutiveSkips: 0, ...over });

describe("closed days", () => {
  it("a range closes both its ends; the first open day is past ranges that touch", () => {
    expect(closedRangeOn("2026-12-28", S)).toBeNull();
    expect(closedRangeOn("2026-12-29", S)).toEqual(NEW_YEAR);
    expect(closedRangeOn("2027-01-03", S)).toEqual(NEW_YEAR);
    expect(firstOpenDate("2026-12-31", S)).toBe("2027-01-04");
    expect(firstOpenDate("2026-12-28", S)).toBe("2026-12-28");
    const touching = { ...S, closedDates: [{ from: "2026-12-29", to: "2026-12-31" }, { from: "2027-01-01", to: "2027-01-03" }, { from: "2027-01-04", to: "2027-01-04" }] };
    expect(firstOpenDate("2026-12-30", touching)).toBe("2027-01-05");
  });

  it("moving the next delivery onto one: 422 delivery_date_closed with the range and the first open day, said in both languages", () => {
    const d = decide(plan(), { type: "next_delivery", date: "2026-12-31" }, S, TODAY);
    expect(d).toMatchObject({ ok: false, violation: { code: "delivery_date_closed", extra: { closedFrom: "2026-12-29", closedTo: "2027-01-03", nextOpenDate: "2027-01-04" } } });
    if (d.ok) throw new Error("accepted");
    expect(d.violation.detail.ja).toBe("2026年12月29日から2027年1月3日まではショップのお届け休業日です。次回お届け日は休業日以外の日付を指定してください（休業明けは2027年1月4日です）。");
    expect(d.violation.detail.en).toBe("The shop delivers nothing from 29 Dec 2026 to 3 Jan 2027; move the next delivery to 4 Jan 2027 or another open day.");
    // The day before and the day after are open.
    expect(decide(plan(), { type: "next_delivery", date: "2026-12-28" }, S, TODAY)).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2026-12-28" } });
    expect(decide(plan(), { type: "next_delivery", date: "2027-01-04" }, S, TODAY)).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2027-01-04" } });
    // A plan already on a closed day (the cart's schedule) asked to stay there: nothing moves, nothing is refused (the my-page's default, sent unchanged).
    expect(decide(plan({ nextDeliveryOn: "2026-12-30" }), { type: "next_delivery", date: "2026-12-30" }, S, TODAY)).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2026-12-30" } });
  });

  it("a pause's chosen resume date, a resume's and a reactivation's first delivery are refused the same way; dates the schedule gives are not", () => {
    expect(decide(plan(), { type: "pause", resumeOn: "2027-01-02" }, S, TODAY)).toMatchObject({ ok: false, violation: { code: "delivery_date_closed" } });
    const paused = plan({ status: "paused", pausedUntil: "2027-02-01", nextDeliveryOn: "2027-02-01", pausedFromOn: "2026-12-20" });
    expect(decide(paused, { type: "resume", nextDeliveryOn: "2026-12-30" }, S, TODAY)).toMatchObject({ ok: false, violation: { code: "delivery_date_closed" } });
    expect(reactivationStart({ intervalDays: 30, finalDeliveryOn: null }, TODAY, S, "2027-01-01")).toMatchObject({ ok: false, violation: { code: "delivery_date_closed", extra: { nextOpenDate: "2027-01-04" } } });
    // A skip from 12/01 lands on 12/31: the plan's own schedule, which the shop's cart ships by its calendar.
    expect(decide(plan({ nextDeliveryOn: "2026-12-01" }), { type: "skip", count: 1 }, S, "2026-11-20")).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2026-12-31" } });
    // So does a pause by cycles.
    expect(decide(plan({ nextDeliveryOn: "2026-12-01" }), { type: "pause", cycles: 1 }, S, "2026-11-20")).toMatchObject({ ok: true, plan: { pausedUntil: "2026-12-31" } });
  });

  it("plan-options lists the ranges still to come and offers the first open day as the earliest", () => {
    const past = { from: "2026-08-12", to: "2026-08-16" };
    const settings = { ...S, changeCutoffDays: 3, closedDates: [past, NEW_YEAR] };
    // Today 12/26: the cut-off makes 12/29 the first changeable day, a closed one.
    const o = planOptions(plan({ nextDeliveryOn: "2027-01-10" }), settings, "2026-12-26", "ja");
    expect(o.closedDates).toEqual([NEW_YEAR]);
    expect(o.firstChangeableDate).toBe("2026-12-29");
    expect(o.nextDelivery).toMatchObject({ available: true, earliest: "2027-01-04" });
    // A pause of a plan whose next delivery is 12/28 can resume from 1/4, not 12/29.
    expect(planOptions(plan({ nextDeliveryOn: "2026-12-28" }), settings, "2026-12-20", "ja").pause).toMatchObject({ available: true, earliestResumeOn: "2027-01-04" });
    expect(reactivateOption({ intervalDays: 30, finalDeliveryOn: null }, "2026-12-26", settings)).toMatchObject({ available: true, earliest: "2027-01-04" });
  });

  it("the setting: ranges sorted, `to` before `from` or a range over 62 days refused", () => {
    expect(PatchSettingsBody.parse({ closedDates: [NEW_YEAR, { from: "2026-08-12", to: "2026-08-16" }] }).closedDates).toEqual([{ from: "2026-08-12", to: "2026-08-16" }, NEW_YEAR]);
    expect(PatchSettingsBody.safeParse({ closedDates: [{ from: "2027-01-03", to: "2026-12-29" }] }).success).toBe(false);
    expect(PatchSettingsBody.safeParse({ closedDates: [{ from: "2026-12-01", to: "2027-02-01" }] }).success).toBe(false);
    expect(PatchSettingsBody.safeParse({ closedDates: [{ from: "2026-12-01", to: "2027-01-31" }] }).success).toBe(true);
    expect(PatchSettingsBody.safeParse({ closedDates: [{ from: "2026-12-29" }] }).success).toBe(false);
    // Ranges sharing a day are refused (trial49: accepted as written, a refusal then named one and sent past both); touching ones are two closures.
    const overlapping = PatchSettingsBody.safeParse({ closedDates: [NEW_YEAR, { from: "2027-01-02", to: "2027-01-10" }] });
    expect(overlapping.success ? [] : overlapping.error.issues.map((i) => i.message)).toEqual(["Two ranges share a day: write them as one range"]);
    expect(PatchSettingsBody.safeParse({ closedDates: [NEW_YEAR, { from: "2027-01-04", to: "2027-01-10" }] }).success).toBe(true);
    // A day not on the calendar is that one error, not also "too long" or "before from".
    const notADay = PatchSettingsBody.safeParse({ closedDates: [{ from: "2026-12-01", to: "2027-02-30" }] });
    expect(notADay.success ? [] : notADay.error.issues.map((i) => i.path.join("."))).toEqual(["closedDates.0.to"]);
  });
});

describe("the earliest date Tsuzuku picks itself", () => {
  it("resume {} and reactivate {} without a delivery of the plan's own to go back to start on the first open day, not on a closed one", () => {
    // Today 12/26, cut-off 3 days: the first changeable day is 12/29, closed.
    const paused = plan({ status: "paused", pausedUntil: "2027-02-01", nextDeliveryOn: "2027-02-01", pausedFromOn: null });
    expect(decide(paused, { type: "resume" }, S, "2026-12-26")).toMatchObject({ ok: true, plan: { status: "active", nextDeliveryOn: "2027-01-04" } });
    expect(reactivationStart({ intervalDays: 30, finalDeliveryOn: null }, "2026-12-26", S)).toMatchObject({ ok: true, nextDeliveryOn: "2027-01-04" });
    // A delivery of the plan's own is kept, as the cart scheduled it.
    const stopped = plan({ status: "paused", pausedUntil: "2027-02-01", nextDeliveryOn: "2027-02-01", pausedFromOn: "2027-01-02" });
    expect(decide(stopped, { type: "resume" }, S, "2026-12-26")).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2027-01-02" } });
    // Asked for by name (the my-page's resume form shows it as its default), that date is taken too (trial49); another closed day is not.
    expect(decide(stopped, { type: "resume", nextDeliveryOn: "2027-01-02" }, S, "2026-12-26")).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2027-01-02" } });
    expect(decide(stopped, { type: "resume", nextDeliveryOn: "2027-01-03" }, S, "2026-12-26")).toMatchObject({ ok: false, violation: { code: "delivery_date_closed" } });
  });

  it("a reactivation too far away names the last date it can have", () => {
    const far = reactivationStart({ intervalDays: 30, finalDeliveryOn: null }, TODAY, S, "2027-06-01");
    expect(far).toMatchObject({ ok: false, violation: { code: "date_out_of_range", extra: { latestDate: "2027-03-04" } } });
    if (far.ok) throw new Error("accepted");
    expect(far.violation.detail.ja).toBe("最初のお届け日が先すぎます。2027年3月4日までの日付を指定してください。");
  });

  it("a reactivation asking for the delivery its cancellation stopped, on a closed day, is taken (a form's default); any other closed day is refused; a form may offer from the first open day", () => {
    const canceled = { intervalDays: 30, finalDeliveryOn: null, stoppedDeliveryOn: "2026-12-30" };
    expect(reactivationWindow(canceled, "2026-12-20", S)).toEqual({ earliest: "2026-12-23", latest: expect.any(String), suggested: "2026-12-30", earliestOpen: "2026-12-23" });
    expect(reactivationStart(canceled, "2026-12-20", S, "2026-12-30")).toMatchObject({ ok: true, nextDeliveryOn: "2026-12-30" });
    expect(reactivationStart(canceled, "2026-12-20", S, "2026-12-31")).toMatchObject({ ok: false, violation: { code: "delivery_date_closed" } });
    // Today 12/27: the first changeable day (12/30) is closed, so a form offers dates from 1/4.
    expect(reactivationWindow({ ...canceled, stoppedDeliveryOn: null }, "2026-12-27", S)).toMatchObject({ earliest: "2026-12-30", suggested: "2027-01-04", earliestOpen: "2027-01-04" });
  });

  it("a pause resumed late (the job was down over the holiday) moves the first delivery to the first open day; one resumed on time keeps the planned date", () => {
    const paused = plan({ status: "paused", pausedUntil: "2026-12-20", nextDeliveryOn: "2026-12-20" });
    // Resumed on 12/25, cut-off 3 days: the first changeable day is 12/28, open.
    expect(autoResume(paused, "2026-12-25", S)?.plan.nextDeliveryOn).toBe("2026-12-28");
    // Resumed on 12/27: 12/30 is closed, so 1/4; the note keeps the first changeable day it started from.
    expect(autoResume(paused, "2026-12-27", S)).toMatchObject({
      plan: { status: "active", nextDeliveryOn: "2027-01-04" },
      note: { moved: { from: "2026-12-20", to: "2027-01-04", because: "resumed_late", resumedOn: "2026-12-27", firstChangeableDate: "2026-12-30" } },
    });
    // On its own day, the planned date stands, closed or not: the cart has shown it since the pause began.
    const toTheHoliday = plan({ status: "paused", pausedUntil: "2026-12-30", nextDeliveryOn: "2026-12-30" });
    expect(autoResume(toTheHoliday, "2026-12-30", S)?.plan.nextDeliveryOn).toBe("2026-12-30");
  });
});
