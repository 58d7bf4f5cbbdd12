import { and, inArray, lte } from "drizzle-orm";
import type { Database } from "../db/client";
import { cancelFlows } from "../db/schema";
import { TenantStore } from "../platform/tenancy";
import { expireFlows } from "./service";

/**
 * Maintenance: flows left open past `expiresAt` become abandoned. Finding which tenants have due
 * flows is the one cross-tenant read (an index seek on status + expiry); the writes go through
 * each tenant's own store, up to `batch` flows per tenant (expireFlows' default when not given).
 */
export async function expireDueFlows(db: Database, now: Date, batch?: number): Promise<number> {
  const due = await db.orm
    .selectDistinct({ tenantId: cancelFlows.tenantId })
    .from(cancelFlows)
    .where(and(inArray(cancelFlows.status, ["open", "offered"]), lte(cancelFlows.expiresAt, now.toISOString())));
  let n = 0;
  for (const { tenantId } of due) n += await expireFlows(new TenantStore(db, tenantId), now, batch);
  return n;
}
