import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveOnLoopback, type Served } from "../support/browser";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * An answer given before the request body was read (413, 401, 403, 404, 415) must leave the client's
 * keep-alive connection usable, or be closed cleanly: the same client's next requests succeed.
 * A real server (@hono/node-server on a loopback port) and one undici connection, as a partner's
 * pooled HTTP client would have.
 */
let h: NodeHarness;
let served: Served;
let key: string;
let readKey: string;
beforeAll(async () => {
  h = await nodeHarness();
  served = await serveOnLoopback(h.app.fetch);
  const tenant = await h.tenant();
  key = tenant.key;
  readKey = await tenant.keyWith(["read"]);
});
afterAll(async () => {
  await served?.close();
  h?.close();
});

const big = (bytes: number) => JSON.stringify({ events: [{ id: "x", note: "a".repeat(bytes) }] });

describe("early answers on a keep-alive connection", () => {
  const cases = [
    { kind: "413 body over 1 MiB", status: 413, path: "/v1/events", auth: "good", type: "application/json", body: () => big(1_500_000) },
    { kind: "401 bad key with a large body", status: 401, path: "/v1/events", auth: "bad", type: "application/json", body: () => big(600_000) },
    { kind: "403 read-only key writing with a large body", status: 403, path: "/v1/events", auth: "read", type: "application/json", body: () => big(600_000) },
    { kind: "404 unknown route with a body", status: 404, path: "/v1/nothing-here", auth: "good", type: "application/json", body: () => big(600_000) },
    { kind: "415 body that is not JSON", status: 415, path: "/v1/events", auth: "good", type: "text/plain", body: () => "a".repeat(600_000) },
  ] as const;
  for (const c of cases) {
    it(`${c.kind}: the client's next two requests succeed`, async () => {
      const agent = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 10_000 });
      try {
        const first = await request(`${served.url}${c.path}`, {
          method: "POST",
          dispatcher: agent,
          headers: { "content-type": c.type, authorization: `Bearer ${c.auth === "good" ? key : c.auth === "read" ? readKey : "tsz_wrong"}` },
          body: c.body(),
        });
        expect(first.statusCode).toBe(c.status);
        await first.body.text();
        for (let i = 0; i < 2; i++) {
          const next = await request(`${served.url}/v1/customers/C-1`, { dispatcher: agent, headers: { authorization: `Bearer ${key}` } });
          expect(next.statusCode).toBe(404);
          expect(((await next.body.json()) as { code: string }).code).toBe("customer_not_found");
        }
      } finally {
        await agent.close();
      }
    });
  }
});
