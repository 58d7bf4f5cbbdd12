import { and, eq, inArray, lte } from "drizzle-orm";
import type { Database } from "../db/client";
import { planChanges, subscriptions, tenants } from "../db/schema";
import { newId } from "../platform/crypto";
import { addDays, localDate } from "../platform/dates";
import { TenantStore } from "../platform/tenancy";
import { resolveSettings } from "../settings/schemas";
import { refreshRisk } from "../risk/maintain";
import { toSubscription, type SubscriptionRow } from "../subscriptions/repository";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import { planOf, snapshot, toChange } from "./apply";
import { autoResume, type ResumeNote } from "./rules";

/**
 * Records an automatic resume (see `autoResume`) as a `resume` change by the `system` channel,
 * its `source` saying why the first delivery is where it is, and sends `subscription.changed`.
 * `before` is the paused row, `after` the resumed one; the caller has written `after`.
 */
export async function recordAutoResume(s: TenantStore, before: SubscriptionRow, after: SubscriptionRow, note: ResumeNote, now: Date) {
  const change = {
    id: newId("chg"),
    subscriptionId: before.id,
    type: "resume",
    channel: "system",
    keyId: null,
    before: snapshot(planOf(before)),
    after: snapshot(planOf(after)),
    source: note,
    createdAt: now.toISOString(),
  };
  await s.insert(planChanges, change);
  await enqueueWebhookEvent(s, "subscription.changed", { subscription: toSubscription(after), change: toChange({ ...change, tenantId: s.tenantId }) }, now);
}

/**
 * Ends pauses whose resume date has come, in each tenant's own time zone, recording a `resume`
 * change by the `system` channel (and its webhook) like any other change. Runs from the Node
 * maintenance loop and the Workers cron.
 *
 * Which tenants have a pause ending is one cross-tenant read (an index seek on status and resume
 * date); only those tenants get a write transaction, so a run with nothing to resume takes no
 * write lock at all.
 */
export async function resumeDuePauses(db: Database, now: Date, batch = 200): Promise<number> {
  // No time zone is ahead of UTC by more than 14 hours: tomorrow in UTC bounds every local today.
  const latestToday = addDays(now.toISOString().slice(0, 10), 1);
  const candidates = await db.orm
    .selectDistinct({ tenantId: subscriptions.tenantId })
    .from(subscriptions)
    .where(and(eq(subscriptions.status, "paused"), lte(subscriptions.pausedUntil, latestToday)));
  if (candidates.length === 0) return 0;
  const withPauses = await db.orm
    .select({ id: tenants.id, settings: tenants.settings })
    .from(tenants)
    .where(inArray(tenants.id, candidates.map((c) => c.tenantId)));
  let resumed = 0;
  for (const tenant of withPauses) {
    const settings = resolveSettings(tenant.settings);
    const today = localDate(now, settings.timeZone);
    const store = new TenantStore(db, tenant.id);
    resumed += await store.write(async (s) => {
      const due = await s.q
        .select()
        .from(subscriptions)
        .where(s.owns(subscriptions, eq(subscriptions.status, "paused"), lte(subscriptions.pausedUntil, today)))
        .limit(batch);
      for (const row of due) {
        const resumed = autoResume(planOf(row), today, settings);
        if (!resumed) continue;
        const at = now.toISOString();
        const updated = { ...row, ...resumed.plan, version: row.version + 1, updatedAt: at };
        await s.update(
          subscriptions,
          { status: updated.status, pausedUntil: updated.pausedUntil, nextDeliveryOn: updated.nextDeliveryOn, version: updated.version, updatedAt: at },
          and(eq(subscriptions.id, row.id), eq(subscriptions.version, row.version)),
        );
        await recordAutoResume(s, row, updated, resumed.note, now);
        await refreshRisk(s, row.id, at);
      }
      return due.length;
    });
  }
  return resumed;
}
