import type { TestProject } from "vitest/node";
import { migrateDatabase, openDatabase } from "../../src/db/node";
import { startSqld } from "../support/sqld";

declare module "vitest" {
  export interface ProvidedContext {
    /** The HTTP URL of the sqld (libSQL server) the Worker under test talks to. */
    sqldUrl: string;
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
  return () => sqld.stop();
}
