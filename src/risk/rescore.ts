/**
 * Batch re-scoring: every subscription's risk row recomputed with the tenant's active model for
 * today (windows slide, deliveries fall overdue, a new model was trained). Runs in chunks — each
 * chunk one read, and a few multi-row statements in a write transaction (a full re-score stores
 * ten chunks per transaction) — so it can run in the background on Node and within a cron
 * invocation's budget on Workers. Bands that moved queue `risk.band_changed` in the same
 * transaction.
 */
import { notSyncedStatusChange } from "../subscriptions/sync";
import { and, asc, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { customers, events, planChanges, riskFeatures, riskModels, subscriptions, tenants, webhooks } from "../db/schema";
import { localDate } from "../platform/dates";
import { TOGETHER, type TenantShares } from "../platform/step-faults";
import { preparedUpdate, TenantStore } from "../platform/tenancy";
import { resolveSettings } from "../settings/schemas";
import { enqueueWebhookEvent } from "../webhooks/outbox";
import { applyEvent, applySignal, emptyFeatures, eventContext, withPersonHistory, type RiskEvent, type RiskFeatures } from "./features";
import { riskFlags, type PastSubscription } from "./flags";
import { bandChange, JOINED, personHistory, modelFrom, SCORED_COLUMNS, scoreSubscription, toRow, upsertRiskRows, type RiskRow, type ScoredRow } from "./maintain";
import { DEFAULT_MODEL, type RiskBand, type RiskModel } from "./model";
import { people } from "./samples";

/** Rows per chunk: one select and one upsert each (12 bound values per row stays far below SQLite's limit). */
export const RESCORE_CHUNK = 500;
/**
 * Chunks a full re-score stores per transaction: each commit syncs the log to disk (2,000 of
 * them were about a sixth of a million-row re-score); ten hold the write lock for a few tenths
 * of a second.
 */
export const RESCORE_CHUNKS_PER_COMMIT = 10;
/** A row older than this is re-scored by the periodic job even without a new model. */
export const RESCORE_MAX_AGE_MS = 24 * 3_600_000;

type Row = ScoredRow;

async function tenantContext(store: TenantStore) {
  const [t] = await store.q
    .select({ settings: tenants.settings, model: riskModels.model })
    .from(tenants)
    .leftJoin(riskModels, and(eq(riskModels.tenantId, tenants.id), eq(riskModels.active, true)))
    .where(eq(tenants.id, store.tenantId))
    .limit(1);
  const hooks = await store.q.select({ events: webhooks.events }).from(webhooks).where(store.owns(webhooks));
  return {
    timeZone: resolveSettings(t?.settings).timeZone,
    model: t?.model ? modelFrom(t.model) : DEFAULT_MODEL,
    wantsBandChanges: hooks.some((h) => h.events.includes("risk.band_changed")),
  };
}

/** One chunk scored, split by how its rows are stored. */
type ScoredChunk = {
  /** Existing rows whose band and revenue at risk stay: only the score columns change. */
  kept: Omit<RiskRow, "tenantId">[];
  /** Existing rows whose band or revenue at risk moved (the at-risk index changes too). */
  moved: Omit<RiskRow, "tenantId">[];
  /** Rows written whole: new ones, and all of them when person history was recomputed. */
  whole: Omit<RiskRow, "tenantId">[];
  bandChanges: { row: Omit<RiskRow, "tenantId">; from: RiskBand }[];
};

function scoreRows(rows: Row[], ctx: { model: RiskModel; today: string; at: Date }, person?: (row: Row) => PastSubscription[]): ScoredChunk {
  const computedAt = ctx.at.toISOString();
  const out: ScoredChunk = { kept: [], moved: [], whole: [], bandChanges: [] };
  for (const r of rows) {
    let features = (r.features as RiskFeatures | null) ?? emptyFeatures();
    let flags = r.flags ?? [];
    if (person) {
      const past = person(r);
      features = withPersonHistory(features, past);
      flags = riskFlags({ pastSubscriptionsOfSamePerson: past });
    }
    const { row } = scoreSubscription(features, r.sub, ctx.model, ctx.today, computedAt, flags);
    // Rows that exist only get their score columns: the stored features' derived fields are
    // recomputed on every read-modify-write anyway, so re-scoring need not rewrite them.
    if (r.band === null || person) out.whole.push(row);
    else if (r.band === row.band && r.revenueAtRisk === row.revenueAtRisk) out.kept.push(row);
    else out.moved.push(row);
    if (r.band && r.band !== row.band) out.bandChanges.push({ row, from: r.band });
  }
  return out;
}

/** Stores scored chunks in one transaction. */
async function storeScored(store: TenantStore, chunks: ScoredChunk[], ctx: { at: Date; wantsBandChanges: boolean }): Promise<void> {
  // One statement each for all kept and all moved rows: they travel as one JSON parameter.
  const kept = chunks.flatMap((c) => c.kept);
  const moved = chunks.flatMap((c) => c.moved);
  if (kept.length + moved.length === 0 && chunks.every((c) => c.whole.length === 0)) return;
  await store.write(async (s) => {
    if (kept.length > 0) await updateScores(s, kept, false);
    if (moved.length > 0) await updateScores(s, moved, true);
    for (const c of chunks) {
      if (c.whole.length > 0) await upsertRiskRows(s, c.whole);
      if (ctx.wantsBandChanges) for (const m of c.bandChanges) await enqueueWebhookEvent(s, "risk.band_changed", bandChange(m.row, m.from), ctx.at);
    }
  });
}

/** Scores and stores one chunk in one transaction; returns how many bands moved. */
async function scoreChunk(
  store: TenantStore,
  rows: Row[],
  ctx: { model: RiskModel; today: string; at: Date; wantsBandChanges: boolean },
  person?: (row: Row) => PastSubscription[],
): Promise<number> {
  const scored = scoreRows(rows, ctx, person);
  await storeScored(store, [scored], ctx);
  return scored.bandChanges.length;
}

/** The score columns of one existing row, by subscription (kept statements: no query building per row). */
const SCORES = preparedUpdate(riskFeatures, ["probability", "score", "drivers", "modelVersion", "computedAt"], ["subscriptionId"]);
/** The same with band and revenue at risk, which place the row in the at-risk index. */
const SCORES_AND_RANK = preparedUpdate(riskFeatures, ["probability", "score", "band", "revenueAtRisk", "drivers", "modelVersion", "computedAt"], ["subscriptionId"]);

/**
 * The score columns of many existing rows, a kept statement each. Band and revenue at risk are
 * set only when `ranking` — SQLite rewrites the at-risk index entry of every row whose SET names
 * them, changed or not, and after the first re-score of a day most rows keep both. One
 * `UPDATE … FROM json_each(…)` for all of them was the earlier form: on a file without ANALYZE
 * statistics (every new shop) SQLite walked the tenant's rows and read the whole JSON for each
 * (the demo's 1,131 rows: 1.9–3.4 s against 0.3–0.4 s with statistics), quadratic in the shop's size.
 */
async function updateScores(s: TenantStore, rows: Omit<RiskRow, "tenantId">[], ranking: boolean) {
  const statement = ranking ? SCORES_AND_RANK : SCORES;
  for (const r of rows) {
    await s.run(statement, {
      probability: r.probability,
      score: r.score,
      band: r.band,
      revenueAtRisk: r.revenueAtRisk,
      drivers: r.drivers,
      modelVersion: r.modelVersion,
      computedAt: r.computedAt,
      "where.subscriptionId": r.subscriptionId,
    });
  }
}

export type RescoreProgress = (done: number, total: number | null) => void;

/**
 * Re-scores every subscription of one tenant (creating missing rows), walking subscriptions by
 * id. `people: true` also recomputes person-level history (earlier cancellations, flags) from all
 * the tenant's customers — for seeding and repair; it holds them in memory.
 */
export async function rescoreTenant(
  db: Database,
  tenantId: string,
  now: Date,
  opts: { chunk?: number; people?: boolean; onProgress?: RescoreProgress; total?: number } = {},
): Promise<{ rescored: number; bandChanges: number }> {
  const store = new TenantStore(db, tenantId);
  const tc = await tenantContext(store);
  const ctx = { ...tc, today: localDate(now, tc.timeZone), at: now };
  let person: ((row: Row) => PastSubscription[]) | undefined;
  if (opts.people) person = await personIndex(store);
  const chunk = opts.chunk ?? RESCORE_CHUNK;
  let after = "";
  let rescored = 0;
  let bandChanges = 0;
  let pending: ScoredChunk[] = [];
  let pendingRows = 0;
  const flush = async () => {
    await storeScored(store, pending, ctx);
    for (const c of pending) bandChanges += c.bandChanges.length;
    rescored += pendingRows;
    pending = [];
    pendingRows = 0;
    opts.onProgress?.(rescored, opts.total ?? null);
  };
  for (;;) {
    // Read outside the write transaction (through the statement cache), so the write lock is
    // held only while storing.
    const rows: Row[] = (
      await store.rows(sql`SELECT ${SCORED_COLUMNS} FROM ${JOINED} WHERE ${store.owns(subscriptions, gt(subscriptions.id, after))} ORDER BY subscriptions.id LIMIT ${chunk}`)
    ).map(toRow);
    if (rows.length === 0) break;
    pending.push(scoreRows(rows, ctx, person));
    pendingRows += rows.length;
    after = rows[rows.length - 1]!.sub.id;
    if (pending.length >= RESCORE_CHUNKS_PER_COMMIT) await flush();
    if (rows.length < chunk) break;
  }
  if (pending.length > 0) await flush();
  return { rescored, bandChanges };
}

/** Past subscriptions of the same person, for every subscription of the tenant. */
async function personIndex(store: TenantStore): Promise<(row: Row) => PastSubscription[]> {
  const cs = await store.q.select({ id: customers.id, phone: customers.phone, emailNormalized: customers.emailNormalized }).from(customers).where(store.owns(customers));
  const personOf = people(cs);
  const subs = await store.q
    .select({ id: subscriptions.id, customerId: subscriptions.customerId, status: subscriptions.status, deliveriesCompleted: subscriptions.deliveriesCompleted })
    .from(subscriptions)
    .where(store.owns(subscriptions));
  const byPerson = new Map<number, typeof subs>();
  for (const s of subs) {
    const p = personOf.get(s.customerId) ?? -1;
    const list = byPerson.get(p);
    if (list) list.push(s);
    else byPerson.set(p, [s]);
  }
  return (row) => (byPerson.get(personOf.get(row.sub.customerId) ?? -1) ?? []).filter((s) => s.id !== row.sub.id);
}

/**
 * The periodic job: re-scores, stalest first, the rows computed before their tenant's active
 * model was trained, then rows older than a day — at most `maxRows` in all per call. A couple of
 * indexed queries when there is nothing to do, whatever the number of tenants. `tenants`: each
 * tenant's rows scored and stored apart (src/maintenance); tenants resting after failures are left
 * out of the reads, so their rows — stalest of all, since they are never re-scored — do not take
 * the whole batch every pass.
 */
export async function rescoreStale(db: Database, now: Date, maxRows = RESCORE_CHUNK, tenants: TenantShares = TOGETHER): Promise<number> {
  const dayAgo = new Date(now.getTime() - RESCORE_MAX_AGE_MS).toISOString();
  const resting = tenants.resting();
  const notResting = resting.length === 0 ? sql`` : sql` AND r.tenant_id NOT IN (${sql.join(resting.map((t) => sql`${t}`), sql`, `)})`;
  const read = async (where: SQL, limit: number) =>
    (await db.orm.all(sql`SELECT ${SCORED_COLUMNS} FROM ${JOINED} WHERE ${where}${notResting} ORDER BY r.computed_at LIMIT ${limit}`)) as Record<string, unknown>[];
  // New models (rare): their tenant's rows computed before the model.
  const fresh = await db.orm
    .select({ tenantId: riskModels.tenantId, trainedAt: riskModels.trainedAt })
    .from(riskModels)
    .where(and(eq(riskModels.active, true), gt(riskModels.trainedAt, dayAgo)));
  const batches: Record<string, unknown>[][] = [];
  let budget = maxRows;
  for (const m of fresh) {
    if (budget <= 0) break;
    const rows = await read(sql`r.tenant_id = ${m.tenantId} AND r.computed_at < ${m.trainedAt}`, budget);
    batches.push(rows);
    budget -= rows.length;
  }
  // Then anything older than a day, across tenants (index on computed_at).
  if (budget > 0) batches.push(await read(sql`r.computed_at < ${dayAgo}`, budget));
  // Rows stay as read until their tenant's share: a row that cannot be read back (bad JSON) fails that tenant only.
  const byTenant = new Map<string, Record<string, unknown>[]>();
  for (const rows of batches)
    for (const r of rows) {
      const tenantId = r.risk_tenant_id as string | null;
      if (!tenantId) continue;
      const list = byTenant.get(tenantId);
      if (list) list.push(r);
      else byTenant.set(tenantId, [r]);
    }
  let rescored = 0;
  for (const [tenantId, raw] of byTenant) {
    rescored += await tenants.run(tenantId, 0, async () => {
      const store = new TenantStore(db, tenantId);
      const tc = await tenantContext(store);
      const seen = new Set<string>();
      const unique = raw.map(toRow).filter((r) => !seen.has(r.sub.id) && seen.add(r.sub.id));
      await scoreChunk(store, unique, { ...tc, today: localDate(now, tc.timeZone), at: now });
      return unique.length;
    });
  }
  return rescored;
}

/**
 * Rebuilds every risk row of a tenant from its history: events and skip/pause changes replayed
 * through the reducers, person history recomputed, scored for today. For seeding and repair.
 */
export async function rebuildTenantRisk(
  db: Database,
  tenantId: string,
  now: Date,
  opts: { chunk?: number; onProgress?: RescoreProgress; total?: number } = {},
): Promise<{ rebuilt: number }> {
  const store = new TenantStore(db, tenantId);
  return rebuildRisk(store, now, await personIndex(store), opts);
}

/**
 * Rebuilds one customer's risk rows from their history, inside the caller's transaction: when they
 * withdraw their objection to profiling (customers/profiling), their rows were deleted and are
 * computed again as if never gone. Person history from their own records only (risk/maintain personHistory).
 */
export async function rebuildCustomerRisk(store: TenantStore, customerId: string, now: Date): Promise<{ rebuilt: number }> {
  const subs = await store.q.select({ id: subscriptions.id }).from(subscriptions).where(store.owns(subscriptions, eq(subscriptions.customerId, customerId)));
  const past = new Map<string, PastSubscription[]>();
  for (const sub of subs) past.set(sub.id, await personHistory(store, sub.id, customerId));
  return rebuildRisk(store, now, (row) => past.get(row.sub.id) ?? [], { customerId });
}

async function rebuildRisk(
  store: TenantStore,
  now: Date,
  person: (row: Row) => PastSubscription[],
  opts: { chunk?: number; onProgress?: RescoreProgress; total?: number; customerId?: string },
): Promise<{ rebuilt: number }> {
  const tc = await tenantContext(store);
  const ctx = { ...tc, today: localDate(now, tc.timeZone), at: now };
  const chunk = opts.chunk ?? RESCORE_CHUNK;
  let after = "";
  let rebuilt = 0;
  for (;;) {
    const subs = await store.q
      .select()
      .from(subscriptions)
      .where(store.owns(subscriptions, gt(subscriptions.id, after), opts.customerId === undefined ? undefined : eq(subscriptions.customerId, opts.customerId)))
      .orderBy(asc(subscriptions.id))
      .limit(chunk);
    if (subs.length === 0) break;
    const ids = subs.map((s) => s.id);
    const customerIds = [...new Set(subs.map((s) => s.customerId))];
    const cols = { subscriptionId: events.subscriptionId, customerId: events.customerId, type: events.type, occurredAt: events.occurredAt, data: events.data };
    const history: { subscriptionId: string | null; customerId: string; at: string; event?: RiskEvent; signal?: "skip" | "pause" }[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      for (const e of await store.q.select(cols).from(events).where(store.owns(events, inArray(events.subscriptionId, part))))
        history.push({ subscriptionId: e.subscriptionId, customerId: e.customerId, at: e.occurredAt, event: e as unknown as RiskEvent });
      for (const c of await store.q
        .select({ subscriptionId: planChanges.subscriptionId, type: planChanges.type, createdAt: planChanges.createdAt })
        .from(planChanges)
        .where(store.owns(planChanges, inArray(planChanges.subscriptionId, part), inArray(planChanges.type, ["skip", "pause"]), notSyncedStatusChange())))
        history.push({ subscriptionId: c.subscriptionId, customerId: "", at: c.createdAt, signal: c.type as "skip" | "pause" });
    }
    for (let i = 0; i < customerIds.length; i += 100) {
      for (const e of await store.q.select(cols).from(events).where(store.owns(events, isNull(events.subscriptionId), inArray(events.customerId, customerIds.slice(i, i + 100)))))
        history.push({ subscriptionId: null, customerId: e.customerId, at: e.occurredAt, event: e as unknown as RiskEvent });
    }
    const of = new Map<string, typeof history>();
    for (const h of history) {
      const key = h.subscriptionId ?? `customer:${h.customerId}`;
      const list = of.get(key);
      if (list) list.push(h);
      else of.set(key, [h]);
    }
    const rows: Row[] = subs.map((sub) => {
      let f = emptyFeatures();
      const mine = [...(of.get(sub.id) ?? []), ...(of.get(`customer:${sub.customerId}`) ?? [])].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const ectx = eventContext(sub, tc.timeZone, mine.filter((h) => h.event?.type === "delivery.completed").length);
      for (const h of mine) f = h.event ? applyEvent(f, h.event, ectx) : applySignal(f, h.signal!, localDate(new Date(h.at), tc.timeZone));
      return { sub, features: f, band: null, flags: null };
    });
    await scoreChunk(store, rows, ctx, person);
    rebuilt += subs.length;
    after = subs[subs.length - 1]!.id;
    opts.onProgress?.(rebuilt, opts.total ?? null);
    if (subs.length < chunk) break;
  }
  return { rebuilt };
}
