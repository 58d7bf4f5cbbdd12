/**
 * The customer's objection to profiling (個人情報保護法 §35 利用停止; CCPA/CPRA opt-out of automated
 * decision-making and profiling; GDPR Art. 21): recorded with its evidence as keep-in-touch answers
 * are (`contact_consents`, kind `profiling`). While it is on, SQLite keeps no risk row of theirs and
 * their win-back records unscored (migration 0056's triggers), they are not contacted for win-back
 * (winback/service isContactable), and the risk answers say they are not scored.
 */
import { eq } from "drizzle-orm";
import { contactConsents, customers } from "../db/schema";
import { audit } from "../platform/audit";
import { newId } from "../platform/crypto";
import type { Actor } from "../platform/env";
import { localDate } from "../platform/dates";
import type { TenantStore } from "../platform/tenancy";
import { rebuildCustomerRisk } from "../risk/rescore";
import { resolveSettings } from "../settings/schemas";
import { dropUndelivered } from "../webhooks/outbox";
import type { ConsentSource } from "../platform/consent-source";
import { activeWinbackModel } from "../winback/service";
import { rescoreCustomerWinbacks } from "../winback/train";
import type { CustomerRow } from "./repository";

/** Why a risk answer carries no score: the customer objected to profiling. */
export const NOT_SCORED_PROFILING = "profiling_opt_out" as const;

/**
 * Pure: the setting to record from a write's `profilingOptOut` — null when there is nothing new
 * (omitted, null as `GET` of a never-set customer would not send, or the same as stored).
 */
export function profilingChange(stored: boolean | undefined, asked: boolean | null | undefined): boolean | null {
  if (asked === undefined || asked === null) return null;
  return asked === (stored ?? false) ? null : asked;
}

/**
 * Records a change of the setting inside the caller's transaction: the customer's columns, its
 * evidence (append-only), and what follows. Switching on: SQLite deletes their risk rows and
 * clears their win-back scores (migration 0056), their queued `winback.due` is dropped. Switching
 * off: their risk rows are rebuilt from history and their open win-back records re-scored.
 */
export async function recordProfilingOptOut(
  s: TenantStore,
  customer: CustomerRow,
  optOut: boolean,
  evidence: { source: ConsentSource; at: string; actor: Actor },
): Promise<CustomerRow> {
  await s.update(customers, { profilingOptOut: optOut, profilingOptOutAt: evidence.at }, eq(customers.id, customer.id));
  await s.insert(contactConsents, {
    id: newId("cst"),
    customerId: customer.id,
    kind: "profiling",
    granted: !optOut,
    wording: null,
    language: null,
    source: evidence.source,
    flowId: null,
    at: evidence.at,
  });
  await audit(s, { actor: evidence.actor, action: "customer.profiling_changed", target: { type: "customer", id: customer.id }, details: { profilingOptOut: optOut, source: evidence.source }, at: new Date(evidence.at) });
  if (optOut) {
    await dropUndelivered(s, customer.id, ["winback.due"]);
  } else {
    const now = new Date(evidence.at);
    await rebuildCustomerRisk(s, customer.id, now);
    const today = localDate(now, resolveSettings((await s.tenant()).settings).timeZone);
    await rescoreCustomerWinbacks(s, customer.id, await activeWinbackModel(s), today);
  }
  return { ...customer, profilingOptOut: optOut, profilingOptOutAt: evidence.at };
}
