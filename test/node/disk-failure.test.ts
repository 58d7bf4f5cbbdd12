import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client";
import { walSync } from "../../src/db/wal-sync";
import { customerBody, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * The embedded file's disk stops confirming writes while the server runs (an SRE made the database
 * directory read-only; a failing disk answers fdatasync with EIO): every write then commits but
 * cannot be confirmed. The answers say so truly (503 `database_unavailable`, not 500), /health says
 * writes are failing until one succeeds, and a keyed write that did nothing leaves its key free.
 */
let h: NodeHarness;
let t: TestTenant;
let failing = false;

beforeAll(async () => {
  h = await nodeHarness();
  t = await h.tenant();
  // The server's own write queue, with a disk whose fdatasync fails while `failing` (the fault a
  // read-only log gave when it was opened for each sync: EACCES).
  const disk = walSync(`${h.dbPath}-wal`, async () => {
    if (failing) throw Object.assign(new Error(`EACCES: permission denied, open '${h.dbPath}-wal'`), { code: "EACCES" });
  });
  const faulty = createDatabase(h.db.client, undefined, { durable: disk });
  // services.db is this object: the app writes through the faulty queue from now on.
  h.db.write = faulty.write;
  h.db.writesFailing = faulty.writesFailing;
});
afterAll(() => h.close());

describe("writes the disk does not confirm", () => {
  it("a keyed write answers 503 saying nothing was done, /health says writes fail, and the key is free again at once", async () => {
    failing = true;
    const put = () => h.request("PUT", "/v1/customers/C-RO-1", { key: t.key, body: customerBody(), headers: { "idempotency-key": "ro-1" } });
    const refused = await put();
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe("database_unavailable");
    expect(refused.body.detail).toContain("nothing was changed");
    expect(refused.headers.get("retry-after")).toBe("5");
    expect((await h.request("GET", "/v1/customers/C-RO-1", { key: t.key })).status).toBe(404);

    const health = await h.request("GET", "/health");
    expect(health.status).toBe(503);
    expect(health.body.code).toBe("database_unavailable");
    expect(health.body.detail).toMatch(/^Writes are failing \(unconfirmed\): .* since \d{4}-\d\d-\d\dT[\d:.]+Z, last at /);

    // The disk is back: /health sees it by itself (its own small write), and the same key runs the
    // write at once (not 409 for a minute).
    failing = false;
    expect((await h.request("GET", "/health")).status).toBe(200);
    const retried = await put();
    expect(retried.status).toBe(201);
    expect((await h.request("GET", "/v1/customers/C-RO-1", { key: t.key })).status).toBe(200);
    expect((await h.request("GET", "/health")).status).toBe(200);
  });

  it("a write that committed but was not confirmed says it may or may not be kept, and it is there to read", async () => {
    failing = true;
    const put = await h.request("PUT", "/v1/customers/C-RO-2", { key: t.key, body: customerBody() });
    failing = false;
    expect(put.status).toBe(503);
    expect(put.body.code).toBe("database_unavailable");
    expect(put.body.detail).toContain("The change was committed, but the database's disk did not confirm it was written: it may or may not be kept");
    expect((await h.request("GET", "/v1/customers/C-RO-2", { key: t.key })).status).toBe(200);
  });
});
