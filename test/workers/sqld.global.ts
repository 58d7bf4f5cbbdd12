import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { migrateDatabase, openDatabase } from "../../src/db/node";
import { refusedLoopbackPort } from "../support/ports";
import { startSqld } from "../support/sqld";

declare module "vitest" {
  export interface ProvidedContext {
    /** The HTTP URL of the sqld (libSQL server) the Worker under test talks to. */
    sqldUrl: string;
    /** A loopback URL where nothing listens: a database server that is down. */
    downDatabaseUrl: string;
    /** A loopback server that answers every request 401, as a libSQL server refusing the token does. */
    refusingDatabaseUrl: string;
    /** A loopback server that takes every request and never answers, as a frozen sqld (`kill -STOP`) does. */
    hungDatabaseUrl: string;
  }
}

/**
 * Starts a throwaway sqld (the libSQL server Turso runs) on a free loopback port with its data in a
 * fresh temporary directory (test/support/sqld), applies the Drizzle migrations to it, and hands its
 * URL to the workers project (`inject("sqldUrl")`). Only the HTTP listener is opened, on 127.0.0.1;
 * no gRPC, admin or legacy Hrana WebSocket listeners.
 */
export default async function setup(project: TestProject) {
  let sqld;
  try {
    sqld = await startSqld();
    const db = await openDatabase(sqld.url);
    try {
      await migrateDatabase(db);
    } finally {
      db.client.close();
    }
  } catch (e) {
    await sqld?.stop();
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`could not start sqld for the workers tests: ${reason}`, { cause: e });
  }
  project.provide("sqldUrl", sqld.url);
  project.provide("downDatabaseUrl", `http://127.0.0.1:${await refusedLoopbackPort()}`);
  const refusing = createServer((_req, res) => res.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized"));
  await new Promise<void>((r) => refusing.listen(0, "127.0.0.1", r));
  project.provide("refusingDatabaseUrl", `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`);
  const hung = createServer(() => {});
  await new Promise<void>((r) => hung.listen(0, "127.0.0.1", r));
  project.provide("hungDatabaseUrl", `http://127.0.0.1:${(hung.address() as AddressInfo).port}`);
  return async () => {
    hung.closeAllConnections();
    await new Promise<void>((r) => hung.close(() => r()));
    await new Promise<void>((r) => refusing.close(() => r()));
    await sqld.stop();
  };
}
