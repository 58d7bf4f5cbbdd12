import { eq, isNull, sql } from "drizzle-orm";
import { offerOutcomes, offers } from "../db/schema";
import type { TenantStore } from "../platform/tenancy";
import { OutcomeTable } from "./bandit";
import { DEFAULT_CATALOGUE, type CatalogueOffer } from "./catalogue";

export type OfferRow = typeof offers.$inferSelect;

/** The default catalogue as rows for one tenant (new tenants, the demo). */
export function defaultOfferRows(at: string) {
  return DEFAULT_CATALOGUE.map((o) => ({ id: o.id, type: o.type, active: o.active, definition: o as unknown as Record<string, unknown>, createdAt: at, updatedAt: at, deletedAt: null }));
}

/**
 * The tenant's offer rows, tombstones included. A tenant that has never had an offer gets the
 * default catalogue on first use; deleting offers leaves tombstones, so the defaults never return.
 */
async function allOfferRows(store: TenantStore, at: string): Promise<OfferRow[]> {
  const rows = await store.q.select().from(offers).where(store.owns(offers));
  if (rows.length > 0) return rows;
  await store.write((s) => s.insert(offers, defaultOfferRows(at)).onConflictDoNothing());
  return store.q.select().from(offers).where(store.owns(offers));
}

export const definitionOf = (row: OfferRow) => row.definition as unknown as CatalogueOffer;

/** The live catalogue (deleted offers left out; inactive ones kept — eligibility skips them). */
export async function loadCatalogue(store: TenantStore, at: string): Promise<{ rows: OfferRow[]; catalogue: CatalogueOffer[] }> {
  const rows = (await allOfferRows(store, at)).filter((r) => r.deletedAt === null).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  return { rows, catalogue: rows.map(definitionOf) };
}

export async function findOffer(store: TenantStore, id: string, at: string): Promise<OfferRow | undefined> {
  return (await loadCatalogue(store, at)).rows.find((r) => r.id === id);
}

export async function saveOffer(store: TenantStore, offer: CatalogueOffer, at: string): Promise<{ row: OfferRow; created: boolean }> {
  return store.write(async (s) => {
    await allOfferRows(s, at); // seed first, so a PUT on a new tenant does not skip the defaults
    const existing = await s.find(offers, eq(offers.id, offer.id));
    const definition = offer as unknown as Record<string, unknown>;
    if (!existing) {
      const row = { id: offer.id, type: offer.type, active: offer.active, definition, createdAt: at, updatedAt: at, deletedAt: null };
      await s.insert(offers, row);
      return { row: { ...row, tenantId: s.tenantId }, created: true };
    }
    const set = { type: offer.type, active: offer.active, definition, updatedAt: at, deletedAt: null, ...(existing.deletedAt ? { createdAt: at } : {}) };
    await s.update(offers, set, eq(offers.id, offer.id));
    return { row: { ...existing, ...set }, created: existing.deletedAt !== null };
  });
}

/** Soft delete: false when there is no live offer with this id. */
export async function deleteOffer(store: TenantStore, id: string, at: string): Promise<boolean> {
  return store.write(async (s) => {
    await allOfferRows(s, at);
    const existing = await s.find(offers, eq(offers.id, id), isNull(offers.deletedAt));
    if (!existing) return false;
    await s.update(offers, { deletedAt: at, active: false, updatedAt: at }, eq(offers.id, id));
    return true;
  });
}

export async function loadOutcomes(store: TenantStore): Promise<OutcomeTable> {
  const rows = await store.q.select().from(offerOutcomes).where(store.owns(offerOutcomes));
  return new OutcomeTable(rows);
}

/** One accept or decline of an offer shown for a reason (the bandit's evidence). */
export async function recordOutcome(store: TenantStore, reason: string, offerId: string, accepted: boolean): Promise<void> {
  await store
    .insert(offerOutcomes, { reason, offerId, accepted: accepted ? 1 : 0, declined: accepted ? 0 : 1 })
    .onConflictDoUpdate({
      target: [offerOutcomes.tenantId, offerOutcomes.reason, offerOutcomes.offerId],
      set: accepted ? { accepted: sql`${offerOutcomes.accepted} + 1` } : { declined: sql`${offerOutcomes.declined} + 1` },
    });
}

export function outcomeTotals(table: OutcomeTable, offerId: string) {
  let accepted = 0;
  let declined = 0;
  for (const r of table.toRecords()) {
    if (r.offerId !== offerId) continue;
    accepted += r.accepted;
    declined += r.declined;
  }
  return { accepted, declined };
}

