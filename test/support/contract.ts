import openapi from "../../openapi.json";

/**
 * Holds every answer the HTTP suite receives to `openapi.json` itself — not to the zod schemas the
 * routes were written with — as a partner's validating client or gateway would. The runtime brings
 * the JSON Schema 2020-12 validator: Ajv on Node, @cfworker/json-schema in workerd (which forbids
 * the `new Function` Ajv compiles with).
 */
export const DOCUMENT_ID = "https://tsuzuku.dev/openapi.json";

/** Validates `data` against the schema at `pointer` (a JSON pointer into openapi.json); the errors, or []. */
export type SchemaCheck = (pointer: string, data: unknown) => string[];

type Header = { required?: boolean; schema?: unknown; $ref?: string };
type Operation = { responses: Record<string, { $ref?: string; headers?: Record<string, Header>; content?: Record<string, { schema?: unknown }> }> };
const routes = Object.entries(openapi.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    // `{param}` is one segment; literal segments win over parameters, so try the most literal first.
    pattern: new RegExp("^" + path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{\w+\\?\}/g, "[^/]+") + "$"),
    params: (path.match(/\{/g) ?? []).length,
    op,
  })),
).sort((a, b) => a.params - b.params);

const NONE: Record<string, Header> = {};
const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** The document with an `$id`, for validators that resolve `#/components/…` against it. */
export function documentWithId(): Record<string, unknown> {
  return { ...(openapi as Record<string, unknown>), $id: DOCUMENT_ID };
}

/**
 * Headers a response may carry without the document declaring them: `Content-Type` (the
 * document's `content` says it), the transport's own, `Vary` (for caches), `Cache-Control: no-store`
 * and `X-Content-Type-Options: nosniff` (on every /v1 answer alike, said once in the document's
 * `info.description`: platform/csp apiResponseHeaders) and the CORS protocol's (for browsers).
 * Every other header an answer carries must be declared on its response.
 */
const UNDECLARED = /^(content-type|content-length|date|connection|keep-alive|transfer-encoding|vary|cache-control|x-content-type-options|access-control-.+)$/;

/**
 * What is wrong with one answer, judged by the document: an operation that does not list the
 * status, a header it does not declare, a declared required header missing or a header value its
 * schema refuses, a content type it does not declare, or a body its schema refuses. Routes the
 * document does not describe (/docs, unknown paths) are not checked here.
 */
export function contractViolations(check: SchemaCheck, method: string, url: string, res: { status: number; headers: Headers; body: unknown; text: string }): string[] {
  const path = url.split("?")[0]!;
  const route = routes.find((r) => r.method === method && r.pattern.test(path));
  if (!route) return [];
  const at = `${method} ${route.path} → ${res.status}`;
  const declaredResponse = route.op.responses[String(res.status)];
  if (!declaredResponse) return [`${at}: status not documented`];
  // A response the document shares (`$ref` to #/components/responses/…) is checked where it is written.
  const pointer = typeof declaredResponse.$ref === "string" ? declaredResponse.$ref : `#/paths/${escape(route.path)}/${method.toLowerCase()}/responses/${res.status}`;
  const response = resolved<Operation["responses"][string]>(declaredResponse);
  const wrong = headerViolations(check, at, pointer, response.headers ?? NONE, res.headers);
  if (!response.content) return res.text === "" ? wrong : [...wrong, `${at}: a body where the document declares none`];
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
  if (!(type in response.content)) return [...wrong, `${at}: content type ${type} not documented (${Object.keys(response.content).join(", ")})`];
  if (!type.endsWith("json")) return wrong;
  wrong.push(...check(`${pointer}/content/${escape(type)}/schema`, res.body).map((e) => `${at}: ${e}`));
  // A problem's schema is open (RFC 9457 allows extensions), so an extra member the document does
  // not name would pass the validator unseen: name them here.
  if (type === "application/problem+json" && res.body && typeof res.body === "object") {
    const known = propertiesOf(response.content[type]!.schema);
    for (const key of Object.keys(res.body)) if (!known.has(key)) wrong.push(`${at}: problem member \`${key}\` is not documented`);
  } else {
    // Likewise an object the document does not close (no `additionalProperties: false`): a member it
    // does not name passes the validator, and a client generated from the document never sees it.
    for (const where of undeclaredMembers([response.content[type]!.schema], res.body, "")) wrong.push(`${at}: member ${where} is not documented`);
  }
  return wrong;
}

/** One response's declared headers by lower-case name: where each one's schema is, its type, whether it is required. */
type Declared = Map<string, { name: string; schemaAt: string; type: unknown; required: boolean }>;
const declaredOf = new WeakMap<object, Declared>();

function declared(pointer: string, headers: Record<string, Header>): Declared {
  let found = declaredOf.get(headers);
  if (!found) {
    found = new Map(
      Object.entries(headers).map(([name, header]) => {
        const resolved = resolve(header);
        const schemaAt = typeof header.$ref === "string" ? `${header.$ref}/schema` : `${pointer}/headers/${escape(name)}/schema`;
        return [name.toLowerCase(), { name, schemaAt, type: resolve(resolved.schema).type, required: resolved.required === true }];
      }),
    );
    declaredOf.set(headers, found);
  }
  return found;
}

/**
 * The headers of one answer against its response's `headers` (names case-insensitive, through
 * `$ref`). A value is read as OpenAPI's `simple` style reads it for its schema's type (`42` is
 * the integer 42), as a partner's validating client would, then validated against that schema.
 */
function headerViolations(check: SchemaCheck, at: string, pointer: string, headers: Record<string, Header>, sent: Headers): string[] {
  const wrong: string[] = [];
  const byName = declared(pointer, headers);
  for (const [name, value] of sent) {
    if (UNDECLARED.test(name)) continue;
    const found = byName.get(name);
    if (!found) {
      wrong.push(`${at}: header ${name} is not documented (${[...byName.values()].map((d) => d.name).join(", ") || "none declared"})`);
      continue;
    }
    wrong.push(...check(found.schemaAt, simpleStyle(value, found.type)).map((e) => `${at}: header ${found.name}: ${e}`));
  }
  for (const [name, d] of byName) if (d.required && !sent.has(name)) wrong.push(`${at}: required header ${d.name} is missing`);
  return wrong;
}

/** A header's text as the value its schema's type reads (`simple` style): a number or boolean where that is what it says. */
function simpleStyle(value: string, type: unknown): unknown {
  if ((type === "integer" || type === "number") && /^-?[0-9]+(\.[0-9]+)?$/.test(value)) return Number(value);
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

function resolve(schema: unknown): Record<string, unknown> {
  return resolved(schema) ?? {};
}

/**
 * What a node of openapi.json says once its `$ref`s are followed (a shared response in
 * `#/components/responses`, a shared example in `#/components/examples`, a schema), in openapi.json
 * or in `document` (the one a server serves): for tests that read the document as a partner's tool does.
 */
export function resolved<T = Record<string, unknown>>(node: unknown, document: unknown = openapi): T {
  let s = node as Record<string, unknown>;
  while (s && typeof s.$ref === "string") {
    s = (s.$ref as string).slice(2).split("/").reduce<any>((at, k) => at?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], document);
  }
  return s as T;
}

/** Property names a schema declares, through `$ref` and `allOf`. */
function propertiesOf(schema: unknown): Set<string> {
  const s = resolve(schema);
  const out = new Set(Object.keys((s.properties as object) ?? {}));
  for (const part of (s.allOf as unknown[]) ?? []) for (const k of propertiesOf(part)) out.add(k);
  return out;
}

/**
 * Members of `data` that none of `schemas` (schemas or `$ref`s into openapi.json) declares, as JSON pointers, down through objects and
 * arrays. The schemas are alternatives (through `$ref`, `allOf`, `anyOf`, `oneOf`): a member counts
 * as declared if any of them names it, so a union never reports one of its branches' fields; an
 * alternative whose constant member (`kind: {const: "event"}`, a one-value `enum`) differs from the
 * data's is not the one in use, so a discriminated union is checked by its own branch.
 *
 * Every object is closed unless the document says otherwise: a member must be a named property,
 * or a value of a map (`additionalProperties` with a schema, checked against that schema). An
 * object the document marks open by design (`additionalProperties: true`, as `openObject` in
 * src/platform/openapi.ts writes it: an event's `data` a partner sent) is not looked into. A
 * schema that says nothing (`{}`, `additionalProperties: {}` — a `z.unknown()`, a
 * `z.record(z.string(), z.unknown())`) does not make an object open: its members are reported, so
 * a shape nobody documented cannot pass as "free-form".
 */
export function undeclaredMembers(schemas: unknown[], data: unknown, at = ""): string[] {
  if (data === null || typeof data !== "object") return [];
  const all = schemas.flatMap(alternatives);
  if (Array.isArray(data)) {
    const items = all.map((s) => s.items).filter((i) => i !== undefined);
    return items.length === 0 ? [] : data.flatMap((d, i) => undeclaredMembers(items, d, `${at}/${i}`));
  }
  const record = data as Record<string, unknown>;
  const inUse = all.filter((s) => !constantMismatch(s, record));
  if (inUse.some((s) => s.additionalProperties === true)) return [];
  const maps = inUse.map((s) => s.additionalProperties).filter((a): a is Record<string, unknown> => typeof a === "object" && a !== null && !saysNothing(a as Record<string, unknown>));
  const found: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    const declared = inUse.map((s) => (s.properties as Record<string, unknown> | undefined)?.[key]).filter((p) => p !== undefined);
    if (declared.length === 0 && maps.length === 0) found.push(`${at}/${escape(key)}`);
    else found.push(...undeclaredMembers(declared.length > 0 ? declared : maps, value, `${at}/${escape(key)}`));
  }
  return found;
}

/** A schema with nothing but annotations (`{}`, `{ description }`): it accepts anything and documents no member. */
function saysNothing(schema: Record<string, unknown>): boolean {
  const s = resolve(schema);
  return Object.keys(s).every((k) => k === "description" || k === "example" || k === "title");
}

/** Whether `schema` pins a member to a constant (`const`, or an `enum` of one) that `data` has otherwise. */
function constantMismatch(schema: Record<string, unknown>, data: Record<string, unknown>): boolean {
  for (const [key, p] of Object.entries((schema.properties as Record<string, unknown>) ?? {})) {
    const prop = resolve(p);
    const pinned = "const" in prop ? [prop.const] : Array.isArray(prop.enum) && prop.enum.length === 1 ? prop.enum : null;
    if (pinned && key in data && !pinned.includes(data[key])) return true;
  }
  return false;
}

/** A schema and the schemas it is made of (`allOf`, `anyOf`, `oneOf`), resolved. */
function alternatives(schema: unknown): Record<string, unknown>[] {
  const s = resolve(schema);
  const parts = [...((s.allOf as unknown[]) ?? []), ...((s.anyOf as unknown[]) ?? []), ...((s.oneOf as unknown[]) ?? [])];
  return [s, ...parts.flatMap(alternatives)];
}
