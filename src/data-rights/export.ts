import { and, asc, eq, inArray } from "drizzle-orm";
import { cancelFlows, customerSessions, events, planChanges, riskFeatures, subscriptions } from "../db/schema";
import { flowEvidence } from "../cancel-flows/service";
import { getCustomer, toCustomer } from "../customers/repository";
import { toChange } from "../plan-changes/apply";
import type { TenantStore } from "../platform/tenancy";
import { toSubscription } from "../subscriptions/repository";
import { winbackDataOf } from "../winback/service";

/**
 * Everything the shop holds about one person, for a disclosure request (個人情報保護法 §33 開示請求 /
 * GDPR Art. 15): profile and consents (keep-in-touch with its evidence), exit survey answers, the
 * win-back profiling of each cancellation (score, drivers, due date, offer, contact), subscriptions with their history of changes, events, cancel
 * flows with their evidence, risk with its drivers, and the person's customer sessions. Read in one snapshot-free pass; a person
 * with thousands of events gets them all (this is rare and admin-only).
 */
export async function exportCustomer(store: TenantStore, customerId: string, now: Date) {
  const person = await getCustomer(store, customerId);
  const subs = await store.q.select().from(subscriptions).where(store.owns(subscriptions, eq(subscriptions.customerId, customerId))).orderBy(asc(subscriptions.id));
  const ids = subs.map((s) => s.id);
  const changes = ids.length
    ? await store.q.select().from(planChanges).where(store.owns(planChanges, inArray(planChanges.subscriptionId, ids))).orderBy(asc(planChanges.createdAt))
    : [];
  const eventRows = await store.q.select().from(events).where(store.owns(events, eq(events.customerId, customerId))).orderBy(asc(events.occurredAt));
  const flows = await store.q.select({ id: cancelFlows.id }).from(cancelFlows).where(store.owns(cancelFlows, eq(cancelFlows.customerId, customerId))).orderBy(asc(cancelFlows.startedAt));
  const risk = await store.q.select().from(riskFeatures).where(store.owns(riskFeatures, and(eq(riskFeatures.customerId, customerId))));
  const winback = await winbackDataOf(store, customerId);
  const sessions = await store.q.select().from(customerSessions).where(store.owns(customerSessions, eq(customerSessions.customerId, customerId))).orderBy(asc(customerSessions.createdAt));
  return {
    generatedAt: now.toISOString(),
    customer: toCustomer(person),
    consents: { marketingConsent: person.marketingConsent, keepInTouch: person.keepInTouch, keepInTouchHistory: winback.keepInTouchHistory },
    exitSurveys: winback.exitSurveys,
    winbacks: winback.winbacks,
    subscriptions: subs.map(toSubscription),
    changes: changes.map(toChange),
    events: eventRows.map((e) => ({ id: e.id, type: e.type, subscriptionId: e.subscriptionId, occurredAt: e.occurredAt, receivedAt: e.receivedAt, data: e.data })),
    cancelFlows: await Promise.all(flows.map((f) => flowEvidence(store, f.id, now))),
    risk: risk.map((r) => ({
      subscriptionId: r.subscriptionId,
      probability: r.probability,
      score: r.score,
      band: r.band,
      drivers: r.drivers,
      flags: r.flags,
      modelVersion: r.modelVersion,
      computedAt: r.computedAt,
    })),
    customerSessions: sessions.map((x) => ({ id: x.id, subscriptionId: x.subscriptionId, locale: x.locale, createdAt: x.createdAt, expiresAt: x.expiresAt, revokedAt: x.revokedAt })),
  };
}
