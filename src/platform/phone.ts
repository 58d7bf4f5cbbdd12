import { findPhoneNumbersInText, parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * Normalises any way a Japanese customer, an operator or a caller-ID writes a number to E.164:
 * `090-1234-5678`, `０９０１２３４５６７８`, `+81 90 1234 5678`, `0081901234 5678`, `819012345678`,
 * `9012345678`. Returns null when it is not a valid number.
 */
export function normalizePhone(input: string, defaultCountry: "JP" = "JP"): string | null {
  // NFKC turns full-width digits, ＋ and （） into ASCII; the rest is punctuation people add.
  let s = input.normalize("NFKC").replace(/[\s\-‐‑‒–—―ー−().]/g, "");
  if (!/^\+?\d{6,17}$/.test(s)) return null;
  // Mobile numbers (070/080/090 + 8 digits) are most of what an IVR sees: recognised without the
  // metadata parser, in any of the forms below (national, +81 / 81 / 0081, caller-ID without the 0).
  const mobile = /^(?:0|\+81|81|0081|010 ?81)?([789]0[1-9]\d{7})$/.exec(s);
  if (mobile) return `+81${mobile[1]}`;
  if (s.startsWith("00")) s = "+" + s.slice(2); // 0081… international access form
  else if (s.startsWith("010")) s = "+" + s.slice(3); // Japan's own international prefix
  else if (/^81[1-9]\d{8,9}$/.test(s)) s = "+" + s; // country code without the plus
  const parsed = s.startsWith("+") ? parsePhoneNumberFromString(s) : parsePhoneNumberFromString(s, defaultCountry);
  if (parsed?.isValid()) return parsed.number;
  // Caller-ID sometimes drops the trunk 0: 9012345678
  if (!s.startsWith("+") && !s.startsWith("0")) {
    const retry = parsePhoneNumberFromString("0" + s, defaultCountry);
    if (retry?.isValid()) return retry.number;
  }
  return null;
}

export function normalizeEmail(input: string): string {
  return input.normalize("NFKC").trim().toLowerCase();
}

const EMAIL_IN_TEXT = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const URL_IN_TEXT = /https?:\/\/\S+/gu;
const POSTAL_CODE = /〒?\s*\d{3}[-‐－ー]\d{4}/gu;

/**
 * Free text with the contact data a customer may have typed masked: e-mail addresses, URLs, phone
 * numbers (found by libphonenumber, any Japanese form, full-width included) and postal codes, each
 * replaced by 〔…〕; and any of `names` (e.g. the customer's own family and given names).
 */
export function maskPersonalData(text: string, names: readonly string[] = []): string {
  let s = text.normalize("NFKC").replace(EMAIL_IN_TEXT, "〔メール〕").replace(URL_IN_TEXT, "〔URL〕");
  for (const found of findPhoneNumbersInText(s, "JP").reverse()) s = s.slice(0, found.startsAt) + "〔電話番号〕" + s.slice(found.endsAt);
  s = s.replace(POSTAL_CODE, "〔郵便番号〕");
  for (const n of names) if (n.trim().length >= 2) s = s.split(n.trim()).join("〔氏名〕");
  return s;
}
