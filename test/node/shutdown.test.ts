import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer as createNetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase } from "../../src/db/node";
import { DEMO_API_KEY, seedDemo } from "../../src/demo/seed";
import { customerBody } from "../support/harness";
import { listen } from "../../src/node-server";
import { gracefulServing, shutdownTimeoutMs, DEFAULT_SHUTDOWN_TIMEOUT_MS } from "../../src/node-shutdown";

/**
 * SIGTERM's drain (src/node-shutdown.ts) on a real socket: requests in flight — a slow upload, a
 * write waiting for its commit — are answered in full and their connections closed; an idle
 * keep-alive connection is closed; /health says draining; what outlives the timeout is cut.
 */
const TIMEOUTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };

type Raw = { socket: Socket; text: () => string; ended: Promise<void> };
/** A raw connection, so the test sends a request's bytes when it chooses and sees the connection close. */
function raw(port: number): Promise<Raw> {
  return new Promise((resolve) => {
    let text = "";
    const socket = connect(port, "127.0.0.1", () => resolve({ socket, text: () => text, ended }));
    socket.on("data", (d: Buffer) => (text += d.toString()));
    socket.on("error", () => {});
    const ended = new Promise<void>((r) => socket.once("close", () => r()));
  });
}
/** Turns of 5 ms until `check` holds (up to 20 s: a busy machine starts the server slowly). */
const until = async (check: () => boolean) => {
  for (const end = Date.now() + 20_000; Date.now() < end && !check(); ) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

let close: () => void = () => {};
afterEach(() => close());

async function serve(app: (request: Request) => Promise<Response>) {
  const serving = gracefulServing(app);
  const server = listen(serving.fetch, { port: 0, hostname: "127.0.0.1", ...TIMEOUTS });
  serving.attach(server);
  await new Promise((r) => server.once("listening", r));
  close = () => server.close();
  return { serving, port: (server.address() as AddressInfo).port };
}

describe("a graceful shutdown", () => {
  it("answers the requests in flight in full (a slow upload, a write), closes idle connections, says draining, refuses new ones with 503", async () => {
    let openGate: () => void = () => {};
    const gate = new Promise<void>((r) => (openGate = r));
    const { serving, port } = await serve(async (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/upload") return new Response(`got ${(await request.text()).length} bytes`);
      if (path === "/write") {
        await gate;
        return new Response("written");
      }
      return new Response("ok");
    });

    const idle = await raw(port);
    idle.socket.write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    await until(() => idle.text().includes("\r\n\r\nok"));
    const upload = await raw(port);
    upload.socket.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
    const write = await raw(port);
    write.socket.write("POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    await new Promise((r) => setTimeout(r, 50));

    const drain = serving.drain(5_000);
    // The idle keep-alive connection is closed at once; new connections are refused.
    await idle.ended;
    const refused = await new Promise<string>((r) => connect(port, "127.0.0.1").once("error", (e: NodeJS.ErrnoException) => r(e.code ?? "")).once("connect", () => r("connected")));
    expect(refused).toBe("ECONNREFUSED");
    const health = await serving.fetch(new Request("http://x/health"));
    expect(health.status).toBe(503);
    expect(health.headers.get("connection")).toBe("close");
    expect(await health.json()).toEqual({ status: "draining" });
    const other = await serving.fetch(new Request("http://x/v1/customers/C-1"));
    expect(other.status).toBe(503);
    expect(other.headers.get("retry-after")).toBe("1");
    expect(other.headers.get("content-type")).toContain("application/problem+json");
    const ja = await serving.fetch(new Request("http://x/v1/customers/C-1", { headers: { "accept-language": "ja-JP,ja;q=0.9" } }));
    expect(((await ja.json()) as { detail: string }).detail).toContain("停止処理中");
    expect(ja.headers.get("content-language")).toBe("ja");

    // The upload's client sends the rest of its body; the write's commit finishes.
    upload.socket.write("67890");
    openGate();
    await Promise.all([upload.ended, write.ended]);
    expect(upload.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(upload.text()).toMatch(/connection: close/i);
    expect(upload.text()).toContain("got 10 bytes");
    expect(write.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(write.text()).toContain("written");
    expect(await drain).toMatchObject({ drained: 2, cut: 0, refused: 3 });
  });

  it("cuts what is still running at the timeout, and says how many", async () => {
    const { serving, port } = await serve(() => new Promise<Response>(() => {}));
    const stuck = await raw(port);
    stuck.socket.write("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((r) => setTimeout(r, 50));
    const result = await serving.drain(100);
    await stuck.ended;
    expect(stuck.text()).toBe("");
    expect(result).toMatchObject({ drained: 0, cut: 1 });
    expect(result.ms).toBeGreaterThanOrEqual(90);
  });

  it("SHUTDOWN_TIMEOUT_MS: milliseconds, 10 s when unset, a bad value refused", () => {
    expect(shutdownTimeoutMs(undefined)).toBe(DEFAULT_SHUTDOWN_TIMEOUT_MS);
    expect(shutdownTimeoutMs("2500")).toBe(2500);
    expect(() => shutdownTimeoutMs("ten")).toThrow("SHUTDOWN_TIMEOUT_MS must be");
  });
});

describe("npm start's server (dist/server/node.js) on SIGTERM", () => {
  const root = resolve(import.meta.dirname, "../..");
  const bundle = join(root, "dist", "server", "node.js");
  const freePort = () =>
    new Promise<number>((done) => {
      const probe = createNetServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => done(port));
      });
    });

  it("answers a slow upload under way, then logs, closes and exits 0; the write is in the file; a second signal exits at once", async () => {
    expect(existsSync(bundle), "npm run build first").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "tsuzuku-shutdown-"));
    try {
      const url = `file:${join(dir, "shop.db")}`;
      const db = await openDatabase(url);
      await migrateDatabase(db);
      await seedDemo(db, { now: new Date(), customers: 5 });
      db.client.close();
      const port = await freePort();
      const child = spawn(process.execPath, [bundle], { cwd: root, env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: url, SEED_DEMO: "0", SHUTDOWN_TIMEOUT_MS: "5000" } });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
      await until(() => out.includes("Tsuzuku API on"));
      // Marked as served while it runs (secrets:rotate refuses beside it), unmarked when it stops.
      const marker = `${join(dir, "shop.db")}.serving-${child.pid}`;
      expect(JSON.parse(readFileSync(marker, "utf8"))).toMatchObject({ pid: child.pid, address: `http://127.0.0.1:${port}` });

      const body = Buffer.from(JSON.stringify(customerBody()));
      const upload = await raw(port);
      // `Expect: 100-continue`: the server's "100 Continue" says it has read the headers (the request is in flight).
      upload.socket.write(`PUT /v1/customers/C-SHUT-1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEMO_API_KEY}\r\nContent-Type: application/json\r\nIdempotency-Key: shut-1\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`);
      await until(() => upload.text().startsWith("HTTP/1.1 100 Continue"));
      upload.socket.write(body.subarray(0, 10));
      child.kill("SIGTERM");
      // Still serving what it had: the rest of the body arrives a moment later.
      await new Promise((r) => setTimeout(r, 300));
      upload.socket.write(body.subarray(10));
      await upload.ended;
      expect(upload.text(), out).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 /);
      expect(upload.text()).toMatch(/connection: close/i);
      expect(await exited, out).toBe(0);
      expect(out).toContain("SIGTERM: shutting down");
      expect(out).toMatch(/Shut down in \d+ ms: 1 request\(s\) in flight finished, 0 cut/);
      expect(existsSync(marker)).toBe(false);

      const after = await openDatabase(url);
      const row = await after.client.execute("SELECT count(*) AS n FROM customers WHERE id = 'C-SHUT-1'");
      after.client.close();
      expect(row.rows[0]!.n).toBe(1);

      // A second signal while a request holds the drain: the process exits at once, status 1.
      const again = spawn(process.execPath, [bundle], { cwd: root, env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: url, SEED_DEMO: "0" } });
      let said = "";
      again.stdout.on("data", (d: Buffer) => (said += d.toString()));
      again.stderr.on("data", (d: Buffer) => (said += d.toString()));
      const ended = new Promise<number | null>((r) => again.once("close", (code) => r(code)));
      await until(() => said.includes("Tsuzuku API on"));
      const stuck = await raw(port);
      stuck.socket.write(`PUT /v1/customers/C-SHUT-2 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEMO_API_KEY}\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`);
      await until(() => stuck.text().startsWith("HTTP/1.1 100 Continue"));
      again.kill("SIGTERM");
      await until(() => said.includes("SIGTERM: shutting down"));
      const second = performance.now();
      again.kill("SIGTERM");
      // Exit 1, not SIGABRT: the threads holding a connection end before the process does (db/threads).
      expect(await ended, said).toBe(1);
      expect(performance.now() - second).toBeLessThan(2_000);
      expect(said).toContain("SIGTERM again: exiting now");
      // Exiting at once still takes its marker away.
      expect(existsSync(`${join(dir, "shop.db")}.serving-${again.pid}`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
