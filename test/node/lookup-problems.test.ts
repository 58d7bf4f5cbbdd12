import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateLimitConfigFromEnv } from "../../src/platform/rate-limit";
import { resolved } from "../support/contract";
import { customerBody, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// Node's in-memory limits can be set low; the Workers bindings' are fixed (wrangler.toml), so this runs on Node only.
describe("the data dip's problems: each with a line for the caller", () => {
  let h: NodeHarness;
  let t: TestTenant;
  beforeAll(async () => {
    h = await nodeHarness({ rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "2", RATE_LIMIT_FAILED_AUTH: "1" }) });
    t = await h.tenant();
  });
  afterAll(() => h.close());

  it("over the per-key rate limit: 429 with a line for the caller to hold or call back, in the answer's language; other operations' 429 carry none", async () => {
    // Each answer is held to openapi.json by the harness: `speech` is documented (and required) on this 429.
    const [ja, en, other] = [await t.keyWith(["read"]), await t.keyWith(["read"]), await t.keyWith(["read"])];
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.request("GET", "/v1/lookup?phone=0312345678", { key: ja })).status);
    expect(statuses).toEqual([404, 404, 429]);
    // No Accept-Language: the shop's language, as the answer's speech.
    const over = await h.request("GET", "/v1/lookup?phone=0312345678", { key: ja });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({
      code: "rate_limited",
      retryAfterSeconds: 60,
      speech: "お電話ありがとうございます。ただいま大変混み合っております。このままお待ちいただくか、時間をおいておかけ直しください。",
    });
    for (let i = 0; i < 2; i++) await h.request("GET", `/v1/lookup?customerId=C-${i}`, { key: en });
    const english = await h.request("GET", "/v1/lookup?customerId=C-9", { key: en, headers: { "accept-language": "en" } });
    expect(english.status).toBe(429);
    expect(english.body.speech).toBe("Thank you for calling. We are very busy right now. Please hold, or call back a little later.");
    expect(english.body.detail).toMatch(/^Too many requests/);

    for (let i = 0; i < 2; i++) await h.request("GET", "/v1/keys", { key: other });
    const keys = await h.request("GET", "/v1/keys", { key: other });
    expect(keys.status).toBe(429);
    expect(keys.body).not.toHaveProperty("speech");
  });

  it("a refused key over the failed-key limit gets the line too (no shop known: Accept-Language, else Japanese)", async () => {
    // Over a socket: the failed-key limit counts by client address (here the socket's peer).
    const address = "203.0.113.77";
    expect((await h.request("GET", "/v1/lookup?phone=0312345678", { key: "tsz_wrong_1", clientAddress: address })).status).toBe(401);
    const over = await h.request("GET", "/v1/lookup?phone=0312345678", { key: "tsz_wrong_2", clientAddress: address });
    expect(over.status).toBe(429);
    expect(over.body.speech).toBe("お電話ありがとうございます。ただいま大変混み合っております。このままお待ちいただくか、時間をおいておかけ直しください。");
    const en = await h.request("GET", "/v1/lookup?phone=0312345678", { key: "tsz_wrong_3", clientAddress: address, headers: { "accept-language": "en-US" } });
    expect(en.body.speech).toBe("Thank you for calling. We are very busy right now. Please hold, or call back a little later.");
  });

  it("documents on each problem the line it sends, as required members, with the real line as the example", async () => {
    type Problem = { schema: { required: string[] }; examples: Record<string, { value: Record<string, unknown> }> };
    const doc = JSON.parse(readFileSync(new URL("../../openapi.json", import.meta.url), "utf8"));
    // Through the document's $refs, as a partner's tool reads it (a shared example is written once in components).
    const problem = (status: string): Problem => {
      const media = resolved<{ content: Record<string, Problem> }>(doc.paths["/v1/lookup"].get.responses[status], doc).content["application/problem+json"]!;
      return { schema: media.schema, examples: Object.fromEntries(Object.entries(media.examples).map(([code, e]) => [code, resolved(e, doc)])) };
    };
    const u = await h.tenant();
    for (const id of ["C-A", "C-B"]) await h.request("PUT", `/v1/customers/${id}`, { key: u.key, body: customerBody({ phone: "03-5555-6666" }) });
    // No Accept-Language in a Japanese shop: what the examples show (a key each: this harness allows two requests a minute).
    const ask = async (query: string) => h.request("GET", `/v1/lookup?${query}`, { key: await u.keyWith(["read"]) });
    const sent = { "404": await ask("customerId=C-NOBODY"), "409": await ask("phone=0355556666"), "422": await ask("phone=abc") };
    for (const [status, res] of Object.entries(sent)) {
      expect(res.status).toBe(Number(status));
      expect(problem(status).schema.required, status).toContain("speech");
      expect(Object.values(problem(status).examples)[0]!.value.speech, status).toBe(res.body.speech);
    }
    expect(problem("409").schema.required).toContain("candidates");
    expect(problem("429").schema.required).toContain("speech");
    expect(problem("429").examples.rate_limited!.value.speech).toBe("お電話ありがとうございます。ただいま大変混み合っております。このままお待ちいただくか、時間をおいておかけ直しください。");
  });
});
