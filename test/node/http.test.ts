import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpSuite } from "../http";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

let h: NodeHarness;
beforeAll(async () => {
  h = await nodeHarness();
});

httpSuite(() => h);

describe("the OpenAPI document covers every answer the suite saw", () => {
  it("documents each status and error code per operation", async () => {
    const doc = (await (await h.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp("^" + path.replace(/\{\w+\}/g, "[^/]+") + "$"),
        path,
        op,
      })),
    );
    const missing: string[] = [];
    for (const s of h.seen) {
      const route = routes.find((r) => r.method === s.method && r.pattern.test(s.path.split("?")[0]!));
      if (!route) continue; // unknown routes and methods: answered by the router, not an operation
      const response = route.op.responses[String(s.status)];
      if (!response) missing.push(`${s.method} ${route.path}: status ${s.status}`);
      else if (s.code && !response.description.includes(`\`${s.code}\``)) missing.push(`${s.method} ${route.path}: ${s.status} ${s.code}`);
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});

afterAll(() => h.close());
