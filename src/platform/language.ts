import type { Context } from "hono";
import type { AppEnv } from "./env";
import type { Language } from "./localized-text";

// The vocabulary lives in localized-text.ts, which the browser embed shares (no server imports there).
export type { Language, Localized } from "./localized-text";

/** The first supported tag of `Accept-Language` (ja or en), if any. */
export function requestedLanguage(c: Context): Language | undefined {
  const header = c.req.header("accept-language");
  if (header) {
    for (const part of header.split(",")) {
      const tag = part.split(";")[0]!.trim().toLowerCase();
      if (tag === "ja" || tag.startsWith("ja-")) return "ja";
      if (tag === "en" || tag.startsWith("en-")) return "en";
    }
  }
  return undefined;
}

/**
 * `Accept-Language` picks ja or en (first supported tag wins); otherwise the principal's own
 * language (a customer session's `locale`), then the tenant's locale.
 */
export function language(c: Context<AppEnv>): Language {
  const caller = c.get("caller");
  return requestedLanguage(c) ?? caller.locale ?? caller.settings.locale;
}

/**
 * The language of problem details: `Accept-Language`, else English — errors are read by the
 * developer integrating, and may come before the key (and so the tenant's locale) is known.
 */
export function errorLanguage(c: Context): Language {
  return requestedLanguage(c) ?? "en";
}
