import { and, inArray, ne } from "drizzle-orm";
import { customers, events, subscriptions } from "../db/schema";
import { refuseErased } from "../data-rights/erased";
import { addDays, latestAcceptedInstant } from "../platform/dates";
import { aheadMessage, caughtRefusal, controlCharacterErrors, ERROR_STATUS, fieldErrors, itemProblem, type AheadOfTime, type ItemProblem, type ItemRefusal } from "../platform/errors";
import { errorLanguage, type Language } from "../platform/language";
import { apiRoute, checksItemsApart, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse } from "../platform/openapi";
import type { TenantStore } from "../platform/tenancy";
import type { RiskEvent } from "../risk/features";
import { noteDeliveryShipped } from "../plan-changes/apply";
import { refreshRisk } from "../risk/maintain";
import { recordContact } from "../winback/service";
import { EVENT_ITEM_CODES, EVENT_TYPES, EventInput, IngestEventsBody, IngestEventsResponse, type EventItemCode } from "./schemas";

type Result = {
  id: string | null;
  index: number;
  result: "accepted" | "duplicate" | "rejected";
  status: number;
  error?: ItemProblem<EventItemCode>;
};

const reject = (index: number, id: string | null, refusal: ItemRefusal<EventItemCode>, lang: Language): Result => ({
  id,
  index,
  result: "rejected",
  status: ERROR_STATUS[refusal.code],
  error: itemProblem(refusal, lang),
});

/**
 * An event's fields dated after it arrived: `occurredAt` more than FUTURE_SKEW_MS (5 minutes)
 * ahead of `now`, and a delivery's `deliveredOn` after the day `now` is anywhere on Earth (UTC
 * date + 1: the shop's time zone is at most 14 hours ahead). A delivery that is reported done
 * cannot be dated tomorrow; `delivery.skipped`'s `scheduledOn` may be (a skip is of a coming delivery).
 */
function aheadOfTime(event: EventInput, index: number, now: Date, latest: { instant: string; deliveredOn: string }): AheadOfTime[] | null {
  // occurredAt is in the stored form (the schema's utcInstant): text order is time order.
  const late = event.occurredAt > latest.instant;
  const shippedLater = event.type === "delivery.completed" && event.data.deliveredOn !== undefined && event.data.deliveredOn > latest.deliveredOn;
  if (!late && !shippedLater) return null; // the usual case: nothing built
  const out: AheadOfTime[] = [];
  if (late) out.push({ path: `events.${index}.occurredAt`, value: event.occurredAt, now: now.toISOString() });
  if (shippedLater) out.push({ path: `events.${index}.data.deliveredOn`, value: (event.data as { deliveredOn: string }).deliveredOn, latest: latest.deliveredOn });
  return out;
}

/**
 * When the customer said no to being contacted, if that "no" (`keepInTouch: false`, a marketing
 * opt-out included: customers/sync) stood at `at`; else null. A win-back contact after it is refused:
 * recorded, it would be credited with the customer's return (metrics/winback) as if it were allowed.
 */
function declinedBefore(c: { keepInTouch: boolean | null; keepInTouchAt: string | null }, at: string): string | null {
  return c.keepInTouch === false && c.keepInTouchAt !== null && c.keepInTouchAt <= at ? c.keepInTouchAt : null;
}

/** SQLite caps bound parameters per statement; stay well under it. */
const CHUNK = 100;

/** `lang`: the language of the rejected items' details (and validation messages), as for a problem. */
export async function ingestEvents(store: TenantStore, items: unknown[], receivedAt: string, lang: Language = "en"): Promise<Result[]> {
  const results: Result[] = new Array(items.length);
  const now = new Date(receivedAt);
  const latest = { instant: latestAcceptedInstant(now), deliveredOn: addDays(receivedAt.slice(0, 10), 1) };
  const valid: { index: number; event: EventInput }[] = [];
  items.forEach((item, index) => {
    const id = typeof (item as { id?: unknown })?.id === "string" ? (item as { id: string }).id : null;
    const type = (item as { type?: unknown })?.type;
    if (typeof type === "string" && !EVENT_TYPES.includes(type as never)) {
      const known = EVENT_TYPES.join(", ");
      results[index] = reject(
        index,
        id,
        {
          code: "unknown_event_type",
          detail: { en: `Unknown event type "${type}". Known types: ${known}.`, ja: `不明なイベント種別 "${type}" です。使える種別: ${known}。` },
          errors: [{ path: `events.${index}.type`, message: "Unknown event type" }],
        },
        lang,
      );
      return;
    }
    const parsed = EventInput.safeParse(item);
    if (!parsed.success) {
      results[index] = reject(
        index,
        id,
        { code: "validation_failed", detail: { en: "The event is not valid.", ja: "イベントの内容が正しくありません。" }, errors: fieldErrors(parsed.error.issues, `events.${index}`, item, lang) },
        lang,
      );
      return;
    }
    const control = controlCharacterErrors(parsed.data, `events.${index}`, lang);
    if (control.length > 0) {
      results[index] = reject(index, id, { code: "validation_failed", detail: { en: "The event is not valid.", ja: "イベントの内容が正しくありません。" }, errors: control }, lang);
      return;
    }
    const ahead = aheadOfTime(parsed.data, index, now, latest);
    if (ahead) {
      results[index] = reject(
        index,
        id,
        { code: "validation_failed", detail: { en: "The event is dated in the future: check the sending system's clock and the year.", ja: "イベントの日時が未来になっています。送信元システムの時計と年を確認してください。" }, errors: ahead.map((a) => ({ path: a.path, message: aheadMessage(a, lang) })) },
        lang,
      );
      return;
    }
    valid.push({ index, event: parsed.data });
  });

  return store.write(async (s) => {
    const ids = [...new Set(valid.map((v) => v.event.id))];
    const customerIds = [...new Set(valid.map((v) => v.event.customerId))];
    const subscriptionIds = [...new Set(valid.flatMap((v) => (v.event.subscriptionId ? [v.event.subscriptionId] : [])))];
    const [stored, knownCustomers, knownSubscriptions] = await Promise.all([
      selectIn(ids, (chunk) => s.q.select({ id: events.id }).from(events).where(s.owns(events, inArray(events.id, chunk)))),
      selectIn(customerIds, (chunk) => s.q.select({ id: customers.id, erasedAt: customers.erasedAt, keepInTouch: customers.keepInTouch, keepInTouchAt: customers.keepInTouchAt }).from(customers).where(s.owns(customers, inArray(customers.id, chunk)))),
      selectIn(subscriptionIds, (chunk) =>
        s.q
          .select({ id: subscriptions.id, customerId: subscriptions.customerId })
          .from(subscriptions)
          .where(s.owns(subscriptions, inArray(subscriptions.id, chunk))),
      ),
    ]);
    const seen = new Set(stored.map((r) => r.id));
    const customerSet = new Map(knownCustomers.map((r) => [r.id, r]));
    const subscriptionOwner = new Map(knownSubscriptions.map((r) => [r.id, r.customerId]));
    const rows: (typeof events.$inferInsert & {})[] = [];
    for (const { index, event } of valid) {
      if (seen.has(event.id)) {
        results[index] = { id: event.id, index, result: "duplicate", status: 200 };
        continue;
      }
      if (!customerSet.has(event.customerId)) {
        results[index] = reject(
          index,
          event.id,
          {
            code: "unknown_customer",
            detail: { en: `No customer ${event.customerId}.`, ja: `顧客 ${event.customerId} は見つかりません。` },
            errors: [{ path: `events.${index}.customerId`, message: "Unknown customer" }],
          },
          lang,
        );
        continue;
      }
      try {
        refuseErased(customerSet.get(event.customerId), `events.${index}.customerId`);
      } catch (e) {
        results[index] = reject(index, event.id, caughtRefusal(e, EVENT_ITEM_CODES, "POST /v1/events"), lang);
        continue;
      }
      const declined = event.type === "winback.contacted" ? declinedBefore(customerSet.get(event.customerId)!, event.occurredAt) : null;
      if (declined) {
        results[index] = reject(
          index,
          event.id,
          {
            code: "customer_declined_contact",
            detail: {
              en: `Customer ${event.customerId} said no to being contacted (${declined}); the contact on ${event.occurredAt} is not recorded.`,
              ja: `顧客 ${event.customerId} はご案内の受け取りを断っています（${declined}）。${event.occurredAt} の連絡は記録しません。`,
            },
            errors: [{ path: `events.${index}.occurredAt`, message: { en: "After the customer's keep-in-touch no", ja: "お客様が受け取りを断った後の日時です" } }],
          },
          lang,
        );
        continue;
      }
      if (event.subscriptionId && subscriptionOwner.get(event.subscriptionId) !== event.customerId) {
        results[index] = reject(
          index,
          event.id,
          {
            code: "unknown_subscription",
            detail: { en: `No subscription ${event.subscriptionId} for customer ${event.customerId}.`, ja: `顧客 ${event.customerId} に定期コース ${event.subscriptionId} はありません。` },
            errors: [{ path: `events.${index}.subscriptionId`, message: "Unknown subscription for this customer" }],
          },
          lang,
        );
        continue;
      }
      seen.add(event.id);
      rows.push({
        tenantId: s.tenantId,
        id: event.id,
        type: event.type,
        customerId: event.customerId,
        subscriptionId: event.subscriptionId ?? null,
        occurredAt: event.occurredAt,
        data: event.data,
        receivedAt,
      });
      results[index] = { id: event.id, index, result: "accepted", status: 201 };
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      await s.insert(events, rows.slice(i, i + CHUNK));
    }
    // A delivery that ships ends the subscription's run of consecutive skips.
    const shipped = new Map<string, string>();
    for (const r of rows) {
      if (r.type !== "delivery.completed" || !r.subscriptionId) continue;
      const seenAt = shipped.get(r.subscriptionId);
      if (seenAt === undefined || Date.parse(r.occurredAt) > Date.parse(seenAt)) shipped.set(r.subscriptionId, r.occurredAt);
    }
    for (const [subscriptionId, at] of shipped) await noteDeliveryShipped(s, subscriptionId, at);
    await refreshRiskForEvents(s, rows, receivedAt);
    // A win-back contact made by the shop's own systems: the reactivation that follows is attributed to it.
    for (const r of rows) if (r.type === "winback.contacted") await recordContact(s, { customerId: r.customerId, subscriptionId: r.subscriptionId ?? null, at: r.occurredAt });
    return results;
  });
}

/**
 * Applies the accepted events to the risk rows they concern: an event naming a subscription to
 * that one; a customer-level event (e.g. a call) to each of the customer's live subscriptions.
 */
async function refreshRiskForEvents(s: TenantStore, rows: (typeof events.$inferInsert)[], at: string) {
  const bySubscription = new Map<string, RiskEvent[]>();
  const add = (id: string, e: RiskEvent) => bySubscription.set(id, [...(bySubscription.get(id) ?? []), e]);
  const customerLevel = rows.filter((r) => !r.subscriptionId);
  const owned = await selectIn([...new Set(customerLevel.map((r) => r.customerId))], (chunk) =>
    s.q
      .select({ id: subscriptions.id, customerId: subscriptions.customerId })
      .from(subscriptions)
      .where(s.owns(subscriptions, and(inArray(subscriptions.customerId, chunk), ne(subscriptions.status, "canceled")))),
  );
  for (const r of rows) {
    const e = { type: r.type, occurredAt: r.occurredAt, data: r.data } as RiskEvent;
    if (r.subscriptionId) add(r.subscriptionId, e);
    else for (const o of owned) if (o.customerId === r.customerId) add(o.id, e);
  }
  for (const [id, list] of bySubscription) await refreshRisk(s, id, at, undefined, { events: list });
}

async function selectIn<T>(values: string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(...(await query(values.slice(i, i + CHUNK))));
  return out;
}

// Each item is checked on its own, control characters included: one bad item is refused alone.
checksItemsApart("POST /v1/events", ["events"]);

export const eventsRouter = domainRouter().openapi(
  apiRoute({
    method: "post",
    path: "/v1/events",
    operationId: "ingestEvents",
    tags: ["Events"],
    scope: "write",
    summary: "Send a batch of customer signals",
    description:
      "Deliveries, skips, payments, contacts, reported stock and survey answers from the merchant's systems. Idempotent by event `id`: a resent event is reported as `duplicate` and stored once. Each item is validated on its own — an `occurredAt` more than 5 minutes ahead of the server's clock, or a `deliveredOn` after today, is refused (`validation_failed`: a clock or year wrong upstream; minutes of clock skew pass); the response reports every item's result in order, a rejected item's `error.detail` and validation messages in the language of `Accept-Language` (ja or en; default en) as in a problem.",
    request: { headers: IdempotencyHeaders, body: jsonBody(IngestEventsBody, {
        events: [
          { id: "evt-20261120-000123", type: "delivery.completed", customerId: "C-100245", subscriptionId: "S-2024-000981", occurredAt: "2026-11-20T01:00:00Z", data: { deliveredOn: "2026-11-20" } },
          { id: "evt-20261121-000045", type: "usage.reported", customerId: "C-100245", subscriptionId: "S-2024-000981", occurredAt: "2026-11-21T10:30:00Z", data: { remainingUnits: 12 } },
          { id: "evt-20261121-000046", type: "contact.logged", customerId: "C-100245", occurredAt: "2026-11-21T10:32:00Z", data: { channel: "phone", topic: "cancel_request", sentiment: "negative" } },
        ],
      }),
    },
    responses: { 200: jsonResponse(IngestEventsResponse, "Per-item results") },
  }),
  async (c) => {
    const { events: items } = c.req.valid("json");
    const results = await ingestEvents(c.get("store"), items, c.get("services").now().toISOString(), errorLanguage(c));
    const count = (r: Result["result"]) => results.filter((x) => x.result === r).length;
    return c.json({ accepted: count("accepted"), duplicates: count("duplicate"), rejected: count("rejected"), results }, 200);
  },
);
