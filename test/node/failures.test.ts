import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { Database } from "../../src/db/client";
import { TEST_SECRETS_KEY } from "../support/harness";

/** A database that fails every call the way a broken driver would, with internals in the message. */
const brokenDb = new Proxy({} as Database, {
  get() {
    throw new Error("SQLITE_IOERR: disk I/O error at /var/lib/tsuzuku/secret.db (stack: at Object.execute db.ts:42)");
  },
});

describe("when the database fails", () => {
  const app = createApp(() => ({ db: brokenDb, now: () => new Date(), secretsKey: TEST_SECRETS_KEY }));

  it("an API call answers 500 internal_error that says nothing internal, with the request id", async () => {
    const res = await app.request("/v1/customers/C-1", { headers: { authorization: "Bearer tsz_x", "x-request-id": "req-500" } });
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 500, code: "internal_error" });
    expect(text).toContain("req-500");
    expect(text).not.toMatch(/SQLITE|secret|\/var\/lib|stack|db\.ts/);
  });

  it("GET /health answers 503 database_unavailable", async () => {
    const res = await app.request("/health");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe("database_unavailable");
  });
});

describe("when the database server stops answering", () => {
  it("a request gives up after the timeout with 503 database_unavailable, not a hang", async () => {
    const { createServer } = await import("node:net");
    const { createClient } = await import("@libsql/client/web");
    const { createDatabase, fetchWithTimeout } = await import("../../src/db/client");
    // Accepts connections and never answers, like a wedged libSQL server.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as { port: number }).port;
      const db = createDatabase(createClient({ url: `http://127.0.0.1:${port}`, fetch: fetchWithTimeout(300) }));
      const app = createApp(() => ({ db, now: () => new Date(), secretsKey: TEST_SECRETS_KEY }));
      const res = await app.request("/v1/lookup?phone=09012345678", { headers: { authorization: "Bearer tsz_any" } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe("database_unavailable");
    } finally {
      silent.close();
    }
  });
});

describe("when the database was not migrated for this build", () => {
  it("GET /health answers 503 database_unavailable saying how many migrations are missing, and 200 once they are applied", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { migrateDatabase, openDatabase } = await import("../../src/db/node");
    const journal = (await import("../../drizzle/meta/_journal.json")).default;
    const dir = mkdtempSync(join(tmpdir(), "tsuzuku-health-"));
    const db = await openDatabase(`file:${join(dir, "empty.db")}`, undefined, { checkpoints: false });
    try {
      // A deploy that skipped `npm run db:migrate`: the database answers, its schema is missing.
      const app = createApp(() => ({ db, now: () => new Date(), secretsKey: TEST_SECRETS_KEY }));
      const before = await app.request("/health");
      expect(before.status).toBe(503);
      const problem = (await before.json()) as { code: string; detail: string };
      expect(problem.code).toBe("database_unavailable");
      expect(problem.detail).toContain(`lacks ${journal.entries.length} of this build's ${journal.entries.length} migrations`);
      expect(problem.detail).toContain("npm run db:migrate");
      await migrateDatabase(db);
      const after = await app.request("/health");
      expect(after.status).toBe(200);
      expect(await after.json()).toMatchObject({ status: "ok", database: "ok" });
    } finally {
      db.client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
