import { and, eq, or, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { customers, subscriptions, tenants } from "../db/schema";
import { foldAddress, normalizePostalCode, postalCodeProblem } from "../platform/address";
import { ApiError, type FieldError } from "../platform/errors";
import { language } from "../platform/language";
import { apiRoute, domainRouter, jsonBody, jsonResponse } from "../platform/openapi";
import { normalizeEmail, normalizePhone } from "../platform/phone";
import { fingerprint } from "../platform/secrets";
import { FINGERPRINTS_DROPPED_AT } from "../settings/schemas";
import { checkoutDecision, type EarlierSubscription, type MatchKey } from "./logic";
import { CheckoutCheck, CheckoutCheckBody } from "./schemas";

const PATH = "/v1/checkout-checks";

export const checkoutChecksRouter = domainRouter().openapi(
  apiRoute({
    method: "post",
    path: PATH,
    operationId: "checkCheckout",
    tags: ["Risk"],
    scope: "read",
    // A read sent as POST (contact details stay out of URLs and logs): nothing is stored for it.
    neverRemembered: true,
    summary: "Check a shopper at checkout, before the order exists",
    description:
      "Call from your server at checkout. Matches the shop's earlier customers on the normalised phone and e-mail (erased customers too, by the keyed fingerprints erasure keeps unless the setting `keepContactFingerprints` is false) and, where you sync them, the postal code plus the address line folded for width, kanji/arabic numerals and 丁目/番/号 forms. Answers the 初回だけ解約 flag (`first_delivery_canceller`: an earlier subscription of the same person was canceled after at most one delivery) with its evidence — counts and dates, never another customer's id — and a suggested action, e.g. no first-order discount. Writes nothing.",
    request: { body: jsonBody(CheckoutCheckBody, { phone: "090-1234-5678", email: "hanako.sato@example.jp", postalCode: "150-0041", address: "東京都渋谷区神南一丁目2番3号" }) },
    responses: { 200: jsonResponse(CheckoutCheck, "The flag, its evidence and what to do") },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const errors: FieldError[] = [];
    const phone = body.phone ? normalizePhone(body.phone, c.get("caller").settings.country) : null;
    if (body.phone && !phone) errors.push({ path: "phone", message: { en: `Not a valid phone number: ${body.phone}`, ja: `電話番号として読み取れません: ${body.phone}` } });
    const email = body.email ? (normalizeEmail(body.email)?.key ?? null) : null;
    if (body.email && !email) errors.push({ path: "email", message: { en: `Not an e-mail address: ${body.email}`, ja: `メールアドレスではありません: ${body.email}` } });
    const postalCode = body.postalCode ? normalizePostalCode(body.postalCode, c.get("caller").settings.country) : null;
    if (body.postalCode && !postalCode) errors.push({ path: "postalCode", message: postalCodeProblem(body.postalCode, c.get("caller").settings.country) });
    const addressKey = body.address ? foldAddress(body.address) : null;
    if (body.address && !body.postalCode) errors.push({ path: "postalCode", message: "An address is matched together with its postal code" });
    if (!body.phone && !body.email && !body.postalCode) errors.push({ path: "", message: "Send at least one of phone, email, or postalCode with address" });
    if (errors.length > 0) throw new ApiError("validation_failed", { en: "One or more fields are invalid.", ja: "正しくない項目があります。" }, { errors });

    // An erased person is matched by the HMAC fingerprints erasure kept (fraud prevention, data-rights/erase),
    // while the shop keeps them; those kept before its latest `keepContactFingerprints: false` are
    // being dropped by the background job and are not read meanwhile (settings/schemas).
    const store = c.get("store");
    const secretsKey = c.get("services").secretsKey;
    const fingerprints = c.get("caller").settings.keepContactFingerprints && (phone || email);
    // The marker is read inside the statement (no round trip of its own): erased after it, or none.
    const droppedAt = sql`(SELECT json_extract(${tenants.settings}, ${`$.${FINGERPRINTS_DROPPED_AT}`}) FROM ${tenants} WHERE ${tenants.id} = ${customers.tenantId})`;
    const byFingerprint = async (column: SQLiteColumn, contact: string) =>
      fingerprints ? [and(eq(column, await fingerprint(secretsKey, "contact-fingerprint", contact)), sql`${customers.erasedAt} > coalesce(${droppedAt}, '')`)] : [];
    const byPhone = phone ? or(eq(customers.phone, phone), ...(await byFingerprint(customers.phoneFingerprint, phone))) : undefined;
    const byEmail = email ? or(eq(customers.emailNormalized, email), ...(await byFingerprint(customers.emailFingerprint, email))) : undefined;
    const byAddress = postalCode && addressKey ? and(eq(customers.postalCode, postalCode), eq(customers.addressKey, addressKey)) : undefined;
    const anyOf = or(...[byPhone, byEmail, byAddress].filter((x): x is SQL => x !== undefined));
    const flag = (cond: SQL | undefined) => (cond ? sql`(${cond})` : sql`0`);
    const rows = anyOf
      ? await store.rows(sql`SELECT ${flag(byPhone)} AS by_phone, ${flag(byEmail)} AS by_email, ${flag(byAddress)} AS by_address,
          ${subscriptions.status} AS status, ${subscriptions.deliveriesCompleted} AS deliveries, ${subscriptions.startedAt} AS started_at, ${subscriptions.canceledAt} AS canceled_at
          FROM ${customers} JOIN ${subscriptions} ON ${subscriptions.tenantId} = ${customers.tenantId} AND ${subscriptions.customerId} = ${customers.id}
          WHERE ${store.owns(customers, anyOf)}`)
      : [];
    const earlier: EarlierSubscription[] = rows.map((r) => ({
      matchedOn: ([["phone", r.by_phone], ["email", r.by_email], ["address", r.by_address]] as const).filter(([, v]) => Number(v) === 1).map(([k]) => k as MatchKey),
      status: String(r.status),
      deliveriesCompleted: Number(r.deliveries),
      startedAt: String(r.started_at),
      canceledAt: r.canceled_at === null || r.canceled_at === undefined ? null : String(r.canceled_at),
    }));
    return c.json(checkoutDecision(earlier, c.get("caller").settings.timeZone, language(c)), 200);
  },
);
