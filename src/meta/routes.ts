import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../platform/env";
import { ApiError } from "../platform/errors";
import { errorResponses, jsonResponse } from "../platform/openapi";
import { DOCS_PAGE, docsInit, type DocsOptions } from "./docs";

const Health = z.object({ status: z.literal("ok"), database: z.literal("ok"), time: z.string() }).openapi("Health");

/** Health and documentation: public, no API key. `openapi` is the document the app generates, as JSON in UTF-8. */
export function metaRouter(openapi: () => Uint8Array<ArrayBuffer>, docs: DocsOptions = {}) {
  const init = docsInit(docs.demoApiKey);
  return new OpenAPIHono<AppEnv>()
    .openapi(
      createRoute({
        method: "get",
        path: "/health",
        operationId: "health",
        tags: ["Meta"],
        summary: "Health check",
        description: "Answers 200 when the service can query its database, 503 otherwise. No API key needed.",
        responses: { 200: jsonResponse(Health, "Healthy", ["X-Request-Id"]), ...errorResponses(["database_unavailable"]) },
      }),
      async (c) => {
        try {
          await c.get("services").db.orm.run(sql`select 1`);
        } catch {
          throw new ApiError("database_unavailable", { en: "The database did not answer.", ja: "データベースが応答しませんでした。" });
        }
        return c.json({ status: "ok" as const, database: "ok" as const, time: c.get("services").now().toISOString() }, 200);
      },
    )
    .get("/openapi.json", (c) => c.body(openapi(), 200, { "content-type": "application/json" }))
    .get("/docs", (c) => c.html(DOCS_PAGE, 200, { "cache-control": "no-cache" }))
    .get("/docs/init.js", (c) => c.body(init, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }))
    .get("/docs/viewer.js", async (c) => {
      if (!docs.viewer) throw new ApiError("route_not_found", { en: "This runtime serves no docs viewer.", ja: "この実行環境ではドキュメントビューアーを提供していません。" });
      return docs.viewer(c);
    });
}
