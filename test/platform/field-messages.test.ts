import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sources } from "../support/sources";
import { z } from "@hono/zod-openapi";
import { fieldErrors, fieldMessage, problemBody, ApiError } from "../../src/platform/errors";

/**
 * Every per-field message answers Japanese under `Accept-Language: ja` as the detail does: a fixed
 * English message in src (a schema's `.regex(…, "…")` / `.refine(…, "…")` / `message: "…"`, or a
 * route's `errors: [{ message: "…" }]`) has its Japanese in MESSAGES_JA (platform/errors).
 */
const OUTSIDE_THE_API = ["src/console/", "src/portal/", "src/import/"]; // pages with their own strings; the importer's CLI reports in English

describe("field messages in Japanese", () => {
  it("every fixed English field message in src/ has its Japanese", () => {
    const missing: string[] = [];
    for (const file of sources("src")) {
      if (OUTSIDE_THE_API.some((d) => file.startsWith(d)) || file.endsWith("platform/errors.ts")) continue;
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:\.(?:regex|refine)\([^;\n]*?,\s*|\bmessage:\s*)"((?:[^"\\]|\\.)+)"/g)) {
        const message = JSON.parse(`"${m[1]}"`) as string;
        if (fieldMessage(message, "ja") === message) missing.push(`${file}:${text.slice(0, m.index).split("\n").length} ${message}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("zod's common issues are phrased in both languages: required, type, too long or short, enum, format, unknown field", () => {
    const schema = z.strictObject({ kind: z.enum(["a", "b"]), name: z.string().max(3), n: z.number().int().min(1), d: z.iso.date(), tz: z.string().regex(/^x/, "Unknown IANA time zone"), req: z.string(), m: z.number().multipleOf(5) });
    const input = { kind: "c", name: "abcdef", n: 1.5, d: "2026/1/1", tz: "y", m: 7, extra: 1 };
    const ja = Object.fromEntries(fieldErrors(schema.safeParse(input).error!.issues, "", input, "ja").map((e) => [e.path, e.message]));
    expect(ja).toEqual({
      kind: '"c" は使えません。次のいずれか: "a", "b"',
      name: "6文字です: 3文字以下にしてください",
      n: "1.5 は整数ではありません",
      d: '"2026/1/1" は正しい形式ではありません。YYYY-MM-DD の形式で指定してください',
      tz: '"y": IANA のタイムゾーン名ではありません',
      req: "必須です（文字列）",
      m: "無効な数値: 5の倍数である必要があります",
      extra: '不明な項目 "extra" です。削除してください',
    });
    const en = fieldErrors(schema.safeParse({ ...input, kind: undefined }).error!.issues, "", { ...input, kind: undefined }, "en");
    expect(en.find((e) => e.path === "kind")?.message).toBe('Required: one of "a", "b"');
  });

  it("a route's field messages follow the caller's language: { en, ja } as given, a fixed one from the table", () => {
    const err = new ApiError("validation_failed", { en: "x", ja: "x" }, { errors: [{ path: "a", message: { en: "Not a valid phone number: 1", ja: "電話番号として読み取れません: 1" } }, { path: "b", message: "Invalid cursor" }] });
    expect(problemBody(err, undefined, "ja").errors).toEqual([
      { path: "a", message: "電話番号として読み取れません: 1" },
      { path: "b", message: "正しくないカーソルです" },
    ]);
    expect(problemBody(err, undefined, "en").errors).toEqual([
      { path: "a", message: "Not a valid phone number: 1" },
      { path: "b", message: "Invalid cursor" },
    ]);
  });
});
