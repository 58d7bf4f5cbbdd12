import type { SubscriptionItem } from "./mapping";

/**
 * What the import says of a row it takes but the merchant should look at: a value the sync accepts
 * that is most likely not what the shop meant. Pure: the subscription as read, `today` in the
 * shop's time zone. `column` names the file's column a warning is about (null when the file has
 * none), echoing the cell as written (`cell`), as a refusal does.
 *
 * - A live (`active`) plan whose next delivery is before today: almost always a stale export or a
 *   typo. The sync takes it as sent (the cart may catch up on its next sync), so it is warned about,
 *   not refused.
 * - A paused plan with no resume date: Tsuzuku resumes a pause on its `pausedUntil` (the
 *   maintenance job, or the sync itself when the date has passed); without one the plan stays
 *   paused until the cart sends it live or an operator or the customer resumes it
 *   (`POST /v1/subscriptions/{id}/resume`) — nothing ever ends the pause by itself.
 * - A cancellation dated before the plan's start: the sync takes it, but churn and win-back would
 *   date it wrongly.
 */
export function planWarnings(
  sub: SubscriptionItem["body"],
  today: string,
  at: (field: "nextDeliveryOn" | "pausedUntil" | "status" | "canceledAt" | "startedAt") => { column: string | null; cell: string | undefined },
): { column: string | null; field: string; message: string }[] {
  const out: { column: string | null; field: string; message: string }[] = [];
  const quoted = (cell: string | undefined, value: string) => JSON.stringify(cell?.trim() || value);
  if (sub.status === "active" && typeof sub.nextDeliveryOn === "string" && sub.nextDeliveryOn < today) {
    const { column, cell } = at("nextDeliveryOn");
    out.push({
      column,
      field: "nextDeliveryOn",
      message: `${quoted(cell, sub.nextDeliveryOn)} is in the past for a live plan (today is ${today.replaceAll("-", "/")} in the shop's time zone): a stale export or a typo? Imported as it is`,
    });
  }
  if (sub.status === "paused" && !sub.pausedUntil) {
    const { column } = at("pausedUntil");
    const status = at("status");
    const paused = status.cell?.trim() ? `${JSON.stringify(status.cell.trim())}${status.column ? ` in ${status.column}` : ""}` : "paused";
    out.push({
      column,
      field: "pausedUntil",
      message: `${column ? "empty" : "no column of the file gives it (休止終了日, 再開予定日, 再開日…)"} for a paused plan (${paused}): it stays paused until the cart sends it live or an operator or the customer resumes it`,
    });
  }
  // A cancellation dated before the plan began: two columns swapped, or a typo in one of them.
  if (sub.status === "canceled" && typeof sub.canceledAt === "string" && typeof sub.startedAt === "string" && Date.parse(sub.canceledAt) < Date.parse(sub.startedAt)) {
    const { column, cell } = at("canceledAt");
    const start = at("startedAt");
    out.push({
      column,
      field: "canceledAt",
      message: `${quoted(cell, sub.canceledAt)} is before the plan began (${quoted(start.cell, sub.startedAt)}${start.column ? ` in ${start.column}` : ""}): a typo, or two columns swapped? Imported as it is`,
    });
  }
  return out;
}

/**
 * A row whose id (the 定期's; in a customers-only file, the customer's) a previous row of the file
 * has: an export that wrote a row twice, or two rows for one plan. Rows are upserts, so the later
 * one is what Tsuzuku keeps; said with the earlier line, and whether the two differ, since a dry
 * run (each batch rolled back) counts such a row once more as new.
 */
export function repeatedId(column: string | null, field: string, id: string, earlier: { line: number; cells: string[] }, cells: string[]) {
  const same = earlier.cells.length === cells.length && earlier.cells.every((c, i) => c === cells[i]);
  return {
    column,
    field,
    message: same
      ? `${JSON.stringify(id)} repeats line ${earlier.line} cell for cell: taken once`
      : `${JSON.stringify(id)} is also on line ${earlier.line}, with other cells: this later line is what Tsuzuku keeps`,
  };
}
