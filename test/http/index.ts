import type { Harness } from "../support/harness";
import { authSuite } from "./auth";
import { crossTenantSuite } from "./cross-tenant";
import { customersSuite } from "./customers";
import { errorsSuite } from "./errors";
import { eventsSuite } from "./events";
import { idempotencySuite } from "./idempotency";
import { metaSuite } from "./meta";
import { subscriptionsSuite } from "./subscriptions";
import { planChangesSuite } from "./plan-changes";
import { cancelFlowsSuite } from "./cancel-flows";
import { riskSuite } from "./risk";
import { lookupSuite } from "./lookup";
import { syncSuite } from "./sync";
import { metricsSuite } from "./metrics";

/** The HTTP suite both runtimes run: Node on an embedded file, workerd on sqld. */
export function httpSuite(h: () => Harness) {
  metaSuite(h);
  authSuite(h);
  customersSuite(h);
  subscriptionsSuite(h);
  syncSuite(h);
  planChangesSuite(h);
  cancelFlowsSuite(h);
  eventsSuite(h);
  riskSuite(h);
  lookupSuite(h);
  metricsSuite(h);
  errorsSuite(h);
  idempotencySuite(h);
  crossTenantSuite(h);
}
