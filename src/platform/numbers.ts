/** 1234567 → "1,234,567", as toLocaleString("en-US") writes integers, without ICU's cost (offer copy is rendered per offer, per request). */
export function groupThousands(n: number): string {
  if (!Number.isInteger(n)) return n.toLocaleString("en-US");
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/**
 * An amount in minor units as the API's copy writes it — the one money writer for the API's texts
 * and the portal: yen as 3,980円 in Japanese and ¥3,980 in English; other currencies by Intl.
 */
export function formatMoney(money: { amount: number; currency: string }, lang: "ja" | "en"): string {
  if (money.currency === "JPY") {
    const n = groupThousands(money.amount);
    return lang === "ja" ? `${n}円` : `¥${n}`;
  }
  const nf = new Intl.NumberFormat(lang === "ja" ? "ja-JP" : "en-US", { style: "currency", currency: money.currency });
  const digits = nf.resolvedOptions().maximumFractionDigits ?? 2;
  return nf.format(money.amount / 10 ** digits);
}
