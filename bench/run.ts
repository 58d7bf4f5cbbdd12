import { serve } from "@hono/node-server";
import autocannon from "autocannon";
import { and, eq, gt } from "drizzle-orm";
import { Hono } from "hono";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem, type } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { subscriptions } from "../src/db/schema";
import { DEMO_API_KEY, DEMO_TENANT_ID, seedDemo } from "../src/demo/seed";
import { addDays, localDate } from "../src/platform/dates";

/**
 * `npm run bench`: the API on Node with the embedded libSQL file, under concurrent load from
 * autocannon on loopback, beside two floors measured in the same run — a bare Hono JSON route and
 * a route doing one raw indexed libSQL query — so the ratios stay meaningful on a busy machine.
 */
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

const dir = mkdtempSync(join(tmpdir(), "tsuzuku-bench-"));
const db = await openDatabase(`file:${join(dir, "bench.db")}`);
await migrateDatabase(db);
process.stdout.write("seeding… ");
const seeded = await seedDemo(db, { now: new Date() });
console.log(`${seeded.customers} customers, ${seeded.subscriptions} subscriptions`);

const today = localDate(new Date(), "Asia/Tokyo");
const changeable = (
  await db.orm
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, DEMO_TENANT_ID), eq(subscriptions.status, "active"), gt(subscriptions.nextDeliveryOn, addDays(today, 3))))
).map((r) => r.id);

const api = createApp(() => ({ db, now: () => new Date() }));
const root = new Hono();
root.get("/floor/json", (c) => c.json({ ok: true }));
root.get("/floor/query/:id", async (c) => {
  const rs = await db.client.execute({
    sql: "SELECT id, status, next_delivery_on FROM subscriptions WHERE tenant_id = ? AND id = ?",
    args: [DEMO_TENANT_ID, c.req.param("id")],
  });
  return c.json(rs.rows[0] ?? null);
});
root.all("*", (c) => api.fetch(c.req.raw));

const server = serve({ fetch: root.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((r) => server.once("listening", r));
const address = server.address();
const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
const auth = { authorization: `Bearer ${DEMO_API_KEY}`, "content-type": "application/json" };

type Row = { name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number };

async function load(name: string, requests: () => { method: "GET" | "POST"; path: string; body?: string }): Promise<Row> {
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: auth,
    requests: [
      {
        setupRequest: (req) => {
          const r = requests();
          return { ...req, method: r.method, path: r.path, body: r.body, headers: auth };
        },
      },
    ],
  });
  const row = { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
  console.log(`${name.padEnd(34)} ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  non-2xx ${row.non2xx}`);
  return row;
}

let i = 0;
const pick = () => changeable[i++ % changeable.length]!;
const rows: Row[] = [];
rows.push(await load("floor: bare Hono JSON route", () => ({ method: "GET", path: "/floor/json" })));
rows.push(await load("floor: one raw indexed query", () => ({ method: "GET", path: `/floor/query/${pick()}` })));
rows.push(await load("GET /v1/subscriptions/{id}", () => ({ method: "GET", path: `/v1/subscriptions/${pick()}` })));
rows.push(
  await load("POST …/quantity (plan change)", () => ({
    method: "POST",
    path: `/v1/subscriptions/${pick()}/quantity`,
    body: JSON.stringify({ quantity: 1 + (i % 3), channel: "web" }),
  })),
);
rows.push(
  await load("POST …/interval (plan change)", () => ({
    method: "POST",
    path: `/v1/subscriptions/${pick()}/interval`,
    body: JSON.stringify({ intervalDays: [30, 45, 60][i % 3], channel: "web" }),
  })),
);

await new Promise((r) => server.close(r)); // let in-flight requests finish before the database closes
db.client.close();
rmSync(dir, { recursive: true, force: true });

const [json, query] = rows;
const cpu = cpus()[0]?.model ?? "unknown CPU";
const table = [
  "| scenario | req/s | p50 ms | p99 ms | non-2xx | × bare route | × raw query |",
  "|---|---:|---:|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${(r.rps / json!.rps).toFixed(2)} | ${(r.rps / query!.rps).toFixed(2)} |`,
  ),
].join("\n");
const report = `# Benchmarks

\`npm run bench\` — ${new Date().toISOString().slice(0, 10)}, ${type()} on ${cpu} (${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB), Node ${process.version}.
The API on Node with the embedded libSQL file (demo tenant: ${seeded.subscriptions} subscriptions), ${CONNECTIONS} concurrent
connections for ${DURATION_S} s per scenario from autocannon on loopback, in the same process as the server (so the
load generator shares the 2 cores). Floors are measured in the same run.

## Plan changes and reads

${table}

Plan changes write the subscription, a history row and (when endpoints are registered) an outbox row in one
transaction; writes from one process are serialised (see \`src/db/client.ts\`), so their throughput is bounded by
one writer.
`;
writeFileSync(new URL("../BENCHMARKS.md", import.meta.url), report);
console.log("\nBENCHMARKS.md written");
