/** 1234567 → "1,234,567", as toLocaleString("en-US") writes integers, without ICU's cost (offer copy is rendered per offer, per request). */
export function groupThousands(n: number): string {
  if (!Number.isInteger(n)) return n.toLocaleString("en-US");
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}
