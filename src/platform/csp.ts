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
