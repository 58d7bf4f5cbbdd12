import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Actor } from "../platform/env";

/**
 * Every tenant-owned table carries `tenant_id` as the first column of its primary key, so each
 * lookup by a merchant's own id is an index seek that cannot cross tenants (see platform/tenancy).
 */

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** JSON of TenantSettings; defaults are applied on read so new settings need no migration. */
  settings: text("settings", { mode: "json" }).notNull().default(sql`'{}'`),
  createdAt: text("created_at").notNull(),
  /**
   * Set to a new random value by triggers (migration 0004) on every write to the tenant's `offers`
   * or `offer_outcomes`, so a process can keep the parsed offer engine and re-read it only when
   * this changes. Triggers, not application code, so that no writer can forget it.
   */
  offersVersion: integer("offers_version").notNull().default(0),
  /**
   * When the shop last changed its settings (ISO time; '' never): part of the win-back catalogue
   * stamp (winback/decide `catalogueStamp`), so comebacks decided under older rules are decided again.
   */
  settingsChangedAt: text("settings_changed_at").notNull().default(""),
  /**
   * The rate-limit tier (platform/rate-limit PLANS). Set by the operator of the service (tenant:create
   * `--plan`), not by the shop: settings are the shop's own to edit.
   */
  plan: text("plan").notNull().default("standard"),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    name: text("name").notNull(),
    /** First characters of the secret, shown in listings so a merchant can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the secret, hex. The secret itself is never stored. */
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).notNull().$type<string[]>(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_secret_hash").on(t.secretHash), index("api_keys_tenant").on(t.tenantId, t.id)],
);

export const customers = sqliteTable(
  "customers",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    name: text("name"),
    /** The name's reading (フリガナ) in katakana or hiragana, as the shop sent it. */
    nameKana: text("name_kana"),
    /**
     * `name` and `name_kana` folded for the operators' name search (platform/name-keys `foldName`),
     * written with them; migration 0049's triggers keep `customer_name_keys` in step with them.
     */
    nameKey: text("name_key"),
    nameKanaKey: text("name_kana_key"),
    email: text("email"),
    /** The match key of `email` (platform/phone normalizeEmail): lower-cased, for finding people across records. */
    emailNormalized: text("email_normalized"),
    /** E.164 */
    phone: text("phone"),
    /** The phone number's extension (digits), kept apart so `phone` stays E.164. */
    phoneExtension: text("phone_extension"),
    locale: text("locale"),
    marketingConsent: integer("marketing_consent", { mode: "boolean" }).notNull().default(false),
    /** 郵便番号 as seven digits (no hyphen), when the shop syncs it. */
    postalCode: text("postal_code"),
    /** The address line as the shop sent it (one string). */
    address: text("address"),
    /** The address folded for matching (platform/address `foldAddress`): width, numerals, 丁目/番/号. */
    addressKey: text("address_key"),
    /** How the customer found the shop (`referral`, `ad`, `search`, `store`, …), from the customer sync. */
    acquisitionSource: text("acquisition_source"),
    /**
     * Whether the customer wants to hear from the shop after cancelling (特定電子メール法: opt-in),
     * separate from marketing consent; null = never asked. Its evidence (wording, time, where) is
     * in `contact_consents`. A "no" at cancellation overrides an earlier marketing consent.
     */
    keepInTouch: integer("keep_in_touch", { mode: "boolean" }),
    keepInTouchAt: text("keep_in_touch_at"),
    /**
     * The customer asked to be left out of profiling (個人情報保護法 §35 利用停止, CCPA/CPRA opt-out of
     * automated decision-making, GDPR Art. 21 objection): while true no risk score is computed or
     * stored for them (migration 0056's triggers delete any `risk_features` row of theirs and clear
     * their win-back scores), offers are not chosen by their risk or features, and they are not
     * contacted for win-back. Its evidence is in `contact_consents` (kind `profiling`).
     */
    profilingOptOut: integer("profiling_opt_out", { mode: "boolean" }).notNull().default(false),
    /** When `profiling_opt_out` was last switched on or off. */
    profilingOptOutAt: text("profiling_opt_out_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** Set when the person was erased (DELETE /v1/customers/{id}): every personal field is null from then on. */
    erasedAt: text("erased_at"),
    /**
     * Keyed fingerprints (HMAC-SHA-256 under `deriveKey(SECRETS_KEY, "contact-fingerprint")`, hex) of
     * the normalised phone and e-mail of an erased person, kept for fraud prevention only: the
     * 初回だけ解約 match can still tell that a new customer is the same person. Not reversible
     * without the key; dropped with the shop setting `keepContactFingerprints: false`.
     */
    phoneFingerprint: text("phone_fingerprint"),
    emailFingerprint: text("email_fingerprint"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("customers_phone").on(t.tenantId, t.phone),
    index("customers_email").on(t.tenantId, t.emailNormalized),
    // The checkout check's address match: postal code, then the folded line.
    index("customers_postal").on(t.tenantId, t.postalCode, t.addressKey),
    index("customers_phone_fingerprint").on(t.tenantId, t.phoneFingerprint).where(sql`phone_fingerprint IS NOT NULL`),
    index("customers_email_fingerprint").on(t.tenantId, t.emailFingerprint).where(sql`email_fingerprint IS NOT NULL`),
    // The few who objected to profiling: what migration 0056's risk_features triggers look up per row written.
    index("customers_profiling_opt_out").on(t.tenantId, t.id).where(sql`profiling_opt_out = 1`),
  ],
);

/**
 * The keys the operators' name search looks a caller up by (customers/search): for each of a live
 * customer's folded name and reading, the whole (`part` w, spaces removed) and, when it has a
 * space, the part before it (f, the family name) and after it (g, the given name). Written only by
 * migration 0049's triggers on `customers` (insert, a change of the keys or the id, erasure,
 * delete), so no write path can leave them stale; an erased customer has none. WITHOUT ROWID (set
 * in the migration: drizzle's schema cannot say it).
 */
export const customerNameKeys = sqliteTable(
  "customer_name_keys",
  {
    tenantId: text("tenant_id").notNull(),
    key: text("key").notNull(),
    part: text("part").notNull(),
    customerId: text("customer_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key, t.part, t.customerId] }), index("customer_name_keys_customer").on(t.tenantId, t.customerId)],
);

export type DiscountRecord = {
  percentOff?: number;
  amountOff?: number;
  /** The first discounted delivery; absent on discounts accepted before it was kept. */
  startsOn?: string;
  /** The last discounted delivery; plan changes move both dates with the schedule (plan-changes/discount). */
  endsOn: string | null;
  offerId?: string;
};

export type CancellationRecord = {
  flowId?: string;
  reason?: string;
  channel?: string;
  effectiveOn?: string;
  /** The delivery that still ships after a cancellation received inside the cut-off. */
  finalDeliveryOn?: string | null;
  /** The next delivery the cancellation stopped (a reactivation keeps it while it is still ahead). */
  stoppedDeliveryOn?: string | null;
  /** The early-cancellation fee the cancellation charged (null: none). */
  earlyCancellationFee?: { amount: number; currency: string } | null;
  confirmationNumber?: string;
};

export const subscriptions = sqliteTable(
  "subscriptions",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    customerId: text("customer_id").notNull(),
    productSku: text("product_sku").notNull(),
    productName: text("product_name").notNull(),
    productCategory: text("product_category"),
    /** Units in one package (30 for a box of 30 sachets); null: the package is the unit. */
    productUnitsPerPackage: integer("product_units_per_package"),
    /** What a unit is called, as the shop writes it (包, 粒, 本…); null when not given. */
    productUnitLabel: text("product_unit_label"),
    quantity: integer("quantity").notNull(),
    /** Days between deliveries; for a monthly plan its nominal length, round(30.44 × months) (platform/cadence). */
    intervalDays: integer("interval_days").notNull(),
    /** 1–12: the plan is every N calendar months (「1ヶ月ごと」); null: every `intervalDays` days. */
    intervalMonths: integer("interval_months"),
    /** A monthly plan's day of month (1–31), kept when a short month clamps a delivery (1/31 → 2/28 → 3/31); null for day plans. */
    deliveryDay: integer("delivery_day"),
    nextDeliveryOn: text("next_delivery_on"),
    unitPriceAmount: integer("unit_price_amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: ["active", "paused", "canceled"] }).notNull(),
    startedAt: text("started_at").notNull(),
    deliveriesCompleted: integer("deliveries_completed").notNull().default(0),
    /** Deliveries skipped since the last one shipped; the skip limit counts these. */
    consecutiveSkips: integer("consecutive_skips").notNull().default(0),
    commitmentMinDeliveries: integer("commitment_min_deliveries"),
    commitmentFeeAmount: integer("commitment_fee_amount"),
    commitmentFeeCurrency: text("commitment_fee_currency"),
    pausedUntil: text("paused_until"),
    /** While paused: the delivery the pause stopped, where `resume {}` restarts if it can still be changed; null when unknown. */
    pausedFromOn: text("paused_from_on"),
    activeDiscount: text("active_discount", { mode: "json" }).$type<DiscountRecord>(),
    canceledAt: text("canceled_at"),
    cancellation: text("cancellation", { mode: "json" }).$type<CancellationRecord>(),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("subscriptions_customer").on(t.tenantId, t.customerId, t.id),
    // The maintenance job's one cross-tenant question: whose pauses end by this date?
    index("subscriptions_pause_ends").on(t.status, t.pausedUntil, t.tenantId),
  ],
);

export const events = sqliteTable(
  "events",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    type: text("type").notNull(),
    customerId: text("customer_id").notNull(),
    subscriptionId: text("subscription_id"),
    occurredAt: text("occurred_at").notNull(),
    data: text("data", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("events_subscription").on(t.tenantId, t.subscriptionId, t.occurredAt),
    index("events_customer").on(t.tenantId, t.customerId, t.occurredAt),
  ],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    key: text("key").notNull(),
    /** SHA-256 over method, path and body: the same key with another request is refused. */
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["in_progress", "done"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    responseHeaders: text("response_headers", { mode: "json" }).$type<Record<string, string>>(),
    createdAt: text("created_at").notNull(),
    lockedAt: text("locked_at").notNull(),
  },
  // By shop and age: an erasure reads only the answers that can still be replayed (the last 24 h)
  // and the retention job deletes the older ones, so neither walks every answer a shop ever stored.
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index("idempotency_keys_tenant_created").on(t.tenantId, t.createdAt)],
);

/** Every plan change, as history: who (key, channel), what, before and after. Append-only. */
export const planChanges = sqliteTable(
  "plan_changes",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    type: text("type").notNull(),
    channel: text("channel").notNull(),
    /** Kept for readers of the old column: the API key's id when `actor` is a key, else null. */
    keyId: text("key_id"),
    /** Who made it (`Actor`: key, customer session, operator, system); backfilled for old rows. */
    actor: text("actor", { mode: "json" }).$type<Actor>(),
    before: text("before", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    after: text("after", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    /** What led to it, e.g. an accepted offer in a cancel flow. */
    source: text("source", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("plan_changes_subscription").on(t.tenantId, t.subscriptionId, t.createdAt)],
);

/**
 * Subscription starts, cancellations and reactivations per UTC day (`grain` "d", bucket
 * `YYYY-MM-DD`) and per UTC quarter hour (`grain` "q", bucket `YYYY-MM-DDTHH:MM`), kept by triggers
 * (migration 0006) in the transaction of every write, whoever writes. A reactivation is a canceled
 * plan written live again, at its `updated_at` (migration 0033): the API's, a sync's or an import's
 * alike, as win-back closes its record for each. Metrics sum whole days plus
 * the quarter hours at a range's ends instead of reading every subscription: a shop-local day
 * starts on a quarter hour in every time zone, so its bounds are exact, and a change of the shop's
 * time zone needs no rebuild.
 */
export const subscriptionRollups = sqliteTable(
  "subscription_rollups",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    grain: text("grain", { enum: ["d", "q"] }).notNull(),
    bucket: text("bucket").notNull(),
    started: integer("started").notNull().default(0),
    canceled: integer("canceled").notNull().default(0),
    reactivated: integer("reactivated").notNull().default(0),
    /**
     * The canceled spells that a restart ended (migration 0043): +1 in the bucket of the
     * cancellation the restart undid, −1 in the bucket of the restart. The sum over the buckets
     * before an instant is how many restarted plans were canceled at that instant — plans whose
     * `canceled_at` the restart cleared, so `started − canceled` alone counts them as live.
     */
    lapsed: integer("lapsed").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.grain, t.bucket] })],
);

export const webhooks = sqliteTable(
  "webhooks",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).notNull().$type<string[]>(),
    secret: text("secret").notNull(),
    /** After a rotation: the old secret (stored like `secret`), which still signs until `previous_secret_expires_at`. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: text("previous_secret_expires_at"),
    /** Since when deliveries are held (`paused: true`); null: delivering. Held events keep queueing (webhooks/dispatcher HELD). */
    pausedAt: text("paused_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/**
 * The outbox: one row per event and endpoint, written in the same transaction as the change
 * that caused it, then delivered at least once by the dispatcher.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    webhookId: text("webhook_id").notNull(),
    /** The event's id, sent as `webhook-id`: the same for every endpoint and every retry. */
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(),
    /**
     * The customer the event is about (its `customerId`, at the top or in its subscription); null
     * for `customer.erased`. An erasure finds the person's deliveries by it, through an index,
     * instead of reading every payload the shop was ever sent (migration 0036 filled it in).
     */
    customerId: text("customer_id"),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at").notNull(),
    lastError: text("last_error"),
    /** Every attempt, oldest first: `[{ at, statusCode, error }]` (webhooks/deliveries Attempt). */
    attemptLog: text("attempt_log", { mode: "json" }).$type<{ at: string; statusCode: number | null; error: string | null }[]>(),
    /**
     * Since when an attempt is in flight: set when the dispatcher claims the delivery (its
     * `next_attempt_at` then the 60 s lease, not a planned attempt), cleared when the attempt is
     * recorded or left for later. Read with the lease: one past it (a stopped server) is not in flight.
     */
    inFlightSince: text("in_flight_since"),
    createdAt: text("created_at").notNull(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [
    index("webhook_deliveries_due").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_tenant").on(t.tenantId, t.webhookId, t.createdAt),
    // A retry or a list by the id receivers log (`webhook-id`).
    index("webhook_deliveries_event").on(t.tenantId, t.eventId),
    index("webhook_deliveries_customer").on(t.tenantId, t.customerId).where(sql`customer_id IS NOT NULL`),
    // Failed customer.erased deliveries that still name the merchant's id: the few rows the
    // retention sweep looks at (webhooks/dispatcher `forgetAbandonedErasures`), never the rest of the failed ones.
    index("webhook_deliveries_erased_failed")
      .on(t.nextAttemptAt)
      .where(sql`event_type = 'customer.erased' AND status = 'failed' AND json_extract(payload, '$.data.customerId') IS NOT NULL`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Offers and cancel flows (#5)

/** The tenant's offer catalogue. `definition` is the whole `CatalogueOffer` (offers/catalogue). */
export const offers = sqliteTable(
  "offers",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    type: text("type").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    definition: text("definition", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /**
     * A deleted offer stays as a tombstone: the default catalogue is seeded into a tenant only
     * while it has no offer rows at all, so a deleted default never comes back.
     */
    deletedAt: text("deleted_at"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // The catalogue stamp (winback/decide `catalogueStamp`: the latest updated_at) in one seek.
    index("offers_updated").on(t.tenantId, t.updatedAt),
  ],
);

/** The tenant's own cancellation reasons, in display order; none stored = the default list. */
export const cancellationReasons = sqliteTable(
  "cancellation_reasons",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    code: text("code").notNull(),
    position: integer("position").notNull(),
    label: text("label", { mode: "json" }).notNull().$type<{ ja: string; en: string }>(),
    followUpHint: text("follow_up_hint", { mode: "json" }).notNull().$type<{ ja: string; en: string }>(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.code] })],
);

/** The bandit's evidence: how often each offer was accepted or declined, per reason. */
export const offerOutcomes = sqliteTable(
  "offer_outcomes",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    reason: text("reason").notNull(),
    offerId: text("offer_id").notNull(),
    accepted: integer("accepted").notNull().default(0),
    declined: integer("declined").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.reason, t.offerId] })],
);

/**
 * One row per cancel flow: its current state, for metrics and the state machine. The evidence
 * (what was shown, what was answered, when) is in `cancel_flow_steps`, append-only.
 */
export const cancelFlows = sqliteTable(
  "cancel_flows",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    customerId: text("customer_id").notNull(),
    channel: text("channel").notNull(),
    status: text("status", { enum: ["open", "offered", "saved", "canceled", "abandoned"] }).notNull(),
    reason: text("reason"),
    /** The first offer shown, exactly as displayed (copy, parameters, template version). */
    offer: text("offer", { mode: "json" }).$type<Record<string, unknown>>(),
    /** The accepted offer when saved, else the first one shown. */
    offerId: text("offer_id"),
    /** Every offer shown (at most `offersPerFlow`), exactly as displayed. */
    offersShown: text("offers_shown", { mode: "json" }).$type<Record<string, unknown>[]>(),
    /** Chosen at random at creation when the tenant has a holdout: shown no offer. */
    holdout: integer("holdout", { mode: "boolean" }).notNull().default(false),
    /**
     * `holdoutPercent` in force when the flow started and the holdout was drawn (0: none, the flow is
     * in neither arm of the holdout comparison). Flows from before it was kept (migration 0044):
     * the value the audit log's `settings.updated` entries give for that instant.
     */
    holdoutPercent: real("holdout_percent").notNull().default(0),
    /** Requests the customer made in this flow (fairness: how many calls cancelling took). */
    calls: integer("calls").notNull().default(1),
    startedAt: text("started_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    closedAt: text("closed_at"),
    confirmationNumber: text("confirmation_number"),
    /**
     * The flow that replaced this one while it was open (a reload in the portal, 「最初からやり直す」 in
     * the console, a web flow continued by phone): closed as abandoned with the evidence step
     * `superseded`, it is part of that flow's attempt, not an abandonment of its own (metrics count
     * it as `restarted`; risk raises no `cancel_flow_abandoned` for it). Null otherwise. Flows
     * superseded before it was kept: from their `superseded` step (migration 0047). Also set on the
     * newer flow when the replaced one is confirmed after all (the web page's confirm after the call
     * began): closed by that cancellation, it is part of the same attempt.
     */
    supersededBy: text("superseded_by"),
    /**
     * On a flow that replaced open ones: the attempt's first start and channel (of the earliest flow
     * of the chain of restarts), and the calls made in the replaced flows. Null (0) on a flow that
     * started its own attempt. The metrics count the attempt once, on this flow, under that channel,
     * and time to cancel from that start with those calls.
     */
    attemptStartedAt: text("attempt_started_at"),
    attemptChannel: text("attempt_channel"),
    earlierCalls: integer("earlier_calls").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("cancel_flows_subscription").on(t.tenantId, t.subscriptionId, t.startedAt),
    index("cancel_flows_started").on(t.tenantId, t.startedAt),
    index("cancel_flows_expiry").on(t.status, t.expiresAt),
    // A customer's saves (offer save limits, the data dip's next best action).
    index("cancel_flows_customer").on(t.tenantId, t.customerId, t.status),
  ],
);

/** The evidence record of a cancel flow, one row per step. Never updated, never deleted. */
export const cancelFlowSteps = sqliteTable(
  "cancel_flow_steps",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    flowId: text("flow_id").notNull(),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    channel: text("channel").notNull(),
    at: text("at").notNull(),
    data: text("data", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    /** Who took the step (`Actor`); null on steps recorded before actors were kept. */
    actor: text("actor", { mode: "json" }).$type<Actor>(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.flowId, t.seq] })],
);

// ---------------------------------------------------------------------------------------------
// Churn risk (#6)

/**
 * The current risk of each subscription, maintained as data arrives so a lookup reads one row.
 * `features` is the `RiskFeatures` record (risk/features); the score columns are what it scored.
 */
/**
 * A risk_features row as one record of the at-risk list (GET /v1/risk/at-risk): `revenue␟id␟json`,
 * where json is the row as the list shows it (risk/schemas Risk, its fields in toRisk's order)
 * except that drivers carry no label (added per language on read, risk/repository labelDrivers).
 * Drivers and flags are spliced as stored (only JSON.stringify writes them). Bare column names: the
 * at-risk indexes store this expression's value, and a statement that selects the same expression
 * from risk_features reads it from the index entry instead of computing it.
 */
export const AT_RISK_RECORD = `revenue_at_risk || char(31) || subscription_id || char(31) || format('{"subscriptionId":%s,"customerId":%s,"score":%d,"probability":%s,"band":%s,"drivers":%s,"flags":%s,"revenueAtRisk":{"amount":%d,"currency":%s},"modelVersion":%s,"computedAt":%s}', json_quote(subscription_id), json_quote(customer_id), score, probability, json_quote(band), drivers, flags, revenue_at_risk, json_quote(currency), json_quote(model_version), json_quote(computed_at))`;

export const riskFeatures = sqliteTable(
  "risk_features",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    subscriptionId: text("subscription_id").notNull(),
    customerId: text("customer_id").notNull(),
    features: text("features", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    probability: real("probability").notNull(),
    score: integer("score").notNull(),
    band: text("band", { enum: ["low", "medium", "high"] }).notNull(),
    drivers: text("drivers", { mode: "json" }).notNull().$type<unknown[]>(),
    flags: text("flags", { mode: "json" }).notNull().$type<string[]>(),
    /** probability × remaining value, in minor units: the at-risk list's order. */
    revenueAtRisk: integer("revenue_at_risk").notNull(),
    /** The subscription's currency: revenue at risk is in its minor units. */
    currency: text("currency").notNull().default("JPY"),
    modelVersion: text("model_version").notNull(),
    computedAt: text("computed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.subscriptionId] }),
    // The at-risk list is read from these two indexes alone (one band; every band), and each
    // entry holds the row as the list shows it, already written as JSON text (AT_RISK_RECORD):
    // a page is one short walk that concatenates 21 stored texts. Building the text per row in
    // the page's statement was most of its time (84 of ≈ 90 µs on the 1M tenant; a covering
    // index of the raw columns, migration 0017, saved the table seeks only). A write computes
    // the text once per index (≈ 1.2 µs a row), and the statement must spell the expression as
    // the index does for SQLite to read it from the entry (risk/repository atRiskDocument).
    // Revenue and id both descending: a later page is then one seek of a row value
    // (`(revenue, id) < cursor`), which SQLite cannot do on an index mixing DESC and ASC.
    index("risk_features_at_risk").on(t.tenantId, t.band, sql`${t.revenueAtRisk} desc`, sql`${t.subscriptionId} desc`, sql.raw(AT_RISK_RECORD)),
    index("risk_features_all_bands")
      .on(t.tenantId, sql`${t.revenueAtRisk} desc`, sql`${t.subscriptionId} desc`, sql.raw(AT_RISK_RECORD))
      .where(sql`revenue_at_risk > 0`),
    index("risk_features_customer").on(t.tenantId, t.customerId),
    // Periodic re-scoring walks the stalest rows first, across tenants.
    index("risk_features_computed").on(t.computedAt),
    // …and, after a shop's new model, that shop's rows computed before it (risk/rescore
    // rescoreStale): without it, on a file without ANALYZE statistics (the app never runs it),
    // SQLite read the shop's every row and sorted them — 3 s on the loop for 1,000,000.
    index("risk_features_tenant_computed").on(t.tenantId, t.computedAt),
  ],
);

/**
 * A table of trained models of one kind (platform/logistic LinearModel as JSON, with its training
 * report and hold-out AUC), versioned per tenant; at most one active per tenant.
 */
function trainedModels<N extends string>(name: N) {
  return sqliteTable(
    name,
    {
      tenantId: text("tenant_id").notNull().references(() => tenants.id),
      version: text("version").notNull(),
      model: text("model", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
      report: text("report", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
      auc: real("auc"),
      active: integer("active", { mode: "boolean" }).notNull().default(false),
      trainedAt: text("trained_at").notNull(),
    },
    (t) => [primaryKey({ columns: [t.tenantId, t.version] })],
  );
}

/** Each trained risk model; none active → the default model (risk/model). */
export const riskModels = trainedModels("risk_models");

// ---------------------------------------------------------------------------------------------
// Customer sessions (#12)

/**
 * A customer session: a browser on the shop's my-page acting for one customer. The token is a
 * signed JWT naming this row (platform/session-tokens); the row is read with each request so a
 * revoked session fails on its next request. No secret is stored: the token's signature is the
 * proof, and the signing key is derived from SECRETS_KEY.
 */
export const customerSessions = sqliteTable(
  "customer_sessions",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    customerId: text("customer_id").notNull(),
    /** When set, the session reaches this one subscription only. */
    subscriptionId: text("subscription_id"),
    locale: text("locale"),
    /** The API key that minted it. */
    keyId: text("key_id"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("customer_sessions_expiry").on(t.expiresAt)],
);

// ---------------------------------------------------------------------------------------------
// The operator console (#13)

/**
 * Operator sessions of the console. Neither token is stored: `tokenHash` is SHA-256 of the cookie's
 * token, `loginHash` of the one-time URL's; `loginUsedAt` makes that URL work once. A logout sets
 * `revokedAt`; every request reads the row, so it ends the session at once.
 */
export const consoleSessions = sqliteTable(
  "console_sessions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    operatorId: text("operator_id").notNull(),
    operatorName: text("operator_name").notNull(),
    role: text("role", { enum: ["operator", "supervisor"] }).notNull(),
    /** The API key that opened it: revoking that key ends the session (null: opened before this was kept). */
    keyId: text("key_id"),
    /** Set when the one-time URL is opened: the cookie's token exists only from then on. */
    tokenHash: text("token_hash"),
    loginHash: text("login_hash").notNull(),
    loginUsedAt: text("login_used_at"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("console_sessions_token").on(t.tokenHash), uniqueIndex("console_sessions_login").on(t.loginHash)],
);

/**
 * The shop's knowledge entries (FAQ, usage advice, product knowledge, policy) operators read out.
 * `title` and `body` are `{ ja, en }`; `category` is the product category, `topic` the second axis.
 * `uses` counts the times an operator marked the entry used (the console lists most used first).
 */
export const knowledgeEntries = sqliteTable(
  "knowledge_entries",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    title: text("title", { mode: "json" }).notNull().$type<{ ja: string; en: string }>(),
    body: text("body", { mode: "json" }).notNull().$type<{ ja: string; en: string }>(),
    category: text("category"),
    topic: text("topic").notNull(),
    reasons: text("reasons", { mode: "json" }).notNull().$type<string[]>(),
    uses: integer("uses").notNull().default(0),
    lastUsedAt: text("last_used_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("knowledge_entries_uses").on(t.tenantId, t.uses)],
);

// ---------------------------------------------------------------------------------------------
// Audit (#16)

/**
 * Who did what, when, for every admin and data-rights action (platform/audit). Append-only:
 * triggers refuse DELETE and every UPDATE but one — an erasure moving a customer id (`actor_id`
 * of a `customer` actor, `target_id` of a `customer` target) to the erased customer's pseudonym,
 * allowed by a row of `audit_log_rekeys` (migration 0025). Holds ids, never personal data.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** `aud_…`, ordered as written within a process (platform/crypto `newId`); the log's order is (at, id). */
    id: text("id").notNull(),
    at: text("at").notNull(),
    actorType: text("actor_type", { enum: ["key", "operator", "customer", "system"] }).notNull(),
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name"),
    /** `noun.verb`, e.g. `key.created`, `customer.erased` (platform/audit AUDIT_ACTIONS). */
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    /** What changed, without personal data or secrets (e.g. the settings fields sent). */
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("audit_log_at").on(t.tenantId, t.at, t.id),
    // An erasure finds the person's entries by these: partial, so the entries most writes add
    // (keys, sessions minted, settings) cost no index entry.
    index("audit_log_customer_actor").on(t.tenantId, t.actorId).where(sql`actor_type = 'customer'`),
    index("audit_log_customer_target").on(t.tenantId, t.targetId).where(sql`target_type = 'customer'`),
  ],
);

/**
 * The erasure's permission to re-key audit entries (data-rights/erase): a row exists only inside
 * the erasure's transaction, written before its UPDATE of `audit_log` and deleted after it, so the
 * committed database never pairs an original customer id with its pseudonym. The triggers of
 * migration 0025 allow a row only from an id no customer has any more to an erased customer's id,
 * and allow an audit entry's UPDATE only as such a row says.
 */
export const auditLogRekeys = sqliteTable(
  "audit_log_rekeys",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** The merchant's customer id, being erased. */
    fromId: text("from_id").notNull(),
    /** Its pseudonym (`erased_…`). */
    toId: text("to_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.fromId] })],
);

// ---------------------------------------------------------------------------------------------
// Win-back (#17)

/** The shop's exit survey: questions and the keep-in-touch wording. No row = the default survey. */
export const exitSurveys = sqliteTable("exit_surveys", {
  tenantId: text("tenant_id").primaryKey().references(() => tenants.id),
  /** `ExitSurveyQuestion[]` (winback/survey). */
  questions: text("questions", { mode: "json" }).notNull().$type<unknown[]>(),
  keepInTouchWording: text("keep_in_touch_wording", { mode: "json" }).notNull().$type<{ ja: string; en: string }>(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * Evidence of every keep-in-touch answer (kind `keep_in_touch`) and every profiling objection or
 * its withdrawal (kind `profiling`: `granted` false = the customer objected, true = withdrew the
 * objection): what the customer was shown, what they said, when and through which path.
 * Append-only; the current answers are on `customers.keep_in_touch` and `customers.profiling_opt_out`.
 */
export const contactConsents = sqliteTable(
  "contact_consents",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    customerId: text("customer_id").notNull(),
    /** `keep_in_touch` | `profiling` */
    kind: text("kind", { enum: ["keep_in_touch", "profiling"] }).notNull().default("keep_in_touch"),
    granted: integer("granted", { mode: "boolean" }).notNull(),
    /** The wording exactly as displayed (null when the change came from the shop's own system). */
    wording: text("wording"),
    language: text("language"),
    /** `cancel_flow` | `customer_sync` | `portal` | `console` | `api` */
    source: text("source").notNull(),
    flowId: text("flow_id"),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("contact_consents_customer").on(t.tenantId, t.customerId, t.at)],
);

/**
 * One row per cancellation: what the customer said on leaving, whether they may be contacted, the
 * chance they come back and what it is worth, when to reach out, and what happened.
 */
export const winbacks = sqliteTable(
  "winbacks",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    id: text("id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    customerId: text("customer_id").notNull(),
    flowId: text("flow_id"),
    reason: text("reason"),
    canceledAt: text("canceled_at").notNull(),
    /**
     * Shop-local date of the cancellation in the time zone of the day it was recorded: what its due
     * date and the model's features were decided on. The metrics read `canceled_at` instead, in the
     * shop's time zone as it is now (metrics/winback).
     */
    canceledOn: text("canceled_on").notNull(),
    effectiveOn: text("effective_on").notNull(),
    /** The date the customer said they would be back, if any. */
    returnOn: text("return_on"),
    /** When `winback.due` fires: `returnOn`, else `winbackDelayDays` after `effectiveOn`. */
    dueOn: text("due_on").notNull(),
    /** `pending` (waiting for its date, or for an endpoint that takes `winback.due`) | `sent` | `skipped` (winback/due `dueOutcome`). */
    dueStatus: text("due_status", { enum: ["pending", "sent", "skipped"] }).notNull().default("pending"),
    dueSentAt: text("due_sent_at"),
    /** Drawn at cancellation (`winbackHoldoutPercent`): never listed, never sent `winback.due`. */
    holdout: integer("holdout", { mode: "boolean" }).notNull().default(false),
    /** `winbackHoldoutPercent` in force at the draw (0: none: in neither arm of the holdout lift); older records as for `cancel_flows.holdout_percent` (migration 0044). */
    holdoutPercent: real("holdout_percent").notNull().default(0),
    /**
     * Whether the customer may be contacted now (winback/service `isContactable`: keep-in-touch, else
     * marketing consent; a way to reach them; not erased): the list's index filter. Written by SQLite
     * (migration 0023's triggers on customers and on this table), so no write path leaves it stale.
     */
    contactable: integer("contactable", { mode: "boolean" }).notNull().default(false),
    /**
     * Whether the customer could be contacted when the cancellation was recorded and its holdout
     * drawn (`contactable` then): the win-back holdout's arms (metrics/winback), which a later "no",
     * opt-out or erasure must not move. Records from before migration 0052 take `contactable` as it was then;
     * a record an older build inserts without it (still serving while the database is migrated) takes
     * the `contactable` it was inserted with (migration 0053's trigger), not this DEFAULT.
     */
    contactableAtDraw: integer("contactable_at_draw", { mode: "boolean" }).notNull().default(false),
    /** Whether the subscription is still `canceled`: the list's other index filter, written by SQLite like `contactable` (migration 0023). */
    planCanceled: integer("plan_canceled", { mode: "boolean" }).notNull().default(false),
    survey: text("survey", { mode: "json" }).$type<{ questionId: string; answer: string }[]>(),
    /** `WinbackFeatures` as of the cancellation (winback/model). */
    features: text("features", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    /** Probability of reactivating within 180 days. */
    probability: real("probability").notNull(),
    /** probability × a year of deliveries, minor units of `currency`: the candidates' order. */
    expectedValue: integer("expected_value").notNull(),
    /** A year of the subscription's deliveries, minor units. */
    annualValue: integer("annual_value").notNull(),
    currency: text("currency").notNull(),
    drivers: text("drivers", { mode: "json" }).notNull().$type<unknown[]>(),
    modelVersion: text("model_version").notNull(),
    /** Tenant-local date the probability was computed (re-scored as time since cancelling grows). */
    scoredOn: text("scored_on").notNull(),
    /** First win-back contact: a `winback.due` webhook when an endpoint accepted it, or a `winback.contacted` event. */
    contactedAt: text("contacted_at"),
    reactivatedAt: text("reactivated_at"),
    /**
     * The reactivation undid the cancellation: it came on or before `effectiveOn` (shop-local, as
     * plan-changes/rules `undoesCancellation` decides), so the cancellation never took effect. A
     * withdrawn decision, like a restarted flow: in no loss or return figure (metrics/flows,
     * metrics/winback, metrics/population). Written with `reactivated_at` (winback/service
     * `recordReactivations`); records from before migration 0059 as that migration could tell.
     */
    undone: integer("undone", { mode: "boolean" }).notNull().default(false),
    /** A year of deliveries of the reactivated plan (revenue recovered), minor units. */
    recoveredAmount: integer("recovered_amount"),
    /**
     * The comeback offer decided at scoring time (winback/decide `StoredComeback`: the offer in both
     * languages for the restart date of that day, and the plan it was made for), so the candidates
     * list only reads it. Null until decided (rows older than this column: the maintenance job).
     */
    comeback: text("comeback", { mode: "json" }).$type<Record<string, unknown>>(),
    /** The catalogue stamp the comeback was decided at (winback/decide `catalogueStamp`); '' = not decided. Older than the tenant's → re-decided. */
    comebackStamp: text("comeback_stamp").notNull().default(""),
    /**
     * The comeback as the candidates list shows it, per language: `presentComeback` as JSON text
     * ('null': no offer), spliced into the page by SQL (winback/candidates). Rendered for the restart
     * date `comebackRestartOn` whenever the comeback is decided or re-rendered (winback/decide).
     */
    comebackJa: text("comeback_ja"),
    comebackEn: text("comeback_en"),
    /**
     * What `comebackJa` and `comebackEn` hold, as a content hash (winback/decide `shownComeback`):
     * the list reads this key from its index and splices the text it remembers for it, so a page's
     * statement carries no comeback text. Null: not rendered since migration 0022 (the maintenance job renders it).
     */
    comebackKey: text("comeback_key"),
    /** The restart date the shown comeback was rendered for; null: no offer (nothing to move); '': not rendered yet. */
    comebackRestartOn: text("comeback_restart_on").default(""),
    /**
     * The candidates list's JSON text of the row around its drivers and offer (winback/candidates),
     * written by SQLite itself: triggers of migration 0020 on every insert and on every change of a
     * column in it, so no write path can leave it stale. Null only when written some other way.
     */
    listedHead: text("listed_head"),
    listedTail: text("listed_tail"),
    /**
     * The row as the list's statement hands it (winback/candidates `candidatesDocument`): its sort
     * key, comeback stamp, dates, comeback key, listed text and stored drivers, ␟-separated, written
     * by SQLite (migration 0024's trigger) whenever one of them changes. Null while `listed_head`
     * or `listed_tail` is.
     */
    listedRecord: text("listed_record"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("winbacks_subscription").on(t.tenantId, t.subscriptionId, t.canceledAt),
    index("winbacks_customer").on(t.tenantId, t.customerId),
    // The win-back metrics read every column they count from here (no table row): one pass over
    // a range of UTC days of the cancellations' instants, grouped in index order (metrics/winback:
    // by instant, so the figures follow a change of the shop's time zone; migration 0045).
    index("winbacks_metrics").on(
      t.tenantId,
      sql`substr(${t.canceledAt}, 1, 10)`,
      t.reason,
      t.currency,
      t.reactivatedAt,
      t.canceledAt,
      t.contactedAt,
      t.contactableAtDraw,
      t.holdout,
      t.holdoutPercent,
      t.recoveredAmount,
      // Undone cancellations are left out of every figure (migration 0059).
      t.undone,
    ),
    // The restarts that undid their cancellation, by instant: taken out of the rollups' reactivations
    // (metrics/population). Few rows, one range seek.
    index("winbacks_undone").on(t.tenantId, t.reactivatedAt).where(sql`undone = 1`),
    // The candidates list: one walk down this index, best first, reading every column the page
    // shows from the entry itself (covering: the table row, ~5 kB with overflow pages, is never read).
    index("winbacks_listable")
      .on(
        t.tenantId,
        sql`${t.expectedValue} desc`,
        t.id,
        t.contactable,
        t.holdout,
        t.reactivatedAt,
        t.planCanceled,
        t.listedRecord,
        t.flowId,
        t.dueStatus,
        // `due=now` (winback/candidates): the walk tests each entry's date here, not in its ~5 kB
        // table row (a shop with none due read every listed row per page; migration 0057).
        t.dueOn,
      )
      // A cancellation a sync or an import recorded that will never be contacted (older than the contact
      // horizon when recorded, or passed over when it fell due: `skipped`, no flow) is history, not a candidate.
      .where(sql`contactable = 1 AND plan_canceled = 1 AND holdout = 0 AND reactivated_at IS NULL AND (flow_id IS NOT NULL OR due_status <> 'skipped')`),
    // The maintenance job's question, asked per shop with an endpoint that takes `winback.due`:
    // has a win-back date come (winback/due)? A seek per such shop, whatever other shops keep waiting.
    index("winbacks_due").on(t.tenantId, t.dueStatus, t.dueOn),
    // The maintenance job's question: whose comeback was decided on an older catalogue (or never)?
    index("winbacks_comeback").on(t.tenantId, t.comebackStamp).where(sql`reactivated_at IS NULL`),
    // The maintenance job's other question: which listed rows show a restart date that has passed (or none yet)?
    // Not old synced history that will never be contacted (as winbacks_listable: migration 0031), which
    // the daily re-render would otherwise work over every day (migration 0034).
    index("winbacks_shown")
      .on(t.tenantId, t.comebackRestartOn)
      .where(sql`contactable = 1 AND holdout = 0 AND reactivated_at IS NULL AND (flow_id IS NOT NULL OR due_status <> 'skipped')`),
    // And which listed rows were scored before today (winback/train `rescoreListedWinbacks`)?
    index("winbacks_scored")
      .on(t.tenantId, t.scoredOn)
      .where(sql`contactable = 1 AND holdout = 0 AND reactivated_at IS NULL`),
  ],
);

/** Each trained win-back model; none active → the default model (winback/model). */
export const winbackModels = trainedModels("winback_models");
