import { and, eq, lte } from "drizzle-orm";
import type { Database } from "../db/client";
import { planChanges, subscriptions, tenants } from "../db/schema";
import { newId } from "../platform/crypto";
import { localDate } from "../platform/dates";
import { TenantStore } from "../platform/tenancy";
import { resolveSettings } from "../settings/schemas";
import { refreshRisk } from "../risk/maintain";
import { toSubscription } from "../subscriptions/repository";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import { planOf, snapshot, toChange } from "./apply";
import { settle } from "./rules";

/**
 * Ends pauses whose resume date has come, in each tenant's own time zone, recording a `resume`
 * change by the `system` channel (and its webhook) like any other change. Runs from the Node
 * maintenance loop and the Workers cron.
 */
export async function resumeDuePauses(db: Database, now: Date, batch = 200): Promise<number> {
  const all = await db.orm.select({ id: tenants.id, settings: tenants.settings }).from(tenants);
  let resumed = 0;
  for (const tenant of all) {
    const today = localDate(now, resolveSettings(tenant.settings).timeZone);
    const store = new TenantStore(db, tenant.id);
    resumed += await store.write(async (s) => {
      const due = await s.q
        .select()
        .from(subscriptions)
        .where(s.owns(subscriptions, eq(subscriptions.status, "paused"), lte(subscriptions.pausedUntil, today)))
        .limit(batch);
      for (const row of due) {
        const plan = settle(row, today);
        const at = now.toISOString();
        const updated = { ...row, status: plan.status, pausedUntil: plan.pausedUntil, nextDeliveryOn: plan.nextDeliveryOn, version: row.version + 1, updatedAt: at };
        await s.update(
          subscriptions,
          { status: updated.status, pausedUntil: updated.pausedUntil, nextDeliveryOn: updated.nextDeliveryOn, version: updated.version, updatedAt: at },
          and(eq(subscriptions.id, row.id), eq(subscriptions.version, row.version)),
        );
        const change = { id: newId("chg"), subscriptionId: row.id, type: "resume", channel: "system", keyId: null, before: snapshot(planOf(row)), after: snapshot(plan), source: { reason: "pause_ended" }, createdAt: at };
        await s.insert(planChanges, change);
        await enqueueWebhookEvent(s, "subscription.changed", { subscription: toSubscription(updated), change: toChange({ ...change, tenantId: s.tenantId }) }, now);
        await refreshRisk(s, row.id, at);
      }
      return due.length;
    });
  }
  return resumed;
}
