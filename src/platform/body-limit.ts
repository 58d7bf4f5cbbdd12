import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

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

function tooLarge(maxSize: number): never {
  throw new ApiError("payload_too_large", { en: `Request bodies are limited to ${maxSize} bytes here.`, ja: `リクエスト本文は ${maxSize} バイトまでです。` });
}

