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
import { embedSuite } from "./embed";
import { customerSessionsSuite } from "./customer-sessions";
import { corsSuite } from "./cors";
import { contactSuite } from "./contact";
import { stockSuite } from "./stock";
import { checkoutChecksSuite } from "./checkout-checks";
import { winbackSuite } from "./winback";
import { syncSuite } from "./sync";
import { consoleSuite } from "./console";
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
  contactSuite(h);
  stockSuite(h);
  winbackSuite(h);
  metricsSuite(h);
  errorsSuite(h);
  idempotencySuite(h);
  crossTenantSuite(h);
  embedSuite(h);
  customerSessionsSuite(h);
  corsSuite(h);
  checkoutChecksSuite(h);
  consoleSuite(h);
}
