import { describe, expect, it } from "vitest";
import { LINT_READINGS } from "../../src/offers/lint-readings.generated";
import { buildReadings, renderReadingsModule } from "../../scripts/lint-readings-lib";
import { readFileSync } from "node:fs";

describe("the lint's reading table", () => {
  it("is what kuromoji's dictionary gives for the lint's phrase list (run `npm run lint:readings` when this fails)", async () => {
    const built = await buildReadings();
    expect(LINT_READINGS).toEqual(built);
    expect(readFileSync(new URL("../../src/offers/lint-readings.generated.ts", import.meta.url), "utf8")).toBe(renderReadingsModule(built));
    expect(built["元"]).toEqual(["もと"]);
    expect(built["戻"]).toEqual(["もど"]);
  }, 30_000);
});
