import { describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { DEFAULT_SETTINGS, type TenantSettings } from "../../src/settings/schemas";
import { restartOnFor } from "../../src/winback/decide";

/**
 * The win-back's proposed first delivery (a comeback's `restartOn`) is a day the shop delivers
 * (settings `closedDates`): a comeback proposing a restart on 12/31 when the shop is closed then
 * proposes the first open day after it, as the reactivation taking it starts (closed2).
 */
describe("a comeback's restart date on the shop's closed days", () => {
  const now = new Date();
  const today = localDate(now, "Asia/Tokyo");
  const earliest = addDays(today, DEFAULT_SETTINGS.changeCutoffDays);
  const closure = { from: earliest, to: addDays(earliest, 5) };
  const settings: TenantSettings = { ...DEFAULT_SETTINGS, closedDates: [closure] };

  it("the earliest restart and a named return date on a closed day propose the first open day after the closure", () => {
    // Before: the earliest changeable day itself, closed.
    expect(restartOnFor(null, now, settings)).toBe(addDays(closure.to, 1));
    expect(restartOnFor(addDays(earliest, 2), now, settings)).toBe(addDays(closure.to, 1));
    // An open day named stays as named.
    expect(restartOnFor(addDays(closure.to, 3), now, settings)).toBe(addDays(closure.to, 3));
    expect(restartOnFor(null, now, DEFAULT_SETTINGS)).toBe(earliest);
  });

  it("a monthly plan's date on its own day, when that is closed, is the first open day after it", () => {
    const onDay = addDays(closure.from, 3);
    const plan = { intervalDays: 30, intervalMonths: 1, deliveryDay: Number(onDay.slice(8)), scheduledOn: onDay } as Parameters<typeof restartOnFor>[3];
    expect(restartOnFor(null, now, settings, plan)).toBe(addDays(closure.to, 1));
  });
});
