import type { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { customers } from "../db/schema";
import { aheadOfTimeError, ApiError } from "../platform/errors";
import { isAheadOfClock } from "../platform/dates";
import { foldAddress, normalizePostalCode, postalCodeProblem } from "../platform/address";
import { foldName, withoutZeroWidth } from "../platform/name-keys";
import { normalizeEmail, parsePhone, type ParsedPhone, type PhoneRegion } from "../platform/phone";
import type { TenantStore } from "../platform/tenancy";
import { refuseErased } from "../data-rights/erased";
import type { Language } from "../platform/language";
import { dropUndelivered } from "../webhooks/outbox";
import { answeredByCustomer, recordKeepInTouch } from "../winback/service";
import type { Actor } from "../platform/env";
import { profilingChange, recordProfilingOptOut } from "./profiling";
import { findCustomer, type CustomerRow } from "./repository";
import type { SyncWarning, UpsertCustomerBody } from "./schemas";

/** The stored columns a customer sync writes (all of them but erasure, fingerprints and keep-in-touch). */
export type SyncedCustomer = Omit<CustomerRow, "id" | "tenantId" | "erasedAt" | "phoneFingerprint" | "emailFingerprint" | "keepInTouch" | "keepInTouchAt" | "profilingOptOut" | "profilingOptOutAt">;

/**
 * Pure: the columns a customer sync stores, given the customer as stored before (`existing`,
 * undefined when new). Throws `customer_erased` (409) when `existing` is an erased person's
 * pseudonymised row (data-rights/erased), `validation_failed` (422) for a phone number that is not
 * one, a postal code that is not one (both read in the shop's `country`: seven digits in JP), or a `createdAt` more than 5 minutes ahead of `at`. The phone is E.164 with its extension apart, the
 * e-mail in its normalised form (platform/phone). One function for `PUT /v1/customers/{id}`, the
 * bulk `POST /v1/sync` and `npm run import`.
 */
export function syncedCustomer(body: z.output<typeof UpsertCustomerBody>, existing: Pick<CustomerRow, "id" | "erasedAt" | "acquisitionSource" | "createdAt"> | undefined, at: string, country: PhoneRegion): SyncedCustomer {
  refuseErased(existing, "id");
  let phone: ParsedPhone | null = null;
  if (body.phone) {
    phone = parsePhone(body.phone, country);
    if (!phone) {
      throw new ApiError("validation_failed", { en: "The phone number is not a valid number.", ja: "電話番号が正しくありません。" }, {
        errors: [{ path: "phone", message: { en: `Not a valid phone number: ${body.phone}`, ja: `電話番号として読み取れません: ${body.phone}` } }],
      });
    }
  }
  let postalCode: string | null = null;
  if (body.postalCode) {
    postalCode = normalizePostalCode(body.postalCode, country);
    if (!postalCode) {
      throw new ApiError("validation_failed", country === "JP" ? { en: "The postal code is not seven digits.", ja: "郵便番号が7桁ではありません。" } : { en: `The postal code is not one of the shop's country (${country}).`, ja: `郵便番号がショップの国（${country}）の形式ではありません。` }, {
        errors: [{ path: "postalCode", message: postalCodeProblem(body.postalCode, country) }],
      });
    }
  }
  // A join date ahead of the clock is a wrong clock or year upstream (platform/dates FUTURE_SKEW_MS).
  if (body.createdAt && isAheadOfClock(body.createdAt, new Date(at))) throw aheadOfTimeError([{ path: "createdAt", value: body.createdAt, now: at }]);
  const address = body.address ? body.address : null;
  // The schema has checked that the e-mail address normalises.
  const email = body.email ? normalizeEmail(body.email) : null;
  return {
    acquisitionSource: body.acquisitionSource === undefined ? (existing?.acquisitionSource ?? null) : body.acquisitionSource,
    // Without the zero-width characters a name never needs (山田\u200B太郎 is 山田太郎): shown, spoken and searched as it reads.
    name: withoutZeroWidth(body.name)?.trim() ?? null,
    nameKana: withoutZeroWidth(body.nameKana)?.trim() ?? null,
    // The operators' name search reads these (migration 0049's triggers key them).
    nameKey: foldName(withoutZeroWidth(body.name)),
    nameKanaKey: foldName(withoutZeroWidth(body.nameKana)),
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
}

/**
 * Pure: the customer row after a sync (a synced customer is a live person: no erasure state, no
 * fingerprints), and the keep-in-touch answer to record when the sync brings a new one (the same
 * answer again is not a new one). Consent, the latest "no" winning:
 * - `true` over a stored "no" the customer gave themselves (`ownNo`: winback/service
 *   `answeredByCustomer`) is not taken: `keptNo`, the answer says so and nothing is recorded;
 * - a marketing consent turned from true to false (`optOut`) after a keep-in-touch "yes" is a later
 *   "no": it withdraws keep-in-touch too (the question offers 再開のご案内や新商品のお知らせ), unless
 *   the same item answers keep-in-touch itself. A later marketing "yes" never undoes a keep-in-touch "no".
 */
export function syncedCustomerRow(
  tenantId: string,
  customerId: string,
  values: SyncedCustomer,
  existing: Pick<CustomerRow, "keepInTouch" | "keepInTouchAt" | "marketingConsent" | "profilingOptOut" | "profilingOptOutAt"> | undefined,
  /** The body's answer; null (GET's "never answered", sent back) or undefined: kept as stored. */
  keepInTouch: boolean | null | undefined,
  /** Whether the stored answer was given by the customer themselves (only read for a "no" a `true` would overturn). */
  ownNo = false,
): { row: CustomerRow; newKeepInTouch: boolean | null; keptNo: boolean; optOut: boolean } {
  const row: CustomerRow = { ...values, id: customerId, tenantId, erasedAt: null, phoneFingerprint: null, emailFingerprint: null, keepInTouch: existing?.keepInTouch ?? null, keepInTouchAt: existing?.keepInTouchAt ?? null, profilingOptOut: existing?.profilingOptOut ?? false, profilingOptOutAt: existing?.profilingOptOutAt ?? null };
  const asked = keepInTouch !== undefined && keepInTouch !== null && keepInTouch !== row.keepInTouch ? keepInTouch : null;
  const keptNo = asked === true && row.keepInTouch === false && ownNo;
  const optOut = existing?.marketingConsent === true && !values.marketingConsent;
  const newKeepInTouch = keptNo ? null : (asked ?? (optOut && row.keepInTouch === true ? false : null));
  return { row, newKeepInTouch, keptNo, optOut };
}

/** Whether a sync's `keepInTouch` would turn the stored "no" into a "yes": then who gave the "no" is read (`ownNo`). */
export const wouldOverturnNo = (existing: Pick<CustomerRow, "keepInTouch"> | undefined, keepInTouch: boolean | null | undefined) => keepInTouch === true && existing?.keepInTouch === false;

/** The `keep_in_touch_kept` warning (customers/schemas SyncWarning). */
export function keptNoWarning(lang: Language): z.infer<typeof SyncWarning> {
  return {
    code: "keep_in_touch_kept",
    path: "keepInTouch",
    message:
      lang === "ja"
        ? "お客様ご自身が「受け取らない」と回答しているため、keepInTouch: true は反映していません（同期では上書きしません）。ほかの項目は反映しました。"
        : "keepInTouch: true was not taken: the customer said no themselves, and a sync does not overturn that. The rest was applied.",
  };
}

/**
 * After a customer's columns are written: records a changed keep-in-touch answer as evidence
 * (withdrawing is always possible; a "no" drops their queued `winback.due`), and after a marketing
 * opt-out without one drops their queued `winback.due` too (they are no longer contactable).
 * Returns the row as stored. (Their win-back rows' contactability follows in SQLite: migration 0023's trigger.)
 */
export async function afterCustomerSync(s: TenantStore, row: CustomerRow, newKeepInTouch: boolean | null, at: string, optOut = false): Promise<CustomerRow> {
  if (newKeepInTouch !== null) return recordKeepInTouch(s, row, newKeepInTouch, { source: "customer_sync", at });
  if (optOut) await dropUndelivered(s, row.id, ["winback.due"]);
  return row;
}

/**
 * Creates or replaces one customer from the merchant's cart system, inside the caller's
 * transaction (`PUT /v1/customers/{id}`; the bulk `POST /v1/sync` calls the same pure steps for a
 * whole batch). Refuses before writing anything: `customer_erased` for an erased person's
 * pseudonym, `validation_failed` for a phone number that is not one (see `syncedCustomer`).
 */
export async function syncCustomer(
  s: TenantStore,
  customerId: string,
  body: z.output<typeof UpsertCustomerBody>,
  at: string,
  country: PhoneRegion,
  actor: Actor,
): Promise<{ row: CustomerRow; created: boolean; keptNo: boolean }> {
  const existing = await findCustomer(s, customerId);
  refuseErased(existing, "path.customerId");
  const values = syncedCustomer(body, existing, at, country);
  if (existing) await s.update(customers, values, eq(customers.id, customerId));
  else await s.insert(customers, { id: customerId, ...values });
  const ownNo = wouldOverturnNo(existing, body.keepInTouch) && (await answeredByCustomer(s, customerId));
  const { row, newKeepInTouch, keptNo, optOut } = syncedCustomerRow(s.tenantId, customerId, values, existing, body.keepInTouch, ownNo);
  let stored = await afterCustomerSync(s, row, newKeepInTouch, at, optOut);
  const profiling = profilingChange(existing?.profilingOptOut, body.profilingOptOut);
  if (profiling !== null) stored = await recordProfilingOptOut(s, stored, profiling, { source: "customer_sync", at, actor });
  return { row: stored, created: !existing, keptNo };
}
