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
 *
 * The operations commands (tenant:create, import, risk, backup, secrets:rotate, db:migrate) are
 * bundled the same way into dist/cli/, and their npm scripts run that bundle (`--cli` writes it
 * alone, before each run). Why: Node 24 parses a package's whole `exports` map again for every
 * module file it loads from the package, and drizzle-orm's is 179 KB over ~110 files: under tsx
 * a command spent 2.0 of its 2.5 s start-up loading modules; from the bundle it starts in 0.4 s.
 */
import { build } from "esbuild";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(import.meta.dirname, "..");
/**
 * `--bench`: bench/run.ts and its load generator into dist/bench/ instead, so `npm run bench` serves
 * the app from the same kind of bundle `npm start` runs (a bench under tsx measured tsx's heap).
 * Every bundle's directory sits two levels below the project, as src/db/ does: src/db/node.ts
 * finds drizzle/ at "../../drizzle" from any of them.
 */
const bench = process.argv.includes("--bench");
const cliOnly = process.argv.includes("--cli");

/** The operations commands by the name of their bundle in dist/cli/ (package.json's scripts run them). */
const COMMANDS = {
  "tenant-create": "src/tenants/cli.ts",
  import: "src/import/cli.ts",
  risk: "src/risk/cli.ts",
  backup: "src/operations/backup-cli.ts",
  "rotate-key": "src/operations/rotate-key-cli.ts",
  migrate: "scripts/migrate.ts",
};

/**
 * One bundle into dist/`name`/, every file written whole under a temporary name and renamed: a
 * process started while another run rebuilds (`npm run import` beside `npm start`, a test beside
 * another's build) reads either the old file or the new one, never half of one or none. The
 * directory is not emptied first for the same reason: a server or command still running may yet
 * load one of its chunks (undici at the first webhook; chunks are named by their hash, so a new
 * build only adds files). A file this build did not write is removed once it is a day old.
 */
async function bundle(name: string, entryPoints: Record<string, string>, external: string[]) {
  const outdir = join(root, "dist", name);
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: "[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node22",
    external,
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
    if (existsSync(file.path) && readFileSync(file.path, "utf8") === text) continue;
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, file.path);
    if (process.argv.includes("--sizes")) console.log(`${file.path.slice(root.length + 1).padEnd(40)} ${String(text.length).padStart(9)} B`);
  }
  const written = new Set((result.outputFiles ?? []).map((f) => f.path));
  const dayAgo = Date.now() - 86_400_000;
  for (const entry of readdirSync(outdir)) {
    const path = join(outdir, entry);
    // Another run pruning at the same moment may have removed it already.
    const age = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (!written.has(path) && age < dayAgo) rmSync(path, { force: true });
  }
}

// The read worker beside every entry: src/platform/off-thread-node.ts starts ./read-worker.js from the bundle's directory.
const readWorker = { "read-worker": "src/read-worker.ts" };
// The native driver stays in node_modules; the bench's own tools (a bundler, a browser driver, the
// load generator) and db:migrate's wrangler (its config reader, for --worker) too.
if (bench) await bundle("bench", { run: "bench/run.ts", "load-child": "bench/load-child.ts", ...readWorker }, ["libsql", "esbuild", "playwright-core", "autocannon"]);
else {
  await Promise.all([
    cliOnly ? null : bundle("server", { node: "src/node.ts", ...readWorker }, ["libsql"]),
    bundle("cli", { ...COMMANDS, ...readWorker }, ["libsql", "wrangler"]),
  ]);
}
