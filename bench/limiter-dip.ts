/**
 * The data dip with the rate limiter on vs off, against the same seeded demo file (a small local
 * run, not the 1M bench): `npx tsx bench/limiter-dip.ts`. Alternates off/on rounds so machine load
 * drifts hit both alike; prints requests/s and p99 per round and the median ratio.
 */
import autocannon from "autocannon";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { seedDemo, DEMO_API_KEY } from "../src/demo/seed";
import { listen } from "../src/node-server";
import { rateLimitConfigFromEnv } from "../src/platform/rate-limit";
import { customers } from "../src/db/schema";
import { isNotNull } from "drizzle-orm";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = mkdtempSync(join(tmpdir(), "tsuzuku-limiter-"));
const db = await openDatabase(`file:${join(dir, "bench.db")}`);
await migrateDatabase(db);
await seedDemo(db, { now: new Date() });
const phones = (await db.orm.select({ phone: customers.phone }).from(customers).where(isNotNull(customers.phone)).limit(200)).map((r) => r.phone!);
const secretsKey = "bench-secrets-key-0123456789abcdef-0123456789";
// Limits high enough never to refuse: what is measured is the limiter's own cost.
const limits = rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "100000000" });

async function round(withLimiter: boolean) {
  const app = createApp(() => ({ db, now: () => new Date(), secretsKey, rateLimits: withLimiter ? limits : undefined }));
  const server = await new Promise<ReturnType<typeof listen>>((resolve) => {
    const s = listen(app.fetch, { port: 0, hostname: "127.0.0.1", headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 }, () => resolve(s));
  });
  const address = server.address() as { port: number };
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${address.port}`,
    connections: 10,
    duration: SECONDS,
    headers: { authorization: `Bearer ${DEMO_API_KEY}` },
    requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/v1/lookup?phone=${encodeURIComponent(phones[i++ % phones.length]!)}` }) }],
  });
  await new Promise((r) => server.close(r));
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
}

const rows: { off: Awaited<ReturnType<typeof round>>; on: Awaited<ReturnType<typeof round>> }[] = [];
await round(false); // warm-up
for (let r = 0; r < ROUNDS; r++) rows.push({ off: await round(false), on: await round(true) });
for (const [n, r] of rows.entries()) console.log(`round ${n + 1}: off ${r.off.rps.toFixed(0)} req/s p99 ${r.off.p99} ms | on ${r.on.rps.toFixed(0)} req/s p99 ${r.on.p99} ms (non-2xx ${r.off.non2xx}/${r.on.non2xx})`);
const ratios = rows.map((r) => r.on.rps / r.off.rps).sort((a, b) => a - b);
console.log(`median on/off throughput: ${ratios[Math.floor(ratios.length / 2)]!.toFixed(3)}`);
db.client.close();
