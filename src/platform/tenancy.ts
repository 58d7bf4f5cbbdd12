import { and, eq, sql, type SQL } from "drizzle-orm";
import type { InValue } from "@libsql/client";
import { SQLiteAsyncDialect, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database, Queryable } from "../db/client";
import { tenants } from "../db/schema";

const dialect = new SQLiteAsyncDialect();

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
 */
export class TenantStore {
  constructor(
    private readonly db: Database,
    readonly tenantId: string,
    /** The query builder: the database, or an open transaction inside `write`. */
    readonly q: Queryable = db.orm,
  ) {}

  /** `tenant_id = <this tenant>` for `table`, AND-ed with any further conditions. */
  owns<T extends TenantTable>(table: T, ...conditions: (SQL | undefined)[]): SQL {
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

  /** The tenant's own row (name, stored settings). */
  async tenant() {
    const [row] = await this.q.select().from(tenants).where(eq(tenants.id, this.tenantId)).limit(1);
    return row!;
  }

  updateTenant(set: Partial<Pick<typeof tenants.$inferInsert, "name" | "settings">>) {
    return this.q.update(tenants).set(set).where(eq(tenants.id, this.tenantId));
  }

  /** Runs `fn` in one write transaction with a store bound to it: all or nothing. */
  write<T>(fn: (store: TenantStore) => Promise<T>): Promise<T> {
    if (this.q !== this.db.orm) return fn(this); // already inside a transaction
    return this.db.write((tx) => fn(new TenantStore(this.db, this.tenantId, tx)));
  }
}
