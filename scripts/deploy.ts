import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";

/**
 * `npm run deploy` (after `npm run build`): the Worker and the database wrangler.toml names, with
 * nothing done to either while a reason to stop is known in advance:
 * 1. wrangler can deploy: `wrangler whoami --json` exits non-zero without credentials (no
 *    CLOUDFLARE_API_TOKEN and no `wrangler login`) or with refused ones — refused here, exit 2;
 * 2. the Worker bundles: `wrangler deploy --dry-run` (nothing uploaded) — a build error stops here;
 * 3. the database is migrated: scripts/migrate.ts --worker, with its own checks and one-line errors;
 * 4. `wrangler deploy`.
 * Migrating before the upload is the right order once both will run: the migrations in drizzle/ add
 * tables, columns and indexes and fill them (none so far drops or renames a table or column), so
 * the Worker still serving keeps working on the migrated schema while the new one uploads, whereas
 * a new Worker on the old schema would fail its queries. If the upload itself fails after step 3,
 * the old Worker serves the new schema; run `npm run deploy` again.
 */
const root = join(import.meta.dirname, "..");
const wrangler = join(root, "node_modules", ".bin", "wrangler");

function run(command: string, args: string[], capture: boolean): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: root, encoding: "utf8", stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
}

function stop(message: string): never {
  console.error(`deploy: ${message}\nNothing was migrated or deployed.`);
  process.exit(2);
}

/** wrangler's reason for a refusal: its `✘ [ERROR]` line, without colours. */
function reason(result: SpawnSyncReturns<string>): string {
  const text = `${result.stderr ?? ""}\n${result.stdout ?? ""}`.replace(/\x1b\[[0-9;]*m/g, "");
  return /\[ERROR\]\s*(.+)/.exec(text)?.[1]?.trim() ?? `exit code ${result.status}`;
}

const whoami = run(wrangler, ["whoami", "--json"], true);
if (whoami.status !== 0) {
  if (!process.env.CLOUDFLARE_API_TOKEN) {
    stop("wrangler has no Cloudflare credentials: CLOUDFLARE_API_TOKEN is not set and `npx wrangler login` was not run. Export an API token that can edit Workers (and CLOUDFLARE_ACCOUNT_ID if it reaches several accounts), or log in, then run `npm run deploy` again.");
  }
  stop(`wrangler could not confirm CLOUDFLARE_API_TOKEN (${reason(whoami)}): check the token, its permissions (Workers Scripts: Edit) and the network, then run \`npm run deploy\` again.`);
}

const dryRun = run(wrangler, ["deploy", "--dry-run"], true);
if (dryRun.status !== 0) {
  process.stderr.write(dryRun.stderr ?? "");
  stop("`wrangler deploy --dry-run` failed (above): the Worker does not build.");
}

// npm run deploy has built it (dist/cli/migrate.js is what `npm run db:migrate` runs).
const migrate = run(process.execPath, [join(root, "dist", "cli", "migrate.js"), "--worker"], false);
if (migrate.status !== 0) {
  console.error("deploy: the database was not migrated (above), so the Worker was not deployed.");
  process.exit(migrate.status ?? 1);
}

const deploy = run(wrangler, ["deploy"], false);
if (deploy.status !== 0) {
  console.error("deploy: the database is migrated but `wrangler deploy` failed (above); the Worker already running keeps serving (no migration drops or renames a table or column). Run `npm run deploy` again.");
  process.exit(deploy.status ?? 1);
}
