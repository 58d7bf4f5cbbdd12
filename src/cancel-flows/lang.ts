import type { Context } from "hono";
import type { AppEnv } from "../platform/env";
import type { Lang } from "./reasons";

/** The caller's language: `Accept-Language` ja|en (first match wins), else the tenant's locale. */
export function requestLang(c: Context<AppEnv>): Lang {
  const header = c.req.header("accept-language");
  if (header) {
    for (const part of header.split(",")) {
      const tag = part.split(";")[0]!.trim().toLowerCase();
      if (tag.startsWith("ja")) return "ja";
      if (tag.startsWith("en")) return "en";
    }
  }
  return c.var.caller.settings.locale;
}
