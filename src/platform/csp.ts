import type { MiddlewareHandler } from "hono";

/**
 * The Content-Security-Policy of the service's own pages (/docs, /console). Whatever policy a page
 * sets itself is kept; `frame-ancestors 'none'` is added when it has none, so no other site can
 * frame the page (clickjacking). Pages without a policy get this default, which allows the API
 * reference viewer's CDN.
 */
export const DEFAULT_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
  "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
  "font-src 'self' data: https://fonts.gstatic.com https://cdn.jsdelivr.net",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const pageSecurityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const policy = c.res.headers.get("content-security-policy");
  if (!policy) c.res.headers.set("content-security-policy", DEFAULT_PAGE_CSP);
  else if (!/frame-ancestors/i.test(policy)) c.res.headers.set("content-security-policy", `${policy}; frame-ancestors 'none'`);
  c.res.headers.set("x-frame-options", "DENY");
  c.res.headers.set("x-content-type-options", "nosniff");
};
