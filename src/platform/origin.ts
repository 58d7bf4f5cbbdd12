import type { Context } from "hono";
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";
import type { AppEnv } from "./env";

type Incoming = Parameters<typeof proxyaddr>[0];

/**
 * The origin a browser reaches this server at (`https://console.shop.example.jp`), for URLs the API
 * hands out (the console's one-time login) and the console cookie's `Secure`. The request's own
 * URL, except on Node behind a reverse proxy trusted by `TRUST_PROXY` (platform/rate-limit
 * trustProxyFromEnv, the same setting that lets `X-Forwarded-For` name the client): when the
 * connection's peer is such a proxy, its `X-Forwarded-Proto` (http or https) and
 * `X-Forwarded-Host` (its first value) stand. From anyone else they are ignored, since any client
 * can send them. On Workers the request's URL is already the one Cloudflare received.
 */
export function publicOrigin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  const trust = c.get("services").trustProxy;
  const incoming = (c.env as { incoming?: Incoming } | undefined)?.incoming;
  const peer = incoming?.socket?.remoteAddress;
  if (!trust || !peer || !trust(peer, 0)) return url.origin;
  const proto = first(c.req.header("x-forwarded-proto"))?.toLowerCase();
  const host = first(c.req.header("x-forwarded-host"));
  const scheme = proto === "https" || proto === "http" ? proto : url.protocol.slice(0, -1);
  // A host that does not parse as one (a path, a user part) is not taken.
  const named = host && /^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : url.host;
  return new URL(`${scheme}://${named}`).origin;
}

const first = (value: string | undefined) => value?.split(",")[0]?.trim() || undefined;

/**
 * Whether a browser request that changes something comes from this server's own pages: the
 * `Origin` the browser names (when it names one: every browser does on a POST) is the public
 * origin (`publicOrigin`: behind a trusted proxy that terminates HTTPS, the https one the browser
 * sees, not the http one the proxy forwards to), and Fetch Metadata does not say `cross-site`.
 * A client that names neither (curl, a server) is not a browser another site can drive.
 */
export function fromThisOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header("origin");
  return (origin === undefined || origin === publicOrigin(c)) && c.req.header("sec-fetch-site") !== "cross-site";
}

/** Whether a host name keeps traffic on this machine: `localhost`, 127.0.0.0/8, `::1` (bracketed or not); not `0.0.0.0` or `::`. */
export function loopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  return ipaddr.isValid(bare) && ipaddr.process(bare).range() === "loopback";
}
