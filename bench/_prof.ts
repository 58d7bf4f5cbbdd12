import { createApp } from "../src/app";
import { openBigTenant, BIG_API_KEY, bigPhone, bigSubscriptionId } from "./big-tenant";
const big = await openBigTenant("data/bench-20000.db", 20000);
const app = createApp(() => ({ db: big.db, now: () => new Date() }));
const h = { authorization: `Bearer ${BIG_API_KEY}` };
const kind = process.argv[2] ?? "lookup";
const path = (i: number) => kind === "lookup" ? `/v1/lookup?phone=${bigPhone(i % 16000)}` : kind === "risk" ? `/v1/subscriptions/${bigSubscriptionId(i % 20000)}/risk` : "/health";
for (let i = 0; i < 500; i++) await app.request(path(i), { headers: h });
const t = performance.now();
const N = 5000;
for (let i = 0; i < N; i++) { const r = await app.request(path(i * 7), { headers: h }); if (r.status !== 200) throw new Error(String(r.status)); await r.text(); }
console.log(kind, ((performance.now() - t) * 1000 / N).toFixed(0), "µs/request sequential");
const t2 = performance.now();
for (let i = 0; i < N; i++) await big.db.client.execute({ sql: "SELECT id, status, next_delivery_on FROM subscriptions WHERE tenant_id = ? AND id = ?", args: ["ten_bench_1m", bigSubscriptionId(i % 20000)] });
console.log("raw query", ((performance.now() - t2) * 1000 / N).toFixed(0), "µs");
