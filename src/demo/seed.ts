import { foldName } from "../platform/name-keys";
import { seededRng } from "../platform/random";
import { sha256Hex } from "../platform/crypto";
import { addCycles, anchorFor, nominalIntervalDays, type CadenceFields } from "../platform/cadence";
import type { Database, Queryable, Tx } from "../db/client";
import { and, eq, isNull, sql } from "drizzle-orm";
import { apiKeys, contactConsents, customers, events, subscriptions, tenants, winbacks, type CancellationRecord } from "../db/schema";
import { normalizeEmail, normalizePhone } from "../platform/phone";
import { createTenant, findTenant, issueKey } from "../tenants/keys";
import { insertDemoKnowledge } from "./knowledge";
import { buildCancelHistory, insertCancelHistory } from "./cancel-history";
import { decideAllComebacks } from "../winback/decide";
import { buildWinbackHistory, DEMO_WINBACK_HOLDOUT_PERCENT } from "./winback-history";
import { seedDemoRisk } from "./risk";

/**
 * Demo data for a fictional Japanese 定期購入 shop: customers, their subscriptions and an event
 * history whose signals (skips, cancel requests, low NPS, surplus stock, failed payments) line up
 * with who later canceled, so the retention features have something to learn from.
 *
 * Everything is derived from a fixed-seed PRNG and `opts.now`, so the same `now` always yields
 * the same rows (apart from the API key's row id, which `issueKey` draws at random).
 */

export const DEMO_API_KEY = "tsz_demo_KeepCustomersFairly2026";
export const DEMO_TENANT_ID = "ten_demo";
export const DEMO_TENANT_NAME = "続くショップ（デモ）";

/** Whether this database holds the demo shop with its published key still valid (anyone who read the README holds it). */
export async function publishedDemoKeyLive(q: Queryable): Promise<boolean> {
  const [row] = await q
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, DEMO_TENANT_ID), eq(apiKeys.secretHash, sha256Hex(DEMO_API_KEY)), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row !== undefined;
}

/**
 * Whether the demo shop's own pages (`/demo/my-page`, `/demo/console`, which mint sessions with the
 * published key) are served: demo mode is on (`Services.demo`: Node's SEED_DEMO, or a new file on
 * loopback) and the demo tenant exists. A merchant's own deployment — demo mode off, or the demo
 * tenant gone — answers them 404, as any page it does not have.
 */
export async function demoServed(services: { db: Database; demo?: boolean }): Promise<boolean> {
  return services.demo === true && (await findTenant(services.db.orm, DEMO_TENANT_ID)) !== undefined;
}

const SEED = 0x7375_7a6b; // "suzk"
const CHUNK = 100;
const DAY = 86_400_000;
const JST = 9 * 3_600_000;
const MAX_EVENTS_PER_SUBSCRIPTION = 15;
/** Older deliveries of long-running subscriptions fall outside the imported history window. */
const MAX_DELIVERY_EVENTS = 9;

/**
 * Subscriptions the README's examples use, built from the start date so the examples work
 * whatever day the demo database was first started (the generated ids mean different things on
 * different days). Both belong to C-100001.
 * - `save`: active, delivered five times, next delivery in 14 days, no commitment — the save example.
 * - `fee`: active with a 3-delivery commitment, 2 received, ¥5,000 early-cancellation fee
 *   disclosed at sign-up, next delivery in 14 days — the fee example; then win-back.
 */
export const DEMO_FIXTURES = { customer: "C-100001", save: "S-DEMO-SAVE", fee: "S-DEMO-FEE" } as const;

export type SeedOptions = {
  now: Date;
  customers?: number;
  onProgress?: (done: number, total: number) => void;
};

export type SeedResult = { tenantId: string; apiKey: string; customers: number; subscriptions: number; events: number };

// ---------------------------------------------------------------------------------------------
// Randomness


class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRng(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
  digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Calendar helpers: dates are Asia/Tokyo calendar days as YYYY-MM-DD (Japan has no DST).

function tokyoDate(at: Date | number): string {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(ms + JST).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

/** The instant of `hour:minute` Tokyo time on `date`. */
function tokyoInstant(date: string, hour: number, minute: number): number {
  return Date.parse(`${date}T00:00:00Z`) - JST + hour * 3_600_000 + minute * 60_000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Reference data

type Name = readonly [kanji: string, romaji: string];

const FAMILY_NAMES: readonly (readonly [string, string, number])[] = [
  ["佐藤", "sato", 18],
  ["鈴木", "suzuki", 17],
  ["高橋", "takahashi", 14],
  ["田中", "tanaka", 13],
  ["伊藤", "ito", 11],
  ["渡辺", "watanabe", 11],
  ["山本", "yamamoto", 11],
  ["中村", "nakamura", 10],
  ["小林", "kobayashi", 10],
  ["加藤", "kato", 9],
  ["吉田", "yoshida", 8],
  ["山田", "yamada", 8],
  ["佐々木", "sasaki", 7],
  ["山口", "yamaguchi", 6],
  ["松本", "matsumoto", 6],
  ["井上", "inoue", 6],
  ["木村", "kimura", 6],
  ["林", "hayashi", 5],
  ["斎藤", "saito", 5],
  ["清水", "shimizu", 5],
  ["山崎", "yamazaki", 4],
  ["森", "mori", 4],
  ["池田", "ikeda", 4],
  ["橋本", "hashimoto", 4],
  ["阿部", "abe", 4],
  ["石川", "ishikawa", 4],
  ["山下", "yamashita", 3],
  ["中島", "nakajima", 3],
  ["石井", "ishii", 3],
  ["小川", "ogawa", 3],
  ["前田", "maeda", 3],
  ["岡田", "okada", 3],
  ["長谷川", "hasegawa", 3],
  ["藤田", "fujita", 3],
  ["後藤", "goto", 3],
  ["近藤", "kondo", 3],
  ["村上", "murakami", 3],
  ["遠藤", "endo", 2],
  ["青木", "aoki", 2],
  ["坂本", "sakamoto", 2],
  ["福田", "fukuda", 2],
  ["太田", "ota", 2],
  ["西村", "nishimura", 2],
  ["藤井", "fujii", 2],
  ["岡本", "okamoto", 2],
  ["松田", "matsuda", 2],
  ["中川", "nakagawa", 2],
  ["原田", "harada", 2],
  ["小野", "ono", 2],
  ["竹内", "takeuchi", 2],
];

/** Given names by generation, so the mix of names implies a mix of ages. */
const FEMALE_NAMES: readonly Name[] = [
  // born 1940s–60s
  ["和子", "kazuko"], ["幸子", "sachiko"], ["節子", "setsuko"], ["洋子", "yoko"], ["恵子", "keiko"],
  ["京子", "kyoko"], ["久美子", "kumiko"], ["由美子", "yumiko"], ["順子", "junko"], ["典子", "noriko"],
  // born 1970s–80s
  ["裕子", "yuko"], ["真由美", "mayumi"], ["智子", "tomoko"], ["直美", "naomi"], ["恵美", "emi"],
  ["愛", "ai"], ["彩", "aya"], ["麻衣", "mai"], ["陽子", "yoko"], ["美穂", "miho"],
  // born 1990s–2000s
  ["花子", "hanako"], ["美咲", "misaki"], ["さくら", "sakura"], ["結衣", "yui"], ["陽菜", "hina"],
  ["七海", "nanami"], ["葵", "aoi"], ["遥", "haruka"], ["千尋", "chihiro"], ["優奈", "yuna"],
];

const MALE_NAMES: readonly Name[] = [
  ["茂", "shigeru"], ["清", "kiyoshi"], ["博", "hiroshi"], ["勝", "masaru"], ["実", "minoru"],
  ["隆", "takashi"], ["誠", "makoto"], ["浩", "hiroshi"], ["和也", "kazuya"], ["健一", "kenichi"],
  ["大輔", "daisuke"], ["直樹", "naoki"], ["拓也", "takuya"], ["哲也", "tetsuya"], ["剛", "tsuyoshi"],
  ["翔太", "shota"], ["大樹", "daiki"], ["健太", "kenta"], ["蓮", "ren"], ["悠人", "yuto"],
];

const EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ["example.jp", 5],
  ["example.ne.jp", 3],
  ["example.com", 3],
];

type Product = {
  sku: string;
  name: string;
  category: string;
  price: number;
  interval: number;
  /** Units in one package (the product's `unitsPerPackage`); 1 when the package is the unit. */
  unitsPerDelivery: number;
  /** What a unit is called (`unitLabel`); null when the package is the unit. */
  unitLabel: string | null;
  weight: number;
};

const PRODUCTS: readonly Product[] = [
  { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food", price: 3980, interval: 30, unitsPerDelivery: 30, unitLabel: "包", weight: 14 },
  { sku: "KUROZU-NINNIKU-62", name: "熟成黒酢にんにく 62粒", category: "supplement", price: 2980, interval: 30, unitsPerDelivery: 62, unitLabel: "粒", weight: 10 },
  { sku: "KOSO-720", name: "酵素ドリンク 720ml", category: "health_food", price: 5980, interval: 30, unitsPerDelivery: 1, unitLabel: null, weight: 8 },
  { sku: "BIYOEKI-30ml", name: "ヒト幹細胞美容液 30ml", category: "cosmetics", price: 6800, interval: 45, unitsPerDelivery: 1, unitLabel: null, weight: 9 },
  { sku: "ALLINONE-GEL-80", name: "オールインワンゲル 80g", category: "cosmetics", price: 4500, interval: 30, unitsPerDelivery: 1, unitLabel: null, weight: 9 },
  { sku: "NYUSANKIN-60", name: "乳酸菌サプリ 60粒", category: "supplement", price: 3240, interval: 30, unitsPerDelivery: 60, unitLabel: "粒", weight: 10 },
  { sku: "DHA-EPA-120", name: "DHA・EPAサプリ 120粒", category: "supplement", price: 3800, interval: 30, unitsPerDelivery: 120, unitLabel: "粒", weight: 7 },
  { sku: "LUTEIN-30", name: "ルテインサプリ 30粒", category: "supplement", price: 2480, interval: 30, unitsPerDelivery: 30, unitLabel: "粒", weight: 6 },
  { sku: "GLUCOSAMINE-180", name: "グルコサミン＆コンドロイチン 180粒", category: "supplement", price: 4280, interval: 30, unitsPerDelivery: 180, unitLabel: "粒", weight: 7 },
  { sku: "COLLAGEN-DRINK-10", name: "コラーゲンドリンク 50ml×10本", category: "beauty_food", price: 4980, interval: 21, unitsPerDelivery: 10, unitLabel: "本", weight: 5 },
  { sku: "PROTEIN-1KG", name: "ソイプロテイン 抹茶味 1kg", category: "health_food", price: 4380, interval: 30, unitsPerDelivery: 1, unitLabel: null, weight: 5 },
  { sku: "HONEY-500", name: "国産百花はちみつ 500g", category: "food", price: 3600, interval: 60, unitsPerDelivery: 1, unitLabel: null, weight: 4 },
  { sku: "HYDROGEN-WATER-24", name: "水素水 500ml×24本", category: "beverage", price: 4200, interval: 14, unitsPerDelivery: 24, unitLabel: "本", weight: 3 },
];

const CANCEL_REASONS: readonly (readonly [string, number])[] = [
  ["surplus_stock", 22],
  ["too_expensive", 20],
  ["no_effect", 17],
  ["switching_competitor", 11],
  ["temporary_break", 6],
  ["moving", 3],
  ["health_or_life_change", 5],
  ["delivery_problem", 4],
  ["dissatisfied_service", 5],
  ["other", 7],
];

/** Reasons people give when they leave after the first box (初回だけ解約). */
const FIRST_BOX_REASONS: readonly (readonly [string, number])[] = [
  ["too_expensive", 30],
  ["no_effect", 14],
  ["other", 14],
  ["switching_competitor", 10],
  ["dissatisfied_service", 8],
  ["surplus_stock", 6],
];

const POSITIVE_COMMENTS = [
  "飲みやすいです",
  "毎朝の習慣になりました",
  "肌の調子が良くなった気がします",
  "届くタイミングがちょうど良いです",
  "家族みんなで続けています",
  "電話の対応が丁寧でした",
];
const NEUTRAL_COMMENTS = ["まだ効果はよく分かりません", "もう少し安いと嬉しいです", "味は普通です", "梱包をもう少し簡単にしてほしい"];
const NEGATIVE_COMMENTS = [
  "量が多くて余ってしまう",
  "効果が感じられない",
  "値段が高いと感じます",
  "解約の手続きが分かりにくい",
  "配送日を変更しづらい",
  "お試しのつもりが定期になっていた",
];

const CONTACT_NOTES: Record<string, readonly string[]> = {
  cancel_request: ["解約したいとのお電話", "在庫が余っているので止めたい", "初回だけのつもりだったとのこと", "他社製品に切り替えるとのこと"],
  complaint: ["配送が遅れたとのご指摘", "請求額についての問い合わせ（不満あり）", "商品が破損していた"],
  inquiry: ["次回お届け日の確認", "支払い方法の変更について", "飲み方についてのご質問", "お届け先住所の変更"],
};

const PAYMENT_FAILURES = ["card_declined", "insufficient_funds", "card_expired", "convenience_store_payment_overdue"];

// ---------------------------------------------------------------------------------------------
// Generation

type CustomerRow = typeof customers.$inferInsert;
type SubscriptionRow = typeof subscriptions.$inferInsert;
type EventRow = typeof events.$inferInsert;

type Person = { family: string; familyRomaji: string; phone: string | null };

type Plan = {
  customerId: string;
  createdAtMs: number;
  product: Product;
  quantity: number;
  interval: number;
  /** The plan's cadence: every `interval` days, or every N calendar months (毎月・隔月・3ヶ月ごと). */
  cadence: CadenceFields;
  status: "active" | "paused" | "canceled";
  startedAtMs: number;
  /** Dates of past delivery slots, each either delivered or skipped. */
  slots: { on: string; skipped: boolean }[];
  /** A monthly plan's slots as the day schedule drew them (the event stream's draws follow them). */
  daySlots?: { on: string; skipped: boolean }[];
  nextDeliveryOn: string | null;
  pausedUntil: string | null;
  pausedAtMs: number | null;
  canceledAtMs: number | null;
  firstBoxOnly: boolean;
  commitment: { min: number; fee: number } | null;
  cancellation: CancellationRecord | null;
};

function makePhone(rng: Rng): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    let raw: string;
    if (rng.chance(0.82)) {
      const prefix = rng.weighted([["090", 5], ["080", 4], ["070", 2]] as const);
      raw = `${prefix}-${rng.int(1, 9)}${rng.digits(3)}-${rng.digits(4)}`;
    } else {
      // Area code, then a subscriber number that does not start with 0 or 1.
      const area = rng.weighted([
        ["03", 6], ["06", 4], ["045", 3], ["052", 2], ["011", 1], ["092", 1], ["075", 1], ["022", 1], ["048", 1], ["078", 1],
      ] as const);
      const local = area.length === 2 ? `${rng.int(3, 6)}${rng.digits(3)}-${rng.digits(4)}` : `${rng.int(2, 9)}${rng.digits(2)}-${rng.digits(4)}`;
      raw = `${area}-${local}`;
    }
    const e164 = normalizePhone(raw);
    if (e164) return e164;
  }
  throw new Error("could not generate a valid phone number");
}

function makeEmail(rng: Rng, given: string, family: string, taken: Set<string>): string {
  for (;;) {
    const style = rng.int(0, 4);
    const local =
      style === 0
        ? `${given}.${family}${rng.int(1, 99)}`
        : style === 1
          ? `${family}.${given}`
          : style === 2
            ? `${given}_${rng.int(1960, 2005)}`
            : style === 3
              ? `${given[0]}${family}${rng.int(10, 999)}`
              : `${given}${family}${rng.int(1, 9)}`;
    const email = `${local}@${rng.weighted(EMAIL_DOMAINS)}`;
    if (!taken.has(email)) {
      taken.add(email);
      return email;
    }
  }
}

function pickInterval(rng: Rng, usual: number): number {
  if (rng.chance(0.55)) return usual;
  return rng.weighted([[14, 4], [21, 5], [30, 20], [45, 6], [60, 6], [90, 3]] as const);
}

export async function seedDemo(db: Database, opts: SeedOptions): Promise<SeedResult> {
  const n = opts.customers ?? 400;
  if (!Number.isInteger(n) || n < 0) throw new Error("customers must be a non-negative integer");
  const rng = new Rng(SEED);
  // Which plans run by the calendar month, drawn apart so that the main stream (and with it every
  // id, date and event of the demo) is what it was before monthly plans.
  const monthRng = new Rng(SEED + 1);
  const nowMs = opts.now.getTime();
  const today = tokyoDate(nowMs);

  // --- Customers -----------------------------------------------------------------------------
  // Sign-up instants spread over the last ~3 years, in id order, busier towards the present.
  const signups = Array.from({ length: n }, () => {
    const age = Math.pow(rng.float(), 1.3) * 3 * 365 * DAY;
    return nowMs - Math.max(age, 2 * 3_600_000);
  }).sort((a, b) => a - b);

  const customerRows: CustomerRow[] = [];
  const people: Person[] = [];
  const takenEmails = new Set<string>();
  for (let i = 0; i < n; i++) {
    const id = `C-${100001 + i}`;
    const createdAtMs = Math.floor(signups[i]! / 1000) * 1000;
    const female = rng.chance(0.68); // these categories skew female
    const [given, givenRomaji] = rng.pick(female ? FEMALE_NAMES : MALE_NAMES);
    let family: string;
    let familyRomaji: string;
    let phone: string | null;
    const relative = i > 0 && rng.chance(0.02) ? people[rng.int(0, i - 1)] : undefined;
    if (relative?.phone) {
      // A family member ordering from the same household line.
      family = relative.family;
      familyRomaji = relative.familyRomaji;
      phone = relative.phone;
    } else {
      const pickedFamily = rng.weighted(FAMILY_NAMES.map(([k, r, w]) => [[k, r] as const, w] as const));
      [family, familyRomaji] = pickedFamily;
      phone = rng.chance(0.985) ? makePhone(rng) : null;
    }
    people.push({ family, familyRomaji, phone });
    const email = rng.chance(0.03) ? null : makeEmail(rng, givenRomaji, familyRomaji, takenEmails);
    const iso_ = iso(createdAtMs);
    customerRows.push({
      tenantId: DEMO_TENANT_ID,
      id,
      name: `${family} ${given}`,
      nameKey: foldName(`${family} ${given}`),
      email,
      emailNormalized: email ? (normalizeEmail(email)?.key ?? null) : null,
      phone,
      locale: rng.chance(0.03) ? "en" : "ja",
      marketingConsent: rng.chance(0.6),
      createdAt: iso_,
      updatedAt: iso_,
    });
  }

  // --- Subscription plans ----------------------------------------------------------------------
  const plans: Plan[] = [];
  for (const c of customerRows) {
    const createdAtMs = Date.parse(c.createdAt);
    const count = rng.weighted([[1, 80], [2, 15], [3, 5]] as const);
    const used = new Set<string>();
    let hadFirstBoxOnly = false;
    for (let k = 0; k < count; k++) {
      // The first subscription is the sign-up order; later ones were added along the way.
      const startedAtMs =
        k === 0
          ? createdAtMs + rng.int(0, 30) * 60_000
          : Math.min(nowMs - 60_000, createdAtMs + Math.floor((rng.float() * (nowMs - createdAtMs) * 0.9) / 1000) * 1000 + 3_600_000);
      const plan = makePlan(rng, monthRng, c.id, createdAtMs, startedAtMs, nowMs, today, used, undefined);
      plans.push(plan);
      hadFirstBoxOnly ||= plan.firstBoxOnly;
    }
    // Serial trial-hoppers: after one 初回だけ解約 some try another product and leave again.
    if (hadFirstBoxOnly && rng.chance(0.4)) {
      const first = plans.filter((p) => p.customerId === c.id && p.firstBoxOnly)[0]!;
      const after = (first.canceledAtMs ?? first.startedAtMs) + rng.int(5, 120) * DAY;
      if (after < nowMs - 20 * DAY) plans.push(makePlan(rng, monthRng, c.id, createdAtMs, after, nowMs, today, used, "firstBoxOnly"));
    }
  }
  // Running numbers follow the order subscriptions began, as a merchant's order system would.
  plans.sort((a, b) => a.startedAtMs - b.startedAtMs || a.customerId.localeCompare(b.customerId));

  const subscriptionRows: SubscriptionRow[] = [];
  const eventRows: EventRow[] = [];
  plans.forEach((p, index) => {
    const startedAt = iso(p.startedAtMs);
    const id = `S-${tokyoDate(p.startedAtMs).slice(0, 4)}-${String(981 + index).padStart(6, "0")}`;
    const deliveries = p.slots.filter((s) => !s.skipped).length;
    const lastChangeMs = Math.max(p.startedAtMs, p.canceledAtMs ?? 0, p.pausedAtMs ?? 0);
    // Skips in a row since the last box, as the skip rules count them (a pause resets the run).
    let trailingSkips = 0;
    for (let i = p.slots.length - 1; i >= 0 && p.slots[i]!.skipped; i--) trailingSkips++;
    subscriptionRows.push({
      tenantId: DEMO_TENANT_ID,
      id,
      customerId: p.customerId,
      productSku: p.product.sku,
      productName: p.product.name,
      productCategory: p.product.category,
      productUnitsPerPackage: p.product.unitsPerDelivery > 1 ? p.product.unitsPerDelivery : null,
      productUnitLabel: p.product.unitLabel,
      quantity: p.quantity,
      intervalDays: p.cadence.intervalDays,
      intervalMonths: p.cadence.intervalMonths ?? null,
      deliveryDay: anchorFor(p.nextDeliveryOn, p.cadence),
      nextDeliveryOn: p.nextDeliveryOn,
      unitPriceAmount: p.product.price,
      currency: "JPY",
      status: p.status,
      startedAt,
      deliveriesCompleted: deliveries,
      consecutiveSkips: p.status === "active" ? trailingSkips : 0,
      commitmentMinDeliveries: p.commitment?.min ?? null,
      commitmentFeeAmount: p.commitment?.fee ?? null,
      commitmentFeeCurrency: p.commitment ? "JPY" : null,
      pausedUntil: p.pausedUntil,
      activeDiscount: null,
      canceledAt: p.canceledAtMs === null ? null : iso(p.canceledAtMs),
      cancellation: p.cancellation,
      version: 1,
      createdAt: startedAt,
      updatedAt: iso(lastChangeMs),
    });
    // A monthly plan's events come from monthRng; the main stream still draws what the plan's day
    // schedule would have, so every other plan's events are what they were.
    if (p.daySlots) makeEvents(rng, { ...p, slots: p.daySlots }, id, nowMs);
    eventRows.push(...makeEvents(p.daySlots ? monthRng : rng, p, id, nowMs));
  });

  const cancelHistory = buildCancelHistory(subscriptionRows, eventRows, DEMO_TENANT_ID, opts.now);
  // Win-back history first: the README's fixtures stay as they are built (never canceled by it).
  const winbackHistory = buildWinbackHistory(subscriptionRows, customerRows, eventRows, cancelHistory, DEMO_TENANT_ID, opts.now);
  if (customerRows.length > 0) subscriptionRows.push(...readmeFixtures(nowMs, today));

  // --- Write -----------------------------------------------------------------------------------
  const total = customerRows.length + subscriptionRows.length + eventRows.length;
  let done = 0;
  const insertAll = async <R>(tx: Tx, rows: R[], insert: (tx: Tx, chunk: R[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      await insert(tx, chunk);
      done += chunk.length;
      opts.onProgress?.(done, total);
    }
  };

  await db.write(async (tx) => {
    await createTenant(tx, { id: DEMO_TENANT_ID, name: DEMO_TENANT_NAME, at: opts.now });
    await issueKey(tx, { tenantId: DEMO_TENANT_ID, name: "デモ用キー", scopes: ["read", "write", "admin"], at: opts.now, secret: DEMO_API_KEY });
    await insertAll(tx, customerRows, (t, chunk) => t.insert(customers).values(chunk));
    await insertAll(tx, subscriptionRows, (t, chunk) => t.insert(subscriptions).values(chunk));
    await insertAll(tx, eventRows, (t, chunk) => t.insert(events).values(chunk));
    await insertCancelHistory(tx, DEMO_TENANT_ID, cancelHistory, opts.now);
    // The history's restarts in the rollups: its plans are inserted as they are now, so the trigger
    // that counts a restart (a canceled plan written live again, migration 0033) never saw them.
    await rollupDemoRestarts(tx);
    await insertDemoKnowledge(tx, DEMO_TENANT_ID, opts.now);
    await tx.update(tenants).set({ settings: { winbackHoldoutPercent: DEMO_WINBACK_HOLDOUT_PERCENT } }).where(eq(tenants.id, DEMO_TENANT_ID));
    // Not counted in the progress (it reports customers, subscriptions and events).
    for (let i = 0; i < winbackHistory.winbacks.length; i += CHUNK) await tx.insert(winbacks).values(winbackHistory.winbacks.slice(i, i + CHUNK));
    for (let i = 0; i < winbackHistory.consents.length; i += CHUNK) await tx.insert(contactConsents).values(winbackHistory.consents.slice(i, i + CHUNK));
  });
  await seedDemoRisk(db, DEMO_TENANT_ID, opts.now);
  // The comeback offers the candidates list shows, decided as a cancellation would have.
  await decideAllComebacks(db, DEMO_TENANT_ID, opts.now);

  return {
    tenantId: DEMO_TENANT_ID,
    apiKey: DEMO_API_KEY,
    customers: customerRows.length,
    subscriptions: subscriptionRows.length,
    events: eventRows.length,
  };
}

/** Adds the demo history's reactivations (its `reactivate` changes) to the rollups' `reactivated`, per UTC day and quarter hour. */
async function rollupDemoRestarts(tx: Tx) {
  const quarter = sql.raw(`strftime('%Y-%m-%dT%H:', created_at) || printf('%02d', (CAST(strftime('%M', created_at) AS INTEGER) / 15) * 15)`);
  await tx.run(sql`INSERT INTO subscription_rollups (tenant_id, grain, bucket, reactivated)
    SELECT tenant_id, grain, bucket, count(*) FROM (
      SELECT tenant_id, 'd' AS grain, strftime('%Y-%m-%d', created_at) AS bucket FROM plan_changes WHERE tenant_id = ${DEMO_TENANT_ID} AND type = 'reactivate'
      UNION ALL SELECT tenant_id, 'q', ${quarter} FROM plan_changes WHERE tenant_id = ${DEMO_TENANT_ID} AND type = 'reactivate'
    ) WHERE 1 GROUP BY tenant_id, grain, bucket
    ON CONFLICT (tenant_id, grain, bucket) DO UPDATE SET reactivated = reactivated + excluded.reactivated`);
}

function readmeFixtures(nowMs: number, today: string): SubscriptionRow[] {
  const aojiru = PRODUCTS[0]!;
  const base = (id: string, startedDaysAgo: number, deliveries: number) => ({
    tenantId: DEMO_TENANT_ID,
    id,
    customerId: DEMO_FIXTURES.customer,
    productSku: aojiru.sku,
    productName: aojiru.name,
    productCategory: aojiru.category,
    // As every other plan of the product: a box of 30 包 (the portal writes 「1個（30包入り）」).
    productUnitsPerPackage: aojiru.unitsPerDelivery,
    productUnitLabel: aojiru.unitLabel,
    quantity: 1,
    intervalDays: 30,
    nextDeliveryOn: addDays(today, 14),
    unitPriceAmount: aojiru.price,
    currency: "JPY",
    status: "active" as const,
    startedAt: iso(nowMs - startedDaysAgo * DAY),
    deliveriesCompleted: deliveries,
    consecutiveSkips: 0,
    pausedUntil: null,
    activeDiscount: null,
    canceledAt: null,
    cancellation: null,
    version: 1,
    createdAt: iso(nowMs - startedDaysAgo * DAY),
    updatedAt: iso(nowMs - startedDaysAgo * DAY),
  });
  return [
    { ...base(DEMO_FIXTURES.save, 166, 5), commitmentMinDeliveries: null, commitmentFeeAmount: null, commitmentFeeCurrency: null },
    { ...base(DEMO_FIXTURES.fee, 46, 2), commitmentMinDeliveries: 3, commitmentFeeAmount: 5000, commitmentFeeCurrency: "JPY" },
  ];
}

function makePlan(
  rng: Rng,
  monthRng: Rng,
  customerId: string,
  createdAtMs: number,
  startedAtMs: number,
  nowMs: number,
  today: string,
  used: Set<string>,
  forced: "firstBoxOnly" | undefined,
): Plan {
  let product = rng.weighted(PRODUCTS.map((p) => [p, p.weight] as const));
  for (let tries = 0; used.has(product.sku) && tries < 10; tries++) product = rng.weighted(PRODUCTS.map((p) => [p, p.weight] as const));
  used.add(product.sku);

  const interval = pickInterval(rng, product.interval);
  // Most Japanese 定期 run 毎月 or 隔月 (a day of the month): about three in four plans of 30, 60 or
  // 90 days are monthly instead — half the demo's plans.
  const monthly = monthRng.chance(0.75) && interval % 30 === 0 && interval <= 90 ? interval / 30 : null;
  const quantity = rng.weighted([[1, 85], [2, 12], [3, 3]] as const);
  const commitment = rng.chance(0.2) ? { min: rng.pick([3, 4]), fee: rng.pick([3000, 5000]) } : null;
  const status = forced ? "canceled" : rng.weighted([["active", 76], ["paused", 8], ["canceled", 16]] as const);

  const startDate = tokyoDate(startedAtMs);
  const firstSlot = addDays(startDate, rng.int(2, 5)); // shipping lead time for the first box
  const skipRate = status === "canceled" ? 0.12 : status === "paused" ? 0.1 : 0.03;
  const cadence: CadenceFields = monthly === null ? { intervalDays: interval } : { intervalDays: nominalIntervalDays(monthly), intervalMonths: monthly, deliveryDay: Number(firstSlot.slice(8, 10)) };

  const plan: Plan = {
    customerId,
    createdAtMs,
    product,
    quantity,
    interval,
    cadence,
    status,
    startedAtMs,
    slots: [],
    nextDeliveryOn: null,
    pausedUntil: null,
    pausedAtMs: null,
    canceledAtMs: null,
    firstBoxOnly: false,
    commitment,
    cancellation: null,
  };

  /** Past slots from the first box up to and including `until` (a date). */
  const slotsUntil = (until: string) => {
    const slots: { on: string; skipped: boolean }[] = [];
    for (let on = firstSlot; on <= until; on = addDays(on, interval)) {
      slots.push({ on, skipped: slots.length > 0 && rng.chance(skipRate) });
    }
    return slots;
  };
  /**
   * A monthly plan is drawn on the day schedule (so the main stream, and every id and date of the
   * demo, is what it was), then its slots move to the calendar: slot k on the anchor's day k × N
   * months on, up to `until` (the last that fits), each keeping its skip. `daySlots` keeps the day
   * schedule for the event stream (seedDemo).
   */
  const onCalendar = (until: string) => {
    if (monthly === null) return;
    plan.daySlots = plan.slots;
    const slots = plan.slots.map((slot, k) => ({ on: addCycles(firstSlot, cadence, k), skipped: slot.skipped })).filter((slot) => slot.on <= until);
    while (slots.length > 0 && addCycles(firstSlot, cadence, slots.length) <= until) slots.push({ on: addCycles(firstSlot, cadence, slots.length), skipped: false });
    plan.slots = slots;
  };
  /** Those who end up leaving tend to skip the last boxes before they go. */
  const skipBeforeLeaving = (slots: { on: string; skipped: boolean }[]) => {
    slots.forEach((slot, i) => {
      if (i > 0 && i >= slots.length - 3 && rng.chance(0.3)) slot.skipped = true;
    });
    return slots;
  };

  if (status === "active") {
    plan.slots = slotsUntil(today);
    onCalendar(today);
    // Next slot after today: always 1..interval days ahead (or the first box, 1..5 days ahead).
    plan.nextDeliveryOn = addCycles(firstSlot, cadence, plan.slots.length);
    return plan;
  }

  if (status === "paused") {
    const pausedAtMs = startedAtMs + Math.floor(rng.float() * (nowMs - startedAtMs));
    const pausedOn = tokyoDate(pausedAtMs);
    plan.slots = slotsUntil(pausedOn < firstSlot ? addDays(firstSlot, -1) : pausedOn);
    onCalendar(pausedOn < firstSlot ? addDays(firstSlot, -1) : pausedOn);
    plan.pausedAtMs = pausedAtMs;
    plan.pausedUntil = addDays(today, rng.pick([7, 14, 21, 30, 45, 60, 90]));
    plan.nextDeliveryOn = plan.pausedUntil; // deliveries resume on the pause's end date
    return plan;
  }

  // Canceled: a large share leave after the first box (or before it arrives).
  const firstBoxOnly = forced === "firstBoxOnly" || rng.chance(0.42);
  let canceledAtMs: number;
  if (firstBoxOnly) {
    const afterFirst = rng.chance(0.75);
    const cancelOn = afterFirst ? addDays(firstSlot, rng.int(1, Math.max(1, interval - 3))) : addDays(firstSlot, -rng.int(1, 2));
    canceledAtMs = Math.max(startedAtMs + 3_600_000, tokyoInstant(cancelOn, rng.int(9, 20), rng.int(0, 59)));
  } else if (commitment && rng.chance(0.6)) {
    // Left as soon as the minimum-purchase commitment was met.
    const cancelOn = addDays(firstSlot, (commitment.min - 1) * interval + rng.int(1, Math.max(1, interval - 3)));
    canceledAtMs = tokyoInstant(cancelOn, rng.int(9, 20), rng.int(0, 59));
  } else {
    canceledAtMs = startedAtMs + Math.floor(Math.pow(rng.float(), 0.8) * (nowMs - startedAtMs));
  }
  if (canceledAtMs > nowMs - 3_600_000) canceledAtMs = nowMs - 3_600_000;
  if (canceledAtMs <= startedAtMs) canceledAtMs = startedAtMs + 60_000;
  canceledAtMs = Math.floor(canceledAtMs / 1000) * 1000;
  const cancelOn = tokyoDate(canceledAtMs);
  // Deliveries stop the day before the cancel, so nothing ships on the day it was canceled.
  plan.slots = cancelOn <= firstSlot ? [] : skipBeforeLeaving(slotsUntil(addDays(cancelOn, -1)));
  plan.canceledAtMs = canceledAtMs;
  const deliveries = plan.slots.filter((s) => !s.skipped).length;
  onCalendar(addDays(cancelOn, -1));
  plan.firstBoxOnly = deliveries <= 1;
  const reason = plan.firstBoxOnly ? rng.weighted(FIRST_BOX_REASONS) : rng.weighted(CANCEL_REASONS);
  plan.cancellation = {
    reason,
    channel: rng.weighted([["web", 45], ["operator", 40], ["ivr", 15]] as const),
    effectiveOn: cancelOn,
  };
  return plan;
}

function makeEvents(rng: Rng, p: Plan, subscriptionId: string, nowMs: number): EventRow[] {
  const out: EventRow[] = [];
  const canceled = p.status === "canceled";
  const endMs = Math.min(p.canceledAtMs ?? nowMs, nowMs);
  const reason = p.cancellation?.reason;
  const amount = { amount: p.product.price * p.quantity, currency: "JPY" };

  const add = (suffix: string, type: string, atMs: number, data: Record<string, unknown>) => {
    const at = iso(Math.min(Math.max(atMs, p.startedAtMs), endMs - 60_000));
    out.push({
      tenantId: DEMO_TENANT_ID,
      id: `evt-${subscriptionId}-${suffix}`,
      type,
      customerId: p.customerId,
      subscriptionId,
      occurredAt: at,
      data,
      receivedAt: at,
    });
  };

  // Deliveries and skips: only the most recent slots, as if history was imported for a window.
  let deliveryNo = 0;
  const numbered = p.slots.map((s) => ({ ...s, no: s.skipped ? 0 : ++deliveryNo }));
  const recent = numbered.slice(-MAX_DELIVERY_EVENTS);
  let skipNo = 0;
  numbered.forEach((s, i) => {
    if (s.skipped) skipNo++;
    if (i < numbered.length - recent.length) return;
    if (s.skipped) {
      add(`s${skipNo}`, "delivery.skipped", tokyoInstant(s.on, rng.int(8, 22), rng.int(0, 59)) - rng.int(2, 7) * DAY, {
        scheduledOn: s.on,
        requestedBy: rng.chance(0.9) ? "customer" : "merchant",
      });
    } else {
      const data: Record<string, unknown> = { deliveredOn: s.on };
      if (p.quantity > 1) data.quantity = p.quantity;
      if (rng.chance(0.5)) data.orderId = `O-${s.on.replaceAll("-", "")}-${subscriptionId.slice(-6)}`;
      add(`d${s.no}`, "delivery.completed", tokyoInstant(s.on, rng.int(10, 19), rng.int(0, 59)), data);
    }
  });

  const delivered = numbered.filter((s) => !s.skipped);
  // Payments for the latest boxes; failures are likelier among those who later left.
  const failRate = canceled ? 0.25 : p.status === "paused" ? 0.08 : 0.035;
  const failed = delivered.length > 0 && rng.chance(failRate);
  const paid = delivered.slice(-2);
  paid.forEach((s, i) => {
    const atMs = tokyoInstant(s.on, 0, 0) - rng.int(1, 3) * DAY + rng.int(1, 23) * 3_600_000;
    if (failed && i === paid.length - 1) {
      add(`pf1`, "payment.failed", atMs, { amount, reason: rng.pick(PAYMENT_FAILURES) });
      if (!canceled || rng.chance(0.3)) add(`ps${s.no}`, "payment.succeeded", atMs + rng.int(1, 3) * DAY, { amount });
    } else {
      add(`ps${s.no}`, "payment.succeeded", atMs, { amount });
    }
  });

  // Contacts with the call centre.
  let contactNo = 0;
  const contact = (topic: string, atMs: number) => {
    const sentiment =
      topic === "cancel_request" || topic === "complaint"
        ? rng.weighted([["negative", 7], ["neutral", 3]] as const)
        : rng.weighted([["positive", 3], ["neutral", 6], ["negative", 1]] as const);
    const data: Record<string, unknown> = {
      channel: rng.weighted([["phone", 6], ["email", 3], ["chat", 2]] as const),
      topic,
      sentiment,
    };
    const notes = CONTACT_NOTES[topic];
    if (notes && rng.chance(0.5)) data.note = rng.pick(notes);
    add(`c${++contactNo}`, "contact.logged", atMs, data);
  };
  const randomMoment = () => p.startedAtMs + Math.floor((rng.float() * (endMs - p.startedAtMs)) / 1000) * 1000;
  if (canceled) {
    if (rng.chance(0.72)) contact("cancel_request", endMs - rng.int(1, 72) * 3_600_000);
    if (rng.chance(reason === "delivery_problem" || reason === "dissatisfied_service" ? 0.8 : 0.25)) contact("complaint", randomMoment());
    if (rng.chance(0.2)) contact("inquiry", randomMoment());
  } else {
    if (rng.chance(0.3)) contact("inquiry", randomMoment());
    if (rng.chance(0.06)) contact("complaint", randomMoment());
    if (rng.chance(p.status === "paused" ? 0.3 : 0.04)) contact("cancel_request", randomMoment()); // retained or paused instead
  }

  // Stock on hand, reported by the customer in a My Page check-in.
  const surplus = reason === "surplus_stock" || (p.status === "paused" && rng.chance(0.5));
  if (delivered.length > 0 && rng.chance(surplus ? 0.9 : canceled ? 0.45 : 0.35)) {
    const perBox = p.product.unitsPerDelivery * p.quantity;
    const boxes = surplus ? 1.2 + rng.float() * 2.5 : canceled ? rng.float() * 1.2 : rng.float() * 0.5;
    const remaining = perBox === 1 || p.product.unitsPerDelivery === 1 ? Math.round(boxes * p.quantity) : Math.round(boxes * perBox);
    add("u1", "usage.reported", endMs - rng.int(2, 20) * DAY, { remainingUnits: Math.min(remaining, 10_000) });
  }

  // Post-delivery survey.
  if (delivered.length > 0 && rng.chance(canceled ? 0.55 : 0.4)) {
    const nps = canceled
      ? rng.weighted([[0, 2], [1, 2], [2, 3], [3, 4], [4, 4], [5, 4], [6, 3], [7, 2], [8, 1]] as const)
      : p.status === "paused"
        ? rng.weighted([[2, 1], [4, 2], [5, 3], [6, 4], [7, 4], [8, 3], [9, 1]] as const)
        : rng.weighted([[3, 1], [5, 2], [6, 3], [7, 5], [8, 7], [9, 6], [10, 5]] as const);
    const data: Record<string, unknown> = { nps };
    if (rng.chance(0.55)) data.comment = rng.pick(nps >= 8 ? POSITIVE_COMMENTS : nps >= 6 ? NEUTRAL_COMMENTS : NEGATIVE_COMMENTS);
    const after = delivered[Math.max(0, delivered.length - rng.int(1, 3))]!;
    add("n1", "survey.answered", tokyoInstant(after.on, 0, 0) + rng.int(3, 10) * DAY + rng.int(9, 22) * 3_600_000, data);
  }

  if (out.length > MAX_EVENTS_PER_SUBSCRIPTION) {
    // Keep the signals; drop the oldest deliveries first.
    const keep = new Set(out.filter((e) => !e.type.startsWith("delivery.")).map((e) => e.id));
    const deliveries = out.filter((e) => e.type.startsWith("delivery."));
    for (const e of deliveries.slice(Math.max(0, deliveries.length - (MAX_EVENTS_PER_SUBSCRIPTION - keep.size)))) keep.add(e.id);
    return out.filter((e) => keep.has(e.id)).sort(byTime);
  }
  return out.sort(byTime);
}

function byTime(a: EventRow, b: EventRow): number {
  return a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0;
}
