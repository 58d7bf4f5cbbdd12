import { databaseFailure } from "./client";

/** A DATABASE_URL as it may be printed: without its query, where a libSQL URL may carry `?authToken=`. */
export const printableUrl = (url: string) => url.replace(/\?.*$/, "");

/**
 * A libSQL server (Turso, sqld) that refuses the credentials or cannot be reached, said in one line
 * for whoever runs a command (`npm start`, `db:migrate`, `tenant:create`), instead of the driver's
 * error chain (`DrizzleQueryError` → `LibsqlError` → `HttpServerError`, with the failed query).
 * What counts as which is db/client's `databaseFailure`, as for the API's 503 answers; this only words
 * it for a terminal.
 *
 * `err`: what a database call threw; `url`: the DATABASE_URL it was made to, printed without its
 * query (a libSQL URL may carry `?authToken=`); `hasToken`: whether DATABASE_AUTH_TOKEN was given.
 * The token itself is never printed. Undefined when `err` is neither (a bug, a constraint, an
 * embedded file's error): that keeps its stack.
 */
export function databaseServerProblem(err: unknown, url: string, hasToken: boolean): string | undefined {
  const at = printableUrl(url);
  const chain: unknown[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 8; e = e.cause) chain.push(e);
  // @libsql/hrana-client's HttpServerError carries the server's HTTP status.
  const status = chain.map((e) => (e as { status?: unknown }).status).find((s): s is number => typeof s === "number");
  const failure = databaseFailure(err);
  if (failure === "credentials") {
    return hasToken
      ? `The database at ${at} refused DATABASE_AUTH_TOKEN (HTTP ${status}): set it to a current token for this database (\`turso db tokens create <database>\`).`
      : `The database at ${at} asks for credentials (HTTP ${status}) and DATABASE_AUTH_TOKEN is not set: export the database's token (\`turso db tokens create <database>\`).`;
  }
  if (failure === "unreachable" || failure === "timeout") {
    // The innermost cause says why: ECONNREFUSED, ENOTFOUND, a timeout, the server's 5xx.
    const cause = chain[chain.length - 1] as (Error & { code?: unknown }) | undefined;
    const reason = status !== undefined ? `HTTP ${status}` : typeof cause?.code === "string" ? cause.code : failure === "timeout" ? "no answer in time" : cause === undefined || cause.message === "fetch failed" ? "no answer" : cause.message;
    return `Could not reach the database at ${at} (${reason}): check DATABASE_URL and that the server is up.`;
  }
  if (failure === "busy") return `The database at ${at} was busy with other writes and rolled this one back (nothing was written): run the command again.`;
  if (status !== undefined) return `The database at ${at} answered HTTP ${status}: check DATABASE_URL (the database's name and host).`;
  return undefined;
}
