import { gt } from "drizzle-orm";
import { SYNC_ACTOR } from "../cancel-flows/closed-by-cancellation";
import { planChanges } from "../db/schema";
import { isAheadOfClock, localDateTime } from "../platform/dates";
import { aheadOfTimeError, type ItemRefusal, type TsuzukuChange } from "../platform/errors";
import { inList, type TenantStore } from "../platform/tenancy";

/**
 * The latest change made in Tsuzuku to each of `subscriptionIds` after `exportedAt` (RFC 3339,
 * UTC), by anything but a sync or an import (actor `system`/`sync`): plan changes, pause and
 * resume, skips, cancel flows, restarts, the maintenance job's resumes — whoever made them
 * (customer, operator, IVR, portal). One read per call on the history's (tenant, subscription,
 * time) index; only the changes after the export come back, usually none.
 */
export async function changedAfterExport(s: TenantStore, subscriptionIds: string[], exportedAt: string): Promise<Map<string, TsuzukuChange>> {
  const out = new Map<string, TsuzukuChange>();
  if (subscriptionIds.length === 0) return out;
  const rows = await s.q
    .select({ id: planChanges.id, subscriptionId: planChanges.subscriptionId, type: planChanges.type, channel: planChanges.channel, actor: planChanges.actor, createdAt: planChanges.createdAt })
    .from(planChanges)
    .where(s.owns(planChanges, inList(planChanges.subscriptionId, subscriptionIds), gt(planChanges.createdAt, exportedAt)));
  for (const r of rows) {
    if (r.actor?.type === SYNC_ACTOR.type && r.actor.id === SYNC_ACTOR.id) continue;
    const known = out.get(r.subscriptionId);
    if (!known || known.at < r.createdAt) out.set(r.subscriptionId, { id: r.id, type: r.type, channel: r.channel, at: r.createdAt });
  }
  return out;
}

/** What a change did, as the report's sentence says it: `paused` / 「休止されました」. */
const DONE: Record<string, { en: string; ja: string }> = {
  skip: { en: "skipped", ja: "スキップされました" },
  pause: { en: "paused", ja: "休止されました" },
  resume: { en: "resumed", ja: "休止から再開されました" },
  quantity: { en: "quantity changed", ja: "数量が変更されました" },
  interval: { en: "interval changed", ja: "お届け間隔が変更されました" },
  next_delivery: { en: "next delivery moved", ja: "次回お届け日が変更されました" },
  discount: { en: "discount applied", ja: "割引が適用されました" },
  product_swap: { en: "product swapped", ja: "商品が変更されました" },
  free_gift: { en: "free gift added", ja: "プレゼントが追加されました" },
  cancel: { en: "cancelled", ja: "解約されました" },
  reactivate: { en: "restarted", ja: "定期コースが再開されました" },
  keep_in_touch: { en: "keep-in-touch answer given", ja: "今後のご案内についてのご回答がありました" },
};

/** `paused in Tsuzuku 2026-12-02 10:14 JST (ivr)`: the change as the import's report line and the item's detail say it (shop-local time). */
export function changeText(change: TsuzukuChange, timeZone: string): string {
  const done = DONE[change.type]?.en ?? `${change.type} changed`;
  return `${done} in Tsuzuku ${localDateTime(new Date(change.at), timeZone)}${change.channel ? ` (${change.channel})` : ""}`;
}

/**
 * 409 `changed_after_export`: the item would overwrite what was changed in Tsuzuku after the
 * export it was read from (`change`); nothing of it is written.
 */
export function changedAfterExportRefusal(kind: "customer" | "subscription", id: string, change: TsuzukuChange, exportedAt: string, timeZone: string): ItemRefusal<"changed_after_export"> {
  const what = { en: kind === "customer" ? `Customer ${id}` : `Subscription ${id}`, ja: kind === "customer" ? `顧客 ${id}` : `定期コース ${id}` };
  return {
    code: "changed_after_export",
    detail: {
      en: `${what.en}: ${changeText(change, timeZone)}, after the export (${localDateTime(new Date(exportedAt), timeZone)}); not overwritten. Sync it from an export made after that change.`,
      ja: `${what.ja} は、エクスポート（${localDateTime(new Date(exportedAt), timeZone, "ja")}）の後、${localDateTime(new Date(change.at), timeZone, "ja")} に Tsuzuku で${DONE[change.type]?.ja ?? `変更されました（${change.type}）`}${change.channel ? `（${change.channel}）` : ""}。エクスポートの内容では上書きしていません。その変更より後のエクスポートから同期してください。`,
    },
    change,
  };
}

/**
 * Both syncs' check of `exportedAt` itself: an export from the future would protect nothing (a
 * wrong clock or year), so more than 5 minutes ahead of `now` is 422 `validation_failed` on the field.
 */
export function refuseExportAhead(exportedAt: string | undefined, now: Date): void {
  if (exportedAt && isAheadOfClock(exportedAt, now)) throw aheadOfTimeError([{ path: "exportedAt", value: exportedAt, now: now.toISOString() }]);
}

/**
 * The stale-export rule, one for `PUT /v1/subscriptions/{id}`, `POST /v1/sync` and the import:
 * a sync that changes something (`writes`) of a subscription stored before it (`stored`: not new,
 * nor written earlier in the same batch) that was changed in Tsuzuku after the export (`since`:
 * its entry from `changedAfterExport`) is refused — 409 `changed_after_export` naming that change.
 * Null (applied): a new plan, an item that changes nothing, no change since the export.
 */
export function staleSubscriptionRefusal(id: string, item: { stored: boolean; writes: boolean }, since: TsuzukuChange | undefined, exportedAt: string, timeZone: string): ItemRefusal<"changed_after_export"> | null {
  return since && item.stored && item.writes ? changedAfterExportRefusal("subscription", id, since, exportedAt, timeZone) : null;
}
