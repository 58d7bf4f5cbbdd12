import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { jsonLogLine, logSettings } from "../../src/platform/log-format";
import { buildRequest, customerBody, TEST_SECRETS_KEY, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * ACCESS_LOG=on: one JSON object per line per request, for a log shipper — the route's pattern,
 * never the path's ids, a customer's contact details or a credential. LOG_FORMAT=json: an error
 * with its stack is one line too.
 */
let h: NodeHarness;
let t: TestTenant;
const lines: string[] = [];
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  h = await nodeHarness();
  t = await h.tenant();
  app = createApp(() => ({ db: h.db, now: () => new Date(), secretsKey: TEST_SECRETS_KEY }), { accessLog: (line) => lines.push(line) });
});
afterAll(() => h.close());

const send = async (method: string, path: string, options: Parameters<typeof buildRequest>[3] = {}) => {
  lines.length = 0;
  const res = await app.request(buildRequest("http://localhost", method, path, options));
  await res.arrayBuffer();
  expect(lines).toHaveLength(1);
  return { res, entry: JSON.parse(lines[0]!) as Record<string, unknown>, line: lines[0]! };
};

describe("the access log", () => {
  it("a write: its route's pattern, status, duration, tenant and principal kind; no id from the path, no contact details, no key", async () => {
    const { res, entry, line } = await send("PUT", "/v1/customers/C-LOG-0901", { key: t.key, body: customerBody(), headers: { "idempotency-key": "log-key-1" } });
    expect(res.status).toBe(201);
    expect(entry).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestId: res.headers.get("x-request-id"),
      method: "PUT",
      route: "/v1/customers/:customerId",
      status: 201,
      ms: expect.any(Number),
      tenantId: t.id,
      principal: "key",
      // The key that made it, by its id (GET /v1/keys): who read or wrote is traceable, never the secret.
      principalId: expect.stringMatching(/^key_/),
    });
    const keys = (await h.request("GET", "/v1/keys", { key: t.key })).body.data as { id: string }[];
    expect(keys.map((k) => k.id)).toContain(entry.principalId);
    for (const secret of ["C-LOG-0901", "090", "1234-5678", "hanako", "example.jp", "佐藤", t.key, "log-key-1"]) expect(line).not.toContain(secret);
  });

  it("a refused request: its status, and no tenant or principal; an unknown path is not written out", async () => {
    const refused = await send("GET", "/v1/customers/C-LOG-0902");
    expect(refused.entry).toMatchObject({ route: "/v1/customers/:customerId", status: 401, tenantId: null, principal: null, principalId: null });
    const unknown = await send("GET", "/v1/nowhere/C-LOG-0903", { key: t.key });
    expect(unknown.entry.status).toBe(404);
    expect(unknown.line).not.toContain("C-LOG-0903");
  });

  it("ACCESS_LOG is off unless asked for; LOG_FORMAT=json writes an error with its stack as one line, without a query's parameters", () => {
    expect(logSettings({})).toEqual({ accessLog: false, json: false });
    expect(logSettings({ ACCESS_LOG: "on", LOG_FORMAT: "json" })).toEqual({ accessLog: true, json: true });
    expect(() => logSettings({ LOG_FORMAT: "xml" })).toThrow("LOG_FORMAT must be json or text");
    const failed = new Error("Failed query: select * from customers where phone = ?\nparams: 09012345678");
    const line = jsonLogLine("error", ["[4f1c2a9e-0b7d-4c1e-9a55-2f0e7c1d3b6a] PUT /v1/customers/C-1", failed], new Date("2026-12-03T01:00:00Z"));
    expect(line.split("\n")).toHaveLength(1);
    const parsed = JSON.parse(line) as Record<string, string>;
    expect(parsed).toMatchObject({ time: "2026-12-03T01:00:00.000Z", level: "error", requestId: "4f1c2a9e-0b7d-4c1e-9a55-2f0e7c1d3b6a" });
    expect(parsed.message).toContain("at ");
    expect(parsed.message).not.toContain("09012345678");
  });
});
