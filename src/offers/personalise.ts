/**
 * Turn a catalogue offer into concrete terms for ONE subscription: the real interval, quantity,
 * prices and dates, the plan change that accepting it applies, the economics the ranker needs, and
 * the title/description in ja and en rendered from the catalogue templates.
 *
 * An offer that cannot be honoured for this subscription (quantity already at the minimum, no
 * longer interval allowed, next delivery inside the change cut-off, a discount already running, …)
 * personalises to `null` — it is never shown. Plan changes are checked with the same rules the
 * plan-modification endpoints apply (`decide` in plan-changes/rules), so an offer the customer
 * accepts can always be applied.
 *
 * Assumptions (documented for the HTTP layer):
 * - Prices are the synced `unitPrice` × quantity per delivery, shown as given with the shop's tax
 *   basis (settings `pricesIncludeTax`: 「3,980円（税込）」, "$49.00 plus tax"; a JP shop syncs
 *   tax-inclusive prices, 総額表示). Discounts round the discounted price DOWN to the minor unit.
 * - A discount covers the next `cycles` deliveries that can still be changed (the next delivery if
 *   it is outside the cut-off, else the one after). Its dates are those of the current schedule.
 *   Its copy names them as applied: 「次の2回のお届け」 only when the first is the next delivery,
 *   else from which one (`{discountedDeliveries}`: 「2027年1月5日のお届けから2回分」); a gift or a
 *   product swap the same (`{firstChangedDelivery}`). A shop's own copy that says 「次回」/"next"
 *   for an offer starting after the next delivery is not shown that day (catalogue assumesNextDelivery).
 * - `today` is the tenant-local calendar date.
 */
import { addCycles, cadenceText, cyclesToReach, cyclesUpTo, nominalIntervalDays } from "../platform/cadence";
import type { Language, Localized } from "../platform/localized-text";
import { addDays, daysBetween, writeDate } from "../platform/dates";
import { formatMoney, type Money } from "../platform/numbers";
import { decide, firstOpenDate, lastOpenDate, latestNextDelivery, latestResumeFrom, type Plan, type PlanRequest } from "../plan-changes/rules";
import { describeStock, intervalForRate, surplusDeliveries, unitsPerPackage, type StockEstimate } from "../risk/stock";
import { productNameInEnglish } from "../risk/spoken";
import { DEFAULT_SETTINGS, type TenantSettings } from "../settings/schemas";
import { assumesNextDelivery, type CatalogueOffer, type OfferType } from "./catalogue";


/** The subset of a subscription (as `toSubscription` returns it) that offers depend on. */
export type SubscriptionSnapshot = {
  status: "active" | "paused" | "canceled";
  /** `category` (`supplement`, `health_food`…) names the product in English copy when its name is not in Latin letters (risk/spoken productNameInEnglish). */
  product: { sku: string; name: string; category?: string | null; unitsPerPackage?: number | null; unitLabel?: string | null };
  quantity: number;
  intervalDays: number;
  /** Set for a plan every N calendar months: its dates follow the calendar (platform/cadence). */
  intervalMonths?: number | null;
  /** A monthly plan's day of month; absent: the next delivery's. */
  deliveryDay?: number | null;
  nextDeliveryOn: string | null;
  unitPrice: Money;
  deliveriesCompleted: number;
  pausedUntil?: string | null;
  activeDiscount?: { endsOn?: string | null } | null;
  /** The commitment disclosed at sign-up (回数のお約束) and its fee; absent or null: none. */
  commitment?: { minDeliveries: number; earlyCancellationFee: Money | null } | null;
};

export type OfferSettings = Pick<
  TenantSettings,
  "changeCutoffDays" | "allowedIntervalDays" | "allowedIntervalMonths" | "quantityMin" | "quantityMax" | "maxConsecutiveSkips" | "maxPauseDays" | "pricesIncludeTax" | "closedDates"
>;

export type PersonaliseContext = {
  /** Tenant-local date, YYYY-MM-DD. */
  today: string;
  settings?: Partial<OfferSettings>;
  /** The customer's stock today (risk/stock, as stored with the risk features), if known. */
  stockOnHand?: StockEstimate | null;
  /** Deliveries skipped in a row so far (skip limits). */
  consecutiveSkips?: number;
  /** The customer's own date, when they gave one (pause until / move the delivery to). */
  requestedResumeOn?: string;
  requestedDeliveryOn?: string;
};

export type ConcreteParameters =
  | { type: "skip"; mode: "skip"; count: number; skippedDeliveryOn: string; newNextDeliveryOn: string }
  | { type: "skip"; mode: "move_next_delivery"; currentDeliveryOn: string; earliestDeliveryOn: string; latestDeliveryOn: string; suggestedDeliveryOn: string }
  | { type: "pause"; pausedFromOn: string; resumeOn: string; latestResumeOn: string }
  | {
      type: "change_interval";
      fromIntervalDays: number;
      intervalDays: number;
      /** For a monthly plan: the months before and proposed (`intervalDays` are then their nominal lengths, platform/cadence). */
      fromIntervalMonths?: number;
      intervalMonths?: number;
      /** `stock_on_hand`: from the customer's measured use (risk/stock); `next_longer`: stock unknown, the next allowed interval. */
      basis: "stock_on_hand" | "next_longer" | "fixed";
      /** Units on hand today (the product's unit), when known. */
      stockOnHand: number | null;
      /** Days that stock lasts at the customer's pace, when known. */
      daysOnHand: number | null;
      /** The days one delivery lasts at the customer's pace (units per delivery ÷ units used a day), before snapping to an allowed interval. */
      consumptionDays: number | null;
      /** Deliveries the stock already covers at the next delivery: skipping that many works the surplus off. */
      surplusDeliveries: number | null;
      nextDeliveryOn: string;
      followingDeliveryOn: string;
    }
  | { type: "change_quantity"; fromQuantity: number; quantity: number; pricePerDelivery: Money }
  | {
      type: "discount";
      percentOff: number | null;
      amountOff: number | null;
      cycles: number;
      regularPrice: Money;
      discountedPrice: Money;
      /** The price per delivery once the discount has ended. */
      priceAfter: Money;
      firstDiscountedOn: string;
      lastDiscountedOn: string;
      firstFullPriceOn: string;
    }
  | { type: "product_swap"; toSku: string; toName: string; unitPrice: Money; pricePerDelivery: Money; firstChangedOn: string }
  | { type: "free_gift"; gift: Localized; value: Money; withDeliveryOn: string }
  | { type: "usage_advice"; tips: Localized[] };

/** What accepting the offer does — the HTTP layer applies it atomically with the flow outcome. */
export type OfferApplication =
  | { kind: "plan_change"; request: PlanRequest }
  | { kind: "discount"; percentOff: number | null; amountOff: number | null; cycles: number; startsOn: string; endsOn: string }
  | { kind: "product_swap"; sku: string; name: string; unitPrice: Money; unitsPerPackage?: number | null; unitLabel?: string | null; fromDeliveryOn: string }
  | { kind: "free_gift"; gift: Localized; value: Money; withDeliveryOn: string }
  | { kind: "none" };

export type OfferEconomics = {
  /** Per delivery, today and under the offer (steady state, after any discount ends). */
  pricePerDeliveryNow: number;
  pricePerDeliveryAfter: number;
  intervalDaysAfter: number;
  /** 30-day value under the offer (steady state). */
  monthlyValueAfter: number;
  /** One-off revenue given up: skipped / paused deliveries. */
  forgoneRevenue: number;
  /** Catalogue fixed cost + variable cost (discount total, gift value), minor units. */
  cost: number;
};

export type PersonalisedOffer = {
  offerId: string;
  type: OfferType;
  templateVersion: number;
  parameters: ConcreteParameters;
  title: Localized;
  description: Localized;
  apply: OfferApplication;
  economics: OfferEconomics;
  prior: { alpha: number; beta: number };
};

/**
 * A personalised offer before its copy: the values of the copy's placeholders, per language, and
 * the commitment sentence its description ends with on a plan whose fee still applies.
 */
export type OfferTerms = Omit<PersonalisedOffer, "title" | "description"> & { copyVars: (lang: Language) => Record<string, string>; commitmentNote: ((lang: Language) => string) | null };

export function resolveOfferSettings(partial: Partial<OfferSettings> = {}): OfferSettings {
  return {
    changeCutoffDays: partial.changeCutoffDays ?? DEFAULT_SETTINGS.changeCutoffDays,
    allowedIntervalDays: [...(partial.allowedIntervalDays ?? DEFAULT_SETTINGS.allowedIntervalDays)].sort((a, b) => a - b),
    allowedIntervalMonths: [...(partial.allowedIntervalMonths ?? DEFAULT_SETTINGS.allowedIntervalMonths)].sort((a, b) => a - b),
    quantityMin: partial.quantityMin ?? DEFAULT_SETTINGS.quantityMin,
    quantityMax: partial.quantityMax ?? DEFAULT_SETTINGS.quantityMax,
    maxConsecutiveSkips: partial.maxConsecutiveSkips ?? DEFAULT_SETTINGS.maxConsecutiveSkips,
    maxPauseDays: partial.maxPauseDays ?? DEFAULT_SETTINGS.maxPauseDays,
    pricesIncludeTax: partial.pricesIncludeTax ?? DEFAULT_SETTINGS.pricesIncludeTax,
    closedDates: partial.closedDates ?? DEFAULT_SETTINGS.closedDates,
  };
}

/**
 * match_consumption: the allowed interval nearest to the days one delivery really lasts (units
 * per delivery ÷ the customer's measured use, risk/stock intervalForRate), when that is longer
 * than today's; null when the stock shows the schedule already fits. Without a stock figure, the
 * next longer allowed interval. null when none is longer.
 */
export function matchConsumptionInterval(
  current: { intervalDays: number; quantity: number; product?: { unitsPerPackage?: number | null } },
  stock: StockEstimate | null | undefined,
  allowedIntervalDays: readonly number[],
): { intervalDays: number; basis: "stock_on_hand" | "next_longer"; consumptionDays: number | null } | null {
  const longer = [...allowedIntervalDays].filter((d) => d > current.intervalDays).sort((a, b) => a - b);
  if (longer.length === 0) return null;
  if (!stock || !(current.quantity > 0)) return { intervalDays: longer[0]!, basis: "next_longer", consumptionDays: null };
  const perDelivery = current.quantity * unitsPerPackage(current.product?.unitsPerPackage);
  const fit = intervalForRate(stock.perDay, perDelivery, current.intervalDays, allowedIntervalDays);
  return fit ? { intervalDays: fit.intervalDays, basis: "stock_on_hand", consumptionDays: fit.consumptionDays } : null;
}

// ── formatting ──

/** A template split once into text (even indexes) and placeholder names (odd indexes). */
const compiledTemplates = new Map<string, string[]>();
function compileTemplate(template: string): string[] {
  let parts = compiledTemplates.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/u);
    if (compiledTemplates.size >= 5_000) compiledTemplates.clear(); // catalogues are merchant input: bounded
    compiledTemplates.set(template, parts);
  }
  return parts;
}

/** Fill `{name}` placeholders; null when one has no value (the offer is then not shown). */
export function renderTemplate(template: string, vars: Record<string, string>): string | null {
  const parts = compileTemplate(template);
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const v = vars[parts[i]!];
    if (v === undefined) return null;
    out += v + parts[i + 1]!;
  }
  return out;
}

// ── the deliveries an offer changes, in words ──

/**
 * `{discountedDeliveries}`: the deliveries a discount covers, as its terms apply them. `on` null:
 * the first is the next delivery — 「次の2回のお届け」/"your next 2 deliveries" (one: 「次回のお届け」/
 * "your next delivery"); else the first discounted delivery's date as the copy writes it (platform/
 * dates writeDate, "full": the copy's own `{firstDiscountedOn}`) — 「2027年1月5日のお届けから2回分」/
 * "2 deliveries from 5 Jan 2027" (one: 「2027年1月5日のお届け」/"your delivery on 5 Jan 2027"). Read
 * after the label in English, before 「が…オフ」 in Japanese.
 */
export function discountedDeliveries(cycles: number, on: string | null, lang: Language): string {
  if (on === null) {
    if (cycles === 1) return lang === "ja" ? "次回のお届け" : "your next delivery";
    return lang === "ja" ? `次の${cycles}回のお届け` : `your next ${cycles} deliveries`;
  }
  if (cycles === 1) return lang === "ja" ? `${on}のお届け` : `your delivery on ${on}`;
  return lang === "ja" ? `${on}のお届けから${cycles}回分` : `${cycles} deliveries from ${on}`;
}

/** `{firstChangedDelivery}`: the delivery a gift or a product swap starts with — the next one (`on` null) or the one on `on` (written, as `{firstChangedOn}`). */
export function changedDelivery(on: string | null, lang: Language): string {
  return discountedDeliveries(1, on, lang);
}

/** Per catalogue offer (a tenant's are shared by its requests, like their settings): the answer of {@link copyAssumesNextDelivery}. */
const assumesNext = new WeakMap<CatalogueOffer, boolean>();

/** Whether any of the offer's four templates promises "the next delivery" in its own words (a shop's copy stored before the PUT check). */
function copyAssumesNextDelivery(offer: CatalogueOffer): boolean {
  let answer = assumesNext.get(offer);
  if (answer === undefined) {
    const c = offer.copy;
    assumesNext.set(offer, (answer = [c.title.ja, c.title.en, c.description.ja, c.description.en].some(assumesNextDelivery)));
  }
  return answer;
}

// ── personalisation ──

type Resolved = { settings: OfferSettings; decideSettings: TenantSettings };
/**
 * The offer settings and what `decide` reads, per settings object: a tenant's settings are one
 * object shared by its requests (platform/auth), and ranking personalises every offer of the
 * catalogue with them, so they are resolved once, not once per offer. Frozen: shared.
 */
const resolvedSettings = new WeakMap<object, Resolved>();
let resolvedDefaults: Resolved | undefined;
function resolvedFor(partial: Partial<OfferSettings> | undefined): Resolved {
  if (!partial) return (resolvedDefaults ??= resolveBoth({}));
  let resolved = resolvedSettings.get(partial);
  if (!resolved) resolvedSettings.set(partial, (resolved = resolveBoth(partial)));
  return resolved;
}
function resolveBoth(partial: Partial<OfferSettings>): Resolved {
  const settings = resolveOfferSettings(partial);
  Object.freeze(settings.allowedIntervalDays);
  Object.freeze(settings.allowedIntervalMonths);
  return Object.freeze({ settings: Object.freeze(settings), decideSettings: Object.freeze({ ...DEFAULT_SETTINGS, ...settings }) });
}

/**
 * `f` itself. The closures {@link personaliseTerms} makes for every offer it ranks are passed
 * through this: a function given as an argument has no inferred name, so esbuild's `keepNames`
 * (tsx, wrangler) emits no `__name(…)` for it — an `Object.defineProperty` per closure, which was
 * over a third of the data dip's offer ranking (`nextBestOffer`: 87–90 → 56 µs per caller, median of 9 loops).
 */
const unnamed = <F extends (...args: never[]) => unknown>(f: F): F => f;

const money = (amount: number, currency: string): Money => ({ amount, currency });
const monthly = (pricePerDelivery: number, intervalDays: number) => Math.round((pricePerDelivery * 30) / intervalDays);

/**
 * An offer's concrete terms for ONE subscription — parameters, what accepting applies, economics,
 * prior — without rendering its copy: the ranking needs every eligible offer's economics but only
 * the shown offers' words ({@link offerCopy}). Null when it cannot be honoured.
 */
export function personaliseTerms(offer: CatalogueOffer, sub: SubscriptionSnapshot, ctx: PersonaliseContext): OfferTerms | null {
  if (!offer.active || sub.status === "canceled") return null;
  const { settings, decideSettings } = resolvedFor(ctx.settings);
  const plan: Plan = {
    status: sub.status,
    quantity: sub.quantity,
    intervalDays: sub.intervalDays,
    intervalMonths: sub.intervalMonths ?? null,
    deliveryDay: sub.deliveryDay ?? null,
    nextDeliveryOn: sub.nextDeliveryOn,
    pausedUntil: sub.pausedUntil ?? null,
    consecutiveSkips: ctx.consecutiveSkips ?? 0,
  };
  const feasible = unnamed((request: PlanRequest) => {
    const d = decide(plan, request, decideSettings, ctx.today);
    return d.ok ? d.plan : null;
  });

  const currency = sub.unitPrice.currency;
  const priceNow = sub.unitPrice.amount * sub.quantity;
  /** A price in the copy, with the shop's tax basis (総額表示: 「3,980円（税込）」; "$49.00 plus tax"). */
  const price = (m: Money, lang: Language) => formatMoney(m, lang, { taxIncluded: settings.pricesIncludeTax });
  const next = sub.nextDeliveryOn;
  if (next === null && offer.type !== "usage_advice") return null;
  const firstChangeable = addDays(ctx.today, settings.changeCutoffDays);
  /** The first delivery whose contents or charge can still be changed. */
  const firstChangedOn = next === null ? null : next >= firstChangeable ? next : addCycles(next, plan, 1);
  /**
   * Offers that change a delivery's contents or charge start with `firstChangedOn`: when that is
   * not the next delivery (inside the cut-off), copy that promises "the next delivery" is false
   * (有利誤認) — the default copy names the delivery instead, a shop's own saying 「次回」 is not shown.
   */
  const startsAfterNext = firstChangedOn !== null && firstChangedOn !== next;
  if (startsAfterNext && (offer.type === "discount" || offer.type === "free_gift" || offer.type === "product_swap") && copyAssumesNextDelivery(offer)) return null;

  // The copy's shared placeholders, built only for a language the copy is rendered in.
  const common = unnamed((lang: Language): Record<string, string> => ({
    // English copy never carries a name an English reader cannot read: 「熟成黒酢にんにく 62粒」 is "your supplement" there.
    productName: lang === "en" ? productNameInEnglish(sub.product.name, sub.product.category) : sub.product.name,
    quantity: String(sub.quantity),
    intervalDays: String(sub.intervalDays),
    cadence: cadenceText(plan, lang),
    price: price(money(priceNow, currency), lang),
    ...(next ? { nextDeliveryOn: writeDate(next, lang, "full") } : {}),
  }));
  const dates = unnamed((values: Record<string, string>) => (lang: Language) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, writeDate(v, lang, "full")])));

  let parameters: ConcreteParameters;
  let apply: OfferApplication;
  let vars: (lang: Language) => Record<string, string>;
  let priceAfter = priceNow;
  let intervalAfter = sub.intervalDays;
  let forgone = 0;
  let variableCost = 0;

  switch (offer.type) {
    case "skip": {
      if (next === null) return null;
      if (offer.parameters.mode === "skip") {
        const count = Math.min(offer.parameters.count, settings.maxConsecutiveSkips - (ctx.consecutiveSkips ?? 0));
        if (count < 1) return null;
        const request: PlanRequest = { type: "skip", count };
        const after = feasible(request);
        if (!after || after.nextDeliveryOn === null) return null;
        parameters = { type: "skip", mode: "skip", count, skippedDeliveryOn: next, newNextDeliveryOn: after.nextDeliveryOn };
        apply = { kind: "plan_change", request };
        forgone = priceNow * count;
        const d = dates({ skippedDeliveryOn: next, newNextDeliveryOn: after.nextDeliveryOn });
        vars = unnamed((lang) => ({ count: String(count), ...d(lang) }));
      } else {
        const latestByRule = latestNextDelivery(plan, ctx.today, decideSettings);
        const latest = [addDays(next, offer.parameters.maxDays), latestByRule].sort()[0]!;
        if (latest <= next) return null;
        // A date the offer picks is one the shop delivers on (settings closedDates): the first open day, else the last before `latest`.
        const picked = firstOpenDate([addCycles(next, plan, 1), latest].sort()[0]!, decideSettings);
        const suggested = ctx.requestedDeliveryOn ?? (picked <= latest ? picked : lastOpenDate(latest, decideSettings));
        const request: PlanRequest = { type: "next_delivery", date: suggested };
        if (!feasible(request)) return null;
        parameters = { type: "skip", mode: "move_next_delivery", currentDeliveryOn: next, earliestDeliveryOn: firstChangeable, latestDeliveryOn: latest, suggestedDeliveryOn: suggested };
        apply = { kind: "plan_change", request };
        vars = dates({ earliestDeliveryOn: firstChangeable, latestDeliveryOn: latest });
      }
      break;
    }
    case "pause": {
      if (next === null) return null;
      // The pause rule (plan-changes/rules): length counts from the delivery it holds back, up to
      // maxPauseDays or one cycle, whichever is longer. A monthly plan resumes on one of its own
      // deliveries (the latest within the limit), so the pause never puts it on another day of the
      // month: 2/28 + 90 days is 5/29, the 31st's is 4/30.
      const cap = latestResumeFrom(next, plan, settings);
      const cycles = plan.intervalMonths ? Math.min(offer.parameters.maxCycles, cyclesUpTo(next, cap, plan)) : offer.parameters.maxCycles;
      const latestResumeOn = [addCycles(next, plan, cycles), cap].sort()[0]!;
      // Up to the cap, on a day the shop delivers (settings closedDates).
      const resumeOn = ctx.requestedResumeOn && ctx.requestedResumeOn <= latestResumeOn ? ctx.requestedResumeOn : lastOpenDate(latestResumeOn, decideSettings);
      if (resumeOn <= next) return null;
      const request: PlanRequest = { type: "pause", resumeOn };
      if (!feasible(request)) return null;
      parameters = { type: "pause", pausedFromOn: next, resumeOn, latestResumeOn };
      apply = { kind: "plan_change", request };
      // Deliveries that would have shipped from `next` up to (not including) `resumeOn`.
      forgone = priceNow * cyclesToReach(next, resumeOn, plan);
      vars = dates({ resumeOn });
      break;
    }
    case "change_interval": {
      if (next === null) return null;
      let chosen: { intervalDays: number; basis: "stock_on_hand" | "next_longer" | "fixed"; consumptionDays: number | null } | null;
      // A monthly plan is offered months (「2ヶ月ごと」), chosen among the shop's month intervals by
      // their nominal lengths; a fixed offer's days become the months nearest to them.
      const fromMonths = plan.intervalMonths ?? null;
      const monthChoices = fromMonths === null ? null : settings.allowedIntervalMonths.map(nominalIntervalDays);
      if (offer.parameters.strategy === "match_consumption") {
        chosen = matchConsumptionInterval(sub, ctx.stockOnHand, monthChoices ?? settings.allowedIntervalDays);
      } else {
        const d = monthChoices === null ? offer.parameters.intervalDays : nominalIntervalDays(Math.max(1, Math.round(offer.parameters.intervalDays / 30.44)));
        chosen = d !== sub.intervalDays ? { intervalDays: d, basis: "fixed", consumptionDays: null } : null;
      }
      if (!chosen) return null;
      const months = fromMonths === null ? null : (settings.allowedIntervalMonths.find((m) => nominalIntervalDays(m) === chosen.intervalDays) ?? Math.round(chosen.intervalDays / 30.44));
      const request: PlanRequest = months === null ? { type: "interval", intervalDays: chosen.intervalDays } : { type: "interval", intervalMonths: months };
      const after = feasible(request);
      if (!after) return null;
      const following = addCycles(next, after, 1);
      const stock = ctx.stockOnHand ?? null;
      const perDelivery = sub.quantity * unitsPerPackage(sub.product.unitsPerPackage);
      parameters = {
        type: "change_interval",
        fromIntervalDays: sub.intervalDays,
        intervalDays: chosen.intervalDays,
        ...(fromMonths !== null && months !== null ? { fromIntervalMonths: fromMonths, intervalMonths: months } : {}),
        basis: chosen.basis,
        stockOnHand: stock?.unitsOnHand ?? null,
        daysOnHand: stock?.daysOnHand ?? null,
        consumptionDays: chosen.consumptionDays,
        surplusDeliveries: stock ? surplusDeliveries(stock, perDelivery, daysBetween(ctx.today, next)) : null,
        nextDeliveryOn: next,
        followingDeliveryOn: following,
      };
      apply = { kind: "plan_change", request };
      intervalAfter = chosen.intervalDays;
      const d = dates({ followingDeliveryOn: following });
      const newIntervalDays = String(chosen.intervalDays);
      // `{stockOnHand}` («あと約20包、3週間分ほど») for shops' own templates; only when known.
      vars = unnamed((lang) => ({ newIntervalDays, newCadence: cadenceText(after, lang), ...d(lang), ...(stock ? { stockOnHand: describeStock(stock, sub.product.unitLabel ?? null, lang) } : {}) }));
      break;
    }
    case "change_quantity": {
      const q = "delta" in offer.parameters ? sub.quantity + offer.parameters.delta : offer.parameters.to;
      if (q === sub.quantity || q < 1) return null;
      const request: PlanRequest = { type: "quantity", quantity: q };
      if (!feasible(request)) return null;
      const newPrice = money(sub.unitPrice.amount * q, currency);
      parameters = { type: "change_quantity", fromQuantity: sub.quantity, quantity: q, pricePerDelivery: newPrice };
      apply = { kind: "plan_change", request };
      priceAfter = newPrice.amount;
      vars = unnamed((lang) => ({ newQuantity: String(q), newPrice: price(newPrice, lang) }));
      break;
    }
    case "discount": {
      if (firstChangedOn === null || sub.status !== "active") return null;
      if (sub.activeDiscount && (sub.activeDiscount.endsOn === null || sub.activeDiscount.endsOn === undefined || sub.activeDiscount.endsOn >= ctx.today)) return null;
      const p = offer.parameters;
      const percentOff = "percentOff" in p ? p.percentOff : null;
      const amountOff = "amountOff" in p ? p.amountOff : null;
      const discounted = percentOff !== null ? Math.floor((priceNow * (100 - percentOff)) / 100) : Math.max(0, priceNow - (amountOff ?? 0));
      if (discounted >= priceNow) return null;
      const lastOn = addCycles(firstChangedOn, plan, p.cycles - 1);
      const fullOn = addCycles(firstChangedOn, plan, p.cycles);
      parameters = {
        type: "discount",
        percentOff,
        amountOff,
        cycles: p.cycles,
        regularPrice: money(priceNow, currency),
        discountedPrice: money(discounted, currency),
        priceAfter: money(priceNow, currency),
        firstDiscountedOn: firstChangedOn,
        lastDiscountedOn: lastOn,
        firstFullPriceOn: fullOn,
      };
      apply = { kind: "discount", percentOff, amountOff, cycles: p.cycles, startsOn: firstChangedOn, endsOn: lastOn };
      variableCost = (priceNow - discounted) * p.cycles;
      const d = dates({ firstDiscountedOn: firstChangedOn, lastDiscountedOn: lastOn, firstFullPriceOn: fullOn });
      vars = unnamed((lang) => {
        const written = d(lang);
        return {
          ...written,
          cycles: String(p.cycles),
          discountedDeliveries: discountedDeliveries(p.cycles, startsAfterNext ? written.firstDiscountedOn! : null, lang),
          discountLabel:
            percentOff !== null
              ? lang === "ja"
                ? `${percentOff}%オフ`
                : `${percentOff}% off`
              : lang === "ja"
                ? `${formatMoney(money(amountOff ?? 0, currency), lang)}引き`
                : `${formatMoney(money(amountOff ?? 0, currency), lang)} off`,
          discountedPrice: price(money(discounted, currency), lang),
          priceAfter: price(money(priceNow, currency), lang),
        };
      });
      break;
    }
    case "product_swap": {
      const p = offer.parameters;
      if (firstChangedOn === null || !p.toSku || !p.toName || p.toSku === sub.product.sku) return null;
      const unit = money(p.toUnitPrice ?? sub.unitPrice.amount, currency);
      const perDelivery = money(unit.amount * sub.quantity, currency);
      parameters = { type: "product_swap", toSku: p.toSku, toName: p.toName, unitPrice: unit, pricePerDelivery: perDelivery, firstChangedOn };
      apply = { kind: "product_swap", sku: p.toSku, name: p.toName, unitPrice: unit, unitsPerPackage: p.toUnitsPerPackage ?? null, unitLabel: p.toUnitLabel ?? null, fromDeliveryOn: firstChangedOn };
      priceAfter = perDelivery.amount;
      const d = dates({ firstChangedOn });
      vars = unnamed((lang) => {
        const written = d(lang);
        return { ...written, firstChangedDelivery: changedDelivery(startsAfterNext ? written.firstChangedOn! : null, lang), toName: p.toName, newPrice: price(perDelivery, lang) };
      });
      break;
    }
    case "free_gift": {
      const p = offer.parameters;
      if (firstChangedOn === null || sub.status !== "active") return null;
      parameters = { type: "free_gift", gift: p.gift, value: money(p.value, currency), withDeliveryOn: firstChangedOn };
      apply = { kind: "free_gift", gift: p.gift, value: money(p.value, currency), withDeliveryOn: firstChangedOn };
      variableCost = p.value;
      const d = dates({ firstChangedOn });
      vars = unnamed((lang) => {
        const written = d(lang);
        return { ...written, firstChangedDelivery: changedDelivery(startsAfterNext ? written.firstChangedOn! : null, lang), giftName: p.gift[lang] };
      });
      break;
    }
    case "usage_advice": {
      const tips = offer.parameters.tips;
      parameters = { type: "usage_advice", tips };
      apply = { kind: "none" };
      // A list, one tip a line (offerCopy trims the spaces a template puts around it); a talk
      // track says it without the bullets (talk-track `spoken`).
      vars = unnamed((lang) => ({ tips: `\n${tips.map((t) => (lang === "ja" ? `・${t.ja}` : `• ${t.en}`)).join("\n")}\n` }));
      break;
    }
  }

  return {
    offerId: offer.id,
    type: offer.type,
    templateVersion: offer.templateVersion,
    parameters,
    apply,
    economics: {
      pricePerDeliveryNow: priceNow,
      pricePerDeliveryAfter: priceAfter,
      intervalDaysAfter: intervalAfter,
      monthlyValueAfter: monthly(priceAfter, intervalAfter),
      forgoneRevenue: forgone,
      cost: offer.costYen + variableCost,
    },
    prior: { alpha: offer.priorAlpha, beta: offer.priorBeta },
    copyVars: unnamed((lang: Language) => ({ ...common(lang), ...vars(lang) })),
    commitmentNote: commitmentNoteFor(sub, plan, apply.kind === "plan_change" ? feasible(apply.request) : plan),
  };
}

/**
 * What a save means for a commitment still running with a fee (消費者契約法 §4(2): the offer must not
 * hide that the fee still applies — nor that a skip, a pause or a longer interval moves the delivery
 * that ends the commitment later). Null when the plan has no such commitment. `after`: the plan as
 * the offer leaves it (the same plan for offers that change no date).
 */
export function commitmentNoteFor(sub: SubscriptionSnapshot, plan: Plan, after: Plan | null): ((lang: Language) => string) | null {
  const c = sub.commitment;
  const fee = c?.earlyCancellationFee;
  if (!c || !fee || fee.amount <= 0) return null;
  const remaining = c.minDeliveries - sub.deliveriesCompleted;
  if (remaining <= 0) return null;
  const lastOf = (p: Plan | null) => {
    const first = p ? (p.nextDeliveryOn ?? p.pausedUntil) : null;
    return first ? addCycles(first, p!, remaining - 1) : null;
  };
  const before = lastOf(plan);
  const lastAfter = lastOf(after);
  return (lang) => {
    const amount = formatMoney(fee, lang);
    const moved = before !== null && lastAfter !== null && lastAfter > before;
    if (lang === "ja") {
      const head = `この定期コースには、お申込み時にご案内した${c.minDeliveries}回のお受け取りのお約束があります（これまで${sub.deliveriesCompleted}回、残り${remaining}回）。このご提案をお受けいただいてもお約束は変わらず、残り${remaining}回をお受け取りになる前に解約すると、解約手数料${amount}がかかります。`;
      if (lastAfter === null) return head;
      return moved
        ? `${head}お届けが先になるため、お約束の最後のお届けは${writeDate(before, lang, "full")}から${writeDate(lastAfter, lang, "full")}に変わります。`
        : `${head}お約束の最後のお届けは${writeDate(lastAfter, lang, "full")}の予定です。`;
    }
    const head = `This plan has a commitment of ${c.minDeliveries} deliveries, disclosed at sign-up (${sub.deliveriesCompleted} received, ${remaining} to go). Taking this offer does not change it: cancelling before the remaining ${remaining} ${remaining === 1 ? "delivery arrives" : "deliveries arrive"} brings the early-cancellation fee of ${amount}.`;
    if (lastAfter === null) return head;
    return moved
      ? `${head} As deliveries move later, the last committed delivery moves from ${writeDate(before, lang, "full")} to ${writeDate(lastAfter, lang, "full")}.`
      : `${head} The last committed delivery is due on ${writeDate(lastAfter, lang, "full")}.`;
  };
}

/**
 * The offer's title and description in `lang`, from the catalogue's templates; null when one of
 * the four templates (title and description, ja and en) has a placeholder this offer cannot fill
 * — such an offer is never shown, in either language. The placeholders' names are the same in
 * both languages, so one language's values decide it.
 */
export function offerCopy(offer: CatalogueOffer, terms: OfferTerms, lang: Language): { title: string; description: string } | null {
  const vars = terms.copyVars(lang);
  const other = lang === "ja" ? "en" : "ja";
  if (!fills(offer.copy.title[other], vars) || !fills(offer.copy.description[other], vars)) return null;
  const title = renderTemplate(offer.copy.title[lang], vars);
  const description = renderTemplate(offer.copy.description[lang], vars);
  if (title === null || description === null) return null;
  // The commitment's sentence, on a line of its own, after the shop's copy.
  const note = terms.commitmentNote?.(lang);
  return { title: oneLine(title), description: note ? `${lines(description)}\n${note}` : lines(description) };
}

/** A list placed in a title is run on (a title is one line). */
const oneLine = (text: string) => (text.includes("\n") ? text.replace(/\s*\n\s*/g, " ").trim() : text);
/** A list in a description keeps its lines, without the spaces a template wrote around its placeholder. */
const lines = (text: string) => (text.includes("\n") ? text.replace(/[ \t\u3000]*\n[ \t\u3000]*/g, "\n").replace(/\n{2,}/g, "\n").trim() : text);

/** Whether `vars` has a value for every placeholder of `template`. */
function fills(template: string, vars: Record<string, string>): boolean {
  const parts = compileTemplate(template);
  for (let i = 1; i < parts.length; i += 2) if (vars[parts[i]!] === undefined) return false;
  return true;
}

/**
 * Turn a catalogue offer into concrete terms for ONE subscription, with its copy in ja and en
 * ({@link personaliseTerms}, then {@link offerCopy}); null when it cannot be honoured or its copy
 * cannot be filled.
 */
export function personalise(offer: CatalogueOffer, sub: SubscriptionSnapshot, ctx: PersonaliseContext): PersonalisedOffer | null {
  const terms = personaliseTerms(offer, sub, ctx);
  return terms && withCopy(offer, terms);
}

/** `terms` with the copy in both languages; null when it cannot be filled. */
export function withCopy(offer: CatalogueOffer, terms: OfferTerms): PersonalisedOffer | null {
  const ja = offerCopy(offer, terms, "ja");
  const en = ja && offerCopy(offer, terms, "en");
  if (!ja || !en) return null;
  const { offerId, type, templateVersion, parameters, apply, economics, prior } = terms;
  return { offerId, type, templateVersion, parameters, title: { ja: ja.title, en: en.title }, description: { ja: ja.description, en: en.description }, apply, economics, prior };
}

/** Personalise many; offers that do not apply to this subscription are dropped. */
export function personaliseAll(offers: readonly CatalogueOffer[], sub: SubscriptionSnapshot, ctx: PersonaliseContext): PersonalisedOffer[] {
  return offers.map((o) => personalise(o, sub, ctx)).filter((o): o is PersonalisedOffer => o !== null);
}
