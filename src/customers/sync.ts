import type { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { customers } from "../db/schema";
import { ApiError } from "../platform/errors";
import { normalizeEmail, normalizePhone } from "../platform/phone";
import type { TenantStore } from "../platform/tenancy";
import { findCustomer, type CustomerRow } from "./repository";
import type { UpsertCustomerBody } from "./schemas";

/**
 * Creates or replaces one customer from the merchant's cart system, inside the caller's
 * transaction (`PUT /v1/customers/{id}`, the bulk `POST /v1/sync` and `npm run import`). Refuses
 * before writing anything: `validation_failed` for a phone number that is not one.
 */
export async function syncCustomer(
  s: TenantStore,
  customerId: string,
  body: z.output<typeof UpsertCustomerBody>,
  at: string,
): Promise<{ row: CustomerRow; created: boolean }> {
  let phone: string | null = null;
  if (body.phone) {
    phone = normalizePhone(body.phone);
    if (!phone) {
      throw new ApiError("validation_failed", "The phone number is not a valid number.", {
        errors: [{ path: "phone", message: `Not a valid phone number: ${body.phone}` }],
      });
    }
  }
  const existing = await findCustomer(s, customerId);
  const values = {
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
  return { row: { ...values, id: customerId, tenantId: s.tenantId }, created: !existing };
}
