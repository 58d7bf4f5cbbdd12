/**
 * A libSQL server (Turso, sqld) that refuses the credentials or cannot be reached, said in one line
 * for whoever runs a command (`npm start`, `db:migrate`, `tenant:create`), instead of the driver's
 * error chain (`DrizzleQueryError` → `LibsqlError` → `HttpServerError`, with the failed query).
 *
 * `err`: what a database call threw; `url`: the DATABASE_URL it was made to, printed without its
 * query (a libSQL URL may carry `?authToken=`); `hasToken`: whether DATABASE_AUTH_TOKEN was given.
 * The token itself is never printed. Undefined when `err` is neither (a bug, a constraint, an
 * embedded file's error): that keeps its stack.
 */
export function databaseServerProblem(err: unknown, url: string, hasToken: boolean): string | undefined {
  const at = url.replace(/\?.*$/, "");
  const where = `The database at ${at}`;
  const chain: unknown[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 8; e = e.cause) chain.push(e);
  // @libsql/hrana-client's HttpServerError carries the server's HTTP status.
  const status = chain.map((e) => (e as { status?: unknown }).status).find((s): s is number => typeof s === "number");
  if (status === 401 || status === 403) {
    return hasToken
      ? `${where} refused DATABASE_AUTH_TOKEN (HTTP ${status}): set it to a current token for this database (\`turso db tokens create <database>\`).`
      : `${where} asks for credentials (HTTP ${status}) and DATABASE_AUTH_TOKEN is not set: export the database's token (\`turso db tokens create <database>\`).`;
  }
  if (status !== undefined) return `${where} answered HTTP ${status}: check DATABASE_URL (the database's name and host).`;
  // fetch's "fetch failed" (TypeError) over the system's reason: ECONNREFUSED, ENOTFOUND, a timeout, a port fetch refuses.
  const network = chain.findIndex((e) => e instanceof TypeError && e.message === "fetch failed");
  if (network >= 0) {
    const cause = chain[chain.length - 1] as Error & { code?: unknown };
    const reason = network === chain.length - 1 ? "no answer" : typeof cause.code === "string" ? cause.code : cause.message;
    return `Could not reach the database at ${at} (${reason}): check DATABASE_URL and that the server is up.`;
  }
  return undefined;
}
