import { sql, type SQL } from "drizzle-orm";
import { prefectureAndCity } from "../platform/address";
import { nameQuery } from "../platform/name-keys";
import type { TenantStore } from "../platform/tenancy";

/** How many customers a name search lists: more say "narrow it down" (by phone, e-mail, id). */
export const NAME_MATCHES = 20;

/** One customer a name search found, with what tells two of the same name apart on a call. */
export type NameMatch = {
  id: string;
  name: string | null;
  nameKana: string | null;
  /** The last four digits of the phone number (null: none on file). */
  phoneLast4: string | null;
  /** Prefecture and city of the address (platform/address `prefectureAndCity`); null: none on file. */
  place: string | null;
  /** Their plans, live ones first: product, status, next delivery (YYYY-MM-DD, null when none is due). */
  plans: { id: string; productName: string; status: "active" | "paused" | "canceled"; nextDeliveryOn: string | null }[];
};

/** Above every character a key holds: `key < prefix || MAX` with `key >= prefix` is "starts with prefix", an index range. */
const MAX = String.fromCodePoint(0x10ffff);

/**
 * The live customers of the store's shop whose name or reading matches what an operator typed
 * (platform/name-keys: width, kana, spaces, long vowels, small kana and kanji variants folded): the whole name, the
 * family name alone or the given name alone, each by prefix (やまだ, やまだ はな, はなこ, 山田); two
 * parts typed (山田 はなこ) also match a family name by the first and a given name by the second,
 * from the name or the reading. At most `limit`, in the keys' order (an exact family or given
 * name before longer ones); `more` when there are others. null when nothing searchable was typed.
 *
 * Reads `customer_name_keys` by its primary key (tenant, key): an index range per part, never a
 * scan of the shop's customers; then the matches' rows and plans by primary key and
 * `subscriptions_customer`. Erased customers have no keys (migration 0049's triggers), and are
 * left out again here.
 */
export async function searchByName(store: TenantStore, typed: string, limit = NAME_MATCHES): Promise<{ matches: NameMatch[]; more: boolean } | null> {
  const q = nameQuery(typed);
  if (!q) return null;
  const tenant = store.tenantId;
  const ids = (await store.rows(nameMatchIds(tenant, q, limit + 1))).map((r) => String(r.id));
  if (ids.length === 0) return { matches: [], more: false };
  return { matches: await customersAsMatches(store, ids.slice(0, limit)), more: ids.length > limit };
}

/**
 * The live customers `ids` of the store's shop, in that order, as a chooser lists them (name and
 * reading, the phone's last 4 digits, prefecture and city, their plans): the name search's matches,
 * and the customers sharing a household's phone number. Erased or unknown ids are left out.
 */
export async function customersAsMatches(store: TenantStore, ids: string[]): Promise<NameMatch[]> {
  if (ids.length === 0) return [];
  const tenant = store.tenantId;
  const rows = await store.rows(sql`SELECT c.id, c.name, c.name_kana, c.phone, c.address,
      (SELECT json_group_array(json_object('id', s.id, 'productName', s.product_name, 'status', s.status, 'nextDeliveryOn', s.next_delivery_on))
        FROM (SELECT * FROM subscriptions s WHERE s.tenant_id = c.tenant_id AND s.customer_id = c.id ORDER BY s.status = 'canceled', s.next_delivery_on, s.id) s) AS plans
    FROM customers c WHERE c.tenant_id = ${tenant} AND c.id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) AND c.erased_at IS NULL`);
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids.flatMap((id): NameMatch[] => {
    const r = byId.get(id);
    if (!r) return [];
    const phone = r.phone === null ? null : String(r.phone);
    return [
      {
        id,
        name: r.name === null ? null : String(r.name),
        nameKana: r.name_kana === null ? null : String(r.name_kana),
        phoneLast4: phone ? phone.replace(/\D/g, "").slice(-4) : null,
        place: prefectureAndCity(r.address === null ? null : String(r.address)),
        plans: JSON.parse(String(r.plans)) as NameMatch["plans"],
      },
    ];
  });
}

/**
 * Whether another live customer of the store's shop has the phone number `phone` (E.164) beside
 * `customerId`: a household's shared line, which the console's karte points out (the lookup by
 * that number answers 409 with the family's candidates). One probe of `customers_phone`.
 */
export async function sharesPhone(store: TenantStore, customerId: string, phone: string): Promise<boolean> {
  const rows = await store.rows(sql`SELECT 1 AS shared FROM customers WHERE tenant_id = ${store.tenantId} AND phone = ${phone} AND id <> ${customerId} AND erased_at IS NULL LIMIT 1`);
  return rows.length > 0;
}

/**
 * The statement of the ids `searchByName` lists (at most `limit`, in the keys' order): index
 * ranges of `customer_name_keys` (see there). Apart for the benchmark's EXPLAIN QUERY PLAN.
 */
export function nameMatchIds(tenant: string, q: { whole: string; parts: string[] }, limit: number): SQL {
  const range = (alias: string, prefix: string) => sql`${sql.raw(alias)}.key >= ${prefix} AND ${sql.raw(alias)}.key < ${prefix + MAX}`;
  const [first, ...rest] = q.parts;
  const found = q.parts.length === 1
    ? sql`SELECT k.customer_id AS id FROM customer_name_keys k WHERE k.tenant_id = ${tenant} AND ${range("k", q.whole)}`
    : // Two parts: the whole (same script, as stored), or a given name by the second part whose
      // customer has a family name by the first (山田 はなこ: the name's family, the reading's given
      // name). Driven by the given name's range — given names are spread far wider than family names
      // (佐藤 alone is ~1.5 % of Japan) — each probed by its customer's keys (`customer_name_keys_customer`,
      // named: by itself the planner took the family name's range, all 800,000 of the bench's 顧客).
      sql`SELECT k.customer_id AS id FROM customer_name_keys k WHERE k.tenant_id = ${tenant} AND ${range("k", q.whole)} AND k.part = 'w'
        UNION ALL
        SELECT k.customer_id FROM customer_name_keys k WHERE k.tenant_id = ${tenant} AND ${range("k", rest.join(""))} AND k.part = 'g'
          AND EXISTS (SELECT 1 FROM customer_name_keys f INDEXED BY customer_name_keys_customer WHERE f.tenant_id = k.tenant_id AND f.customer_id = k.customer_id AND f.part = 'f' AND ${range("f", first!)})`;
  return sql`SELECT DISTINCT id FROM (${found}) LIMIT ${limit}`;
}
