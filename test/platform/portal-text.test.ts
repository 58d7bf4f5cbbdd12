import { describe, expect, it } from "vitest";
import { lintCopy } from "../../src/offers/lint";
import { PORTAL_TEXT } from "../../src/platform/localized-text";

describe("the portal's own copy", () => {
  // The portal's words sit beside the shop's offers and survey wording, which must pass the phrase
  // lint (no pressure, no shaming): the keep-in-touch yes/no and the line on choosing neither too.
  it("passes the phrase lint the shop's offer and survey copy passes, in both languages", () => {
    const findings = Object.entries(PORTAL_TEXT).flatMap(([key, text]) => (["ja", "en"] as const).flatMap((lang) => lintCopy(text[lang]).map((f) => `${key}.${lang}: ${f.rule} ${f.phrase}`)));
    expect(findings).toEqual([]);
  });
});
