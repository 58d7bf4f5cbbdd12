import { ApiError } from "../platform/errors";
import { audited } from "../platform/audit";
import { rememberWithout } from "../platform/idempotency";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse } from "../platform/openapi";
import { ConsoleSession, ConsoleSessionCreated, ConsoleSessionIdParam, CreateConsoleSessionBody, createConsoleSession, publicConsoleSession, revokeConsoleSession } from "./sessions";
import { publicOrigin } from "../platform/origin";

const tags = ["Operators"];

export const consoleSessionsRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/console-sessions",
      operationId: "createConsoleSession",
      tags,
      scope: "admin",
      summary: "Open the console for an operator",
      description:
        "Called by the shop's CTI, SSO bridge or admin tool. Answers a one-time `url` (valid for 15 minutes, once) that, opened in the operator's browser, sets the console cookie (HttpOnly, SameSite=Lax, Secure when the console is reached over https or the host is not loopback) and lands on `/console`. The URL's origin is the server's as the browser reaches it: behind a reverse proxy on Node, set `TRUST_PROXY` so that `X-Forwarded-Proto` and `X-Forwarded-Host` are read from it (never from anyone else). A `supervisor` also opens `/console/metrics` and `/console/at-risk` (the live subscriptions at risk, as `GET /v1/risk/at-risk` lists them). Add `&to=/console?phone=…` to the URL to land on a screen pop.\n\nWhat the session may do is what the console does, recorded with the operator as actor on channel `operator`: every read of the `read` scope (but `GET /v1/risk/at-risk`, which as on the console is for a `supervisor`: an `operator` gets 403 `insufficient_scope`), and of writes only plan changes (skip, pause, resume, quantity, interval, next delivery), the cancel flow (start, reason, accept, confirm), reactivation and marking a knowledge entry used; the console's contact notes are logged by the console itself. Anything else — customer and subscription upserts, `POST /v1/sync`, events, customer sessions, keys, webhooks, settings, offers — answers 403 `insufficient_scope`, and every console request that changes something carries a CSRF token. The session ends at its expiry, at logout, on `DELETE /v1/console-sessions/{sessionId}`, or when the API key that opened it is revoked.",
      request: {
        headers: IdempotencyHeaders,
        body: jsonBody(CreateConsoleSessionBody, { operatorId: "op-042", operatorName: "佐々木 美咲", role: "operator", expiresInSeconds: 28_800 }),
      },
      responses: { 201: jsonResponse(ConsoleSessionCreated, "The one-time console URL") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const principal = c.get("caller").principal;
      const session = await audited(
        c,
        (s) => createConsoleSession(s, body, c.get("services").now(), principal.kind === "key" ? principal.keyId : null),
        (r) => ({ action: "console_session.created", target: { type: "console_session", id: r.id }, details: { operatorId: body.operatorId, role: body.role } }),
      );
      const url = `${publicOrigin(c)}/console/login?token=${session.loginToken}`;
      // The URL is a one-time login: never stored for an idempotent replay.
      rememberWithout(c, { url: "(shown once: the one-time URL is not stored; open a new console session)" });
      return c.json({ id: session.id, url, expiresAt: session.expiresAt }, 201);
    },
  )
  .openapi(
    apiRoute({
      method: "delete",
      path: "/v1/console-sessions/{sessionId}",
      operationId: "revokeConsoleSession",
      tags,
      scope: "admin",
      summary: "Revoke a console session",
      description:
        "The operator's console cookie is refused (401 `session_expired`; the console shows its ended-session page) from its next request on, e.g. when an operator leaves the shift or a device is lost. Revoking a revoked session answers it unchanged. Revoking the API key that opened a session (`DELETE /v1/keys/{keyId}`) ends it too.",
      request: { params: ConsoleSessionIdParam },
      errors: ["console_session_not_found"],
      responses: { 200: jsonResponse(ConsoleSession, "The revoked session") },
    }),
    async (c) => {
      const { sessionId } = c.req.valid("param");
      const result = await audited(
        c,
        async (s) => {
          const r = await revokeConsoleSession(s, sessionId, c.get("services").now());
          if (!r) throw new ApiError("console_session_not_found", { en: `No console session ${sessionId}.`, ja: `コンソールのセッション ${sessionId} は見つかりません。` });
          return r;
        },
        (r) => (r.revoked ? { action: "console_session.revoked", target: { type: "console_session", id: sessionId } } : null),
      );
      return c.json(publicConsoleSession(result.row), 200);
    },
  );
