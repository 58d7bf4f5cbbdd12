import { and, eq, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { planChanges, subscriptions } from "../db/schema";
import type { TenantStore } from "../platform/tenancy";
import { forTenantsDue } from "../tenants/due";
import type { TenantShares } from "../platform/step-faults";
import { refreshRisk } from "../risk/maintain";
import { toSubscription, type SubscriptionRow } from "../subscriptions/repository";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import { changeRow, planOf, SYSTEM_ACTOR, toChange } from "./apply";
import { autoResume, type ResumeNote } from "./rules";
import { discountMoved, followSchedule } from "./discount";

/**
 * Records an automatic resume (see `autoResume`) as a `resume` change by the `system` channel,
 * its `source` saying why the first delivery is where it is, and sends `subscription.changed`.
 * `before` is the paused row, `after` the resumed one; the caller has written `after`.
 */
export async function recordAutoResume(s: TenantStore, before: SubscriptionRow, after: SubscriptionRow, note: ResumeNote, now: Date) {
  const moved = discountMoved(before.activeDiscount, after.activeDiscount);
  const change = changeRow(before, after, { type: "resume", channel: "system", actor: SYSTEM_ACTOR, source: moved ? { ...note, discountMoved: moved } : note }, now.toISOString());
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
 * write lock at all. `tenants`: each tenant's share run apart (src/maintenance); default, together.
 */
export async function resumeDuePauses(db: Database, now: Date, batch = 200, tenants?: TenantShares): Promise<number> {
  // Through its index by name, whatever the statistics say (see winback/due: a DISTINCT chose to walk another index).
  const dueTenants = (latestToday: string) =>
    db.orm.all<{ tenantId: string }>(
      sql`SELECT DISTINCT tenant_id AS tenantId FROM subscriptions INDEXED BY subscriptions_pause_ends WHERE status = 'paused' AND paused_until <= ${latestToday}`,
    );
  return forTenantsDue(db, now, dueTenants, (store, { settings, today }) =>
    store.write(async (s) => {
      const due = await s.q
        .select()
        .from(subscriptions)
        .where(s.owns(subscriptions, eq(subscriptions.status, "paused"), lte(subscriptions.pausedUntil, today)))
        .limit(batch);
      for (const row of due) {
        const resumed = autoResume(planOf(row), today, settings);
        if (!resumed) continue;
        const at = now.toISOString();
        // A discount keeps its number of deliveries: resumed late, its dates move with the first delivery.
        const activeDiscount = followSchedule(row.activeDiscount, row, resumed.plan);
        const updated = { ...row, ...resumed.plan, activeDiscount, version: row.version + 1, updatedAt: at };
        await s.update(
          subscriptions,
          { status: updated.status, pausedUntil: updated.pausedUntil, pausedFromOn: null, nextDeliveryOn: updated.nextDeliveryOn, ...(activeDiscount !== row.activeDiscount ? { activeDiscount } : {}), version: updated.version, updatedAt: at },
          and(eq(subscriptions.id, row.id), eq(subscriptions.version, row.version)),
        );
        await recordAutoResume(s, row, updated, resumed.note, now);
        await refreshRisk(s, row.id, at);
      }
      return due.length;
    }),
    tenants,
  );
}
