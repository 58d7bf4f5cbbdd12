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
