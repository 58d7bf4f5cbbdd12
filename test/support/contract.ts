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

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
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

const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** The document with an `$id`, for validators that resolve `#/components/…` against it. */
export function documentWithId(): Record<string, unknown> {
  return { ...(openapi as Record<string, unknown>), $id: DOCUMENT_ID };
}

/**
 * What is wrong with one answer, judged by the document: an operation that does not list the
 * status, a content type it does not declare, or a body its schema refuses. Routes the document
 * does not describe (/docs, unknown paths) are not checked here.
 */
export function contractViolations(check: SchemaCheck, method: string, url: string, res: { status: number; headers: Headers; body: unknown; text: string }): string[] {
  const path = url.split("?")[0]!;
  const route = routes.find((r) => r.method === method && r.pattern.test(path));
  if (!route) return [];
  const at = `${method} ${route.path} → ${res.status}`;
  const response = route.op.responses[String(res.status)];
  if (!response) return [`${at}: status not documented`];
  if (!response.content) return res.text === "" ? [] : [`${at}: a body where the document declares none`];
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
  if (!(type in response.content)) return [`${at}: content type ${type} not documented (${Object.keys(response.content).join(", ")})`];
  if (!type.endsWith("json")) return [];
  const pointer = `#/paths/${escape(route.path)}/${method.toLowerCase()}/responses/${res.status}/content/${escape(type)}/schema`;
  const wrong = check(pointer, res.body).map((e) => `${at}: ${e}`);
  // A problem's schema is open (RFC 9457 allows extensions), so an extra member the document does
  // not name would pass the validator unseen: name them here.
  if (type === "application/problem+json" && res.body && typeof res.body === "object") {
    const known = propertiesOf(response.content[type]!.schema);
    for (const key of Object.keys(res.body)) if (!known.has(key)) wrong.push(`${at}: problem member \`${key}\` is not documented`);
  }
  return wrong;
}

function resolve(schema: unknown): Record<string, unknown> {
  let s = schema as Record<string, unknown>;
  while (s && typeof s.$ref === "string") {
    s = (s.$ref as string).slice(2).split("/").reduce<any>((node, k) => node?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], openapi);
  }
  return s ?? {};
}

/** Property names a schema declares, through `$ref` and `allOf`. */
function propertiesOf(schema: unknown): Set<string> {
  const s = resolve(schema);
  const out = new Set(Object.keys((s.properties as object) ?? {}));
  for (const part of (s.allOf as unknown[]) ?? []) for (const k of propertiesOf(part)) out.add(k);
  return out;
}
