import { and, eq } from "drizzle-orm";
import { customerSessions, customers, subscriptions } from "../db/schema";
import { audited } from "../platform/audit";
import { newId } from "../platform/crypto";
import { refuseErased } from "../data-rights/erased";
import { ApiError } from "../platform/errors";
import { rememberWithout } from "../platform/idempotency";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse } from "../platform/openapi";
import { signSessionToken } from "../platform/session-tokens";
import { CreateCustomerSessionBody, CustomerSession, NewCustomerSession, SessionIdParam } from "./schemas";

const tags = ["Customer sessions"];

const publicSession = (row: typeof customerSessions.$inferSelect) => ({
  id: row.id,
  customerId: row.customerId,
  subscriptionId: row.subscriptionId,
  locale: row.locale as "ja" | "en" | null,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

export const customerSessionsRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/customer-sessions",
      operationId: "createCustomerSession",
      tags,
      scope: "write",
      summary: "Mint a customer session for a browser",
      description:
        "Call from your server when a logged-in customer opens their my-page, and hand the `token` to their browser. The token reaches only that customer's own subscriptions (or the one named), their change history, cancellation information, offers and cancel flows, and restarting a cancelled one (`reactivate`), always on channel `web`; everything else answers 403 `session_not_allowed` or 404. It expires after `expiresInSeconds` (60–3600, default 1800) and can be revoked. Never send an API key to a browser.",
      request: {
        headers: IdempotencyHeaders,
        body: jsonBody(CreateCustomerSessionBody, { customerId: "C-100245", subscriptionId: "S-2024-000981", locale: "ja", expiresInSeconds: 1800 }),
      },
      errors: ["unknown_customer", "customer_erased", "unknown_subscription"],
      responses: { 201: jsonResponse(NewCustomerSession, "The session and its token (shown once)") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const caller = c.get("caller");
      const { now, secretsKey } = c.get("services");
      const at = now();
      // Minting a session is recorded in the audit log (by its id: the log keeps no customer data).
      const row = await audited(c, async (s) => {
        const customer = await s.find(customers, eq(customers.id, body.customerId));
        if (!customer) {
          throw new ApiError("unknown_customer", { en: `No customer ${body.customerId}.`, ja: `顧客 ${body.customerId} は見つかりません。` }, { errors: [{ path: "customerId", message: "Unknown customer" }] });
        }
        refuseErased(customer);
        if (body.subscriptionId !== undefined) {
          const sub = await s.find(subscriptions, and(eq(subscriptions.id, body.subscriptionId), eq(subscriptions.customerId, body.customerId)));
          if (!sub) {
            throw new ApiError("unknown_subscription", { en: `Customer ${body.customerId} has no subscription ${body.subscriptionId}.`, ja: `顧客 ${body.customerId} に定期コース ${body.subscriptionId} はありません。` }, {
              errors: [{ path: "subscriptionId", message: "Not a subscription of this customer" }],
            });
          }
        }
        const values = {
          id: newId("cs"),
          customerId: body.customerId,
          subscriptionId: body.subscriptionId ?? null,
          locale: body.locale ?? null,
          keyId: caller.principal.kind === "key" ? caller.principal.keyId : null,
          createdAt: at.toISOString(),
          expiresAt: new Date(at.getTime() + body.expiresInSeconds * 1000).toISOString(),
          revokedAt: null,
        };
        await s.insert(customerSessions, values);
        return { ...values, tenantId: s.tenantId };
      }, (r) => ({ action: "customer_session.created", target: { type: "customer_session", id: r.id }, details: { expiresAt: r.expiresAt } }));
      const token = await signSessionToken(secretsKey, "customer", { sessionId: row.id, tenantId: row.tenantId, expiresAt: new Date(row.expiresAt) }, at);
      rememberWithout(c, { token: "(shown once: the token is not stored; mint a new session)" });
      return c.json({ ...publicSession(row), token }, 201);
    },
  )
  .openapi(
    apiRoute({
      method: "delete",
      path: "/v1/customer-sessions/{sessionId}",
      operationId: "revokeCustomerSession",
      tags,
      scope: "write",
      summary: "Revoke a customer session",
      description:
        "The token is refused (401 `session_expired`) from its next request on, e.g. when the customer logs out of your shop. Revoking a revoked session answers it unchanged.",
      request: { params: SessionIdParam },
      errors: ["customer_session_not_found"],
      responses: { 200: jsonResponse(CustomerSession, "The revoked session") },
    }),
    async (c) => {
      const { sessionId } = c.req.valid("param");
      const at = c.get("services").now().toISOString();
      const { row } = await audited(
        c,
        async (s) => {
          const existing = await s.find(customerSessions, eq(customerSessions.id, sessionId));
          if (!existing) throw new ApiError("customer_session_not_found", { en: `No customer session ${sessionId}.`, ja: `顧客セッション ${sessionId} は見つかりません。` });
          if (existing.revokedAt) return { row: existing, revoked: false };
          await s.update(customerSessions, { revokedAt: at }, eq(customerSessions.id, sessionId));
          return { row: { ...existing, revokedAt: at }, revoked: true };
        },
        (r) => (r.revoked ? { action: "customer_session.revoked", target: { type: "customer_session", id: sessionId } } : null),
      );
      return c.json(publicSession(row), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/customer-sessions/current",
      operationId: "getCurrentCustomerSession",
      tags,
      scope: "read",
      customer: true,
      summary: "The calling customer session",
      description:
        "Called by a browser with its customer-session token: whose session it is (`customerId`, and `subscriptionId` when it is limited to one), its language and when it expires — what `<tsuzuku-portal>` reads first, so the token stays opaque to pages. An API key has no current session (404 `customer_session_not_found`).",
      errors: ["customer_session_not_found"],
      responses: { 200: jsonResponse(CustomerSession, "The session of the token sent") },
    }),
    async (c) => {
      const principal = c.get("caller").principal;
      if (principal.kind !== "customer") throw new ApiError("customer_session_not_found", { en: "Only a customer-session token has a current session; an API key is not one.", ja: "現在のセッションがあるのは顧客セッションのトークンだけです。API キーはセッションではありません。" });
      const row = await c.get("store").find(customerSessions, eq(customerSessions.id, principal.sessionId));
      if (!row) throw new ApiError("customer_session_not_found", { en: "The session no longer exists.", ja: "このセッションはすでに存在しません。" });
      return c.json(publicSession(row), 200);
    },
  );
