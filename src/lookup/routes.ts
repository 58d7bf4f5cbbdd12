import { sql, type Placeholder, type SQL } from "drizzle-orm";
import { heldOfferEngine, offerEngineFrom, offerEngineJson, type KnownOfferEngine, type OfferEngine, type OfferEngineJson } from "../offers/repository";
import { acceptedSavesFrom, nextBestOfferRemembered, suggestOffersFor, type OfferInputs } from "../offers/service";
import { declinedFlow, offersAgainFrom } from "../cancel-flows/declined-lately";
import type { Context } from "hono";
import type { AppEnv } from "../platform/env";
import { localDate } from "../platform/dates";
import { firstChangeableDate } from "../plan-changes/rules";
import { ApiError, MEMBERS, problemMembers, type ErrorCode } from "../platform/errors";
import { language, requestedLanguage, type Language } from "../platform/language";
import { prefetchWithKey } from "../platform/auth";
import { apiRoute, domainRouter, jsonResponse, MerchantId } from "../platform/openapi";
import { DEFAULT_PHONE_REGION, isWithheldCallerId, normalizeEmail, parsePhone, type PhoneRegion } from "../platform/phone";
import type { Driver, RiskBand } from "../risk/model";
import { notScoredRisk, RISK_ROW_JSON, RISK_STOCK_JSON, toRisk } from "../risk/repository";
import type { StockEstimate } from "../risk/stock";
import type { RiskRow } from "../risk/maintain";
import type { NextBestAction } from "../risk/routing";
import { DEFAULT_SETTINGS, type TenantSettings } from "../settings/schemas";
import { actionOf, fallbackAction, focusSubscription, nextDeliveryPending, noCustomerSpeech, routeFor, speechFor, type LookupSubscription, type NoCustomer } from "./logic";
import { LookupQuery, LookupResponse } from "./schemas";

/** More matches than this are not listed: the caller has to narrow it down anyway. */
const MAX_CANDIDATES = 10;

type SubWithRisk = LookupSubscription & {
  productSku: string;
  riskRow: Omit<RiskRow, "tenantId"> | null;
  // What the offer engine needs beyond the answer's own fields:
  deliveriesCompleted: number;
  consecutiveSkips: number;
  pausedUntil: string | null;
  activeDiscount: { endsOn?: string | null } | null;
  unitLabel: string | null;
  unitsPerPackage: number | null;
  /** A monthly plan's months and day of month (platform/cadence): its dates follow the calendar. */
  intervalMonths: number | null;
  deliveryDay: number | null;
  /** The stock stored with the risk features (risk/stock); for a live subscription. */
  stock: StockEstimate | null;
  /**
   * A live plan at risk only: when its newest flow that showed an offer and ended without a save
   * started (null: none) — the lookup suggests no offer within NO_REPEAT_OFFER_DAYS of it
   * (cancel-flows/declined-lately, read here in the same statement).
   */
  declinedAt?: string | null;
};

type Found = {
  id: string;
  name: string | null;
  nameKana: string | null;
  email: string | null;
  phone: string | null;
  phoneExtension: string | null;
  locale: string | null;
  /** 1: the customer asked to be left out of profiling (customers/profiling): nothing here is decided by risk. */
  profilingOptOut: number;
  subs: SubWithRisk[];
  /** The customer's accepted saves, as suggestOffersFor reads them (save limits count them); read only when offers may be made. */
  saves: { at: string | null; offerId: string | null }[];
};

type LookupDoc = { customers: Found[]; offerEngine: OfferEngineJson | null };

/** The declined-offer rule over the statement's `cancel_flows f`, as of the statement's own clock. */
const DECLINED_FLOW_F = declinedFlow({ offerId: sql.raw("f.offer_id"), status: sql.raw("f.status"), expiresAt: sql.raw("f.expires_at") }, sql.raw("strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"));

/**
 * The whole answer's data as one JSON value: the customers matching `by` in `tenant`, each with
 * their subscriptions, risk rows and what the offer engine needs folded in, and the shop's offer
 * engine unless this process already holds it (`known`). One SQL expression, so it can ride along
 * with the key check: a lookup, next best action included, is one statement (one round trip).
 * Nested lists are built as JSONB (SQLite ≥ 3.45, as libSQL and sqld ship): a JSONB value nests
 * as it is, where a nested JSON text had to be parsed again by `json(…)` at every level.
 * A number given with an extension (`extension`) lists the customers with that extension first, so
 * they are among the candidates read however many share the number; without one the statement is
 * as it always was. A customer id (`customerId`, the caller's customer number) finds at most one.
 */
export function lookupDocument(
  tenant: SQL,
  by: { phone: string | Placeholder; extension?: string | Placeholder } | { email: string | Placeholder } | { customerId: string | Placeholder },
  known?: KnownOfferEngine,
): SQL {
  const match =
    "phone" in by
      ? by.extension !== undefined
        ? sql`phone = ${by.phone} ORDER BY phone_extension IS ${by.extension} DESC`
        : sql`phone = ${by.phone}`
      : "email" in by
        ? sql`email_normalized = ${by.email}`
        : sql`id = ${by.customerId}`;
  return sql`SELECT json_object(
    'customers', (SELECT jsonb_group_array(json_object(
      'id', c.id, 'name', c.name, 'nameKana', c.name_kana, 'email', c.email, 'phone', c.phone, 'phoneExtension', c.phone_extension, 'locale', c.locale,
      'profilingOptOut', c.profiling_opt_out,
      'subs', (SELECT jsonb_group_array(json_object(
        'id', s.id, 'status', s.status, 'productSku', s.product_sku, 'productName', s.product_name,
        'nextDeliveryOn', s.next_delivery_on, 'quantity', s.quantity, 'intervalDays', s.interval_days,
        'intervalMonths', s.interval_months, 'deliveryDay', s.delivery_day,
        'unitPriceAmount', s.unit_price_amount, 'currency', s.currency,
        'deliveriesCompleted', s.deliveries_completed, 'consecutiveSkips', s.consecutive_skips,
        'pausedUntil', s.paused_until, 'activeDiscount', json(s.active_discount),
        'finalDeliveryOn', CASE WHEN s.status = 'canceled' THEN s.cancellation ->> '$.finalDeliveryOn' END,
        'unitLabel', s.product_unit_label, 'unitsPerPackage', s.product_units_per_package, 'productCategory', s.product_category,
        -- The text test first: most rows store no stock, and each ->> in RISK_STOCK_JSON reads the
        -- features' JSON (≈ 15–20 µs of the statement on the 1M bench file, where none has stock).
        'stock', CASE WHEN s.status <> 'canceled' AND instr(r.features, '"stockOnHandUnits"') > 0 THEN json(${RISK_STOCK_JSON}) END,
        'riskRow', ${RISK_ROW_JSON},
        -- A live plan at risk only (the one an offer may be suggested for): the newest flow that showed
        -- an offer and was not taken (cancel-flows/declined-lately's rule). One seek of
        -- cancel_flows_subscription, backwards, for such a plan.
        'declinedAt', CASE WHEN s.status <> 'canceled' AND r.band IN ('medium', 'high') THEN (SELECT f.started_at FROM cancel_flows f
            WHERE f.tenant_id = s.tenant_id AND f.subscription_id = s.id AND ${DECLINED_FLOW_F}
            ORDER BY f.started_at DESC LIMIT 1) END,
        -- A cancelled plan only: its latest win-back record, when the customer is a candidate
        -- (contactable, not held out) and a comeback offer was decided (comeback_restart_on: NULL
        -- no offer, '' not rendered yet, so the stored decision says). One seek of
        -- winbacks_subscription per cancelled plan; nothing for a live one.
        'comeback', CASE WHEN s.status = 'canceled' THEN (SELECT CASE WHEN w.contactable = 1 AND w.holdout = 0 AND w.reactivated_at IS NULL
            AND (w.comeback_restart_on <> '' OR (w.comeback_restart_on = '' AND w.comeback ->> '$.offer' IS NOT NULL)) THEN w.probability END
          FROM winbacks w WHERE w.tenant_id = s.tenant_id AND w.subscription_id = s.id ORDER BY w.canceled_at DESC LIMIT 1) END))
        FROM subscriptions s LEFT JOIN risk_features r ON r.tenant_id = s.tenant_id AND r.subscription_id = s.id
        WHERE s.tenant_id = c.tenant_id AND s.customer_id = c.id),
      -- Read for every caller (one probe of cancel_flows_customer, usually finding nothing): guarding
      -- it with "has a live subscription at risk" walked the subscriptions and risk rows again, which
      -- cost more than the probe (the statement ≈ 93 → 83 µs on the 1M bench file).
      'saves', (SELECT jsonb_group_array(json_object('at', f.closed_at, 'offerId', f.offer_id))
          FROM cancel_flows f WHERE f.tenant_id = c.tenant_id AND f.customer_id = c.id AND f.status = 'saved')))
      FROM customers c WHERE c.rowid IN (SELECT rowid FROM customers WHERE tenant_id = ${tenant} AND ${match} LIMIT ${MAX_CANDIDATES + 1})),
    'offerEngine', json(${offerEngineJson(tenant, known)}))`;
}

/**
 * The offer engine's inputs for the subscription the call is about, from what the lookup's own
 * statement brought; null when the shop's catalogue was never used (the engine's loader seeds it).
 */
function offerInputsFrom(focus: SubWithRisk, customer: Found, engine: OfferEngine, band: RiskBand, settings: TenantSettings): OfferInputs | null {
  if (!engine.seeded) return null;
  return {
    sub: {
      status: focus.status,
      product: { sku: focus.productSku, name: focus.productName, category: focus.productCategory ?? null, unitsPerPackage: focus.unitsPerPackage, unitLabel: focus.unitLabel },
      quantity: focus.quantity,
      intervalDays: focus.intervalDays,
      intervalMonths: focus.intervalMonths,
      deliveryDay: focus.deliveryDay,
      nextDeliveryOn: focus.nextDeliveryOn,
      unitPrice: { amount: focus.unitPriceAmount, currency: focus.currency },
      deliveriesCompleted: focus.deliveriesCompleted,
      pausedUntil: focus.pausedUntil,
      activeDiscount: focus.activeDiscount,
    },
    consecutiveSkips: focus.consecutiveSkips,
    catalogue: engine.catalogue,
    stats: engine.stats,
    riskBand: band,
    stockOnHand: focus.stock ?? null,
    acceptedSaves: acceptedSavesFrom(customer.saves, engine.catalogue),
    settings,
  };
}

type LookupBy = { phone: string; extension?: string } | { email: string } | { customerId: string };
type Asked = { phone?: string; email?: string; customerId?: string };

/** How many of phone, email and customerId the query gives: the lookup takes exactly one. */
const given = (q: Asked) => Number(q.phone !== undefined) + Number(q.email !== undefined) + Number(q.customerId !== undefined);

/**
 * What to look up, from the query: the number (E.164) and its extension (digits) if it was given
 * with one (内線, ext., x, #…: platform/phone reads them), the e-mail key, or the customer id; null
 * when the input is not usable (the handler, or the query's schema, then says why).
 */
function parseLookup(q: Asked, region: PhoneRegion): LookupBy | null {
  if (given(q) !== 1) return null;
  if (q.phone !== undefined) {
    const phone = parsePhone(q.phone, region);
    return phone ? (phone.extension ? { phone: phone.e164, extension: phone.extension } : { phone: phone.e164 }) : null;
  }
  if (q.email !== undefined) {
    const email = normalizeEmail(q.email);
    return email ? { email: email.key } : null;
  }
  return MerchantId.safeParse(q.customerId).success ? { customerId: q.customerId! } : null;
}

/**
 * The shop's `country` as last seen here, by tenant. The prefetch reads the number before the
 * key's row — and so the shop's settings — is read: it reads it in the region the key's shop had
 * when last seen (JP for a key not seen yet), and remembers which (`assumedRegion`, per request).
 * The handler holds that against the settings the key check read: on a mismatch (a process's first
 * dip for a shop outside Japan, or the first after a shop changed its region) it reads the number
 * again and looks it up on its own — one more round trip, once; every other dip stays one statement.
 */
const regionHints = new Map<string, PhoneRegion>();
const assumedRegion = new WeakMap<Request, PhoneRegion>();

// The data dip is the IVR's hot path: its read rides with the key check.
// A process that already holds the tenant's offer engine (catalogue and outcomes) at the current
// version is not sent it again.
prefetchWithKey("GET /v1/lookup", {
  plan: (c, _params, keyTenant) => {
    const region = (keyTenant !== undefined ? regionHints.get(keyTenant) : undefined) ?? DEFAULT_PHONE_REGION;
    // Only a region other than Japan's is remembered: a Japanese shop's dip allocates nothing for it.
    if (region !== DEFAULT_PHONE_REGION) assumedRegion.set(c.req.raw, region);
    const by = parseLookup(c.req.query(), region); // one pass over the query string (a keyed query() scans it per key)
    if (!by) return null;
    const held = heldOfferEngine(keyTenant);
    const shape = `${"phone" in by ? (by.extension ? "phone+ext" : "phone") : "email" in by ? "email" : "customer"}${held ? " held" : ""}`;
    return { shape, values: { ...by, ...(held ? { heldTenant: held.tenant, heldVersion: held.version } : {}) } };
  },
  statement: (tenant, shape) => {
    const [by, held] = shape.split(" ");
    return lookupDocument(
      tenant,
      by === "phone"
        ? { phone: sql.placeholder("phone") }
        : by === "phone+ext"
          ? { phone: sql.placeholder("phone"), extension: sql.placeholder("extension") }
          : by === "email"
            ? { email: sql.placeholder("email") }
            : { customerId: sql.placeholder("customerId") },
      held ? { tenant: sql.placeholder("heldTenant"), version: sql.placeholder("heldVersion") } : undefined,
    );
  },
});

/**
 * What could not be read, for the caller's line: the one of phone, email and customer number the
 * lookup was asked by; neither or several → a line that blames nothing the caller gave.
 */
function unreadable(c: Context<AppEnv>): NoCustomer {
  const q = { phone: c.req.query("phone"), email: c.req.query("email"), customerId: c.req.query("customerId") };
  if (given(q) !== 1) return "unspecified";
  return q.email !== undefined ? "unreadable_email" : q.customerId !== undefined ? "unreadable_customer" : "unreadable";
}

/**
 * The problems of the IVR's own making or of the service's, not the caller's: still a line for the
 * caller, so an IVR can read `speech` from every answer (trial52: a mistyped key left the caller in
 * silence). A key or session refused, or the service failing: 「お客様情報をお調べできませんでした」;
 * the database busy for a moment (503 with Retry-After): to hold or call back.
 */
const UNSPOKEN_BY_THE_CALLER = [
  "missing_api_key", "invalid_api_key", "invalid_session", "session_expired",
  "insufficient_scope", "api_key_in_browser", "session_not_allowed",
  "internal_error", "database_unavailable", "secrets_key_mismatch",
] as const satisfies readonly ErrorCode[];
const SET_UP_WRONG = new Set<ErrorCode>(UNSPOKEN_BY_THE_CALLER.filter((c) => c !== "database_unavailable"));

/**
 * The language of a problem's `speech`: the answer's (Accept-Language, else the caller's or
 * shop's locale); for a key refused before the shop is known (the failed-key limit's 429),
 * Accept-Language, else the shops' default (Japanese).
 */
const speechLanguage = (c: Context<AppEnv>): Language => (c.get("caller") ? language(c) : (requestedLanguage(c) ?? DEFAULT_SETTINGS.locale));

// Problems the handler does not raise itself still carry a line for the caller: a query the
// schema refuses (a number too long, a control character, an unknown channel), and the rate
// limits' 429, which refuse before this route runs.
problemMembers("GET /v1/lookup", {
  validation_failed: (c) => ({ speech: noCustomerSpeech(unreadable(c), speechLanguage(c)) }),
  rate_limited: (c) => ({ speech: noCustomerSpeech("busy", speechLanguage(c)) }),
  ...Object.fromEntries(UNSPOKEN_BY_THE_CALLER.map((code) => [code, (c: Context<AppEnv>) => ({ speech: noCustomerSpeech(SET_UP_WRONG.has(code) ? "unspecified" : "busy", speechLanguage(c)) })])),
});

/**
 * `speech` for a problem answered before any route runs and before any shop is known (a Worker
 * deployed without its secrets: worker.ts), for a path that is the data dip's: still a line for the
 * caller, in the shops' default language. Null for any other path.
 */
export function speechBeforeRouting(pathname: string): { speech: string } | null {
  return pathname === "/v1/lookup" ? { speech: noCustomerSpeech("unspecified", DEFAULT_SETTINGS.locale) } : null;
}

/** The lines each problem of the lookup speaks, as documented: what the API sends when asked without Accept-Language in a Japanese shop. */
const spoken = (why: NoCustomer) => ({ speech: noCustomerSpeech(why, "ja") });

export const lookupRouter = domainRouter().openapi(
  apiRoute({
    method: "get",
    path: "/v1/lookup",
    operationId: "lookupCustomer",
    tags: ["Lookup"],
    scope: "read",
    summary: "The IVR / operator data dip",
    description:
      "From a phone number (any form: caller-ID without the leading 0, full-width digits, +81…; without a country code it is read in the shop's `country`), an email or a customer id: the customer, their subscriptions with the next delivery, the risk of the one the call is most likely about, the next best action, a routing hint and one line of speech for text-to-speech in the requested language. Give exactly one of `phone`, `email` and `customerId`. Several customers with the same number → 409 `ambiguous_customer` with their ids only, unless the number is given with an extension (`03-5555-6666 内線34`, `ext. 34`, `x34`, `#34`) that exactly one of them has: then that customer. After a 409, ask the caller for their customer number and look it up as `customerId`: the same answer, for that customer.\n\n" +
      "Every problem this operation answers carries `speech`, a line for the caller: 404, 409, 422 say what could not be found or read; the rate limit's 429 and a busy database's 503 ask them to hold or call back; a refused key or session (401, 403), a failure on our side (500) or a service set up wrongly (503 `secrets_key_mismatch`) say only that their details could not be looked up.",
    request: { query: LookupQuery },
    errors: ["customer_not_found", "ambiguous_customer"],
    // The IVR has a line for the caller whatever the answer (the examples are the lines sent).
    members: {
      customer_not_found: spoken("not_found"),
      ambiguous_customer: { ...spoken("ambiguous"), candidates: MEMBERS.candidates.example },
      validation_failed: spoken("unreadable"),
      rate_limited: spoken("busy"),
      ...Object.fromEntries(UNSPOKEN_BY_THE_CALLER.map((code) => [code, spoken(SET_UP_WRONG.has(code) ? "unspecified" : "busy")])),
    },
    responses: { 200: jsonResponse(LookupResponse, "What the agent or the IVR needs") },
  }),
  async (c) => {
    const q = c.req.valid("query");
    if (given(q) !== 1) {
      // The IVR's request, not the caller, is at fault: the line (errors problemMembers) blames nothing they said.
      throw new ApiError("validation_failed", { en: "Give exactly one of `phone`, `email` and `customerId`.", ja: "`phone`、`email`、`customerId` のうちひとつだけを指定してください。" }, {
        errors: [{ path: q.email !== undefined && q.phone === undefined ? "query.email" : "query.phone", message: "Give exactly one of phone, email and customerId" }],
      });
    }
    const { tenantId, settings } = c.get("caller");
    const region = settings.country;
    if (regionHints.get(tenantId) !== region) {
      if (regionHints.size >= 10_000) regionHints.clear();
      regionHints.set(tenantId, region);
    }
    const by = parseLookup(q, region);
    if (!by) {
      // A caller ID that says there is no number is not a number misread: the caller withheld it (or the network could not pass it on).
      if (q.phone !== undefined && isWithheldCallerId(q.phone)) {
        throw new ApiError("validation_failed", { en: "The caller ID has no number (withheld or unavailable): there is nothing to look up.", ja: "発信者番号が通知されていません（非通知または通知不可能）。照会できる番号がありません。" }, {
          speech: noCustomerSpeech("withheld", language(c)),
          errors: [{ path: "query.phone", message: {
                en: "The caller ID has no number (withheld or unavailable); ask the caller for their phone number or customer number",
                ja: "発信者番号が通知されていません。お客様に電話番号または顧客番号をお尋ねください",
              },
            }],
        });
      }
      // The caller's line says what could not be read (errors problemMembers).
      throw q.phone !== undefined
        ? new ApiError("validation_failed", { en: `${JSON.stringify(q.phone)} is not a phone number we can read.`, ja: `${JSON.stringify(q.phone)} は電話番号として読み取れません。` }, {
            errors: [{ path: "query.phone", message: {
                  en: region === DEFAULT_PHONE_REGION
                    ? `${JSON.stringify(q.phone)} is not a phone number; use a Japanese or international number such as 090-1234-5678`
                    : `${JSON.stringify(q.phone)} is not a phone number; use a number as dialled in ${region} (the shop's country) or an international number starting with +`,
                  ja: region === DEFAULT_PHONE_REGION
                    ? `${JSON.stringify(q.phone)} は電話番号として読み取れません。090-1234-5678 のような国内または国際形式の番号を指定してください`
                    : `${JSON.stringify(q.phone)} は電話番号として読み取れません。${region} 国内の形式（ショップの country）か、+ から始まる国際形式の番号を指定してください`,
                },
              }],
          })
        : new ApiError("validation_failed", { en: `${JSON.stringify(q.email)} is not an e-mail address.`, ja: `${JSON.stringify(q.email)} はメールアドレスではありません。` }, {
            errors: [{ path: "query.email", message: {
                  en: `${JSON.stringify(q.email)} is not an email; use an email address such as name@example.jp`,
                  ja: `${JSON.stringify(q.email)} はメールアドレスではありません。name@example.jp のようなメールアドレスを指定してください`,
                },
              }],
          });
    }

    const store = c.get("store");
    // The key check's read looked up the number as read in the region it assumed: usable when that is the shop's.
    const prefetched = c.get("prefetched") !== undefined && (!("phone" in by) || (assumedRegion.get(c.req.raw) ?? DEFAULT_PHONE_REGION) === region) ? c.get("prefetched") : undefined;
    const doc = prefetched !== undefined ? prefetched : await store.scalar((tenant) => lookupDocument(tenant, by, heldOfferEngine(tenantId) ?? undefined));
    const { customers: all, offerEngine } = JSON.parse(String(doc)) as LookupDoc;
    // Several share the number: the extension dialled, if any, picks among them (several with it stay ambiguous).
    const sameExtension = all.length > 1 && "phone" in by && by.extension ? all.filter((f) => f.phoneExtension === by.extension) : [];
    const found = sameExtension.length > 0 ? sameExtension : all;
    const lang = language(c);
    if (found.length === 0) {
      const detail = "customerId" in by ? { en: `No customer ${by.customerId}.`, ja: `顧客 ${by.customerId} は見つかりません。` } : { en: "No customer with this phone number or email.", ja: "この電話番号またはメールアドレスの顧客は見つかりません。" };
      throw new ApiError("customer_not_found", detail, { speech: noCustomerSpeech("not_found", lang) });
    }
    if (found.length > 1) {
      throw new ApiError("ambiguous_customer", { en: "Several customers share this phone number or email; ask the caller for their customer number.", ja: "この電話番号またはメールアドレスの顧客が複数います。お客様に顧客番号をお尋ねください。" }, {
        candidates: found.slice(0, MAX_CANDIDATES).map((f) => f.id).sort(),
        speech: noCustomerSpeech("ambiguous", lang),
      });
    }
    const customer = found[0]!;
    const now = c.get("services").now();
    // The parsed rows are this request's own: given their risk in place, not copied (≈ 25 fields each).
    const subs: SubWithRisk[] = customer.subs ?? [];
    for (const s of subs) s.risk = s.riskRow ? { probability: s.riskRow.probability, band: s.riskRow.band, drivers: s.riskRow.drivers as Driver[] } : null;
    subs.sort((a, b) => (a.id < b.id ? -1 : 1));
    const focus = focusSubscription(subs);
    // A cancelled plan has no cancel risk: its stored score is from before it ended.
    const live = focus !== null && focus.status !== "canceled";
    // Left out of profiling: no band at all (not "low"), so nothing below is decided by risk.
    const optedOut = customer.profilingOptOut === 1;
    const band: RiskBand | null = optedOut ? null : (live && focus.risk?.band) || "low";
    const today = localDate(now, c.get("caller").settings.timeZone);

    let nextBestAction: {
      type: NextBestAction;
      subscriptionId: string;
      offerId: string | null;
      title: string | null;
      source: "offers" | "risk_drivers";
    } | null = null;
    // A next delivery already past is no date to change (logic nextDeliveryPending): nothing is suggested.
    if (live && band !== null && band !== "low" && !nextDeliveryPending(focus, today)) {
      // Offers only for callers at some risk; their inputs came with the lookup's own statement.
      const request = { channel: q.channel === "operator" ? ("operator" as const) : ("ivr" as const), now: now.toISOString(), settings: c.get("caller").settings, riskBand: band };
      const engine = offerEngine ? offerEngineFrom(c.get("caller").tenantId, offerEngine) : null;
      const inputs = engine ? offerInputsFrom(focus, customer, engine, band, c.get("caller").settings) : null;
      // The best offer's economics rank the catalogue; only its title is rendered, in `lang`. The
      // answer is remembered by everything that decides it (a repeat caller: a map lookup).
      const chosen = inputs ? nextBestOfferRemembered(inputs, request, lang) : await suggestOffersFor(store, focus.id, { ...request, limit: 1 }).then(([o]) => (o ? { ...o, title: o.title[lang] } : null));
      // One offer in 30 days on every channel (cancel-flows/declined-lately): a plan that declined one
      // lately is suggested none here either (its flow read by the lookup's own statement).
      const declined = !!focus.declinedAt && offersAgainFrom(focus.declinedAt) > now.toISOString();
      const offer = declined ? null : chosen;
      const action = offer ? actionOf(offer) : null;
      if (offer && action) {
        nextBestAction = { type: action, subscriptionId: focus.id, offerId: offer.offerId, title: offer.title, source: "offers" };
      } else {
        const firstChangeable = firstChangeableDate(localDate(now, c.get("caller").settings.timeZone), c.get("caller").settings);
        const type = fallbackAction(band, focus.risk?.drivers ?? [], { status: focus.status, nextDeliveryOn: focus.nextDeliveryOn, firstChangeableDate: firstChangeable });
        if (type) nextBestAction = { type, subscriptionId: focus.id, offerId: null, title: null, source: "risk_drivers" };
      }
    }

    return c.json(
      {
        customer: { id: customer.id, name: customer.name, nameKana: customer.nameKana ?? null, email: customer.email, phone: customer.phone, phoneExtension: customer.phoneExtension ?? null, locale: customer.locale as "ja" | "en" | null },
        subscriptions: subs.map((s) => ({
          id: s.id,
          product: { sku: s.productSku, name: s.productName },
          status: s.status,
          nextDeliveryOn: s.nextDeliveryOn,
          quantity: s.quantity,
          intervalDays: s.intervalDays,
          intervalMonths: s.intervalMonths,
          deliveryDay: s.deliveryDay,
          finalDeliveryOn: s.finalDeliveryOn ?? null,
          unitPrice: { amount: s.unitPriceAmount, currency: s.currency },
          // A canceled subscription has already left: no churn risk to show.
          risk: s.riskRow && s.status !== "canceled" && !optedOut ? { score: s.riskRow.score, probability: s.riskRow.probability, band: s.riskRow.band } : null,
        })),
        risk: !live ? null : optedOut ? notScoredRisk(focus.id, customer.id) : focus.riskRow ? { ...toRisk(focus.riskRow, lang), notScoredReason: null } : null,
        nextBestAction,
        route: routeFor(band, subs, today, c.get("caller").settings.specialistMonthlyValue),
        speech: speechFor({ customerName: customer.name, customerReading: customer.nameKana, focus, subs, band: band ?? "low", action: nextBestAction?.type ?? null, today }, lang),
        language: lang,
      },
      200,
    );
  },
);
