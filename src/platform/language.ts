import type { Context } from "hono";
import { accepts } from "hono/accepts";
import type { AppEnv } from "./env";
import type { Language } from "./localized-text";

// The vocabulary lives in localized-text.ts, which the browser embed shares (no server imports there).
export type { Language, Localized } from "./localized-text";

/**
 * The language `Accept-Language` prefers among ja and en, if it names either (RFC 9110 §12.5.4):
 * the highest q wins, the header's order breaks ties, `q=0` rules a language out, and a regional
 * tag (`ja-JP`, `en-US`) counts as its language. `*` alone names neither: the caller's own then
 * decides. Parsed by Hono's Accept parser (quoted values, spaces, bad parameters).
 */
export function requestedLanguage(c: Context): Language | undefined {
  const found = accepts(c, { header: "Accept-Language", supports: LANGUAGES, default: "", match: preferredLanguage });
  return found === "" ? undefined : (found as Language);
}

const LANGUAGES: Language[] = ["ja", "en"];

/** Accept entries as Hono parses them. */
type Accept = Parameters<NonNullable<Parameters<typeof accepts>[1]["match"]>>[0][number];

function preferredLanguage(tags: Accept[]): string {
  let best: { lang: Language; q: number } | undefined;
  for (const { type, q } of tags) {
    const primary = type.toLowerCase().split("-")[0];
    const lang = LANGUAGES.find((l) => l === primary);
    // Strictly greater: on equal q the earlier tag stays.
    if (lang && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? "";
}

/**
 * `Accept-Language` picks ja or en (its preferred one, see `requestedLanguage`); otherwise the principal's own
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
