import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { databaseFailure, describeCauses, type Database, type WriteFailure } from "../db/client";
import { MIGRATIONS, pendingMigrations } from "../db/migrations";
import type { AppEnv } from "../platform/env";
import { ApiError, DATABASE_FIX_RETRY_AFTER_S, DATABASE_RETRY_AFTER_S, databaseUnavailable, secretsKeyMismatch } from "../platform/errors";
import { errorResponses, jsonResponse } from "../platform/openapi";
import { STEP_NAMES } from "../platform/step-faults";
import { DOCS_PAGE, docsInit, type DocsOptions } from "./docs";
import { FAVICON_CACHE, FAVICON_ICO, FAVICON_SVG } from "./favicon";

/**
 * How many of this build's migrations the database lacks. Throws 503 `database_unavailable` when
 * the query fails: the detail says how, as the API's own answers do (db/client `databaseFailure`).
 */
async function pendingOrUnavailable(db: Database): Promise<number> {
  try {
    return await pendingMigrations(db);
  } catch (e) {
    const failure = databaseFailure(e);
    if (failure !== null) throw databaseUnavailable(failure);
    // Anything else (the embedded file's own errors): the log has it, the answer says only that it failed.
    console.error(`GET /health: the database query failed: ${describeCauses(e)}`);
    throw new ApiError("database_unavailable", { en: "The database failed the health check's query (the server's log says why).", ja: "データベースがヘルスチェックのクエリに失敗しました（理由はサーバーのログにあります）。" }, { retryAfterSeconds: DATABASE_RETRY_AFTER_S });
  }
}

/**
 * 503 while writes fail for the disk's sake (db/client `Database.writesFailing`): reads may still
 * work, so the query above passes, but the service cannot take changes. Until a write succeeds.
 */
function writesFailing(w: WriteFailure): ApiError {
  const what =
    w.kind === "disk"
      ? { en: "the database file refuses writes (a failing, read-only or full disk)", ja: "データベースファイルが書き込みを受け付けません（ディスクの故障・読み取り専用・容量不足）" }
      : { en: "the disk does not confirm the database's writes (fdatasync of the write-ahead log fails)", ja: "データベースの書き込みをディスクが確認できません（ログの fdatasync が失敗しています）" };
  return new ApiError(
    "database_unavailable",
    {
      en: `Writes are failing (${w.kind}): ${what.en}, since ${w.since}, last at ${w.at}. Reads may still work; this clears once a write succeeds (each /health tries one; the server's log says why).`,
      ja: `書き込みが失敗しています（${w.kind}）：${what.ja}。${w.since} から、最後は ${w.at}。読み取りはできる場合があります。書き込みが成功すると解消します（/health のたびに1件試します。理由はサーバーのログにあります）。`,
    },
    { retryAfterSeconds: DATABASE_RETRY_AFTER_S },
  );
}

/**
 * One small real write while writes are failing (the database header's `user_version`, set to
 * what it is: a page written, committed and synced), so /health recovers when the disk does
 * without waiting for traffic a load balancer no longer sends. Its failure is kept as any write's.
 */
async function probeWrite(db: Database): Promise<void> {
  try {
    await db.write(async (tx) => {
      const [row] = await tx.all<{ user_version: number }>(sql.raw("PRAGMA user_version"));
      await tx.run(sql.raw(`PRAGMA user_version = ${Number(row?.user_version ?? 0)}`));
    });
  } catch {
    // Kept by the write queue (Database.writesFailing); the answer says it.
  }
}

const FailingStep = z
  .object({
    step: z.enum(STEP_NAMES).openapi({ description: "The background job's step: `resume` (pauses ending), `expire` (cancel flows), `rescore` (risk), `winbacksDue`, `decide` (comebacks), `winbackRescore`, `webhooks` (delivery), `retention` (purges), `fingerprints` (erased people's contact fingerprints, after `keepContactFingerprints: false`), `answers` (idempotent answers past their 24 h), `secrets` (Workers only)." }),
    tenants: z.number().int().nullable().openapi({ description: "Shops whose share of the step keeps failing; null when the step fails as a whole." }),
    failures: z.number().int().openapi({ description: "Failures in a row, summed over those shops." }),
    since: z.string().openapi({ description: "The first of these failures (UTC).", example: "2026-12-01T21:40:00.000Z" }),
    lastFailedAt: z.string().openapi({ description: "The latest one (UTC).", example: "2026-12-01T21:45:02.000Z" }),
  })
  .openapi("MaintenanceFailingStep");

const Health = z
  .object({
    status: z.literal("ok"),
    database: z.literal("ok"),
    time: z.string(),
    maintenance: z
      .object({ failing: z.array(FailingStep) })
      .optional()
      .openapi({
        description:
          "Present only while a step of the background job keeps failing (Node, where the job runs in the serving process; on Workers the cron's failures are in the Worker's logs). The other steps and shops still run; a failing one is tried again after a rest (1 s, doubling, at most 5 min) and logged with its shop and error when it first fails, at most every 10 min while it keeps failing, and when it recovers. The service itself is healthy: the status stays 200.",
      }),
    disk: z
      .object({
        freeBytes: z.number().int().openapi({ description: "Bytes free for this service on the file system that holds the database file.", example: 52_613_349_376 }),
        databaseBytes: z.number().int().openapi({ description: "Bytes of the database file and its write-ahead log.", example: 3_353_645_056 }),
        low: z.boolean().openapi({ description: "`true` when the free space would not hold one more copy of the database (a backup to this disk, `VACUUM INTO`) or is under 1 GiB: a full disk is near, and when it comes every write fails. Logged when it becomes low and when there is room again." }),
      })
      .optional()
      .openapi({ description: "Node with the embedded file: the space left where the database lives, checked on each call (and every minute for the log). The status stays 200 while `low`: the service works until the disk is full; a monitor should alert on `low`." }),
    clock: z
      .object({
        steppedSeconds: z.number().int().openapi({ description: "How far the system's wall clock jumped, in seconds; negative: back.", example: -3600 }),
        detectedAt: z.string().openapi({ description: "When the jump was seen (UTC, by the clock after it).", example: "2026-12-03T01:00:12.000Z" }),
      })
      .optional()
      .openapi({
        description:
          "Node: present for 24 h after the wall clock jumped by more than 2 s against the monotonic clock while serving (an operator's `date -s`, NTP stepping rather than slewing, a VM resumed), the latest jump. After a jump back, what is recorded next (changes, events, cancel flows) is dated before some of what was recorded earlier. Logged when seen. The status stays 200.",
      }),
  })
  .openapi("Health");

/** Health and documentation: public, no API key. `openapi` is the document the app generates, as JSON in UTF-8. */
export function metaRouter(openapi: () => Uint8Array<ArrayBuffer>, docs: DocsOptions = {}) {
  const init = docsInit(docs.demoApiKey);
  let gzipped: Promise<ArrayBuffer> | undefined;
  return new OpenAPIHono<AppEnv>()
    .openapi(
      createRoute({
        method: "get",
        path: "/health",
        operationId: "health",
        tags: ["Meta"],
        summary: "Health check",
        description:
          "Answers 200 when the service can query its database and the database holds every migration this build expects, 503 `database_unavailable` with `Retry-After` otherwise (the detail says which: the database could not be reached, did not answer in time, refused the service's credentials — check `DATABASE_AUTH_TOKEN` —, failed the query, lacks how many migrations — run `npm run db:migrate` against that database —, or, on the embedded file, writes are failing: the disk refuses them or does not confirm them, with the kind, since when and the latest, until a write succeeds). While `npm start`'s server shuts down (SIGTERM) it answers 503 `{\"status\":\"draining\"}` with `Connection: close`, so a load balancer stops sending. On Cloudflare Workers, 503 `secrets_key_mismatch` when the Worker's `SECRETS_KEY` does not open the webhook secrets stored in the database (a lost or re-put secret: put back the key, or rotate from it; Node refuses to start instead). No API key needed, so a deploy pipeline or a load balancer can gate on it. `maintenance` appears only while a background step keeps failing; on Node, `disk` says the space left where the embedded file lives (`low` before a full disk fails writes) and `clock` a jump of the system clock in the last 24 h.",
        security: [],
        responses: { 200: jsonResponse(Health, "Healthy", ["X-Request-Id"]), ...errorResponses(["database_unavailable", "secrets_key_mismatch"]) },
      }),
      async (c) => {
        const pending = await pendingOrUnavailable(c.get("services").db);
        if (pending > 0) {
          throw new ApiError(
            "database_unavailable",
            {
              en: `The database lacks ${pending} of this build's ${MIGRATIONS.length} migrations: run \`npm run db:migrate\` against it (DATABASE_URL) before serving.`,
              ja: `データベースに、このビルドの ${MIGRATIONS.length} 件のマイグレーションのうち ${pending} 件が適用されていません。配信の前に、そのデータベース（DATABASE_URL）に対して \`npm run db:migrate\` を実行してください。`,
            },
            { retryAfterSeconds: DATABASE_FIX_RETRY_AFTER_S },
          );
        }
        const services = c.get("services");
        // The Worker cannot refuse to start with the wrong key as Node does: a pipeline gating on /health must see it.
        if (services.secretsKeyOpens && !(await services.secretsKeyOpens())) throw secretsKeyMismatch();
        if (services.db.writesFailing()) {
          await probeWrite(services.db);
          const still = services.db.writesFailing();
          if (still) throw writesFailing(still);
        }
        const failing = services.maintenanceFailing?.() ?? [];
        const host = (await services.host?.()) ?? {};
        return c.json({ status: "ok" as const, database: "ok" as const, time: services.now().toISOString(), ...(failing.length > 0 ? { maintenance: { failing } } : {}), ...host }, 200);
      },
    )
    .get("/openapi.json", async (c) => {
      // ≈ 1.5 MB of JSON, ≈ 10× smaller gzipped: compressed once per process (CompressionStream,
      // on both runtimes, off the event loop on Node) and sent to every client that accepts it.
      if (!docs.gzipOpenapi || !/\bgzip\b/i.test(c.req.header("accept-encoding") ?? "")) return c.body(openapi(), 200, { "content-type": "application/json", vary: "Accept-Encoding" });
      gzipped ??= new Response(new Blob([openapi()]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
      return c.body(await gzipped, 200, { "content-type": "application/json", "content-encoding": "gzip", vary: "Accept-Encoding" });
    })
    // The service's icon (meta/favicon): the pages link the SVG; /favicon.ico for those who ask there.
    .get("/favicon.svg", (c) => c.body(FAVICON_SVG, 200, { "content-type": "image/svg+xml", "cache-control": FAVICON_CACHE }))
    .get("/favicon.ico", (c) => c.body(FAVICON_ICO, 200, { "content-type": "image/x-icon", "cache-control": FAVICON_CACHE }))
    .get("/docs", (c) => c.html(DOCS_PAGE, 200, { "cache-control": "no-cache" }))
    .get("/docs/init.js", (c) => c.body(init, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }))
    .get("/docs/viewer.js", async (c) => {
      if (!docs.viewer) throw new ApiError("route_not_found", { en: "This runtime serves no docs viewer.", ja: "この実行環境ではドキュメントビューアーを提供していません。" });
      return docs.viewer(c);
    });
}
