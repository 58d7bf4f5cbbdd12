import { count } from "drizzle-orm";
import { createApp } from "./app";
import { ConfigError, nodeConfig, servedOnThisMachineOnly } from "./config";
import { loopbackHost } from "./platform/origin";
import { embeddedFile, migrateDatabase, openDatabase } from "./db/node";
import { tenants } from "./db/schema";
import { DEMO_API_KEY, publishedDemoKeyLive, seedDemo } from "./demo/seed";
import { printableUrl } from "./db/server-problems";
import { findTenant } from "./tenants/keys";
import { startMaintenance } from "./maintenance";
import { StepFaults } from "./platform/step-faults";
import { nodeDocsViewer } from "./meta/viewer-node";
import { DEMO_TENANT_ID } from "./demo/seed";
import { createConsoleSession, startupConsoleLines } from "./console/sessions";
import { progressOn } from "./platform/progress";
import { TenantStore } from "./platform/tenancy";
import { collectStartupGarbage } from "./node-server";
import { startReadWorker } from "./platform/off-thread-node";
import { nodeWebhookFetch } from "./webhooks/node-fetch";
import { encryptStoredWebhookSecrets } from "./webhooks/secret";
import { serveNode, shutDown, shutdownTimeoutMs } from "./node-shutdown";
import { logErrorsAsJson, logSettings } from "./platform/log-format";
import { startupSecretsKey } from "./operations/secrets-key";
import { markServing } from "./operations/serving";
import { refuseInOneLine, type CommandDatabase } from "./operations/command";
import { exitProcess } from "./db/threads";
import { watchHost } from "./platform/host-node";

/** Node entry point: configuration, database and the HTTP server. Everything else is the app's. */

// An error nothing caught (start-up's included) is one line (operations/command): for the bundle,
// Node would first quote the failing source line, one line of ≈ 200 KB.
let database: CommandDatabase | undefined;
refuseInOneLine(null, () => database);

const config = nodeConfig();
database = { url: config.databaseUrl, authToken: config.databaseAuthToken };
// Before the database is touched: a missing SECRETS_KEY is said first, and nothing was migrated.
const secretsKeySource = config.secretsKeySource();
// A new file is said (a mistyped path shows); each migration applied is said; a database migrated
// by a newer build, or a key that does not open its secrets, is refused (src/operations).
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken, { timeoutMs: config.databaseTimeoutMs, log: console.log });
await migrateDatabase(db, { log: console.log, url: config.databaseUrl });
const secretsKey = await startupSecretsKey(db, secretsKeySource, printableUrl(config.databaseUrl), console.log);

// The demo shop's admin key is public (the README prints it): served beyond this machine only on purpose.
if (!servedOnThisMachineOnly(config.host, process.env.TRUST_PROXY) && !config.demoOnPurpose && (await publishedDemoKeyLive(db.orm))) {
  const exposed = loopbackHost(config.host) ? `TRUST_PROXY=${process.env.TRUST_PROXY} says a reverse proxy serves it` : `HOST=${config.host} would serve it`;
  throw new ConfigError(
    `The database ${printableUrl(config.databaseUrl)} holds the demo shop, whose admin key the README publishes, and ${exposed} to anyone who can reach this machine. ` +
      `Use a database of your own (e.g. DATABASE_URL=file:data/shop.db), revoke the demo key (DELETE /v1/keys/{id}, served on HOST=127.0.0.1), or set SEED_DEMO=1 to serve the demo on purpose.`,
  );
}

let demo: { apiKey: string } | undefined;
if (config.seedDemo) {
  const [row] = await db.orm.select({ n: count() }).from(tenants);
  if (row?.n === 0) {
    const started = Date.now();
    const progress = progressOn(process.stdout);
    const seeded = await seedDemo(db, {
      now: new Date(),
      onProgress: (done, total) => progress.update(`Seeding demo tenant… ${done}/${total}`, done, total),
    });
    progress.end(`Seeded demo tenant: ${seeded.customers} customers, ${seeded.subscriptions} subscriptions, ${seeded.events} events in ${Date.now() - started} ms`);
    demo = seeded;
  } else if (await findTenant(db.orm, DEMO_TENANT_ID)) {
    demo = { apiKey: DEMO_API_KEY };
  }
}

// A database with no shop yet (a new file beyond loopback, or SEED_DEMO=0): the start-up lines say how to make one.
const noShopYet = demo === undefined && ((await db.orm.select({ n: count() }).from(tenants))[0]?.n ?? 0) === 0;

// The background job's failing steps, kept by it and shown by GET /health.
const maintenanceFaults = new StepFaults();
const services = {
  db,
  now: () => new Date(),
  secretsKey,
  allowLoopbackWebhooks: config.allowLoopbackWebhooks,
  webhookFetch: nodeWebhookFetch({ allowLoopback: config.allowLoopbackWebhooks }),
  rateLimits: config.rateLimits,
  trustProxy: config.trustProxy,
  // The customer export reads in a worker thread with its own connection (embedded file only).
  offThread: config.databaseUrl.startsWith("file:") && !config.databaseUrl.includes(":memory:") ? startReadWorker(config.databaseUrl) : undefined,
  maintenanceFailing: () => maintenanceFaults.failing(),
  // The embedded file's disk and the clock: said in /health and logged before a write fails.
  host: watchHost(embeddedFile(config.databaseUrl), { log: console.log }).state,
  // Demo mode with the demo shop in the database: its pages (/demo/my-page, /demo/console) are served.
  demo: demo !== undefined,
};
// Signing secrets stored before they were encrypted at rest: encrypted now (needs SECRETS_KEY, so not in SQL).
await encryptStoredWebhookSecrets(db, services.secretsKey);
// ACCESS_LOG and LOG_FORMAT (platform/log-format): a request log and errors as JSON lines.
const logs = logSettings(process.env);
if (logs.json) logErrorsAsJson();
const app = createApp(() => services, {
  docs: { viewer: nodeDocsViewer(), gzipOpenapi: true, demoApiKey: demo?.apiKey },
  accessLog: logs.accessLog ? (line) => void process.stdout.write(line + "\n") : undefined,
});
// A ready console URL for the demo shop, in demo mode only (one-time; /demo/console mints a fresh one any time).
const consoleLogin = demo
  ? (await createConsoleSession(new TenantStore(db, DEMO_TENANT_ID), { operatorId: "demo-operator", operatorName: "デモ オペレーター", role: "supervisor", expiresInSeconds: 28_800 }, new Date(), null)).loginToken
  : null;
// Startup's garbage collected now, not on the first requests' clock.
collectStartupGarbage();
// SIGTERM drains the requests in flight before the process exits (node-shutdown.ts).
const shutdownTimeout = shutdownTimeoutMs(process.env.SHUTDOWN_TIMEOUT_MS);
// Said beside the embedded file while this process serves it: secrets:rotate refuses beside a server (operations/serving).
let unmarkServing = () => undefined as void;
const { server, serving } = serveNode(app.fetch, { ...config, port: config.port, hostname: config.host }, (info) => {
  const base = `http://${info.address === "::1" ? "[::1]" : info.address}:${info.port}`;
  unmarkServing = markServing(config.databaseUrl, base);
  console.log(`Tsuzuku API on ${base}  (database ${config.databaseUrl})`);
  console.log(`  Docs:     ${base}/docs`);
  console.log(`  OpenAPI:  ${base}/openapi.json`);
  if (demo) console.log(`  Demo key: ${demo.apiKey}\n  Try:      curl -H "Authorization: Bearer ${demo.apiKey}" ${base}/v1/customers/C-100001\n  My page:  ${base}/demo/my-page  (the <tsuzuku-portal> embed as a customer sees it)`);
  if (noShopYet) console.log(`  No shop yet: npm run --silent tenant:create -- --name "続くショップ" --scopes read,write,admin  (with this DATABASE_URL; prints the shop's API key once)`);
  for (const line of startupConsoleLines(base, consoleLogin)) console.log(line);
});


// A port in use is a setup problem, not a crash: say which port and how to choose another.
server.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EADDRINUSE" || err.code === "EACCES") {
    const why = err.code === "EADDRINUSE" ? "is already in use (another Tsuzuku, or another program)" : "cannot be opened by this user";
    console.error(`Port ${config.port} on ${config.host} ${why}.\nStart on another port with PORT=<port>, e.g.  PORT=${config.port + 1} npm start`);
  } else {
    console.error(`The HTTP server could not start: ${err.message}`);
  }
  exitProcess(1);
});

// Webhook delivery, automatic resumes, re-scoring, win-back dates: in this process, in slices.
const maintenance = startMaintenance({ db, secretsKey: services.secretsKey, fetch: services.webhookFetch, allowLoopbackWebhooks: services.allowLoopbackWebhooks }, { faults: maintenanceFaults });

// A graceful shutdown (node-shutdown.ts); a second signal meanwhile exits at once.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.error(`${signal} again: exiting now, without waiting for the shutdown`);
      exitProcess(1);
    }
    stopping = true;
    void shutDown(signal, serving, shutdownTimeout, {
      stopMaintenance: () => maintenance.stop(),
      close: async () => {
        unmarkServing();
        db.client.close();
        await services.offThread?.close();
      },
    }).then(
      () => exitProcess(0),
      (err: unknown) => {
        console.error("The shutdown failed:", err);
        exitProcess(1);
      },
    );
  });
}
