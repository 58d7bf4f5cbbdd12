import { DEFAULT_DATABASE_URL } from "./db/node";

/** Node runtime configuration, from the environment ("Operating it" in the API contract). */
export function nodeConfig(env: NodeJS.ProcessEnv = process.env) {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  return {
    port,
    host: env.HOST ?? "127.0.0.1",
    databaseUrl,
    databaseAuthToken: env.DATABASE_AUTH_TOKEN || undefined,
    /** Demo data by default only for the embedded file; `SEED_DEMO=1` or `0` decides explicitly. */
    seedDemo: env.SEED_DEMO !== undefined ? env.SEED_DEMO === "1" || env.SEED_DEMO === "true" : databaseUrl.startsWith("file:"),
  };
}
