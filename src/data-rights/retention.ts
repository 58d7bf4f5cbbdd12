import { and, eq, isNotNull, lt, lte, sql, type SQL } from "drizzle-orm";
import { cancelFlows, cancelFlowSteps, customers, events, idempotencyKeys, winbacks } from "../db/schema";
import type { Database } from "../db/client";
import { addDays } from "../platform/dates";
import { IDEMPOTENCY_TTL_MS } from "../platform/idempotency";
import { deliveredPayload } from "../webhooks/dispatcher";
import { purgeOldPages } from "./erase";
import { TOGETHER, type TenantShares } from "../platform/step-faults";
import { FINGERPRINTS_DROPPED_AT, resolveSettings } from "../settings/schemas";
import { inList, TenantStore } from "../platform/tenancy";
import { withoutFreeText, type SurveyAnswer } from "../winback/survey";

/** Rows one maintenance run may delete or rewrite, across tenants: a run never holds the write lock for long. */
export const RETENTION_CHUNK = 500;

/**
 * How long a `customer.erased` webhook delivery that finally failed (its retries ran out, about
 * 28 hours) keeps the merchant's customer id, counted from its last attempt: 30 days. The id is
 * the one thing the event carries beside the time (no name, contact or pseudonym), and the merchant
 * needs it to erase the person on their side: the failure shows in `GET …/deliveries` and the
 * delivery can be sent again (`POST …/retry`) once their endpoint is fixed. A month is the time
 * GDPR Art. 12(3) gives to act on an erasure request; after it the sweep drops the id, as a
 * successful delivery does at once (webhooks/dispatcher), and a retry sends `customerId: null`.
 */
export const ERASED_ID_KEPT_AFTER_FAILURE_DAYS = 30;

/**
 * Drops the merchant's customer id from `customer.erased` deliveries that failed for good more than
 * ERASED_ID_KEPT_AFTER_FAILURE_DAYS ago, across tenants, at most `limit` a run; then, on an
 * embedded file, the old page versions leave the WAL (data-rights/erase `purgeOldPages`). A
 * failed delivery's `next_attempt_at` is its last attempt's lease, a minute after it. Reads first,
 * through a partial index of exactly these rows (migration 0026; named, since the planner takes
 * `webhook_deliveries_due` for `status =` and would walk every failed delivery), so a run with
 * nothing due writes nothing.
 */
export async function forgetAbandonedErasures(db: Database, now: Date, limit: number): Promise<number> {
  const cutoff = new Date(now.getTime() - ERASED_ID_KEPT_AFTER_FAILURE_DAYS * 86_400_000).toISOString();
  const due = await db.orm.all<{ id: string; payload: string }>(
    sql`SELECT id, payload FROM webhook_deliveries INDEXED BY webhook_deliveries_erased_failed WHERE event_type = 'customer.erased' AND status = 'failed' AND json_extract(payload, '$.data.customerId') IS NOT NULL AND next_attempt_at < ${cutoff} LIMIT ${limit}`,
  );
  if (due.length === 0) return 0;
  await db.write(async (tx) => {
    for (const d of due) {
      const payload = deliveredPayload("customer.erased", d.payload)!;
      // Still failed: a retry sent in the meantime (pending again) keeps its id until it is delivered.
      await tx.run(sql`UPDATE webhook_deliveries SET payload = ${payload} WHERE id = ${d.id} AND status = 'failed'`);
    }
  });
  await purgeOldPages(db).catch((e: unknown) => console.warn(`[retention] after dropping an erased customer's id from ${due.length} failed delivery(ies): ${e instanceof Error ? e.message : e}`));
  return due.length;
}

/**
 * Whether a JSON array of exit-survey answers (`[{ questionId, answer }]`, or NULL) holds free text:
 * an answer that is not an option code (winback/survey OPTION_CODE, /^[a-z][a-z0-9_]{1,63}$/,
 * spelled in GLOBs) is the customer's own words.
 */
function hasFreeText(answers: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM json_each(coalesce(${answers}, '[]')) j
    WHERE NOT (json_extract(j.value, '$.answer') GLOB '[a-z]*' AND json_extract(j.value, '$.answer') NOT GLOB '*[^a-z0-9_]*' AND length(json_extract(j.value, '$.answer')) BETWEEN 2 AND 64))`;
}

/**
 * The shops' retention settings, applied by the background job on both runtimes: events older
 * than `eventRetentionDays` are deleted; free text (comments) in the evidence of cancel flows
 * closed longer ago than `flowTextRetentionDays` is removed (the steps, times, offers shown and
 * outcome stay, and the step records when its text was removed), and so are the free-text answers
 * of the exit survey on win-back records of cancellations that long ago (the option codes stay, as
 * on erasure: winback/survey `withoutFreeText`). For every shop, whatever its settings, an erased
 * customer's id leaves `customer.erased` deliveries that failed for good 30 days ago
 * (`forgetAbandonedErasures`). At most `chunk` rows a run; the rest follows on the next runs.
 * Asks with reads first, so a run with nothing due writes nothing. `tenants`: each shop's share
 * run apart (src/maintenance); what a failing shop purged before it failed is counted.
 */
export async function applyRetention(
  db: Database,
  now: Date,
  chunk = RETENTION_CHUNK,
  tenants: TenantShares = TOGETHER,
): Promise<{ events: number; flowTexts: number; surveyTexts: number; erasedIds: number }> {
  const shops = await db.orm.all<{ id: string; settings: string }>(
    sql`SELECT id, settings FROM tenants WHERE json_extract(settings, '$.eventRetentionDays') IS NOT NULL OR json_extract(settings, '$.flowTextRetentionDays') IS NOT NULL`,
  );
  const erasedIds = await forgetAbandonedErasures(db, now, chunk);
  let budget = chunk - erasedIds;
  const done = { events: 0, flowTexts: 0, surveyTexts: 0, erasedIds };
  const today = now.toISOString().slice(0, 10);
  /** One shop's share: its events, then its flows' texts, then its win-back records' texts; every read and write scoped by its store. */
  const retainOf = async (shop: { id: string; settings: string }): Promise<void> => {
    const settings = resolveSettings(typeof shop.settings === "string" ? JSON.parse(shop.settings) : shop.settings);
    const store = new TenantStore(db, shop.id);
    if (settings.eventRetentionDays !== null) {
      const cutoff = `${addDays(today, -settings.eventRetentionDays)}T00:00:00.000Z`;
      const due = await store.q.select({ id: events.id }).from(events).where(store.owns(events, lt(events.occurredAt, cutoff))).limit(budget);
      if (due.length > 0) {
        await store.write((s) => s.delete(events, inList(events.id, due.map((d) => d.id))));
        done.events += due.length;
        budget -= due.length;
      }
    }
    if (settings.flowTextRetentionDays !== null && budget > 0) {
      const cutoff = `${addDays(today, -settings.flowTextRetentionDays)}T00:00:00.000Z`;
      // A reason's comment, or the exit survey's free-text answers as the confirmation step recorded them.
      const due = await store.q
        .select({ flowId: cancelFlowSteps.flowId, seq: cancelFlowSteps.seq, data: cancelFlowSteps.data })
        .from(cancelFlowSteps)
        .innerJoin(cancelFlows, and(eq(cancelFlows.tenantId, cancelFlowSteps.tenantId), eq(cancelFlows.id, cancelFlowSteps.flowId)))
        .where(
          store.owns(
            cancelFlowSteps,
            lt(cancelFlows.closedAt, cutoff),
            sql`(json_extract(${cancelFlowSteps.data}, '$.comment') IS NOT NULL OR ${hasFreeText(sql`json_extract(${cancelFlowSteps.data}, '$.survey')`)})`,
          ),
        )
        .limit(budget);
      if (due.length > 0) {
        await store.write(async (s) => {
          for (const d of due) {
            const data = d.data;
            const kept = { ...data, comment: null, ...(Array.isArray(data.survey) ? { survey: withoutFreeText(data.survey as SurveyAnswer[]) } : {}), textRemovedAt: now.toISOString() };
            await s.update(cancelFlowSteps, { data: kept }, eq(cancelFlowSteps.flowId, d.flowId), eq(cancelFlowSteps.seq, d.seq));
          }
        });
        done.flowTexts += due.length;
        budget -= due.length;
      }
    }
    if (settings.flowTextRetentionDays !== null && budget > 0) {
      const cutoff = `${addDays(today, -settings.flowTextRetentionDays)}T00:00:00.000Z`;
      const due = await store.q
        .select({ id: winbacks.id, survey: winbacks.survey })
        .from(winbacks)
        .where(store.owns(winbacks, lt(winbacks.canceledAt, cutoff), hasFreeText(sql`${winbacks.survey}`)))
        .limit(budget);
      if (due.length > 0) {
        await store.write(async (s) => {
          for (const d of due) await s.update(winbacks, { survey: withoutFreeText(d.survey ?? []) }, eq(winbacks.id, d.id));
        });
        done.surveyTexts += due.length;
        budget -= due.length;
      }
    }
  };
  for (const shop of shops) {
    if (budget <= 0) break;
    await tenants.run(shop.id, undefined, () => retainOf(shop));
  }
  return done;
}

/**
 * Drops the contact fingerprints of people erased up to a shop's `keepContactFingerprints: false`
 * (settings/schemas FINGERPRINTS_DROPPED_AT), at most `limit` customers a run across shops, each
 * shop's share run apart (`tenants`); a shop with none left loses its marker. Until then the
 * checkout check does not read them. Reads first, through the fingerprints' partial indexes, so a
 * run with nothing due writes nothing. Answers the customers changed.
 */
export async function dropFingerprints(db: Database, limit: number, tenants: TenantShares = TOGETHER): Promise<number> {
  const path = `$.${FINGERPRINTS_DROPPED_AT}`;
  const shops = await db.orm.all<{ id: string; at: string }>(sql`SELECT id, json_extract(settings, ${path}) AS at FROM tenants WHERE json_extract(settings, ${path}) IS NOT NULL`);
  let done = 0;
  for (const shop of shops) {
    const budget = limit - done;
    if (budget <= 0) break;
    await tenants.run(shop.id, undefined, async () => {
      const store = new TenantStore(db, shop.id);
      // One column at a time, each through its partial index: with the two ORed, SQLite scans every customer of the shop.
      const held = (column: typeof customers.phoneFingerprint | typeof customers.emailFingerprint, limit: number) =>
        store.q.select({ id: customers.id }).from(customers).where(store.owns(customers, isNotNull(column), lte(customers.erasedAt, shop.at))).limit(limit);
      const phones = await held(customers.phoneFingerprint, budget);
      const emails = phones.length < budget ? await held(customers.emailFingerprint, budget - phones.length) : null;
      // A customer with both is in both lists; either list short of its limit means that column has no more.
      const due = [...new Set([...phones, ...(emails ?? [])].map((d) => d.id))];
      const last = emails !== null && emails.length < budget - phones.length;
      await store.write(async (s) => {
        if (due.length > 0) await s.update(customers, { phoneFingerprint: null, emailFingerprint: null }, inList(customers.id, due));
        if (last) await s.forgetSettingsMarker(FINGERPRINTS_DROPPED_AT, shop.at);
      });
      done += due.length;
    });
  }
  return done;
}

/**
 * Deletes stored idempotent answers past their 24 h (platform/idempotency IDEMPOTENCY_TTL_MS): they
 * are never replayed again, and they can hold what a request sent and got (names, contact data).
 * At most `limit` a run across shops, each shop's share run apart (`tenants`), through the index
 * by shop and age (migration 0036). Answers the answers deleted.
 */
export async function forgetExpiredAnswers(db: Database, now: Date, limit: number, tenants: TenantShares = TOGETHER): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
  const shops = await db.orm.all<{ id: string }>(sql`SELECT id FROM tenants`);
  let done = 0;
  for (const shop of shops) {
    if (done >= limit) break;
    await tenants.run(shop.id, undefined, async () => {
      const store = new TenantStore(db, shop.id);
      const due = await store.q
        .select({ key: idempotencyKeys.key, createdAt: idempotencyKeys.createdAt })
        .from(idempotencyKeys)
        .where(store.owns(idempotencyKeys, lt(idempotencyKeys.createdAt, cutoff)))
        .orderBy(idempotencyKeys.createdAt)
        .limit(limit - done);
      if (due.length === 0) return;
      // SQLite walks the (tenant, created_at) index for this delete, testing each row's key: bounded
      // by the slice's newest answer (not the cutoff), the walk is the slice, not every expired
      // answer of the shop (a backlog of 40,000 made each slice of 10 a 50 ms read on the loop).
      // A key taken afresh in between (platform/idempotency) is newer than that, so it stays.
      const newest = due.at(-1)!.createdAt;
      await store.write((s) => s.delete(idempotencyKeys, lte(idempotencyKeys.createdAt, newest), inList(idempotencyKeys.key, due.map((d) => d.key))));
      done += due.length;
    });
  }
  return done;
}
