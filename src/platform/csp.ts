import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/**
 * The security headers of the service's own pages (/docs, /console), one mechanism for both:
 * Hono's secureHeaders with each page's Content-Security-Policy. Both policies set
 * `frame-ancestors 'none'` (and `X-Frame-Options: DENY` for older browsers), so no other site can
 * frame a page (clickjacking); neither allows inline script, eval or another origin.
 */
type Policy = NonNullable<Parameters<typeof secureHeaders>[0]>["contentSecurityPolicy"];

/** /docs: the API reference viewer, served from this origin (meta/docs). */
const DOCS_POLICY: Policy = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  // The viewer injects its stylesheet as <style> elements at run time.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:", "blob:"],
  fontSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", "blob:"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** /console: server-rendered pages, their script and styles from /console/assets. */
const CONSOLE_POLICY: Policy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

const pageHeaders = (contentSecurityPolicy: Policy): MiddlewareHandler =>
  secureHeaders({ contentSecurityPolicy, xFrameOptions: "DENY", referrerPolicy: "same-origin" });

export const docsSecurityHeaders = pageHeaders(DOCS_POLICY);
const consoleHeaders = pageHeaders(CONSOLE_POLICY);
/**
 * The console's pages show a customer's name, contact and plans: never stored by the browser or a
 * proxy (`Cache-Control: no-store`), so after logging out the Back button cannot show them again.
 * Its static assets keep their own caching.
 */
export const consoleSecurityHeaders: MiddlewareHandler = async (c, next) => {
  await consoleHeaders(c, next);
  if (!c.req.path.startsWith("/console/assets/")) c.res.headers.set("Cache-Control", "no-store");
};

/**
 * Every /v1 answer: `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`. Answers carry
 * personal data (a customer, their export, the lookup's data dip): no browser, proxy or CDN keeps a
 * copy, and no browser reads a JSON answer as a script or a page. `no-store` rather than
 * `no-cache, private`: no /v1 route answers a conditional GET (`If-None-Match` → 304); the
 * subscription's `ETag` serves `If-Match` on writes, which the client sends from the answer it
 * just read, not from a cache. Problems (401, 404, 500…) carry them too.
 * Set on the context before the handler, as `Content-Language` and `RateLimit-Policy` are, so the
 * answer is built with them: writing to `c.res.headers` afterwards made the Node adapter turn its
 * lightweight answer into a full Response on every request (≈ 8 % of the data dip's req/s).
 */
export const apiResponseHeaders: MiddlewareHandler = (c, next) => {
  c.header("Cache-Control", "no-store");
  c.header("X-Content-Type-Options", "nosniff");
  return next();
};
