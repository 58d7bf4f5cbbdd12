import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, sameIdAsPath } from "../platform/openapi";
import { getCustomer, toCustomer } from "./repository";
import { Customer, CustomerIdParam, ProfilingOptOut, PutProfilingOptOutBody, UpsertCustomerBody } from "./schemas";
import { recordProfilingOptOut } from "./profiling";
import { refuseErased } from "../data-rights/erased";
import { CONSENT_SOURCE } from "../platform/consent-source";
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
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/customers/{customerId}/profiling-opt-out",
      operationId: "getProfilingOptOut",
      tags,
      scope: "read",
      customer: true,
      summary: "Whether the customer is left out of profiling",
      description: "The customer's objection to profiling and when it was last set. Callable with the customer's own session, so their my-page can show it with a way to change it.",
      request: { params: CustomerIdParam },
      errors: ["customer_not_found"],
      responses: { 200: jsonResponse(ProfilingOptOut, "The setting in force") },
    }),
    async (c) => {
      const row = await getCustomer(c.get("store"), c.req.valid("param").customerId);
      return c.json({ customerId: row.id, profilingOptOut: row.profilingOptOut, profilingOptOutAt: row.profilingOptOutAt }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/customers/{customerId}/profiling-opt-out",
      operationId: "putProfilingOptOut",
      tags,
      scope: "write",
      customer: true,
      summary: "Leave the customer out of profiling, or withdraw that",
      description:
        "Records the customer's request (個人情報保護法 §35 利用停止, CCPA/CPRA opt-out of automated decision-making and profiling, GDPR Art. 21) with its evidence — the time and where: `portal` for the customer's own session, `console` for an operator, `api` for a key — and in the audit log (`customer.profiling_changed`). `true` deletes their stored risk rows and win-back scores in the same transaction; `false` computes them again. The same value again records nothing new.",
      request: { params: CustomerIdParam, headers: IdempotencyHeaders, body: jsonBody(PutProfilingOptOutBody, { profilingOptOut: true }) },
      errors: ["customer_not_found", "customer_erased"],
      responses: { 200: jsonResponse(ProfilingOptOut, "The setting now in force") },
    }),
    async (c) => {
      const { customerId } = c.req.valid("param");
      const { profilingOptOut } = c.req.valid("json");
      const at = c.get("services").now().toISOString();
      const source = CONSENT_SOURCE[c.get("caller").principal.kind];
      const actor = actorFrom(c);
      const row = await c.get("store").write(async (s) => {
        const customer = await getCustomer(s, customerId);
        refuseErased(customer, "path.customerId");
        if (customer.profilingOptOut === profilingOptOut) return customer;
        return recordProfilingOptOut(s, customer, profilingOptOut, { source, at, actor });
      });
      return c.json({ customerId: row.id, profilingOptOut: row.profilingOptOut, profilingOptOutAt: row.profilingOptOutAt }, 200);
    },
  );
