import { notSyncedStatusChange } from "../subscriptions/sync";
import { and, asc, eq, inArray, isNotNull, isNull, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import { AT_RISK_RECORD, cancelFlows, customers, events, planChanges, riskModels, subscriptions } from "../db/schema";
import { localDate } from "../platform/dates";
import { newId } from "../platform/crypto";
import { ApiError } from "../platform/errors";
import type { Language } from "../platform/language";
import { asByteText, byteTextBody, fromByteText, isAscii, RememberedPages } from "../platform/json-text";
import { cursorList, toPage } from "../platform/pagination";
import type { TenantStore } from "../platform/tenancy";
import { emptyFeatures } from "./features";
import { modelFrom, scoreSubscription, type RiskRow, type ScoredSubscription } from "./maintain";
import { DEFAULT_MODEL, coefficientsPerUnit, driverLabel, FEATURE_INFO, FEATURE_NAMES, localizeDrivers, type Driver, type RiskBand, type RiskModel } from "./model";
import { buildSamples, type HistoryEvent } from "./samples";
import { LABEL_HORIZON_DAYS, train, type TrainSuccess } from "./train";

/** A stored risk row as the API shows it, in one language. */
export function toRisk(row: Omit<RiskRow, "tenantId" | "features">, lang: Language) {
  return {
    subscriptionId: row.subscriptionId,
    customerId: row.customerId,
    score: row.score,
    probability: row.probability,
    band: row.band,
    drivers: localizeDrivers(row.drivers as Driver[], lang, row.currency),
    flags: row.flags as "first_delivery_canceller"[],
    revenueAtRisk: { amount: row.revenueAtRisk, currency: row.currency },
    modelVersion: row.modelVersion,
    computedAt: row.computedAt,
  };
}

/** The risk answer of a customer who asked to be left out of profiling (customers/profiling): no score, and why. */
export function notScoredRisk(subscriptionId: string, customerId: string) {
  return {
    subscriptionId,
    customerId,
    score: null,
    probability: null,
    band: null,
    drivers: [],
    flags: [],
    revenueAtRisk: null,
    modelVersion: null,
    computedAt: null,
    notScoredReason: "profiling_opt_out" as const,
  };
}

/** The tenant's active model, or the default one. */
export async function activeModel(store: TenantStore): Promise<RiskModel> {
  const row = await store.find(riskModels, eq(riskModels.active, true));
  return row ? modelFrom(row.model) : DEFAULT_MODEL;
}

/** A risk_features row (alias `r`) as a JSON object with the row's field names; NULL when absent. */
export const RISK_ROW_JSON = sql`CASE WHEN r.subscription_id IS NULL THEN NULL ELSE json_object(
  'subscriptionId', r.subscription_id, 'customerId', r.customer_id, 'probability', r.probability,
  'score', r.score, 'band', r.band, 'drivers', json(r.drivers), 'flags', json(r.flags),
  'revenueAtRisk', r.revenue_at_risk, 'currency', r.currency, 'modelVersion', r.model_version, 'computedAt', r.computed_at) END`;

/**
 * The stock estimate stored with a risk row (alias `r`) as JSON in the shape of `StockEstimate`
 * (risk/stock); NULL when none. Reads the row's own features: no other table.
 */
export const RISK_STOCK_JSON = sql`CASE WHEN r.features ->> '$.stockOnHandUnits' IS NULL THEN NULL ELSE json_object(
  'unitsOnHand', r.features ->> '$.stockOnHandUnits', 'perDay', r.features ->> '$.consumptionPerDay',
  'daysOnHand', r.features ->> '$.stockOnHandDays',
  'basis', CASE WHEN r.features ->> '$.stock.perDay' IS NULL THEN 'schedule' ELSE 'history' END) END`;

/** One JSON value: the subscription (what scoring needs) and its risk row. Can ride with the key check. */
export function subscriptionRiskDocument(tenant: SQL, subscriptionId: string | Placeholder): SQL {
  return sql`SELECT json_object('sub', json_object('id', s.id, 'customerId', s.customer_id, 'status', s.status,
      'quantity', s.quantity, 'productUnitsPerPackage', s.product_units_per_package, 'intervalDays', s.interval_days, 'nextDeliveryOn', s.next_delivery_on,
      'unitPriceAmount', s.unit_price_amount, 'startedAt', s.started_at, 'deliveriesCompleted', s.deliveries_completed,
      'activeDiscount', json(s.active_discount), 'currency', s.currency), 'risk', ${RISK_ROW_JSON},
      'optedOut', (SELECT c.profiling_opt_out FROM customers c WHERE c.tenant_id = s.tenant_id AND c.id = s.customer_id))
    FROM subscriptions s LEFT JOIN risk_features r ON r.tenant_id = s.tenant_id AND r.subscription_id = s.id
    WHERE s.tenant_id = ${tenant} AND s.id = ${subscriptionId}`;
}

/** One JSON value: whether the customer exists, and each subscription's status and risk row. */
export function customerRiskDocument(tenant: SQL, customerId: string | Placeholder): SQL {
  return sql`SELECT json_object(
      'exists', EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = ${tenant} AND c.id = ${customerId}),
      'optedOut', (SELECT c.profiling_opt_out FROM customers c WHERE c.tenant_id = ${tenant} AND c.id = ${customerId}),
      'rows', json((SELECT json_group_array(json_object('status', s.status, 'risk', ${RISK_ROW_JSON}))
        FROM subscriptions s JOIN risk_features r ON r.tenant_id = s.tenant_id AND r.subscription_id = s.id
        WHERE s.tenant_id = ${tenant} AND s.customer_id = ${customerId} ORDER BY s.id)))`;
}

type SubDoc = ScoredSubscription & { currency: string };
type RiskDoc = Omit<RiskRow, "tenantId">;

/**
 * The subscription's risk row. A subscription synced before risk existed has none yet: it is
 * scored on the spot from what the row knows (not stored: reads do not write). `doc` is the
 * document the key check already read, when it did.
 */
export async function readSubscriptionRisk(store: TenantStore, subscriptionId: string, at: Date, timeZone: string, doc?: string | null) {
  const text = doc !== undefined ? doc : await store.scalar((t) => subscriptionRiskDocument(t, subscriptionId));
  if (typeof text !== "string") throw new ApiError("subscription_not_found", { en: `No subscription ${subscriptionId}.`, ja: `定期コース ${subscriptionId} は見つかりません。` });
  const found = JSON.parse(text) as { sub: SubDoc; risk: RiskDoc | null; optedOut: number | null };
  // Left out of profiling: nothing is scored, not even on the spot.
  if (found.optedOut === 1) return { sub: found.sub, risk: null };
  if (found.risk) return { sub: found.sub, risk: found.risk };
  const { row } = scoreSubscription(emptyFeatures(), found.sub, await activeModel(store), localDate(at, timeZone), at.toISOString(), []);
  return { sub: found.sub, risk: row };
}

export async function readCustomerRisks(store: TenantStore, customerId: string, doc?: string | null) {
  const text = doc !== undefined ? doc : await store.scalar((t) => customerRiskDocument(t, customerId));
  const found = JSON.parse(typeof text === "string" ? text : '{"exists":0,"rows":[]}') as { exists: number; optedOut: number | null; rows: { status: "active" | "paused" | "canceled"; risk: RiskDoc }[] };
  if (!found.exists) throw new ApiError("customer_not_found", { en: `No customer ${customerId}.`, ja: `顧客 ${customerId} は見つかりません。` });
  // Left out of profiling: no rows are kept (migration 0056), and none is shown should one slip in.
  return found.optedOut === 1 ? { optedOut: true, rows: [] } : { optedOut: false, rows: found.rows };
}

/**
 * The at-risk list's cursor: revenue at risk (minor units), then subscription id, under the query's
 * `band` (platform/pagination). Named "ar" since ties go by id descending: a cursor of the earlier
 * order ("risk", ids ascending) is refused, not read in the wrong order.
 */
export const AT_RISK_CURSOR = cursorList("ar", ["integer", "id"]);

export function atRiskCursor(after: readonly [number, string] | undefined): { revenue: number; id: string } | undefined {
  return after ? { revenue: after[0], id: after[1] } : undefined;
}

const BAND_LITERALS: Record<RiskBand, SQL> = { high: sql.raw("'high'"), medium: sql.raw("'medium'"), low: sql.raw("'low'") };

/** AT_RISK_RECORD (db/schema) as the at-risk indexes store it: spelled the same, read from the entry. */
const RECORD = sql.raw(AT_RISK_RECORD);

/**
 * A keyset page of the at-risk list as text: at most `take` records, each `revenue␟id␟row`
 * (db/schema AT_RISK_RECORD: the row as {@link toRisk} shows it, drivers without labels —
 * {@link appendLabelled} adds them), joined by ␞ ('' when none), in no set order — sqld's parser
 * takes no ORDER BY inside group_concat, and the keys let the caller sort without parsing.
 * Control characters never appear raw in JSON text or in ids. Order: revenue at risk, highest
 * first, then subscription id, last first. Each band's list, and the list of every band, is one
 * index walk that reads each record from the index entry. Rides with the key check.
 */
export function atRiskDocument(tenant: SQL, band: RiskBand | undefined, take: number | Placeholder, after: { revenue: number | Placeholder; id: string | Placeholder } | undefined): SQL {
  // One ordered walk of an index whose entries hold the record (no table seek, no JSON built),
  // stopped by its LIMIT: risk_features_at_risk for one band, risk_features_all_bands for every
  // band. Both index revenue and id descending, so a later page is one seek of a row value:
  // with ids ascending under a descending revenue SQLite cannot seek `(revenue, id)`, and a page
  // took two walks (the rest of the cursor's revenue, then lower ones): 12–13 µs of statement
  // against a first page's 9–10 on the 1M bench file, one walk 9–10 (bench/at-risk-sql.ts).
  const inBand = band ? sql`r.band = ${BAND_LITERALS[band]} AND ` : sql``;
  const from = after ? sql` AND (r.revenue_at_risk, r.subscription_id) < (${after.revenue}, ${after.id})` : sql``;
  return sql`SELECT coalesce(group_concat(record, char(30)), '') FROM (SELECT ${RECORD} AS record FROM risk_features r
    WHERE r.tenant_id = ${tenant} AND ${inBand}r.revenue_at_risk > 0${from}
    ORDER BY r.revenue_at_risk DESC, r.subscription_id DESC LIMIT ${take})`;
}

// The page is assembled as byte text (platform/json-text): SQL's text is ASCII save what a
// merchant's ids hold, and the labels are kept as byte text, so the page becomes its body in one copy.

/**
 * A stored driver's label, by language, code and value as stored, as the piece the page inserts
 * (`"label":<JSON as byte text>,`): the label is a function of code and value alone (model
 * driverLabel), and a tenant's rows share few pairs (counts, prices, days), so this memo stays
 * small and hits across rows. A memo of whole driver lists missed on nearly every row of a real
 * page (each list's contributions differ) and held up to 10,000 lists per language.
 */
const labels = { ja: new Map<string, Map<string, string>>(), en: new Map<string, Map<string, string>>() };
let labelCount = 0;
const FEATURES: ReadonlySet<string> = new Set(FEATURE_NAMES);

/** The one label written with the row's currency (a price); every other label is the same in any currency. */
const PRICED: ReadonlySet<string> = new Set(["price_level"]);

/** The label piece for a stored driver's code and value text, in the row's `currency`; undefined for a code that is not a feature. */
function labelPiece(code: string, value: string, lang: Language, currency: () => string): string | undefined {
  const key = PRICED.has(code) ? `${code}\x1f${currency()}` : code;
  let byValue = labels[lang].get(key);
  let piece = byValue?.get(value);
  if (piece === undefined) {
    if (!FEATURES.has(code)) return undefined;
    const label = driverLabel({ code: code as Driver["code"], value: value === "null" ? null : Number(value) }, lang, PRICED.has(code) ? currency() : "JPY");
    piece = `"label":${asByteText(JSON.stringify(label))},`;
    if (labelCount >= 4_096) {
      labels.ja.clear();
      labels.en.clear();
      labelCount = 0;
      byValue = undefined;
    }
    if (!byValue) labels[lang].set(key, (byValue = new Map()));
    byValue.set(value, piece);
    labelCount++;
  }
  return piece;
}

const DRIVERS_KEY = '"drivers":[';
/**
 * One driver as score() stores it (JSON.stringify of `{code, contribution, value}`), read from
 * where the last one ended (sticky). Inside JSON text `{"code":"` can only start an object: a
 * quote inside a string is escaped.
 */
const STORED_DRIVER = /\{"code":"([a-z_]+)","contribution":-?\d+(?:\.\d+)?(?:e[+-]?\d+)?,"value":(null|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\}/y;

/**
 * Appends `row` (the JSON part of an AT_RISK_RECORD) to `out` with every driver labelled in
 * `lang`, as toRisk does: each driver gets `"label":…` after its code, the rest of the text stays
 * as SQL wrote it. A row whose drivers are not all in score()'s stored shape (a row stored with
 * the old labels, say) goes the long way: parsed, localised, serialised.
 */
function appendLabelled(out: string[], row: string, lang: Language): void {
  const mark = out.length;
  let currency: string | undefined;
  const rowCurrency = () => (currency ??= currencyOf(row));
  const at = row.indexOf(DRIVERS_KEY);
  let pos = at + DRIVERS_KEY.length;
  let from = 0;
  if (at !== -1 && row.charCodeAt(pos) !== 0x5d /* ] */) {
    for (;;) {
      STORED_DRIVER.lastIndex = pos;
      const m = STORED_DRIVER.exec(row);
      const label = m ? labelPiece(m[1]!, m[2]!, lang, rowCurrency) : undefined;
      if (m === null || label === undefined) {
        out.length = mark;
        return appendLongWay(out, row, lang);
      }
      // After `{"code":"<code>",`: the label comes second, as localizeDrivers orders the fields.
      const cut = pos + 11 + m[1]!.length;
      out.push(row.slice(from, cut), label);
      from = cut;
      pos = STORED_DRIVER.lastIndex;
      const next = row.charCodeAt(pos);
      if (next === 0x5d /* ] */) break;
      if (next !== 0x2c /* , */) {
        out.length = mark;
        return appendLongWay(out, row, lang);
      }
      pos++;
    }
  } else if (at === -1) {
    return appendLongWay(out, row, lang);
  }
  out.push(from === 0 ? row : row.slice(from));
}

function appendLongWay(out: string[], row: string, lang: Language): void {
  const parsed = JSON.parse(fromByteText(row)) as { drivers: Driver[] };
  out.push(asByteText(JSON.stringify({ ...parsed, drivers: localizeDrivers(parsed.drivers, lang, currencyOf(row)) })));
}

const CURRENCY_KEY = '"currency":"';
/**
 * The row's currency, from its `revenueAtRisk` (AT_RISK_RECORD writes it after the drivers and
 * flags, which hold no such key: the last one is it); JPY for a row without one.
 */
function currencyOf(row: string): string {
  const at = row.lastIndexOf(CURRENCY_KEY);
  if (at === -1) return "JPY";
  const from = at + CURRENCY_KEY.length;
  return row.slice(from, row.indexOf('"', from));
}

/** `rows` (each the JSON part of an AT_RISK_RECORD) labelled in `lang` (see appendLabelled), comma-joined, as UTF-8. */
export function labelDrivers(rows: string[], lang: Language): Uint8Array<ArrayBuffer> {
  const out: string[] = [];
  rows.forEach((row, i) => {
    if (i > 0) out.push(",");
    appendLabelled(out, asByteText(row), lang);
  });
  return byteTextBody(out.join(""));
}

/**
 * The at-risk page as the response body (`{ data, nextCursor }`, UTF-8 JSON), from
 * `atRiskDocument` (read now unless it came with the key check). The rows go out as SQL wrote
 * them, labels added: parsing and re-serialising a page of 20 was most of this request's time.
 * The text is encoded once, whole: the body goes out as bytes (no second transcoding of a string
 * holding Japanese labels on the way out).
 */
export async function atRiskPageJson(store: TenantStore, band: RiskBand | undefined, limit: number, after: readonly [number, string] | undefined, lang: Language, doc?: string | null): Promise<Uint8Array<ArrayBuffer>> {
  const read = doc !== undefined ? doc : await store.scalar((t) => atRiskDocument(t, band, limit + 1, atRiskCursor(after)));
  const found = typeof read === "string" ? read : "";
  // The page is a function of the statement's text, the limit and the language alone: a page read
  // again with the same text (the first pages of each band, re-read until the rows are re-scored)
  // is the same body. The statement still runs every time, so a changed row is never missed.
  const slot = `${lang} ${limit} ${band ?? ""} ${after === undefined ? "" : JSON.stringify(after)}`;
  return pages.get(slot, found) ?? pages.set(slot, found, byteTextBody(atRiskPageText(found, limit, lang, band)));
}

/** Pages built lately, by language, limit, band and cursor (see RememberedPages): ≈ 10 kB of statement text and ≈ 15 kB of body each. */
const pages = new RememberedPages(128);

/** The page as byte text from the statement's text (see atRiskPageJson). */
function atRiskPageText(read: string, limit: number, lang: Language, band: RiskBand | undefined): string {
  const text = read !== "" ? (isAscii(read) ? read : asByteText(read)) : "";
  // Ids compare as UTF-8 bytes here, as SQLite orders them (descending, as the index).
  const rows = (text !== "" ? text.split("\x1e") : []).map((record) => {
    const a = record.indexOf("\x1f");
    const b = record.indexOf("\x1f", a + 1);
    return { revenue: Number(record.slice(0, a)), id: record.slice(a + 1, b), json: record.slice(b + 1) };
  });
  rows.sort((x, y) => y.revenue - x.revenue || (x.id > y.id ? -1 : x.id < y.id ? 1 : 0));
  const page = toPage(rows, limit, AT_RISK_CURSOR, (r) => [r.revenue, fromByteText(r.id)], [band]);
  const out = ['{"data":['];
  page.data.forEach((r, i) => {
    if (i > 0) out.push(",");
    appendLabelled(out, r.json, lang);
  });
  out.push(`],"nextCursor":${JSON.stringify(page.nextCursor)}}`);
  return out.join("");
}

export function modelView(model: RiskModel, lang: Language) {
  const perUnit = coefficientsPerUnit(model);
  // The neutral customer's log-odds: intercept with every transform at 0.
  const base = FEATURE_NAMES.reduce((z, n) => z - (perUnit[n] ?? 0) * (model.means[n] ?? 0), model.intercept);
  return {
    version: model.version,
    source: model.trainedAt ? ("trained" as const) : ("default" as const),
    trainedAt: model.trainedAt,
    auc: model.auc ?? null,
    intercept: Math.round(base * 1e6) / 1e6,
    coefficients: FEATURE_NAMES.map((code) => ({ code, label: FEATURE_INFO[code][lang], coefficient: perUnit[code] })),
  };
}

/**
 * At most this many subscriptions feed one training run: a larger shop is sampled every k-th row
 * in the order they were stored (deterministic, spread over the whole history). The first 20,000
 * by id were a poor sample: a shop's imported ids (`BT-…`) sort before its own, so a shop that
 * imported 680,000 rows trained on none of its cancellations (422 "0 positive outcomes").
 */
export const MAX_TRAINING_SUBSCRIPTIONS = 20_000;
const CHUNK = 100;

async function inChunks<T>(ids: string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await query(ids.slice(i, i + CHUNK))));
  return out;
}

export type TrainProgress = (phase: "loading" | "samples" | "fitting" | "saving", detail: string) => void;

/** A model fitted on a tenant's history, not stored yet (`fitTenantModel` → `saveTenantModel`): plain data, so it can cross threads. */
export type FittedRiskModel = { version: string; result: TrainSuccess; subscriptions: number };

/**
 * Trains the tenant's own model on its history (see risk/samples and risk/train) and stores it.
 * It becomes the active model only when it beats the default model on the same hold-out.
 */
export async function trainTenantModel(store: TenantStore, now: Date, timeZone: string, onProgress?: TrainProgress) {
  return saveTenantModel(store, await fitTenantModel(store, now, timeZone, onProgress), now, onProgress);
}

/**
 * Reads the tenant's history and fits a model on it; stores nothing. Seconds of reading and
 * arithmetic on a big shop (12.9 s on the 1,000,000-subscription bench tenant, one unbroken
 * stretch on the synchronous embedded driver), so on Node the route runs it in the read worker
 * (platform/off-thread). Too little history → ApiError `insufficient_history`.
 */
export async function fitTenantModel(store: TenantStore, now: Date, timeZone: string, onProgress?: TrainProgress, maxSubscriptions = MAX_TRAINING_SUBSCRIPTIONS): Promise<FittedRiskModel> {
  onProgress?.("loading", "subscriptions");
  // A customer who objected to profiling (customers.profiling_opt_out) is not used to train the model either.
  const notOptedOut = sql`NOT EXISTS (SELECT 1 FROM customers oc WHERE oc.tenant_id = ${subscriptions.tenantId} AND oc.id = ${subscriptions.customerId} AND oc.profiling_opt_out = 1)`;
  const n = (await store.q.select({ n: sql<number>`count(*)` }).from(subscriptions).where(store.owns(subscriptions, notOptedOut)))[0]?.n ?? 0;
  const every = Math.max(1, Math.ceil(n / maxSubscriptions));
  const subs = await store.q
    .select({
      id: subscriptions.id,
      customerId: subscriptions.customerId,
      quantity: subscriptions.quantity,
      productUnitsPerPackage: subscriptions.productUnitsPerPackage,
      intervalDays: subscriptions.intervalDays,
      unitPriceAmount: subscriptions.unitPriceAmount,
      currency: subscriptions.currency,
      startedAt: subscriptions.startedAt,
      canceledAt: subscriptions.canceledAt,
      deliveriesCompleted: subscriptions.deliveriesCompleted,
    })
    .from(subscriptions)
    .where(store.owns(subscriptions, notOptedOut, every > 1 ? sql`${subscriptions}.rowid % ${every} = 0` : undefined))
    .orderBy(asc(subscriptions.id))
    .limit(maxSubscriptions);
  const subIds = subs.map((s) => s.id);
  const customerIds = [...new Set(subs.map((s) => s.customerId))];
  onProgress?.("loading", `${subs.length} subscriptions; events and changes`);
  const eventCols = { subscriptionId: events.subscriptionId, customerId: events.customerId, type: events.type, occurredAt: events.occurredAt, data: events.data };
  const [own, customerLevel, changes, flows, people] = await Promise.all([
    inChunks(subIds, (c) => store.q.select(eventCols).from(events).where(store.owns(events, inArray(events.subscriptionId, c)))),
    inChunks(customerIds, (c) => store.q.select(eventCols).from(events).where(store.owns(events, isNull(events.subscriptionId), inArray(events.customerId, c)))),
    inChunks(subIds, (c) =>
      store.q
        .select({ subscriptionId: planChanges.subscriptionId, type: planChanges.type, createdAt: planChanges.createdAt })
        .from(planChanges)
        .where(store.owns(planChanges, inArray(planChanges.subscriptionId, c), inArray(planChanges.type, ["skip", "pause", "cancel", "reactivate"]), notSyncedStatusChange())),
    ),
    inChunks(subIds, (c) =>
      store.q
        .select({ subscriptionId: cancelFlows.subscriptionId, status: cancelFlows.status, startedAt: cancelFlows.startedAt, closedAt: cancelFlows.closedAt, supersededBy: cancelFlows.supersededBy, attemptStartedAt: cancelFlows.attemptStartedAt })
        .from(cancelFlows)
        .where(store.owns(cancelFlows, inArray(cancelFlows.subscriptionId, c))),
    ),
    store.q
      .select({ id: customers.id, phone: customers.phone, emailNormalized: customers.emailNormalized })
      .from(customers)
      .where(store.owns(customers, or(isNotNull(customers.phone), isNotNull(customers.emailNormalized)))),
  ]);
  onProgress?.("samples", `${own.length + customerLevel.length} events, ${changes.length} changes`);
  const asOf = localDate(now, timeZone);
  const samples = buildSamples(
    { subscriptions: subs, events: [...own, ...customerLevel] as unknown as HistoryEvent[], changes, customers: people, flows },
    { asOf, timeZone },
  );
  onProgress?.("fitting", `${samples.length} snapshots`);
  const version = `tenant-${now.toISOString().slice(0, 10)}-${newId("mdl").slice(-6)}`;
  const result = train(samples, { now: now.toISOString(), asOf, version });
  if (!result.ok) {
    // A sample is a snapshot (one per subscription every 30 days whose outcome is known): say of how many subscriptions.
    const detail = {
      en: `${subs.length} subscription${subs.length === 1 ? "" : "s"}, ${result.samples} snapshots with a known outcome (positive: canceled within ${LABEL_HORIZON_DAYS} days). ${result.detail.en}`,
      ja: `定期コース${subs.length}件、結果が分かるスナップショット${result.samples}件（陽性：${LABEL_HORIZON_DAYS}日以内の解約）。${result.detail.ja}`,
    };
    throw new ApiError("insufficient_history", detail, { reason: result.reason, samples: result.samples, positives: result.positives, subscriptions: subs.length, required: result.required });
  }
  return { version, result, subscriptions: subs.length };
}

/** Stores a fitted model (`fitTenantModel`), active when it beat the default on the same hold-out; answers the training report. */
export async function saveTenantModel(store: TenantStore, fitted: FittedRiskModel, now: Date, onProgress?: TrainProgress) {
  const { version, result } = fitted;
  onProgress?.("saving", version);
  const active = result.betterThanDefault;
  await store.write(async (s) => {
    if (active) await s.update(riskModels, { active: false }, eq(riskModels.active, true));
    await s.insert(riskModels, {
      version,
      model: result.model as unknown as Record<string, unknown>,
      report: { holdout: result.holdout, samples: result.samples, split: result.split, defaultHoldout: result.defaultHoldout } as Record<string, unknown>,
      auc: result.holdout.auc,
      active,
      trainedAt: now.toISOString(),
    });
  });
  return {
    version,
    active,
    auc: result.holdout.auc,
    defaultAuc: result.defaultHoldout.auc,
    logLoss: result.holdout.logLoss,
    brier: result.holdout.brier,
    calibration: result.holdout.calibration.map(({ from, to, predicted, observed, count }) => ({ from, to, predicted, observed, count })),
    samples: { train: result.samples.train, holdout: result.samples.holdout, positives: result.samples.positives, subscriptions: fitted.subscriptions },
    split: result.split,
    trainedAt: now.toISOString(),
  };
}

