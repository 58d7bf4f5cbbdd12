import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { and, asc, eq } from "drizzle-orm";
import { createApp } from "../src/app";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { subscriptions } from "../src/db/schema";
import { DEMO_API_KEY, DEMO_TENANT_ID, seedDemo } from "../src/demo/seed";
import { buildEmbed } from "../src/portal/build";
import { launchBrowser, serveOnLoopback } from "../test/support/browser";

/**
 * The my-page portal's load time in real Chromium: from the page's navigation start to the first
 * frame in which `<tsuzuku-portal>` shows the customer's subscriptions, over `LOADS` loads (each in
 * a fresh browser context, so the embed is fetched every time, as on a first visit), with the API
 * on Node (embedded libSQL, demo tenant) on one loopback origin and the shop's page on another.
 * Run alone: `BENCH_PART=portal npm run bench` (updates its section of BENCHMARKS.md).
 */
export const LOADS = Number(process.env.BENCH_PORTAL_LOADS ?? 20);
const SECRETS_KEY = "bench-secrets-key-0123456789abcdef-012345";

export type PortalResult = { loads: number[]; median: number; min: number; max: number; embedGzipBytes: number; embedBytes: number; subscriptions: number; loadAverage: number };

export async function portalSection(): Promise<PortalResult> {
  const built = await buildEmbed();
  const dir = mkdtempSync(join(tmpdir(), "tsuzuku-bench-portal-"));
  const db = await openDatabase(`file:${join(dir, "bench.db")}`);
  await migrateDatabase(db);
  await seedDemo(db, { now: new Date() });
  const app = createApp(() => ({ db, now: () => new Date(), secretsKey: SECRETS_KEY }));
  const api = await serveOnLoopback((request) => app.fetch(request));
  let token = "";
  const shop = await serveOnLoopback(
    () =>
      new Response(
        `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>マイページ</title></head><body>
<tsuzuku-portal session="${token}" lang="ja"></tsuzuku-portal><script src="${api.url}/embed/v1/tsuzuku.js"></script></body></html>`,
        { headers: { "content-type": "text/html; charset=utf-8" } },
      ),
  );
  const call = async (method: string, path: string, body: unknown) => {
    const res = await app.request(path, { method, headers: { authorization: `Bearer ${DEMO_API_KEY}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  await call("PATCH", "/v1/settings", { allowedOrigins: [shop.url] });
  const [customer] = await db.orm
    .select({ id: subscriptions.customerId })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, DEMO_TENANT_ID), eq(subscriptions.status, "active")))
    .orderBy(asc(subscriptions.customerId))
    .limit(1);
  const shown = await db.orm.$count(subscriptions, and(eq(subscriptions.tenantId, DEMO_TENANT_ID), eq(subscriptions.customerId, customer!.id)));

  const browser = await launchBrowser();
  const loads: number[] = [];
  try {
    for (let i = -1; i < LOADS; i++) {
      token = (await call("POST", "/v1/customer-sessions", { customerId: customer!.id })).token as string;
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(shop.url);
      // Evaluated every animation frame: the time of the first frame with the subscriptions shown.
      const shownAt = await page.waitForFunction(
        () => (document.querySelector("tsuzuku-portal")?.shadowRoot?.querySelector('[part~="subscription"]') ? performance.now() : 0),
        undefined,
        { polling: "raf", timeout: 30_000 },
      );
      const ms = (await shownAt.jsonValue()) as number;
      if (i >= 0) loads.push(ms); // the first load warms the server and the browser up
      await context.close();
    }
  } finally {
    await browser.close();
    await shop.close();
    await api.close();
    db.client.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...loads].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { loads, median, min: sorted[0]!, max: sorted.at(-1)!, embedBytes: built.bytes, embedGzipBytes: built.gzipBytes, subscriptions: shown, loadAverage: loadavg()[0]! };
}

export function portalMarkdown(r: PortalResult): string {
  return `## My-page portal (\`<tsuzuku-portal>\`)

The embed bundle (\`GET /embed/v1/tsuzuku.js\`, esbuild, minified): **${(r.embedGzipBytes / 1024).toFixed(1)} KiB gzipped** (${(r.embedBytes / 1024).toFixed(1)} KiB raw;
budget 35 KiB gzipped, enforced by \`src/portal/build.ts\`).

Time from a my-page's load to the portal showing the customer's subscriptions (${r.subscriptions} of a demo-tenant customer),
headless Chromium, page and API on two loopback origins, API on Node with the embedded libSQL file, a fresh
browser context per load (the embed is fetched each time), one unrecorded warm-up load:
**median ${r.median.toFixed(0)} ms** over ${r.loads.length} loads (min ${r.min.toFixed(0)}, max ${r.max.toFixed(0)} ms; the machine's 1-minute load
average was ${r.loadAverage.toFixed(1)} at the end). A load is the page, the script, then three API calls in turn
(\`/v1/customer-sessions/current\`, the customer's subscriptions, their \`plan-options\`), each after its own CORS
preflight (a session request carries \`Authorization\`; browsers cache preflights per URL).
Run alone with \`BENCH_PART=portal npm run bench\`.
`;
}

/** Replaces (or adds) the portal's section of BENCHMARKS.md, leaving the other sections as they are. */
export function writePortalSection(r: PortalResult) {
  const file = new URL("../BENCHMARKS.md", import.meta.url);
  const text = readFileSync(file, "utf8");
  const section = portalMarkdown(r);
  const start = text.indexOf("## My-page portal");
  if (start === -1) return writeFileSync(file, text.trimEnd() + "\n\n" + section);
  const next = text.indexOf("\n## ", start + 1);
  writeFileSync(file, text.slice(0, start) + section + (next === -1 ? "" : text.slice(next)));
}

export async function runPortalBench() {
  const result = await portalSection();
  console.log(`portal: embed ${result.embedGzipBytes} bytes gzipped; load → subscriptions shown: median ${result.median.toFixed(0)} ms (${result.loads.map((l) => l.toFixed(0)).join(", ")})`);
  writePortalSection(result);
  console.log("BENCHMARKS.md: portal section written");
}
