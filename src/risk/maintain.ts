/**
 * The seam through which every write that changes what risk reads keeps `risk_features` current.
 * Call it inside the write's own transaction (with the transaction's store), after the write.
 *
 * Cost on the write path: one read (the subscription joined with its features row, the tenant's
 * settings and active model) and one upsert; plus, only when the band moves, the webhook outbox.
 * Person-level history (earlier cancellations of the same person) is looked up only when asked
 * (`person: true`, on subscription sync), because it needs the other customer records.
 */
import { and, eq, getTableColumns, ne, sql, type SQL } from "drizzle-orm";
import { customers, riskFeatures, subscriptions } from "../db/schema";
import { findCustomer } from "../customers/repository";
import { localDate } from "../platform/dates";
import { changedKeys, columnsOf, prepared, preparedUpdates, rowOf, type TenantStore } from "../platform/tenancy";
import { resolveSettings } from "../settings/schemas";
import { endpointsFrom, endpointsOf, enqueueWebhookEvent, type WebhookEndpoint } from "../webhooks/outbox";
import { applyEvent, applySignal, emptyFeatures, eventContext, featuresFrom, storedFeatures, withPersonHistory, withSubscription, type RiskEvent, type RiskFeatures, type RiskSignal, type SubscriptionFacts } from "./features";
import { riskFlags, type PastSubscription } from "./flags";
import { DEFAULT_MODEL, score, type RiskBand, type RiskModel, type RiskScore } from "./model";

export type RiskRow = typeof riskFeatures.$inferSelect;

/** What a subscription row must offer to be scored: the facts the features derive from, and who. */
export type ScoredSubscription = SubscriptionFacts & { id: string; customerId: string; status: string; currency: string; activeDiscount: { endsOn: string | null } | null };

/** Deliveries a year ahead are "remaining value": what the merchant loses if this one leaves. */
export const REMAINING_VALUE_DAYS = 365;

/**
 * Value (minor units) of the deliveries in the next year; nothing for a cancelled subscription.
 * At most 2^53 − 1, so it and revenue at risk are exact integers wherever they are read (the
 * sync's bounds keep it far below: platform/openapi MAX_PRICE_AMOUNT); a row stored before those
 * bounds with an absurd price would otherwise answer one figure from JavaScript and another from
 * SQLite's 64-bit integer.
 */
export function remainingValue(sub: Pick<ScoredSubscription, "status" | "unitPriceAmount" | "quantity" | "intervalDays">): number {
  if (sub.status === "canceled" || sub.intervalDays <= 0) return 0;
  const value = Math.round((sub.unitPriceAmount * sub.quantity * REMAINING_VALUE_DAYS) / sub.intervalDays);
  return Number.isFinite(value) ? Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, value)) : 0;
}

/** A stored model JSON back to a RiskModel; anything unreadable falls back to the default model. */
export function modelFrom(json: unknown): RiskModel {
  if (json && typeof json === "object" && "coefficients" in json && "version" in json) return json as RiskModel;
  return DEFAULT_MODEL;
}

/**
 * Pure: refreshes the derived features for `today`, scores them and builds the row to store.
 * `flags` are carried over from the last person-history lookup unless given.
 */
export function scoreSubscription(
  features: RiskFeatures,
  sub: ScoredSubscription,
  model: RiskModel,
  today: string,
  computedAt: string,
  flags: string[],
): { features: RiskFeatures; score: RiskScore; row: Omit<RiskRow, "tenantId"> } {
  const f = withSubscription(features, { ...sub, activeDiscount: sub.activeDiscount }, today);
  const s = score(model, f);
  return {
    features: f,
    score: s,
    row: {
      subscriptionId: sub.id,
      customerId: sub.customerId,
      features: storedFeatures(f),
      probability: s.probability,
      score: s.score,
      band: s.band,
      drivers: s.drivers,
      flags,
      revenueAtRisk: Math.round(s.probability * remainingValue(sub)),
      currency: sub.currency,
      modelVersion: s.modelVersion,
      computedAt,
    },
  };
}

/** The payload of `risk.band_changed`. */
export function bandChange(row: Omit<RiskRow, "tenantId">, previousBand: RiskBand) {
  return {
    subscriptionId: row.subscriptionId,
    customerId: row.customerId,
    previousBand,
    band: row.band,
    score: row.score,
    probability: row.probability,
    modelVersion: row.modelVersion,
    computedAt: row.computedAt,
  };
}

/** Upsert of whole risk rows (one statement for many rows). */
export function upsertRiskRows(store: TenantStore, rows: Omit<RiskRow, "tenantId">[]) {
  return store.upsertMany(riskFeatures, rows, [riskFeatures.tenantId, riskFeatures.subscriptionId], [
    "customerId", "features", "probability", "score", "band", "drivers", "flags", "revenueAtRisk", "currency", "modelVersion", "computedAt",
  ]);
}

/** What names a person across customer records. */
export type PersonKeys = Pick<typeof customers.$inferSelect, "id" | "phone" | "emailNormalized">;

/**
 * Every other subscription of the same person: customer records sharing the phone or the email.
 * `known` is the customer's row when the caller has read it in this transaction.
 */
export async function personHistory(store: TenantStore, subscriptionId: string, customerId: string, known?: PersonKeys): Promise<(PastSubscription & { id: string })[]> {
  const me = known?.id === customerId ? known : await findCustomer(store, customerId);
  if (!me) return [];
  const rows = await store.all(PERSON_HISTORY, { subscription: subscriptionId, customer: customerId, phone: me.phone ?? null, email: me.emailNormalized ?? null });
  return rows.map((r) => ({ id: r.id as string, status: r.status as string, deliveriesCompleted: Number(r.deliveries_completed) }));
}

/**
 * The person's customer records — this one, and those sharing the phone or the email, each an
 * index search (a NULL phone or email matches none) — then their subscriptions by customer.
 * Written as a UNION: as a join, or with an OR, a file without ANALYZE statistics (a new shop)
 * walked every subscription or customer of the tenant per call, which made a bulk sync quadratic
 * (#18). Built once (platform/tenancy prepared): the sync runs it on every write.
 */
const PERSON_HISTORY = prepared<"subscription" | "customer" | "phone" | "email">((s, value) => {
  const sameAs = (condition: SQL) => sql`SELECT ${customers.id} FROM ${customers} WHERE ${s.owns(customers, condition)}`;
  const person = sql.join([sql`SELECT ${value("customer")}`, sameAs(sql`${customers.phone} = ${value("phone")}`), sameAs(sql`${customers.emailNormalized} = ${value("email")}`)], sql` UNION `);
  return sql`SELECT ${subscriptions.id}, ${subscriptions.status}, ${subscriptions.deliveriesCompleted} FROM ${subscriptions}
    WHERE ${s.owns(subscriptions, ne(subscriptions.id, value("subscription")), sql`${subscriptions.customerId} IN (${person})`)}`;
});

/** A subscription with its stored risk state, as scoring reads it. */
export type ScoredRow = {
  sub: ScoredSubscription;
  features: unknown;
  band: RiskBand | null;
  flags: string[] | null;
  /** The stored revenue at risk, when read (re-scoring leaves the at-risk index alone when it stays). */
  revenueAtRisk?: number | null;
};

/** The columns scoring reads, as plain SQL: on a million rows the ORM's row mapping triples the time. */
export const SCORED_COLUMNS = sql`subscriptions.id, subscriptions.customer_id, subscriptions.status, subscriptions.quantity, subscriptions.product_units_per_package,
  subscriptions.interval_days, subscriptions.next_delivery_on, subscriptions.unit_price_amount, subscriptions.started_at,
  subscriptions.deliveries_completed, subscriptions.active_discount, subscriptions.currency, r.features, r.band, r.flags, r.revenue_at_risk, r.tenant_id AS risk_tenant_id`;
export const JOINED = sql`subscriptions LEFT JOIN risk_features r ON r.tenant_id = subscriptions.tenant_id AND r.subscription_id = subscriptions.id`;

export function toRow(r: Record<string, unknown>): ScoredRow & { tenantId: string | null } {
  return {
    tenantId: (r.risk_tenant_id as string | null) ?? null,
    sub: {
      id: r.id as string,
      customerId: r.customer_id as string,
      status: r.status as string,
      quantity: Number(r.quantity),
      productUnitsPerPackage: r.product_units_per_package === null || r.product_units_per_package === undefined ? null : Number(r.product_units_per_package),
      intervalDays: Number(r.interval_days),
      nextDeliveryOn: (r.next_delivery_on as string | null) ?? null,
      unitPriceAmount: Number(r.unit_price_amount),
      startedAt: r.started_at as string,
      deliveriesCompleted: Number(r.deliveries_completed),
      activeDiscount: r.active_discount ? (JSON.parse(r.active_discount as string) as { endsOn: string | null }) : null,
      currency: r.currency as string,
    },
    features: r.features ? featuresFrom(JSON.parse(r.features as string) as Record<string, unknown>) : null,
    band: (r.band as RiskBand | null) ?? null,
    flags: r.flags ? (JSON.parse(r.flags as string) as string[]) : null,
    revenueAtRisk: r.revenue_at_risk === null || r.revenue_at_risk === undefined ? null : Number(r.revenue_at_risk),
  };
}

export type RefreshOptions = {
  /** Merchant events to apply (from POST /v1/events), in any order. */
  events?: readonly RiskEvent[];
  /** Re-read the person's other subscriptions (earlier cancellations, flags). */
  person?: boolean;
  /**
   * What the refresh would read, when the write read it already in this transaction (see
   * `findWithRiskState`): the subscription as just written, its stored risk state, the tenant's
   * time zone. Saves the refresh's own read of the subscription.
   */
  known?: { sub: ScoredSubscription; risk: RiskState; timeZone: string; endpoints?: readonly WebhookEndpoint[] };
  /** The subscription's customer row, when the write has it: the person lookup then skips reading it. */
  customer?: PersonKeys;
};

/**
 * A subscription's stored risk row (features, band, flags; null when it has none) and the tenant's
 * active model. `stored` is the row's columns as the database holds them (JSON as its text), when
 * read: the refresh then writes only the columns that moved (`writeRiskRow`).
 */
export type RiskState = { features: unknown; band: RiskBand | null; flags: string[] | null; activeModel: unknown; stored?: StoredRisk | null };

/** The risk row's written columns, in the order `upsertRiskRows` names them. */
const RISK_COLUMNS = ["customerId", "features", "probability", "score", "band", "drivers", "flags", "revenueAtRisk", "currency", "modelVersion", "computedAt"] as const;
type RiskColumn = (typeof RISK_COLUMNS)[number];
/** A risk row's columns as stored (driver values: JSON columns as their text). */
export type StoredRisk = { [k in RiskColumn]: unknown };
const riskColumns = getTableColumns(riskFeatures);
/** `r.<column> AS risk_<column>` for each written column, read back with `storedRisk`. */
const STORED_RISK = sql.raw(RISK_COLUMNS.map((k) => `r.${riskColumns[k].name} AS risk_${riskColumns[k].name}`).join(", "));
function storedRisk(raw: Record<string, unknown>): StoredRisk | null {
  if (raw.risk_computed_at === null || raw.risk_computed_at === undefined) return null;
  return Object.fromEntries(RISK_COLUMNS.map((k) => [k, raw[`risk_${riskColumns[k].name}`]])) as StoredRisk;
}

const updateRisk = preparedUpdates(riskFeatures, ["subscriptionId"]);

/**
 * Writes one refreshed risk row over the row `stored` as read in this transaction: only the
 * columns whose stored value differs, and nothing when none does. Every entry of the two at-risk
 * indexes holds the row's record, `computed_at` included (schema AT_RISK_RECORD), so naming any
 * record column rewrites both entries and the `computed_at` entry — ≈ 150–200 µs of CPU a row on
 * the 1M-subscription file, against ≈ 20 µs for the features alone (bench/HISTORY.md, branch writes6).
 * Hence `computedAt` moves only with the record: a refresh whose score, band, drivers, flags and
 * revenue at risk come out as stored stores its features only, and the stored record — computed
 * earlier, identical to this one — stands. Without a stored row (or when it is out of this store's
 * scope), the row is upserted whole.
 */
export async function writeRiskRow(store: TenantStore, row: Omit<RiskRow, "tenantId">, stored: StoredRisk | null | undefined): Promise<void> {
  if (stored) {
    const next: Record<string, unknown> = {};
    for (const k of RISK_COLUMNS) {
      const v = row[k];
      next[k] = v === null || v === undefined ? null : riskColumns[k].mapToDriverValue(v);
    }
    const moved = changedKeys(stored, next, RISK_COLUMNS).filter((k) => k !== "computedAt");
    if (moved.length === 0) return;
    const set = moved.length === 1 && moved[0] === "features" ? moved : [...moved, "computedAt" as const];
    if ((await store.run(updateRisk(set), { ...row, "where.subscriptionId": row.subscriptionId })) > 0) return;
  }
  await upsertRiskRows(store, [row]);
}

/**
 * The subscription, its risk row, the tenant's active model, webhook endpoints and whether a
 * cancel flow of it is still open: one statement, built once (platform/tenancy prepared).
 */
const WITH_RISK_STATE = prepared<"id">(
  (s, value) => sql`SELECT ${columnsOf(subscriptions)}, ${STORED_RISK},
    (SELECT m.model FROM risk_models m WHERE m.tenant_id = ${subscriptions.tenantId} AND m.active = 1 LIMIT 1) AS active_model,
    ${endpointsOf(sql`${subscriptions.tenantId}`)} AS webhook_endpoints,
    EXISTS (SELECT 1 FROM cancel_flows f WHERE f.tenant_id = ${subscriptions.tenantId} AND f.subscription_id = ${subscriptions.id} AND f.status IN ('open', 'offered')) AS open_cancel_flow
    FROM ${JOINED} WHERE ${s.owns(subscriptions, eq(subscriptions.id, value("id")))} LIMIT 1`,
);

/**
 * A subscription row (the ORM's shape, as `findSubscription` returns it) with its risk state and
 * the tenant's webhook endpoints, in one read: for a write that changes the subscription, queues
 * its webhook event (`enqueueWebhookEvent(…, endpoints)`) and then refreshes its risk
 * (`refreshRisk(…, { known })`), so each is read once per change. `openCancelFlow`: a flow of it
 * is `open` or `offered` (perhaps past its expiry), which a plan change may end as saved
 * (cancel-flows/saved-by-change); false spares the change that read.
 */
export async function findWithRiskState(
  store: TenantStore,
  subscriptionId: string,
): Promise<{ row: typeof subscriptions.$inferSelect; risk: RiskState; endpoints: WebhookEndpoint[]; openCancelFlow: boolean } | undefined> {
  const [raw] = await store.all(WITH_RISK_STATE, { id: subscriptionId });
  if (!raw) return undefined;
  const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : null);
  const features = json(raw.risk_features) as Record<string, unknown> | null;
  return {
    row: rowOf(subscriptions, raw),
    risk: {
      features: features ? featuresFrom(features) : null,
      band: (raw.risk_band as RiskBand | null) ?? null,
      flags: json(raw.risk_flags),
      activeModel: json(raw.active_model),
      stored: storedRisk(raw),
    },
    endpoints: endpointsFrom(raw.webhook_endpoints),
    openCancelFlow: Number(raw.open_cancel_flow) === 1,
  };
}

/**
 * Brings one subscription's risk row up to date after a write, inside that write's transaction:
 * applies the signal and events, re-derives the features for today, scores with the tenant's
 * active model and upserts the row. A band that moved queues `risk.band_changed`. A subscription
 * that does not exist is ignored.
 */
export async function refreshRisk(store: TenantStore, subscriptionId: string, at: string, signal?: RiskSignal, opts: RefreshOptions = {}): Promise<void> {
  const found = opts.known ? knownRow(opts.known) : await readScored(store, subscriptionId);
  if (!found) return;
  const past = opts.person || !found.features ? await personHistory(store, found.sub.id, found.sub.customerId, opts.customer) : undefined;
  const { row, bandChanged } = rescored(found, at, { events: opts.events, signal, past });
  await writeRiskRow(store, row, opts.known?.risk.stored);
  if (bandChanged) await enqueueWebhookEvent(store, "risk.band_changed", bandChanged, new Date(at), opts.known?.endpoints);
}

/** A subscription as the risk refresh finds it: its facts, stored risk state, the tenant's time zone and active model. */
export type FoundRisk = { sub: ScoredSubscription; features: unknown; band: RiskBand | null; flags: string[] | null; timeZone: string; model: RiskModel };

/**
 * Pure: the refresh of one subscription's risk row after a write (`refreshRisk`, and the bulk
 * sync, which reads for a whole batch at once and calls this per item). Applies the events (in
 * time order) and the signal, then, when `past` is given (the person's other subscriptions), the
 * person history and flags; scores for the local day of `at`. `bandChanged` is the
 * `risk.band_changed` payload when a stored band moved, else null.
 */
export function rescored(
  found: FoundRisk,
  at: string,
  opts: { events?: readonly RiskEvent[]; signal?: RiskSignal; past?: readonly PastSubscription[] },
): { row: Omit<RiskRow, "tenantId">; bandChanged: ReturnType<typeof bandChange> | null } {
  const { timeZone, model, sub } = found;
  const instant = new Date(at);
  const today = localDate(instant, timeZone);

  let features = (found.features as RiskFeatures | null) ?? emptyFeatures();
  if (opts.events?.length) {
    const ordered = [...opts.events].sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
    const ctx = eventContext(sub, timeZone, (features.delivered?.count ?? 0) + ordered.filter((e) => e.type === "delivery.completed").length);
    for (const e of ordered) features = applyEvent(features, e, ctx);
  }
  if (opts.signal) features = applySignal(features, opts.signal, today);

  let flags = found.flags ?? [];
  if (opts.past) {
    features = withPersonHistory(features, opts.past);
    flags = riskFlags({ pastSubscriptionsOfSamePerson: opts.past });
  }

  const { row } = scoreSubscription(features, sub, model, today, instant.toISOString(), flags);
  return { row, bandChanged: found.band && found.band !== row.band ? bandChange(row, found.band) : null };
}

/** One read: the subscription, its risk row, the tenant's time zone and active model. */
async function readScored(store: TenantStore, subscriptionId: string) {
  const [raw] = (await store.q.all(
    sql`SELECT ${SCORED_COLUMNS}, t.settings AS tenant_settings, m.model AS active_model FROM ${JOINED}
      JOIN tenants t ON t.id = subscriptions.tenant_id
      LEFT JOIN risk_models m ON m.tenant_id = subscriptions.tenant_id AND m.active = 1
      WHERE ${store.owns(subscriptions, eq(subscriptions.id, subscriptionId))} LIMIT 1`,
  )) as Record<string, unknown>[];
  if (!raw) return undefined;
  const { timeZone } = resolveSettings(JSON.parse((raw.tenant_settings as string | null) ?? "{}"));
  return { ...toRow(raw), timeZone, model: raw.active_model ? modelFrom(JSON.parse(raw.active_model as string)) : DEFAULT_MODEL };
}

function knownRow({ sub, risk, timeZone }: NonNullable<RefreshOptions["known"]>): FoundRisk {
  return { sub, features: risk.features, band: risk.band, flags: risk.flags, timeZone, model: risk.activeModel ? modelFrom(risk.activeModel) : DEFAULT_MODEL };
}

/**
 * After a subscription is cancelled: the same person's other live subscriptions now have an
 * earlier cancellation (and maybe `first_delivery_canceller`). Call inside the same write.
 */
export async function refreshPersonRisk(store: TenantStore, subscriptionId: string, customerId: string, at: string): Promise<void> {
  for (const other of await personHistory(store, subscriptionId, customerId)) {
    if (other.status !== "canceled") await refreshRisk(store, other.id, at, undefined, { person: true });
  }
}
