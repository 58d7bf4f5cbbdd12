/** 1234567 → "1,234,567", as toLocaleString("en-US") writes integers, without ICU's cost (offer copy is rendered per offer, per request). */
export function groupThousands(n: number): string {
  if (!Number.isInteger(n)) return n.toLocaleString("en-US");
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** An amount of money as the API carries it: minor units (yen for JPY) and an ISO 4217 currency. */
export type Money = { amount: number; currency: string };

/**
 * How a price's tax is written beside it: whether the shop's prices include consumption tax / VAT
 * (settings `pricesIncludeTax`), and whether the text is read aloud (a talk track, the IVR).
 */
export type PriceBasis = { taxIncluded: boolean; spoken?: boolean };

/**
 * An amount in minor units as the API's copy writes it — the one money writer for the API's texts
 * and the portal: yen as 3,980円 in Japanese and ¥3,980 in English; other currencies by Intl.
 * With `basis`, a price a customer pays, with its tax basis (総額表示, 消費税法 §63; a US shop's
 * "plus tax"): 「3,980円（税込）」, read aloud 「税込3,980円」; "$49.00 plus tax" / "¥3,980 including
 * tax". Without: an amount that is no price (a discount's amount off, a fee as disclosed, a sum for
 * the shop's own analysis).
 */
export function formatMoney(money: Money, lang: "ja" | "en", basis?: PriceBasis): string {
  const text = plainMoney(money, lang);
  if (!basis) return text;
  if (lang === "en") return `${text} ${basis.taxIncluded ? "including tax" : "plus tax"}`;
  const tax = basis.taxIncluded ? "税込" : "税別";
  return basis.spoken ? `${tax}${text}` : `${text}（${tax}）`;
}

/**
 * Text written with {@link formatMoney}'s prices, as a voice reads it: a Japanese price's basis
 * moves before the number (「5,980円（税込）」 → 「税込5,980円」), the order a listener expects;
 * English reads as written. For copy first written for the screen and then spoken (a talk track
 * built from an offer's description).
 */
export function spokenPrices(text: string, lang: "ja" | "en"): string {
  return lang === "ja" ? text.replace(WRITTEN_BASIS, (_, price: string, tax: string) => `${tax}${price}`) : text;
}
const WRITTEN_BASIS = /((?:[-−]?[¥$€£]|[A-Z]{3}\s?)?[-−]?[0-9][0-9,.]*(?:円)?)（(税込|税別)）/gu;

function plainMoney(money: Money, lang: "ja" | "en"): string {
  if (money.currency === "JPY") {
    const n = groupThousands(money.amount);
    return lang === "ja" ? `${n}円` : `¥${n}`;
  }
  const nf = new Intl.NumberFormat(lang === "ja" ? "ja-JP" : "en-US", { style: "currency", currency: money.currency });
  return nf.format(money.amount / 10 ** minorUnitDigits(money.currency));
}

const minorDigitsMemo = new Map<string, number>();
/**
 * Digits of a currency's minor unit (JPY 0, USD 2, KWD 3), as Intl knows them (and as
 * {@link formatMoney} writes amounts); 2 for a code Intl has no data for. Memoised: the scorers
 * call it per record.
 */
export function minorUnitDigits(currency: string): number {
  let digits = minorDigitsMemo.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2; // not a well-formed code: the amount is in hundredths, as ISO 4217's default
    }
    minorDigitsMemo.set(currency, digits);
  }
  return digits;
}

/**
 * Yen per major unit (one dollar, one euro), to put an amount on the scale the hand-set models'
 * anchors are written in (risk/model: a ¥3,000 delivery; winback/model: ¥10,000 spent) — never for
 * an amount shown or charged. Source: market rates of 2025 (USD/JPY averaged about ¥150 that
 * year), rounded to two significant figures. The models read amounts as logarithms, clamped: a
 * rate 10 % off moves log10 by 0.04 and log2 by 0.14, so these need revisiting only when a
 * currency moves by far more. A currency not listed has no yen scale (see {@link yenScale}).
 */
const YEN_PER_MAJOR_UNIT: Readonly<Record<string, number>> = {
  JPY: 1,
  USD: 150,
  EUR: 165,
  GBP: 195,
  CHF: 180,
  CAD: 105,
  AUD: 97,
  NZD: 88,
  CNY: 21,
  HKD: 19,
  TWD: 4.7,
  KRW: 0.11,
  SGD: 115,
  THB: 4.5,
};

/**
 * An amount in minor units of `currency` as yen on the models' scale (above): 4900 USD cents →
 * ¥7,350; 4900 JPY → ¥4,900. Null for a currency without a scale: a model counts the feature as
 * no evidence rather than guess (a ₩ amount read as yen would be 9× too large).
 */
export function yenScale(amount: number, currency: string): number | null {
  const rate = YEN_PER_MAJOR_UNIT[currency];
  return rate === undefined ? null : (amount / 10 ** minorUnitDigits(currency)) * rate;
}
