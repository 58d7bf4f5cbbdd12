import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, resolveSettings } from "../../src/settings/schemas";

/**
 * Settings as stored are read by rules that may have tightened since they were saved. A shop's
 * stored value a newer rule refuses must not cost it its other settings: before, one refused field
 * put the whole shop back on the defaults (its cut-off, its pause limit, its closed days) without a word.
 */
describe("stored settings", () => {
  it("closed ranges sharing a day, stored before that was refused in a PATCH, are kept, and so is everything else", () => {
    const stored = { changeCutoffDays: 7, maxPauseDays: 45, closedDates: [{ from: "2026-12-29", to: "2027-01-03" }, { from: "2027-01-02", to: "2027-01-05" }] };
    const s = resolveSettings(stored);
    expect(s.changeCutoffDays).toBe(7);
    expect(s.maxPauseDays).toBe(45);
    expect(s.closedDates).toEqual(stored.closedDates);
  });

  it("a stored field the build no longer takes falls back to its default alone; the shop's other settings stay", () => {
    const s = resolveSettings({ changeCutoffDays: 5, timeZone: "Asia/Nowhere", maxPauseDays: 40 });
    expect(s.timeZone).toBe(DEFAULT_SETTINGS.timeZone);
    expect(s.changeCutoffDays).toBe(5);
    expect(s.maxPauseDays).toBe(40);
  });
});
