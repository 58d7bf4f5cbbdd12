/**
 * Contact handles in free text, masked as 〔ID〕: a LINE ID or an Instagram, X, TikTok, Facebook or
 * Threads account written after its service's name (LINE ID: tsuzuku_taro, ラインID abc.123,
 * LINEのIDは @abc, インスタ @hanako), and an @handle of 4 or more characters standing alone. A
 * handle is what those services allow in one: ASCII letters, digits, `.`, `_`, `-` (LINE IDs 4–20,
 * Instagram up to 30, X up to 15), read up to 30; a `.` or `-` ending it is the sentence's.
 *
 * After a service's name alone the handle needs its @ or a colon (インスタ @hanako, LINE: abc),
 * after an ID word (ID, アカウント, ユーザー名) nothing: "LINE 2通" or "X 10" are not handles.
 * E-mail addresses are masked before (platform/phone maskEmails), so an address's @ is gone.
 */

/** A service's name; a Latin one not inside a word (Xbox, "x123" as an extension are none; LINEID is one). */
const SERVICE = String.raw`(?:(?<![A-Za-z])(?:LINE|Line|line|Instagram|instagram|Insta|insta|Twitter|twitter|X|TikTok|tiktok|Facebook|facebook|Threads)(?![a-z0-9])|ライン|インスタ(?:グラム)?|ツイッター|ティックトック|フェイスブック|スレッズ)`;
const ID_WORD = String.raw`ID|Id|id|アイディー?|アカウント|ユーザー?名|ユーザーネーム|account|username`;
const HANDLE = String.raw`@?[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,28}[A-Za-z0-9_])?`;
/** Service, maybe の and an ID word, what people write between it and the handle (: は = → 「), the handle. */
const LABELLED = new RegExp(String.raw`${SERVICE}(?:\s?の)?\s?(${ID_WORD})?([\s:=は→「『(]{0,4})(${HANDLE})`, "gu");
/** An @ not ending an e-mail's local part, and the handle after it (trimmed and counted in the replacer). */
const BARE = /(?<![\p{L}\p{N}._%+-])@[A-Za-z0-9_.]+/gu;
const MASK = "〔ID〕";
const BARE_MIN = 4;
const HANDLE_MAX = 30;

/** `text` (NFKC-normalised, e-mail addresses already masked) with its contact handles replaced by 〔ID〕. */
export function maskHandles(text: string): string {
  return text
    .replace(LABELLED, (all, idWord: string | undefined, between: string, handle: string) =>
      idWord || between.includes(":") || handle.startsWith("@") ? all.slice(0, all.length - handle.length) + MASK : all,
    )
    .replace(BARE, (at) => {
      const handle = at.replace(/\.+$/u, "");
      const name = handle.slice(1);
      // Letters make it a handle: "@1000円" is a unit price.
      return name.length >= BARE_MIN && name.length <= HANDLE_MAX && /[A-Za-z_]/u.test(name) ? MASK + at.slice(handle.length) : at;
    });
}
