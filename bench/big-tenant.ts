/**
 * A tenant with 1,000,000 subscriptions (800,000 customers, their risk rows) in an embedded
 * libSQL file under data/, for the risk and lookup benchmarks. Seeded once and reused: the file
 * is kept between runs and rebuilt only when the seed version or size changes.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { InValue } from "@libsql/client";
import { closeSync, existsSync, openSync, readSync, rmSync } from "node:fs";
import type { Database } from "../src/db/client";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { addDays, localDate } from "../src/platform/dates";
import { progressOn, type Progress } from "../src/platform/progress";
import { seededRng } from "../src/platform/random";
import { emptyFeatures, type RiskFeatures } from "../src/risk/features";
import { scoreSubscription } from "../src/risk/maintain";
import { DEFAULT_MODEL } from "../src/risk/model";
import { createTenant, issueKey } from "../src/tenants/keys";

export const BIG_TENANT_ID = "ten_bench_1m";
export const BIG_API_KEY = "tsz_bench_OneMillionSubscriptions2026";
const SEED_VERSION = "v3"; // v3: features stored sparse (v2: drivers without labels)

export type BigTenant = { db: Database; subscriptions: number; customers: number; seededSeconds: number | null };

/** Customer i's phone: 090-1xxx-xxxx. */
export const bigPhone = (i: number) => `090${10_000_000 + i}`;
export const bigCustomerId = (i: number) => `C-${String(i).padStart(7, "0")}`;
export const bigSubscriptionId = (i: number) => `S-${String(i).padStart(7, "0")}`;

/** The five ways a caller's number reaches the data dip (the lookup scenarios cycle through them). */
export const PHONE_FORMS: readonly ((p: string) => string)[] = [
  (p) => p, // 0901xxxxxxx
  (p) => `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`,
  (p) => `+81 ${p.slice(1, 3)} ${p.slice(3, 7)} ${p.slice(7)}`,
  (p) => p.slice(1), // caller-ID without the trunk 0
  (p) => p.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))), // full-width
];

const progressByLabel = new Map<string, Progress>();

export function progressLine(label: string, done: number, total: number, startedMs: number) {
  const pct = ((100 * done) / total).toFixed(1);
  const s = (Date.now() - startedMs) / 1000;
  const eta = done > 0 ? ((s / done) * (total - done)).toFixed(0) : "?";
  const progress = progressByLabel.get(label) ?? progressOn(process.stdout);
  progressByLabel.set(label, progress);
  progress.update(`${label}: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${pct} %) ${s.toFixed(0)} s, ~${eta} s left`, done, total);
  if (done >= total) {
    progress.end();
    progressByLabel.delete(label);
  }
}

/**
 * Reads the kept file (and its WAL) once, so the rounds start on a warm page cache as a serving
 * machine's would: this VM reclaims idle page cache, and on a cold file the raw-query floor's first
 * round ran at 649 req/s and its fifth at 4,002 (2026-12-01 04:21 UTC), which skewed every ratio.
 */
function warmPageCache(path: string) {
  const chunk = Buffer.allocUnsafe(8 << 20);
  for (const file of [path, `${path}-wal`]) {
    if (!existsSync(file)) continue;
    const fd = openSync(file, "r");
    try {
      while (readSync(fd, chunk, 0, chunk.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  }
}

export async function openBigTenant(path: string, subscriptionCount = 1_000_000): Promise<BigTenant> {
  const customerCount = Math.round(subscriptionCount * 0.8);
  const label = `bench ${SEED_VERSION} ${subscriptionCount}`;
  if (existsSync(path)) {
    const db = await openDatabase(`file:${path}`);
    await migrateDatabase(db);
    const rs = await db.client.execute({ sql: "SELECT name FROM tenants WHERE id = ?", args: [BIG_TENANT_ID] });
    if (rs.rows[0]?.name === label) {
      warmPageCache(path);
      return { db, subscriptions: subscriptionCount, customers: customerCount, seededSeconds: null };
    }
    db.client.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  }
  const started = Date.now();
  const db = await openDatabase(`file:${path}`);
  await migrateDatabase(db);
  await db.client.execute("PRAGMA synchronous = OFF");
  const now = new Date();
  const today = localDate(now, "Asia/Tokyo");
  const rng = seededRng(0x31_4d);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;

  // One transaction per chunk of many multi-row statements: bulk speed, bounded memory.
  const insertRows = async (table: string, cols: string[], total: number, row: (i: number) => InValue[], rowsPerStatement: number, what: string) => {
    const t0 = Date.now();
    const placeholders = `(${cols.map(() => "?").join(",")})`;
    for (let i = 0; i < total; ) {
      const tx = await db.client.transaction("write");
      for (let n = 0; n < 200 && i < total; n++) {
        const count = Math.min(rowsPerStatement, total - i);
        const args: InValue[] = [];
        for (let k = 0; k < count; k++) args.push(...row(i + k));
        await tx.execute({ sql: `INSERT INTO ${table} (${cols.join(",")}) VALUES ${Array(count).fill(placeholders).join(",")}`, args });
        i += count;
      }
      await tx.commit();
      progressLine(what, i, total, t0);
    }
  };

  await db.write(async (tx) => {
    await createTenant(tx, { id: BIG_TENANT_ID, name: "bench (seeding)", at: now });
    await issueKey(tx, { tenantId: BIG_TENANT_ID, name: "bench", scopes: ["read", "write", "admin"], at: now, secret: BIG_API_KEY });
  });

  const iso = now.toISOString();
  await insertRows(
    "customers",
    ["tenant_id", "id", "name", "email", "email_normalized", "phone", "locale", "marketing_consent", "created_at", "updated_at"],
    customerCount,
    (i) => {
      const email = `c${i}@bench.example.jp`;
      return [BIG_TENANT_ID, bigCustomerId(i), `顧客 ${i}`, email, email, `+81${bigPhone(i).slice(1)}`, "ja", 1, iso, iso];
    },
    100,
    "customers",
  );

  const PRICES = [980, 1980, 2980, 3980, 5980, 9800];
  const INTERVALS = [14, 30, 30, 30, 45, 60];
  type Sub = { id: string; customerId: string; status: "active" | "paused" | "canceled"; quantity: number; intervalDays: number; nextDeliveryOn: string | null; unitPriceAmount: number; startedAt: string; deliveriesCompleted: number; activeDiscount: null; currency: "JPY" };
  const subs: Sub[] = new Array(subscriptionCount);
  for (let i = 0; i < subscriptionCount; i++) {
    const r = rng();
    const status = r < 0.85 ? "active" : r < 0.92 ? "paused" : "canceled";
    const intervalDays = pick(INTERVALS);
    const ageDays = Math.floor(rng() * 1000);
    subs[i] = {
      id: bigSubscriptionId(i),
      customerId: bigCustomerId(i % customerCount),
      status,
      quantity: rng() < 0.9 ? 1 : 2,
      intervalDays,
      nextDeliveryOn: status === "canceled" ? null : addDays(today, 1 + Math.floor(rng() * intervalDays)),
      unitPriceAmount: pick(PRICES),
      startedAt: `${addDays(today, -ageDays)}T01:00:00.000Z`,
      deliveriesCompleted: Math.floor(ageDays / intervalDays),
      activeDiscount: null,
      currency: "JPY",
    };
  }
  await insertRows(
    "subscriptions",
    ["tenant_id", "id", "customer_id", "product_sku", "product_name", "product_category", "quantity", "interval_days", "next_delivery_on", "unit_price_amount", "currency", "status", "started_at", "deliveries_completed", "canceled_at", "version", "created_at", "updated_at"],
    subscriptionCount,
    (i) => {
      const s = subs[i]!;
      return [BIG_TENANT_ID, s.id, s.customerId, "AOJIRU-30", "国産大麦若葉の青汁 30包", "health_food", s.quantity, s.intervalDays, s.nextDeliveryOn, s.unitPriceAmount, s.currency, s.status, s.startedAt, s.deliveriesCompleted, s.status === "canceled" ? iso : null, 1, s.startedAt, iso];
    },
    50,
    "subscriptions",
  );

  // Signals drawn at realistic rates, scored with the default model as the write path would.
  const features = (): RiskFeatures => {
    const f = emptyFeatures();
    const dates = (n: number) => Array.from({ length: n }, () => addDays(today, -Math.floor(rng() * 80))).sort();
    if (rng() < 0.2) f.recent.skips = dates(1 + Math.floor(rng() * 2));
    if (rng() < 0.05) f.recent.cancelRequests = dates(1);
    if (rng() < 0.06) f.recent.complaints = dates(1);
    if (rng() < 0.35) {
      f.lastNps = Math.floor(rng() * 11);
      f.lastNpsOn = addDays(today, -Math.floor(rng() * 60));
    }
    if (rng() < 0.3) f.stock = { units: Math.floor(rng() * 4), reportedOn: addDays(today, -Math.floor(rng() * 20)), perDay: null, deliveriesAtReport: 0 };
    return f;
  };
  await insertRows(
    "risk_features",
    ["tenant_id", "subscription_id", "customer_id", "features", "probability", "score", "band", "drivers", "flags", "revenue_at_risk", "currency", "model_version", "computed_at"],
    subscriptionCount,
    (i) => {
      const { row } = scoreSubscription(features(), subs[i]!, DEFAULT_MODEL, today, iso, []);
      return [BIG_TENANT_ID, row.subscriptionId, row.customerId, JSON.stringify(row.features), row.probability, row.score, row.band, JSON.stringify(row.drivers), "[]", row.revenueAtRisk, row.currency, row.modelVersion, row.computedAt];
    },
    100,
    "risk rows",
  );
  await db.client.execute({ sql: "UPDATE tenants SET name = ? WHERE id = ?", args: [label, BIG_TENANT_ID] });
  await db.client.execute("PRAGMA synchronous = NORMAL");
  await db.client.execute("ANALYZE");
  return { db, subscriptions: subscriptionCount, customers: customerCount, seededSeconds: (Date.now() - started) / 1000 };
}

/**
 * Indices spread deterministically over [0, n) (a multiplicative hash of a counter of its own), so a
 * bench reads rows across the whole tenant, not a few the page cache holds.
 */
export function spreader(): (n: number) => number {
  let k = 0;
  return (n) => Math.floor((((k++ * 2_654_435_761) % 4_294_967_296) / 4_294_967_296) * n);
}

/** Serves `fetch` on a free loopback port (the benches' API and floor servers). */
export async function listen(fetch: (req: Request) => Response | Promise<Response>) {
  const server = serve({ fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` };
}

/**
 * The win-back candidates' pages 1–100 (fewer on a small tenant) of the API at `url`, walked once
 * by their cursors: the paths the win-back benches read again, or in turn.
 */
export async function candidatePages(url: string, headers: Record<string, string>): Promise<string[]> {
  const pages = ["/v1/winback/candidates?limit=20"];
  for (let i = 1; i < 100; i++) {
    const res: Response = await fetch(`${url}${pages[i - 1]}`, { headers });
    const next = ((await res.json()) as { nextCursor: string | null }).nextCursor;
    if (!next) break;
    pages.push(`/v1/winback/candidates?limit=20&cursor=${next}`);
  }
  return pages;
}

/**
 * The floors every bench compares with, served apart from the API: `/floor/json`, a bare Hono JSON
 * route (what any request through `fetch` costs at least), and `/floor/query/:id`, one raw indexed
 * libSQL query through the client (a subscription of `tenantId` by id) — the raw-query floor.
 */
export function benchFloors(db: Database, tenantId: string): Hono {
  const floors = new Hono();
  floors.get("/floor/json", (c) => c.json({ ok: true }));
  floors.get("/floor/query/:id", async (c) => {
    const rs = await db.client.execute({ sql: "SELECT id, status, next_delivery_on FROM subscriptions WHERE tenant_id = ? AND id = ?", args: [tenantId, c.req.param("id")] });
    return c.json(rs.rows[0] ?? null);
  });
  return floors;
}
