import type { Database } from "../db/client";
import { rebuildTenantRisk } from "../risk/rescore";

/** After seeding: every demo subscription gets its risk row, replayed from the seeded history. */
export async function seedDemoRisk(db: Database, tenantId: string, now: Date): Promise<number> {
  return (await rebuildTenantRisk(db, tenantId, now)).rebuilt;
}
