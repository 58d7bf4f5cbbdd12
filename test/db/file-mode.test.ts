import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openDatabase, ownerOnlyDatabaseFile } from "../../src/db/node";

/** The embedded database file holds all personal data: readable by its owner only, as secrets.key is. */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsuzuku-file-mode-"));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});
const modeOf = (file: string) => statSync(file).mode & 0o777;

describe.skipIf(process.platform === "win32")("the embedded database file's mode", () => {
  it("a new database, its -wal and its -shm are created 0600, whatever the umask lets through", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const previous = process.umask(0o022); // what most shells set: a plain create would be 0644
    try {
      mkdirSync(join(dir, "data"));
      const file = join(dir, "data", "tsuzuku.db");
      const db = await openDatabase(`file:${file}`);
      await db.client.execute("CREATE TABLE t (x)");
      await db.client.execute("INSERT INTO t VALUES (1)");
      expect(modeOf(file).toString(8)).toBe("600");
      expect(modeOf(`${file}-wal`).toString(8)).toBe("600");
      expect(modeOf(`${file}-shm`).toString(8)).toBe("600");
      db.client.close();
    } finally {
      process.umask(previous);
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it("an existing file readable by others is left as it is, with one line saying so; an owner-only one says nothing", () => {
    const shared = join(dir, "shared.db");
    writeFileSync(shared, "");
    chmodSync(shared, 0o644);
    const lines: string[] = [];
    expect(ownerOnlyDatabaseFile(shared, { warn: true, log: (l) => lines.push(l) })).toBe(false);
    expect(modeOf(shared).toString(8)).toBe("644");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/shared\.db is readable by other users \(mode 0644\).*chmod 600/);
    chmodSync(shared, 0o600);
    expect(ownerOnlyDatabaseFile(shared, { warn: true, log: (l) => lines.push(l) })).toBe(false);
    expect(lines).toHaveLength(1);
  });
});
