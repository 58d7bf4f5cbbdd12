import { asc } from "drizzle-orm";
import { cancellationReasons } from "../db/schema";
import { ApiError } from "../platform/errors";
import type { TenantStore } from "../platform/tenancy";
import { DEFAULT_CANCELLATION_REASONS, type Localized } from "./reasons";

/** A tenant's reason: one of the default codes or the merchant's own. */
export type TenantReason = { code: string; label: Localized; followUpHint: Localized };

/** The tenant's reason list in display order; the default list until the merchant sets its own. */
export async function tenantReasons(store: TenantStore): Promise<TenantReason[]> {
  const rows = await store.q.select().from(cancellationReasons).where(store.owns(cancellationReasons)).orderBy(asc(cancellationReasons.position));
  if (rows.length === 0) return DEFAULT_CANCELLATION_REASONS.map((r) => ({ code: r.code, label: r.label, followUpHint: r.followUpHint }));
  return rows.map((r) => ({ code: r.code, label: r.label, followUpHint: r.followUpHint }));
}

/**
 * 422 `unknown_reason`: `code` is not one of the shop's reasons (`tenantReasons`), the field at
 * `path` named — a cancel flow's `reason`, a synced subscription's `cancellationReason`.
 */
export function unknownReason(code: string, path: string): ApiError {
  return new ApiError("unknown_reason", { en: `Unknown reason ${code}; see GET /v1/cancellation-reasons.`, ja: `解約理由 ${code} は登録されていません。GET /v1/cancellation-reasons をご確認ください。` }, {
    errors: [{ path, message: { en: "Unknown reason", ja: "登録されていない解約理由です" } }],
  });
}

/** Replaces the whole list (order kept) in one transaction. */
export async function replaceReasons(store: TenantStore, reasons: TenantReason[], at: string): Promise<TenantReason[]> {
  return store.write(async (s) => {
    await s.delete(cancellationReasons);
    await s.insert(
      cancellationReasons,
      reasons.map((r, position) => ({ code: r.code, position, label: r.label, followUpHint: r.followUpHint, updatedAt: at })),
    );
    return reasons;
  });
}
