import { createClient } from "@libsql/client/web";
import type { ExecutionContext } from "hono";
import { createApp } from "./app";
import { createDatabase, DEFAULT_DATABASE_TIMEOUT_MS, fetchWithTimeout } from "./db/client";
import { runMaintenance } from "./maintenance";
import type { Services } from "./platform/env";
import { ApiError, problemBody, problemHeaders } from "./platform/errors";
import { KeyCheck } from "./platform/key-check";
import { speechBeforeRouting } from "./lookup/routes";
import { checkSecretsKey } from "./platform/secrets";
import { StepFaults } from "./platform/step-faults";
import { dispatchDueWebhooks } from "./webhooks/dispatcher";
import { encryptStoredWebhookSecrets } from "./webhooks/secret";

/** Worker bindings: the libSQL server (Turso in production) as a var and a secret. */
export type WorkerEnv = {
  DATABASE_URL: string;
  DATABASE_AUTH_TOKEN?: string;
  /** Milliseconds one database call may take (default 10,000). */
  DATABASE_TIMEOUT_MS?: string;
  /** The root secret (`npx wrangler secret put SECRETS_KEY`), at least 32 random characters. */
  SECRETS_KEY?: string;
  /** "1": webhook endpoints on loopback are allowed (local development and tests only). */
  WEBHOOKS_ALLOW_LOOPBACK?: string;
  /** "1": demo mode, the demo shop's pages (/demo/my-page, /demo/console) served while its tenant is in the database (`npm run dev:worker` sets it); else off. */
  SEED_DEMO?: string;
  /** "off": the `[[ratelimits]]` bindings are not used (platform/rate-limit), e.g. for a benchmark. */
  RATE_LIMITS?: string;
  /** Workers Static Assets (wrangler.toml `[assets]`): the docs viewer bundle. */
  ASSETS?: { fetch(request: Request | string): Promise<Response> };
};

/**
 * Whether SECRETS_KEY opens the secrets stored in the database, for the isolate's life (a stored
 * verdict, no crypto per request): the Worker cannot refuse to start with the wrong key as Node
 * does, so /health, sessions and deliveries ask this (platform/key-check).
 */
const keyCheck = new KeyCheck();

// workerd binds I/O (fetch responses, promises settled by I/O) to the request that started it, so
// nothing that does I/O may be shared between requests: a fresh client and write queue for every
// request and every cron run. The HTTP client is cheap: no connection, no version probe.
function newServices(env: WorkerEnv): Services {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not configured for this Worker");
  const timeoutMs = Number(env.DATABASE_TIMEOUT_MS) || DEFAULT_DATABASE_TIMEOUT_MS;
  const secretsKey = checkSecretsKey(env.SECRETS_KEY);
  const client = createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN, fetch: fetchWithTimeout(timeoutMs) });
  const db = createDatabase(client);
  return {
    db,
    now: () => new Date(),
    secretsKey,
    secretsKeyOpens: () => keyCheck.opens(db, secretsKey, env.DATABASE_URL),
    // Workers has no DNS API and does not route to private ranges: the URL check (names and IP
    // literals, webhooks/destination) is the whole SSRF guard here, with the global fetch.
    allowLoopbackWebhooks: env.WEBHOOKS_ALLOW_LOOPBACK === "1",
    demo: env.SEED_DEMO === "1",
  };
}

/**
 * The cron's failing steps and tenants, for the isolate's life: a warm isolate rests a unit that
 * keeps failing and logs it once per ten minutes, a cold one starts afresh (logs the first failure
 * again). Plain numbers and strings, so nothing here is I/O shared between invocations.
 */
const cronFaults = new StepFaults();

type RequestEnv = WorkerEnv & { services: Services };
const app = createApp((c) => (c.env as RequestEnv).services, {
  docs: {
    // Several MB: served by Workers Static Assets, not bundled into the Worker.
    viewer: async (c) => {
      const assets = (c.env as RequestEnv).ASSETS;
      if (!assets) return c.text("The ASSETS binding is not configured (wrangler.toml [assets]).", 404);
      const res = await assets.fetch(new URL("/standalone.js", c.req.url).toString());
      return new Response(res.body, { status: res.status, headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" } });
    },
  },
});

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext) {
    let services: Services;
    try {
      services = newServices(env);
    } catch (e) {
      // A deploy without its secrets (SECRETS_KEY, DATABASE_URL) answers every path, /health
      // included, with a problem a pipeline and a person can read, not a stack trace; the log
      // says which setting is missing.
      console.error("configuration", e instanceof Error ? e.message : e);
      const problem = new ApiError("internal_error", {
        en: "This service is not configured: its operator must set the Worker's secrets (see the logs and README, Cloudflare Workers + Turso).",
        ja: "このサービスは設定が済んでいません。運用者が Worker のシークレットを設定する必要があります（ログと README の Cloudflare Workers + Turso を参照）。",
      });
      // The headers every answer carries (API.md; app.ts requestId, platform/csp apiResponseHeaders), this one's too.
      const headers = { ...problemHeaders("en"), "x-request-id": answerRequestId(request), "cache-control": "no-store", "x-content-type-options": "nosniff" };
      const path = new URL(request.url).pathname;
      // The data dip's caller still hears a line (every problem of GET /v1/lookup carries `speech`).
      return new Response(JSON.stringify({ ...problemBody(problem, path), ...speechBeforeRouting(path) }), { status: problem.status, headers });
    }
    const response = await app.fetch(request, { ...env, services } satisfies RequestEnv, ctx);
    // A write may have queued webhook events: deliver them now rather than at the next cron tick.
    // Only that: resuming pauses, expiring flows and re-scoring are the cron's, so a burst of
    // writes does not become a burst of background write transactions queueing for the lock.
    // Not while the key cannot sign them: they wait, untried (platform/key-check logs why, once).
    if (request.method !== "GET" && response.status < 400) {
      ctx.waitUntil(
        (async () => {
          if (!(await services.secretsKeyOpens!())) return;
          await dispatchDueWebhooks(services.db, { secretsKey: services.secretsKey, allowLoopback: services.allowLoopbackWebhooks });
        })().catch((e) => console.error("webhooks", e)),
      );
    }
    return response;
  },
  async scheduled(_controller: unknown, env: WorkerEnv, ctx: ExecutionContext) {
    let services: Services;
    try {
      services = newServices(env);
    } catch (e) {
      // A missing setting is the operator's to fix: one line naming it, no stack, no failed invocation.
      console.error(`[cron] not run: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    // Every step runs apart (src/maintenance): one that throws is logged and the others still run,
    // so the promise settles without an error and the invocation is not marked failed by one shop.
    // One pass for all of them: a database found down in the first skips the rest.
    ctx.waitUntil(
      (async () => {
        const pass = cronFaults.pass();
        // Sealing plain-text secrets under a key that is not the database's would lose them.
        await pass.step("secrets", undefined, async () => {
          if (await services.secretsKeyOpens!()) await encryptStoredWebhookSecrets(services.db, services.secretsKey);
        });
        await runMaintenance(
          { db: services.db, secretsKey: services.secretsKey, allowLoopbackWebhooks: services.allowLoopbackWebhooks, secretsKeyOpens: services.secretsKeyOpens },
          { faults: cronFaults, pass },
        );
      })(),
    );
  },
};

/** The request's X-Request-Id as app.ts's layer (hono/request-id) echoes it: the caller's if well-formed, else a new UUID. */
function answerRequestId(request: Request): string {
  const sent = request.headers.get("x-request-id");
  return sent && /^[A-Za-z0-9_=-]{1,255}$/.test(sent) ? sent : crypto.randomUUID();
}
