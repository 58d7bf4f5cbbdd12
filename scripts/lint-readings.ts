/**
 * Generates src/offers/lint-readings.generated.ts: the readings (hiragana) of the kanji in the
 * offer-copy lint's own phrase list (LINT_PHRASES in src/offers/lint-phrases.ts), from kuromoji's
 * IPADIC dictionary. The lint compares on a reading-normalised form with this small table, so the
 * Worker does not carry a 20 MB analyser. Run `npm run lint:readings` after changing the phrases;
 * a test fails while the generated file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildReadings, renderReadingsModule } from "./lint-readings-lib";

const out = fileURLToPath(new URL("../src/offers/lint-readings.generated.ts", import.meta.url));
writeFileSync(out, renderReadingsModule(await buildReadings()));
console.log(`wrote ${out}`);
