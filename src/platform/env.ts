import type { SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import type { TenantSettings } from "../settings/schemas";
import type { RateLimitConfig, TrustProxy } from "./rate-limit";
import type { OffThread } from "./off-thread";
import type { FailingStep } from "./step-faults";
import type { HostState } from "./host-node";
import type { TenantStore } from "./tenancy";
import type { WebhookSend } from "../webhooks/dispatcher";

export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who is calling: the auth layer's kinds of principal. An API key (the merchant's servers), a
 * customer session (a browser on the shop's my-page, one customer), a console session (an
 * operator in Tsuzuku's console). Every capability asks the principal, never the header.
 * platform/auth resolves every request to exactly one of these (see `PRINCIPALS` there).
 */
export type Principal =
  | { kind: "key"; keyId: string }
  | { kind: "customer"; sessionId: string; customerId: string; subscriptionId: string | null }
  | { kind: "console"; sessionId: string; operatorId: string; operatorName: string; role: "operator" | "supervisor"; /** When the session ends (ISO instant): the console warns before it. */ expiresAt: string };

/** Who made a change, as history and evidence show it. */
export type Actor = { type: "key" | "operator" | "customer" | "system"; id: string; name?: string };

/** The channel a write is recorded with (API.md "Conventions"). */
export type WriteChannel = "web" | "checkout" | "ivr" | "operator" | "api" | "system";

export type Caller = {
  tenantId: string;
  principal: Principal;
  scopes: readonly Scope[];
  /** The tenant's rules with defaults applied, read with the credential. */
  settings: TenantSettings;
  /** Who this caller is in history and evidence. */
  actor: Actor;
  /**
   * The channel every write of this principal records, whatever the body says (a customer
   * session: `web`; a console session: `operator`); undefined for API keys, which choose.
   */
  channel?: WriteChannel;
  /** The language this principal asked for (a customer session's `locale`), before the tenant's. */
  locale?: "ja" | "en";
  /** The tenant's rate-limit tier (platform/rate-limit PLANS), read with the credential, whatever its kind. */
  plan: string;
};

/** Things the runtime entry point hands the app: how to reach the database and what time it is. */
export type Services = {
  db: Database;
  /** Injectable clock so tests can pin "now". */
  now: () => Date;
  /** The root secret (`SECRETS_KEY`); use it only through `deriveKey` in platform/secrets. */
  secretsKey: string;
  /** WEBHOOKS_ALLOW_LOOPBACK=1: webhook endpoints on loopback (local development and tests). Off by default. */
  allowLoopbackWebhooks?: boolean;
  /** How webhooks are sent: Node's checks every resolved address (webhooks/node-fetch); Workers use the global fetch. */
  webhookFetch?: WebhookSend;
  /** Node behind a reverse proxy (`TRUST_PROXY`, platform/rate-limit trustProxyFromEnv): the hops whose `X-Forwarded-*` stand (platform/origin publicOrigin). */
  trustProxy?: TrustProxy;
  /** In-process rate limits (Node); absent: none, unless the Worker has rate-limit bindings (platform/rate-limit). */
  rateLimits?: RateLimitConfig;
  /** Long reads run off the request path (Node with an embedded file: a worker thread; see platform/off-thread); absent: in the request. */
  offThread?: OffThread;
  /**
   * Whether `secretsKey` opens the secrets stored in the database (Workers: platform/key-check,
   * once per isolate; GET /health, sessions and deliveries ask). Absent on Node, which refuses to
   * start with a key that does not (operations/secrets-key).
   */
  secretsKeyOpens?: () => Promise<boolean>;
  /**
   * Demo mode (Node: `SEED_DEMO`, or a new `file:` database on loopback — config `seedDemo` — with
   * the demo tenant in it): the demo shop's pages are served (demo/seed `demoServed`). Absent: off,
   * as on Workers.
   */
  demo?: boolean;
  /** The background job's steps failing now (Node: the process's `startMaintenance`; GET /health shows them); absent on Workers, whose cron runs elsewhere. */
  maintenanceFailing?: () => FailingStep[];
  /** The disk under the embedded file and the wall clock (Node: platform/host-node `watchHost`); GET /health shows what is wrong. Absent on Workers. */
  host?: () => Promise<HostState>;
};

/** Read these with `c.get(name)`: Hono's `c.var` copies every variable into a new object on each access. */
export type AppEnv = {
  Variables: {
    services: Services;
    caller: Caller;
    /** Who is calling, as the auth layer resolved it. */
    principal: Principal;
    /** The tenant-scoped data layer; the only way route handlers reach tenant data. */
    store: TenantStore;
    requestId: string;
    /** What the route's key prefetch read with the key check (see platform/auth), when it has one. */
    prefetched?: string | null;
    /** Answer fields beyond `secret`/`token` that carry a secret, with the note a replay shows instead (platform/idempotency rememberWithout). */
    secretFields?: Record<string, string>;
    /**
     * Set by the idempotency layer once it holds this request's key: the key row's condition, and
     * the status of the answer the route recorded in its own write (platform/idempotency rememberWithin);
     * `claim` when the route's write claims the key itself (apiRoute claimsKeyInWrite, platform/idempotency).
     */
    idempotency?: { where: SQL; recordedStatus?: number; claim?: { key: string; requestHash: string }; notRemembered?: true };
  };
};
