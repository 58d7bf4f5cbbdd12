import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, sameIdAsPath } from "../platform/openapi";
import { getCustomer, toCustomer } from "./repository";
import { Customer, CustomerIdParam, UpsertCustomerBody } from "./schemas";
import { keptNoWarning, syncCustomer } from "./sync";
import { errorLanguage } from "../platform/language";
import { actorFrom } from "../platform/audit";

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
        "Syncs a customer from the merchant's cart system under the merchant's own id. The body replaces the stored customer; phone numbers in any Japanese or international form are stored as E.164. Answers 201 when the customer is new, 200 otherwise. An erased customer's pseudonym (`erased_…`) takes no writes: 409 `customer_erased`. The merchant's own id of an erased customer names nothing any more: syncing it creates a new customer that inherits nothing of the erased one.",
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
      errors: ["customer_erased"],
      responses: { 200: jsonResponse(Customer, "The updated customer"), 201: jsonResponse(Customer, "The new customer") },
    }),
    async (c) => {
      const { customerId } = c.req.valid("param");
      const body = c.req.valid("json");
      sameIdAsPath(body.id, customerId);
      const at = c.get("services").now().toISOString();
      const { row, created, keptNo } = await c.get("store").write((s) => syncCustomer(s, customerId, body, at, c.get("caller").settings.country, actorFrom(c)));
      return c.json({ ...toCustomer(row), ...(keptNo ? { warnings: [keptNoWarning(errorLanguage(c))] } : {}) }, created ? 201 : 200);
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
