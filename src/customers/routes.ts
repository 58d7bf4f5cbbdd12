import { eq } from "drizzle-orm";
import { customers } from "../db/schema";
import { ApiError } from "../platform/errors";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse } from "../platform/openapi";
import { normalizeEmail, normalizePhone } from "../platform/phone";
import { recordKeepInTouch, syncContactable } from "../winback/service";
import { findCustomer, getCustomer, toCustomer, type CustomerRow } from "./repository";
import { Customer, CustomerIdParam, UpsertCustomerBody } from "./schemas";

const tags = ["Customers"];

export const customersRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/customers/{customerId}",
      operationId: "upsertCustomer",
      tags,
      scope: "write",
      summary: "Create or replace a customer",
      description:
        "Syncs a customer from the merchant's cart system under the merchant's own id. The body replaces the stored customer; phone numbers in any Japanese or international form are stored as E.164. Answers 201 when the customer is new, 200 otherwise.",
      request: { params: CustomerIdParam, headers: IdempotencyHeaders, body: jsonBody(UpsertCustomerBody, {
          name: "佐藤 花子",
          email: "hanako.sato@example.jp",
          phone: "090-1234-5678",
          locale: "ja",
          createdAt: "2024-04-01T00:00:00Z",
          marketingConsent: true,
          acquisitionSource: "referral",
        }),
      },
      responses: { 200: jsonResponse(Customer, "The updated customer"), 201: jsonResponse(Customer, "The new customer") },
    }),
    async (c) => {
      const { customerId } = c.req.valid("param");
      const body = c.req.valid("json");
      let phone: string | null = null;
      if (body.phone) {
        phone = normalizePhone(body.phone);
        if (!phone) {
          throw new ApiError("validation_failed", "The phone number is not a valid number.", {
            errors: [{ path: "phone", message: `Not a valid phone number: ${body.phone}` }],
          });
        }
      }
      const at = c.get("services").now().toISOString();
      const { row, created } = await c.get("store").write(async (s) => {
        const existing = await findCustomer(s, customerId);
        const values = {
          acquisitionSource: body.acquisitionSource === undefined ? (existing?.acquisitionSource ?? null) : body.acquisitionSource,
          name: body.name ?? null,
          email: body.email ?? null,
          emailNormalized: body.email ? normalizeEmail(body.email) : null,
          phone,
          locale: body.locale ?? null,
          marketingConsent: body.marketingConsent,
          createdAt: body.createdAt ?? existing?.createdAt ?? at,
          updatedAt: at,
        };
        if (existing) await s.update(customers, values, eq(customers.id, customerId));
        else await s.insert(customers, { id: customerId, ...values });
        let row: CustomerRow = { ...values, id: customerId, tenantId: s.tenantId, keepInTouch: existing?.keepInTouch ?? null, keepInTouchAt: existing?.keepInTouchAt ?? null };
        // A changed answer is evidence (withdrawing is always possible); the same answer again is not a new one.
        if (body.keepInTouch !== undefined && body.keepInTouch !== row.keepInTouch) row = await recordKeepInTouch(s, row, body.keepInTouch, { source: "customer_sync", at });
        else await syncContactable(s, row);
        return { row, created: !existing };
      });
      return c.json(toCustomer(row), created ? 201 : 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/customers/{customerId}",
      operationId: "getCustomer",
      tags,
      scope: "read",
      summary: "Get a customer",
      request: { params: CustomerIdParam },
      errors: ["customer_not_found"],
      responses: { 200: jsonResponse(Customer, "The customer") },
    }),
    async (c) => {
      const { customerId } = c.req.valid("param");
      return c.json(toCustomer(await getCustomer(c.get("store"), customerId)), 200);
    },
  );
