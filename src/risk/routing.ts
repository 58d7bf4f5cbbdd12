/**
 * Call routing hints and IVR speech for the "data dip" lookup. Pure functions.
 *
 * Routing never changes what a caller can do: every queue, including self-service, must let the
 * caller cancel (see API.md, "Self-service cancellation"). It only picks who answers.
 */
import { writeDate } from "../platform/dates";
import { inEnglish, productInEnglish, shortName, spokenName } from "./spoken";
import type { RiskBand } from "./model";

export type Route = "retention_specialist" | "self_service" | "standard_queue";

/** The monthly values a caller is worth at least this much for a specialist, in one currency's minor units. */
export type SpecialistThresholds = {
  /** High risk at or above this monthly value → specialist. */
  highRisk: number;
  /** Medium risk at or above this monthly value → specialist too. */
  mediumRisk: number;
};

/**
 * The thresholds a shop has not set (settings `specialistMonthlyValue`), by currency, in its minor
 * units: about ¥5,000 and ¥15,000 a month in each (JPY is those; USD $35 and $100). A currency not
 * listed has none: its callers are not sent to a specialist by value until the shop sets them.
 */
export const SPECIALIST_THRESHOLD_DEFAULTS: Readonly<Record<string, SpecialistThresholds>> = {
  JPY: { highRisk: 5_000, mediumRisk: 15_000 },
  USD: { highRisk: 3_500, mediumRisk: 10_000 },
  CAD: { highRisk: 4_500, mediumRisk: 13_500 },
  AUD: { highRisk: 5_000, mediumRisk: 15_000 },
  EUR: { highRisk: 3_000, mediumRisk: 9_000 },
  GBP: { highRisk: 2_500, mediumRisk: 8_000 },
  KRW: { highRisk: 45_000, mediumRisk: 135_000 },
  TWD: { highRisk: 1_000, mediumRisk: 3_000 },
};

/** A currency's thresholds: the shop's own (settings `specialistMonthlyValue`), else the default for it; null when neither. */
export function specialistThresholds(currency: string, shop: Readonly<Record<string, SpecialistThresholds>> = {}): SpecialistThresholds | null {
  return shop[currency] ?? SPECIALIST_THRESHOLD_DEFAULTS[currency] ?? null;
}

export type RouteInput = {
  band: RiskBand;
  /** Recurring value per month, per currency in its minor units (e.g. sums of {@link monthlyValue}). */
  monthlyValue: readonly { amount: number; currency: string }[];
  /** False outside the specialists' hours: high-value callers then go to the standard queue. */
  specialistAvailable?: boolean;
};

/**
 * - retention_specialist: high risk worth at least the currency's `highRisk` a month, or medium
 *   risk worth at least its `mediumRisk` (JPY by default ¥5,000 and ¥15,000; see
 *   {@link specialistThresholds}), when a specialist is available;
 * - self_service: low risk — the IVR menu (skip, change date, cancel) serves them fastest;
 * - standard_queue: everyone else.
 *
 * `thresholds`: the shop's own by currency (settings `specialistMonthlyValue`), over the defaults.
 */
export function route(input: RouteInput, thresholds: Readonly<Record<string, SpecialistThresholds>> = {}): Route {
  const specialistWorthIt = input.monthlyValue.some(({ amount, currency }) => {
    const t = specialistThresholds(currency, thresholds);
    const value = Number.isFinite(amount) ? amount : 0;
    return t !== null && ((input.band === "high" && value >= t.highRisk) || (input.band === "medium" && value >= t.mediumRisk));
  });
  if (specialistWorthIt && input.specialistAvailable !== false) return "retention_specialist";
  if (input.band === "low") return "self_service";
  return "standard_queue";
}

/** Price × quantity per delivery, scaled to a 30-day month, in the price's minor units. */
export function monthlyValue(sub: { unitPriceAmount: number; quantity: number; intervalDays: number }): number {
  if (sub.intervalDays <= 0) return 0;
  return Math.round((sub.unitPriceAmount * sub.quantity * 30) / sub.intervalDays);
}

// ---------------------------------------------------------------------------------------------
// Speech

/** What the data dip can suggest to a caller; each has one line of speech below. */
export const NEXT_ACTIONS = ["skip", "move_delivery", "pause", "change_interval", "change_quantity", "discount", "product_swap", "free_gift", "usage_advice"] as const;
export type NextBestAction = (typeof NEXT_ACTIONS)[number];

export type SpeechInput = {
  customerName?: string | null;
  /**
   * The name's reading (フリガナ, `nameKana`) when the shop synced one: Japanese says it instead of
   * the kanji, which text-to-speech misreads more than anything else (東海林, 一, 角田).
   */
  customerReading?: string | null;
  /** Local date YYYY-MM-DD; null when nothing is scheduled. */
  nextDeliveryOn?: string | null;
  productName?: string | null;
  /** The product's category as the shop syncs it (`supplement`, `health_food`…): what English says when the name is not in Latin letters. */
  productCategory?: string | null;
  band: RiskBand;
  nextBestAction?: NextBestAction | null;
  /** Local date today; lets the line say 本日 / 明日 ("today" / "tomorrow"). */
  today?: string;
  status?: "active" | "paused" | "canceled";
  /** For `paused`: the date deliveries resume (else the next delivery is taken as it). */
  pausedUntil?: string | null;
  /** For `canceled`: the last delivery, which still ships (Subscription `cancellation.finalDeliveryOn`); said while it is today or later. */
  finalDeliveryOn?: string | null;
  /** The stock as risk/stock describes it in each language (「あと約60包、2か月分ほど」), said with a stock-related option. */
  stock?: { ja: string; en: string } | null;
  /** For `canceled`: a comeback offer awaits this customer (winback), so the line may say restarting is possible. */
  restart?: boolean;
  /** How many live (active or paused) plans the caller has, this one included; default 1. */
  livePlans?: number;
  /** The earliest next delivery (YYYY-MM-DD) among the caller's active plans: said when several are live and the line cannot name this one (being confirmed, when it is past). */
  earliestDeliveryOn?: string | null;
};

/** Options a caller's stock on hand explains. */
const STOCK_ACTIONS: ReadonlySet<NextBestAction> = new Set(["skip", "change_interval", "move_delivery", "pause", "change_quantity"]);

/** Preferred maximum length of the Japanese line, in characters. */
export const JA_MAX_CHARS = 60;
export const EN_MAX_CHARS = 140;

/** One calm sentence per action: an option the caller has, never a claim or a warning. */
const ACTION_TEXT: Record<NextBestAction, { ja: string; en: string }> = {
  skip: { ja: "次回分のスキップも承ります。", en: "You can skip the next delivery if you like." },
  move_delivery: { ja: "お届け日の変更も承ります。", en: "You can also move your next delivery." },
  pause: { ja: "一時的なお休みも承ります。", en: "You can also pause your deliveries." },
  change_interval: { ja: "お届け間隔の変更も承ります。", en: "You can also change how often it arrives." },
  change_quantity: { ja: "お届け数量の変更も承ります。", en: "You can also change the quantity." },
  discount: { ja: "割引のご案内がございます。", en: "There is a discount available to you." },
  product_swap: { ja: "別の商品への変更も承ります。", en: "You can also switch to another product." },
  free_gift: { ja: "プレゼントのご案内がございます。", en: "There is a gift offer available to you." },
  usage_advice: { ja: "使い方のご案内もできます。", en: "We can also share tips on using it." },
};
const GENERIC_HELP = { ja: "お届けの変更も承ります。", en: "You can also change your deliveries." };
/** A pause offered to a plan already paused is a longer pause. */
const EXTEND_PAUSE = { ja: "お休みの延長も承ります。", en: "You can also extend the pause." };
/** Said once, as an option, to a former customer a comeback offer awaits (winback). */
const RESTART = { ja: "再開のご案内もできます。", en: "We can also help you restart it if you like." };

/**
 * An active plan whose next delivery is already past (the shop's cart has not synced the shipment
 * yet): that date is neither upcoming nor to be changed, so the line says it is being confirmed,
 * with no option.
 */
const PENDING = { ja: "お届け日は、ただいま確認中です。", en: "delivery date is being confirmed." };

/** Brackets a voice would read out or stumble on; their words stay (「〈限定〉美容液」 → 「限定 美容液」). */
function clean(s: string | null | undefined): string {
  return (s ?? "").replace(/[【】〈〉《》〔〕［］]/g, " ").replace(/\s+/g, " ").trim();
}

/**
 * A person's name as said to them: an aside in parentheses is not part of it (「山田 花子（旧姓 田中）」,
 * 「田中 一郎 (代理)」), nor an honorific the shop stored with it.
 */
function personName(s: string | null | undefined): string {
  return clean((s ?? "").replace(/[(（][^()（）]*[)）]/gu, " ")).replace(/\s*(様|さま|さん)$/u, "");
}

/** Characters (code points) of a line, as its length limit counts them. */
function charCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/**
 * One short line for an IVR text-to-speech prompt: who, the plan's state (the next delivery; a
 * pause and the date it ends; a cancellation, and its last delivery while that is still to come),
 * and — for medium or high risk — one option the
 * caller has, with the stock on hand when it explains the option; for a former customer a comeback
 * offer awaits, that restarting is possible. Polite, no health claims, no pressure, no mention of
 * risk. Japanese aims at ≤ 60 characters, English at ≤ 140: if either line is longer, the product
 * name's size (「30包」, "1 kilogram"), then the product name, then the stock, then the option are
 * dropped — from both, so the two languages always say the same things. The product is said in its
 * spoken form (risk/spoken: 「500ミリリットル、24本入り」). Dates are said by platform/dates `writeDate`
 * (`spoken`): 本日 / 明日, month and day, and the year for a date a caller would otherwise hear as
 * one within the coming months. A date before `today` is never said as to come: a next delivery
 * already past is said to be being confirmed (with no option: there is no date to change), a
 * restart date gone by is left out.
 *
 * A caller with several live plans: the focus plan's date is said as the caller's next delivery
 * only when no other plan ships earlier; otherwise the line names its product (never dropped),
 * and if no line can, it says the earliest upcoming delivery (`earliestDeliveryOn`) with no
 * option. English leaves out what an English voice cannot read: a name in kanji or kana is left
 * out, and a product named so is called by its category ("your next supplement delivery") where
 * the category reads well, else not named — where it must be, English says the earliest delivery.
 */
export function speech(input: SpeechInput, locale: "ja" | "en"): string {
  const name = personName(input.customerName);
  const nameEn = inEnglish(name);
  const nameJa = personName(input.customerReading?.normalize("NFKC")) || name;
  const greet = { ja: nameJa ? `${nameJa}様、` : "お客様、", en: nameEn ? `Hello ${nameEn}. ` : "Hello. " };
  const full = clean(input.productName);
  // By level: 0 no product, 1 its name without the size (filled when first needed), 2 its whole name; spoken forms.
  const productJa = ["", "", full ? spokenName(full, "ja") : ""];
  const productEn = ["", "", full ? productInEnglish(spokenName(full, "en"), input.productCategory) : ""];
  let shortened = false;
  const shorten = () => {
    shortened = true;
    const short = shortName(full);
    if (short !== full) [productJa[1], productEn[1]] = [spokenName(short, "ja"), productInEnglish(spokenName(short, "en"), input.productCategory)];
  };
  const paused = input.status === "paused";
  const canceled = input.status === "canceled";
  // A date before today is not said as to come: a restart date gone by is left unsaid, a next delivery gone by is being confirmed.
  const upcoming = (d: string | null | undefined): string | null => (d && (input.today === undefined || d >= input.today) ? d : null);
  const planned = canceled ? null : paused ? (input.pausedUntil ?? input.nextDeliveryOn ?? null) : (input.nextDeliveryOn ?? null);
  const date = upcoming(planned);
  const pending = !canceled && !paused && planned !== null && date === null;
  const say = (d: string) => {
    const en = writeDate(d, "en", "spoken", input.today);
    return { ja: writeDate(d, "ja", "spoken", input.today), on: en === "today" || en === "tomorrow" ? en : `on ${en}` };
  };
  const when = date ? say(date) : null;
  const final = canceled ? upcoming(input.finalDeliveryOn) : null;
  const last = final ? say(final) : null;
  // Another live plan ships first (or this one is paused, or has no date): "your next delivery" is not this plan's, unless named.
  const earliest = input.earliestDeliveryOn ?? null;
  const mustName = !canceled && (input.livePlans ?? 1) > 1 && (paused || date === null || (earliest !== null && earliest < date));

  const option = input.band === "low" ? null : input.nextBestAction ? (paused && input.nextBestAction === "pause" ? EXTEND_PAUSE : ACTION_TEXT[input.nextBestAction]) : input.band === "high" ? GENERIC_HELP : null;
  // An option is said with a date to anchor it; restarting, to a former customer only.
  const extra = canceled ? (input.restart ? RESTART : null) : when ? option : null;
  const stock = extra && !canceled && input.stock && input.nextBestAction && STOCK_ACTIONS.has(input.nextBestAction) ? input.stock : null;

  /** The caller's next delivery, whichever plan it is: what a line that cannot name the focus plan says. */
  const next = (): { ja: string; en: string } => {
    if (earliest && !upcoming(earliest)) return { ja: `次回の${PENDING.ja}`, en: `Your next ${PENDING.en}` };
    const first = earliest ? say(earliest) : null;
    return first ? { ja: `次回のお届けは${first.ja}の予定です。`, en: `Your next delivery is ${first.on}.` } : { ja: "現在、次回のお届け予定はございません。", en: "You have no upcoming delivery scheduled." };
  };
  const lead = (level: number): { ja: string; en: string } => {
    const p = productJa[level];
    const pEn = productEn[level] ? `${productEn[level]} ` : "";
    if (canceled && last) return { ja: `${p ? `${p}の` : ""}定期コースはご解約済みです。最後のお届けは${last.ja}の予定です。`, en: `Your ${pEn}subscription has been canceled. Your last delivery is ${last.on}.` };
    if (canceled) return { ja: `${p ? `${p}の` : ""}定期コースはご解約済みです。`, en: `Your ${pEn}subscription has been canceled.` };
    if (pending) return { ja: `次回の${p ? `${p}の` : ""}${PENDING.ja}`, en: `Your next ${pEn}${PENDING.en}` };
    if (paused && when) return { ja: `${p ? `${p}の` : ""}お届けはお休み中で、${when.ja}から再開の予定です。`, en: `Your ${pEn}deliveries are paused and restart ${when.on}.` };
    if (paused) return { ja: `${p ? `${p}の` : ""}お届けは現在お休み中です。`, en: `Your ${pEn}deliveries are paused for now.` };
    if (when) return { ja: `次回の${p ? `${p}の` : ""}お届けは${when.ja}の予定です。`, en: `Your next ${pEn}delivery is ${when.on}.` };
    if (mustName && p) return { ja: `${p}の次回のお届け予定は現在ございません。`, en: `You have no upcoming ${pEn}delivery scheduled.` };
    return { ja: "現在、次回のお届け予定はございません。", en: "You have no upcoming delivery scheduled." };
  };
  const render = (level: number, withStock: boolean, withExtra: boolean) => {
    const l = lead(level);
    const s = withStock && stock ? stock : null;
    const e = withExtra && extra ? extra : null;
    // English cannot name a plan it must: it says the caller's next delivery, and no option for a plan it did not name.
    const en = mustName && !productEn[level] ? next().en : `${l.en}${s ? ` You have ${s.en}.` : ""}${e ? ` ${e.en}` : ""}`;
    return { ja: `${greet.ja}${l.ja}${s ? `${s.ja}あります。` : ""}${e ? e.ja : ""}`, en: `${greet.en}${en}` };
  };

  // Most said first; each step drops one fact from both languages: the size, the product, the stock, the option.
  for (const [withStock, withExtra] of STEPS) {
    if ((withStock && !stock) || (withExtra && !extra)) continue;
    // A caller with several live plans cannot tell whose stock is meant unless the plan is named:
    // the stock goes before the product's name does (trial52: 「…5日分ほどあります」 of which one?).
    const lowest = mustName || (withStock && (input.livePlans ?? 1) > 1) ? 1 : 0;
    for (let level = 2; level >= lowest; level--) {
      if (level === 1 && !shortened && full) shorten();
      if (level > 0 && !productJa[level]) continue;
      const line = render(level, withStock, withExtra);
      if (charCount(line.ja) <= JA_MAX_CHARS && line.en.length <= EN_MAX_CHARS) return line[locale];
    }
  }
  // No line names the plan it must, or a name too long for any line: the caller's next delivery, or the plan's state alone.
  const bare = mustName ? next() : lead(0);
  const line = { ja: `${greet.ja}${bare.ja}`, en: `${greet.en}${bare.en}` };
  return charCount(line.ja) <= JA_MAX_CHARS && line.en.length <= EN_MAX_CHARS ? line[locale] : bare[locale];
}

/** Stock and option kept, then the option alone, then neither. */
const STEPS: [stock: boolean, extra: boolean][] = [
  [true, true],
  [false, true],
  [false, false],
];
