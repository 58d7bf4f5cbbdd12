import { describe, expect, it } from "vitest";
import { addDays, daysBetween, localDate } from "../../src/platform/dates";
import { autoResume, decide, latestResumeOn, movesNothing, planOptions, reactivateOption, reactivationStart, reactivationWindow, settle, undoesCancellation, skipRunAfterDelivery, skipRunAfterSync, type Plan } from "../../src/plan-changes/rules";
import { DEFAULT_SETTINGS } from "../../src/settings/schemas";
import { plan } from "../support/plan";

const S = DEFAULT_SETTINGS;

describe("calendar dates", () => {
  it("uses the tenant's time zone for today", () => {
    // 2026-11-30 20:00 UTC is already 1 December in Tokyo
    expect(localDate(new Date("2026-11-30T20:00:00Z"), "Asia/Tokyo")).toBe("2026-12-01");
    expect(localDate(new Date("2026-11-30T20:00:00Z"), "America/Los_Angeles")).toBe("2026-11-30");
  });
  it("adds days across month ends, year ends and leap days", () => {
    expect(addDays("2026-01-31", 30)).toBe("2026-03-02");
    expect(addDays("2028-01-31", 30)).toBe("2028-03-01"); // 2028 is a leap year
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-12-20", 14)).toBe("2027-01-03");
    expect(daysBetween("2028-02-01", "2028-03-01")).toBe(29);
  });
});

describe("skip", () => {
  it("moves the next delivery by whole intervals, across a month end", () => {
    const d = decide(plan({ nextDeliveryOn: "2027-01-31" }), { type: "skip", count: 1 }, S, "2026-12-01");
    expect(d).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2027-03-02", consecutiveSkips: 1 } });
  });
  it("over a leap day", () => {
    const d = decide(plan({ nextDeliveryOn: "2028-02-15", intervalDays: 14 }), { type: "skip", count: 2 }, S, "2028-01-20");
    expect(d).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2028-03-14" } });
  });
  it("is refused inside the cut-off with the first changeable date", () => {
    const d = decide(plan({ nextDeliveryOn: "2026-12-03" }), { type: "skip", count: 1 }, S, "2026-12-01");
    expect(d).toMatchObject({ ok: false, violation: { code: "change_window_closed", extra: { firstChangeableDate: "2026-12-04" } } });
    // exactly at the cut-off it is still changeable
    expect(decide(plan({ nextDeliveryOn: "2026-12-04" }), { type: "skip", count: 1 }, S, "2026-12-01").ok).toBe(true);
  });
  it("respects the consecutive skip limit", () => {
    const d = decide(plan({ consecutiveSkips: 2 }), { type: "skip", count: 1 }, S, "2026-12-01");
    expect(d).toMatchObject({ ok: false, violation: { code: "skip_limit_exceeded", extra: { remainingSkips: 0 } } });
    // None left reads as such, not as "0 more": the next delivery has to ship first, or pause.
    expect(!d.ok && d.violation.detail).toEqual({
      en: "At most 2 deliveries in a row can be skipped, so no more can be skipped until the next delivery has shipped. For a longer break, pause deliveries instead.",
      ja: "続けてスキップできるのは2回までのため、次回のお届けが発送されるまで、これ以上スキップできません。しばらくお届けが不要な場合は、お休みをご利用ください。",
    });
    const one = decide(plan({ consecutiveSkips: 1 }), { type: "skip", count: 2 }, S, "2026-12-01");
    expect(one).toMatchObject({ ok: false, violation: { extra: { remainingSkips: 1 } } });
    expect(!one.ok && one.violation.detail).toEqual({ en: "At most 2 deliveries in a row can be skipped; only 1 more can be skipped now.", ja: "続けてスキップできるのは2回までです。現在あと1回スキップできます。" });
    // A shop without pauses is not told to pause; one without skips says so.
    const noPause = decide(plan({ consecutiveSkips: 2 }), { type: "skip", count: 1 }, { ...S, maxPauseDays: 0 }, "2026-12-01");
    expect(!noPause.ok && noPause.violation.detail.en).toBe("At most 2 deliveries in a row can be skipped, so no more can be skipped until the next delivery has shipped.");
    const noSkips = decide(plan(), { type: "skip", count: 1 }, { ...S, maxConsecutiveSkips: 0 }, "2026-12-01");
    expect(!noSkips.ok && noSkips.violation.detail).toEqual({ en: "The shop does not offer skips.", ja: "このショップではお届けのスキップを承っていません。" });
  });
  it("never changes a canceled subscription", () => {
    expect(decide(plan({ status: "canceled", nextDeliveryOn: null }), { type: "skip", count: 1 }, S, "2026-12-01")).toMatchObject({
      ok: false,
      violation: { code: "subscription_canceled" },
    });
  });
});

describe("the run of consecutive skips (#14.1)", () => {
  it("ends when a sync reports a delivery shipped", () => {
    expect(skipRunAfterSync(2, 6, 7)).toBe(0);
    expect(skipRunAfterSync(2, 6, 6)).toBe(2);
    expect(skipRunAfterSync(1, 6, 9)).toBe(0);
  });
  it("ends with a delivery.completed after the latest skip, not one reported late from before it", () => {
    expect(skipRunAfterDelivery(2, "2026-11-01T03:00:00.000Z", "2026-12-05T01:00:00.000Z")).toBe(0);
    expect(skipRunAfterDelivery(2, "2026-11-01T03:00:00.000Z", "2026-10-05T01:00:00.000Z")).toBe(2);
    // compared as times: 11:00+09:00 is 02:00Z, before the skip at 03:00Z
    expect(skipRunAfterDelivery(2, "2026-11-01T03:00:00.000Z", "2026-11-01T11:00:00+09:00")).toBe(2);
    expect(skipRunAfterDelivery(2, null, "2026-10-05T01:00:00.000Z")).toBe(0);
  });
  it("after it ends, a skip is allowed again", () => {
    const skipped = plan({ consecutiveSkips: 2 });
    expect(decide(skipped, { type: "skip", count: 1 }, S, "2026-12-01").ok).toBe(false);
    expect(decide({ ...skipped, consecutiveSkips: skipRunAfterSync(2, 6, 7) }, { type: "skip", count: 1 }, S, "2026-12-01").ok).toBe(true);
  });
});

describe("pause", () => {
  it("with cycles counts from the next delivery", () => {
    const d = decide(plan({ nextDeliveryOn: "2026-12-10" }), { type: "pause", cycles: 2 }, S, "2026-12-01");
    expect(d).toMatchObject({ ok: true, plan: { status: "paused", pausedUntil: "2027-02-08", nextDeliveryOn: "2027-02-08" } });
  });
  it("with resumeOn uses the date as given", () => {
    const d = decide(plan(), { type: "pause", resumeOn: "2027-01-15" }, S, "2026-12-01");
    expect(d).toMatchObject({ ok: true, plan: { status: "paused", pausedUntil: "2027-01-15", nextDeliveryOn: "2027-01-15" } });
  });
  it("is limited to the maximum pause length, counted from the next delivery it holds back", () => {
    // next delivery 2026-12-10: 2027-03-10 is 90 days later, 2027-03-11 is 91
    const d = decide(plan(), { type: "pause", resumeOn: "2027-03-11" }, S, "2026-12-01");
    expect(d).toMatchObject({
      ok: false,
      violation: { code: "pause_too_long", extra: { latestResumeOn: "2027-03-10", pauseDays: 91, pausedFromOn: "2026-12-10", maxPauseDays: 90 } },
    });
    expect(d.ok || d.violation.detail.en).toMatch(/beyond the normal schedule.*10 Mar 2027/);
    expect(decide(plan(), { type: "pause", resumeOn: "2027-03-10" }, S, "2026-12-01").ok).toBe(true);
  });
  it("a pause of one delivery every 60 days is 60 days long, whatever the wait for the next one (#14.4)", () => {
    const bimonthly = plan({ intervalDays: 60, nextDeliveryOn: addDays("2026-12-01", 51) });
    expect(decide(bimonthly, { type: "pause", cycles: 1 }, S, "2026-12-01")).toMatchObject({
      ok: true,
      plan: { status: "paused", pausedUntil: addDays("2026-12-01", 111) },
    });
    // Quarterly, next in 80 days: one cycle (90 days) is allowed, two (180) are not.
    const quarterly = plan({ intervalDays: 90, nextDeliveryOn: addDays("2026-12-01", 80) });
    expect(decide(quarterly, { type: "pause", cycles: 1 }, S, "2026-12-01").ok).toBe(true);
    expect(decide(quarterly, { type: "pause", cycles: 2 }, S, "2026-12-01")).toMatchObject({
      ok: false,
      violation: { code: "pause_too_long", extra: { pauseDays: 180, latestResumeOn: addDays("2026-12-01", 170) } },
    });
    expect(latestResumeOn(quarterly, "2026-12-01", S)).toBe(addDays("2026-12-01", 170));
  });
  it("must end after the delivery it holds back: a pause to that day or before is refused, with the earliest date", () => {
    for (const resumeOn of ["2026-12-10", "2026-12-05"]) {
      expect(decide(plan(), { type: "pause", resumeOn }, S, "2026-12-01")).toMatchObject({
        ok: false,
        violation: { code: "date_out_of_range", extra: { earliestDate: "2026-12-11" } },
      });
    }
    expect(decide(plan(), { type: "pause", resumeOn: "2026-12-11" }, S, "2026-12-01")).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2026-12-11" } });
  });
  it("extending a pause counts from the delivery it held back (pausedFromOn), as the rule says — not from today", () => {
    // Paused 12-29 → 01-29 (the next delivery was 12-29): extending to 03-29 holds it back 90 days.
    const paused = plan({ status: "paused", pausedUntil: "2027-01-29", nextDeliveryOn: "2027-01-29", pausedFromOn: "2026-12-29" });
    expect(decide(paused, { type: "pause", resumeOn: "2027-03-29" }, S, "2026-12-02")).toMatchObject({ ok: true, plan: { pausedUntil: "2027-03-29", pausedFromOn: "2026-12-29" } });
    const refused = decide(paused, { type: "pause", resumeOn: "2027-03-30" }, S, "2026-12-02");
    expect(refused).toMatchObject({ ok: false, violation: { code: "pause_too_long", extra: { pausedFromOn: "2026-12-29", pauseDays: 91, latestResumeOn: "2027-03-29" } } });
    expect(!refused.ok && refused.violation.detail.en).toContain("counted from the delivery it held back (Tue 29 Dec 2026)");
    // A paused 45-day plan: the latest date plan-options shows counts from its held delivery too.
    const p45 = plan({ status: "paused", intervalDays: 45, pausedUntil: "2027-01-20", nextDeliveryOn: "2027-01-20", pausedFromOn: "2026-12-20" });
    expect(latestResumeOn(p45, "2026-12-02", S)).toBe("2027-03-20");
    expect(planOptions(p45, S, "2026-12-02", "en").pause).toMatchObject({ latestResumeOn: "2027-03-20" });
  });
  it("one cycle can always be paused: the limit is maxPauseDays or one interval, whichever is longer", () => {
    // Quarterly by the calendar: 03-31 → 06-30 is 91 days, over the default 90.
    const quarterly = plan({ intervalDays: 91, intervalMonths: 3, deliveryDay: 31, nextDeliveryOn: "2027-03-31" });
    expect(decide(quarterly, { type: "pause", cycles: 1 }, S, "2026-12-02")).toMatchObject({ ok: true, plan: { pausedUntil: "2027-06-30" } });
    expect(latestResumeOn(quarterly, "2026-12-02", S)).toBe("2027-06-30");
    expect(decide(quarterly, { type: "pause", resumeOn: "2027-07-01" }, S, "2026-12-02")).toMatchObject({ ok: false, violation: { code: "pause_too_long", extra: { latestResumeOn: "2027-06-30", maxPauseDays: 90 } } });
    // Every 120 days: one delivery (120 days) may be paused; a shop with no pauses (0) stays closed.
    const p120 = plan({ intervalDays: 120, nextDeliveryOn: "2026-12-20" });
    expect(decide(p120, { type: "pause", cycles: 1 }, S, "2026-12-02").ok).toBe(true);
    expect(decide(p120, { type: "pause", cycles: 1 }, { ...S, maxPauseDays: 0 }, "2026-12-02")).toMatchObject({ ok: false, violation: { code: "pause_too_long" } });
  });
  it("extending a pause whose held delivery is unknown counts from the earliest date deliveries could resume today", () => {
    const paused = plan({ status: "paused", pausedUntil: "2027-01-15", nextDeliveryOn: "2027-01-15" });
    expect(decide(paused, { type: "pause", resumeOn: "2027-03-01" }, S, "2026-12-01").ok).toBe(true); // 12-04 + 87
    expect(decide(paused, { type: "pause", resumeOn: "2027-03-05" }, S, "2026-12-01")).toMatchObject({
      ok: false,
      violation: { code: "pause_too_long", extra: { pausedFromOn: "2026-12-04", latestResumeOn: "2027-03-04" } },
    });
  });
  it("resumes by itself on the resume date", () => {
    const paused = plan({ status: "paused", pausedUntil: "2027-01-15", nextDeliveryOn: "2027-01-15" });
    expect(settle(paused, "2027-01-14", S).status).toBe("paused");
    expect(settle(paused, "2027-01-15", S)).toMatchObject({ status: "active", pausedUntil: null, nextDeliveryOn: "2027-01-15" });
    expect(autoResume(paused, "2027-01-15", S)?.note).toEqual({ reason: "pause_ended", resumeOn: "2027-01-15" });
  });
  it("resumed late, the first delivery is never before today + the cut-off, and the note says why (#14.2)", () => {
    const paused = plan({ status: "paused", pausedUntil: "2027-03-01", nextDeliveryOn: "2027-03-01" });
    expect(autoResume(paused, "2027-03-06", S)).toEqual({
      plan: { ...paused, status: "active", pausedUntil: null, pausedFromOn: null, nextDeliveryOn: "2027-03-09" },
      note: {
        reason: "pause_ended",
        resumeOn: "2027-03-01",
        moved: { from: "2027-03-01", to: "2027-03-09", because: "resumed_late", resumedOn: "2027-03-06", firstChangeableDate: "2027-03-09" },
      },
    });
    // One day late is late too; a synced next delivery already far enough stays.
    expect(settle(paused, "2027-03-02", S).nextDeliveryOn).toBe("2027-03-05");
    expect(settle({ ...paused, nextDeliveryOn: "2027-03-20" }, "2027-03-06", S).nextDeliveryOn).toBe("2027-03-20");
    // A change made on a due pause before the job ran starts from the moved date.
    expect(decide(paused, { type: "skip", count: 1 }, S, "2027-03-06")).toMatchObject({ ok: true, plan: { status: "active", nextDeliveryOn: "2027-04-08" } });
  });
});

describe("reactivation (#14.3)", () => {
  const monthly = { intervalDays: 30 };
  it("before the final delivery ships: as if never cancelled, that delivery stays the next one", () => {
    // Cancelled inside the cut-off, the 01-27 delivery still ships; reactivated on 01-25.
    expect(reactivationStart({ ...monthly, finalDeliveryOn: "2027-01-27" }, "2027-01-25", S)).toEqual({ ok: true, nextDeliveryOn: "2027-01-27", asIfNeverCanceled: true });
    expect(reactivationStart({ ...monthly, finalDeliveryOn: "2027-01-27" }, "2027-01-27", S)).toMatchObject({ nextDeliveryOn: "2027-01-27" });
    // …and the one after is one interval later, as for any delivery (the plan's rules).
    const restored = plan({ nextDeliveryOn: "2027-01-27" });
    expect(decide(restored, { type: "skip", count: 1 }, S, "2027-01-25")).toMatchObject({ ok: false, violation: { code: "change_window_closed" } });
    expect(addDays("2027-01-27", restored.intervalDays)).toBe("2027-02-26");
  });
  it("a different first date while the final delivery is coming is refused; asking for that date is fine", () => {
    expect(reactivationStart({ ...monthly, finalDeliveryOn: "2027-01-27" }, "2027-01-25", S, "2027-01-28")).toMatchObject({
      ok: false,
      violation: { code: "change_window_closed", extra: { nextDeliveryOn: "2027-01-27" } },
    });
    expect(reactivationStart({ ...monthly, finalDeliveryOn: "2027-01-27" }, "2027-01-25", S, "2027-01-27").ok).toBe(true);
  });
  it("after the final delivery, or with none, a new start at the earliest changeable date or the one asked", () => {
    expect(reactivationStart({ ...monthly, finalDeliveryOn: "2027-01-27" }, "2027-01-28", S)).toEqual({ ok: true, nextDeliveryOn: "2027-01-31", asIfNeverCanceled: false });
    expect(reactivationStart({ ...monthly, finalDeliveryOn: null }, "2027-01-25", S)).toEqual({ ok: true, nextDeliveryOn: "2027-01-28", asIfNeverCanceled: false });
    expect(reactivationStart({ ...monthly, finalDeliveryOn: null }, "2027-01-25", S, "2027-01-26")).toMatchObject({ ok: false, violation: { code: "change_window_closed" } });
    expect(reactivationStart({ ...monthly, finalDeliveryOn: null }, "2027-01-25", S, "2027-06-01")).toMatchObject({ ok: false, violation: { code: "date_out_of_range" } });
  });
  it("the window a form offers is exactly the dates a reactivation accepts", () => {
    // The console's date picker is bounded by it: its ends are accepted, a day beyond either refused.
    for (const [canceled, today] of [[{ ...monthly, finalDeliveryOn: null }, "2027-01-25"], [{ intervalDays: 90, finalDeliveryOn: "2027-01-20" }, "2027-01-25"]] as const) {
      const w = reactivationWindow(canceled, today, S);
      if ("continuesOn" in w) throw new Error("a new start expected");
      expect(reactivationStart(canceled, today, S, w.earliest)).toMatchObject({ ok: true, nextDeliveryOn: w.earliest, asIfNeverCanceled: false });
      expect(reactivationStart(canceled, today, S, w.latest)).toMatchObject({ ok: true, nextDeliveryOn: w.latest });
      expect(reactivationStart(canceled, today, S, addDays(w.earliest, -1)).ok).toBe(false);
      expect(reactivationStart(canceled, today, S, addDays(w.latest, 1)).ok).toBe(false);
    }
    expect(reactivationWindow({ ...monthly, finalDeliveryOn: null }, "2027-01-25", S)).toEqual({ earliest: "2027-01-28", latest: addDays("2027-01-25", Math.max(S.maxPauseDays, 60)), suggested: "2027-01-28", earliestOpen: "2027-01-28", latestOpen: addDays("2027-01-25", Math.max(S.maxPauseDays, 60)) });
    // The final delivery still coming: no date to choose, the plan continues from it.
    expect(reactivationWindow({ ...monthly, finalDeliveryOn: "2027-01-27" }, "2027-01-25", S)).toEqual({ continuesOn: "2027-01-27" });
  });
});

describe("reactivation after a cancellation that stopped the next delivery", () => {
  const monthly = { intervalDays: 30, finalDeliveryOn: null };
  // Cancelled on 12-02 (cut-off 3 days), the 12-16 delivery was stopped.
  const canceled = { ...monthly, stoppedDeliveryOn: "2026-12-16", effectiveOn: "2026-12-02" };
  it("the same day: the customer's own next delivery, not the earliest date, and as if never cancelled", () => {
    expect(reactivationStart(canceled, "2026-12-02", S)).toEqual({ ok: true, nextDeliveryOn: "2026-12-16", asIfNeverCanceled: true });
    expect(reactivationWindow(canceled, "2026-12-02", S)).toMatchObject({ earliest: "2026-12-05", suggested: "2026-12-16" });
    // Another date may still be asked for: a new start on it.
    expect(reactivationStart(canceled, "2026-12-02", S, "2026-12-05")).toEqual({ ok: true, nextDeliveryOn: "2026-12-05", asIfNeverCanceled: false });
  });
  it("plan-options' restart says what reactivate {} would do: its first delivery, whether as if never cancelled, whether the fee is waived", () => {
    expect(reactivateOption(canceled, "2026-12-02", S)).toMatchObject({ available: true, nextDeliveryOn: "2026-12-16", continues: false, asIfNeverCanceled: true, undoesCancellation: true, earliest: "2026-12-05" });
    expect(reactivateOption(canceled, "2026-12-10", S)).toMatchObject({ available: true, nextDeliveryOn: "2026-12-16", asIfNeverCanceled: false, undoesCancellation: false });
    expect(reactivateOption({ ...monthly, finalDeliveryOn: "2026-12-04", effectiveOn: "2026-12-04" }, "2026-12-02", S)).toMatchObject({ nextDeliveryOn: "2026-12-04", continues: true, asIfNeverCanceled: true, undoesCancellation: true });
    expect(reactivateOption(null, "2026-12-02", S)).toMatchObject({ available: false, refusal: { code: "subscription_not_canceled" }, nextDeliveryOn: null });
  });
  it("a later day: the stopped delivery while it can still be changed, as a new start; then the earliest", () => {
    expect(reactivationStart(canceled, "2026-12-10", S)).toEqual({ ok: true, nextDeliveryOn: "2026-12-16", asIfNeverCanceled: false });
    expect(reactivationStart(canceled, "2026-12-14", S)).toEqual({ ok: true, nextDeliveryOn: "2026-12-17", asIfNeverCanceled: false });
    // A cancellation recorded before the stopped date was kept: the earliest date, as before.
    expect(reactivationStart(monthly, "2026-12-02", S)).toEqual({ ok: true, nextDeliveryOn: "2026-12-05", asIfNeverCanceled: false });
  });
  it("undone on or before the effective date, tenant-local; not after", () => {
    expect(undoesCancellation({ effectiveOn: "2026-12-02" }, "2026-12-02")).toBe(true);
    expect(undoesCancellation({ effectiveOn: "2026-12-02" }, "2026-12-03")).toBe(false);
    expect(undoesCancellation({ effectiveOn: null }, "2026-12-02")).toBe(false);
  });
});

describe("resume, quantity, interval, next delivery", () => {
  it("resume defaults to the earliest changeable date", () => {
    const d = decide(plan({ status: "paused", pausedUntil: "2027-02-01", nextDeliveryOn: "2027-02-01" }), { type: "resume" }, S, "2026-12-01");
    expect(d).toMatchObject({ ok: true, plan: { status: "active", pausedUntil: null, nextDeliveryOn: "2026-12-04" } });
    expect(decide(plan(), { type: "resume" }, S, "2026-12-01")).toMatchObject({ ok: false, violation: { code: "subscription_not_paused" } });
  });
  it("quantity must be in range and outside the cut-off", () => {
    expect(decide(plan(), { type: "quantity", quantity: 11 }, S, "2026-12-01")).toMatchObject({ ok: false, violation: { code: "quantity_out_of_range" } });
    expect(decide(plan({ nextDeliveryOn: "2026-12-02" }), { type: "quantity", quantity: 2 }, S, "2026-12-01")).toMatchObject({
      ok: false,
      violation: { code: "change_window_closed" },
    });
    expect(decide(plan(), { type: "quantity", quantity: 2 }, S, "2026-12-01")).toMatchObject({ ok: true, plan: { quantity: 2 } });
  });
  it("interval must be one the shop offers, and keeps the next delivery date", () => {
    expect(decide(plan(), { type: "interval", intervalDays: 35 }, S, "2026-12-01")).toMatchObject({
      ok: false,
      violation: { code: "interval_not_allowed", extra: { allowedIntervalDays: [14, 21, 30, 45, 60, 90] } },
    });
    expect(decide(plan(), { type: "interval", intervalDays: 45 }, S, "2026-12-01")).toMatchObject({ ok: true, plan: { intervalDays: 45, nextDeliveryOn: "2026-12-10" } });
  });
  it("next delivery can move within the window", () => {
    expect(decide(plan(), { type: "next_delivery", date: "2026-12-03" }, S, "2026-12-01")).toMatchObject({ ok: false, violation: { code: "change_window_closed" } });
    expect(decide(plan(), { type: "next_delivery", date: "2027-03-01" }, S, "2026-12-01")).toMatchObject({ ok: false, violation: { code: "date_out_of_range" } });
    expect(decide(plan(), { type: "next_delivery", date: "2026-12-20" }, S, "2026-12-01")).toMatchObject({ ok: true, plan: { nextDeliveryOn: "2026-12-20" } });
  });
  it("uses the tenant's cut-off setting", () => {
    const strict = { ...S, changeCutoffDays: 10 };
    expect(decide(plan({ nextDeliveryOn: "2026-12-10" }), { type: "skip", count: 1 }, strict, "2026-12-01")).toMatchObject({
      ok: false,
      violation: { extra: { firstChangeableDate: "2026-12-11" } },
    });
  });
});

describe("plan options (what a my-page may offer)", () => {
  const today = "2026-11-30";

  it("an ordinary plan: everything open, with the shop's ranges and dates", () => {
    const o = planOptions(plan(), S, today);
    expect(o).toMatchObject({
      firstChangeableDate: "2026-12-03",
      nextDeliveryChangeable: true,
      skip: { available: true, remainingSkips: 2 },
      nextDelivery: { available: true, earliest: "2026-12-03", latest: "2027-02-08" },
      interval: { available: true, allowedIntervalDays: [14, 21, 30, 45, 60, 90], current: 30 },
      quantity: { available: true, min: 1, max: 10, current: 1 },
      pause: { available: true, maxPauseDays: 90, latestResumeOn: "2027-03-10", earliestResumeOn: "2026-12-11" },
      resume: { available: false, refusal: { code: "subscription_not_paused" } },
    });
  });

  it("inside the cut-off: the actions that touch the next delivery say which rule closes them", () => {
    const o = planOptions(plan({ nextDeliveryOn: "2026-12-01" }), S, today);
    expect(o.nextDeliveryChangeable).toBe(false);
    expect(o.skip).toMatchObject({ available: false, refusal: { code: "change_window_closed" } });
    expect(o.quantity.refusal?.code).toBe("change_window_closed");
    expect(o.interval.available).toBe(true); // the interval counts from the next delivery: always open
  });

  it("at the skip limit, no skip; a canceled plan, nothing", () => {
    expect(planOptions(plan({ consecutiveSkips: 2 }), S, today).skip).toMatchObject({ available: false, remainingSkips: 0, refusal: { code: "skip_limit_exceeded" } });
    const canceled = planOptions(plan({ status: "canceled", nextDeliveryOn: null }), S, today);
    for (const action of [canceled.skip, canceled.nextDelivery, canceled.interval, canceled.quantity, canceled.pause, canceled.resume]) {
      expect(action.available).toBe(false);
    }
  });

  it("offers the pause rule's own latest resume date: next delivery + maxPauseDays, one day more refused", () => {
    // A 90-day plan whose next delivery is 95 days off: today + 90 would be before the delivery itself.
    for (const p of [plan(), plan({ intervalDays: 90, nextDeliveryOn: addDays(today, 95) }), plan({ status: "paused", pausedUntil: "2027-01-10", nextDeliveryOn: "2027-01-10" })]) {
      const o = planOptions(p, S, today);
      expect(o.pause.latestResumeOn).toBe(latestResumeOn(p, today, S));
      expect(o.pause.earliestResumeOn <= o.pause.latestResumeOn).toBe(true);
      expect(decide(p, { type: "pause", resumeOn: o.pause.latestResumeOn }, S, today).ok).toBe(true);
      expect(decide(p, { type: "pause", resumeOn: addDays(o.pause.latestResumeOn, 1) }, S, today)).toMatchObject({ ok: false, violation: { code: "pause_too_long", extra: { latestResumeOn: o.pause.latestResumeOn } } });
    }
  });

  it("never offers an empty or inverted pause range: a pause already at (or past) the rule's limit, a lowered limit, a next delivery gone by, no pauses at all", () => {
    // today 2026-11-30: the first changeable date is 2026-12-03, a paused plan's limit 2026-12-03 + 90 = 2027-03-03.
    const atLimit = plan({ status: "paused", pausedUntil: "2027-03-03", nextDeliveryOn: "2027-03-03" });
    const pastLimit = plan({ status: "paused", pausedUntil: "2027-05-01", nextDeliveryOn: "2027-05-01" }); // paused under an older, longer limit
    const lowered = { ...S, maxPauseDays: 30 };
    const stale = plan({ nextDeliveryOn: "2026-07-01" }); // the cart system never reported the delivery
    const noPauses = { ...S, maxPauseDays: 0 };
    const cases: [Plan, typeof S][] = [
      [atLimit, S],
      [pastLimit, S],
      [plan({ status: "paused", pausedUntil: "2027-01-10", nextDeliveryOn: "2027-01-10" }), lowered],
      [stale, S],
      [plan(), noPauses],
      [plan({ status: "paused", pausedUntil: "2027-01-10", nextDeliveryOn: "2027-01-10" }), noPauses],
    ];
    for (const [p, settings] of cases) {
      const o = planOptions(p, settings, today);
      const label = JSON.stringify([p, settings.maxPauseDays]);
      expect(o.pause.earliestResumeOn <= o.pause.latestResumeOn, label).toBe(true);
      expect(o.pause.earliestResumeOn >= o.firstChangeableDate, label).toBe(true);
      if (o.pause.available) {
        for (const d of [o.pause.earliestResumeOn, o.pause.latestResumeOn]) expect(decide(p, { type: "pause", resumeOn: d }, settings, today).ok, label).toBe(true);
      } else {
        expect(o.pause.refusal, label).not.toBeNull();
      }
    }
    // A pause at its limit: it cannot be extended, and the customer is told so and how to restart sooner.
    const o = planOptions(atLimit, S, today, "en");
    expect(o.pause).toMatchObject({ available: false, earliestResumeOn: "2027-03-03", latestResumeOn: "2027-03-03", refusal: { code: "pause_too_long" } });
    expect(o.pause.refusal!.detail).toMatch(/until Wed 3 Mar 2027.*cannot be extended.*resume/i);
    expect(o.resume.available).toBe(true);
    expect(planOptions(pastLimit, S, today, "ja").pause.refusal!.detail).toContain("2027年5月1日");
    // No pauses at all while paused: resuming is only possible now, from the first changeable date.
    const onlyNow = planOptions(plan({ status: "paused", pausedUntil: "2027-01-10", nextDeliveryOn: "2027-01-10" }), noPauses, today, "en");
    expect(onlyNow.pause).toMatchObject({ available: false, earliestResumeOn: "2026-12-03", latestResumeOn: "2026-12-03" });
    expect(onlyNow.pause.refusal!.detail).toMatch(/only .*now.*3 Dec 2026/);
    expect(planOptions(plan(), noPauses, today, "en").pause.refusal!.detail).toMatch(/does not offer pauses/);
  });

  it("agrees with decide for every action it calls open", () => {
    for (const p of [plan(), plan({ nextDeliveryOn: "2026-12-02" }), plan({ status: "paused", pausedUntil: "2027-01-10", nextDeliveryOn: "2027-01-10" }), plan({ intervalDays: 90 })]) {
      const o = planOptions(p, S, today);
      if (o.skip.available) expect(decide(p, { type: "skip", count: 1 }, S, today).ok).toBe(true);
      if (o.nextDelivery.available) expect(decide(p, { type: "next_delivery", date: o.nextDelivery.latest }, S, today).ok).toBe(true);
      if (o.pause.available) expect(decide(p, { type: "pause", resumeOn: o.pause.latestResumeOn }, S, today).ok).toBe(true);
      for (const d of o.interval.allowedIntervalDays) expect(decide(p, { type: "interval", intervalDays: d }, S, today).ok).toBe(o.interval.available || d === p.intervalDays);
    }
  });
});

describe("a request that moves nothing", () => {
  const today = "2026-12-01";
  const moves = (p: Plan, r: Parameters<typeof decide>[1]) => {
    const d = decide(p, r, S, today);
    if (!d.ok) throw new Error(d.violation.code);
    return !movesNothing(p, d.plan, S, today);
  };
  it("is the quantity, interval or next delivery the plan already has, or a pause to its own resume date", () => {
    expect(moves(plan(), { type: "quantity", quantity: 1 })).toBe(false);
    expect(moves(plan(), { type: "interval", intervalDays: 30 })).toBe(false);
    expect(moves(plan(), { type: "next_delivery", date: "2026-12-10" })).toBe(false);
    const paused = plan({ status: "paused", pausedUntil: "2027-01-20", nextDeliveryOn: "2027-01-20" });
    expect(moves(paused, { type: "pause", resumeOn: "2027-01-20" })).toBe(false);
  });
  it("anything else moves the plan: another value, a skip, a pause or a resume", () => {
    expect(moves(plan(), { type: "quantity", quantity: 2 })).toBe(true);
    expect(moves(plan(), { type: "interval", intervalDays: 45 })).toBe(true);
    expect(moves(plan(), { type: "next_delivery", date: "2026-12-11" })).toBe(true);
    expect(moves(plan(), { type: "skip", count: 1 })).toBe(true);
    expect(moves(plan(), { type: "pause", cycles: 1 })).toBe(true);
    const paused = plan({ status: "paused", pausedUntil: "2027-01-20", nextDeliveryOn: "2027-01-20" });
    expect(moves(paused, { type: "pause", resumeOn: "2027-01-25" })).toBe(true);
    expect(moves(paused, { type: "resume" })).toBe(true);
  });
  it("is measured against the plan as it stands today: a due pause's resumption is not the request's doing", () => {
    const due = plan({ status: "paused", pausedUntil: "2026-12-01", nextDeliveryOn: "2026-12-01" });
    const d = decide(due, { type: "quantity", quantity: 1 }, S, today);
    expect(d.ok && movesNothing(due, d.plan, S, today)).toBe(true);
  });
});

describe("pause and resume keep the customer's schedule (trial findings)", () => {
  const today = "2026-12-02"; // first changeable: 12-05
  const run = (p: Plan, ...requests: Parameters<typeof decide>[1][]) =>
    requests.reduce((cur, r) => {
      const d = decide(cur, r, S, today);
      if (!d.ok) throw new Error(`${r.type}: ${d.violation.code}`);
      return d.plan;
    }, p);
  const trial = plan({ nextDeliveryOn: "2026-12-20" });

  it("resume {} restarts on the delivery the pause stopped, not today + the cut-off", () => {
    const skipped = run(trial, { type: "skip", count: 1 }, { type: "pause", resumeOn: "2027-02-25" });
    expect(skipped).toMatchObject({ status: "paused", nextDeliveryOn: "2027-02-25", pausedFromOn: "2027-01-19" });
    expect(run(skipped, { type: "resume" })).toMatchObject({ status: "active", nextDeliveryOn: "2027-01-19", pausedUntil: null, pausedFromOn: null });
    const moved = run(trial, { type: "next_delivery", date: "2027-01-20" }, { type: "pause", resumeOn: "2027-03-01" }, { type: "resume" });
    expect(moved.nextDeliveryOn).toBe("2027-01-20");
  });
  it("an extended pause keeps the delivery the first pause stopped; plan-options names the date resume gives", () => {
    const extended = run(trial, { type: "pause", resumeOn: "2027-02-01" }, { type: "pause", resumeOn: "2027-02-20" });
    expect(extended.pausedFromOn).toBe("2026-12-20");
    expect(planOptions(extended, S, today).resume).toMatchObject({ available: true, nextDeliveryOn: "2026-12-20" });
    expect(planOptions(trial, S, today).resume).toMatchObject({ available: false, nextDeliveryOn: null });
  });
  it("the stopped delivery gone into the cut-off (or unknown), resume {} starts on the first changeable date", () => {
    const paused = plan({ status: "paused", nextDeliveryOn: "2027-02-01", pausedUntil: "2027-02-01", pausedFromOn: "2026-12-04" });
    expect(run(paused, { type: "resume" }).nextDeliveryOn).toBe("2026-12-05");
    expect(run({ ...paused, pausedFromOn: null }, { type: "resume" }).nextDeliveryOn).toBe("2026-12-05");
    expect(run(paused, { type: "resume", nextDeliveryOn: "2026-12-10" }).nextDeliveryOn).toBe("2026-12-10");
  });
  it("a pause does not reset the run of skips: skip, pause, resume, skip, skip is refused at the third", () => {
    const p = run(trial, { type: "skip", count: 1 }, { type: "pause", resumeOn: "2027-02-25" }, { type: "resume" }, { type: "skip", count: 1 });
    expect(p.consecutiveSkips).toBe(2);
    expect(decide(p, { type: "skip", count: 1 }, S, today)).toMatchObject({ ok: false, violation: { code: "skip_limit_exceeded", extra: { remainingSkips: 0 } } });
  });
  it("moving the next delivery reaches as far as the skips still allowed: one rule for both", () => {
    expect(run(trial, { type: "skip", count: 2 }).nextDeliveryOn).toBe("2027-02-18");
    expect(decide(trial, { type: "next_delivery", date: "2027-02-18" }, S, today).ok).toBe(true);
    const refused = decide(trial, { type: "next_delivery", date: "2027-02-19" }, S, today);
    expect(refused).toMatchObject({ ok: false, violation: { code: "date_out_of_range", extra: { latestDate: "2027-02-18" } } });
    expect(!refused.ok && refused.violation.detail.en).toMatch(/18 Feb 2027 at the latest.*2 skips still allowed/);
    expect(planOptions(trial, S, today).nextDelivery.latest).toBe("2027-02-18");
    // No skips left: two intervals from today, as before.
    expect(planOptions({ ...trial, consecutiveSkips: 2 }, S, today).nextDelivery.latest).toBe("2027-01-31");
  });
  it("a move passes over deliveries as skips do, so moving again cannot postpone a delivery past the skips allowed", () => {
    // 12/20 → 2/18 passes the 12/20 and 1/19 deliveries: the two skips allowed are used.
    const moved = run(trial, { type: "next_delivery", date: "2027-02-18" });
    expect(moved).toMatchObject({ nextDeliveryOn: "2027-02-18", consecutiveSkips: 2 });
    expect(decide(moved, { type: "next_delivery", date: "2027-03-20" }, S, today)).toMatchObject({ ok: false, violation: { code: "date_out_of_range", extra: { latestDate: "2027-02-18" } } });
    expect(decide(moved, { type: "skip", count: 1 }, S, today)).toMatchObject({ ok: false, violation: { code: "skip_limit_exceeded" } });
    // Less than an interval later (12/20 → 1/10) is a later delivery, not a skipped one; an earlier date passes none either.
    expect(run(trial, { type: "next_delivery", date: "2027-01-10" }).consecutiveSkips).toBe(0);
    expect(run(trial, { type: "next_delivery", date: "2026-12-10" }).consecutiveSkips).toBe(0);
    // A monthly plan counts calendar months: 1/31 → 3/31 passes two deliveries (1/31, 2/28).
    const monthly = plan({ intervalDays: 30, intervalMonths: 1, deliveryDay: 31, nextDeliveryOn: "2027-01-31" });
    expect(run(monthly, { type: "next_delivery", date: "2027-03-31" }).consecutiveSkips).toBe(2);
    expect(run(monthly, { type: "next_delivery", date: "2027-03-30" }).consecutiveSkips).toBe(1);
  });
});

describe("a monthly plan keeps its day of the month", () => {
  const today = "2026-12-02";
  // S-M1-31: every 2 months on the 31st, next 2027-02-28.
  const m31 = plan({ intervalDays: 61, intervalMonths: 2, deliveryDay: 31, nextDeliveryOn: "2027-02-28", consecutiveSkips: 1 });
  const run = (p: Plan, r: Parameters<typeof decide>[1], on = today) => {
    const d = decide(p, r, S, on);
    if (!d.ok) throw new Error(d.violation.code);
    return d.plan;
  };

  it("through a pause to any date and a resume: day 31 stays, so the latest move is 04-30, not 04-29", () => {
    const paused = run(m31, { type: "pause", resumeOn: "2027-05-29" });
    expect(paused).toMatchObject({ status: "paused", nextDeliveryOn: "2027-05-29", deliveryDay: 31 });
    const resumed = run(paused, { type: "resume" });
    expect(resumed).toMatchObject({ status: "active", nextDeliveryOn: "2027-02-28", deliveryDay: 31 });
    expect(planOptions(resumed, S, today).nextDelivery.latest).toBe("2027-04-30");
    expect(run(resumed, { type: "skip", count: 1 }).nextDeliveryOn).toBe("2027-04-30");
    // A resume on a date the customer named keeps the day too.
    expect(run(paused, { type: "resume", nextDeliveryOn: "2027-03-10" })).toMatchObject({ nextDeliveryOn: "2027-03-10", deliveryDay: 31 });
  });

  it("a resume to a named date may be two calendar months away on a monthly plan, as a reactivation may (not 2 × 30 nominal days)", () => {
    const short = { ...S, maxPauseDays: 30 };
    const on1 = plan({ status: "paused", intervalDays: 30, intervalMonths: 1, deliveryDay: 1, nextDeliveryOn: "2027-07-20", pausedUntil: "2027-07-20", pausedFromOn: "2027-07-01" });
    // 07-01 → 09-01 is 62 days: two months, the latest a reactivation today offers too.
    expect(decide(on1, { type: "resume", nextDeliveryOn: "2027-09-01" }, short, "2027-07-01")).toMatchObject({ ok: true, plan: { status: "active", nextDeliveryOn: "2027-09-01" } });
    expect(reactivationWindow({ intervalDays: 30, intervalMonths: 1, deliveryDay: 1, finalDeliveryOn: null }, "2027-07-01", short)).toMatchObject({ latest: "2027-09-01" });
    expect(decide(on1, { type: "resume", nextDeliveryOn: "2027-09-02" }, short, "2027-07-01")).toMatchObject({ ok: false, violation: { code: "date_out_of_range" } });
    // A day plan: 2 × its interval, as before.
    const day = plan({ status: "paused", nextDeliveryOn: "2027-07-20", pausedUntil: "2027-07-20", pausedFromOn: "2027-07-01" });
    expect(decide(day, { type: "resume", nextDeliveryOn: "2027-08-30" }, short, "2027-07-01").ok).toBe(true);
    expect(decide(day, { type: "resume", nextDeliveryOn: "2027-08-31" }, short, "2027-07-01").ok).toBe(false);
  });

  it("only the customer moving the next delivery sets a new day", () => {
    expect(run(m31, { type: "next_delivery", date: "2027-02-20" }).deliveryDay).toBe(20);
    expect(run({ ...m31, nextDeliveryOn: "2027-01-31" }, { type: "next_delivery", date: "2027-02-28" }).deliveryDay).toBe(31);
  });

  it("a restart follows the plan's schedule: a plan on the 31st stopped at 12-31 restarts then, not on the 5th", () => {
    const c3 = { intervalDays: 30, intervalMonths: 1, deliveryDay: 31, finalDeliveryOn: null, effectiveOn: today };
    // An offer taken (the stopped delivery not suggested as such): in step with it, the first on the 31st from 12-05.
    expect(reactivationStart({ ...c3, stoppedDeliveryOn: null, scheduledOn: "2026-12-31" }, today, S)).toMatchObject({ ok: true, nextDeliveryOn: "2026-12-31" });
    expect(reactivationStart({ ...c3, stoppedDeliveryOn: "2026-12-31" }, today, S)).toMatchObject({ ok: true, nextDeliveryOn: "2026-12-31" });
    // The stopped delivery out of the window (2027-06-30): the first on its schedule from the earliest date, not 12-05.
    expect(reactivationWindow({ ...c3, deliveryDay: 30, stoppedDeliveryOn: "2027-06-30" }, today, S)).toEqual({ earliest: "2026-12-05", latest: "2027-03-02", suggested: "2026-12-30", earliestOpen: "2026-12-05", latestOpen: "2027-03-02" });
    // Every 2 months: in step with the stopped month (Jun → Dec, Feb…), clamped.
    expect(reactivationWindow({ ...c3, intervalMonths: 2, stoppedDeliveryOn: "2027-06-30" }, today, S)).toMatchObject({ suggested: "2026-12-31" });
    expect(reactivationWindow({ ...c3, intervalMonths: 2, stoppedDeliveryOn: "2027-07-31" }, today, S)).toMatchObject({ suggested: "2027-01-31" });
    // A day plan is unchanged: the earliest date.
    expect(reactivationWindow({ intervalDays: 30, finalDeliveryOn: null, stoppedDeliveryOn: "2027-06-30" }, today, S)).toMatchObject({ suggested: "2026-12-05" });
  });
});
