import ipaddr from "ipaddr.js";
import type { Localized } from "../platform/localized-text";

/**
 * Where a webhook may be sent: the URL's text read as written ({@link urlTextProblem}) and the SSRF
 * rules, checked when an endpoint is registered and again before every delivery (an endpoint
 * stored before these rules, or a rule change, is caught at delivery: a failed attempt saying why). Pure and runtime-free; Node additionally checks every address a name resolves to at
 * connect time (webhooks/node-fetch), so DNS cannot change between the check and the connection.
 *
 * Refused: any scheme but https; user-info (`https://user:pass@…`); an IP literal that is not
 * public unicast — loopback, private (RFC 1918), link-local (incl. the 169.254.169.254 metadata
 * address), unique-local (fc00::/7, incl. AWS's fd00:ec2::254), carrier-grade NAT (incl. Alibaba's
 * 100.100.100.200 metadata), multicast, unspecified, broadcast, reserved, documentation ranges,
 * any IPv6 address outside global unicast (2000::/3: IPv4-compatible `::/96` and unassigned space
 * too), and IPv6 forms that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) unless the embedded
 * address is itself public (Teredo and local-use NAT64 always). Every spelling of an IPv4 address (decimal `2130706433`, hex
 * `0x7f000001`, octal `0177.0.0.1`, short `127.1`) is read by the WHATWG URL parser into dotted
 * form before the check, exactly as fetch would read it. Names: `localhost`, `*.localhost`,
 * `*.local`, `*.internal` (e.g. `metadata.google.internal`) and single-label names are refused.
 *
 * `allowLoopback` (WEBHOOKS_ALLOW_LOOPBACK=1, for local development and tests) permits loopback
 * addresses and names, over http too. Nothing else.
 */
/** Why a URL is refused, in both languages: it is answered to the developer who registers it (Accept-Language). */
export type DestinationCheck = { ok: true; url: URL } | { ok: false; reason: Localized };

export function checkWebhookUrl(input: string, options: { allowLoopback?: boolean } = {}): DestinationCheck {
  // First what registration refuses in the text ({@link urlTextProblem}): a URL stored before that
  // rule, or written to the database directly, is not sent to a place its text does not say.
  const text = urlTextProblem(input);
  if (text) return { ok: false, reason: text };
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: { en: "not a valid URL", ja: "URL として読めません" } };
  }
  // Port 0 names no port: nothing can be delivered there (a connection to it fails, or goes elsewhere).
  if (url.port === "0") return { ok: false, reason: { en: "port 0 is not a port a request can be sent to", ja: "ポート 0 には送信できません" } };
  if (url.username !== "" || url.password !== "") return { ok: false, reason: { en: "the URL must not carry user-info (user:password@)", ja: "URL にユーザー情報（user:password@）は含められません" } };
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  const loopback = ipaddr.isValid(literal) ? addressClass(literal) === "loopback" : isLoopbackName(host);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback && options.allowLoopback)) {
    return { ok: false, reason: { en: "only https URLs are allowed", ja: "https の URL だけが使えます" } };
  }
  if (ipaddr.isValid(literal)) {
    const refused = refusedAddress(literal, options);
    return refused ? { ok: false, reason: refused } : { ok: true, url };
  }
  if (loopback) return options.allowLoopback ? { ok: true, url } : { ok: false, reason: { en: "loopback names are not allowed", ja: "ループバックのホスト名は使えません" } };
  if (!host.includes(".")) return { ok: false, reason: { en: "a single-label host name is not a public name", ja: "ドットのないホスト名は公開された名前ではありません" } };
  if (/\.(local|internal|localdomain|home\.arpa)$/.test(host)) return { ok: false, reason: { en: `${host} is not a public name`, ja: `${host} は公開された名前ではありません` } };
  return { ok: true, url };
}

/**
 * Whether a URL's text is what it will be read as, checked when an endpoint is registered (the PUT
 * body's schema, before {@link checkWebhookUrl}): null when it is, else why not, in both languages.
 *
 * Refused: any whitespace, control or format character (CR, LF, tab, a space, U+3000, a zero-width
 * or bidi mark), which the URL parser drops or escapes — `https://shop.example.jp/x\r\nX-Evil: 1`
 * was stored as `…/xX-Evil: 1`, a URL the merchant never wrote; and any text the parser would
 * rewrite beyond the trivial (the case of the scheme and host, a default port, the `/` of an empty
 * path): a full-width host (`ｓｈｏｐ.example.jp` → `shop.example.jp`), a non-ASCII host (sent as its
 * `xn--` form), `..` segments, characters it percent-encodes. The refusal says what the parser
 * would read, so the merchant can send that if it is what they meant. Checked again at delivery,
 * through {@link checkWebhookUrl}: an endpoint stored before this rule is not sent to until it is
 * registered again as it reads.
 */
export function urlTextProblem(input: string): Localized | null {
  const odd = /[\s\p{Cc}\p{Cf}]/u.exec(input);
  if (odd) {
    const code = `U+${odd[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    return {
      en: `the URL holds a space, control or invisible character (${code} at ${odd.index + 1}); send it without`,
      ja: `URL に空白・制御文字・見えない文字（${code}、${odd.index + 1}文字目）が含まれています。取り除いてください`,
    };
  }
  let href: string;
  try {
    href = new URL(input).href;
  } catch {
    return null; // not a URL at all: the schema and checkWebhookUrl say so
  }
  return trivialForm(input) === href ? null : { en: `the URL would be read as ${href}; send it written that way`, ja: `URL は ${href} と読み取られます。この形で指定してください` };
}

/** Whether `text` parses as an absolute http(s) URL (which of the two may be used: {@link checkWebhookUrl}). */
export function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/** `input` with the rewrites the URL parser makes that change nothing: scheme and host lower-cased, a default port dropped, `/` for an empty path. */
function trivialForm(input: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(input);
  if (!m) return input;
  const scheme = m[1]!.toLowerCase();
  const defaultPort = scheme === "https://" ? ":443" : scheme === "http://" ? ":80" : null;
  let authority = m[2]!.toLowerCase();
  if (defaultPort && authority.endsWith(defaultPort)) authority = authority.slice(0, -defaultPort.length);
  const rest = m[3]!;
  return scheme + authority + (rest === "" || rest.startsWith("?") || rest.startsWith("#") ? "/" + rest : rest);
}

/** Why `address` (an IP in any ipaddr.js-accepted form) may not be connected to, or null when it may. */
export function refusedAddress(address: string, options: { allowLoopback?: boolean } = {}): Localized | null {
  if (!ipaddr.isValid(address)) return { en: "not an IP address", ja: "IP アドレスではありません" };
  const kind = addressClass(address);
  if (kind === "unicast") return null;
  if (kind === "loopback" && options.allowLoopback) return null;
  return { en: `${address} is a ${kind} address`, ja: `${address} は ${kind} のアドレスです（公開されたアドレスではありません）` };
}

const GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");
const WELL_KNOWN_NAT64 = ipaddr.parseCIDR("64:ff9b::/96");

/**
 * ipaddr.js's range name, "unicast" only for a public address. IPv4 inside IPv6 is classified as the
 * IPv4 it carries where that is where a packet goes (mapped, translated, the well-known NAT64 prefix,
 * 6to4); Teredo and the local-use NAT64 prefix (64:ff9b:1::/48, where the IPv4's place is the
 * network's choice) keep their own names and are refused. ipaddr.js calls "unicast" whatever it does
 * not name, IPv4-compatible `::/96` (deprecated, RFC 4291: `[::7f00:1]` is 127.0.0.1 to a stack that
 * still reads it so) and unassigned space (`4000::/2`…) too, so an IPv6 address is public only in
 * global unicast, 2000::/3.
 */
function addressClass(address: string): string {
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 → IPv4
  if (parsed.kind() === "ipv4") return parsed.range();
  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  const bytes = v6.toByteArray();
  if (range === "rfc6145" || v6.match(WELL_KNOWN_NAT64)) return classOf4(bytes.slice(12));
  if (range === "6to4") return classOf4(bytes.slice(2, 6));
  if (range !== "unicast") return range;
  if (v6.match(IPV4_COMPATIBLE)) return "ipv4Compatible";
  return v6.match(GLOBAL_UNICAST) ? "unicast" : "reserved";
}

function classOf4(bytes: number[]): string {
  return ipaddr.fromByteArray(bytes).range();
}

function isLoopbackName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}
