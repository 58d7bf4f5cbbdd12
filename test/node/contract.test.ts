import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ajvCheck, openApiAjv } from "../support/ajv";
import { cfworkerCheck } from "../support/cfworker";
import { contractViolations, DOCUMENT_ID, resolved, undeclaredMembers } from "../support/contract";

const doc = JSON.parse(readFileSync(new URL("../../openapi.json", import.meta.url), "utf8"));
const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** Every example in the document with the schema it must satisfy, as JSON pointers. */
function examples(): { at: string; schema: string; value: unknown }[] {
  const out: { at: string; schema: string; value: unknown }[] = [];
  const schemaWalk = (node: any, ptr: string) => {
    if (!node || typeof node !== "object") return;
    if ("example" in node) out.push({ at: ptr + "/example", schema: ptr, value: node.example });
    for (const key of ["properties", "patternProperties", "$defs"]) for (const [k, v] of Object.entries(node[key] ?? {})) schemaWalk(v, `${ptr}/${key}/${escape(k)}`);
    for (const key of ["items", "additionalProperties", "not"]) if (node[key] && typeof node[key] === "object") schemaWalk(node[key], `${ptr}/${key}`);
    for (const key of ["anyOf", "allOf", "oneOf", "prefixItems"]) (node[key] ?? []).forEach((v: unknown, i: number) => schemaWalk(v, `${ptr}/${key}/${i}`));
  };
  const withSchema = (node: any, ptr: string) => {
    if (!node?.schema) return;
    schemaWalk(node.schema, `${ptr}/schema`);
    if ("example" in node) out.push({ at: ptr + "/example", schema: `${ptr}/schema`, value: node.example });
    // A shared example (#/components/examples/<code>) is checked against each schema that uses it.
    for (const [name, ex] of Object.entries<any>(node.examples ?? {})) out.push({ at: ex.$ref ?? `${ptr}/examples/${name}`, schema: `${ptr}/schema`, value: resolved<any>(ex, doc).value });
  };
  for (const [name, schema] of Object.entries(doc.components.schemas)) schemaWalk(schema, `#/components/schemas/${escape(name)}`);
  for (const [name, header] of Object.entries<any>(doc.components.headers)) withSchema(header, `#/components/headers/${escape(name)}`);
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const base = `#/paths/${escape(path)}/${method}`;
      (op.parameters ?? []).forEach((p: unknown, i: number) => withSchema(p, `${base}/parameters/${i}`));
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) withSchema(media, `${base}/requestBody/content/${escape(type)}`);
      for (const [status, res] of Object.entries<any>(op.responses)) {
        for (const [type, media] of Object.entries(res.content ?? {})) withSchema(media, `${base}/responses/${status}/content/${escape(type)}`);
      }
    }
  }
  // The problem responses operations share, written once.
  for (const [name, res] of Object.entries<any>(doc.components.responses ?? {})) {
    for (const [type, media] of Object.entries(res.content ?? {})) withSchema(media, `#/components/responses/${escape(name)}/content/${escape(type)}`);
  }
  return out;
}

describe("openapi.json as third-party tools read it", () => {
  it("every example validates against its own schema (JSON Schema 2020-12, Ajv)", () => {
    const ajv = openApiAjv();
    const all = examples();
    expect(all.length).toBeGreaterThan(100);
    // One compiled validator per schema: many examples share one (and compiling is the slow part).
    const validators = new Map<string, ReturnType<typeof ajv.compile>>();
    const wrong = all.flatMap(({ at, schema, value }) => {
      let validate = validators.get(schema);
      if (!validate) validators.set(schema, (validate = ajv.compile({ $ref: DOCUMENT_ID + schema })));
      return validate(value) ? [] : [`${at}: ${ajv.errorsText(validate.errors)}`];
    });
    expect(wrong).toEqual([]);
  }, 60_000);

  it("every pattern is a plain ECMAScript regex (no /flags leaked in) and the ids the API issues match theirs", () => {
    const patterns: string[] = [];
    JSON.stringify(doc, (k, v) => (k === "pattern" && typeof v === "string" ? (patterns.push(v), v) : v));
    expect(patterns.filter((p) => /\/[dgimsuvy]+$/.test(p))).toEqual([]);
    for (const p of patterns) expect(() => new RegExp(p, "u")).not.toThrow();
    const offerId = new RegExp(doc.components.schemas.OfferId?.pattern ?? JSON.stringify(doc).match(/"(\^off_[^"]+)"/)![1], "u");
    expect(offerId.test("off_skip_next")).toBe(true);
  });

  it("no nullable member hides in allOf, and no allOf only adds a description", () => {
    const found: string[] = [];
    JSON.stringify(doc, (k, v) => {
      if (k === "allOf" && Array.isArray(v)) {
        const other = v.find((s: any) => !s.$ref);
        if (other && (JSON.stringify(other.type ?? "").includes("null") || Object.keys(other).every((key) => key === "description"))) found.push(JSON.stringify(v).slice(0, 120));
      }
      return v;
    });
    expect(found).toEqual([]);
  });

  it("every schema made of anyOf/oneOf/allOf states its type: the /docs viewer (Scalar) reports one without as a document validation error", () => {
    const resolve = (s: any) => (s?.$ref ? doc.components.schemas[s.$ref.split("/").pop()] : s);
    // A union with a literal branch (`true`, an enum of strings) keeps no type: openapi-typescript would read `type: boolean` as any boolean.
    const literal = (s: any) => ("const" in resolve(s) || "enum" in resolve(s)) && !["object", "array", "null"].includes(resolve(s).type);
    const untyped: string[] = [];
    const walk = (node: any, at: string) => {
      if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${at}/${i}`));
      if (!node || typeof node !== "object") return;
      const union = node.anyOf ?? node.oneOf;
      if ((union || node.allOf) && node.type === undefined && !(union ?? []).some(literal)) untyped.push(at);
      for (const [k, v] of Object.entries(node)) if (k !== "example" && k !== "examples") walk(v, `${at}/${escape(k)}`);
    };
    walk(doc.components, "#/components");
    walk(doc.paths, "#/paths");
    walk(doc.webhooks, "#/webhooks");
    expect(untyped).toEqual([]);
    // The nullable reference says so twice: in its type and in its branches.
    expect(doc.components.schemas.PlanChangeResult.properties.change).toMatchObject({ type: ["object", "null"], anyOf: [{ $ref: "#/components/schemas/Change" }, { type: "null" }] });
  });

  it("Spectral's spectral:oas ruleset reports no error and no warning (.spectral.yaml)", () => {
    const root = new URL("../..", import.meta.url).pathname;
    const run = spawnSync(root + "node_modules/.bin/spectral", ["lint", "openapi.json", "--ruleset", ".spectral.yaml", "-f", "json", "--quiet"], { cwd: root, encoding: "utf8", timeout: 110_000 });
    const results = JSON.parse(run.stdout || "[]") as { code: string; severity: number; path: string[]; message: string }[];
    // Severity 0 is an error, 1 a warning.
    expect(results.filter((r) => r.severity <= 1).map((r) => `${r.code} ${r.path.join(".")}: ${r.message}`)).toEqual([]);
  }, 120_000);

  it("the servers entry is relative, so Try-it reaches whichever host served /docs", () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: "/" })]);
  });
});

describe("the answer check itself", () => {
  const problem = { type: "https://tsuzuku.dev/errors/subscription_not_canceled", title: "t", status: 409, detail: "d", code: "subscription_not_canceled", instance: "/v1/subscriptions/S-1/reactivate" };
  const problemHeaders = { "content-type": "application/problem+json", "x-request-id": "req-1", "content-language": "en" };
  const res = (body: unknown, status = 409) => ({ status, headers: new Headers(problemHeaders), body, text: JSON.stringify(body) });
  for (const [name, check] of [
    ["Ajv", ajvCheck()],
    ["@cfworker/json-schema", cfworkerCheck()],
  ] as const) {
    it(`${name}: refuses what a partner's validator would — a status overwritten, an undocumented member or status, a null the schema forbids`, () => {
      const at = "/v1/subscriptions/S-1/reactivate";
      expect(contractViolations(check, "POST", at, res({ ...problem, subscriptionStatus: "active" }))).toEqual([]);
      expect(contractViolations(check, "POST", at, res({ ...problem, status: "active" })).join()).toMatch(/status/);
      expect(contractViolations(check, "POST", at, res({ ...problem, colour: "blue" })).join()).toMatch(/colour/);
      expect(contractViolations(check, "POST", at, res(problem, 418)).join()).toMatch(/not documented/);
      const sub = { ...doc.components.schemas.Subscription };
      const wrong = contractViolations(check, "GET", "/v1/subscriptions/S-1", { status: 200, headers: new Headers({ "content-type": "application/json" }), body: { id: null }, text: "{}" });
      expect(wrong.length, JSON.stringify(sub).slice(0, 10)).toBeGreaterThan(0);
    });

    it(`${name}: holds headers to the response that sends them — undeclared, required and missing, or a value its schema refuses`, () => {
      const customer = { id: "C-1", name: "佐藤 花子", email: null, phone: null, locale: "ja", marketingConsent: false, createdAt: "2026-11-23T04:15:00.000Z", updatedAt: "2026-11-23T04:15:00.000Z" };
      const answer = (status: number, headers: Record<string, string>, body: unknown = customer) => ({ status, headers: new Headers(headers), body, text: JSON.stringify(body) });
      const ok = { "content-type": "application/json", "x-request-id": "0b6b1c52-8c5e-4f0e-9a43-3f7f2f4d9e21" };
      const get = (headers: Record<string, string>) => contractViolations(check, "GET", "/v1/customers/C-1", answer(200, headers)).filter((e) => /header/.test(e));
      expect(get({ ...ok, "ratelimit-policy": '"standard";q=1200;w=60', ratelimit: '"standard";r=17;t=42', vary: "Origin", "access-control-allow-origin": "https://shop.example.jp" })).toEqual([]);
      expect(get({ "content-type": "application/json" }).join()).toMatch(/required header X-Request-Id is missing/);
      expect(get({ ...ok, "x-request-id": "two words" }).join()).toMatch(/X-Request-Id/);
      expect(get({ ...ok, etag: '"3"' }).join()).toMatch(/header etag is not documented/); // only subscriptions send one
      expect(get({ ...ok, "idempotent-replayed": "true" }).join()).toMatch(/not documented/); // a read is never replayed
      expect(get({ ...ok, "x-powered-by": "Hono" }).join()).toMatch(/x-powered-by is not documented/);
      expect(get({ ...ok, ratelimit: "17" }).join()).toMatch(/RateLimit/);
      const limited = (retryAfter: string) =>
        contractViolations(check, "GET", "/v1/customers/C-1", answer(429, { ...problemHeaders, "retry-after": retryAfter }, { type: "https://tsuzuku.dev/errors/rate_limited", title: "t", status: 429, detail: "d", code: "rate_limited", limit: 5, windowSeconds: 60, retryAfterSeconds: 42 }));
      expect(limited("42")).toEqual([]);
      expect(limited("soon").join()).toMatch(/Retry-After/);
      expect(limited("0").join()).toMatch(/Retry-After/);
      expect(contractViolations(check, "GET", "/v1/customers/C-1", answer(429, problemHeaders, { type: "https://tsuzuku.dev/errors/rate_limited", title: "t", status: 429, detail: "d", code: "rate_limited" })).join()).toMatch(/required header Retry-After is missing/);
    });
  }
});

describe("every member an answer or a webhook carries is named by openapi.json", () => {
  const ref = (name: string) => [{ $ref: `#/components/schemas/${name}` }];
  const snapshot = { status: "active", quantity: 1, intervalDays: 30, nextDeliveryOn: "2026-12-05", pausedUntil: null };
  const change = (source: unknown) => ({ id: "chg_1", subscriptionId: "S-1", type: "reactivate", channel: "api", actor: { type: "key", id: "key_1" }, before: snapshot, after: snapshot, source, createdAt: "2026-11-23T04:15:00.000Z" });
  const yen = (amount: number) => ({ amount, currency: "JPY" });

  it("reports a member nobody documented inside a change's source, a step's data or an offer's terms", () => {
    const fee = { amount: yen(3000), waived: true, confirmationNumber: "CN-1", commitment: "continues" };
    expect(undeclaredMembers(ref("Change"), change({ cancelFlowId: "cf_1", cancellationFee: fee, comeback: { winbackId: "wb_1", offerId: "off_a" } }))).toEqual([]);
    expect(undeclaredMembers(ref("Change"), change({ cancelFlowId: "cf_1", internalNote: "x" }))).toEqual(["/source/internalNote"]);
    expect(undeclaredMembers(ref("Change"), change({ cancellationFee: { ...fee, ledgerRow: 7 } }))).toEqual(["/source/cancellationFee/ledgerRow"]);
    expect(undeclaredMembers(ref("CancelFlowEvidence"), { steps: [{ seq: 1, type: "cancel_confirmed", data: { receipt: { ja: "…", en: "…" }, debug: true } }] })).toEqual(["/steps/0/data/debug"]);
    const discount = { type: "discount", percentOff: 10, amountOff: null, cycles: 2, regularPrice: yen(3980), discountedPrice: yen(3582), priceAfter: yen(3980), firstDiscountedOn: "2026-12-05", lastDiscountedOn: "2027-01-04", firstFullPriceOn: "2027-02-03" };
    expect(undeclaredMembers(ref("OfferTerms"), discount)).toEqual([]);
    expect(undeclaredMembers(ref("OfferTerms"), { ...discount, regularPrice: { ...yen(3980), taxIncluded: true } })).toEqual(["/regularPrice/taxIncluded"]);
    // The type decides the branch: a pause's member is not declared on a discount.
    expect(undeclaredMembers(ref("OfferTerms"), { ...discount, resumeOn: "2027-01-04" })).toEqual(["/resumeOn"]);
  });

  it("counts an object whose schema says nothing (`{}`, a record of unknowns) as closed, and one marked `additionalProperties: true` as open", () => {
    expect(undeclaredMembers([{ type: "object", additionalProperties: {} }], { a: 1 })).toEqual(["/a"]);
    expect(undeclaredMembers([{ type: "object", properties: { x: {} } }], { x: { b: 1 } })).toEqual(["/x/b"]);
    expect(undeclaredMembers([{ type: "object", additionalProperties: { type: "integer" } }], { a: 1 })).toEqual([]);
    expect(undeclaredMembers([{ type: "object", additionalProperties: true, description: "as sent" }], { a: { b: 1 } })).toEqual([]);
  });

  it("does not look into an object open by design, and checks the others of the same union by their kind", () => {
    const item = { at: "2026-11-23T04:15:00.000Z", id: "x", type: "contact.logged", subscriptionId: null, channel: null };
    expect(undeclaredMembers(ref("TimelineItem"), { ...item, kind: "event", data: { anything: { the: "partner sent" } } })).toEqual([]);
    expect(undeclaredMembers(ref("TimelineItem"), { ...item, kind: "change", data: { before: snapshot, after: snapshot, source: null, anything: 1 } })).toEqual(["/data/anything"]);
  });

  it("leaves no object in an answer or a webhook free-form: each names its members, maps its values, or is marked open by design with a description", () => {
    const found: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${at}/${i}`));
      if (!node || typeof node !== "object") return;
      const s = node as Record<string, unknown>;
      const isObject = s.type === "object" || (Array.isArray(s.type) && s.type.includes("object"));
      if (isObject && s.properties === undefined && !s.anyOf && !s.oneOf && !s.allOf) {
        const extra = s.additionalProperties;
        const named = extra && typeof extra === "object" && Object.keys(extra).some((k) => !["description", "example", "title"].includes(k));
        if (extra === true ? typeof s.description !== "string" || s.description === "" : !named) found.push(at);
      }
      for (const [k, v] of Object.entries(s)) if (k !== "example" && k !== "examples") walk(v, `${at}/${k}`);
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) walk(schema, `#/components/schemas/${name}`);
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        for (const [status, res] of Object.entries<any>(op.responses)) {
          // A problem is open by RFC 9457 (extensions); the check names its members apart.
          for (const [type, media] of Object.entries<any>(res.content ?? {})) if (type !== "application/problem+json") walk(media.schema, `${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    for (const [type, item] of Object.entries<any>(doc.webhooks)) walk(item.post?.requestBody?.content?.["application/json"]?.schema, `webhook ${type}`);
    expect(found).toEqual([]);
  });
});
