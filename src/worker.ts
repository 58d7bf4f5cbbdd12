import { createClient } from "@libsql/client/web";
import type { ExecutionContext } from "hono";
import { createApp } from "./app";
import { createDatabase } from "./db/client";
import { runMaintenance } from "./maintenance";
import type { Services } from "./platform/env";

/** Worker bindings: the libSQL server (Turso in production) as a var and a secret. */
export type WorkerEnv = {
  DATABASE_URL: string;
  DATABASE_AUTH_TOKEN?: string;
};

// One client per bindings object, i.e. per isolate and configuration; config arrives with the
// first request, never at module load.
const servicesByEnv = new WeakMap<WorkerEnv, Services>();

function servicesFor(env: WorkerEnv): Services {
  let services = servicesByEnv.get(env);
  if (!services) {
    if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not configured for this Worker");
    const client = createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN });
    services = { db: createDatabase(client), now: () => new Date() };
    servicesByEnv.set(env, services);
  }
  return services;
}

const app = createApp((c) => servicesFor(c.env as WorkerEnv));

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext) {
    const response = await app.fetch(request, env, ctx);
    // A write may have queued webhook events: deliver them now rather than at the next cron tick.
    if (request.method !== "GET" && response.status < 400) ctx.waitUntil(runMaintenance(servicesFor(env).db).catch((e) => console.error("maintenance", e)));
    return response;
  },
  async scheduled(_controller: unknown, env: WorkerEnv, ctx: ExecutionContext) {
    ctx.waitUntil(runMaintenance(servicesFor(env).db));
  },
};
