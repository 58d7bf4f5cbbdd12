import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";
import type { Localized } from "./language";

/**
 * Operations with a body limit of their own, by `METHOD /path` (`POST /v1/sync` → 4 MiB): declared
 * with `apiRoute({ maxBodyBytes })` (platform/openapi), which also documents the operation's 413,
 * so the document and the limit applied cannot differ. The limit applies before routing (nothing
 * of a body over it is read), so only a fixed path can have one.
 */
const ownLimits = new Map<string, number>();

export function ownBodyLimit(method: string, path: string, maxSize: number) {
  if (path.includes("{")) throw new Error(`${method.toUpperCase()} ${path}: a body limit of its own needs a fixed path (the limit applies before routing).`);
  ownLimits.set(`${method.toUpperCase()} ${path}`, maxSize);
}

/**
 * The body-limit layer: `maxSize` bytes, or the operation's own limit (`ownBodyLimit`). For
 * methods with a body only (the app skips GET and HEAD).
 */
export function limitBodies(maxSize: number): MiddlewareHandler<AppEnv> {
  const layers = new Map<number, MiddlewareHandler<AppEnv>>();
  const layerFor = (size: number) => {
    let layer = layers.get(size);
    if (!layer) layers.set(size, (layer = limitBody(size)));
    return layer;
  };
  return (c, next) => layerFor(ownLimits.get(`${c.req.method} ${c.req.path}`) ?? maxSize)(c, next);
}

/**
 * Refuses a request body over `maxSize` bytes with 413 `payload_too_large`, before it is read
 * whole. A body with a `Content-Length` (and no `Transfer-Encoding`) is judged by that header
 * alone: the HTTP parser (Node's, workerd's) never delivers more bytes than it announces, so
 * nothing needs counting, and the request is left untouched — looking at `Request.body` makes the
 * Node adapter build a full web `Request` and read the body through web streams (≈ 5 % of a
 * plan change's CPU). A body without a length (chunked, or an in-process `Request`) is counted
 * as it streams by hono's `bodyLimit`, which stops at `maxSize`.
 */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const streamed = bodyLimit({ maxSize, onError: () => tooLarge(maxSize) });
  return (c, next) => {
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) return streamed(c, next);
    return Number.parseInt(length, 10) > maxSize ? tooLarge(maxSize) : next();
  };
}

/** The 413's detail for a limit of `maxSize` bytes. */
const tooLargeDetail = (maxSize: number): Localized => ({ en: `Request bodies are limited to ${maxSize} bytes here.`, ja: `リクエスト本文は ${maxSize} バイトまでです。` });

function tooLarge(maxSize: number): never {
  throw new ApiError("payload_too_large", tooLargeDetail(maxSize));
}

/** How an operation with its own limit documents its 413 (`payload_too_large`): the limit, and the detail its answer carries. */
export function bodyLimitDoc(maxSize: number) {
  const size = maxSize % (1024 * 1024) === 0 ? `${maxSize / 1024 / 1024} MiB (${maxSize} bytes)` : `${maxSize} bytes`;
  return { help: `Request bodies of this operation are limited to ${size}. Send fewer items per request.`, example: tooLargeDetail(maxSize).en };
}
