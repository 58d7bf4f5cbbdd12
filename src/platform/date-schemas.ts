import { z } from "@hono/zod-openapi";
import { EARLIEST_ACCEPTED_DATE, isOnOrAfterEarliestDate, isOnOrAfterEarliestInstant, utcInstant } from "./dates";

/**
 * The schemas of a date and an instant a caller sends, with the one bound for both (platform/dates
 * EARLIEST_ACCEPTED_DATE). Kept apart from platform/openapi so that the settings schema can use them:
 * platform/openapi imports the auth layer, which imports the settings.
 */

const EARLIEST = {
  message: `Not before ${EARLIEST_ACCEPTED_DATE}: no shop's history is older (a placeholder such as 0001, 1900 or 1970-01-01?)`,
  params: { ja: `${EARLIEST_ACCEPTED_DATE} より前の日付・日時は指定できません。0001年・1900年・1970-01-01のような仮の値になっていないか確認してください` },
};

/**
 * A local calendar date (`YYYY-MM-DD`), not before 1980-01-01 (platform/dates
 * EARLIEST_ACCEPTED_DATE: one bound for every date and instant a caller sends).
 */
export const CalendarDate = z.iso
  .date()
  .refine(isOnOrAfterEarliestDate, EARLIEST)
  .openapi({ description: "Local calendar date in the tenant's time zone (not before 1980-01-01).", example: "2026-12-05" });
/**
 * An RFC 3339 instant. Any offset is accepted and converted to UTC at parse time (utcInstant), so
 * every instant is stored — and answered — as `…sssZ`, and text order is time order. Not before
 * 1980-01-01T00:00:00Z (platform/dates EARLIEST_ACCEPTED_DATE).
 */
export const Instant = z.iso
  .datetime({ offset: true })
  .overwrite(utcInstant)
  .refine(isOnOrAfterEarliestInstant, EARLIEST)
  .openapi({ description: "RFC 3339 instant, not before 1980-01-01T00:00:00Z. Sent with any offset; stored and answered in UTC (`2026-11-23T04:15:00.000Z`).", example: "2026-11-23T04:15:00.000Z" });

