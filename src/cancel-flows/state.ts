import { eq, max } from "drizzle-orm";
import { cancelFlows, cancelFlowSteps } from "../db/schema";
import type { Actor } from "../platform/env";
import type { TenantStore } from "../platform/tenancy";

export type FlowRow = typeof cancelFlows.$inferSelect;
export type FlowStatus = FlowRow["status"];

/** Open flows past their expiry are abandoned, whether or not maintenance has marked them yet. */
export function effectiveStatus(row: Pick<FlowRow, "status" | "expiresAt">, now: Date): FlowStatus {
  if ((row.status === "open" || row.status === "offered") && row.expiresAt <= now.toISOString()) return "abandoned";
  return row.status;
}

/** Appends one step to a flow's evidence (`cancel_flow_steps`), numbered after its last, in the caller's transaction. */
export async function addStep(s: TenantStore, flowId: string, type: string, channel: string, at: string, data: Record<string, unknown>, actor: Actor) {
  const [row] = await s.q.select({ seq: max(cancelFlowSteps.seq) }).from(cancelFlowSteps).where(s.owns(cancelFlowSteps, eq(cancelFlowSteps.flowId, flowId)));
  await s.insert(cancelFlowSteps, { flowId, seq: (row?.seq ?? 0) + 1, type, channel, at, data, actor });
}
