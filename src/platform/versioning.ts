import { z } from "@hono/zod-openapi";
import { ApiError } from "./errors";

/**
 * Optimistic concurrency: `If-Match: "<version>"` (also a bare `3`, or `*` for "exists"). A weak
 * tag (`W/"3"`) never matches: If-Match uses the strong comparison (RFC 9110 §13.1.1).
 */
export const IfMatchHeaders = z.object({
  "if-match": z
    .string()
    .max(64)
    .optional()
    .openapi({ description: 'The `version` (or ETag) you last read, e.g. `"3"`. A stale version answers 412 `version_conflict`.', example: '"3"' }),
});

export function etag(version: number): string {
  return `"${version}"`;
}

/** Throws 412 unless the If-Match header (if any) names `current`; `current` undefined = no resource. */
export function checkIfMatch(header: string | undefined, current: number | undefined): void {
  if (header === undefined) return;
  const tags = header.split(",").map((t) => t.trim());
  const ok = tags.some((t) => {
    if (t === "*") return current !== undefined;
    // No W/ prefix: a weak tag fails the strong comparison, as a stale version does.
    const m = /^"?(\d+)"?$/.exec(t);
    return m !== null && current !== undefined && Number(m[1]) === current;
  });
  if (!ok) {
    throw new ApiError(
      "version_conflict",
      current === undefined
        ? { en: "If-Match was sent but the resource does not exist yet.", ja: "If-Match が送信されましたが、対象はまだ存在しません。" }
        : { en: `The resource is at version ${current}; re-read it and retry.`, ja: `対象は現在バージョン ${current} です。読み直してから、もう一度お試しください。` },
      { currentVersion: current ?? null },
    );
  }
}
