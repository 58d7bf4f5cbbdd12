import { inArray } from "drizzle-orm";
import type { Database } from "../db/client";
import { tenants } from "../db/schema";
import { addDays, localDate } from "../platform/dates";
import { TenantStore } from "../platform/tenancy";
import { TOGETHER, type TenantShares } from "../platform/step-faults";
import { resolveSettings, type TenantSettings } from "../settings/schemas";

/**
 * A maintenance job over the shops that have something due by their own local today (a pause
 * ending, a win-back date come). `dueTenants` is the job's one cross-tenant read, given the
 * latest local date anywhere — tomorrow in UTC, since no time zone is more than 14 hours ahead —
 * so a run with nothing due takes no write lock at all; `run` then gets each such shop's store,
 * settings and local today, each shop's share apart from the others' (`shares`: one that throws
 * counts 0). Answers the sum of what `run` returns.
 */
export async function forTenantsDue(
  db: Database,
  now: Date,
  dueTenants: (latestToday: string) => Promise<{ tenantId: string }[]>,
  run: (store: TenantStore, shop: { settings: TenantSettings; today: string }) => Promise<number>,
  shares: TenantShares = TOGETHER,
): Promise<number> {
  const candidates = await dueTenants(addDays(now.toISOString().slice(0, 10), 1));
  if (candidates.length === 0) return 0;
  const shops = await db.orm
    .select({ id: tenants.id, settings: tenants.settings })
    .from(tenants)
    .where(inArray(tenants.id, candidates.map((c) => c.tenantId)));
  let total = 0;
  for (const shop of shops) {
    total += await shares.run(shop.id, 0, () => {
      const settings = resolveSettings(shop.settings);
      return run(new TenantStore(db, shop.id), { settings, today: localDate(now, settings.timeZone) });
    });
  }
  return total;
}
