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
export const consoleSecurityHeaders = pageHeaders(CONSOLE_POLICY);
