/**
 * `PATCH /v1/settings { keepContactFingerprints: false }` on the 1,000,000-subscription file: the
 * longest the event loop is held while the PATCH runs (a 1 ms interval's longest gap), then — where
 * the background job drops them (data-rights/retention `dropFingerprints`) — its slices at the Node
 * slice size (`SLICE_BATCHES.retention`): the longest, how many, their total.
 *
 * The bench file has no erased customer, so first ERASED (default 100,000: one customer in 8) get an
 * erasure's fingerprints and `erased_at` in the past, and the setting is put back to true. Writes
 * the file it is given: run it on a COPY (`cp /work/main/data/bench-1000000.db* data/`).
 * `npx tsx bench/fingerprint-drop.ts [rounds]`
 */
import { sql } from "drizzle-orm";
import { createApp } from "../src/app";
import { rateLimitConfigFromEnv } from "../src/platform/rate-limit";
import { SLICE_BATCHES } from "../src/maintenance";
import { BIG_API_KEY, BIG_TENANT_ID, openBigTenant } from "./big-tenant";
import { held } from "./loop-hold";

const ERASED = Number(process.env.ERASED ?? 100_000);
const rounds = Number(process.argv[2] ?? 3);
const big = await openBigTenant("data/bench-1000000.db", 1_000_000);
const db = big.db;
const services = { db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345", rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "1000000000" }) };
const app = createApp(() => services);
const retention = (await import("../src/data-rights/retention")) as { dropFingerprints?: (db: typeof big.db, limit: number) => Promise<number> };

const patch = async (keep: boolean) => {
  const res = await app.fetch(
    new Request("http://bench/v1/settings", { method: "PATCH", headers: { authorization: `Bearer ${BIG_API_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ keepContactFingerprints: keep }) }),
    { incoming: { socket: { remoteAddress: "127.0.0.1" } } },
  );
  if (res.status !== 200) throw new Error(`PATCH: ${res.status} ${await res.text()}`);
};

const count = async () => Number((await db.client.execute({ sql: "SELECT count(*) AS n FROM customers WHERE tenant_id = ? AND (phone_fingerprint IS NOT NULL OR email_fingerprint IS NOT NULL)", args: [BIG_TENANT_ID] })).rows[0]!.n);

for (let round = 1; round <= rounds; round++) {
  // Re-arm: ERASED customers with fingerprints, the setting on, no marker.
  await patch(true);
  await db.write((tx) => tx.run(sql`UPDATE tenants SET settings = json_remove(settings, '$.fingerprintsDroppedAt') WHERE id = ${BIG_TENANT_ID}`));
  const step = Math.round(800_000 / ERASED);
  await db.write((tx) =>
    tx.run(
      sql`UPDATE customers SET erased_at = '2026-06-01T00:00:00.000Z', phone_fingerprint = lower(hex(randomblob(32))), email_fingerprint = lower(hex(randomblob(32)))
          WHERE tenant_id = ${BIG_TENANT_ID} AND rowid % ${step} = 0 AND phone_fingerprint IS NULL`,
    ),
  );
  const before = await count();
  const p = await held(() => patch(false));
  const afterPatch = await count();
  let slices = 0;
  let longestSliceMs = 0;
  let dropMs = 0;
  if (retention.dropFingerprints) {
    for (;;) {
      const t0 = performance.now();
      const n = await retention.dropFingerprints(db, SLICE_BATCHES.retention);
      const ms = performance.now() - t0;
      if (n === 0) break;
      slices++;
      dropMs += ms;
      longestSliceMs = Math.max(longestSliceMs, ms);
      await new Promise((r) => setImmediate(r));
    }
  }
  console.log(
    `round ${round}: fingerprinted ${before} → ${afterPatch} after the PATCH → ${await count()} after the job; PATCH wall ${p.wallMs.toFixed(1)} ms, longest loop hold ${p.holdMs.toFixed(1)} ms` +
      (retention.dropFingerprints ? `; job: ${slices} slices of ${SLICE_BATCHES.retention}, longest ${longestSliceMs.toFixed(1)} ms, total ${(dropMs / 1000).toFixed(1)} s` : ""),
  );
}
db.client.close();
