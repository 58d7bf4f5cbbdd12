import { and, eq, gt, gte, inArray, or, sql } from "drizzle-orm";
import {
  auditLog,
  auditLogRekeys,
  cancelFlows,
  cancelFlowSteps,
  customerSessions,
  customers,
  events,
  idempotencyKeys,
  planChanges,
  riskFeatures,
  subscriptions,
  webhookDeliveries,
} from "../db/schema";
import type { Actor } from "../platform/env";
import { randomToken } from "../platform/crypto";
import { ApiError } from "../platform/errors";
import { IDEMPOTENCY_TTL_MS } from "../platform/idempotency";
import { fingerprint } from "../platform/secrets";
import { keepsContactFingerprints } from "../settings/schemas";
import type { TenantStore } from "../platform/tenancy";
import type { Database } from "../db/client";
import { dropUndelivered, enqueueWebhookEvent } from "../webhooks/outbox";
import { pseudonymiseWinbacks } from "../winback/service";
import { withoutFreeText, type SurveyAnswer } from "../winback/survey";
import { EVENT_FREE_TEXT } from "../events/schemas";
import { mentions, scrub, scrubText } from "./scrub";

export type ErasureResult = {
  customerId: string;
  erasedAt: string;
  /** What was changed, by kind (counts only). */
  scrubbed: {
    events: number;
    cancelFlows: number;
    evidenceSteps: number;
    planChanges: number;
    customerSessions: number;
    storedAnswers: number;
    webhookPayloads: number;
    /** Webhook events about the person not yet delivered (pending or failed), dropped: never sent. */
    webhookEventsDropped: number;
    /** Win-back records (exit survey answers, contactability) moved to the pseudonym, free text removed. */
    winbacks: number;
    /** Keep-in-touch answers (their evidence) moved to the pseudonym. */
    keepInTouchAnswers: number;
  };
  fingerprintsKept: boolean;
};

/** `erased_…`: random, so nothing links it back to the merchant's id once the erasure is done. */
const pseudonym = () => `erased_${randomToken(20)}`;

/** Stored answers read between turns of the event loop (TenantStore.turn). */
const ANSWERS_PER_SLICE = 1_000;

/**
 * Erases a person (個人情報保護法 §35 / GDPR Art. 17), in one transaction so a failure halfway
 * changes nothing:
 * - refuses while a subscription is live (409 `customer_has_live_subscriptions`): cancel first;
 * - the customer row keeps no name (nor its reading and search keys), e-mail, phone (nor extension), address, postal code or
 *   locale, and moves to a random pseudonym, as do the customer id in subscriptions, events,
 *   cancel flows, risk and the `actor` of plan changes and evidence steps a customer session made
 *   — so a lookup (or checkout check) by the old phone, e-mail, address or id finds nothing, and
 *   the timeline under the old id is empty, while the cancellation evidence (steps, times, offers
 *   shown, outcome) still reads under the pseudonym: erasure is the one permitted edit of it;
 * - the person's customer sessions are deleted, so a token still in a browser stops working;
 * - free text (comments, operators' contact notes, every event type's free-text fields: events/schemas
 *   `freeText`, a decline's reason with a card number in it) and any copy of the person's contact data is
 *   removed from event data, evidence steps, flows' offers, plan changes and the payloads of
 *   webhook events about the person (delivered or not; found by the customer each delivery is
 *   about, migration 0036, not by reading every payload); stored idempotent answers of the last
 *   24 h that mention the person are deleted, so a replay of a recent request runs afresh instead
 *   of answering the pseudonym (linking it to the id); older answers are never replayed, and the
 *   retention job deletes them (data-rights/retention `forgetExpiredAnswers`, within minutes of
 *   their 24 h on Node, at the next cron run on Workers);
 * - webhook events about the person not yet delivered (pending, held or failed) are dropped: sent
 *   later they could only name the pseudonym, an id the merchant never saw (or keep the merchant's
 *   id of an erased person); the `customer.erased` event below is what the merchant's systems get;
 * - marketing consent and keep-in-touch become false (never contactable again);
 * - from then on the pseudonym's record takes no writes (data-rights/erased);
 * - with the shop setting `keepContactFingerprints` (default true), keyed HMAC fingerprints of the
 *   normalised phone and e-mail are kept for the 初回だけ解約 (first-delivery-only) fraud match —
 *   the setting as committed when the erasure's transaction runs (settings/schemas
 *   `keepsContactFingerprints`), not as the request found it;
 * - win-back records and keep-in-touch evidence move to the pseudonym too (the wording shown is
 *   the shop's and stays), free-text exit survey answers go, and the person is never a candidate;
 * - audit entries naming the person (a customer target, a customer actor) move to the pseudonym
 *   too: the one edit the audit log's triggers allow (migration 0025);
 * - a `customer.erased` webhook carries the merchant's id (and the time, nothing else) so its own
 *   systems can follow; its stored copy drops the id once delivered (webhooks/dispatcher), or 30
 *   days after its retries ran out (data-rights/retention `forgetAbandonedErasures`).
 *
 * Answers what the route sends (`answer`, which names the merchant's id: never stored, see the
 * route) and the pseudonym, for the erasure's own audit entry.
 */
export async function eraseCustomer(
  store: TenantStore,
  customerId: string,
  options: { at: Date; secretsKey: string; embedded: boolean },
): Promise<{ answer: ErasureResult; pseudonym: string }> {
  return store.write(async (s) => {
    // An embedded file keeps what a row held in freed space until reused: zero it as it is freed.
    if (options.embedded) await s.q.run(sql`PRAGMA secure_delete = ON`);
    const person = await s.find(customers, eq(customers.id, customerId));
    if (!person || person.erasedAt) throw new ApiError("customer_not_found", { en: `No customer ${customerId}.`, ja: `顧客 ${customerId} は見つかりません。` });
    const live = await s.q
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(s.owns(subscriptions, eq(subscriptions.customerId, customerId), inArray(subscriptions.status, ["active", "paused"])));
    if (live.length > 0) {
      throw new ApiError("customer_has_live_subscriptions", { en: "Cancel the customer's live subscriptions first; erasure keeps only what the law requires of closed ones.", ja: "先にこの顧客の有効な定期コースを解約してください。消去後も、解約済みの定期コースについては法令で保管が必要な情報だけを残します。" }, {
        subscriptionIds: live.map((l) => l.id),
      });
    }
    const at = options.at.toISOString();
    const alias = pseudonym();
    const personal = new Set(
      [person.name, person.nameKana, person.email, person.emailNormalized, person.phone, nationalForm(person.phone), person.address, person.postalCode].filter((v): v is string => Boolean(v)),
    );
    const rename = new Map([[customerId, alias]]);
    // As written, and URL-encoded (an id in a query string: winback.due's `candidates`).
    const needles = [...new Set([...personal, customerId].flatMap((n) => [n, encodeURIComponent(n)]))];

    // Decided on the shop's row read in this write transaction: a `keepContactFingerprints: false`
    // that committed after the request authenticated is seen, and none can commit before this does.
    const keep = keepsContactFingerprints((await s.tenant()).settings, at);
    const [phoneFingerprint, emailFingerprint] = keep
      ? await Promise.all([
          person.phone ? fingerprint(options.secretsKey, "contact-fingerprint", person.phone) : null,
          person.emailNormalized ? fingerprint(options.secretsKey, "contact-fingerprint", person.emailNormalized) : null,
        ])
      : [null, null];
    await s.update(
      customers,
      {
        id: alias,
        name: null,
        // The reading and the search keys of both go too (migration 0049's trigger drops the name search's keys).
        nameKana: null,
        nameKey: null,
        nameKanaKey: null,
        email: null,
        emailNormalized: null,
        phone: null,
        phoneExtension: null,
        postalCode: null,
        address: null,
        addressKey: null,
        locale: null,
        marketingConsent: false,
        // Erasure withdraws keep-in-touch too (its evidence stays, under the pseudonym).
        keepInTouch: false,
        keepInTouchAt: at,
        erasedAt: at,
        updatedAt: at,
        phoneFingerprint,
        emailFingerprint,
      },
      eq(customers.id, customerId),
    );
    await s.update(subscriptions, { customerId: alias }, eq(subscriptions.customerId, customerId));
    await s.update(riskFeatures, { customerId: alias }, eq(riskFeatures.customerId, customerId));
    // A session still in a browser must stop working: its row goes (the token names the row).
    const sessions = (await s.delete(customerSessions, eq(customerSessions.customerId, customerId)).returning({ id: customerSessions.id })).length;
    const asActor = (actor: Actor | null) => (actor?.type === "customer" && actor.id === customerId ? { ...actor, id: alias } : actor);

    // Plan changes of the person's subscriptions (the timeline's changes): the customer as actor
    // becomes the pseudonym; anything personal in before/after/source goes.
    const subIds = (await s.q.select({ id: subscriptions.id }).from(subscriptions).where(s.owns(subscriptions, eq(subscriptions.customerId, alias)))).map((r) => r.id);
    let changed = 0;
    if (subIds.length > 0) {
      const changes = await s.q.select().from(planChanges).where(s.owns(planChanges, inArray(planChanges.subscriptionId, subIds)));
      for (const ch of changes) {
        const next = {
          actor: asActor(ch.actor),
          before: scrub(ch.before, personal, rename) as Record<string, unknown>,
          after: scrub(ch.after, personal, rename) as Record<string, unknown>,
          source: scrub(ch.source, personal, rename) as Record<string, unknown> | null,
        };
        if (JSON.stringify(next) === JSON.stringify({ actor: ch.actor, before: ch.before, after: ch.after, source: ch.source })) continue;
        changed++;
        await s.update(planChanges, next, eq(planChanges.id, ch.id));
      }
    }

    // Events: the signals stay (type, time, numbers, codes) for the shop's statistics; free text goes.
    const eventRows = await s.q.select({ id: events.id, type: events.type, data: events.data }).from(events).where(s.owns(events, eq(events.customerId, customerId)));
    for (const e of eventRows) {
      await s.update(events, { customerId: alias, data: withoutEventFreeText(e.type, scrub(e.data, personal, rename) as Record<string, unknown>) }, eq(events.id, e.id));
    }

    // The evidence: flows and their steps, under the pseudonym, without free text.
    const flows = await s.q.select().from(cancelFlows).where(s.owns(cancelFlows, eq(cancelFlows.customerId, customerId)));
    let steps = 0;
    for (const f of flows) {
      await s.update(
        cancelFlows,
        {
          customerId: alias,
          offer: scrub(f.offer, personal, rename) as Record<string, unknown> | null,
          offersShown: scrub(f.offersShown, personal, rename) as Record<string, unknown>[] | null,
        },
        eq(cancelFlows.id, f.id),
      );
      const rows = await s.q.select().from(cancelFlowSteps).where(s.owns(cancelFlowSteps, eq(cancelFlowSteps.flowId, f.id)));
      for (const step of rows) {
        const data = scrub(step.data, personal, rename) as Record<string, unknown>;
        // The exit survey's free-text answers are the person's own words; option codes stay.
        // (An answer that named the person is null after scrub: gone with the rest of the words.)
        if (Array.isArray(data.survey)) data.survey = withoutFreeText((data.survey as SurveyAnswer[]).filter((a) => typeof a.answer === "string"));
        const actor = asActor(step.actor);
        if (JSON.stringify(data) === JSON.stringify(step.data) && actor === step.actor) continue;
        steps++;
        await s.update(cancelFlowSteps, { data: { ...data, erasedAt: at }, actor }, and(eq(cancelFlowSteps.flowId, f.id), eq(cancelFlowSteps.seq, step.seq)));
      }
    }

    // Stored answers (idempotent replays) that mention the person are deleted, not renamed: a replay
    // of one would answer the pseudonym to a request naming the old id, linking the two. Without it
    // the same request runs afresh, as the merchant asked (a customer sync then creates a new
    // customer). Webhook payloads that mention the person are scrubbed (deliveries keep their record).
    // Both read through an index, never every answer or payload the shop has: an erasure is a write,
    // and on the embedded driver a write's statements hold the event loop (issue #18).
    // The answers of the last 24 h (older ones are never replayed, and the retention job deletes
    // them) in slices by age, a turn of the event loop between them: a busy shop stores tens of
    // thousands a day: 20,000 answers of 1.2 kB held the loop ≈ 100 ms read at once (bench/erasure.ts).
    const mention = sql<number>`(${or(...needles.map((n) => sql`instr(${idempotencyKeys.responseBody}, ${n}) > 0`))})`;
    let from = new Date(options.at.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
    let after = false;
    const named = new Set<string>();
    for (;;) {
      const slice = await s.q
        .select({ key: idempotencyKeys.key, createdAt: idempotencyKeys.createdAt, named: mention })
        .from(idempotencyKeys)
        .where(s.owns(idempotencyKeys, after ? gt(idempotencyKeys.createdAt, from) : gte(idempotencyKeys.createdAt, from)))
        .orderBy(idempotencyKeys.createdAt)
        .limit(ANSWERS_PER_SLICE);
      for (const a of slice) if (a.named) named.add(a.key);
      if (slice.length < ANSWERS_PER_SLICE) break;
      const last = slice[slice.length - 1]!.createdAt;
      // The next slice starts at the last one's instant (its rows again: a set). A full slice of
      // one instant would not move on: that instant's rest is read whole, then the slices go past it.
      if (slice[0]!.createdAt === last) {
        const rest = await s.q.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(s.owns(idempotencyKeys, eq(idempotencyKeys.createdAt, last), mention));
        for (const a of rest) named.add(a.key);
      }
      after = slice[0]!.createdAt === last;
      from = last;
      await s.turn();
    }
    let storedAnswers = 0;
    for (const key of named) {
      const a = await s.find(idempotencyKeys, eq(idempotencyKeys.key, key));
      if (!a?.responseBody || !mentions(a.responseBody, needles)) continue;
      storedAnswers++;
      await s.delete(idempotencyKeys, eq(idempotencyKeys.key, key));
    }
    // Undelivered events about the person go (see above); the rest of their deliveries are scrubbed
    // and move to the pseudonym (deliveries keep their record).
    const webhookEventsDropped = await dropUndelivered(s, customerId);
    const deliveries = await s.q
      .select({ id: webhookDeliveries.id, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(s.owns(webhookDeliveries, eq(webhookDeliveries.customerId, customerId)));
    let webhookPayloads = 0;
    for (const d of deliveries) {
      const payload = mentions(d.payload, needles) ? (webhookPayloads++, scrubText(d.payload, personal, rename) ?? JSON.stringify({ erased: true })) : d.payload;
      await s.update(webhookDeliveries, { payload, customerId: alias }, eq(webhookDeliveries.id, d.id));
    }

    // Win-back: records and keep-in-touch evidence under the pseudonym, survey free text gone, never contactable.
    const winback = await pseudonymiseWinbacks(s, customerId, alias);

    // The audit log: entries naming the person (exports, anything a customer session did) keep what
    // was done, under the pseudonym. Its triggers allow this one edit while the re-key row exists;
    // the row goes before the commit, so no original → pseudonym pair is ever committed.
    await s.insert(auditLogRekeys, { fromId: customerId, toId: alias });
    await s.update(auditLog, { actorId: alias }, eq(auditLog.actorType, "customer"), eq(auditLog.actorId, customerId));
    await s.update(auditLog, { targetId: alias }, eq(auditLog.targetType, "customer"), eq(auditLog.targetId, customerId));
    await s.delete(auditLogRekeys, eq(auditLogRekeys.fromId, customerId));

    await enqueueWebhookEvent(s, "customer.erased", { customerId, erasedAt: at }, options.at);
    const answer: ErasureResult = {
      customerId,
      erasedAt: at,
      scrubbed: {
        events: eventRows.length,
        cancelFlows: flows.length,
        evidenceSteps: steps,
        planChanges: changed,
        customerSessions: sessions,
        storedAnswers,
        webhookPayloads,
        webhookEventsDropped,
        winbacks: winback.winbacks,
        keepInTouchAnswers: winback.consents,
      },
      fingerprintsKept: phoneFingerprint !== null || emailFingerprint !== null,
    };
    return { answer, pseudonym: alias };
  });
}

/**
 * After an erasure on an embedded file: copies the WAL into the database and truncates it, so the
 * old versions of the pages (with the person in them) are gone from the WAL too. A libSQL server
 * (Turso, sqld) manages its own storage. While another connection checkpoints (the log's own
 * thread, db/checkpoints.ts, every 50 ms under writes) SQLite answers busy at once, without its
 * busy handler, and truncates nothing: tried again every 20 ms, for up to 5 s, then an error.
 */
export async function purgeOldPages(db: Database): Promise<void> {
  if (db.client.protocol !== "file") return;
  await db.write(async () => undefined); // after every queued write
  for (let attempt = 0; ; attempt++) {
    // [busy, frames in the log, frames copied]: busy 0 once the log is copied and truncated.
    const [row] = (await db.client.execute("PRAGMA wal_checkpoint(TRUNCATE)")).rows;
    if (Number(row?.[0] ?? 0) === 0) return;
    if (attempt >= 250) throw new Error("The write-ahead log could not be truncated after the erasure: another connection kept it busy for 5 s.");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * An event's `data` without its type's free text (events/schemas `freeText`: a note, a comment, a
 * decline's reason), each such field null; the rest as it was. (A stored type is always a known one: ingest refuses others.)
 */
export function withoutEventFreeText(type: string, data: Record<string, unknown>): Record<string, unknown> {
  const fields = EVENT_FREE_TEXT.get(type) ?? [];
  if (!fields.some((f) => data[f] !== undefined && data[f] !== null)) return data;
  return { ...data, ...Object.fromEntries(fields.filter((f) => f in data).map((f) => [f, null])) };
}

/** +819012345678 → 09012345678: the form a person (and a stored request body) most often writes. */
function nationalForm(e164: string | null): string | null {
  return e164?.startsWith("+81") ? "0" + e164.slice(3) : null;
}
