import type { Context } from "hono";
import type { AppEnv } from "./env";

export type Language = "ja" | "en";
/** A text in both languages the API speaks. */
export type Localized = Record<Language, string>;

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

/** `Accept-Language` picks ja or en (first supported tag wins); otherwise the tenant's locale. */
export function language(c: Context<AppEnv>): Language {
  return requestedLanguage(c) ?? c.get("caller").settings.locale;
}

/**
 * The language of problem details: `Accept-Language`, else English — errors are read by the
 * developer integrating, and may come before the key (and so the tenant's locale) is known.
 */
export function errorLanguage(c: Context): Language {
  return requestedLanguage(c) ?? "en";
}
