import { buildEmbed } from "../src/portal/build";

/** `npm run build:embed`: bundles the <tsuzuku-portal> embed (also run before start, test, dev:worker and deploy). */
const built = await buildEmbed();
// `npm run build` (before start, test, deploy) passes --quiet: the figure is this command's answer, not start-up noise.
if (!process.argv.includes("--quiet")) console.log(`embed: ${built.bytes} bytes, ${built.gzipBytes} bytes gzipped (budget 35 KiB)`);
