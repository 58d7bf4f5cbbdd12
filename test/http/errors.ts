import { beforeAll, describe, expect, it } from "vitest";
import openapi from "../../openapi.json";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";
import { syncedPlan } from "../support/synced-plan";

/** A cursor written by hand: base64url JSON, as the API encodes `[list tag, ...key]`. */
const raw = (parts: unknown[]) => btoa(JSON.stringify(parts)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
/** The list tag an issued cursor carries (its first position). */
const tagIn = (cursor: string): string => JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")))[0];

export function errorsSuite(h: () => Harness) {
  describe("error model", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
    });

    const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
    };

    it("malformed JSON → 400 invalid_json, nothing written", async () => {
      const id = uid("C");
      const res = await h().request("PUT", `/v1/customers/${id}`, {
        key: t.key,
        rawBody: '{"name": "佐藤",',
        headers: { "content-type": "application/json" },
      });
      expectProblem(res, 400, "invalid_json");
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).status).toBe(404);
    });

    it("a body that is not UTF-8 → 400 invalid_json, nothing written (not stored as U+FFFD)", async () => {
      const id = uid("C");
      // 佐藤 in Shift_JIS (0x8d 0xb2 0x93 0xa1): what a cart system's CP932 export sends as is.
      const json = new TextEncoder().encode('{"name": "XX"}');
      const bytes = new Uint8Array([...json.slice(0, 10), 0x8d, 0xb2, 0x93, 0xa1, ...json.slice(12)]);
      const res = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, rawBody: bytes, headers: { "content-type": "application/json" } });
      expectProblem(res, 400, "invalid_json");
      expect(res.body.detail).toContain("UTF-8");
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).status).toBe(404);
      // The same name in UTF-8 is taken.
      const ok = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, rawBody: new TextEncoder().encode('{"name": "佐藤"}'), headers: { "content-type": "application/json" } });
      expect(ok.status).toBe(201);
      expect(ok.body.name).toBe("佐藤");
    });

    it("wrong types and unknown fields → 422 with each path", async () => {
      const res = await h().request("PUT", `/v1/customers/${uid("C")}`, {
        key: t.key,
        body: { name: 42, marketingConsent: "yes", favouriteColour: "blue" },
      });
      expectProblem(res, 422, "validation_failed");
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(["name", "marketingConsent"]));
      expect(JSON.stringify(res.body.errors)).toContain("favouriteColour");
    });

    it("arrays nested thousands deep → 400 invalid_json on any operation, at any depth, in a field too; nothing changes", async () => {
      const { customerId, subscriptionId } = await syncedPlan(h(), t);
      const before = (await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: t.key })).body;
      const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
      for (const n of [65, 4_500, 100_000]) {
        const skip = await h().request("POST", `/v1/subscriptions/${subscriptionId}/skip`, { key: t.key, rawBody: deep(n), headers: { "content-type": "application/json" } });
        expectProblem(skip, 400, "invalid_json");
        expect(skip.body.detail).toContain("64");
        const put = await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, rawBody: `{"name":${deep(n)}}`, headers: { "content-type": "application/json" } });
        expectProblem(put, 400, "invalid_json");
      }
      expect((await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: t.key })).body).toEqual(before);
      expect((await h().request("GET", `/v1/customers/${customerId}`, { key: t.key })).body.name).toBe("佐藤 花子");
      // Brackets inside text are not nesting, and 64 levels are read as JSON (then refused for their shape).
      const named = await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: { ...customerBody(), name: "[".repeat(70) + '\\"{ 花子' } });
      expect(named.status).toBe(200);
      expect(named.body.name).toBe("[".repeat(70) + '\\"{ 花子');
      const sixtyFour = await h().request("POST", `/v1/subscriptions/${subscriptionId}/skip`, { key: t.key, rawBody: deep(64), headers: { "content-type": "application/json" } });
      expectProblem(sixtyFour, 422, "validation_failed");
    });

    it("a required body that is absent (no Content-Type, no bytes) → 400 invalid_json on every such operation, nothing written", async () => {
      const customerId = uid("C");
      expect((await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() })).status).toBe(201);
      const bare = await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key });
      expectProblem(bare, 400, "invalid_json");
      expect(bare.body.detail).toContain("needs a JSON body");
      const kept = (await h().request("GET", `/v1/customers/${customerId}`, { key: t.key })).body;
      expect(kept).toMatchObject({ name: "佐藤 花子", email: "hanako.sato@example.jp" });
      // Every operation openapi.json says needs a body, with ids that need not exist: the body is judged first.
      const required = Object.entries(openapi.paths as Record<string, Record<string, { requestBody?: { required?: boolean } }>>).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([, op]) => op.requestBody?.required === true)
          .map(([method, op]) => [method.toUpperCase(), path.replace(/\{\w+\}/g, "x-1")] as const),
      );
      expect(required.length).toBeGreaterThan(15);
      for (const [method, path] of required) {
        const res = await h().request(method, path, { key: t.key });
        expect(`${method} ${path} → ${res.status} ${res.body?.code}`).toBe(`${method} ${path} → 400 invalid_json`);
      }
    });

    it("an optional body left out reads as {}: skip, cancel flow, confirm with no body and no Content-Type", async () => {
      const { customerId, subscriptionId } = await syncedPlan(h(), t);
      const skip = await h().request("POST", `/v1/subscriptions/${subscriptionId}/skip`, { key: t.key });
      expect(skip.status).toBe(200);
      expect(skip.body.change).toMatchObject({ type: "skip" });
      const flow = await h().request("POST", `/v1/subscriptions/${subscriptionId}/cancel-flows`, { key: t.key });
      expect(flow.status).toBe(201);
      const confirm = await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key });
      expect(confirm.status).toBe(200);
      expect((await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: t.key })).body.status).toBe("canceled");
      // Sent as JSON, an empty body is malformed JSON, optional or not.
      const empty = await h().request("POST", `/v1/subscriptions/${subscriptionId}/reactivate`, { key: t.key, rawBody: "", headers: { "content-type": "application/json" } });
      expectProblem(empty, 400, "invalid_json");
    });

    it("a body that is not JSON → 415", async () => {
      const res = await h().request("PUT", `/v1/customers/${uid("C")}`, { key: t.key, rawBody: "name=x", headers: { "content-type": "text/plain" } });
      expectProblem(res, 415, "unsupported_media_type");
    });

    it("an oversize body → 413, nothing written", async () => {
      const id = uid("C");
      const res = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "あ".repeat(400_000) }) });
      expectProblem(res, 413, "payload_too_large");
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).status).toBe(404);
    });

    it("an oversize body announced by Content-Length → 413 with X-Request-Id, as every answer has it", async () => {
      const body = JSON.stringify(customerBody({ name: "あ".repeat(400_000) }));
      const res = await h().request("PUT", `/v1/customers/${uid("C")}`, { key: t.key, rawBody: body, headers: { "content-type": "application/json", "content-length": String(new TextEncoder().encode(body).byteLength), "x-request-id": "big-body-1" }, clientAddress: "203.0.113.41" });
      expectProblem(res, 413, "payload_too_large");
      expect(res.headers.get("x-request-id")).toBe("big-body-1");
      const generated = await h().request("PUT", `/v1/customers/${uid("C")}`, { key: t.key, rawBody: body, headers: { "content-type": "application/json", "content-length": String(new TextEncoder().encode(body).byteLength) }, clientAddress: "203.0.113.41" });
      expect(generated.status).toBe(413);
      expect(generated.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9_=-]+$/);
    });

    it("unknown route → 404 route_not_found; wrong method → 405 with Allow", async () => {
      expectProblem(await h().request("GET", "/v1/nothing-here", { key: t.key }), 404, "route_not_found");
      expectProblem(await h().request("GET", "/nowhere"), 404, "route_not_found");
      const res = await h().request("POST", "/v1/customers/C-1", { key: t.key, body: {} });
      expectProblem(res, 405, "method_not_allowed");
      expect(res.headers.get("allow")).toContain("PUT");
      expect(res.headers.get("allow")).toContain("GET");
    });

    it("a trailing slash → 404 route_not_found that says to drop it, never a missing-record answer", async () => {
      const res = await h().request("GET", "/v1/customers/C-100001/", { key: t.key });
      expectProblem(res, 404, "route_not_found");
      expect(res.body.detail).toContain("GET /v1/customers/C-100001");
      expect(res.body.detail).toMatch(/slash/);
    });

    it("a trailing slash on any documented operation → 404 that names the path without it", async () => {
      const operations = Object.entries(openapi.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
        Object.keys(item).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{\w+\}/g, "X-1") })),
      );
      expect(operations.length).toBeGreaterThan(40);
      for (const { method, path } of operations) {
        const res = await h().request(method, `${path}/`, { key: t.key, body: method === "GET" || method === "DELETE" ? undefined : {} });
        const label = `${method} ${path}/ → ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status, label).toBe(404);
        expect(res.body.code, label).toBe("route_not_found");
        expect(res.body.detail, label).toContain(`use ${method} ${path}.`);
      }
    });

    it("validation messages say the expected form and echo what was sent; unknown keys are named", async () => {
      const res = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, {
        key: t.key,
        body: { customerId: "C-1", nextDeliveryOn: "2026/12/05", quantity: 0, colour: "blue" },
      });
      expectProblem(res, 422, "validation_failed");
      const byPath = Object.fromEntries(res.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
      expect(byPath.nextDeliveryOn).toBe('"2026/12/05" is not a date; use YYYY-MM-DD');
      expect(byPath.quantity).toMatch(/^0: must be at least 1/);
      expect(byPath.colour).toBe('Unknown field "colour"; remove it');
      // Types are named as a reader says them, in both languages.
      const typed = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: { customerId: 7, quantity: 1.5 } });
      const typedByPath = Object.fromEntries(typed.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
      expect(typedByPath.quantity).toBe("1.5 is not a whole number");
      expect(typedByPath.customerId).toBe("7 is not text");
      const typedJa = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: { customerId: 7, quantity: 1.5 }, headers: { "accept-language": "ja" } });
      expect(typedJa.body.errors.find((e: { path: string }) => e.path === "quantity").message).toBe("1.5 は整数ではありません");
    });

    it("a cursor another list issued is refused with 422, not answered with an empty page", async () => {
      const auditLogCursor = raw(["2026-12-01T00:00:00.000Z", "aud_0000"]); // a bare key, as cursors were before they named their list
      for (const path of ["/v1/risk/at-risk", "/v1/risk/at-risk?band=high", `/v1/customers/${uid("C")}/subscriptions`, "/v1/keys", "/v1/knowledge", "/v1/audit-log"]) {
        const cursor = path === "/v1/keys" || path.endsWith("/subscriptions") ? raw([120, "S-1"]) : auditLogCursor;
        const res = await h().request("GET", `${path}${path.includes("?") ? "&" : "?"}cursor=${cursor}`, { key: t.key });
        expectProblem(res, 422, "validation_failed");
        expect(res.body.errors[0].path, path).toBe("query.cursor");
      }
    });

    it("a cursor is good only for the list and filter that issued it, its values checked: another customer's timeline, another band, forged positions → the same 422", async () => {
      const [c1, c2] = [uid("C"), uid("C")];
      const [s1, s2] = [uid("S"), uid("S")];
      for (const c of [c1, c2]) await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      for (const s of [s1, s2]) expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c1) })).status).toBe(201);
      for (const s of [s1, s2]) expect((await h().request("POST", `/v1/subscriptions/${s}/skip`, { key: t.key, body: {} })).status).toBe(200);
      expect((await h().request("POST", `/v1/subscriptions/${s1}/quantity`, { key: t.key, body: { quantity: 2 } })).status).toBe(200);
      for (let i = 0; i < 2; i++) await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: c1 } }); // two audit entries
      const get = (path: string) => h().request("GET", path, { key: t.key });
      const next = async (path: string) => {
        const res = await get(path);
        expect(res.status, path).toBe(200);
        expect(res.body.nextCursor, path).toEqual(expect.any(String));
        return res.body.nextCursor as string;
      };
      const notIssued = (await get("/v1/keys?cursor=not-a-cursor")).body;
      const refused = async (path: string) => {
        const res = await get(path);
        expectProblem(res, 422, "validation_failed");
        expect({ detail: res.body.detail, errors: res.body.errors }, path).toEqual({ detail: notIssued.detail, errors: notIssued.errors });
      };
      // The list it came from takes it; another filter of the same list does not.
      const timeline = await next(`/v1/customers/${c1}/timeline?limit=1`);
      expect((await get(`/v1/customers/${c1}/timeline?limit=1&cursor=${timeline}`)).status).toBe(200);
      await refused(`/v1/customers/${c2}/timeline?cursor=${timeline}`);
      const atRisk = await next("/v1/risk/at-risk?limit=1");
      expect((await get(`/v1/risk/at-risk?limit=1&cursor=${atRisk}`)).status).toBe(200);
      await refused(`/v1/risk/at-risk?band=low&cursor=${atRisk}`);
      const changes = await next(`/v1/subscriptions/${s1}/changes?limit=1`);
      expect((await get(`/v1/subscriptions/${s1}/changes?limit=1&cursor=${changes}`)).status).toBe(200);
      await refused(`/v1/subscriptions/${s2}/changes?cursor=${changes}`);
      const audit = await next("/v1/audit-log?limit=1");
      // Forged, bare or under the list's own tag: a time that is not one, a number no amount reaches.
      await refused(`/v1/audit-log?cursor=${raw(["x' OR 1=1--", "y"])}`);
      await refused(`/v1/audit-log?cursor=${raw([tagIn(audit), "x' OR 1=1--", "y"])}`);
      await refused(`/v1/subscriptions/${s1}/changes?cursor=${raw(["x' OR 1=1--", "y"])}`);
      await refused(`/v1/subscriptions/${s1}/changes?cursor=${raw([tagIn(changes), "x' OR 1=1--", "y"])}`);
      await refused(`/v1/customers/${c1}/timeline?cursor=${raw(["9999-99-99T99:99:99Z", "change", "x"])}`);
      await refused(`/v1/customers/${c1}/timeline?cursor=${raw([tagIn(timeline), "9999-99-99T99:99:99Z", "change", "x"])}`);
      await refused(`/v1/risk/at-risk?cursor=${raw([1e308, "a"])}`);
      await refused(`/v1/risk/at-risk?cursor=${raw([tagIn(atRisk), 1e308, "a"])}`);
    });

    it("limit is plain decimal digits on every list: 1e2, 0x10, a space, 5.0 → 422 on query.limit; a huge count is one error", async () => {
      const { customerId, subscriptionId } = await syncedPlan(h(), t);
      const lists = ["/v1/keys", "/v1/risk/at-risk", "/v1/audit-log", "/v1/knowledge", "/v1/winback/candidates", `/v1/customers/${customerId}/subscriptions`, `/v1/subscriptions/${subscriptionId}/offers?reason=surplus_stock`];
      const get = (path: string, limit: string, lang = "en") => h().request("GET", `${path}${path.includes("?") ? "&" : "?"}limit=${encodeURIComponent(limit)}`, { key: t.key, headers: { "accept-language": lang } });
      for (const path of lists) {
        for (const limit of ["1e2", "0x10", " 5", "5 ", "5.0", "+5", "-1", ""]) {
          const res = await get(path, limit);
          expectProblem(res, 422, "validation_failed");
          expect(res.body.errors, `${path} limit=${JSON.stringify(limit)}`).toEqual([{ path: "query.limit", message: `${JSON.stringify(limit)}: Use plain decimal digits, such as 20` }]);
        }
        // Digits beyond any page, even beyond 2^53: one error, the bound.
        const max = path.includes("/offers") ? 20 : 100;
        const huge = await get(path, "99999999999999999999999");
        expectProblem(huge, 422, "validation_failed");
        expect(huge.body.errors).toEqual([{ path: "query.limit", message: `"99999999999999999999999": must be at most ${max}` }]);
        expect((await get(path, String(max + 1))).body.errors).toEqual([{ path: "query.limit", message: `"${max + 1}": must be at most ${max}` }]);
        expect((await get(path, String(max))).status, path).toBe(200);
        expect((await get(path, "007")).status, path).toBe(200);
      }
      const ja = await get("/v1/keys", "1e2", "ja");
      expect(ja.body.errors).toEqual([{ path: "query.limit", message: "\"1e2\": 20 のように半角数字だけで指定してください" }]);
    });

    it("refuses control characters in any text field, naming the field, and keeps tab and line breaks", async () => {
      const id = uid("C");
      const nul = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "\u0000bad" }) });
      expectProblem(nul, 422, "validation_failed");
      expect(nul.body.errors).toEqual([{ path: "name", message: "Contains the control character U+0000 (at 1); remove it" }]);
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).status).toBe(404);
      const ja = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ address: "東京都\u007f渋谷区" }), headers: { "accept-language": "ja" } });
      expectProblem(ja, 422, "validation_failed");
      expect(ja.body.errors).toEqual([{ path: "address", message: "制御文字 U+007F が含まれています（4文字目）。削除してください" }]);
      const nested = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody("C-1", { product: { sku: "A", name: "青汁\u001b[31m" } }) });
      expectProblem(nested, 422, "validation_failed");
      expect(nested.body.errors.map((e: { path: string }) => e.path)).toEqual(["product.name"]);
      const query = await h().request("GET", `/v1/lookup?phone=${encodeURIComponent("090-1234-5678\u0001")}`, { key: t.key });
      expectProblem(query, 422, "validation_failed");
      expect(query.body.errors).toEqual([{ path: "query.phone", message: expect.stringContaining("U+0001") }]);
      const lines = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ address: "東京都渋谷区\t神南1-2-3\r\nサンハイツ101" }) });
      expect(lines.status).toBe(201);
      // In a bulk sync or an event batch, the item with the character is refused alone; the others apply.
      const [good, bad] = [uid("C"), uid("C")];
      const sync = await h().request("POST", "/v1/sync", { key: t.key, body: { customers: [{ id: good, ...customerBody() }, { id: bad, ...customerBody({ name: "山田\u0000花子" }) }] } });
      expect(sync.status).toBe(200);
      expect(sync.body).toMatchObject({ applied: 1, refused: 1 });
      const refusedItem = sync.body.results.find((r: { id: string }) => r.id === bad);
      expect(refusedItem).toMatchObject({ result: "refused", status: 422, error: { code: "validation_failed", errors: [{ path: "customers.1.name", message: expect.stringContaining("U+0000") }] } });
      expect((await h().request("GET", `/v1/customers/${good}`, { key: t.key })).status).toBe(200);
      expect((await h().request("GET", `/v1/customers/${bad}`, { key: t.key })).status).toBe(404);
      const event = (eventId: string, note: string) => ({ id: eventId, type: "contact.logged", customerId: good, occurredAt: new Date(Date.now() - 60_000).toISOString(), data: { channel: "phone", topic: "inquiry", note } });
      const events = await h().request("POST", "/v1/events", { key: t.key, body: { events: [event(uid("E"), "折り返し希望"), event(uid("E"), "折り返し\u0007希望")] } });
      expect(events.status).toBe(200);
      expect(events.body.results.map((r: { result: string }) => r.result)).toEqual(["accepted", "rejected"]);
      expect(events.body.results[1].error.errors).toEqual([{ path: "events.1.data.note", message: expect.stringContaining("U+0007") }]);
    });

    // JSON can escape half a surrogate pair alone; UTF-8 cannot store it, and reading it back aborted
    // the Node process (libsql) or failed in sqld.
    it("refuses an unpaired surrogate in a write and a sync item, and keeps emoji", async () => {
      const id = uid("C");
      const lone = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "lone \ud800 surrogate" }) });
      expectProblem(lone, 422, "validation_failed");
      expect(lone.body.errors).toEqual([{ path: "name", message: "Contains an unpaired surrogate U+D800 (at 6), which is not a character; remove it" }]);
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).status).toBe(404);
      const [good, bad] = [uid("C"), uid("C")];
      const sync = await h().request("POST", "/v1/sync", { key: t.key, body: { customers: [{ id: good, ...customerBody({ name: "山田 😀" }) }, { id: bad, ...customerBody({ name: "bad \udc00" }) }] } });
      expect(sync.body).toMatchObject({ applied: 1, refused: 1 });
      expect(sync.body.results.find((r: { id: string }) => r.id === bad).error.errors).toEqual([{ path: "customers.1.name", message: expect.stringContaining("U+DC00") }]);
      expect((await h().request("GET", `/v1/customers/${bad}`, { key: t.key })).status).toBe(404);
      const kept = await h().request("GET", `/v1/customers/${good}`, { key: t.key });
      expect(kept.body.name).toBe("山田 😀");
      const sub = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(good, { product: { sku: "A", name: "青汁\udfff" } }) });
      expect(sub.body.errors.map((e: { path: string }) => e.path)).toEqual(["product.name"]);
    });

    it("refuses a line break inside a name, a product or a key label, and writes nothing", async () => {
      const id = uid("C");
      const name = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "山田\n花子" }) });
      expectProblem(name, 422, "validation_failed");
      expect(name.body.errors).toEqual([{ path: "name", message: '"山田\\n花子": Write it on one line, without line breaks' }]);
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).status).toBe(404);
      const ja = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "山田\u2028花子" }), headers: { "accept-language": "ja" } });
      expect(ja.body.errors).toEqual([{ path: "name", message: '"山田\u2028花子": 改行を含めず、1行で入力してください' }]);
      expect((await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody() })).status).toBe(201);
      const product = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(id, { product: { sku: "AOJIRU\r30", name: "青汁\r\n30包" } }) });
      expectProblem(product, 422, "validation_failed");
      expect(product.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["product.name", "product.sku"]);
      const key = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "IVR\nproduction", scopes: ["read"] } });
      expectProblem(key, 422, "validation_failed");
      expect(key.body.errors.map((e: { path: string }) => e.path)).toEqual(["name"]);
    });

    it("refuses a line break or a tab in an offer's or a knowledge entry's title, and keeps them in its body", async () => {
      const offer = (title: { ja: string; en: string }) => ({
        type: "skip",
        parameters: { mode: "skip", count: 1 },
        copy: { title, description: { ja: "{skippedDeliveryOn}を\nお休みします", en: "We skip\t{skippedDeliveryOn}" } },
        eligibility: { reasons: ["other"] },
      });
      const offerId = `off_${uid("t")}`;
      const broken = await h().request("PUT", `/v1/offers/${offerId}`, { key: t.key, body: offer({ ja: "次回を\nお休み", en: "Skip\u2028once" }) });
      expectProblem(broken, 422, "validation_failed");
      expect(broken.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["copy.title.en", "copy.title.ja"]);
      const tab = await h().request("PUT", `/v1/offers/${offerId}`, { key: t.key, body: offer({ ja: "次回を\tお休み", en: "Skip once" }), headers: { "accept-language": "ja" } });
      expect(tab.body.errors).toEqual([{ path: "copy.title.ja", message: '"次回を\\tお休み": タブを含めずに入力してください' }]);
      expect((await h().request("GET", `/v1/offers/${offerId}`, { key: t.key })).status).toBe(404);
      expect((await h().request("PUT", `/v1/offers/${offerId}`, { key: t.key, body: offer({ ja: "次回をお休み", en: "Skip once" }) })).status).toBe(201);

      const entry = (title: { ja: string; en: string }) => ({ title, body: { ja: "1日1包を\n水に溶かして", en: "One sachet a day,\r\nin water" }, category: null, topic: "usage_advice", reasons: [] });
      const entryId = uid("kb");
      const knowledge = await h().request("PUT", `/v1/knowledge/${entryId}`, { key: t.key, body: entry({ ja: "青汁の\r\n飲み方", en: "How to take aojiru" }) });
      expectProblem(knowledge, 422, "validation_failed");
      expect(knowledge.body.errors).toEqual([{ path: "title.ja", message: '"青汁の\\r\\n飲み方": Write it on one line, without line breaks' }]);
      expect((await h().request("GET", `/v1/knowledge/${entryId}`, { key: t.key })).status).toBe(404);
      expect((await h().request("PUT", `/v1/knowledge/${entryId}`, { key: t.key, body: entry({ ja: "青汁の飲み方", en: "How to take aojiru" }) })).status).toBe(201);
    });

    it("blank or invisible human text is refused with one clear message; bidi controls in names and ids operators read are refused; what is trimmed is what the docs say", async () => {
      const blank = ["", "   ", "\u3000\u3000", "\u200b", "\u2060\ufeff"];
      const id = uid("C");
      expect((await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody() })).status).toBe(201);
      for (const name of [...blank, "\u202e", "佐藤\u202e子花"]) {
        const res = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name }) });
        expectProblem(res, 422, "validation_failed");
        expect(res.body.errors).toHaveLength(1);
        expect(res.body.errors[0].path).toBe("name");
        expect(res.body.errors[0].message).toMatch(name.includes("\u202e") && name.length > 1 ? /text-direction/ : /visible text/);
        expect(res.body.errors[0].message).not.toMatch(/got \d|at least/);
      }
      const ja = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "\u3000\u3000" }), headers: { "accept-language": "ja" } });
      expect(ja.body.errors[0].message).toContain("表示される文字を入力してください");
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).body.name).toBe("佐藤 花子");
      // Trimmed at either end (U+3000 and U+FEFF too), as the schema says; the rest as sent, right-to-left letters included.
      const trimmed = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "\u3000佐藤 花子\ufeff" }) });
      expect(trimmed.body.name).toBe("佐藤 花子");
      const documented = (openapi as any).components.schemas.UpsertCustomer.properties.name.description as string;
      expect(documented).toContain("U+FEFF");
      expect((await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "Layla ليلى" }) })).body.name).toBe("Layla ليلى");

      const entry = (title: string, body: string) => ({ title: { ja: title, en: "How to take it" }, body: { ja: body, en: "Mix with water." }, topic: "usage_advice" });
      for (const text of blank) {
        const res = await h().request("PUT", `/v1/knowledge/${uid("kb")}`, { key: t.key, body: entry(text, text) });
        expectProblem(res, 422, "validation_failed");
        expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["body.ja", "title.ja"]);
      }
      expect((await h().request("PUT", `/v1/knowledge/${uid("kb")}`, { key: t.key, body: entry("\u202e飲み方", "水で") })).status).toBe(422);

      for (const body of [{ operatorId: " ", operatorName: "佐々木 美咲" }, { operatorId: "\u200b", operatorName: "佐々木 美咲" }, { operatorId: "op-1", operatorName: "佐々木\u202e 美咲" }, { operatorId: "op\u2066-1", operatorName: "佐々木 美咲" }]) {
        const res = await h().request("POST", "/v1/console-sessions", { key: t.key, body });
        expectProblem(res, 422, "validation_failed");
      }
    });

    it("titles and details follow Accept-Language (ja, en) with Content-Language and Vary", async () => {
      const ja = await h().request("GET", "/v1/customers/C-1", { key: null, headers: { "accept-language": "ja,en;q=0.8" } });
      expectProblem(ja, 401, "missing_api_key");
      expect(ja.body.title).toBe("API キーが必要です");
      expect(ja.headers.get("content-language")).toBe("ja");
      expect(ja.headers.get("vary")).toMatch(/Accept-Language/i);
      const en = await h().request("PUT", `/v1/customers/${uid("C")}`, { key: t.key, body: { name: 1 }, headers: { "accept-language": "en-GB" } });
      expect(en.headers.get("content-language")).toBe("en");
      expect(en.body.title).toBe("The request is not valid");
      const jaField = await h().request("PUT", `/v1/customers/${uid("C")}`, { key: t.key, body: { name: "x", email: "nope" }, headers: { "accept-language": "ja" } });
      expect(jaField.body.detail).toBe("正しくない項目があります。");
      expect(jaField.body.errors.find((e: { path: string }) => e.path === "email").message).toMatch(/^"nope" は正しい形式ではありません/);
      // Every field message follows Accept-Language: zod's issues, a schema's own rule, a route's own check.
      const missing = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: { customerId: "a b", quantity: 0 }, headers: { "accept-language": "ja" } });
      const missingByPath = Object.fromEntries(missing.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
      expect(missingByPath).toMatchObject({ intervalDays: "必須です（数値）", quantity: "0: 1以上にしてください", customerId: "\"a b\": A–Z、a–z、0–9 と . _ : - の1〜128文字で指定してください" });
      expect(JSON.stringify(missing.body.errors)).not.toMatch(/[A-Z][a-z]+ [a-z]+ /); // no English sentence left
      const phone = await h().request("GET", "/v1/lookup?phone=abc", { key: t.key, headers: { "accept-language": "ja" } });
      expect(phone.body.errors).toEqual([{ path: "query.phone", message: expect.stringMatching(/^"abc" は電話番号として読み取れません/) }]);
      const bothEn = await h().request("GET", "/v1/lookup?phone=1&email=a%40b.jp", { key: t.key });
      expect(bothEn.body.errors).toEqual([{ path: "query.phone", message: "Give exactly one of phone, email and customerId" }]);
      const bothJa = await h().request("GET", "/v1/lookup?phone=1&email=a%40b.jp", { key: t.key, headers: { "accept-language": "ja" } });
      expect(bothJa.body.errors).toEqual([{ path: "query.phone", message: "phone、email、customerId のうちひとつだけを指定してください" }]);
    });

    it("every response carries X-Request-Id, echoing the caller's", async () => {
      const mine = await h().request("GET", "/health", { headers: { "x-request-id": "ivr-call-0001" } });
      expect(mine.headers.get("x-request-id")).toBe("ivr-call-0001");
      const generated = await h().request("GET", "/v1/customers/x", { key: null });
      expect(generated.headers.get("x-request-id")).toMatch(/.{8,}/);
    });
  });
}
