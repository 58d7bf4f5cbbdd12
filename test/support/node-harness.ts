import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { createApp } from "../../src/app";
import { watchHost } from "../../src/platform/host-node";
import { runMaintenance, SLICE_BATCHES } from "../../src/maintenance";
import { StepFaults } from "../../src/platform/step-faults";
import { nodeWebhookFetch } from "../../src/webhooks/node-fetch";
import { nodeDocsViewer } from "../../src/meta/viewer-node";
import type { Database } from "../../src/db/client";
import { migrateDatabase, openDatabase } from "../../src/db/node";
import { startReadWorker } from "../../src/platform/off-thread-node";
import type { Scope, Services } from "../../src/platform/env";
import { createTenant, issueKey } from "../../src/tenants/keys";
import { FAILED_AUTH_PER_MINUTE, trustProxyFromEnv, type RateLimitConfig } from "../../src/platform/rate-limit";
import { listen } from "../../src/node-server";
import { ajvCheck } from "./ajv";
import { contractViolations } from "./contract";
import { buildRequest, rowsOf, strictly, TEST_SECRETS_KEY, toRes, type Harness, type Res, type TestTenant } from "./harness";

export type Seen = { method: string; path: string; status: number; code?: string };

/**
 * Rate limits on, as `npm start` runs (src/config.ts), so answers carry `RateLimit-Policy` and
 * `RateLimit` for the contract check to see. Per key, so high that no test reaches them; refused
 * keys, the Worker's fixed binding (30 a minute per address), which only requests naming a
 * `clientAddress` reach (in-process requests have no address). Those come over a socket from
 * loopback, the trusted proxy that names the client in `X-Forwarded-For`.
 */
const HARNESS_LIMITS: RateLimitConfig = {
  perKey: { standard: 1_000_000, business: 1_000_000, enterprise: 1_000_000 },
  failedAuth: FAILED_AUTH_PER_MINUTE,
  windowMs: 60_000,
  trustProxy: trustProxyFromEnv("loopback"),
};

export type NodeHarness = Harness & {
  db: Database;
  /** The embedded database file (its WAL is `${dbPath}-wal`). */
  dbPath: string;
  app: ReturnType<typeof createApp>;
  /** Every answer the suite received, for checking the OpenAPI document covers it. */
  seen: Seen[];
  setNow(date: Date | null): void;
  /** An answer that came another way (a real socket), read and held to openapi.json as `request` holds its own. */
  held(method: string, path: string, response: Response): Promise<Res>;
  /** One run of the background job (src/maintenance) with this app's services. */
  maintain(now?: () => Date): ReturnType<typeof runMaintenance>;
  /** What `cron` keeps between passes (its failing steps: GET /health shows them). */
  faults: StepFaults;
  close(): void;
};

/** The app on Node against a fresh embedded libSQL file in a temporary directory. */
export async function nodeHarness(overrides: Partial<Services> = {}, opts: { faults?: StepFaults } = {}): Promise<NodeHarness> {
  const dir = mkdtempSync(join(tmpdir(), "tsuzuku-test-"));
  const dbPath = join(dir, "test.db");
  const db = await openDatabase(`file:${dbPath}`);
  await migrateDatabase(db);
  let pinned: Date | null = null;
  const readWorker = startReadWorker(`file:${dbPath}`);
  // Test receivers listen on loopback: allowed here, as WEBHOOKS_ALLOW_LOOPBACK=1 allows it.
  const allowLoopbackWebhooks = overrides.allowLoopbackWebhooks ?? true;
  const faults = opts.faults ?? new StepFaults();
  const services: Services = {
    db,
    now: () => pinned ?? new Date(),
    secretsKey: TEST_SECRETS_KEY,
    allowLoopbackWebhooks,
    webhookFetch: nodeWebhookFetch({ allowLoopback: allowLoopbackWebhooks }),
    // As src/node.ts wires it: the customer export runs in a worker thread on its own connection.
    offThread: readWorker,
    rateLimits: HARNESS_LIMITS,
    maintenanceFailing: () => faults.failing(),
    host: watchHost(dbPath).state,
    ...overrides,
  };
  const app = createApp(() => services, { docs: { viewer: nodeDocsViewer(), gzipOpenapi: true } });
  const seen: Seen[] = [];
  const check = ajvCheck();

  async function held(method: string, path: string, response: Response): Promise<Res> {
    const res = await toRes(response);
    seen.push({ method, path, status: res.status, code: res.body?.code });
    const wrong = contractViolations(check, method, path, res);
    if (wrong.length > 0) throw new Error(`The answer breaks openapi.json:\n${wrong.join("\n")}\n${res.text.slice(0, 2000)}`);
    return res;
  }

  /** The app on a real socket, started on first use, for requests that name their client's address. */
  let server: ReturnType<typeof listen> | undefined;
  let base: Promise<string> | undefined;
  const socketBase = () =>
    (base ??= new Promise<string>((resolve) => {
      server = listen(app.fetch, { port: 0, hostname: "127.0.0.1", headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 1_000 }, (info) => resolve(`http://127.0.0.1:${info.port}`));
    }));

  async function keyFor(tenantId: string, scopes: Scope[]) {
    const key = await db.write((tx) => issueKey(tx, { tenantId, name: `test ${scopes.join(",")}`, scopes, at: new Date() }));
    return key.secret;
  }

  return {
    db,
    dbPath,
    app,
    seen,
    origin: "http://localhost",
    receiverUrl: inject("receiverUrl"),
    sql: async (statement, args = []) => rowsOf(await db.client.execute({ sql: statement, args })),
    setNow: (d) => {
      pinned = d;
    },
    maintain: async (now) =>
      strictly(await runMaintenance({ db, secretsKey: services.secretsKey, now: now ?? services.now, fetch: services.webhookFetch, allowLoopbackWebhooks: services.allowLoopbackWebhooks })),
    faults,
    // What one pass of src/node.ts's startMaintenance does.
    cron: async () => {
      await runMaintenance(
        { db, secretsKey: services.secretsKey, now: services.now, fetch: services.webhookFetch, allowLoopbackWebhooks: services.allowLoopbackWebhooks },
        { batches: SLICE_BATCHES, pause: db.turn, faults },
      );
    },
    request: async (method, path, options) => {
      if (!options?.clientAddress) return held(method, path, await app.request(buildRequest("http://localhost", method, path, options)));
      const request = buildRequest(await socketBase(), method, path, { ...options, headers: { ...options.headers, "x-forwarded-for": options.clientAddress } });
      return held(method, path, await fetch(request));
    },
    held,
    async tenant(): Promise<TestTenant> {
      const tenant = await db.write((tx) => createTenant(tx, { name: "テスト店", at: new Date() }));
      return { id: tenant.id, key: await keyFor(tenant.id, ["read", "write", "admin"]), keyWith: (scopes) => keyFor(tenant.id, scopes) };
    },
    close() {
      server?.close();
      void readWorker.close();
      db.client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
