/**
 * The offer catalogue: what a merchant may suggest in a cancellation flow, for which reasons and
 * channels, at what cost, with which copy. Pure data + validation; storage and the admin routes
 * (`GET/PUT/DELETE /v1/offers…`) live in the HTTP layer.
 *
 * Copy is written as templates with `{placeholders}` that personalise.ts fills from the concrete,
 * computed parameters for one subscription (prices, dates, intervals). Templates are truthful by
 * construction: a discount's description MUST state the price after it ends and when it ends
 * (`{priceAfter}` and `{firstFullPriceOn}`/`{lastDiscountedOn}`), a pause MUST state its resume
 * date, a quantity or product change MUST state the new price, and every template must pass the
 * phrase lint (lint.ts) — `validateCatalogueOffer` enforces all of it.
 */
import type { Localized } from "../platform/localized-text";
import { lintCopy, type LintFinding } from "./lint";

export const OFFER_TYPES = ["skip", "pause", "change_interval", "change_quantity", "discount", "product_swap", "free_gift", "usage_advice"] as const;
export type OfferType = (typeof OFFER_TYPES)[number];

export const CHANNELS = ["web", "checkout", "ivr", "operator", "api", "system"] as const;
export type Channel = (typeof CHANNELS)[number];

export const RISK_BANDS = ["low", "medium", "high"] as const;
export type RiskBand = (typeof RISK_BANDS)[number];

/** Parameters as the merchant configures them; personalise.ts turns them into concrete ones. */
export type OfferParametersByType = {
  /** `skip`: skip the next `count` deliveries. `move_next_delivery`: move the next delivery up to `maxDays` later. */
  skip: { mode: "skip"; count: number } | { mode: "move_next_delivery"; maxDays: number };
  /** Pause for up to `maxCycles` delivery cycles (capped by the tenant's maxPauseDays); resumes by itself. */
  pause: { maxCycles: number };
  /** `match_consumption`: the allowed interval nearest to the customer's real consumption; `fixed`: a given interval. */
  change_interval: { strategy: "match_consumption" } | { strategy: "fixed"; intervalDays: number };
  /** `delta` relative to today's quantity (e.g. -1) or an absolute `to`. */
  change_quantity: { delta: number } | { to: number };
  /** Percent off (1–90) or a fixed amount off per delivery (minor units), for `cycles` deliveries. */
  discount: { percentOff: number; cycles: number } | { amountOff: number; cycles: number };
  /**
   * `toUnitPrice` in minor units per unit; null = the subscription's current unit price. The new
   * product's package (`toUnitsPerPackage`, `toUnitLabel`) replaces the old one's: left out, the
   * swapped plan has none (the package is the unit), never the old product's 「30包入り」.
   */
  product_swap: { toSku: string; toName: string; toUnitPrice: number | null; toUnitsPerPackage?: number | null; toUnitLabel?: string | null };
  /** A gift added to the next changeable delivery; `value` (minor units) is its cost to the merchant. */
  free_gift: { gift: Localized; value: number };
  usage_advice: { tips: Localized[] };
};

export type CopyTemplates = { title: Localized; description: Localized };

export type Eligibility = {
  /** Cancellation reason codes this offer fits. */
  reasons: string[];
  channels: Channel[];
  /** Deliveries the customer must have received. */
  minDeliveries: number;
  /** Risk bands allowed; a subscription without a score passes only if all bands are listed. */
  riskBands: RiskBand[];
  /** At most this many accepted saves per customer within `periodDays` (null = no limit). */
  maxAcceptedSavesPerCustomer: number | null;
  periodDays: number;
  /** Which saves count toward the limit: any accepted offer, or only this offer. */
  saveLimitScope: "any" | "offer" | "type";
  /** After this instant (RFC 3339, UTC) the offer is not suggested: a campaign's end. Absent/null: none. */
  availableUntil?: string | null;
};

type OfferOf<T extends OfferType> = {
  /** `off_…` */
  id: string;
  type: T;
  parameters: OfferParametersByType[T];
  copy: CopyTemplates;
  /** Bumped whenever the copy changes; recorded with each display as evidence. */
  templateVersion: number;
  eligibility: Eligibility;
  /**
   * Fixed expected cost to the merchant when accepted, in minor units of the tenant currency
   * (handling, packaging…). Variable costs — a discount's total, a gift's value — are computed per
   * subscription by personalise.ts and added on top.
   */
  costYen: number;
  /** Beta prior of the save probability (pseudo-counts of accepts / declines). */
  priorAlpha: number;
  priorBeta: number;
  active: boolean;
};

export type CatalogueOffer = { [T in OfferType]: OfferOf<T> }[OfferType];
export type CatalogueOfferOf<T extends OfferType> = OfferOf<T>;

/**
 * `{cadence}` is the plan's cadence in words (platform/cadence cadenceText): 「45日ごと」/"every 45
 * days", 「1ヶ月ごと」/"every month" — `{intervalDays}日ごと` would call a monthly plan 「30日ごと」.
 * `{intervalDays}` stays for shops' own copy: the days (a monthly plan's nominal length).
 */
const COMMON_PLACEHOLDERS = ["productName", "quantity", "intervalDays", "cadence", "price", "nextDeliveryOn"] as const;

/** The placeholders a template of this offer may use (all filled by personalise.ts). */
export function placeholdersFor(offer: CatalogueOffer): string[] {
  const own = ((): string[] => {
    switch (offer.type) {
      case "skip":
        return offer.parameters.mode === "skip" ? ["count", "skippedDeliveryOn", "newNextDeliveryOn"] : ["earliestDeliveryOn", "latestDeliveryOn"];
      case "pause":
        return ["resumeOn"];
      case "change_interval":
        return ["newIntervalDays", "newCadence", "followingDeliveryOn"];
      case "change_quantity":
        return ["newQuantity", "newPrice"];
      case "discount":
        return ["discountLabel", "cycles", "discountedDeliveries", "discountedPrice", "priceAfter", "firstDiscountedOn", "lastDiscountedOn", "firstFullPriceOn"];
      case "product_swap":
        return ["toName", "newPrice", "firstChangedOn", "firstChangedDelivery"];
      case "free_gift":
        return ["giftName", "firstChangedOn", "firstChangedDelivery"];
      case "usage_advice":
        return ["tips"];
    }
  })();
  return [...COMMON_PLACEHOLDERS, ...own];
}

/** Placeholder groups the description must contain (each inner array: at least one of them). */
function requiredInDescription(offer: CatalogueOffer): string[][] {
  switch (offer.type) {
    case "discount":
      return [["discountedPrice"], ["priceAfter"], ["firstFullPriceOn", "lastDiscountedOn"]];
    case "pause":
      return [["resumeOn"]];
    case "change_quantity":
    case "product_swap":
      return [["newPrice"]];
    case "change_interval":
      return [["newCadence", "newIntervalDays"]];
    default:
      return [];
  }
}

export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/gu)].map((m) => m[1]!);
}

/** 「次回」「次の」/"next" in a template's own words (not its placeholders). */
const NEXT_WORDS = /次回|次の|\bnext\b/iu;

/** Offer types that start with the first delivery that can still be changed — the next one, or the one after it inside the cut-off. */
const STARTS_WITH_CHANGEABLE: ReadonlySet<OfferType> = new Set(["discount", "free_gift", "product_swap"]);

/**
 * Whether a template's own words promise "the next delivery" (「次の{cycles}回」, "your next
 * delivery"). For a discount, a gift or a product swap that is true only on a day the next
 * delivery can still be changed: inside the cut-off the offer starts with the one after (有利誤認
 * otherwise). Such copy is refused by {@link validateCatalogueOffer}, and copy stored before that
 * is not shown on such a day (personalise); `{discountedDeliveries}` / `{firstChangedDelivery}`
 * name the deliveries as applied.
 */
export function assumesNextDelivery(template: string): boolean {
  // Most copy has no such word at all: only then split off the placeholders ({nextDeliveryOn} is not the word "next").
  return NEXT_WORDS.test(template) && template.split(/\{\w+\}/u).some((text) => NEXT_WORDS.test(text));
}

/** `message` in both languages: the route answers the caller's. */
export type CatalogueProblem = { path: string; code: string; message: Localized; finding?: LintFinding };

/**
 * How a gift's name and a usage tip are linted: as offer copy (no added commitment) but not as its
 * price — they describe, so 「通話料無料の窓口」 or a sample's name is no claim that the offer is free.
 */
const DESCRIBES = { offer: { discountEnds: false, givesFree: true } } as const;

const isInt = (n: unknown, min: number, max: number) => typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;

/**
 * Semantic validation for a catalogue offer (the HTTP layer validates the JSON shape first):
 * id, parameters, eligibility, priors, and the copy rules above. Empty array = valid.
 */
export function validateCatalogueOffer(offer: CatalogueOffer): CatalogueProblem[] {
  const problems: CatalogueProblem[] = [];
  const add = (path: string, code: string, message: Localized, finding?: LintFinding) => problems.push({ path, code, message, ...(finding ? { finding } : {}) });

  if (!/^off_[A-Za-z0-9_-]{1,60}$/u.test(offer.id)) add("id", "invalid_offer_id", { en: "Offer ids look like off_… (letters, digits, _ and -).", ja: "特典の ID は off_… の形式で指定してください（英数字、_ と -）。" });
  if (!(offer.priorAlpha > 0) || !(offer.priorBeta > 0)) add("priorAlpha", "invalid_prior", { en: "priorAlpha and priorBeta must be positive.", ja: "priorAlpha と priorBeta は正の数で指定してください。" });
  if (!(offer.costYen >= 0) || !Number.isInteger(offer.costYen)) add("costYen", "invalid_cost", { en: "costYen is a non-negative integer.", ja: "costYen は0以上の整数で指定してください。" });
  if (!isInt(offer.templateVersion, 1, Number.MAX_SAFE_INTEGER)) add("templateVersion", "invalid_template_version", { en: "templateVersion is a positive integer.", ja: "templateVersion は正の整数で指定してください。" });

  const p = offer.parameters as Record<string, unknown>;
  switch (offer.type) {
    case "skip":
      if (offer.parameters.mode === "skip" && !isInt(p.count, 1, 12)) add("parameters.count", "invalid_parameter", { en: "count is 1–12.", ja: "count は1〜12で指定してください。" });
      if (offer.parameters.mode === "move_next_delivery" && !isInt(p.maxDays, 1, 365)) add("parameters.maxDays", "invalid_parameter", { en: "maxDays is 1–365.", ja: "maxDays は1〜365で指定してください。" });
      break;
    case "pause":
      if (!isInt(p.maxCycles, 1, 24)) add("parameters.maxCycles", "invalid_parameter", { en: "maxCycles is 1–24.", ja: "maxCycles は1〜24で指定してください。" });
      break;
    case "change_interval":
      if (offer.parameters.strategy === "fixed" && !isInt(p.intervalDays, 1, 365)) add("parameters.intervalDays", "invalid_parameter", { en: "intervalDays is 1–365.", ja: "intervalDays は1〜365で指定してください。" });
      break;
    case "change_quantity":
      if ("delta" in offer.parameters) {
        if (!isInt(p.delta, -999, 999) || p.delta === 0) add("parameters.delta", "invalid_parameter", { en: "delta is a non-zero integer.", ja: "delta は0以外の整数で指定してください。" });
      } else if (!isInt(p.to, 1, 999)) add("parameters.to", "invalid_parameter", { en: "to is 1–999.", ja: "to は1〜999で指定してください。" });
      break;
    case "discount":
      if ("percentOff" in offer.parameters && !isInt(p.percentOff, 1, 90)) add("parameters.percentOff", "invalid_parameter", { en: "percentOff is an integer 1–90.", ja: "percentOff は1〜90の整数で指定してください。" });
      if ("amountOff" in offer.parameters && !isInt(p.amountOff, 1, Number.MAX_SAFE_INTEGER)) add("parameters.amountOff", "invalid_parameter", { en: "amountOff is a positive integer (minor units).", ja: "amountOff は正の整数（最小通貨単位）で指定してください。" });
      if (!isInt(p.cycles, 1, 12)) add("parameters.cycles", "invalid_parameter", { en: "cycles is 1–12: a discount always has a real end.", ja: "cycles は1〜12で指定してください。割引には必ず終わりがあります。" });
      break;
    case "product_swap":
      if (offer.active && (typeof p.toSku !== "string" || p.toSku.length === 0)) add("parameters.toSku", "invalid_parameter", { en: "An active product swap needs toSku.", ja: "有効な商品変更の特典には toSku が必要です。" });
      if (offer.active && (typeof p.toName !== "string" || p.toName.length === 0)) add("parameters.toName", "invalid_parameter", { en: "An active product swap needs toName.", ja: "有効な商品変更の特典には toName が必要です。" });
      if (p.toUnitPrice !== null && !isInt(p.toUnitPrice, 0, Number.MAX_SAFE_INTEGER)) add("parameters.toUnitPrice", "invalid_parameter", { en: "toUnitPrice is a non-negative integer or null.", ja: "toUnitPrice は0以上の整数か null で指定してください。" });
      break;
    case "free_gift":
      if (!isInt(p.value, 0, Number.MAX_SAFE_INTEGER)) add("parameters.value", "invalid_parameter", { en: "value is a non-negative integer (minor units).", ja: "value は0以上の整数（最小通貨単位）で指定してください。" });
      for (const lang of ["ja", "en"] as const) {
        for (const f of lintCopy(offer.parameters.gift[lang], DESCRIBES)) add(`parameters.gift.${lang}`, `copy_${f.rule}`, f.reason, f);
      }
      break;
    case "usage_advice":
      offer.parameters.tips.forEach((tip, i) => {
        for (const lang of ["ja", "en"] as const) {
          for (const f of lintCopy(tip[lang], DESCRIBES)) add(`parameters.tips.${i}.${lang}`, `copy_${f.rule}`, f.reason, f);
        }
      });
      break;
  }

  const e = offer.eligibility;
  if (e.reasons.length === 0) add("eligibility.reasons", "invalid_eligibility", { en: "List at least one reason.", ja: "解約理由を1つ以上指定してください。" });
  if (e.channels.length === 0) add("eligibility.channels", "invalid_eligibility", { en: "List at least one channel.", ja: "チャネルを1つ以上指定してください。" });
  if (e.riskBands.length === 0) add("eligibility.riskBands", "invalid_eligibility", { en: "List at least one risk band.", ja: "リスク帯を1つ以上指定してください。" });
  if (!isInt(e.minDeliveries, 0, 999)) add("eligibility.minDeliveries", "invalid_eligibility", { en: "minDeliveries is 0–999.", ja: "minDeliveries は0〜999で指定してください。" });
  if (e.maxAcceptedSavesPerCustomer !== null && !isInt(e.maxAcceptedSavesPerCustomer, 0, 999))
    add("eligibility.maxAcceptedSavesPerCustomer", "invalid_eligibility", { en: "maxAcceptedSavesPerCustomer is 0–999 or null.", ja: "maxAcceptedSavesPerCustomer は0〜999か null で指定してください。" });
  if (!isInt(e.periodDays, 1, 3650)) add("eligibility.periodDays", "invalid_eligibility", { en: "periodDays is 1–3650.", ja: "periodDays は1〜3650で指定してください。" });

  // The title and description state the offer's terms: a discount ends after its cycles and is its own rate or amount, only a gift is free.
  const terms = {
    discountEnds: offer.type === "discount",
    givesFree: offer.type === "free_gift",
    ...(offer.type === "discount" ? { discount: "percentOff" in offer.parameters ? { percentOff: offer.parameters.percentOff } : { amountOff: offer.parameters.amountOff } } : {}),
  };
  const allowed = new Set(placeholdersFor(offer));
  for (const field of ["title", "description"] as const) {
    for (const lang of ["ja", "en"] as const) {
      const text = offer.copy[field][lang];
      const path = `copy.${field}.${lang}`;
      if (text.trim().length === 0) add(path, "empty_copy", { en: "Copy must not be empty.", ja: "文言を入力してください。" });
      for (const name of templatePlaceholders(text)) {
        if (!allowed.has(name)) add(path, "unknown_placeholder", {
          en: `{${name}} is not available for a ${offer.type} offer; use one of ${[...allowed].map((x) => `{${x}}`).join(", ")}.`,
          ja: `{${name}} は ${offer.type} の特典では使えません。次のいずれかを使ってください: ${[...allowed].map((x) => `{${x}}`).join(", ")}。`,
        });
      }
      for (const f of lintCopy(text, { dateSource: "placeholder", offer: terms })) add(path, `copy_${f.rule}`, { en: `${f.reason.en} Phrase: “${f.phrase}”.`, ja: `${f.reason.ja}該当箇所:「${f.phrase}」` }, f);
      if (STARTS_WITH_CHANGEABLE.has(offer.type) && assumesNextDelivery(text)) {
        const named = offer.type === "discount" ? "{discountedDeliveries}" : "{firstChangedDelivery}";
        add(path, "copy_assumes_next_delivery", {
          en: `When the next delivery is inside the change cut-off, this offer starts with the one after it, so “next” would promise a delivery it does not cover. Name the deliveries with ${named} (or a date placeholder) instead.`,
          ja: `次回のお届けが変更の締め切りを過ぎている場合、この特典はその次のお届けから始まるため、「次回」「次の」では対象でないお届けを約束することになります。${named}（または日付のプレースホルダー）で対象のお届けを示してください。`,
        });
      }
    }
  }
  for (const lang of ["ja", "en"] as const) {
    const used = new Set(templatePlaceholders(offer.copy.description[lang]));
    for (const group of requiredInDescription(offer)) {
      if (!group.some((g) => used.has(g))) {
        add(`copy.description.${lang}`, "missing_disclosure", {
          en: `The description must state ${group.map((g) => `{${g}}`).join(" or ")} so the customer sees the real terms.`,
          ja: `お客様に実際の条件が伝わるよう、説明文に ${group.map((g) => `{${g}}`).join(" または ")} を含めてください。`,
        });
      }
    }
  }
  return problems;
}

const SELF_SERVICE: Channel[] = ["web", "checkout", "ivr", "operator", "api"];
const ALL_BANDS: RiskBand[] = ["low", "medium", "high"];
const eligibility = (over: Partial<Eligibility> & Pick<Eligibility, "reasons">): Eligibility => ({
  channels: SELF_SERVICE,
  minDeliveries: 0,
  riskBands: ALL_BANDS,
  maxAcceptedSavesPerCustomer: null,
  periodDays: 365,
  saveLimitScope: "any",
  ...over,
});

/**
 * The title names the deliveries as the discount applies them ({discountedDeliveries}): 「次の2回の
 * お届けが20%オフ」 when the next delivery is the first discounted, 「2027年1月5日のお届けから2回分が
 * 20%オフ」 when it is inside the cut-off and the discount starts with the one after (personalise).
 * Written 「次の{cycles}回」, it promised the 12/5 delivery a discount its terms did not give.
 */
const DISCOUNT_COPY: CopyTemplates = {
  title: { ja: "{discountedDeliveries}が{discountLabel}", en: "{discountLabel} {discountedDeliveries}" },
  description: {
    ja: "{firstDiscountedOn}のお届けから{cycles}回分（最終回は{lastDiscountedOn}のお届け）が{discountLabel}の{discountedPrice}になります。{firstFullPriceOn}のお届けからは通常価格の{priceAfter}に戻ります。この割引で回数のお約束が増えることはありません。",
    en: "Your {cycles} deliveries from {firstDiscountedOn} (the last one on {lastDiscountedOn}) cost {discountedPrice} each ({discountLabel}). From the delivery on {firstFullPriceOn}, the regular price of {priceAfter} applies again. This discount adds no commitment.",
  },
};

/**
 * What good 定期通販 operators do, per reason:
 * - surplus_stock → stretch the interval to match real consumption, or skip once; fewer units.
 * - too_expensive → fewer units per delivery, or a time-limited discount (20% × 2 deliveries).
 * - no_effect → usage advice; a product swap (inactive until the merchant names the product).
 * - switching_competitor → a time-limited discount (15% × 3 deliveries).
 * - temporary_break / health_or_life_change / other → pause until a date, or skip.
 * - moving / delivery_problem → move the next delivery (and update the address).
 * - dissatisfied_service / delivery_problem → an apology gift (operator/web), once a year.
 */
export const DEFAULT_CATALOGUE: readonly CatalogueOffer[] = [
  {
    id: "off_match_interval",
    type: "change_interval",
    parameters: { strategy: "match_consumption" },
    copy: {
      title: { ja: "お届け間隔を{newCadence}に変更", en: "Deliver {newCadence} instead" },
      description: {
        ja: "お届け間隔を{cadence}から{newCadence}に変更し、実際のご使用ペースに合わせます。1回のお届け内容と金額は変わらず、{price}のままです。次回のお届けは{nextDeliveryOn}、その次は{followingDeliveryOn}です。",
        en: "We change your delivery interval from {cadence} to {newCadence} to match how fast you actually use it. Each delivery and its price ({price}) stay the same. Your next delivery is on {nextDeliveryOn}, the one after on {followingDeliveryOn}.",
      },
    },
    // 2: the cadence in words ({cadence}: 「1ヶ月ごと」 for a monthly plan; unchanged for a day plan).
    templateVersion: 3,
    eligibility: eligibility({ reasons: ["surplus_stock"], minDeliveries: 1 }),
    costYen: 0,
    priorAlpha: 4,
    priorBeta: 6,
    active: true,
  },
  {
    id: "off_skip_next",
    type: "skip",
    parameters: { mode: "skip", count: 1 },
    copy: {
      title: { ja: "次回のお届けをスキップ", en: "Skip your next delivery" },
      description: {
        ja: "{skippedDeliveryOn}のお届けをスキップし、次回は{newNextDeliveryOn}にお届けします。その後はこれまで通り{cadence}・{price}です。スキップした回のお支払いはありません。",
        en: "We skip the delivery on {skippedDeliveryOn}; your next delivery is on {newNextDeliveryOn}. After that, deliveries continue {cadence} at {price}. You pay nothing for the skipped delivery.",
      },
    },
    // 2: the cadence in words ({cadence}: 「1ヶ月ごと」 for a monthly plan; unchanged for a day plan).
    // 3: 「スキップし」, not 「お休みし」 — お休み is the pause's word (migration 0048, trial24).
    templateVersion: 3,
    eligibility: eligibility({ reasons: ["surplus_stock", "temporary_break", "health_or_life_change", "other"] }),
    costYen: 0,
    priorAlpha: 3,
    priorBeta: 7,
    active: true,
  },
  {
    id: "off_quantity_down",
    type: "change_quantity",
    parameters: { delta: -1 },
    copy: {
      title: { ja: "1回のお届けを{newQuantity}個に減らす", en: "Reduce each delivery to {newQuantity}" },
      description: {
        ja: "1回のお届けを{quantity}個から{newQuantity}個に減らし、1回あたりのお支払いは{price}から{newPrice}になります。お届け間隔（{cadence}）は変わりません。",
        en: "Each delivery goes from {quantity} to {newQuantity} and you pay {newPrice} per delivery instead of {price}. The interval ({cadence}) stays the same.",
      },
    },
    // 2: the cadence in words ({cadence}: 「1ヶ月ごと」 for a monthly plan; unchanged for a day plan).
    templateVersion: 2,
    eligibility: eligibility({ reasons: ["too_expensive", "surplus_stock"] }),
    costYen: 0,
    priorAlpha: 3,
    priorBeta: 7,
    active: true,
  },
  {
    id: "off_discount_20x2",
    type: "discount",
    parameters: { percentOff: 20, cycles: 2 },
    copy: DISCOUNT_COPY,
    // 2: the title names the discounted deliveries ({discountedDeliveries}), not always 「次の…回」.
    // 3: the commitment named as everywhere else (「回数のお約束」, not 「継続のお約束」).
    templateVersion: 3,
    eligibility: eligibility({ reasons: ["too_expensive"], minDeliveries: 1, maxAcceptedSavesPerCustomer: 1, periodDays: 365, saveLimitScope: "offer" }),
    costYen: 0,
    priorAlpha: 4,
    priorBeta: 6,
    active: true,
  },
  {
    id: "off_discount_15x3",
    type: "discount",
    parameters: { percentOff: 15, cycles: 3 },
    copy: DISCOUNT_COPY,
    // 2: the title names the discounted deliveries ({discountedDeliveries}), not always 「次の…回」.
    // 3: the commitment named as everywhere else (「回数のお約束」, not 「継続のお約束」).
    templateVersion: 3,
    eligibility: eligibility({ reasons: ["switching_competitor"], minDeliveries: 1, maxAcceptedSavesPerCustomer: 1, periodDays: 365, saveLimitScope: "offer" }),
    costYen: 0,
    priorAlpha: 3,
    priorBeta: 7,
    active: true,
  },
  {
    id: "off_usage_advice",
    type: "usage_advice",
    parameters: {
      tips: [
        { ja: "パッケージに記載の目安量と使い方をあらためてご確認ください。", en: "Check the recommended amount and directions on the package." },
        { ja: "毎日同じタイミング（朝食後など）に決めておくと、習慣にしやすくなります。", en: "Pick a fixed time each day (for example after breakfast) so it becomes part of your routine." },
        { ja: "ご不明な点は、お客様窓口で使い方をご案内します。", en: "Our customer desk is happy to walk you through how to use it." },
      ],
    },
    copy: {
      title: { ja: "{productName}の使い方のご案内", en: "Tips on using {productName}" },
      description: {
        ja: "よくあるご質問をもとに、{productName}の使い方をご案内します。{tips} ご案内をご覧になったうえで、このまま解約のお手続きに進むこともできます。",
        en: "Based on common questions, here is how to use {productName}. {tips} You can still go on and cancel after reading this.",
      },
    },
    templateVersion: 1,
    eligibility: eligibility({ reasons: ["no_effect"] }),
    costYen: 0,
    priorAlpha: 2,
    priorBeta: 8,
    active: true,
  },
  {
    id: "off_product_swap",
    type: "product_swap",
    // Inactive until the merchant names the alternative product (sku, name, price).
    parameters: { toSku: "", toName: "", toUnitPrice: null },
    copy: {
      title: { ja: "{toName}への変更", en: "Switch to {toName}" },
      description: {
        ja: "{firstChangedOn}のお届けから、{productName}を{toName}に変更します。1回あたりのお支払いは現在の{price}から{newPrice}になります。お届け間隔は{cadence}のままです。",
        en: "From your delivery on {firstChangedOn} we send {toName} instead of {productName}, at {newPrice} per delivery (now {price}). The interval stays {cadence}.",
      },
    },
    // 2: the cadence in words ({cadence}: 「1ヶ月ごと」 for a monthly plan; unchanged for a day plan).
    templateVersion: 3,
    eligibility: eligibility({ reasons: ["no_effect"], channels: ["web", "operator", "api"], minDeliveries: 1 }),
    costYen: 0,
    priorAlpha: 3,
    priorBeta: 7,
    active: false,
  },
  {
    id: "off_pause",
    type: "pause",
    parameters: { maxCycles: 3 },
    copy: {
      title: { ja: "お届けをお休みし、{resumeOn}のお届けから再開", en: "Pause until {resumeOn}" },
      description: {
        ja: "{nextDeliveryOn}以降のお届けをお休みし、{resumeOn}のお届けから{cadence}・{price}で自動的に再開します。お休み中のお支払いはありません。お休みの途中で再開することもできます。",
        en: "Deliveries pause from {nextDeliveryOn} and restart automatically on {resumeOn}, {cadence} at {price}. Nothing is charged while paused, and you can resume earlier.",
      },
    },
    // 2: the cadence in words ({cadence}: 「1ヶ月ごと」 for a monthly plan; unchanged for a day plan).
    // 3: {resumeOn} said once, as the delivery it restarts with (「…までお休み」「…から再開」 named one day twice).
    templateVersion: 3,
    eligibility: eligibility({ reasons: ["temporary_break", "health_or_life_change", "other"] }),
    costYen: 0,
    priorAlpha: 6,
    priorBeta: 4,
    active: true,
  },
  {
    id: "off_move_delivery",
    type: "skip",
    parameters: { mode: "move_next_delivery", maxDays: 60 },
    copy: {
      title: { ja: "次回のお届け日を変更（{latestDeliveryOn}まで）", en: "Move your next delivery (up to {latestDeliveryOn})" },
      description: {
        ja: "{nextDeliveryOn}のお届けを、{earliestDeliveryOn}から{latestDeliveryOn}までのご希望の日に変更できます。その後は{cadence}のお届けです。",
        en: "Move the delivery planned for {nextDeliveryOn} to any day from {earliestDeliveryOn} to {latestDeliveryOn}. Deliveries then continue {cadence}.",
      },
    },
    // 2: the cadence in words ({cadence}: 「1ヶ月ごと」 for a monthly plan; unchanged for a day plan).
    // 3: no promise to change the delivery address with it — taking the offer only moves the date.
    templateVersion: 3,
    eligibility: eligibility({ reasons: ["moving", "delivery_problem"] }),
    costYen: 0,
    priorAlpha: 5,
    priorBeta: 5,
    active: true,
  },
  {
    id: "off_apology_gift",
    type: "free_gift",
    parameters: { gift: { ja: "お試しサイズのサンプル1点", en: "a trial-size sample" }, value: 500 },
    copy: {
      // {firstChangedDelivery}: 「次回のお届け」, or the delivery after it by date when the next is inside the cut-off.
      title: { ja: "{firstChangedDelivery}に{giftName}をお付けします", en: "{giftName} with {firstChangedDelivery}, free" },
      description: {
        ja: "ご不便をおかけし申し訳ありません。{firstChangedOn}のお届けに{giftName}を無料で同梱します。お支払い金額は{price}のまま、お届け内容も変わりません。",
        en: "We're sorry for the trouble. We add {giftName} to your delivery on {firstChangedOn} free of charge. Your price ({price}) and regular items stay the same.",
      },
    },
    // 2: the title names the delivery the gift comes with ({firstChangedDelivery}).
    templateVersion: 3,
    eligibility: eligibility({
      reasons: ["dissatisfied_service", "delivery_problem"],
      channels: ["web", "operator", "api"],
      minDeliveries: 2,
      maxAcceptedSavesPerCustomer: 1,
      periodDays: 365,
      saveLimitScope: "offer",
    }),
    costYen: 200,
    priorAlpha: 2,
    priorBeta: 8,
    active: true,
  },
];

/**
 * Offers of the default catalogue that promise something only the shop can name: the apology gift's
 * 「お試しサイズのサンプル1点」 is a thing a shop may not have. A new shop gets them inactive — a customer is
 * never promised goods the shop did not choose — and turns one on with `PUT /v1/offers/{offerId}`
 * naming its own gift and `"active": true`. (The product swap is inactive for the same reason: it
 * names no product until the shop does.)
 */
export const NAMED_BY_THE_SHOP: ReadonlySet<string> = new Set(["off_apology_gift"]);

/** The catalogue a new shop starts with: the defaults, those the shop must name first inactive. */
export function newShopCatalogue(): CatalogueOffer[] {
  return DEFAULT_CATALOGUE.map((o) => (NAMED_BY_THE_SHOP.has(o.id) ? { ...o, active: false } : o));
}

export function findCatalogueOffer(catalogue: readonly CatalogueOffer[], id: string): CatalogueOffer | undefined {
  return catalogue.find((o) => o.id === id);
}
