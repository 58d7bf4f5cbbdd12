import type { Context } from "hono";

/**
 * The interactive reference at /docs, offline: the viewer (Scalar's standalone bundle, several MB)
 * is served from this origin — on Node from the installed `@scalar/api-reference` package, on
 * Workers from Workers Static Assets — never from a CDN. The page runs under a strict CSP
 * (platform/csp): no inline script, no eval, nothing from another origin. It links the app's own
 * icon (meta/favicon), as the console does.
 */
export type DocsOptions = {
  /** Answers GET /docs/viewer.js with the installed viewer bundle (each runtime knows where it is). */
  viewer?: (c: Context) => Response | Promise<Response>;
  /** The demo tenant's key, filled into "Try it" when the demo shop was seeded. */
  demoApiKey?: string;
  /**
   * Send /openapi.json gzipped to clients that accept it (Node). Not on Workers: there the edge
   * compresses, and a body given with `Content-Encoding` would be compressed a second time.
   */
  gzipOpenapi?: boolean;
};

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tsuzuku API reference</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="app"></div>
<script src="/docs/viewer.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

/** The viewer's configuration, as a same-origin script (no inline script under the CSP). */
export function docsInit(demoApiKey: string | undefined): string {
  const config = {
    url: "/openapi.json",
    // Fonts and the "Try it" proxy would come from scalar.com: off, so the page works offline.
    withDefaultFonts: false,
    hideClientButton: false,
    telemetry: false,
    // The AI agent would search a registry on scalar.com.
    agent: { disabled: true },
    ...(demoApiKey ? { authentication: { preferredSecurityScheme: "bearerAuth", securitySchemes: { bearerAuth: { token: demoApiKey } } } } : {}),
  };
  return `Scalar.createApiReference("#app", ${JSON.stringify(config)});\n`;
}
