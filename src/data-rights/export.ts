import { and, asc, eq, inArray, isNull, ne, or } from "drizzle-orm";
import { auditLog, cancelFlows, customerSessions, events, planChanges, riskFeatures, subscriptions, webhookDeliveries, webhooks } from "../db/schema";
import { flowEvidence } from "../cancel-flows/service";
import { getCustomer, toCustomer } from "../customers/repository";
import { toChange } from "../plan-changes/apply";
import type { AuditAction } from "../platform/audit";
import type { Language } from "../platform/language";
import type { TenantStore } from "../platform/tenancy";
import { localizeDrivers, type Driver } from "../risk/model";
import { resolveSettings } from "../settings/schemas";
import { toSubscription } from "../subscriptions/repository";
import { localizeWinbackDrivers, type WinbackDriver } from "../winback/model";
import { winbackDataOf } from "../winback/service";

/**
 * Everything the shop holds about one person, for a disclosure request (個人情報保護法 §33 開示請求 /
 * GDPR Art. 15): profile and consents (keep-in-touch with its evidence), exit survey answers, the
 * win-back profiling of each cancellation (score, drivers, due date, offer, contact), subscriptions with their history of changes, events, cancel
 * flows with their evidence, risk with its drivers, and the person's customer sessions; what was sent about them to whom
 * (each webhook delivery: the endpoint's host, the event, when, and the body as sent — 個人情報保護法 §33(5) 第三者提供記録,
 * CCPA §1798.110) and the audit entries that name them (who exported their data, what they did themselves). The
 * drivers of the risk and win-back estimates carry their labels in `lang`, so the person can read why, beside the
 * inputs each estimate was computed from (`features`, as stored).
 * Read in one snapshot-free pass; a person with thousands of events gets them all (this is rare and admin-only).
 */
export async function exportCustomer(store: TenantStore, customerId: string, now: Date, lang: Language) {
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
  const deliveries = await store.q.select().from(webhookDeliveries).where(store.owns(webhookDeliveries, eq(webhookDeliveries.customerId, customerId))).orderBy(asc(webhookDeliveries.createdAt), asc(webhookDeliveries.id));
  const hosts = new Map((await store.q.select({ id: webhooks.id, url: webhooks.url }).from(webhooks).where(store.owns(webhooks))).map((w) => [w.id, new URL(w.url).host]));
  // Two reads, each down its partial index (a tenant's audit log is long: one OR of both would walk all of it).
  // Sessions minted or revoked name the session, not the person: those are in `customerSessions` below.
  const audit = [
    ...(await store.q.select().from(auditLog).where(store.owns(auditLog, eq(auditLog.targetType, "customer"), eq(auditLog.targetId, customerId)))),
    ...(await store.q.select().from(auditLog).where(store.owns(auditLog, eq(auditLog.actorType, "customer"), eq(auditLog.actorId, customerId), or(ne(auditLog.targetType, "customer"), ne(auditLog.targetId, customerId), isNull(auditLog.targetId))))),
  ].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return {
    generatedAt: now.toISOString(),
    // How to read the document's times: instants are UTC; calendar dates are the shop's.
    timeZone: resolveSettings((await store.tenant()).settings).timeZone,
    customer: toCustomer(person),
    consents: {
      marketingConsent: person.marketingConsent,
      keepInTouch: person.keepInTouch,
      keepInTouchHistory: winback.keepInTouchHistory,
      profilingOptOut: person.profilingOptOut,
      profilingOptOutHistory: winback.profilingOptOutHistory,
    },
    exitSurveys: winback.exitSurveys,
    winbacks: winback.winbacks.map((w) => ({ ...w, drivers: localizeWinbackDrivers(w.drivers as unknown as WinbackDriver[], lang, w.expectedValue.currency) })),
    subscriptions: subs.map(toSubscription),
    changes: changes.map(toChange),
    events: eventRows.map((e) => ({ id: e.id, type: e.type, subscriptionId: e.subscriptionId, occurredAt: e.occurredAt, receivedAt: e.receivedAt, data: e.data })),
    cancelFlows: await Promise.all(flows.map((f) => flowEvidence(store, f.id, now))),
    risk: risk.map((r) => ({
      subscriptionId: r.subscriptionId,
      probability: r.probability,
      score: r.score,
      band: r.band,
      drivers: localizeDrivers(r.drivers as Driver[], lang, r.currency),
      features: r.features,
      flags: r.flags,
      modelVersion: r.modelVersion,
      computedAt: r.computedAt,
    })),
    customerSessions: sessions.map((x) => ({ id: x.id, subscriptionId: x.subscriptionId, locale: x.locale, createdAt: x.createdAt, expiresAt: x.expiresAt, revokedAt: x.revokedAt })),
    webhookDeliveries: deliveries.map((d) => ({
      deliveryId: d.id,
      webhookId: d.webhookId,
      host: hosts.get(d.webhookId) ?? null,
      eventId: d.eventId,
      eventType: d.eventType,
      status: d.status,
      createdAt: d.createdAt,
      deliveredAt: d.deliveredAt,
      payload: JSON.parse(d.payload) as Record<string, unknown>,
    })),
    auditEntries: audit.map(toAuditEntry),
  };
}

/** An audit log row as `GET /v1/audit-log` and the export show it. */
export function toAuditEntry(r: typeof auditLog.$inferSelect) {
  return {
    id: r.id,
    at: r.at,
    actor: { type: r.actorType as "key" | "operator" | "customer" | "system", id: r.actorId, ...(r.actorName ? { name: r.actorName } : {}) },
    action: r.action as AuditAction,
    target: r.targetType && r.targetId ? { type: r.targetType, id: r.targetId } : null,
    details: (r.details ?? null) as Record<string, unknown> | null,
  };
}
