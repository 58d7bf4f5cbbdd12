import type { Context, MiddlewareHandler } from "hono";
import { RouteSet } from "./route-set";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

/**
 * The one reading of a request body, for every /v1 operation that takes one (the app mounts
 * `readJsonBody` before authentication and `refuseAbsentBody` after it):
 * - a body that is not `application/json` → 415 `unsupported_media_type`;
 * - bytes that are not UTF-8 → 400 `invalid_json`;
 * - arrays and objects nested deeper than {@link MAX_JSON_DEPTH} → 400 `invalid_json`, before
 *   anything parses or walks it (zod, the error messages, the idempotency hash are recursive: a
 *   9 KB `[[[…]]]` overflowed the stack, a 500);
 * - no body at all (no `Content-Type`, no bytes) where the operation's body is required
 *   (`jsonBody`, openapi `requestBody.required: true`) → 400 `invalid_json`; where it is optional
 *   (`optionalJsonBody`) it reads as `{}`.
 * Malformed JSON (an empty body sent as `application/json` included) is 400 `invalid_json` from
 * the validators' parse (errors `asApiError`).
 */

/** How deep arrays and objects may nest in a request body; the API's own bodies need 6 at most. */
export const MAX_JSON_DEPTH = 64;

/** JSON is UTF-8 (RFC 8259 §8.1): a strict decoder, where the request's own would store U+FFFD for every bad byte. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** 415 for a body that is not JSON; 400 for one that is not UTF-8 or nests too deep. Leaves the text where the validators read it. */
export function readJsonBody(c: Context<AppEnv>, next: () => Promise<void>) {
  if (c.req.method === "POST" || c.req.method === "PUT" || c.req.method === "PATCH") {
    const type = c.req.header("content-type");
    const hasBody = (c.req.header("content-length") ?? "0") !== "0" || c.req.header("transfer-encoding") !== undefined;
    if ((type !== undefined || hasBody) && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type ?? "")) {
      throw new ApiError("unsupported_media_type", { en: "Send the body as application/json.", ja: "本文は application/json で送信してください。" });
    }
    // (a Request built in process has a body but may carry no Content-Length)
    if (hasBody || c.req.raw.body !== null) return readUtf8Body(c, next, type);
  }
  return next();
}

/** Reads the body once as strict UTF-8 and leaves the text where the validators read it (Hono's body cache). */
async function readUtf8Body(c: Context<AppEnv>, next: () => Promise<void>, type: string | undefined) {
  let text: string;
  try {
    text = UTF8.decode(await c.req.arrayBuffer());
  } catch (e) {
    if (!(e instanceof TypeError)) throw e; // e.g. the body limit's 413
    throw new ApiError("invalid_json", { en: "The request body is not valid UTF-8; send JSON encoded as UTF-8.", ja: "リクエスト本文が正しい UTF-8 ではありません。JSON は UTF-8 で送信してください。" });
  }
  // Bytes without a Content-Type (an in-process Request of bytes has no Content-Length either).
  if (type === undefined && text !== "") throw new ApiError("unsupported_media_type", { en: "Send the body as application/json.", ja: "本文は application/json で送信してください。" });
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new ApiError("invalid_json", {
      en: `The request body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep.`,
      ja: `リクエスト本文の配列・オブジェクトの入れ子が ${MAX_JSON_DEPTH} 段を超えています。`,
    });
  }
  // (typed as the values, held as their promises: what Hono's body cache stores and returns)
  (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
  return next();
}

/**
 * Whether `text`, read as JSON, opens more than `max` arrays or objects inside one another.
 * Brackets inside strings do not count (escaped quotes included). Text that is not JSON gets an
 * answer all the same; the parse refuses it afterwards. One pass, no recursion: ≈ 1 ms a MiB.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      // Skip the string: its closing quote is the next one not escaped by an odd run of backslashes.
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return false;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        i = end;
        if (slashes % 2 === 0) break;
      }
    } else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** Operations whose body is required, as Hono matches them (`PUT /v1/customers/:customerId`): declared by apiRoute from `requestBody.required`. */
const bodyRequired = new RouteSet();

/** Declares that `METHOD /path` needs a body (apiRoute does, for a `jsonBody`); a path may name parameters. */
export function requiresBody(method: string, path: string) {
  bodyRequired.add(method, path);
}

/**
 * 400 `invalid_json` for a request with no body at all (no `Content-Type`, no bytes) to an
 * operation whose body is required: without it the validators would read `{}`, and a
 * `PUT /v1/customers/{id}` sent bare replaced the customer with nothing. After authentication,
 * so a caller without a key hears that first.
 */
export const refuseAbsentBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if ((c.req.method === "POST" || c.req.method === "PUT" || c.req.method === "PATCH") && c.req.header("content-type") === undefined) {
    // No Content-Type: readJsonBody let it through only without bytes (a body would have been 415).
    if (bodyRequired.has(c)) {
      throw new ApiError("invalid_json", {
        en: "This operation needs a JSON body (Content-Type: application/json); the request had none.",
        ja: "この操作にはリクエスト本文（Content-Type: application/json の JSON）が必要ですが、送信されていません。",
      });
    }
  }
  return next();
};

/**
 * The body as the caller sent it, parsed (`{}` when there was none): for a route that reads more
 * than its validated body says (which parts of an exit survey it could not use). Call after the
 * validators, which have refused a body that is not JSON.
 */
export async function bodyAsSent(c: Context<AppEnv>): Promise<unknown> {
  const text = c.req.header("content-type") === undefined ? "" : await c.req.text();
  return text === "" ? {} : JSON.parse(text);
}
