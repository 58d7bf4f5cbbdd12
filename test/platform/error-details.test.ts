import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sources } from "../support/sources";

/**
 * Every error detail is given in both languages (`{ en, ja }`), so a problem answers Japanese
 * under `Accept-Language: ja` (README: "details in Japanese when asked for"). A string literal
 * as the detail of `new ApiError(`, or of a batch item's error, would be English-only; these scans find any.
 */
const ALLOWED: string[] = [
  // file:line entries that must stay English, each with its reason. None today.
];

describe("error details", () => {
  it("no new ApiError( in src/ passes a plain string literal as its detail", () => {
    const found: string[] = [];
    for (const file of sources("src")) {
      const text = readFileSync(file, "utf8");
      // The code argument, then the detail argument: a quote or backtick opens a literal.
      for (const m of text.matchAll(/new ApiError\(\s*[^,()]+,\s*(["'`])/g)) {
        const line = text.slice(0, m.index).split("\n").length;
        const where = `${file}:${line}`;
        if (!ALLOWED.includes(where)) found.push(where);
      }
    }
    expect(found).toEqual([]);
  });

  it("no batch item's error in src/ is built with a plain string literal as its detail (itemProblem takes { en, ja })", () => {
    // POST /v1/events and POST /v1/sync report per-item problems: `detail: "…"` would be English-only there.
    const found: string[] = [];
    for (const file of sources("src")) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bdetail:\s*(["'`])/g)) found.push(`${file}:${text.slice(0, m.index).split("\n").length}`);
    }
    expect(found).toEqual([]);
    const sample = 'error: { code: "unknown_customer", detail: `Its customer ${id} was refused.` },';
    expect([...sample.matchAll(/\bdetail:\s*(["'`])/g)]).toHaveLength(1);
  });

  it("the scan would see one (it is not vacuous)", () => {
    const sample = 'throw new ApiError(\n  "subscription_not_found",\n  `No subscription ${id}.`,\n);';
    expect([...sample.matchAll(/new ApiError\(\s*[^,()]+,\s*(["'`])/g)]).toHaveLength(1);
    expect([...readFileSync("src/plan-changes/apply.ts", "utf8").matchAll(/new ApiError\(/g)].length).toBeGreaterThan(0);
  });
});
