import { and, eq, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { customers, subscriptions, winbacks } from "../db/schema";
import { forTenantsDue } from "../tenants/due";
import type { TenantShares } from "../platform/step-faults";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import { presentComeback } from "./comeback";
import { comebacksForToday, storeStamp, type SentComeback, type StoredComeback } from "./decide";
import { localizeWinbackDrivers, type WinbackDriver } from "./model";
import { sentOfferValidUntil } from "./redeem";
import { isContactable } from "./service";

/**
 * Maintenance: `winback.due` on the day a canceled customer said they would be back (or
 * `winbackDelayDays` after their cancellation took effect), in the tenant's own time zone. The
 * webhook is the contact once an endpoint took it (the dispatcher records it then: attribution
 * counts no contact that never reached the shop); held-out records, customers no longer
 * contactable and subscriptions already back are marked `skipped` and get nothing. The payload
 * carries the comeback offer the list shows for the customer today (`offer`, in the shop's locale,
 * its copy passed by the phrase lint), and the record keeps which one was sent: the customer can
 * take it on reactivation for `SENT_OFFER_VALID_DAYS` (winback/redeem) even if the suggestion moves.
 *
 * Answers how many records it settled (sent or skipped), at most `batch` per tenant.
 *
 * Which tenants have something due is one cross-tenant read (an index seek on status and date);
 * only those tenants get a write transaction. `tenants`: each tenant's share run apart (src/maintenance).
 */
export async function sendDueWinbacks(db: Database, now: Date, batch = 200, tenants?: TenantShares): Promise<number> {
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
      const sending = rows.filter(({ w, c, status }) => !w.holdout && w.reactivatedAt === null && status === "canceled" && c !== null && isContactable(c));
      // The offer as the list shows it today: the stored decision, made current (decided afresh if stale).
      const comebacks =
        sending.length === 0
          ? new Map<string, StoredComeback | null>()
          : await comebacksForToday(
              s,
              sending.map(({ w }) => ({ id: w.id, subscriptionId: w.subscriptionId, customerId: w.customerId, reason: w.reason, returnOn: w.returnOn, comeback: w.comeback as unknown as StoredComeback | null, comebackStamp: w.comebackStamp })),
              await storeStamp(s),
              now,
              settings,
            );
      for (const { w } of rows) {
        if (!sending.some((x) => x.w.id === w.id)) {
          await s.update(winbacks, { dueStatus: "skipped" }, eq(winbacks.id, w.id));
          continue;
        }
        const offer = comebacks.get(w.id)?.offer ?? null;
        const sent: SentComeback | null = offer ? { kind: offer.kind, offerId: offer.offerId, type: offer.type, sentOn: today } : null;
        await s.update(
          winbacks,
          // `sent` inside the stored decision (a record never decided yet has none to keep it in: decided by the next maintenance run, without it).
          { dueStatus: "sent", dueSentAt: at, ...(sent ? { comeback: sql`json_set(${winbacks.comeback}, '$.sent', json(${JSON.stringify(sent)}))` as unknown as Record<string, unknown> } : {}) },
          eq(winbacks.id, w.id),
        );
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
            offer: offer ? { ...presentComeback(offer, settings.locale), validUntil: offer.kind === "offer" ? sentOfferValidUntil(today) : null } : null,
            candidates: `/v1/winback/candidates?customerId=${encodeURIComponent(w.customerId)}`,
          },
          now,
        );
      }
      return rows.length;
    }),
    tenants,
  );
}
