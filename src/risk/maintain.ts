/**
 * The seam through which every write that changes what risk reads keeps `risk_features` current.
 * Call it inside the write's own transaction (with the transaction's store), after the write.
 *
 * TODO(#6): implemented by the risk work; until then it does nothing.
 */
import type { TenantStore } from "../platform/tenancy";
import type { RiskSignal } from "./features";

export async function refreshRisk(store: TenantStore, subscriptionId: string, at: string, signal?: RiskSignal): Promise<void> {
  void store;
  void subscriptionId;
  void at;
  void signal;
}
