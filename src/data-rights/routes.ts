import { desc, eq } from "drizzle-orm";
import { auditLog } from "../db/schema";
import { CustomerIdParam } from "../customers/schemas";
import { audited } from "../platform/audit";
import { offTheRequestPath } from "../platform/off-thread";
import { apiRoute, domainRouter, jsonResponse, page } from "../platform/openapi";
import { language } from "../platform/language";
import { cursorList, decodeCursor, olderThan, toPage } from "../platform/pagination";

/** The audit log, newest first: `(at, id)` of the last entry, under the query's `action` (platform/pagination). */
const AUDIT_CURSOR = cursorList("aud", ["instant", "id"]);
import { eraseCustomer, purgeOldPages } from "./erase";
import { exportCustomer, toAuditEntry } from "./export";
import { AuditEntry, AuditQuery, CustomerExport, Erasure } from "./schemas";

const tags = ["Data rights"];

export const dataRightsRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "delete",
      path: "/v1/customers/{customerId}",
      operationId: "eraseCustomer",
      tags,
      scope: "admin",
      // The erasure's answer names the merchant's id beside the erasure's time: stored for a replay, it
      // would pair the person with their pseudonym. A repeat finds nobody to erase (404) anyway.
      neverRemembered: true,
      summary: "Erase a customer (right to erasure)",
      description:
        "Removes the person's name, e-mail, phone, address and free text (comments, operators' contact notes) everywhere they are held: the customer record, event data, cancel-flow evidence, plan changes and webhook payloads (delivered or not). Stored `Idempotency-Key` answers that mention the person are deleted: a replay of such a request runs afresh (a customer sync then creates a new customer) instead of answering the pseudonym. Marketing consent and keep-in-touch become false. The person's customer sessions are deleted (their tokens stop working). The cancellation evidence the law requires the shop to keep (steps, times, offers shown, outcome) stays, under a random pseudonym that replaces the customer id everywhere; erasure is the one edit of that evidence, and each changed step records `erasedAt`. Afterwards a lookup by the old phone, e-mail or id finds nothing, and the pseudonym's record takes no writes (409 `customer_erased`): no sync, event, session, keep-in-touch answer, reactivation or move of its subscriptions; your old id syncs as a new customer that inherits nothing. With the setting `keepContactFingerprints` (default true) keyed HMAC fingerprints of the normalised phone and e-mail are kept for fraud prevention (the 初回だけ解約 match); the setting counts as it stands when the erasure commits, so an erasure already under way when it is turned off keeps none. Cancel live subscriptions first: 409 `customer_has_live_subscriptions` lists them. Audit log entries that named the customer (exports) name the pseudonym instead, and so does the erasure's own entry. Sends a `customer.erased` webhook with your customer id (dropped from the stored delivery once delivered). The answer is not kept for an `Idempotency-Key` replay: a repeat answers 404, as for any erased customer.",
      request: { params: CustomerIdParam },
      errors: ["customer_not_found", "customer_has_live_subscriptions"],
      responses: { 200: jsonResponse(Erasure, "What was erased") },
    }),
    async (c) => {
      const { customerId } = c.req.valid("param");
      const services = c.get("services");
      const { answer } = await audited(
        c,
        (s) => eraseCustomer(s, customerId, { at: services.now(), secretsKey: services.secretsKey, embedded: services.db.client.protocol === "file" }),
        // Under the pseudonym: the log keeps that an erasure happened, never whose.
        ({ answer: r, pseudonym }) => ({ action: "customer.erased", target: { type: "customer", id: pseudonym }, details: { scrubbed: r.scrubbed, fingerprintsKept: r.fingerprintsKept } }),
      );
      await purgeOldPages(services.db);
      return c.json(answer, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/customers/{customerId}/export",
      operationId: "exportCustomer",
      tags,
      scope: "admin",
      summary: "Export everything held about a customer (disclosure request)",
      description:
        "One JSON document for a disclosure request (開示請求): profile and consents, subscriptions, their plan changes, events, cancel flows with their evidence, risk and win-back estimates with their drivers (labelled in the caller's language, as `GET /v1/customers/{id}/risk` labels them), the customer's sessions, every webhook delivery about the person (to which endpoint host, which event, when, its status and the body as sent: the record of what was given to whom) and the audit entries that name the person (earlier exports, what they did with their own session). Recorded in the audit log.",
      request: { params: CustomerIdParam },
      errors: ["customer_not_found"],
      responses: { 200: jsonResponse(CustomerExport, "Everything held about the person") },
    }),
    async (c) => {
      const { customerId } = c.req.valid("param");
      const { now: clock, offThread } = c.get("services");
      const now = clock();
      // Seconds on a big customer: off the request path where the runtime has a thread for it.
      const lang = language(c);
      const document = await offTheRequestPath(offThread, "exportCustomer", { tenantId: c.get("caller").tenantId, customerId, now: now.toISOString(), lang }, () => exportCustomer(c.get("store"), customerId, now, lang));
      await audited(c, async () => null, () => ({ action: "customer.exported", target: { type: "customer", id: customerId } }));
      return c.json(document as never, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/audit-log",
      operationId: "listAuditLog",
      tags,
      scope: "admin",
      summary: "The audit log",
      description:
        "Who (API key, operator, customer session or the system), when, what: every admin action (keys, settings, offers, reasons, webhooks, model training, sessions minted) and every data-rights action (exports, erasures). Newest first. Append-only: entries cannot be changed or removed.",
      request: { query: AuditQuery },
      responses: { 200: jsonResponse(page(AuditEntry), "A page of entries") },
    }),
    async (c) => {
      const { limit, cursor, action } = c.req.valid("query");
      const after = decodeCursor(cursor, AUDIT_CURSOR, [action]);
      const store = c.get("store");
      const rows = await store.q
        .select()
        .from(auditLog)
        .where(
          store.owns(
            auditLog,
            action ? eq(auditLog.action, action) : undefined,
            olderThan(auditLog.at, auditLog.id, after),
          ),
        )
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(limit + 1);
      const p = toPage(rows, limit, AUDIT_CURSOR, (r) => [r.at, r.id], [action]);
      return c.json(
        {
          data: p.data.map(toAuditEntry),
          nextCursor: p.nextCursor,
        },
        200,
      );
    },
  );
