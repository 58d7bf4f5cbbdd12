/**
 * Bundles the Node server (src/node.ts) and its read worker (src/read-worker.ts) with esbuild into
 * dist/server/ (gitignored): ESM run by plain `node`, the native driver (libsql) left to
 * node_modules. `npm start` runs dist/server/node.js; `npm run build` (so start, test, bench) writes it.
 *
 * Why: under tsx every module was transformed at start and both texts kept on the heap; the live heap
 * after a warm-up was ≈ 60 MB, and a major GC's pause grows with it (issue #18, bench/HISTORY.md,
 * "Branch bundlestart"). Comments and indentation go (`minifyWhitespace`): V8 keeps every script's
 * source for lazy compilation, and one non-Latin-1 character in a comment makes the whole text
 * two bytes a character. Names are kept, so stack traces still name functions. Modules reached only
 * through `import()` (undici for webhooks, the embed) are chunks loaded on first use.
 */
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(import.meta.dirname, "..");
/**
 * `--bench`: bench/run.ts and its load generator into dist/bench/ instead, so `npm run bench` serves
 * the app from the same kind of bundle `npm start` runs (a bench under tsx measured tsx's heap).
 * Both directories sit two levels below the project, as src/db/ does: src/db/node.ts finds
 * drizzle/ at "../../drizzle" from either.
 */
const bench = process.argv.includes("--bench");
const outdir = join(root, "dist", bench ? "bench" : "server");

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  // The read worker beside either entry: src/platform/off-thread-node.ts starts ./read-worker.js from the bundle's directory.
  entryPoints: bench ? { run: "bench/run.ts", "load-child": "bench/load-child.ts", "read-worker": "src/read-worker.ts" } : { node: "src/node.ts", "read-worker": "src/read-worker.ts" },
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: "[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node22",
  // The native driver stays in node_modules; the bench's own tools (a bundler, a browser driver, the load generator) too.
  external: bench ? ["libsql", "esbuild", "playwright-core", "autocannon"] : ["libsql"],
  minifyWhitespace: true,
  legalComments: "none",
  // CommonJS dependencies call require() for Node's modules; ESM output has none of its own.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  write: false,
  logLevel: "warning",
});
for (const file of result.outputFiles ?? []) {
  // esbuild escapes strings and templates (charset ascii) but leaves regular expression literals as
  // written; \uXXXX (UTF-16 units) means the same in a regex, with or without the u flag, as in a string.
  const text = file.text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, text);
  if (process.argv.includes("--sizes")) console.log(`${file.path.slice(root.length + 1).padEnd(40)} ${String(text.length).padStart(9)} B`);
}
