import { dirname, resolve } from "node:path";
import { StartupRefusal } from "./refusal";

/** The directory of the default DATABASE_URL (`file:./data/tsuzuku.db`), relative to the working directory. */
export const DEFAULT_DATA_DIRECTORY = "data";

/**
 * What opening the embedded file at `path` may do about its directory: "create" only the default
 * directory (./data, so `npm start` needs nothing first), "exists" when it is there; any other
 * missing directory is a refusal. A mistyped DATABASE_URL would otherwise get a new, empty — and
 * healthy-looking — database, and `file:/nonexistent/dir/a.db` would create /nonexistent/dir.
 * Pure: `directoryExists` says what the disk holds, `cwd` what `./` is.
 */
export function databaseDirectory(path: string, cwd: string, directoryExists: (dir: string) => boolean): "exists" | "create" | StartupRefusal {
  const dir = dirname(resolve(cwd, path));
  if (directoryExists(dir)) return "exists";
  if (dir === resolve(cwd, DEFAULT_DATA_DIRECTORY)) return "create";
  return new StartupRefusal(
    `DATABASE_URL=file:${path}: the directory ${dir} does not exist, so no database is there. Check the path for a typo; for a new database there, create the directory first (mkdir -p ${dir}).`,
  );
}

/** The one line start-up says when it created the database file, so a mistyped path shows in the log. */
export const createdDatabaseLine = (path: string) => `Created a new, empty database file ${resolve(path)}`;

/**
 * An embedded file SQLite cannot use, said in one line naming the file, instead of the driver's
 * error and stack. Undefined for any other error.
 */
export function databaseFileProblem(err: unknown, url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  const file = url.slice("file:".length).replace(/\?.*$/, "");
  const codes: string[] = [];
  for (let e: unknown = err; e instanceof Error && codes.length < 8; e = e.cause) codes.push(String((e as { code?: unknown }).code ?? ""));
  const code = codes.find((c) => /^SQLITE_(NOTADB|CORRUPT|CANTOPEN|READONLY|PERM|IOERR)/.test(c));
  if (!code) return undefined;
  const at = resolve(file);
  if (code.startsWith("SQLITE_NOTADB")) return `DATABASE_URL=file:${file}: ${at} is not a database (${code}). Check the path; to go back to a backup, see the README's "Upgrading, backups and going back".`;
  if (code.startsWith("SQLITE_CORRUPT")) return `DATABASE_URL=file:${file}: ${at} is damaged (${code}). Restore the latest backup (README, "Upgrading, backups and going back").`;
  return `DATABASE_URL=file:${file}: ${at} cannot be opened or written by this user (${code}). Check the file's and its directory's owner and permissions.`;
}
