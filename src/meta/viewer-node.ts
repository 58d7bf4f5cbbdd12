import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Context } from "hono";

/**
 * /docs/viewer.js on Node: Scalar's standalone bundle from the installed `@scalar/api-reference`
 * package, read once. (Workers serve the same file from Workers Static Assets; see src/worker.ts.)
 */
export function nodeDocsViewer(): (c: Context) => Promise<Response> {
  let bundle: Promise<Buffer> | undefined;
  return async (c) => {
    bundle ??= readFile(join(dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")), "browser", "standalone.js"));
    return c.body(new Uint8Array(await bundle), 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" });
  };
}
