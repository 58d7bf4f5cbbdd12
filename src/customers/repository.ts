import { customers } from "../db/schema";
import { ApiError } from "../platform/errors";
import { preparedFind, type TenantStore } from "../platform/tenancy";

export type CustomerRow = typeof customers.$inferSelect;

export function toCustomer(row: Omit<CustomerRow, "erasedAt" | "phoneFingerprint" | "emailFingerprint">) {
  return {
    id: row.id,
    name: row.name,
    nameKana: row.nameKana,
    email: row.email,
    phone: row.phone,
    phoneExtension: row.phoneExtension,
    locale: row.locale as "ja" | "en" | null,
    marketingConsent: row.marketingConsent,
    postalCode: row.postalCode,
    address: row.address,
    acquisitionSource: row.acquisitionSource,
    keepInTouch: row.keepInTouch,
    keepInTouchAt: row.keepInTouchAt,
    profilingOptOut: row.profilingOptOut,
    profilingOptOutAt: row.profilingOptOutAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const BY_ID = preparedFind(customers, ["id"]);

export function findCustomer(store: TenantStore, id: string) {
  return store.findWith(customers, BY_ID, { id });
}

export async function getCustomer(store: TenantStore, id: string): Promise<CustomerRow> {
  const row = await findCustomer(store, id);
  if (!row) throw new ApiError("customer_not_found", { en: `No customer ${id}.`, ja: `顧客 ${id} は見つかりません。` });
  return row;
}
