import { eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { webhooks, winbacks } from "../db/schema";
import { addDays, localDate } from "../platform/dates";
import { forTenantsDue } from "../tenants/due";
import type { TenantShares } from "../platform/step-faults";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import { presentComeback } from "./comeback";
import { comebacksForToday, storeStamp, type SentComeback, type StoredComeback } from "./decide";
import { localizeWinbackDrivers, type WinbackDriver } from "./model";
import { sentOfferValidUntil } from "./redeem";
import type { WinbackRow } from "./service";

/**
 * How long a record whose date came waits for an endpoint that takes `winback.due` (days after
 * its `dueOn`, tenant-local): a shop that registers its receiver after the records fell due (its
 * first sync of cancellations, say) still hears of them; one that registers it long after is not
 * sent a backlog of stale contacts — those are passed over (`skipped`).
 */
export const DUE_WAIT_DAYS = 30;

/**
 * What becomes of a win-back record whose date has come (`dueOn` ≤ `today`), at a maintenance run
 * of a shop with an endpoint that takes `winback.due`. Pure.
 * - `send`: the customer may be contacted — `contactable`, the one rule the candidates list and
 *   the customer export read too (winback/service `isContactable`, kept on the row by SQLite:
 *   their keep-in-touch answer, or without one their marketing consent; a way to reach them; not
 *   erased) — the plan is still canceled, the record not held out, and it waited at most `DUE_WAIT_DAYS`.
 * - `skip`: never sent (`skipped`): held out, not contactable (a "no", an opt-out, an erasure,
 *   no e-mail or phone), the plan already back, or waited longer than `DUE_WAIT_DAYS`.
 */
export function dueOutcome(w: Pick<WinbackRow, "holdout" | "reactivatedAt" | "contactable" | "planCanceled" | "dueOn">, today: string): "send" | "skip" {
  if (w.holdout || w.reactivatedAt !== null || !w.planCanceled || !w.contactable) return "skip";
  return w.dueOn < addDays(today, -DUE_WAIT_DAYS) ? "skip" : "send";
}

/**
 * How long after a customer was sent `winback.due` no other of theirs goes out (days): one
 * customer with three cancelled plans hears from the shop once, not three times on nearby days.
 */
export const DUE_SPACING_DAYS = 30;

/**
 * One `winback.due` per customer at a time. Pure. `sending`: the records `dueOutcome` would send
 * today; `lastSentOn`: per customer, the tenant-local day their latest `winback.due` went out.
 * - A customer sent one within `DUE_SPACING_DAYS`: their records wait until the window ends.
 * - Else, of a customer's records due today, the one with the highest expected value goes out
 *   (ties: the earlier date, then the id); the others wait `DUE_SPACING_DAYS` from today.
 * A waiting record stays `pending` and listed, its `dueOn` moved to the day it may go out
 * (then decided again, by the same rule: it goes out if nothing else of the customer's did since).
 */
export function spaceDues<T extends { id: string; customerId: string; expectedValue: number; dueOn: string }>(
  sending: readonly T[],
  lastSentOn: ReadonlyMap<string, string>,
  today: string,
): { send: T[]; wait: Map<string, string> } {
  const send: T[] = [];
  const wait = new Map<string, string>();
  const byCustomer = new Map<string, T[]>();
  for (const w of sending) byCustomer.set(w.customerId, [...(byCustomer.get(w.customerId) ?? []), w]);
  for (const [customerId, rows] of byCustomer) {
    const last = lastSentOn.get(customerId);
    const windowEnd = last === undefined ? null : addDays(last, DUE_SPACING_DAYS);
    if (windowEnd !== null && windowEnd > today) {
      for (const w of rows) wait.set(w.id, windowEnd);
      continue;
    }
    const [best, ...rest] = [...rows].sort((a, b) => b.expectedValue - a.expectedValue || (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0) || (a.id < b.id ? -1 : 1));
    send.push(best!);
    for (const w of rest) wait.set(w.id, addDays(today, DUE_SPACING_DAYS));
  }
  return { send, wait };
}

/**
 * Maintenance: `winback.due` on the day a canceled customer said they would be back (or
 * `winbackDelayDays` after their cancellation took effect), in the tenant's own time zone, to the
 * shop's endpoints that take it (`dueOutcome` decides who). The webhook is the contact once an
 * endpoint took it (the dispatcher records it then: attribution counts no contact that never
 * reached the shop). A shop with no such endpoint is not visited: its records stay `pending` and
 * listed as candidates, and go out (or are passed over, `DUE_WAIT_DAYS`) once it registers one.
 * The payload carries the comeback offer the list shows for the customer today (`offer`, in the
 * shop's locale, its copy passed by the phrase lint), and the record keeps which one was sent: the
 * customer can take it on reactivation for `SENT_OFFER_VALID_DAYS` (winback/redeem) even if the
 * suggestion moves.
 *
 * One per customer at a time (`spaceDues`): the others of theirs wait `DUE_SPACING_DAYS`.
 *
 * Answers how many records it settled (sent, skipped or set to wait), at most `batch` per tenant.
 *
 * Which tenants have something due is one cross-tenant read: the endpoints that take
 * `winback.due`, and per such shop an index seek on `winbacks_due` (tenant, status, date); only
 * those tenants get a write transaction. `tenants`: each tenant's share run apart (src/maintenance).
 */
export async function sendDueWinbacks(db: Database, now: Date, batch = 200, tenants?: TenantShares): Promise<number> {
  // Through `winbacks_due` by name: with statistics showing most records pending (they wait
  // 60 days), SQLite chose to walk another index of the whole table — ≈ 30 ms a run on the 1M
  // bench tenant with nothing due, every second, on the loop that answers requests.
  const dueTenants = (latestToday: string) =>
    db.orm.all<{ tenantId: string }>(
      sql`SELECT DISTINCT h.tenant_id AS tenantId FROM webhooks h
          WHERE EXISTS (SELECT 1 FROM json_each(h.events) e WHERE e.value = 'winback.due')
            AND EXISTS (SELECT 1 FROM winbacks w INDEXED BY winbacks_due WHERE w.tenant_id = h.tenant_id AND w.due_status = 'pending' AND w.due_on <= ${latestToday})`,
    );
  return forTenantsDue(db, now, dueTenants, (store, { settings, today }) =>
    store.write(async (s) => {
      const endpoints = await s.q.select({ id: webhooks.id, events: webhooks.events }).from(webhooks).where(s.owns(webhooks));
      // The endpoint went meanwhile: the records wait for the next one.
      if (!endpoints.some((e) => e.events.includes("winback.due"))) return 0;
      const rows = await s.q
        .select()
        .from(winbacks)
        .where(s.owns(winbacks, eq(winbacks.dueStatus, "pending"), lte(winbacks.dueOn, today)))
        .limit(batch);
      const at = now.toISOString();
      const due = rows.filter((w) => dueOutcome(w, today) === "send");
      // When each of these customers was last sent one (through `winbacks_customer`; the window's days only).
      const customerIds = [...new Set(due.map((w) => w.customerId))];
      const recent =
        customerIds.length === 0
          ? []
          : await s.q
              .select({ customerId: winbacks.customerId, sentAt: winbacks.dueSentAt })
              .from(winbacks)
              .where(s.owns(winbacks, inArray(winbacks.customerId, customerIds), eq(winbacks.dueStatus, "sent"), gt(winbacks.dueSentAt, new Date(now.getTime() - (DUE_SPACING_DAYS + 1) * 86_400_000).toISOString())));
      const lastSentOn = new Map<string, string>();
      for (const r of recent) {
        if (r.sentAt === null) continue;
        const on = localDate(new Date(r.sentAt), settings.timeZone);
        const seen = lastSentOn.get(r.customerId);
        if (seen === undefined || seen < on) lastSentOn.set(r.customerId, on);
      }
      const { send: sending, wait } = spaceDues(due, lastSentOn, today);
      // The offer as the list shows it today: the stored decision, made current (decided afresh if stale).
      const comebacks =
        sending.length === 0
          ? new Map<string, StoredComeback | null>()
          : await comebacksForToday(
              s,
              sending.map((w) => ({ id: w.id, subscriptionId: w.subscriptionId, customerId: w.customerId, reason: w.reason, returnOn: w.returnOn, comeback: w.comeback as unknown as StoredComeback | null, comebackStamp: w.comebackStamp })),
              await storeStamp(s),
              now,
              settings,
            );
      for (const w of rows) {
        const waitUntil = wait.get(w.id);
        if (waitUntil !== undefined) {
          // Another of the customer's went out (or goes out now): this one waits its turn, still pending and listed.
          await s.update(winbacks, { dueOn: waitUntil }, eq(winbacks.id, w.id));
          continue;
        }
        if (!sending.includes(w)) {
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
            drivers: localizeWinbackDrivers(w.drivers as WinbackDriver[], settings.locale, w.currency),
            offer: offer ? { ...presentComeback(offer, settings.locale), validUntil: offer.kind === "offer" ? sentOfferValidUntil(today) : null } : null,
            candidates: `/v1/winback/candidates?customerId=${encodeURIComponent(w.customerId)}`,
          },
          now,
          endpoints,
        );
      }
      return rows.length;
    }),
    tenants,
  );
}
