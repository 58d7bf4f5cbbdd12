import { resolve } from "node:path";
import { count } from "drizzle-orm";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { tenants } from "../src/db/schema";
import { seedDemo } from "../src/demo/seed";
import { startSqld, type Sqld } from "./sqld";

/** How many of sqld's last lines a failure shows. */
const SHOWN_LINES = 20;

/** The last `SHOWN_LINES` lines sqld wrote, or a note that it wrote none. */
export function sqldTail(sqld: Pick<Sqld, "output">): string {
  return sqld.output().trim().split("\n").slice(-SHOWN_LINES).join("\n") || "(sqld wrote nothing)";
}

/**
 * `npm run dev:worker`'s database: sqld on a free loopback port with its data in `<dataDir>/sqld`
 * (kept between runs), migrated, and seeded with the demo shop when it has no tenant yet. sqld's
 * own output (its start-up lines and an INFO line per slow statement, dozens while the demo shop
 * is seeded) stays out of the terminal; if sqld does not start, or the migration or the seed
 * fails, the error says why with sqld's last lines, and sqld is stopped.
 */
export async function startDevDatabase(dataDir: string): Promise<Sqld> {
  // The shop's data, as the embedded file is (0600): sqld inherits this process's umask, and
  // under the usual 022 its files were readable by every user of the machine (trial57).
  process.umask(0o077);
  let sqld: Sqld;
  try {
    sqld = await startSqld({ dbPath: resolve(dataDir, "sqld") });
  } catch (e) {
    // startSqld's error already ends with sqld's output.
    throw new Error(`sqld did not start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    const db = await openDatabase(sqld.url);
    try {
      await migrateDatabase(db);
      const [row] = await db.orm.select({ n: count() }).from(tenants);
      if (row?.n === 0) await seedDemo(db, { now: new Date() });
    } finally {
      db.client.close();
    }
  } catch (e) {
    const tail = sqldTail(sqld);
    await sqld.stop();
    throw new Error(`could not prepare the database on ${sqld.url}: ${e instanceof Error ? e.message : String(e)}\n--- sqld's last lines ---\n${tail}`, { cause: e });
  }
  return sqld;
}
