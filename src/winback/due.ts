import { and, eq, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { customers, subscriptions, winbacks } from "../db/schema";
import { forTenantsDue } from "../tenants/due";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import { localizeWinbackDrivers, type WinbackDriver } from "./model";
import { isContactable } from "./service";

/**
 * Maintenance: `winback.due` on the day a canceled customer said they would be back (or
 * `winbackDelayDays` after their cancellation took effect), in the tenant's own time zone. The
 * webhook is the contact (it counts for attribution); held-out records, customers no longer
 * contactable and subscriptions already back are marked `skipped` and get nothing.
 *
 * Answers how many records it settled (sent or skipped), at most `batch` per tenant.
 *
 * Which tenants have something due is one cross-tenant read (an index seek on status and date);
 * only those tenants get a write transaction.
 */
export async function sendDueWinbacks(db: Database, now: Date, batch = 200): Promise<number> {
  // Through `winbacks_due` by name: with statistics showing most records pending (they wait
  // 60 days), SQLite chose to walk another index of the whole table for the DISTINCT — ≈ 30 ms a
  // run on the 1M bench tenant with nothing due, every second, on the loop that answers requests.
  const dueTenants = (latestToday: string) =>
    db.orm.all<{ tenantId: string }>(
      sql`SELECT DISTINCT tenant_id AS tenantId FROM winbacks INDEXED BY winbacks_due WHERE due_status = 'pending' AND due_on <= ${latestToday}`,
    );
  return forTenantsDue(db, now, dueTenants, (store, { settings, today }) =>
    store.write(async (s) => {
      const rows = await s.q
        .select({ w: winbacks, c: { keepInTouch: customers.keepInTouch, marketingConsent: customers.marketingConsent, email: customers.email, phone: customers.phone, erasedAt: customers.erasedAt }, status: subscriptions.status })
        .from(winbacks)
        .leftJoin(customers, and(eq(customers.tenantId, winbacks.tenantId), eq(customers.id, winbacks.customerId)))
        .leftJoin(subscriptions, and(eq(subscriptions.tenantId, winbacks.tenantId), eq(subscriptions.id, winbacks.subscriptionId)))
        .where(s.owns(winbacks, eq(winbacks.dueStatus, "pending"), lte(winbacks.dueOn, today)))
        .limit(batch);
      const at = now.toISOString();
      for (const { w, c, status } of rows) {
        const send = !w.holdout && w.reactivatedAt === null && status === "canceled" && c !== null && isContactable(c);
        if (!send) {
          await s.update(winbacks, { dueStatus: "skipped" }, eq(winbacks.id, w.id));
          continue;
        }
        await s.update(winbacks, { dueStatus: "sent", dueSentAt: at, contactedAt: w.contactedAt ?? at }, eq(winbacks.id, w.id));
        await enqueueWebhookEvent(
          s,
          "winback.due",
          {
            customerId: w.customerId,
            subscriptionId: w.subscriptionId,
            reason: w.reason,
            canceledAt: w.canceledAt,
            returnOn: w.returnOn,
            dueOn: w.dueOn,
            probability: w.probability,
            expectedValue: { amount: w.expectedValue, currency: w.currency },
            drivers: localizeWinbackDrivers(w.drivers as WinbackDriver[], settings.locale),
            candidates: "/v1/winback/candidates",
          },
          now,
        );
      }
      return rows.length;
    }),
  );
}
