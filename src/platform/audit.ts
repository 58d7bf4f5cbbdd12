import type { Context } from "hono";
import { auditLog } from "../db/schema";
import { newId } from "./crypto";
import type { Actor, AppEnv } from "./env";
import type { TenantStore } from "./tenancy";

/**
 * What the audit log records: every admin action, every data-rights action, session minting and
 * model training. `noun.verb`; add a name here when a new admin action appears (the list is the
 * documented vocabulary of `GET /v1/audit-log`).
 */
export const AUDIT_ACTIONS = [
  "key.created",
  "key.revoked",
  "settings.updated",
  "offer.created",
  "offer.updated",
  "offer.deleted",
  "reasons.updated",
  "webhook.updated",
  "webhook.deleted",
  "webhook.secret_rotated",
  "webhook.delivery_retried",
  "customer.exported",
  "customer.erased",
  "customer.profiling_changed",
  "customer_session.created",
  "customer_session.revoked",
  "console_session.created",
  "console_session.revoked",
  "model.trained",
  "knowledge.updated",
  "knowledge.deleted",
  "exit_survey.updated",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEntry = {
  /** Who did it; `actorFrom(c)` gives the request's. */
  actor: Actor;
  action: AuditAction;
  /** What it was done to, e.g. `{ type: "customer", id: "C-1" }`. */
  target?: { type: string; id: string };
  /**
   * What changed, by name. Never personal data, secrets or a customer id: this log is kept and
   * never scrubbed (an erasure moves only `actor` and `target` ids of type `customer` to the pseudonym).
   */
  details?: Record<string, unknown>;
  at: Date;
};

/**
 * Appends one entry to the tenant's audit log. Call it inside the same `store.write` as the
 * action, so the entry exists exactly when the action happened (a failed action leaves none).
 * The table refuses DELETE, and every UPDATE but an erasure's move of a customer id to its
 * pseudonym (triggers, migrations 0012 and 0025).
 */
export async function audit(store: TenantStore, entry: AuditEntry): Promise<void> {
  await store.insert(auditLog, {
    id: newId("aud"),
    at: entry.at.toISOString(),
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    actorName: entry.actor.name ?? null,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    details: entry.details ?? null,
  });
}

/**
 * The request's actor, whatever kind of principal authenticated it (platform/auth sets it): an API
 * key is `key`, a console session its `operator`, a customer session its `customer`.
 */
export function actorFrom(c: Context<AppEnv>): Actor {
  return c.get("caller").actor;
}

/**
 * Runs `fn` in one write transaction and appends the audit entry `describe` makes of its result
 * in the same transaction: the action and its record commit together or not at all.
 */
export function audited<T>(
  c: Context<AppEnv>,
  fn: (store: TenantStore) => Promise<T>,
  describe: (result: T) => Omit<AuditEntry, "actor" | "at"> | null,
): Promise<T> {
  const at = c.get("services").now();
  const actor = actorFrom(c);
  return c.get("store").write(async (s) => {
    const result = await fn(s);
    const entry = describe(result);
    if (entry) await audit(s, { ...entry, actor, at });
    return result;
  });
}
