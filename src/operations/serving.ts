import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { embeddedFile } from "../db/node";

/**
 * Which servers serve an embedded database file, so that a command that must run with the service
 * stopped (`secrets:rotate`: a server left on the old key stores no secret until restarted) can
 * refuse beside one instead of leaving it degraded. Each `npm start` on a `file:` database writes
 * `<file>.serving-<pid>` beside it ({ pid, startedAt, address }) and removes it when it exits; a
 * marker whose process is gone (a crash, a kill -9) is stale and ignored. Several servers may share
 * a file (SQLite's WAL allows it), hence one marker each. A libSQL server (Turso, sqld) has no such
 * marker: the commands cannot see the Workers or servers using it.
 */
export type Serving = { pid: number; startedAt: string; address: string };

const PREFIX = ".serving-";

/** Writes this process's marker beside the database's file (none for a libSQL server); returns what removes it. */
export function markServing(url: string, address: string, now = new Date()): () => void {
  const file = embeddedFile(url);
  if (!file) return () => undefined;
  const marker = `${file}${PREFIX}${process.pid}`;
  const serving: Serving = { pid: process.pid, startedAt: now.toISOString(), address };
  writeFileSync(marker, JSON.stringify(serving) + "\n", { mode: 0o600 });
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    rmSync(marker, { force: true });
  };
  // Synchronous, so it runs on every exit the process makes itself (a refusal, a second signal's exit 1).
  process.once("exit", remove);
  return remove;
}

/** The servers running on the database's file now, by their markers (stale ones left out); [] for a libSQL server. */
export function servingProcesses(url: string): Serving[] {
  const file = embeddedFile(url);
  if (!file) return [];
  const name = basename(file) + PREFIX;
  let entries: string[];
  try {
    entries = readdirSync(dirname(file));
  } catch {
    return [];
  }
  const found: Serving[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(name) || !/^\d+$/.test(entry.slice(name.length))) continue;
    try {
      const serving = JSON.parse(readFileSync(join(dirname(file), entry), "utf8")) as Serving;
      if (Number.isInteger(serving.pid) && serving.pid !== process.pid && alive(serving.pid)) found.push(serving);
    } catch {
      // A marker being written or removed as we read: not a server to name.
    }
  }
  return found.sort((a, b) => a.pid - b.pid);
}

/** Signal 0 tests that a process exists without touching it; EPERM: it exists under another user. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
