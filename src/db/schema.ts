import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
    email: text("email"),
    /** Lower-cased, trimmed email used for matching people across records. */
    emailNormalized: text("email_normalized"),
    /** E.164 */
    phone: text("phone"),
    locale: text("locale"),
    marketingConsent: integer("marketing_consent", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("customers_phone").on(t.tenantId, t.phone),
    index("customers_email").on(t.tenantId, t.emailNormalized),
  ],
);

export type DiscountRecord = {
  percentOff?: number;
  amountOff?: number;
  endsOn: string | null;
  offerId?: string;
};

export type CancellationRecord = {
  flowId?: string;
  reason?: string;
  channel?: string;
  effectiveOn?: string;
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
    quantity: integer("quantity").notNull(),
    intervalDays: integer("interval_days").notNull(),
    nextDeliveryOn: text("next_delivery_on"),
    unitPriceAmount: integer("unit_price_amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: ["active", "paused", "canceled"] }).notNull(),
    startedAt: text("started_at").notNull(),
    deliveriesCompleted: integer("deliveries_completed").notNull().default(0),
    commitmentMinDeliveries: integer("commitment_min_deliveries"),
    commitmentFeeAmount: integer("commitment_fee_amount"),
    commitmentFeeCurrency: text("commitment_fee_currency"),
    pausedUntil: text("paused_until"),
    activeDiscount: text("active_discount", { mode: "json" }).$type<DiscountRecord>(),
    canceledAt: text("canceled_at"),
    cancellation: text("cancellation", { mode: "json" }).$type<CancellationRecord>(),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("subscriptions_customer").on(t.tenantId, t.customerId, t.id)],
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
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index("idempotency_keys_created").on(t.createdAt)],
);
