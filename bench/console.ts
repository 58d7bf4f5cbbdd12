/**
 * The operator console's screen pop on the demo shop: `BENCH_PART=console npm run bench` (alone;
 * it does not load the 1M tenant). The API on loopback as `npm start` serves it; an operator's
 * console session; 20 callers of the demo shop popped by phone number as a CTI passes it
 * (national form without the leading 0). Measured two ways: the whole karte's HTML over HTTP, and
 * in Chromium from navigation to the page's `load` (styles and script included). Then the sizes
 * of the console's own script and styles.
 */
import { serve } from "@hono/node-server";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { createApp } from "../src/app";
import { ASSETS } from "../src/console/assets.generated";
import { createConsoleSession } from "../src/console/sessions";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { DEMO_TENANT_ID, seedDemo } from "../src/demo/seed";
import { TenantStore } from "../src/platform/tenancy";
import { launchBrowser } from "../test/support/browser";

const LOADS = 20;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const dir = mkdtempSync(join(tmpdir(), "tsuzuku-bench-console-"));
const db = await openDatabase(`file:${join(dir, "bench.db")}`);
await migrateDatabase(db);
const seeded = await seedDemo(db, { now: new Date() });
const app = createApp(() => ({ db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345" }));
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((r) => server.once("listening", r));
const address = server.address();
const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

// Callers with a number only they have (a shared household line answers a pick list instead).
const phones = (
  (await db.orm.all(sql`SELECT phone FROM customers WHERE tenant_id = ${DEMO_TENANT_ID} AND phone LIKE '+81%' GROUP BY phone HAVING count(*) = 1 ORDER BY phone LIMIT ${LOADS}`)) as { phone: string }[]
).map((r) => r.phone.slice(3)); // +81 90… → 90…: caller-ID without the trunk 0

const login = async () => {
  const { loginToken } = await createConsoleSession(new TenantStore(db, DEMO_TENANT_ID), { operatorId: "bench", operatorName: "ベンチ", role: "operator", expiresInSeconds: 3600 }, new Date(), null);
  return `/console/login?token=${loginToken}`;
};

// Over HTTP: the karte's HTML, complete.
const res = await fetch(base + (await login()), { redirect: "manual" });
const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
await fetch(`${base}/console?phone=${phones[0]}`, { headers: { cookie } }); // warm-up
const http: number[] = [];
const htmlBytes: number[] = [];
for (const phone of phones) {
  const t0 = performance.now();
  const r = await fetch(`${base}/console?phone=${phone}`, { headers: { cookie } });
  const html = await r.text();
  http.push(performance.now() - t0);
  htmlBytes.push(Buffer.byteLength(html));
  if (r.status !== 200 || !html.includes('id="who"')) throw new Error(`no karte for ${phone}: ${r.status}`);
}

// In Chromium: navigation to `load`.
const browser = await launchBrowser();
const page = await (await browser.newContext()).newPage();
await page.goto(base + (await login()));
await page.goto(`${base}/console?phone=${phones[0]}`); // warm-up
const inBrowser: number[] = [];
// Where a load's time goes, from the page's own Navigation and Paint Timing (ms from navigation start).
const parts = { ttfb: [] as number[], html: [] as number[], fcp: [] as number[], dcl: [] as number[], load: [] as number[], requests: [] as number[] };
for (const phone of phones) {
  const t0 = performance.now();
  await page.goto(`${base}/console?phone=${phone}`, { waitUntil: "load" });
  inBrowser.push(performance.now() - t0);
  if (!(await page.locator("#who").count())) throw new Error(`no karte on screen for ${phone}`);
  const timing = (await page.evaluate(`(() => {
    const n = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return { ttfb: n.responseStart, html: n.responseEnd, fcp: fcp ? fcp.startTime : NaN, dcl: n.domContentLoadedEventEnd, load: n.loadEventStart, requests: performance.getEntriesByType("resource").length };
  })()`)) as Record<keyof typeof parts, number>;
  for (const k of Object.keys(parts) as (keyof typeof parts)[]) parts[k].push(timing[k]);
}
await browser.close();

console.log(`\nConsole screen pop on the demo shop (${seeded.customers} customers, ${seeded.subscriptions} subscriptions), ${phones.length} callers by caller-ID:`);
console.log(`  karte HTML over HTTP:        median ${median(http).toFixed(1)} ms, worst ${Math.max(...http).toFixed(1)} ms (median ${median(htmlBytes)} B)`);
console.log(`  karte in Chromium (to load): median ${median(inBrowser).toFixed(1)} ms, worst ${Math.max(...inBrowser).toFixed(1)} ms`);
console.log(
  `  in the page (median ms from navigation start): first byte ${median(parts.ttfb).toFixed(1)}, HTML complete ${median(parts.html).toFixed(1)}, first contentful paint ${median(parts.fcp).toFixed(1)}, DOMContentLoaded ${median(parts.dcl).toFixed(1)}, load ${median(parts.load).toFixed(1)}; ${median(parts.requests)} subresource requests`,
);
console.log(`  machine load average (1 min): ${loadavg()[0]!.toFixed(1)}`);
console.log("Console assets (raw / gzip):");
for (const [name, a] of Object.entries(ASSETS)) console.log(`  ${name.padEnd(12)} ${String(Buffer.byteLength(a.body)).padStart(7)} B / ${String(gzipSync(a.body).length).padStart(6)} B${name.startsWith("uplot") ? "  (uPlot's own build, metrics page only)" : ""}`);

await new Promise((r) => server.close(r));
db.client.close();
rmSync(dir, { recursive: true, force: true });
