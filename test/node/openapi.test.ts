import { Validator } from "@seriousme/openapi-schema-validator";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openApiJson } from "../../src/app";
import { CONSOLE_SUPERVISOR_READS, CONSOLE_WRITES } from "../../src/platform/auth";
import { ERROR_STATUS } from "../../src/platform/errors";

const committed = readFileSync(new URL("../../openapi.json", import.meta.url), "utf8");
type Op = { summary?: string; operationId?: string; requestBody?: { content: Record<string, { example?: unknown }> }; responses: Record<string, unknown>; security?: unknown[] };

describe("openapi.json", () => {
  it("is what the routes generate (run `npm run openapi` after changing a route)", () => {
    expect(committed).toBe(openApiJson());
  });

  it("names every write a console session may make, and every read it keeps for supervisors, as an operation it documents (platform/auth CONSOLE_WRITES, CONSOLE_SUPERVISOR_READS): a renamed route cannot silently leave the console refused, or an operator let through", () => {
    const doc = JSON.parse(committed) as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)));
    expect([...CONSOLE_WRITES, ...CONSOLE_SUPERVISOR_READS].filter((op) => !documented.has(op))).toEqual([]);
  });

  it("names every problem code a client can get (platform/errors ERROR_STATUS), including those no operation lists and a batch item's", () => {
    // In the table, raised by nothing: a request that cannot be read is `invalid_json`, a missing record names its kind.
    const unused = new Set(["invalid_request", "not_found"]);
    const undocumented = Object.keys(ERROR_STATUS).filter((code) => !unused.has(code) && !committed.includes(`\`${code}\``) && !committed.includes(`"${code}"`));
    expect(undocumented).toEqual([]);
  });

  it("declares Idempotency-Key on every write whose answer a replay gives back (a DELETE too: trial50's typed client refused the header there), and names every operation's scope in x-required-scope", () => {
    const doc = JSON.parse(committed) as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, { headers?: Record<string, unknown> }>; "x-required-scope"?: string }>> };
    const undeclared: string[] = [];
    const unscoped: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith("/v1/")) continue;
      for (const [method, op] of Object.entries(item)) {
        if (!["read", "write", "admin"].includes(op["x-required-scope"] ?? "")) unscoped.push(`${method} ${path}`);
        const replays = Object.values(op.responses).some((r) => r.headers && "Idempotent-Replayed" in r.headers);
        if (replays && !op.parameters?.some((p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key")) undeclared.push(`${method} ${path}`);
      }
    }
    expect(undeclared).toEqual([]);
    expect(unscoped).toEqual([]);
  });

  it("validates as OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(committed));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has no description built from a missing text (\"undefined …\")", () => {
    const bad: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (Array.isArray(node)) return node.forEach((v, i) => visit(v, `${path}/${i}`));
      if (!node || typeof node !== "object") return;
      for (const [k, v] of Object.entries(node)) {
        if ((k === "description" || k === "summary") && typeof v === "string" && /\bundefined\b/.test(v)) bad.push(`${path}: ${v.slice(0, 60)}`);
        else visit(v, `${path}/${k}`);
      }
    };
    visit(JSON.parse(committed), "");
    expect(bad).toEqual([]);
  });

  it("gives every operation an id, a summary, body examples and its error responses", () => {
    const doc = JSON.parse(committed) as { paths: Record<string, Record<string, Op>> };
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const at = `${method.toUpperCase()} ${path}`;
        if (!op.operationId) problems.push(`${at}: operationId`);
        if (!op.summary) problems.push(`${at}: summary`);
        if (op.requestBody && !Object.values(op.requestBody.content).every((c) => c.example !== undefined)) problems.push(`${at}: body example`);
        const statuses = Object.keys(op.responses);
        if (!statuses.some((s) => s.startsWith("2"))) problems.push(`${at}: success response`);
        if (op.security?.length) {
          for (const s of ["401", "403", "500"]) if (!statuses.includes(s)) problems.push(`${at}: ${s}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
