import type { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { customers } from "../db/schema";
import { ApiError } from "../platform/errors";
import { foldAddress, normalizePostalCode } from "../platform/address";
import { normalizeEmail, parsePhone, type ParsedPhone } from "../platform/phone";
import type { TenantStore } from "../platform/tenancy";
import { recordKeepInTouch, syncContactable } from "../winback/service";
import { findCustomer, type CustomerRow } from "./repository";
import type { UpsertCustomerBody } from "./schemas";

/**
 * Creates or replaces one customer from the merchant's cart system, inside the caller's
 * transaction (`PUT /v1/customers/{id}`, the bulk `POST /v1/sync` and `npm run import`). Refuses
 * before writing anything: `validation_failed` for a phone number that is not one. The phone is
 * stored as E.164 with its extension apart, the e-mail in its normalised form (platform/phone).
 */
export async function syncCustomer(
  s: TenantStore,
  customerId: string,
  body: z.output<typeof UpsertCustomerBody>,
  at: string,
): Promise<{ row: CustomerRow; created: boolean }> {
  let phone: ParsedPhone | null = null;
  if (body.phone) {
    phone = parsePhone(body.phone);
    if (!phone) {
      throw new ApiError("validation_failed", "The phone number is not a valid number.", {
        errors: [{ path: "phone", message: `Not a valid phone number: ${body.phone}` }],
      });
    }
  }
  let postalCode: string | null = null;
  if (body.postalCode) {
    postalCode = normalizePostalCode(body.postalCode);
    if (!postalCode) {
      throw new ApiError("validation_failed", "The postal code is not seven digits.", {
        errors: [{ path: "postalCode", message: `Not a Japanese postal code: ${body.postalCode}` }],
      });
    }
  }
  const address = body.address ? body.address : null;
  // The schema has checked that the e-mail address normalises.
  const email = body.email ? normalizeEmail(body.email) : null;
  const existing = await findCustomer(s, customerId);
  const values = {
    acquisitionSource: body.acquisitionSource === undefined ? (existing?.acquisitionSource ?? null) : body.acquisitionSource,
    name: body.name ?? null,
    email: email?.email ?? null,
    emailNormalized: email?.key ?? null,
    phone: phone?.e164 ?? null,
    phoneExtension: phone ? (phone.extension ?? body.phoneExtension ?? null) : null,
    locale: body.locale ?? null,
    marketingConsent: body.marketingConsent,
    postalCode,
    address,
    addressKey: address === null ? null : foldAddress(address),
    createdAt: body.createdAt ?? existing?.createdAt ?? at,
    updatedAt: at,
  };
  if (existing) await s.update(customers, values, eq(customers.id, customerId));
  else await s.insert(customers, { id: customerId, ...values });
  // A synced customer is a live person: no erasure state, no fingerprints.
  let row: CustomerRow = { ...values, id: customerId, tenantId: s.tenantId, erasedAt: null, phoneFingerprint: null, emailFingerprint: null, keepInTouch: existing?.keepInTouch ?? null, keepInTouchAt: existing?.keepInTouchAt ?? null };
  // A changed keep-in-touch answer is evidence (withdrawing is always possible); the same answer again is not a new one.
  if (body.keepInTouch !== undefined && body.keepInTouch !== row.keepInTouch) row = await recordKeepInTouch(s, row, body.keepInTouch, { source: "customer_sync", at });
  else if (existing) await syncContactable(s, row);
  return { row, created: !existing };
}
