import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { TOGETHER, type TenantShares } from "../platform/step-faults";
import { TenantStore } from "../platform/tenancy";
import { expireFlows } from "./service";

/**
 * Maintenance: flows left open past `expiresAt` become abandoned. Finding which tenants have due
 * flows is the one cross-tenant read (an index seek on status + expiry); the writes go through
 * each tenant's own store, up to `batch` flows per tenant (expireFlows' default when not given),
 * each tenant's share apart from the others' (`tenants`, src/maintenance).
 */
export async function expireDueFlows(db: Database, now: Date, batch?: number, tenants: TenantShares = TOGETHER): Promise<number> {
  // Through its index by name, whatever the statistics say (see winback/due: a DISTINCT chose to walk another index).
  const due = await db.orm.all<{ tenantId: string }>(
    sql`SELECT DISTINCT tenant_id AS tenantId FROM cancel_flows INDEXED BY cancel_flows_expiry WHERE status IN ('open', 'offered') AND expires_at <= ${now.toISOString()}`,
  );
  let n = 0;
  for (const { tenantId } of due) n += await tenants.run(tenantId, 0, () => expireFlows(new TenantStore(db, tenantId), now, batch));
  return n;
}
