/**
 * `GET /v1/winback/candidates`: canceled subscriptions whose customer may be contacted, best
 * expected recovered value first, one keyset page at a time, each with its comeback offer.
 *
 * The page is one walk down the partial index `winbacks_candidates` (contactable, not held out,
 * not reactivated; expected value desc, id), checking each row's customer and subscription by
 * primary key: the customer's current answer is the truth (the index flag is a copy), and an
 * erased customer (`erased_at`; no e-mail, no phone either) is never listed.
 */
import { inArray, sql } from "drizzle-orm";
import type { Lang } from "../cancel-flows/reasons";
import { cancelFlows, subscriptions } from "../db/schema";
import { loadCatalogue, loadOutcomes } from "../offers/repository";
import { acceptedSavesFrom, type OfferInputs } from "../offers/service";
import { addDays, localDate, maxDate } from "../platform/dates";
import { encodeCursor } from "../platform/pagination";
import type { TenantStore } from "../platform/tenancy";
import type { TenantSettings } from "../settings/schemas";
import { toSubscription } from "../subscriptions/repository";
import { comebackOffer, presentComeback } from "./comeback";
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
};

/** The page's rows, as SQL reads them (limit + 1, to know whether there is a next page). */
export function candidatesQuery(tenantId: string, limit: number, after: [number, string] | null) {
  return sql`SELECT w.id, w.customer_id, w.subscription_id, w.reason, w.canceled_at, w.return_on, w.due_on, w.probability, w.drivers,
      w.expected_value, w.annual_value, w.currency, w.model_version
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

export async function candidatesPage(store: TenantStore, q: { limit: number; after: [number, string] | null; lang: Lang; settings: TenantSettings; now: Date }) {
  const rows = (await store.rows(candidatesQuery(store.tenantId, q.limit, q.after))) as unknown as CandidateRow[];
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last ? encodeCursor([last.expected_value, last.id]) : null;
  if (page.length === 0) return { data: [], nextCursor };

  // The offer engine's inputs for the whole page: one read each.
  const at = q.now.toISOString();
  const ids = page.map((r) => r.subscription_id);
  const customerIds = [...new Set(page.map((r) => r.customer_id))];
  const [{ catalogue }, stats, subs, saves] = await Promise.all([
    loadCatalogue(store, at),
    loadOutcomes(store),
    store.q.select().from(subscriptions).where(store.owns(subscriptions, inArray(subscriptions.id, ids))),
    store.q
      .select({ customerId: cancelFlows.customerId, at: cancelFlows.closedAt, offerId: cancelFlows.offerId })
      .from(cancelFlows)
      .where(store.owns(cancelFlows, inArray(cancelFlows.customerId, customerIds), sql`${cancelFlows.status} = 'saved'`)),
  ]);
  const byId = new Map(subs.map((s) => [s.id, s]));
  const earliest = addDays(localDate(q.now, q.settings.timeZone), q.settings.changeCutoffDays);
  const data = page.map((r) => {
    const sub = byId.get(r.subscription_id)!;
    const inputs: OfferInputs = {
      sub: toSubscription(sub),
      consecutiveSkips: 0,
      catalogue,
      stats,
      riskBand: null,
      stockOnHand: null,
      acceptedSaves: acceptedSavesFrom(saves.filter((x) => x.customerId === r.customer_id)),
      settings: q.settings,
    };
    const restartOn = r.return_on ? maxDate(r.return_on, earliest) : earliest;
    const offer = comebackOffer(inputs, { reason: r.reason, returnOn: r.return_on, restartOn, now: at });
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
