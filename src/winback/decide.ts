/**
 * The comeback offer is decided when a win-back record is scored, not when the list is read: at
 * the cancellation (`recordCancellation`) and by the maintenance job for records decided on an
 * older catalogue (or never, e.g. rows older than the `comeback` column). The record keeps the
 * offer in both languages for that day's restart date and the plan it was made for
 * (`StoredComeback`), stamped with the catalogue it was decided on (`catalogueStamp`).
 *
 * Staleness: every catalogue write (saveOffer, deleteOffer, the first-use seed) sets the offer's
 * `updated_at`, so the stamp — the latest `updated_at` of the tenant's offer rows, tombstones
 * included — only grows. A record whose stamp is older is re-decided by the maintenance job (one
 * index seek on `winbacks_comeback` finds them, nothing is written at catalogue-write time) and,
 * until then, computed on read by the list (candidates.ts), so a changed catalogue never shows a
 * stale offer. The shop's rules decide too (which intervals, quantities, pauses are allowed): a
 * settings change moves `tenants.settings_changed_at`, which the stamp takes when it is the later
 * of the two, so it stales every decision the same way. Learned outcomes (the bandit's counts) do not stale a decision: they move with every
 * cancel flow, and the decision is the engine's best guess at scoring time, like the probability.
 */
import { and, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { tenantReasons } from "../cancel-flows/reasons-repository";
import { cancelFlows, offers, subscriptions, tenants, winbacks } from "../db/schema";
import type { CatalogueOffer } from "../offers/catalogue";
import { loadCatalogue, loadOutcomes } from "../offers/repository";
import type { SubscriptionSnapshot } from "../offers/personalise";
import { acceptedSavesFrom } from "../offers/service";
import { addDays, localDate, maxDate } from "../platform/dates";
import { TOGETHER, type TenantShares } from "../platform/step-faults";
import { TenantStore } from "../platform/tenancy";
import { resolveSettings, type TenantSettings } from "../settings/schemas";
import { firstOnSchedule } from "../platform/cadence";
import { firstOpenDate } from "../plan-changes/rules";
import { toSubscription, type SubscriptionRow } from "../subscriptions/repository";
import { sha256Hex } from "../platform/crypto";
import { comebackOffer, presentComeback, rerenderComeback, type ComebackOffer } from "./comeback";

/**
 * What `winbacks.comeback` holds: the decided offer (null: nothing suits a restart), the plan it was
 * made for, and the offer `winback.due` carried (`sent`, written by winback/due; kept when the
 * record is decided again, so a customer can still take what they were sent: winback/redeem).
 */
export type StoredComeback = { offer: ComebackOffer | null; sub: StoredPlan; sent?: SentComeback | null };

/**
 * The plan a comeback was made for: what the offers read, and for a monthly plan the date its
 * schedule is in step with (`scheduledOn`: the delivery the cancellation stopped, else its final
 * one), so the restart date keeps its day of the month. Absent on records decided before.
 */
export type StoredPlan = SubscriptionSnapshot & { scheduledOn?: string | null };

/** The comeback offer a `winback.due` carried, and the tenant-local day it was sent. */
export type SentComeback = { kind: ComebackOffer["kind"]; offerId: string | null; type: string; sentOn: string };

/**
 * The edition of the comeback copy (winback/comeback): part of every stamp, so records decided
 * with older copy are stale — decided again by the maintenance job, the long way on the list until
 * then — as after a catalogue change. Change it with the copy; each edition must sort after the
 * last (`c:` + `copy <date>|`; the first stamps were `c:` + a timestamp, which digits sort before).
 * The date only orders editions: 2026-12-02 is 1 December's second edition (usage tips a line
 * each; the reminder for a named date reworded); 2026-12-03 decides again every record without a
 * reason, whose offer was ranked over every reason (winback/comeback `offerFitsReason`); 2026-12-04
 * adds the terms of the 定期 it restarts to every message (winback/comeback `restartTerms`).
 */
const STAMP_PREFIX = "c:copy 2026-12-04|";

/**
 * The tenant's catalogue stamp, SQL: `STAMP_PREFIX` + the later of the latest `updated_at` of its offer rows
 * and its last settings change (the prefix alone before either). `decideComebacks` reads the same
 * through its store (a customer's too).
 */
export function catalogueStamp(tenant: SQL): SQL {
  return sql`(SELECT ${sql.raw(`'${STAMP_PREFIX}'`)} || max(coalesce(max(o.updated_at), ''), (SELECT t.settings_changed_at FROM tenants t WHERE t.id = ${tenant})) FROM offers o WHERE o.tenant_id = ${tenant})`;
}

/**
 * The first delivery if the customer restarts: the date they named, but never before the earliest
 * changeable delivery — for a monthly plan (`plan`), the first date from there on its own schedule
 * (its day of the month, in step with `scheduledOn`), as a reactivation restarts it
 * (plan-changes/rules reactivationWindow). Without `plan`, the day's earliest date.
 */
export function restartOnFor(returnOn: string | null, now: Date, settings: Pick<TenantSettings, "timeZone" | "changeCutoffDays" | "closedDates">, plan?: StoredPlan): string {
  const earliest = addDays(localDate(now, settings.timeZone), settings.changeCutoffDays);
  const from = returnOn ? maxDate(returnOn, earliest) : earliest;
  // A day the shop delivers (settings closedDates): a comeback proposing a restart on 12/31 when the
  // shop is closed then is the first open day after it, as the reactivation taking it starts.
  return firstOpenDate(plan ? firstOnSchedule(from, plan, plan.scheduledOn) : from, settings);
}

export type ComebackSubject = { id: string; subscriptionId: string; customerId: string; reason: string | null; returnOn: string | null };

/**
 * The offer engine for a batch of records: the catalogue, outcomes, plans and the customers'
 * accepted saves read once for all, then `comebackOffer` per record. Read-only (but for the
 * catalogue's first-use seed), so the list can fall back on it.
 */
export async function computeComebacks(store: TenantStore, rows: readonly ComebackSubject[], now: Date, settings: TenantSettings): Promise<Map<string, StoredComeback>> {
  const out = new Map<string, StoredComeback>();
  if (rows.length === 0) return out;
  const at = now.toISOString();
  const ids = [...new Set(rows.map((r) => r.subscriptionId))];
  const customerIds = [...new Set(rows.map((r) => r.customerId))];
  const [{ catalogue }, stats, subs, saves, reasons] = await Promise.all([
    loadCatalogue(store, at),
    loadOutcomes(store),
    store.q.select().from(subscriptions).where(store.owns(subscriptions, inArray(subscriptions.id, ids))),
    store.q
      .select({ customerId: cancelFlows.customerId, at: cancelFlows.closedAt, offerId: cancelFlows.offerId })
      .from(cancelFlows)
      .where(store.owns(cancelFlows, inArray(cancelFlows.customerId, customerIds), sql`${cancelFlows.status} = 'saved'`)),
    tenantReasons(store),
  ]);
  const reasonCodes = reasons.map((r) => r.code);
  const byId = new Map(subs.map((s) => [s.id, s]));
  for (const r of rows) {
    const row = byId.get(r.subscriptionId);
    if (!row) continue;
    const sub = toSubscription(row);
    const plan = snapshotOf(sub, row);
    const offer = comebackOffer(
      {
        sub,
        consecutiveSkips: 0,
        catalogue,
        stats,
        riskBand: null,
        stockOnHand: null,
        acceptedSaves: acceptedSavesFrom(saves.filter((x) => x.customerId === r.customerId), catalogue),
        settings,
      },
      { reason: r.reason, returnOn: r.returnOn, restartOn: restartOnFor(r.returnOn, now, settings, plan), now: at, reasonCodes },
    );
    out.set(r.id, { offer, sub: plan });
  }
  return out;
}

/** Only what the offers read of the plan (personalise's `SubscriptionSnapshot`) and a monthly plan's schedule, to keep the stored JSON small. */
function snapshotOf(sub: SubscriptionSnapshot, row: Pick<SubscriptionRow, "intervalMonths" | "deliveryDay" | "cancellation">): StoredPlan {
  const scheduledOn = row.cancellation?.stoppedDeliveryOn ?? row.cancellation?.finalDeliveryOn ?? null;
  return {
    status: sub.status,
    product: { sku: sub.product.sku, name: sub.product.name, category: sub.product.category ?? null, unitsPerPackage: sub.product.unitsPerPackage ?? null, unitLabel: sub.product.unitLabel ?? null },
    quantity: sub.quantity,
    intervalDays: sub.intervalDays,
    ...(sub.intervalMonths ? { intervalMonths: sub.intervalMonths, deliveryDay: row.deliveryDay, ...(scheduledOn ? { scheduledOn } : {}) } : {}),
    nextDeliveryOn: sub.nextDeliveryOn,
    unitPrice: sub.unitPrice,
    deliveriesCompleted: sub.deliveriesCompleted,
  };
}

/**
 * What the candidates list shows of a comeback (winback/candidates): `presentComeback` per language
 * as JSON text ('null': no offer), its Japanese written as UTF-8, not escaped (\uXXXX is ~1.7× the
 * bytes on the wire); the content key of the two texts (SHA-256, 128 bits, hex), which the list's
 * index carries so a page's statement reads the key and the text is spliced from memory; and the
 * restart date it was rendered for (null: no offer, nothing moves with the date).
 */
export function shownComeback(offer: ComebackOffer | null) {
  const comebackJa = offer ? JSON.stringify(presentComeback(offer, "ja")) : "null";
  const comebackEn = offer ? JSON.stringify(presentComeback(offer, "en")) : "null";
  const comebackKey = sha256Hex(`${comebackJa}\u0000${comebackEn}`).slice(0, 32);
  return { comebackJa, comebackEn, comebackKey, comebackRestartOn: offer ? offer.restartOn : null };
}

/** The tenant's catalogue stamp through its store (the same value as `catalogueStamp`). */
export async function storeStamp(s: TenantStore): Promise<string> {
  // The catalogue and the settings are the tenant's, never a customer's: the store's tenant scopes them.
  const row = await s.q.get<{ stamp: string }>(sql`SELECT ${catalogueStamp(sql`${s.tenantId}`)} AS stamp`);
  return row?.stamp ?? STAMP_PREFIX;
}

/** Stores each record's comeback (decided or re-rendered) with what the list shows of it, stamped `stamp`. Call inside a write. */
async function storeComebacks(s: TenantStore, rows: readonly { id: string }[], comebacks: Map<string, StoredComeback | null>, stamp: string) {
  for (const r of rows) {
    const comeback = comebacks.get(r.id) ?? null;
    // A record whose plan is gone is stamped all the same (never listed: the list joins the plan), so no run picks it again.
    // What `winback.due` sent stays with the record, whatever is decided now (SQL keeps it: the rows read here may not carry it).
    const decided = comeback === null ? null : sql`json_set(${JSON.stringify({ offer: comeback.offer, sub: comeback.sub })}, '$.sent', json(json_extract(${winbacks.comeback}, '$.sent')))`;
    await s.update(winbacks, { comeback: decided as unknown as Record<string, unknown> | null, comebackStamp: stamp, ...shownComeback(comeback?.offer ?? null) }, eq(winbacks.id, r.id));
  }
}

/** Decides and stores the comeback of `rows`, stamped with the catalogue they were decided on. Call inside a write. */
export async function decideComebacks(s: TenantStore, rows: readonly ComebackSubject[], now: Date, settings: TenantSettings): Promise<number> {
  const decided = await computeComebacks(s, rows, now, settings);
  // After computeComebacks: its catalogue read may have seeded the defaults.
  await storeComebacks(s, rows, decided, await storeStamp(s));
  return rows.length;
}

/** A record with its stored decision, as `comebacksForToday` takes it. */
export type DecidedSubject = ComebackSubject & { comeback: StoredComeback | null; comebackStamp: string };

// A stored comeback made concrete for today's restart date, by everything that makes it: the same
// few offers and plans recur across the list and all its rows share the day, so one personalise
// serves many rows. Bounded (cleared when full).
const rerendered = new Map<string, ComebackOffer | null>();

/**
 * Each record's comeback as of `now`: its stored decision when made on the catalogue `stamp` (the
 * tenant's now), only made concrete for today's restart date (`rerenderComeback`: same offer,
 * dates and copy follow the date); the engine afresh (`computeComebacks`) for records not decided
 * yet, decided on an older catalogue, or whose offer no longer applies. Read-only. The list's long
 * way and the maintenance job's re-rendering both go through here, so they agree.
 */
export async function comebacksForToday(
  store: TenantStore,
  rows: readonly DecidedSubject[],
  stamp: string,
  now: Date,
  settings: TenantSettings,
): Promise<Map<string, StoredComeback | null>> {
  const today = localDate(now, settings.timeZone);
  const settingsKey = JSON.stringify(settings);
  let catalogue: readonly CatalogueOffer[] | null = null;
  const out = new Map<string, StoredComeback | null>();
  const undecided: DecidedSubject[] = [];
  for (const r of rows) {
    const stored = r.comeback;
    // A monthly plan's decision kept without its day (decided before `deliveryDay` was stored with
    // it) is decided again, so its restart date keeps the plan's day; the few such records heal as
    // they are next read or re-rendered, where a new stamp would have sent every record the long way.
    if (stored === null || r.comebackStamp !== stamp || (stored.sub.intervalMonths && stored.sub.deliveryDay === undefined)) {
      undecided.push(r);
      continue;
    }
    const restartOn = restartOnFor(r.returnOn, now, settings, stored.sub);
    if (stored.offer === null || stored.offer.restartOn === restartOn) {
      out.set(r.id, stored);
      continue;
    }
    // A reminder has no offer id: its customer's own date tells it apart.
    const which = stored.offer.kind === "reminder" ? `reminder ${String(stored.offer.parameters.returnOn ?? stored.offer.parameters.restartOn)}` : stored.offer.offerId;
    const key = [store.tenantId, stamp, settingsKey, today, restartOn, which, JSON.stringify(stored.sub)].join("\n");
    let offer = rerendered.get(key);
    if (offer === undefined) {
      // A reminder is written again from the customer's own date; an offer needs its catalogue entry.
      if (stored.offer.kind !== "reminder") catalogue ??= (await loadCatalogue(store, now.toISOString())).catalogue;
      offer = rerenderComeback(stored.offer, catalogue?.find((o) => o.id === stored.offer!.offerId), stored.sub, { restartOn, today, settings });
      if (rerendered.size >= 5_000) rerendered.clear();
      rerendered.set(key, offer);
    }
    if (offer) out.set(r.id, { ...stored, offer });
    else undecided.push(r);
  }
  if (undecided.length > 0) {
    const fresh = await computeComebacks(store, undecided, now, settings);
    for (const r of undecided) out.set(r.id, fresh.get(r.id) ?? null);
  }
  return out;
}

/** One tenant's open records decided on an older catalogue (or never), up to `batch`, decided again. */
async function decideStaleOf(db: Database, tenant: { id: string; settings: unknown; stamp: string }, now: Date, batch: number): Promise<number> {
  const store = new TenantStore(db, tenant.id);
  const stale = await store.q
    .select({ id: winbacks.id, subscriptionId: winbacks.subscriptionId, customerId: winbacks.customerId, reason: winbacks.reason, returnOn: winbacks.returnOn })
    .from(winbacks)
    .where(store.owns(winbacks, isNull(winbacks.reactivatedAt), lt(winbacks.comebackStamp, tenant.stamp)))
    // In no particular order: every stale record is reached in time (the stamp only grows), and
    // ordering by stamp sorted all of them each pass — 41–57 ms on the loop per pass on the 1M
    // bench tenant after the copy edition changed (80,235 stale), where the first 25 found take 0.2–1.1 ms.
    .limit(batch);
  if (stale.length === 0) return 0;
  const settings = resolveSettings(tenant.settings);
  return store.write((s) => decideComebacks(s, stale, now, settings));
}

/**
 * Ids of up to `limit` win-back records meeting `where` (a tenant-scoped condition, `s.owns`),
 * read through the partial index named: `winbacks_shown` and `winbacks_scored` share one
 * condition, and without statistics for one of them SQLite walked it for the other's question
 * (192–244 ms a maintenance run on the 1M bench tenant).
 */
export async function listedIdsThrough(s: TenantStore, index: "winbacks_shown" | "winbacks_scored", where: SQL, limit: number): Promise<string[]> {
  const rows = await s.q.all<{ id: string }>(sql`SELECT id FROM winbacks INDEXED BY ${sql.raw(index)} WHERE ${where} LIMIT ${limit}`);
  return rows.map((r) => r.id);
}

/**
 * One tenant's listed records whose shown comeback was rendered for a restart date before today's
 * earliest one (the date moved on), or not rendered yet, up to `batch` — not old synced history
 * the list leaves out (never contacted: the decision stays as made, for the lookup): rendered for today
 * (`comebacksForToday`) and stored, so the list answers them from SQL. One seek on `winbacks_shown`.
 */
async function renderStaleOf(db: Database, tenant: { id: string; settings: unknown }, now: Date, batch: number): Promise<number> {
  const settings = resolveSettings(tenant.settings);
  const earliest = restartOnFor(null, now, settings);
  const store = new TenantStore(db, tenant.id);
  // winbacks_shown's condition: never a record the list leaves out as old synced history (no flow,
  // `skipped`: it will never be contacted, so no day's restart date is ever shown for it).
  const stale = (s: TenantStore) =>
    s.owns(
      winbacks,
      and(sql`${winbacks.contactable} = 1 AND ${winbacks.holdout} = 0 AND ${winbacks.reactivatedAt} IS NULL AND (${winbacks.flowId} IS NOT NULL OR ${winbacks.dueStatus} <> 'skipped')`, lt(winbacks.comebackRestartOn, earliest)),
    );
  // Nothing to render (most runs): one seek, no write transaction.
  if ((await listedIdsThrough(store, "winbacks_shown", stale(store), 1)).length === 0) return 0;
  return store.write(async (s) => {
    const ids = await listedIdsThrough(s, "winbacks_shown", stale(s), batch);
    if (ids.length === 0) return 0;
    const found = await s.q
      .select({
        id: winbacks.id,
        subscriptionId: winbacks.subscriptionId,
        customerId: winbacks.customerId,
        reason: winbacks.reason,
        returnOn: winbacks.returnOn,
        comeback: winbacks.comeback,
        comebackStamp: winbacks.comebackStamp,
      })
      .from(winbacks)
      .where(s.owns(winbacks, inArray(winbacks.id, ids)));
    const stamp = await storeStamp(s);
    const rows = found.map((r) => ({ ...r, comeback: r.comeback as unknown as StoredComeback | null }));
    await storeComebacks(s, rows, await comebacksForToday(s, rows, stamp, now, settings), stamp);
    return rows.length;
  });
}

const tenantStamps = (db: Database) => db.orm.select({ id: tenants.id, settings: tenants.settings, stamp: catalogueStamp(sql`${tenants.id}`).mapWith(String) }).from(tenants);

/**
 * Maintenance: open win-back records decided on an older catalogue than the tenant's, or never,
 * are decided again — up to `batch` per tenant per run; then listed records
 * whose shown comeback is for a restart date that has passed (every record without a return date,
 * each new day) are rendered for today — up to `renderBatch`. Per tenant with nothing to do: one
 * index seek on `winbacks_comeback` and one on `winbacks_shown`. `pause` runs between the two
 * (Node: a turn of the event loop). `tenants`: each tenant's share run apart (src/maintenance).
 */
export async function decideStaleComebacks(
  db: Database,
  now: Date,
  batch = 500,
  renderBatch = 2_000,
  pause: () => Promise<void> = async () => {},
  tenants: TenantShares = TOGETHER,
): Promise<number> {
  let n = 0;
  for (const tenant of await tenantStamps(db)) {
    n += await tenants.run(tenant.id, 0, async () => {
      const decided = await decideStaleOf(db, tenant, now, batch);
      await pause();
      return decided + (await renderStaleOf(db, tenant, now, renderBatch));
    });
  }
  return n;
}

/**
 * Every open record of one tenant decided, then every listed one rendered for today, chunk by
 * chunk — what maintenance runs would do over a day (the demo seed; the bench's setup).
 */
export async function decideAllComebacks(db: Database, tenantId: string, now: Date, chunk = 1000): Promise<{ decided: number; rendered: number }> {
  const total = { decided: 0, rendered: 0 };
  for (;;) {
    const [tenant] = await tenantStamps(db).where(eq(tenants.id, tenantId));
    if (!tenant) return total;
    const n = await decideStaleOf(db, tenant, now, chunk);
    if (n > 0) {
      total.decided += n;
      continue;
    }
    const m = await renderStaleOf(db, tenant, now, chunk);
    if (m === 0) return total;
    total.rendered += m;
  }
}
