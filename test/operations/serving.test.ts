import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { markServing, servingProcesses } from "../../src/operations/serving";

const dir = mkdtempSync(join(tmpdir(), "tsuzuku-serving-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that stays up until killed: another server, as far as the markers can tell. */
const children: ChildProcess[] = [];
const another = () => {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  children.push(child);
  return child;
};
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

describe("the servers serving an embedded database (secrets:rotate refuses beside one)", () => {
  it("a server's marker names its pid, address and start, and is gone once removed", () => {
    const file = join(dir, "own.db");
    const remove = markServing(`file:${file}`, "http://127.0.0.1:8787", new Date("2026-12-05T00:00:00Z"));
    const marker = `${file}.serving-${process.pid}`;
    expect(JSON.parse(readFileSync(marker, "utf8"))).toEqual({ pid: process.pid, startedAt: "2026-12-05T00:00:00.000Z", address: "http://127.0.0.1:8787" });
    remove();
    expect(existsSync(marker)).toBe(false);
  });

  it("finds another live process's marker, and ignores it once that process is gone (a crash leaves a stale one)", async () => {
    const file = join(dir, "shared.db");
    const server = another();
    await new Promise((r) => server.once("spawn", r));
    writeFileSync(`${file}.serving-${server.pid}`, JSON.stringify({ pid: server.pid, startedAt: "2026-12-05T00:00:00.000Z", address: "http://127.0.0.1:8787" }));
    // Another database's marker in the same folder is not this one's.
    writeFileSync(join(dir, `other.db.serving-${server.pid}`), JSON.stringify({ pid: server.pid, startedAt: "x", address: "y" }));
    expect(servingProcesses(`file:${file}`)).toEqual([{ pid: server.pid, startedAt: "2026-12-05T00:00:00.000Z", address: "http://127.0.0.1:8787" }]);
    server.kill("SIGKILL");
    await new Promise((r) => server.once("exit", r));
    expect(servingProcesses(`file:${file}`)).toEqual([]);
  });

  it("a libSQL server's database has no markers: nothing is written beside any file", () => {
    // A URL read as a path would land in the working directory.
    const before = readdirSync(process.cwd());
    markServing("libsql://shop.turso.io", "x");
    markServing("file::memory:", "x");
    expect(readdirSync(process.cwd())).toEqual(before);
    expect(servingProcesses("http://127.0.0.1:8080")).toEqual([]);
  });
});
