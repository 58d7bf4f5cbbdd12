import { audited } from "../platform/audit";
import { rememberWithout } from "../platform/idempotency";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse } from "../platform/openapi";
import { ConsoleSessionCreated, CreateConsoleSessionBody, createConsoleSession } from "./sessions";

export const consoleSessionsRouter = domainRouter().openapi(
  apiRoute({
    method: "post",
    path: "/v1/console-sessions",
    operationId: "createConsoleSession",
    tags: ["Operators"],
    scope: "admin",
    summary: "Open the console for an operator",
    description:
      "Called by the shop's CTI, SSO bridge or admin tool. Answers a one-time `url` (valid for 15 minutes, once) that, opened in the operator's browser, sets the console cookie (HttpOnly, SameSite=Lax, Secure unless the host is loopback) and lands on `/console`. The operator reads and writes on this shop only — never admin; every console request that changes something carries a CSRF token. A `supervisor` also opens `/console/metrics`. Add `&to=/console?phone=…` to the URL to land on a screen pop.",
    request: {
      headers: IdempotencyHeaders,
      body: jsonBody(CreateConsoleSessionBody, { operatorId: "op-042", operatorName: "佐々木 美咲", role: "operator", expiresInSeconds: 28_800 }),
    },
    responses: { 201: jsonResponse(ConsoleSessionCreated, "The one-time console URL") },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const session = await audited(
      c,
      (s) => createConsoleSession(s, body, c.get("services").now()),
      (r) => ({ action: "console_session.created", target: { type: "console_session", id: r.id }, details: { operatorId: body.operatorId, role: body.role } }),
    );
    const url = `${new URL(c.req.url).origin}/console/login?token=${session.loginToken}`;
    // The URL is a one-time login: never stored for an idempotent replay.
    rememberWithout(c, { url: "(shown once: the one-time URL is not stored; open a new console session)" });
    return c.json({ id: session.id, url, expiresAt: session.expiresAt }, 201);
  },
);
