import type { Principal } from "./env";

/**
 * Where a customer's answer (keep-in-touch, profiling opt-out) came from, kept as its evidence: the
 * cancel flow, the shop's customer sync, the customer's portal, an operator in the console, or another
 * API call. Shared by win-back and customers, so it lives here, beside the principals it is read from.
 */
export type ConsentSource = "cancel_flow" | "customer_sync" | "portal" | "console" | "api";

/** Where an answer given through an API call came from, by who called: the customer's session, an operator's console, a key. */
export const CONSENT_SOURCE: Record<Principal["kind"], ConsentSource> = { customer: "portal", console: "console", key: "api" };
