import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm run dev:worker`'s database step (scripts/dev-database.ts) as the command runs it, in a
 * process of its own so that everything it and sqld write to the terminal is seen.
 */
const root = resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function prepare(dataDir: string): Promise<{ status: number | null; output: string }> {
  const script = `import("./scripts/dev-database.ts").then(async ({ startDevDatabase }) => {
    const sqld = await startDevDatabase(process.argv[1]);
    console.log("ready " + sqld.url);
    await sqld.stop();
  }).catch((e) => { console.error(e.message); process.exit(1); });`;
  const child = spawn(join(root, "node_modules/.bin/tsx"), ["-e", script, dataDir], { cwd: root });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((done) => child.on("close", (status) => done({ status, output })));
}

describe("npm run dev:worker's sqld", () => {
  it("migrates and seeds the demo shop with none of sqld's lines in the terminal (it wrote an INFO line per slow insert)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tsuzuku-dev-"));
    dirs.push(dataDir);
    const first = await prepare(dataDir);
    expect(first.output).toMatch(/^ready http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(first.status).toBe(0);
    // The shop's data is its owner's alone, as the embedded file is: no file sqld wrote is readable by others.
    const files = (readdirSync(join(dataDir, "sqld"), { recursive: true }) as string[]).map((f) => join(dataDir, "sqld", f));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => (statSync(f).mode & 0o077) !== 0)).toEqual([]);
  }, 120_000);

  it("that cannot start says why, with sqld's last lines", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tsuzuku-dev-"));
    dirs.push(dataDir);
    // Its data directory's place is taken by a file.
    writeFileSync(join(dataDir, "sqld"), "not a directory");
    const failed = await prepare(dataDir);
    expect(failed.status).toBe(1);
    expect(failed.output).toMatch(/^sqld did not start: sqld exited with code \d+ before it answered\n--- sqld output ---\n\S/);
  }, 60_000);
});
