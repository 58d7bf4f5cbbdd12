import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { say } from "../../src/platform/localized-text";
import { REFUSAL_TEXT, refusalText, RULE_REFUSALS } from "../../src/portal/client/refusals";
import { resolved } from "../support/contract";

const yen = (m: { amount: number; currency: string }) => `￥${m.amount.toLocaleString("en-US")}`;

/** Every call <tsuzuku-portal> makes (src/portal/client/portal.ts). */
const PORTAL_CALLS: [string, string][] = [
  ["get", "/v1/customer-sessions/current"],
  ["get", "/v1/subscriptions/{subscriptionId}"],
  ["get", "/v1/customers/{customerId}/subscriptions"],
  ["get", "/v1/subscriptions/{subscriptionId}/plan-options"],
  ["get", "/v1/customers/{customerId}/keep-in-touch"],
  ["put", "/v1/customers/{customerId}/keep-in-touch"],
  ...["skip", "next-delivery", "interval", "quantity", "pause", "resume", "cancel-flows"].map((a): [string, string] => ["post", `/v1/subscriptions/{subscriptionId}/${a}`]),
  ...["reason", "accept", "confirm", "abandon"].map((a): [string, string] => ["post", `/v1/cancel-flows/{flowId}/${a}`]),
];

describe("the portal's refusals, in the customer's words", () => {
  it("every code the portal's calls can get (openapi.json) has customer wording", () => {
    const spec = JSON.parse(readFileSync("openapi.json", "utf8"));
    const codes = new Set<string>();
    for (const [method, path] of PORTAL_CALLS) {
      const op = spec.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      for (const r of Object.values(op.responses)) {
        const media = resolved<{ content?: Record<string, { examples?: Record<string, unknown> }> }>(r, spec).content?.["application/problem+json"];
        for (const code of Object.keys(media?.examples ?? {})) codes.add(code);
      }
    }
    // Worded apart: the fee (with its amount), an expired session (the portal resumes), a failure (5xx).
    const apart = new Set(["fee_acknowledgement_required", "session_expired", "internal_error", "database_unavailable"]);
    const unworded = [...codes].filter((c) => !RULE_REFUSALS.has(c) && !(c in REFUSAL_TEXT) && !apart.has(c));
    expect(unworded).toEqual([]);
  });

  it("the fee refusal asks to tick the box, with the amount as money, never the API's field", () => {
    const problem = { code: "fee_acknowledgement_required", status: 422, title: "t", fee: { amount: 5000, currency: "JPY" }, detail: "An early-cancellation fee of 5000 JPY applies (…). Send acknowledgeFee: true to cancel." };
    expect(refusalText(problem, "ja", yen)).toBe("解約を確定するには、解約手数料￥5,000のお支払いについて確認のチェックを入れてください。");
    expect(refusalText(problem, "en", yen)).toBe("To confirm, tick the box to acknowledge the early cancellation fee of ￥5,000.");
  });

  it("a rule's refusal is shown as the API words it; anything else never shows the API's detail", () => {
    const rule = { code: "skip_limit_exceeded", status: 422, title: "t", detail: "続けてスキップできるのは2回までです。" };
    expect(refusalText(rule, "ja", yen)).toBe(rule.detail);
    const unknown = { code: "something_new", status: 409, title: "Something new", detail: "Send fooBar: true (POST /v1/x)." };
    expect(refusalText(unknown, "ja", yen)).toBe(say("refused", "ja"));
    expect(refusalText({ ...unknown, code: "validation_failed" }, "en", yen)).toBe(say("refusedInput", "en"));
    expect(refusalText({ ...unknown, status: 503 }, "en", yen)).toBe(say("failed", "en"));
    for (const key of new Set(Object.values(REFUSAL_TEXT))) {
      for (const lang of ["ja", "en"] as const) expect(say(key, lang)).not.toMatch(/\/v1\/|[a-z]+[A-Z][a-z]+|_|\{/);
    }
  });

  it("an expired session's line promises nothing the portal cannot keep, in a customer's words, and says what is NOT done", () => {
    // A page without a renewal handler reloads, and the portal starts from the list: nothing entered survives.
    const keys = ["sessionExpired", "sessionExpiredCancel", "sessionExpiredChange", "sessionExpiredRestart"] as const;
    for (const key of keys) {
      expect(say(key, "ja")).not.toContain("そのまま");
      // 接続 (connection) is not a customer's word for a my-page that ran out of time (trial24).
      expect(say(key, "ja")).not.toMatch(/接続|セッション/);
      // It names the button under it (portal #run), not the browser's reload hidden in a phone's menu (trial41).
      expect(say(key, "ja")).toContain(`「${say("reloadPage", "ja")}」`);
      expect(say(key, "en")).toContain(`"${say("reloadPage", "en")}"`);
      expect(say(key, "en")).not.toMatch(/not lost|is lost|connection|session/i);
    }
    // Interrupted at the final 「解約を確定する」, a plan change or a restart: nothing was done, said first.
    expect(say("sessionExpiredCancel", "ja")).toMatch(/^解約はまだ完了していません。/);
    expect(say("sessionExpiredCancel", "ja")).toContain("もう一度「解約する」から");
    expect(say("sessionExpiredChange", "ja")).toMatch(/^変更はまだ反映されていません。/);
    expect(say("sessionExpiredRestart", "ja")).toMatch(/^定期コースはまだ再開されていません。/);
    expect(say("sessionExpiredCancel", "en")).toContain("NOT canceled");
  });

  it("Japanese copy uses the full-width colon between a label and its value", () => {
    expect(say("labelled", "ja", { label: "合計", value: "5,000円" })).toBe("合計：5,000円");
    expect(say("labelled", "en", { label: "Total", value: "¥5,000" })).toBe("Total: ¥5,000");
  });
});
