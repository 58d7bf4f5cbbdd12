import { audited } from "../platform/audit";
import { ApiError } from "../platform/errors";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse } from "../platform/openapi";
import { FINGERPRINTS_DROPPED_AT, PatchSettingsBody, resolveSettings, Settings } from "./schemas";

const tags = ["Settings"];

export const settingsRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/settings",
      operationId: "getSettings",
      tags,
      scope: "admin",
      summary: "Get the shop's rules",
      description: "Whether synced prices include tax, cut-off, allowed intervals, quantity range, skip and pause limits, retention policy, time zone and locale — defaults applied.",
      responses: { 200: jsonResponse(Settings, "The settings in force") },
    }),
    async (c) => c.json(c.get("caller").settings, 200),
  )
  .openapi(
    apiRoute({
      method: "patch",
      path: "/v1/settings",
      operationId: "updateSettings",
      tags,
      scope: "admin",
      summary: "Change some of the shop's rules",
      description:
        "Only the fields sent change. The result must be consistent (e.g. `quantityMin` ≤ `quantityMax`; `allowedIntervalDays` and `allowedIntervalMonths` not both empty). Setting `keepContactFingerprints` to false also drops every fingerprint earlier erasures kept: the checkout check stops using them when this answers, and the background job deletes them in batches. A changed `winbackDelayDays` dates the cancellations that end after it; win-back records already waiting keep their `dueOn`.",
      request: { headers: IdempotencyHeaders, body: jsonBody(PatchSettingsBody, { changeCutoffDays: 4, allowedIntervalDays: [30, 45, 60, 90] }) },
      errors: ["invalid_settings"],
      responses: { 200: jsonResponse(Settings, "The settings now in force") },
    }),
    async (c) => {
      const patch = c.req.valid("json");
      const settings = await audited(c, async (s) => {
        const stored = (await s.tenant()).settings as Record<string, unknown>;
        const now = c.get("services").now();
        // Turning fingerprints off marks the ones erasures kept until now: the checkout check stops
        // reading them at once, and the background job drops them in batches (settings/schemas).
        const next = { ...stored, ...patch, ...(patch.keepContactFingerprints === false ? { [FINGERPRINTS_DROPPED_AT]: now.toISOString() } : {}) };
        const resolved = resolveSettings(next);
        if (resolved.quantityMin > resolved.quantityMax) {
          throw new ApiError("invalid_settings", { en: "quantityMin must not exceed quantityMax.", ja: "quantityMin は quantityMax 以下にしてください。" }, {
            errors: [{ path: "quantityMin", message: { en: `Must be ≤ quantityMax (${resolved.quantityMax})`, ja: `quantityMax（${resolved.quantityMax}）以下にしてください` } }],
          });
        }
        // A customer must have some interval to change to: one list may be empty, not both.
        if (resolved.allowedIntervalDays.length === 0 && resolved.allowedIntervalMonths.length === 0) {
          const message = { en: "allowedIntervalDays and allowedIntervalMonths cannot both be empty", ja: "allowedIntervalDays と allowedIntervalMonths の両方を空にはできません" };
          throw new ApiError("invalid_settings", { en: "List at least one day or month interval.", ja: "お届け間隔を日数か月数で1つ以上指定してください。" }, {
            errors: [{ path: patch.allowedIntervalMonths !== undefined ? "allowedIntervalMonths" : "allowedIntervalDays", message }],
          });
        }
        // 総額表示 (消費税法 §63): a Japanese shop's customers see tax-inclusive prices, and Tsuzuku
        // cannot add the tax (8 % or 10 % by product): the shop syncs the inclusive price instead.
        if (resolved.country === "JP" && !resolved.pricesIncludeTax) {
          const message = {
            en: "A shop in JP must sync tax-inclusive prices: Japanese law requires consumers to be shown the total with consumption tax, and Tsuzuku cannot add the tax itself (8 % or 10 % by product)",
            ja: "日本のショップでは税込価格を連携してください。消費者には税込の総額を表示する義務があり（消費税法第63条）、税率は商品により8%または10%のため、Tsuzuku で税額を加えることはできません",
          };
          throw new ApiError("invalid_settings", { en: "Prices of a shop in Japan must include consumption tax.", ja: "日本のショップの価格は税込で連携してください。" }, {
            errors: [{ path: patch.pricesIncludeTax !== undefined ? "pricesIncludeTax" : "country", message }],
          });
        }
        await s.updateSettings(next, now);
        return resolved;
      }, () => ({ action: "settings.updated", target: { type: "settings", id: "settings" }, details: { fields: Object.keys(patch).sort(), values: patch } }));
      return c.json(settings, 200);
    },
  );
