import { eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import { cancelFlows, cancelFlowSteps } from "../db/schema";
import type { Actor } from "../platform/env";
import { prepared, type TenantStore } from "../platform/tenancy";

export type FlowRow = typeof cancelFlows.$inferSelect;
export type FlowStatus = FlowRow["status"];

/** Open flows past their expiry are abandoned, whether or not maintenance has marked them yet. */
export function effectiveStatus(row: Pick<FlowRow, "status" | "expiresAt">, now: Date): FlowStatus {
  if ((row.status === "open" || row.status === "offered") && row.expiresAt <= now.toISOString()) return "abandoned";
  return row.status;
}

/**
 * A flow a newer one replaced while it was open (abandoned, `superseded_by` set: the customer pressed
 * 「最初からやり直す」, or went on by phone): part of the newer flow's attempt, not an attempt of its
 * own — the metrics count the attempt once, risk does not read it as a flow left unfinished.
 */
export const isRestart = (f: { status: string; supersededBy?: string | null }) => f.status === "abandoned" && !!f.supersededBy;

/** {@link isRestart} as SQL over one `cancel_flows` row whose columns are given. */
export const restartSql = (f: { status: SQL | typeof cancelFlows.status; supersededBy: SQL | typeof cancelFlows.supersededBy }): SQL =>
  sql`(${f.status} = 'abandoned' AND ${f.supersededBy} IS NOT NULL)`;

const STEP_VALUES = ["type", "channel", "at", "data", "actor"] as const;
/** One step, its number the flow's last plus one, found by the INSERT itself: no read before it. */
const ADD_STEP = prepared<"flowId" | (typeof STEP_VALUES)[number]>((s, value) => {
  const columns = getTableColumns(cancelFlowSteps);
  const name = (k: keyof typeof columns) => sql.identifier(columns[k].name);
  return sql`INSERT INTO ${cancelFlowSteps} (${name("tenantId")}, ${name("flowId")}, ${name("seq")}, ${sql.join(STEP_VALUES.map(name), sql`, `)})
    SELECT ${s.tenantId}, ${value("flowId")}, coalesce(max(${cancelFlowSteps.seq}), 0) + 1, ${sql.join(STEP_VALUES.map((k) => value(k, columns[k])), sql`, `)}
    FROM ${cancelFlowSteps} WHERE ${s.owns(cancelFlowSteps, eq(cancelFlowSteps.flowId, value("flowId")))}`;
});

/**
 * Appends one step to a flow's evidence (`cancel_flow_steps`), numbered after its last, in the
 * caller's transaction. Nothing reads its count: on a libSQL server it travels with the next
 * statement (s.later), and the steps keep their order.
 */
export async function addStep(s: TenantStore, flowId: string, type: string, channel: string, at: string, data: Record<string, unknown>, actor: Actor) {
  await s.later(ADD_STEP, { flowId, type, channel, at, data, actor });
}
