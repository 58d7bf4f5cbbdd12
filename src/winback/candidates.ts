/**
 * `GET /v1/winback/candidates`: canceled subscriptions whose customer may be contacted, best
 * expected recovered value first, one keyset page at a time, each with its comeback offer.
 *
 * The page is one walk down the partial index `winbacks_candidates` (contactable, not held out,
 * not reactivated; expected value desc, id), checking each row's customer and subscription by
 * primary key: the customer's current answer is the truth (the index flag is a copy), and an
 * erased customer (`erased_at`; no e-mail, no phone either) is never listed.
 */
import { sql } from "drizzle-orm";
import type { Lang } from "../cancel-flows/reasons";
import type { CatalogueOffer } from "../offers/catalogue";
import { loadCatalogue } from "../offers/repository";
import { localDate } from "../platform/dates";
import { encodeCursor } from "../platform/pagination";
import type { TenantStore } from "../platform/tenancy";
import type { TenantSettings } from "../settings/schemas";
import { presentComeback, rerenderComeback, type ComebackOffer } from "./comeback";
import { catalogueStamp, computeComebacks, restartOnFor, type StoredComeback } from "./decide";
import { localizeWinbackDrivers, type WinbackDriver } from "./model";

export type CandidateRow = {
  id: string;
  customer_id: string;
  subscription_id: string;
  reason: string | null;
  canceled_at: string;
  return_on: string | null;
  due_on: string;
  probability: number;
  drivers: string;
  expected_value: number;
  annual_value: number;
  currency: string;
  model_version: string;
  /** JSON of `StoredComeback`, or null before it was decided. */
  comeback: string | null;
  comeback_stamp: string;
  /** The tenant's catalogue stamp now: a row decided on an older one is decided again here. */
  catalogue_stamp: string;
};

/** The page's rows, as SQL reads them (limit + 1, to know whether there is a next page). */
export function candidatesQuery(tenantId: string, limit: number, after: [number, string] | null) {
  return sql`SELECT w.id, w.customer_id, w.subscription_id, w.reason, w.canceled_at, w.return_on, w.due_on, w.probability, w.drivers,
      w.expected_value, w.annual_value, w.currency, w.model_version, w.comeback, w.comeback_stamp, ${catalogueStamp(sql`${tenantId}`)} AS catalogue_stamp
    FROM winbacks w INDEXED BY winbacks_candidates
    JOIN customers c ON c.tenant_id = w.tenant_id AND c.id = w.customer_id
    JOIN subscriptions s ON s.tenant_id = w.tenant_id AND s.id = w.subscription_id
    WHERE w.tenant_id = ${tenantId} AND w.contactable = 1 AND w.holdout = 0 AND w.reactivated_at IS NULL
      AND coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL
      AND s.status = 'canceled'
      ${after ? sql`AND (w.expected_value < ${after[0]} OR (w.expected_value = ${after[0]} AND w.id > ${after[1]}))` : sql``}
    ORDER BY w.expected_value DESC, w.id
    LIMIT ${limit + 1}`;
}

// A stored comeback made concrete for today's restart date, by everything that makes it: the same
// few offers and plans recur across the list and all its rows share the day, so one personalise
// serves many rows. Bounded (cleared when full).
const rerendered = new Map<string, ComebackOffer | null>();

export async function candidatesPage(store: TenantStore, q: { limit: number; after: [number, string] | null; lang: Lang; settings: TenantSettings; now: Date }) {
  const rows = (await store.rows(candidatesQuery(store.tenantId, q.limit, q.after))) as unknown as CandidateRow[];
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last ? encodeCursor([last.expected_value, last.id]) : null;
  if (page.length === 0) return { data: [], nextCursor };

  // Each row's offer as decided at scoring time (winback/decide); only its restart date follows today.
  const today = localDate(q.now, q.settings.timeZone);
  const settingsKey = JSON.stringify(q.settings);
  let catalogue: readonly CatalogueOffer[] | null = null;
  const offers = new Map<string, ComebackOffer | null>();
  const undecided: CandidateRow[] = [];
  for (const r of page) {
    if (r.comeback === null || r.comeback_stamp !== r.catalogue_stamp) {
      undecided.push(r);
      continue;
    }
    const stored = JSON.parse(r.comeback) as StoredComeback;
    const restartOn = restartOnFor(r.return_on, q.now, q.settings);
    if (stored.offer === null || stored.offer.restartOn === restartOn) {
      offers.set(r.id, stored.offer);
      continue;
    }
    if (stored.offer.kind === "reminder") {
      offers.set(r.id, { ...stored.offer, restartOn });
      continue;
    }
    const key = [store.tenantId, r.catalogue_stamp, settingsKey, today, restartOn, stored.offer.offerId, JSON.stringify(stored.sub)].join("\n");
    let offer = rerendered.get(key);
    if (offer === undefined) {
      catalogue ??= (await loadCatalogue(store, q.now.toISOString())).catalogue;
      offer = rerenderComeback(stored.offer, catalogue.find((o) => o.id === stored.offer!.offerId), stored.sub, { restartOn, today, settings: q.settings });
      if (rerendered.size >= 5_000) rerendered.clear();
      rerendered.set(key, offer);
    }
    if (offer) offers.set(r.id, offer);
    else undecided.push(r);
  }
  // Rows not decided yet, or on an older catalogue (the maintenance job catches up): the engine, now.
  if (undecided.length > 0) {
    const fresh = await computeComebacks(
      store,
      undecided.map((r) => ({ id: r.id, subscriptionId: r.subscription_id, customerId: r.customer_id, reason: r.reason, returnOn: r.return_on })),
      q.now,
      q.settings,
    );
    for (const r of undecided) offers.set(r.id, fresh.get(r.id)?.offer ?? null);
  }

  const data = page.map((r) => {
    const offer = offers.get(r.id) ?? null;
    return {
      customerId: r.customer_id,
      subscriptionId: r.subscription_id,
      reason: r.reason,
      canceledAt: r.canceled_at,
      returnOn: r.return_on,
      dueOn: r.due_on,
      probability: r.probability,
      drivers: localizeWinbackDrivers(JSON.parse(r.drivers) as WinbackDriver[], q.lang),
      annualValue: { amount: r.annual_value, currency: r.currency },
      expectedValue: { amount: r.expected_value, currency: r.currency },
      modelVersion: r.model_version,
      offer: offer ? presentComeback(offer, q.lang) : null,
    };
  });
  return { data, nextCursor };
}
