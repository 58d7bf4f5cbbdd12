import { and, eq, fillPlaceholders, getTableColumns, getTableName, inArray, sql, type SQL } from "drizzle-orm";
import type { Client, InValue } from "@libsql/client";
import { SQLiteAsyncDialect, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database, Queryable } from "../db/client";
import { defersWrites } from "../db/deferred-writes";
import {
  cancellationReasons,
  cancelFlows,
  cancelFlowSteps,
  contactConsents,
  customers,
  customerSessions,
  events,
  exitSurveys,
  idempotencyKeys,
  offerOutcomes,
  offers,
  planChanges,
  riskFeatures,
  riskModels,
  subscriptions,
  tenants,
  webhookDeliveries,
  webhooks,
  winbackModels,
  winbacks,
} from "../db/schema";

const dialect = new SQLiteAsyncDialect();

/** A customer session's reach: one customer, and optionally one of their subscriptions. */
export type CustomerScope = { customerId: string; subscriptionId: string | null };

/**
 * How a customer-bound store narrows each table to the customer's own rows (and, for a session
 * naming a subscription, that subscription's). Tables of the shop's own configuration that a
 * customer's flow reads or writes through (the offer catalogue, reasons, webhooks' outbox) are
 * `shared`: tenant scope only, and the routes a session reaches never list them. Any table not
 * named here is refused for a customer-bound store (fail closed): a new table must say which.
 */
function customerConditions(table: TenantTable, tenantId: string, scope: CustomerScope): SQL[] | "shared" | undefined {
  const sub = scope.subscriptionId;
  const ownSubscriptions = () =>
    sql`(SELECT ${subscriptions.id} FROM ${subscriptions} WHERE ${subscriptions.tenantId} = ${tenantId} AND ${subscriptions.customerId} = ${scope.customerId})`;
  switch (table as unknown) {
    case customers:
      return [eq(customers.id, scope.customerId)];
    case subscriptions:
      return [eq(subscriptions.customerId, scope.customerId), ...(sub ? [eq(subscriptions.id, sub)] : [])];
    case cancelFlows:
      return [eq(cancelFlows.customerId, scope.customerId), ...(sub ? [eq(cancelFlows.subscriptionId, sub)] : [])];
    case riskFeatures:
      return [eq(riskFeatures.customerId, scope.customerId), ...(sub ? [eq(riskFeatures.subscriptionId, sub)] : [])];
    case events:
      return [eq(events.customerId, scope.customerId)];
    case customerSessions:
      return [eq(customerSessions.customerId, scope.customerId)];
    // Keep-in-touch is the customer's, not one subscription's: an answer (or a withdrawal) from a
    // session for one subscription updates the contactability of all the customer's win-back rows.
    case contactConsents:
      return [eq(contactConsents.customerId, scope.customerId)];
    case winbacks:
      return [eq(winbacks.customerId, scope.customerId)];
    case planChanges:
      return [inArray(planChanges.subscriptionId, ownSubscriptions()), ...(sub ? [eq(planChanges.subscriptionId, sub)] : [])];
    case cancelFlowSteps:
      return [
        inArray(
          cancelFlowSteps.flowId,
          sql`(SELECT ${cancelFlows.id} FROM ${cancelFlows} WHERE ${cancelFlows.tenantId} = ${tenantId} AND ${cancelFlows.customerId} = ${scope.customerId})`,
        ),
      ];
    case offers:
    case cancellationReasons:
    case offerOutcomes:
    case riskModels:
    case exitSurveys:
    case winbackModels:
    case webhooks:
    case webhookDeliveries:
    case idempotencyKeys: // keyed per principal (platform/idempotency)
      return "shared";
    default:
      return undefined;
  }
}

/**
 * `column IN (…values)` with the values as ONE JSON parameter (`json_each`): for lists of hundreds
 * or thousands of keys (a bulk sync's ids, phones, e-mails), which as bound values would meet
 * SQLite's limit and cost the query builder more than the query. SQLite still probes the
 * column's index once per value.
 */
export function inList(column: SQLiteColumn, values: readonly (string | number)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/**
 * A statement whose SQL text is built once for each shape of store (tenant; customer; customer
 * and one subscription) and then run with values, through `TenantStore.all` / `run`: for the
 * statements every write repeats (a plan change, a sync), where the query builder cost more than
 * SQLite took to run them. `build` writes it as any query, with `store.owns` for the scope and
 * `value(name)` (or `value(name, column)`, to map the value as that column does: JSON, booleans)
 * where a run's values go; the store's own tenant and customer are filled in on each run.
 */
export class Prepared<V extends string> {
  /** @internal compiled text and parameters by store shape */
  readonly compiled = new Map<string, { sql: string; params: unknown[] }>();
  constructor(readonly build: (store: TenantStore, value: (name: V, column?: SQLiteColumn) => SQL) => SQL) {}
}
export const prepared = <V extends string>(build: Prepared<V>["build"]) => new Prepared<V>(build);

type Key<T extends TenantTable> = keyof Omit<T["$inferInsert"], "tenantId"> & string;

/**
 * One row's INSERT into `table` with the columns `keys` (stamped with the store's tenant), as a
 * `prepared` statement: run with the row (`store.run(statement, row)`), each value mapped as its
 * column maps it.
 */
export function preparedInsert<T extends TenantTable, K extends Key<T>>(table: T, keys: readonly K[]): Prepared<K> {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  return prepared<K>((s, value) => sql`INSERT INTO ${table} (${sql.identifier(table.tenantId.name)}, ${sql.join(keys.map((k) => sql.identifier(columns[k]!.name)), sql`, `)})
    VALUES (${s.tenantId}, ${sql.join(keys.map((k) => value(k, columns[k])), sql`, `)})`);
}

/**
 * `UPDATE table SET <set columns> WHERE <the store's scope> AND <each of where = value>`, as a
 * `prepared` statement: run with the new values by key and the conditions' values as `where.<key>`.
 */
export function preparedUpdate<T extends TenantTable, S extends Key<T>, W extends Key<T>>(table: T, set: readonly S[], where: readonly W[]): Prepared<S | `where.${W}`> {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  return prepared<S | `where.${W}`>((s, value) => sql`UPDATE ${table} SET ${sql.join(set.map((k) => sql`${sql.identifier(columns[k]!.name)} = ${value(k, columns[k])}`), sql`, `)}
    WHERE ${s.owns(table, ...where.map((k) => eq(columns[k]!, value(`where.${k}`, columns[k]))))}`);
}

/**
 * `preparedUpdate` of only the columns a write changes, one statement built per set of columns:
 * `updateOf(set)` for `store.run(updateOf(set), values)`. SQLite rewrites the entry of every
 * index that holds a column named in SET, whether its value changed or not (a plan change that
 * named `status` and `paused_until` rewrote its row's entry in `subscriptions_pause_ends`, and
 * a risk refresh that named `customer_id` its entry in `risk_features_customer`: a seek and one
 * more page to the log each). Pick the columns with `changedKeys`.
 */
export function preparedUpdates<T extends TenantTable, S extends Key<T>, W extends Key<T>>(table: T, where: readonly W[]): (set: readonly S[]) => Prepared<S | `where.${W}`> {
  const built = new Map<string, Prepared<S | `where.${W}`>>();
  return (set) => {
    const signature = set.join(",");
    let statement = built.get(signature);
    if (!statement) built.set(signature, (statement = preparedUpdate(table, set, where)));
    return statement;
  };
}

/** The keys among `keys` whose values differ between `before` and `after` (JSON columns compared by their text). */
export function changedKeys<K extends string>(before: { readonly [k in K]?: unknown }, after: { readonly [k in K]?: unknown }, keys: readonly K[]): K[] {
  return keys.filter((k) => !sameColumnValue(before[k], after[k]));
}

/** Column values as stored: scalars by value, JSON columns (an address, a discount) by their text. */
function sameColumnValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== null && b !== null && typeof a === "object" && typeof b === "object" && JSON.stringify(a) === JSON.stringify(b));
}

/**
 * `SELECT <every column of table> WHERE <the store's scope> AND <each of keys = value> LIMIT 1`,
 * as a `prepared` statement: run with `store.findWith(table, statement, values)`.
 */
export function preparedFind<T extends TenantTable, K extends Key<T>>(table: T, keys: readonly K[]): Prepared<K> {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  return prepared<K>((s, value) => sql`SELECT ${columnsOf(table)} FROM ${table} WHERE ${s.owns(table, ...keys.map((k) => eq(columns[k]!, value(k, columns[k]))))} LIMIT 1`);
}

/** The columns of `table` as `table.column` in a select list: read back with `rowOf`. */
export function columnsOf(table: SQLiteTable): SQL {
  return sql.join(Object.values(getTableColumns(table)).map((c) => sql`${table}.${sql.identifier(c.name)}`), sql`, `);
}

/** The ORM's row of `table` from a plain-SQL row selected with `columnsOf` (values mapped as the column maps them). */
export function rowOf<T extends SQLiteTable>(table: T, raw: Record<string, unknown>): T["$inferSelect"] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const v = raw[column.name];
    row[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
  }
  return row as T["$inferSelect"];
}

/** Rows per upsertMany statement: a few milliseconds each on the 1M bench file (≈ 60–150 µs a row with its indexes). */
const UPSERT_SLICE = 50;

/** upsertMany's statements by table and column lists. */
const upserts = new Map<string, Prepared<string>>();

const TENANT = sql.placeholder("$tenant");
const CUSTOMER = sql.placeholder("$customer");
const SESSION_SUBSCRIPTION = sql.placeholder("$sessionSubscription");

/** A table whose rows belong to one tenant. */
export type TenantTable = SQLiteTable & { tenantId: SQLiteColumn };
type Row<T extends TenantTable> = T["$inferSelect"];
type NewRow<T extends TenantTable> = Omit<T["$inferInsert"], "tenantId">;

/**
 * The one place tenant scoping happens. Route handlers get a TenantStore bound to the caller's
 * tenant (from the auth middleware) and never the raw database, so no query can forget the
 * tenant: every read and write below adds `tenant_id = ?` itself, and inserts stamp it.
 *
 * Domain repositories that need joins or aggregates build on `owns()` and `q`.
 *
 * A store for a customer session is also bound to that customer (`customer`): `owns()` then adds
 * the customer's condition for each table (see customerConditions), so another customer's id
 * answers exactly like another tenant's: not found.
 */
export class TenantStore {
  constructor(
    private readonly db: Database,
    readonly tenantId: string,
    /** The query builder: the database, or an open transaction inside `write`. */
    readonly q: Queryable = db.orm,
    /** Set for a customer session: every query is narrowed to this customer too. */
    readonly customer?: CustomerScope,
  ) {}

  /** `tenant_id = <this tenant>` (and, when bound, the customer's own rows) for `table`, AND-ed with any further conditions. */
  owns<T extends TenantTable>(table: T, ...conditions: (SQL | undefined)[]): SQL {
    if (this.customer) {
      const narrowed = customerConditions(table, this.tenantId, this.customer);
      if (narrowed === undefined) throw new Error(`A customer-bound store cannot reach this table; declare it in platform/tenancy customerConditions.`);
      if (narrowed !== "shared") return and(eq(table.tenantId, this.tenantId), ...narrowed, ...conditions) as SQL;
    }
    return and(eq(table.tenantId, this.tenantId), ...conditions) as SQL;
  }

  async find<T extends TenantTable>(table: T, ...conditions: (SQL | undefined)[]): Promise<Row<T> | undefined> {
    // Drizzle's builder types do not follow a generic table; the shape is T's own select type.
    const rows = await (this.q as any).select().from(table).where(this.owns(table, ...conditions)).limit(1);
    return rows[0] as Row<T> | undefined;
  }

  insert<T extends TenantTable>(table: T, values: NewRow<T> | NewRow<T>[]) {
    const stamp = (v: NewRow<T>) => ({ ...v, tenantId: this.tenantId }) as T["$inferInsert"];
    const rows = Array.isArray(values) ? values.map(stamp) : [stamp(values)];
    // Drizzle's insert types do not follow a generic table; rows are T's own insert type.
    return this.q.insert(table).values(rows as any);
  }

  /**
   * Inserts `rows` (stamped with the tenant) in ONE statement; a row whose `target` key (the
   * table's primary key or a unique index, tenant first) exists already gets only the `update`
   * columns from the row sent. The rows travel as one JSON parameter read with `json_each`, each
   * value mapped as the query builder maps it (JSON columns, booleans): a 1,000-row insert built
   * as bound VALUES through the builder cost more than SQLite took to run it (#18 bulk sync), and
   * one parameter never meets SQLite's limit on bound values. Every row must have the keys of
   * the first. Like `insert`, it writes the rows it is given (the caller has read them in scope).
   */
  async upsertMany<T extends TenantTable>(table: T, rows: readonly NewRow<T>[], target: SQLiteColumn[], update: readonly (keyof NewRow<T> & string)[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
    const keys = Object.keys(rows[0]!).filter((k) => k !== "tenantId");
    const cols = keys.map((k) => {
      const column = columns[k];
      if (!column) throw new Error(`upsertMany: no column ${k}`);
      return column;
    });
    const mapped = rows.map((r) => cols.map((c, i) => {
      const v = (r as Record<string, unknown>)[keys[i]!];
      return v === null || v === undefined ? null : c.mapToDriverValue(v);
    }));
    // One row (the risk refresh of every plan change and sync) as bound VALUES: reading it back
    // out of JSON cost SQLite more than the insert (≈ 80–150 → 45–70 µs of CPU a row on the
    // 20,000-subscription file). The text depends only on the table, the column lists and the
    // form: built once.
    const one = rows.length === 1;
    const signature = `${getTableName(table)}|${keys}|${target.map((c) => c.name)}|${update}|${one}`;
    let statement = upserts.get(signature);
    if (!statement) {
      const name = (c: SQLiteColumn) => sql.identifier(c.name);
      const set = update.map((k) => sql`${name(columns[k]!)} = excluded.${name(columns[k]!)}`);
      statement = prepared<string>((s, value) => {
        const source = one
          ? sql`VALUES (${s.tenantId}, ${sql.join(cols.map((_, i) => value(`c${i}`)), sql`, `)})`
          : sql`SELECT ${s.tenantId}, ${sql.join(cols.map((_, i) => sql.raw(`value ->> ${i}`)), sql`, `)} FROM json_each(${value("rows")}) WHERE true`;
        return sql`INSERT INTO ${table} (${name(table.tenantId)}, ${sql.join(cols.map(name), sql`, `)}) ${source}
        ON CONFLICT (${sql.join(target.map(name), sql`, `)}) ${set.length ? sql`DO UPDATE SET ${sql.join(set, sql`, `)}` : sql`DO NOTHING`}`;
      });
      upserts.set(signature, statement);
    }
    // No count is read: on a libSQL server the one row travels with the next statement (`later`).
    if (one) return this.later(statement, Object.fromEntries(mapped[0]!.map((v, i) => [`c${i}`, v])));
    // Many rows in slices, a turn of the event loop between them where statements hold it (a
    // bulk sync's 1,000 subscriptions were one 90–200 ms statement): still one transaction.
    for (let i = 0; i < mapped.length; i += UPSERT_SLICE) {
      if (i > 0) await this.turn();
      await this.run(statement, { rows: JSON.stringify(mapped.slice(i, i + UPSERT_SLICE)) });
    }
  }

  /**
   * A turn of the event loop where statements hold it (`Database.turn`: the embedded file on
   * Node), else nothing: long work inside one request or transaction lets other requests be
   * answered between its slices.
   */
  async turn(): Promise<void> {
    await this.db.turn?.();
  }

  update<T extends TenantTable>(table: T, set: Partial<NewRow<T>>, ...conditions: (SQL | undefined)[]) {
    return this.q
      .update(table)
      .set(set as Partial<T["$inferInsert"]>)
      .where(this.owns(table, ...conditions));
  }

  delete<T extends TenantTable>(table: T, ...conditions: (SQL | undefined)[]) {
    return this.q.delete(table).where(this.owns(table, ...conditions));
  }

  /**
   * One value computed by SQL that `build` scopes with the tenant expression it is given — the
   * same builder the auth middleware can run with the key check (platform/auth prefetchWithKey).
   */
  async scalar(build: (tenant: SQL) => SQL): Promise<unknown> {
    // Hand-built SQL scopes by tenant only: never for a customer-bound store.
    if (this.customer) throw new Error("scalar() is not available to a customer-bound store");
    const rows = (await this.q.all(sql`SELECT (${build(sql`${this.tenantId}`)}) AS v`)) as Record<string, unknown>[] | unknown[][];
    const row = rows[0] as Record<string, unknown> | unknown[] | undefined;
    if (!row) return null;
    return Array.isArray(row) ? row[0] : row.v;
  }

  /**
   * The rows of a plain-SQL read (built with `owns`), as column-named objects. Outside a
   * transaction it goes through the database's statement cache (`Database.readRows`): for reads a
   * bulk job repeats thousands of times.
   */
  async rows(query: SQL): Promise<Record<string, unknown>[]> {
    if (this.q !== this.db.orm) return (await this.q.all(query)) as Record<string, unknown>[];
    const { sql: text, params } = dialect.sqlToQuery(query);
    return this.db.readRows(text, params as InValue[]);
  }

  /** The rows of a `prepared` statement run with `values`, as column-named objects (in this store's transaction, if any). */
  async all<V extends string>(statement: Prepared<V>, values: Record<V, unknown>): Promise<Record<string, unknown>[]> {
    const { text, args } = this.fill(statement, values);
    if (this.q === this.db.orm) return this.db.readRows(text, args);
    if (this.db.inWrite) return this.db.inWrite.all(this.driver(), text, args);
    return (await this.driver().execute({ sql: text, args })).rows as unknown as Record<string, unknown>[];
  }

  /** The row a `preparedFind` statement finds with `values`, as `find` answers it. */
  async findWith<T extends TenantTable, K extends string>(table: T, statement: Prepared<K>, values: Record<K, unknown>): Promise<Row<T> | undefined> {
    const [raw] = await this.all(statement, values);
    return raw ? rowOf(table, raw) : undefined;
  }

  /** Runs a `prepared` write with `values` (in this store's transaction, if any); resolves with the rows it changed. */
  async run<V extends string>(statement: Prepared<V>, values: Record<V, unknown>): Promise<number> {
    const { text, args } = this.fill(statement, values);
    if (this.db.inWrite && this.q !== this.db.orm) return this.db.inWrite.run(this.driver(), text, args);
    return (await this.driver().execute({ sql: text, args })).rowsAffected;
  }

  /**
   * Runs a `prepared` write whose count no one reads. Inside a write on a libSQL server it is held
   * back and sent with the transaction's next statement or its COMMIT (db/deferred-writes): one
   * round trip for several writes. Elsewhere — the embedded file, where a statement costs no round
   * trip, or outside a write — it runs now, as `run`. A failure rejects that next statement (or the
   * commit) instead, and the write is rolled back whole all the same.
   */
  async later<V extends string>(statement: Prepared<V>, values: Record<V, unknown>): Promise<void> {
    const driver = this.q === this.db.orm ? undefined : this.driver();
    if (!defersWrites(driver)) return void (await this.run(statement, values));
    const { text, args } = this.fill(statement, values);
    driver.later({ sql: text, args });
  }

  private fill<V extends string>(statement: Prepared<V>, values: Record<V, unknown>) {
    const shape = !this.customer ? "tenant" : this.customer.subscriptionId === null ? "customer" : "customer+subscription";
    let compiled = statement.compiled.get(shape);
    if (!compiled) {
      // Built with placeholders where this store has its tenant and customer: the same text serves every store of its shape.
      const template = new TenantStore(
        this.db,
        TENANT as unknown as string,
        this.q,
        this.customer && { customerId: CUSTOMER as unknown as string, subscriptionId: this.customer.subscriptionId === null ? null : (SESSION_SUBSCRIPTION as unknown as string) },
      );
      // A null stays NULL (a JSON column would store the text `null`), as the query builder writes it.
      const encoder = (c: SQLiteColumn) => ({ mapToDriverValue: (v: unknown) => (v === null || v === undefined ? null : c.mapToDriverValue(v)) });
      const query = statement.build(template, (name, column) => (column ? sql`${sql.param(sql.placeholder(name), encoder(column))}` : sql`${sql.placeholder(name)}`));
      compiled = dialect.sqlToQuery(query);
      statement.compiled.set(shape, compiled);
    }
    const args = fillPlaceholders(compiled.params, {
      ...values,
      $tenant: this.tenantId,
      $customer: this.customer?.customerId,
      $sessionSubscription: this.customer?.subscriptionId,
    }) as InValue[];
    return { text: compiled.sql, args };
  }

  /** The libSQL client or open transaction under `q`: a prepared statement's text goes to it as it is. */
  private driver(): Pick<Client, "execute"> {
    const session = (this.q as unknown as { session: { tx?: Pick<Client, "execute">; client: Pick<Client, "execute"> } }).session;
    return session.tx ?? session.client;
  }

  /** The tenant's own row (name, stored settings). */
  async tenant() {
    const [row] = await this.q.select().from(tenants).where(eq(tenants.id, this.tenantId)).limit(1);
    return row!;
  }

  /**
   * Stores the tenant's settings as changed at `at`: the time stales what was decided under the
   * old rules (the win-back comebacks: winback/decide `catalogueStamp`), so no settings write can
   * leave them standing.
   */
  updateSettings(settings: Record<string, unknown>, at: Date) {
    return this.q.update(tenants).set({ settings, settingsChangedAt: at.toISOString() }).where(eq(tenants.id, this.tenantId));
  }

  /**
   * Removes the marker `name` a background job keeps beside the settings (settings/schemas
   * FINGERPRINTS_DROPPED_AT) if it still holds `value` — a later PATCH's newer one stays. Not a
   * settings change: `settingsChangedAt` stays.
   */
  forgetSettingsMarker(name: string, value: string) {
    const path = `$.${name}`;
    return this.q.run(sql`UPDATE ${tenants} SET settings = json_remove(settings, ${path}) WHERE id = ${this.tenantId} AND json_extract(settings, ${path}) = ${value}`);
  }

  /** Runs `fn` in one write transaction with a store bound to it: all or nothing. */
  write<T>(fn: (store: TenantStore) => Promise<T>): Promise<T> {
    if (this.q !== this.db.orm) return fn(this); // already inside a transaction
    return this.db.write((tx) => fn(new TenantStore(this.db, this.tenantId, tx, this.customer)));
  }
}
