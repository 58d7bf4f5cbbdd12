import { buildEmbed } from "../src/portal/build";

/** `npm run build:embed`: bundles the <tsuzuku-portal> embed (also run before start, test, dev:worker and deploy). */
const built = await buildEmbed();
console.log(`embed: ${built.bytes} bytes, ${built.gzipBytes} bytes gzipped (budget 35 KiB)`);
