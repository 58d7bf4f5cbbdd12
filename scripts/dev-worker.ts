import { nodeConfig } from "../src/config";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEMO_API_KEY } from "../src/demo/seed";
import { sqldTail, startDevDatabase } from "./dev-database";

/**
 * `npm run dev:worker`: the Workers runtime locally. Starts a real libSQL server (sqld, the server
 * Turso runs) on a free loopback port with its data in ./data/sqld, migrates and seeds it, then
 * runs `wrangler dev` with DATABASE_URL pointing at it. The terminal shows wrangler's output, not
 * sqld's (scripts/dev-database.ts), unless sqld fails: then its last lines.
 */
const dataDir = resolve("data");
mkdirSync(dataDir, { recursive: true });
const sqld = await startDevDatabase(dataDir).catch((e: unknown) => {
  console.error(`dev:worker: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
const url = sqld.url;
console.log(`sqld on ${url}; demo key: ${DEMO_API_KEY}`);

// As `npm start` reads it (src/config.ts): a loopback receiver (a local test endpoint) is refused on workerd otherwise.
const loopback = process.env.WEBHOOKS_ALLOW_LOOPBACK === "1" ? ["--var", "WEBHOOKS_ALLOW_LOOPBACK:1"] : [];
// The secret goes to wrangler in an env file readable by this user only, not on its command line
// (where `ps` shows it to every user of the machine).
const secrets = resolve(dataDir, "dev-worker.vars");
writeFileSync(secrets, `SECRETS_KEY=${JSON.stringify(devSecretsKey())}\n`, { mode: 0o600 });
chmodSync(secrets, 0o600);
// Demo mode, as `npm start` on a new local database: the seeded demo shop's my-page and console login are served.
const wrangler = spawn(resolve("node_modules/.bin/wrangler"), ["dev", "--var", `DATABASE_URL:${url}`, "--var", "SEED_DEMO:1", "--env-file", secrets, ...loopback, "--port", process.env.PORT ?? "8787", "--ip", "127.0.0.1"], {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, // no network here for telemetry
});
const stop = () => {
  wrangler.kill();
  void sqld.stop();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", (code) => {
  void sqld.stop().then(() => process.exit(code ?? 0));
});
// sqld ending on its own (a crash, a full disk) leaves the Worker without its database: say why and stop.
sqld.onExit((how) => {
  console.error(`dev:worker: sqld ${how}; its last lines:\n${sqldTail(sqld)}`);
  wrangler.kill();
  process.exitCode = 1;
});

/** The same key file `npm start` keeps beside an embedded database, here beside ./data/sqld. */
function devSecretsKey(): string {
  return process.env.SECRETS_KEY ?? nodeConfig({ ...process.env, DATABASE_URL: "file:./data/sqld/dev.db" }).secretsKey();
}
