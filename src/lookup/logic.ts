/**
 * The data dip's decisions: which subscription the call is most likely about, what to suggest
 * when the offer engine has nothing, and the call's route and speech. Pure.
 */
import type { Driver, RiskBand } from "../risk/model";
import { describeStock, type StockEstimate } from "../risk/stock";
import { monthlyValue, NEXT_ACTIONS, route, speech, type NextBestAction, type Route, type SpecialistThresholds } from "../risk/routing";

export type LookupSubscription = {
  id: string;
  status: "active" | "paused" | "canceled";
  productName: string;
  nextDeliveryOn: string | null;
  quantity: number;
  intervalDays: number;
  unitPriceAmount: number;
  /** The price's currency (ISO 4217): its minor units are `unitPriceAmount`'s. */
  currency: string;
  risk: { probability: number; band: RiskBand; drivers: Driver[] } | null;
  /** The stock stored with the risk features (risk/stock), and what the product's unit is called. */
  stock?: StockEstimate | null;
  unitLabel?: string | null;
  /** For `paused`: the date deliveries resume. */
  pausedUntil?: string | null;
  /** For `canceled`: the last delivery, still shipped because the cancellation came inside the cut-off (Subscription `cancellation.finalDeliveryOn`). */
  finalDeliveryOn?: string | null;
  productCategory?: string | null;
  /**
   * For `canceled`: the win-back probability (reactivating within 180 days) when the customer is a
   * win-back candidate (contactable, not held out) with a comeback offer decided; else null.
   */
  comeback?: number | null;
};

/**
 * The live subscription most at risk; else the next to deliver. Cancelled ones only if nothing
 * else: the one a comeback offer awaits, most likely to come back first (their cancel risk is moot).
 */
export function focusSubscription<T extends LookupSubscription>(subs: readonly T[]): T | null {
  const live = subs.filter((s) => s.status !== "canceled");
  if (live.length === 0) {
    let best: T | null = null;
    for (const s of subs) if (!best || (s.comeback ?? -1) > (best.comeback ?? -1)) best = s;
    return best;
  }
  let best: T | null = null;
  for (const s of live) {
    if (!best) best = s;
    else {
      const p = s.risk?.probability ?? 0;
      const q = best.risk?.probability ?? 0;
      if (p > q || (p === q && (s.nextDeliveryOn ?? "9999") < (best.nextDeliveryOn ?? "9999"))) best = s;
    }
  }
  return best;
}

/** What the drivers point to, when the offer engine suggests nothing. Low risk: nothing. */
const BY_DRIVER: Partial<Record<Driver["code"], NextBestAction>> = {
  surplus_stock: "skip",
  skips: "change_interval",
  pauses: "pause",
  price_level: "change_quantity",
  discount_ending: "change_interval",
  early_life: "usage_advice",
  low_nps: "product_swap",
  cancel_requests: "pause",
  abandoned_cancel_flows: "pause",
};

/**
 * The action an offer stands for, in the caller's terms: a skip-type offer that moves the next
 * delivery is said as moving it, not as skipping it. Null when the data dip has no word for it.
 */
export function actionOf(offer: { type: string; parameters: { type: string; mode?: string } }): NextBestAction | null {
  const type = offer.parameters.type === "skip" && offer.parameters.mode === "move_next_delivery" ? "move_delivery" : offer.type;
  return (NEXT_ACTIONS as readonly string[]).includes(type) ? (type as NextBestAction) : null;
}

/**
 * The drivers' action for a caller at some risk (null for low risk): the first driver's, else a
 * skip. A skip is said as skipping the next delivery (「次回分のスキップも承ります」), so it is only
 * suggested when that delivery can still be skipped today (`plan`: active, its next delivery on or
 * after `firstChangeableDate`, YYYY-MM-DD); otherwise the caller is told what can be done: paused,
 * a longer pause; inside the change cut-off, a longer interval (it counts from that delivery).
 */
export function fallbackAction(band: RiskBand, drivers: readonly Driver[], plan?: { status: string; nextDeliveryOn: string | null; firstChangeableDate: string }): NextBestAction | null {
  if (band === "low") return null;
  let action: NextBestAction = "skip";
  for (const d of drivers) {
    if (d.contribution <= 0) continue;
    const a = BY_DRIVER[d.code];
    if (a) {
      action = a;
      break;
    }
  }
  if (action !== "skip" || !plan) return action;
  if (plan.status === "paused") return "pause";
  return plan.nextDeliveryOn !== null && plan.nextDeliveryOn < plan.firstChangeableDate ? "change_interval" : action;
}

/**
 * Whether an active plan's next delivery is before `today` (YYYY-MM-DD, the shop's): the shop's
 * cart has not synced the shipment yet, so that date is neither the next delivery nor one to skip
 * or move. The lookup then suggests no next best action, does not send the caller to the
 * self-service menu, and its speech says the date is being confirmed.
 */
export function nextDeliveryPending(sub: Pick<LookupSubscription, "status" | "nextDeliveryOn">, today: string): boolean {
  return sub.status === "active" && sub.nextDeliveryOn !== null && sub.nextDeliveryOn < today;
}

/**
 * The call's route. A caller with no live subscription goes to the standard queue: the menu
 * (skip, change date, cancel) has nothing for a former customer, and a person can restart a plan.
 * Nor does a caller whose next delivery is past (`nextDeliveryPending`, given `today`): the menu
 * would offer to change a date that is gone, and a person can check the shipment.
 * The live plans' monthly values are summed per currency and held against the shop's thresholds
 * in that currency (`thresholds`, settings `specialistMonthlyValue`, over risk/routing's defaults).
 * `band` null: the caller is not scored (profiling opt-out): the standard queue, never by risk or value.
 */
export function routeFor(band: RiskBand | null, subs: readonly LookupSubscription[], today?: string, thresholds: Readonly<Record<string, SpecialistThresholds>> = {}): Route {
  const live = subs.filter((s) => s.status !== "canceled");
  if (live.length === 0) return "standard_queue";
  // Not scored (the customer asked to be left out of profiling): a person answers, as for anyone not known to be at low risk.
  if (band === null) return "standard_queue";
  const byCurrency = new Map<string, number>();
  for (const s of live) byCurrency.set(s.currency, (byCurrency.get(s.currency) ?? 0) + monthlyValue(s));
  const r = route({ band, monthlyValue: [...byCurrency].map(([currency, amount]) => ({ amount, currency })) }, thresholds);
  return r === "self_service" && today !== undefined && live.some((s) => nextDeliveryPending(s, today)) ? "standard_queue" : r;
}

/**
 * The call's line of speech (risk/routing `speech`) about `focus`; `subs` (all the customer's
 * plans, focus included) tells it whether another live plan ships first, so that the date it says
 * as the caller's next delivery is theirs.
 */
export function speechFor(
  input: { customerName: string | null; customerReading?: string | null; focus: LookupSubscription | null; subs?: readonly LookupSubscription[]; band: RiskBand; action: NextBestAction | null; today: string },
  lang: "ja" | "en",
): string {
  const focus = input.focus;
  let livePlans = 0;
  let earliest: string | null = null;
  for (const s of input.subs ?? (focus ? [focus] : [])) {
    if (s.status === "canceled") continue;
    livePlans++;
    // A date already past stays the earliest: the caller's next delivery is that one, being confirmed (risk/routing speech).
    if (s.status === "active" && s.nextDeliveryOn && (earliest === null || s.nextDeliveryOn < earliest)) earliest = s.nextDeliveryOn;
  }
  const live = focus !== null && focus.status !== "canceled";
  // Both languages' stock phrases: the line keeps or drops the stock in both alike (risk/routing speech).
  const stock = live && focus.stock && input.action && input.band !== "low" ? { ja: describeStock(focus.stock, focus.unitLabel ?? null, "ja"), en: describeStock(focus.stock, focus.unitLabel ?? null, "en") } : null;
  return speech(
    {
      customerName: input.customerName,
      customerReading: input.customerReading ?? null,
      nextDeliveryOn: live ? focus.nextDeliveryOn : null,
      productName: focus?.productName ?? null,
      productCategory: focus?.productCategory ?? null,
      band: input.band,
      nextBestAction: input.action,
      today: input.today,
      status: focus?.status,
      pausedUntil: focus?.pausedUntil ?? null,
      finalDeliveryOn: focus?.status === "canceled" ? (focus.finalDeliveryOn ?? null) : null,
      stock,
      restart: focus?.status === "canceled" && focus.comeback != null,
      livePlans,
      earliestDeliveryOn: earliest,
    },
    lang,
  );
}

/**
 * Why the lookup found no one customer to speak about: no match, several, a withheld caller ID, an
 * unreadable number, email or customer number, not exactly one of them asked for, or too many
 * lookups just now (the rate limit).
 */
export type NoCustomer = "not_found" | "ambiguous" | "withheld" | "unreadable" | "unreadable_email" | "unreadable_customer" | "unspecified" | "busy";

/**
 * What the IVR can say to the caller when the lookup has no one customer (the problem's `speech`):
 * addressed to the caller, never to an operator; no codes, quotes or ids; nothing promised about
 * what happens next, which is the IVR's to decide.
 */
const NO_CUSTOMER_SPEECH: Record<NoCustomer, { ja: string; en: string }> = {
  not_found: { ja: "お電話ありがとうございます。お客様情報を確認できませんでした。", en: "Thank you for calling. We could not find your details." },
  ambiguous: { ja: "お電話ありがとうございます。このお電話番号では、どのお客様かを確認できませんでした。", en: "Thank you for calling. We could not tell which of our customers you are from this number alone." },
  withheld: { ja: "お電話ありがとうございます。番号が通知されていないため、お客様情報を確認できませんでした。", en: "Thank you for calling. Your number was not shown to us, so we could not find your details." },
  unreadable: { ja: "お電話ありがとうございます。お電話番号を確認できませんでした。", en: "Thank you for calling. We could not read your phone number." },
  // The lookup was by email (a bot or an operator asked by it): speak of what was asked for.
  unreadable_email: { ja: "お電話ありがとうございます。メールアドレスを確認できませんでした。", en: "Thank you for calling. We could not read your email address." },
  // The customer number the caller keyed in (after a shared number was ambiguous).
  unreadable_customer: { ja: "お電話ありがとうございます。お客様番号を確認できませんでした。", en: "Thank you for calling. We could not read your customer number." },
  // The IVR asked with none or several of phone, email and customer number: nothing the caller gave is at fault.
  unspecified: { ja: "お電話ありがとうございます。お客様情報をお調べできませんでした。", en: "Thank you for calling. We could not look up your details." },
  // Rate-limited: the caller waits on the line or calls again.
  busy: { ja: "お電話ありがとうございます。ただいま大変混み合っております。このままお待ちいただくか、時間をおいておかけ直しください。", en: "Thank you for calling. We are very busy right now. Please hold, or call back a little later." },
};

export function noCustomerSpeech(why: NoCustomer, lang: "ja" | "en"): string {
  return NO_CUSTOMER_SPEECH[why][lang];
}
