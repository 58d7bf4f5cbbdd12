import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loopbackHost } from "./platform/origin";
import { DEFAULT_DATABASE_URL } from "./db/node";
import { DEFAULT_DATABASE_TIMEOUT_MS } from "./db/client";
import { databaseServerProblem } from "./db/server-problems";
import { rateLimitConfigFromEnv, trustProxyFromEnv } from "./platform/rate-limit";
import { checkSecretsKey } from "./platform/secrets";
import { StartupRefusal } from "./operations/refusal";
import { databaseFileProblem } from "./operations/database-file";
import type { SecretsKeySource } from "./operations/secrets-key";

/** A setting in the environment that cannot work: start-up prints its message alone (startupProblem). */
export class ConfigError extends StartupRefusal {
  override name = "ConfigError";
}

/**
 * Node runtime configuration, from the environment ("Operating it" in the API contract). Throws
 * ConfigError (a setting out of range, TRUST_PROXY=true, …); `secretsKey()` too (SECRETS_KEY
 * missing or short).
 */
export function nodeConfig(env: NodeJS.ProcessEnv = process.env) {
  return asConfigError(() => readNodeConfig(env));
}

function readNodeConfig(env: NodeJS.ProcessEnv) {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  if (!DATABASE_URL_SCHEMES.test(databaseUrl)) {
    throw new Error(`DATABASE_URL must be file:<path> for the embedded database (e.g. file:data/shop.db) or a libSQL server's URL (libsql://…, https://…), got ${JSON.stringify(databaseUrl.replace(/\?.*$/, ""))}`);
  }
  const host = env.HOST ?? "127.0.0.1";
  const demoOnPurpose = env.SEED_DEMO === "1" || env.SEED_DEMO === "true";
  return {
    port,
    host,
    databaseUrl,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN || undefined,
    secretsKey: () => asConfigError(() => secretsKeyFor(databaseUrl, env.SECRETS_KEY)),
    /**
     * Where `npm start` takes SECRETS_KEY from, without creating anything: the environment, or the
     * key file beside the embedded database (operations/secrets-key creates it, for a new database
     * only, and checks either against what the database holds). Throws ConfigError as `secretsKey()`.
     */
    secretsKeySource: (): SecretsKeySource =>
      asConfigError(() => {
        if (env.SECRETS_KEY) return { env: checkSecretsKey(env.SECRETS_KEY) };
        const file = secretsKeyFile(databaseUrl);
        return file ? { file } : { env: secretsKeyFor(databaseUrl, undefined) };
      }),
    /** WEBHOOKS_ALLOW_LOOPBACK=1 lets webhook endpoints live on loopback (local development, tests). Off by default. */
    allowLoopbackWebhooks: env.WEBHOOKS_ALLOW_LOOPBACK === "1",
    /** Per-key and failed-auth limits (platform/rate-limit); `RATE_LIMITS=off` turns them off. */
    rateLimits: rateLimitConfigFromEnv(env),
    /** `TRUST_PROXY`: the proxies in front, whose `X-Forwarded-For` names the client (rate limits) and whose `X-Forwarded-Proto`/`-Host` name the public origin (platform/origin). */
    trustProxy: trustProxyFromEnv(env.TRUST_PROXY),
    /**
     * Server timeouts (ms), so slow or half-sent requests cannot hold connections for minutes:
     * - `HEADERS_TIMEOUT_MS` (default 10,000): all request headers must arrive within this;
     * - `REQUEST_TIMEOUT_MS` (default 30,000): the whole request, body included (a Content-Length
     *   larger than what is sent is cut here);
     * - `KEEP_ALIVE_TIMEOUT_MS` (default 5,000): an idle keep-alive connection is closed after this.
     */
    headersTimeoutMs: positiveMs(env, "HEADERS_TIMEOUT_MS", 10_000),
    requestTimeoutMs: positiveMs(env, "REQUEST_TIMEOUT_MS", 30_000),
    keepAliveTimeoutMs: positiveMs(env, "KEEP_ALIVE_TIMEOUT_MS", 5_000),
    /** `DATABASE_TIMEOUT_MS` (default 10,000): a call to a libSQL server over HTTP that takes longer fails the request with 503, as on Workers. */
    databaseTimeoutMs: positiveMs(env, "DATABASE_TIMEOUT_MS", DEFAULT_DATABASE_TIMEOUT_MS),
    /**
     * The demo shop, whose admin key the README publishes: seeded by default only into the embedded
     * file served on loopback (HOST) with no reverse proxy in front (`TRUST_PROXY` unset: a proxy on
     * the same machine serves loopback to everyone); `SEED_DEMO=1` or `0` decides explicitly. `demoOnPurpose`:
     * SEED_DEMO=1 was given, the only way to serve an existing demo shop beyond loopback (node.ts).
     */
    seedDemo: env.SEED_DEMO !== undefined ? demoOnPurpose : databaseUrl.startsWith("file:") && servedOnThisMachineOnly(host, env.TRUST_PROXY),
    demoOnPurpose,
  };
}


/** Whatever reading the environment throws is a configuration error (platform/rate-limit and platform/secrets throw plain Errors). */
function asConfigError<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw e instanceof Error && !(e instanceof ConfigError) ? new ConfigError(e.message) : e;
  }
}

/**
 * What a command prints when it fails to start: the message alone for a configuration error, or
 * for a database server that refuses the credentials or is not there (db/server-problems); the
 * stack for anything else. Never the source line Node quotes above an uncaught error, which for
 * dist/server/node.js (whitespace-minified, scripts/build-server.ts) is ≈ 200 KB of the bundle.
 * `database`: the DATABASE_URL in use and whether a token came with it, once known.
 */
export function startupProblem(err: unknown, database?: { url: string; authToken?: string }): string {
  if (err instanceof StartupRefusal) return err.message;
  const server = database ? (databaseServerProblem(err, database.url, Boolean(database.authToken)) ?? databaseFileProblem(err, database.url)) : undefined;
  if (server) return server;
  return err instanceof Error ? (err.stack ?? String(err)) : String(err);
}

/** The URL schemes DATABASE_URL may have: the embedded file, or a libSQL server (db/node openDatabase). */
const DATABASE_URL_SCHEMES = /^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/i;

/** `secrets.key` beside the embedded database of `databaseUrl`; undefined for a server or `:memory:`. */
export function secretsKeyFile(databaseUrl: string): string | undefined {
  const path = databaseUrl.startsWith("file:") ? databaseUrl.slice("file:".length).replace(/\?.*$/, "") : "";
  return path && path !== ":memory:" ? join(dirname(resolve(path)), "secrets.key") : undefined;
}

function positiveMs(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive number of milliseconds, got ${raw}`);
  return n;
}

/**
 * `SECRETS_KEY` from the environment; for an embedded database without one, a random key kept in
 * `secrets.key` beside the database file (mode 0600, created on first start), so `npm start` needs
 * nothing else. A libSQL server (Turso) needs SECRETS_KEY set: its data outlives any local file.
 */
function secretsKeyFor(databaseUrl: string, fromEnv: string | undefined): string {
  if (fromEnv) return checkSecretsKey(fromEnv);
  const file = secretsKeyFile(databaseUrl);
  if (!file) {
    if (databaseUrl.startsWith("file:")) return randomBytes(32).toString("base64url");
    throw new Error("SECRETS_KEY must be set when DATABASE_URL is a libSQL server (e.g. `openssl rand -base64 32`).");
  }
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return checkSecretsKey(readFileSync(file, "utf8").trim());
}

/**
 * Whether a server on `host` is reached from this machine only: a loopback HOST with no reverse
 * proxy named in `TRUST_PROXY` (a proxy in front of 127.0.0.1 serves it to anyone who reaches the
 * proxy). Decides whether the demo shop, whose admin key the README publishes, may be served.
 */
export function servedOnThisMachineOnly(host: string, trustProxy: string | undefined): boolean {
  return loopbackHost(host) && trustProxyFromEnv(trustProxy) === undefined;
}
