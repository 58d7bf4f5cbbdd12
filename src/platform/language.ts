import type { Context } from "hono";
import type { AppEnv } from "./env";

export type Language = "ja" | "en";

/**
 * `Accept-Language` picks ja or en (first supported tag wins); otherwise the principal's own
 * language (a customer session's `locale`), then the tenant's locale.
 */
export function language(c: Context<AppEnv>): Language {
  const header = c.req.header("accept-language");
  if (header) {
    for (const part of header.split(",")) {
      const tag = part.split(";")[0]!.trim().toLowerCase();
      if (tag === "ja" || tag.startsWith("ja-")) return "ja";
      if (tag === "en" || tag.startsWith("en-")) return "en";
    }
  }
  const caller = c.get("caller");
  return caller.locale ?? caller.settings.locale;
}
