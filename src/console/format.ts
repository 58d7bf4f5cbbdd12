import type { Lang } from "./strings";
import { CHANNEL_LABELS } from "./strings";
import { formatMoney } from "../platform/numbers";
import { asWritten } from "../platform/openapi";
import { findReason } from "../cancel-flows/reasons";

/**
 * How the console writes times, money and names for people: in the page's language and the
 * shop's time zone, never an ISO string, a code or `null`. Dates: platform/dates `writeDate`
 * (`short`: 「12月5日」, the year only when it is not this year's); money: platform/numbers
 * `formatMoney` (「3,240円」 / "¥3,240"), as the portal and the API's texts write it.
 */

const locale = (lang: Lang) => (lang === "ja" ? "ja-JP" : "en-US");

/** A month (`YYYY-MM`): 「2026年11月」 / "Nov 2026". */
export function month(value: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  if (!m) return value;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)).toLocaleDateString(locale(lang), { timeZone: "UTC", year: "numeric", month: lang === "ja" ? "long" : "short" });
}

/** An instant in the shop's time zone: 「2026/11/13 19:55」 / "Nov 13, 2026, 7:55 PM". */
export function when(iso: string, lang: Lang, timeZone: string): string {
  return new Date(iso).toLocaleString(locale(lang), { timeZone, dateStyle: "medium", timeStyle: "short" });
}

/**
 * A duration in whole seconds as a supervisor reads it: 「4分8秒」「46秒」「1時間2分」 / "4 min 8 s". The API's
 * medians come in seconds, halves included (248.5): rounded to the second.
 */
export function duration(seconds: number, lang: Lang): string {
  const total = Math.round(seconds);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  if (lang === "ja") return h > 0 ? `${h}時間${m}分` : m > 0 ? `${m}分${s}秒` : `${s}秒`;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/** A channel's name (Web, 電話（IVR）, オペレーター…); an unknown one as sent. */
export function channelName(channel: string, lang: Lang): string {
  return CHANNEL_LABELS[channel]?.[lang] ?? channel;
}

/** An offer as the catalogue holds it (GET /v1/offers): its kind and parameters, the title the shop wrote, whether it is on. */
export type CatalogueEntry = { id: string; type: string; parameters: Record<string, unknown>; copy?: { title: Record<Lang, string> }; active?: boolean };

/**
 * An offer as the shop knows it, for a row of figures: its title as the shop wrote it (two offers of
 * one kind — the shop's own skip and the default it switched off — read apart), what it does in
 * words beside it (`kind`, null when the title says no more), and whether it is switched off. A title
 * with `{placeholders}` is worded per subscription, so such an offer is named by what it does.
 */
export function offerTitle(id: string, catalogue: readonly CatalogueEntry[], lang: Lang): { name: string; kind: string | null; inactive: boolean } {
  const o = catalogue.find((x) => x.id === id);
  const kind = offerName(id, catalogue, lang);
  const title = o?.copy?.title[lang].trim();
  const named = title && !title.includes("{") ? title : kind;
  return { name: named, kind: named === kind ? null : kind, inactive: o?.active === false };
}

/**
 * An offer's name for figures across customers: its title depends on each subscription (「お届け
 * 間隔を{newIntervalDays}日ごとに変更」), so the name says what the offer does from its parameters
 * alone (「20%オフ × 2回」, 「次回スキップ」). An offer not in the catalogue keeps its id.
 */
export function offerName(id: string, catalogue: readonly CatalogueEntry[], lang: Lang): string {
  const o = catalogue.find((x) => x.id === id);
  if (!o) return id;
  const p = o.parameters;
  const ja = lang === "ja";
  switch (o.type) {
    case "skip":
      if (p.mode === "move_next_delivery") return ja ? `お届け日の変更（最大${p.maxDays}日後）` : `Move the next delivery (up to ${p.maxDays} days)`;
      return ja ? (p.count === 1 ? "次回のお届けをスキップ" : `${p.count}回分スキップ`) : p.count === 1 ? "Skip the next delivery" : `Skip ${p.count} deliveries`;
    case "pause":
      return ja ? `お休み（最大${p.maxCycles}回分）` : `Pause (up to ${p.maxCycles} cycles)`;
    case "change_interval":
      if (p.strategy === "fixed") return ja ? `お届け間隔を${p.intervalDays}日ごとに` : `Every ${p.intervalDays} days`;
      return ja ? "お届け間隔を使うペースに合わせる" : "Interval matched to use";
    case "change_quantity":
      if (typeof p.to === "number") return ja ? `数量を${p.to}個に` : `Quantity to ${p.to}`;
      return ja ? `数量を${Math.abs(Number(p.delta))}個${Number(p.delta) < 0 ? "減らす" : "増やす"}` : `Quantity ${Number(p.delta) < 0 ? "down" : "up"} by ${Math.abs(Number(p.delta))}`;
    case "discount": {
      const off = typeof p.percentOff === "number" ? `${p.percentOff}%` : formatMoney({ amount: Number(p.amountOff), currency: "JPY" }, lang);
      return ja ? `${off}オフ × ${p.cycles}回` : `${off} off × ${p.cycles} deliveries`;
    }
    case "product_swap":
      return ja ? `${String(p.toName || "別の商品")}への変更` : `Switch to ${String(p.toName || "another product")}`;
    case "free_gift": {
      const gift = (p.gift as Record<Lang, string> | undefined)?.[lang];
      return ja ? `プレゼント（${gift ?? "同梱"}）` : `Free gift (${gift ?? "with the delivery"})`;
    }
    case "usage_advice":
      return ja ? "使い方のご案内" : "Usage tips";
    default:
      return id;
  }
}

/**
 * A share of two counts (null with nothing to divide by). The API's rates are rounded to 4 decimals (4 significant digits below 0.1),
 * and rounding one again to 0.1 % can land on the wrong side (7 / 13 = 53.846… is answered 0.5385,
 * which showed as 53.9 %): where the counts are at hand, a figure shown is taken from them.
 */
export const shareOf = (n: number, d: number): number | null => (d > 0 ? n / d : null);

/** A rate as the console writes it: 53.8%, <0.1% for a rate above 0 that would round to 0, or — when there is none. */
export const percent = (r: number | null) => (r === null ? "—" : r > 0 && r < 0.0005 ? "<0.1%" : `${Math.round(r * 1000) / 10}%`);

/** Free text someone else wrote, as an operator reads it: platform/openapi {@link asWritten} (the one helper, shared with the insights' quotes). */
export { asWritten };

/** The karte of `customerId` (its plan `subscriptionId` in focus, when given): the console's one link to it. */
export function karteHref(customerId: string, subscriptionId?: string): string {
  return `/console?customer=${encodeURIComponent(customerId)}${subscriptionId ? `&sub=${encodeURIComponent(subscriptionId)}` : ""}`;
}

/**
 * A cancellation reason in words: the shop's label (GET /v1/cancellation-reasons); for a code the
 * shop has since taken off its list — a cancellation, a flow or a metrics row recorded before — the
 * built-in label of a default code (「料金が高い」, never `too_expensive`); else the code as stored.
 */
export function reasonName(code: string, reasons: readonly { code: string; label: string }[], lang: Lang): string {
  return reasons.find((r) => r.code === code)?.label ?? findReason(code)?.label[lang] ?? code;
}
