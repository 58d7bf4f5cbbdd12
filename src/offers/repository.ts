import { eq, isNull, sql, type Placeholder, type SQL } from "drizzle-orm";
import { offerOutcomes, offers } from "../db/schema";
import type { TenantStore } from "../platform/tenancy";
import { OutcomeTable, type OutcomeRecord } from "./bandit";
import { newShopCatalogue, type CatalogueOffer } from "./catalogue";

export type OfferRow = typeof offers.$inferSelect;

/**
 * The default catalogue as rows for one tenant: a new shop's (`newShopCatalogue`: the apology gift
 * off until the shop names its gift), or the demo shop's, which has every default offer on.
 */
export function defaultOfferRows(at: string, catalogue: readonly CatalogueOffer[] = newShopCatalogue()) {
  return catalogue.map((o) => ({ id: o.id, type: o.type, active: o.active, definition: o as unknown as Record<string, unknown>, createdAt: at, updatedAt: at, deletedAt: null }));
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

export const definitionOf = (row: Pick<OfferRow, "definition">) => row.definition as unknown as CatalogueOffer;

/** What ordering and filtering a catalogue needs of an offer row. */
type CatalogueRow = Pick<OfferRow, "id" | "definition" | "createdAt" | "deletedAt">;

/** The live catalogue from offer rows: deleted offers left out (inactive ones kept — eligibility skips them), oldest first. */
export function liveCatalogue<R extends CatalogueRow>(all: readonly R[]): { rows: R[]; catalogue: CatalogueOffer[] } {
  const rows = all.filter((r) => r.deletedAt === null).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  return { rows, catalogue: rows.map(definitionOf) };
}

export async function loadCatalogue(store: TenantStore, at: string): Promise<{ rows: OfferRow[]; catalogue: CatalogueOffer[] }> {
  return liveCatalogue(await allOfferRows(store, at));
}

/** A tenant whose offer engine this process holds, at the version it was read (see `offerEngineJson`). */
export type KnownOfferEngine = { tenant: string | Placeholder; version: number | Placeholder };

/**
 * The tenant's offer rows and learned outcomes as one JSON value (`{ version, offers, outcomes }`),
 * for a read that answers several questions in one statement (the data dip). `offers` is empty for
 * a tenant whose catalogue was never used: `loadCatalogue` seeds it. When the caller already holds
 * this tenant's engine at the current `tenants.offers_version` (`known`), `offers` and `outcomes`
 * are null: the version alone says the held copy is current.
 */
export function offerEngineJson(tenant: SQL, known?: KnownOfferEngine): SQL {
  const held = known ? sql`(ot.id = ${known.tenant} AND ot.offers_version = ${known.version})` : sql`0`;
  // A scalar subquery (its value is text: wrap it in json(…) to nest it). json(…) around each inner
  // subquery for the same reason.
  return sql`(SELECT json_object('version', ot.offers_version,
    'offers', CASE WHEN ${held} THEN NULL ELSE json((SELECT json_group_array(json_object('id', o.id, 'definition', json(o.definition), 'createdAt', o.created_at, 'deletedAt', o.deleted_at))
      FROM offers o WHERE o.tenant_id = ot.id)) END,
    'outcomes', CASE WHEN ${held} THEN NULL ELSE json((SELECT json_group_array(json_object('reason', x.reason, 'offerId', x.offer_id, 'accepted', x.accepted, 'declined', x.declined))
      FROM offer_outcomes x WHERE x.tenant_id = ot.id)) END)
    FROM tenants ot WHERE ot.id = ${tenant})`;
}

export type OfferEngineJson = { version: number; offers: CatalogueRow[] | null; outcomes: OutcomeRecord[] | null };

/** A tenant's live catalogue and outcome table, parsed once per `offers_version` and shared by requests. */
export type OfferEngine = { version: number; catalogue: readonly CatalogueOffer[]; stats: Pick<OutcomeTable, "get">; seeded: boolean };

const MAX_HELD_ENGINES = 500;
const heldEngines = new Map<string, OfferEngine>();

/** The engine this process holds for `tenantId`, if any, to pass as `known` to `offerEngineJson`. */
export function heldOfferEngine(tenantId: string | undefined): { tenant: string; version: number } | null {
  const held = tenantId === undefined ? undefined : heldEngines.get(tenantId);
  return held ? { tenant: tenantId!, version: held.version } : null;
}

/**
 * The tenant's engine at the version `offerEngineJson` reported: parsed from the JSON when it came
 * with the rows (and then held for the next request), else the held copy — null if that copy has
 * meanwhile moved to another version (the caller then reads the engine itself).
 */
export function offerEngineFrom(tenantId: string, json: OfferEngineJson): OfferEngine | null {
  if (json.offers === null || json.outcomes === null) {
    const held = heldEngines.get(tenantId);
    return held?.version === json.version ? held : null;
  }
  const engine: OfferEngine = {
    version: json.version,
    catalogue: deepFreeze(liveCatalogue(json.offers).catalogue),
    stats: new OutcomeTable(json.outcomes),
    seeded: json.offers.length > 0,
  };
  if (!heldEngines.has(tenantId) && heldEngines.size >= MAX_HELD_ENGINES) heldEngines.clear();
  heldEngines.set(tenantId, engine);
  return engine;
}

/** Shared across requests, so nothing may change it in place (a slip then throws, not leaks). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
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

