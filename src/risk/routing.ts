/**
 * Call routing hints and IVR speech for the "data dip" lookup. Pure functions.
 *
 * Routing never changes what a caller can do: every queue, including self-service, must let the
 * caller cancel (see API.md, "Self-service cancellation"). It only picks who answers.
 */
import { writeDate } from "../platform/dates";
import type { RiskBand } from "./model";

export type Route = "retention_specialist" | "self_service" | "standard_queue";

export type RouteInput = {
  band: RiskBand;
  /** Recurring value per month in yen, e.g. from {@link monthlyValueYen}. */
  monthlyValueYen: number;
  /** False outside the specialists' hours: high-value callers then go to the standard queue. */
  specialistAvailable?: boolean;
};

export type RoutingOptions = {
  /** High risk at or above this monthly value → specialist. Default ¥5,000. */
  specialistMinMonthlyYen?: number;
  /** Medium risk at or above this monthly value → specialist too. Default ¥15,000. */
  vipMonthlyYen?: number;
};

export const ROUTING_DEFAULTS = { specialistMinMonthlyYen: 5_000, vipMonthlyYen: 15_000 } as const;

/**
 * - retention_specialist: high risk worth ≥ ¥5,000/month, or medium risk worth ≥ ¥15,000/month
 *   (when a specialist is available);
 * - self_service: low risk — the IVR menu (skip, change date, cancel) serves them fastest;
 * - standard_queue: everyone else.
 */
export function route(input: RouteInput, opts: RoutingOptions = {}): Route {
  const min = opts.specialistMinMonthlyYen ?? ROUTING_DEFAULTS.specialistMinMonthlyYen;
  const vip = opts.vipMonthlyYen ?? ROUTING_DEFAULTS.vipMonthlyYen;
  const value = Number.isFinite(input.monthlyValueYen) ? input.monthlyValueYen : 0;
  const specialistWorthIt = (input.band === "high" && value >= min) || (input.band === "medium" && value >= vip);
  if (specialistWorthIt && input.specialistAvailable !== false) return "retention_specialist";
  if (input.band === "low") return "self_service";
  return "standard_queue";
}

/** Price × quantity per delivery, scaled to a 30-day month. */
export function monthlyValueYen(sub: { unitPriceAmount: number; quantity: number; intervalDays: number }): number {
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
  /** Local date YYYY-MM-DD; null when nothing is scheduled. */
  nextDeliveryOn?: string | null;
  productName?: string | null;
  band: RiskBand;
  nextBestAction?: NextBestAction | null;
  /** Local date today; lets the line say 本日 / 明日 ("today" / "tomorrow"). */
  today?: string;
  status?: "active" | "paused" | "canceled";
  /** The stock as risk/stock describes it (「あと約60包、2か月分ほど」), said with a stock-related option. */
  stock?: string | null;
};

/** Options a caller's stock on hand explains. */
const STOCK_ACTIONS: ReadonlySet<NextBestAction> = new Set(["skip", "change_interval", "move_delivery", "pause", "change_quantity"]);

/** Preferred maximum length of the Japanese line, in characters. */
export const JA_MAX_CHARS = 60;
export const EN_MAX_CHARS = 140;

/** One calm sentence per action: an option the caller has, never a claim or a warning. */
const ACTION_TEXT: Record<NextBestAction, { ja: string; en: string }> = {
  skip: { ja: "次回分のスキップも承れます。", en: "You can skip the next delivery if you like." },
  move_delivery: { ja: "お届け日の変更も承れます。", en: "You can also move your next delivery." },
  pause: { ja: "一時的なお休みも承れます。", en: "You can also pause your deliveries." },
  change_interval: { ja: "お届け間隔の変更も承れます。", en: "You can also change how often it arrives." },
  change_quantity: { ja: "お届け数量の変更も承れます。", en: "You can also change the quantity." },
  discount: { ja: "割引のご案内がございます。", en: "There is a discount available to you." },
  product_swap: { ja: "別の商品への変更も承れます。", en: "You can also switch to another product." },
  free_gift: { ja: "プレゼントのご案内がございます。", en: "There is a gift offer available to you." },
  usage_advice: { ja: "お使い方のご案内もできます。", en: "We can also share tips on using it." },
};
const GENERIC_HELP = { ja: "お届けの変更も承れます。", en: "You can also change your deliveries." };

function clean(s: string | null | undefined): string {
  return (s ?? "").replace(/[【】]/g, " ").replace(/\s+/g, " ").trim();
}

/**
 * One short line for an IVR text-to-speech prompt: who, what arrives when, and — for medium or
 * high risk — one option the caller has, with the stock on hand when it explains the option. Polite, no health claims, no pressure, no mention of
 * risk. Japanese aims at ≤ 60 characters: if the full line is longer, the product name, then the
 * stock, then the option are dropped.
 */
export function speech(input: SpeechInput, locale: "ja" | "en"): string {
  const name = clean(input.customerName).replace(/(様|さま|さん)$/u, "");
  const product = clean(input.productName);
  const action = input.band === "low" ? null : input.nextBestAction ? ACTION_TEXT[input.nextBestAction] : input.band === "high" ? GENERIC_HELP : null;

  const lines: string[] = [];
  if (locale === "ja") {
    const greet = name ? `${name}様、` : "お客様、";
    const when = input.nextDeliveryOn ? writeDate(input.nextDeliveryOn, "ja", "spoken", input.today) : null;
    const deliveries = when
      ? [product ? `次回の${product}のお届けは${when}の予定です。` : null, `次回のお届けは${when}の予定です。`]
      : [input.status === "canceled" ? "定期便はご解約済みです。" : "現在、次回のお届け予定はございません。"];
    const withAction = when && action ? action.ja : "";
    const stock = withAction && input.stock && input.nextBestAction && STOCK_ACTIONS.has(input.nextBestAction) ? `${input.stock}あります。` : "";
    for (const d of deliveries) if (d && stock) lines.push(greet + d + stock + withAction);
    for (const d of deliveries) if (d && withAction) lines.push(greet + d + withAction);
    for (const d of deliveries) if (d) lines.push(greet + d);
    const fit = lines.find((l) => [...l].length <= JA_MAX_CHARS);
    return fit ?? (deliveries[deliveries.length - 1] as string);
  }

  const greet = name ? `Hello ${name}. ` : "Hello. ";
  const when = input.nextDeliveryOn ? writeDate(input.nextDeliveryOn, "en", "spoken", input.today) : null;
  const on = when === "today" || when === "tomorrow" ? when : `on ${when}`;
  const deliveries = when
    ? [product ? `Your next ${product} delivery is ${on}.` : null, `Your next delivery is ${on}.`]
    : [input.status === "canceled" ? "Your subscription has been cancelled." : "You have no upcoming delivery scheduled."];
  const withAction = when && action ? ` ${action.en}` : "";
  const stock = withAction && input.stock && input.nextBestAction && STOCK_ACTIONS.has(input.nextBestAction) ? ` You have ${input.stock}.` : "";
  for (const d of deliveries) if (d && stock) lines.push(greet + d + stock + withAction);
  for (const d of deliveries) if (d && withAction) lines.push(greet + d + withAction);
  for (const d of deliveries) if (d) lines.push(greet + d);
  return lines.find((l) => l.length <= EN_MAX_CHARS) ?? (deliveries[deliveries.length - 1] as string);
}
