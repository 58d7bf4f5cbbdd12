/**
 * The one normaliser for contact data: phone numbers and e-mail addresses. The customer sync, the
 * lookup (data dip) and person matching (risk history) all call these, so a number or an address
 * is stored, searched and matched in exactly one form.
 */
import { z } from "@hono/zod-openapi";
import { KANJI_DIGITS, maskAddresses } from "./address";
import { maskHandles } from "./handles";
import { maskNames } from "./person-names";
import { isSupportedCountry, PhoneNumber, type CountryCode, type E164Number } from "libphonenumber-js/core";
import { findPhoneNumbersInText, parsePhoneNumberFromString, type NumberFound } from "libphonenumber-js/max";
import metadata from "libphonenumber-js/metadata.max.json";

/** A phone number as stored: E.164, and the extension apart (digits), if one was given. */
export type ParsedPhone = { e164: string; extension: string | null };

/**
 * The country a number written without its country code is read in (ISO 3166-1 alpha-2, as
 * libphonenumber names regions): the shop's `country` setting, `JP` unless the shop says
 * otherwise. `US`: `(415) 555-0132`, `415-555-0132`, `4155550132` and `1 415 555 0132` are
 * +14155550132. A number with its country code (`+81 …`, `+1 …`) reads the same in any region.
 */
export type PhoneRegion = string;
export const DEFAULT_PHONE_REGION: PhoneRegion = "JP";

/** True for a region code libphonenumber has numbering rules for (`JP`, `US`, `GB`…). */
export function isPhoneRegion(region: string): boolean {
  return /^[A-Z]{2}$/.test(region) && isSupportedCountry(region as CountryCode, metadata);
}

/**
 * Reads any way a Japanese customer, an operator or a caller-ID writes a number — `090-1234-5678`,
 * `０９０－１２３４－５６７８`, `+81 90 1234 5678`, `010 81 90 1234 5678`, `819012345678`, caller-ID
 * without the trunk 0 (`9012345678`), carrier and toll-free numbers (`0066-33-812345`, `0120-…`),
 * extensions (`03-1234-5678 ext. 123`, `…#123`, `… 内線123`) — as libphonenumber-js (`/max`
 * metadata) reads it with Japan as the default country — or `region`, the shop's `country`, whose
 * national forms it then reads instead (`(415) 555-0132` in `US`). What a phone number is, is the library's
 * call; before it, only characters are folded (NFKC width folding; the katakana prolonged-sound
 * mark and other dashes people type for a hyphen; 内線 → ext.).
 *
 * Telephony's own forms are read as the number they carry: a SIP URI's user part
 * (`sip:09012345678@10.0.0.1:5060`, `"…" <sips:+819012345678@pbx;user=phone>`), a number after the
 * 186 dial prefix (`186-090-1234-5678`; after 184, which withholds it, null), and digits keyed on a
 * keypad with its `#` or `*` "done" key (`09012345678#`).
 *
 * One rule is added to the library's reading: `0081…` is Japan's number written with the
 * international `00` prefix of other countries, and means +81 (libphonenumber reads `00` from
 * Japan as a national number, so `0081…` would be invalid). No other `00…` is international:
 * `0066-33-812345` is a Japanese toll-free number (+81 0066 33 812345). `010 …` is Japan's own
 * international prefix, which the library reads itself (`010 81…` = +81, `010 1 …` = +1).
 *
 * Returns null when the library finds no valid number. The last few hundred answers are memoised:
 * a lookup reads its number twice (the key check's prefetch, then the handler), and a caller's
 * dips in one call repeat it; a parse costs ≈ 6–40 µs (see readPlain).
 */
export function parsePhone(input: string, region: PhoneRegion = DEFAULT_PHONE_REGION): ParsedPhone | null {
  // Japan's readings are keyed by the text alone, as before regions: the common case pays nothing more.
  const key = region === DEFAULT_PHONE_REGION ? input : `${region}\u0000${input}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const answer = readPhone(input, region);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, answer);
  return answer;
}

/** E.164 of {@link parsePhone} (the extension left out), or null. */
export function normalizePhone(input: string, region: PhoneRegion = DEFAULT_PHONE_REGION): string | null {
  return parsePhone(input, region)?.e164 ?? null;
}

/**
 * A stored number as people read it: a Japanese number in its national form (`+819012345678` →
 * `090-1234-5678`, `+81120123456` → `0120-123-456`), any other in the international form
 * (`+1 212 555 1234`); an extension after 「内線」, in English after "ext." (`lang`). Input as stored
 * (E.164, or anything {@link parsePhone} reads); what it cannot read is answered unchanged.
 */
export function displayPhone(stored: string, lang: "ja" | "en" = "ja"): string {
  const parsed = parsePhone(stored);
  if (!parsed) return stored;
  const phone = parsePhoneNumberFromString(parsed.e164);
  if (!phone) return stored;
  const shown = phone.countryCallingCode === "81" ? phone.formatNational() : phone.formatInternational();
  if (!parsed.extension) return shown;
  return lang === "en" ? `${shown} ext. ${parsed.extension}` : `${shown} 内線${parsed.extension}`;
}

/**
 * Few, on purpose: an answer kept past two scavenges (≈ 1,000–2,000 requests, whatever the traffic)
 * ends in the old generation and dies there. 10,000 answers, keyed by callers spread over a shop,
 * hit only on a request's own second parse and held ≈ 170 bytes a lookup until emptied
 * (bench/promoted.ts; bench/HISTORY.md, branch promote).
 */
const MEMO_MAX = 256;
const memo = new Map<string, ParsedPhone | null>();

/** Characters people type for a hyphen that NFKC leaves alone. */
const DASHES = /[‐‑‒–—―ー−]/gu;

/**
 * The plain forms most numbers come in: digits with hyphens or spaces after a trunk 0
 * (`090-1234-5678`), after +81 (`+81 90 1234 5678`) or bare (caller-ID `9012345678`); the
 * national number starts with 1–9 (a 00… carrier number is not plain).
 */
const PLAIN = /^(?:\+81|0)?[- ]?([1-9](?:[- ]?\d)*)$/;
const SEPARATORS = /[- ]/g;

/**
 * A plain form's reading without the library's general parser (≈ 6 µs a number in a loop, ≈ 40 µs
 * inside a lookup, its option objects and prefix searches included): the national number is what
 * follows the 0 or +81, and the library's own validity check (/max metadata) decides. Null when
 * the form is not plain or the check refuses the number: the parser then reads it as before, so
 * a refusal here is never an answer. test/platform/phone.test.ts checks this against the parser
 * on random numbers of every plain form.
 */
function readPlain(text: string): ParsedPhone | null {
  const plain = PLAIN.exec(text);
  if (!plain) return null;
  const e164 = `+81${plain[1]!.replace(SEPARATORS, "")}` as E164Number;
  return new PhoneNumber(e164, metadata).isValid() ? { e164, extension: null } : null;
}

/** Outside ASCII: only such text has anything to fold (NFKC leaves ASCII as it is; DASHES and 内線 are not ASCII). */
const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * A SIP or SIPS URI, with or without a display name and angle brackets: its user part (the number,
 * with its user parameters such as `;ext=34`) is what is read; the host — often a PBX's or SBC's IP
 * address and port (`sip:09012345678@10.0.0.1:5060`) — is not part of the number.
 */
const SIP_URI = /^\s*(?:"[^"]*"\s*)?<?sips?:([^@>]+)@/i;

/**
 * The dial prefixes a caller puts before a number: 186 shows the caller's number, 184 withholds it
 * (then the number is not read: see isWithheldCallerId). Followed by a national number's trunk 0,
 * so no number is mistaken for one (an area code 0186 or 0184 written without its 0 is not followed by 0).
 */
const DIAL_PREFIX = /^(18[46])[- ]?(?=0)/;

/**
 * Where a keypad's "done" keys after digits keyed in (`09012345678#`) begin: they are not part of
 * the number. Scanned back from the end rather than with a regex: an unanchored `[#*]+$` is tried
 * at every # of a long run and takes quadratic time (100 kB of # took seconds).
 */
function keypadEnd(text: string): number {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x23 || text.charCodeAt(end - 1) === 0x2a)) end--;
  return end;
}

function readPhone(input: string, region: PhoneRegion): ParsedPhone | null {
  const text = NOT_ASCII.test(input) ? input.normalize("NFKC").replace(DASHES, "-").replaceAll("内線", " ext. ") : input;
  const japan = region === DEFAULT_PHONE_REGION;
  // The plain forms' shortcut reads them as Japan's; elsewhere the library's parser reads every form.
  const plain = japan ? readPlain(text) : null;
  if (plain) return plain;
  // Telephony forms, each read as the number it carries (only for text that is not a plain number).
  const sip = SIP_URI.exec(text);
  if (sip) return readPhone(sip[1]!, region);
  // 186/184 are Japan's dial prefixes.
  const prefix = japan ? DIAL_PREFIX.exec(text) : null;
  if (prefix) return prefix[1] === "186" ? readPhone(text.slice(prefix[0].length), region) : null;
  const keyed = keypadEnd(text);
  if (keyed < text.length) return readPhone(text.slice(0, keyed), region);
  const parsed = parsePhoneNumberFromString(text, (isPhoneRegion(region) ? region : DEFAULT_PHONE_REGION) as CountryCode);
  if (parsed?.isValid()) return { e164: parsed.number, extension: parsed.ext ?? null };
  // 0081… = +81 (see above): the library's own reading of the rest decides.
  const digitsStart = text.search(/\d/u);
  if (digitsStart >= 0 && !text.slice(0, digitsStart).includes("+")) {
    const rest = text.slice(digitsStart).replace(/^0[\s-]*0[\s-]*8[\s-]*1/u, "+81");
    if (rest !== text.slice(digitsStart)) {
      const intl = parsePhoneNumberFromString(rest, "JP");
      if (intl?.isValid() && intl.countryCallingCode === "81") return { e164: intl.number, extension: intl.ext ?? null };
    }
  }
  return null;
}

/**
 * The reason codes NTT's ナンバー・ディスプレイ sends instead of a number, which CTI adapters pass on
 * as the caller ID: P ユーザ拒否 (withheld), O サービス提供不可 (表示圏外), C 公衆電話, S サービス競合.
 */
const NUMBER_DISPLAY_REASONS = ["p", "o", "c", "s"];

/**
 * What telephony sends as the caller ID when there is no number: a withheld number (`anonymous`,
 * `非通知`, `Private`, `Restricted`, a SIP `sip:anonymous@anonymous.invalid`), one the network could
 * not pass on (`Unavailable`, `Unknown`, `通知不可能`, `表示圏外`), a pay phone (`公衆電話`), or
 * nothing at all (empty, `+`); as a SIP or tel URI's user part (`sip:unknown@pbx`, `tel:anonymous`); a
 * ナンバー・ディスプレイ reason code (P, O, C, S); a number after 184 (the caller's "do not show my
 * number"). Compared width-folded, case- and space-insensitively.
 */
const NO_CALLER_ID = new Set(["", "+", "anonymous", "unavailable", "unknown", "private", "privatenumber", "restricted", "withheld", "blocked", "非通知", "通知不可能", "表示圏外", "公衆電話", ...NUMBER_DISPLAY_REASONS]);
const CALLER_ID_NOISE = /[\s\-_'"<>]/g;
/** A SIP or tel URI's user part, as the noise-free, lower-cased caller ID holds it (`sip:unknown@pbx`, `tel:anonymous`). */
const URI_USER = /^(?:sips?|tel):([^@;]*)/;
/** 184 before a national number: the caller asked for their number not to be shown (see DIAL_PREFIX). */
const WITHHELD_PREFIX = /^184(?=0\d{8,10}$)/;

/** True when `input` is a caller ID that says there is no number (see NO_CALLER_ID), not a number misread. */
export function isWithheldCallerId(input: string): boolean {
  const s = input.normalize("NFKC").toLowerCase().replace(CALLER_ID_NOISE, "");
  if (NO_CALLER_ID.has(s) || s.endsWith("anonymous.invalid") || WITHHELD_PREFIX.test(s)) return true;
  const user = URI_USER.exec(s);
  return user !== null && NO_CALLER_ID.has(user[1]!);
}

// ── e-mail ──

/** An e-mail address as stored (`email`) and as matched between records (`key`). */
export type NormalizedEmail = { email: string; key: string };

const EMAIL = z.email();

/**
 * Normalises, then validates, an e-mail address: trims, folds full-width characters (NFKC:
 * `ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ` → `hanako@example.jp`) and lower-cases the domain (domains are
 * case-insensitive, RFC 5321 §2.4). `email` keeps the local part as written; `key`, used to find
 * the same person across records and in the lookup, is the whole address lower-cased (no
 * mainstream mailbox provider distinguishes case in the local part). Null when the normalised
 * form is not an address (zod's e-mail check, the same the API used before normalising).
 */
export function normalizeEmail(input: string): NormalizedEmail | null {
  const folded = input.normalize("NFKC").trim();
  const at = folded.lastIndexOf("@");
  if (at <= 0) return null;
  const email = folded.slice(0, at) + "@" + folded.slice(at + 1).toLowerCase();
  if (email.length > 254 || !EMAIL.safeParse(email).success) return null;
  return { email, key: email.toLowerCase() };
}

/** An e-mail address from its @: the domain, ending in a top-level domain of letters. */
const EMAIL_DOMAIN = /@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
const LOCAL_PART = /[\p{L}\p{N}._%+-]/u;

/**
 * `text` with its e-mail addresses replaced by 〔メール〕: each @ and domain, with the local part
 * before it (at most 64 characters, RFC 5321 §4.5.3.1.1). Found from the @ and read back: a regex
 * starting at the local part tried every letter of a run for an @ somewhere after it, quadratic
 * in the run (2,000 characters of kanji: ≈ 42 ms; bench/mask-cpu.ts).
 */
function maskEmails(text: string): string {
  let out = "";
  let from = 0;
  for (const at of text.matchAll(EMAIL_DOMAIN)) {
    let start = at.index;
    while (start > Math.max(from, at.index - 64) && LOCAL_PART.test(text[start - 1]!)) start--;
    if (start === at.index) continue;
    out += text.slice(from, start) + "〔メール〕";
    from = at.index + at[0].length;
  }
  return out + text.slice(from);
}

const URL_IN_TEXT = /https?:\/\/\S+/gu;
/** Spaces only after a 〒: before a bare code, `\s*` was tried from every space of a run (2,000 blank lines: ≈ 2.6 ms). */
const POSTAL_CODE = /(?:〒\s*)?\d{3}[-‐－ー]\d{4}/gu;

/**
 * Digits as libphonenumber's finder reads them together: joined by at most 4 of the punctuation
 * phone numbers are written with (its VALID_PUNCTUATION: dashes, slashes, dots, spaces, brackets,
 * tildes). Its candidates lie inside such runs, so a run with fewer digits than any country's
 * shortest number holds none.
 */
const DIGIT_RUN = /\p{Nd}(?:[-‐-―−ー－／/．. \u00a0\u00ad\u200b\u2060\u3000()（）［］[\]~⁓∼～]{0,4}\p{Nd})*/gu;
const DIGIT = /\p{Nd}/gu;
/** The fewest digits any country's numbers have (4: Niue, Saint Helena, Tokelau…), read from the metadata. */
const SHORTEST_NUMBER = Math.min(...Object.values(metadata.countries).flatMap((country) => country[3] as number[]));
/** What the finder reads around a number's digits: a leading + or bracket with punctuation (and the character before, which it checks), an extension after (`ext. 123`). */
const LEAD = 11;
const TAIL = 32;

/**
 * Where in `text` a phone number can be: the digit runs with enough digits to be one, widened by
 * what the finder reads around them, overlapping windows merged. libphonenumber's finder costs ≈
 * 20 µs a candidate it tries and tries every digit of "1番1番…" (2,000 characters: ≈ 19 ms, ≈ 130 ms
 * on a loaded machine); given the windows alone it finds the same numbers (test/platform/phone.test.ts
 * checks this against the finder on the whole text) and that text costs microseconds.
 */
export function phoneNumberWindows(text: string): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  for (const run of text.matchAll(DIGIT_RUN)) {
    if (count(run[0], DIGIT) < SHORTEST_NUMBER) continue;
    const start = Math.max(0, run.index - LEAD);
    const end = Math.min(text.length, run.index + run[0].length + TAIL);
    const last = windows.at(-1);
    if (last && start <= last.end) last.end = end;
    else windows.push({ start, end });
  }
  return windows;
}

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** Kanji numerals written digit by digit, and ○, which people type for 〇. */
const KANJI_DIGIT = /[〇○零一二三四五六七八九]/gu;
/**
 * Marks people put between a number's groups that libphonenumber does not read as its
 * punctuation (〇九〇の一二三四の五六七八, 090・1234・5678, 090、1234、5678): read as a space. Not the
 * comma (12,345,678円 is a price) nor 〜 (10〜20個 is a range).
 */
const GROUP_MARK = /(?<=\p{Nd} ?)[、・_の](?= ?\p{Nd})/gu;

/**
 * `text` as the phone finder is to read it, character for character (every replacement is one
 * UTF-16 unit for one, so a number found in it is masked at the same offsets in `text`): kanji
 * numerals as ASCII digits (〇九〇 → 090) and GROUP_MARK as a space. Whether the digits make a
 * number is then libphonenumber's call, as for any other: 二か月に一回, 三箱, 一二か月 hold too few
 * digits to be one, 二〇二六年 is no number.
 */
export function phoneReading(text: string): string {
  return text.replace(KANJI_DIGIT, (digit) => (digit === "○" ? "0" : String(KANJI_DIGITS[digit]))).replace(GROUP_MARK, " ");
}

/**
 * The most blocks (digits between punctuation) the finder reads as one candidate: 1 and 20 more
 * (its digitBlockLimit, 17 national digits and 3 of a country code). A run with more is a list or
 * a texture, which the finder reads in 21-block slices, each too long to be a number, then tries
 * again split at its spaces, slashes, dots and brackets, one parse (≈ 15–20 µs) a piece:
 * "1 2 3 4 5 …" cost ≈ 15 ms a 2,000-character comment, "1. 1. 1. …" ≈ 30 ms (bench/mask-cpu.ts).
 */
const CANDIDATE_BLOCKS = 21;
const BLOCK = /\p{Nd}+/gu;
/** A run's tokens, between spaces and slashes (where lists of numbers part). */
const TOKEN = /[^\s/]+/gu;

const DIGITS_SPACES_DOTS = /^[\d .]+$/u;
const SPACE_OR_DOT = /[ .]/gu;

/**
 * True for a run of digits, spaces and dots ("1 2 3 4 5 6 7 8 9 0", "1. 2. 3. … 10") whose every
 * piece the finder tries apart when the whole is no number — between spaces, and between dots
 * when it has dots (its inner matches) — has too few digits to be one.
 */
function triedInVain(run: string): boolean {
  const short = (pieces: string[]) => pieces.every((piece) => count(piece, DIGIT) < SHORTEST_NUMBER);
  return DIGITS_SPACES_DOTS.test(run) && short(run.split(" ")) && (!run.includes(".") || short(run.split(".")));
}

/**
 * `reading` as the finder is to read it, in the same length, without the work that cannot find
 * a number:
 * - A run of more than CANDIDATE_BLOCKS blocks is read as its tokens: a token too short to be a
 *   number (fewer than SHORTEST_NUMBER digits) or too long to be one (more blocks than a
 *   candidate) is blanked, line breaks for its characters, which the finder does not join. A
 *   number in such a run is a token of it (090-1234-5678 in a list of them, as the finder finds
 *   it); one written across spaces inside a texture of digits is not found there (the finder
 *   found it only where its 21-block slices happened to start at it).
 * - A shorter run whose pieces the finder would try in vain (triedInVain) is read with hyphens for
 *   its spaces and dots: the finder reads the whole run as a number (0 9 0 1 2 3 4 5 6 7 8 is
 *   one) and, failing that, no longer tries each piece, none of which can be one.
 */
function withoutTextures(reading: string): string {
  return reading.replace(DIGIT_RUN, (run) => {
    if (count(run, BLOCK) <= CANDIDATE_BLOCKS) return triedInVain(run) ? run.replace(SPACE_OR_DOT, "-") : run;
    return run.replace(TOKEN, (token) => (count(token, DIGIT) >= SHORTEST_NUMBER && count(token, BLOCK) <= CANDIDATE_BLOCKS ? token : "\n".repeat(token.length)));
  });
}

/**
 * The phone numbers in `text` (NFKC-normalised), as libphonenumber's finder finds them in
 * `region`'s numbering: in its phoneReading, within phoneNumberWindows, long runs read as their
 * tokens (withoutTextures). Offsets are `text`'s.
 */
export function findPhoneNumbers(text: string, region: CountryCode): NumberFound[] {
  const reading = withoutTextures(phoneReading(text));
  return phoneNumberWindows(reading).flatMap(({ start, end }) =>
    findPhoneNumbersInText(reading.slice(start, end), region).map((found) => ({ ...found, startsAt: start + found.startsAt, endsAt: start + found.endsAt })),
  );
}

/** 13–19 digits, maybe grouped by spaces or hyphens (4111 1111 1111 1111): a payment card's length (ISO/IEC 7812). */
const CARD_IN_TEXT = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/gu;

/** The Luhn check (ISO/IEC 7812-1 Annex B) every payment card number passes, and 9 in 10 other digit runs fail. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Free text with the personal data a customer may have typed masked, each replaced by 〔…〕:
 * e-mail addresses, URLs, contact handles (a LINE ID or an account after its service's name, a
 * bare @handle: platform/handles, 〔ID〕), payment card numbers (13–19 digits passing the Luhn
 * check), phone numbers (found by libphonenumber, any Japanese form, full-width or in kanji
 * numerals included: findPhoneNumbers; a number without its country
 * code in `region`'s numbering, the shop's `country`), postal codes, street
 * addresses with their block numbers (platform/address maskAddresses); any of `names` (e.g. the
 * customer's own family and given names); and anyone's name written as names are written (山田です。,
 * 鈴木様, 〜と申します: platform/person-names). A name standing bare (佐藤花子) is not found: no name
 * dictionary loads on Workers.
 */
export function maskPersonalData(text: string, names: readonly string[] = [], region: PhoneRegion = DEFAULT_PHONE_REGION): string {
  let s = maskHandles(maskEmails(text.normalize("NFKC")).replace(URL_IN_TEXT, "〔URL〕"));
  // Before the phone numbers: libphonenumber may read part of a card number as one.
  s = s.replace(CARD_IN_TEXT, (run) => (luhn(run.replace(/\D/g, "")) ? "〔カード番号〕" : run));
  // In the shop's country's numbering, as the customer sync reads numbers (a US shop's `415-555-0132`).
  const country = (isPhoneRegion(region) ? region : DEFAULT_PHONE_REGION) as CountryCode;
  for (const found of findPhoneNumbers(s, country).reverse()) s = s.slice(0, found.startsAt) + "〔電話番号〕" + s.slice(found.endsAt);
  s = maskAddresses(s.replace(POSTAL_CODE, "〔郵便番号〕"));
  for (const n of names) if (n.trim().length >= 2) s = s.split(n.trim()).join("〔氏名〕");
  return maskNames(s);
}
