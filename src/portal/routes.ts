import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { html, raw } from "hono/html";
import { and, asc, eq, isNotNull } from "drizzle-orm";
import { subscriptions } from "../db/schema";
import { DEMO_API_KEY, DEMO_FIXTURES, DEMO_TENANT_ID, demoServed } from "../demo/seed";
import type { AppEnv } from "../platform/env";
import { ApiError } from "../platform/errors";
import { requestedLanguage } from "../platform/language";
import { langOf, say } from "../platform/localized-text";
import { TenantStore } from "../platform/tenancy";

/** Sends a request through the whole app (auth, idempotency, …) as an outside caller would. */
export type Dispatch = (request: Request, c: Context<AppEnv>) => Response | Promise<Response>;

/** The embed's URL: `v1` is the element's public surface; a breaking change gets a new path. */
export const EMBED_PATH = "/embed/v1/tsuzuku.js";

/** How the embed is cached (see the route): an hour fresh, a week stale-while-revalidate. */
export const EMBED_CACHE = "public, max-age=3600, stale-while-revalidate=604800";

/**
 * The browser surfaces: the `<tsuzuku-portal>` bundle and the demo my-page. Not part of the JSON
 * API (no API key, not in openapi.json).
 */
export function portalRouter(dispatch: Dispatch) {
  return new OpenAPIHono<AppEnv>()
    .get(EMBED_PATH, async (c) => {
      const { EMBED_JS, EMBED_HASH } = await loadEmbed();
      const etag = `"${EMBED_HASH}"`;
      const headers = {
        "Content-Type": "text/javascript; charset=utf-8",
        // An hour fresh, then a week served from cache while the browser asks again in the
        // background (a 304 with the ETag, mostly): a fix reaches a returning customer within an
        // hour and one page load, where a week fresh kept the old element that long. The v1 path
        // promises a compatible element, so the stale copy shown meanwhile is still right.
        "Cache-Control": EMBED_CACHE,
        ETag: etag,
        // Loaded by shops' pages on other origins, also as <script type="module">.
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "X-Content-Type-Options": "nosniff",
      };
      if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
      return c.body(EMBED_JS, 200, headers);
    })
    .get("/demo/my-page", async (c) => {
      // Japanese first, like the shops it stands for; ?lang=en for English.
      const lang = langOf(c.req.query("lang") ?? "ja");
      const customerId = await demoCustomer(c, c.req.query("customer"));
      const session = await mintDemoSession(c, dispatch, customerId, lang);
      const other = lang === "ja" ? "en" : "ja";
      c.header("Cache-Control", "no-store");
      return c.html(html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${say("demoTitle", lang)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
  body { margin: 0 auto; padding: 1rem; max-width: 52rem; font: 1rem/1.6 system-ui, sans-serif; color: #1f2933; }
  tsuzuku-portal { --tsuzuku-brand: #00695c; }
  a { color: #00695c; }
</style>
</head>
<body>
<header>
  <h1>${say("demoTitle", lang)}</h1>
  <p>${say("demoIntro", lang, { customer: customerId })}</p>
  <p><a href="?lang=${other}&amp;customer=${encodeURIComponent(customerId)}" lang="${other}">${other === "en" ? "English" : "日本語"}</a></p>
</header>
<main>
  <tsuzuku-portal session="${session}" lang="${lang}"></tsuzuku-portal>
</main>
<script src="${EMBED_PATH}"></script>
<script>
  // What a shop's my-page does when a session runs out: mint a fresh one on its server and set it;
  // the portal resumes where the customer was.
  ${raw(`document.querySelector("tsuzuku-portal").addEventListener("tsuzuku:error", async (e) => {
    if (e.detail.code !== "session_expired") return;
    const r = await fetch("/demo/my-page/session?customer=" + encodeURIComponent(${JSON.stringify(customerId)}), { method: "POST" });
    if (r.ok) e.target.setAttribute("session", (await r.json()).token);
  });`)}
</script>
</body>
</html>`);
    })
    .post("/demo/my-page/session", async (c) => {
      const customerId = await demoCustomer(c, c.req.query("customer"));
      const token = await mintDemoSession(c, dispatch, customerId, requestedLanguage(c) ?? "ja");
      c.header("Cache-Control", "no-store");
      return c.json({ token }, 200);
    });
}

let embed: Promise<{ EMBED_JS: string; EMBED_HASH: string }> | undefined;
function loadEmbed() {
  embed ??= import("./generated/embed.js").catch((e: unknown) => {
    embed = undefined;
    throw new Error("The embed bundle is not built: run `npm run build:embed` (npm start and npm test do it)", { cause: e });
  });
  return embed;
}

/**
 * The demo tenant's customer the demo my-page shows: `requested` if it is one of theirs, else the
 * first with an active subscription under a commitment (so the cancel flow shows a fee to
 * acknowledge). 404 when the demo tenant is not seeded: the page exists only for the demo.
 */
async function demoCustomer(c: Context<AppEnv>, requested: string | undefined): Promise<string> {
  const db = c.get("services").db;
  if (!(await demoServed(c.get("services")))) throw new ApiError("route_not_found", { en: "The demo my-page exists only in demo mode while the demo tenant is seeded (npm start on a new database).", ja: "デモのマイページは、デモモードでデモ用テナントが登録されている間だけ表示できます（新しいデータベースで npm start）。" });
  const store = new TenantStore(db, DEMO_TENANT_ID);
  const pick = (condition: ReturnType<typeof and>) =>
    store.q.select({ customerId: subscriptions.customerId }).from(subscriptions).where(store.owns(subscriptions, condition)).orderBy(asc(subscriptions.customerId)).limit(1);
  if (requested) {
    const [row] = await pick(eq(subscriptions.customerId, requested));
    if (row) return row.customerId;
  }
  // The README's walk-through customer, whatever their plans' state: cancelling S-DEMO-FEE as the
  // README does must not turn the page into another customer's.
  const [fixture] = await pick(eq(subscriptions.customerId, DEMO_FIXTURES.customer));
  if (fixture) return fixture.customerId;
  const active = eq(subscriptions.status, "active");
  const [withFee] = await pick(and(active, isNotNull(subscriptions.commitmentFeeAmount)));
  const row = withFee ?? (await pick(and(active)))[0];
  if (!row) throw new ApiError("route_not_found", { en: "The demo tenant has no active subscription to show.", ja: "デモ用テナントに、表示できるお届け中の定期コースがありません。" });
  return row.customerId;
}

/** Mints a customer session exactly as a shop's server does: POST /v1/customer-sessions with its key. */
async function mintDemoSession(c: Context<AppEnv>, dispatch: Dispatch, customerId: string, locale: "ja" | "en"): Promise<string> {
  const request = new Request(new URL("/v1/customer-sessions", c.req.url), {
    method: "POST",
    headers: { Authorization: `Bearer ${DEMO_API_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ customerId, locale, expiresInSeconds: 3600 }),
  });
  const response = await dispatch(request, c);
  if (response.status !== 201) throw new Error(`The demo could not mint a session: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}
